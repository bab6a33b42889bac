"""Synthetic rosters at scale, written with xlsxwriter (constant memory) in the messy kelurahan shape:
a title block, a header, merged KELURAHAN cells, text NIKs, real date cells and text dates, a signature block."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from psmctl.rules.nik import format_nik

KELURAHAN = [
    ("Banjaran", "Kota"), ("Pakelan", "Kota"), ("Semampir", "Kota"), ("Setonopande", "Kota"),
    ("Bandar Lor", "Mojoroto"), ("Sukorame", "Mojoroto"), ("Campurejo", "Mojoroto"), ("Lirboyo", "Mojoroto"),
    ("Bangsal", "Pesantren"), ("Pakunden", "Pesantren"), ("Tosaren", "Pesantren"), ("Burengan", "Pesantren"),
]  # fmt: skip
KEC_CODE = {"Mojoroto": "357101", "Kota": "357102", "Pesantren": "357103"}
FIRST = ["Budi", "Siti", "Agus", "Sri", "Dwi", "Eko", "Rina", "Wahyu", "Nur", "Ahmad", "Dewi", "Yuli", "Bambang"]
LAST = ["Santoso", "Rahayu", "Wijaya", "Lestari", "Hidayat", "Susanto", "Purnomo", "Wulandari", "Saputra"]
HEADER = ["NO", "NAMA LENGKAP", "NIK", "L/P", "TEMPAT LAHIR", "TGL LAHIR", "ALAMAT", "RT/RW", "NO HP",
          "KELURAHAN", "KECAMATAN", "JABATAN"]  # fmt: skip
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]  # fmt: skip


def person(i: int, rng: random.Random) -> tuple[str, str, str, dt.date, str, str]:
    """(nama, nik, L/P, birth date, kelurahan, kecamatan) for row i; NIK unique by serial."""
    kel, kec = KELURAHAN[i % len(KELURAHAN)]
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 40 * 365))
    female = rng.random() < 0.5
    nik = format_nik(KEC_CODE[kec], born, "P" if female else "L", i % 9000 + 1)
    nama = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
    return nama, nik, "P" if female else "L", born, kel, kec


def _merge(ws: object, r0: int, r1: int, col: int) -> None:
    """Record a merged range without xlsxwriter's padding blanks (they would flush rows in constant_memory)."""
    if r1 > r0:
        ws.merge.append([r0, col, r1, col])  # type: ignore[attr-defined]


def write_roster(path: Path, n: int, *, seed: int = 7) -> Path:
    """A roster of n people, sorted by kelurahan with merged KELURAHAN cells, a title block and a footer.

    The mess is the kind offices send (a few percent of rows): NIKs in number cells or typed with spaces, a
    truncated NIK now and then, L/P written out, dates as text in several shapes, phones with +62 or stored as
    numbers or missing, names in capitals with double spaces, a blank line between pages, KELURAHAN merged
    down each page-sized block and spelled with a prefix.
    """
    import xlsxwriter

    rng = random.Random(seed)
    people = sorted((person(i, rng) for i in range(n)), key=lambda p: (p[5], p[4]))
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet("PSM")
    datefmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    ws.write_string(0, 0, "DAFTAR NAMA PEKERJA SOSIAL MASYARAKAT (PSM)")
    ws.write_string(1, 0, "KOTA KEDIRI")
    ws.write_string(2, 0, "TAHUN 2025")
    for c, label in enumerate(HEADER):
        ws.write_string(4, c, label)
    seen: set[str] = set()
    r = 5
    block_start, block_kel = r, ""
    for i, (nama, nik, jk, born, kel, kec) in enumerate(people):
        if nik in seen:
            continue
        seen.add(nik)
        if i and i % 5000 == 0:  # a blank line between printed pages
            _merge(ws, block_start, r - 1, 9)
            r += 1
            block_start, block_kel = r, ""
        if kel != block_kel or r - block_start >= 40:
            _merge(ws, block_start, r - 1, 9)
            block_start, block_kel = r, kel
            ws.write_string(r, 9, f"KEL. {kel.upper()}" if i % 19 == 0 else kel)
        ws.write_number(r, 0, i + 1)
        ws.write_string(r, 1, nama.upper().replace(" ", "  ", 1) if i % 17 == 0 else nama)
        if i % 97 == 5:
            ws.write_number(r, 2, int(nik))  # NIK typed into a number cell
        elif i % 53 == 7:
            ws.write_string(r, 2, f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}")
        elif i % 503 == 11:
            ws.write_string(r, 2, nik[:15])  # a digit lost
        else:
            ws.write_string(r, 2, nik)
        if i % 7 == 0:
            ws.write_string(r, 3, "Perempuan" if jk == "P" else "Laki-laki")
        elif i % 11 == 0:
            ws.write_string(r, 3, "PR" if jk == "P" else "LK")
        else:
            ws.write_string(r, 3, jk)
        ws.write_string(r, 4, ("Kediri", "KEDIRI", "Nganjuk", "Blitar", "kediri")[i % 5])
        if i % 3:
            ws.write_datetime(r, 5, dt.datetime(born.year, born.month, born.day), datefmt)  # noqa: DTZ001
        elif i % 10 == 3:
            ws.write_string(r, 5, f"{born.day} {MONTHS[born.month - 1]} {born.year}")
        elif i % 41 == 0:
            ws.write_string(r, 5, f"{born.day}/{born.month}/{born.year % 100:02d}")
        else:
            ws.write_string(r, 5, f"{born.day:02d}-{born.month:02d}-{born.year}")
        ws.write_string(r, 6, f"Jl. Mawar No. {i % 200 + 1}")
        ws.write_string(r, 7, f"{i % 12 + 1:03d}/{i % 5 + 1:03d}")
        phone = rng.randrange(10**9, 10**10)
        if i % 13 == 0:
            ws.write_string(r, 8, f"+62 8{str(phone)[:2]}-{str(phone)[2:6]}-{str(phone)[6:]}")
        elif i % 31 == 0:
            ws.write_number(r, 8, 8 * 10**10 + phone)  # a number cell drops the leading 0
        elif i % 29 != 0:  # some rows have no phone
            ws.write_string(r, 8, f"08{phone}")
        ws.write_string(r, 10, kec)
        ws.write_string(r, 11, "Ketua" if i % 250 == 0 else ("Sekretaris" if i % 250 == 1 else "Anggota"))
        r += 1
    _merge(ws, block_start, r - 1, 9)
    ws.write_string(r + 1, 9, "Kediri, 12 Januari 2025")
    ws.write_string(r + 2, 9, "Kepala Dinas Sosial")
    ws.write_string(r + 5, 9, "NIP. 19700101 199003 1 005")
    wb.close()
    return path


def write_roster_ods(path: Path, n: int, *, seed: int = 7) -> Path:
    """The roster of `write_roster` as LibreOffice saves it in .ods: the same cells (numbers with office:value,
    date cells with office:date-value), KELURAHAN spans on their top cell with covered cells below, and the trailing
    empty cells and rows repeated to the sheet's edge."""
    import zipfile
    from xml.sax.saxutils import escape

    import python_calamine as pc

    xlsx = write_roster(path.with_suffix(".xlsx"), n, seed=seed)
    book = pc.CalamineWorkbook.from_path(str(xlsx))
    sheet = book.get_sheet_by_name("PSM")
    rows = sheet.to_python(skip_empty_area=False)
    spans = {(r0, c0): r1 - r0 + 1 for (r0, c0), (r1, _c1) in sheet.merged_cell_ranges or []}
    covered = {(r, c0) for (r0, c0), n_rows in spans.items() for r in range(r0 + 1, r0 + n_rows)}
    xlsx.unlink()

    end = "</table:table-cell>"

    def cell(r: int, c: int, value: object) -> str:
        if (r, c) in covered:
            return "<table:covered-table-cell/>"
        span = (
            f' table:number-rows-spanned="{spans[(r, c)]}" table:number-columns-spanned="1"' if (r, c) in spans else ""
        )
        if value == "":
            return f"<table:table-cell{span}/>"
        if isinstance(value, int | float):
            return (f'<table:table-cell{span} office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p>{end}")  # fmt: skip
        if isinstance(value, dt.date):
            day = value.date() if isinstance(value, dt.datetime) else value
            return (f'<table:table-cell{span} table:style-name="ce1" office:value-type="date" '
                    f'office:date-value="{day.isoformat()}"><text:p>{day:%d-%m-%Y}</text:p>{end}')  # fmt: skip
        return f'<table:table-cell{span} office:value-type="string"><text:p>{escape(str(value))}</text:p>{end}'

    trailing = '<table:table-cell table:number-columns-repeated="1012"/>'
    ns = " ".join(f'xmlns:{p}="urn:oasis:names:tc:opendocument:xmlns:{u}"' for p, u in
                  (("office", "office:1.0"), ("table", "table:1.0"), ("text", "text:1.0")))  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                   'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')  # fmt: skip
        with z.open("content.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
                     '<office:body><office:spreadsheet><table:table table:name="PSM">'
                     '<table:table-column table:number-columns-repeated="1024"/>'.encode())  # fmt: skip
            for r, row in enumerate(rows):
                cells = "".join(cell(r, c, v) for c, v in enumerate(row))
                fh.write(f"<table:table-row>{cells}{trailing}</table:table-row>".encode())
            fh.write(f'<table:table-row table:number-rows-repeated="{1048576 - len(rows)}"><table:table-cell '
                     'table:number-columns-repeated="1024"/></table:table-row></table:table></office:spreadsheet>'
                     "</office:body></office:document-content>".encode())  # fmt: skip
    return path

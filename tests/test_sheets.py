"""sheets.py: real files in, typed rows out; hostile or broken files refused with one line naming the file."""

from __future__ import annotations

import datetime as dt
import os
import random
import time
import zipfile
from pathlib import Path

import openpyxl  # noqa: TID253 - the CLI-startup ban does not concern tests
import pytest

from builders import roster_row, write_roster_xlsx, write_rows_xlsx
from psmctl.errors import InputError
from psmctl.importing import sheets

NIK1 = "3571011708900001"


def _refused(path: Path, **kwargs: int) -> str:
    with pytest.raises(InputError) as exc:
        sheets.read_tables(path, **kwargs)
    msg = str(exc.value)
    assert "\n" not in msg and "\r" not in msg, msg
    assert path.name in msg, msg
    assert "Traceback" not in msg
    return msg


# --- what comes back ------------------------------------------------------------------------------------------


def test_xlsx_cell_types_and_merged_cells(tmp_path: Path) -> None:
    path = write_rows_xlsx(
        tmp_path / "campur.xlsx",
        {
            "Data": [
                ["KELURAHAN", "NIK", "TGL", "JAM", "ANGKA"],
                ["Banjaran", NIK1, dt.date(1990, 8, 17), dt.datetime(2025, 1, 15, 8, 30), 3571011708900001],
                [None, "3571015708900002", None, None, 12.5],
                [None, None, None, None, 7],
            ],
            "Kedua": [["NAMA"], ["Siti"]],
        },
        merges={"Data": ["A2:A4"]},
    )
    data, kedua = sheets.read_tables(path)
    assert data.name == "Data" and kedua.name == "Kedua"
    assert [r[0] for r in data.rows] == ["KELURAHAN", "Banjaran", "Banjaran", "Banjaran"]  # vertical merge filled
    assert data.merged == [((1, 0), (3, 0))]
    assert data.rows[1][1] == NIK1 and isinstance(data.rows[1][1], str)
    assert data.rows[1][2] == dt.date(1990, 8, 17) and type(data.rows[1][2]) is dt.date
    assert data.rows[1][3] == dt.datetime(2025, 1, 15, 8, 30)
    number = data.rows[1][4]
    assert isinstance(number, float) and number == 3571011708900001.0  # a number cell, as Excel would hold it
    assert data.rows[2][4] == 12.5
    assert data.rows[3][4] == 7.0 and isinstance(data.rows[3][4], float)
    assert data.rows[2][2] == ""  # empty cells come back as ""
    assert kedua.rows == [["NAMA"], ["Siti"]]


def test_horizontal_and_block_merges_are_filled(tmp_path: Path) -> None:
    path = write_rows_xlsx(
        tmp_path / "blok.xlsx",
        {"S": [["JUDUL", None, None], ["x", "y", "z"], ["BLOK", None, "a"], [None, None, "b"]]},
        merges={"S": ["A1:C1", "A3:B4"]},
    )
    (s,) = sheets.read_tables(path)
    assert s.rows[0] == ["JUDUL", "JUDUL", "JUDUL"]
    assert s.rows[2] == ["BLOK", "BLOK", "a"]
    assert s.rows[3] == ["BLOK", "BLOK", "b"]


def test_roster_builder_file_with_merged_kelurahan_and_numeric_niks(tmp_path: Path) -> None:
    rows = [roster_row(NIK1, "Budi"), roster_row("3571015708900002", "Siti", jk="P")]
    path = write_roster_xlsx(tmp_path / "psm.xlsx", rows, merge_kelurahan=True, nik_as_number=True)
    (s,) = sheets.read_tables(path)
    assert s.name == "PSM"
    kel = s.rows[4].index("KELURAHAN")
    nik = s.rows[4].index("NIK")
    assert [s.rows[5][kel], s.rows[6][kel]] == ["Banjaran", "Banjaran"]
    assert s.rows[5][nik] == 3571011708900001.0 and isinstance(s.rows[5][nik], float)
    assert s.rows[0][0] == s.rows[0][-1] == "DAFTAR NAMA PEKERJA SOSIAL MASYARAKAT (PSM)"


@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / f"daftar_{'titikkoma' if delimiter == ';' else 'koma'}.csv"
    lines = [["NAMA", "NIK", "ALAMAT"], ["Budi", NIK1, "Jl. Mawar 1"], ["Siti, S.Sos", "3571015708900002", "RT 1"]]
    path.write_text(
        "\n".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in line) for line in lines) + "\n",
        encoding="utf-8",
    )
    (s,) = sheets.read_tables(path)
    assert s.name == path.stem
    assert s.rows == lines


def test_csv_with_bom_and_cp1252(tmp_path: Path) -> None:
    utf = tmp_path / "bom.csv"
    utf.write_bytes("NAMA;NIK\nJosé;3571011708900001\n".encode("utf-8-sig"))
    assert sheets.read_tables(utf)[0].rows == [["NAMA", "NIK"], ["José", NIK1]]
    legacy = tmp_path / "ansi.csv"
    legacy.write_bytes("NAMA;NIK\nJosé;3571011708900001\n".encode("cp1252"))
    assert sheets.read_tables(legacy)[0].rows == [["NAMA", "NIK"], ["José", NIK1]]


def test_csv_keeps_scientific_text_as_text(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text("NAMA;NIK\nBudi;3,57101E+15\n", encoding="utf-8")
    assert sheets.read_tables(path)[0].rows[1] == ["Budi", "3,57101E+15"]


def test_csv_cell_spanning_lines_stays_one_cell(tmp_path: Path) -> None:
    path = tmp_path / "alamat.csv"
    path.write_bytes(b'NAMA;ALAMAT;NIK\r\nBudi;"Jl. Mawar 1\r\nRT 01 / RW 02";3571011708900001\r\n')
    (s,) = sheets.read_tables(path)
    assert s.rows == [["NAMA", "ALAMAT", "NIK"], ["Budi", "Jl. Mawar 1\r\nRT 01 / RW 02", NIK1]]
    assert s.text_only


def test_csv_with_a_runaway_quote_is_refused_in_one_line(tmp_path: Path) -> None:
    """An opening quote never closed swallows the rest of the file into one field, past the csv module's limit."""
    path = tmp_path / "rusak.csv"
    path.write_text('NAMA;NIK\n"Budi;3571011708900001\n' + "Siti;3571015708900002\n" * 10_000, encoding="utf-8")
    msg = _refused(path)
    assert "rusak.csv" in msg and "CSV tidak terbaca" in msg and "\n" not in msg


def _write_ods(path: Path) -> Path:
    """A minimal OpenDocument spreadsheet written by hand (no LibreOffice here): mimetype stored first."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )

    def cell(value: str, kind: str = "string", attr: str = "") -> str:
        return f'<table:table-cell office:value-type="{kind}" {attr}><text:p>{value}</text:p></table:table-cell>'

    merged = '<table:table-cell table:number-rows-spanned="2" office:value-type="string"><text:p>Banjaran</text:p>'
    born = cell("17-08-1990", "date", 'office:date-value="1990-08-17"')
    one = cell("1", "float", 'office:value="1"')
    two = cell("2", "float", 'office:value="2"')
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="PSM">'
        f"<table:table-row>{cell('KELURAHAN')}{cell('NIK')}{cell('TGL LAHIR')}{cell('NO')}</table:table-row>"
        f"<table:table-row>{merged}</table:table-cell>{cell(NIK1)}{born}{one}</table:table-row>"
        f"<table:table-row><table:covered-table-cell/>{cell('3571015708900002')}{cell('x')}{two}</table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_ods(tmp_path: Path) -> None:
    (s,) = sheets.read_tables(_write_ods(tmp_path / "daftar.ods"))
    assert s.name == "PSM"
    assert s.rows[0] == ["KELURAHAN", "NIK", "TGL LAHIR", "NO"]
    assert s.rows[1] == ["Banjaran", NIK1, dt.date(1990, 8, 17), 1.0]
    assert s.rows[2][1:] == ["3571015708900002", "x", 2.0]
    assert isinstance(s.rows[2][3], float)


def test_ods_vertical_merge_is_filled(tmp_path: Path) -> None:
    # python-calamine gives no merged ranges for .ods: importing.layout reads the spans from content.xml.
    (s,) = sheets.read_tables(_write_ods(tmp_path / "daftar.ods"))
    assert [s.rows[1][0], s.rows[2][0]] == ["Banjaran", "Banjaran"]


def test_type_is_sniffed_from_bytes_not_name(tmp_path: Path) -> None:
    real = write_rows_xlsx(tmp_path / "a.xlsx", {"S": [["NAMA", "NIK"], ["Budi", NIK1]]})
    renamed = tmp_path / "daftar.xls"
    renamed.write_bytes(real.read_bytes())
    assert sheets.read_tables(renamed)[0].rows == [["NAMA", "NIK"], ["Budi", NIK1]]


# --- refused ---------------------------------------------------------------------------------------------------


def test_truncated_xlsx(tmp_path: Path) -> None:
    real = write_roster_xlsx(tmp_path / "full.xlsx", [roster_row(NIK1, "Budi")])
    data = real.read_bytes()
    cut = tmp_path / "terpotong.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    assert "rusak atau terpotong" in _refused(cut)


def test_random_bytes_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "acak.xlsx"
    path.write_bytes(b"\x00\x17" + random.Random(7).randbytes(4096))
    assert "bukan berkas spreadsheet" in _refused(path)


def test_zip_with_a_text_file_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "arsip.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("catatan.txt", "ini bukan spreadsheet")
    assert "bukan spreadsheet Excel/ODS" in _refused(path)


def test_docx_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "surat.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    assert "dokumen Word" in _refused(path)


def test_html_saved_as_xls(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_text(
        "<!DOCTYPE html><html><body><table><tr><td>NAMA</td><td>NIK</td></tr></table></body></html>",
        encoding="utf-8",
    )
    assert "halaman HTML" in _refused(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "kosong.xlsx"
    path.write_bytes(b"")
    assert "0 byte" in _refused(path)


def test_empty_csv(tmp_path: Path) -> None:
    path = tmp_path / "kosong.csv"
    path.write_bytes(b"")
    assert "0 byte" in _refused(path)


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    assert "folder" in _refused(folder)


def test_missing_file(tmp_path: Path) -> None:
    assert "tidak ditemukan" in _refused(tmp_path / "tidak_ada.xlsx")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_file_without_read_permission(tmp_path: Path) -> None:
    path = write_rows_xlsx(tmp_path / "terkunci.xlsx", {"S": [["NAMA", "NIK"]]})
    path.chmod(0)
    try:
        assert "izin ditolak" in _refused(path)
    finally:
        path.chmod(0o644)


def test_workbook_with_only_a_chart_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    default = wb.active
    assert default is not None
    wb.remove(default)
    wb.create_chartsheet("Grafik")
    path = tmp_path / "grafik.xlsx"
    wb.save(path)
    assert "hanya grafik" in _refused(path)


def test_chart_sheet_beside_a_worksheet_is_skipped(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "PSM"
    ws.append(["NAMA", "NIK"])
    wb.create_chartsheet("Grafik")
    path = tmp_path / "dengan_grafik.xlsx"
    wb.save(path)
    assert [s.name for s in sheets.read_tables(path)] == ["PSM"]


def _zip_bomb(path: Path, mb: int) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = b" " * (1 << 20)
            for _ in range(mb):
                fh.write(chunk)
    return path


def test_zip_bomb_is_refused_before_expanding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _zip_bomb(tmp_path / "bom.xlsx", 300)
    assert path.stat().st_size < 2 * 1024 * 1024  # 300 MB of spaces deflates to well under 2 MB

    def must_not_open(*args: object) -> None:
        raise AssertionError("the workbook was opened before its declared size was checked")

    monkeypatch.setattr(sheets, "_read_calamine", must_not_open)
    start = time.monotonic()
    msg = _refused(path, max_uncompressed_mb=200)
    assert time.monotonic() - start < 1.0
    assert "300 MB" in msg and "batas 200 MB" in msg


def test_a_bomb_under_the_size_limit_is_refused_by_how_much_it_swells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _zip_bomb(tmp_path / "bom.xlsx", 100)  # 100 MB: under the default 1024 MB, but ~1000x its size

    def must_not_open(*args: object) -> None:
        raise AssertionError("the workbook was opened before its ratio was checked")

    monkeypatch.setattr(sheets, "_read_calamine", must_not_open)
    msg = _refused(path)
    assert "batas 100x" in msg and "import.max_compression_ratio" in msg


def test_size_limit_applies_to_ordinary_workbooks_too(tmp_path: Path) -> None:
    path = write_rows_xlsx(tmp_path / "biasa.xlsx", {"S": [["NAMA", "NIK"], ["Budi", NIK1]]})
    assert "batas 0 MB" in _refused(path, max_uncompressed_mb=0)
    assert sheets.read_tables(path, max_uncompressed_mb=1)[0].rows[1] == ["Budi", NIK1]


def _ole2(with_encryption: bool) -> bytes:
    body = b"\x00" * 1024
    if with_encryption:
        body += "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le")
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + body + b"\x00" * 2048


@pytest.mark.parametrize("name", ["terkunci.xlsx", "terkunci.xls"])
def test_encrypted_ole2_workbook(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(_ole2(with_encryption=True))
    assert "kata sandi" in _refused(path)


def test_broken_legacy_xls(tmp_path: Path) -> None:
    path = tmp_path / "lama.xls"
    path.write_bytes(_ole2(with_encryption=False))
    msg = _refused(path)
    assert "rusak atau tidak terbaca" in msg and "simpan ulang sebagai .xlsx" in msg


def test_xlsx_missing_its_parts(tmp_path: Path) -> None:
    # A zip that claims to be a workbook but holds nothing readable.
    path = tmp_path / "setengah.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "bukan xml")
    assert "rusak atau tidak terbaca" in _refused(path)


def test_xml_entity_attack_is_refused_quickly(tmp_path: Path) -> None:
    """A 'billion laughs' DOCTYPE inside a worksheet is refused, not expanded (one line, before any blow-up)."""
    import time
    import zipfile

    import openpyxl as opx

    from psmctl.errors import InputError
    from psmctl.importing.sheets import read_tables

    base = tmp_path / "base.xlsx"
    wb = opx.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["NAMA", "NIK"])
    ws.append(["Budi", "3571011708900001"])
    wb.save(base)
    ents = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = tmp_path / "lol.xlsx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(bomb, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                cut = text.index("?>") + 2 if text.startswith("<?xml") else 0
                text = text[:cut] + f"<!DOCTYPE worksheet [{ents}]>" + text[cut:]
                data = text.replace("Budi", "&l9;").encode()
            zout.writestr(item, data)
    t0 = time.perf_counter()
    with pytest.raises(InputError) as err:
        read_tables(bomb)
    assert time.perf_counter() - t0 < 5  # refused, not expanded to 10^9 'lol's
    assert "lol.xlsx" in str(err.value) and "\n" not in str(err.value)


# --- a long sheet with merged ranges ----------------------------------------------------


def _merged_sheet(tmp_path: Path, *, start_col: int = 1) -> Path:
    """30 rows x 5 columns with merges that start above, inside and across any cut, and one below the data."""
    rows: list[list[object]] = [["JUDUL"] + [None] * 4]
    for i in range(1, 30):
        rows.append([f"kel {i // 7}" if i % 7 == 1 else None, f"n{i}", i, dt.date(1990, 1, 1 + i % 28), None])
    rows[24][4] = "akhir"
    merges = ["A1:E1", "A2:A8", "A9:A15", "A16:A22", "A23:A29", "D3:E5", "B12:C20", "E25:E34"]
    if start_col != 1:  # the same sheet moved right: its used area no longer starts at column A
        rows = [[None] * (start_col - 1) + r for r in rows]
        merges = []
    return write_rows_xlsx(tmp_path / "panjang.xlsx", {"S": rows}, merges={"S": merges})


def test_merged_ranges_fill_every_cell_of_the_range(tmp_path: Path) -> None:
    (whole,) = sheets.read_tables(_merged_sheet(tmp_path))
    assert len(whole.rows) == 34  # the last merge reaches four rows below the data: filled as rows of its own
    assert [r[0] for r in whole.rows[1:9]] == ["kel 0"] * 7 + ["kel 1"] and whole.rows[19][2] == "n11"

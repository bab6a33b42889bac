"""Write the synthetic, messy Kota Kediri rosters in sample_data/ (PSM per kelurahan, TKSK, Tagana).

Every person is invented; NIK serials start at 0101 so no NIK looks like a real person's first entry, yet each
is valid per RULES §3 apart from the deliberate mistakes. Deterministic: fixed seed, fixed reference date, no
clock reads, fixed zip timestamps. The deliberate mistakes are listed in expected_findings.json (and README.md).

Usage: python sample_data/generate.py [--out DIR]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psmctl.rules.months import age_on
from psmctl.rules.nik import format_nik

if TYPE_CHECKING:
    import openpyxl
    from openpyxl.worksheet.worksheet import Worksheet


SEED = 20250115
AS_OF = date(2025, 1, 15)
STAMP = datetime(2025, 1, 15, 8, 0, 0)
HERE = Path(__file__).resolve().parent
KEC = {"Mojoroto": "357101", "Kota": "357102", "Pesantren": "357103"}
KAB_KEDIRI_KEC = [f"3506{i:02d}" for i in range(1, 27)]  # Kabupaten Kediri: NIKs first issued next door

# fmt: off
MALE = ("Agus Budi Slamet Joko Bambang Sugeng Heru Eko Wahyu Hadi Teguh Rudi Yudi Arif Fajar Rizki Dimas Bagus "
        "Ahmad Muhammad Imam Yusuf Hendra Sigit Wawan Didik Anang Ilham Suyanto Sutrisno Mulyono Suprapto Gatot "
        "Harianto Wahyudi Dwi Tri Nur Sholeh").split()
FEMALE = ("Sri Siti Endang Wahyuni Sulastri Sumarni Kartini Dewi Ratna Yuli Eni Anik Rini Indah Fitri Ayu Nining "
          "Umi Puji Tutik Retno Diah Novita Lilis Winarti Mariyam Aminah Sumiati Suparmi Erna Dwi Tri Nur").split()
LAST_M = ("Santoso Wibowo Susanto Setiawan Prasetyo Hidayat Purnomo Wahyudi Kurniawan Saputra Hartono Utomo "
          "Nugroho Fauzi Rohman Hakim Syaifudin Maulana Ardiansyah Sulistyo Widodo Haryanto").split()
LAST_F = ("Rahmawati Handayani Wulandari Ningsih Astuti Purwanti Kusumawati Lestari Rahayu Susilowati Safitri "
          "Suryani Fatmawati Yuliana Anggraini").split()
STREETS = ("Mawar Melati Anggrek Dhoho Brawijaya Diponegoro Hayam-Wuruk Joyoboyo Kawi Semeru Penanggungan "
           "Mayor-Bismo Veteran Pahlawan-Kusuma-Bangsa Sersan-Bahrun Ahmad-Yani Erlangga Imam-Bonjol Pattimura "
           "Urip-Sumoharjo Sunan-Ampel Raung Argowilis Panglima-Sudirman KH-Agus-Salim Kapten-Tendean").split()
PLACES = ["Kediri"] * 12 + ["Nganjuk", "Tulungagung", "Blitar", "Jombang", "Pare", "Surabaya", "Malang", "Trenggalek"]
HP_PREFIX = ["0812", "0813", "0821", "0822", "0852", "0853", "0856", "0857", "0877", "0878", "0895", "0838"]
# fmt: on
MONTHS = ("Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember").split()
ABBR = "Jan Feb Mar Apr Mei Jun Jul Agt Sep Okt Nov Des".split()


@dataclass(frozen=True)
class Person:
    nama: str
    female: bool
    born: date
    tempat: str
    nik: str
    alamat: str
    rt_rw: str
    hp: str  # as it should be stored: 08…


@dataclass(frozen=True)
class Col:
    field: str
    label: str
    parent: str | None = None  # set for the sub-columns of a two-row merged header


class World:
    """The seeded random source and the set of NIKs handed out so far (NIKs stay unique)."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.niks: set[str] = set()

    def person(self, kec: str, *, min_age: int = 18, max_age: int = 65) -> Person:
        rng = self.rng
        female = rng.random() < 0.5
        while True:
            born = date(rng.randint(AS_OF.year - max_age - 1, AS_OF.year - min_age), rng.randint(1, 12), 1)
            born = born.replace(day=rng.randint(1, 28 if born.month == 2 else 30))
            if min_age <= age(born) <= max_age:
                break
        roll = rng.random()  # NIK-04: the NIK keeps the kecamatan where it was first issued
        prefix = kec if roll < 0.85 else rng.choice(list(KEC.values()) if roll < 0.93 else KAB_KEDIRI_KEC)
        nik = self.new_nik(prefix, born, female)
        first, last = (FEMALE, LAST_F) if female else (MALE, LAST_M)
        nama = rng.choice(first) if rng.random() < 0.12 else f"{rng.choice(first)} {rng.choice(last)}"
        if rng.random() < 0.04:
            nama += rng.choice([", S.Pd", ", S.Sos", ", S.E."])
        street = rng.choice(STREETS).replace("-", " ")
        return Person(
            nama=nama,
            female=female,
            born=born,
            tempat=rng.choice(PLACES),
            nik=nik,
            alamat=f"Jl. {street} No. {rng.randint(1, 120)}",
            rt_rw=f"{rng.randint(1, 8):03d}/{rng.randint(1, 12):03d}",
            hp=rng.choice(HP_PREFIX) + "".join(rng.choice("0123456789") for _ in range(rng.randint(7, 8))),
        )

    def new_nik(self, prefix: str, born: date, female: bool) -> str:
        while True:
            serial = self.rng.choice([s for s in range(101, 990) if s % 10])  # never ends in 0: see NIK-02
            nik = format_nik(prefix, born, "P" if female else "L", serial)
            if nik not in self.niks:
                self.niks.add(nik)
                return nik


def age(born: date) -> int:
    return age_on(born, AS_OF)


# --- how offices type the same facts -------------------------------------------------------------------------


def fmt_date(d: date, style: str, rng: random.Random) -> str | int | date:
    month = MONTHS[d.month - 1]
    if style == "long" and d.month in (2, 11) and rng.random() < 0.4:
        month = {2: "Pebruari", 11: "Nopember"}[d.month]  # the old spellings are still typed
    if style == "cell":
        return d  # a real date cell
    if style == "serial":
        return (d - date(1899, 12, 30)).days  # the date column lost its format: 1900-system serial
    return {
        "dash": f"{d.day:02d}-{d.month:02d}-{d.year}",
        "slash": f"{d.day:02d}/{d.month:02d}/{d.year}",
        "dot": f"{d.day:02d}.{d.month:02d}.{d.year}",
        "long": f"{d.day} {month} {d.year}",
        "abbr": f"{d.day} {ABBR[d.month - 1]} {d.year}",
        "legacy": f"{d.day:02d}-{ABBR[d.month - 1].replace('Agt', 'Agu')}-{d.year % 100:02d}",
    }[style]


def fmt_ttl(p: Person, style: str, rng: random.Random) -> str:
    """Combined place and date: "upper" KEDIRI, 17-08-1990; "space" Kediri 17 Agustus 1990; "slashed"
    Kediri/17 Agt 1990; "mix" dash or long; any date style otherwise, after a comma."""
    if style == "mix":
        style = rng.choice(["dash", "dash", "long"])
    when = fmt_date(p.born, {"upper": "dash", "space": "long", "slashed": "abbr"}.get(style, style), rng)
    if style == "upper":
        return f"{p.tempat.upper()}, {when}"
    if style == "space":
        return f"{p.tempat} {when}"
    if style == "slashed":
        return f"{p.tempat}/{when}"
    return f"{p.tempat}, {when}"


def fmt_hp(hp: str, style: str, rng: random.Random) -> str | int | None:
    if rng.random() < 0.05:
        return None  # no phone given
    if style == "number":
        return int(hp)  # typed into a Number column: the leading 0 is gone
    if style == "mixed":
        return rng.choice([f"+62{hp[1:]}", f"62{hp[1:]}", f"{hp[:4]}-{hp[4:8]}-{hp[8:]}", hp])
    return hp


def fmt_jk(female: bool, style: str) -> str:
    return {"LP": ("L", "P"), "long": ("LAKI-LAKI", "PEREMPUAN"), "LKPR": ("LK", "PR")}[style][female]


def record(p: Person, s: Sheet, rng: random.Random, i: int = 99) -> dict[str, object]:
    """One data row in the file's own style."""
    jabatan = ["Ketua", "Sekretaris", "Bendahara"][i] if i < 3 else "Anggota"
    nik: object = int(p.nik) if s.nik == "number" else p.nik
    if s.nik == "spaced" and rng.random() < 0.15:
        nik = rng.choice([f"{p.nik[:4]} {p.nik[4:8]} {p.nik[8:12]} {p.nik[12:]}", "'" + p.nik])
    rt, rw = p.rt_rw.split("/")
    return {
        "nama": p.nama.upper() if s.upper else p.nama,
        "nik": nik,
        "jk": fmt_jk(p.female, s.jk),
        "ttl": fmt_ttl(p, s.ttl, rng),
        "tempat": p.tempat,
        "tgl": fmt_date(p.born, s.tgl, rng),
        "alamat": p.alamat,
        "rt_rw": p.rt_rw,
        "rt": rt,
        "rw": rw,
        "hp": fmt_hp(p.hp, s.hp, rng),
        "kel": s.kel_written,
        "kec": s.kec_written,
        "jabatan": jabatan,
        "ket": None,
    }


# --- writing sheets ---------------------------------------------------------------------------------------


def write_sheet(ws: Worksheet, s: Sheet, records: list[dict[str, object]]) -> list[int]:
    """Title block, header (one or two rows), data, JUMLAH, signature; return the Excel row of each record."""
    from openpyxl.utils import get_column_letter

    cols = LAYOUTS[s.layout]
    width = len(cols)
    r = 1
    for title in s.titles:
        ws.cell(r, 1, title)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        r += 1
    r += s.gap  # some offices leave a blank line under the title
    two = any(c.parent for c in cols)
    for c, col in enumerate(cols, start=1):
        if not two:
            ws.cell(r, c, col.label)
        elif col.parent is None:
            ws.cell(r, c, col.label)
            ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
        else:
            ws.cell(r + 1, c, col.label)
            if c == 1 or cols[c - 2].parent != col.parent:
                span = sum(1 for x in cols if x.parent == col.parent)
                ws.cell(r, c, col.parent)
                ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + span - 1)
    r += 2 if two else 1
    if s.colnum:
        for c in range(1, width + 1):
            ws.cell(r, c, c)
        r += 1
    rows: list[int] = []
    for i, rec in enumerate(records):
        if s.blank_every and i and i % s.blank_every == 0:
            r += 1
        rows.append(r)
        ws.cell(r, 1, i + 1)
        for c, col in enumerate(cols[1:], start=2):
            value = rec.get(col.field)
            cell = ws.cell(r, c, value)
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
            elif col.field == "nik" and isinstance(value, str):
                cell.number_format = "@"
        r += 1
    if s.merge_kel:
        kel_col = next(c for c, col in enumerate(cols, start=1) if col.field == "kel")
        start = 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or rows[i] != rows[i - 1] + 1:
                if i - start > 1:  # Excel keeps only the top cell's value of a merged range
                    ws.merge_cells(start_row=rows[start], start_column=kel_col, end_row=rows[i - 1], end_column=kel_col)
                start = i
    if s.jumlah:
        ws.cell(r, 1, "JUMLAH")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        ws.cell(r, 3, f"{len(records)} orang")
        r += 1
    for offset, line in enumerate(s.signature, start=2):
        if line:
            ws.cell(r + offset, max(2, width - 2), line)
    for c in range(1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 24 if cols[c - 1].field in ("nama", "nik", "ttl") else 14
    return rows


def save(wb: openpyxl.Workbook, path: Path) -> None:
    """Save with fixed core.xml and zip timestamps, so the bytes depend only on the content."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = wb.properties.modified = STAMP
    wb.properties.creator = "Dinas Sosial Kota Kediri (synthetic sample)"
    buf = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)).save()  # wb.save() would stamp "now"
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, STAMP.timetuple()[:6]), src.read(info), zipfile.ZIP_DEFLATED)


# --- the files ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """How one sheet is typed; `mistakes` = (kind, index of the data row before any insert)."""

    layout: str
    titles: tuple[str, ...]
    kel_written: str = ""
    kec_written: str = ""
    ttl: str = "dash"  # combined place/date style, see fmt_ttl
    tgl: str = "cell"  # separate date column style, see fmt_date
    nik: str = "text"  # text | number | spaced (some typed with spaces or a leading apostrophe)
    hp: str = "text"  # text | number | mixed
    jk: str = "LP"  # LP | long | LKPR
    upper: bool = False
    merge_kel: bool = False
    colnum: bool = False
    blank_every: int = 0
    jumlah: bool = False
    gap: int = 0  # blank rows under the title block
    signature: tuple[str | None, ...] = ()
    mistakes: tuple[tuple[str, int], ...] = ()


def layout(spec: str) -> list[Col]:
    """Parse "field=LABEL|field=PARENT>CHILD|…" (PARENT>CHILD = a sub-column under a merged parent)."""
    cols = []
    for item in spec.split("|"):
        field, label = item.split("=")
        parent, _, child = label.rpartition(">")
        cols.append(Col(field, child, parent or None))
    return cols


LAYOUTS = {
    name: layout(spec)
    for name, spec in {
        "default": "no=NO|nama=NAMA LENGKAP|nik=NIK|jk=JENIS KELAMIN|ttl=TEMPAT/TGL LAHIR|alamat=ALAMAT|rt_rw=RT/RW"
        "|hp=NO HP|kel=KELURAHAN|kec=KECAMATAN|jabatan=JABATAN",
        "two_row": "no=NO|nama=NAMA|nik=NIK|jk=L/P|tempat=TEMPAT/TGL LAHIR>TEMPAT|tgl=TEMPAT/TGL LAHIR>TANGGAL LAHIR"
        "|alamat=ALAMAT|rt_rw=RT/RW|kel=KELURAHAN|hp=NO HP|jabatan=JABATAN",
        "split": "no=NO|nama=NAMA|nik=NIK|jk=JK|tempat=TEMPAT LAHIR|tgl=TGL LAHIR|alamat=ALAMAT|rt_rw=RT/RW"
        "|hp=NO TELP|kel=KELURAHAN|kec=KECAMATAN|jabatan=JABATAN",
        "burengan": "no=NO.|nama=NAMA PSM|nik=NO. KTP|jk=L/P|ttl=TTL|alamat=ALAMAT RUMAH|rt=RT|rw=RW|kel=KEL/DESA"
        "|kec=KEC|hp=NO HP/TELP|ket=KET",
        "legacy": "no=NO URUT|nama=NAMA|nik=NO. KTP|jk=L/P|tempat=TEMPAT LAHIR|tgl=TGL LAHIR|alamat=ALAMAT"
        "|kel=DESA/KELURAHAN|ket=KET",
        "tagana": "no=NO|nama=NAMA ANGGOTA|nik=NIK|nia=NIA|jk=JENIS KELAMIN|tempat=TEMPAT LAHIR|tgl=TANGGAL LAHIR"
        "|alamat=ALAMAT|kel=KELURAHAN|kec=KECAMATAN|hp=NO WA|tingkat=TINGKAT",
        "tksk": "no=NO|nama=NAMA TKSK|nik=NIK|jk=JK|tempat=TEMPAT LAHIR|tgl=TGL LAHIR|alamat=ALAMAT|kec=KECAMATAN"
        "|no_sk=NO SK|tmt=TMT|hp=NO HP",
    }.items()
}


def signature(place_date: str, office: str, name: str, nip: str) -> tuple[str | None, ...]:
    return (place_date, "Mengetahui,", office, None, None, name, f"NIP. {nip}")


def psm_titles(kel: str, kec: str, n: int) -> tuple[str, ...]:
    return ("DAFTAR NAMA PEKERJA SOSIAL MASYARAKAT (PSM)", f"KELURAHAN {kel}", f"KECAMATAN {kec}", "TAHUN 2025")[:n]


def lurah(kel: str, day: int, nip: str) -> tuple[str | None, ...]:
    return signature(f"Kediri, {day} Januari 2025", f"Lurah {kel}", "( ........................ )", nip)


DINAS = signature(
    "Kediri, 3 Januari 2025", "Kepala Dinas Sosial Kota Kediri", "NAMA KEPALA DINAS", "19680210 199403 1 008"
)
# One PSM file per kelurahan: (file, kelurahan, kecamatan, rows, how it is typed).
# fmt: off
PSM_FILES: list[tuple[str, str, str, int, Sheet]] = [
    ("psm_kel_banjaran.xlsx", "Banjaran", "Kota", 38, Sheet(
        "default", psm_titles("BANJARAN", "KOTA", 4), "BANJARAN", "KOTA", ttl="upper", upper=True, merge_kel=True,
        jumlah=True, signature=lurah("Banjaran", 13, "19700101 199003 1 005"), mistakes=(("duplicate_same", 31),))),
    ("psm_kel_setonopande.xlsx", "Setonopande", "Kota", 34, Sheet(
        "two_row", ("DAFTAR PEKERJA SOSIAL MASYARAKAT", "KEL. SETONO PANDE KEC. KOTA", "KOTA KEDIRI TAHUN 2025"),
        "Kel. Setono Pande", "Kota", merge_kel=True, colnum=True, signature=lurah("Setonopande", 10,
        "19731212 199303 2 004"), mistakes=(("impossible_date", 17),))),
    ("psm_kel_ringinanom.xlsx", "Ringinanom", "Kota", 36, Sheet(
        "default", psm_titles("RINGIN ANOM", "KOTA", 2), "RINGIN ANOM", "Kota", ttl="space", nik="number",
        hp="number", signature=lurah("Ringinanom", 9, "19680505 198903 1 011"),
        mistakes=(("excel_damaged", 8), ("excel_damaged", 25)))),
    ("psm_kel_semampir.xlsx", "Semampir", "Kota", 30, Sheet(
        "split", psm_titles("SEMAMPIR", "KOTA", 3), "Semampir", "Kota", gap=1, tgl="serial", hp="mixed",
        signature=lurah("Semampir", 14, "19750317 200003 2 002"),
        mistakes=(("nik_15_digits", 12), ("rt_rw_as_date", 21)))),
    ("psm_kel_bandar_lor.xlsx", "Bandar Lor", "Mojoroto", 40, Sheet(
        "default", psm_titles("BANDAR LOR", "MOJOROTO", 4), "Bandar Lor", "Mojoroto", ttl="slashed", jk="long",
        blank_every=10, signature=lurah("Bandar Lor", 8, "19691120 199203 1 007"), mistakes=(("missing_nik", 23),))),
    ("psm_kel_sukorame.xlsx", "Sukorame", "Mojoroto", 35, Sheet(
        "default", psm_titles("SUKORAME", "MOJOROTO", 2), "SUKORAME", "MOJOROTO", ttl="dot", nik="number",
        jk="LKPR", merge_kel=True, jumlah=True, signature=lurah("Sukorame", 6, "19720808 199503 1 003"),
        mistakes=(("excel_damaged", 19),))),
    ("psm_kel_mojoroto.xlsx", "Mojoroto", "Mojoroto", 32, Sheet(
        "default", psm_titles("MOJOROTO", "MOJOROTO", 3), "Kel. Mojoroto", "Kec. Mojoroto", ttl="slash",
        signature=lurah("Mojoroto", 15, "19710213 199403 1 009"), mistakes=(("nik_sex_mismatch", 9),))),
    ("psm_kel_pesantren.xlsx", "Pesantren", "Pesantren", 37, Sheet(
        "two_row", psm_titles("PESANTREN", "PESANTREN", 4), "Pesantren", "Pesantren", merge_kel=True, colnum=True,
        jumlah=True, signature=lurah("Pesantren", 7, "19740606 199803 2 001"), mistakes=(("serial_0000", 28),))),
    ("psm_kel_burengan.xlsx", "Burengan", "Pesantren", 33, Sheet(
        "burengan", ("DATA PSM KELURAHAN BURENGAN", "KECAMATAN PESANTREN KOTA KEDIRI", "TAHUN ANGGARAN 2025"),
        "BURENGAN", "PESANTREN", ttl="mix", nik="spaced", hp="number", gap=1,
        signature=lurah("Burengan", 10, "19660909 198803 1 006"), mistakes=(("duplicate_other", 14),))),
]
LEGACY_SHEETS = [("BANDAR KIDUL", "Bandar Kidul", 20, ()), ("CAMPUREJO", "Campurejo", 22, (("nik_15_digits", 6),)),
                 ("LIRBOYO", "Lirboyo", 18, (("missing_nik", 11),))]
# fmt: on
ISSUE_TEXT = {  # kind: (severity, rule, what is wrong)
    "duplicate_same": ("ERROR", "NIK-11", "the same person typed twice; same NIK as row {dup}"),
    "duplicate_other": ("ERROR", "NIK-11", "NIK copied from row {dup} onto a different person"),
    "impossible_date": ("ERROR", "XLS impossible date", "birth date typed as 31-02-1990 (NIK says 21-02-1990)"),
    "excel_damaged": ("ERROR", "NIK-02", "numeric NIK cell whose 16th digit Excel replaced by 0"),
    "nik_15_digits": ("ERROR", "NIK-01", "NIK has 15 digits (one digit dropped)"),
    "missing_nik": ("ERROR", "XLS NIK missing", "NIK cell empty"),
    "serial_0000": ("ERROR", "NIK-09", "NIK serial 0000"),
    "nik_sex_mismatch": ("WARN", "NIK-10", "NIK day field says the other sex than the JK column"),
    "rt_rw_as_date": ("WARN", "XLS RT/RW as date", "RT/RW 1/2 turned into a date cell by Excel"),
    "over_40": ("WARN", "CAT-02", "Tagana aged over 40 at 2025-01-15"),
    "tmt_over_5_years": ("WARN", "CAT-04", "TKSK TMT more than 5 years before 2025-01-15"),
}


def flip_sex(nik: str) -> str:
    return f"{nik[:6]}{(int(nik[6:8]) + 40) % 80:02d}{nik[8:]}"


def apply_mistake(kind: str, recs: list[dict[str, object]], i: int, p: Person, s: Sheet) -> None:
    """Damage record `i` the way offices do; mark it so the manifest can name its Excel row."""
    if kind == "duplicate_same":
        recs.insert(i + 1, dict(recs[i - 25], _issue=kind, _dup=recs[i - 25]))
        return
    rec = recs[i]
    rec["_issue"] = kind
    if kind == "duplicate_other":
        rec["nik"], rec["_dup"] = recs[i - 1]["nik"], recs[i - 1]
    elif kind == "excel_damaged":
        rec["nik"] = int(p.nik[:-1] + "0")
    elif kind == "nik_15_digits":
        rec["nik"] = p.nik[:9] + p.nik[10:]
    elif kind == "missing_nik":
        rec["nik"] = None
    elif kind == "serial_0000":
        rec["nik"] = p.nik[:12] + "0000"
    elif kind == "nik_sex_mismatch":
        rec["nik"] = flip_sex(p.nik)
    elif kind == "rt_rw_as_date":
        rec["rt_rw"] = datetime(2025, 2, 1)  # "1/2" typed into a General cell
    elif kind == "impossible_date":
        combined = any(c.field == "ttl" for c in LAYOUTS[s.layout])
        rec["ttl" if combined else "tgl"] = f"{p.tempat}, 31-02-1990" if combined else "31-02-1990"


def build_sheet(world: World, s: Sheet, people: list[Person]) -> list[dict[str, object]]:
    """Records for `people` in the sheet's style, with its deliberate mistakes applied."""
    for _, i in [m for m in s.mistakes if m[0] == "impossible_date"]:
        born = date(1990, 2, 21)  # the typist hit 3 for 2: 21-02 became 31-02
        people[i] = replace(people[i], born=born, nik=world.new_nik(people[i].nik[:6], born, people[i].female))
    recs = [record(p, s, world.rng, i) for i, p in enumerate(people)]
    for kind, i in sorted(s.mistakes, key=lambda m: -m[1]):  # from the end, so an insert keeps the indices
        apply_mistake(kind, recs, i, people[i], s)
    return recs


Placed = dict[str, dict[str, Any]]


def write_file(path: Path, sheets: list[tuple[str, Sheet, list[dict[str, object]]]], extra: Any = None) -> Placed:
    """Write the sheets (and raw `extra` sheets); return, per sheet, its records and their Excel rows."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.worksheets[0])
    placed: Placed = {}
    for name, s, recs in sheets:
        rows = write_sheet(wb.create_sheet(name), s, recs)
        placed[name] = {"recs": recs, "rows": rows, "header_row": len(s.titles) + s.gap + 1}
    for name, raw in (extra or {}).items():
        ws = wb.create_sheet(name)
        for line in raw:
            ws.append(line)
    save(wb, path)
    return placed


def tagana(world: World, shared: list[tuple[Person, str, str]]) -> list[tuple[str, Sheet, list[dict[str, object]]]]:
    """Two sheets of members aged 18-40, one member over 40 (WARN) and one listed in both sheets (ERROR)."""
    rng = world.rng
    kelurahan = [(kel, kec) for _, kel, kec, _, _ in PSM_FILES] + [(k, "Mojoroto") for _, k, _, _ in LEGACY_SHEETS]
    shared_niks = {p.nik for p, _, _ in shared}  # their NIK must stay as in the PSM files
    sheets: list[tuple[str, Sheet, list[dict[str, object]]]] = []
    for sheet, n, n_shared, tgl in (("TAGANA 2024", 40, 7, "cell"), ("ANGGOTA BARU 2025", 20, 5, "dash")):
        places = rng.choices(kelurahan, k=n - n_shared)
        members = [(world.person(KEC[kec], max_age=40), kel, kec) for kel, kec in places] + shared[:n_shared]
        shared = shared[n_shared:]
        rng.shuffle(members)
        if sheet == "TAGANA 2024":
            members.insert(33, (world.person(KEC["Kota"], min_age=43, max_age=47), "Kaliombo", "Kota"))
        titles = ("DAFTAR ANGGOTA TARUNA SIAGA BENCANA (TAGANA)", "KOTA KEDIRI")
        s = Sheet("tagana", titles, tgl=tgl, hp="mixed", gap=1, signature=DINAS)
        recs = []
        for p, kel, kec in members:
            rec = record(p, s, rng) | {"kel": rng.choice([kel, kel.upper(), f"Kel. {kel}"]), "kec": kec}
            rec["nia"] = f"TGN.3571.{rng.randint(2015, 2024)}.{rng.randint(1, 999):03d}"
            rec["tingkat"] = rng.choice(["Muda"] * 5 + ["Madya"] * 2 + ["Utama"])
            recs.append(rec)
        if sheet == "TAGANA 2024":
            recs[33]["_issue"] = "over_40"
        else:
            i = next(i for i in range(7, n) if members[i][0].nik not in shared_niks)
            apply_mistake("nik_sex_mismatch", recs, i, members[i][0], s)
            first = sheets[0][2][4]  # a 2024 member typed again among the new ones
            born = first["tgl"]
            if isinstance(born, date):
                recs.insert(15, first | {"tgl": fmt_date(born, "dash", rng), "_issue": "duplicate_same", "_dup": first})
        sheets.append((sheet, s, recs))
    return sheets


def generate(out: Path) -> dict[str, Any]:
    """Write every sample file into `out`; return the manifest (row counts and deliberate mistakes)."""
    world = World()
    rng = world.rng
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Placed] = {}
    shareable: list[tuple[Person, str, str]] = []  # clean PSM rows that may also be Tagana

    for file, kel, kec, n, s in PSM_FILES:
        people = [world.person(KEC[kec]) for _ in range(n)]
        recs = build_sheet(world, s, people)
        bad = {i + d for kind, i in s.mistakes for d in (-25, -1, 0, 1) if kind.startswith("duplicate") or d == 0}
        shareable += [(p, kel, kec) for i, p in enumerate(people) if i not in bad and not s.upper and age(p.born) <= 40]
        written[file] = write_file(out / file, [("PSM", s, recs)])

    # A legacy workbook from the kecamatan: one sheet per kelurahan, two-digit years, no phone column.
    camat = signature("Kediri, 2 Januari 2025", "Camat Mojoroto", "DRS. NAMA CAMAT", "19650403 198603 1 012")
    legacy = []
    for sheet, kel, n, mistakes in LEGACY_SHEETS:
        title = (f"DATA PSM KEL. {sheet} KEC. MOJOROTO",)
        s = Sheet("legacy", title, kel.upper(), tgl="legacy", jk="long", upper=True, signature=camat, mistakes=mistakes)
        legacy.append((sheet, s, build_sheet(world, s, [world.person(KEC["Mojoroto"]) for _ in range(n)])))
    rekap: list[list[object]] = [["REKAPITULASI PSM KECAMATAN MOJOROTO"], [], ["NO", "KELURAHAN", "JUMLAH PSM"]]
    rekap += [[i, kel, n] for i, (_, kel, n, _) in enumerate(LEGACY_SHEETS, start=1)]
    rekap.append([None, "JUMLAH", sum(n for _, _, n, _ in LEGACY_SHEETS)])
    written["psm_kec_mojoroto_lama.xlsx"] = write_file(out / "psm_kec_mojoroto_lama.xlsx", legacy, {"REKAP": rekap})

    # Tagana: some members are also PSM (same NIK, name and birth date; CAT-05).
    written["tagana_kota_kediri.xlsx"] = write_file(
        out / "tagana_kota_kediri.xlsx", tagana(world, rng.sample(shareable, 12))
    )

    # TKSK: one per kecamatan; the Pesantren SK dates from 2018 (masa tugas over 5 years, WARN).
    s = Sheet(
        "tksk", ("DAFTAR TENAGA KESEJAHTERAAN SOSIAL KECAMATAN (TKSK)", "KOTA KEDIRI TAHUN 2025"), signature=DINAS
    )
    tksk = []
    for kec, tmt in (("Mojoroto", date(2021, 3, 1)), ("Kota", date(2023, 1, 2)), ("Pesantren", date(2018, 4, 2))):
        rec = record(world.person(KEC[kec], min_age=30, max_age=55), s, rng) | {"kec": kec, "tmt": tmt}
        rec["no_sk"] = f"188.45/{rng.randint(10, 99)}/419.30/{tmt.year}"
        if tmt.year == 2018:
            rec["_issue"] = "tmt_over_5_years"
        tksk.append(rec)
    written["tksk_kota_kediri.xlsx"] = write_file(out / "tksk_kota_kediri.xlsx", [("TKSK", s, tksk)])
    return manifest(written)


def manifest(written: dict[str, Placed]) -> dict[str, Any]:
    """Row counts per sheet and every deliberate mistake with its Excel row, for the importer's tests."""
    where = {id(rec): (sheet, row) for sheets in written.values() for sheet, pl in sheets.items()
             for rec, row in zip(pl["recs"], pl["rows"], strict=True)}  # fmt: skip
    files: dict[str, Any] = {}
    issues = []
    for file, sheets in written.items():
        files[file] = {}
        for sheet, pl in sheets.items():
            rows = pl["rows"]
            files[file][sheet] = {"header_row": pl["header_row"], "data_rows": len(rows),
                                  "first_data_row": rows[0], "last_data_row": rows[-1]}  # fmt: skip
            for rec, row in zip(pl["recs"], rows, strict=True):
                if "_issue" not in rec:
                    continue
                severity, rule, text = ISSUE_TEXT[rec["_issue"]]
                dup = ""
                if "_dup" in rec:
                    dup_sheet, dup_row = where[id(rec["_dup"])]
                    dup = str(dup_row) if dup_sheet == sheet else f"{dup_row} of sheet '{dup_sheet}'"
                issue = {"file": file, "sheet": sheet, "row": row, "kind": rec["_issue"], "severity": severity}
                issues.append(issue | {"rule": rule, "what": text.format(dup=dup)})
    psm = {str(rec["nik"]): (file, row) for file, sheets in written.items() if file.startswith("psm_")
           for pl in sheets.values() for rec, row in zip(pl["recs"], pl["rows"], strict=True)}  # fmt: skip
    also_psm = [  # CAT-05: the same person in two categories, an INFO and never a rejection
        {"sheet": sheet, "row": row, "psm_file": psm[str(rec["nik"])][0], "psm_row": psm[str(rec["nik"])][1]}
        for sheet, pl in written["tagana_kota_kediri.xlsx"].items()
        for rec, row in zip(pl["recs"], pl["rows"], strict=True)
        if str(rec["nik"]) in psm
    ]
    return {"reference_date": AS_OF.isoformat(), "files": files, "issues": issues, "tagana_also_psm": also_psm}


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the synthetic Kota Kediri sample rosters.")
    parser.add_argument("--out", type=Path, default=HERE, help="directory to write into (default: sample_data/)")
    out = parser.parse_args().out
    result = generate(out)
    (out / "expected_findings.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    for file, sheets in result["files"].items():
        print(file, {sheet: info["data_rows"] for sheet, info in sheets.items()})
    print(f"{len(result['issues'])} deliberate findings; see expected_findings.json")


if __name__ == "__main__":
    main()

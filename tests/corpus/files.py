"""Layouts kelurahan offices really use: title lines, headers, people's rows, JUMLAH rows, signature blocks.

Every function appends to a `Sheet` and returns the Excel row numbers it wrote, so a test can name the row a
finding must be about. Column labels are written exactly as given; `cell_for` knows what each label holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from corpus.people import Person
from corpus.workbook import Cell, Sheet, letter, write_xlsx

LURAH = ["Kediri, 13 Januari 2025", "Mengetahui,", "LURAH JAGALAN", None, None, "SUGENG RIYADI, S.Sos",
         "NIP. 19700512 199303 1 007"]  # fmt: skip
NOTE = object()  # marker: the label is filled by the test, else empty


def title(sheet: Sheet, width: int, *lines: str) -> list[int]:
    """Title lines, each merged across the table as offices centre them."""
    rows = []
    for line in lines:
        r = sheet.add(line)
        if width > 1:
            sheet.merge(f"A{r}:{letter(width)}{r}")
        rows.append(r)
    return rows


def header(sheet: Sheet, labels: Sequence[str]) -> int:
    return sheet.add(*labels)


def numbering(sheet: Sheet, width: int) -> int:
    """The column-number row "1 2 3 …" under the header."""
    return sheet.add(*range(1, width + 1))


def signature(sheet: Sheet, col: int, lines: Sequence[str | None] = LURAH) -> list[int]:
    """A blank row, then the signature block at column `col` (right-hand side)."""
    sheet.blank()
    rows = []
    for line in lines:
        r = sheet.add(*([None] * (col - 1)), line)
        rows.append(r)
    return rows


def cell_for(label: str, p: Person, i: int) -> Cell:
    """What a column of this label holds for person `p` (row number `i`)."""
    key = " ".join(label.upper().replace(".", " ").split())
    table: dict[str, Cell] = {
        "NO": i, "NO URUT": i,
        "NAMA": p.nama, "NAMA LENGKAP": p.nama, "NAMA PSM": p.nama, "NAMA PESERTA": p.nama, "NAMA TKSK": p.nama,
        "NIK": p.nik, "N I K": p.nik, "NOMOR NIK": p.nik, "NO KTP": p.nik, "NIK KTP": p.nik,
        "JNS KELAMIN": p.jk, "JENIS KELAMIN": p.jk, "L/P": p.jk, "JENIS KELAMIN (L/P)": p.jk,
        "TEMPAT, TGL LAHIR": p.ttl, "TEMPAT/TGL LAHIR": p.ttl, "TTL": p.ttl, "TMPT/TGL LAHIR": p.ttl,
        "TTL / UMUR": p.ttl,
        "TEMPAT LAHIR": p.tempat, "TGL LAHIR": p.dmy, "TANGGAL LAHIR": p.dmy,
        "ALAMAT": p.alamat, "NO HP/WA": p.hp, "NO HP": p.hp, "NO TELP/HP": p.hp,
        "KELURAHAN": p.kelurahan, "ASAL KELURAHAN": p.kelurahan, "DESA/KELURAHAN": p.kelurahan,
        "KECAMATAN": p.kecamatan,
        "UNSUR": "PSM",
        "BULAN IURAN": "Januari 2025", "TGL BAYAR": "20-01-2025", "TANGGAL BAYAR": "20-01-2025",
        "JUMLAH (RP)": 16800, "IURAN (RP)": 16800, "SUMBER DANA": "APBD", "SEGMEN": "BPU",
        "KEHADIRAN": "Hadir", "JPL": 16,
        "KETERANGAN": None, "KET": None,
        # an application's export in English
        "FULL NAME": p.nama, "ID NUMBER (NIK)": p.nik, "SEX": p.jk, "PLACE OF BIRTH": p.tempat,
        "DATE OF BIRTH": p.dmy, "ADDRESS": p.alamat,
    }  # fmt: skip
    if key not in table:
        raise KeyError(f"no value known for column {label!r}; pass it in `cells`")
    return table[key]


def people_rows(
    sheet: Sheet,
    people: Sequence[Person],
    labels: Sequence[str],
    *,
    cells: Mapping[int, Mapping[str, Cell]] | None = None,
    nik_as_number: bool = False,
    start_no: int = 1,
) -> list[int]:
    """One row per person under `labels`; `cells[i]` overrides person i's cells by label."""
    rows = []
    for i, p in enumerate(people):
        values: list[Cell] = []
        for label in labels:
            given = (cells or {}).get(i, {})
            value = given[label] if label in given else cell_for(label, p, start_no + i)
            if nik_as_number and isinstance(value, str) and value == p.nik:
                value = int(value)  # typed into a General/Number cell
            values.append(value)
        rows.append(sheet.add(*values))
    return rows


# --- a clean roster, to put people on the register before payment lists and daftar hadir ----------------------

CLEAN_LABELS = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "ALAMAT", "NO HP",
                "KELURAHAN", "KECAMATAN"]  # fmt: skip


def clean_roster(path: Path, people: Sequence[Person], unsur_title: str = "PEKERJA SOSIAL MASYARAKAT (PSM)") -> Path:
    """The tidy roster the Dinas itself keeps: what today's import already reads without a finding."""
    s = Sheet("PSM", text_cols={"C"})
    title(s, len(CLEAN_LABELS), f"DAFTAR {unsur_title}", "KOTA KEDIRI TAHUN 2025")
    s.blank()
    header(s, CLEAN_LABELS)
    people_rows(s, people, CLEAN_LABELS)
    return write_xlsx(path, [s])

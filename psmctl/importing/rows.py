"""Which rows of a sheet are people: tables and their sections, and the rows that are nobody.

A sheet may hold several tables, each under its own header, often each under a section title
("A. PEKERJA SOSIAL MASYARAKAT (PSM)", "B. TKSK") that gives the unsur of its rows. Inside a table a row is
data, blank, a JUMLAH/TOTAL line, the column-number row, a repeated header, or the signature block (Mengetahui,
LURAH …, NIP …, a place and date). A signature-like row with people below it is skipped alone, never the people
below it. Every importer uses these rules; the importer only says which column holds the NIK.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from psmctl.importing.headers import Header, find_header, is_header_like, is_number_row, make_lookup
from psmctl.importing.titles import line_of, places_of, unsur_of


class Kind(Enum):
    """What a row below a header is."""

    DATA = "data"
    BLANK = "blank"
    TOTAL = "total"
    NUMBERS = "numbers"
    SIGNATURE = "signature"
    NOTE = "note"


@dataclass(frozen=True)
class Section:
    """A section title line: its row (0-based), its text, and the unsur or the kelurahan (kecamatan) it names."""

    index: int
    text: str
    unsur: str | None
    places: dict[str, str] = field(default_factory=dict)  # "kelurahan" / "kecamatan" of a kecamatan-wide list

    def said(self) -> str:
        """What the rows under it are, as the report says it."""
        parts = [f"unsur {self.unsur}"] if self.unsur else []
        parts += [f"{what} {name}" for what, name in self.places.items()]
        return ", ".join(parts)

    def under(self, outer: Section | None) -> Section:
        """A kelurahan section inside an unsur's ("A. PSM" then "KELURAHAN BANDAR LOR"): its rows keep the unsur."""
        if self.unsur or outer is None or not outer.unsur:
            return self
        return Section(self.index, self.text, outer.unsur, self.places)


@dataclass
class Table:
    """One table of a sheet: its header, its rows [start, end) and the section title above it, if any."""

    header: Header
    start: int
    end: int
    section: Section | None = None


# The words of a signature block: who signs (and for whom), and who made or checked the list.
SIGNATURE = re.compile(
    r"\b(MENGETAHUI|MENYETUJUI|DISETUJUI|DISAHKAN|DIPERIKSA|DIBUAT|YANG MEMBUAT|PEMBUAT|LURAH|CAMAT|KEPALA|KADES"
    r"|SEKDES|KADIS|KABID|KASI|KASIE|KASUBAG|BENDAHARA|SEKRETARIS|KETUA|PETUGAS|OPERATOR|PENANGGUNG JAWAB|PPTK"
    r"|PLT|PLH|NIP|NRP|TTD)\b"
)
# "Kediri, 3 Desember 2026", "Kediri, 03-12-2026", and the day left blank to write by hand: "Kediri,    Desember 2026"
_PLACE_DATE = re.compile(r"^[A-Za-z .'-]{2,40},\s*(?:\d{1,2}\s*[-/. ]\s*)?(?:[A-Za-z]+|\d{1,2})\s*[-/. ]\s*\d{2,4}\s*$")
_TOTAL = re.compile(r"^\s*(JUMLAH|TOTAL|SUB ?TOTAL)\b", re.IGNORECASE)
# A note written under or inside a list: "Catatan: data per 1 Desember", "NB : …", "Ket : L = laki-laki", "*) coret".
_NOTE = re.compile(r"^\s*(?:(?:CATATAN|CAT|KETERANGAN|KET|NB|N\.\s?B|SUMBER|NOTE|PS)\s*\.?\s*:|\*+\s*\)?\s)", re.I)


def text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return " ".join(str(v).split())


def is_blank(row: Sequence[object]) -> bool:
    for v in row:
        if v is None or v == "":
            continue
        if v.__class__ is str and not v.strip():
            continue
        return False
    return True


def first_text(row: Sequence[object]) -> str:
    for v in row:
        if v.__class__ is float and v.is_integer():
            return str(int(v))  # the NO column: never a JUMLAH/TOTAL label
        t = text(v)
        if t:
            return t
    return ""


def is_footer(row: Sequence[object], nik_cell: object) -> bool:
    """A signature-block line: no NIK, few cells, and a keyword (Mengetahui, Lurah, NIP…) or a place-and-date."""
    if text(nik_cell) or _numbered(row):
        return False
    texts = list(dict.fromkeys(t for v in row if (t := text(v))))
    if not texts or len(texts) > 3:
        return False
    joined = " ".join(texts).upper()
    return bool(SIGNATURE.search(joined)) or any(_PLACE_DATE.match(t) for t in texts)


def _numbered(row: Sequence[object]) -> bool:
    """Whether a row starts with a running number, as a person's row does (a NIK-less "3 | SITI | Bendahara" is a
    person whose jabatan is a signature word; no signature line is numbered)."""
    for v in row:
        if v is None or v == "":
            continue
        return isinstance(v, int | float) and not isinstance(v, bool)
    return False


def classify(row: Sequence[object], nik_cell: object, has_nik: Callable[[object], bool]) -> Kind:
    """The kind of one row below a header; `has_nik(cell)` says whether a cell reads as a NIK."""
    if is_blank(row):
        return Kind.BLANK
    if is_number_row(row):
        return Kind.NUMBERS
    if _TOTAL.match(first_text(row)) and not has_nik(nik_cell):
        return Kind.TOTAL
    if is_footer(row, nik_cell):
        return Kind.SIGNATURE
    if is_note(row, nik_cell):
        return Kind.NOTE
    return Kind.DATA


def is_note(row: Sequence[object], nik_cell: object) -> bool:
    """A line of explanation ("Catatan: …", "NB: …", "*) …") alone on its row: no NIK, not numbered."""
    if text(nik_cell) or _numbered(row):
        return False
    texts = list(dict.fromkeys(t for v in row if (t := text(v))))
    return len(texts) == 1 and bool(_NOTE.match(texts[0]))


def nobody_said(kind: Kind, first: str) -> tuple[str, str] | None:
    """The code and message every import gives a row that is nobody and says something (a JUMLAH line, a note);
    None for a blank or column-number row. The signature block is each import's own (it may end the table)."""
    if kind is Kind.TOTAL:
        return "ROW_TOTAL_SKIPPED", "baris JUMLAH/TOTAL dilewati"
    if kind is Kind.NOTE:
        return "ROW_NOTE", f"baris catatan, bukan orang: {first[:120]}"
    return None


# Free-text fields whose text an office wraps onto a row of its own ("JL. MAWAR 5" / "RT 02 RW 03").
_CONTINUED = frozenset({"alamat", "ket", "jabatan", "pekerjaan", "pendidikan"})


def continued_columns(header: Header) -> frozenset[int]:
    """The columns a continuation row may hold text in (`is_continuation`)."""
    return frozenset(c for f, c in header.columns.items() if f in _CONTINUED)


def is_continuation(row: Sequence[object], columns: frozenset[int]) -> bool:
    """A row holding text only under free-text columns (ALAMAT, KETERANGAN …): no number, NIK or name. Right
    below a person it is the second line of that person's cells, typed as a row of its own."""
    found = False
    for c, v in enumerate(row):
        if v is None or v == "" or (v.__class__ is str and not v.strip()):
            continue
        if c not in columns or v.__class__ is not str:
            return False
        found = True
    return found


def struck_rows(struck: set[tuple[int, int]], header: Header) -> frozenset[int]:
    """The rows whose NIK or name the office struck through (.xlsx, .ods): a person struck out of the list, in every
    import. A struck phone number or address alone is a correction, not a person struck out."""
    cols = {header.columns[f] for f in ("nik", "nama") if f in header.columns}
    return frozenset(r for r, c in struck if c in cols)


def signature_ends(below: Sequence[Sequence[object]], is_person: Callable[[Sequence[object]], bool]) -> bool:
    """Whether a signature-like row ends its table: no row below it is a person. Otherwise the row is skipped
    alone, never the people below it (a NIK-less 'LURAH …' line in the middle of a list)."""
    return not any(is_person(r) for r in below)


def section_of(row: Sequence[object], index: int) -> Section | None:
    """A section title: one line of text alone on its row that names an unsur ("B. TKSK")."""
    cells: set[str] = set()
    for v in row:
        if (t := text(v)) and t not in cells:
            if cells:
                return None  # a second distinct value: no title line
            cells.add(t)
    if not cells:
        return None
    line = line_of(row)
    if len(line) > 120 or re.search(r"\d{6,}", line):
        return None
    unsur = unsur_of(line)
    if unsur:
        return Section(index, line, unsur)
    # "KELURAHAN BANDAR LOR" over its people in a kecamatan-wide list: written from the first columns, never under
    # a column further right (a wrapped "Kel. Banjaran" under KETERANGAN is the row above's, not a section)
    at = next(c for c, v in enumerate(row) if text(v))
    places = {k: v for k, v in places_of(line).items() if k in ("kelurahan", "kecamatan")}
    return Section(index, line, None, places) if places and at <= 1 else None


# How a section title is numbered: "A. PSM", "II. TKSK", "1) TAGANA".
_NUMBERED = re.compile(r"^(?:[A-Z]|[IVX]{1,4}|\d{1,2})\s*[.)]\s*\S", re.IGNORECASE)


def section_above(rows: Sequence[Sequence[object]], header_row: int) -> Section | None:
    """The section title on the line above a sheet's first header ("A. PEKERJA SOSIAL MASYARAKAT (PSM)", blank
    rows between allowed): numbered as a section is, so the title block above it ("DAFTAR PSM …") stays a title."""
    i = header_row - 1
    while i >= 0 and is_blank(rows[i]):
        i -= 1
    sec = section_of(rows[i], i) if i >= 0 else None
    return sec if sec is not None and _NUMBERED.match(sec.text) else None


def split_tables(
    rows: Sequence[Sequence[object]],
    first: Header,
    aliases: Mapping[str, Sequence[str]],
    required: Sequence[str],
    manual: Mapping[str, str] | None = None,
) -> list[Table]:
    """The tables of a sheet from its first header down: a header row again, or a section title, starts a new
    one. A table with no row between its section title and the next header gives that header its section; the
    first table's section is the one on the line above its header, if any."""
    out: list[Table] = []
    cur = Table(first, first.data_start, len(rows), section_above(rows, first.row_index))
    lookup = make_lookup(aliases)
    nik_col = first.columns.get("nik")
    i = first.data_start
    while i < len(rows):
        i = _next_unnumbered(rows, i, nik_col)  # past the people's rows (their NIK column holds a number)
        if i == len(rows):
            break
        row = rows[i]
        if is_header_like(row, lookup, required):
            h = find_header(rows, aliases, required, scan_rows=1, start=i, manual=manual)
            if h is not None:
                section = cur.section if _empty(rows, cur.start, i) else None
                cur.end = i
                out.append(cur)
                cur = Table(h, h.data_start, len(rows), section)
                i = h.data_start
                continue
        sec = section_of(row, i)
        if sec is not None:
            cur.end = i
            out.append(cur)
            cur = Table(cur.header, i + 1, len(rows), sec.under(cur.section))
        i += 1
    out.append(cur)
    tables = [t for t in out if not _empty(rows, t.start, t.end) or t is out[0]]
    for t in tables:
        join_date_parts(rows, t)
    return tables


def join_date_parts(rows: Sequence[Sequence[object]], table: Table) -> None:
    """A date typed in three columns (TGL | BLN | THN) read as one: each row's day column gets the date as the
    office wrote it ("17-8-1990", "17 Agustus 1990"), which every importer then reads as any typed date, and a
    part left empty is named by the date reader. A row with only its day cell filled is left as it is."""
    for d, m, y in table.header.parts.values():
        for row in rows[table.start : table.end]:
            if not isinstance(row, list) or len(row) <= d:
                continue
            month = text(row[m]) if m < len(row) else ""
            year = text(row[y]) if y < len(row) else ""
            if month or year:
                sep = "-" if month.isdigit() or not month else " "
                row[d] = f"{text(row[d])}{sep}{month}{sep}{year}"


def _next_unnumbered(rows: Sequence[Sequence[object]], i: int, col: int | None) -> int:
    """The first row from `i` whose cell in column `col` is no number (len(rows) when none): one pass over the
    people's rows, whose NIK as typed starts with digits."""
    if col is None:
        return i
    return next((k for k in range(i, len(rows)) if not (col < len(r := rows[k]) and _numberish(r[col]))), len(rows))


def _numberish(cell: object) -> bool:
    if cell.__class__ is str:
        if cell[:6].isdigit():
            return True  # a NIK as typed: nearly every row
        return sum(ch.isdigit() for ch in cell[:24]) >= 6
    return isinstance(cell, int | float) and not isinstance(cell, bool)


def _empty(rows: Sequence[Sequence[object]], start: int, end: int) -> bool:
    return all(is_blank(rows[k]) for k in range(start, min(end, len(rows))))

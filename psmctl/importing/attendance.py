"""Reading a daftar hadir (`psmctl attendance import`) through the import engine, touching no database.

A sheet's tables are found as the roster's are (importing/rows.py): the header by its words, several tables on one
sheet (a section title or a repeated header starts the next), title lines giving the kelurahan, rows that are
nobody (blank, JUMLAH, column numbers, a signature line) reported, the signature block ending its table, a hidden
row reported and not read, unused columns named once per sheet, KETERANGAN read and kept as the attendance's note
(a word saying the person died or stopped is a warning, other text an info). Who each row is, and what is written,
is the trainings service's (services/trainings.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from psmctl.importing import cells
from psmctl.importing.columns import hidden_sheet, other_list, sheet_column_findings, sheet_skipped
from psmctl.importing.headers import find_header, list_kind, load_aliases, norm_label
from psmctl.importing.rows import Kind, Table, classify, nobody_said, signature_ends, split_tables, struck_rows
from psmctl.importing.sheets import SheetData
from psmctl.importing.titles import read_titles
from psmctl.models import Problem
from psmctl.rules import nik as niklib

READ_FIELDS = frozenset(
    {"no", "nama", "nik", "kelurahan", "kecamatan", "unsur", "jpl", "status", "hasil", "certificate_no",
     "certificate_date", "valid_until", "ket"}
)  # fmt: skip
REQUIRED = ("nama",)


@dataclass
class Row:
    """One attendance line as read, before it is tied to a person."""

    sheet: str
    row: int | None
    nik: object = ""
    nama: str = ""
    kelurahan: str = ""
    jpl: object = ""
    status: object = ""
    hasil: object = ""
    certificate_no: str = ""
    certificate_date: object = ""
    valid_until: object = ""
    note: str = ""  # KETERANGAN as typed, kept on the attendance


@cache
def _status_values() -> dict[str, str]:
    import tomllib

    raw = tomllib.loads(resources.files("psmctl.data").joinpath("attendance_headers.toml").read_text("utf-8"))
    return {norm_label(v): status for status, values in raw["values"].items() for v in values}


def status(value: object) -> str | None:
    """hadir / tidak_hadir / lulus / tidak_lulus for a cell, "" for empty, None when not understood."""
    if isinstance(value, bool):
        return "hadir" if value else "tidak_hadir"
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return _status_values().get(norm_label(value))


def text(value: object) -> str:
    """A cell as one line of text (a whole-number float without its .0)."""
    return cells.text(value)


def read_sheet(
    sheet: SheetData, default_kelurahan: str | None, scan_rows: int, manual: dict[str, str], file: str = ""
) -> tuple[list[Row], list[Problem]]:
    """The rows of a daftar hadir sheet, each of its tables read in turn, and what the report says about the sheet
    and its rows that are nobody; SHEET_SKIPPED when it has no NAMA column, or is a payment list (its value then
    the line refusing the file, naming `psmctl payments import`)."""
    aliases = load_aliases("attendance_headers.toml")
    header = find_header(sheet.rows, aliases, REQUIRED, scan_rows=scan_rows, manual=manual)
    if header is None:
        return [], [sheet_skipped(sheet.name, "NAMA", scan_rows)]
    if sheet.hidden:
        return [], [hidden_sheet(sheet.name, file or sheet.name)]
    kind = list_kind(header.titles.values())
    if kind is not None and kind[0] == "payments":  # a roster's columns may well be on a daftar hadir: only this
        return [], [other_list(sheet.name, file or sheet.name, kind, "attendance")]
    kelurahan = default_kelurahan or read_titles(sheet.rows[: header.row_index]).get("kelurahan")
    tables = split_tables(sheet.rows, header, aliases, REQUIRED, manual)
    problems = sheet_column_findings(sheet, tables, READ_FIELDS)
    out: list[Row] = []
    for table in tables:
        section = table.section.places.get("kelurahan") if table.section else None
        out += _table_rows(sheet, table, default_kelurahan or section or kelurahan, problems)
    return out, problems


def _table_rows(sheet: SheetData, table: Table, kelurahan: str, problems: list[Problem]) -> list[Row]:
    """The attendance lines of one table, up to the signature block that ends it."""
    out: list[Row] = []
    for index in range(table.start, table.end):
        row = _read_row(sheet, table, index, kelurahan, problems)
        if row is _END:
            break
        if row is not None:
            out.append(row)
    return out


_END: Any = object()


def _has_nik(v: object) -> bool:
    try:
        niklib.from_cell(v)
    except niklib.InvalidNik:
        return False
    return True


def _read_row(sheet: SheetData, table: Table, index: int, kelurahan: str, problems: list[Problem]) -> Any:
    """One daftar hadir row: an attendance line, None for a row that is nobody (reported), _END at the signature
    block that ends the table."""
    cols = table.header.columns
    row = sheet.rows[index]

    def cell(name: str, values: Sequence[object] = row) -> object:
        c = cols.get(name)
        return values[c] if c is not None and c < len(values) else ""

    def is_person(values: Sequence[object]) -> bool:
        return any(text(cell(f, values)) for f in ("nik", "jpl", "status"))

    kind = classify(row, cell("nik"), _has_nik)
    first = next((t for v in row if (t := text(v))), "")
    below = sheet.rows[index + 1 : table.end]
    if kind is Kind.SIGNATURE and signature_ends(below, is_person):
        problems.append(Problem(sheet.name, index + 1, None, first, "info", "SIGNATURE_BLOCK", "blok tanda tangan"))
        return _END
    if kind is not Kind.DATA:
        said = nobody_said(kind, first)
        if said:
            problems.append(Problem(sheet.name, index + 1, None, first, "info", *said))
        elif kind is Kind.SIGNATURE:  # a signature-like line with people below it: skipped alone, as in every import
            msg = "baris tanpa NIK mirip tanda tangan"
            problems.append(Problem(sheet.name, index + 1, None, first, "warning", "ROW_SKIPPED", msg))
        return None
    nama = text(cell("nama"))
    if index in sheet.hidden_rows:
        msg = f"baris tersembunyi: {nama or 'baris ini'} tidak diimpor (tampilkan barisnya bila memang hadir)"
        problems.append(Problem(sheet.name, index + 1, "NAMA", nama, "warning", "ROW_HIDDEN", msg))
        return None
    if sheet.struck and index in struck_rows(sheet.struck, table.header):
        msg = f"baris dicoret: {nama or 'baris ini'} tidak diimpor (hapus coretannya bila memang hadir)"
        problems.append(Problem(sheet.name, index + 1, "NAMA", nama, "warning", "ROW_STRUCK", msg))
        return None
    problems += _keterangan(sheet.name, index + 1, table.header.labels.get("ket", "KETERANGAN"), cell("ket"))
    return Row(
        sheet=sheet.name, row=index + 1, nik=cell("nik"), nama=nama,
        kelurahan=text(cell("kelurahan")) or kelurahan, jpl=cell("jpl"), status=cell("status"),
        hasil=cell("hasil"), certificate_no=text(cell("certificate_no")), certificate_date=cell("certificate_date"),
        valid_until=cell("valid_until"), note=text(cell("ket")),
    )  # fmt: skip


def _keterangan(sheet: str, row: int, column: str, value: object) -> list[Problem]:
    """A KETERANGAN cell, kept as the attendance's note: a word saying the person died, moved or stopped (warning:
    the attendance is kept, the admin checks the person), any other text (info)."""
    note = text(value)
    if not note:
        return []
    word = cells.stop_word(note)
    if word:
        msg = (
            f"KETERANGAN '{word}': orang ini mungkin tidak bertugas lagi; kehadiran tetap dicatat (keterangan disimpan "
            "sebagai catatan kehadiran), periksa register"
        )
        return [Problem(sheet, row, column, note, "warning", "STOP_WORD", msg)]
    msg = f"keterangan disimpan sebagai catatan kehadiran: {note[:120]}"
    return [Problem(sheet, row, column, note, "info", "KETERANGAN_NOTE", msg)]

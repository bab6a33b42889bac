"""Builders that write real, messy kelurahan rosters (.xlsx) with openpyxl, the way offices type them.

Layout written by `write_roster_xlsx` (Excel row numbers, 1-based):

- rows 1..T: the title rows (T = len(title_rows)), each merged across all columns;
- row T+1: the header; with `two_row_header` rows T+1 and T+2 (split columns get a merged parent label over
  their sub-labels, every other label is merged vertically);
- then the optional column-number row "1 2 3 …";
- then the data rows, with a blank row after every `blank_rows_every` data rows (never after the last);
- then the optional JUMLAH row, then the optional signature block (one blank row first).

`data_rows(...)` returns the Excel row number of every data row, so tests can name the row a finding is about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl  # noqa: TID253 - the CLI-startup ban does not concern tests
from openpyxl.utils import get_column_letter  # noqa: TID253
from openpyxl.worksheet.worksheet import Worksheet  # noqa: TID253

from psmctl.rules.nik import format_nik

DEFAULT_TITLE_ROWS = [
    "DAFTAR NAMA PEKERJA SOSIAL MASYARAKAT (PSM)",
    "KELURAHAN BANJARAN",
    "KECAMATAN KOTA",
    "TAHUN 2025",
]
DEFAULT_COLUMNS = [
    "NO",
    "NAMA LENGKAP",
    "NIK",
    "JENIS KELAMIN",
    "TEMPAT/TGL LAHIR",
    "ALAMAT",
    "RT/RW",
    "NO HP",
    "KELURAHAN",
    "KECAMATAN",
    "JABATAN",
]
# A two-row header splits these columns into sub-columns under a merged parent label.
SPLIT_COLUMNS = {"TEMPAT/TGL LAHIR": ("TEMPAT", "TANGGAL LAHIR")}
SIGNATURE = ["Kediri, 12 Januari 2025", "Lurah Banjaran", None, "NAMA LURAH", "NIP. 19700101 199003 1 005"]
# openpyxl stamps the save time into docProps/core.xml; a fixed stamp keeps the files comparable.
FIXED_STAMP = dt.datetime(2025, 1, 15, 8, 0, 0)

Cell = str | int | float | dt.date | dt.datetime | None


def make_nik(*, kec: str = "357101", born: dt.date, female: bool = False, serial: int = 1) -> str:
    """A 16-digit text NIK (RULES §3.1) by the package's one encoder, :func:`psmctl.rules.nik.format_nik`."""
    if len(kec) != 6 or not kec.isdigit():
        raise ValueError(f"kec must be 6 digits, got {kec!r}")
    if not 0 <= serial <= 9999:  # 0 is allowed so tests can build the invalid serial 0000 (NIK-09)
        raise ValueError(f"serial must be 0..9999, got {serial}")
    return format_nik(kec, born, "P" if female else "L", serial)


def roster_row(
    nik: str | int | None,
    nama: str,
    *,
    jk: str = "L",
    tempat: str = "Kediri",
    tgl: str = "17-08-1990",
    alamat: str = "Jl. Mawar 1",
    rt_rw: str = "001/002",
    hp: str = "081234567890",
    kelurahan: str = "Banjaran",
    kecamatan: str = "Kota",
    jabatan: str = "Anggota",
) -> dict[str, object]:
    """One data row keyed by the default header labels; "NO" is left out so the writer numbers the rows."""
    return {
        "NAMA LENGKAP": nama,
        "NIK": nik,
        "JENIS KELAMIN": jk,
        "TEMPAT/TGL LAHIR": f"{tempat}, {tgl}",
        "ALAMAT": alamat,
        "RT/RW": rt_rw,
        "NO HP": hp,
        "KELURAHAN": kelurahan,
        "KECAMATAN": kecamatan,
        "JABATAN": jabatan,
    }


def data_rows(
    n_rows: int,
    *,
    title_rows: Sequence[str] | None = None,
    two_row_header: bool = False,
    column_numbers_row: bool = False,
    blank_rows_every: int = 0,
) -> list[int]:
    """Excel row numbers of the data rows `write_roster_xlsx` writes with the same options."""
    titles = DEFAULT_TITLE_ROWS if title_rows is None else title_rows
    row = len(titles) + 1 + (2 if two_row_header else 1) + (1 if column_numbers_row else 0)
    rows = []
    for i in range(n_rows):
        if blank_rows_every and i and i % blank_rows_every == 0:
            row += 1
        rows.append(row)
        row += 1
    return rows


def write_roster_xlsx(
    path: Path,
    rows: list[dict[str, object]],
    *,
    sheet: str = "PSM",
    title_rows: list[str] | None = None,
    columns: list[str] | None = None,
    two_row_header: bool = False,
    column_numbers_row: bool = False,
    merge_kelurahan: bool = False,
    nik_as_number: bool = False,
    signature: bool = True,
    jumlah_row: bool = False,
    blank_rows_every: int = 0,
    extra_sheets: dict[str, list[list[object]]] | None = None,
) -> Path:
    """Write one roster sheet (plus optional raw sheets) the way a kelurahan office types it; return `path`."""
    titles = DEFAULT_TITLE_ROWS if title_rows is None else title_rows
    labels = DEFAULT_COLUMNS if columns is None else columns
    leaves = _leaf_labels(labels, two_row_header)
    allowed = set(labels) | set(leaves)
    for i, row in enumerate(rows):
        unknown = set(row) - allowed
        if unknown:  # a typo in a test's label would otherwise silently write an empty column
            raise ValueError(f"row {i}: unknown column(s) {sorted(unknown)}; columns are {labels}")

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    width = len(leaves)
    last = get_column_letter(width)

    r = 1
    for title in titles:
        ws.cell(r, 1, title)
        if width > 1:
            ws.merge_cells(f"A{r}:{last}{r}")
        r += 1
    r = _write_header(ws, r, labels, two_row_header)
    if column_numbers_row:
        for c in range(1, width + 1):
            ws.cell(r, c, c)
        r += 1

    rows_at = data_rows(len(rows), title_rows=titles, two_row_header=two_row_header,
                        column_numbers_row=column_numbers_row, blank_rows_every=blank_rows_every)  # fmt: skip
    for i, (excel_row, row) in enumerate(zip(rows_at, rows, strict=True)):
        values = _leaf_values(row, labels, two_row_header)
        if "NO" in leaves and values.get("NO") is None:
            values["NO"] = i + 1
        for c, label in enumerate(leaves, start=1):
            value = values.get(label)
            cell = ws.cell(excel_row, c, _cell_value(value, as_number=nik_as_number and label == "NIK"))
            if label == "NIK" and isinstance(cell.value, str):
                cell.number_format = "@"  # what a careful office does: the NIK column formatted as Text
            elif isinstance(value, dt.date):
                cell.number_format = "DD-MM-YYYY"
    r = (rows_at[-1] + 1) if rows_at else r

    if merge_kelurahan and "KELURAHAN" in leaves:
        _merge_runs(ws, leaves.index("KELURAHAN") + 1, rows_at)
    if jumlah_row:
        ws.cell(r, 1, "JUMLAH")
        ws.cell(r, 2, len(rows))
        r += 1
    if signature:
        col = max(1, width - 1)  # signature blocks sit at the right, under the last columns
        for offset, text in enumerate(SIGNATURE, start=1):
            if text is not None:
                ws.cell(r + offset, col, text)

    for name, raw in (extra_sheets or {}).items():
        extra = wb.create_sheet(name)
        for raw_row in raw:
            extra.append([_cell_value(v) for v in raw_row])
    return _save(wb, path)


def write_rows_xlsx(
    path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None
) -> Path:
    """Write raw rows per sheet (first sheet first), then merge the given ranges ("A1:K1"); return `path`."""
    wb = openpyxl.Workbook()
    default = wb.active
    assert default is not None
    wb.remove(default)
    for name, raw in sheets.items():
        ws = wb.create_sheet(name)
        for raw_row in raw:
            ws.append([_cell_value(v) for v in raw_row])
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    return _save(wb, path)


def _leaf_labels(labels: Sequence[str], two_row_header: bool) -> list[str]:
    leaves: list[str] = []
    for label in labels:
        leaves.extend(SPLIT_COLUMNS[label] if two_row_header and label in SPLIT_COLUMNS else [label])
    return leaves


def _write_header(ws: Worksheet, r: int, labels: Sequence[str], two_row_header: bool) -> int:
    """Write the header starting at row `r`; return the next free row."""
    c = 1
    for label in labels:
        ws.cell(r, c, label)
        if not two_row_header:
            c += 1
        elif label in SPLIT_COLUMNS:
            subs = SPLIT_COLUMNS[label]
            ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + len(subs) - 1)
            for sub in subs:
                ws.cell(r + 1, c, sub)
                c += 1
        else:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
            c += 1
    return r + (2 if two_row_header else 1)


def _leaf_values(row: Mapping[str, object], labels: Sequence[str], two_row_header: bool) -> dict[str, object]:
    """Map a row to leaf columns; a combined "Kediri, 17-08-1990" is split at its last comma for sub-columns."""
    values = dict(row)
    if not two_row_header:
        return values
    for label, (place_label, date_label) in SPLIT_COLUMNS.items():
        if label not in labels or label not in values:
            continue
        combined = values.pop(label)
        place, date_part = (str(combined).rsplit(",", 1) + [""])[:2] if combined is not None else ("", "")
        values.setdefault(place_label, place.strip() or None)
        values.setdefault(date_label, date_part.strip() or None)
    return values


def _cell_value(value: object, *, as_number: bool = False) -> Cell:
    if as_number and isinstance(value, str) and value.isdigit():
        return int(value)  # openpyxl stores it as a numeric cell, as a NIK typed into a Number column
    if value is None or isinstance(value, str | int | float | dt.date | dt.datetime):
        return value
    return str(value)


def _merge_runs(ws: Worksheet, col: int, rows_at: Sequence[int]) -> None:
    """Merge vertical runs of equal values in `col` over consecutive rows; Excel keeps only the top value."""
    start = 0
    for i in range(1, len(rows_at) + 1):
        run_ends = (
            i == len(rows_at)
            or rows_at[i] != rows_at[i - 1] + 1
            or ws.cell(rows_at[i], col).value != ws.cell(rows_at[start], col).value
        )
        if not run_ends:
            continue
        if i - start > 1 and ws.cell(rows_at[start], col).value is not None:
            ws.merge_cells(start_row=rows_at[start], start_column=col, end_row=rows_at[i - 1], end_column=col)
        start = i


def _save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.properties.created = FIXED_STAMP
    wb.properties.modified = FIXED_STAMP
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def cli_commands(typer_app: object, prefix: list[str] | None = None) -> list[list[str]]:
    """Every registered command path of a typer app, e.g. [["import", "roster"], ["volunteers", "list"], …]."""
    out: list[list[str]] = []
    for cmd in typer_app.registered_commands:  # type: ignore[attr-defined]
        out.append([*(prefix or []), cmd.name or cmd.callback.__name__])
    for group in typer_app.registered_groups:  # type: ignore[attr-defined]
        out.extend(cli_commands(group.typer_instance, [*(prefix or []), group.name]))
    return out


def banten_register(runner: Any, path: Path, rows: list[dict[str, object]]) -> Any:
    """A province database (`init --provinsi 36`) holding `rows` as Tagana, imported from a roster file at `path`
    titled for Banten: the register the province tests start from."""
    from psmctl.cli import app

    roster = write_roster_xlsx(path, rows, title_rows=["DAFTAR TAGANA PROVINSI BANTEN"])
    assert runner.invoke(app, ["init", "--provinsi", "36"]).exit_code == 0
    r = runner.invoke(app, ["import", "roster", str(roster), "--unsur", "Tagana"])
    assert r.exit_code == 0, r.output
    return runner

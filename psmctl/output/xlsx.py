"""Writing .xlsx files safely: atomically, deterministically, and never turning outside text into formulas.

xlsxwriter is used because it writes faster than openpyxl in constant memory and makes native charts.
Every workbook is written through files.atomic_path (a temporary file in the target folder, renamed over the
target only when complete) with its working files in files.work_dir, so a reader (or a cron mailer) never
sees half a file, a failed run keeps the previous file, and no working file outlives the run.
Document timestamps are fixed so the same data gives byte-identical files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from psmctl.files import atomic_path, work_dir

__all__ = [
    "FIXED_TIME",
    "atomic_path",
    "discard",
    "new_workbook",
    "print_setup",
    "work_dir",
    "write_cell",
    "write_table",
]

FIXED_TIME = datetime(2000, 1, 1)  # noqa: DTZ001  a constant, not a clock read: keeps files byte-identical


def new_workbook(path: Path, *, tmpdir: Path, constant_memory: bool = False) -> Any:
    """An xlsxwriter Workbook that keeps text as text and has fixed document timestamps.

    Its working files (streamed rows, the parts it zips on close) go to `tmpdir`, a private folder from
    `files.work_dir`, never to the system temp folder where a killed export would leave names behind.

    With ``constant_memory`` rows are streamed to disk as they are written (each sheet strictly top to bottom):
    memory stays flat for 100k-row exports. Such a workbook must be closed, or `discard`ed on failure.
    """
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,  # a name like "=HYPERLINK(...)" from a roster stays text
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "constant_memory": constant_memory,
            "default_date_format": "yyyy-mm-dd",
            "tmpdir": str(tmpdir),
        },
    )
    wb.set_properties({"created": FIXED_TIME, "author": "psmctl"})
    return wb


PAPER_A4 = 9
FOOTER = "&LDicetak dari psmctl&RHalaman &P dari &N"  # page numbers on every printed page


def print_setup(ws: Any, *, title: str | None, header_rows: tuple[int, int] | None, breaks: Sequence[int] = ()) -> None:
    """How a sheet prints: A4 landscape, all columns on one page width, the header row(s) repeated on every
    page, the title (office, kab/kota, as-of date) at the top of every page and page numbers in the footer."""
    ws.set_landscape()
    ws.set_paper(PAPER_A4)
    ws.fit_to_pages(1, 0)  # one page wide, as many pages long as the rows need
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.6)
    if title:
        ws.set_header("&L&B" + title.replace("&", "&&"))
    ws.set_footer(FOOTER)
    if header_rows is not None:
        ws.repeat_rows(*header_rows)
    if breaks:
        ws.set_h_pagebreaks(list(breaks))


def discard(wb: Any) -> None:
    """Give up on a workbook that failed midway: close and remove its streamed row files (constant_memory)."""
    for ws in wb.worksheets():
        fh = getattr(ws, "row_data_fh", None)
        name = getattr(ws, "row_data_filename", None)
        if fh is not None and not fh.closed:
            fh.close()
        if name:
            Path(name).unlink(missing_ok=True)
    wb.fileclosed = True


def write_table(
    wb: Any,
    name: str,
    columns: list[tuple[str, int]],
    rows: list[list[Any]],
    *,
    formats: dict[int, Any] | None = None,
    on_row: Callable[[int], None] | None = None,
    title: str | None = None,
) -> Any:
    """One sheet: bold frozen header, set widths, rows written cell by cell with explicit types; prints well."""
    ws = wb.add_worksheet(name)
    print_setup(ws, title=title, header_rows=(0, 0))
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    for c, (label, width) in enumerate(columns):
        ws.write_string(0, c, label, bold)
        ws.set_column(c, c, width)
    ws.freeze_panes(1, 0)
    fmts = formats or {}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            write_cell(ws, r, c, value, fmts.get(c))
        if on_row:
            on_row(r)
    return ws


def write_cell(ws: Any, r: int, c: int, value: Any, fmt: Any = None) -> None:
    """Write one cell with its real type: text stays text (never a formula), ints are numbers, dates are dates."""
    from datetime import date

    if value is None or value == "":
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value, fmt)
    elif isinstance(value, datetime | date):
        if not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)  # noqa: DTZ001  a calendar date, no zone
        ws.write_datetime(r, c, value, fmt)
    else:
        ws.write_string(r, c, str(value), fmt)

"""One description of a workbook, written as .xlsx (openpyxl or xlsxwriter), .ods (by hand) or .csv.

A `Sheet` holds its cells row by row exactly as a person sees them (row 1 is `rows[0]`), the merged ranges in
Excel notation ("A1:H1"), and which rows (Excel numbers) and columns (letters) are hidden. Merged ranges keep
their value in the top-left cell only, as Excel does; `Sheet.merge` clears the rest so every format agrees.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

FIXED_STAMP = dt.datetime(2025, 1, 15, 8, 0, 0)


@dataclass(frozen=True)
class Formula:
    """A formula cell with the value Excel cached when the office saved the file (=SUM over the JUMLAH row)."""

    text: str
    value: int | float | str


Cell = str | int | float | dt.date | dt.datetime | Formula | None


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)  # Excel row numbers
    hidden_cols: set[str] = field(default_factory=set)  # column letters
    text_cols: set[str] = field(default_factory=set)  # formatted as Text ("@"), as a careful office does for NIK
    hidden: bool = False  # the whole sheet hidden (Format > Sheet > Hide)
    struck_rows: set[int] = field(default_factory=set)  # Excel rows whose text is struck through (.xlsx, .ods)
    comments: dict[str, str] = field(default_factory=dict)  # cell ("B7") -> its note (.xlsx, .ods)

    def add(self, *cells: Cell) -> int:
        """Append one row; return its Excel row number."""
        self.rows.append(list(cells))
        return len(self.rows)

    def blank(self) -> int:
        return self.add()

    def merge(self, rng: str) -> None:
        (c1, r1), (c2, r2) = (_split_ref(ref) for ref in rng.split(":"))
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    self.set(r, c, None)
        self.merges.append(rng)

    def set(self, row: int, col: int, value: Cell) -> None:
        while len(self.rows) < row:
            self.rows.append([])
        line = self.rows[row - 1]
        while len(line) < col:
            line.append(None)
        line[col - 1] = value

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _split_ref(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    if not m:
        raise ValueError(ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return col, int(m.group(2))


# --- .xlsx -----------------------------------------------------------------------------------------------------


def write_xlsx(path: Path, sheets: Sequence[Sheet], *, engine: str = "openpyxl") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if engine == "openpyxl":
        _write_openpyxl(path, sheets)
    elif engine == "xlsxwriter":
        _write_xlsxwriter(path, sheets)
    else:
        raise ValueError(engine)
    return path


def _write_openpyxl(path: Path, sheets: Sequence[Sheet]) -> None:
    import openpyxl
    import openpyxl.comments
    import openpyxl.styles

    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        for r, line in enumerate(sheet.rows, start=1):
            for c, value in enumerate(line, start=1):
                if value is None:
                    continue
                cell = ws.cell(r, c)
                if isinstance(value, Formula):
                    cell.value = "=" + value.text  # openpyxl caches no value: readers see an empty cell
                else:
                    cell.value = value
                    if isinstance(value, str) and value.startswith("="):
                        cell.data_type = "s"  # text, not a formula
                if letter(c) in sheet.text_cols:
                    cell.number_format = "@"
                elif isinstance(value, dt.datetime):
                    cell.number_format = "DD/MM/YYYY HH:MM"
                elif isinstance(value, dt.date):
                    cell.number_format = "DD-MM-YYYY"
        for rng in sheet.merges:
            ws.merge_cells(rng)
        if sheet.hidden:
            ws.sheet_state = "hidden"
        for r in sheet.struck_rows:
            for cell in ws[r]:
                cell.font = openpyxl.styles.Font(strike=True)
        for ref, note in sheet.comments.items():
            ws[ref].comment = openpyxl.comments.Comment(note, "Operator kelurahan")
        for r in sheet.hidden_rows:
            ws.row_dimensions[r].hidden = True
        for col in sheet.hidden_cols:
            ws.column_dimensions[col].hidden = True
    wb.properties.created = FIXED_STAMP
    wb.properties.modified = FIXED_STAMP
    wb.save(path)


def _write_xlsxwriter(path: Path, sheets: Sequence[Sheet]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    wb.set_properties({"created": FIXED_STAMP})
    date_fmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    stamp_fmt = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    text_fmt = wb.add_format({"num_format": "@"})
    for sheet in sheets:
        ws = wb.add_worksheet(sheet.name)
        merged: dict[tuple[int, int], str] = {}
        for rng in sheet.merges:
            (c1, r1), _ = (_split_ref(ref) for ref in rng.split(":"))
            merged[(r1, c1)] = rng
        for r, line in enumerate(sheet.rows, start=1):
            for c, value in enumerate(line, start=1):
                if value is None:
                    continue
                fmt = text_fmt if letter(c) in sheet.text_cols else None
                if isinstance(value, Formula):
                    ws.write_formula(r - 1, c - 1, value.text, fmt, value.value)
                elif isinstance(value, dt.datetime):
                    ws.write_datetime(r - 1, c - 1, value, stamp_fmt)
                elif isinstance(value, dt.date):
                    ws.write_datetime(r - 1, c - 1, dt.datetime.combine(value, dt.time()), date_fmt)
                elif isinstance(value, str):
                    ws.write_string(r - 1, c - 1, value, fmt)
                else:
                    ws.write_number(r - 1, c - 1, value, fmt)
        for rng in sheet.merges:
            (c1, r1), (c2, r2) = (_split_ref(ref) for ref in rng.split(":"))
            top = sheet.rows[r1 - 1][c1 - 1] if len(sheet.rows[r1 - 1]) >= c1 else None
            value = top.value if isinstance(top, Formula) else top
            if isinstance(value, dt.date):
                value = value.isoformat()
            ws.merge_range(r1 - 1, c1 - 1, r2 - 1, c2 - 1, "" if value is None else value)
        for r in sheet.hidden_rows:
            ws.set_row(r - 1, None, None, {"hidden": True})
        for col in sheet.hidden_cols:
            ws.set_column(f"{col}:{col}", None, None, {"hidden": True})
    wb.close()


# --- .ods (OpenDocument, written by hand: no writer is a dependency) -------------------------------------------

_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'office:version="1.2"'
)
# As LibreOffice writes a cell style struck through (Format > Cells > Font Effects > Strikethrough: Single).
_ODS_STYLES = (
    "<office:automatic-styles>"
    '<style:style style:name="ce1" style:family="table-cell" style:parent-style-name="Default">'
    '<style:text-properties style:text-line-through-style="solid" style:text-line-through-type="single" '
    'style:text-line-through-width="auto" style:text-line-through-color="font-color"/></style:style>'
    "</office:automatic-styles>"
)
_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def write_ods(path: Path, sheets: Sequence[Sheet]) -> Path:
    """A LibreOffice-like .ods: spans on the top-left cell, covered cells after it, collapsed hidden rows/cols,
    struck rows' cells in a struck cell style, notes as <office:annotation> inside their cell."""
    body = "".join(_ods_table(s) for s in sheets)
    styles = _ODS_STYLES if any(s.struck_rows for s in sheets) else ""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODS_NS}>'
        f"{styles}<office:body><office:spreadsheet>"
        f"{body}</office:spreadsheet></office:body></office:document-content>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = (2025, 1, 15, 8, 0, 0)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", stamp), "application/vnd.oasis.opendocument.spreadsheet")
        for name, data in (("META-INF/manifest.xml", _MANIFEST), ("content.xml", content)):
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return path


def _ods_table(sheet: Sheet) -> str:
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for rng in sheet.merges:
        (c1, r1), (c2, r2) = (_split_ref(ref) for ref in rng.split(":"))
        spans[(r1, c1)] = (r2 - r1 + 1, c2 - c1 + 1)
        covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {(r1, c1)}
    width = max(sheet.width, max((c for _, c in covered), default=0))
    cols = "".join(
        '<table:table-column table:visibility="collapse"/>'
        if letter(c) in sheet.hidden_cols
        else "<table:table-column/>"
        for c in range(1, width + 1)
    )
    out = [f"<table:table table:name={quoteattr(sheet.name)}>{cols}"]
    height = max(len(sheet.rows), max((r for r, _ in covered), default=0))
    for r in range(1, height + 1):
        line = sheet.rows[r - 1] if r <= len(sheet.rows) else []
        vis = ' table:visibility="collapse"' if r in sheet.hidden_rows else ""
        cells = []
        for c in range(1, width + 1):
            if (r, c) in covered:
                cells.append("<table:covered-table-cell/>")
                continue
            value = line[c - 1] if c <= len(line) else None
            span = spans.get((r, c))
            attrs = f' table:number-rows-spanned="{span[0]}" table:number-columns-spanned="{span[1]}"' if span else ""
            attrs += ' table:style-name="ce1"' if r in sheet.struck_rows else ""
            cells.append(_ods_noted(_ods_cell(value, attrs), sheet.comments.get(f"{letter(c)}{r}")))
        out.append(f"<table:table-row{vis}>{''.join(cells)}</table:table-row>")
    out.append("</table:table>")
    return "".join(out)


def _ods_noted(cell: str, note: str | None) -> str:
    """The cell with its note first inside it, as LibreOffice writes one (Insert > Comment)."""
    if not note:
        return cell
    paras = "".join(f"<text:p>{escape(line)}</text:p>" for line in note.split("\n"))
    annotation = (
        '<office:annotation office:display="false"><dc:creator>Operator kelurahan</dc:creator>'
        f"<dc:date>{FIXED_STAMP.isoformat()}</dc:date>{paras}</office:annotation>"
    )
    if cell.endswith("/>"):
        return f"{cell[:-2]}>{annotation}</table:table-cell>"
    at = cell.index(">") + 1
    return cell[:at] + annotation + cell[at:]


def _ods_cell(value: Cell, attrs: str) -> str:
    if isinstance(value, Formula):
        shown = value.value
        kind = "float" if isinstance(shown, int | float) else "string"
        vattr = f' office:value="{shown}"' if kind == "float" else ""
        return (
            f'<table:table-cell{attrs} table:formula={quoteattr("of:" + value.text)} office:value-type="{kind}"'
            f"{vattr}><text:p>{escape(str(shown))}</text:p></table:table-cell>"
        )
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, bool):
        raise TypeError("no booleans in the corpus")
    if isinstance(value, int | float):
        return (
            f'<table:table-cell{attrs} office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, dt.datetime):
        return (
            f'<table:table-cell{attrs} office:value-type="date" office:date-value="{value.isoformat()}">'
            f"<text:p>{value:%d/%m/%Y %H:%M}</text:p></table:table-cell>"
        )
    if isinstance(value, dt.date):
        return (
            f'<table:table-cell{attrs} office:value-type="date" office:date-value="{value.isoformat()}">'
            f"<text:p>{value:%d-%m-%Y}</text:p></table:table-cell>"
        )
    return f'<table:table-cell{attrs} office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


# --- .csv ------------------------------------------------------------------------------------------------------


def write_csv(path: Path, sheet: Sheet, *, sep: str = ",", encoding: str = "utf-8", bom: bool = False) -> Path:
    """What Excel's "Save as CSV" leaves: values only (dates as the office sees them), no merges, nothing hidden."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig" if bom else encoding) as f:
        w = csv.writer(f, delimiter=sep, lineterminator="\r\n")
        for line in sheet.rows:
            w.writerow([_csv_value(v) for v in line])
    return path


def _csv_value(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        return str(value.value)
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def write(path: Path, sheets: Sequence[Sheet], **kw: object) -> Path:
    """Write by the file's extension (.xlsx, .ods, .csv: the first sheet only)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return write_xlsx(path, sheets, **kw)  # type: ignore[arg-type]
    if suffix == ".ods":
        return write_ods(path, sheets)
    if suffix == ".csv":
        return write_csv(path, sheets[0], **kw)  # type: ignore[arg-type]
    raise ValueError(path)

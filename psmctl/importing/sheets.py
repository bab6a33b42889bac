"""Reading spreadsheets as they arrive: .xlsx/.xlsm, legacy .xls, .ods and .csv, into plain rows.

python-calamine reads all three binary formats (about 6x faster than openpyxl on .xlsx, see benchmarks/) and
reports merged ranges without openpyxl's slow non-read-only mode. Cells come back typed: float/int for numbers
(which matters: a NIK in a number cell has already lost a digit), date/datetime for date cells, str for text,
"" for empty. Merged ranges are filled: every cell of the range carries the top-left value, because a kelurahan
name merged down a block applies to every row in it.

Hostile files are refused before they are expanded: the declared uncompressed size of a zip-based workbook must
stay under ``max_uncompressed_mb`` (a setting), and the file type is sniffed from its bytes, not its name.
"""

from __future__ import annotations

import csv
import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, cast

from psmctl.errors import InputError
from psmctl.importing.cells import MAX_CELL_CHARS, column_index, column_letter, dots
from psmctl.importing.layout import Layout, read_layouts
from psmctl.importing.ods import check_ods_extent
from psmctl.rules.settings import Settings

Cell = object


@dataclass
class SheetData:
    """One worksheet as rows of typed cells (0-based; Excel row = index + 1)."""

    name: str
    rows: list[list[Cell]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    text_only: bool = False  # every cell a str (CSV): a reader may key on cell values without their types
    hidden_rows: set[int] = field(default_factory=set)  # 0-based rows the office hid (.xlsx, .ods)
    hidden_cols: set[int] = field(default_factory=set)
    # (row, column, characters) of each cell longer than MAX_CELL_CHARS, emptied when read; every import names
    # them through importing.columns.column_findings (CELL_TOO_LONG), so the row's other cells are still read.
    long_cells: list[tuple[int, int, int]] = field(default_factory=list)
    hidden: bool = False  # the office hid the whole sheet (an old list kept out of sight): not read unless asked
    struck: set[tuple[int, int]] = field(default_factory=set)  # (row, column) of struck-through cells (.xlsx, .ods)
    # notes on cells (.xlsx, .ods): (row, column) -> text
    comments: dict[tuple[int, int], str] = field(default_factory=dict)
    text_formulas: list[tuple[int, int]] = field(default_factory=list)  # (row, column) of ="…" cells read (CSV)


Merged = list[tuple[tuple[int, int], tuple[int, int]]]


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


def _kind(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if head.startswith(_ZIP):
        return "zip"
    if head.startswith(_OLE2):
        return "ole2"
    if suffix in (".csv", ".txt"):
        return "csv"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table", b"<")):
        return "html"
    return "unknown"


# A bomb is tiny and swells enormously; a real workbook's XML deflates 5-15x (a 500,000-row roster: 37 MB -> 299 MB).
# The ratio is judged only once the content is large enough to matter.
_RATIO_FROM_MB = 64


def _check_zip(path: Path, limit_mb: int, max_ratio: int) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise InputError(f"{path.name}: berkas rusak atau terpotong ({e}); minta kirim ulang berkasnya") from None
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > limit_mb * 1024 * 1024:
        raise InputError(
            f"{path.name}: isi berkas membengkak menjadi {total // (1024 * 1024)} MB saat dibuka "
            f"(batas {limit_mb} MB, pengaturan import.max_uncompressed_mb); berkas ditolak"
        )
    if total > _RATIO_FROM_MB * 1024 * 1024 and total / packed > max_ratio:
        raise InputError(
            f"{path.name}: isi berkas membengkak {total // packed}x saat dibuka (batas {max_ratio}x, pengaturan "
            "import.max_compression_ratio): bukan spreadsheet biasa; berkas ditolak"
        )
    if "xl/workbook.bin" in names:  # its sheets are binary records the extent guard cannot read
        raise InputError(f"{path.name}: workbook biner Excel (.xlsb) tidak dibaca; simpan ulang sebagai .xlsx")
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        return "ods"
    if "word/document.xml" in names:
        raise InputError(f"{path.name}: ini dokumen Word (.docx), bukan spreadsheet; kirim daftar dalam Excel")
    if "ppt/presentation.xml" in names:
        raise InputError(f"{path.name}: ini presentasi PowerPoint, bukan spreadsheet")
    raise InputError(f"{path.name}: berkas zip ini bukan spreadsheet Excel/ODS")


def refuse_non_regular(path: Path) -> int:
    """The size of a regular file; a folder, FIFO, device or socket is refused before it is opened (opening a FIFO
    waits forever for a writer; a device never ends)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{path}: berkas tidak ditemukan") from None
    except OSError as e:
        raise InputError(
            f"{path.name}: berkas tidak bisa dibaca ({e.strerror}); periksa jalur dan hak aksesnya"
        ) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{path}: ini folder, bukan berkas spreadsheet")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: bukan berkas biasa (pipa, perangkat atau soket); simpan dulu sebagai berkas")
    return st.st_size


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?"')
# A row's r attribute is digits alone, a cell's letters and digits; searched by the literal ' r="' they are found
# at C speed, whatever the element's prefix or attribute order (_refs_above: any past a row number).
_REF = b' r="'
_REF_AT = re.compile(rb' r="[A-Z]{0,3}(\d+)"')
_WIDE_CELL = re.compile(rb' r="([A-Z]{2,3})\d')  # columns from AA on: A..Z cannot make a sheet wide
_TAIL = 1 << 16
_CHUNK = 1 << 22  # 4 MB windows: each search of a window costs its setup as well as its bytes (1 MB: 7% slower)
_HIDDEN = b'hidden="'  # on a row or column the office hid (importing.layout reads which)


def _refs_above(n: int) -> re.Pattern[bytes]:
    """Row and cell references (r="7", r="B7") whose row number is greater than `n`: every other reference fails on
    its digits' count or its first digits, so the sheet's references are searched at the speed of the literal."""
    s = str(n)
    higher = [f"\\d{{{len(s) + 1},}}"] + [
        f"{s[:i]}[{int(s[i]) + 1}-9]\\d{{{len(s) - i - 1}}}" for i in range(len(s)) if s[i] != "9"
    ]
    return re.compile(f' r="[A-Z]{{0,3}}0*(?=\\d{{{len(s)}}})({"|".join(higher)})"'.encode())


def _last_ref(window: bytes) -> int:
    """The row number of the window's last whole row or cell reference (0 when none): in a sheet whose rows come
    in order, the highest, so that `_refs_above` then finds nothing to add."""
    at = window.rfind(_REF)
    while at >= 0:
        m = _REF_AT.match(window, at)
        if m:
            return int(m.group(1))
        at = window.rfind(_REF, 0, at)
    return 0


def check_extent(path: Path, max_cells: int) -> set[str]:
    """Refuse a workbook whose sheet, declared or actual, spans more than `max_cells` cells (setting
    import.max_cells), before python-calamine builds its grid: it allocates every cell between A1 and the last
    one, so a 2 KB file with one cell at XFD1048576 asks for 512 GB and aborts the process. Each sheet's XML is
    streamed once: memory stays at a chunk. Its height is the greatest row number of any row or cell reference
    (calamine puts a cell where its own r= says, even r="A1048576" inside <row r="1">; only cells below every row
    are looked at), its width the widest cell from column AA on.

    Returns the sheets' XML members that mark no row or column hidden: those are not read again for their layout
    (importing.layout), so an ordinary workbook's sheets are decompressed once here and once by calamine."""
    plain: set[str] = set()
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                with z.open(info) as fh:
                    rows, cols, declared, hidden = _sheet_extent(fh)
                if not hidden:
                    plain.add(info.filename)
                for r, c in (declared, (rows, cols)):
                    if r * c > max_cells:
                        raise InputError(
                            f"{path.name}: lembar ({Path(info.filename).stem}) membentang sampai sel "
                            f"{column_letter(c - 1)}{r}: {dots(r)} baris x {dots(c)} kolom, lebih dari "
                            f"{dots(max_cells)} "
                            "sel (pengaturan import.max_cells); hapus isi atau format sel yang jauh di luar tabel "
                            "lalu simpan ulang"
                        )
    return plain


def _sheet_extent(fh: Any) -> tuple[int, int, tuple[int, int], bool]:
    """(last row, widest column, declared (rows, columns), whether it marks anything hidden) of one worksheet's
    XML stream."""
    head = fh.read(_TAIL)
    m = _DIMENSION.search(head)
    declared = (0, 0)
    if m and m.group(4):
        declared = (int(m.group(4)), column_index(m.group(3)) + 1)
    elif m and m.group(2):
        declared = (int(m.group(2)), column_index(m.group(1) or b"A") + 1)
    rows, cols, chunk, tail, hidden = 0, 26, head, b"", False
    while chunk:
        window = tail + chunk  # a reference cut by the chunk's end is whole in the next window
        hidden = hidden or _HIDDEN in window
        rows = max(rows, _last_ref(window))
        # Any row, or cell placed below every row (as calamine places it), past that: one search of the window.
        refs = _refs_above(rows).findall(window)
        if refs:
            rows = max(rows, max(map(int, refs)))
        for letters in set(_WIDE_CELL.findall(window)):
            cols = max(cols, column_index(letters) + 1)
        tail = window[-64:]
        chunk = fh.read(_CHUNK)
    return rows, cols, declared, hidden


class Limits(TypedDict):
    """What `read_tables` refuses to unpack (settings import.max_uncompressed_mb, max_compression_ratio, max_cells)."""

    max_uncompressed_mb: int
    max_ratio: int
    max_cells: int


def limits(settings: Settings) -> Limits:
    """The unpacking limits of `read_tables` from the settings (import.max_uncompressed_mb, max_compression_ratio)."""
    return {
        "max_uncompressed_mb": settings.imports.max_uncompressed_mb,
        "max_ratio": settings.imports.max_compression_ratio,
        "max_cells": settings.imports.max_cells,
    }


def read_tables(
    path: Path,
    *,
    max_uncompressed_mb: int | None = None,
    max_ratio: int | None = None,
    max_cells: int | None = None,
) -> list[SheetData]:
    """Every worksheet of a spreadsheet file (or the single table of a CSV); InputError when unreadable.

    Limits not given are the settings' defaults (see `limits`)."""
    path = Path(path)
    default = limits(Settings())
    max_mb = default["max_uncompressed_mb"] if max_uncompressed_mb is None else max_uncompressed_mb
    ratio = default["max_ratio"] if max_ratio is None else max_ratio
    cells = default["max_cells"] if max_cells is None else max_cells
    size = refuse_non_regular(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
    except PermissionError:
        raise InputError(f"{path.name}: berkas tidak bisa dibaca (izin ditolak); periksa hak akses berkas") from None
    except OSError as e:
        raise InputError(f"{path.name}: berkas tidak bisa dibaca ({e.strerror})") from None
    if size == 0:
        raise InputError(f"{path.name}: berkas kosong (0 byte); minta kirim ulang")
    kind = _kind(path, head)
    if kind == "csv":
        return [_read_csv(path)]
    if kind == "html":
        raise InputError(
            f"{path.name}: berkas ini halaman HTML/teks yang diberi nama spreadsheet; "
            "buka di Excel lalu simpan ulang sebagai .xlsx"
        )
    layouts: dict[str, Layout] = {}  # hidden rows and columns, an .ods's merged ranges, by sheet name
    if kind == "zip":
        kind = _check_zip(path, max_mb, ratio)
        if kind == "xlsx":
            layouts = read_layouts(path, check_extent(path, cells))  # only the sheets that hide something
        else:
            layouts = check_ods_extent(path, cells)
    elif kind == "ole2":
        if path.suffix.lower() in (".xlsx", ".xlsm") or _is_encrypted_ole(path):
            raise InputError(
                f"{path.name}: workbook dikunci kata sandi (terenkripsi); buka kuncinya di Excel lalu simpan ulang"
            )
    else:
        raise InputError(f"{path.name}: bukan berkas spreadsheet (.xlsx, .xls, .ods atau .csv)")
    return _read_calamine(path, kind, layouts, cells)


def _is_encrypted_ole(path: Path) -> bool:
    # An encrypted OOXML workbook is an OLE2 container holding these streams (UTF-16 names).
    try:
        with open(path, "rb") as fh:
            blob = fh.read(1 << 16)
    except OSError:
        return False
    return "EncryptionInfo".encode("utf-16-le") in blob or "EncryptedPackage".encode("utf-16-le") in blob


def _read_calamine(path: Path, kind: str, layouts: dict[str, Layout], max_cells: int | None = None) -> list[SheetData]:
    """The sheets of a workbook; `layouts`: what calamine does not give, by sheet name (read_tables)."""
    import python_calamine as pc

    errors = (
        pc.CalamineError,
        pc.PasswordError,
        pc.XmlError,
        pc.ZipError,
        pc.WorksheetNotFound,
        ValueError,
        OSError,
    )
    what = "xls" if kind == "ole2" else kind
    max_cells = limits(Settings())["max_cells"] if max_cells is None else max_cells
    try:
        # From the bytes, not the name: an .xlsx saved as "daftar.xls" is still read.
        with open(path, "rb") as fh:
            wb = pc.load_workbook(fh)
        sheets: list[SheetData] = []
        for meta in wb.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue  # chart sheets and macro sheets hold no roster
            sheet = wb.get_sheet_by_name(meta.name)
            lay = layouts.get(meta.name) or Layout()
            merged = list(sheet.merged_cell_ranges or []) or lay.merged  # .ods: spans read from content.xml
            # calamine already hands back a fresh list per row: no copy (100k rows x 12 cells).
            rows = cast("list[list[Cell]]", sheet.to_python(skip_empty_area=False))
            del sheet  # release calamine's own copy of the cells before the next sheet is read
            if merged:
                _check_merged(path, meta.name, rows, merged, max_cells)
            filled = _fill_merged(rows, merged) if merged else rows
            hidden = meta.visible != pc.SheetVisibleEnum.Visible
            sheets.append(
                SheetData(
                    meta.name,
                    filled,
                    merged,
                    hidden_rows=lay.hidden_rows,
                    hidden_cols=lay.hidden_cols,
                    hidden=hidden,
                    struck=lay.struck,
                    comments=lay.comments,
                )  # fmt: skip
            )
        wb.close()
    except pc.PasswordError:
        raise InputError(
            f"{path.name}: workbook dikunci kata sandi; buka kuncinya di Excel lalu simpan ulang"
        ) from None
    except errors as e:
        hint = "simpan ulang sebagai .xlsx" if what == "xls" else "minta kirim ulang berkasnya"
        raise InputError(f"{path.name}: berkas {what} rusak atau tidak terbaca ({_short(e)}); {hint}") from None
    if not sheets:
        raise InputError(f"{path.name}: workbook tidak punya lembar data (hanya grafik atau kosong)")
    return sheets


def _check_merged(path: Path, sheet: str, rows: list[list[Cell]], merged: Merged, max_cells: int) -> None:
    """Refuse merged ranges whose filling would build more than `max_cells` cells (setting import.max_cells): one
    <mergeCell ref="A2:XFD1048576"/> in a 2 KB file would have every one of its cells filled."""
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    filled = 0
    for (r0, c0), (r1, c1) in merged:
        if r0 < height:
            height, width = max(height, r1 + 1), max(width, c1 + 1)
            filled += (r1 - r0 + 1) * (c1 - c0 + 1)
    if max(height * width, filled) > max_cells:
        raise InputError(
            f"{path.name}: sel gabungan di lembar {sheet} membentang sampai sel {column_letter(width - 1)}{height}, "
            "lebih "
            f"dari {dots(max_cells)} sel (pengaturan import.max_cells); lepaskan gabungan sel di luar tabel lalu "
            "simpan ulang"
        )


def _short(e: BaseException) -> str:
    return str(e).splitlines()[0][:120] if str(e) else type(e).__name__


def _fill_merged(
    rows: list[list[Cell]],
    merged: Merged,
    *,
    offset: int = 0,
    values: dict[Any, Cell] | None = None,
    last: bool = True,
) -> list[list[Cell]]:
    """Give every cell of each merged range its top-left value. `rows` are the sheet's rows from index `offset`
    on; a top-left cell above them is looked up in `values`. Only the `last` part of a sheet grows rows for a
    range that reaches below its end."""
    for (r0, c0), (r1, c1) in merged:
        if r0 >= offset:
            if r0 - offset >= len(rows) or c0 >= len(rows[r0 - offset]):
                continue
            value = rows[r0 - offset][c0]
        elif values is not None and (r0, c0) in values:
            value = values[(r0, c0)]
        else:
            continue
        lo = max(r0, offset) - offset  # rows[lo : hi + 1] are the range's rows in this part
        hi = r1 - offset if last else min(r1 - offset, len(rows) - 1)
        if hi < lo:  # the range ends above these rows
            continue
        if c0 == c1 and hi < len(rows):  # a KELURAHAN cell merged down a block: the common case, kept tight
            for row in rows[lo : hi + 1]:
                if c0 < len(row):
                    row[c0] = value
                else:
                    row.extend([""] * (c0 - len(row)))
                    row.append(value)
            continue
        for r in range(lo, hi + 1):
            while r >= len(rows):
                rows.append([])
            row = rows[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value
    return rows


def _text_encodings(raw: bytes) -> tuple[str, ...]:
    """The encodings to try on a text file: UTF-16 with a BOM, or without one (a NUL beside every ASCII character,
    what some Excel versions save as "Unicode text"), else UTF-8 (with or without BOM), else Windows-1252."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return ("utf-16",)
    head = raw[:4096]
    half = len(head) // 2
    if half >= 2 and len(raw) % 2 == 0:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd >= half * 0.6 and even == 0:
            return ("utf-16-le",)
        if even >= half * 0.6 and odd == 0:
            return ("utf-16-be",)
    return ("utf-8-sig", "cp1252")


def _read_csv(path: Path) -> SheetData:
    raw = path.read_bytes()
    for encoding in _text_encodings(raw):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(f"{path.name}: pengodean teks CSV tidak dikenali; simpan ulang sebagai CSV UTF-8")
    if "\x00" in text:
        raise InputError(f"{path.name}: bukan berkas CSV teks")
    sample = text[:4096]
    delimiter = max((";", ",", "\t"), key=sample.count)  # Excel saves ";" in Indonesian locales, "\t" as text
    size = len(text)
    formulas = '="' in text
    del text, raw  # checked; the rows are read from the file again (a StringIO of it would take 4 bytes a char)
    long_cells: list[tuple[int, int, int]] = []
    try:
        rows = _csv_rows(path, encoding, delimiter, MAX_CELL_CHARS)
    except csv.Error as e:
        if "field larger" not in str(e):
            raise InputError(
                f"{path.name}: CSV tidak terbaca ({_short(e)}); simpan ulang dari Excel sebagai CSV"
            ) from None
        # A cell longer than any spreadsheet holds: read again without the limit, then empty those cells.
        rows = _csv_rows(path, encoding, delimiter, size + 1)
        long_cells = _empty_long_cells(path, rows)
    sheet = SheetData(os.path.splitext(path.name)[0], rows, text_only=True, long_cells=long_cells)
    if formulas:
        sheet.text_formulas = _unwrap_text_formulas(rows)
    return sheet


_TEXT_FORMULA = re.compile(r'="(.*)"', re.DOTALL)


def _unwrap_text_formulas(rows: list[list[Cell]]) -> list[tuple[int, int]]:
    """Cells written ="3571…" (how Excel and many applications keep a long number as text in a CSV: Excel shows
    the text inside) read as that text; returns where they were, for the report (CSV_TEXT_FORMULA)."""
    out: list[tuple[int, int]] = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value.__class__ is str and value[:2] == '="' and (m := _TEXT_FORMULA.fullmatch(value)):
                row[c] = m.group(1).replace('""', '"')
                out.append((r, c))
    return out


def _csv_rows(path: Path, encoding: str, delimiter: str, limit: int) -> list[list[Cell]]:
    csv.field_size_limit(limit)
    with open(path, encoding=encoding, newline="") as fh:
        return cast("list[list[Cell]]", list(csv.reader(fh, delimiter=delimiter)))  # a fresh list a row


def _empty_long_cells(path: Path, rows: list[list[Cell]]) -> list[tuple[int, int, int]]:
    """Empty every cell longer than MAX_CELL_CHARS and say where they were. A long cell running over line
    breaks is a quote opened and never closed: the rows after it are inside it, so the file is refused."""
    out: list[tuple[int, int, int]] = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            text = cast("str", value)
            if len(text) <= MAX_CELL_CHARS:
                continue
            if "\n" in text or "\r" in text:
                raise InputError(
                    f"{path.name}: CSV tidak terbaca (baris {r + 1}: tanda kutip dibuka tetapi tidak ditutup, "
                    f"{dots(len(text))} karakter dalam satu sel); simpan ulang dari Excel sebagai CSV"
                )
            row[c] = ""
            out.append((r, c, len(text)))
    return out

"""What python-calamine does not give: hidden rows and columns (.xlsx, .ods) and the merged cells of an .ods.

Offices hide people instead of deleting them, so a hidden row must be seen by the import. The .xlsx sheet XML
marks them ``<row r="7" hidden="1">`` and ``<col min="7" max="7" hidden="1">``; the .ods content.xml
``table:visibility="collapse"`` on rows and columns. An .ods keeps merged cells as
``table:number-rows-spanned`` / ``number-columns-spanned`` on the top-left cell (calamine returns no ranges for
.ods), read here so the sheet is filled exactly as an .xlsx is. A file without any of these is only searched for
the marker bytes, never parsed.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

Range = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class Layout:
    """0-based hidden row and column indexes of one sheet, and (for .ods) its merged ranges."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    merged: list[Range] = field(default_factory=list)


def read_layouts(path: Path, kind: str, plain: Container[str] = ()) -> dict[str, Layout]:
    """Layouts by sheet name of an .xlsx ("xlsx") or .ods ("ods"); {} for other kinds or on any read problem
    (the cells were read already: this only adds to them). `plain`: .xlsx sheet XML members known to hide
    nothing (sheets.check_extent streamed them once already): not read again."""
    try:
        with zipfile.ZipFile(path) as z:
            if kind == "xlsx":
                return _xlsx(z, plain)
            if kind == "ods":
                return _ods(z)
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError, ValueError):
        return {}
    return {}


_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_REL_REV = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_HIDDEN_COL = re.compile(rb'<(?:\w+:)?col\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ATTR_R = re.compile(rb'\br="(\d+)"')
_MIN_MAX = re.compile(rb'\bmin="(\d+)"[^>]*?\bmax="(\d+)"|\bmax="(\d+)"[^>]*?\bmin="(\d+)"')


def _xlsx(z: zipfile.ZipFile, plain: Container[str]) -> dict[str, Layout]:
    book = z.read("xl/workbook.xml")
    rels = z.read("xl/_rels/workbook.xml.rels")
    targets = dict(_REL.findall(rels)) | {i: t for t, i in _REL_REV.findall(rels)}
    out: dict[str, Layout] = {}
    for name, rid in _SHEET.findall(book):
        target = targets.get(rid, b"").decode()
        member = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if member in plain:
            continue
        data = z.read(member)
        if b'hidden="' not in data:
            continue
        lay = Layout()
        for m in _HIDDEN_ROW.finditer(data):
            r = _ATTR_R.search(m.group(0))
            if r:
                lay.hidden_rows.add(int(r.group(1)) - 1)
        for m in _HIDDEN_COL.finditer(data):
            mm = _MIN_MAX.search(m.group(0))
            if mm:
                lo, hi = (mm.group(1), mm.group(2)) if mm.group(1) else (mm.group(4), mm.group(3))
                lay.hidden_cols.update(range(int(lo) - 1, min(int(hi), 16384)))
        out[html.unescape(name.decode())] = lay
    return out


_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _ods(z: zipfile.ZipFile) -> dict[str, Layout]:
    data = z.read("content.xml")
    if b"spanned" not in data and b"visibility" not in data:
        return {}
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # no spreadsheet needs entities; a bomb does
        return {}
    out: dict[str, Layout] = {}
    lay = Layout()
    row = col = column_index = 0
    for event, el in ElementTree.iterparse(_Bytes(data), events=("start", "end")):  # noqa: S314  no DTD (above)
        tag = el.tag
        if event == "start":
            if tag == _T + "table":
                lay, row, column_index = Layout(), 0, 0
                out[el.get(_T + "name", "")] = lay
            elif tag == _T + "table-column":
                n = int(el.get(_T + "number-columns-repeated", "1"))
                if el.get(_T + "visibility") in ("collapse", "filter"):
                    lay.hidden_cols.update(range(column_index, min(column_index + n, 16384)))
                column_index += n
            elif tag == _T + "table-row":
                col = 0
                if el.get(_T + "visibility") in ("collapse", "filter"):
                    n = int(el.get(_T + "number-rows-repeated", "1"))
                    lay.hidden_rows.update(range(row, row + min(n, 1000)))
            elif tag in (_T + "table-cell", _T + "covered-table-cell"):
                rs = int(el.get(_T + "number-rows-spanned", "1"))
                cs = int(el.get(_T + "number-columns-spanned", "1"))
                if rs > 1 or cs > 1:
                    lay.merged.append(((row, col), (row + rs - 1, col + cs - 1)))
                col += int(el.get(_T + "number-columns-repeated", "1"))
        elif tag == _T + "table-row":
            row += int(el.get(_T + "number-rows-repeated", "1"))
            el.clear()
    return {k: v for k, v in out.items() if v.hidden_rows or v.hidden_cols or v.merged}


class _Bytes:
    """A file-like view of bytes for iterparse (io.BytesIO would copy them)."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._data) if n < 0 else self._pos + n
        chunk = bytes(self._data[self._pos : end])
        self._pos += len(chunk)
        return chunk

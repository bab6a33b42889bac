"""What python-calamine does not give: hidden rows and columns (.xlsx, .ods) and the merged cells of an .ods.

Offices hide people instead of deleting them, so a hidden row must be seen by the import. The .xlsx sheet XML
marks them ``<row r="7" hidden="1">`` and ``<col min="7" max="7" hidden="1">``; the .ods content.xml
``table:visibility="collapse"`` on rows and columns. An .ods keeps merged cells as
``table:number-rows-spanned`` / ``number-columns-spanned`` on the top-left cell (calamine returns no ranges for
.ods): sheets.check_ods_extent reads them in its one pass, so the sheet is filled exactly as an .xlsx is. A sheet
without any of these is only searched for the marker bytes, never parsed.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path

Range = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class Layout:
    """0-based hidden row and column indexes of one sheet, and (for .ods) its merged ranges."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    merged: list[Range] = field(default_factory=list)


def read_layouts(path: Path, plain: Container[str] = ()) -> dict[str, Layout]:
    """Layouts by sheet name of an .xlsx; {} on any read problem (calamine reads the cells; this only adds to
    them). `plain`: sheet XML members known to hide nothing (sheets.check_extent streamed them once already): not
    read again. An .ods's layout is read by sheets.check_ods_extent in its one pass over content.xml."""
    try:
        with zipfile.ZipFile(path) as z:
            return _xlsx(z, plain)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
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

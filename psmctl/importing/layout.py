"""What python-calamine does not give: hidden rows and columns (.xlsx, .ods) and the merged cells of an .ods.

Offices hide people instead of deleting them, so a hidden row must be seen by the import. The .xlsx sheet XML
marks them ``<row r="7" hidden="1">`` and ``<col min="7" max="7" hidden="1">``; the .ods content.xml
``table:visibility="collapse"`` on rows and columns. An .ods keeps merged cells as
``table:number-rows-spanned`` / ``number-columns-spanned`` on the top-left cell (calamine returns no ranges for
.ods): ods.check_ods_extent reads them in its one pass, so the sheet is filled exactly as an .xlsx is; the same pass
reads an .ods's struck-through cells and notes on cells, which this module reads for an .xlsx. A sheet
without any of these is only searched for the marker bytes, never parsed.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path

from psmctl.importing.cells import column_index

Range = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class Layout:
    """0-based hidden row and column indexes of one sheet, (for .ods) its merged ranges, its struck cells and notes."""

    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    merged: list[Range] = field(default_factory=list)
    struck: set[tuple[int, int]] = field(default_factory=set)  # (row, column) of cells whose text is struck through
    comments: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> the note on that cell


def read_layouts(path: Path, plain: Container[str] = ()) -> dict[str, Layout]:
    """Layouts by sheet name of an .xlsx; {} on any read problem (calamine reads the cells; this only adds to
    them). `plain`: sheet XML members known to hide nothing (sheets.check_extent streamed them once already): not
    read again. An .ods's layout is read by ods.check_ods_extent in its one pass over content.xml."""
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
    strike = _strike_styles(z)
    out: dict[str, Layout] = {}
    for name, rid in _SHEET.findall(book):
        target = targets.get(rid, b"").decode()
        member = target.lstrip("/") if target.startswith("/") else "xl/" + target
        lay = Layout(comments=_comments(z, member))
        if member not in plain or strike:
            data = z.read(member)
            lay.struck = _struck(data, strike) if strike else set()
            _hidden(data, lay)
        if lay.hidden_rows or lay.hidden_cols or lay.struck or lay.comments:
            out[html.unescape(name.decode())] = lay
    return out


def _hidden(data: bytes, lay: Layout) -> None:
    if b'hidden="' in data:
        for m in _HIDDEN_ROW.finditer(data):
            r = _ATTR_R.search(m.group(0))
            if r:
                lay.hidden_rows.add(int(r.group(1)) - 1)
        for m in _HIDDEN_COL.finditer(data):
            mm = _MIN_MAX.search(m.group(0))
            if mm:
                lo, hi = (mm.group(1), mm.group(2)) if mm.group(1) else (mm.group(4), mm.group(3))
                lay.hidden_cols.update(range(int(lo) - 1, min(int(hi), 16384)))


# --- struck-through cells and cell comments: offices strike a person out, or write "meninggal" in a note ------------

_FONTS = re.compile(rb"<(?:\w+:)?fonts\b[^>]*>(.*?)</(?:\w+:)?fonts>", re.S)
_FONT = re.compile(rb"<(?:\w+:)?font\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?font>)", re.S)
_STRIKE_ON = re.compile(rb'<(?:\w+:)?strike\b(?![^>]*\bval="(?:0|false)")[^>]*>')
_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*?)(?:/>|>.*?</(?:\w+:)?xf>)", re.S)
_FONT_ID = re.compile(rb'\bfontId="(\d+)"')
_COMMENT = re.compile(rb"<(?:\w+:)?comment\b([^>]*)>(.*?)</(?:\w+:)?comment>", re.S)
_T = re.compile(rb"<(?:\w+:)?t\b[^>]*>(.*?)</(?:\w+:)?t>", re.S)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/?)>")
_ATTR_S = re.compile(rb'\bs="(\d+)"')
_REF = re.compile(rb'\b(?:r|ref)="([A-Z]{1,3})(\d+)"')
_COMMENTS_REL = re.compile(rb'<Relationship\b[^>]*?/comments"[^>]*>')
_TARGET = re.compile(rb'\bTarget="([^"]*)"')
_MAX_PART = 16 << 20  # a styles or comments part larger than this is not read (the cells still are)


def _strike_styles(z: zipfile.ZipFile) -> frozenset[bytes]:
    """The cell styles (their `s` numbers, as bytes) whose font is struck through; empty for nearly every file,
    so no sheet is searched for them. Read with patterns over the bytes, as the rest of this module: no XML parser
    meets a file from outside."""
    try:
        info = z.getinfo("xl/styles.xml")
    except KeyError:
        return frozenset()
    if info.file_size > _MAX_PART:
        return frozenset()
    data = z.read(info)
    if b"strike" not in data:
        return frozenset()
    fonts, xfs = _FONTS.search(data), _XFS.search(data)
    if not fonts or not xfs:
        return frozenset()
    struck = {i for i, m in enumerate(_FONT.finditer(fonts.group(1))) if _STRIKE_ON.search(m.group(1) or b"")}
    ids = (_FONT_ID.search(m.group(1)) for m in _XF.finditer(xfs.group(1)))
    return frozenset(str(i).encode() for i, f in enumerate(ids) if int(f.group(1) if f else 0) in struck)


def _struck(data: bytes, styles: frozenset[bytes]) -> set[tuple[int, int]]:
    """(row, column) of every cell holding a value in a struck-through style."""
    out: set[tuple[int, int]] = set()
    for m in _CELL.finditer(data):
        if m.group(2):  # <c r="A4" s="3"/>: a styled cell with nothing in it
            continue
        s, ref = _ATTR_S.search(m.group(1)), _REF.search(m.group(1))
        if s and ref and s.group(1) in styles:
            out.add((int(ref.group(2)) - 1, column_index(ref.group(1))))
    return out


def _comments(z: zipfile.ZipFile, member: str) -> dict[tuple[int, int], str]:
    """The notes on a sheet's cells ((row, column) -> text), from the comments part its relationships name."""
    folder, _, file = member.rpartition("/")
    try:
        rels = z.read(f"{folder}/_rels/{file}.rels")
    except KeyError:
        return {}
    out: dict[tuple[int, int], str] = {}
    for rel in _COMMENTS_REL.findall(rels):
        target = _TARGET.search(rel)
        if not target:
            continue
        part = posixpath.normpath(posixpath.join(folder, target.group(1).decode()))
        info = z.getinfo(part.lstrip("/"))
        if info.file_size > _MAX_PART:
            continue
        for m in _COMMENT.finditer(z.read(info)):
            ref = _REF.search(m.group(1))
            text = " ".join(html.unescape(b"".join(_T.findall(m.group(2))).decode("utf-8", "replace")).split())
            if ref and text:
                out[(int(ref.group(2)) - 1, column_index(ref.group(1)))] = text
    return out

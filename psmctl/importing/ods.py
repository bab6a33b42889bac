"""What python-calamine does not check or give for an .ods: how far its sheets reach once repeat counts are
expanded (refused past import.max_cells before calamine builds the grid), and each sheet's layout (hidden rows and
columns, merged ranges, struck-through cells, notes on cells), read in one streamed pass over content.xml
(`check_ods_extent`)."""

from __future__ import annotations

import html
import re
import zipfile
from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path
from typing import Any

from psmctl.errors import InputError
from psmctl.importing.cells import MAX_CELL_CHARS, column_letter, dots
from psmctl.importing.layout import Layout

_ODS_END_ROW = b"</table:table-row>"
_ODS_ROW = b"<table:table-row"
_ODS_ROWS = re.compile(rb'table:number-rows-repeated\s*=\s*["\'](\d+)')
_ODS_COLS = re.compile(rb'table:number-columns-repeated\s*=\s*["\'](\d+)')
_ODS_SPACES = re.compile(rb'text:c\s*=\s*["\'](\d+)')
# Between rows: a sheet's start (and its name), its columns, rows written as empty elements.
_ODS_MARKUP = re.compile(
    rb"<table:table(?=[\s>])[^>]*|<table:table-column(?=[\s/>])[^>]*|<table:table-row(?=[\s/>])[^<]*"
)
_ODS_NAME = re.compile(rb'table:name\s*=\s*["\']([^"\']*)')
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell(?=[\s/>])[^>]*")
_ODS_SPAN = re.compile(rb'table:number-(rows|columns)-spanned\s*=\s*["\'](\d+)')
_ODS_HIDDEN = re.compile(rb'table:visibility\s*=\s*["\'](?:collapse|filter)')
_ODS_COLS_AT = b"columns-repeated"
# Struck-through cells: the automatic cell styles (before the body) whose text is struck, named on the cells.
_ODS_BODY = b"<office:body"
_ODS_STYLE = re.compile(rb"<style:style(?=[\s/>])([^>]*?)(?:/>|>(.*?)</style:style>)", re.S)
_ODS_STYLE_NAME = re.compile(rb'style:name\s*=\s*["\']([^"\']*)')
_ODS_STRIKE_ON = re.compile(rb'style:text-line-through-style\s*=\s*["\'](?!none["\'])')
_ODS_CELL_STYLE = re.compile(rb'table:style-name\s*=\s*["\']([^"\']*)')
_ODS_DEFAULT_STYLE = re.compile(rb'table:default-cell-style-name\s*=\s*["\']([^"\']*)')
# Notes on cells: <office:annotation> inside the cell (its dc:creator and dc:date dropped); never -end.
_ODS_NOTE = b"office:annotation"
_ODS_NOTE_AT = re.compile(rb"<office:annotation(?=[\s>])[^>]*>(.*?)</office:annotation>", re.S)
_ODS_NOTE_META = re.compile(rb"<dc:(creator|date)\b[^>]*>.*?</dc:\1>", re.S)
_ODS_PARA = re.compile(rb"<text:p\b[^>]*?(?<!/)>(.*?)</text:p>", re.S)
_ODS_GAP = re.compile(rb"<text:(?:s|tab|line-break)\b[^>]*>")
_ODS_TAG = re.compile(rb"<[^>]*>")


def check_ods_extent(path: Path, max_cells: int) -> dict[str, Layout]:
    """Refuse an .ods whose sheet would span more than `max_cells` cells (setting import.max_cells) once its repeat
    counts are expanded, before python-calamine builds the grid: a 1 KB content.xml declaring a row repeated a
    million times, or a value repeated across 16,384 columns on 1,000 rows, costs seconds and gigabytes. Counted as
    calamine counts: rows up to the last one holding a value, columns up to a row's last value (trailing empty
    rows and cells, which LibreOffice writes by the million, cost nothing and count nothing); a sheet counts at
    least 26 columns, as in check_extent. Repeated spaces (<text:s text:c="...">) are refused past one cell's
    MAX_CELL_CHARS, or past the size of content.xml itself in all.

    content.xml is streamed once, in chunks of whole rows, and searched for bytes, never parsed: a cell's contents
    are skipped but for the row's last value. The same pass returns each sheet's layout (hidden rows and columns,
    and the merged ranges, struck-through cells and notes on cells calamine does not give for an .ods), so
    content.xml is decompressed once here and once by calamine. A file with no struck cell style and no note costs
    one more search per chunk."""
    with zipfile.ZipFile(path) as z, z.open("content.xml") as fh:
        scan = _OdsScan(path.name, max_cells, max(1 << 20, z.getinfo("content.xml").file_size))
        for body in _whole_rows(fh):
            scan.feed(body)
    return {
        name: lay
        for name, lay in scan.layouts.items()
        if lay.hidden_rows or lay.hidden_cols or lay.merged or lay.struck or lay.comments
    }


def _whole_rows(fh: Any) -> Iterator[bytes]:
    """content.xml in chunks that end at a row's end, the last one at the document's (kept as a list of parts
    until a row ends, so that a row without end is not copied over and over)."""
    parts: list[bytes] = []
    tail = b""  # the pending bytes' last few, where a row's end may begin
    while chunk := fh.read(1 << 22):
        probe = tail + chunk
        cut = probe.rfind(_ODS_END_ROW)
        tail = probe[1 - len(_ODS_END_ROW) :]
        if cut < 0:
            parts.append(chunk)
            continue
        cut += len(_ODS_END_ROW) - (len(probe) - len(chunk))  # in chunk: the row's end cannot lie in tail alone
        yield b"".join([*parts, chunk[:cut]])
        parts = [chunk[cut:]]
    yield b"".join(parts)


class _OdsScan:
    """One pass over an .ods content.xml: the sheet being read, how far it reaches, and its layout."""

    def __init__(self, file: str, max_cells: int, max_spaces: int) -> None:
        self.file, self.max_cells, self.max_spaces = file, max_cells, max_spaces
        self.sheet = self.rows = self.height = self.width = self.column = self.spaces = 0
        self.layout = Layout()
        self.layouts: dict[str, Layout] = {}
        self.strike: frozenset[bytes] | None = None  # struck cell styles' names, read from the first chunk
        self.strike_marks: list[bytes] = []  # those names quoted, as a cell names its style
        self.struck_cols: set[int] = set()  # this sheet's columns whose default cell style is struck

    def _styles(self, body: bytes) -> None:
        """The automatic cell styles whose text is struck through (`style:text-line-through-style` other than
        "none"), from before the body; nearly every file has none, and then no cell is looked at for them."""
        end = body.find(_ODS_BODY)
        head = body[: end if end >= 0 else len(body)]
        names: set[bytes] = set()
        if b"line-through-style" in head:
            for m in _ODS_STYLE.finditer(head):
                name = _ODS_STYLE_NAME.search(m.group(1))
                if name and b"table-cell" in m.group(1) and _ODS_STRIKE_ON.search(m.group(2) or b""):
                    names.add(name.group(1))
        self.strike = frozenset(names)
        self.strike_marks = [q + n + q for n in sorted(names) for q in (b'"', b"'")]

    def feed(self, body: bytes) -> None:
        """Whole rows: each piece before a row's end holds that row (after any markup between rows)."""
        if self.strike is None:
            self._styles(body)
        marks = [m for m in self.strike_marks if m in body]  # the rows to look at for struck cells and notes
        if _ODS_NOTE in body:
            marks.append(_ODS_NOTE)
        pieces = body.split(_ODS_END_ROW)
        formulas = b"table:formula" in body
        rows = pieces[:-1]  # the last piece holds no row's end: the document's end, or nothing
        if (
            body.count(_ODS_ROW) == len(rows)
            and all(p.startswith(_ODS_ROW) for p in rows)
            and b"rows-repeated" not in body
            and not _ODS_MARKUP.search(pieces[-1])
        ):
            self._plain(body, rows, formulas, marks)
            return
        for piece in pieces:
            self._piece(piece, formulas, marks)

    def _plain(self, body: bytes, pieces: list[bytes], formulas: bool, marks: list[bytes]) -> None:
        """Rows one after another in one sheet, each a piece of its own, none repeated (most of a large file): each
        step a pass over all of them at C speed; only a row with spans, hidden or repeated spaces is looked at
        alone."""
        lasts = [p.rfind(b"value") for p in pieces]  # each row's last value (or formula); the rest is not read
        if formulas:
            lasts = [max(last, p.rfind(b"table:formula")) for p, last in zip(pieces, lasts, strict=True)]
        # A row's cells up to the end of its last value's tag, and the row's own tag: every '<table:' element.
        ends = [p.find(b"<", last) if last > 0 else 0 for p, last in zip(pieces, lasts, strict=True)]
        cells = [p.count(b"<table:", 0, end) - 1 for p, end in zip(pieces, ends, strict=True)]
        if b"columns-repeated" in body:
            wide = [i for i, (p, end) in enumerate(zip(pieces, ends, strict=True)) if p.find(_ODS_COLS_AT, 0, end) >= 0]
            for i in wide:
                cells[i] += sum(int(n) - 1 for n in _ODS_COLS.findall(pieces[i], 0, ends[i]))
        first = self.rows
        self.rows += len(pieces)
        valued = next((i for i in range(len(lasts) - 1, -1, -1) if lasts[i] > 0), -1)
        if valued >= 0:
            self._reach(first + valued + 1, max(cells))
        offsets: list[int] = []  # where each row ends in body, found once a row needs a closer look
        if self.struck_cols:  # a column's default style is struck: any cell without a style of its own may be
            marks = [*marks, b"<table:table-cell"]
        steps = [(b"spanned", self._spans), (b"visibility", self._hidden), (b"text:c", self._spaces)]
        for marker, step in steps + [(m, self._marks) for m in marks]:
            at = body.find(marker)
            offsets = offsets or list(accumulate(len(p) + len(_ODS_END_ROW) for p in pieces)) if at >= 0 else offsets
            while at >= 0:
                i = bisect_right(offsets, at)  # the row holding it; the next search starts after that row
                if i >= len(pieces):  # after the last row's end: no row of this chunk
                    break
                step(pieces[i], pieces[i].find(b"<", 1), first + i)
                at = body.find(marker, offsets[i])

    def _piece(self, piece: bytes, formulas: bool, marks: list[bytes]) -> None:
        """One row and the markup before it, when a chunk holds more than rows one after another."""
        start = piece.rfind(_ODS_ROW)
        if start != 0:  # a new sheet, its columns, rows written as empty elements (or only whitespace)
            self._markup(piece, len(piece) if start < 0 else start)
            if start < 0:
                return
        stop = piece.find(b"<", start + 1)  # '<' never stands inside a tag: the row's tag ends before it
        tag = piece[start:stop] if stop > 0 else piece[start:]
        first = self.rows
        self._row(tag)
        if stop < 0 or tag.rstrip().endswith(b"/>"):  # an empty row element: no cells
            return
        last = piece.rfind(b"value")
        if formulas:
            last = max(last, piece.rfind(b"table:formula"))
        if last > start:
            end = piece.find(b"<", last)
            end = end if end > 0 else len(piece)
            cols = piece.count(b"<table:", stop, end)  # its cells, covered or not
            if piece.find(_ODS_COLS_AT, stop, end) >= 0:
                cols += sum(int(n) - 1 for n in _ODS_COLS.findall(piece, stop, end))
            self._reach(self.rows, cols)
        for marker, step in ((b"spanned", self._spans), (b"text:c", self._spaces)):
            if marker in piece:
                step(piece, stop, first)
        if (marks and any(m in piece for m in marks)) or self.struck_cols:
            self._marks(piece, stop, first, self.rows - first)

    def _markup(self, piece: bytes, end: int) -> None:
        for m in _ODS_MARKUP.finditer(piece, 0, end):
            found = m.group(0)
            if found.startswith(_ODS_ROW):
                self._row(found)  # written as an empty element (a row with cells ends its own piece)
            elif found.startswith(b"<table:table-column"):
                n = _repeats(found, _ODS_COLS)
                if b"visibility" in found and _ODS_HIDDEN.search(found):
                    self.layout.hidden_cols.update(range(self.column, min(self.column + n, 16384)))
                style = _ODS_DEFAULT_STYLE.search(found) if self.strike and b"default-cell" in found else None
                if style and style.group(1) in (self.strike or ()):
                    self.struck_cols.update(range(self.column, min(self.column + n, 16384)))
                self.column += n
            else:  # a new sheet
                name = _ODS_NAME.search(found)
                self.sheet, self.rows, self.height, self.width, self.column = self.sheet + 1, 0, 0, 0, 0
                self.layout, self.struck_cols = Layout(), set()
                self.layouts[html.unescape(name.group(1).decode("utf-8", "replace")) if name else ""] = self.layout

    def _row(self, tag: bytes) -> None:
        n = _repeats(tag, _ODS_ROWS)
        if b"visibility" in tag and _ODS_HIDDEN.search(tag):
            self.layout.hidden_rows.update(range(self.rows, self.rows + min(n, 1000)))
        self.rows += n

    def _hidden(self, piece: bytes, stop: int, row: int) -> None:
        if _ODS_HIDDEN.search(piece, 0, stop):
            self.layout.hidden_rows.add(row)

    def _reach(self, height: int, width: int) -> None:
        """The sheet reaches this row (1-based), and this many columns: refused past max_cells."""
        self.height, self.width = height, max(self.width, width)
        if self.height * max(self.width, 26) > self.max_cells:
            h, w = self.height, max(self.width, 26)
            raise InputError(
                f"{self.file}: lembar ke-{self.sheet} membentang sampai sel {column_letter(w - 1)}{h}: {dots(h)} "
                "baris x "
                f"{dots(w)} kolom setelah pengulangan baris/kolom dibuka, lebih dari {dots(self.max_cells)} sel "
                "(pengaturan import.max_cells); hapus isi atau format sel yang jauh di luar tabel lalu simpan ulang"
            )

    def _spans(self, piece: bytes, stop: int, row: int) -> None:
        """The merged ranges whose top-left cell is on this row (0-based, as calamine's rows)."""
        col = 0
        for m in _ODS_CELL.finditer(piece, stop):
            cell = m.group(0)
            if b"spanned" in cell:
                spans = {k: int(v) for k, v in _ODS_SPAN.findall(cell)}
                rs, cs = spans.get(b"rows", 1), spans.get(b"columns", 1)
                if rs > 1 or cs > 1:
                    self.layout.merged.append(((row, col), (row + rs - 1, col + cs - 1)))
            col += _repeats(cell, _ODS_COLS)

    def _marks(self, piece: bytes, stop: int, row: int, repeat: int = 1) -> None:
        """This row's struck-through cells holding a value (their own style struck, or without one their column's
        default), and the notes on its cells (0-based, as calamine's rows); a repeated row gives each repeat's (the
        first thousand's notes: an empty row may be repeated a million times)."""
        starts: list[int] = []  # where each cell's tag begins, and its column
        cols: list[int] = []
        col = 0
        for m in _ODS_CELL.finditer(piece, stop):
            cell = m.group(0)
            n = _repeats(cell, _ODS_COLS)
            starts.append(m.start())
            cols.append(col)
            if self.strike and b"value" in cell:  # holding a value: within the extent refused past max_cells
                style = _ODS_CELL_STYLE.search(cell)
                if style.group(1) in self.strike if style else col in self.struck_cols:
                    spread = range(col, min(col + n, 16384))
                    self.layout.struck.update((r, c) for r in range(row, row + repeat) for c in spread)
            col += n
        if _ODS_NOTE not in piece:
            return
        for m in _ODS_NOTE_AT.finditer(piece, stop):
            at, text = bisect_right(starts, m.start()) - 1, _note_text(m.group(1))
            if at >= 0 and text:
                self.layout.comments.update(((r, cols[at]), text) for r in range(row, row + min(repeat, 1000)))

    def _spaces(self, piece: bytes, stop: int, row: int) -> None:
        runs = [int(n) for n in _ODS_SPACES.findall(piece, stop)]
        self.spaces += sum(runs)
        if self.spaces > self.max_spaces or max(runs, default=0) > MAX_CELL_CHARS:
            raise InputError(
                f"{self.file}: baris {row + 1} berisi {dots(max(runs, default=0))} spasi berulang dalam satu sel, "
                f"lebih dari {dots(MAX_CELL_CHARS)} karakter (batas satu sel Excel), atau lebih dari ukuran isi "
                "berkasnya; berkas ditolak, simpan ulang dari spreadsheet"
            )


def _repeats(tag: bytes, pattern: re.Pattern[bytes]) -> int:
    m = pattern.search(tag) if b"repeated" in tag else None
    return int(m.group(1)) if m else 1


def _note_text(inner: bytes) -> str:
    """A note's paragraphs joined with a space (its author and date dropped, entities unescaped)."""
    inner = _ODS_NOTE_META.sub(b"", inner)
    paras = (_ODS_TAG.sub(b"", _ODS_GAP.sub(b" ", p)) for p in _ODS_PARA.findall(inner))
    return " ".join(html.unescape(b" ".join(paras).decode("utf-8", "replace")).split())

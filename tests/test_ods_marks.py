"""Struck-through cells and notes on cells of an .ods, read in the one streamed pass over content.xml
(ods.check_ods_extent) as LibreOffice writes them; the imports' findings are in test_corpus_roster and
test_engine_same_findings."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from psmctl.importing.ods import _OdsScan, check_ods_extent

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2"'
)
# ce1 is struck; ce2 says "none"; ce0 (empty element) and ce4 (a paragraph style) are no struck cell style.
_STYLES = (
    "<office:automatic-styles>"
    '<style:style style:name="ce0" style:family="table-cell"/>'
    '<style:style style:name="ce1" style:family="table-cell" style:parent-style-name="Default">'
    '<style:text-properties style:text-line-through-style="solid" style:text-line-through-type="single"/>'
    "</style:style>"
    '<style:style style:name="ce2" style:family="table-cell">'
    '<style:text-properties style:text-line-through-style="none"/></style:style>'
    '<style:style style:name="ce3" style:family="table-cell">'
    '<style:text-properties style:text-line-through-style="dotted"/></style:style>'
    '<style:style style:name="P4" style:family="paragraph">'
    '<style:text-properties style:text-line-through-style="solid"/></style:style>'
    "</office:automatic-styles>"
)
_NOTE = (
    '<office:annotation office:display="false"><dc:creator>Operator</dc:creator><dc:date>2025-01-15T08:00:00'
    "</dc:date><text:p>meninggal<text:s/>3 Nov &amp; <text:span>dimakamkan</text:span></text:p>"
    "<text:p>di Kediri</text:p></office:annotation>"
)


def _string(text: str, style: str = "") -> str:
    attr = f' table:style-name="{style}"' if style else ""
    return f'<table:table-cell{attr} office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def _rows() -> list[str]:
    return [
        f"<table:table-row>{_string('NO')}{_string('NAMA')}{_string('NIK')}{_string('KET')}</table:table-row>",
        # struck: a value after three cells repeated (columns 0-2 empty, 3 struck), and a struck empty cell
        '<table:table-row><table:table-cell table:number-columns-repeated="3"/>'
        f'{_string("x", "ce1")}<table:table-cell table:style-name="ce1"/></table:table-row>',
        # struck twice over in one repeated cell; "none" and a paragraph style are not struck
        f'<table:table-row><table:table-cell table:style-name="ce3" table:number-columns-repeated="2" '
        f'office:value-type="string"><text:p>y</text:p></table:table-cell>{_string("z", "ce2")}'
        f"{_string('w', 'P4')}</table:table-row>",
        # a note on the second cell (the first is repeated twice), its range's end ignored
        '<table:table-row><table:table-cell table:number-columns-repeated="2"/>'
        f'<table:table-cell office:value-type="string">{_NOTE}<text:p>Budi<office:annotation-end '
        'office:name="n1"/></text:p></table:table-cell></table:table-row>',
        # a note on an empty cell of a row repeated twice
        f'<table:table-row table:number-rows-repeated="2"><table:table-cell>{_NOTE}</table:table-cell>'
        f"{_string('v')}</table:table-row>",
    ]


def _content(rows: list[str], columns: str = "<table:table-column/>") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS}>{_STYLES}'
        f'<office:body><office:spreadsheet><table:table table:name="PSM &amp; TKSK">{columns}{"".join(rows)}'
        '</table:table><table:table table:name="LAIN"><table:table-row>'
        f"{_string('a', 'ce1')}</table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )


def _ods(path: Path, content: str) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
            'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


NOTE_TEXT = "meninggal 3 Nov & dimakamkan di Kediri"
STRUCK = {(1, 3), (2, 0), (2, 1)}
NOTES = {(3, 2): NOTE_TEXT, (4, 0): NOTE_TEXT, (5, 0): NOTE_TEXT}


def test_struck_cells_and_notes_of_an_ods_are_read_where_libreoffice_writes_them(tmp_path: Path) -> None:
    import python_calamine as pc

    path = _ods(tmp_path / "psm.ods", _content(_rows()))
    layouts = check_ods_extent(path, 10_000)
    assert set(layouts) == {"PSM & TKSK", "LAIN"}
    assert layouts["PSM & TKSK"].struck == STRUCK
    assert layouts["PSM & TKSK"].comments == NOTES
    assert layouts["LAIN"].struck == {(0, 0)} and not layouts["LAIN"].comments
    # a valid .ods, whose notes calamine neither reads into the cells nor needs
    rows = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("PSM & TKSK").to_python(skip_empty_area=False)
    assert rows[3][2] == "Budi" and rows[2][:2] == ["y", "y"], rows


def test_rows_one_after_another_are_read_alike() -> None:
    """A large file's chunks of plain rows (no markup, none repeated) take the fast path: the same cells found."""
    rows = [r for r in _rows() if "rows-repeated" not in r]
    content = _content(rows).encode()
    cut = content.index(b"</table:table-row>") + len(b"</table:table-row>")
    end = cut + len("".join(rows[1:]).encode())
    scan = _OdsScan("psm.ods", 10_000, 1 << 20)
    scan.feed(content[:cut])  # the styles, the sheet's start and its first row
    plain, calls = scan._plain, []

    def counted(*args: Any) -> None:
        calls.append(args)
        plain(*args)

    scan._plain = counted  # type: ignore[method-assign]
    scan.feed(content[cut:end])  # rows only: each step a search over all of them
    scan.feed(content[end:])
    assert len(calls) == 1, "the rows took the fast path"
    assert scan.layouts["PSM & TKSK"].struck == STRUCK and scan.layouts["PSM & TKSK"].comments == {(3, 2): NOTE_TEXT}


def test_a_column_whose_default_cell_style_is_struck(tmp_path: Path) -> None:
    """LibreOffice leaves out a cell's style when it is its column's default: the column's is read then."""
    columns = (
        '<table:table-column table:number-columns-repeated="2"/>'
        '<table:table-column table:default-cell-style-name="ce1"/>'
    )
    rows = [f"<table:table-row>{_string('a')}{_string('b')}{_string('c')}{_string('d', 'ce2')}</table:table-row>"]
    layouts = check_ods_extent(_ods(tmp_path / "psm.ods", _content(rows, columns)), 10_000)
    assert layouts["PSM & TKSK"].struck == {(0, 2)}


def test_an_ods_without_struck_style_or_note_has_no_layout(tmp_path: Path) -> None:
    rows = [f"<table:table-row>{_string('NO')}{_string('NAMA')}</table:table-row>"] * 3
    content = _content(rows).replace(_STYLES, "").replace(_string("a", "ce1"), _string("a"))
    assert check_ods_extent(_ods(tmp_path / "psm.ods", content), 10_000) == {}


def test_a_struck_empty_cell_or_a_note_repeated_a_million_times_costs_nothing(tmp_path: Path) -> None:
    """A hostile 1 KB file: empty struck cells across every column of a million rows, a note on a million empty
    rows. Only cells holding a value are struck (and those are refused past import.max_cells), only the first
    thousand repeats keep the note."""
    rows = [
        f"<table:table-row>{_string('NO')}</table:table-row>",
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:style-name="ce1" '
        'table:number-columns-repeated="16384"></table:table-cell></table:table-row>',
        f'<table:table-row table:number-rows-repeated="1000000"><table:table-cell>{_NOTE}</table:table-cell>'
        "</table:table-row>",
    ]
    lay = check_ods_extent(_ods(tmp_path / "psm.ods", _content(rows)), 10_000)["PSM & TKSK"]
    assert not lay.struck and len(lay.comments) == 1000 and min(lay.comments) == (1_000_001, 0)

"""Findings about a table's columns, the same in every import: a column with data that no field reads (named once,
with its header and a sample), a hidden column, a header that could be two fields, the section title above it, and
a sheet with no table the import can read."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from psmctl.importing.cells import MAX_CELL_CHARS, column_letter, dots, text
from psmctl.importing.headers import Header, wrong_list
from psmctl.importing.rows import Table
from psmctl.importing.sheets import SheetData
from psmctl.models import Problem
from psmctl.rules.privacy import mask_text


def sheet_skipped(sheet: str, columns: str, scan_rows: int) -> Problem:
    """A sheet without a header naming `columns` ("NIK dan NAMA") in its first `scan_rows` rows: named with why, the
    same in every import (SHEET_SKIPPED; the terminal summary shows it too, findings.SHOWN_INFO)."""
    why = f"tidak ada baris judul kolom {columns} di {scan_rows} baris pertamanya"
    return skipped(sheet, f"{why} (lembar rekap, bukan daftar per orang?)" if "REKAP" in sheet.upper() else why)


def skipped(sheet: str, why: str, refusal: str | None = None) -> Problem:
    """The finding of a sheet an import does not read: one line naming it and why; `refusal` (its value) is the
    line refusing the file when no sheet is read (another kind of list: headers.wrong_list)."""
    return Problem(sheet, None, None, refusal, "info", "SHEET_SKIPPED", f"lembar '{sheet}' dilewati: {why}")


def hidden_sheet(sheet: str, file: str, option: str = "") -> Problem:
    """A hidden sheet holding a list: offices hide an old list instead of deleting it, so it is not read; named,
    and the line refusing the file when no visible sheet holds one."""
    how = f"tampilkan lembarnya di Excel{f' atau pakai {option}' if option else ''} bila isinya memang berlaku"
    return skipped(sheet, f"lembar tersembunyi, tidak dibaca ({how})", f"{file}: lembar '{sheet}' tersembunyi; {how}")


def other_list(sheet: str, file: str, kind: tuple[str, tuple[str, ...]], wanted: str) -> Problem:
    """A sheet holding another kind of list than the import reads (headers.list_kind): skipped, naming the import
    that reads it."""
    line = wrong_list(file, *kind, wanted)
    return skipped(sheet, line.split(": ", 1)[1], line)


def column_findings(sheet: SheetData, table: Table, read: Collection[str]) -> list[Problem]:
    """What the report says about the columns of `table` when an import reads the fields `read`."""
    rows, h = sheet.rows, table.header
    out: list[Problem] = []
    head_row = h.row_index + 1

    def add(row: int, value: str | None, code: str, msg: str, level: str = "warning") -> None:
        out.append(Problem(sheet.name, row, None, value, level, code, msg))  # type: ignore[arg-type]

    if table.section is not None:
        sec = table.section
        add(
            sec.index + 1,
            sec.text,
            "SECTION_TITLE",
            f"judul bagian '{sec.text}': baris di bawahnya {sec.said()}",
            "info",
        )
    for _, label, fields in h.ambiguous:
        msg = f"judul kolom '{label}' bisa berarti {' atau '.join(fields)}; tidak dibaca (pakai --kolom \"{label}=…\")"
        add(head_row, label, "HEADER_AMBIGUOUS", msg)
    if sheet.long_cells:  # named once, by the first table that reaches their row
        mine = [cell for cell in sheet.long_cells if cell[0] < table.end]
        sheet.long_cells = [cell for cell in sheet.long_cells if cell[0] >= table.end]
        for r, c, length in mine:
            label = h.titles.get(c, "") if r >= h.row_index else ""
            name = f"'{label}'" if label else column_letter(c)
            msg = (
                f"sel kolom {name} berisi {dots(length)} karakter, lebih dari {dots(MAX_CELL_CHARS)} (batas satu "
                "sel Excel): isinya tidak dibaca, sel lain di baris ini tetap dibaca"
            )
            add(r + 1, None, "CELL_TOO_LONG", msg)
    used = {c for f, c in h.columns.items() if f in read} | {c for cols in h.marks.values() for c in cols}
    used |= {c for f, cols in h.parts.items() if f in read for c in cols}
    body = rows[table.start : table.end]
    width = max([len(r) for r in body] + [max(h.titles, default=-1) + 1])
    for c in range(width):
        if c in used and c not in sheet.hidden_cols:
            continue
        sample = next((v for r in body if c < len(r) and (v := text(r[c]))), "")
        label = h.titles.get(c, "")
        name = f"'{label}'" if label else f"{column_letter(c)} (tanpa judul)"
        if c in sheet.hidden_cols and (sample or label):
            add(
                head_row,
                label or sample,
                "COLUMN_HIDDEN",
                f"kolom {name} tersembunyi" + ("; tetap dibaca" if c in used else ""),
            )
        if c not in used and sample and h.columns.get("no") != c:
            add(
                head_row,
                label or None,
                "COLUMN_UNUSED",
                f"kolom {name} tidak dibaca oleh impor ini (contoh isi: {sample[:60]})",
            )
    return out


_ONCE = ("COLUMN_UNUSED", "COLUMN_HIDDEN", "HEADER_AMBIGUOUS")


def sheet_column_findings(sheet: SheetData, tables: Sequence[Table], read: Collection[str]) -> list[Problem]:
    """`column_findings` of every table of a sheet, each column named once per sheet: the same column under the
    next table's header (a repeated header, the second table's) is not named again."""
    out = [
        Problem(sheet.name, r + 1, column_letter(c), note, "info", "CELL_COMMENT",
                f"komentar pada sel {column_letter(c)}{r + 1}: {note}")
        for (r, c), note in ((at, mask_text(t[:200])) for at, t in sorted(sheet.comments.items()))
    ]  # fmt: skip
    out += _text_formulas(sheet, tables[0].header if tables else None)
    seen: set[tuple[str, str]] = set()
    for table in tables:
        for p in column_findings(sheet, table, read):
            if p.code in _ONCE:
                key = (p.code, p.value or p.message.split(" tidak dibaca")[0].split(" tersembunyi")[0])
                if key in seen:
                    continue
                seen.add(key)
            out.append(p)
    return out


def _text_formulas(sheet: SheetData, header: Header | None) -> list[Problem]:
    """Cells of a CSV written ="…" (sheets._unwrap_text_formulas): read as their text, said once per column."""
    by_column: dict[int, list[int]] = {}
    for r, c in sheet.text_formulas:
        by_column.setdefault(c, []).append(r)
    out = []
    for c, rows in sorted(by_column.items()):
        label = header.titles.get(c, "") if header else ""
        name = f"'{label}'" if label else column_letter(c)
        msg = (
            f'{dots(len(rows))} sel kolom {name} ditulis ="…" (cara Excel menyimpan angka panjang sebagai teks di '
            "CSV): dibaca sebagai teks di dalamnya"
        )
        out.append(Problem(sheet.name, rows[0] + 1, label or column_letter(c), None, "info", "CSV_TEXT_FORMULA", msg))
    return out

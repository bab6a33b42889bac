"""The one registry of import findings: code, level, one line of explanation and its rule (the table of
docs/report-codes.md is rendered from it; tests/test_findings.py keeps them equal). A finding's own message, in
Indonesian, says what was seen on the row.

Levels: an *error* rejects the row; a *warning* keeps it (or holds it, as the message says) for review; *info*
only tells. The same quirk gives the same code in every import (roster, payment list, daftar hadir).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from psmctl.models import Level

MAX_RUNS = 6  # row ranges listed before "…"


@dataclass(frozen=True)
class Code:
    """One registered finding."""

    level: Level
    meaning: str
    rule: str = ""  # the rule ID of docs/rules.md it applies, if any


CODES: dict[str, Code] = {
    "NIK_MISSING": Code("error", "no NIK in the row", "NIK-01"),
    "NIK_FORMAT": Code("error", "not 16 digits, or characters other than digits", "NIK-01"),
    "NIK_EXCEL_DAMAGED": Code(
        "error",
        "a number cell or scientific notation lost the 16th digit: format the column as Text and retype",
        "NIK-02",
    ),
    "NIK_PROVINCE_UNKNOWN": Code("error", "digits 1–2 are no province code, current or historical", "NIK-03"),
    "NIK_DATE_INVALID": Code(
        "error", "birth date in the NIK impossible (day field, month, calendar, or no plausible century)", "NIK-05..08"
    ),
    "NIK_ZERO_SERIAL": Code("error", "serial 0000", "NIK-09"),
    "NIK_DUPLICATE_IN_FILE": Code(
        "error", "the same NIK and unsur earlier in the file (the message names that row)", "NIK-11"
    ),
    "NIK_DIHAPUS": Code(
        "error",
        "this person's data was erased on request (`volunteers forget`): not added again unless the admin names "
        "the NIK with `--terima-nik-dihapus`",
    ),
    "NAME_MISSING": Code("error", "no name"),
    "DATE_INVALID": Code("error", "a birth date in the future or before 1900 (TMT: warning)", "§9"),
    "NIK_NUMERIC_CELL": Code(
        "warning", "a clean 16-digit NIK stored as a number (setting `nik.numeric_cell_not_zero`)", "NIK-02"
    ),
    "NIK_INVISIBLE_CHARS": Code("warning", "invisible characters (zero-width space, NBSP, BOM) removed from a NIK"),
    "NIK_DOB_MISMATCH": Code("warning", "birth date in the row differs from the NIK (both shown)", "NIK-10"),
    "NIK_GENDER_MISMATCH": Code("warning", "L/P in the row differs from the NIK (both shown)", "NIK-10"),
    "NIK_REGION_UNKNOWN": Code("warning", "digits 1–6 are no known current or historical kecamatan", "NIK-04"),
    "NIK_ON_OTHER_ROSTER": Code(
        "warning",
        "the NIK is also on another roster or unsur (named), or moved from another kelurahan (a file naming no "
        "kelurahan leaves a known NIK where it is)",
        "CAT-05",
    ),
    "NIK_NAME_CONFLICT": Code("warning", "the register has this NIK under another name", "NIK-11"),
    "DATE_UNREADABLE": Code(
        "warning", "a birth date that cannot be read; the NIK's is used, the cell is shown", "NIK-07"
    ),
    "DATE_YEAR_ONLY": Code("warning", "a birth date column holding a year alone (never an Excel serial)", "§9"),
    "STOP_WORD": Code(
        "warning", "KETERANGAN or the name says the person died, moved, resigned or stopped: imported BERHENTI"
    ),
    "ROW_HIDDEN": Code("warning", "the office hid this row: its person is not imported (`--sertakan-tersembunyi`)"),
    "ROW_STRUCK": Code(
        "warning", "the office struck the row's NIK or name through: not imported (`--sertakan-tersembunyi`)"
    ),
    "CELL_COMMENT": Code("info", "a note (comment) on a cell, shown; on a roster row it is read as KETERANGAN too"),
    "CELL_TOO_LONG": Code(
        "warning", "a CSV cell longer than 32,767 characters (Excel's limit): emptied, the row's other cells read"
    ),
    "CSV_TEXT_FORMULA": Code(
        "info", 'CSV cells written ="…" (Excel\'s way to keep a long number as text): read as the text inside'
    ),
    "COLUMN_HIDDEN": Code("warning", "a hidden column; it is read like any other"),
    "COLUMN_UNUSED": Code("warning", "a column with data that no field reads (header and a sample shown)"),
    "HEADER_AMBIGUOUS": Code("warning", "a header that could be two fields; not read (map it with `--kolom`)"),
    "KELURAHAN_FROM_SHEET": Code(
        "info",
        'no kelurahan in the rows, titles or `--kelurahan`: the sheet\'s name gives it ("Kel. X", an official name)',
    ),
    "KELURAHAN_UNKNOWN": Code(
        "warning", "no kelurahan in the rows, the titles or `--kelurahan`; `--retire-missing` is refused"
    ),
    "UNSUR_AMBIGUOUS": Code(
        "warning", "the title names two unsur and no column says which: the first used (`--unsur` to choose)"
    ),
    "UNSUR_MISSING": Code("warning", "no unsur column, title or `--unsur`: the setting `roster.default_unsur` used"),
    "WILAYAH_UNKNOWN": Code("warning", "kelurahan/kecamatan not in the official list (suggestions given)", "WIL-08"),
    "WILAYAH_AMBIGUOUS": Code("warning", "several official regions carry that name", "WIL-08"),
    "WILAYAH_KODE_MISMATCH": Code(
        "warning", "the row's kode wilayah names another kelurahan than the one written; the code is used", "WIL-04"
    ),
    "WILAYAH_NIK_HINT": Code(
        "info", "an ambiguous region name settled by the NIK's kecamatan digits (one candidate lies there)", "WIL-08"
    ),
    "WILAYAH_KECAMATAN_MISMATCH": Code("warning", "the kelurahan lies in another kecamatan than written", "WIL-10"),
    "GENDER_UNKNOWN": Code("warning", "L/P value (or ticks) not recognised; the NIK's is used", "§9"),
    "PHONE_INVALID": Code("warning", "phone number implausible; kept as typed", "§9"),
    "RT_RW_AS_DATE": Code("warning", "Excel turned RT/RW into a date", "§9"),
    "CATEGORY_UNKNOWN": Code("warning", "unsur not in `psmctl/data/categories.toml`; kept as UNKNOWN", "CAT-01"),
    "AGE_OUT_OF_RANGE": Code("warning", "age outside the unsur's limits (PSM ≥ 18, Tagana 18–40)", "CAT-02"),
    "MASA_TUGAS_LEWAT": Code("warning", "TKSK appointed more than 5 years ago: SK needs extending", "CAT-04"),
    "ROW_SKIPPED": Code("warning", "a signature-like row without NIK with people below it: skipped alone", "§9"),
    "NIK_REGION_HISTORICAL": Code("info", "NIK issued under a region code that has since changed", "NIK-04"),
    "BIRTHDATE_FROM_NIK": Code("info", "no birth date in the row; taken from the NIK", "NIK-07"),
    "KETERANGAN_NOTE": Code("info", "other KETERANGAN text, kept as a note in the person's history"),
    "SECTION_TITLE": Code("info", "a section title starting a table of its own unsur"),
    "TITLE_READ": Code("info", "what the title lines or cover sheet named (kelurahan, kecamatan, unsur)"),
    "ROW_CONTINUATION": Code(
        "info", "a row holding only the second line of the ALAMAT or KETERANGAN above: joined to that person"
    ),
    "MONTH_FROM_TITLE": Code(
        "info", "a payment list without a BULAN IURAN column: the one month (or range) its title names is every row's"
    ),
    "ROW_NOTE": Code("info", 'a note alone on its row ("Catatan: …", "NB: …", "*) …"): no person; its text shown'),
    "ROW_TOTAL_SKIPPED": Code("info", "a JUMLAH/TOTAL row, skipped", "§9"),
    "SIGNATURE_BLOCK": Code("info", "the signature block, skipped", "§9"),
    "SHEET_SKIPPED": Code(
        "info", "a sheet not read (no header with the required columns, a recap sheet): named on screen too", "§9"
    ),
}
# Info codes the terminal summary shows beside the errors and warnings: a whole sheet not read.
SHOWN_INFO = frozenset(
    {
        "SHEET_SKIPPED",
        "KELURAHAN_FROM_SHEET",
        "ROW_CONTINUATION",
        "ROW_NOTE",
        "CELL_COMMENT",
        "MONTH_FROM_TITLE",
        "CSV_TEXT_FORMULA",
    }
)


def level_of(code: str) -> Level:
    """The registered level of a code (KeyError for an unregistered code: every finding is registered)."""
    return CODES[code].level


def markdown_table() -> str:
    """The table of docs/report-codes.md, rendered from the registry (tests/test_findings.py keeps them equal)."""
    lines = ["| code | level | meaning | rule |", "|---|---|---|---|"]
    for level in ("error", "warning", "info"):
        lines += [f"| `{code}` | {level} | {c.meaning} | {c.rule} |" for code, c in CODES.items() if c.level == level]
    return "\n".join(lines)


def row_ranges(rows: Sequence[int]) -> str:
    """6, 7, 8, 12 → '6–8, 12'; more than MAX_RUNS runs end with '…'."""
    runs: list[tuple[int, int]] = []
    for r in sorted(set(rows)):
        if runs and r == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    text = ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs[:MAX_RUNS])
    return text + (", …" if len(runs) > MAX_RUNS else "")


def for_rows(message: str, rows: Sequence[int]) -> str:
    """A finding given once for several rows (one region name): its message, the row count and the rows."""
    return message if len(rows) < 2 else f"{message} ({len(rows)} baris: {row_ranges(rows)})"

"""Import findings as the screen shows them: one line per (file, sheet, level, code) with the count and the rows.

A file whose NIK column was typed as numbers gives the same warning on 34 rows; on screen that is one line,
"NIK tersimpan sebagai angka …: 34 baris (6–39)", so the few real problems are not pushed off the screen. Errors
come first. The full list, one row per finding, stays in `--report FILE.xlsx`. Pure: plain dicts in, rows out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from psmctl.importing.findings import row_ranges

LEVEL_ORDER = {"error": 0, "warning": 1, "info": 2}
LEVEL_WORDS = {"error": "Ditolak", "warning": "Peringatan", "info": "Info"}


@dataclass(frozen=True)
class FindingGroup:
    """Findings of one code at one level in one sheet of one file."""

    file: str
    sheet: str
    level: str
    code: str
    title: str
    rows: tuple[int, ...]
    count: int

    def where(self) -> str:
        """'34 baris (6–39)', or 'seluruh lembar' for findings about the sheet itself."""
        if not self.rows:
            return f"{self.count}×" if self.count > 1 else "seluruh lembar"
        return f"{self.count} baris ({row_ranges(self.rows)})"


def title_of(messages: Sequence[str], code: str) -> str:
    """What the findings say in common: the message itself when they agree, else their common beginning up to a
    natural break (':' ';' ',' '('), else the first one as an example."""
    first = messages[0]
    if all(m == first for m in messages):
        return first
    prefix = first
    for m in messages[1:]:
        while not m.startswith(prefix):
            prefix = prefix[:-1]
    cut = max(prefix.rfind(c) for c in ":;,(")
    common = prefix[:cut].strip(" '\"") if cut > 0 else ""
    if len(common) >= 8:
        return common
    return f"mis. {first}"


def group(
    entries: Iterable[Mapping[str, Any]], *, levels: Sequence[str] = ("error", "warning"), also: Collection[str] = ()
) -> list[FindingGroup]:
    """Group the findings of import entries (each with 'file' and 'problems') of the given levels and the codes
    `also` (a skipped sheet): files with errors first, then per file and sheet the errors before the warnings, by
    first row."""
    buckets: dict[tuple[str, str, str, str], list[Mapping[str, Any]]] = {}
    for e in entries:
        for p in e.get("problems") or ():
            if p["level"] in levels or p["code"] in also:
                buckets.setdefault((e["file"], p.get("sheet") or "", p["level"], p["code"]), []).append(p)
    groups = [
        FindingGroup(
            file=f, sheet=sheet, level=level, code=code,
            title=title_of([str(p["message"]) for p in ps], code),
            rows=tuple(sorted({int(p["row"]) for p in ps if p.get("row")})), count=len(ps),
        )
        for (f, sheet, level, code), ps in buckets.items()
    ]  # fmt: skip
    worst: dict[str, int] = {}  # a file with errors comes before a file with warnings only
    for g in groups:
        worst[g.file] = min(worst.get(g.file, 3), LEVEL_ORDER.get(g.level, 3))
    groups.sort(key=lambda g: (worst[g.file], g.file, g.sheet, LEVEL_ORDER.get(g.level, 3), g.rows[:1] or (0,)))
    return groups

"""Plain typed records shared across modules; no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Problem:
    """One finding about one cell or row of an imported file (XLS-01: file, sheet, row as Excel shows it)."""

    sheet: str
    row: int | None
    column: str | None
    value: str | None
    level: Level
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        """JSON shape of the report's `problems` entries."""
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "level": self.level,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class SheetReport:
    """Counts and findings for one sheet of one imported file."""

    file: str
    sheet: str
    rows_read: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Free-form details a command may show (changed fields per NIK, people missing from the file, ...).
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The public JSON shape of one file/sheet of an import report."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "rows_read": self.rows_read,
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "warnings": self.warnings,
            "skipped": self.skipped,
            "problems": [p.as_dict() for p in self.problems],
            **self.details,
        }

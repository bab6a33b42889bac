"""Plain typed records shared across modules, and the one count of an import's warnings (`SheetReport.warn`)."""

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
    warned: set[int | None] = field(default_factory=set, repr=False)  # the rows `warnings` counts

    def warn(self, row: int | None) -> None:
        """Count a row read with a warning: `warnings` is the number of rows with at least one, in every import (a
        warning about no row, such as a training dated in the future, counts once). A row skipped (hidden, a
        signature) and a column or sheet finding are said in the findings and not counted here."""
        if row not in self.warned:
            self.warned.add(row)
            self.warnings += 1

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

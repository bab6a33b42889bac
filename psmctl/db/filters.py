"""The optional filters of a list query, written once: the conditions whose value is given, joined by AND."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def where(conditions: Mapping[str, Any]) -> tuple[str, list[Any]]:
    """`` WHERE a = ? AND b = ?`` and its parameters, of the conditions (one ``?`` each) whose value is not None;
    ``""`` and no parameters when none is."""
    given = {sql: value for sql, value in conditions.items() if value is not None}
    return (f" WHERE {' AND '.join(given)}" if given else ""), list(given.values())


def year_text(year: int | None) -> str | None:
    """A year as the four characters ``substr(date, 1, 4)`` gives, for a filter on an ISO date (None: no filter)."""
    return None if year is None else f"{year:04d}"

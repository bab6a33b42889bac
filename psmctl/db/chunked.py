"""The one way psmctl asks SQLite about a list of keys: ``... IN (?, ?, …)`` a chunk of keys at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlite_utils import Database

# SQLite builds before 3.32 refuse more than 999 bound parameters in one statement; 900 leaves room for a few more.
CHUNK = 900
MARKS = "{marks}"


def select_in(db: Database, sql: str, keys: Iterable[Any], *, size: int = CHUNK) -> Iterator[tuple[Any, ...]]:
    """Rows of ``sql`` run once per chunk of ``keys``, its ``{marks}`` replaced by that chunk's placeholders.

    Keys are taken in the order given (deduplicate or sort before calling when that matters); no keys, no query.
    """
    items = list(keys)
    for i in range(0, len(items), size):
        chunk = items[i : i + size]
        yield from db.conn.execute(sql.replace(MARKS, ",".join("?" * len(chunk))), chunk)

"""The one way psmctl asks SQLite about a list of keys (``... IN (?, ?, …)`` a chunk of keys at a time), and the one
way it writes many rows (`insert_rows`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from operator import itemgetter
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


# Rows written a batch at a time: what every row of a batch holds alike is found in it, and the flat list of
# values bound stays that batch's (1.2 million iuran months at once doubled `payments record`'s memory).
_BATCH = 50_000


def insert_rows(
    db: Database, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], tail: str = ""
) -> None:
    """INSERT every row (the one way psmctl writes many rows at once); ``tail`` follows VALUES (an ON CONFLICT).

    Python's sqlite3 binds each value of each row, about half a microsecond apiece, so what every row of a batch
    holds alike is not bound again and again:
    - a column no row fills is left out (NULL, or its default): a None costs an adapter look-up, about three times a
      string's, and a roster without education, occupation or SK columns held 500,000 of them;
    - a column holding the same whole number or text in every row (the batch, the sheet, the unsur, AKTIF) is
      written once into the statement as a literal, quoted by SQLite's own quote(): a roster's roles bound half
      their values that way.
    """
    defaults = {str(r[1]) for r in db.execute(f"PRAGMA table_info({table})") if r[3] or r[4] is not None}
    it = iter(rows)
    while batch := list(islice(it, _BATCH)):
        names, values, bound = [], [], []
        for i, column in enumerate(columns):
            v = batch[0][i]
            alike = _alike(batch, i, v)
            if v is None and alike and column not in defaults:
                continue  # NULL by leaving it out
            names.append(column)
            if alike:
                values.append(str(db.execute("SELECT quote(?)", (v,)).fetchone()[0]))  # NULL for None
            else:
                values.append("?")
                bound.append(i)
        head = f"INSERT INTO {table}({', '.join(names)}) VALUES "
        _insert_chunks(db, head, f"({', '.join(values)})", tail, batch, bound)


def _insert_chunks(
    db: Database, head: str, one: str, tail: str, rows: Sequence[Sequence[Any]], bound: list[int]
) -> None:
    """The rows as multi-row INSERTs of up to CHUNK bound values each: one statement step per chunk, not per row
    (a third less time than executemany's step per row)."""
    if not bound:
        db.conn.executemany(head + one + tail, [()] * len(rows))
        return
    per = max(1, CHUNK // len(bound))
    pick = itemgetter(*bound) if len(bound) > 1 else lambda r: (r[bound[0]],)
    values = list(chain.from_iterable(map(pick, rows)))
    width = per * len(bound)
    full = len(rows) // per * per
    if full:
        sql = head + ",".join([one] * per) + tail
        db.conn.executemany(sql, (values[i : i + width] for i in range(0, full * len(bound), width)))
    if full < len(rows):
        db.conn.execute(head + ",".join([one] * (len(rows) - full)) + tail, values[full * len(bound) :])


def _alike(rows: Sequence[Sequence[Any]], i: int, v: Any) -> bool:
    """Whether column `i` holds `v` in every row, `v` being a value a statement may hold as a literal: None, a whole
    number, or text without NUL (SQL text ends there). At C speed: most columns differ already in the last row."""
    if not (v is None or v.__class__ is int or (v.__class__ is str and len(v) <= 200 and "\x00" not in v)):
        return False
    if rows[-1][i] != v:
        return False
    col = list(map(itemgetter(i), rows))
    # 1.0 and True equal 1: an int column is alike only when every value is an int
    return col.count(v) == len(col) and (v.__class__ is not int or set(map(type, col)) == {int})

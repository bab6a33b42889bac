"""Erasure that lasts: tombstones of forgotten NIKs, the registry of backups psmctl wrote, and the exclusive,
checkpointed write that leaves no byte of the person in the database or its WAL.

A tombstone is HMAC-SHA256(key, NIK) with a random key kept in the database: it recognises the NIK when a
roster lists her again, and says nothing about her to anyone reading the table.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from sqlite_utils import Database

from psmctl.db.chunked import select_in
from psmctl.errors import PsmctlError


class BackupRow(NamedTuple):
    """One backup file psmctl wrote."""

    path: Path
    written_at: str


def _key(db: Database) -> bytes:
    row = db.execute("SELECT value FROM secret_keys WHERE name = 'tombstone'").fetchone()
    return bytes(row[0])


def _hash(key: bytes, nik: str) -> str:
    return hmac.new(key, nik.encode("ascii"), hashlib.sha256).hexdigest()


def add_tombstone(db: Database, nik: str, volunteer_id: int, *, at: str) -> None:
    """Remember that this NIK was erased (and which anonymous record keeps her payments)."""
    db.execute(
        "INSERT OR REPLACE INTO erased_niks(nik_hash, volunteer_id, erased_at) VALUES (?, ?, ?)",
        [_hash(_key(db), nik), volunteer_id, at],
    )


def erased_among(db: Database, niks: Iterable[str]) -> set[str]:
    """The NIKs of `niks` that were erased on request: an import calls this once per file."""
    wanted = {n for n in niks if n}
    if not wanted or db.execute("SELECT 1 FROM erased_niks LIMIT 1").fetchone() is None:
        return set()
    key = _key(db)
    by_hash = {_hash(key, n): n for n in wanted}
    rows = select_in(db, "SELECT nik_hash FROM erased_niks WHERE nik_hash IN ({marks})", by_hash)
    return {by_hash[str(r[0])] for r in rows}


def lift_tombstones(db: Database, niks: Sequence[str]) -> None:
    """The admin re-admitted these NIKs on purpose: they are ordinary NIKs again."""
    key = _key(db)
    db.conn.executemany("DELETE FROM erased_niks WHERE nik_hash = ?", [(_hash(key, n),) for n in niks])


def register_backup(db: Database, path: Path, *, at: str) -> None:
    """Note a backup file psmctl wrote (absolute path), so a later forget can find it."""
    db.execute(
        "INSERT INTO backups(path, written_at) VALUES (?, ?) "
        "ON CONFLICT(path) DO UPDATE SET written_at = excluded.written_at",
        [str(Path(path).absolute()), at],
    )


def backups(db: Database) -> list[BackupRow]:
    """Every backup psmctl wrote, oldest first (the file may since have been moved or deleted)."""
    rows = db.execute("SELECT path, written_at FROM backups ORDER BY written_at, path").fetchall()
    return [BackupRow(Path(str(p)), str(w)) for p, w in rows]


def unregister_backup(db: Database, path: Path) -> None:
    """Forget a backup file that was deleted."""
    db.execute("DELETE FROM backups WHERE path = ?", [str(Path(path).absolute())])


@contextmanager
def exclusive(db: Database, *, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Run a write as the only connection to the file, then checkpoint the WAL into it and truncate the WAL.

    Another process with the database open could still read the old pages (and keep them in the WAL), so the
    write waits for it (busy timeout, after `on_wait`) and is refused, unchanged, if it does not close.
    """
    db.execute("PRAGMA locking_mode = EXCLUSIVE")
    try:
        _begin_exclusive(db, on_wait)
        try:
            yield
        except BaseException:
            db.conn.rollback()
            raise
        db.conn.commit()
        busy, frames, copied = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy or frames != copied:  # cannot happen while the lock is held; never claim an erasure not done
            raise PsmctlError("WAL tidak bisa dikosongkan; jalankan lagi saat tidak ada psmctl lain yang berjalan")
    finally:
        db.execute("PRAGMA locking_mode = NORMAL")
        db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # the next access gives the lock back


def _begin_exclusive(db: Database, on_wait: Callable[[], None] | None) -> None:
    timeout = int(db.execute("PRAGMA busy_timeout").fetchone()[0])
    db.execute("PRAGMA busy_timeout = 0")
    try:
        db.execute("BEGIN EXCLUSIVE")
        return
    except sqlite3.OperationalError:
        if on_wait is not None:
            on_wait()
    finally:
        db.execute(f"PRAGMA busy_timeout = {timeout}")
    try:
        db.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError:
        raise PsmctlError(
            "database masih dibuka proses lain (psmctl, sqlite3, DB Browser, ...): tutup dulu lalu ulangi; "
            "tidak ada yang dihapus"
        ) from None

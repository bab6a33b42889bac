"""Storage: opening the one SQLite file, migrations, transactions. The only package that writes SQL.

Every command calls :func:`open_db`, which creates the file private (0600), turns on WAL with a busy timeout so
that a cron export and an admin's import do not fail on each other, and applies pending migrations.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from sqlite_utils import Database

from psmctl.db.migrations import migrations
from psmctl.errors import PsmctlError

BUSY_TIMEOUT_MS = 10_000


def _create_private(path: Path) -> bool:
    """Create the database file with mode 0600 before SQLite opens it; True if it was created now."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def _private_sidecars(path: Path) -> None:
    # SQLite creates -wal and -shm with the umask; names and NIKs live in them too.
    for suffix in ("-wal", "-shm"):
        side = Path(str(path) + suffix)
        if side.exists():
            try:
                os.chmod(side, 0o600)
            except OSError:
                pass


def connect(path: Path) -> Database:
    """Open an existing or new database file without migrating it (tests and `db check` use this)."""
    path = Path(path)
    if path.is_dir():
        raise PsmctlError(f"{path} adalah folder, bukan berkas database; beri nama berkas, mis. {path}/psmctl.db")
    if not path.parent.exists():
        raise PsmctlError(f"folder {path.parent} tidak ada; buat dulu foldernya atau pilih --db lain")
    _create_private(path)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError as e:
        raise PsmctlError(f"{path} bukan database psmctl yang bisa dibuka ({e}); periksa --db / PSMCTL_DB") from None
    _private_sidecars(path)
    # No sqlite-utils plugins: no third-party code runs against the register (and no entry-point scan at start).
    return Database(conn, strict=True, execute_plugins=False)


def connect_readonly(path: Path) -> Database:
    """Open an existing file for reading only: nothing is created, migrated, checkpointed or rolled back.

    `db check` looks at files it does not trust (a backup killed midway, someone else's database): a hot
    journal beside such a file is left as it is, and SQLite refuses to read it rather than roll it back.
    """
    path = Path(path)
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute("PRAGMA query_only = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as e:
        raise PsmctlError(_unreadable(path, e)) from None
    return Database(conn, strict=True, execute_plugins=False)


def _unreadable(path: Path, e: sqlite3.DatabaseError) -> str:
    if Path(str(path) + "-journal").exists():
        return (
            f"{path} punya jurnal yang belum selesai ({path.name}-journal): berkas ini terputus saat ditulis; "
            "tidak diubah. Pakai cadangan lain"
        )
    return f"{path} tidak bisa dibaca sebagai database ({e}); tidak diubah"


def open_db(path: Path) -> Database:
    """Open the database, creating it private if needed, and apply pending migrations."""
    db = connect(path)
    try:
        _check_not_newer(db)
        pending = migrations.pending(db)
        if pending and migrations.applied(db):
            backup(db, Path(f"{path}.sebelum-migrasi.bak"))
        if pending:
            migrations.apply(db)
    except sqlite3.DatabaseError as e:
        raise PsmctlError(f"{path} tidak bisa dibaca sebagai database psmctl ({e}); periksa --db / PSMCTL_DB") from None
    _private_sidecars(Path(path))
    return db


def _check_not_newer(db: Database) -> None:
    known = {m.name for m in migrations._migrations}
    unknown = [m.name for m in migrations.applied(db) if m.name not in known]
    if unknown:
        raise PsmctlError(
            f"database ini dibuat oleh psmctl yang lebih baru (migrasi {unknown[-1]}); perbarui psmctl dulu"
        )


def schema_version(db: Database) -> str | None:
    """Name of the last migration applied, or None on a blank file."""
    applied = migrations.applied(db)
    return applied[-1].name if applied else None


@contextmanager
def write_tx(db: Database) -> Iterator[Database]:
    """All-or-nothing write; takes the write lock up front so a concurrent writer waits, not fails."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        raise PsmctlError(f"database sedang dipakai proses lain ({e}); coba lagi sebentar lagi") from None
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()


def backup(db: Database, target: Path) -> Path:
    """Consistent online copy of the database (SQLite backup API), whole or absent, created 0600."""
    from psmctl.files import copy_database

    return copy_database(db.conn, Path(target))


def get_setting(db: Database, key: str) -> str | None:
    """Raw stored value of a setting, or None when it is at its default."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0])


def set_setting(db: Database, key: str, value: str | None) -> None:
    """Store (or with None, reset to default) one setting."""
    with write_tx(db):
        if value is None:
            db.execute("DELETE FROM settings WHERE key = ?", [key])
        else:
            db.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )


def all_settings(db: Database) -> dict[str, str]:
    """Every stored (non-default) setting."""
    return {str(k): str(v) for k, v in db.execute("SELECT key, value FROM settings ORDER BY key").fetchall()}


@contextmanager
def read_tx(db: Database) -> Iterator[Database]:
    """One consistent snapshot for a report made of several queries (WAL: an import committing meanwhile is unseen)."""
    if db.conn.in_transaction:
        yield db
        return
    db.execute("BEGIN")
    try:
        yield db
    finally:
        db.conn.rollback()  # nothing was written; ends the snapshot


P = ParamSpec("P")
R = TypeVar("R")


def snapshot(fn: Callable[Concatenate[Database, P], R]) -> Callable[Concatenate[Database, P], R]:
    """Decorator: run a multi-query report inside one read snapshot (see :func:`read_tx`)."""

    @functools.wraps(fn)
    def wrapper(db: Database, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with read_tx(db):
            return fn(db, *args, **kwargs)

    return wrapper

"""Storage: opening the one SQLite file, migrations, transactions. The only package that writes SQL.

Every command calls :func:`open_db`, which opens only a file `psmctl init` made (init creates it private, 0600),
refuses another program's SQLite file before writing a byte to it, turns on WAL with a busy timeout so that a cron
export and an admin's import do not fail on each other, and applies pending migrations, one process at a time.
"""

from __future__ import annotations

import fcntl
import functools
import os
import sqlite3
import stat
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from sqlite_utils import Database

from psmctl.db.migrations import migrations
from psmctl.errors import PsmctlError

BUSY_TIMEOUT_MS = 10_000
MIGRATION_WAIT_S = 300  # a big register's copy and migration take a while; a cron job waits this long at most


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


def _refuse_path(path: Path, *, create: bool) -> None:
    """Refuse, before SQLite touches it, a path that is no database file psmctl may open (or, unless `create`,
    one that `psmctl init` has not made yet: a typo in --db must not become a new empty register)."""
    if path.is_dir():
        raise PsmctlError(f"{path} adalah folder, bukan berkas database; beri nama berkas, mis. {path}/psmctl.db")
    if not path.parent.is_dir():
        raise PsmctlError(f"folder {path.parent} tidak ada; buat dulu foldernya atau pilih --db lain")
    try:
        st = path.stat()
    except FileNotFoundError:
        if create:
            return
        raise PsmctlError(
            f"database {path} tidak ada; periksa --db / PSMCTL_DB, atau buat database baru dengan `psmctl init`"
        ) from None
    except OSError as e:
        raise PsmctlError(f"database {path} tidak bisa dibuka ({e.strerror}); periksa --db / PSMCTL_DB") from None
    if not stat.S_ISREG(st.st_mode):
        raise PsmctlError(f"{path} bukan berkas biasa (pipa, perangkat atau soket); pilih --db berkas database")
    if st.st_size == 0 and not create:
        raise PsmctlError(f"database {path} kosong (0 byte); buat database baru di sana dengan `psmctl init`")


def _has_rows(conn: sqlite3.Connection) -> bool:
    names = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if migrations.migrations_table not in names:
        return False
    return conn.execute(f"SELECT 1 FROM {migrations.migrations_table} LIMIT 1").fetchone() is not None


def _what_is(conn: sqlite3.Connection) -> str:
    """'psmctl', 'blank' (no tables: a new file) or 'foreign' (another program's SQLite file), by reading only."""
    names = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    if names <= {migrations.migrations_table} and not _has_rows(conn):
        # Another `psmctl init` has created the migrations table and is inside its first migration: still blank.
        return "blank"
    if migrations.migrations_table in names:
        sql = f"SELECT 1 FROM {migrations.migrations_table} WHERE migration_set = ? LIMIT 1"
        if conn.execute(sql, [migrations.name]).fetchone():
            return "psmctl"
    return "foreign"


# SQLite words the OS's refusals (a full disk, a read-only file or folder) as these; they are not a foreign file.
_DISK_TROUBLE = ("disk i/o error", "disk is full", "readonly", "unable to open", "locked", "busy")


def _unusable(path: Path, e: sqlite3.DatabaseError) -> PsmctlError:
    """The one line for a database SQLite could not read or prepare: the disk and folder, or not a psmctl file."""
    if any(phrase in str(e).lower() for phrase in _DISK_TROUBLE):
        return PsmctlError(
            f"database {path} tidak bisa dipakai ({e}): periksa ruang disk dan hak tulis berkas dan folder "
            f"{path.parent} (SQLite perlu menulis -wal/-shm di sana); database tidak berubah"
        )
    return PsmctlError(f"{path} bukan database psmctl ({e}); periksa --db / PSMCTL_DB")


def _open(path: Path, *, create: bool, readonly: bool = False) -> sqlite3.Connection:
    """A connection to a psmctl database (or, with `create`, to a new or blank file), having written nothing."""
    _refuse_path(path, create=create)
    if create:
        try:
            _create_private(path)
        except OSError as e:
            raise PsmctlError(
                f"database {path} tidak bisa dibuat ({e.strerror}); periksa hak tulis folder {path.parent}"
            ) from None
    # mode=rw: SQLite itself never creates the file, even if it vanished since the checks above.
    # mode=ro (`db check`): SQLite refuses a file with a hot journal beside it instead of rolling it back.
    uri = f"file:{urllib.parse.quote(str(path.absolute()))}?mode={'ro' if readonly else 'rw'}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as e:
        raise PsmctlError(f"database {path} tidak bisa dibuka ({e}); periksa --db / PSMCTL_DB") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Deleted and overwritten values are zeroed in their pages, not left in free space: SQLite's upstream
        # default is off, and an erased person's NIK would otherwise stay readable in the file.
        conn.execute("PRAGMA secure_delete = ON")
        kind = _what_is(conn)
    except sqlite3.DatabaseError as e:
        conn.close()
        if readonly and Path(f"{path}-journal").exists():
            raise PsmctlError(
                f"{path} terputus saat ditulis (jurnal {path.name}-journal belum selesai); berkas tidak diubah, "
                "pakai cadangan lain"
            ) from None
        raise _unusable(path, e) from None
    if kind == "foreign":
        conn.close()
        raise PsmctlError(
            f"{path} adalah database SQLite program lain, bukan database psmctl; periksa --db / PSMCTL_DB"
        )
    if kind == "blank" and not create:
        conn.close()
        raise PsmctlError(f"database {path} belum dibuat psmctl; jalankan `psmctl init` dulu")
    return conn


@contextmanager
def _migration_lock(path: Path) -> Iterator[None]:
    """One process at a time changes a database's schema or journal mode (the first cron minute after an upgrade
    starts several). An flock on the database's folder: it leaves no file behind and does not touch the POSIX locks
    SQLite holds on the database itself. The others wait here, then find the work done."""
    try:
        fd = os.open(path.absolute().parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield  # a folder that cannot be opened for reading: no lock to take; SQLite's own locks still hold
        return
    try:
        deadline = time.monotonic() + MIGRATION_WAIT_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise PsmctlError(
                        f"database {path} sedang diperbarui proses psmctl lain terlalu lama; coba lagi sebentar lagi"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the flock


MigrationHook = Callable[[list[str], Path | None], None]


def _prepare(db: Database, path: Path, *, migrate: bool, on_migrate: MigrationHook | None = None) -> None:
    """Under the migration lock: WAL mode and, when `migrate`, the pending migrations after one copy of the
    database as it was (`<db>.sebelum-migrasi.bak`). Re-checked under the lock: another process may have done it."""
    if _wal(db) and not (migrate and migrations.pending(db)):
        return
    with _migration_lock(path):
        if not _wal(db):
            db.execute("PRAGMA journal_mode = WAL")
        if not migrate:
            return
        pending = migrations.pending(db)
        copy = None
        if pending and migrations.applied(db):
            copy = backup(db, Path(f"{path}.sebelum-migrasi.bak"))
        if pending:
            migrations.apply(db)
            if on_migrate is not None and copy is not None:  # a new database is created, not migrated
                on_migrate([m.name for m in pending], copy)


def _wal(db: Database) -> bool:
    return str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"


def connect(path: Path, *, create: bool = True) -> Database:
    """Open a psmctl database without migrating it (tests and `db check` use this). Without `create`, only a file
    `psmctl init` made is opened; a foreign or non-SQLite file is refused before anything is written to it."""
    return _database(Path(path), create=create, migrate=False)


def connect_readonly(path: Path) -> Database:
    """Open a psmctl database for reading only (`db check`): nothing is created, migrated or rolled back, even in
    a suspect file such as a backup killed midway; foreign, blank and newer files are refused as by `connect`."""
    return _database(Path(path), create=False, migrate=False, readonly=True)


def open_db(path: Path, *, create: bool = True, on_migrate: MigrationHook | None = None) -> Database:
    """Open the database and apply pending migrations. The CLI passes create=False for every command but `init`,
    and `on_migrate` to say which migrations ran and where the copy from before them is."""
    return _database(Path(path), create=create, migrate=True, on_migrate=on_migrate)


def _database(
    path: Path, *, create: bool, migrate: bool, on_migrate: MigrationHook | None = None, readonly: bool = False
) -> Database:
    conn = _open(path, create=create, readonly=readonly)
    # No sqlite-utils plugins: no third-party code runs against the register (and no entry-point scan at start).
    db = Database(conn, strict=True, execute_plugins=False)
    try:
        check_not_newer(db)
        if readonly:
            db.execute("PRAGMA query_only = ON")
        else:
            _prepare(db, path, migrate=migrate, on_migrate=on_migrate)
    except sqlite3.DatabaseError as e:
        db.close()
        raise _unusable(path, e) from None
    except BaseException:
        db.close()
        raise
    _private_sidecars(path)
    return db


def check_not_newer(db: Database) -> None:
    """Refuse a database a newer psmctl has migrated: its schema holds what this version does not know."""
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
        if "locked" not in str(e) and "busy" not in str(e):
            raise  # a read-only file or folder, a full disk: worded where every error is (cli.common.failure_line)
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

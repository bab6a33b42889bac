"""SQL of `psmctl merge`: reading a kab/kota database, writing its facts here with their provenance."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlite_utils import Database

from psmctl.errors import PsmctlError

# What a merge copies, parents first; each fact's source batch is read beside it (the file it came from).
TABLES = ("volunteers", "roles", "trainings", "attendance", "payments", "payment_voids")
# Columns never copied as they are: ids are this database's own, references are translated.
OWN = {"id", "volunteer_id", "training_id", "payment_id", "batch_id"}


def columns(db: Database, table: str) -> list[str]:
    return [str(r[1]) for r in db.execute(f"PRAGMA table_info({table})").fetchall()]


def quick_check(db: Database) -> str:
    """'ok' for a sound file, else SQLite's first complaint."""
    try:
        return str(db.execute("PRAGMA quick_check(1)").fetchone()[0])
    except sqlite3.DatabaseError as e:
        return str(e)


def source_rows(db: Database, table: str) -> Iterator[dict[str, Any]]:
    """Every row of a source table with `batch_file`, the file its own batch came from (erased people left out)."""
    cols = columns(db, table)
    join = " LEFT JOIN batches b ON b.id = t.batch_id" if "batch_id" in cols else ""
    batch_file = "b.file_name" if join else "NULL"
    where = ""
    if table == "volunteers":
        where = " WHERE t.forgotten_at IS NULL"
    elif "volunteer_id" in cols:
        where = " WHERE t.volunteer_id IN (SELECT id FROM volunteers WHERE forgotten_at IS NULL)"
    elif table == "payment_voids":
        where = (
            " WHERE t.payment_id IN (SELECT p.id FROM payments p JOIN volunteers v ON v.id = p.volunteer_id"
            " WHERE v.forgotten_at IS NULL)"
        )
    cur = db.execute(f"SELECT t.*, {batch_file} AS batch_file FROM {table} t{join}{where} ORDER BY t.id")
    names = [d[0] for d in cur.description]
    for row in cur:
        yield dict(zip(names, row, strict=True))


def setting(db: Database, key: str) -> str:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return "" if row is None else str(row[0]).strip('"')


def merged_ids(db: Database, source_key: str) -> dict[tuple[str, int], int]:
    """(kind, id in the source) → id here, of every fact merged from this source before."""
    rows = db.execute(
        "SELECT f.kind, f.source_row_id, f.local_id FROM merged_facts f JOIN merge_sources s ON s.id = f.source_id "
        "WHERE s.source_key = ?",
        [source_key],
    ).fetchall()
    return {(str(k), int(s)): int(loc) for k, s, loc in rows}


def people(db: Database) -> dict[str, int]:
    return {str(nik): int(vid) for vid, nik in db.execute("SELECT id, nik FROM volunteers").fetchall()}


def roles(db: Database) -> dict[tuple[int, str], int]:
    return {(int(v), str(u)): int(i) for i, v, u in db.execute("SELECT id, volunteer_id, unsur FROM roles")}


TRAINING_KEY = ("name", "kind", "start_date", "end_date", "minutes", "unsur")


def trainings(db: Database) -> dict[tuple[Any, ...], int]:
    cols = ", ".join(TRAINING_KEY)
    return {tuple(r[1:]): int(r[0]) for r in db.execute(f"SELECT id, {cols} FROM trainings").fetchall()}


def place_of(db: Database, volunteer_id: int) -> str:
    """Where a person on this register came from: the merged source (and its file, sheet, row) or the import."""
    row = db.execute(
        "SELECT s.file_name, f.source_file, f.source_sheet, f.source_row FROM merged_facts f "
        "JOIN merge_sources s ON s.id = f.source_id WHERE f.kind = 'volunteers' AND f.local_id = ?",
        [volunteer_id],
    ).fetchone()
    if row is not None:
        return describe(row[0], row[1], row[2], row[3])
    row = db.execute(
        "SELECT b.file_name, v.sheet, v.row FROM volunteers v LEFT JOIN batches b ON b.id = v.batch_id WHERE v.id = ?",
        [volunteer_id],
    ).fetchone()
    return describe("database ini", row[0], row[1], row[2]) if row else "database ini"


def describe(db_name: str, file: object, sheet: object, row: object) -> str:
    where = ", ".join(str(x) for x in (file, sheet and f"lembar {sheet}", row and f"baris {row}") if x)
    return f"{db_name} ({where})" if where else str(db_name)


def insert(db: Database, table: str, row: Mapping[str, Any], cols: Sequence[str], *, ignore: bool = False) -> int:
    """Insert one row (only `cols`); with `ignore`, 0 when a UNIQUE key says it is here already."""
    verb = "INSERT OR IGNORE" if ignore else "INSERT"
    sql = f"{verb} INTO {table}({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    cur = db.execute(sql, [row.get(c) for c in cols])
    return int(cur.lastrowid or 0) if cur.rowcount else 0


PAYMENT_KEY = ("volunteer_id", "iuran_month", "paid_on", "reference", "programs", "total_rupiah")


def payment_id(db: Database, row: Mapping[str, Any]) -> int:
    """The payment here with the same natural key (the one the ledger's UNIQUE constraint names)."""
    where = " AND ".join(f"{k} = ?" for k in PAYMENT_KEY)
    hit = db.execute(f"SELECT id FROM payments WHERE {where}", [row[k] for k in PAYMENT_KEY]).fetchone()
    return int(hit[0]) if hit else 0


def void_of(db: Database, payment: int) -> int:
    hit = db.execute("SELECT id FROM payment_voids WHERE payment_id = ?", [payment]).fetchone()
    return int(hit[0]) if hit else 0


def add_source(db: Database, values: Mapping[str, Any]) -> int:
    cur = db.execute(
        "INSERT INTO batches(kind, file_name, sha256, created_at, note) VALUES ('merge', ?, ?, ?, ?)",
        [values["file_name"], values["fingerprint"], values["merged_at"], values["note"]],
    )
    batch = int(cur.lastrowid or 0)
    cur = db.execute(
        "INSERT INTO merge_sources(file_name, fingerprint, source_key, kode_kabkota, schema, merged_at, batch_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [values["file_name"], values["fingerprint"], values["source_key"], values["kode_kabkota"],
         values["schema"], values["merged_at"], batch],
    )  # fmt: skip
    return int(cur.lastrowid or 0)


def batch_of(db: Database, source_id: int) -> int:
    return int(db.execute("SELECT batch_id FROM merge_sources WHERE id = ?", [source_id]).fetchone()[0])


def add_provenance(db: Database, rows: Sequence[tuple[Any, ...]]) -> None:
    db.conn.executemany(
        "INSERT INTO merged_facts(kind, local_id, source_id, source_row_id, source_file, source_sheet, source_row) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


class Tx:
    """A merge's write transaction: committed only when the merge sets `keep` (not a dry run, something new)."""

    keep = False


@contextmanager
def transaction(db: Database) -> Iterator[Tx]:
    """One write transaction for a whole merge, rolled back unless `keep` is set (a dry run, or nothing new)."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        raise PsmctlError(f"database sedang dipakai proses lain ({e}); coba lagi sebentar lagi") from None
    tx = Tx()
    try:
        yield tx
    except BaseException:
        db.conn.rollback()
        raise
    if tx.keep:
        db.conn.commit()
    else:
        db.conn.rollback()


@contextmanager
def savepoint(db: Database) -> Iterator[Tx]:
    """One source inside the merge's transaction: undone unless `keep` is set."""
    db.execute("SAVEPOINT merge_source")
    sp = Tx()
    try:
        yield sp
    except BaseException:
        db.execute("ROLLBACK TO merge_source")
        db.execute("RELEASE merge_source")
        raise
    if not sp.keep:
        db.execute("ROLLBACK TO merge_source")
    db.execute("RELEASE merge_source")

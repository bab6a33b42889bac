"""SQL of `psmctl merge`: reading a kab/kota database, writing its facts here with their provenance."""

from __future__ import annotations

import sqlite3
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
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


# A source is staged before the merge's transaction: attached read-only, its facts copied into temp tables
# (`staged(n, table)`), detached again. SQLite attaches at most 10 databases and detaches none inside a transaction,
# so the sources are not read in place; from the temp tables every table is merged set-based, in one statement a
# step, translating ids through `temp.merge_ids`.
ATTACHED = "merge_source"


def staged(n: int, table: str) -> str:
    """The temp table holding source `n`'s rows of `table` (temp names come first when unqualified)."""
    return f"merge_{n}_{table}"


def _source_select(table: str, cols: Sequence[str]) -> str:
    """The rows of a source table a merge reads, with `batch_file` (the file their batch came from); the facts of
    people erased at the source stay out."""
    s = ATTACHED
    join = f" LEFT JOIN {s}.batches b ON b.id = t.batch_id" if "batch_id" in cols else ""
    where = ""
    if table == "volunteers":
        where = " WHERE t.forgotten_at IS NULL"
    elif "volunteer_id" in cols:
        where = f" WHERE t.volunteer_id IN (SELECT id FROM {s}.volunteers WHERE forgotten_at IS NULL)"
    elif table == "payment_voids":
        where = (
            f" WHERE t.payment_id IN (SELECT p.id FROM {s}.payments p JOIN {s}.volunteers v ON v.id = p.volunteer_id"
            " WHERE v.forgotten_at IS NULL)"
        )
    return f"SELECT t.*, {'b.file_name' if join else 'NULL'} AS batch_file FROM {s}.{table} t{join}{where}"


def stage(db: Database, path: Path, n: int) -> None:
    """Copy source `n`'s facts (the psmctl database at `path`, opened read-only) into its temp tables."""
    uri = f"file:{urllib.parse.quote(str(Path(path).absolute()))}?mode=ro"
    db.execute(f"ATTACH DATABASE ? AS {ATTACHED}", [uri])
    try:
        for t in TABLES:
            cols = [str(r[1]) for r in db.execute(f"PRAGMA {ATTACHED}.table_info({t})").fetchall()]
            db.execute(f"CREATE TEMP TABLE {staged(n, t)} AS {_source_select(t, cols)}")
        db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS merge_ids (kind TEXT NOT NULL, src_id INTEGER NOT NULL, "
            "local_id INTEGER NOT NULL, added INTEGER NOT NULL, PRIMARY KEY (kind, src_id)) WITHOUT ROWID"
        )
    finally:
        db.execute(f"DETACH DATABASE {ATTACHED}")


def unstage(db: Database, sources: int) -> None:
    for n in range(sources):
        for t in TABLES:
            db.execute(f"DROP TABLE IF EXISTS {staged(n, t)}")
    db.execute("DROP TABLE IF EXISTS temp.merge_ids")


def file_of(db: Database) -> Path:
    return Path(str(db.conn.execute("PRAGMA database_list").fetchone()[2]))


def setting(db: Database, key: str) -> str:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return "" if row is None else str(row[0]).strip('"')


def staged_niks(db: Database, n: int) -> list[str]:
    return [str(r[0]) for r in db.execute(f"SELECT nik FROM {staged(n, 'volunteers')}")]


def drop_staged_people(db: Database, n: int, niks: Iterable[str]) -> None:
    """People erased on request here: out of the staged source, so neither they nor their facts are merged."""
    db.conn.executemany(f"DELETE FROM {staged(n, 'volunteers')} WHERE nik = ?", [(nik,) for nik in niks])


@dataclass
class Step:
    """One source's merge, set-based: `n` its staged tables, `source_id`/`batch` its rows here, `source_key` the
    office whose register it is (its kab/kota code, else its file name)."""

    db: Database
    n: int
    source_id: int
    batch: int
    source_key: str

    def src(self, table: str) -> str:
        return staged(self.n, table)

    def top(self, table: str) -> int:
        """The largest id in a table here: a row merged now has a larger one (rowids grow inside the transaction)."""
        return int(self.db.execute(f"SELECT coalesce(max(id), 0) FROM main.{table}").fetchone()[0])

    def copy_into(self, table: str, select: str, *, ignore: bool = False, own: Mapping[str, str] | None = None) -> None:
        """INSERT INTO `table` the staged rows `select` picks (FROM/JOIN/WHERE text over alias s), the shared columns
        as they are and `own` (column → SQL expression) translated."""
        own = {"batch_id": ":batch", **(own or {})} if "batch_id" in columns(self.db, table) else dict(own or {})
        theirs = set(columns(self.db, self.src(table)))
        cols = [c for c in columns(self.db, table) if c in theirs and c not in OWN and c not in own]
        verb = "INSERT OR IGNORE" if ignore else "INSERT"
        self.db.execute(
            f"{verb} INTO main.{table}({', '.join([*cols, *own])}) "
            f"SELECT {', '.join([*(f's.{c}' for c in cols), *own.values()])} {select} ORDER BY s.id",
            {"batch": self.batch, "key": self.source_key},
        )

    def map_ids(
        self, kind: str, select: str, params: Mapping[str, Any] | None = None, *, replace: bool = False
    ) -> None:
        """Note (kind, id there) → (id here, added now) for the rows `select` (SELECT src_id, local_id, added …)."""
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        self.db.execute(
            f"{verb} INTO merge_ids(kind, src_id, local_id, added) {select}", {"kind": kind, **(params or {})}
        )

    def counts(self, kind: str) -> tuple[int, int]:
        """(added, matched) of a kind in this source."""
        row = self.db.execute(
            "SELECT count(*) FILTER (WHERE added), count(*) FILTER (WHERE NOT added) FROM merge_ids WHERE kind = ?",
            [kind],
        ).fetchone()
        return int(row[0]), int(row[1])

    def provenance(self, kind: str) -> None:
        """Each fact added now: where it came from (source, its id there, its batch's file, sheet and row)."""
        cols = set(columns(self.db, self.src(kind)))
        sheet, row = ("s.sheet" if "sheet" in cols else "NULL"), ("s.row" if "row" in cols else "NULL")
        self.db.execute(
            "INSERT INTO main.merged_facts(kind, local_id, source_id, source_row_id, source_file, source_sheet, "
            f"source_row) SELECT m.kind, m.local_id, ?, s.id, s.batch_file, {sheet}, {row} "
            f"FROM merge_ids m JOIN {self.src(kind)} s ON s.id = m.src_id WHERE m.kind = ? AND m.added",
            [self.source_id, kind],
        )


def reset_ids(db: Database) -> None:
    db.execute("DELETE FROM merge_ids")


def merge_volunteers(step: Step) -> None:
    """People by NIK: new ones added, the rest matched."""
    s, top = step.src("volunteers"), step.top("volunteers")
    step.copy_into("volunteers", f"FROM {s} s WHERE s.nik NOT IN (SELECT nik FROM main.volunteers)")
    step.map_ids("volunteers", f"SELECT :kind, s.id, v.id, v.id > :top FROM {s} s JOIN main.volunteers v "
                               "ON v.nik = s.nik", {"top": top})  # fmt: skip
    step.provenance("volunteers")


def duplicates(step: Step) -> list[tuple[Any, ...]]:
    """People matched here who did not come from this office's register before: (nik, nama, batch file, sheet,
    row, id here), in the source's order."""
    return step.db.execute(
        f"SELECT s.nik, s.nama, s.batch_file, s.sheet, s.row, m.local_id FROM {step.src('volunteers')} s "
        "JOIN merge_ids m ON m.kind = 'volunteers' AND m.src_id = s.id WHERE NOT m.added AND NOT EXISTS ("
        "SELECT 1 FROM main.merged_facts f JOIN main.merge_sources ms ON ms.id = f.source_id "
        "WHERE ms.source_key = ? AND f.kind = 'volunteers' AND f.source_row_id = s.id AND f.local_id = m.local_id) "
        "ORDER BY s.id",
        [step.source_key],
    ).fetchall()


_PERSON = "JOIN merge_ids v ON v.kind = 'volunteers' AND v.src_id = s.volunteer_id"


def merge_roles(step: Step) -> None:
    """Roles by (person, unsur)."""
    s, top = step.src("roles"), step.top("roles")
    step.copy_into(
        "roles",
        f"FROM {s} s {_PERSON} WHERE NOT EXISTS "
        "(SELECT 1 FROM main.roles x WHERE x.volunteer_id = v.local_id AND x.unsur = s.unsur)",
        own={"volunteer_id": "v.local_id"},
    )
    step.map_ids("roles", f"SELECT :kind, s.id, x.id, x.id > :top FROM {s} s {_PERSON} JOIN main.roles x "
                          "ON x.volunteer_id = v.local_id AND x.unsur = s.unsur", {"top": top})  # fmt: skip
    step.provenance("roles")


TRAINING_KEY = ("name", "kind", "start_date", "end_date", "minutes", "unsur")


def _same_training(a: str, b: str) -> str:
    return " AND ".join(f"{a}.{k} IS {b}.{k}" for k in TRAINING_KEY)


def merge_trainings(step: Step) -> None:
    """Trainings by name, kind, dates, minutes and unsur (the first of a source's repeats added, the rest matched)."""
    s, top = step.src("trainings"), step.top("trainings")
    first = f"NOT EXISTS (SELECT 1 FROM {s} e WHERE e.id < s.id AND {_same_training('e', 's')})"
    step.copy_into(
        "trainings",
        f"FROM {s} s WHERE {first} AND NOT EXISTS (SELECT 1 FROM main.trainings x WHERE {_same_training('x', 's')})",
    )
    step.map_ids(
        "trainings",
        f"SELECT :kind, s.id, x.id, x.id > :top AND {first} FROM {s} s JOIN main.trainings x ON x.id = "
        f"(SELECT max(y.id) FROM main.trainings y WHERE {_same_training('y', 's')})",
        {"top": top},
    )
    step.provenance("trainings")


def merge_attendance(step: Step) -> None:
    """Attendance by (training, person)."""
    s, top = step.src("attendance"), step.top("attendance")
    course = "JOIN merge_ids t ON t.kind = 'trainings' AND t.src_id = s.training_id"
    step.copy_into("attendance", f"FROM {s} s {_PERSON} {course}", ignore=True,
                   own={"training_id": "t.local_id", "volunteer_id": "v.local_id"})  # fmt: skip
    step.map_ids("attendance", f"SELECT :kind, s.id, x.id, x.id > :top FROM {s} s {_PERSON} {course} "
                               "JOIN main.attendance x ON x.training_id = t.local_id AND x.volunteer_id = v.local_id",
                 {"top": top})  # fmt: skip
    step.provenance("attendance")


PAYMENT_KEY = ("iuran_month", "paid_on", "reference", "programs", "total_rupiah")


def merge_payments(step: Step) -> None:
    """Payments merged from this office before stay matched to theirs; the rest by the ledger's natural key, each
    payment line's key prefixed with the office (unique within its own office only)."""
    s, top = step.src("payments"), step.top("payments")
    step.map_ids(
        "payments",
        "SELECT :kind, f.source_row_id, f.local_id, 0 FROM main.merged_facts f WHERE f.kind = 'payments' AND "
        "f.source_id IN (SELECT id FROM main.merge_sources WHERE source_key = :key) "
        f"AND f.source_row_id IN (SELECT id FROM {s}) ORDER BY f.source_id",
        {"key": step.source_key},
        replace=True,
    )
    fresh = "s.id NOT IN (SELECT src_id FROM merge_ids WHERE kind = 'payments')"
    step.copy_into("payments", f"FROM {s} s {_PERSON} WHERE {fresh}", ignore=True,
                   own={"volunteer_id": "v.local_id", "line_key": ":key || ':' || s.line_key"})  # fmt: skip
    same = " AND ".join(f"x.{k} = s.{k}" for k in PAYMENT_KEY)
    step.map_ids("payments", f"SELECT :kind, s.id, x.id, x.id > :top FROM {s} s {_PERSON} JOIN main.payments x "
                             f"ON x.volunteer_id = v.local_id AND {same} WHERE {fresh}", {"top": top})  # fmt: skip
    step.provenance("payments")


def merge_voids(step: Step) -> None:
    """Voids by payment."""
    s, top = step.src("payment_voids"), step.top("payment_voids")
    paid = "JOIN merge_ids p ON p.kind = 'payments' AND p.src_id = s.payment_id"
    step.copy_into("payment_voids", f"FROM {s} s {paid}", ignore=True, own={"payment_id": "p.local_id"})
    step.map_ids("payment_voids", f"SELECT :kind, s.id, x.id, x.id > :top FROM {s} s {paid} "
                                  "JOIN main.payment_voids x ON x.payment_id = p.local_id", {"top": top})  # fmt: skip
    step.provenance("payment_voids")


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

"""`psmctl merge`: a province office brings the registers of its kab/kota psmctl databases into its own.

Copied: people, roles, trainings, attendance, payments and voids (people erased on request stay out). Every fact
added keeps its provenance (merged_facts: the source file's name and fingerprint, the fact's id there and the
file, sheet and row of the batch it was first imported from). A fact already here is matched, never doubled:
people by NIK, roles by (person, unsur), trainings by name, kind, dates, minutes and unsur, attendance by
(training, person), payments by the ledger's natural key, voids by payment; so merging a source again changes
nothing. Payments and voids are copied as they are, so coverage answers here exactly as in the source; a NIK that
came from another source (or this office's own import) is reported with both places.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psmctl.db import backup, connect_readonly, open_db, schema_version
from psmctl.db import merge as mdb
from psmctl.db.migrations import migrations
from psmctl.errors import PsmctlError
from psmctl.rules.privacy import mask_nik

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass
class Duplicate:
    """A NIK found here already, from another source or this office's own import."""

    nik: str  # masked
    nama: str
    here: str
    source: str


@dataclass
class MergeReport:
    """What one source brought (or, in a dry run, would bring)."""

    file: str
    fingerprint: str
    schema: str
    migrated: bool = False
    added: dict[str, int] = field(default_factory=lambda: dict.fromkeys(mdb.TABLES, 0))
    matched: dict[str, int] = field(default_factory=lambda: dict.fromkeys(mdb.TABLES, 0))
    duplicates: list[Duplicate] = field(default_factory=list)
    erased: int = 0  # people erased on request here: not brought back, nor their facts
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return any(self.added.values())


def fingerprint(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def open_source(path: Path) -> Iterator[tuple[Database, bool]]:
    """The source read-only, or (older schema) a migrated copy in a temporary folder; refused in one line when
    it is no psmctl database, is damaged, or comes from a newer psmctl. Yields (database, migrated)."""
    if not path.is_file():
        raise PsmctlError(f"sumber {path.name} tidak ada atau bukan berkas")
    src = connect_readonly(path)
    folder: Path | None = None
    try:
        check = mdb.quick_check(src)
        if check != "ok":
            raise PsmctlError(f"sumber {path.name} rusak ({check}); tidak ada yang digabung")
        if not migrations.pending(src):
            yield src, False
            return
        folder = Path(tempfile.mkdtemp(prefix="psmctl-merge-"))
        backup(src, folder / path.name)  # the source itself is never written
    finally:
        src.close()
    try:
        migrated = open_db(folder / path.name)
        try:
            yield migrated, True
        finally:
            migrated.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def merge(db: Database, paths: list[Path], *, merged_at: str, dry_run: bool = False) -> list[MergeReport]:
    """Merge the source databases into `db`, all or nothing (one transaction; rolled back for a dry run)."""
    here = Path(db.conn.execute("PRAGMA database_list").fetchone()[2]).resolve()
    for path in paths:
        if path.resolve() == here:
            raise PsmctlError(f"{path.name} adalah database ini sendiri; pilih database kab/kota")
    reports = []
    with mdb.transaction(db) as tx:
        for path in paths:
            reports.append(_merge_one(db, path, merged_at=merged_at, dry_run=dry_run))
        tx.keep = not dry_run and any(r.changed for r in reports)
    return reports


def _merge_one(db: Database, path: Path, *, merged_at: str, dry_run: bool) -> MergeReport:
    digest = fingerprint(path) if path.is_file() else ""
    with open_source(path) as (src, migrated):
        kab = mdb.setting(src, "wilayah.kode_kabkota")
        report = MergeReport(path.name, digest, schema_version(src) or "", migrated, dry_run=dry_run)
        source_key = kab or path.name
        with mdb.savepoint(db) as keep:
            source_id = mdb.add_source(
                db,
                {"file_name": path.name, "fingerprint": digest, "source_key": source_key, "kode_kabkota": kab,
                 "schema": report.schema, "merged_at": merged_at, "note": f"psmctl merge {path.name}"},
            )  # fmt: skip
            _Copier(db, src, report, source_id, source_key).run()
            keep.keep = report.changed  # a source with nothing new leaves no trace, not even its batch
    return report


class _Copier:
    """Copies one source's facts, parents first, translating its ids to this database's."""

    def __init__(self, db: Database, src: Database, report: MergeReport, source_id: int, source_key: str) -> None:
        self.db, self.src, self.report, self.source_id = db, src, report, source_id
        self.source_key = source_key
        self.batch = mdb.batch_of(db, source_id)
        self.known = mdb.merged_ids(db, source_key)
        self.ids: dict[str, dict[int, int]] = {t: {} for t in mdb.TABLES}
        self.provenance: list[tuple[Any, ...]] = []
        self.cols: dict[str, list[str]] = {}
        for t in mdb.TABLES:
            theirs = set(mdb.columns(src, t))
            self.cols[t] = [c for c in mdb.columns(db, t) if c in theirs and c not in mdb.OWN]

    def run(self) -> None:
        self.volunteers()
        self.roles()
        self.trainings()
        self.attendance()
        self.payments()
        self.voids()
        mdb.add_provenance(self.db, self.provenance)

    def _added(self, table: str, row: dict[str, Any], local: int) -> None:
        self.ids[table][int(row["id"])] = local
        self.report.added[table] += 1
        self.provenance.append(
            (table, local, self.source_id, int(row["id"]), row.get("batch_file"), row.get("sheet"), row.get("row"))
        )

    def _matched(self, table: str, row: dict[str, Any], local: int) -> None:
        self.ids[table][int(row["id"])] = local
        self.report.matched[table] += 1

    def _insert(self, table: str, row: dict[str, Any], *, ignore: bool = False) -> int:
        cols = [*self.cols[table], *(k for k in mdb.OWN - {"id"} if k in row)]
        return mdb.insert(self.db, table, row, cols, ignore=ignore)

    def volunteers(self) -> None:
        from psmctl.db import erasure

        here = mdb.people(self.db)
        rows = list(mdb.source_rows(self.src, "volunteers"))
        erased = erasure.erased_among(self.db, (str(r["nik"]) for r in rows))
        for row in rows:
            if str(row["nik"]) in erased:  # her tombstone keeps a merge from bringing her back, as an import
                self.report.erased += 1
                continue
            local = here.get(str(row["nik"]))
            if local is None:
                local = here[str(row["nik"])] = self._insert("volunteers", {**row, "batch_id": self.batch})
                self._added("volunteers", row, local)
                continue
            if self.known.get(("volunteers", int(row["id"]))) != local:  # not brought by this source before
                there = mdb.describe(self.report.file, row["batch_file"], row.get("sheet"), row.get("row"))
                dup = Duplicate(mask_nik(str(row["nik"])), str(row["nama"]), mdb.place_of(self.db, local), there)
                self.report.duplicates.append(dup)
            self._matched("volunteers", row, local)

    def roles(self) -> None:
        here = mdb.roles(self.db)
        for row in mdb.source_rows(self.src, "roles"):
            vid = self.ids["volunteers"].get(int(row["volunteer_id"]))
            if vid is None:
                continue
            local = here.get((vid, str(row["unsur"])))
            if local is not None:
                self._matched("roles", row, local)
                continue
            local = self._insert("roles", {**row, "volunteer_id": vid, "batch_id": self.batch})
            here[(vid, str(row["unsur"]))] = local
            self._added("roles", row, local)

    def trainings(self) -> None:
        here = mdb.trainings(self.db)
        for row in mdb.source_rows(self.src, "trainings"):
            key = tuple(row[k] for k in mdb.TRAINING_KEY)
            local = here.get(key)
            if local is not None:
                self._matched("trainings", row, local)
                continue
            local = here[key] = self._insert("trainings", row)
            self._added("trainings", row, local)

    def attendance(self) -> None:
        for row in mdb.source_rows(self.src, "attendance"):
            vid = self.ids["volunteers"].get(int(row["volunteer_id"]))
            if vid is None:
                continue
            tid = self.ids["trainings"][int(row["training_id"])]
            mapped = {**row, "training_id": tid, "volunteer_id": vid, "batch_id": self.batch}
            local = self._insert("attendance", mapped, ignore=True)
            if local:
                self._added("attendance", row, local)
            else:
                self._matched("attendance", row, 0)

    def payments(self) -> None:
        for row in mdb.source_rows(self.src, "payments"):
            known = self.known.get(("payments", int(row["id"])))
            if known is not None:
                self._matched("payments", row, known)
                continue
            vid = self.ids["volunteers"].get(int(row["volunteer_id"]))
            if vid is None:
                continue
            mapped = {**row, "volunteer_id": vid, "batch_id": self.batch}
            # A payment line's key is unique within its own office; here it is prefixed with the office.
            mapped["line_key"] = f"{self.source_key}:{row['line_key']}"
            local = self._insert("payments", mapped, ignore=True)
            if local:
                self._added("payments", row, local)
            else:
                self._matched("payments", row, mdb.payment_id(self.db, mapped))

    def voids(self) -> None:
        for row in mdb.source_rows(self.src, "payment_voids"):
            payment = self.ids["payments"].get(int(row["payment_id"]), 0)
            if not payment:
                continue
            local = self._insert("payment_voids", {**row, "payment_id": payment, "batch_id": self.batch}, ignore=True)
            if local:
                self._added("payment_voids", row, local)
            else:
                self._matched("payment_voids", row, mdb.void_of(self.db, payment))

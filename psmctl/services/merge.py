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
from typing import TYPE_CHECKING

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


@dataclass
class _Staged:
    """A source read into this connection's temp tables (number `n`), with what its report names."""

    n: int
    file: str
    fingerprint: str
    schema: str
    migrated: bool
    kabkota: str


def _stage(db: Database, path: Path, n: int) -> _Staged:
    digest = fingerprint(path) if path.is_file() else ""
    with open_source(path) as (src, migrated):
        kab = mdb.setting(src, "wilayah.kode_kabkota")
        mdb.stage(db, mdb.file_of(src), n)
        return _Staged(n, path.name, digest, schema_version(src) or "", migrated, kab)


def merge(db: Database, paths: list[Path], *, merged_at: str, dry_run: bool = False) -> list[MergeReport]:
    """Merge the source databases into `db`, all or nothing (one transaction; rolled back for a dry run).

    Each source is first read whole into temp tables (before the transaction: SQLite detaches no database inside
    one), then merged table by table in set-based statements."""
    here = Path(db.conn.execute("PRAGMA database_list").fetchone()[2]).resolve()
    for path in paths:
        if path.resolve() == here:
            raise PsmctlError(f"{path.name} adalah database ini sendiri; pilih database kab/kota")
    staged: list[_Staged] = []
    try:
        for n, path in enumerate(paths):
            staged.append(_stage(db, path, n))
        reports = []
        with mdb.transaction(db) as tx:
            for source in staged:
                reports.append(_merge_one(db, source, merged_at=merged_at, dry_run=dry_run))
            tx.keep = not dry_run and any(r.changed for r in reports)
    finally:
        mdb.unstage(db, len(paths))
    return reports


def _merge_one(db: Database, source: _Staged, *, merged_at: str, dry_run: bool) -> MergeReport:
    from psmctl.db import erasure

    report = MergeReport(source.file, source.fingerprint, source.schema, source.migrated, dry_run=dry_run)
    source_key = source.kabkota or source.file
    with mdb.savepoint(db) as keep:
        source_id = mdb.add_source(
            db,
            {"file_name": source.file, "fingerprint": source.fingerprint, "source_key": source_key,
             "kode_kabkota": source.kabkota, "schema": source.schema, "merged_at": merged_at,
             "note": f"psmctl merge {source.file}"},
        )  # fmt: skip
        # Her tombstone keeps a merge from bringing her back, as an import: she and her facts stay out.
        erased = erasure.erased_among(db, mdb.staged_niks(db, source.n))
        mdb.drop_staged_people(db, source.n, erased)
        report.erased = len(erased)
        mdb.reset_ids(db)
        step = mdb.Step(db, source.n, source_id, mdb.batch_of(db, source_id), source_key)
        mdb.merge_volunteers(step)
        for nik, nama, file, sheet, row, local in mdb.duplicates(step):
            there = mdb.describe(report.file, file, sheet, row)
            report.duplicates.append(Duplicate(mask_nik(str(nik)), str(nama), mdb.place_of(db, local), there))
        for merge_table in (mdb.merge_roles, mdb.merge_trainings, mdb.merge_attendance, mdb.merge_payments,
                            mdb.merge_voids):  # fmt: skip
            merge_table(step)
        for kind in mdb.TABLES:
            report.added[kind], report.matched[kind] = step.counts(kind)
        keep.keep = report.changed  # a source with nothing new leaves no trace, not even its batch
    return report

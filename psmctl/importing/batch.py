"""The batch stage every import shares: one file's outcome as one `FileResult`, the one JSON shape of every import
(`import roster`, `payments import`, `attendance import`; README "For scripts and cron"), and the gate between
reading a file and writing it: `--strict` refuses a file with any rejected row or warning, `--dry-run` writes
nothing at all, and a file is written whole in one transaction or not at all.

An importer reads its file into sheet reports and a plan (reading the database only), then hands the plan to
`commit`, which decides whether and how it is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from psmctl.models import Problem, SheetReport
from psmctl.rules.privacy import finding_value, mask_text

if TYPE_CHECKING:
    from sqlite_utils import Database

# The keys of one file's object in `--format json`, of its `counts`, of each of its `sheets` and `findings`.
RESULT_KEYS = ("file", "dry_run", "committed", "refused", "counts", "sheets", "findings", "details")
COUNT_KEYS = ("rows_read", "added", "changed", "unchanged", "rejected", "warnings", "skipped")
SHEET_KEYS = ("sheet", "counts")
FINDING_KEYS = ("sheet", "row", "column", "value", "level", "code", "message")

_PERSONAL_COLUMNS = {"NIK": "nik", "NO KK": "no_kk", "NO. KK": "no_kk", "NO HP": "no_hp", "NO. HP": "no_hp"}


@dataclass
class FileResult:
    """What importing one file did (or, with --dry-run, would do): its sheets' counts and findings, whether it was
    written (`committed`), why not (`refused`), and what only one import has to say (`details`: the people missing
    from a roster, the payment rows written, the training)."""

    file: str
    sheets: list[SheetReport] = field(default_factory=list)
    dry_run: bool = False
    committed: bool = False
    refused: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def findings(self) -> Iterator[Problem]:
        for s in self.sheets:
            yield from s.problems

    def count(self, key: str) -> int:
        return sum(int(getattr(s, key)) for s in self.sheets)

    def accepted(self) -> int:
        """Rows that landed or would land (new, changed, or already in the register)."""
        return self.count("added") + self.count("changed") + self.count("unchanged")

    def as_dict(self) -> dict[str, Any]:
        """The one JSON shape (RESULT_KEYS); finding values show no full NIK or phone."""
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "committed": self.committed,
            "refused": self.refused,
            "counts": {k: self.count(k) for k in COUNT_KEYS},
            "sheets": [{"sheet": s.sheet, "counts": {k: getattr(s, k) for k in COUNT_KEYS}} for s in self.sheets],
            "findings": [finding_dict(p) for p in self.findings()],
            "details": self.details,
        }


def finding_dict(p: Problem) -> dict[str, Any]:
    """One finding as JSON (FINDING_KEYS): a NIK, No. KK or phone value masked, any 16-digit number in the text
    masked (findings go back to the kelurahan)."""
    key = _PERSONAL_COLUMNS.get((p.column or "").upper().strip(), "")
    value = finding_value(key, p.value) if key else p.value
    return {
        "sheet": p.sheet,
        "row": p.row,
        "column": p.column,
        "value": None if value is None else mask_text(value),
        "level": p.level,
        "code": p.code,
        "message": mask_text(p.message),
    }


ERASED_CODE = "NIK_DIHAPUS"
ERASED_MESSAGE = (
    "data orang ini dihapus atas permintaannya (volunteers forget); baris tidak diimpor. Bila ia memang kembali, "
    "impor dulu daftar relawannya dengan --terima-nik-dihapus NIK"
)


def erased_among(db: Database, niks: Iterable[str]) -> set[str]:
    """Of the NIKs an import did not find on the register, those erased on request (one look-up per file, none
    while no one was erased). Their rows are refused with ERASED_CODE / ERASED_MESSAGE (no NIK in it): not a
    plain "not on the register", whose advice (import the roster) the roster refuses too; the admin brings her
    back on purpose with `import roster --terima-nik-dihapus`, after which she is an ordinary NIK again."""
    from psmctl.db import erasure

    if db.execute("SELECT 1 FROM erased_niks LIMIT 1").fetchone() is None:
        return set()
    return erasure.erased_among(db, niks)


def failed(file: str, reason: str, *, dry_run: bool = False) -> FileResult:
    """The result of a file that could not be read or written at all (bad file, full disk): nothing written."""
    return FileResult(file=file, dry_run=dry_run, refused=reason)


def strict_refusal(result: FileResult) -> str | None:
    """Why `--strict` refuses this file: any rejected row or any finding at warning level (a row's, or one about
    a whole sheet such as an unused column); None when it is clean."""
    rejected = result.count("rejected")
    warnings = sum(1 for p in result.findings() if p.level == "warning")
    if not rejected and not warnings:
        return None
    said = ", ".join(x for x in (f"{rejected} baris ditolak" if rejected else "",
                                 f"{warnings} peringatan" if warnings else "") if x)  # fmt: skip
    return f"{said} dan --strict dipakai: berkas tidak diimpor sama sekali"


P = TypeVar("P")


class _Rollback(Exception):
    """Raised inside the write transaction when the gate refuses the file after planning: nothing was written."""


@dataclass
class Stage(Generic[P]):
    """How one importer plans and writes one file. `plan` reads the database only (it runs under the write lock of
    a real run, so what it reads is what the write sees, and outside any transaction in a dry run); `write` writes
    the plan and returns whether anything changed."""

    plan: Callable[[Database], P]
    write: Callable[[Database, P], bool]


def refusal(result: FileResult, *, strict: bool) -> str | None:
    """Why the gate refuses a planned file: every row rejected (nothing to import: a failure, not a success), or
    with `--strict` any rejected row or warning. None when it may be written."""
    if strict and (why := strict_refusal(result)):
        return why
    rejected = result.count("rejected")
    if rejected and not result.accepted():
        return f"semua {rejected} baris ditolak: tidak ada yang diimpor"
    return None


def commit(db: Database, result: FileResult, stage: Stage[P], *, dry_run: bool, strict: bool) -> P | None:
    """Plan the file, then write it whole in one transaction, unless the gate (`refusal`) refuses it. A dry run
    plans without a transaction and writes nothing at all; `--strict` refuses a file with any rejected row or
    warning (the plan's own findings included). Returns the plan (None when it was not made)."""
    from psmctl.db import write_tx

    result.dry_run = dry_run
    if strict and (why := strict_refusal(result)):
        result.refused = why  # refused on what reading the file found: the database is not even read
        return None
    if dry_run:
        planned = stage.plan(db)
        result.refused = refusal(result, strict=strict)
        return planned
    plan: P | None = None
    try:
        with write_tx(db):
            plan = stage.plan(db)
            result.refused = refusal(result, strict=strict)
            if result.refused:
                raise _Rollback  # the plan only read: nothing to undo
            result.committed = stage.write(db, plan)
    except _Rollback:
        pass
    return plan

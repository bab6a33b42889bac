"""The iuran ledger's entry points: record, import a payment list, list, void; and the coverage reports over it.

Payments are append-only facts, one row per person per iuran month (docs/rules.md). Lines are checked
against §4 first (IUR-01, IUR-02, IUR-07, COV-09); the paid amount is compared with the rate table and a
difference only warns (IUR-17). An import is one transaction: rejected rows are listed, accepted rows are written
together or not at all, and the same row imported twice is one payment. Coverage is recomputed from the ledger on
every read (coverage.py); nothing here stores a status.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from psmctl.db import payments as dbp
from psmctl.db import write_tx
from psmctl.errors import InputError, NotFound
from psmctl.importing import batch
from psmctl.importing import payments as reading
from psmctl.importing.batch import FileResult, Stage, commit
from psmctl.memory import gc_paused
from psmctl.models import Problem
from psmctl.rules import coverage, ledger_rules, rates
from psmctl.rules.membership import Finding, Paid, memberships
from psmctl.rules.months import add_months, month_index
from psmctl.rules.nik import require_nik
from psmctl.rules.payment_lines import ALL_PROGRAMMES, amount_check, check_line, rules_from
from psmctl.rules.privacy import mask_nik
from psmctl.rules.settings import Settings

if TYPE_CHECKING:
    from sqlite_utils import Database

# --------------------------------------------------------------------------------------------------------
# Reading the ledger


def _programs_cache() -> Callable[[str], frozenset[str]]:
    cache: dict[str, frozenset[str]] = {}

    def get(text: str) -> frozenset[str]:
        f = cache.get(text)
        if f is None:
            f = cache[text] = frozenset(text.split(","))
        return f

    return get


def ledger(db: Database, volunteer_ids: Sequence[int] | None = None) -> dict[int, list[Paid]]:
    """Non-voided payments per volunteer, from one ordered query."""
    progs = _programs_cache()
    fromiso = date.fromisoformat
    out: dict[int, list[Paid]] = defaultdict(list)
    # A million small tuples make the cyclic GC rescan everything again and again (superlinear); none of these
    # objects can form a cycle, so collection is paused while they are built.
    with gc_paused():
        _fill_ledger(db, volunteer_ids, out, progs, fromiso)
    return out


def _fill_ledger(
    db: Database,
    volunteer_ids: Sequence[int] | None,
    out: dict[int, list[Paid]],
    progs: Callable[[str], frozenset[str]],
    fromiso: Callable[[str], date],
) -> None:
    for vid, pid, month, paid_on, programs, total, seg, ref, fund, inc, rc, exp, pks_no, pks_start in dbp.ledger_rows(
        db, volunteer_ids
    ):
        out[vid].append(
            Paid(
                pid, month, fromiso(paid_on), progs(programs), total, seg, ref, fund, inc, rc or "I", exp, pks_no,
                fromiso(pks_start) if pks_start else None,
            )
        )  # fmt: skip


# --------------------------------------------------------------------------------------------------------
# Recording


@dataclass(frozen=True)
class LineSpec:
    """What `payments record` was told: the same line for every selected person."""

    month: str
    months: int
    paid_on: date
    segment: str = "BPU"
    income_rupiah: int = 1_000_000
    programs: tuple[str, ...] = ("JKK", "JKM")
    funding: str = "APBD"
    reference: str = ""
    amount_rupiah: int | None = None  # per person per month; None = from the rate table
    risk_class: str = "I"
    pks_no: str | None = None
    pks_start: date | None = None


@dataclass
class RecordPlan:
    """Rows ready to write, with the total and the findings, before anything is written."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    people: int = 0
    total_rupiah: int = 0
    expected_rupiah: int = 0
    problems: list[tuple[str, str, str]] = field(default_factory=list)


def plan_record(
    db: Database, *, volunteer_ids: Sequence[int], spec: LineSpec, settings: Settings, now: str,
    today: date | None = None,
) -> RecordPlan:  # fmt: skip
    """Check one line and build its rows for every selected person (nothing is written).

    Impossible money is refused (ledger.py): a negative or absurd amount or income, a paid date after ``today``
    (default: the date of ``now``). Months the person has already paid for are flagged "dibayar ganda".
    """
    rules = rules_from(settings)
    _refuse_impossible(spec, today or date.fromisoformat(now[:10]))
    months = [add_months(spec.month, i) for i in range(spec.months)]
    plan = RecordPlan(people=len(volunteer_ids))
    plan.problems = check_line(
        segment=spec.segment, months=months, paid_on=spec.paid_on, programs=spec.programs,
        income_rupiah=spec.income_rupiah, table=rules.table,
        config_max_months=settings.coverage.max_months_per_payment,
        config_max_ahead=settings.coverage.max_months_ahead,
    )  # fmt: skip
    errors = [m for lvl, _c, m in plan.problems if lvl == "error"]
    if errors:
        raise InputError("; ".join(errors))
    line_key = "rec:" + hashlib.sha256(f"{now}|{spec}".encode()).hexdigest()[:16]
    per_month = []
    for m in months:
        e = rates.expected(
            rules.table, segment=spec.segment, month=m, income_rupiah=spec.income_rupiah, programmes=spec.programs,
            funding=spec.funding, risk_class=spec.risk_class,
        )  # fmt: skip
        paid = e.total_rupiah if spec.amount_rupiah is None else spec.amount_rupiah
        mismatch = amount_check(paid, e.total_rupiah, m)
        if mismatch:
            if settings.amounts.mismatch == "reject":
                raise InputError(mismatch[1])
            plan.problems.append(("warning", "IUR-17", mismatch[1]))
        split = [e.payable(p) if paid == e.total_rupiah else 0 for p in ALL_PROGRAMMES]
        per_month.append((m, split, paid, e.total_rupiah))
        plan.problems += [("info", code, msg) for code, msg in e.notes]
    paid_on = spec.paid_on.isoformat()
    pks_start = spec.pks_start.isoformat() if spec.pks_start else None
    programs = ",".join(spec.programs)
    rc = spec.risk_class if spec.segment == "PU" else None
    for vid in volunteer_ids:
        for m, split, paid, exp in per_month:
            plan.rows.append(
                (vid, spec.segment, m, paid_on, spec.income_rupiah, programs, *split, paid, exp, spec.funding,
                 spec.reference, line_key, rc, spec.pks_no, pks_start, 0, None, None, None)
            )  # fmt: skip
    plan.total_rupiah = sum(p for _m, _s, p, _e in per_month) * len(volunteer_ids)
    plan.expected_rupiah = sum(e for _m, _s, _p, e in per_month) * len(volunteer_ids)
    plan.problems += _record_doubles(db, volunteer_ids, months, spec)
    return plan


def _refuse_impossible(spec: LineSpec, today: date) -> None:
    """InputError for a line no payment can be: no month, impossible money, a paid date after today, a PKS start
    without its number (COV-19)."""
    if spec.months < 1:
        raise InputError("--months minimal 1")
    refusal = (
        (ledger_rules.amount_problem(spec.amount_rupiah, "--amount") if spec.amount_rupiah is not None else None)
        or ledger_rules.income_problem(spec.income_rupiah)
        or ledger_rules.paid_date_problem(spec.paid_on, today)
    )
    if refusal is not None:
        raise InputError(refusal)
    if spec.pks_start is not None and not spec.pks_no:
        raise InputError("tanggal mulai PKS tanpa nomor PKS ditolak (COV-19); beri --pks-no")


def _record_doubles(
    db: Database, volunteer_ids: Sequence[int], months: Sequence[str], spec: LineSpec
) -> list[tuple[str, str, str]]:
    """'dibayar ganda' warnings for months the selected people have already paid (the first few named in full)."""
    wanted = set(volunteer_ids)
    same = (spec.paid_on.isoformat(), ",".join(spec.programs), spec.reference)  # this very line, recorded before:
    existing = [  # the same payment, written once (natural key), not a second one
        ledger_rules.Row(vid, month, frozenset(progs.split(",")), date.fromisoformat(paid), ref or "", pid)
        for vid, pid, month, paid, progs, ref in dbp.month_payments(db, months)
        if vid in wanted and (paid, progs, ref or "") != same
    ]
    if not existing:
        return []
    new = [ledger_rules.Row(vid, m, frozenset(spec.programs), spec.paid_on, spec.reference, label="pembayaran baru ini")
           for vid in volunteer_ids for m in months]  # fmt: skip
    found = ledger_rules.doubles(existing, new)
    out = [("warning", "DIBAYAR_GANDA", d.message()) for d in found[:5]]
    if len(found) > 5:
        out.append(("warning", "DIBAYAR_GANDA", f"... dan {len(found) - 5} bulan iuran lain yang dibayar ganda"))
    return out


def write_plan(db: Database, plan: RecordPlan, *, now: str, note: str | None = None) -> int:
    """Write a plan in one transaction (a batch row, then every payment); returns rows inserted."""
    with write_tx(db):
        batch = dbp.insert_batch(db, kind="payments", file_name=None, sha256=None, created_at=now, note=note)
        return dbp.insert_payments(db, (r[:19] + (batch,) + r[20:] for r in plan.rows))


def select_volunteers(
    db: Database,
    *,
    niks: Sequence[str] = (),
    unsur: str | None = None,
    kelurahan: str | None = None,
    kecamatan: str | None = None,
    all_active: bool = False,
) -> list[int]:
    """Volunteer ids named by --nik, or selected from the register; unknown NIKs raise NotFound."""
    ids: list[int] = []
    niks = [require_nik(n) for n in niks]
    if niks:
        from psmctl.db.volunteers import volunteer_ids_by_nik

        found = volunteer_ids_by_nik(db, niks)
        missing = [n for n in niks if n not in found]
        if missing and (erased := batch.erased_among(db, missing)):
            raise InputError(
                f"{len(erased)} NIK yang diberikan milik orang yang datanya dihapus atas permintaannya "
                "(volunteers forget); tidak dicatat. Bila ia memang kembali, impor dulu daftar relawannya dengan "
                "--terima-nik-dihapus"
            )
        if missing:
            raise NotFound(f"NIK {', '.join(mask_nik(n) for n in missing[:5])} tidak ada di register")
        ids += [found[n] for n in dict.fromkeys(niks)]
    if unsur or kelurahan or kecamatan or all_active:
        from psmctl.db.volunteers import select_roles
        from psmctl.services.volunteers import kelurahan_filter

        place = kelurahan_filter(db, kelurahan)
        roles = select_roles(db, unsur=unsur, kelurahan=place, kecamatan=kecamatan, active_only=True)
        ids += [int(r["volunteer_id"]) for r in roles]
    return list(dict.fromkeys(ids))


# --------------------------------------------------------------------------------------------------------
# Listing and voiding


def list_payments(db: Database, *, nik: str | None = None, month: str | None = None) -> list[dict[str, Any]]:
    """Ledger rows for `payments list` (voided rows included, with their reason)."""
    if month:
        month_index(month)
    rows = dbp.list_payments(db, nik=require_nik(nik) if nik else None, month=month)
    # A filter by NIK or month keeps every row of each (person, month) it shows: doubles are found among them.
    live = [r for r in rows if r["void_reason"] is None]
    notes: dict[int, list[str]] = defaultdict(list)
    for d in ledger_rules.doubles(sorted((_list_row(r) for r in live), key=lambda x: (x.paid_on, x.id or 0))):
        text = f"dibayar ganda ({', '.join(d.programs)}) dengan #{d.first.id}"
        notes[d.second.id or 0].append(text)
        notes[d.first.id or 0].append(f"dibayar ganda ({', '.join(d.programs)}) dengan #{d.second.id}")
    for r in rows:
        r["catatan"] = "; ".join(notes.get(int(r["id"]), [])) or None
    return rows


def _list_row(r: dict[str, Any]) -> ledger_rules.Row:
    return ledger_rules.Row(r["nik"], r["iuran_month"], frozenset(str(r["programs"]).split(",")),
                      date.fromisoformat(r["paid_on"]), r["reference"] or "", int(r["id"]))  # fmt: skip


def void(db: Database, payment_id: int, *, reason: str, now: str) -> dict[str, Any]:
    """Void one payment with a reason (a new row; the payment itself is never changed)."""
    if not reason.strip():
        raise InputError("alasan pembatalan wajib diisi (--reason)")
    with write_tx(db):
        p = dbp.get_payment(db, payment_id)
        if p is None:
            raise NotFound(f"pembayaran #{payment_id} tidak ada")
        if p["void_reason"] is not None:
            raise InputError(f"pembayaran #{payment_id} sudah dibatalkan pada {p['voided_at']}: {p['void_reason']}")
        batch = dbp.insert_batch(db, kind="payment_void", file_name=None, sha256=None, created_at=now, note=reason)
        dbp.insert_void(db, payment_id=payment_id, reason=reason.strip(), voided_at=now, batch_id=batch)
    return p


# --------------------------------------------------------------------------------------------------------
# Importing a payment list: read by importing/payments.py, planned against the ledger here, written through the
# batch stage (importing/batch.py)


@dataclass
class ImportResult(FileResult):
    """The one import result of a payment list, and the payment rows it wrote."""

    written: int = 0
    notes_kept: int = 0  # new payment rows whose KETERANGAN is kept as their note

    def as_dict(self) -> dict[str, Any]:
        self.details = {"written": self.written, "notes_kept": self.notes_kept}
        return super().as_dict()


class Fresh(NamedTuple):
    """A row of the file that is a new payment: the staged row's fields, the NIK replaced by the volunteer id."""

    volunteer_id: int
    line: reading.Line
    reference: str
    row: int
    sheet: reading.SheetReader
    note: str | None


def import_file(
    db: Database,
    path: Path,
    *,
    as_of: date,
    now: str,
    settings: Settings,
    funding_default: str = "APBD",
    dry_run: bool = False,
    strict: bool = False,
    kolom: tuple[tuple[str, str], ...] = (),
) -> ImportResult:
    """Import a payment list (.xlsx/.xls/.ods/.csv): accepted rows in one transaction; none with ``strict`` and a
    rejected row or a warning (importing/batch.py).

    Rows with an error are listed and left out (XLS-02); a NIK not on the register is one of those errors. The same
    payment already in the ledger, or twice in the file, counts once. ``dry_run`` writes nothing at all.
    """
    result = ImportResult(path.name)
    memo = reading.Memo(as_of=as_of, settings=settings, rules=rules_from(settings))
    with gc_paused():  # a million small tuples that cannot form a cycle
        staged, result.refused = reading.read_file(path, result.sheets, memo, settings, funding_default, dict(kolom))
        if result.refused:
            return result
        sha = hashlib.sha256(path.read_bytes()).hexdigest()  # after the read: a FIFO or device is refused there

        def plan(db: Database) -> list[Fresh]:
            fresh = _fresh(db, staged, memo)
            staged.clear()  # the NIKs are ids now: let the staged rows go before the ledger work
            result.notes_kept = sum(1 for f in fresh if f.note)
            _plan_findings(db, fresh, settings)
            return fresh

        def write(db: Database, fresh: list[Fresh]) -> bool:
            if not fresh:
                return False
            key = f"imp:{sha[:16]}:"
            batch = dbp.insert_batch(db, kind="payments", file_name=path.name, sha256=sha, created_at=now, note=None)
            result.written = dbp.insert_payments(
                db,
                ((vid, *line.head, ref, f"{key}{s.name}:{number}", *line.tail, batch, s.name, number, note)  # type: ignore[misc]
                 for vid, line, ref, number, s, note in fresh),
            )  # fmt: skip
            return True

        commit(db, result, Stage(plan, write), dry_run=dry_run, strict=strict)
    return result


def _plan_findings(db: Database, fresh: list[Fresh], settings: Settings) -> None:
    """The findings new rows get against the ledger: paid twice (issue 21: stored, and said), COV-12 and before
    the start of membership."""
    for i, double in _import_doubles(db, fresh):
        number, s = fresh[i].row, fresh[i].sheet
        s.report.problems.append(Problem(s.name, number, "BULAN IURAN", double.second.month, "warning",
                                         "DIBAYAR_GANDA", double.message()))  # fmt: skip
        s.report.warn(number)
    for i, found in _findings(db, fresh, settings):
        number, s = fresh[i].row, fresh[i].sheet
        for f in found:
            s.report.problems.append(Problem(s.name, number, "BULAN IURAN", f.month, "warning", f.code, f.message))
            s.report.warn(number)


def _fresh(db: Database, staged: list[reading.Staged], memo: reading.Memo) -> list[Fresh]:
    """The staged rows that are new payments, NIK replaced by the volunteer id; the rest counted on their sheet.

    A NIK not on the register is reported, never invented. The same payment twice in the file, or already in the
    ledger, counts once (the natural key: volunteer, month, paid date, reference, programmes, total).
    """
    from psmctl.db.volunteers import volunteer_ids_by_nik

    ids = volunteer_ids_by_nik(db, [row[0] for row in staged])
    refs: dict[str, int] = {}
    existing: set[int] = set()
    # The natural key as one int, volunteer | dedupe id << 32 | reference id << 64: a set of a million ints,
    # not of a million 6-tuples.
    for owner, month, paid_on, ref, programs, total in dbp.existing_payment_keys(db, ids.values()):
        did = memo.dedupe.get((month, paid_on, programs, total))
        if did is not None:
            rid = refs.get(ref)
            if rid is None:
                rid = refs[ref] = len(refs)
            existing.add(owner | did << 32 | rid << 64)
    in_file: set[int] = set()
    fresh: list[Fresh] = []
    new_fresh = tuple.__new__  # a Fresh per new row, without the keyword handling of the NamedTuple's __new__
    erased = batch.erased_among(db, (row[0] for row in staged if row[0] not in ids))  # no pass while none erased
    for nik_text, line, ref, number, s, note in staged:
        vid = ids.get(nik_text)
        if vid is None:
            code, msg = ((batch.ERASED_CODE, batch.ERASED_MESSAGE) if nik_text in erased else
                         ("NIK_NOT_REGISTERED", "NIK tidak ada di register; impor daftar relawannya dulu"))  # fmt: skip
            s.report.problems.append(Problem(s.name, number, "NIK", mask_nik(nik_text), "error", code, msg))
            s.report.rejected += 1
            continue
        rid = refs.get(ref)
        if rid is None:
            rid = refs[ref] = len(refs)
        key = vid | line.dedupe << 32 | rid << 64
        if key in in_file:
            msg = "baris sama dengan baris lain di berkas ini; dihitung satu pembayaran"
            s.report.problems.append(Problem(s.name, number, None, None, "info", "DUPLICATE_ROW", msg))
            s.report.unchanged += 1
        elif key in existing:
            s.report.unchanged += 1
        else:
            s.report.added += 1
            fresh.append(new_fresh(Fresh, (vid, line, ref, number, s, note)))
        in_file.add(key)
    return fresh


def _import_doubles(db: Database, fresh: Sequence[Fresh]) -> Iterator[tuple[int, ledger_rules.Double]]:
    """(index in ``fresh``, double) for each new row paying a person's month and programme a second time, against
    the ledger or an earlier row of the file (ledger_rules.doubles). Rows are built only where (person, month)
    repeats."""
    keys: dict[tuple[int, str], int] = {}
    for vid, line, *_ in fresh:
        k = (vid, line.head[1])  # type: ignore[index]
        keys[k] = keys.get(k, 0) + 1
    months = sorted({m for _v, m in keys})
    existing = [
        ledger_rules.Row(vid, month, frozenset(progs.split(",")), date.fromisoformat(paid), ref or "", pid)
        for vid, pid, month, paid, progs, ref in (dbp.month_payments(db, months) if months else ())
        if (vid, month) in keys
    ]
    clash = {(r.person, r.month) for r in existing} | {k for k, n in keys.items() if n > 1}
    if not clash:
        return
    index: dict[int, int] = {}
    new = []
    for i, (vid, line, ref, number, s, _note) in enumerate(fresh):
        head = line.head
        if head is not None and (vid, head[1]) in clash:
            row = ledger_rules.Row(vid, head[1], frozenset(str(head[4]).split(",")), date.fromisoformat(head[2]), ref,
                             label=f"baris {number} lembar {s.name}")  # fmt: skip
            index[id(row)] = i
            new.append(row)
    for d in ledger_rules.doubles(existing, new):
        yield index[id(d.second)], d


def _findings(db: Database, fresh: Sequence[Fresh], settings: Settings) -> Iterator[tuple[int, list[Finding]]]:
    """COV-12 / before-start findings (index in ``fresh`` → findings) the new rows get once in the ledger.

    A person with no payments yet whose new lines are the same as another's gets the same findings: memberships
    are computed once per distinct sequence of lines (1.2M months for 100k people: one computation).
    """
    rules = rules_from(settings)
    by_person: dict[int, list[int]] = defaultdict(list)
    for i, row in enumerate(fresh):
        by_person[row.volunteer_id].append(i)
    existing = ledger(db, list(by_person)) if len(by_person) <= 5000 else ledger(db)
    seen: dict[tuple[int, ...], list[tuple[int, Finding]]] = {}
    for vid, idxs in by_person.items():
        before = existing.get(vid)
        key = tuple(fresh[i].line.id for i in idxs)
        found = None if before else seen.get(key)
        if found is None:
            new = [fresh[i].line.paid._replace(id=-1 - n) for n, i in enumerate(idxs)]  # type: ignore[union-attr]
            all_found = memberships([*(before or ()), *new], rules=rules).findings
            found = [(-1 - f.payment_id, f) for f in all_found if f.payment_id < 0]
            if not before:
                seen[key] = found
        if found:
            grouped: dict[int, list[Finding]] = defaultdict(list)
            for n, f in found:
                grouped[idxs[n]].append(f)
            yield from grouped.items()


# --------------------------------------------------------------------------------------------------------
# Coverage of one person on one date, with evidence (`coverage check`, incidents); the register-wide reports are
# in coverage_reports.py


def check(db: Database, nik_text: str, *, on: date, known_on: date, settings: Settings) -> dict[str, Any]:
    """`coverage check`: status, programmes with evidence, masa iur and benefit figures of one person on a date."""
    nik_text = require_nik(nik_text)
    found = dbp.volunteer_by_nik(db, nik_text)
    if found is None:
        raise NotFound(f"NIK {mask_nik(nik_text)} tidak ada di register")
    vid, nama = found
    rules = rules_from(settings)
    pays = ledger(db, [vid]).get(vid, [])
    c = coverage.coverage_on(pays, on, rules=rules, known_on=known_on)
    income = max(pays, key=lambda p: (p.month, p.paid_on)).income_rupiah if pays else 1_000_000
    return {
        "nik": nik_text,
        "on": on.isoformat(),
        "status": c.status,
        "masa_iur_bulan": c.masa_iur_bulan,
        "programs": {p: pc.as_dict() for p, pc in c.programs.items()},
        # evidence beyond the keys above (docs/rules.md)
        "nama": nama,
        "status_detail": c.detail,
        "segment": c.segment,
        "membership_start": c.membership_start.isoformat() if c.membership_start else None,
        "start_basis": c.start_basis,
        "pks_no": c.pks_no,
        "lapse_on": c.lapse_on.isoformat() if c.lapse_on else None,
        "masa_iur_total_bulan": c.masa_iur_total_bulan,
        "masa_iur_per_program": c.masa_iur_by_programme,
        "arrears": [a._asdict() for a in c.arrears],
        "arrears_rupiah": c.arrears_rupiah,
        "shortfall": [s._asdict() for s in c.shortfall],
        "shortfall_rupiah": c.shortfall_rupiah,
        "benefits": coverage.benefits(rules.table, on, c.masa_iur_bulan, income),
        "findings": [
            {"payment_id": f.payment_id, "month": f.month, "code": f.code, "message": f.message} for f in c.findings
        ],  # fmt: skip
        "rates_version": rules.table.version,
    }

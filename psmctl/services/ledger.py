"""The iuran ledger's entry points: record, import a payment list, list, void; and the coverage reports over it.

Payments are append-only facts, one row per person per iuran month (docs/rules.md). Lines are checked
against §4 first (IUR-01, IUR-02, IUR-07, COV-09); the paid amount is compared with the rate table and a
difference only warns (IUR-17). An import is one transaction: rejected rows are listed, accepted rows are written
together or not at all, and the same row imported twice is one payment. Coverage is recomputed from the ledger on
every read (coverage.py); nothing here stores a status.
"""

from __future__ import annotations

import hashlib
import itertools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from sqlite_utils import Database

from psmctl.db import payments as dbp
from psmctl.db import write_tx
from psmctl.errors import InputError, NotFound
from psmctl.importing.batch import FileResult, Stage, commit
from psmctl.importing.sheets import SheetData
from psmctl.memory import gc_paused
from psmctl.models import Problem, SheetReport
from psmctl.rules import coverage, ledger_rules, rates
from psmctl.rules.membership import Config, Finding, Paid, Rules, memberships
from psmctl.rules.months import add_months, month_index, month_of
from psmctl.rules.nik import require_nik
from psmctl.rules.privacy import mask_nik
from psmctl.rules.settings import Settings

ALL_PROGRAMMES = ("JKK", "JKM", "JHT", "JP", "JKP")
FUNDING_ALIASES = {
    "APBD": "APBD", "APBN": "APBN", "APBDES": "APBDES", "DANADESA": "APBDES", "DD": "APBDES",
    "MANDIRI": "MANDIRI", "SWADAYA": "MANDIRI", "PRIBADI": "MANDIRI", "CSR": "CSR", "LAINNYA": "LAINNYA",
    "LAIN": "LAINNYA", "LAINLAIN": "LAINNYA",
}  # fmt: skip


def _money(n: int) -> str:
    return f"Rp{n:,}".replace(",", ".")


def rules_from(settings: Settings) -> Rules:
    """Coverage rules for this database: its settings, the rate table (with overrides), the holiday calendar."""
    table = rates.load().with_excluded_funding("PP50_2025", settings.rates.pp50_2025.excluded_funding)
    return Rules(config=Config.from_settings(settings), table=table, calendar=rates.calendar_of(settings))


def parse_programs(text: str | Iterable[str]) -> tuple[str, ...]:
    """'jkk, jkm' → ('JKK', 'JKM') in the canonical order; unknown names raise InputError."""
    items = text.replace(";", ",").split(",") if isinstance(text, str) else list(text)
    names = {p.strip().upper() for p in items if p.strip()}
    unknown = names - set(ALL_PROGRAMMES)
    if unknown or not names:
        raise InputError(
            f"program tidak dikenal: {', '.join(sorted(unknown)) or '(kosong)'}; pilih dari JKK,JKM,JHT,JP"
        )
    return tuple(p for p in ALL_PROGRAMMES if p in names)


def parse_funding(text: str) -> str:
    """'APBDes', 'dana desa' → 'APBDES'; unknown raises InputError."""
    key = "".join(ch for ch in text.upper() if ch.isalnum())
    if key not in FUNDING_ALIASES:
        raise InputError(f"sumber dana '{text}' tidak dikenal; pilih APBD, APBN, APBDES, MANDIRI, CSR atau LAINNYA")
    return FUNDING_ALIASES[key]


def check_line(
    *,
    segment: str,
    months: Sequence[str],
    paid_on: date,
    programs: Sequence[str],
    income_rupiah: int,
    table: rates.RateTable,
    config_max_months: int = 12,
    config_max_ahead: int = 12,
) -> list[tuple[str, str, str]]:
    """Findings (level, rule, Indonesian message) for one payment line (§4.1, IUR-07, COV-09)."""
    out: list[tuple[str, str, str]] = []
    progs = set(programs)
    if segment == "BPU":
        if ("JKK" in progs) != ("JKM" in progs) or not progs & {"JKK", "JKM"}:
            out.append(("error", "IUR-01", "iuran BPU harus mencakup JKK dan JKM bersama-sama"))
        if progs & {"JP", "JKP"}:
            out.append(("error", "IUR-02", "BPU tidak dapat ikut JP/JKP"))
        minimum = table.min_income("BPU", min(months)) if months else None
        if minimum is not None and income_rupiah < minimum:
            out.append(("error", "IUR-07", f"penghasilan di bawah minimum {_money(minimum)}"))
    elif income_rupiah <= 0:
        out.append(("error", "IUR-09", "upah PU wajib diisi"))
    if "JKP" in progs:
        out.append(("info", "IUR-03", "JKP tidak dihitung"))
    if len(months) > config_max_months:
        out.append(
            ("error", "COV-09", f"satu pembayaran paling banyak {config_max_months} bulan iuran ({len(months)} bulan)")
        )
    limit = add_months(month_of(paid_on), config_max_ahead)
    if months and max(months) > limit:
        out.append(
            ("error", "COV-09", f"bulan iuran {max(months)} lebih dari {config_max_ahead} bulan setelah tanggal bayar")
        )
    return out


def amount_check(paid_rupiah: int, expected_rupiah: int, month: str) -> tuple[str, str] | None:
    """IUR-17: ('AMOUNT_MISMATCH', "kurang/lebih bayar Rp x untuk bulan iuran M") or None when equal."""
    diff = paid_rupiah - expected_rupiah
    if diff == 0:
        return None
    word = "kurang" if diff < 0 else "lebih"
    return "AMOUNT_MISMATCH", f"{word} bayar {_money(abs(diff))} untuk bulan iuran {month}"


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
    if spec.months < 1:
        raise InputError("--months minimal 1")
    refusal = (
        (ledger_rules.amount_problem(spec.amount_rupiah, "--amount") if spec.amount_rupiah is not None else None)
        or ledger_rules.income_problem(spec.income_rupiah)
        or ledger_rules.paid_date_problem(spec.paid_on, today or date.fromisoformat(now[:10]))
    )
    if refusal is not None:
        raise InputError(refusal)
    if spec.pks_start is not None and not spec.pks_no:
        raise InputError("tanggal mulai PKS tanpa nomor PKS ditolak (COV-19); beri --pks-no")
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
                 spec.reference, line_key, rc, spec.pks_no, pks_start, 0, None, None)
            )  # fmt: skip
    plan.total_rupiah = sum(p for _m, _s, p, _e in per_month) * len(volunteer_ids)
    plan.expected_rupiah = sum(e for _m, _s, _p, e in per_month) * len(volunteer_ids)
    plan.problems += _record_doubles(db, volunteer_ids, months, spec)
    return plan


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
        if missing:
            raise NotFound(f"NIK {', '.join(mask_nik(n) for n in missing[:5])} tidak ada di register")
        ids += [found[n] for n in dict.fromkeys(niks)]
    if unsur or kelurahan or kecamatan or all_active:
        from psmctl.db.volunteers import select_roles

        roles = select_roles(db, unsur=unsur, kelurahan=kelurahan, kecamatan=kecamatan, active_only=True)
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
# Importing a payment list

# The cells a payment line is made of, apart from the NIK and the reference (which only travel with the row):
# rows with the same cells here share one _Line (1.2M iuran months: a few dozen distinct lines).
_LINE_FIELDS = (
    "bulan", "tanggal_bayar", "segmen", "sumber_dana", "jkk", "jkm", "jht", "jp", "jkp", "jumlah", "upah",
    "program", "pks_no", "pks_mulai", "kelas_risiko",
)  # fmt: skip
# Columns a payment list's report does not name as unused: the line's cells, NIK, reference, NO, and the name
# (it tells a reader whose row it is; the register keeps the person's name).
_READ_FIELDS = frozenset({*_LINE_FIELDS, "nik", "referensi", "no", "nama"})

_Spec = tuple[str, object, str, str, str]  # field, value, code, message, level: a Problem without sheet and row


@dataclass
class ImportResult(FileResult):
    """The one import result of a payment list, and the payment rows it wrote."""

    written: int = 0

    def as_dict(self) -> dict[str, Any]:
        self.details = {"written": self.written}
        return super().as_dict()


def _money_cell(value: object) -> int | None | str:
    """A rupiah cell: int, None when empty, or a reason."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "bukan angka rupiah"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else f"{value:g} bukan rupiah bulat"
    text = str(value).strip().upper().replace("RP", "").replace(" ", "")
    text = text.removesuffix(",00").replace(".", "").replace(",", "")
    if text == "-" or not text:
        return None
    if text.startswith("-") and text[1:].isdecimal():
        return -int(text[1:])  # a negative amount: ledger_rules says why it cannot be
    return int(text) if text.isdecimal() else f"'{value}' bukan angka rupiah"  # isdigit passes "²"


class _Line(NamedTuple):
    """What the cells of a row other than NIK and reference make: the payment's fields and the findings."""

    id: int
    head: tuple[Any, ...] | None  # PAYMENT_COLUMNS segment..funding; None when the line is rejected
    tail: tuple[Any, ...]  # risk_class, pks_no, pks_start
    errors: tuple[_Spec, ...]
    notes: tuple[_Spec, ...]
    early: tuple[int, int]  # errors, notes found before the checks that need a whole row (all a bad NIK gets)
    paid: Paid | None  # the ledger row coverage will see (id filled in per person)
    dedupe: int  # one id per (month, paid date, programmes, total): with volunteer and reference, the natural key


class _Memo:
    """Answers of the pure per-row checks of one import, per distinct input: a payment list repeats the same
    month, paid date, segment and programmes over thousands of rows (1.2M rows: months x a few dates)."""

    def __init__(self, *, as_of: date, settings: Settings, rules: Rules) -> None:
        from psmctl.rules import dates

        self.as_of, self.rules, self._dates = as_of, rules, dates
        self.risk_class = settings.pu.jkk_risk_class
        self.max_ahead = settings.coverage.max_months_ahead
        self.mismatch_level = "error" if settings.amounts.mismatch == "reject" else "warning"
        self._months: dict[object, str | ValueError] = {}
        self._days: dict[object, date | str | None] = {}
        self._programs: dict[object, tuple[str, ...] | InputError] = {}
        self.dedupe: dict[tuple[Any, ...], int] = {}
        self.line_ids = itertools.count()  # one numbering over every sheet: a person's lines may span sheets

    def month(self, value: object) -> str:
        key = (value.__class__, value)
        hit = self._months.get(key)
        if hit is None:
            try:
                hit = self._dates.parse_month(value)
            except ValueError as e:
                hit = e
            if len(self._months) < 10_000:
                self._months[key] = hit
        if isinstance(hit, ValueError):
            raise hit
        return hit

    def day(self, value: object) -> date | str | None:
        key = (value.__class__, value)
        if key not in self._days:
            hit = self._dates.parse_date_cell(value, as_of=self.as_of)
            if len(self._days) >= 10_000:
                return hit
            self._days[key] = hit
        return self._days[key]

    def programs(self, named: object) -> tuple[str, ...]:
        key = (named.__class__, named if not isinstance(named, list) else tuple(named))
        hit = self._programs.get(key)
        if hit is None:
            try:
                hit = parse_programs(str(named) if not isinstance(named, list) else named)
            except InputError as e:
                hit = e
            self._programs[key] = hit
        if isinstance(hit, InputError):
            raise hit
        return hit


def _read_line(line_id: int, cells: dict[str, object], memo: _Memo, funding_default: str) -> _Line:
    """Parse and check the cells of a payment line (all but NIK and reference); pure, so shared by equal rows."""

    def get(fld: str) -> object:
        return cells.get(fld, "")

    errors: list[_Spec] = []
    notes: list[_Spec] = []

    def add(fld: str, value: object, code: str, msg: str, level: str = "error") -> None:
        (errors if level == "error" else notes).append((fld, value, code, msg, level))

    def done(head: tuple[Any, ...] | None, tail: tuple[Any, ...] = (), paid: Paid | None = None, dedupe: int = -1,
             early: tuple[int, int] | None = None) -> _Line:  # fmt: skip
        return _Line(line_id, head, tail, tuple(errors), tuple(notes), early or (len(errors), len(notes)), paid,
                     dedupe)  # fmt: skip

    as_of = memo.as_of
    month = ""
    try:
        month = memo.month(get("bulan"))
    except ValueError as e:
        add("bulan", get("bulan"), "MONTH_INVALID", str(e))
    paid = memo.day(get("tanggal_bayar"))
    if paid is None:
        add("tanggal_bayar", "", "PAID_ON_MISSING", "tanggal bayar kosong")
    elif isinstance(paid, str):
        add("tanggal_bayar", get("tanggal_bayar"), "PAID_ON_INVALID", paid)
    elif (future := ledger_rules.paid_date_problem(paid, as_of)) is not None:
        add("tanggal_bayar", paid, "PAID_ON_FUTURE", future)
    seg = str(get("segmen") or "BPU").strip().upper()
    if seg not in rates.SEGMENTS:
        add("segmen", seg, "SEGMENT_INVALID", "segmen harus BPU atau PU")
    funding = funding_default
    try:
        funding = parse_funding(str(get("sumber_dana") or funding_default))
    except InputError as e:
        add("sumber_dana", get("sumber_dana"), "FUNDING_INVALID", str(e))
    amounts: dict[str, int] = {}
    for p in ALL_PROGRAMMES:
        v = _money_cell(get(p.lower()))
        if isinstance(v, int):
            v = ledger_rules.amount_problem(v, p) or v
        if isinstance(v, str):
            add(p.lower(), get(p.lower()), "AMOUNT_INVALID", v)
        elif v:
            amounts[p] = v
    given_total = _money_cell(get("jumlah"))
    if isinstance(given_total, int) and (bad := ledger_rules.amount_problem(given_total, "JUMLAH")) is not None:
        given_total = bad
    if isinstance(given_total, str):
        add("jumlah", get("jumlah"), "AMOUNT_INVALID", given_total)
        given_total = None
    income_cell = _money_cell(get("upah"))
    if isinstance(income_cell, int) and (bad := ledger_rules.income_problem(income_cell)) is not None:
        income_cell = bad
    if isinstance(income_cell, str):
        add("upah", get("upah"), "AMOUNT_INVALID", income_cell)
        income_cell = None
    if (parts := ledger_rules.parts_vs_total(amounts, given_total)) is not None:  # money is not guessed (issue 21)
        add("jumlah", get("jumlah"), "TOTAL_MISMATCH", parts)
    progs: tuple[str, ...] = ("JKK", "JKM")
    try:
        named = get("program")
        progs = memo.programs(named) if named else memo.programs(list(amounts) or ["JKK", "JKM"])
    except InputError as e:
        add("program", get("program"), "PROGRAM_INVALID", str(e))
    income = income_cell or (1_000_000 if seg == "BPU" else 0)
    pks_no = str(get("pks_no") or "").strip() or None
    pks_start = memo.day(get("pks_mulai"))
    if isinstance(pks_start, str):
        add("pks_mulai", get("pks_mulai"), "PKS_START_INVALID", pks_start)
        pks_start = None
    if pks_start is not None and not pks_no:
        add("pks_mulai", pks_start, "COV-19", "tanggal mulai PKS tanpa nomor PKS ditolak")
    rc = str(get("kelas_risiko") or memo.risk_class).strip().upper()
    if errors or not isinstance(paid, date):
        return done(None)
    early = (len(errors), len(notes))
    for lvl, code, msg in check_line(
        segment=seg, months=[month], paid_on=paid, programs=progs, income_rupiah=income, table=memo.rules.table,
        config_max_ahead=memo.max_ahead,
    ):  # fmt: skip
        if code in ("IUR-07", "IUR-09"):  # the income: point at the UPAH cell as typed
            add("upah", get("upah"), code, msg, lvl)
        elif code.startswith("IUR"):
            add("program", ",".join(progs), code, msg, lvl)
        else:
            add("bulan", month, code, msg, lvl)
    if errors:
        return done(None, early=early)
    exp = rates.expected(memo.rules.table, segment=seg, month=month, income_rupiah=income, programmes=progs,
                         funding=funding, risk_class=rc)  # fmt: skip
    total = sum(amounts.values()) if amounts else (given_total if given_total is not None else exp.total_rupiah)
    mismatch = amount_check(total, exp.total_rupiah, month)
    if mismatch:
        add("jumlah", total, "IUR-17", mismatch[1], memo.mismatch_level)
    for code, msg in exp.notes:
        add("upah", income, code, msg, "info")
    if errors:
        return done(None, early=early)
    same = not amounts and total == exp.total_rupiah
    split = [amounts.get(p, exp.payable(p) if same else 0) for p in ALL_PROGRAMMES]
    programs = ",".join(progs)
    head = (seg, month, paid.isoformat(), income, programs, *split, total, exp.total_rupiah, funding)
    ledger_row = Paid(0, month, paid, frozenset(progs), total, seg, pks_no=pks_no, pks_start=pks_start)
    dedupe = memo.dedupe.setdefault((month, head[2], programs, total), len(memo.dedupe))
    tail = (rc if seg == "PU" else None, pks_no, pks_start.isoformat() if isinstance(pks_start, date) else None)
    return done(head, tail, ledger_row, dedupe, early)


class _Sheet:
    """How one sheet's rows are read: the NIK column, the line cells as one tuple, the labels for findings."""

    def __init__(self, sheet: SheetData, header: Any, report: SheetReport, numeric_ok: str = "warn") -> None:
        cols = header.columns
        self.numeric_ok = numeric_ok  # setting nik.numeric_cell_not_zero
        self.report, self.name, self.labels = report, sheet.name, header.labels
        self.text_only = sheet.text_only
        self.fields = tuple(f for f in _LINE_FIELDS if f in cols)  # bulan and tanggal_bayar at least: a tuple
        self.cells = operator.itemgetter(*(cols[f] for f in self.fields))
        self.nik, self.ref = cols["nik"], cols.get("referensi")
        self.width = max(cols.values()) + 1

    def problem(self, number: int, spec: _Spec) -> Problem:
        fld, value, code, msg, level = spec
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a number cell as Excel shows it: 16800, not 16800.0
        return Problem(self.name, number, self.labels.get(fld, fld.upper()), None if value is None else str(value),
                       level, code, msg)  # type: ignore[arg-type]  # fmt: skip


def _nobody(cells: list[object], raw: object, r: int, s: _Sheet, hidden: set[int]) -> bool:
    """A row that is no payment, reported as every import reports it; False for a row that must be read."""
    from psmctl.importing.rows import Kind, classify

    kind = classify(cells, raw, lambda cell: bool(_nik_of(cell, s.numeric_ok)[0]))
    if kind is Kind.BLANK or kind is Kind.NUMBERS:
        return True
    if kind is Kind.TOTAL or kind is Kind.SIGNATURE:
        code, msg = ("ROW_TOTAL_SKIPPED", "baris JUMLAH/TOTAL dilewati") if kind is Kind.TOTAL else (
            "SIGNATURE_BLOCK", "baris tanda tangan dilewati")  # fmt: skip
        s.report.skipped += 1
        s.report.problems.append(s.problem(r + 1, ("nik", None, code, msg, "info")))
        return True
    if r in hidden:
        s.report.skipped += 1
        msg = "baris tersembunyi: tidak diimpor (tampilkan barisnya di Excel bila memang dibayar)"
        s.report.problems.append(s.problem(r + 1, ("nik", None, "ROW_HIDDEN", msg, "warning")))
        s.report.warnings += 1
        return True
    return False


def _nik_of(raw: object, numeric_ok: str = "warn") -> tuple[str, _Spec | None]:
    """(NIK, its finding) of a NIK cell, read by the one NIK reader; NIK "" when the cell is refused."""
    from psmctl.rules import nik

    try:
        the_nik, warn_code = nik.from_cell(raw, numeric_ok=numeric_ok)
    except nik.InvalidNik as e:
        return "", ("nik", mask_nik(nik.compact(raw)), e.code, e.message, "error")
    if warn_code == "NIK_INVISIBLE_CHARS":
        msg = "NIK berisi karakter tak terlihat (spasi lebar-nol/NBSP); dihapus"
        return the_nik, ("nik", mask_nik(the_nik), warn_code, msg, "warning")
    if warn_code:
        return the_nik, ("nik", mask_nik(the_nik), warn_code, "NIK tersimpan sebagai angka", "warning")
    return the_nik, None


def _read_sheet(
    sheet: SheetData, s: _Sheet, lines: dict[object, _Line], memo: _Memo, funding_default: str, data_start: int
) -> Iterator[tuple[str, _Line, str, int]]:
    """(NIK, line, reference, row number) of every accepted row of a sheet; findings go to the sheet's report."""
    rep, problems, fields, pick, nik_col, ref_col, width = (
        s.report, s.report.problems, s.fields, s.cells, s.nik, s.ref, s.width)  # fmt: skip
    niks: dict[object, tuple[str, _Spec | None]] = {}
    rows, hidden = sheet.rows, sheet.hidden_rows
    for r in range(data_start, len(rows)):
        cells = rows[r]
        if len(cells) < width:
            cells = [*cells, *[""] * (width - len(cells))]
        raw = cells[nik_col]
        if raw == "" or raw is None or r in hidden:
            if _nobody(cells, raw, r, s, hidden):  # the engine's row kinds: blank, JUMLAH, signature, hidden
                continue
            rep.rows_read += 1
            rep.rejected += 1
            problems.append(s.problem(r + 1, ("nik", "", "NIK_MISSING", "NIK kosong", "error")))
            continue
        rep.rows_read += 1
        values = pick(cells)
        key = values if s.text_only else tuple((v.__class__, v) for v in values)
        line = lines.get(key)
        if line is None:
            line = lines[key] = _read_line(next(memo.line_ids), dict(zip(fields, values, strict=True)), memo,
                                           funding_default)  # fmt: skip
        if isinstance(raw, str) and len(raw) == 16 and raw.isdigit() and raw.isascii():
            the_nik, nik_spec = raw, None
        else:
            hit = niks.get((raw.__class__, raw))
            if hit is None:
                hit = niks[(raw.__class__, raw)] = _nik_of(raw, s.numeric_ok)
            the_nik, nik_spec = hit
        if line.errors or line.notes or nik_spec:
            errors, notes = line.errors, line.notes
            if nik_spec and not the_nik:
                errors, notes = (nik_spec, *errors[: line.early[0]]), notes[: line.early[1]]
            elif nik_spec:
                notes = (nik_spec, *notes)
            problems += [s.problem(r + 1, spec) for spec in (*errors, *notes)]
            rep.warnings += sum(1 for spec in notes if spec[4] == "warning")
        if not the_nik or line.head is None:
            rep.rejected += 1
            continue
        ref = cells[ref_col] if ref_col is not None else ""
        yield the_nik, line, ("" if not ref else str(ref).strip()), r + 1


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
    memo = _Memo(as_of=as_of, settings=settings, rules=rules_from(settings))
    with gc_paused():  # a million small tuples that cannot form a cycle
        staged = _read_file(path, result, memo, settings, funding_default, dict(kolom))
        if result.refused:
            return result
        sha = hashlib.sha256(path.read_bytes()).hexdigest()  # after the read: a FIFO or device is refused there

        def plan(db: Database) -> list[_Fresh]:
            fresh = _fresh(db, staged, memo)
            staged.clear()  # the NIKs are ids now: let the staged rows go before the ledger work
            _plan_findings(db, fresh, settings)
            return fresh

        def write(db: Database, fresh: list[_Fresh]) -> bool:
            if not fresh:
                return False
            key = f"imp:{sha[:16]}:"
            batch = dbp.insert_batch(db, kind="payments", file_name=path.name, sha256=sha, created_at=now, note=None)
            result.written = dbp.insert_payments(
                db,
                ((vid, *line.head, ref, f"{key}{s.name}:{number}", *line.tail, batch, s.name, number)  # type: ignore[misc]
                 for vid, line, ref, number, s in fresh),
            )  # fmt: skip
            return True

        commit(db, result, Stage(plan, write), dry_run=dry_run, strict=strict)
    return result


_Staged = tuple[str, "_Line", str, int, "_Sheet"]  # NIK, line, reference, row number, sheet
_Fresh = tuple[int, "_Line", str, int, "_Sheet"]  # the same, the NIK replaced by the volunteer id


def _read_file(
    path: Path, result: ImportResult, memo: _Memo, settings: Settings, funding_default: str, manual: dict[str, str]
) -> list[_Staged]:
    """Every accepted row of every sheet of a payment list; findings go to the sheets' reports (`result.refused`
    when no sheet has the required columns)."""
    from psmctl.importing import headers, sheets
    from psmctl.importing.columns import column_findings
    from psmctl.importing.rows import Table

    data = sheets.read_tables(path, **sheets.limits(settings))
    aliases = headers.load_aliases("payments_headers.toml")
    scan = settings.imports.header_scan_rows
    lines: dict[tuple[str, ...], dict[object, _Line]] = {}  # per set of columns: equal cells, equal meaning
    staged: list[_Staged] = []
    for sheet in data:
        rep = SheetReport(file=path.name, sheet=sheet.name)
        result.sheets.append(rep)
        header = headers.find_header(sheet.rows, aliases, ["nik", "bulan", "tanggal_bayar"], scan, manual=manual)
        if header is None:
            msg = "kolom NIK / BULAN IURAN / TANGGAL BAYAR tidak ditemukan; lembar dilewati"
            rep.problems.append(Problem(sheet.name, None, None, None, "warning", "NO_HEADER", msg))
            rep.skipped += 1
            continue
        s = _Sheet(sheet, header, rep, settings.nik.numeric_cell_not_zero)
        rep.problems += column_findings(sheet, Table(header, header.data_start, len(sheet.rows)), _READ_FIELDS)
        cache = lines.setdefault(s.fields, {})
        staged += ((*row, s) for row in _read_sheet(sheet, s, cache, memo, funding_default, header.data_start))
        sheet.rows = []  # the cells are read: let them go before the ledger work
    if result.sheets and all(any(p.code == "NO_HEADER" for p in s.problems) for s in result.sheets):
        result.refused = "kolom NIK / BULAN IURAN / TANGGAL BAYAR tidak ditemukan di lembar mana pun"
    return staged


def _plan_findings(db: Database, fresh: list[_Fresh], settings: Settings) -> None:
    """The findings new rows get against the ledger: paid twice (issue 21: stored, and said), COV-12 and before
    the start of membership."""
    for i, double in _import_doubles(db, fresh):
        _vid, _line, _ref, number, s = fresh[i]
        s.report.problems.append(Problem(s.name, number, "BULAN IURAN", double.second.month, "warning",
                                         "DIBAYAR_GANDA", double.message()))  # fmt: skip
        s.report.warnings += 1
    for i, found in _findings(db, fresh, settings):
        _vid, _line, _ref, number, s = fresh[i]
        for f in found:
            s.report.problems.append(Problem(s.name, number, "BULAN IURAN", f.month, "warning", f.code, f.message))
            s.report.warnings += 1


def _fresh(
    db: Database, staged: list[tuple[str, _Line, str, int, _Sheet]], memo: _Memo
) -> list[tuple[int, _Line, str, int, _Sheet]]:
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
    fresh: list[tuple[int, _Line, str, int, _Sheet]] = []
    for nik_text, line, ref, number, s in staged:
        vid = ids.get(nik_text)
        if vid is None:
            msg = "NIK tidak ada di register; impor daftar relawannya dulu"
            s.report.problems.append(
                Problem(s.name, number, "NIK", mask_nik(nik_text), "error", "NIK_NOT_REGISTERED", msg)
            )
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
            fresh.append((vid, line, ref, number, s))
        in_file.add(key)
    return fresh


def _import_doubles(
    db: Database, fresh: Sequence[tuple[int, _Line, str, int, _Sheet]]
) -> Iterator[tuple[int, ledger_rules.Double]]:
    """(index in ``fresh``, double) for each new row paying a person's month and programme a second time, against
    the ledger or an earlier row of the file (ledger_rules.doubles). Rows are built only where (person, month)
    repeats."""
    keys: dict[tuple[int, str], int] = {}
    for vid, line, _ref, _n, _s in fresh:
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
    for i, (vid, line, ref, number, s) in enumerate(fresh):
        head = line.head
        if head is not None and (vid, head[1]) in clash:
            row = ledger_rules.Row(vid, head[1], frozenset(str(head[4]).split(",")), date.fromisoformat(head[2]), ref,
                             label=f"baris {number} lembar {s.name}")  # fmt: skip
            index[id(row)] = i
            new.append(row)
    for d in ledger_rules.doubles(existing, new):
        yield index[id(d.second)], d


def _findings(
    db: Database, fresh: Sequence[tuple[int, _Line, str, int, _Sheet]], settings: Settings
) -> Iterator[tuple[int, list[Finding]]]:
    """COV-12 / before-start findings (index in ``fresh`` → findings) the new rows get once in the ledger.

    A person with no payments yet whose new lines are the same as another's gets the same findings: memberships
    are computed once per distinct sequence of lines (1.2M months for 100k people: one computation).
    """
    rules = rules_from(settings)
    by_person: dict[int, list[int]] = defaultdict(list)
    for i, row in enumerate(fresh):
        by_person[row[0]].append(i)
    existing = ledger(db, list(by_person)) if len(by_person) <= 5000 else ledger(db)
    seen: dict[tuple[int, ...], list[tuple[int, Finding]]] = {}
    for vid, idxs in by_person.items():
        before = existing.get(vid)
        key = tuple(fresh[i][1].id for i in idxs)
        found = None if before else seen.get(key)
        if found is None:
            new = [fresh[i][1].paid._replace(id=-1 - n) for n, i in enumerate(idxs)]  # type: ignore[union-attr]
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

"""The iuran ledger's entry points: record, import a payment list, list, void; and the coverage reports over it.

Payments are append-only facts, one row per person per iuran month (RULES.md §4, §5). Lines are checked
against §4 first (IUR-01, IUR-02, IUR-07, COV-09); the paid amount is compared with the rate table and a
difference only warns (IUR-17). An import is one transaction: rejected rows are listed, accepted rows are written
together or not at all, and the same row imported twice is one payment. Coverage is recomputed from the ledger on
every read (coverage.py); nothing here stores a status.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from psmctl import coverage, rates
from psmctl.coverage import Paid, Rules
from psmctl.db import payments as dbp
from psmctl.db import snapshot, write_tx
from psmctl.errors import InputError, NotFound
from psmctl.memory import gc_paused
from psmctl.models import Problem, SheetReport
from psmctl.privacy import mask_nik
from psmctl.settings import Settings

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
    table = rates.load().with_excluded_funding("PP50_2025", settings.get("rates.pp50_2025.excluded_funding"))
    cal = rates.load_calendar(tuple(settings.get("calendar.extra_holidays")))
    return Rules(config=coverage.Config.from_settings(settings.get), table=table, calendar=cal)


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
    limit = rates.add_months(f"{paid_on.year:04d}-{paid_on.month:02d}", config_max_ahead)
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
    db: Database, *, volunteer_ids: Sequence[int], spec: LineSpec, settings: Settings, now: str
) -> RecordPlan:
    """Check one line and build its rows for every selected person (nothing is written)."""
    rules = rules_from(settings)
    if spec.months < 1:
        raise InputError("--months minimal 1")
    if spec.pks_start is not None and not spec.pks_no:
        raise InputError("tanggal mulai PKS tanpa nomor PKS ditolak (COV-19); beri --pks-no")
    months = [rates.add_months(spec.month, i) for i in range(spec.months)]
    plan = RecordPlan(people=len(volunteer_ids))
    plan.problems = check_line(
        segment=spec.segment, months=months, paid_on=spec.paid_on, programs=spec.programs,
        income_rupiah=spec.income_rupiah, table=rules.table,
        config_max_months=int(settings.get("coverage.max_months_per_payment")),
        config_max_ahead=int(settings.get("coverage.max_months_ahead")),
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
            if settings.get("amounts.mismatch") == "reject":
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
    return plan


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
        rates.month_index(month)
    return dbp.list_payments(db, nik=nik, month=month)


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


def new_findings(
    db: Database, rows: Sequence[tuple[Any, ...]], settings: Settings
) -> dict[int, list[coverage.Finding]]:
    """COV-12 / before-start findings that new rows (index → findings) would get once in the ledger."""
    rules = rules_from(settings)
    by_person: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_person[int(r[0])].append(i)
    existing = ledger(db, list(by_person)) if len(by_person) <= 5000 else ledger(db)
    out: dict[int, list[coverage.Finding]] = defaultdict(list)
    for vid, idxs in by_person.items():
        fresh = [
            Paid(-1 - i, rows[i][2], date.fromisoformat(rows[i][3]), frozenset(rows[i][5].split(",")), rows[i][11],
                 rows[i][1], pks_no=rows[i][17], pks_start=date.fromisoformat(rows[i][18]) if rows[i][18] else None)
            for i in idxs
        ]  # fmt: skip
        _ms, findings = coverage.memberships([*existing.get(vid, []), *fresh], rules=rules)
        for f in findings:
            if f.payment_id < 0:
                out[-1 - f.payment_id].append(f)
    return out


# --------------------------------------------------------------------------------------------------------
# Importing a payment list

_SKIP_WORDS = ("JUMLAH", "TOTAL", "MENGETAHUI", "NIP", "KEPALA", "LURAH", "CAMAT", "TTD")


@dataclass
class ImportResult:
    """The report of one imported file: one SheetReport per sheet read; `refused` when nothing was written."""

    file: str
    sheets: list[SheetReport] = field(default_factory=list)
    refused: str | None = None
    written: int = 0


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
    return int(text) if text.isdigit() else f"'{value}' bukan angka rupiah"


@dataclass
class _Row:
    """One data row being read: its cells, its findings, and the payment it becomes."""

    sheet: str
    number: int  # as Excel shows it
    cells: list[object]
    columns: dict[str, int]
    labels: dict[str, str]
    errors: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)  # field -> cell, for the fields the sheet has

    def __post_init__(self) -> None:
        n = len(self.cells)
        self.values = {f: self.cells[c] if c < n else "" for f, c in self.columns.items()}

    def get(self, fld: str, default: object = "") -> object:
        return self.values.get(fld, default)

    def add(self, fld: str, value: object, code: str, msg: str, level: str = "error") -> None:
        p = Problem(
            self.sheet, self.number, self.labels.get(fld, fld.upper()), None if value is None else str(value),
            "error" if level == "error" else "warning" if level == "warning" else "info", code, msg,
        )  # fmt: skip
        (self.errors if level == "error" else self.notes).append(p)


class _Memo:
    """Answers of the pure per-row checks of one import, per distinct input: a payment list repeats the same
    month, paid date, segment and programmes over thousands of rows (1.2M rows: months x a few dates)."""

    def __init__(self, *, as_of: date, settings: Settings, rules: Rules) -> None:
        from psmctl import dates

        self.as_of, self.rules, self._dates = as_of, rules, dates
        self.risk_class = str(settings.get("pu.jkk_risk_class"))
        self.max_ahead = int(settings.get("coverage.max_months_ahead"))
        self.mismatch_level = "error" if settings.get("amounts.mismatch") == "reject" else "warning"
        self._months: dict[object, str | ValueError] = {}
        self._days: dict[object, date | str | None] = {}
        self._checks: dict[tuple[Any, ...], list[tuple[str, str, str]]] = {}
        self._expected: dict[tuple[Any, ...], rates.Expected] = {}
        self._programs: dict[object, tuple[str, ...] | InputError] = {}

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

    def check(
        self, seg: str, month: str, paid: date, progs: tuple[str, ...], income: int
    ) -> list[tuple[str, str, str]]:
        key = (seg, month, paid, progs, income)
        hit = self._checks.get(key)
        if hit is None:
            hit = check_line(
                segment=seg, months=[month], paid_on=paid, programs=progs, income_rupiah=income,
                table=self.rules.table, config_max_ahead=self.max_ahead,
            )  # fmt: skip
            if len(self._checks) < 100_000:
                self._checks[key] = hit
        return hit

    def expected(
        self, seg: str, month: str, income: int, progs: tuple[str, ...], funding: str, rc: str
    ) -> rates.Expected:
        key = (seg, month, income, progs, funding, rc)
        hit = self._expected.get(key)
        if hit is None:
            hit = rates.expected(
                self.rules.table, segment=seg, month=month, income_rupiah=income, programmes=progs, funding=funding,
                risk_class=rc,
            )  # fmt: skip
            if len(self._expected) < 100_000:
                self._expected[key] = hit
        return hit


def _read_row(row: _Row, *, memo: _Memo, funding_default: str) -> tuple[Any, ...] | None:
    """Parse and check one row; the payment tuple (NIK in place of the volunteer id) or None when rejected."""
    from psmctl import nik

    as_of = memo.as_of
    get = row.values.get  # a C call per field, not a method: 18 fields a row, 1.2M rows

    raw_nik = get("nik", "")
    try:
        the_nik, warn_code = nik.from_cell(raw_nik)
        if warn_code:
            row.add("nik", mask_nik(the_nik), warn_code, "NIK tersimpan sebagai angka", "warning")
    except nik.InvalidNik as e:
        row.add("nik", mask_nik(nik.compact(raw_nik)), e.code, e.message)
        the_nik = ""
    month = ""
    try:
        month = memo.month(get("bulan", ""))
    except ValueError as e:
        row.add("bulan", get("bulan", ""), "MONTH_INVALID", str(e))
    paid = memo.day(get("tanggal_bayar", ""))
    if paid is None:
        row.add("tanggal_bayar", "", "PAID_ON_MISSING", "tanggal bayar kosong")
    elif isinstance(paid, str):
        row.add("tanggal_bayar", get("tanggal_bayar", ""), "PAID_ON_INVALID", paid)
    elif paid > as_of:
        row.add("tanggal_bayar", paid, "PAID_ON_FUTURE", f"tanggal bayar {paid} di masa depan")
    seg = str(get("segmen", "") or "BPU").strip().upper()
    if seg not in rates.SEGMENTS:
        row.add("segmen", seg, "SEGMENT_INVALID", "segmen harus BPU atau PU")
    funding = funding_default
    try:
        funding = parse_funding(str(get("sumber_dana", "") or funding_default))
    except InputError as e:
        row.add("sumber_dana", get("sumber_dana", ""), "FUNDING_INVALID", str(e))
    amounts: dict[str, int] = {}
    for p in ALL_PROGRAMMES:
        v = _money_cell(get(p.lower(), ""))
        if isinstance(v, str):
            row.add(p.lower(), get(p.lower(), ""), "AMOUNT_INVALID", v)
        elif v:
            amounts[p] = v
    given_total = _money_cell(get("jumlah", ""))
    if isinstance(given_total, str):
        row.add("jumlah", get("jumlah", ""), "AMOUNT_INVALID", given_total)
        given_total = None
    income_cell = _money_cell(get("upah", ""))
    if isinstance(income_cell, str):
        row.add("upah", get("upah", ""), "AMOUNT_INVALID", income_cell)
        income_cell = None
    progs: tuple[str, ...] = ("JKK", "JKM")
    try:
        named = get("program", "")
        progs = memo.programs(named) if named else memo.programs(list(amounts) or ["JKK", "JKM"])
    except InputError as e:
        row.add("program", get("program", ""), "PROGRAM_INVALID", str(e))
    income = income_cell or (1_000_000 if seg == "BPU" else 0)
    pks_no = str(get("pks_no", "") or "").strip() or None
    pks_start = memo.day(get("pks_mulai", ""))
    if isinstance(pks_start, str):
        row.add("pks_mulai", get("pks_mulai", ""), "PKS_START_INVALID", pks_start)
        pks_start = None
    if pks_start is not None and not pks_no:
        row.add("pks_mulai", pks_start, "COV-19", "tanggal mulai PKS tanpa nomor PKS ditolak")
    rc = str(get("kelas_risiko", "") or memo.risk_class).strip().upper()
    if row.errors or not isinstance(paid, date):
        return None
    for lvl, code, msg in memo.check(seg, month, paid, progs, income):
        row.add("program" if code.startswith("IUR") else "bulan", month, code, msg, lvl)
    if row.errors:
        return None
    exp = memo.expected(seg, month, income, progs, funding, rc)
    total = sum(amounts.values()) if amounts else (given_total if given_total is not None else exp.total_rupiah)
    if amounts and given_total is not None and given_total != total:
        row.add("jumlah", given_total, "TOTAL_MISMATCH", f"JUMLAH {_money(given_total)} tidak sama dengan "
                f"jumlah per program {_money(total)}", "warning")  # fmt: skip
    mismatch = amount_check(total, exp.total_rupiah, month)
    if mismatch:
        row.add("jumlah", total, "IUR-17", mismatch[1], memo.mismatch_level)
    for code, msg in exp.notes:
        row.add("upah", income, code, msg, "info")
    if row.errors:
        return None
    same = not amounts and total == exp.total_rupiah
    split = [amounts.get(p, exp.payable(p) if same else 0) for p in ALL_PROGRAMMES]
    reference = str(get("referensi", "") or "").strip()
    pks_iso = pks_start.isoformat() if isinstance(pks_start, date) else None
    return (
        the_nik, seg, month, paid.isoformat(), income, ",".join(progs), *split, total, exp.total_rupiah, funding,
        reference, "", rc if seg == "PU" else None, pks_no, pks_iso, 0, row.sheet, row.number,
    )  # fmt: skip


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
) -> ImportResult:
    """Import a payment list (.xlsx/.xls/.ods/.csv): accepted rows in one transaction; none with ``strict``.

    Rows with an error are listed and left out (XLS-02); a NIK not on the register is one of those errors. The same
    payment already in the ledger, or twice in the file, counts once. ``dry_run`` writes nothing.
    """
    from psmctl import headers, sheets
    from psmctl.db.volunteers import volunteer_ids_by_nik

    result = ImportResult(path.name)
    data = sheets.read_tables(path, **sheets.limits(settings))
    aliases = headers.load_aliases("payments_headers.toml")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    rules = rules_from(settings)
    scan = int(settings.get("import.header_scan_rows"))
    staged: list[tuple[SheetReport, tuple[Any, ...]]] = []
    memo = _Memo(as_of=as_of, settings=settings, rules=rules)
    for sheet in data:
        rep = SheetReport(file=path.name, sheet=sheet.name)
        result.sheets.append(rep)
        header = headers.find_header(sheet.rows, aliases, ["nik", "bulan", "tanggal_bayar"], scan)
        if header is None:
            msg = "kolom NIK / BULAN IURAN / TANGGAL BAYAR tidak ditemukan; lembar dilewati"
            rep.problems.append(Problem(sheet.name, None, None, None, "warning", "NO_HEADER", msg))
            rep.skipped += 1
            continue
        for r in range(header.data_start, len(sheet.rows)):
            row = _Row(sheet.name, r + 1, sheet.rows[r], header.columns, header.labels)
            if row.get("nik", "") in ("", None):
                text = " ".join(str(v) for v in row.cells if v not in ("", None)).upper()
                if text and not any(k in text for k in _SKIP_WORDS):
                    rep.rows_read += 1
                    rep.rejected += 1
                    row.add("nik", "", "NIK_MISSING", "NIK kosong")
                    rep.problems += row.errors
                continue
            rep.rows_read += 1
            payment = _read_row(row, memo=memo, funding_default=funding_default)
            rep.problems += row.errors + row.notes
            rep.warnings += sum(1 for p in row.notes if p.level == "warning")
            if payment is None:
                rep.rejected += 1
            else:
                staged.append((rep, payment))
    if result.sheets and all(s.skipped for s in result.sheets):
        result.refused = "kolom NIK / BULAN IURAN / TANGGAL BAYAR tidak ditemukan di lembar mana pun"
        return result
    # A NIK not on the register is reported, never invented.
    ids = volunteer_ids_by_nik(db, [p[0] for _, p in staged])
    rows: list[tuple[SheetReport, tuple[Any, ...]]] = []
    for rep, p in staged:
        vid = ids.get(str(p[0]))
        if vid is None:
            msg = "NIK tidak ada di register; impor daftar relawannya dulu"
            rep.problems.append(
                Problem(rep.sheet, p[21], "NIK", mask_nik(str(p[0])), "error", "NIK_NOT_REGISTERED", msg)
            )
            rep.rejected += 1
        else:
            rows.append((rep, (vid, *p[1:15], f"imp:{sha[:16]}:{p[20]}:{p[21]}", *p[16:])))
    existing = dbp.existing_payment_keys(db, {pr[0] for _, pr in rows})
    in_file: set[tuple[Any, ...]] = set()
    fresh: list[tuple[SheetReport, tuple[Any, ...]]] = []
    for rep, pr in rows:
        key = (pr[0], pr[2], pr[3], pr[14], pr[5], pr[11])
        if key in in_file:
            msg = "baris sama dengan baris lain di berkas ini; dihitung satu pembayaran"
            rep.problems.append(Problem(rep.sheet, pr[21], None, None, "info", "DUPLICATE_ROW", msg))
            rep.unchanged += 1
        elif key in existing:
            rep.unchanged += 1
        else:
            rep.added += 1
            fresh.append((rep, pr))
        in_file.add(key)
    for i, found in new_findings(db, [pr for _, pr in fresh], settings).items():
        rep, pr = fresh[i]
        for f in found:
            rep.problems.append(Problem(rep.sheet, pr[21], "BULAN IURAN", f.month, "warning", f.code, f.message))
            rep.warnings += 1
    rejected = sum(s.rejected for s in result.sheets)
    if strict and rejected:
        result.refused = f"{rejected} baris ditolak; dengan --strict tidak ada yang ditulis"
        return result
    if dry_run or not fresh:
        return result
    with write_tx(db):
        batch = dbp.insert_batch(db, kind="payments", file_name=path.name, sha256=sha, created_at=now, note=None)
        result.written = dbp.insert_payments(db, (r[:19] + (batch,) + r[20:] for _, r in fresh))
    return result


# --------------------------------------------------------------------------------------------------------
# Coverage reports over the register (what `coverage check|status|due|gaps` and the export issue call)


def check(db: Database, nik_text: str, *, on: date, known_on: date, settings: Settings) -> dict[str, Any]:
    """`coverage check`: status, programmes with evidence, masa iur and benefit figures of one person on a date."""
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
        # evidence beyond the keys above (RULES.md §5.8)
        "nama": nama,
        "status_detail": c.detail,
        "segment": c.segment,
        "membership_start": c.membership_start.isoformat() if c.membership_start else None,
        "start_basis": c.start_basis,
        "pks_no": c.pks_no,
        "lapse_on": c.lapse_on.isoformat() if c.lapse_on else None,
        "masa_iur_total_bulan": c.masa_iur_total_bulan,
        "masa_iur_per_program": c.masa_iur_by_programme,
        "arrears": [{"month": m, "rupiah": a} for m, a in c.arrears],
        "arrears_rupiah": c.arrears_rupiah,
        "benefits": coverage.benefits(rules.table, on, c.masa_iur_bulan, income),
        "findings": [
            {"payment_id": f.payment_id, "month": f.month, "code": f.code, "message": f.message} for f in c.findings
        ],  # fmt: skip
        "rates_version": rules.table.version,
    }


@snapshot
def status_report(
    db: Database,
    *,
    as_of: date,
    known_on: date,
    settings: Settings,
    unsur: str | None = None,
    kelurahan: str | None = None,
    kecamatan: str | None = None,
) -> dict[str, Any]:
    """`coverage status`: one entry per register role with status, covered-until and masa iur, plus totals.

    Entries of people with the same answer share their unchanged sub-dicts (read them, do not mutate them).
    """
    roles, run = _status_inputs(db, as_of, known_on, settings, unsur, kelurahan, kecamatan)
    with gc_paused():
        cache: dict[int, dict[str, Any]] = {}
        people: list[dict[str, Any]] = []
        for vid, nik, nama, kel, unsur_, _kec in roles:
            entry = cache.get(vid)
            if entry is None:
                a = run.answers.get(vid, run.no_payments)
                programs = a.programs
                if a.with_pay:
                    pay = _pay_dict(a, run.evidence[vid])
                    programs = {p: {**d, "payment": pay} if p in a.with_pay else d for p, d in programs.items()}
                entry = cache[vid] = {"status": a.status, "masa_iur_bulan": a.masa, "programs": programs}
            people.append({"nik": nik, "nama": nama, "kelurahan": kel, "unsur": unsur_, **entry})
    return {"as_of": as_of.isoformat(), "volunteers": people, "totals": _status_totals(roles, run)}


def status_json(
    db: Database,
    *,
    as_of: date,
    known_on: date,
    settings: Settings,
    unsur: str | None = None,
    kelurahan: str | None = None,
    kecamatan: str | None = None,
) -> tuple[dict[str, Any], str, Iterator[str], dict[str, Any]]:
    """:func:`status_report` as (head, rows key, one JSON text per entry, tail), for :func:`render.write_json_rows`.

    The same keys and values as ``status_report``, without building a dict per entry (large registers).
    """
    roles, run = _status_inputs(db, as_of, known_on, settings, unsur, kelurahan, kecamatan)
    return {"as_of": as_of.isoformat()}, "volunteers", _status_texts(roles, run), {"totals": _status_totals(roles, run)}


def _status_inputs(
    db: Database,
    as_of: date,
    known_on: date,
    settings: Settings,
    unsur: str | None,
    kelurahan: str | None,
    kecamatan: str | None,
) -> tuple[list[Role], _StatusRun]:
    rules = rules_from(settings)
    roles = dbp.register_roles(db, unsur=unsur, kelurahan=kelurahan, kecamatan=kecamatan)
    wanted = sorted({r[0] for r in roles})
    filtered = bool(unsur or kelurahan or kecamatan)
    run = _status_run(db, wanted if filtered else None, set(wanted), as_of=as_of, known_on=known_on, rules=rules)
    return roles, run


def _status_texts(roles: list[Role], run: _StatusRun) -> Iterator[str]:
    answers, evidence, none = run.answers, run.evidence, run.no_payments
    for vid, nik, nama, kel, unsur, _kec in roles:
        a = answers.get(vid, none)
        chunks = a.chunks()
        tail = a.pay_json(evidence[vid]).join(chunks) if a.with_pay else chunks[0]
        yield f'{{"nik": {_js(nik)}, "nama": {_js(nama)}, "kelurahan": {_js(kel)}, "unsur": {_js(unsur)}, {tail}}}'


def _js(value: Any) -> str:
    return _basestring(value) if value.__class__ is str else _enc(value)


def _status_totals(roles: list[Role], run: _StatusRun) -> list[dict[str, Any]]:
    totals: dict[tuple[str, str], dict[str, Any]] = {}
    answers, none = run.answers, run.no_payments
    for vid, _nik, _nama, _kel, unsur, kec in roles:
        key = (str(kec or ""), str(unsur))
        t = totals.get(key)
        if t is None:
            t = totals[key] = {"kecamatan": key[0], "unsur": key[1], "jumlah": 0, "covered": 0, "menunggak": 0,
                               "nonaktif": 0, "never_paid": 0}  # fmt: skip
        t["jumlah"] += 1
        t[_TOTAL_KEY[answers.get(vid, none).status]] += 1
    return [totals[k] for k in sorted(totals)]


_TOTAL_KEY = {"AKTIF": "covered", "MENUNGGAK": "menunggak", "NONAKTIF": "nonaktif", "BELUM_TERDAFTAR": "never_paid"}


@snapshot
def due_report(db: Database, *, month: str, as_of: date, settings: Settings) -> dict[str, Any]:
    """`coverage due`: who must be paid for a month, how much per programme, totals per funding, who would lapse."""
    rates.month_index(month)
    rules = rules_from(settings)
    people: dict[int, Role] = {}
    for r in dbp.register_roles(db):
        people.setdefault(r[0], r)
    default = Paid(0, month, as_of, frozenset({"JKK", "JKM"}), 0)
    with gc_paused():
        dg = _digests(db, None, 5)
        general = [vid for vid in dg.general if vid in people]
        pays = _general_ledger(db, general)
    memo: dict[_DigestKey | None, dict[str, Any] | None] = {}
    lines: list[dict[str, Any]] = []
    per_funding: dict[str, int] = defaultdict(int)

    def fields(pays: Sequence[Paid]) -> dict[str, Any] | None:
        d = coverage.due_for_month(pays, month, rules=rules, as_of=as_of, default=default)
        if d is None:
            return None
        return {"status": d.status, "segment": d.amount.segment, "funding": d.funding, "due_on": d.due_on.isoformat(),
                **{f"{p.lower()}_rupiah": d.amount.payable(p) for p in rates.PROGRAMMES},
                "total_rupiah": d.amount.total_rupiah, "will_lapse": d.will_lapse}  # fmt: skip

    with gc_paused():
        own = {vid: fields(pays.get(vid, [])) for vid in general}
        for vid, r in people.items():
            if vid in own:
                f = own[vid]
            else:
                key = dg.keys.get(vid)
                if key in memo:
                    f = memo[key]
                else:
                    f = memo[key] = fields(dg.ledgers[key] or [] if key is not None else [])
            if f is None:
                continue
            lines.append({"nik": r[1], "nama": r[2], "kelurahan": r[3], "unsur": r[4], **f})
            per_funding[f["funding"]] += f["total_rupiah"]
    lines.sort(key=lambda x: (not x["will_lapse"], str(x["kelurahan"] or ""), str(x["nama"])))
    return {
        "month": month,
        "people": lines,
        "per_funding": [{"funding": f, "total_rupiah": t} for f, t in sorted(per_funding.items())],
        "total_rupiah": sum(per_funding.values()),
        "will_lapse": sum(1 for x in lines if x["will_lapse"]),
    }


@snapshot
def gaps_report(db: Database, *, as_of: date, settings: Settings, nik_text: str | None = None) -> list[dict[str, Any]]:
    """`coverage gaps`: periods without JKK cover per volunteer, from the first membership start to ``as_of``."""
    rules = rules_from(settings)
    if nik_text:
        found = dbp.volunteer_by_nik(db, nik_text)
        if found is None:
            raise NotFound(f"NIK {mask_nik(nik_text)} tidak ada di register")
        people = [(found[0], nik_text, found[1])]
    else:
        people = dbp.register_people(db)
    pays = ledger(db, [p[0] for p in people] if nik_text else None)
    out = []
    for vid, n, nama in people:
        for a, b, why in coverage.gaps(pays.get(vid, []), as_of, rules=rules):
            out.append({"nik": n, "nama": nama, "from": a.isoformat(), "to": b.isoformat(),
                        "days": (b - a).days + 1, "status": why})  # fmt: skip
    return out


# --------------------------------------------------------------------------------------------------------
# Register-wide reports without per-payment objects: most people's ledgers are one attribute set (programmes,
# segment, funding, income, risk class) over distinct iuran months, so SQL hands over one digest per person
# (months + paid dates) and the engine runs once per distinct digest on a synthetic ledger. The one payment a
# status shows as evidence (the as-of month's) is read with one query and put in place of the synthetic row.
# Anyone else (two rows for one month, several attribute sets, PKS rows) goes through the general path.

Role = tuple[int, str, str, str | None, str, str | None]  # dbp.register_roles: id, nik, nama, kelurahan, unsur, kec
_DigestKey = tuple[Any, ...]  # (months + paid dates, attribute values)
_PAY_SLOT = "@@psmctl-payment@@"
_enc = json.JSONEncoder(ensure_ascii=False).encode  # the separators and escapes of render.to_json, on one line
_basestring: Callable[[str], str] = json.encoder.encode_basestring


def _synthetic(key: _DigestKey, rows: int, days: dict[str, date], months: set[str]) -> list[Paid] | None:
    """The coverage-relevant ledger a digest stands for, or None when it does not qualify for the shared path.

    ``days`` and ``months`` remember the paid dates parsed and the iuran months validated so far.
    """
    text, attrs = key
    items = text.split(";")
    if len(items) != rows:
        return None
    programs, segment, funding, income, risk_class = (*attrs, "APBD", 1_000_000, "I")[:5]
    progs = frozenset(programs.split(","))
    out: list[Paid] = []
    seen: set[str] = set()
    try:
        for i, item in enumerate(items):
            month, paid = item[:7], item[7:]
            if len(item) != 17 or month in seen:
                return None
            seen.add(month)
            if month not in months:
                rates.month_index(month)
                months.add(month)
            day = days.get(paid)
            if day is None:
                day = days[paid] = date.fromisoformat(paid)
            out.append(Paid(i + 1, month, day, progs, 0, segment, "", funding, int(income), risk_class or "I"))
    except (ValueError, InputError):
        return None
    return out


@dataclass
class _Digests:
    """Per volunteer: the digest key, or absent (no payments); the volunteers the shared path cannot take."""

    keys: dict[int, _DigestKey] = field(default_factory=dict)
    ledgers: dict[_DigestKey, list[Paid] | None] = field(default_factory=dict)
    general: list[int] = field(default_factory=list)


def _digests(db: Database, volunteer_ids: Sequence[int] | None, attributes: int) -> _Digests:
    """Digests with the first ``attributes`` of programmes, segment, funding, income, risk class (see db)."""
    out = _Digests()
    ledgers = out.ledgers
    days: dict[str, date] = {}
    months: set[str] = set()
    for vid, rows, text, pks, same, *attrs in dbp.ledger_digests(db, volunteer_ids, attributes):
        if pks or not same:
            out.general.append(vid)
            continue
        key = (text, tuple(attrs))
        if key not in ledgers:
            ledgers[key] = _synthetic(key, rows, days, months)
        if ledgers[key] is None:
            out.general.append(vid)
        else:
            out.keys[vid] = key
    return out


def ledgers_by_history(db: Database, volunteer_ids: Sequence[int]) -> Iterator[tuple[list[int], list[Paid]]]:
    """The coverage-relevant ledgers of the given volunteers, each distinct history once: (ids sharing it, ledger).

    Everyone whose payments are one attribute set over distinct iuran months shares a synthetic ledger with
    everyone else with the same months, paid dates and attributes (all five: status, arrears and the iuran due
    agree); anyone else comes alone with the real ledger. People without payments are not listed.
    """
    wanted = set(volunteer_ids)
    dg = _digests(db, volunteer_ids if len(wanted) < 50_000 else None, len(dbp.DIGEST_ATTRIBUTES))
    groups: dict[_DigestKey, list[int]] = {}
    for vid, key in dg.keys.items():
        if vid in wanted:
            groups.setdefault(key, []).append(vid)
    for key, ids in groups.items():
        yield ids, dg.ledgers[key] or []
    general = sorted(vid for vid in dg.general if vid in wanted)
    for vid, pays in _general_ledger(db, general).items():
        yield [vid], pays


def _general_ledger(db: Database, ids: Sequence[int]) -> dict[int, list[Paid]]:
    out: dict[int, list[Paid]] = {}
    for i in range(0, len(ids), 900):
        out.update(ledger(db, ids[i : i + 900]))
    return out


@dataclass
class _Answer:
    """A status answer shared by everyone with the same digest; ``pay`` marks where the evidence payment goes."""

    status: str
    masa: int
    programs: dict[str, dict[str, Any]]  # as_dict() shapes; payment None where ``pay`` goes
    with_pay: tuple[str, ...]
    pay: Paid | None
    _chunks: list[str] | None = None
    pay_iso: str = ""  # the evidence's paid date as the ledger writes it
    _pay_mid: str = ""  # the evidence's JSON between "id" and "amount_rupiah": month, paid date
    _pay_progs: str = ""  # its "programs" member

    def pay_json(self, row: tuple[Any, ...]) -> str:
        """JSON text of :func:`_pay_dict` (the same members, order and values), without building the dict."""
        if not self._pay_mid:
            d = _pay_dict(self, row)
            self._pay_mid = f'"month": {_enc(d["month"])}, "paid_on": {_enc(d["paid_on"])}, '
            self._pay_progs = f'"programs": {_enc(d["programs"])}, '
        _vid, pid, _paid, _progs, total, reference, expected, pks_no = row
        exp = "null" if expected is None else expected
        ref = _basestring(reference) if reference else "null"
        pks = "null" if pks_no is None else _enc(pks_no)
        return (f'{{"id": {pid}, {self._pay_mid}"amount_rupiah": {total}, "expected_rupiah": {exp}, '
                f'{self._pay_progs}"reference": {ref}, "pks_no": {pks}}}')  # fmt: skip

    def chunks(self) -> list[str]:
        """JSON text of status, masa_iur_bulan and programs, split where the evidence payment goes."""
        if self._chunks is None:
            progs = {p: {**d, "payment": _PAY_SLOT} if p in self.with_pay else d for p, d in self.programs.items()}
            text = _enc({"status": self.status, "masa_iur_bulan": self.masa, "programs": progs})[1:-1]
            self._chunks = text.split(_enc(_PAY_SLOT))
        return self._chunks


def _answer(c: coverage.Coverage, shared: bool) -> _Answer:
    with_pay = tuple(p for p, pc in c.programs.items() if pc.payment is not None) if shared else ()
    pay = next((pc.payment for pc in c.programs.values() if pc.payment is not None), None) if shared else None
    programs = {
        p: pc._replace(payment=None).as_dict() if p in with_pay else pc.as_dict() for p, pc in c.programs.items()
    }
    return _Answer(c.status, c.masa_iur_bulan, programs, with_pay, pay, pay_iso=pay.paid_on.isoformat() if pay else "")


@dataclass
class _StatusRun:
    """Everything `coverage status` computes, per volunteer: the shared answer and its evidence row (or None)."""

    answers: dict[int, _Answer]
    evidence: dict[int, tuple[Any, ...]]
    no_payments: _Answer


def _status_run(
    db: Database, volunteer_ids: Sequence[int] | None, wanted: set[int], *, as_of: date, known_on: date, rules: Rules
) -> _StatusRun:
    memo: dict[_DigestKey, _Answer] = {}
    answers: dict[int, _Answer] = {}
    month = rates.month_text(as_of.year * 12 + as_of.month - 1)
    needs_evidence: set[int] = set()
    with gc_paused():
        dg = _digests(db, volunteer_ids, 2)
        general = [vid for vid in dg.general if vid in wanted]
        for vid, key in dg.keys.items():
            if vid not in wanted:
                continue
            a = memo.get(key)
            if a is None:
                synth = dg.ledgers[key] or []  # never None for a key in dg.keys
                c = coverage.coverage_on(synth, as_of, rules=rules, known_on=known_on, with_arrears=False)
                a = memo[key] = _answer(c, True)
                if a.pay is not None and a.pay.month != month:  # never: the evidence is the as-of month's row
                    raise AssertionError("coverage evidence is not the as-of month")
            answers[vid] = a
            if a.pay is not None:
                needs_evidence.add(vid)
        progs = _programs_cache()
        evidence: dict[int, tuple[Any, ...]] = {}
        for r in dbp.month_rows(db, month):
            a = answers.get(r[0])
            if a is not None and a.pay is not None and r[2] == a.pay_iso and progs(r[3]) == a.pay.programs:
                evidence[r[0]] = r
        missing = sorted(needs_evidence - evidence.keys())  # the ledger changed between the reads: read it again
        pays = _general_ledger(db, sorted([*general, *missing]))
        for vid in [*general, *missing]:
            c = coverage.coverage_on(pays.get(vid, []), as_of, rules=rules, known_on=known_on, with_arrears=False)
            answers[vid] = _answer(c, False)
    none = _answer(coverage.coverage_on([], as_of, rules=rules, known_on=known_on, with_arrears=False), False)
    return _StatusRun(answers, evidence, none)


def _pay_dict(a: _Answer, row: tuple[Any, ...]) -> dict[str, Any]:
    """The `payment` evidence of a shared answer with the real row's id, amounts, reference and PKS number."""
    pay = a.pay
    if pay is None:
        raise AssertionError("no evidence payment in this answer")
    _vid, pid, _paid, _progs, total, reference, expected, pks_no = row
    return {
        "id": pid,
        "month": pay.month,
        "paid_on": pay.paid_on.isoformat(),
        "amount_rupiah": total,
        "expected_rupiah": expected,
        "programs": sorted(pay.programs, key=coverage._prog_order),
        "reference": reference or None,
        "pks_no": pks_no,
    }

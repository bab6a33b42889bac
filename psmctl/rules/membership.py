"""Memberships (kepesertaan) from the payment ledger's rows, §5.3 (docs/rules.md). Pure: no SQL, no clock.

A membership starts with its first payment line's cover (or the later registration date, COV-02, or a PKS start
date, COV-19) and ends on the 1st of U+N when N consecutive months U … U+N−1 were all unpaid at the end of U+N−1
(COV-11, ``lapse_after_unpaid_months`` = 3); arrears of an ended membership are not accepted (COV-12), nor months
before its start. `psmctl.rules.coverage` answers questions on a date from the memberships built here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from psmctl.errors import DataError
from psmctl.rules import rates
from psmctl.rules.months import first_of, index_of, last_of, month_index, month_text

if TYPE_CHECKING:
    from psmctl.rules.settings import Settings


class Paid(NamedTuple):
    """One ledger row as coverage reads it: one person, one iuran month, not voided (a tuple: cheap to build)."""

    id: int
    month: str  # YYYY-MM
    paid_on: date
    programs: frozenset[str]
    amount_rupiah: int
    segment: str = "BPU"
    reference: str = ""
    funding: str = "APBD"
    income_rupiah: int = 1_000_000
    risk_class: str = "I"
    expected_rupiah: int | None = None
    pks_no: str | None = None
    pks_start: date | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON shape of the `payment` evidence."""
        return {
            "id": self.id,
            "month": self.month,
            "paid_on": self.paid_on.isoformat(),
            "amount_rupiah": self.amount_rupiah,
            "expected_rupiah": self.expected_rupiah,
            "programs": sorted(self.programs, key=programme_order),
            "reference": self.reference or None,
            "pks_no": self.pks_no,
        }


def programme_order(p: str) -> int:
    """Sort key of a programme: JKK, JKM, JHT, JP (the order of `rates.PROGRAMMES`)."""
    return rates.PROGRAMMES.index(p) if p in rates.PROGRAMMES else 99


@dataclass(frozen=True)
class Config:
    """The coverage settings of §5.2 (defaults = the documented defaults)."""

    same_day_covered: bool = True
    arrears_backfill: bool = False
    grace_bpu: bool = False
    grace_pu: bool = False
    lapse_n: int = 3
    restart_after_lapse: bool = True
    start_rule: str = "later_of_payment_and_registration"
    pks_override: bool = True
    months_before_start: str = "ignore_with_warning"
    pu_model: str = "paid_by_due_date"

    @classmethod
    def from_settings(cls, settings: Settings) -> Config:
        """Build from the typed ``coverage`` settings; refuses values this engine does not implement."""
        if settings.coverage.model != "calendar_month":
            raise DataError("coverage.model selain 'calendar_month' belum didukung psmctl")
        if settings.coverage.lapse_after_unpaid_months < 1:
            raise DataError("coverage.lapse_after_unpaid_months minimal 1")
        return cls(
            same_day_covered=settings.coverage.same_day_covered,
            arrears_backfill=settings.coverage.arrears_backfill,
            grace_bpu=settings.coverage.grace_is_covered["BPU"],
            grace_pu=settings.coverage.grace_is_covered["PU"],
            lapse_n=settings.coverage.lapse_after_unpaid_months,
            restart_after_lapse=settings.coverage.masa_iur_restart_after_lapse,
            start_rule=settings.coverage.start_rule,
            pks_override=settings.coverage.pks_override != "disabled",
            months_before_start=settings.coverage.months_before_start,
            pu_model=settings.coverage.pu_model,
        )


@dataclass
class Rules:
    """Everything coverage needs besides the payments: settings, the rate table, the working-day calendar."""

    config: Config = field(default_factory=Config)
    table: rates.RateTable = field(default_factory=rates.load)
    calendar: rates.Calendar = field(default_factory=rates.load_calendar)
    _due: dict[tuple[str, int], date] = field(default_factory=dict, repr=False)
    _expected: dict[tuple[Any, ...], rates.Expected] = field(default_factory=dict, repr=False)

    def due(self, segment: str, mi: int) -> date:
        """Due date of iuran month index ``mi`` (COV-13), cached."""
        key = (segment, mi)
        d = self._due.get(key)
        if d is None:
            d = self._due[key] = rates.due_date(self.table, segment, month_text(mi), self.calendar)
        return d

    def expected_for(self, template: Paid, mi: int) -> rates.Expected:
        """Expected iuran of one month for a person, from the programmes/income/funding of ``template`` (cached)."""
        key = (template.segment, mi, template.income_rupiah, template.programs, template.funding, template.risk_class)
        e = self._expected.get(key)
        if e is None:
            e = self._expected[key] = rates.expected(
                self.table,
                segment=template.segment,
                month=month_text(mi),
                income_rupiah=template.income_rupiah,
                programmes=sorted(template.programs, key=programme_order),
                funding=template.funding,
                risk_class=template.risk_class,
            )
        return e

    def expected_rupiah(self, template: Paid, mi: int) -> int:
        """Expected iuran total of one month for a person (see :meth:`expected_for`)."""
        return self.expected_for(template, mi).total_rupiah


@dataclass(frozen=True)
class Finding:
    """A remark about a payment row found while building memberships (COV-12, months_before_start)."""

    payment_id: int
    month: str
    code: str
    message: str


class Entry(NamedTuple):
    """A paid month of a membership: the day its payment takes effect and the earliest accepted payment."""

    effective: date  # the paid date, or the PKS start of a PKS batch (COV-19)
    payment: Paid


# One payment row as the membership rules read it: (effective date, month counter, effective is a PKS start,
# the row), sorted by (effective, month, id). Internal to this module, and a plain tuple on purpose: a register's
# memberships unpack it millions of times, and CPython unpacks a NamedTuple about twice as slowly.
Line = tuple[date, int, bool, Paid]


@dataclass
class Membership:
    """A run of iuran months (kepesertaan) with its start, basis and lapse date."""

    start: date
    basis: str  # payment / registration / pks
    pks_no: str | None
    first: int  # month index of the start
    lapse: date  # first day of NONAKTIF (may lie in the future: the lapse if nothing more is paid)
    paid: dict[int, Entry] = field(default_factory=dict)  # month → its earliest accepted payment
    before_start: dict[int, Entry] = field(default_factory=dict)  # months before the start (counted if configured)
    rows: dict[int, list[Paid]] = field(default_factory=dict)  # month → every accepted payment (IUR-17 sums them)


class History(NamedTuple):
    """A person's memberships, oldest first, and the remarks on rows they do not accept."""

    memberships: list[Membership]
    findings: list[Finding]


class Start(NamedTuple):
    """Where a membership starts: the day, what decided it (payment / registration / pks), the PKS number."""

    day: date
    basis: str
    pks_no: str | None


def _start_of(pool: Sequence[Line]) -> Start:
    """The earliest day any payment line of ``pool`` gives cover (§5.3 as corrected 2026-12), with basis "pks"
    and the PKS number when that day is a PKS start (COV-19), else basis "payment".

    A line = the rows paid on one day. It gives cover from max(paid date, first day of the earliest month it pays
    that is not before the month of the paid date), or from the paid date when it pays only earlier months: the
    usual APBD payment of 2024-12-20 for 2025-01..06 starts the membership on 2025-01-01, not in December.
    """
    earliest: dict[date, int] = {}  # paid date → earliest month paid not before month(paid date), or -1
    best: Start | None = None
    for eff, m, pks, p in pool:
        if pks:
            if best is None or eff < best[0]:
                best = Start(eff, "pks", p.pks_no)
            continue
        d = p.paid_on
        seen = earliest.get(d)
        if m >= index_of(d):
            if seen is None or seen < 0 or m < seen:
                earliest[d] = m
        elif seen is None:
            earliest[d] = -1
    for d, m in earliest.items():
        day = d if m < 0 else max(d, first_of(m))
        if best is None or day < best[0]:
            best = Start(day, "payment", None)
    if best is None:
        raise ValueError("no payment to start a membership")
    return best


def _effective(p: Paid, cfg: Config) -> tuple[date, bool]:
    # COV-19: a PKS batch covers from its agreed start, whatever the payment date.
    if cfg.pks_override and p.pks_no and p.pks_start is not None and month_index(p.month) >= index_of(p.pks_start):
        return p.pks_start, True
    return p.paid_on, False


def memberships(
    payments: Iterable[Paid],
    *,
    rules: Rules,
    registered_on: date | None = None,
    known_on: date | None = None,
) -> History:
    """Split a person's payments into memberships (COV-11), accepting arrears only inside the window (COV-12)."""
    cfg = rules.config
    pool = _lines(payments, cfg, known_on)
    history = History([], [])
    prev_lapse: date | None = None
    while pool:
        start = _membership_start(pool, cfg, registered_on, prev_lapse)
        first = index_of(start.day)
        lapse_m = _lapse_month(pool, first, cfg.lapse_n)
        ms = Membership(start.day, start.basis, start.pks_no, first, first_of(lapse_m))
        pool = _take(ms, pool, lapse_m, cfg.lapse_n, history.findings)
        history.memberships.append(ms)
        prev_lapse = ms.lapse
    return history


def _lines(payments: Iterable[Paid], cfg: Config, known_on: date | None) -> list[Line]:
    """The payments known on ``known_on``, each with its effective date, sorted as the rules read them."""
    pool: list[Line] = []
    for p in payments:
        if known_on is not None and p.paid_on > known_on:
            continue
        if p.pks_no is None:
            pool.append((p.paid_on, month_index(p.month), False, p))
        else:
            eff, pks = _effective(p, cfg)
            pool.append((eff, month_index(p.month), pks, p))
    pool.sort(key=lambda t: (t[0], t[1], t[3].id))
    return pool


def _membership_start(pool: Sequence[Line], cfg: Config, registered_on: date | None, prev_lapse: date | None) -> Start:
    """The start of the next membership: its first payment line's cover, a later registration date (COV-02) or
    a PKS start (COV-19); never before the lapse of the previous membership."""
    start = _start_of(pool)
    if start.basis == "payment" and registered_on is not None and cfg.start_rule != "payment_only":
        if registered_on > start.day:
            start = Start(registered_on, "registration", None)
    if prev_lapse is not None and prev_lapse > start.day:
        start = start._replace(day=prev_lapse)
    return start


def _lapse_month(pool: Sequence[Line], first: int, n: int) -> int:
    """U + N for the earliest month U ≥ first whose N months U … U+N−1 were all unpaid at the end of U+N−1
    (COV-11): the membership is NONAKTIF from the first day of that month."""
    paid_by: dict[int, date] = {}  # earliest effective date per month: what the lapse rule looks at
    for eff, m, _pks, _p in pool:
        if m >= first and (m not in paid_by or eff < paid_by[m]):
            paid_by[m] = eff
    u = first
    while True:
        # The latest month of the window paid by its deadline; every window up to it holds it, so skip on.
        deadline = last_of(u + n - 1)
        for v in range(u + n - 1, u - 1, -1):
            d = paid_by.get(v)
            if d is not None and d <= deadline:
                u = v + 1
                break
        else:
            return u + n


def _take(ms: Membership, pool: Sequence[Line], lapse_m: int, n: int, findings: list[Finding]) -> list[Line]:
    """Put each line of ``pool`` for a month before ``lapse_m`` into ``ms`` or ``findings`` (months before the
    start, COV-12 arrears too late); return the lines of later months, for the next membership."""
    rest = []
    first, lapse, paid, before, rows = ms.first, ms.lapse, ms.paid, ms.before_start, ms.rows
    for line in pool:
        eff, m, _pks, p = line
        if m >= lapse_m:
            rest.append(line)
        elif m < first:
            if eff < lapse and m not in before:
                before[m] = Entry(eff, p)
            why = f"bulan iuran {p.month} sebelum awal kepesertaan {ms.start}"
            findings.append(Finding(p.id, p.month, "COV-START", why))
        elif eff >= lapse or eff > last_of(m + n - 1):
            why = (
                f"bulan iuran {p.month} dari kepesertaan yang sudah berakhir / terlambat dibayar "
                f"(dibayar {p.paid_on}); tidak dihitung"
            )
            findings.append(Finding(p.id, p.month, "COV-12", why))
        else:
            if m not in paid:
                paid[m] = Entry(eff, p)
            rows.setdefault(m, []).append(p)
    return rest

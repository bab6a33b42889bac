"""Coverage on a date, computed from the payment ledger and the rate table (docs/rules.md). Pure: no SQL, no clock.

The law (COV-01, UU 40/2004 Pasal 30): protection starts on the day the iuran is paid, never before. The default
model (each default is a setting, §5.2):

- a payment for iuran month M made on day d covers max(first day of M, d, membership start) … last day of M
  (COV-10); paid after M has ended it covers nothing of M but still counts toward masa iur (``arrears_backfill``);
- a membership starts with its first payment (or the later registration date, COV-02, or a PKS start date,
  COV-19) and ends on the 1st of U+N when N consecutive months U … U+N−1 were all unpaid at the end of U+N−1
  (COV-11, ``lapse_after_unpaid_months`` = 3); arrears of an ended membership are not accepted (COV-12);
- masa iur as of X = paid months ≤ month(X) of the membership active at X (COV-15), restarting after a lapse;
- PU is paid in arrears by law: a PU month counts as covered when paid by its due date (COV-20).

Statuses (§5.4), exactly one per person and date: BELUM_TERDAFTAR, NONAKTIF, AKTIF, MENUNGGAK.
Coverage is never stored: every answer is recomputed from the payments, so it cannot drift out of date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any, NamedTuple

from psmctl.errors import DataError
from psmctl.rules import rates

PROGRAMMES = rates.PROGRAMMES
STATUSES = ("AKTIF", "MENUNGGAK", "NONAKTIF", "BELUM_TERDAFTAR")


@cache
def _mi(month: str) -> int:
    return rates.month_index(month)


@cache
def _first(mi: int) -> date:
    return date(mi // 12, mi % 12 + 1, 1)


@cache
def _last(mi: int) -> date:
    return _first(mi + 1) - timedelta(days=1)


def _month_of(d: date) -> int:
    return d.year * 12 + d.month - 1


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
            "programs": sorted(self.programs, key=_prog_order),
            "reference": self.reference or None,
            "pks_no": self.pks_no,
        }


def _prog_order(p: str) -> int:
    return PROGRAMMES.index(p) if p in PROGRAMMES else 99


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
    def from_settings(cls, get: Any) -> Config:
        """Build from ``Settings.get``; refuses settings values this engine does not implement."""
        if get("coverage.model") != "calendar_month":
            raise DataError("coverage.model selain 'calendar_month' belum didukung psmctl")
        n = int(get("coverage.lapse_after_unpaid_months"))
        if n < 1:
            raise DataError("coverage.lapse_after_unpaid_months minimal 1")
        return cls(
            same_day_covered=bool(get("coverage.same_day_covered")),
            arrears_backfill=bool(get("coverage.arrears_backfill")),
            grace_bpu=bool(get("coverage.grace_is_covered.BPU")),
            grace_pu=bool(get("coverage.grace_is_covered.PU")),
            lapse_n=n,
            restart_after_lapse=bool(get("coverage.masa_iur_restart_after_lapse")),
            start_rule=str(get("coverage.start_rule")),
            pks_override=get("coverage.pks_override") != "disabled",
            months_before_start=str(get("coverage.months_before_start")),
            pu_model=str(get("coverage.pu_model")),
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
            d = self._due[key] = rates.due_date(self.table, segment, rates.month_text(mi), self.calendar)
        return d

    def expected_for(self, template: Paid, mi: int) -> rates.Expected:
        """Expected iuran of one month for a person, from the programmes/income/funding of ``template`` (cached)."""
        key = (template.segment, mi, template.income_rupiah, template.programs, template.funding, template.risk_class)
        e = self._expected.get(key)
        if e is None:
            e = self._expected[key] = rates.expected(
                self.table,
                segment=template.segment,
                month=rates.month_text(mi),
                income_rupiah=template.income_rupiah,
                programmes=sorted(template.programs, key=_prog_order),
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


@dataclass
class Membership:
    """A run of iuran months (kepesertaan) with its start, basis and lapse date."""

    start: date
    basis: str  # payment / registration / pks
    pks_no: str | None
    first: int  # month index of the start
    lapse: date  # first day of NONAKTIF (may lie in the future: the lapse if nothing more is paid)
    paid: dict[int, tuple[date, Paid]]  # month → (effective date, earliest accepted payment)
    before_start: dict[int, tuple[date, Paid]]  # months before the start (counted only if configured)
    rows: dict[int, list[Paid]]  # month → every accepted payment (a double payment counts once, IUR-17 sums them)


def _start_of(pool: Sequence[tuple[date, int, bool, Paid]]) -> tuple[date, Paid | None]:
    """The earliest day any payment line of ``pool`` gives cover (§5.3 as corrected 2026-12), and the PKS row
    when that day is a PKS start (COV-19).

    A line = the rows paid on one day. It gives cover from max(paid date, first day of the earliest month it pays
    that is not before the month of the paid date), or from the paid date when it pays only earlier months: the
    usual APBD payment of 2024-12-20 for 2025-01..06 starts the membership on 2025-01-01, not in December.
    """
    earliest: dict[date, int] = {}  # paid date → earliest month paid not before month(paid date), or -1
    best: tuple[date, Paid | None] | None = None
    for eff, m, pks, p in pool:
        if pks:
            if best is None or eff < best[0]:
                best = (eff, p)
            continue
        d = p.paid_on
        seen = earliest.get(d)
        if m >= _month_of(d):
            if seen is None or seen < 0 or m < seen:
                earliest[d] = m
        elif seen is None:
            earliest[d] = -1
    for d, m in earliest.items():
        day = d if m < 0 else max(d, _first(m))
        if best is None or day < best[0]:
            best = (day, None)
    if best is None:
        raise ValueError("no payment to start a membership")
    return best


def _effective(p: Paid, cfg: Config) -> tuple[date, bool]:
    # COV-19: a PKS batch covers from its agreed start, whatever the payment date.
    if cfg.pks_override and p.pks_no and p.pks_start is not None and _mi(p.month) >= _month_of(p.pks_start):
        return p.pks_start, True
    return p.paid_on, False


def memberships(
    payments: Iterable[Paid],
    *,
    rules: Rules,
    registered_on: date | None = None,
    known_on: date | None = None,
) -> tuple[list[Membership], list[Finding]]:
    """Split a person's payments into memberships (COV-11), accepting arrears only inside the window (COV-12)."""
    cfg = rules.config
    n = cfg.lapse_n
    pool = []
    for p in payments:
        if known_on is not None and p.paid_on > known_on:
            continue
        if p.pks_no is None:
            pool.append((p.paid_on, _mi(p.month), False, p))
        else:
            eff, pks = _effective(p, cfg)
            pool.append((eff, _mi(p.month), pks, p))
    pool.sort(key=lambda t: (t[0], t[1], t[3].id))
    result: list[Membership] = []
    findings: list[Finding] = []
    prev_lapse: date | None = None
    while pool:
        start, pks0 = _start_of(pool)
        basis = "pks" if pks0 is not None else "payment"
        if pks0 is None and registered_on is not None and cfg.start_rule != "payment_only" and registered_on > start:
            start, basis = registered_on, "registration"
        if prev_lapse is not None and prev_lapse > start:
            start = prev_lapse
        first = _month_of(start)
        # Earliest effective date per month: what the lapse rule looks at.
        paid_by: dict[int, date] = {}
        for eff, m, _pks, _p in pool:
            if m >= first and (m not in paid_by or eff < paid_by[m]):
                paid_by[m] = eff
        u = first
        while True:
            # The latest month of the window paid by its deadline; every window up to it holds it, so skip on.
            deadline = _last(u + n - 1)
            hit = -1
            for v in range(u + n - 1, u - 1, -1):
                d = paid_by.get(v)
                if d is not None and d <= deadline:
                    hit = v
                    break
            if hit < 0:
                break
            u = hit + 1
        lapse = _first(u + n)
        lapse_m = u + n
        ms = Membership(start, basis, pks0.pks_no if pks0 is not None else None, first, lapse, {}, {}, {})
        rest = []
        for item in pool:
            eff, m, _pks, p = item
            if m >= lapse_m:
                rest.append(item)
            elif m < first:
                if eff < lapse and m not in ms.before_start:
                    ms.before_start[m] = (eff, p)
                findings.append(
                    Finding(p.id, p.month, "COV-START", f"bulan iuran {p.month} sebelum awal kepesertaan {start}")
                )
            elif eff >= lapse or eff > _last(m + n - 1):
                findings.append(
                    Finding(
                        p.id,
                        p.month,
                        "COV-12",
                        f"bulan iuran {p.month} dari kepesertaan yang sudah berakhir / terlambat dibayar "
                        f"(dibayar {p.paid_on}); tidak dihitung",
                    )
                )
            else:
                if m not in ms.paid:
                    ms.paid[m] = (eff, p)
                ms.rows.setdefault(m, []).append(p)
        result.append(ms)
        prev_lapse = lapse
        pool = rest
    return result, findings


class ProgrammeCover(NamedTuple):
    """Answer for one programme: covered or not, the interval, the payment, the reason in Indonesian."""

    covered: bool
    covered_from: date | None  # None when not covered on the date asked
    covered_to: date | None
    payment: Paid | None
    reason: str
    covered_again_from: date | None = None  # not covered: the day cover starts again, if a known payment gives it

    def as_dict(self) -> dict[str, Any]:
        """JSON shape shared by `coverage check` and `coverage status`."""
        return {
            "covered": self.covered,
            "covered_from": None if self.covered_from is None else self.covered_from.isoformat(),
            "covered_to": None if self.covered_to is None else self.covered_to.isoformat(),
            "covered_again_from": None if self.covered_again_from is None else self.covered_again_from.isoformat(),
            "payment": None if self.payment is None else self.payment.as_dict(),
            "reason": self.reason,
        }


@dataclass(slots=True)
class Coverage:
    """A person's coverage on one date."""

    on: date
    status: str
    detail: str | None  # BELUM_JATUH_TEMPO / LEWAT_JATUH_TEMPO / SEMENTARA
    masa_iur_bulan: int
    masa_iur_total_bulan: int
    programs: dict[str, ProgrammeCover]
    membership_start: date | None = None
    start_basis: str | None = None
    pks_no: str | None = None
    lapse_on: date | None = None
    segment: str | None = None
    arrears: tuple[tuple[str, int], ...] = ()
    masa_iur_by_programme: dict[str, int] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    shortfall: tuple[tuple[str, int], ...] = ()  # paid months short of the rate table (IUR-17): month, rupiah owed

    @property
    def arrears_rupiah(self) -> int:
        """Total arrears (COV-14)."""
        return sum(a for _, a in self.arrears)

    @property
    def shortfall_rupiah(self) -> int:
        """Total still owed on months paid with less than the rate table expects (IUR-17)."""
        return sum(a for _, a in self.shortfall)


def _not(reason: str, again: date | None = None) -> dict[str, ProgrammeCover]:
    if again is not None:
        reason = f"{reason}; terlindungi lagi mulai {again}"
    return {p: ProgrammeCover(False, None, None, None, reason, again) for p in PROGRAMMES}


def coverage_on(
    payments: Sequence[Paid],
    as_of: date,
    *,
    rules: Rules,
    registered_on: date | None = None,
    known_on: date | None = None,
    with_arrears: bool = True,
    precomputed: tuple[list[Membership], list[Finding]] | None = None,
) -> Coverage:
    """Status, per-programme cover, masa iur and arrears of one person on ``as_of`` (§5.3-§5.5).

    ``known_on`` = the day the ledger is read (the CLI passes today): payments dated later are ignored, and a PU
    month still unpaid is "SEMENTARA" only while ``known_on`` is on or before its due date (COV-20).
    """
    cfg = rules.config
    x = as_of
    mss, findings = precomputed or memberships(payments, rules=rules, registered_on=registered_on, known_on=known_on)
    total = sum(1 for ms in mss for m, (eff, _) in ms.paid.items() if m <= _month_of(x) and eff <= x)
    started = [ms for ms in mss if ms.start <= x]
    if not started:
        if mss and mss[0].basis == "payment":
            reason = f"perlindungan pertama mulai {mss[0].start} (dari iuran yang dibayar), setelah tanggal {x}"
        elif mss:
            reason = f"kepesertaan mulai {mss[0].start} (dasar: {mss[0].basis}), setelah tanggal kejadian {x}"
        else:
            reason = "belum pernah ada iuran tercatat"
        again = mss[0].start if mss else None
        return Coverage(x, "BELUM_TERDAFTAR", None, 0, total, _not(reason, again), findings=tuple(findings))
    ms = started[-1]
    masa = _masa_iur(started if not cfg.restart_after_lapse else [ms], x, cfg)
    common: dict[str, Any] = {
        "membership_start": ms.start,
        "start_basis": ms.basis,
        "pks_no": ms.pks_no,
        "lapse_on": ms.lapse,
        "findings": tuple(findings),
    }
    # The programmes, segment and income of the latest paid month price the arrears; a membership whose only line
    # paid months before its start (arrears of nothing) takes them from that line.
    template = max(
        (p for _, p in (ms.paid or ms.before_start).values()), key=lambda p: (p.month, p.paid_on), default=None
    )
    segment = template.segment if template is not None else "BPU"
    if ms.lapse <= x:
        reason = f"kepesertaan berakhir {ms.lapse}: {cfg.lapse_n} bulan berturut-turut tidak dibayar; daftar ulang"
        again = next((later.start for later in mss if later.start > x), None)
        return Coverage(x, "NONAKTIF", None, masa, total, _not(reason, again), segment=segment, **common)
    m = _month_of(x)
    if with_arrears:  # the evidence of `coverage check`; not needed for the register-wide reports
        common["masa_iur_by_programme"] = {
            p: sum(1 for mm, (eff, pay) in ms.paid.items() if mm <= m and eff <= x and p in pay.programs)
            for p in PROGRAMMES
        }
    status, detail, cover_from, entry, why = _month_cover(ms, m, x, segment, rules, known_on or x)
    covered = status == "AKTIF" or (status == "MENUNGGAK" and (cfg.grace_pu if segment == "PU" else cfg.grace_bpu))
    programs: dict[str, ProgrammeCover] = {}
    for p in PROGRAMMES:
        if p == "JP" and segment == "BPU":
            programs[p] = ProgrammeCover(False, None, None, None, "JP tidak berlaku untuk peserta BPU")
            continue
        pay = entry[1] if entry else None
        progs = pay.programs if pay else (template.programs if template else frozenset())
        if covered and p in progs:
            to = _run_end(ms, m, p, segment, rules, known_on or x)
            programs[p] = ProgrammeCover(True, cover_from, to, pay, why)
        elif covered or (pay is not None and p not in pay.programs):
            label = rates.month_text(m)
            programs[p] = ProgrammeCover(False, None, None, pay, f"iuran bulan {label} tidak mencakup {p}")
        else:
            again = _again(mss, ms, m, x, p, segment, rules, known_on or x)
            programs[p] = ProgrammeCover(False, None, None, pay, why if again is None else
                                         f"{why}; terlindungi lagi mulai {again}", again)  # fmt: skip
    if with_arrears and template:
        common["arrears"] = _arrears(ms, x, segment, template, rules)
        common["shortfall"] = _shortfall(ms, x, rules)
    return Coverage(x, status, detail, masa, total, programs, segment=segment, **common)


def _again(
    mss: Sequence[Membership], ms: Membership, m: int, x: date, prog: str, segment: str, rules: Rules, known_on: date
) -> date | None:
    """The first day after ``x`` on which a known payment gives cover for ``prog`` again (None: none does)."""
    for mm in range(m, min(_month_of(ms.lapse), m + 24)):
        status, _d, start, entry, _w = _month_cover(ms, mm, _last(mm), segment, rules, known_on)
        if status == "AKTIF" and start is not None and start > x and (entry is None or prog in entry[1].programs):
            return start
    return next((later.start for later in mss if later.start > x and later is not ms), None)


def _masa_iur(mss: Sequence[Membership], x: date, cfg: Config) -> int:
    mx = _month_of(x)
    count = 0
    for ms in mss:
        count += sum(1 for m, (eff, _) in ms.paid.items() if m <= mx and eff <= x)
        if cfg.months_before_start == "count_for_masa_iur":
            count += sum(1 for m, (eff, _) in ms.before_start.items() if m <= mx and eff <= x)
    return count


def _month_cover(
    ms: Membership, m: int, x: date, segment: str, rules: Rules, known_on: date
) -> tuple[str, str | None, date | None, tuple[date, Paid] | None, str]:
    """(status, detail, cover start of month m or None, the payment entry, reason) for an active membership."""
    cfg = rules.config
    entry = ms.paid.get(m)
    label = rates.month_text(m)
    due = rules.due(segment, m)
    if segment == "PU" and cfg.pu_model == "paid_by_due_date":
        start = max(_first(m), ms.start)
        if entry is not None and entry[1].paid_on <= due:
            return (
                "AKTIF",
                None,
                start,
                entry,
                f"iuran bulan {label} dibayar {entry[1].paid_on}, sebelum jatuh tempo {due}",
            )
        if entry is None and known_on <= due:
            return "AKTIF", "SEMENTARA", start, None, f"iuran PU bulan {label} belum jatuh tempo ({due})"
        if entry is not None:
            why = f"iuran PU bulan {label} dibayar {entry[1].paid_on}, setelah jatuh tempo {due}"
        else:
            why = f"iuran PU bulan {label} belum dibayar (jatuh tempo {due})"
        return "MENUNGGAK", "LEWAT_JATUH_TEMPO", None, entry, why
    detail = "BELUM_JATUH_TEMPO" if due >= x else "LEWAT_JATUH_TEMPO"
    if entry is None:
        return "MENUNGGAK", detail, None, None, f"iuran bulan {label} belum dibayar (jatuh tempo {due})"
    eff, pay = entry
    pks = ms.basis == "pks" and pay.pks_no is not None and eff == pay.pks_start
    if eff > _last(m) and not cfg.arrears_backfill:
        why = f"iuran bulan {label} dibayar {pay.paid_on}, setelah bulan itu berakhir: tidak melindungi mundur"
        return "MENUNGGAK", detail, None, entry, why
    start = max(_first(m), ms.start) if (cfg.arrears_backfill and eff > _last(m)) else max(_first(m), eff, ms.start)
    if not cfg.same_day_covered and start == eff and not pks:
        start = eff + timedelta(days=1)
    if x < start:
        return (
            "MENUNGGAK",
            detail,
            start,
            entry,
            f"iuran bulan {label} dibayar {pay.paid_on}, setelah tanggal kejadian {x}",
        )
    if pks:
        why = f"mulai sesuai PKS no. {pay.pks_no} ({pay.pks_start}); iuran bulan {label} dibayar {pay.paid_on}"
    else:
        why = f"iuran bulan {label} dibayar {pay.paid_on}; terlindungi sejak {start}"
    return "AKTIF", None, start, entry, why


def _run_end(ms: Membership, m: int, prog: str, segment: str, rules: Rules, known_on: date) -> date:
    """Last day of continuous cover for a programme starting with month m (covered-until)."""
    cfg = rules.config
    while True:
        nxt = m + 1
        if _first(nxt) >= ms.lapse:
            break
        entry = ms.paid.get(nxt)
        if entry is None or prog not in entry[1].programs:
            break
        if segment == "PU" and cfg.pu_model == "paid_by_due_date":
            if entry[1].paid_on > rules.due(segment, nxt):
                break
        elif entry[0] > _first(nxt) and not (cfg.arrears_backfill and entry[0] > _last(nxt)):
            break
        m = nxt
    return _last(m)


def _arrears(ms: Membership, x: date, segment: str, template: Paid, rules: Rules) -> tuple[tuple[str, int], ...]:
    """Months of the active membership past their due date and unpaid as of x, with expected amounts (COV-14)."""
    out = []
    for u in range(ms.first, _month_of(x) + 1):
        if rules.due(segment, u) >= x:
            continue
        entry = ms.paid.get(u)
        if entry is None or entry[0] > x:
            out.append((rates.month_text(u), rules.expected_rupiah(template, u)))
    return tuple(out)


def _shortfall(ms: Membership, x: date, rules: Rules) -> tuple[tuple[str, int], ...]:
    """Months of the membership up to month(x) paid by x with less than the rate table expects (IUR-17).

    The rows of one month are summed (a top-up clears the shortfall); expected = the largest expected of them.
    """
    out = []
    for m in sorted(ms.rows):
        if m > _month_of(x):
            break
        rows = [p for p in ms.rows[m] if p.paid_on <= x]
        if not rows:
            continue
        want = max(p.expected_rupiah if p.expected_rupiah is not None else rules.expected_rupiah(p, m) for p in rows)
        paid = sum(p.amount_rupiah for p in rows)
        if paid < want:
            out.append((rates.month_text(m), want - paid))
    return tuple(out)


def gaps(
    payments: Sequence[Paid], as_of: date, *, rules: Rules, registered_on: date | None = None
) -> list[tuple[date, date, str]]:
    """Periods without JKK cover between the first membership start and ``as_of``: (from, to, reason)."""
    mss, _ = memberships(payments, rules=rules, registered_on=registered_on, known_on=as_of)
    if not mss:
        return []
    covered: list[tuple[date, date]] = []
    for ms in mss:
        segment = next(iter(ms.paid.values()))[1].segment if ms.paid else "BPU"
        for m in sorted(ms.paid):
            if _first(m) > as_of or _first(m) >= ms.lapse:
                continue
            status, _d, start, entry, _w = _month_cover(ms, m, _last(m), segment, rules, as_of)
            if status == "AKTIF" and start is not None and entry is not None and "JKK" in entry[1].programs:
                covered.append((start, min(_last(m), as_of)))
    out: list[tuple[date, date, str]] = []
    cursor = mss[0].start
    for a, b in sorted(covered):
        if a > cursor:
            out.append((cursor, a - timedelta(days=1), _gap_reason(mss, cursor)))
        cursor = max(cursor, b + timedelta(days=1))
    if cursor <= as_of:
        out.append((cursor, as_of, _gap_reason(mss, cursor)))
    return out


def _gap_reason(mss: Sequence[Membership], day: date) -> str:
    for ms in mss:
        if ms.start <= day < ms.lapse:
            return "MENUNGGAK"
    return "NONAKTIF"


@dataclass(frozen=True)
class DueLine:
    """One person's iuran due for a month (`coverage due`)."""

    status: str
    amount: rates.Expected
    funding: str
    will_lapse: bool  # NONAKTIF from the 1st of the next month if this month stays unpaid
    due_on: date
    shortfall_rupiah: int = 0  # the month is paid, but short of the rate table by this much (IUR-17)

    @property
    def total_rupiah(self) -> int:
        """What is still to pay for the month: the shortfall of a short payment, else the whole iuran."""
        return self.shortfall_rupiah or self.amount.total_rupiah


def due_for_month(payments: Sequence[Paid], month: str, *, rules: Rules, as_of: date, default: Paid) -> DueLine | None:
    """What must be paid for ``month`` to stay covered, or None when it is paid already (COV-13, COV-11).

    The programmes, income and funding are those of the person's latest payment, else ``default``.
    """
    m = _mi(month)
    mss, _ = memberships(payments, rules=rules, known_on=as_of)
    live = [ms for ms in mss if ms.start <= max(as_of, _last(m))]
    ms = live[-1] if live else None
    short = 0
    if ms is not None and m in ms.paid and ms.lapse > _first(m):
        rows = ms.rows.get(m, [])
        want = max((p.expected_rupiah if p.expected_rupiah is not None else rules.expected_rupiah(p, m)) for p in rows)
        short = want - sum(p.amount_rupiah for p in rows)
        if short <= 0:
            return None
    template = default
    if ms is not None and ms.paid:
        template = max((p for _, p in ms.paid.values()), key=lambda p: (p.month, p.paid_on))
    if ms is None:
        status = "BELUM_TERDAFTAR"
    elif ms.lapse <= _first(m):
        status = "NONAKTIF"
    else:
        day = min(as_of, _last(m))
        status = coverage_on(
            payments, day, rules=rules, known_on=as_of, with_arrears=False, precomputed=(mss, [])
        ).status
    amount = rules.expected_for(template, m)
    will_lapse = ms is not None and ms.lapse == _first(m + 1) and not short
    return DueLine(status, amount, template.funding, will_lapse, rules.due(template.segment, m), max(short, 0))


def benefits(table: rates.RateTable, on: date, masa_iur: int, income_rupiah: int) -> dict[str, Any]:
    """Benefit reference figures of §5.9 for an event on ``on`` (informative: psmctl is not a claims engine)."""
    out: dict[str, Any] = {}
    jkm = table.benefit("JKM", on)
    if jkm is not None:
        need = int(jkm.get("beasiswa_min_masa_iur"))
        out["JKM"] = {
            "santunan_rupiah": int(jkm.get("lump_sum_rupiah")),
            "beasiswa_maks_rupiah": int(jkm.get("beasiswa_max_rupiah")),
            "beasiswa_anak": int(jkm.get("beasiswa_children")),
            "beasiswa_min_masa_iur": need,
            "beasiswa_berhak": masa_iur >= need,
            "source": jkm.source,
        }
    jkk = table.benefit("JKK", on)
    if jkk is not None:
        out["JKK"] = {
            "meninggal_rupiah": int(jkk.get("death_wage_multiple")) * income_rupiah,
            "cacat_total_maks_rupiah": int(jkk.get("disability_wage_multiple")) * income_rupiah,
            "beasiswa_maks_rupiah": int(jkk.get("beasiswa_max_rupiah")),
            "beasiswa_min_masa_iur": int(jkk.get("beasiswa_min_masa_iur")),
            "beasiswa_berhak": masa_iur >= int(jkk.get("beasiswa_min_masa_iur")),
            "batas_klaim_tahun": int(jkk.get("claim_years")),
            "source": jkk.source,
        }
    return out


def cover_end(payments: Sequence[Paid], as_of: date, *, rules: Rules, prog: str = "JKK") -> date | None:
    """Last day of continuous cover from ``as_of`` (None when not covered on ``as_of``): the "habis" date."""
    c = coverage_on(payments, as_of, rules=rules, known_on=as_of, with_arrears=False)
    pc = c.programs.get(prog)
    return pc.covered_to if pc is not None and pc.covered else None

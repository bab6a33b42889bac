"""Coverage on a date, computed from the payment ledger and the rate table (docs/rules.md). Pure: no SQL, no clock.

The law (COV-01, UU 40/2004 Pasal 30): protection starts on the day the iuran is paid, never before. The default
model (each default is a setting, §5.2):

- a payment for iuran month M made on day d covers max(first day of M, d, membership start) … last day of M
  (COV-10); paid after M has ended it covers nothing of M but still counts toward masa iur (``arrears_backfill``);
- a membership starts with its first payment (or the later registration date, COV-02, or a PKS start date,
  COV-19) and ends on the 1st of U+N when N consecutive months U … U+N−1 were all unpaid at the end of U+N−1
  (COV-11, ``lapse_after_unpaid_months`` = 3); arrears of an ended membership are not accepted (COV-12):
  `psmctl.rules.membership` builds them;
- masa iur as of X = paid months ≤ month(X) of the membership active at X (COV-15), restarting after a lapse;
- PU is paid in arrears by law: a PU month counts as covered when paid by its due date (COV-20).

Statuses (§5.4), exactly one per person and date: BELUM_TERDAFTAR, NONAKTIF, AKTIF, MENUNGGAK.
Coverage is never stored: every answer is recomputed from the payments, so it cannot drift out of date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from psmctl.rules import rates
from psmctl.rules.membership import Config, Entry, Finding, History, Membership, Paid, Rules, memberships
from psmctl.rules.months import first_of, index_of, last_of, month_index, month_text

PROGRAMMES = rates.PROGRAMMES
STATUSES = ("AKTIF", "MENUNGGAK", "NONAKTIF", "BELUM_TERDAFTAR")


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


class Owing:
    """The totals of what a person owes: arrears (COV-14) and shortfall (IUR-17), for `Coverage` and the rows
    built from it."""

    __slots__ = ()
    arrears: tuple[MonthAmount, ...]
    shortfall: tuple[MonthAmount, ...]

    @property
    def arrears_rupiah(self) -> int:
        """Total arrears (COV-14)."""
        return sum(a.rupiah for a in self.arrears)

    @property
    def shortfall_rupiah(self) -> int:
        """Total still owed on months paid with less than the rate table expects (IUR-17)."""
        return sum(a.rupiah for a in self.shortfall)


@dataclass(slots=True)
class Coverage(Owing):
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
    arrears: tuple[MonthAmount, ...] = ()
    masa_iur_by_programme: dict[str, int] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    shortfall: tuple[MonthAmount, ...] = ()  # paid months short of the rate table (IUR-17): month, rupiah owed


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
    precomputed: History | None = None,
) -> Coverage:
    """Status, per-programme cover, masa iur and arrears of one person on ``as_of`` (§5.3-§5.5).

    ``known_on`` = the day the ledger is read (the CLI passes today): payments dated later are ignored, and a PU
    month still unpaid is "SEMENTARA" only while ``known_on`` is on or before its due date (COV-20).
    """
    cfg = rules.config
    x = as_of
    mss, findings = precomputed or memberships(payments, rules=rules, registered_on=registered_on, known_on=known_on)
    total = sum(1 for ms in mss for m, e in ms.paid.items() if m <= index_of(x) and e.effective <= x)
    started = [ms for ms in mss if ms.start <= x]
    if not started:
        return _not_started(mss, x, total, findings)
    ms = started[-1]
    masa = _masa_iur(started if not cfg.restart_after_lapse else [ms], x, cfg)
    common: dict[str, Any] = {
        "membership_start": ms.start,
        "start_basis": ms.basis,
        "pks_no": ms.pks_no,
        "lapse_on": ms.lapse,
        "findings": tuple(findings),
    }
    template = _template(ms)
    segment = template.segment if template is not None else "BPU"
    if ms.lapse <= x:
        reason = f"kepesertaan berakhir {ms.lapse}: {cfg.lapse_n} bulan berturut-turut tidak dibayar; daftar ulang"
        again = next((later.start for later in mss if later.start > x), None)
        return Coverage(x, "NONAKTIF", None, masa, total, _not(reason, again), segment=segment, **common)
    m = index_of(x)
    if with_arrears:  # the evidence of `coverage check`; not needed for the register-wide reports
        common["masa_iur_by_programme"] = {
            p: sum(1 for mm, e in ms.paid.items() if mm <= m and e.effective <= x and p in e.payment.programs)
            for p in PROGRAMMES
        }
    asked = _Asked(mss, ms, m, x, segment, rules, known_on or x)
    month = _month_cover(ms, m, x, segment, rules, asked.known_on)
    programs = _programmes(asked, month, template)
    if with_arrears and template:
        common["arrears"] = _arrears(ms, x, segment, template, rules)
        common["shortfall"] = _shortfall(ms, x, rules)
    return Coverage(x, month.status, month.detail, masa, total, programs, segment=segment, **common)


def _not_started(mss: Sequence[Membership], x: date, total: int, findings: Sequence[Finding]) -> Coverage:
    """BELUM_TERDAFTAR on ``x``: no membership has started by then (§5.4)."""
    if mss and mss[0].basis == "payment":
        reason = f"perlindungan pertama mulai {mss[0].start} (dari iuran yang dibayar), setelah tanggal {x}"
    elif mss:
        reason = f"kepesertaan mulai {mss[0].start} (dasar: {mss[0].basis}), setelah tanggal kejadian {x}"
    else:
        reason = "belum pernah ada iuran tercatat"
    again = mss[0].start if mss else None
    return Coverage(x, "BELUM_TERDAFTAR", None, 0, total, _not(reason, again), findings=tuple(findings))


def _template(ms: Membership) -> Paid | None:
    """The payment whose programmes, segment and income price the arrears: that of the latest paid month; a
    membership whose only line paid months before its start (arrears of nothing) takes them from that line."""
    entries = (ms.paid or ms.before_start).values()
    return max((e.payment for e in entries), key=lambda p: (p.month, p.paid_on), default=None)


class _Asked(NamedTuple):
    """The question `coverage_on` answers per programme: the person's memberships, the one active at ``x``
    (month counter ``m``), the segment, the rules and the day the ledger is read."""

    mss: Sequence[Membership]
    ms: Membership
    m: int
    x: date
    segment: str
    rules: Rules
    known_on: date


def _programmes(asked: _Asked, month: MonthCover, template: Paid | None) -> dict[str, ProgrammeCover]:
    """Per programme (COV-16, COV-17): covered when the month is covered and its payment holds the programme."""
    cfg = asked.rules.config
    grace = cfg.grace_pu if asked.segment == "PU" else cfg.grace_bpu
    covered = month.status == "AKTIF" or (month.status == "MENUNGGAK" and grace)
    pay = month.entry.payment if month.entry else None
    progs = pay.programs if pay else (template.programs if template else frozenset())
    programs: dict[str, ProgrammeCover] = {}
    for p in PROGRAMMES:
        if p == "JP" and asked.segment == "BPU":
            programs[p] = ProgrammeCover(False, None, None, None, "JP tidak berlaku untuk peserta BPU")
        elif covered and p in progs:
            to = _run_end(asked.ms, asked.m, p, asked.segment, asked.rules, asked.known_on)
            programs[p] = ProgrammeCover(True, month.start, to, pay, month.reason)
        elif covered or (pay is not None and p not in pay.programs):
            why = f"iuran bulan {month_text(asked.m)} tidak mencakup {p}"
            programs[p] = ProgrammeCover(False, None, None, pay, why)
        else:
            again = _again(asked, p)
            why = month.reason if again is None else f"{month.reason}; terlindungi lagi mulai {again}"
            programs[p] = ProgrammeCover(False, None, None, pay, why, again)
    return programs


def _again(asked: _Asked, prog: str) -> date | None:
    """The first day after ``x`` on which a known payment gives cover for ``prog`` again (None: none does)."""
    ms, x = asked.ms, asked.x
    for mm in range(asked.m, min(index_of(ms.lapse), asked.m + 24)):
        month = _month_cover(ms, mm, last_of(mm), asked.segment, asked.rules, asked.known_on)
        if (
            month.status == "AKTIF"
            and month.start is not None
            and month.start > x
            and (month.entry is None or prog in month.entry.payment.programs)
        ):
            return month.start
    return next((later.start for later in asked.mss if later.start > x and later is not ms), None)


def _masa_iur(mss: Sequence[Membership], x: date, cfg: Config) -> int:
    mx = index_of(x)
    count = 0
    for ms in mss:
        count += sum(1 for m, e in ms.paid.items() if m <= mx and e.effective <= x)
        if cfg.months_before_start == "count_for_masa_iur":
            count += sum(1 for m, e in ms.before_start.items() if m <= mx and e.effective <= x)
    return count


class MonthCover(NamedTuple):
    """How month ``m`` of an active membership stands on a day: status, detail, the day its cover starts (None:
    none), its paid entry and the reason in Indonesian."""

    status: str
    detail: str | None
    start: date | None
    entry: Entry | None
    reason: str


def _month_cover(ms: Membership, m: int, x: date, segment: str, rules: Rules, known_on: date) -> MonthCover:
    """The status of day ``x`` in month ``m`` of an active membership (COV-10, COV-13; COV-20 for PU)."""
    cfg = rules.config
    entry = ms.paid.get(m)
    label = month_text(m)
    due = rules.due(segment, m)
    if segment == "PU" and cfg.pu_model == "paid_by_due_date":
        return _pu_month_cover(ms, m, label, due, entry, known_on)
    detail = "BELUM_JATUH_TEMPO" if due >= x else "LEWAT_JATUH_TEMPO"
    if entry is None:
        return MonthCover("MENUNGGAK", detail, None, None, f"iuran bulan {label} belum dibayar (jatuh tempo {due})")
    eff, pay = entry.effective, entry.payment
    pks = ms.basis == "pks" and pay.pks_no is not None and eff == pay.pks_start
    if eff > last_of(m) and not cfg.arrears_backfill:
        why = f"iuran bulan {label} dibayar {pay.paid_on}, setelah bulan itu berakhir: tidak melindungi mundur"
        return MonthCover("MENUNGGAK", detail, None, entry, why)
    backfilled = cfg.arrears_backfill and eff > last_of(m)
    start = max(first_of(m), ms.start) if backfilled else max(first_of(m), eff, ms.start)
    if not cfg.same_day_covered and start == eff and not pks:
        start = eff + timedelta(days=1)
    if x < start:
        why = f"iuran bulan {label} dibayar {pay.paid_on}, setelah tanggal kejadian {x}"
        return MonthCover("MENUNGGAK", detail, start, entry, why)
    if pks:
        why = f"mulai sesuai PKS no. {pay.pks_no} ({pay.pks_start}); iuran bulan {label} dibayar {pay.paid_on}"
    else:
        why = f"iuran bulan {label} dibayar {pay.paid_on}; terlindungi sejak {start}"
    return MonthCover("AKTIF", None, start, entry, why)


def _pu_month_cover(ms: Membership, m: int, label: str, due: date, entry: Entry | None, known_on: date) -> MonthCover:
    """COV-20 ``paid_by_due_date``: a PU month is covered when paid by its due date, and SEMENTARA while unpaid
    before it."""
    start = max(first_of(m), ms.start)
    if entry is not None and entry.payment.paid_on <= due:
        why = f"iuran bulan {label} dibayar {entry.payment.paid_on}, sebelum jatuh tempo {due}"
        return MonthCover("AKTIF", None, start, entry, why)
    if entry is None and known_on <= due:
        return MonthCover("AKTIF", "SEMENTARA", start, None, f"iuran PU bulan {label} belum jatuh tempo ({due})")
    if entry is not None:
        why = f"iuran PU bulan {label} dibayar {entry.payment.paid_on}, setelah jatuh tempo {due}"
    else:
        why = f"iuran PU bulan {label} belum dibayar (jatuh tempo {due})"
    return MonthCover("MENUNGGAK", "LEWAT_JATUH_TEMPO", None, entry, why)


def _run_end(ms: Membership, m: int, prog: str, segment: str, rules: Rules, known_on: date) -> date:
    """Last day of continuous cover for a programme starting with month m (covered-until)."""
    cfg = rules.config
    while True:
        nxt = m + 1
        if first_of(nxt) >= ms.lapse:
            break
        entry = ms.paid.get(nxt)
        if entry is None or prog not in entry.payment.programs:
            break
        if segment == "PU" and cfg.pu_model == "paid_by_due_date":
            if entry.payment.paid_on > rules.due(segment, nxt):
                break
        elif entry.effective > first_of(nxt) and not (cfg.arrears_backfill and entry.effective > last_of(nxt)):
            break
        m = nxt
    return last_of(m)


class MonthAmount(NamedTuple):
    """An iuran month and rupiah owed for it (arrears, COV-14; shortfall, IUR-17)."""

    month: str  # YYYY-MM
    rupiah: int


def _arrears(ms: Membership, x: date, segment: str, template: Paid, rules: Rules) -> tuple[MonthAmount, ...]:
    """Months of the active membership past their due date and unpaid as of x, with expected amounts (COV-14)."""
    out = []
    for u in range(ms.first, index_of(x) + 1):
        if rules.due(segment, u) >= x:
            continue
        entry = ms.paid.get(u)
        if entry is None or entry.effective > x:
            out.append(MonthAmount(month_text(u), rules.expected_rupiah(template, u)))
    return tuple(out)


def _shortfall(ms: Membership, x: date, rules: Rules) -> tuple[MonthAmount, ...]:
    """Months of the membership up to month(x) paid by x with less than the rate table expects (IUR-17).

    The rows of one month are summed (a top-up clears the shortfall); expected = the largest expected of them.
    """
    out = []
    for m in sorted(ms.rows):
        if m > index_of(x):
            break
        rows = [p for p in ms.rows[m] if p.paid_on <= x]
        if not rows:
            continue
        want = max(p.expected_rupiah if p.expected_rupiah is not None else rules.expected_rupiah(p, m) for p in rows)
        paid = sum(p.amount_rupiah for p in rows)
        if paid < want:
            out.append(MonthAmount(month_text(m), want - paid))
    return tuple(out)


class Gap(NamedTuple):
    """A period without JKK cover and why: MENUNGGAK inside a membership, NONAKTIF outside one."""

    start: date
    end: date
    reason: str


def gaps(payments: Sequence[Paid], as_of: date, *, rules: Rules, registered_on: date | None = None) -> list[Gap]:
    """Periods without JKK cover between the first membership start and ``as_of``."""
    mss, _ = memberships(payments, rules=rules, registered_on=registered_on, known_on=as_of)
    if not mss:
        return []
    covered: list[tuple[date, date]] = []
    for ms in mss:
        segment = next(iter(ms.paid.values())).payment.segment if ms.paid else "BPU"
        for m in sorted(ms.paid):
            if first_of(m) > as_of or first_of(m) >= ms.lapse:
                continue
            month = _month_cover(ms, m, last_of(m), segment, rules, as_of)
            jkk = month.entry is not None and "JKK" in month.entry.payment.programs
            if month.status == "AKTIF" and month.start is not None and jkk:
                covered.append((month.start, min(last_of(m), as_of)))
    out: list[Gap] = []
    cursor = mss[0].start
    for a, b in sorted(covered):
        if a > cursor:
            out.append(Gap(cursor, a - timedelta(days=1), _gap_reason(mss, cursor)))
        cursor = max(cursor, b + timedelta(days=1))
    if cursor <= as_of:
        out.append(Gap(cursor, as_of, _gap_reason(mss, cursor)))
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
    m = month_index(month)
    mss, _ = memberships(payments, rules=rules, known_on=as_of)
    live = [ms for ms in mss if ms.start <= max(as_of, last_of(m))]
    ms = live[-1] if live else None
    short = 0
    if ms is not None and m in ms.paid and ms.lapse > first_of(m):
        rows = ms.rows.get(m, [])
        want = max((p.expected_rupiah if p.expected_rupiah is not None else rules.expected_rupiah(p, m)) for p in rows)
        short = want - sum(p.amount_rupiah for p in rows)
        if short <= 0:
            return None
    template = default
    if ms is not None and ms.paid:
        template = max((e.payment for e in ms.paid.values()), key=lambda p: (p.month, p.paid_on))
    if ms is None:
        status = "BELUM_TERDAFTAR"
    elif ms.lapse <= first_of(m):
        status = "NONAKTIF"
    else:
        day = min(as_of, last_of(m))
        status = coverage_on(
            payments, day, rules=rules, known_on=as_of, with_arrears=False, precomputed=History(mss, [])
        ).status
    amount = rules.expected_for(template, m)
    will_lapse = ms is not None and ms.lapse == first_of(m + 1) and not short
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

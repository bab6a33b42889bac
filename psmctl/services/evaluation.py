"""The year-end evaluation: coverage month by month, the iuran paid, arrears and gaps, incidents and claims.

Every figure is read through the path that answers the same question elsewhere, so the evaluation cannot
disagree with the commands an auditor would check it against:

- registered and covered per month = `coverage status --as-of <last day of the month>`: people with an active role,
  and those of them AKTIF that day (docs/rules.md §5.4), from ``coverage_reports.statuses_on`` (the engine call of
  ``status_report`` with the same ledger date, the ledger read once for the twelve days);
- iuran = the ledger rows of the year's iuran months, voids excluded, per programme and funding source (the
  programme columns as recorded; a payment whose amount differed from the rate table is not split, and its total
  is shown as "tidak terinci");
- arrears = COV-14 on the evaluation date (the year's last day, or the ledger date when the year is not over),
  gaps = `coverage gaps` cut to the year;
- incidents by kind with their stored verdicts, claims by status as their updates stand.

Cost per covered person-month = iuran of the year ÷ the sum over the months of the people covered.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from psmctl.db import evaluation as edb
from psmctl.db import snapshot
from psmctl.rules.incidents import STATUSES
from psmctl.rules.months import last_day, year_months
from psmctl.rules.payment_lines import rules_from
from psmctl.rules.settings import Settings
from psmctl.services import coverage_reports, incidents, summary

if TYPE_CHECKING:
    from sqlite_utils import Database

MONEY_KEYS = ("jkk_rupiah", "jkm_rupiah", "jht_rupiah", "jp_rupiah", "jkp_rupiah")


@dataclass
class Evaluation:
    """The evaluation of one year, as rows for the terminal, JSON and the workbook."""

    year: int
    as_of: date
    months: list[dict[str, Any]]
    per_programme: list[dict[str, Any]]
    per_funding: list[dict[str, Any]]
    arrears: dict[str, Any]
    gaps: dict[str, Any]
    incidents: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    totals: dict[str, Any]
    rates_version: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape (stable keys, ISO dates)."""
        return {
            "year": self.year, "as_of": self.as_of.isoformat(), "months": self.months,
            "iuran_per_program": self.per_programme, "iuran_per_sumber_dana": self.per_funding,
            "tunggakan": self.arrears, "celah": self.gaps, "kejadian_per_jenis": self.incidents,
            "klaim_per_status": self.claims, "totals": self.totals, "rates_version": self.rates_version,
        }  # fmt: skip


def _covered_counts(db: Database, year: int, known_on: date, settings: Settings) -> list[tuple[int, int]]:
    """(people registered, people AKTIF) on each month's last day, as `coverage status --as-of` that day counts."""
    days = [last_day(month) for month in year_months(year)]
    per_day = coverage_reports.statuses_on(db, days, known_on=known_on, settings=settings)
    return [(len(st), sum(1 for s in st.values() if s == "AKTIF")) for st in per_day]


def _money(db: Database, year: int) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """(per iuran month, per programme, per funding) of the ledger's non-voided rows for the year's months."""
    per_month: Counter[str] = Counter()
    per_prog: Counter[str] = Counter()
    per_funding: Counter[str] = Counter()
    for r in edb.paid_by_programme(db, year):
        per_month[r["month"]] += r["total_rupiah"]
        per_funding[r["funding"]] += r["total_rupiah"]
        for k in MONEY_KEYS:
            per_prog[k] += r[k]
        per_prog["tidak_terinci"] += r["total_rupiah"] - sum(r[k] for k in MONEY_KEYS)
    return dict(per_month), dict(per_prog), dict(per_funding)


def _gaps(db: Database, year: int, as_of: date, settings: Settings) -> dict[str, Any]:
    """People with days without JKK cover inside the year, and those days (from `coverage gaps`)."""
    start = date(year, 1, 1)
    people: set[str] = set()
    days = 0
    for g in coverage_reports.gaps_report(db, as_of=as_of, settings=settings):
        a, b = max(date.fromisoformat(g["from"]), start), date.fromisoformat(g["to"])
        if b >= a:
            people.add(g["nik"])
            days += (b - a).days + 1
    return {"orang": len(people), "hari_orang": days}


def _arrears(db: Database, as_of: date, settings: Settings) -> dict[str, Any]:
    roles = summary.active_roles(db)
    st = summary.standings(db, {int(r["volunteer_id"]) for r in roles}, as_of=as_of, settings=settings)
    owing = [s for s in st.values() if s.arrears]
    return {"per": as_of.isoformat(), "orang": len(owing), "rupiah": sum(s.arrears_rupiah for s in owing)}


def _incidents(db: Database, year: int, now: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = incidents.list_rows(db, now=now, year=year)
    kinds: dict[str, dict[str, Any]] = {}
    claims: dict[str, dict[str, Any]] = {}
    for r in rows:
        k = kinds.setdefault(r["kind"], {"jenis": r["kind"], "kejadian": 0, "terlindungi": 0})
        k["kejadian"] += 1
        k["terlindungi"] += " ya" in r["terlindungi"]
        c = claims.setdefault(r["status"], {"status": r["status"], "kejadian": 0, "dibayar_rupiah": 0})
        c["kejadian"] += 1
        c["dibayar_rupiah"] += r["paid_rupiah"] or 0
    return [kinds[k] for k in sorted(kinds)], [claims[s] for s in STATUSES if s in claims]


@snapshot
def build(db: Database, *, year: int, known_on: date, now: datetime, settings: Settings) -> Evaluation:
    """The evaluation of ``year`` with the ledger as known on ``known_on`` (the CLI passes today)."""
    per_month, per_prog, per_funding = _money(db, year)
    months: list[dict[str, Any]] = []
    counts = _covered_counts(db, year, known_on, settings)
    for month, (registered, covered) in zip(year_months(year), counts, strict=True):
        months.append({"bulan": month, "terdaftar": registered, "terlindungi": covered,
                       "pct_terlindungi": round(covered / registered, 4) if registered else 0.0,
                       "iuran_rupiah": per_month.get(month, 0)})  # fmt: skip
    as_of = min(date(year, 12, 31), known_on)
    total = sum(per_month.values())
    person_months = sum(m["terlindungi"] for m in months)
    by_kind, claims = _incidents(db, year, now)
    return Evaluation(
        year=year, as_of=as_of, months=months,
        per_programme=[{"program": k.removesuffix("_rupiah").upper(), "rupiah": per_prog.get(k, 0)}
                       for k in (*MONEY_KEYS, "tidak_terinci")],
        per_funding=[{"sumber_dana": f, "rupiah": per_funding[f]} for f in sorted(per_funding)],
        arrears=_arrears(db, as_of, settings), gaps=_gaps(db, year, as_of, settings),
        incidents=by_kind, claims=claims,
        totals={"iuran_rupiah": total, "orang_bulan_terlindungi": person_months,
                "biaya_per_orang_bulan_rupiah": (2 * total + person_months) // (2 * person_months)
                if person_months else None,
                "kejadian": sum(k["kejadian"] for k in by_kind),
                "klaim_dibayar_rupiah": sum(c["dibayar_rupiah"] for c in claims)},
        rates_version=rules_from(settings).table.version,
    )  # fmt: skip

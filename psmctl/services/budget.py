"""Next year's iuran budget: what the active register will cost, month by month, from the rates in force.

Each person is budgeted as their latest payment line says (segment, programmes, declared income or wage, JKK risk
class, funding source), or as BPU JKK + JKM at Rp1.000.000 when nothing was paid yet; ``--funding`` puts everyone
under one funding source (the APBD request). Every iuran month of the year is priced by ``rates.expected``, the
function the ledger uses for its expected amounts, so every dated row applies where it applies: the JP wage cap
of the month (it changes on 1 March, IUR-11), the PP 50/2025 BPU discount only for funding outside APBN/APBD/APBDes
(IUR-12, setting ``rates.pp50_2025.excluded_funding``). ``--tambah N`` adds N people at the register's average
iuran of that month and programme (rounded half up per programme-month, IUR-06).

The rows used are named with their legal sources: the basis of the APBD request.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from psmctl.db import evaluation as edb
from psmctl.db import payments as dbp
from psmctl.db import snapshot
from psmctl.errors import InputError
from psmctl.rules import rates
from psmctl.rules.months import month_of, year_months
from psmctl.rules.payment_lines import parse_funding, rules_from
from psmctl.rules.settings import Settings

if TYPE_CHECKING:
    from sqlite_utils import Database

PROGRAMMES = rates.PROGRAMMES


@dataclass(frozen=True)
class Line:
    """What one person is budgeted as."""

    segment: str
    programmes: tuple[str, ...]
    income_rupiah: int
    funding: str
    risk_class: str


DEFAULT_LINE = Line("BPU", ("JKK", "JKM"), 1_000_000, "APBD", "I")


def register_lines(db: Database, *, unsur: list[str | None], funding: str | None) -> tuple[Counter[Line], int]:
    """(people per budget line, people) of the active register, optionally of some unsur only."""
    people: set[int] = set()
    for u in unsur or [None]:
        people.update(r[0] for r in dbp.register_roles(db, unsur=u))
    latest = edb.latest_lines(db) if people else {}
    lines: Counter[Line] = Counter()
    for vid in people:
        p = latest.get(vid)
        if p is not None:
            progs = tuple(x for x in PROGRAMMES if x in p.programs.split(","))
            line = Line(p.segment, progs, p.income_rupiah, funding or p.funding, p.risk_class or "I")
        else:
            line = replace(DEFAULT_LINE, funding=funding or DEFAULT_LINE.funding)
        lines[line] += 1
    return lines, len(people)


def _sources(table: rates.RateTable, ids: set[str]) -> list[dict[str, str]]:
    return [{"id": r.id, "source": r.source, "confidence": r.confidence} for r in table.all_rows() if r.id in ids]


def _month(table: rates.RateTable, month: str, lines: Counter[Line]) -> tuple[dict[str, int], Counter[str], set[str]]:
    """(per programme, per funding, row ids used) of one iuran month for the register."""
    per_prog: dict[str, int] = dict.fromkeys(PROGRAMMES, 0)
    per_funding: Counter[str] = Counter()
    used: set[str] = set()
    for line, n in sorted(lines.items(), key=lambda kv: repr(kv[0])):
        e = rates.expected(table, segment=line.segment, month=month, income_rupiah=line.income_rupiah,
                           programmes=line.programmes, funding=line.funding, risk_class=line.risk_class)  # fmt: skip
        for p, a in e.by_programme.items():
            per_prog[p] += a.payable_rupiah * n
            used.update(a.rate_ids)
            used.update(a.adjustments)
            if p == "JP":
                used.update(r.id for r in table.rows.get("jp_cap", ()) if r.holds(month))
        per_funding[line.funding] += e.total_rupiah * n
    return per_prog, per_funding, used


@snapshot
def build(
    db: Database, *, year: int, settings: Settings, tambah: int = 0, funding: str | None = None,
    unsur: list[str] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The budget of ``year``: per month, per programme and per funding source, with yearly totals and sources."""
    if tambah < 0:
        raise InputError("--tambah tidak boleh negatif")
    if funding is not None:
        funding = parse_funding(funding)
    table = rules_from(settings).table
    lines, people = register_lines(db, unsur=[*(unsur or [])], funding=funding)
    extra_funding = funding or (lines.most_common(1)[0][0].funding if lines else DEFAULT_LINE.funding)
    months, used = [], set()
    year_prog: Counter[str] = Counter()
    year_funding: Counter[str] = Counter()
    for month in year_months(year):
        per_prog, per_funding, ids = _month(table, month, lines)
        used |= ids
        if tambah:
            # the register's average; an empty register has none, so the additions are priced as the default line
            basis = per_prog
            if not people:
                basis, _, ids = _month(table, month, Counter({replace(DEFAULT_LINE, funding=extra_funding): 1}))
                used |= ids
            base = people or 1
            add = {p: (2 * tambah * basis[p] + base) // (2 * base) for p in PROGRAMMES}
            per_prog = {p: per_prog[p] + add[p] for p in PROGRAMMES}
            per_funding[extra_funding] += sum(add.values())
        total = sum(per_prog.values())
        months.append({"bulan": month, **{f"{p.lower()}_rupiah": per_prog[p] for p in PROGRAMMES},
                       "total_rupiah": total, "per_sumber_dana": dict(sorted(per_funding.items()))})  # fmt: skip
        year_prog.update(per_prog)
        year_funding.update(per_funding)
    return {
        "year": year, "orang": people, "tambah": tambah, "funding": funding, "unsur": list(unsur or []),
        "months": months,
        "total_per_program": {f"{p.lower()}_rupiah": year_prog[p] for p in PROGRAMMES},
        "total_per_sumber_dana": dict(sorted(year_funding.items())),
        "total_rupiah": sum(year_prog.values()),
        "rates_version": table.version, "sources": _sources(table, used),
        "notes": _notes(table, year, lines),
    }  # fmt: skip


def _notes(table: rates.RateTable, year: int, lines: Counter[Line]) -> list[str]:
    """Say when a figure of the year is carried over because its new value is not in the data yet."""
    out = []
    if any(line.segment == "PU" and "JP" in line.programmes for line in lines):
        caps = table.rows.get("jp_cap", ())
        march = month_of(date(year, 3, 1))
        row = next((r for r in caps if r.holds(march)), None)
        if row is not None and row.start < march:
            out.append(f"batas upah JP mulai 1 Maret {year} belum ada di data; dipakai {row.get('cap_rupiah')} "
                       f"({row.id}) untuk seluruh tahun")  # fmt: skip
    return out

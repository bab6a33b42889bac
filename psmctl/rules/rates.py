"""BPJS Ketenagakerjaan iuran figures looked up by iuran month, and the arithmetic on them (docs/rules.md).

Every figure lives in ``data/rates.toml`` with its period and legal source; this module holds the algorithms
only. Rates, caps, adjustments and due rules are looked up by the **iuran month** (never the payment date,
§4.8); benefit reference figures by the date of the event (§5.9). Money is integer rupiah and percentages are
integer basis points (IUR-04, IUR-05). The table refuses to load when two rows for the same key overlap
(IUR-16) or a row has no source.

Amounts (§4.9): per programme, the normal amount from the row in force for (segment, month), rounded half up
(:func:`apply_bp`); then each adjustment whose window holds the month and whose conditions match is applied to
the rounded amount and rounded again (IUR-06). The worker share is rounded the same way, and the employer share
is the programme amount minus the worker share.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from psmctl.errors import DataError, InputError
from psmctl.rules.months import add_months, first_day, last_day, month_index

if TYPE_CHECKING:
    from psmctl.rules.settings import Settings

PROGRAMMES = ("JKK", "JKM", "JHT", "JP")
SEGMENTS = ("BPU", "PU")


def apply_bp(base_rupiah: int, bp: int) -> int:
    """``base × bp / 10 000`` rounded half up to whole rupiah: ``(base × bp + 5000) // 10000``.

    docs/rules.md IUR-06 (setting ``rates.rounding = half_up_per_programme_month``): BPJS does not publish how it
    rounds, so psmctl rounds half up once per person, per programme, per iuran month; totals are sums of
    rounded amounts. Integer arithmetic only, so the result is exact for any base.

    >>> apply_bp(10_042_300, 300), apply_bp(9_600, 100), apply_bp(150, 5_000), apply_bp(149, 5_000)
    (301269, 96, 75, 75)
    """
    return (base_rupiah * bp + 5000) // 10000


@dataclass(frozen=True)
class Row:
    """One dated row of the rate table; ``start``/``end`` are inclusive ('YYYY-MM' or ISO dates; end None = open)."""

    table: str
    id: str
    key: tuple[str, ...]
    start: str
    end: str | None
    source: str
    confidence: str
    values: dict[str, Any] = field(compare=False)

    def holds(self, when: str) -> bool:
        """True when ``when`` (same kind as start) lies inside the row's period."""
        return self.start <= when and (self.end is None or when <= self.end)

    def get(self, name: str, default: Any = None) -> Any:
        """One value of the row."""
        return self.values.get(name, default)


# table name → (fields forming the key, True when keyed by event date rather than iuran month)
_TABLES: dict[str, tuple[tuple[str, ...], bool]] = {
    "rate": (("segment", "programme", "risk_class"), False),
    "jp_cap": ((), False),
    "min_income": (("segment",), False),
    "adjustment": (("segments", "programmes", "requires_flag"), False),
    "due_rule": (("segment",), False),
    "benefit": (("programme",), True),
}


def _period_text(value: Any, by_date: bool, where: str) -> str | None:
    if value in ("", None):
        return None
    if by_date:
        if not isinstance(value, date):
            raise DataError(f"{where}: tanggal harus berbentuk YYYY-MM-DD")
        return value.isoformat()
    text = str(value)
    month_index(text)  # validates
    return text


@dataclass(frozen=True)
class RateTable:
    """The loaded, checked rate table."""

    version: str
    rows: dict[str, tuple[Row, ...]]

    def all_rows(self) -> list[Row]:
        """Every row of every table (for `rates show` and the both-sides test)."""
        return [r for rows in self.rows.values() for r in rows]

    def _pick(self, table: str, key: tuple[str, ...], when: str, what: str) -> Row:
        for row in self.rows.get(table, ()):
            if row.key == key and row.holds(when):
                return row
        raise DataError(f"tidak ada data tarif {what} untuk {when} (data/rates.toml)")

    def rate(self, segment: str, programme: str, month: str, risk_class: str = "I") -> Row:
        """The rate row in force for an iuran month (JKK risk class only matters for PU)."""
        rc = risk_class if (segment == "PU" and programme == "JKK") else ""
        return self._pick("rate", (segment, programme, rc), month, f"{segment} {programme} {rc}".strip())

    def jp_cap(self, month: str) -> int:
        """JP wage cap in force for an iuran month (IUR-11)."""
        return int(self._pick("jp_cap", (), month, "batas upah JP").get("cap_rupiah"))

    def min_income(self, segment: str, month: str) -> int | None:
        """Minimum declared income for a segment, or None when the table has none."""
        for row in self.rows.get("min_income", ()):
            if row.key == (segment,) and row.holds(month):
                return int(row.get("min_rupiah"))
        return None

    def due_rule(self, segment: str, month: str) -> Row:
        """The due-date rule for an iuran month (COV-13)."""
        return self._pick("due_rule", (segment,), month, f"jatuh tempo {segment}")

    def adjustments(
        self, segment: str, programme: str, month: str, funding: str, flags: Iterable[str] = ()
    ) -> list[Row]:
        """Adjustments in force for the month that apply to this segment, programme and funding source."""
        flagset = set(flags)
        found = []
        for row in self.rows.get("adjustment", ()):
            if not row.holds(month) or segment not in row.get("segments") or programme not in row.get("programmes"):
                continue
            if funding.upper() in row.get("excluded_funding", []):
                continue
            if row.get("requires_flag") and row.get("requires_flag") not in flagset:
                continue
            found.append(row)
        return found

    def benefit(self, programme: str, on: date) -> Row | None:
        """Benefit reference figures for an event on a date, or None before the first row."""
        for row in self.rows.get("benefit", ()):
            if row.key == (programme,) and row.holds(on.isoformat()):
                return row
        return None

    def with_excluded_funding(self, adjustment_id: str, funding: Sequence[str]) -> RateTable:
        """A copy in which one adjustment's excluded funding sources are replaced (setting override)."""
        new_rows = dict(self.rows)
        adj = []
        for r in self.rows.get("adjustment", ()):
            if r.id == adjustment_id:
                values = {**r.values, "excluded_funding": [f.upper() for f in funding]}
                r = Row(r.table, r.id, r.key, r.start, r.end, r.source, r.confidence, values)
            adj.append(r)
        new_rows["adjustment"] = tuple(adj)
        return RateTable(self.version, new_rows)


def parse_table(raw: dict[str, Any], *, name: str = "rates.toml") -> RateTable:
    """Check and index a parsed rates file; raises DataError on a missing source or overlapping rows."""
    rows: dict[str, tuple[Row, ...]] = {}
    for table, (key_fields, by_date) in _TABLES.items():
        built: list[Row] = []
        for i, item in enumerate(raw.get(table, [])):
            where = f"{name} [[{table}]] #{i + 1} ({item.get('id', '?')})"
            if not item.get("id") or not str(item.get("source", "")).strip():
                raise DataError(f"{where}: setiap baris wajib punya id dan source")
            if item.get("confidence") not in ("H", "M", "L"):
                raise DataError(f"{where}: confidence harus H, M atau L")
            start = _period_text(item.get("effective_from"), by_date, where)
            end = _period_text(item.get("effective_to"), by_date, where)
            if start is None:
                raise DataError(f"{where}: effective_from wajib diisi")
            if end is not None and end < start:
                raise DataError(f"{where}: effective_to sebelum effective_from")
            key = tuple(",".join(v) if isinstance(v, list) else str(v) for v in (item.get(f, "") for f in key_fields))
            built.append(Row(table, str(item["id"]), key, start, end, str(item["source"]), item["confidence"], item))
        _check_overlaps(table, built, name)
        rows[table] = tuple(sorted(built, key=lambda r: (r.key, r.start)))
    return RateTable(str(raw.get("version", "")), rows)


def _check_overlaps(table: str, rows: list[Row], name: str) -> None:
    # IUR-16: adjustments overlap when they share a segment and a programme, whatever else they list.
    def clash(a: Row, b: Row) -> bool:
        if table == "adjustment":
            same = (
                set(a.get("segments")) & set(b.get("segments"))
                and set(a.get("programmes")) & set(b.get("programmes"))
                and a.get("requires_flag") == b.get("requires_flag")
            )
        else:
            same = a.key == b.key
        if not same:
            return False
        return (a.end is None or b.start <= a.end) and (b.end is None or a.start <= b.end)

    for i, a in enumerate(rows):
        for b in rows[i + 1 :]:
            if clash(a, b):
                raise DataError(f"{name} [[{table}]]: baris {a.id} dan {b.id} berlaku pada periode yang tumpang tindih")


@cache
def load() -> RateTable:
    """The packaged rate table (cached)."""
    text = resources.files("psmctl.data").joinpath("rates.toml").read_text("utf-8")
    return parse_table(tomllib.loads(text))


# --------------------------------------------------------------------------------------------------------
# Amounts


@dataclass(frozen=True)
class ProgrammeAmount:
    """Expected iuran of one programme for one person and iuran month."""

    programme: str
    normal_rupiah: int  # before adjustments
    payable_rupiah: int  # what must be paid now
    worker_rupiah: int  # PU: worker share of the payable amount; BPU: 0
    employer_rupiah: int  # PU: payable − worker; BPU: 0
    deferred_rupiah: int  # deferred (PP 49/2020 JP), still owed later
    adjustments: tuple[str, ...]
    rate_ids: tuple[str, ...]


@dataclass(frozen=True)
class Expected:
    """Expected iuran of one payment line for one iuran month (§4.9)."""

    month: str
    segment: str
    by_programme: dict[str, ProgrammeAmount]
    notes: tuple[tuple[str, str], ...]  # (code, Indonesian message), INFO level

    @property
    def total_rupiah(self) -> int:
        """Sum of payable amounts."""
        return sum(a.payable_rupiah for a in self.by_programme.values())

    def payable(self, programme: str) -> int:
        """Payable amount of one programme (0 when not on the line)."""
        a = self.by_programme.get(programme)
        return 0 if a is None else a.payable_rupiah


def programme_amount(
    table: RateTable,
    *,
    segment: str,
    programme: str,
    month: str,
    income_rupiah: int,
    funding: str,
    risk_class: str = "I",
    flags: Iterable[str] = (),
) -> ProgrammeAmount:
    """Expected amount of one programme for one iuran month (IUR-06, IUR-11, §4.6)."""
    row = table.rate(segment, programme, month, risk_class)
    method = row.get("method")
    rate_ids = [row.id]
    if method == "fixed":
        normal = int(row.get("amount_rupiah"))
        base = 0
    else:
        base = income_rupiah
        if method == "pct_of_capped_wage":
            base = min(income_rupiah, table.jp_cap(month))
        normal = apply_bp(base, int(row.get("rate_bp")))
        normal = max(normal, int(row.get("min_rupiah", 0)))
    worker_bp = int(row.get("worker_bp", 0))
    payable, deferred, applied = normal, 0, []
    for adj in table.adjustments(segment, programme, month, funding, flags):
        reduced = apply_bp(payable, int(adj.get("multiplier_bp")))
        if adj.get("deferred"):
            deferred += payable - reduced
        payable = reduced
        applied.append(adj.id)
    # Worker share: rounded like the programme (IUR-06); scaled by the same multipliers as the payable part.
    worker = apply_bp(base, worker_bp) if worker_bp else 0
    for adj_id in applied:
        adj = next(r for r in table.rows["adjustment"] if r.id == adj_id)
        worker = apply_bp(worker, int(adj.get("multiplier_bp")))
    employer = payable - worker if segment == "PU" else 0
    return ProgrammeAmount(programme, normal, payable, worker, employer, deferred, tuple(applied), tuple(rate_ids))


def expected(
    table: RateTable,
    *,
    segment: str,
    month: str,
    income_rupiah: int,
    programmes: Iterable[str],
    funding: str,
    risk_class: str = "I",
    flags: Iterable[str] = (),
) -> Expected:
    """Expected iuran of a payment line for one month; JKP is never computed (IUR-03)."""
    by: dict[str, ProgrammeAmount] = {}
    notes: list[tuple[str, str]] = []
    for p in programmes:
        if p == "JKP":
            notes.append(("IUR-03", "JKP tidak dihitung"))
            continue
        by[p] = programme_amount(
            table,
            segment=segment,
            programme=p,
            month=month,
            income_rupiah=income_rupiah,
            funding=funding,
            risk_class=risk_class,
            flags=flags,
        )
    if segment == "BPU" and "JKK" in by:
        minimum = table.min_income("BPU", month)
        if minimum is not None and income_rupiah > minimum:
            notes.append(
                (
                    "IUR-08",
                    "nominal JKK BPU di atas Rp1.000.000 belum diverifikasi terhadap Lampiran II PP 44/2015",
                )
            )
    return Expected(month, segment, by, tuple(notes))


# --------------------------------------------------------------------------------------------------------
# Working days and due dates


@dataclass(frozen=True)
class Calendar:
    """Non-working days for due dates (IUR-13): weekends, plus listed holidays for the years known."""

    holidays: frozenset[date]
    years: frozenset[int]

    def is_working_day(self, d: date) -> bool:
        """Monday-Friday and not a listed holiday."""
        return d.weekday() < 5 and d not in self.holidays

    def next_working_day(self, d: date) -> date:
        """``d`` itself when it is a working day, else the next one."""
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def unlisted(self, years: Iterable[int]) -> list[int]:
        """The years among these with no holiday list: their due dates move past weekends only (IUR-13 WARN)."""
        return sorted({y for y in years if y not in self.years})


def calendar_of(settings: Settings) -> Calendar:
    """The holiday calendar a database uses: the national list plus its calendar.extra_holidays."""
    return load_calendar(tuple(settings.calendar.extra_holidays))


def load_calendar(extra: Iterable[str] = ()) -> Calendar:
    """National holidays and cuti bersama from data/holidays.toml, plus local extra ISO dates."""
    return _calendar(tuple(extra))


@cache
def _calendar(extra: tuple[str, ...]) -> Calendar:
    raw = tomllib.loads(resources.files("psmctl.data").joinpath("holidays.toml").read_text("utf-8"))
    days: set[date] = set()
    years: set[int] = set()
    for y in raw.get("year", []):
        years.add(int(y["year"]))
        days.update(y["dates"])
    for text in extra:
        try:
            day = date.fromisoformat(str(text))
        except ValueError:
            raise InputError(
                f"calendar.extra_holidays: '{text}' bukan tanggal ISO (contoh: 2027-03-10); "
                "perbaiki dengan psmctl config set"
            ) from None
        days.add(day)
        years.add(day.year)  # the office has listed that year's days itself
    return Calendar(frozenset(days), frozenset(years))


def due_date(table: RateTable, segment: str, month: str, cal: Calendar) -> date:
    """Due date of an iuran month (COV-13): the rule's day, moved to the next working day (IUR-13)."""
    rule = table.due_rule(segment, month)
    target = add_months(month, int(rule.get("month_offset")))
    day = min(int(rule.get("day")), last_day(target).day)
    return cal.next_working_day(first_day(target).replace(day=day))

"""The one coverage path against a small reference model of the coverage rules (docs/rules.md §5), written here
from the rules text alone.

The model reads the rules literally, day by day and month by month, with none of the engine's shortcuts: BPU,
JKK + JKM at Rp16.800, default settings, the ledger known on the day asked. Random histories are made of payment
lines (a block of months paid on one day): advance payments, late payments, gaps long enough to lapse, prepaid
blocks reaching across a lapse date, and months paid twice. The register-wide path (coverage_reports.Histories,
what status, due, gaps, the summary and the exports read) must give the model's status, masa iur and arrears.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from psmctl.rules import coverage, membership, rates
from psmctl.rules.payment_lines import rules_from
from psmctl.rules.settings import Settings
from psmctl.services import coverage_reports

RATE = 16_800
CAL = rates.load_calendar()
TABLE = rates.load()


class Row(NamedTuple):
    month: tuple[int, int]  # (year, month)
    paid: date


def _add(m: tuple[int, int], k: int) -> tuple[int, int]:
    n = m[0] * 12 + m[1] - 1 + k
    return (n // 12, n % 12 + 1)


def _first(m: tuple[int, int]) -> date:
    return date(m[0], m[1], 1)


def _last(m: tuple[int, int]) -> date:
    return _first(_add(m, 1)) - timedelta(days=1)


def _month(d: date) -> tuple[int, int]:
    return (d.year, d.month)


def _due(m: tuple[int, int]) -> date:
    """COV-13 / §4.7: BPU by the 15th of the month itself, moved to the next working day (calendar data)."""
    return rates.due_date(TABLE, "BPU", f"{m[0]:04d}-{m[1]:02d}", CAL)


class Ms(NamedTuple):
    start: date
    first: tuple[int, int]
    lapse: date
    accepted: list[Row]


def model_memberships(rows: list[Row]) -> list[Ms]:
    """§5.3 as written: start, first month, lapse (COV-11, N = 3), accepted rows (COV-12)."""
    out: list[Ms] = []
    pool = list(rows)
    prev_lapse: date | None = None
    while pool:
        starts = []
        for d in {r.paid for r in pool}:  # a payment line = the rows paid on one day
            later = [r.month for r in pool if r.paid == d and r.month >= _month(d)]
            starts.append(max(d, _first(min(later))) if later else d)
        start = min(starts)
        if prev_lapse is not None and prev_lapse > start:
            start = prev_lapse
        first = _month(start)
        u = first
        while any(r.month in (u, _add(u, 1), _add(u, 2)) and r.paid <= _last(_add(u, 2)) for r in pool):
            u = _add(u, 1)
        lapse_month = _add(u, 3)
        lapse = _first(lapse_month)
        accepted = [
            r for r in pool if first <= r.month < lapse_month and r.paid < lapse and r.paid <= _last(_add(r.month, 2))
        ]
        out.append(Ms(start, first, lapse, accepted))
        pool = [r for r in pool if r.month >= lapse_month]
        prev_lapse = lapse
    return out


def model(rows: list[Row], x: date) -> tuple[str, int, tuple[tuple[str, int], ...]]:
    """(status §5.4, masa iur COV-15, arrears COV-14) on day x with the payments dated up to x."""
    known = [r for r in rows if r.paid <= x]
    started = [ms for ms in model_memberships(known) if ms.start <= x]
    if not started:
        return "BELUM_TERDAFTAR", 0, ()
    ms = started[-1]
    mx = _month(x)
    masa = len({r.month for r in ms.accepted if r.month <= mx and r.paid <= x})
    if ms.lapse <= x:
        return "NONAKTIF", masa, ()
    paid_months = {r.month for r in ms.accepted if r.paid <= x}
    status = "AKTIF" if mx in paid_months else "MENUNGGAK"
    arrears = []
    u = ms.first
    while u <= mx:
        if _due(u) < x and u not in paid_months:
            arrears.append((f"{u[0]:04d}-{u[1]:02d}", RATE))
        u = _add(u, 1)
    return status, masa, tuple(arrears)


# ---------------------------------------------------------------------------------------------------------
# Random histories

_M0 = (2024, 1)


@st.composite
def histories(draw: st.DrawFn) -> list[Row]:
    rows: list[Row] = []
    start = 0
    for _ in range(draw(st.integers(1, 5))):
        start += draw(st.integers(0, 8))  # gaps of up to 8 months: long enough to lapse
        months = draw(st.integers(1, 6))
        # from 40 days before the first month (an advance payment) to 100 days after it (late)
        paid = _first(_add(_M0, start)) + timedelta(days=draw(st.integers(-40, 100)))
        rows += [Row(_add(_M0, start + k), paid) for k in range(months)]
        if draw(st.booleans()) and draw(st.booleans()):  # now and then a month paid twice
            rows.append(Row(_add(_M0, start), paid + timedelta(days=draw(st.integers(0, 20)))))
        start += months
    return rows


days = st.integers(0, 1000).map(lambda n: date(2023, 12, 1) + timedelta(days=n))


def _paid(rows: list[Row]) -> list[membership.Paid]:
    return [
        membership.Paid(i + 1, f"{r.month[0]:04d}-{r.month[1]:02d}", r.paid, frozenset({"JKK", "JKM"}), RATE)
        for i, r in enumerate(rows)
    ]


@settings(max_examples=400, deadline=None)
@given(histories(), days)
def test_engine_agrees_with_the_reference_model(rows: list[Row], x: date) -> None:
    c = coverage.coverage_on(_paid(rows), x, rules=membership.Rules(), known_on=x)
    assert (c.status, c.masa_iur_bulan, c.arrears) == model(rows, x)


def test_model_reads_worked_example_21() -> None:
    rows = [Row((2025, m), date(2024, 12, 20)) for m in range(1, 7)]
    assert model(rows, date(2024, 12, 25)) == ("BELUM_TERDAFTAR", 0, ())
    assert model(rows, date(2025, 9, 20)) == ("MENUNGGAK", 6, (("2025-07", RATE), ("2025-08", RATE), ("2025-09", RATE)))
    assert model(rows, date(2025, 10, 1))[0] == "NONAKTIF"


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Database:
    from psmctl.db import open_db

    db = open_db(tmp_path_factory.mktemp("model") / "m.db")
    db.conn.executemany(
        "INSERT INTO volunteers(id, nik, nama) VALUES (?, ?, ?)",
        ((i, f"3571{i:012d}", f"Relawan {i}") for i in range(1, 7)),
    )
    db.conn.executemany(
        "INSERT INTO roles(volunteer_id, unsur, kelurahan, kecamatan, roster_key) VALUES (?, 'PSM', 'K', 'C', 'k')",
        ((i,) for i in range(1, 7)),
    )
    db.execute("INSERT INTO batches(id, kind, created_at) VALUES (1, 'payments', '2026-12-04T09:00:00+07:00')")
    db.conn.commit()
    return db


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(histories(), min_size=1, max_size=6), days)
def test_register_path_agrees_with_the_reference_model(register: Database, people: list[list[Row]], x: date) -> None:
    db = register
    db.execute("DELETE FROM payment_voids")
    db.execute("DROP TRIGGER IF EXISTS payments_append_only_delete")  # a scratch ledger, refilled per example
    db.execute("DELETE FROM payments")
    ledger_rows = []
    for vid, rows in enumerate(people, start=1):
        for i, r in enumerate(rows):
            ledger_rows.append((vid, "BPU", f"{r.month[0]:04d}-{r.month[1]:02d}", r.paid.isoformat(), 1_000_000,
                                "JKK,JKM", 10_000, 6_800, 0, 0, 0, RATE, RATE, "APBD", f"R{i}", f"t:{vid}:{i}", None,
                                None, None, 1, None, None, None))  # fmt: skip
    with db.conn:
        from psmctl.db import payments as dbp

        dbp.insert_payments(db, ledger_rows)
    rules = rules_from(Settings())
    hist = coverage_reports.Histories(db)
    answer = hist.each(lambda led: coverage.coverage_on(led, x, rules=rules, known_on=x))
    for vid, rows in enumerate(people, start=1):
        c = answer(vid)
        assert (c.status, c.masa_iur_bulan, c.arrears) == model(rows, x), vid
    status = coverage_reports.status_report(db, as_of=x, known_on=x, settings=Settings())
    got = {v["nik"]: (v["status"], v["masa_iur_bulan"]) for v in status["volunteers"]}
    for vid, rows in enumerate(people, start=1):
        assert got[f"3571{vid:012d}"] == model(rows, x)[:2]
    for vid in range(len(people) + 1, 7):
        assert got[f"3571{vid:012d}"] == ("BELUM_TERDAFTAR", 0)

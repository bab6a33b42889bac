"""rates.py: the dated rate table, rounding, amounts on both sides of every change, due dates."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from importlib import resources
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from psmctl.errors import DataError, InputError
from psmctl.rules import rates
from psmctl.rules.months import add_months

TABLE = rates.load()
CAL = rates.load_calendar()


def _raw() -> dict[str, Any]:
    return tomllib.loads(resources.files("psmctl.data").joinpath("rates.toml").read_text("utf-8"))


def _lookup(row: rates.Row, when: str) -> rates.Row | None:
    """The row of the same table and key in force at `when` (None if none)."""
    for other in TABLE.rows[row.table]:
        same = other.key == row.key
        if row.table == "adjustment":
            same = other.id == row.id
        if same and other.holds(when):
            return other
    return None


def _before(row: rates.Row) -> str:
    if row.table == "benefit":
        return (date.fromisoformat(row.start) - timedelta(days=1)).isoformat()
    return add_months(row.start, -1)


@pytest.mark.parametrize("row", TABLE.all_rows(), ids=lambda r: f"{r.table}:{r.id}")
def test_every_entry_on_both_sides_of_its_start(row: rates.Row) -> None:
    assert _lookup(row, row.start) is row
    assert _lookup(row, _before(row)) is not row
    assert row.source.strip() and row.confidence in ("H", "M", "L")


@pytest.mark.parametrize("row", [r for r in TABLE.all_rows() if r.end], ids=lambda r: f"{r.table}:{r.id}")
def test_every_closed_entry_ends_on_its_end(row: rates.Row) -> None:
    assert row.end is not None
    after = (
        (date.fromisoformat(row.end) + timedelta(days=1)).isoformat()
        if row.table == "benefit"
        else add_months(row.end, 1)
    )
    assert _lookup(row, row.end) is row
    assert _lookup(row, after) is not row


def test_overlapping_rows_fail_to_load() -> None:
    raw = _raw()
    raw["jp_cap"].append({**raw["jp_cap"][-1], "id": "JP-CAP-DUP", "effective_from": "2026-06"})
    with pytest.raises(DataError, match="tumpang tindih"):
        rates.parse_table(raw)


def test_overlapping_adjustments_fail_to_load() -> None:
    raw = _raw()
    raw["adjustment"].append({**raw["adjustment"][2], "id": "PP50_BIS", "programmes": ["JKM"]})
    with pytest.raises(DataError, match="PP50_BIS"):
        rates.parse_table(raw)


def test_row_without_source_fails_to_load() -> None:
    raw = _raw()
    raw["rate"][0] = {**raw["rate"][0], "source": " "}
    with pytest.raises(DataError, match="source"):
        rates.parse_table(raw)


def test_no_rate_before_the_first_row() -> None:
    with pytest.raises(DataError):
        TABLE.rate("BPU", "JKK", "2015-06")


@pytest.mark.parametrize(
    ("base", "bp", "expected"),
    [
        (1_000_000, 100, 10_000),
        (4_000_000, 24, 9_600),
        (9_600, 100, 96),  # PP 49/2020 on an already-rounded amount
        (10_042_300, 300, 301_269),
        (10_042_300, 100, 100_423),
        (1_234_550, 1, 123),  # 123.455 → 123
        (1_235_000, 1, 124),  # 123.5 → 124: half up
        (6_800, 5_000, 3_400),
        (15, 5_000, 8),  # 7.5 → 8
    ],
)
def test_apply_bp_rounds_half_up(base: int, bp: int, expected: int) -> None:
    assert rates.apply_bp(base, bp) == expected


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10_000))
def test_apply_bp_is_within_half_a_rupiah(base: int, bp: int) -> None:
    exact = base * bp / 10_000
    got = rates.apply_bp(base, bp)
    assert isinstance(got, int)
    assert -0.5 < got - exact <= 0.5 + 1e-9 * exact


def _bpu(month: str, funding: str = "APBD", programmes: tuple[str, ...] = ("JKK", "JKM")) -> int:
    return rates.expected(
        TABLE, segment="BPU", month=month, income_rupiah=1_000_000, programmes=programmes, funding=funding
    ).total_rupiah


# name / period / input / output, on both sides of every change of amount
@pytest.mark.parametrize(
    ("name", "month", "funding", "programmes", "total"),
    [
        ("BPU package first month", "2015-07", "APBD", ("JKK", "JKM"), 16_800),
        ("BPU with JHT", "2015-07", "APBD", ("JKK", "JKM", "JHT"), 36_800),
        ("before PP 49/2020", "2020-07", "APBD", ("JKK", "JKM"), 16_800),
        ("PP 49/2020 first month", "2020-08", "APBD", ("JKK", "JKM"), 168),
        ("PP 49/2020 last month", "2021-01", "APBD", ("JKK", "JKM"), 168),
        ("after PP 49/2020", "2021-02", "APBD", ("JKK", "JKM"), 16_800),
        ("PP 49/2020 JHT not relieved", "2020-09", "APBD", ("JKK", "JKM", "JHT"), 20_168),
        ("before PP 50/2025 mandiri", "2025-12", "MANDIRI", ("JKK", "JKM"), 16_800),
        ("PP 50/2025 first month mandiri", "2026-01", "MANDIRI", ("JKK", "JKM"), 8_400),
        ("PP 50/2025 last month mandiri", "2027-03", "MANDIRI", ("JKK", "JKM"), 8_400),
        ("after PP 50/2025 mandiri", "2027-04", "MANDIRI", ("JKK", "JKM"), 16_800),
        ("PP 50/2025 not for APBD", "2026-01", "APBD", ("JKK", "JKM"), 16_800),
        ("PP 50/2025 not for APBN", "2026-06", "APBN", ("JKK", "JKM"), 16_800),
        ("PP 50/2025 not for APBDes", "2026-06", "APBDES", ("JKK", "JKM"), 16_800),
        ("PP 50/2025 CSR discounted", "2026-06", "CSR", ("JKK", "JKM"), 8_400),
    ],
)
def test_bpu_amounts(name: str, month: str, funding: str, programmes: tuple[str, ...], total: int) -> None:
    assert _bpu(month, funding, programmes) == total, name


@pytest.mark.parametrize(
    ("month", "cap"),
    [
        ("2015-07", 7_000_000),
        ("2016-02", 7_000_000),
        ("2016-03", 7_335_300),
        ("2024-02", 9_559_600),
        ("2024-03", 10_042_300),
        ("2025-02", 10_042_300),
        ("2025-03", 10_547_400),
        ("2026-02", 10_547_400),
        ("2026-03", 11_086_300),
    ],
)
def test_jp_cap_changes_each_march(month: str, cap: int) -> None:
    assert TABLE.jp_cap(month) == cap


def test_pu_jp_cap_by_iuran_month() -> None:
    feb = rates.programme_amount(
        TABLE, segment="PU", programme="JP", month="2025-02", income_rupiah=10_500_000, funding="APBD"
    )
    assert (feb.payable_rupiah, feb.employer_rupiah, feb.worker_rupiah) == (301_269, 200_846, 100_423)


def test_pu_risk_classes() -> None:
    got = [
        rates.programme_amount(
            TABLE, segment="PU", programme="JKK", month="2025-01", income_rupiah=5_000_000, funding="APBD",
            risk_class=rc,
        ).payable_rupiah
        for rc in ("I", "II", "III", "IV", "V")  # pu.jkk_risk_class (data/setting_values.toml)
    ]  # fmt: skip
    assert got == [12_000, 27_000, 44_500, 63_500, 87_000]


def test_pp7_2025_needs_its_flag() -> None:
    plain = rates.programme_amount(
        TABLE, segment="PU", programme="JKK", month="2025-06", income_rupiah=5_000_000, funding="LAINNYA"
    )
    flagged = rates.programme_amount(
        TABLE, segment="PU", programme="JKK", month="2025-06", income_rupiah=5_000_000, funding="LAINNYA",
        flags=["industri_padat_karya"],
    )  # fmt: skip
    assert (plain.payable_rupiah, flagged.payable_rupiah) == (12_000, 6_000)


def test_bpu_income_above_minimum_is_one_percent_with_note() -> None:
    e = rates.expected(
        TABLE, segment="BPU", month="2025-01", income_rupiah=2_500_000, programmes=["JKK", "JKM"], funding="APBD"
    )
    assert e.payable("JKK") == 25_000
    assert any(code == "IUR-08" for code, _ in e.notes)


def test_excluded_funding_override() -> None:
    t = TABLE.with_excluded_funding("PP50_2025", ["APBN"])
    e = rates.expected(t, segment="BPU", month="2026-02", income_rupiah=1_000_000, programmes=["JKK"], funding="APBD")
    assert e.total_rupiah == 5_000


@pytest.mark.parametrize(
    ("segment", "month", "due"),
    [
        ("BPU", "2025-02", date(2025, 2, 17)),  # 15 Feb 2025 is a Saturday
        ("BPU", "2025-03", date(2025, 3, 17)),
        ("BPU", "2025-07", date(2025, 7, 15)),
        ("BPU", "2024-09", date(2024, 9, 17)),  # Sunday, then Maulid Nabi on Monday 16th
        ("PU", "2025-01", date(2025, 2, 17)),
        ("PU", "2020-07", date(2020, 8, 17)),  # last month before PP 49/2020 (weekends only: 2020 not listed)
        ("PU", "2020-10", date(2020, 11, 30)),  # PP 49/2020: 30th of M+1
        ("PU", "2021-01", date(2021, 3, 1)),  # 30 Feb does not exist: 28 Feb 2021 (Sunday) → Monday
        ("PU", "2021-02", date(2021, 3, 15)),
        ("BPU", "2026-05", date(2026, 5, 18)),  # Friday 15 May 2026: cuti bersama after Ascension Day
        ("PU", "2026-04", date(2026, 5, 18)),  # due 15 May 2026 as well: the same cuti bersama
    ],
)
def test_due_dates(segment: str, month: str, due: date) -> None:
    assert rates.due_date(TABLE, segment, month, CAL) == due


def test_benefits_by_event_date() -> None:
    old, new = TABLE.benefit("JKM", date(2019, 12, 1)), TABLE.benefit("JKM", date(2019, 12, 2))
    assert old is not None and new is not None
    assert (old.get("lump_sum_rupiah"), new.get("lump_sum_rupiah")) == (24_000_000, 42_000_000)
    assert (old.get("beasiswa_min_masa_iur"), new.get("beasiswa_min_masa_iur")) == (60, 36)


def test_years_without_a_holiday_list_are_named() -> None:
    """IUR-13: a year missing from the data is reported (weekends only), unless the office listed its own days."""
    assert CAL.unlisted([2024, 2025, 2026]) == []
    assert CAL.unlisted([2026, 2027, 2023]) == [2023, 2027]
    assert rates.load_calendar(("2027-03-10", "2027-03-11")).unlisted([2026, 2027]) == []
    assert rates.load_calendar(("2027-03-10",)).is_working_day(date(2027, 3, 10)) is False


def test_an_extra_holiday_that_is_not_a_date_is_one_clear_error() -> None:
    with pytest.raises(InputError, match="calendar.extra_holidays"):
        rates.load_calendar(("2027-02-30",))

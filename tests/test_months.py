"""Calendar arithmetic: iuran months as counters, months back from a day, whole years of age."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psmctl.errors import InputError
from psmctl.rules import months


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2025, 3, 31), 1, date(2025, 2, 28)),
        (date(2024, 5, 31), 3, date(2024, 2, 29)),
        (date(2025, 1, 15), 12, date(2024, 1, 15)),
        (date(2025, 1, 1), 13, date(2023, 12, 1)),
        (date(2025, 7, 31), 1, date(2025, 6, 30)),
    ],
)
def test_months_before_clamps_to_the_last_day(day: date, n: int, expected: date) -> None:
    assert months.months_before(day, n) == expected


@pytest.mark.parametrize(
    ("month", "n", "expected"),
    [("2025-12", 1, "2026-01"), ("2025-01", -1, "2024-12"), ("2025-03", 0, "2025-03"), ("2025-03", 25, "2027-04")],
)
def test_add_months_across_years(month: str, n: int, expected: str) -> None:
    assert months.add_months(month, n) == expected


@pytest.mark.parametrize("text", ["2025-13", "2025-00", "2025-3", "25-03", "maret", "2025/03", ""])
def test_month_index_refuses_what_is_not_an_iuran_month(text: str) -> None:
    with pytest.raises(InputError, match="bulan iuran"):
        months.month_index(text)


def test_first_and_last_day() -> None:
    assert (months.first_day("2024-02"), months.last_day("2024-02")) == (date(2024, 2, 1), date(2024, 2, 29))
    assert months.last_day("2025-02") == date(2025, 2, 28) and months.last_day("2025-12") == date(2025, 12, 31)


def test_year_months_are_the_twelve_iuran_months_of_the_year() -> None:
    assert months.year_months(2025)[:2] == ["2025-01", "2025-02"] and months.year_months(2025)[-1] == "2025-12"
    assert months.year_months(2025) == [months.month_of(date(2025, m, 1)) for m in range(1, 13)]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_a_dates_month_in_both_spellings(day: date) -> None:
    m = months.month_of(day)
    assert months.month_index(m) == months.index_of(day) and months.month_text(months.index_of(day)) == m
    assert months.first_day(m) <= day <= months.last_day(m)
    assert months.last_day(m) + timedelta(days=1) == months.first_day(months.add_months(m, 1))


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(1990, 8, 17), date(2026, 8, 16), 35),
        (date(1990, 8, 17), date(2026, 8, 17), 36),
        (date(2008, 2, 29), date(2025, 2, 28), 16),  # born 29 February: a year older on 1 March of a common year
        (date(2008, 2, 29), date(2025, 3, 1), 17),
        (date(2008, 2, 29), date(2024, 2, 29), 16),
    ],
)
def test_age_on_counts_whole_years(born: date, on: date, age: int) -> None:
    assert months.age_on(born, on) == age


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2020, 2, 29), 5, date(2025, 2, 28)),  # 29 February + 5 years = 28 February of the common year
        (date(2020, 2, 29), 1, date(2021, 2, 28)),
        (date(2020, 2, 29), 4, date(2024, 2, 29)),
        (date(2024, 2, 29), -17, date(2007, 2, 28)),
        (date(2021, 3, 1), 5, date(2026, 3, 1)),
    ],
)
def test_add_years_puts_29_february_on_the_28th_of_a_common_year(day: date, years: int, expected: date) -> None:
    assert months.add_years(day, years) == expected


@settings(max_examples=400, deadline=None)
@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)),
    on=st.dates(min_value=date(1950, 1, 1), max_value=date(2040, 12, 31)),
    years=st.integers(min_value=0, max_value=120),
)
def test_add_years_back_is_the_birth_bound_of_age_on(birth: date, on: date, years: int) -> None:
    """A birth-date bound replaces an age per row (roster age limits, NIK-07): younger than ``years`` on ``on``
    exactly when born after the same day ``years`` earlier."""
    assert (months.age_on(birth, on) < years) == (birth > months.add_years(on, -years))


@pytest.mark.parametrize("birth", [date(2008, 2, 28), date(2008, 2, 29), date(2008, 3, 1)])
def test_birth_bound_on_29_february(birth: date) -> None:
    on = date(2024, 2, 29)  # 16 years back is 2008 (leap); 17 years back is 2007 (common)
    for years in (16, 17):
        assert (months.age_on(birth, on) < years) == (birth > months.add_years(on, -years))


@pytest.mark.parametrize("index", [months.month_index("2024-02"), months.month_index("2025-12"), 0 + 12 * 1990])
def test_first_and_last_of_a_month_counter(index: int) -> None:
    text = months.month_text(index)
    assert (months.first_of(index), months.last_of(index)) == (months.first_day(text), months.last_day(text))

"""Calendar arithmetic, once: iuran months, months back from a day, years later, and whole years of age.

An iuran month is written ``YYYY-MM`` (§4.8: rates, caps and due rules are looked up by it). For arithmetic a month
is a counter, year × 12 + month − 1, so that "n months later" is an addition and the counter of a date's month is
comparable with the counter of an iuran month. Age is whole years: a person born 17 August is a year older on
17 August, and someone born 29 February on 1 March of a common year. The same day ``n`` years later is 28 February
for 29 February in a common year (a certificate of 29 Feb 2020 valid 5 years runs to 28 Feb 2025), so that
``age_on(birth, on) < n`` exactly when ``birth > add_years(on, -n)``. Pure: no clock, no SQL; take ``as_of``.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

from psmctl.errors import InputError


@lru_cache(maxsize=4096)
def month_index(month: str) -> int:
    """'2025-03' → a month counter (year × 12 + month − 1), for arithmetic on iuran months."""
    try:
        y, m = int(month[:4]), int(month[5:7])
    except ValueError:
        raise InputError(f"bulan iuran '{month}' tidak sah (contoh: 2025-03)") from None
    if len(month) != 7 or month[4] != "-" or not 1 <= m <= 12:
        raise InputError(f"bulan iuran '{month}' tidak sah (contoh: 2025-03)")
    return y * 12 + m - 1


def month_text(index: int) -> str:
    """The inverse of :func:`month_index`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def year_months(year: int) -> list[str]:
    """The twelve iuran months of a calendar year, 'YYYY-01' … 'YYYY-12'."""
    return [month_text(year * 12 + m) for m in range(12)]


def add_months(month: str, n: int) -> str:
    """'2025-12' + 1 → '2026-01'."""
    return month_text(month_index(month) + n)


def index_of(day: date) -> int:
    """The month counter of the month a date falls in."""
    return day.year * 12 + day.month - 1


def month_of(day: date) -> str:
    """'YYYY-MM' of a date."""
    return f"{day.year:04d}-{day.month:02d}"


def first_day(month: str) -> date:
    """First day of an iuran month."""
    return date(int(month[:4]), int(month[5:7]), 1)


def last_day(month: str) -> date:
    """Last day of an iuran month."""
    y, m = int(month[:4]), int(month[5:7])
    return date(y, m, calendar.monthrange(y, m)[1])


@lru_cache(maxsize=4096)
def first_of(index: int) -> date:
    """First day of the month with counter ``index`` (see :func:`month_index`)."""
    return date(index // 12, index % 12 + 1, 1)


@lru_cache(maxsize=4096)
def last_of(index: int) -> date:
    """Last day of the month with counter ``index``."""
    return first_of(index + 1) - timedelta(days=1)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to that month's last day (31 May − 3 → 28/29 Feb)."""
    year, month = divmod(index_of(day) - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (earlier when negative); 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def age_on(birth: date, on: date) -> int:
    """Whole years of age on a date (the one age function: roster checks, NIK-07, training, summaries)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))

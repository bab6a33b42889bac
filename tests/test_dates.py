"""dates.py: dates as kelurahan offices type them (docs/rules.md), always day first, never a crash."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from psmctl.rules import dates

AUG17 = date(1990, 8, 17)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17/08/1990", AUG17),
        ("17-08-1990", AUG17),
        ("17-8-90", AUG17),
        ("17.08.1990", AUG17),
        ("17 / 08 / 1990", AUG17),
        ("17 Agustus 1990", AUG17),
        ("17 AGUSTUS 1990", AUG17),
        ("17 Agt 1990", AUG17),
        ("17 Ags 1990", AUG17),
        ("17 Agu. 1990", AUG17),
        ("17-Agu-90", AUG17),
        ("17-Aug-1990", AUG17),
        ("17\u00a0Agustus\u00a01990", AUG17),
        ("1 Pebruari 1985", date(1985, 2, 1)),
        ("1 Februari 1985", date(1985, 2, 1)),
        ("3 Nop 1979", date(1979, 11, 3)),
        ("3 Nopember 1979", date(1979, 11, 3)),
        ("25 Des 2000", date(2000, 12, 25)),
        ("1 Mei 1970", date(1970, 5, 1)),
        ("9 Sept 1999", date(1999, 9, 9)),
        ("Jumat, 17 Agustus 1990", AUG17),
        ("Jum'at, 17-08-1990", AUG17),
        ("Senin 17 Agustus 1990", AUG17),  # the day name is ignored even when it is the wrong weekday
        ("Ahad, 3 Nop 1979", date(1979, 11, 3)),
        ("MINGGU 3 Nop 1979", date(1979, 11, 3)),
        ("1990-08-17", AUG17),
        ("1990-08-17 00:00:00", AUG17),
        ("1990/8/17", AUG17),
        ("17081990", AUG17),
        ("33102", AUG17),  # an Excel serial that arrived as text
        ("  17-08-1990  ", AUG17),
        ("17-08-1990 (35 Th)", AUG17),  # an age written after the date (a TTL/UMUR column)
        ("17-8-1990 / 35 th", AUG17),
        ("17 Agustus 1990, umur 35 tahun", AUG17),
        ("17/08/1990 usia 35 thn", AUG17),
        ("17 Agustus 1990.", AUG17),  # punctuation after the date
        ("17-08-1990,", AUG17),
        ("17 Agustus 1990;", AUG17),
        ("17 Agustus 1990 M", AUG17),  # the era, as letters write it
        ("17-08-1990 Masehi", AUG17),
        ("17 Agustus 1990 M.", AUG17),
    ],
)
def test_parse_date_text_forms(text: str, expected: date) -> None:
    assert dates.parse_date_text(text) == expected
    assert dates.parse_date_text(text, as_of=date(2026, 1, 15)) == expected


def test_a_year_followed_by_th_is_not_read_as_an_age() -> None:
    assert not isinstance(dates.parse_date_text("17 Agustus 1990 th"), date)  # "990 th" is no age to drop


def test_text_is_day_first_never_month_first() -> None:
    assert dates.parse_date_text("05/08/1990") == date(1990, 8, 5)
    assert dates.parse_date_text("12/01/2000") == date(2000, 1, 12)


@pytest.mark.parametrize(
    "cell",
    [
        pytest.param(33102, id="int"),
        pytest.param(33102.0, id="float"),
        pytest.param(33102.75, id="float-with-time"),
        pytest.param(date(1990, 8, 17), id="date"),
        pytest.param(datetime(1990, 8, 17, 14, 30), id="datetime"),
        pytest.param("17-08-1990", id="text"),
    ],
)
def test_parse_date_cell(cell: object) -> None:
    got = dates.parse_date_cell(cell)
    assert got == AUG17
    assert type(got) is date


@pytest.mark.parametrize("cell", [None, "", "   "])
def test_empty_cell_is_none(cell: object) -> None:
    assert dates.parse_date_cell(cell) is None


@pytest.mark.parametrize(("serial", "expected"), [(33102, AUG17), (61, date(1900, 3, 1)), (45672, date(2025, 1, 15))])
def test_excel_serial_to_date(serial: int, expected: date) -> None:
    assert dates.excel_serial_to_date(serial) == expected


def test_excel_serial_before_the_fictional_29_february_1900() -> None:
    assert dates.excel_serial_to_date(1) == date(1900, 1, 1)
    assert dates.excel_serial_to_date(59) == date(1900, 2, 28)


@pytest.mark.parametrize("serial", [0, -5, 2_958_466, float("nan"), float("inf")])
def test_excel_serial_out_of_range_is_a_reason(serial: float) -> None:
    got = dates.excel_serial_to_date(serial)
    assert isinstance(got, str) and "bukan nomor tanggal Excel" in got


def test_bool_cell_is_not_a_date() -> None:
    assert isinstance(dates.parse_date_cell(True), str)


@pytest.mark.parametrize(
    ("text", "in_reason"),
    [
        ("31-02-1990", "tidak ada di kalender"),
        ("29-02-1991", "tidak ada di kalender"),
        ("31/04/2000", "tidak ada di kalender"),
        ("00-08-1990", "tidak ada di kalender"),
        ("17-13-1990", "bulan 13"),
        ("17-00-1990", "bulan 0"),
        ("1990-02-30", "tidak ada di kalender"),
        ("17 Agustis 1990", "nama bulan 'agustis'"),
        ("kemarin", "bukan tanggal"),
        ("17-08", "bukan tanggal"),
        ("Senin", "tanggal kosong"),
    ],
)
def test_impossible_dates_are_reasons(text: str, in_reason: str) -> None:
    got = dates.parse_date_text(text)
    assert isinstance(got, str)
    assert in_reason in got
    cell = dates.parse_date_cell(text)
    assert isinstance(cell, str)


@pytest.mark.parametrize("text", ["31-02-1990", "17-13-1990", "29-02-1991"])
def test_reason_quotes_the_value(text: str) -> None:
    got = dates.parse_date_text(text)
    assert isinstance(got, str) and f"'{text}'" in got


def test_29_february_of_a_leap_year() -> None:
    assert dates.parse_date_text("29-02-1992") == date(1992, 2, 29)
    assert dates.parse_date_text("29-02-2000") == date(2000, 2, 29)
    assert isinstance(dates.parse_date_text("29-02-1900"), str)  # 1900 was not a leap year


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01-05-05", date(2005, 5, 1)),
        ("1 Mei 05", date(2005, 5, 1)),
        ("17-08-90", date(1990, 8, 17)),
        ("15-01-25", date(2025, 1, 15)),  # on the reference date itself
        ("16-01-25", date(1925, 1, 16)),  # the day after: would be in the future
    ],
)
def test_two_digit_year_takes_the_century_on_or_before_as_of(text: str, expected: date) -> None:
    assert dates.parse_date_text(text, as_of=date(2025, 1, 15)) == expected


def test_two_digit_year_2005_is_never_1905() -> None:
    for as_of in (date(2005, 5, 1), date(2025, 1, 15), date(2099, 12, 31)):
        assert dates.parse_date_text("01-05-05", as_of=as_of) == date(2005, 5, 1)


def test_two_digit_year_without_as_of_follows_the_c_rule() -> None:
    assert dates.parse_date_text("01-05-68") == date(2068, 5, 1)
    assert dates.parse_date_text("01-05-69") == date(1969, 5, 1)


def test_format_id() -> None:
    assert dates.format_id(date(1990, 8, 7)) == "07-08-1990"


# --- parse_month -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03", "2025-03"),
        ("2025-3", "2025-03"),
        ("03/2025", "2025-03"),
        ("3-2025", "2025-03"),
        ("Maret 2025", "2025-03"),
        ("MARET 2025", "2025-03"),
        ("Mar-25", "2025-03"),
        ("Mar 2025", "2025-03"),
        ("Nopember 2024", "2024-11"),
        ("Nop 2024", "2024-11"),
        ("Desember 2024", "2024-12"),
        (" Januari  2026 ", "2026-01"),
        (date(2025, 3, 17), "2025-03"),
        (datetime(2025, 3, 1, 10, 0), "2025-03"),
    ],
)
def test_parse_month_forms(value: object, expected: str) -> None:
    assert dates.parse_month(value) == expected


@pytest.mark.parametrize(
    "value", ["", "abc", "2025-13", "13/2025", "00/2025", "Maretan 2025", "2025", "Maret", "1899-12", None, 202503]
)
def test_parse_month_junk_raises_value_error(value: object) -> None:
    with pytest.raises(ValueError, match="tidak dikenali"):
        dates.parse_month(value)


# --- hypothesis ------------------------------------------------------------------------------------------------

FORMATS: list[Callable[[date], str]] = [
    lambda d: f"{d.day:02d}-{d.month:02d}-{d.year}",
    lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    lambda d: f"{d.day}-{d.month}-{d.year}",
    lambda d: f"{d.day} {dates.MONTH_NAMES[d.month - 1]} {d.year}",
    lambda d: f"{d.day:02d} {dates.MONTH_NAMES[d.month - 1].upper()} {d.year}",
    lambda d: f"{d.day:02d}-{dates.MONTH_NAMES[d.month - 1][:3]}-{d.year}",
    lambda d: d.isoformat(),
]


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(range(len(FORMATS))))
def test_every_format_round_trips(d: date, fmt: int) -> None:
    text = FORMATS[fmt](d)
    assert dates.parse_date_text(text) == d, text
    assert dates.parse_date_cell(text, as_of=date(2026, 1, 15)) == d, text


@given(st.dates(min_value=date(1926, 1, 16), max_value=date(2025, 1, 15)))
def test_two_digit_years_round_trip_within_a_century_of_as_of(d: date) -> None:
    text = f"{d.day:02d}-{d.month:02d}-{d.year % 100:02d}"
    assert dates.parse_date_text(text, as_of=date(2025, 1, 15)) == d


DATEISH = st.text(alphabet="0123456789-/. ,'AaBbEeGgIiJjMmNnOoPpRrSsTtUu\u00a0", max_size=24)


@given(st.one_of(DATEISH, st.from_regex(r"\A\d{1,4}[-/. ]\w{1,9}[-/. ]\d{1,4}\Z")))
def test_date_like_text_returns_date_or_reason(text: str) -> None:
    got = dates.parse_date_text(text, as_of=date(2025, 1, 15))
    assert isinstance(got, date | str)


@given(st.text())
@example("²²²²")
def test_any_text_returns_date_or_reason(text: str) -> None:
    assert isinstance(dates.parse_date_text(text), date | str)
    assert isinstance(dates.parse_date_cell(text), date | str | None)


@pytest.mark.parametrize("text", ["²²²²", "①②③④", "12³45"])
def test_superscript_digits_are_a_reason_not_a_crash(text: str) -> None:
    assert isinstance(dates.parse_date_text(text), str)


@given(st.one_of(st.integers(), st.floats(), st.none(), st.booleans(), st.dates(), st.datetimes()))
def test_any_cell_returns_date_reason_or_none(cell: object) -> None:
    got = dates.parse_date_cell(cell)
    assert got is None or isinstance(got, date | str)
    if isinstance(got, datetime):
        pytest.fail("a datetime must come back as a plain date")


@given(st.integers(0, 40), st.integers(0, 14), st.integers(1000, 2999), st.sampled_from("-/."), st.booleans())
def test_day_first_numeric_dates(dd: int, mm: int, yyyy: int, sep: str, padded: bool) -> None:
    text = f"{dd:02d}{sep}{mm:02d}{sep}{yyyy}" if padded else f"{dd}{sep}{mm}{sep}{yyyy}"
    try:
        expected: date | None = date(yyyy, mm, dd)
    except ValueError:
        expected = None
    got = dates.parse_date_text(text)
    if expected is not None:
        assert got == expected
    else:
        assert isinstance(got, str) and text in got

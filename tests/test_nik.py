"""nik.py: docs/rules.md — normalisation, Excel damage, decoding, the century rule and the worked examples."""

from __future__ import annotations

import doctest
from datetime import date, timedelta

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from psmctl.rules import nik, wilayah
from psmctl.rules.months import add_years, age_on
from psmctl.rules.nik import EXCEL_DAMAGED_MSG, InvalidNik, Nik

AS_OF = date(2026, 1, 15)  # the reference date of RULES §3.3


def _code(exc: pytest.ExceptionInfo[InvalidNik]) -> str:
    return exc.value.code


# --- RULES §3.3 worked examples -------------------------------------------------------------------------------

# (number as typed, sex, birth date, region status of digits 1-6 per NIK-04)
VALID_TEXT_EXAMPLES = [
    pytest.param("3571011708900001", "L", date(1990, 8, 17), "current", id="ex01-male-1990"),
    pytest.param("3571015708900002", "P", date(1990, 8, 17), "current", id="ex02-female-day57"),
    pytest.param("'3571 0101 0505 0003", "L", date(2005, 5, 1), "current", id="ex03-normalised-2005-not-1905"),
    pytest.param("3571991708900001", "L", date(1990, 8, 17), "unknown", id="ex09-region-unknown-warn"),
    pytest.param("9101011708900001", "L", date(1990, 8, 17), "historical", id="ex10-merauke-historical-info"),
]


@pytest.mark.parametrize(("typed", "sex", "born", "region_status"), VALID_TEXT_EXAMPLES)
def test_worked_example_valid(typed: str, sex: str, born: date, region_status: str) -> None:
    number, warning = nik.from_cell(typed)
    assert warning is None  # text cells carry no Excel warning
    n = nik.parse(number, as_of=AS_OF)
    assert (n.sex, n.birth_date, n.region, n.number) == (sex, born, number[:6], number)
    assert wilayah.nik_region_status(n.region)[0] == region_status


def test_example_03_normalised_text() -> None:
    assert nik.from_cell("'3571 0101 0505 0003") == ("3571010105050003", None)


def test_example_09_region_unknown_is_not_a_rejection() -> None:
    assert wilayah.nik_region_status("357199") == ("unknown", None)
    assert nik.parse("3571991708900001", as_of=AS_OF).serial == 1


def test_example_10_names_the_old_region() -> None:
    assert wilayah.nik_region_status("910101") == ("historical", "Merauke")


INVALID_TEXT_EXAMPLES = [
    pytest.param("3571013208900001", "NIK_DATE_INVALID", "angka hari 32", id="ex04-day-field-32"),
    pytest.param("3571016902910004", "NIK_DATE_INVALID", "29-02-91", id="ex05-29-feb-1991"),
    pytest.param("3571011708900000", "NIK_ZERO_SERIAL", "0000", id="ex06-serial-0000"),
    pytest.param("3571011708150001", "NIK_DATE_INVALID", "1915 → umur 110", id="ex11-neither-century-in-range"),
]


@pytest.mark.parametrize(("typed", "code", "in_message"), INVALID_TEXT_EXAMPLES)
def test_worked_example_invalid(typed: str, code: str, in_message: str) -> None:
    with pytest.raises(InvalidNik) as exc:
        nik.parse(typed, as_of=AS_OF)
    assert _code(exc) == code
    assert in_message in exc.value.message


def test_example_05_leap_year_variant_is_valid() -> None:
    n = nik.parse("3571016902920004", as_of=AS_OF)
    assert (n.sex, n.birth_date, n.serial) == ("P", date(1992, 2, 29), 4)


def test_example_11_message_shows_both_candidates() -> None:
    with pytest.raises(InvalidNik) as exc:
        nik.parse("3571011708150001", as_of=AS_OF)
    assert "2015 → umur 10" in exc.value.message and "1915 → umur 110" in exc.value.message


NUMERIC_EXAMPLES = [
    pytest.param(3571011708900000, id="ex07-int-16-digits-ending-0"),
    pytest.param(3571011708900000.0, id="ex07-float-16-digits-ending-0"),
    pytest.param(357101170890001, id="ex08-int-15-digits"),
    pytest.param(357101170890001.0, id="ex08-float-15-digits"),
    pytest.param("3.57101E+15", id="ex08-scientific-text"),
    pytest.param(9101011708900001, id="ex10-int-above-2**53"),
    pytest.param(9101011708900001.0, id="ex10-float-above-2**53"),
]


@pytest.mark.parametrize("cell", NUMERIC_EXAMPLES)
def test_worked_example_excel_damaged(cell: object) -> None:
    with pytest.raises(InvalidNik) as exc:
        nik.from_cell(cell)
    assert _code(exc) == "NIK_EXCEL_DAMAGED"
    assert exc.value.message == EXCEL_DAMAGED_MSG
    assert str(exc.value).startswith("NIK_EXCEL_DAMAGED: NIK rusak oleh Excel")


def test_example_12_decoded_fields_differ_from_the_roster_row() -> None:
    # The NIK-10 warnings themselves are the roster importer's; nik.py supplies the decoded fields it compares.
    n = nik.parse("3571015708900002", as_of=AS_OF, roster_birth=date(1990, 8, 18))
    assert n.sex == "P" and n.sex != "L"
    assert n.birth_date == date(1990, 8, 17) != date(1990, 8, 18)


# --- NIK-02: Excel damage judged by cell type -----------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        pytest.param(3571011708900010, id="int-ends-0"),
        pytest.param(3571011708900010.0, id="float-ends-0"),
        pytest.param(357101170890001, id="int-15-digits"),
        pytest.param("3.57101E+15", id="sci-dot"),
        pytest.param("3,57101E+15", id="sci-comma"),
        pytest.param("3.57101e+15", id="sci-lower"),
        pytest.param("3.57101E15", id="sci-no-plus"),
        pytest.param(" 3.57101E+15 ", id="sci-padded"),
        pytest.param(2**53, id="exactly-2**53"),
        pytest.param(9601011708900001, id="province-96-int"),
        pytest.param(357101170890000.5, id="float-with-fraction"),
        pytest.param("3571011708900000.0", id="float-text-ends-0"),
        pytest.param(float("inf"), id="inf"),
    ],
)
def test_nik02_excel_damage(cell: object) -> None:
    with pytest.raises(InvalidNik) as exc:
        nik.from_cell(cell)
    assert _code(exc) == "NIK_EXCEL_DAMAGED"
    assert "Format kolom NIK sebagai Teks" in exc.value.message


def test_nik02_scientific_text_is_damage_in_parse_too() -> None:
    with pytest.raises(InvalidNik) as exc:
        nik.parse("3,57101E+15", as_of=AS_OF)
    assert _code(exc) == "NIK_EXCEL_DAMAGED"


@pytest.mark.parametrize("cell", [3571011708900001, 3571011708900001.0, "3571011708900001.0"])
def test_nik02_clean_number_cell_accepted_with_warning(cell: object) -> None:
    assert nik.from_cell(cell) == ("3571011708900001", "NIK_NUMERIC_CELL")


def test_nik02_just_below_2_53_is_exact_and_accepted() -> None:
    # 2^53 - 1 = 9007199254740991: the largest integer a double holds exactly; 16 digits, not ending in 0.
    assert nik.from_cell(2**53 - 1) == ("9007199254740991", "NIK_NUMERIC_CELL")


@pytest.mark.parametrize("cell", [3571011708900001, 3571011708900001.0])
def test_nik02_numeric_ok_reject(cell: object) -> None:
    with pytest.raises(InvalidNik) as exc:
        nik.from_cell(cell, numeric_ok="reject")
    assert _code(exc) == "NIK_EXCEL_DAMAGED"


def test_nik02_text_cell_with_16_digits_ending_0_is_not_excel_damage() -> None:
    # A text cell keeps all 16 digits; a trailing 0 there is a real digit (the serial is checked by parse).
    assert nik.from_cell("3571011708900010") == ("3571011708900010", None)


@pytest.mark.parametrize("cell", [357101170890, 12345678901234567, -3571011708900001])
def test_number_cell_of_wrong_length_is_format_error(cell: int) -> None:
    with pytest.raises(InvalidNik) as exc:
        nik.from_cell(cell)
    assert _code(exc) in ("NIK_FORMAT", "NIK_EXCEL_DAMAGED")
    if cell == 357101170890:
        assert _code(exc) == "NIK_FORMAT" and "12 digit" in exc.value.message


def test_bool_cell_is_not_a_nik() -> None:
    with pytest.raises(InvalidNik) as exc:
        nik.from_cell(True)
    assert _code(exc) == "NIK_FORMAT"


# --- NIK-01: normalisation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "3571 0117 0890 0001",
        "3571\u00a00117\u00a00890\u00a00001",
        "3571.0117.0890.0001",
        "3571-0117-0890-0001",
        "'3571011708900001",
        "'3571 0117 0890 0001",
        "  3571011708900001\t",
        "35.71.01-170890 0001",
    ],
)
def test_nik01_normalisation(typed: str) -> None:
    assert nik.from_cell(typed) == ("3571011708900001", None)
    assert nik.parse(typed, as_of=AS_OF).number == "3571011708900001"
    assert nik.compact(typed) == "3571011708900001"


@pytest.mark.parametrize(
    "typed",
    [
        "357101170890OOO1",  # letter O for zero
        "357l011708900001",  # letter l for one
        "3571011708900001X",
        "NIK 3571011708900001",
        "３５７１０１１７０８９００００１",  # full-width digits are not ASCII digits
        "3571011708900001'",  # an apostrophe is stripped only when leading
    ],
)
def test_nik01_other_characters_are_rejected(typed: str) -> None:
    for call in (lambda: nik.from_cell(typed), lambda: nik.parse(typed, as_of=AS_OF)):
        with pytest.raises(InvalidNik) as exc:
            call()
        assert _code(exc) == "NIK_FORMAT"
        assert exc.value.message.startswith("NIK mengandung karakter selain angka: ")
        assert "3571" not in exc.value.message  # names the character and its place, never the NIK


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("357101170890OOO1", "huruf 'O' di digit ke-13, mungkin angka 0"),
        ("357l011708900001", "huruf 'l' di digit ke-4, mungkin angka 1"),
        ("3571011708900001X", "huruf 'X' di digit ke-17"),
        ("３５７１０１１７０８９００００１", "karakter '３' di digit ke-1"),
    ],
)
def test_nik01_the_rejection_names_the_first_character_and_its_place(typed: str, said: str) -> None:
    with pytest.raises(InvalidNik) as exc:
        nik.from_cell(typed)
    assert exc.value.message.endswith(said)


@pytest.mark.parametrize(("typed", "n"), [("357101170890001", 15), ("35710117089000011", 17), ("3571", 4)])
def test_nik01_wrong_length(typed: str, n: int) -> None:
    with pytest.raises(InvalidNik) as exc:
        nik.parse(typed, as_of=AS_OF)
    assert _code(exc) == "NIK_FORMAT"
    assert exc.value.message == f"NIK harus 16 digit (terbaca {n} digit)"


@pytest.mark.parametrize("cell", [None, "", "   ", "'", " - . "])
def test_empty_nik_is_missing(cell: object) -> None:
    with pytest.raises(InvalidNik) as exc:
        nik.from_cell(cell)
    assert _code(exc) == "NIK_MISSING"


# --- NIK-03 .. NIK-09 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["2071011708900001", "5471011708900001", "0071011708900001", "9771011708900001"])
def test_nik03_unknown_province(typed: str) -> None:
    with pytest.raises(InvalidNik) as exc:
        nik.parse(typed, as_of=AS_OF)
    assert _code(exc) == "NIK_PROVINCE_UNKNOWN"
    assert exc.value.message == f"kode provinsi NIK tidak dikenal ({typed[:2]})"


@pytest.mark.parametrize("prov", ["11", "21", "36", "65", "76", "82", "91", "96"])
def test_nik03_known_provinces_pass(prov: str) -> None:
    assert nik.parse(f"{prov}71011708900001", as_of=AS_OF).region == f"{prov}7101"


def test_nik03_province_list_can_be_given() -> None:
    with pytest.raises(InvalidNik) as exc:
        nik.parse("3571011708900001", as_of=AS_OF, provinces={"31"})
    assert _code(exc) == "NIK_PROVINCE_UNKNOWN"


@pytest.mark.parametrize("dd", ["00", "32", "40", "72", "81", "91", "99"])
def test_nik05_invalid_day_fields(dd: str) -> None:
    # python-stdnum takes the day modulo 40, so 81-91 would pass there; here they must not.
    with pytest.raises(InvalidNik) as exc:
        nik.parse(f"357101{dd}08900001", as_of=AS_OF)
    assert _code(exc) == "NIK_DATE_INVALID"


@pytest.mark.parametrize(("dd", "sex", "day"), [("01", "L", 1), ("31", "L", 31), ("41", "P", 1), ("71", "P", 31)])
def test_nik05_day_field_bounds(dd: str, sex: str, day: int) -> None:
    n = nik.parse(f"357101{dd}01900001", as_of=AS_OF)
    assert (n.sex, n.birth_date) == (sex, date(1990, 1, day))


@pytest.mark.parametrize("mm", ["00", "13", "99"])
def test_nik06_month(mm: str) -> None:
    with pytest.raises(InvalidNik) as exc:
        nik.parse(f"35710117{mm}900001", as_of=AS_OF)
    assert _code(exc) == "NIK_DATE_INVALID"
    assert f"bulan lahir pada NIK tidak sah ({mm})" == exc.value.message


@pytest.mark.parametrize("typed", ["3571013104900001", "3571017104900001", "3571013002900001"])
def test_nik08_day_checked_after_removing_40(typed: str) -> None:
    with pytest.raises(InvalidNik) as exc:  # 31 April (male / female), 30 February
        nik.parse(typed, as_of=AS_OF)
    assert _code(exc) == "NIK_DATE_INVALID"


@pytest.mark.parametrize(
    ("typed", "as_of", "born"),
    [
        ("3571010105050003", date(2026, 1, 15), date(2005, 5, 1)),
        ("3571010105050003", date(2025, 1, 15), date(2005, 5, 1)),
        ("3571010101000001", date(2026, 1, 15), date(2000, 1, 1)),
        ("3571011501090001", date(2026, 1, 15), date(2009, 1, 15)),  # exactly 17 on the reference date
        ("3571011601260001", date(2026, 1, 15), date(1926, 1, 16)),  # 99; 2026-01-16 is in the future
    ],
)
def test_nik07_century(typed: str, as_of: date, born: date) -> None:
    assert nik.parse(typed, as_of=as_of).birth_date == born


def test_nik07_2005_is_never_1905() -> None:
    for as_of in (date(2022, 5, 1), date(2025, 1, 15), date(2026, 1, 15), date(2104, 4, 30)):
        assert nik.parse("3571010105050003", as_of=as_of).birth_date.year == 2005


@pytest.mark.parametrize(
    "typed",
    [
        "3571011601090001",  # 2009-01-16: 16 on the reference date; 1909 → 117
        "3571011501260001",  # 1926-01-15: 100 on the reference date; 2026-01-15 → 0
    ],
)
def test_nik07_age_range_bounds(typed: str) -> None:
    with pytest.raises(InvalidNik) as exc:
        nik.parse(typed, as_of=AS_OF)
    assert _code(exc) == "NIK_DATE_INVALID"
    assert "tidak masuk akal" in exc.value.message


def test_nik07_two_candidates_take_the_roster_date_else_the_older() -> None:
    wide = (0, 200)
    assert nik.parse("3571010105050003", as_of=AS_OF, age_range=wide).birth_date == date(1905, 5, 1)
    chosen = nik.parse("3571010105050003", as_of=AS_OF, age_range=wide, roster_birth=date(2005, 5, 1))
    assert chosen.birth_date == date(2005, 5, 1)


def test_nik09_serial_bounds() -> None:
    assert nik.parse("3571011708909999", as_of=AS_OF).serial == 9999
    assert nik.parse("3571011708900001", as_of=AS_OF).serial == 1


def test_format_nik_adds_40_for_women() -> None:
    assert nik.format_nik("357101", date(1990, 8, 17), "P", 2) == "3571015708900002"
    assert nik.format_nik("357101", date(2005, 5, 1), "L", 3) == "3571010105050003"


# --- doctests --------------------------------------------------------------------------------------------------


def test_module_doctests() -> None:
    result = doctest.testmod(nik, verbose=False)
    assert result.attempted >= 3
    assert result.failed == 0


# --- hypothesis ------------------------------------------------------------------------------------------------

REAL_KECAMATAN = ["357101", "357102", "357103", "350601", "317305", "360328", "110101", "910101", "960101"]


@st.composite
def valid_nik_fields(draw: st.DrawFn) -> tuple[date, str, date, str, int]:
    as_of = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2120, 12, 31)))
    # The NIK encodes 19YY or 20YY only: a birth outside 1900..2099 cannot be written.
    lo = max(add_years(as_of, -100) + timedelta(days=2), date(1900, 1, 1))
    hi = min(add_years(as_of, -17), date(2099, 12, 31))
    born = draw(st.dates(min_value=lo, max_value=hi))
    assume(17 <= age_on(born, as_of) <= 99)
    region = draw(st.sampled_from(REAL_KECAMATAN))
    sex = draw(st.sampled_from(["L", "P"]))
    serial = draw(st.integers(min_value=1, max_value=9999))
    return as_of, region, born, sex, serial


@given(valid_nik_fields())
def test_parse_inverts_format_nik(fields: tuple[date, str, date, str, int]) -> None:
    as_of, region, born, sex, serial = fields
    number = nik.format_nik(region, born, sex, serial)
    assert len(number) == 16 and number.isdigit()
    assert nik.parse(number, as_of=as_of) == Nik(number, region, born, sex, serial)
    assert nik.from_cell(number) == (number, None)


@given(
    st.integers(0, 75),
    st.integers(0, 13),
    st.integers(0, 99),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2120, 12, 31)),
    st.integers(0, 30),
    st.integers(40, 130),
)
@example(29, 2, 4, date(2025, 2, 28), 17, 99)  # born 29-02: a 17th birthday that falls on 28 February or 1 March
@example(29, 2, 8, date(2025, 2, 28), 17, 99)
def test_birth_century_is_the_one_with_an_age_in_range(
    dd: int, mm: int, yy: int, as_of: date, youngest: int, oldest: int
) -> None:
    """NIK-07 judged by ages (age_on), whatever the decoder compares internally."""
    number = f"357101{dd:02d}{mm:02d}{yy:02d}0001"
    day = dd - 40 if dd > 40 else dd
    births = []
    for century in (1900, 2000):
        try:
            births.append(date(century + yy, mm, day))
        except ValueError:
            continue
    fits = [b for b in births if b <= as_of and youngest <= age_on(b, as_of) <= oldest]
    try:
        got = nik.Decoder(as_of, (youngest, oldest), {"35"}).parse(number)
    except InvalidNik as e:
        assert not fits and e.code == "NIK_DATE_INVALID"
    else:
        assert fits and got.birth_date == min(fits)


NIKISH = st.text(alphabet="0123456789 .-',eE+\u00a0Ol", max_size=24)


@given(st.one_of(st.text(), NIKISH, st.from_regex(r"\A[0-9]{16}\Z")))
def test_parse_any_text_parses_or_raises_invalid_nik(text: str) -> None:
    try:
        n = nik.parse(text, as_of=AS_OF)
    except InvalidNik as e:
        assert e.code in {
            "NIK_MISSING",
            "NIK_FORMAT",
            "NIK_EXCEL_DAMAGED",
            "NIK_PROVINCE_UNKNOWN",
            "NIK_DATE_INVALID",
            "NIK_ZERO_SERIAL",
        }
        assert "\n" not in str(e)
    else:
        assert len(n.number) == 16 and n.number.isascii() and n.number.isdigit()
        assert n.sex in ("L", "P") and 1 <= n.serial <= 9999


def _check_from_cell(cell: object) -> None:
    try:
        number, warning = nik.from_cell(cell)
    except InvalidNik:
        return
    assert len(number) == 16 and number.isascii() and number.isdigit(), (cell, number)
    assert warning in (None, "NIK_NUMERIC_CELL")
    if isinstance(cell, int | float):
        assert warning == "NIK_NUMERIC_CELL" and not number.endswith("0") and int(number) < 2**53


@given(
    st.one_of(
        st.integers(min_value=0),
        st.floats(min_value=0),
        st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not x < 0),
        st.text(),
        NIKISH,
        st.integers(10**14, 10**17),
    )
)
def test_from_cell_any_value_returns_digits_or_raises_invalid_nik(cell: object) -> None:
    _check_from_cell(cell)


@given(st.one_of(st.integers(), st.floats()))
@example(-100000000000001)
def test_from_cell_any_number_including_negative(cell: object) -> None:
    _check_from_cell(cell)


@pytest.mark.parametrize("cell", [-357101170890001, -357101170890001.0])
def test_from_cell_negative_number_is_rejected(cell: object) -> None:
    with pytest.raises(InvalidNik):
        nik.from_cell(cell)


def test_from_cell_huge_int_raises_invalid_nik() -> None:
    with pytest.raises(InvalidNik):
        nik.from_cell(10**5000)

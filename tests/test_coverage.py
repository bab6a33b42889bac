"""coverage.py: every worked example of docs/rules.md, the settings that change them, and property tests."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from psmctl.rules import coverage, rates
from psmctl.rules.membership import Config, Paid, Rules
from psmctl.rules.months import add_months, first_day, month_index

RULES = Rules()
D = date.fromisoformat
_ids = itertools.count(1)


def line(months: str, paid_on: str, *, each: int = 16_800, programs: str = "JKK,JKM", **kw: object) -> list[Paid]:
    """`2025-01..2025-03@2025-01-20` as one Paid per month (each month its share of the line)."""
    first, _, last = months.partition("..")
    last = last or first
    out = []
    m = first
    while m <= last:
        out.append(
            Paid(
                id=next(_ids),
                month=m,
                paid_on=D(paid_on),
                programs=frozenset(programs.split(",")),
                amount_rupiah=each,
                **kw,  # type: ignore[arg-type]
            )
        )
        m = add_months(m, 1)
    return out


def on(payments: list[Paid], day: str, rules: Rules = RULES) -> coverage.Coverage:
    return coverage.coverage_on(payments, D(day), rules=rules)


def expected_total(segment: str, month: str, income: int, programs: str, funding: str = "APBD") -> rates.Expected:
    return rates.expected(
        RULES.table, segment=segment, month=month, income_rupiah=income, programmes=programs.split(","), funding=funding
    )


# ---------------------------------------------------------------------------------------------------------
# docs/rules.md, one test per example


def test_example_01_covered_on_payment_day() -> None:
    c = on(line("2025-03", "2025-03-10"), "2025-03-10")
    assert (c.status, c.masa_iur_bulan) == ("AKTIF", 1)
    assert c.programs["JKK"].covered and c.programs["JKK"].covered_from == D("2025-03-10")
    b = coverage.benefits(RULES.table, D("2025-03-10"), c.masa_iur_bulan, 1_000_000)
    assert b["JKK"]["meninggal_rupiah"] == 48_000_000
    assert b["JKK"]["beasiswa_berhak"] is True  # no masa iur minimum for JKK beasiswa


def test_example_02_day_before_payment() -> None:
    c = on(line("2025-03", "2025-03-10"), "2025-03-09")
    assert c.status == "BELUM_TERDAFTAR"
    assert not c.programs["JKK"].covered


def test_example_03_jkm_days_after_joining() -> None:
    c = on(line("2025-03", "2025-03-10"), "2025-03-14")
    assert c.status == "AKTIF" and c.programs["JKM"].covered
    b = coverage.benefits(RULES.table, D("2025-03-14"), c.masa_iur_bulan, 1_000_000)
    assert b["JKM"]["santunan_rupiah"] == 42_000_000
    assert b["JKM"]["beasiswa_berhak"] is False


def test_example_04_paid_later_in_the_month() -> None:
    ps = line("2025-02", "2025-02-05") + line("2025-03", "2025-03-10")
    c = on(ps, "2025-03-09")
    assert (c.status, c.detail) == ("MENUNGGAK", "BELUM_JATUH_TEMPO")
    assert not c.programs["JKK"].covered
    assert c.arrears_rupiah == 0
    jkk = c.programs["JKK"]
    assert (jkk.covered_from, jkk.covered_to) == (None, None)  # a day without cover shows no interval (issue 21)
    assert jkk.covered_again_from == D("2025-03-10")
    assert "setelah tanggal kejadian 2025-03-09" in jkk.reason and "terlindungi lagi mulai 2025-03-10" in jkk.reason
    assert on(ps, "2025-03-10").programs["JKK"].covered


def test_example_05_prepaid_year() -> None:
    ps = line("2025-01..2025-12", "2025-01-20")
    assert on(ps, "2025-01-19").status == "BELUM_TERDAFTAR"
    c = on(ps, "2025-08-31")
    assert (c.status, c.masa_iur_bulan) == ("AKTIF", 8)
    assert c.programs["JKK"].covered_to == D("2025-12-31")


def test_example_06_thirteen_months_is_an_error() -> None:
    from psmctl.rules.payment_lines import check_line

    problems = check_line(
        segment="BPU",
        months=[add_months("2025-01", i) for i in range(13)],
        paid_on=D("2025-01-20"),
        programs=["JKK", "JKM"],
        income_rupiah=1_000_000,
        table=RULES.table,
        config_max_months=12,
        config_max_ahead=12,
    )
    assert [p[1] for p in problems if p[0] == "error"] == ["COV-09"]


def test_example_07_late_month_counts_for_masa_iur_only() -> None:
    ps = line("2025-01", "2025-01-06") + line("2025-02..2025-03", "2025-03-03")
    c = on(ps, "2025-02-20")
    assert (c.status, c.detail) == ("MENUNGGAK", "LEWAT_JATUH_TEMPO")
    assert not c.programs["JKK"].covered
    assert c.arrears == (("2025-02", 16_800),)
    assert on(ps, "2025-03-31").masa_iur_bulan == 3


def test_example_08_arrears_paid_inside_the_window() -> None:
    ps = line("2025-01", "2025-01-06") + line("2025-02..2025-04", "2025-04-08")
    c = on(ps, "2025-03-20")
    assert c.status == "MENUNGGAK" and c.arrears_rupiah == 33_600
    c = on(ps, "2025-04-08")
    assert c.status == "AKTIF" and c.membership_start == D("2025-01-06")
    assert on(ps, "2025-04-30").masa_iur_bulan == 4


def _first_half_2024() -> list[Paid]:
    return [p for m in range(1, 7) for p in line(f"2024-{m:02d}", f"2024-{m:02d}-05")]


def test_example_09_lapse_after_three_unpaid_months() -> None:
    ps = _first_half_2024()
    c = on(ps, "2024-09-25")
    assert c.status == "MENUNGGAK" and c.arrears_rupiah == 50_400
    c = on(ps, "2024-10-01")
    assert c.status == "NONAKTIF" and c.lapse_on == D("2024-10-01")
    assert c.arrears == ()


def test_example_10_rejoin_restarts_masa_iur() -> None:
    late = line("2024-07..2024-10", "2024-10-07")
    c = on(_first_half_2024() + late, "2024-10-07")
    assert c.status == "AKTIF" and c.membership_start == D("2024-10-07")
    c = on(_first_half_2024() + late, "2024-10-31")
    assert (c.masa_iur_bulan, c.masa_iur_total_bulan) == (1, 7)
    warned = {f.month for f in c.findings if f.code == "COV-12"}
    assert warned == {"2024-07", "2024-08", "2024-09"}
    assert sum(p.amount_rupiah for p in late if p.month in warned) == 50_400


def test_example_11_pp50_2025_for_mandiri() -> None:
    assert expected_total("BPU", "2026-02", 1_000_000, "JKK,JKM", "MANDIRI").total_rupiah == 8_400
    e = expected_total("BPU", "2026-02", 1_000_000, "JKK,JKM", "MANDIRI")
    assert (e.payable("JKK"), e.payable("JKM")) == (5_000, 3_400)
    assert expected_total("BPU", "2026-02", 1_000_000, "JKK,JKM,JHT", "MANDIRI").total_rupiah == 28_400
    assert expected_total("BPU", "2027-04", 1_000_000, "JKK,JKM", "MANDIRI").total_rupiah == 16_800
    assert expected_total("BPU", "2027-04", 1_000_000, "JKK,JKM,JHT", "MANDIRI").total_rupiah == 36_800


def test_example_12_apbd_underpayment_warns_but_counts() -> None:
    from psmctl.rules.payment_lines import amount_check

    expected = expected_total("BPU", "2026-02", 1_000_000, "JKK,JKM", "APBD").total_rupiah
    assert expected == 16_800
    assert amount_check(8_400, expected, "2026-02") == (
        "AMOUNT_MISMATCH",
        "kurang bayar Rp8.400 untuk bulan iuran 2026-02",
    )
    c = on(line("2026-02", "2026-02-03", each=8_400), "2026-02-10")
    assert c.status == "AKTIF" and c.programs["JKK"].covered


def test_example_13_jp_cap_by_iuran_month() -> None:
    for month, total, employer, worker in [
        ("2025-02", 301_269, 200_846, 100_423),
        ("2025-03", 315_000, 210_000, 105_000),
    ]:
        a = rates.programme_amount(
            RULES.table, segment="PU", programme="JP", month=month, income_rupiah=10_500_000, funding="APBD"
        )
        assert (a.payable_rupiah, a.employer_rupiah, a.worker_rupiah) == (total, employer, worker)


def test_example_14_pp49_2020_relief_window() -> None:
    e = expected_total("BPU", "2020-09", 1_000_000, "JKK,JKM")
    assert (e.payable("JKK"), e.payable("JKM"), e.total_rupiah) == (100, 68, 168)
    assert expected_total("BPU", "2021-02", 1_000_000, "JKK,JKM").total_rupiah == 16_800


def test_example_15_pu_during_pp49_2020() -> None:
    e = expected_total("PU", "2020-10", 4_000_000, "JKK,JKM,JHT,JP")
    jkk, jkm, jp = e.by_programme["JKK"], e.by_programme["JKM"], e.by_programme["JP"]
    assert (jkk.normal_rupiah, jkk.payable_rupiah) == (9_600, 96)
    assert (jkm.normal_rupiah, jkm.payable_rupiah) == (12_000, 120)
    assert e.payable("JHT") == 228_000
    assert (jp.payable_rupiah, jp.deferred_rupiah) == (1_200, 118_800)
    assert e.total_rupiah == 229_416
    assert rates.due_date(RULES.table, "PU", "2020-10", RULES.calendar) == D("2020-11-30")


def test_example_16_pks_start_date() -> None:
    kw: dict[str, object] = {"pks_no": "PKS/12/2024", "pks_start": D("2025-01-01")}
    with_pks = line("2025-01..2025-12", "2025-02-10", **kw)
    c = on(with_pks, "2025-01-15")
    assert c.status == "AKTIF" and c.programs["JKK"].covered
    assert "mulai sesuai PKS no. PKS/12/2024" in c.programs["JKK"].reason
    assert on(with_pks, "2025-02-28").masa_iur_bulan == 2
    plain = line("2025-01..2025-12", "2025-02-10")
    assert on(plain, "2025-01-15").status == "BELUM_TERDAFTAR"
    c = on(plain, "2025-02-10")
    assert c.programs["JKK"].covered_from == D("2025-02-10")
    assert [f.month for f in c.findings if f.code == "COV-START"] == ["2025-01"]
    assert on(plain, "2025-02-28").masa_iur_bulan == 1
    off = Rules(config=Config(pks_override=False))
    assert on(with_pks, "2025-01-15", off).status == "BELUM_TERDAFTAR"


def test_example_17_ends_next_month_and_cost_to_extend() -> None:
    ps = line("2025-01..2025-06", "2025-01-08")
    jkk = coverage.coverage_on(ps, D("2025-05-20"), rules=RULES, known_on=D("2025-05-20")).programs["JKK"]
    end = jkk.covered_to  # what the summary's jkk_sampai column shows
    assert jkk.covered and end == D("2025-06-30")
    assert end.month == 6  # falls in the next calendar month after 2025-05: listed as "habis bulan depan"
    cost = sum(expected_total("BPU", f"2025-{m:02d}", 1_000_000, "JKK,JKM").total_rupiah for m in range(7, 13))
    assert cost == 100_800
    assert end + timedelta(days=1) == D("2025-07-01")  # pay on or before this day to avoid uncovered days
    assert RULES.due("BPU", month_index("2025-07")) == D("2025-07-15")


def test_example_18_programmes_on_a_bpu_line() -> None:
    from psmctl.rules.payment_lines import check_line

    c = on(line("2025-03", "2025-03-05"), "2025-03-20")
    assert [c.programs[p].covered for p in ("JKK", "JKM", "JHT", "JP")] == [True, True, False, False]
    assert "tidak berlaku" in c.programs["JP"].reason
    assert "tidak mencakup JHT" in c.programs["JHT"].reason
    problems = check_line(
        segment="BPU", months=["2025-03"], paid_on=D("2025-03-05"), programs=["JKK", "JKM", "JP"],
        income_rupiah=1_000_000, table=RULES.table,
    )  # fmt: skip
    assert ("error", "IUR-02") in [(p[0], p[1]) for p in problems]


def test_example_19_three_years_makes_jkm_beasiswa_eligible() -> None:
    ps = [p for y in (2022, 2023, 2024) for m in range(1, 13) for p in line(f"{y}-{m:02d}", f"{y}-{m:02d}-03")]
    assert sum(p.amount_rupiah for p in ps) == 604_800
    c = on(ps, "2024-12-20")
    assert (c.status, c.masa_iur_bulan) == ("AKTIF", 36)
    b = coverage.benefits(RULES.table, D("2024-12-20"), c.masa_iur_bulan, 1_000_000)
    assert b["JKM"]["santunan_rupiah"] == 42_000_000 and b["JKM"]["beasiswa_berhak"] is True


def _pu(month: str, paid_on: str, each: int = 462_000) -> list[Paid]:
    return line(month, paid_on, each=each, programs="JKK,JKM,JHT,JP", segment="PU", income_rupiah=5_000_000)


def test_example_20_pu_paid_by_its_due_date() -> None:
    e = expected_total("PU", "2025-01", 5_000_000, "JKK,JKM,JHT,JP")
    assert e.total_rupiah == 462_000
    assert sum(a.worker_rupiah for a in e.by_programme.values()) == 150_000
    assert sum(a.employer_rupiah for a in e.by_programme.values()) == 312_000
    history = _pu("2024-11", "2024-11-05") + _pu("2024-12", "2025-01-10")
    c = on(history + _pu("2025-01", "2025-02-12"), "2025-01-20")
    assert c.status == "AKTIF" and c.programs["JKK"].covered and c.programs["JP"].covered
    late = on(history + _pu("2025-01", "2025-03-05"), "2025-01-20")
    assert late.status == "MENUNGGAK" and not late.programs["JKK"].covered
    # The example's late fee (IUR-14, 2 % = Rp9.240; Rp0 for a Pemda) is not computed: no report shows a PU late
    # fee (docs/settings.md, removed setting pu.late_fee_for_state_employer).
    grace = Rules(config=Config(grace_pu=True))
    assert on(history + _pu("2025-01", "2025-03-05"), "2025-01-20", grace).programs["JKK"].covered


# ---------------------------------------------------------------------------------------------------------
# Settings that change the answers


def test_example_21_advance_payment_starts_the_membership_in_its_first_month() -> None:
    ps = line("2025-01..2025-06", "2024-12-20")
    a = on(ps, "2024-12-25")
    assert a.status == "BELUM_TERDAFTAR" and a.arrears == ()
    b = on(ps, "2025-01-01")
    assert b.status == "AKTIF" and b.programs["JKK"].covered and b.programs["JKK"].covered_from == D("2025-01-01")
    assert b.membership_start == D("2025-01-01")
    c = on(ps, "2025-09-20")
    assert (c.status, c.detail) == ("MENUNGGAK", "LEWAT_JATUH_TEMPO")
    assert c.arrears == (("2025-07", 16_800), ("2025-08", 16_800), ("2025-09", 16_800))
    assert c.arrears_rupiah == 50_400  # December 2024 is not owed
    assert c.lapse_on == D("2025-10-01")
    assert on(ps, "2025-06-30").masa_iur_bulan == 6
    assert on(ps, "2025-10-01").status == "NONAKTIF"


def test_lapsed_and_paid_on_the_22nd_for_next_month_is_not_in_arrears() -> None:
    # Someone who lapsed and paid on 22 February for March onward is not MENUNGGAK for February (issue 21).
    ps = line("2024-06", "2024-06-03") + line("2025-03..2025-05", "2025-02-22")
    c = on(ps, "2025-02-25")
    assert c.status == "NONAKTIF"
    c = on(ps, "2025-03-01")
    assert (c.status, c.membership_start, c.arrears) == ("AKTIF", D("2025-03-01"), ())


def test_a_line_paying_arrears_and_a_later_month_starts_on_its_paid_date() -> None:
    # Paid on 2025-02-10 for January (before the month of payment) and February: cover from the payment day.
    c = on(line("2025-01..2025-02", "2025-02-10"), "2025-02-10")
    assert (c.status, c.membership_start) == ("AKTIF", D("2025-02-10"))
    assert {f.month for f in c.findings if f.code == "COV-START"} == {"2025-01"}


def test_pu_unpaid_month_is_sementara_before_its_due_date() -> None:
    history = _pu("2024-11", "2024-11-05") + _pu("2024-12", "2025-01-10")
    c = coverage.coverage_on(history, D("2025-01-20"), rules=RULES, known_on=D("2025-01-25"))
    assert (c.status, c.detail) == ("AKTIF", "SEMENTARA")
    c = coverage.coverage_on(history, D("2025-01-20"), rules=RULES, known_on=D("2025-02-18"))
    assert c.status == "MENUNGGAK"


def test_same_day_not_covered_setting() -> None:
    c = on(line("2025-03", "2025-03-10"), "2025-03-10", Rules(config=Config(same_day_covered=False)))
    assert not c.programs["JKK"].covered and c.programs["JKK"].covered_again_from == D("2025-03-11")


def test_lapse_after_two_months_setting() -> None:
    c = on(_first_half_2024(), "2024-09-01", Rules(config=Config(lapse_n=2)))
    assert c.status == "NONAKTIF"


def test_masa_iur_without_restart_setting() -> None:
    ps = _first_half_2024() + line("2024-07..2024-10", "2024-10-07")
    assert on(ps, "2024-10-31", Rules(config=Config(restart_after_lapse=False))).masa_iur_bulan == 7


def test_registration_date_later_than_payment() -> None:
    c = coverage.coverage_on(line("2025-03", "2025-03-01"), D("2025-03-03"), rules=RULES, registered_on=D("2025-03-05"))
    assert c.status == "BELUM_TERDAFTAR"
    c = coverage.coverage_on(line("2025-03", "2025-03-01"), D("2025-03-05"), rules=RULES, registered_on=D("2025-03-05"))
    assert c.status == "AKTIF" and c.start_basis == "registration"


def test_gaps_lists_uncovered_periods() -> None:
    ps = line("2025-01", "2025-01-06") + line("2025-02..2025-03", "2025-03-03")
    got = coverage.gaps(ps, D("2025-03-31"), rules=RULES)
    assert got == [(D("2025-02-01"), D("2025-03-02"), "MENUNGGAK")]


def test_due_for_month_and_who_lapses() -> None:
    default = line("2025-01", "2025-01-01")[0]
    ps = line("2025-01", "2025-01-06")
    due = coverage.due_for_month(ps, "2025-04", rules=RULES, as_of=D("2025-04-01"), default=default)
    assert due is not None and due.will_lapse and due.amount.total_rupiah == 16_800
    assert coverage.due_for_month(ps, "2025-01", rules=RULES, as_of=D("2025-01-10"), default=default) is None
    fresh = coverage.due_for_month([], "2025-04", rules=RULES, as_of=D("2025-04-01"), default=default)
    assert fresh is not None and fresh.status == "BELUM_TERDAFTAR" and not fresh.will_lapse


# ---------------------------------------------------------------------------------------------------------
# Properties

_DAY0 = date(2024, 1, 1)


@st.composite
def payment(draw: st.DrawFn) -> Paid:
    m = draw(st.integers(min_value=0, max_value=23))
    month = add_months("2024-01", m)
    # paid from two months before the iuran month to four months after it
    offset = draw(st.integers(min_value=-60, max_value=120))
    paid_on = first_day(month) + timedelta(days=offset)
    return Paid(
        id=draw(st.integers(1, 10**6)),
        month=month,
        paid_on=paid_on,
        programs=frozenset({"JKK", "JKM"}),
        amount_rupiah=16_800,
    )


payments_st = st.lists(payment(), max_size=12)
days_st = st.integers(min_value=0, max_value=800).map(lambda n: _DAY0 + timedelta(days=n))


@settings(max_examples=300, deadline=None)
@given(payments_st, payment(), days_st)
def test_adding_a_payment_never_removes_cover(ps: list[Paid], extra: Paid, day: date) -> None:
    if on(ps, day.isoformat()).programs["JKK"].covered:
        assert on([*ps, extra], day.isoformat()).programs["JKK"].covered


@settings(max_examples=300, deadline=None)
@given(payments_st, days_st)
def test_cover_never_starts_before_a_payment_date(ps: list[Paid], day: date) -> None:
    c = on(ps, day.isoformat())
    if c.programs["JKK"].covered:
        pay = c.programs["JKK"].payment
        assert pay is not None and pay.paid_on <= day
        assert any(p.paid_on <= day for p in ps)
        assert c.programs["JKK"].covered_from is not None and c.programs["JKK"].covered_from >= pay.paid_on


@settings(max_examples=200, deadline=None)
@given(payments_st, days_st, st.randoms(use_true_random=False))
def test_order_of_recording_does_not_matter(ps: list[Paid], day: date, rnd: object) -> None:
    shuffled = list(ps)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    a, b = on(ps, day.isoformat()), on(shuffled, day.isoformat())
    assert (a.status, a.masa_iur_bulan, a.arrears) == (b.status, b.masa_iur_bulan, b.arrears)
    assert {k: (v.covered, v.covered_from, v.covered_to) for k, v in a.programs.items()} == {
        k: (v.covered, v.covered_from, v.covered_to) for k, v in b.programs.items()
    }


def test_config_from_default_settings() -> None:
    from psmctl.rules.settings import Settings

    assert Config.from_settings(Settings()) == Config()
    assert replace(Config(), lapse_n=2).lapse_n == 2

"""Pure training rules (docs/rules.md): durations, dates, never-trained, hours, certificates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from psmctl.errors import DataError
from psmctl.rules import training as t
from psmctl.rules.settings import defaults


@pytest.mark.parametrize(
    ("text", "minutes", "code"),
    [
        ("16 JPL", 720, None),  # TRN-02
        ("16 JP", 720, None),
        ("4 jam pelajaran", 180, None),  # TRN-01: 4 × 45 = 180 menit
        ("4 Jam Pembelajaran", 180, None),
        ("180 menit", 180, None),
        ("1,5 JPL", 68, None),  # 67.5 rounds to an integer minute
        ("16", 720, None),
        (16, 720, None),
        (2.0, 90, None),
        ("2 jam", 120, "BARE_JAM"),  #  clock hours, WARN
        ("2 hari", None, "DURATION_IN_DAYS"),
        ("banyak", None, "DURATION_INVALID"),
        ("-3 JPL", None, "DURATION_INVALID"),
    ],
)
def test_parse_duration_trn02(text: object, minutes: int | None, code: str | None) -> None:
    d = t.parse_duration(text)
    assert (d.minutes, d.code) == (minutes, code)
    if code:
        assert d.message


def test_bare_jam_as_lesson_hour_setting() -> None:
    d = t.parse_duration("2 jam", bare_jam="lesson_hour")
    assert (d.minutes, d.code) == (90, "BARE_JAM")


def test_day_message_is_the_rule_text() -> None:
    assert "durasi harus dalam JPL/jam/menit" in str(t.parse_duration("2 hari").message)


@pytest.mark.parametrize(("minutes", "jpl"), [(0, 0.0), (45, 1.0), (720, 16.0), (60, 1.3), (67, 1.5), (50, 1.1)])
def test_to_jpl_one_decimal(minutes: int, jpl: float) -> None:
    assert t.to_jpl(minutes) == jpl


def test_catalogue_kinds_aliases_and_defaults() -> None:
    cat = t.catalogue()
    assert cat.minutes_per_jpl == 45
    assert cat.resolve("Uji Kompetensi") == cat.get("uji_kompetensi")
    assert cat.resolve("bimbingan teknis") == cat.get("bimtek")
    assert cat.resolve("other") == cat.get("lainnya")
    assert cat.resolve("tidak ada") is None
    diklat = cat.get("diklat_dasar")
    assert diklat is not None and diklat.default_jpl == 16
    assert cat.get("sertifikasi") is not None and cat.get("sertifikasi").issues_certificate  # type: ignore[union-attr]


def test_catalogue_agrees_with_counted_types_setting() -> None:
    # TRN-04: the setting is the effective list; out of the box it must say what the catalogue says.
    counted = {c.kind for c in t.catalogue().courses if c.counts_as_training}
    assert counted == set(defaults()["training.counted_types"])


def test_catalogue_refuses_duplicates_and_missing_source() -> None:
    row = {"kind": "x", "counts_as_training": True, "source": "s"}
    with pytest.raises(DataError):
        t.catalogue_from({"minutes_per_jpl": 45, "course": [row, row]})
    with pytest.raises(DataError):
        t.catalogue_from({"minutes_per_jpl": 45, "course": [{"kind": "y", "counts_as_training": True}]})


def test_a_certificate_of_29_february_is_valid_until_28_february() -> None:
    """TRN-05 through months.add_years: 5 years from 29 Feb 2020 ends on 28 Feb 2025 (2025 is a common year)."""
    fact = t.Fact(1, 1, "sertifikasi", "sertifikasi", date(2020, 2, 29), date(2020, 2, 29), 0, "lulus",
                  certificate_date=date(2020, 2, 29))  # fmt: skip
    assert t.valid_until(fact, valid_years=5) == date(2025, 2, 28)


def test_period_target_full_year_and_across_years() -> None:
    assert t.period_target(16, date(2025, 1, 1), date(2025, 12, 31)) == 16.0
    assert t.period_target(16, date(2024, 1, 1), date(2025, 12, 31)) == 32.0
    assert t.period_target(16, date(2025, 1, 1), date(2025, 6, 30)) == 7.9  # 181/365 of a year


def test_date_findings_trn07() -> None:
    codes = [c for c, _ in t.date_findings(date(2030, 1, 1), as_of=date(2025, 1, 1), birth=None, min_age=10)]
    assert codes == ["TRAINING_IN_FUTURE"]
    codes = [
        c for c, _ in t.date_findings(date(2024, 1, 1), as_of=date(2025, 1, 1), birth=date(2016, 1, 2), min_age=10)
    ]
    assert codes == ["TOO_YOUNG"]
    assert t.date_findings(date(2024, 1, 1), as_of=date(2025, 1, 1), birth=date(1990, 1, 1), min_age=10) == []


def test_name_and_kelurahan_matching() -> None:
    cands = [
        {"volunteer_id": 1, "nik": "a", "nama": "Siti Aminah", "kelurahan": "Setonopande"},
        {"volunteer_id": 2, "nik": "b", "nama": "SITI AMINAH", "kelurahan": "Banjaran"},
        {"volunteer_id": 3, "nik": "c", "nama": "Budi", "kelurahan": "Banjaran"},
    ]
    assert [m["volunteer_id"] for m in t.match_by_name("siti  aminah", "Kel. Setono Pande", cands)] == [1]
    assert [m["volunteer_id"] for m in t.match_by_name("Siti Aminah", "BANJARAN", cands)] == [2]
    assert t.match_by_name("Siti Aminah", "", cands) == []
    assert t.match_by_name("Ani", "Banjaran", cands) == []
    # "Kelapa Dua" is a name, not a prefix (WIL-06: prefix only as a whole word)
    assert t.norm_kelurahan("Kelapa Dua") == "KELAPADUA"


ROLES: list[dict[str, Any]] = [
    {"volunteer_id": 1, "nik": "1" * 16, "nama": "Ani", "unsur": "PSM", "kecamatan": "Kota", "kelurahan": "Banjaran"},
    {
        "volunteer_id": 1,
        "nik": "1" * 16,
        "nama": "Ani",
        "unsur": "TAGANA",
        "kecamatan": "Kota",
        "kelurahan": "Banjaran",
    },
    {
        "volunteer_id": 2,
        "nik": "2" * 16,
        "nama": "Budi",
        "unsur": "PSM",
        "kecamatan": "Kota",
        "kelurahan": "Setonopande",
    },
    {
        "volunteer_id": 3,
        "nik": "3" * 16,
        "nama": "Cici",
        "unsur": "TKSK",
        "kecamatan": "Mojoroto",
        "kelurahan": "Bandar",
    },
]


def fact(vid: int, tid: int, kind: str, start: date, end: date, minutes: int, **kw: Any) -> t.Fact:
    return t.Fact(vid, tid, f"pelatihan {tid}", kind, start, end, minutes, kw.pop("status", "hadir"), **kw)


COUNTED = ["pembinaan", "bimtek", "diklat_dasar", "diklat"]


def test_never_trained_ignores_assessments_failures_and_the_future() -> None:
    facts = [
        fact(1, 1, "uji_kompetensi", date(2024, 5, 1), date(2024, 5, 1), 0, status="lulus"),  # TRN-04: not training
        fact(2, 2, "bimtek", date(2024, 5, 1), date(2024, 5, 2), 720),
        fact(3, 3, "bimtek", date(2026, 1, 1), date(2026, 1, 2), 720),  # after as_of
    ]
    rows = t.never_trained(ROLES, facts, as_of=date(2025, 6, 30), counted_types=COUNTED)
    assert [(r["nik"], r["status"], r["unsur"]) for r in rows] == [
        ("1" * 16, "BELUM_PERNAH", "PSM, TAGANA"),
        ("3" * 16, "BELUM_PERNAH", "TKSK"),
    ]
    stale = t.never_trained(ROLES, facts, as_of=date(2025, 6, 30), counted_types=COUNTED, months=12)
    assert [(r["nik"], r["status"], r["pelatihan_terakhir"]) for r in stale][1] == (
        "2" * 16,
        "LEBIH_DARI_BATAS",
        "2024-05-02",
    )
    counts = t.never_trained_counts(ROLES, facts, as_of=date(2025, 6, 30), counted_types=COUNTED, by="kecamatan")
    assert counts == [
        {"kecamatan": "Kota", "orang": 2, "belum_pernah": 1},
        {"kecamatan": "Mojoroto", "orang": 1, "belum_pernah": 1},
    ]


def test_hours_across_year_boundary_and_attribution() -> None:
    facts = [
        # ends in 2025: counts for 2025 only, though it starts in 2024
        fact(1, 1, "diklat_dasar", date(2024, 12, 30), date(2025, 1, 2), 720),
        fact(1, 2, "pembinaan", date(2024, 6, 1), date(2024, 6, 1), 180, unsur="TAGANA"),
        fact(2, 1, "diklat_dasar", date(2024, 12, 30), date(2025, 1, 2), 360),
        fact(2, 3, "uji_kompetensi", date(2025, 2, 1), date(2025, 2, 1), 90),  # not counted
    ]
    kw: dict[str, Any] = {"counted_types": COUNTED, "targets": {"PSM": 16, "TKSK": 20}, "default_target": 16}
    y2024 = t.hours(ROLES, facts, start=date(2024, 1, 1), end=date(2024, 12, 31), by="unsur", **kw)
    y2025 = t.hours(ROLES, facts, start=date(2025, 1, 1), end=date(2025, 12, 31), by="unsur", **kw)
    assert {r["nik"]: r["jpl"] for r in y2024.volunteers} == {"1" * 16: 4.0, "2" * 16: 0.0, "3" * 16: 0.0}
    assert {r["nik"]: r["jpl"] for r in y2025.volunteers} == {"1" * 16: 16.0, "2" * 16: 8.0, "3" * 16: 0.0}
    assert y2025.total == {"orang": 3, "dilatih": 2, "menit": 1080, "jpl": 24.0}
    # TRN-06: a training meant for TAGANA counts for Ani's TAGANA role only; one with no unsur for both
    assert {g["unsur"]: g["jpl"] for g in y2024.groups} == {"PSM": 0.0, "TAGANA": 4.0, "TKSK": 0.0}
    assert {g["unsur"]: (g["jpl"], g["orang"], g["memenuhi_target"], g["target_jpl"]) for g in y2025.groups} == {
        "PSM": (24.0, 2, 1, 32.0),
        "TAGANA": (16.0, 1, 1, 16.0),
        "TKSK": (0.0, 1, 0, 20.0),
    }
    both = t.hours(ROLES, facts, start=date(2024, 1, 1), end=date(2025, 12, 31), by="kecamatan", **kw)
    # Ani holds two roles in kecamatan Kota: each (person, training) still counts once in the group
    assert {g["kecamatan"]: g["jpl"] for g in both.groups} == {"Kota": 28.0, "Mojoroto": 0.0}


def test_certificates_lapsing_expired_and_missing() -> None:
    facts = [
        fact(1, 1, "sertifikasi", date(2020, 7, 1), date(2020, 7, 1), 0),  # → 2025-07-01
        fact(
            2,
            2,
            "bimtek",
            date(2023, 1, 1),
            date(2023, 1, 1),
            90,
            certificate_no="B-2",
            certificate_valid_until=date(2024, 1, 1),
        ),
        fact(2, 3, "sertifikasi", date(2024, 1, 5), date(2024, 1, 5), 0, status="tidak_lulus"),  # no certificate
    ]
    rows = t.certificates(
        ROLES,
        facts,
        as_of=date(2025, 6, 1),
        within_days=90,
        valid_years=5,
        required_for=["TKSK"],
        certifying_kinds=["sertifikasi"],
    )
    assert [(r["nik"][0], r["status"], r["berlaku_sampai"], r["sisa_hari"]) for r in rows] == [
        ("2", "KEDALUWARSA", "2024-01-01", -517),
        ("1", "BERLAKU", "2025-07-01", 30),
        ("3", "TIDAK_ADA", None, None),
    ]
    later = t.certificates(
        ROLES,
        facts,
        as_of=date(2025, 1, 1),
        within_days=90,
        valid_years=5,
        required_for=[],
        certifying_kinds=["sertifikasi"],
    )
    assert [r["nik"][0] for r in later] == ["2"]


def test_history_totals_counted_minutes_only() -> None:
    facts = [
        fact(1, 2, "uji_kompetensi", date(2025, 2, 1), date(2025, 2, 1), 90, status="lulus"),
        fact(1, 1, "bimtek", date(2024, 2, 1), date(2024, 2, 2), 720),
        fact(1, 3, "sertifikasi", date(2025, 3, 1), date(2025, 3, 1), 0, certificate_no="S-1"),
    ]
    rows, total = t.history(facts, counted_types=COUNTED, valid_years=5, certifying_kinds=["sertifikasi"])
    assert [r["training_id"] for r in rows] == [1, 2, 3]
    assert total == 720
    assert rows[2]["valid_until"] == "2030-03-01" and rows[0]["valid_until"] is None


@pytest.mark.parametrize(
    ("typed", "registered", "agree"),
    [
        ("Budi", "Budi Santoso", True),
        ("Ani S.", "ANI SURYANI", True),
        ("Joko", "Budi Santoso", False),
        ("Al", "Al", True),
    ],
)
def test_names_agree(typed: str, registered: str, agree: bool) -> None:
    assert t.names_agree(typed, registered) is agree

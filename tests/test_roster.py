"""Roster import end to end on real, messy .xlsx files: the register and the report, row by row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from builders import DEFAULT_COLUMNS, data_rows, make_nik, roster_row, write_roster_xlsx, write_rows_xlsx
from psmctl.db import volunteers as vdb
from psmctl.errors import InputError
from psmctl.importing import roster
from psmctl.rules.settings import Settings

AS_OF = dt.date(2025, 1, 15)
NOW = "2025-01-15T09:00:00+07:00"
SETTINGS = Settings({"wilayah.kode_kabkota": "35.71"})

BUDI = make_nik(born=dt.date(1990, 8, 17), serial=101)
SITI = make_nik(born=dt.date(1985, 2, 1), female=True, serial=102)
JOKO = make_nik(kec="357102", born=dt.date(2005, 5, 1), serial=103)


def run(db: Database, path: Path, **kw: Any) -> roster.ImportResult:
    return roster.import_file(db, path, as_of=AS_OF, now=NOW, settings=SETTINGS, **kw)


def register(db: Database) -> dict[str, dict[str, Any]]:
    rows = db.execute(
        "SELECT v.nik, v.nama, v.jenis_kelamin, v.tempat_lahir, v.tgl_lahir, v.no_hp, v.rt_rw, r.unsur, "
        "r.kelurahan, r.kecamatan, r.kode_wilayah, r.status FROM volunteers v JOIN roles r ON r.volunteer_id = v.id"
    )
    names = [d[0] for d in rows.description]
    return {f"{r[0]}|{r[7]}": dict(zip(names, r, strict=True)) for r in rows}


def problems(result: roster.ImportResult) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.level, p.code) for s in result.sheets for p in s.problems]


def three_people() -> list[dict[str, object]]:
    return [
        roster_row(BUDI, "Budi Santoso", tgl="17-08-1990", hp="81234567890"),
        roster_row(SITI, "Siti Aminah", jk="P", tgl="1 Pebruari 1985", tempat="SURABAYA", hp="+6285712345678"),
        roster_row(JOKO, "Joko Widodo", tgl="01/05/05", kelurahan="Kel. Setono Pande", hp="0812"),
    ]


def test_messy_file_lands_in_the_register_row_by_row(db: Database, tmp_path: Path) -> None:
    path = write_roster_xlsx(
        tmp_path / "psm.xlsx",
        three_people(),
        two_row_header=False,
        column_numbers_row=True,
        merge_kelurahan=True,
        jumlah_row=True,
        blank_rows_every=1,
    )
    result = run(db, path)
    rep = result.sheets[0]
    assert (rep.rows_read, rep.added, rep.rejected) == (3, 3, 0), problems(result)
    reg = register(db)
    budi = reg[f"{BUDI}|PSM"]
    assert budi["nama"] == "Budi Santoso"
    assert budi["tgl_lahir"] == "1990-08-17"
    assert budi["jenis_kelamin"] == "L"
    assert budi["no_hp"] == "081234567890"  # the number cell dropped its 0
    assert budi["kelurahan"] == "Banjaran" and budi["kode_wilayah"] == "35.71.02.1012"
    assert budi["kecamatan"] == "Kota"
    siti = reg[f"{SITI}|PSM"]
    assert (siti["tgl_lahir"], siti["jenis_kelamin"], siti["tempat_lahir"]) == ("1985-02-01", "P", "Surabaya")
    assert siti["no_hp"] == "085712345678"
    joko = reg[f"{JOKO}|PSM"]
    assert joko["tgl_lahir"] == "2005-05-01"  # two-digit year: 2005, never 1905
    assert joko["kelurahan"] == "Setonopande" and joko["kode_wilayah"] == "35.71.02.1006"
    assert any(code == "SIGNATURE_BLOCK" and level == "info" for _, level, code in problems(result))
    assert any(code == "ROW_TOTAL_SKIPPED" for _, _, code in problems(result))
    joko_row = data_rows(3, title_rows=None, column_numbers_row=True, blank_rows_every=1)[2]
    assert (joko_row, "warning", "PHONE_INVALID") in problems(result)


def test_two_row_merged_header_and_number_nik_cells(db: Database, tmp_path: Path) -> None:
    damaged = make_nik(born=dt.date(1979, 11, 3), serial=100)  # ends in 0: what Excel leaves
    rows = [*three_people(), roster_row(damaged, "Rusak Excel")]
    path = write_roster_xlsx(tmp_path / "psm.xlsx", rows, two_row_header=True, nik_as_number=True)
    result = run(db, path)
    at = data_rows(len(rows), title_rows=None, two_row_header=True)
    found = problems(result)
    assert (at[3], "error", "NIK_EXCEL_DAMAGED") in found
    assert (at[0], "warning", "NIK_NUMERIC_CELL") in found
    message = next(p.message for p in result.sheets[0].problems if p.code == "NIK_EXCEL_DAMAGED")
    assert "Teks" in message and "15 digit" in message
    reg = register(db)
    assert reg[f"{SITI}|PSM"]["tgl_lahir"] == "1985-02-01"  # date read from the TANGGAL LAHIR sub-column
    assert reg[f"{SITI}|PSM"]["tempat_lahir"] == "Surabaya"
    assert len(reg) == 3


def test_reimport_is_unchanged_and_a_change_keeps_the_old_value(db: Database, tmp_path: Path) -> None:
    path = write_roster_xlsx(tmp_path / "psm.xlsx", three_people())
    first = run(db, path)
    assert first.sheets[0].added == 3
    dump_before = list(db.conn.iterdump())
    again = run(db, path)
    assert (again.sheets[0].added, again.sheets[0].changed, again.sheets[0].unchanged) == (0, 0, 3)
    assert list(db.conn.iterdump()) == dump_before  # not even a batch row
    people = three_people()
    people[0] = roster_row(BUDI, "Budi Santoso", tgl="17-08-1990", hp="081399998888", alamat="Jl. Melati 9")
    path2 = write_roster_xlsx(tmp_path / "psm2.xlsx", people)
    changed = run(db, path2)
    assert (changed.sheets[0].changed, changed.sheets[0].unchanged) == (1, 2)
    assert changed.sheets[0].details["changed_fields"][0]["fields"] == ["alamat", "no_hp"]
    hist = db.execute("SELECT field, old_value, new_value FROM changes ORDER BY field").fetchall()
    assert hist == [("alamat", "Jl. Mawar 1", "Jl. Melati 9"), ("no_hp", "081234567890", "081399998888")]
    batch = db.execute("SELECT file_name, sha256 FROM batches ORDER BY id DESC").fetchone()
    assert batch[0] == "psm2.xlsx" and len(batch[1]) == 64


def test_dry_run_reports_the_same_and_writes_nothing(db: Database, tmp_path: Path) -> None:
    path = write_roster_xlsx(tmp_path / "psm.xlsx", three_people())
    before = list(db.conn.iterdump())
    dry = run(db, path, dry_run=True)
    assert list(db.conn.iterdump()) == before
    real = run(db, path)
    assert dry.sheets[0].as_dict() == real.sheets[0].as_dict()


def test_missing_people_are_listed_and_retired_only_on_request(db: Database, tmp_path: Path) -> None:
    run(db, write_roster_xlsx(tmp_path / "a.xlsx", three_people()))
    smaller = write_roster_xlsx(tmp_path / "b.xlsx", three_people()[:1])
    listed = run(db, smaller)
    assert sorted(m["nama"] for m in listed.missing) == ["Siti Aminah"]  # Joko is on Setonopande's roster
    assert register(db)[f"{SITI}|PSM"]["status"] == "AKTIF"
    retired = run(db, smaller, retire_missing=True)
    assert retired.retired == 1
    assert register(db)[f"{SITI}|PSM"]["status"] == "BERHENTI"
    assert "*" in retired.missing[0]["nik"]  # masked in the report


def test_duplicate_nik_in_file_points_to_the_first_row(db: Database, tmp_path: Path) -> None:
    rows = [*three_people(), roster_row(BUDI, "Budi Lagi")]
    path = write_roster_xlsx(tmp_path / "psm.xlsx", rows)
    result = run(db, path)
    at = data_rows(len(rows), title_rows=None)
    dup = next(p for p in result.sheets[0].problems if p.code == "NIK_DUPLICATE_IN_FILE")
    assert dup.row == at[3] and dup.level == "error"
    assert f"baris {at[0]}" in dup.message
    assert result.sheets[0].rejected == 1 and result.sheets[0].added == 3


def test_same_person_in_another_unsur_is_a_second_role_with_a_warning(db: Database, tmp_path: Path) -> None:
    run(db, write_roster_xlsx(tmp_path / "psm.xlsx", three_people()))
    tagana = write_roster_xlsx(
        tmp_path / "tagana.xlsx",
        [roster_row(BUDI, "Budi Santoso", tgl="17-08-1990")],
        title_rows=["DAFTAR ANGGOTA TAGANA KOTA KEDIRI"],
    )
    result = run(db, tagana)
    assert result.sheets[0].added == 1
    note = next(p for p in result.sheets[0].problems if p.code == "NIK_ON_OTHER_ROSTER")
    assert note.level == "warning" and "PSM" in note.message and "Banjaran" in note.message
    reg = register(db)
    assert {k for k in reg if k.startswith(BUDI)} == {f"{BUDI}|PSM", f"{BUDI}|TAGANA"}
    assert db.execute("SELECT count(*) FROM volunteers WHERE nik = ?", [BUDI]).fetchone()[0] == 1


def test_a_file_naming_no_kelurahan_leaves_known_people_where_they_are(db: Database, tmp_path: Path) -> None:
    run(db, write_roster_xlsx(tmp_path / "psm.xlsx", three_people()))
    keys = dict(db.execute("SELECT v.nik, r.roster_key FROM roles r JOIN volunteers v ON v.id = r.volunteer_id"))
    before = register(db)
    columns = [c for c in DEFAULT_COLUMNS if c not in ("KELURAHAN", "KECAMATAN")]
    rows = [{k: v for k, v in row.items() if k in columns} for row in three_people()]
    again = write_roster_xlsx(tmp_path / "tanpa_kelurahan.xlsx", rows, columns=columns,
                              title_rows=["DAFTAR PSM KOTA KEDIRI"])  # fmt: skip
    result = run(db, again)
    found = [p for s in result.sheets for p in s.problems]
    assert not [p.message for p in found if "dipindah" in p.message]
    kept = {p.row: p.message for p in found if p.code == "NIK_ON_OTHER_ROSTER"}
    at = data_rows(3, title_rows=["DAFTAR PSM KOTA KEDIRI"])
    assert kept == {
        at[0]: "kelurahan tidak diketahui di berkas ini; tetap di daftar PSM Banjaran",
        at[1]: "kelurahan tidak diketahui di berkas ini; tetap di daftar PSM Banjaran",
        at[2]: "kelurahan tidak diketahui di berkas ini; tetap di daftar PSM Setonopande",
    }
    assert [p.code for p in found if p.code == "KELURAHAN_UNKNOWN"] == ["KELURAHAN_UNKNOWN"]
    assert register(db) == before
    assert (
        dict(db.execute("SELECT v.nik, r.roster_key FROM roles r JOIN volunteers v ON v.id = r.volunteer_id")) == keys
    )
    with pytest.raises(InputError, match="--retire-missing"):
        run(db, again, retire_missing=True)


def test_nik_contradicting_the_row_warns_with_both_values(db: Database, tmp_path: Path) -> None:
    # RULES §3.3 example 12: a woman's NIK, typed L and a day later.
    nik = "3571015708900002"
    rows = [roster_row(nik, "Sri Rahayu", jk="L", tgl="18-08-1990")]
    result = run(db, write_roster_xlsx(tmp_path / "psm.xlsx", rows))
    msgs = {p.code: p.message for p in result.sheets[0].problems}
    assert msgs["NIK_GENDER_MISMATCH"] == "Jenis kelamin: NIK = P, daftar = L"
    assert msgs["NIK_DOB_MISMATCH"] == "Tanggal lahir: NIK = 17-08-1990, daftar = 18-08-1990"
    assert result.sheets[0].added == 1 and result.sheets[0].warnings == 1


@pytest.mark.parametrize(
    ("nik", "tgl", "code"),
    [
        ("", "17-08-1990", "NIK_MISSING"),
        ("35710117089O0001", "17-08-1990", "NIK_FORMAT"),
        ("3571011708900000", "17-08-1990", "NIK_ZERO_SERIAL"),
        ("3571013208900001", "17-08-1990", "NIK_DATE_INVALID"),
        ("3.57101E+15", "17-08-1990", "NIK_EXCEL_DAMAGED"),
    ],
)
def test_rejected_rows_name_sheet_row_and_reason(db: Database, tmp_path: Path, nik: str, tgl: str, code: str) -> None:
    rows = [roster_row(SITI, "Siti Aminah", jk="P", tgl="01-02-1985"), roster_row(nik, "Bermasalah", tgl=tgl)]
    result = run(db, write_roster_xlsx(tmp_path / "psm.xlsx", rows))
    at = data_rows(len(rows), title_rows=None)
    bad = [p for p in result.sheets[0].problems if p.level == "error"]
    assert [(p.sheet, p.row, p.code) for p in bad] == [("PSM", at[1], code)]
    assert result.sheets[0].rejected == 1 and result.sheets[0].added == 1


@pytest.mark.parametrize("tgl", ["31-02-1990", "17-13-1990"])
def test_an_unreadable_birth_date_keeps_the_person_with_the_nik_date(db: Database, tmp_path: Path, tgl: str) -> None:
    # Issue 15: the NIK gives the birth date; the cell is shown in a warning, the person is not rejected.
    rows = [roster_row("3571011708900001", "Bermasalah", tgl=tgl)]
    result = run(db, write_roster_xlsx(tmp_path / "psm.xlsx", rows))
    found = [(p.level, p.code, p.value) for p in result.sheets[0].problems]
    assert ("warning", "DATE_UNREADABLE", tgl) in found and result.sheets[0].added == 1
    assert vdb.person(db, "3571011708900001")["tgl_lahir"] == "1990-08-17"


def test_strict_refuses_the_whole_file(db: Database, tmp_path: Path) -> None:
    rows = [*three_people(), roster_row("", "Tanpa NIK")]
    before = list(db.conn.iterdump())
    result = run(db, write_roster_xlsx(tmp_path / "psm.xlsx", rows), strict=True)
    assert result.refused and "--strict" in result.refused
    assert list(db.conn.iterdump()) == before


def test_sheets_without_roster_columns_are_skipped_and_sheet_can_be_chosen(db: Database, tmp_path: Path) -> None:
    header = ["NO", "NAMA", "NIK", "L/P", "TGL LAHIR", "KELURAHAN", "KECAMATAN"]
    path = write_rows_xlsx(
        tmp_path / "multi.xlsx",
        {
            "Rekap": [["REKAP PSM"], ["Kelurahan", "Jumlah"], ["Banjaran", 2]],
            "Banjaran": [header, [1, "Budi", BUDI, "L", dt.date(1990, 8, 17), "Banjaran", "Kota"]],
            "Pakelan": [header, [1, "Siti", SITI, "P", "01-02-1985", "Pakelan", "Kota"]],
        },
    )
    result = run(db, path)
    assert [(s.sheet, s.rows_read) for s in result.sheets] == [("Rekap", 0), ("Banjaran", 1), ("Pakelan", 1)]
    said = [p.message for s in result.sheets for p in s.problems if p.code == "SHEET_SKIPPED"]
    assert len(said) == 1 and said[0].startswith("lembar 'Rekap' dilewati: tidak ada baris judul kolom NIK"), said
    assert register(db)[f"{SITI}|PSM"]["kode_wilayah"] == "35.71.02.1008"
    only = run(db, path, options=roster.Options(sheet="Pakelan"), dry_run=True)
    assert [s.sheet for s in only.sheets] == ["Pakelan"]
    with pytest.raises(InputError, match="lembar 'Tidak Ada' tidak ada"):
        run(db, path, options=roster.Options(sheet="Tidak Ada"))


def test_workbook_without_roster_columns_names_what_it_saw(db: Database, tmp_path: Path) -> None:
    path = write_rows_xlsx(tmp_path / "x.xlsx", {"Data": [["Nomor", "Uraian", "Jumlah"], [1, "Beras", 10]]})
    with pytest.raises(InputError) as err:
        run(db, path)
    # Where to look (row 1, three cells), never what the cells hold: the fullest row may be a person's.
    assert "kolom NIK/NAMA tidak ditemukan" in str(err.value) and "baris 1, 3 sel" in str(err.value)
    assert "Uraian" not in str(err.value) and "Beras" not in str(err.value)
    assert "\n" not in str(err.value)


def test_unknown_kelurahan_warns_with_suggestion(db: Database, tmp_path: Path) -> None:
    rows = [roster_row(BUDI, "Budi", kelurahan="Banjaram")]
    result = run(db, write_roster_xlsx(tmp_path / "psm.xlsx", rows))
    note = next(p for p in result.sheets[0].problems if p.code == "WILAYAH_UNKNOWN")
    assert "Banjaran" in note.message  # a suggestion, never applied automatically
    assert register(db)[f"{BUDI}|PSM"]["kode_wilayah"] is None


def test_options_fill_region_and_unsur_when_the_file_lacks_them(db: Database, tmp_path: Path) -> None:
    path = write_rows_xlsx(
        tmp_path / "bare.xlsx",
        {"Sheet1": [["NAMA", "NIK", "TTL"], ["Budi", BUDI, "Kediri, 17 Agustus 1990"]]},
    )
    run(db, path, options=roster.Options(kelurahan="Pakelan", kecamatan="Kota", unsur="TKSK"))
    row = register(db)[f"{BUDI}|TKSK"]
    assert (row["kelurahan"], row["kode_wilayah"], row["tgl_lahir"]) == ("Pakelan", "35.71.02.1008", "1990-08-17")


@pytest.mark.parametrize(
    ("ttl", "place", "born"),
    [
        ("SURABAYA, 17-08-1990", "SURABAYA", "17-08-1990"),
        ("Kediri 17 Agustus 1990", "Kediri", "17 Agustus 1990"),
        ("Kediri/17-08-1990", "Kediri", "17-08-1990"),
        ("Kediri, 17 Agt 1990", "Kediri", "17 Agt 1990"),
        ("Kediri", "Kediri", ""),
    ],
)
def test_split_place_and_date(ttl: str, place: str, born: str) -> None:
    assert roster.split_ttl(ttl) == (place, born)


@pytest.mark.parametrize(
    ("cell", "expected", "ok"),
    [
        (81234567890.0, "081234567890", True),
        ("+62 812-3456-7890", "081234567890", True),
        ("6281234567890", "081234567890", True),
        ("0812", "0812", False),
        ("hubungi RT", "hubungi RT", False),
        ("3571024710870013", "3571024710870013", False),  # a NIK typed in the phone column: never a phone
        ("081234567890123", "081234567890123", False),  # 15 digits
        ("08123456789012", "08123456789012", True),  # 14, the setting's default
    ],
)
def test_phone_normalisation(cell: object, expected: str, ok: bool) -> None:
    assert roster.normalise_phone(cell, 9, 14) == (expected, ok)


def test_a_file_naming_most_of_the_register_reads_it_whole_with_the_same_result(db: Database, tmp_path: Path) -> None:
    # Above 2,000 people an import scans the register instead of looking NIKs up 900 at a time; both ways must
    # find the same changes, the same unchanged rows and the same missing person.
    born = dt.date(1980, 1, 1)
    people = [
        roster_row(make_nik(born=born + dt.timedelta(days=i % 3000), serial=1 + i // 3000), f"Orang {i}", tgl="")
        for i in range(2_100)
    ]
    run(db, write_roster_xlsx(tmp_path / "v1.xlsx", people, signature=False))
    edited = [dict(p) for p in people[:-1]]  # the last person left the roster
    edited[7]["ALAMAT"] = "Jl. Baru 7"
    edited[1500]["NO HP"] = "081299990000"
    result = run(db, write_roster_xlsx(tmp_path / "v2.xlsx", edited, signature=False))
    sheet = result.sheets[0]
    assert (sheet.added, sheet.changed, sheet.unchanged) == (0, 2, 2_097)
    excel_rows = data_rows(len(edited))
    assert [c["row"] for c in sheet.details["changed_fields"]] == [excel_rows[7], excel_rows[1500]]
    assert [m["nama"] for m in result.missing] == ["Orang 2099"]
    assert register(db)[f"{people[7]['NIK']}|PSM"]["nama"] == "Orang 7"
    assert db.execute("SELECT alamat FROM volunteers WHERE nik = ?", [people[7]["NIK"]]).fetchone()[0] == "Jl. Baru 7"

"""Attendance entry points against a real SQLite file and real .xlsx daftar hadir workbooks."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from psmctl.errors import InputError, NotFound
from psmctl.services import trainings

AS_OF = date(2025, 6, 30)
NOW = "2025-06-30T09:00:00+07:00"
ANI = "3571015708900002"
BUDI = "3571011708900001"
CICI = "3571024101950003"
DEDI = "3571021212850004"
STRANGER = "3571010101900009"


def _rowfindings(report: Any) -> list[Any]:
    """The findings about people; the engine's notes on rows that are nobody (the signature block) left out."""
    return [p for p in report.problems if p.code not in ("SIGNATURE_BLOCK", "ROW_TOTAL_SKIPPED")]


def add_person(
    db: Database, nik: str, nama: str, unsur: str, kelurahan: str, kecamatan: str, born: str = "1990-01-01"
) -> int:
    """Put one person with one role on the register (until `psmctl import roster` is used in tests)."""
    row = db.execute("SELECT id FROM volunteers WHERE nik = ?", [nik]).fetchone()
    if row is None:
        cur = db.execute("INSERT INTO volunteers(nik, nama, tgl_lahir) VALUES (?, ?, ?)", [nik, nama, born])
        vid = int(cur.lastrowid or 0)
    else:
        vid = int(row[0])
    db.execute(
        "INSERT INTO roles(volunteer_id, unsur, kelurahan, kecamatan, roster_key) VALUES (?, ?, ?, ?, ?)",
        [vid, unsur, kelurahan, kecamatan, f"{kelurahan}/{unsur}"],
    )
    db.conn.commit()
    return vid


@pytest.fixture
def reg(db: Database) -> Database:
    add_person(db, ANI, "Ani Suryani", "PSM", "Banjaran", "Kota")
    add_person(db, ANI, "Ani Suryani", "TAGANA", "Banjaran", "Kota")
    add_person(db, BUDI, "Budi Santoso", "PSM", "Setonopande", "Kota")
    add_person(db, CICI, "Cici Rahayu", "TKSK", "Bandar Lor", "Mojoroto")
    add_person(db, DEDI, "Dedi", "PSM", "Bandar Lor", "Mojoroto")
    return db


def new_training(db: Database, **kw: Any) -> int:
    args: dict[str, Any] = {
        "name": "Bimtek PSM 2025",
        "kind": "bimtek",
        "start": date(2025, 3, 10),
        "end": date(2025, 3, 11),
        "jpl": "16 JPL",
        "as_of": AS_OF,
        "created_at": NOW,
    } | kw
    return trainings.add_training(db, **args).id


def write_daftar_hadir(
    path: Path, rows: list[list[object]], *, header: list[str] | None = None, title: bool = True
) -> Path:
    """A daftar hadir as kelurahan offices make them: title rows, a header, data, a signature block."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Daftar Hadir"
    if title:
        ws.append(["DAFTAR HADIR BIMTEK PSM"])
        ws.append(["KELURAHAN BANJARAN"])
        ws.append([])
    ws.append(header or ["NO", "NAMA PESERTA", "NIK", "KELURAHAN", "JPL", "KEHADIRAN"])
    for r in rows:
        ws.append(r)
    ws.append([])
    ws.append([None, "Kediri, 12 Maret 2025"])
    ws.append([None, "Mengetahui"])
    ws.append([None, "NIP. 19700101 199003 1 005"])
    wb.save(path)
    return path


def count(db: Database, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def codes(reports: list[Any]) -> list[str]:
    return [p.code for r in reports for p in _rowfindings(r)]


# --- trainings ----------------------------------------------------------------------------------------------------


def test_add_training_stores_minutes_and_is_idempotent(db: Database) -> None:
    first = trainings.add_training(
        db,
        name="Diklat Dasar",
        kind="Diklat Dasar",
        start=date(2025, 1, 6),
        end=None,
        jpl=None,
        as_of=AS_OF,
        created_at=NOW,
    )
    assert first.created and "16 JPL" in first.warnings[0]  # catalogue default, said out loud
    again = trainings.add_training(
        db,
        name="diklat  dasar",
        kind="diklat_dasar",
        start=date(2025, 1, 6),
        end=None,
        jpl=None,
        as_of=AS_OF,
        created_at=NOW,
    )
    assert (again.id, again.created) == (first.id, False)
    info, rows = trainings.show_training(db, first.id)
    assert (info["jenis"], info["menit"], info["jpl"], info["selesai"], rows) == (
        "diklat_dasar",
        720,
        16.0,
        "2025-01-06",
        [],
    )


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"kind": "seminar"}, "jenis pelatihan 'seminar' tidak dikenal"),
        ({"jpl": "2 hari"}, "durasi harus dalam JPL/jam/menit"),
        ({"jpl": None}, "JPL wajib diisi"),
        ({"end": date(2025, 3, 1)}, "sebelum tanggal mulai"),
    ],
)
def test_add_training_refuses(db: Database, kw: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        new_training(db, **kw)
    assert count(db, "trainings") == 0


def test_add_training_warns_bare_jam_and_future(db: Database) -> None:
    result = trainings.add_training(
        db,
        name="Pembinaan",
        kind="pembinaan",
        start=date(2025, 8, 1),
        end=None,
        jpl="3 jam",
        as_of=AS_OF,
        created_at=NOW,
    )
    assert [w.split("(")[-1] for w in result.warnings] == ["BARE_JAM)", "TRAINING_IN_FUTURE)"]
    assert trainings.list_trainings(db)[0]["menit"] == 180


def test_list_by_year_and_kind(db: Database) -> None:
    new_training(db)
    new_training(db, name="Pembinaan 2024", kind="pembinaan", start=date(2024, 12, 30), end=date(2025, 1, 2))
    new_training(db, name="Ujikom", kind="uji kompetensi", start=date(2024, 5, 1), end=None, jpl=None)
    assert [r["nama"] for r in trainings.list_trainings(db, year=2025)] == ["Pembinaan 2024", "Bimtek PSM 2025"]
    assert [r["jenis"] for r in trainings.list_trainings(db, kind="Uji Kompetensi")] == ["uji_kompetensi"]
    with pytest.raises(NotFound):
        trainings.show_training(db, 99)


# --- import -------------------------------------------------------------------------------------------------------


def test_import_by_nik_with_title_rows_and_signature(reg: Database, tmp_path: Path) -> None:
    tid = new_training(reg)
    f = write_daftar_hadir(
        tmp_path / "hadir.xlsx",
        [[1, "Ani Suryani", ANI, "Banjaran", 16, "Hadir"], [2, "Budi Santoso", BUDI, "Setonopande", "8 JPL", "H"]],
    )
    reports = trainings.import_file(reg, tid, f, as_of=AS_OF, created_at=NOW).sheets
    r = reports[0]
    assert (r.rows_read, r.added, r.rejected, r.warnings) == (2, 2, 0, 0), codes(reports)
    _, rows = trainings.show_training(reg, tid)
    assert {x["nik"]: (x["jpl"], x["status"], x["dicocokkan"]) for x in rows} == {
        ANI: (16.0, "hadir", "nik"),
        BUDI: (8.0, "hadir", "nik"),
    }
    assert reg.execute("SELECT kind, file_name, length(sha256) FROM batches").fetchall() == [
        ("attendance", "hadir.xlsx", 64)
    ]


def test_import_by_name_and_kelurahan_is_reported_for_confirmation(reg: Database, tmp_path: Path) -> None:
    tid = new_training(reg)
    f = write_daftar_hadir(
        tmp_path / "hadir.xlsx",
        [
            [1, "ANI  SURYANI", "", "Kel. Banjaran", "", "Hadir"],  # matched by name + kelurahan
            [2, "Dedi", None, "", "", ""],  # no kelurahan column value: the title row "KELURAHAN BANJARAN"
            [3, "Budi Santoso", "", "Banjaran", "", ""],  # Budi is in Setonopande: not the same person
        ],
    )
    reports = trainings.import_file(reg, tid, f, as_of=AS_OF, created_at=NOW).sheets
    problems = {p.row: p for p in _rowfindings(reports[0])}
    assert problems[5].code == "MATCHED_BY_NAME" and problems[5].level == "warning"
    assert "3571**********02" in problems[5].message and ANI not in problems[5].message
    assert problems[6].code == "NAME_NOT_FOUND"  # Dedi is in Bandar Lor, not Banjaran
    assert problems[7].code == "NAME_NOT_FOUND"
    _, rows = trainings.show_training(reg, tid)
    assert [(x["nik"], x["dicocokkan"]) for x in rows] == [(ANI, "nama")]
    assert count(reg, "volunteers") == 4  # never invented


def test_import_name_ambiguous_and_without_kelurahan(reg: Database, tmp_path: Path) -> None:
    add_person(reg, "3571010101900011", "Dedi", "PSM", "Bandar Lor", "Mojoroto")  # a second Dedi in Bandar Lor
    tid = new_training(reg)
    f = write_daftar_hadir(
        tmp_path / "h.xlsx", [[1, "Dedi", "", "Bandar Lor", "", ""], [2, "Cici Rahayu", "", "", "", ""]], title=False
    )
    assert codes(trainings.import_file(reg, tid, f, as_of=AS_OF, created_at=NOW).sheets) == [
        "NAME_AMBIGUOUS",
        "NO_KELURAHAN",
    ]
    reports = trainings.import_file(reg, tid, f, kelurahan="Bandar Lor", as_of=AS_OF, created_at=NOW).sheets
    assert codes(reports) == ["NAME_AMBIGUOUS", "MATCHED_BY_NAME"]


def test_person_not_on_register_is_rejected_never_created(reg: Database, tmp_path: Path) -> None:
    tid = new_training(reg)
    f = write_daftar_hadir(
        tmp_path / "h.xlsx", [[1, "Orang Baru", STRANGER, "Banjaran", "", ""], [2, "Budi", BUDI, "", "", ""]]
    )
    reports = trainings.import_file(reg, tid, f, as_of=AS_OF, created_at=NOW).sheets
    bad = _rowfindings(reports[0])[0]
    assert (bad.code, bad.level, bad.row, bad.value) == ("NIK_NOT_REGISTERED", "error", 5, "3571**********09")
    assert STRANGER not in bad.message
    assert (reports[0].added, reports[0].rejected) == (1, 1)
    assert count(reg, "volunteers") == 4


def test_duplicate_attendance_in_file_and_on_reimport(reg: Database, tmp_path: Path) -> None:
    tid = new_training(reg)
    f = write_daftar_hadir(
        tmp_path / "h.xlsx",
        [[1, "Ani Suryani", ANI, "", "", ""], [2, "Budi", BUDI, "", "", ""], [3, "Ani S.", ANI, "", "", ""]],
    )
    first = trainings.import_file(reg, tid, f, as_of=AS_OF, created_at=NOW).sheets[0]
    assert (first.added, first.skipped) == (2, 1)
    assert [p.code for p in _rowfindings(first)] == ["DUPLICATE_IN_FILE"]
    second = trainings.import_file(reg, tid, f, as_of=AS_OF, created_at=NOW).sheets[0]
    assert (second.added, second.changed, second.unchanged) == (0, 0, 2)
    record = trainings.record(reg, tid, [ANI], as_of=AS_OF, created_at=NOW).sheets[0]
    assert (record.added, record.unchanged) == (0, 1)
    assert count(reg, "attendance") == 2
    assert count(reg, "batches") == 1  # nothing new, nothing written


def test_record_refuses_an_unknown_status(reg: Database) -> None:
    tid = new_training(reg)
    with pytest.raises(InputError, match="--status 'mungkin' tidak dikenal"):
        trainings.record(reg, tid, [ANI], status="mungkin", as_of=AS_OF, created_at=NOW)
    r = trainings.record(reg, tid, [ANI], status="Belum Kompeten", as_of=AS_OF, created_at=NOW).sheets[0]
    assert trainings.show_training(reg, tid)[1][0]["status"] == "tidak_lulus" and r.added == 1


def test_reimport_with_corrected_jpl_changes_the_row(reg: Database, tmp_path: Path) -> None:
    tid = new_training(reg)
    trainings.record(reg, tid, [ANI], as_of=AS_OF, created_at=NOW)
    r = trainings.record(reg, tid, [ANI], jpl="8 JPL", as_of=AS_OF, created_at=NOW).sheets[0]
    assert (r.changed, r.added) == (1, 0)
    assert trainings.show_training(reg, tid)[1][0]["jpl"] == 8.0


def test_dry_run_writes_nothing(reg: Database, tmp_path: Path) -> None:
    tid = new_training(reg)
    f = write_daftar_hadir(tmp_path / "h.xlsx", [[1, "Ani", ANI, "", "", ""]])
    before = list(reg.conn.iterdump())
    reports = trainings.import_file(reg, tid, f, as_of=AS_OF, created_at=NOW, dry_run=True).sheets
    assert reports[0].added == 1
    trainings.record(reg, tid, [BUDI], as_of=AS_OF, created_at=NOW, dry_run=True)
    assert list(reg.conn.iterdump()) == before


def test_one_transaction_per_file(reg: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from psmctl.db import training as q

    tid = new_training(reg)
    f = write_daftar_hadir(tmp_path / "h.xlsx", [[1, "Ani", ANI, "", "", ""], [2, "Budi", BUDI, "", "", ""]])
    real = q.upsert_attendance

    def fail_after_writing(*args: Any) -> None:
        real(*args)
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(q, "upsert_attendance", fail_after_writing)
    with pytest.raises(RuntimeError):
        trainings.import_file(reg, tid, f, as_of=AS_OF, created_at=NOW)
    assert (count(reg, "attendance"), count(reg, "batches")) == (0, 0)


def test_row_findings_durations_status_and_nik_cells(reg: Database, tmp_path: Path) -> None:
    tid = new_training(reg)
    f = write_daftar_hadir(
        tmp_path / "h.xlsx",
        [
            [1, "Ani Suryani", ANI, "", "2 hari", ""],  # ERROR DURATION_IN_DAYS
            [2, "Budi Santoso", BUDI, "", "2 jam", "hadir"],  # WARN BARE_JAM, 120 minutes
            [3, "Cici Rahayu", int(CICI), "", "", "Izin"],  # absent: not recorded
            [4, "Dedi", 3571021212850000, "", "", ""],  # NIK damaged by Excel
            [5, "Dedi", "3571 0212 1285 0004", "", "20 JPL", "ragu"],  # compacted; WARN x2
        ],
    )
    reports = trainings.import_file(reg, tid, f, as_of=AS_OF, created_at=NOW).sheets
    assert [(p.row, p.code) for p in _rowfindings(reports[0])] == [
        (5, "DURATION_IN_DAYS"),
        (6, "BARE_JAM"),
        (7, "ABSENT"),
        (8, "NIK_EXCEL_DAMAGED"),
        (9, "STATUS_UNKNOWN"),
        (9, "JPL_ABOVE_TRAINING"),
    ]
    _, rows = trainings.show_training(reg, tid)
    assert {x["nik"]: x["jpl"] for x in rows} == {BUDI: 2.7, DEDI: 20.0}


def test_uji_kompetensi_result_and_certificate_columns(reg: Database, tmp_path: Path) -> None:
    tid = new_training(reg, name="Uji kompetensi", kind="uji_kompetensi", start=date(2025, 2, 1), end=None, jpl=None)
    f = write_daftar_hadir(
        tmp_path / "h.xlsx",
        [
            [1, "Ani", ANI, "Kompeten", "SK-001", "01-02-2025"],
            [2, "Budi", BUDI, "Belum Kompeten", "", ""],
            [3, "Cici", CICI, "", "", "31-02-2025"],
        ],
        header=["NO", "NAMA", "NIK", "HASIL", "NO SERTIFIKAT", "TANGGAL SERTIFIKAT"],
    )
    reports = trainings.import_file(reg, tid, f, as_of=AS_OF, created_at=NOW).sheets
    assert [(p.row, p.code) for p in _rowfindings(reports[0])] == [(7, "DATE_INVALID")]
    _, rows = trainings.show_training(reg, tid)
    assert {x["nik"]: (x["status"], x["no_sertifikat"], x["berlaku_sampai"]) for x in rows} == {
        ANI: ("lulus", "SK-001", "2030-02-01"),  # TRN-05: 5 years from the certificate date
        BUDI: ("tidak_lulus", None, None),
    }


def test_file_without_a_name_column_is_fatal(reg: Database, tmp_path: Path) -> None:
    tid = new_training(reg)
    f = write_daftar_hadir(tmp_path / "h.xlsx", [[1, "x"]], header=["NO", "ALAMAT"])
    with pytest.raises(InputError, match="kolom NAMA tidak ditemukan"):
        trainings.import_file(reg, tid, f, as_of=AS_OF, created_at=NOW)
    with pytest.raises(NotFound):
        trainings.import_file(reg, 42, f, as_of=AS_OF, created_at=NOW)


def test_too_young_and_future_training_are_warned(reg: Database) -> None:
    add_person(reg, "3571010101200001", "Anak", "PSM", "Banjaran", "Kota", born="2020-01-01")
    tid = new_training(reg, start=date(2025, 9, 1), end=None)
    r = trainings.record(reg, tid, ["3571010101200001"], as_of=AS_OF, created_at=NOW).sheets[0]
    assert [p.code for p in _rowfindings(r)] == ["TRAINING_IN_FUTURE", "TOO_YOUNG"]
    assert r.added == 1


# --- reports through the database -----------------------------------------------------------------------------------


def test_reports_and_history_across_the_year_boundary(reg: Database) -> None:
    diklat = new_training(
        reg, name="Diklat", kind="diklat_dasar", start=date(2024, 12, 30), end=date(2025, 1, 2), jpl=None
    )
    old = new_training(reg, name="Pembinaan 2023", kind="pembinaan", start=date(2023, 5, 1), end=None, jpl="180 menit")
    trainings.record(reg, diklat, [ANI, BUDI], as_of=AS_OF, created_at=NOW)
    trainings.record(reg, old, [CICI], as_of=AS_OF, created_at=NOW)

    y2024 = trainings.hours(reg, start=date(2024, 1, 1), end=date(2024, 12, 31))
    y2025 = trainings.hours(reg, start=date(2025, 1, 1), end=date(2025, 12, 31), by="kecamatan")
    assert sum(r["jpl"] for r in y2024.volunteers) == 0
    assert {r["nik"]: r["jpl"] for r in y2025.volunteers if r["jpl"]} == {ANI: 16.0, BUDI: 16.0}
    assert [(g["kecamatan"], g["jpl"], g["orang"], g["memenuhi_target"]) for g in y2025.groups] == [
        ("Kota", 32.0, 2, 2),
        ("Mojoroto", 0.0, 2, 0),
    ]

    never = trainings.never_trained(reg, as_of=AS_OF)
    assert [r["nik"] for r in never] == [DEDI]
    stale = trainings.never_trained(reg, as_of=AS_OF, months=12, kecamatan="mojoroto")
    assert [(r["nik"], r["status"]) for r in stale] == [(CICI, "LEBIH_DARI_BATAS"), (DEDI, "BELUM_PERNAH")]
    assert trainings.never_trained_counts(reg, as_of=AS_OF, by="unsur") == [
        {"unsur": "PSM", "orang": 3, "belum_pernah": 1},
        {"unsur": "TAGANA", "orang": 1, "belum_pernah": 0},
        {"unsur": "TKSK", "orang": 1, "belum_pernah": 0},
    ]
    ids = {str(nik): int(vid) for vid, nik in reg.execute("SELECT id, nik FROM volunteers")}
    last = trainings.last_trained(trainings.facts(reg), as_of=AS_OF, settings=trainings.settings_of(reg))
    assert last == {ids[ANI]: date(2025, 1, 2), ids[BUDI]: date(2025, 1, 2), ids[CICI]: date(2023, 5, 1)}

    rows, total = trainings.history_for(reg, ANI)
    assert (total, [r["jpl"] for r in rows]) == (16.0, [16.0])
    vid = int(reg.execute("SELECT id FROM volunteers WHERE nik = ?", [ANI]).fetchone()[0])
    assert trainings.history_for(reg, vid) == (rows, total)
    with pytest.raises(NotFound, match=r"3571\*{10}09"):
        trainings.history_for(reg, STRANGER)


def test_certificates_report(reg: Database) -> None:
    sert = new_training(reg, name="Sertifikasi", kind="sertifikasi", start=date(2020, 8, 1), end=None, jpl=None)
    trainings.record(reg, sert, [ANI], certificate_no="C-1", as_of=AS_OF, created_at=NOW)
    trainings.record(reg, sert, [BUDI], valid_until=date(2031, 1, 1), as_of=AS_OF, created_at=NOW)
    rows = trainings.certificates(reg, as_of=AS_OF, within_days=90)
    assert [(r["nik"], r["status"], r["berlaku_sampai"]) for r in rows] == [
        (ANI, "BERLAKU", "2025-08-01"),
        (CICI, "TIDAK_ADA", None),  # TKSK requires a certificate (courses.toml)
    ]

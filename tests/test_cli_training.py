"""Wiring of `psmctl training` and `psmctl attendance`: exit codes, stderr lines, reports read back as CSV/JSON."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from psmctl.cli import app

# Every command but `init` refuses a database that does not exist yet: each test starts from an initialised one.
pytestmark = pytest.mark.usefixtures("initialized")

ANI = "3571015708900002"
BUDI = "3571011708900001"
CICI = "3571024101950003"
STRANGER = "3571010101900009"


def add_person(db: Database, nik: str, nama: str, unsur: str, kelurahan: str, kecamatan: str) -> None:
    cur = db.execute("INSERT INTO volunteers(nik, nama, tgl_lahir) VALUES (?, ?, '1990-01-01')", [nik, nama])
    db.execute(
        "INSERT INTO roles(volunteer_id, unsur, kelurahan, kecamatan, roster_key) VALUES (?, ?, ?, ?, ?)",
        [cur.lastrowid, unsur, kelurahan, kecamatan, f"{kelurahan}/{unsur}"],
    )
    db.conn.commit()


@pytest.fixture
def reg(db: Database) -> Database:
    add_person(db, ANI, "Ani Suryani", "PSM", "Banjaran", "Kota")
    add_person(db, BUDI, "Budi Santoso", "PSM", "Setonopande", "Kota")
    add_person(db, CICI, "Cici Rahayu", "TKSK", "Bandar Lor", "Mojoroto")
    return db


def run(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(app, ["--unmask", "--yes", *args])


def add(runner: CliRunner, *args: str) -> int:
    r = run(runner, "training", "add", *args)
    assert r.exit_code == 0, r.output
    return int(r.stdout.strip().splitlines()[-1])


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["DAFTAR HADIR PEMBINAAN PSM"])
    ws.append(["NO", "NAMA", "NIK", "KELURAHAN", "JPL"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def no_full_nik(text: str) -> bool:
    return not re.search(r"\d{16}", text)


def test_training_add_prints_the_id_only(runner: CliRunner, db: Database) -> None:
    r = run(
        runner,
        "training",
        "add",
        "--name",
        "Bimtek PSM",
        "--kind",
        "bimtek",
        "--start",
        "2025-03-10",
        "--jpl",
        "16 JPL",
    )
    assert r.exit_code == 0, r.output
    assert r.stdout == "1\n"
    again = run(
        runner, "training", "add", "--name", "Bimtek PSM", "--kind", "bimtek", "--start", "2025-03-10", "--jpl", "16"
    )
    assert (again.exit_code, again.stdout) == (0, "1\n")
    assert "sudah tercatat" in again.stderr


@pytest.mark.parametrize(
    ("args", "code", "phrase"),
    [
        (["--kind", "seminar", "--start", "2025-03-10", "--jpl", "4"], 1, "tidak dikenal"),
        (["--kind", "bimtek", "--start", "2025-03-10", "--jpl", "2 hari"], 2, "durasi harus dalam JPL/jam/menit"),
        (["--kind", "bimtek", "--start", "10-13-2025", "--jpl", "4"], 2, "--start"),
    ],
)
def test_training_add_errors_are_one_line(
    runner: CliRunner, db: Database, args: list[str], code: int, phrase: str
) -> None:
    r = run(runner, "training", "add", "--name", "X", *args)
    assert r.exit_code == code, r.output
    assert phrase in r.stderr and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.output


def test_list_and_show_as_json_and_csv(runner: CliRunner, reg: Database) -> None:
    tid = add(runner, "--name", "Pembinaan PSM", "--kind", "pembinaan", "--start", "2025-02-01", "--jpl", "180 menit")
    assert run(runner, "attendance", "record", str(tid), "--nik", ANI, "--nik", BUDI).exit_code == 0
    listed = json.loads(run(runner, "training", "list", "--year", "2025", "--format", "json").stdout)
    assert [(t["id"], t["jpl"], t["peserta"]) for t in listed] == [(tid, 4.0, 2)]
    shown = json.loads(run(runner, "training", "show", str(tid), "--format", "json").stdout)
    assert sorted(p["nik"] for p in shown["peserta"]) == sorted([ANI, BUDI])
    rows = list(csv.DictReader(io.StringIO(run(runner, "training", "show", str(tid), "--format", "csv").stdout)))
    assert {r["nik"]: r["jpl"] for r in rows} == {ANI: "4.0", BUDI: "4.0"}
    table = run(runner, "training", "show", str(tid))
    assert "Pembinaan PSM" in table.stdout and "Daftar hadir (2 orang)" in table.stdout
    missing = run(runner, "training", "show", "99")
    assert missing.exit_code == 1 and "pelatihan dengan id 99 tidak ada" in missing.stderr


def test_record_unknown_nik_is_masked_and_exits_1(runner: CliRunner, reg: Database) -> None:
    tid = add(runner, "--name", "Bimtek", "--kind", "bimtek", "--start", "2025-03-10", "--jpl", "16")
    r = run(runner, "attendance", "record", str(tid), "--nik", STRANGER)
    assert r.exit_code == 1, r.output
    assert "NIK_NOT_REGISTERED" in r.stdout and "3571**********09" in r.stdout and no_full_nik(r.output)
    assert "semua 1 baris ditolak" in r.stderr
    mixed = run(runner, "attendance", "record", str(tid), "--nik", STRANGER, "--nik", ANI, "--format", "json")
    assert mixed.exit_code == 0, mixed.output
    (report,) = json.loads(mixed.stdout)
    counts = report["counts"]
    assert (counts["added"], counts["rejected"], report["findings"][0]["code"]) == (1, 1, "NIK_NOT_REGISTERED")


def test_import_dry_run_then_real_then_again(runner: CliRunner, reg: Database, tmp_path: Path) -> None:
    tid = add(runner, "--name", "Pembinaan", "--kind", "pembinaan", "--start", "2025-02-01", "--jpl", "4 jam pelajaran")
    f = write_xlsx(
        tmp_path / "hadir.xlsx", [[1, "Ani Suryani", ANI, "Banjaran", ""], [2, "Budi Santoso", "", "Setonopande", ""]]
    )
    dry = run(runner, "attendance", "import", str(tid), str(f), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "UJI COBA" in dry.stdout and "hadir.xlsx" in dry.stdout
    assert "MATCHED_BY_NAME" in dry.stdout and "3571**********01" in dry.stdout and no_full_nik(dry.output)
    assert reg.execute("SELECT count(*) FROM attendance").fetchone()[0] == 0
    real = run(runner, "attendance", "import", str(tid), str(f), "--format", "json")
    assert [r["counts"]["added"] for r in json.loads(real.stdout)] == [2]
    again = run(runner, "attendance", "import", str(tid), str(f), "--format", "json")
    assert [(r["counts"]["added"], r["counts"]["unchanged"]) for r in json.loads(again.stdout)] == [(0, 2)]


def test_import_report_workbook_and_bad_file(runner: CliRunner, reg: Database, tmp_path: Path) -> None:
    tid = add(runner, "--name", "Pembinaan", "--kind", "pembinaan", "--start", "2025-02-01", "--jpl", "4")
    f = write_xlsx(tmp_path / "hadir.xlsx", [[1, "Orang Lain", STRANGER, "Banjaran", ""]])
    r = run(runner, "attendance", "import", str(tid), str(f), "--report", str(tmp_path / "masalah.xlsx"))
    assert r.exit_code == 1 and (tmp_path / "masalah.xlsx").exists()
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    r = run(runner, "attendance", "import", str(tid), str(broken))
    assert r.exit_code == 1 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.output


def seed_reports(runner: CliRunner) -> None:
    diklat = add(runner, "--name", "Diklat", "--kind", "diklat_dasar", "--start", "2024-12-30", "--end", "2025-01-02")
    run(runner, "attendance", "record", str(diklat), "--nik", ANI)
    half = add(runner, "--name", "Pembinaan", "--kind", "pembinaan", "--start", "2024-06-01", "--jpl", "8 JPL")
    run(runner, "attendance", "record", str(half), "--nik", BUDI)
    sert = add(runner, "--name", "Sertifikasi", "--kind", "sertifikasi", "--start", "2020-08-01")
    run(runner, "attendance", "record", str(sert), "--nik", ANI, "--certificate-no", "C-1")


def test_never_trained_report_csv_and_json(runner: CliRunner, reg: Database) -> None:
    seed_reports(runner)
    r = run(runner, "training", "report", "never-trained", "--on", "2025-06-30", "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(x["nik"], x["status"]) for x in rows] == [(CICI, "BELUM_PERNAH")]
    r = run(runner, "training", "report", "never-trained", "--on", "2025-06-30", "--months", "6", "--format", "json")
    data = json.loads(r.stdout)
    assert [(x["nik"], x["status"], x["pelatihan_terakhir"]) for x in data] == [
        (BUDI, "LEBIH_DARI_BATAS", "2024-06-01"),
        (CICI, "BELUM_PERNAH", None),
    ]
    only_psm = json.loads(
        run(runner, "training", "report", "never-trained", "--unsur", "PSM", "--format", "json").stdout
    )
    assert only_psm == []


def test_hours_report_per_volunteer_and_per_group(runner: CliRunner, reg: Database) -> None:
    seed_reports(runner)
    r = run(runner, "training", "report", "hours", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "json")
    assert r.exit_code == 0, r.output
    assert {x["nik"]: (x["jpl"], x["memenuhi_target"]) for x in json.loads(r.stdout)} == {
        ANI: (16.0, True),
        BUDI: (0.0, False),
        CICI: (0.0, False),
    }
    r = run(
        runner,
        "training",
        "report",
        "hours",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--by",
        "kecamatan",
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(x["kecamatan"], x["jpl"], x["orang"], x["target_jpl"]) for x in rows] == [
        ("Kota", "8.0", "2", "32.0"),
        ("Mojoroto", "0.0", "1", "16.0"),
    ]
    table = run(runner, "training", "report", "hours", "--from", "2025-01-01", "--to", "2025-12-31", "--by", "unsur")
    assert "Jumlah: 3 orang, 1 dilatih, 16 JPL" in table.stdout
    bad = run(runner, "training", "report", "hours", "--from", "2025-12-31", "--to", "2025-01-01")
    assert bad.exit_code == 1 and "sebelum --from" in bad.stderr


def test_certificates_report_json(runner: CliRunner, reg: Database) -> None:
    seed_reports(runner)
    args = ["training", "report", "certificates", "--on", "2025-06-30", "--expiring-within", "90", "--format", "json"]
    data = json.loads(run(runner, *args).stdout)
    assert [(x["nik"], x["status"], x["berlaku_sampai"], x["sisa_hari"]) for x in data] == [
        (ANI, "BERLAKU", "2025-08-01", 32),
        (CICI, "TIDAK_ADA", None, None),
    ]
    rows = list(csv.DictReader(io.StringIO(run(runner, *args[:-1], "csv").stdout)))
    assert [r["nik"] for r in rows] == [ANI, CICI]


def test_every_command_has_indonesian_help_with_an_example(runner: CliRunner) -> None:
    for cmd in (
        ["training", "add"],
        ["training", "list"],
        ["training", "show"],
        ["training", "kinds"],
        ["training", "report", "never-trained"],
        ["training", "report", "hours"],
        ["training", "report", "certificates"],
        ["attendance", "record"],
        ["attendance", "import"],
    ):
        r = run(runner, *cmd, "--help")
        assert r.exit_code == 0 and "Contoh: psmctl" in r.stdout, (cmd, r.output)


def test_help_does_not_import_spreadsheet_libraries(tmp_path: Path) -> None:
    code = (
        "import sys, psmctl.cli.training, psmctl.cli.attendance; "
        "print(any(m in sys.modules for m in ('openpyxl', 'python_calamine')))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ}, check=True)
    assert r.stdout.strip() == "False"

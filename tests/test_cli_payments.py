"""CLI wiring of `psmctl payments|coverage|rates`: exit codes, stderr lines, JSON keys, nothing written on failure."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from psmctl.cli import app
from tests.test_payments import NIK_A, NIK_B, NIK_UNKNOWN, _rows, add_volunteer, write_csv

# Every command but `init` refuses a database that does not exist yet: each test starts from an initialised one.
pytestmark = pytest.mark.usefixtures("initialized")


@pytest.fixture
def reg(db: Database) -> Database:
    add_volunteer(db, NIK_A, "Siti Aminah")
    add_volunteer(db, NIK_B, "Budi Santoso", unsur="TAGANA")
    return db


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, ["--unmask", "--yes", *args])
    return r.exit_code, r.stdout, r.stderr


def test_record_then_check_json(reg: Database, runner: CliRunner) -> None:
    code, out, err = run(runner, "payments", "record", "--nik", NIK_A, "--month", "2025-03", "--paid-on", "2025-03-20",
                         "--ref", "K-1", "--yes")  # fmt: skip
    assert code == 0, err
    assert "Rp16.800" in out
    code, out, err = run(runner, "coverage", "check", NIK_A, "--on", "2025-03-14", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert list(data)[:5] == ["nik", "on", "status", "masa_iur_bulan", "programs"]
    assert data["status"] == "BELUM_TERDAFTAR" and data["on"] == "2025-03-14"
    assert set(data["programs"]["JKK"]) == {
        "covered",
        "covered_from",
        "covered_to",
        "covered_again_from",
        "payment",
        "reason",
    }
    assert "mulai 2025-03-20" in data["programs"]["JKK"]["reason"]
    code, out, _ = run(runner, "coverage", "check", NIK_A, "--on", "2025-03-25")
    assert code == 0 and ": Aktif" in out and "K-1" in out


def test_record_without_yes_and_without_terminal_refuses(reg: Database, runner: CliRunner) -> None:
    code, _out, err = run(runner, "payments", "record", "--all-active", "--month", "2025-03", "--paid-on", "2025-03-20")
    assert code == 1 and "--yes" in err
    assert reg.execute("SELECT count(*) FROM payments").fetchone()[0] == 0


def test_record_unknown_nik_is_one_masked_line(reg: Database, runner: CliRunner) -> None:
    code, _out, err = run(runner, "payments", "record", "--nik", NIK_UNKNOWN, "--month", "2025-03", "--yes")
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert NIK_UNKNOWN not in err and "Traceback" not in err


def test_import_json_report_and_dry_run(reg: Database, runner: CliRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bayar.csv", _rows())
    before = list(reg.conn.iterdump())
    code, out, err = run(runner, "payments", "import", str(path), "--dry-run", "--format", "json")
    assert code == 0, err
    (data,) = json.loads(out)
    assert data["details"]["written"] == 0 and data["dry_run"] and not data["committed"]
    assert list(reg.conn.iterdump()) == before
    p = data["findings"][0]
    assert set(p) == {"sheet", "row", "column", "value", "level", "code", "message"}
    code, out, err = run(runner, "payments", "import", str(path))
    assert code == 0, err
    assert "NIK_NOT_REGISTERED" in out and not re.search(r"\d{16}", out + err)
    code, out, _ = run(runner, "payments", "list", "--format", "csv")
    assert code == 0 and len(out.strip().splitlines()) == 4


def test_void_and_list(reg: Database, runner: CliRunner) -> None:
    run(runner, "payments", "record", "--nik", NIK_A, "--month", "2025-03", "--paid-on", "2025-03-05", "--yes")
    code, out, err = run(runner, "payments", "void", "1", "--reason", "salah orang")
    assert code == 0, err
    assert NIK_A not in out
    code, out, _ = run(runner, "payments", "list", "--format", "json")
    assert json.loads(out)[0]["void_reason"] == "salah orang"
    code, _out, err = run(runner, "payments", "void", "1", "--reason", "lagi")
    assert code == 1 and "sudah dibatalkan" in err


def test_status_due_gaps_and_rates(reg: Database, runner: CliRunner) -> None:
    run(runner, "payments", "record", "--nik", NIK_A, "--month", "2025-01", "--months", "6", "--paid-on", "2025-01-08",
        "--yes")  # fmt: skip
    code, out, err = run(runner, "coverage", "status", "--as-of", "2025-03-20", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) >= {"volunteers", "totals"}
    assert {v["nik"]: v["status"] for v in data["volunteers"]} == {NIK_A: "AKTIF", NIK_B: "BELUM_TERDAFTAR"}
    code, out, _ = run(runner, "coverage", "status", "--as-of", "2025-03-20")
    assert code == 0 and "Rekap" in out
    code, out, _ = run(runner, "coverage", "due", "--month", "2025-07", "--format", "json")
    assert code == 0 and json.loads(out)["total_rupiah"] == 2 * 16_800
    code, out, _ = run(runner, "coverage", "gaps", "--nik", NIK_A, "--as-of", "2025-08-31", "--format", "json")
    assert code == 0 and json.loads(out)[0]["from"] == "2025-07-01"
    code, out, _ = run(runner, "rates", "show", "--on", "2026-02-01", "--format", "json")
    assert code == 0 and any(r["id"] == "PP50_2025" for r in json.loads(out)["rows"])
    code, _out, err = run(runner, "coverage", "check", NIK_A, "--on", "31-02-2025")
    assert code == 2 and "--on" in err


def test_every_command_has_help_with_an_example(runner: CliRunner) -> None:
    groups = {"payments": ["record", "import", "list", "void"], "coverage": ["check", "status", "due", "gaps"]}
    for group, cmds in {**groups, "rates": ["show"]}.items():
        for cmd in cmds:
            r = runner.invoke(app, ["--unmask", "--yes", group, cmd, "--help"])
            assert r.exit_code == 0 and "Contoh: psmctl" in r.stdout, (group, cmd)


def test_real_entry_point_never_prints_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "PSMCTL_DB": str(tmp_path / "t.db")}
    r = subprocess.run([sys.executable, "-m", "psmctl", "coverage", "check", NIK_UNKNOWN, "--on", "2025-03-14"],
                       capture_output=True, text=True, env=env)  # fmt: skip
    assert r.returncode == 1 and len(r.stderr.splitlines()) == 1
    assert "Traceback" not in r.stderr and not re.search(r"\d{16}", r.stdout + r.stderr)


def test_due_in_a_year_without_holiday_list_warns_once(reg: Database, runner: CliRunner) -> None:
    code, out, err = run(runner, "coverage", "due", "--month", "2026-06", "--format", "json")
    assert code == 0 and "IUR-13" not in err
    code, out, err = run(runner, "coverage", "due", "--month", "2099-12", "--format", "json")
    assert code == 0, err
    json.loads(out)  # stdout stays pure JSON: the warning is on stderr
    (line,) = [x for x in err.splitlines() if "IUR-13" in x]
    assert "2099" in line and "2100" in line and "calendar.extra_holidays" in line
    code, _out, err = run(runner, "config", "set", "calendar.extra_holidays", '["2099-12-25", "2100-01-01"]')
    assert code == 0, err
    code, _out, err = run(runner, "coverage", "due", "--month", "2099-12")
    assert code == 0 and "IUR-13" not in err
    code, _out, err = run(runner, "config", "set", "calendar.extra_holidays", '["25-12-2099"]')
    assert code == 2 and len(err.strip().splitlines()) == 1 and "25-12-2099" in err

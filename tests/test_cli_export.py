"""psmctl export: wiring, exit codes, a silent stdout, --unmask refused without a terminal, byte-identical files."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlite_utils import Database
from test_summary import AKTIF, AS_OF, FORMULA, build_register
from typer.testing import CliRunner

from psmctl.cli import app
from psmctl.db import set_setting

# Every command but `init` refuses a database that does not exist yet: each test starts from an initialised one.
pytestmark = pytest.mark.usefixtures("initialized")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def register(db: Database, tmp_path: Path) -> Database:
    build_register(db, tmp_path)
    return db


def test_summary_twice_gives_the_same_bytes_and_nothing_on_stdout(
    register: Database, runner: CliRunner, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for out in (a, b):
        r = runner.invoke(app, ["export", "summary", "--out", str(out), "--as-of", AS_OF.isoformat()])
        assert r.exit_code == 0, r.output
        assert r.stdout == "" and r.stderr == ""  # not a terminal: a cron run stays silent
    assert a.read_bytes() == b.read_bytes()
    assert openpyxl.load_workbook(a).sheetnames == ["Ringkasan", "Daftar Relawan", "Tunggakan", "Pelatihan", "Tentang"]
    assert os.stat(a).st_mode & 0o777 == 0o600


def test_summary_only_as_xlsx_and_a_bad_date_is_usage(register: Database, runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(app, ["export", "summary", "--out", str(tmp_path / "s.csv")])
    assert r.exit_code == 2 and ".xlsx" in r.stderr and not (tmp_path / "s.csv").exists()
    r = runner.invoke(app, ["export", "summary", "--out", str(tmp_path / "s.xlsx"), "--as-of", "kemarin"])
    assert r.exit_code == 2 and not (tmp_path / "s.xlsx").exists()


def test_missing_folder_is_one_line_and_exit_1(register: Database, runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(app, ["export", "roster", "--out", str(tmp_path / "nope" / "r.csv")])
    assert r.exit_code == 1 and len(r.stderr.splitlines()) == 1 and "Traceback" not in r.output


def test_unmask_is_refused_without_a_terminal_unless_yes(register: Database, runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    r = runner.invoke(app, ["export", "roster", "--out", str(out), "--unmask"])
    assert r.exit_code == 2 and len(r.stderr.splitlines()) == 1 and "--yes" in r.stderr
    assert not out.exists()
    r = runner.invoke(app, ["export", "roster", "--out", str(out), "--unmask", "--yes"])
    assert r.exit_code == 0, r.output
    with out.open(encoding="utf-8", newline="") as f:
        assert AKTIF in {row["nik"] for row in csv.DictReader(f)}


def test_roster_in_each_format(register: Database, runner: CliRunner, tmp_path: Path) -> None:
    for name in ("r.csv", "r.json", "r.xlsx"):
        r = runner.invoke(app, ["export", "roster", "--out", str(tmp_path / name), "--kecamatan", "Kota"])
        assert r.exit_code == 0, r.output
    rows = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert len(rows) == 5 and all(re.fullmatch(r"\d{4}\*{10}\d{2}", x["nik"]) for x in rows)
    with (tmp_path / "r.csv").open(encoding="utf-8", newline="") as f:
        assert "'" + FORMULA in {row["nama"] for row in csv.DictReader(f)}
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["Register"]
    assert FORMULA in [c.value for c in ws["B"]]
    r = runner.invoke(app, ["export", "roster", "--out", str(tmp_path / "r.txt"), "--format", "json"])
    assert r.exit_code == 0 and len(json.loads((tmp_path / "r.txt").read_text(encoding="utf-8"))) == 6
    r = runner.invoke(app, ["export", "roster", "--out", str(tmp_path / "r.ods")])
    assert r.exit_code == 2


def test_coverage_due_and_training_exports(register: Database, runner: CliRunner, tmp_path: Path) -> None:
    day = ["--as-of", AS_OF.isoformat()]
    r = runner.invoke(app, ["export", "coverage", "--out", str(tmp_path / "c.json"), *day])
    assert r.exit_code == 0, r.output
    statuses = sorted(x["status"] for x in json.loads((tmp_path / "c.json").read_text()))
    assert statuses == ["AKTIF", "AKTIF", "BELUM TERDAFTAR", "MENUNGGAK", "MENUNGGAK", "NONAKTIF"]

    r = runner.invoke(app, ["export", "coverage", "--out", str(tmp_path / "c.xlsx"), *day])
    about = {
        row[0]: row[1] for row in openpyxl.load_workbook(tmp_path / "c.xlsx")["Tentang"].iter_rows(values_only=True)
    }
    assert about["Tanggal acuan"].date() == AS_OF and about["Database"] == "psmctl.db" and about["Versi tabel iuran"]
    assert about["Jumlah baris"] == 6 and len(str(about["Sidik data (SHA-256 atas isi)"])) == 64

    r = runner.invoke(app, ["export", "due", "--month", "2025-06", "--out", str(tmp_path / "d.xlsx"), *day])
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(tmp_path / "d.xlsx")["Iuran 2025-06"]
    head = [c.value for c in ws[1]]
    total = ws.cell(2, head.index("Jumlah (Rp)") + 1)
    assert isinstance(total.value, int) and total.number_format == "#,##0"
    assert ws.cell(2, head.index("Jatuh tempo") + 1).is_date

    for report, name in (("never-trained", "n.csv"), ("hours", "h.json"), ("certificates", "c.xlsx")):
        r = runner.invoke(app, ["export", "training", "--report", report, "--out", str(tmp_path / name), *day])
        assert r.exit_code == 0, r.output
    with (tmp_path / "n.csv").open(encoding="utf-8", newline="") as f:
        assert len(list(csv.DictReader(f))) == 4
    hours = json.loads((tmp_path / "h.json").read_text())
    assert sum(x["jpl"] for x in hours) == 32.0
    r = runner.invoke(
        app, ["export", "training", "--report", "hours", "--by", "kecamatan", "--out", str(tmp_path / "g.csv"), *day]
    )
    assert r.exit_code == 0 and (tmp_path / "g.csv").read_text().startswith("kecamatan,orang,dilatih")


def test_file_mode_setting(register: Database, runner: CliRunner, tmp_path: Path) -> None:
    set_setting(register, "export.file_mode", '"0640"')
    out = tmp_path / "r.csv"
    assert runner.invoke(app, ["export", "roster", "--out", str(out)]).exit_code == 0
    assert os.stat(out).st_mode & 0o777 == 0o640


def test_real_entry_point_is_silent_and_never_prints_a_nik(register: Database, tmp_path: Path) -> None:
    env = {**os.environ, "PSMCTL_DB": str(tmp_path / "psmctl.db")}
    out = tmp_path / "s.xlsx"
    cmd = [sys.executable, "-m", "psmctl", "export", "summary", "--out", str(out), "--as-of", "2025-06-20"]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "") and out.exists()
    r = subprocess.run([*cmd, "--unmask"], capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and r.stdout == ""
    assert not re.search(r"\d{16}", r.stdout + r.stderr)


def test_import_psmctl_cli_does_not_load_the_writers() -> None:
    writers = "('xlsxwriter', 'openpyxl', 'psmctl.output.export')"
    code = f"import sys, psmctl.cli; print(any(m in sys.modules for m in {writers}))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert r.stdout.strip() == "False"


def test_every_export_command_has_an_example(runner: CliRunner) -> None:
    for cmd in ("summary", "roster", "coverage", "due", "training"):
        r = runner.invoke(app, ["export", cmd, "--help"])
        assert r.exit_code == 0 and f"Contoh: psmctl export {cmd}" in r.stdout

"""The privacy policy on every channel: JSON/CSV and tables into a pipe are masked unless `psmctl --unmask --yes`;
import findings (JSON and --report) never carry a full NIK or phone; an error line never echoes a cell of the file."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlite_utils import Database
from test_summary import AKTIF, AS_OF, build_register
from typer.testing import CliRunner

from builders import make_nik, roster_row, write_roster_xlsx
from psmctl.cli import app
from psmctl.rules import privacy

FULL_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")
FULL_PHONE = re.compile(r"08\d{9,11}")


@pytest.fixture
def register(db: Database, tmp_path: Path) -> Database:
    build_register(db, tmp_path)
    return db


PIPED = [
    ["volunteers", "list", "--format", "csv"],
    ["volunteers", "list", "--format", "json"],
    ["volunteers", "list"],
    ["volunteers", "show", AKTIF, "--format", "json"],
    ["payments", "list", "--format", "json"],
    ["payments", "list", "--format", "csv"],
    ["coverage", "status", "--format", "json", "--as-of", AS_OF.isoformat()],
    ["coverage", "status", "--format", "csv", "--as-of", AS_OF.isoformat()],
    ["coverage", "due", "--month", "2025-07", "--format", "json"],
]


@pytest.mark.parametrize("args", PIPED, ids=lambda a: " ".join(a[:3]))
def test_output_into_a_pipe_carries_no_full_nik_or_phone(
    register: Database, runner: CliRunner, args: list[str]
) -> None:
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() and not FULL_NIK.search(r.stdout) and not FULL_PHONE.search(r.stdout), r.stdout[:400]
    assert "**********" in r.stdout


def test_unmask_needs_yes_and_then_gives_the_full_values(register: Database, runner: CliRunner) -> None:
    r = runner.invoke(app, ["--unmask", "volunteers", "list", "--format", "csv"])
    assert r.exit_code == 2 and "--yes" in r.stderr and r.stdout == ""
    r = runner.invoke(app, ["--unmask", "--yes", "volunteers", "list", "--format", "csv"])
    assert r.exit_code == 0 and AKTIF in r.stdout


def _messy_roster(path: Path) -> Path:
    wrong_dob = roster_row(make_nik(born=dt.date(1990, 8, 17), serial=9), "Budi", tgl="01-01-1991")
    short = roster_row("357101170890001", "Ani", hp="081299988877")  # 15 digits: a near-NIK is personal too
    dup = roster_row(make_nik(born=dt.date(1990, 8, 17), serial=9), "Budi Lagi")
    return write_roster_xlsx(path, [wrong_dob, short, dup])


def test_import_findings_in_json_and_in_the_report_hold_no_full_nik(
    db: Database, runner: CliRunner, tmp_path: Path
) -> None:
    roster = _messy_roster(tmp_path / "kel.xlsx")
    report = tmp_path / "masalah.xlsx"
    r = runner.invoke(app, ["import", "roster", str(roster), "--unsur", "PSM", "--format", "json",
                            "--report", str(report)])  # fmt: skip
    assert "Traceback" not in r.output
    payload = json.loads(r.stdout)
    assert "findings" in r.stdout and len(re.findall(r'"code"', r.stdout)) >= 2
    assert not FULL_NIK.search(r.stdout) and "357101170890001" not in r.stdout and not FULL_PHONE.search(r.stdout)
    assert payload
    cells = [str(c) for ws in openpyxl.load_workbook(report) for row in ws.iter_rows(values_only=True) for c in row]
    assert any("NIK" in c for c in cells)
    assert not any(FULL_NIK.search(c) or "357101170890001" in c for c in cells)


def test_a_roster_without_a_header_row_is_refused_without_echoing_a_cell(
    db: Database, runner: CliRunner, tmp_path: Path
) -> None:
    nik = make_nik(born=dt.date(1985, 2, 1), female=True, serial=2)
    bare = tmp_path / "tanpa_judul.csv"
    bare.write_text(f"1,{nik},Siti Aminah,Kediri 01-02-1985,Jl. Melati 9,081311112222\n", encoding="utf-8")
    secret = tmp_path / "shadow.csv"
    secret.write_text("root:$6$Rahasia.sekali$abcdef:19000:0:99999:7:::\n", encoding="utf-8")
    for path, cells in ((bare, [nik, "Siti", "Melati", "081311112222", "1985"]), (secret, ["root", "Rahasia"])):
        r = runner.invoke(app, ["import", "roster", str(path), "--unsur", "PSM"])
        assert r.exit_code != 0 and "Traceback" not in r.output
        assert not [c for c in cells if c in r.output], r.output
        assert "baris" in r.stderr


def test_error_lines_never_show_a_full_nik(runner: CliRunner) -> None:
    nik = make_nik(born=dt.date(1985, 2, 1), female=True, serial=2)
    r = subprocess.run([sys.executable, "-c", f"from psmctl.output import render; render.error('x {nik} y')"],
                       capture_output=True, text=True)  # fmt: skip
    assert nik not in r.stderr and privacy.mask_nik(nik) in r.stderr


def test_the_policy_names_every_audience_once() -> None:
    assert set(privacy.POLICY) == set(privacy.Audience)
    assert not privacy.masked_for(privacy.Audience.TERMINAL)
    assert privacy.masked_for(privacy.Audience.LEAVES_OFFICE)
    assert not privacy.masked_for(privacy.Audience.LEAVES_OFFICE, unmask=True)
    assert privacy.masked_for(privacy.Audience.ERROR_LINE, unmask=True)
    assert privacy.mask_tree({"nik": "3571011708900001", "no_hp": "081234567890", "m": ["x 3571011708900001"]}) == {
        "nik": "3571**********01", "no_hp": "0812******90", "m": ["x 3571**********01"],
    }  # fmt: skip

"""The CLI's wiring: exit codes, one-line errors, JSON shapes, and the database left as it was after a failure."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from builders import cli_commands, make_nik, roster_row, write_roster_xlsx, write_rows_xlsx
from psmctl.cli import app

# Every command but `init` refuses a database that does not exist yet: each test starts from an initialised one.
pytestmark = pytest.mark.usefixtures("initialized")

BUDI = make_nik(born=dt.date(1990, 8, 17), serial=101)
SITI = make_nik(born=dt.date(1985, 2, 1), female=True, serial=102)


def dump(db: Path) -> list[str]:
    if not db.exists():
        return []
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "psmctl", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.fixture
def roster_file(tmp_path: Path) -> Path:
    rows = [
        roster_row(BUDI, "Budi Santoso"),
        roster_row(SITI, "Siti Aminah", jk="P", tgl="01-02-1985"),
        roster_row("357101170890001", "Lima Belas Digit"),
    ]
    return write_roster_xlsx(tmp_path / "psm_banjaran.xlsx", rows)


def test_import_then_list_as_json_has_the_public_keys(runner: CliRunner, roster_file: Path, db_path: Path) -> None:
    r = runner.invoke(app, ["init", "--kabkota", "35.71"])
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    r = runner.invoke(app, ["import", "roster", str(roster_file), "--format", "json"])
    assert r.exit_code == 0, r.output
    (report,) = json.loads(r.stdout)
    assert set(report) == {"file", "dry_run", "committed", "refused", "counts", "sheets", "findings", "details"}
    assert (report["counts"]["added"], report["counts"]["rejected"]) == (2, 1)
    bad = [p for p in report["findings"] if p["level"] == "error"]
    assert set(bad[0]) == {"sheet", "row", "column", "value", "level", "code", "message"}
    assert bad[0]["code"] == "NIK_FORMAT" and bad[0]["sheet"] == "PSM"
    r = runner.invoke(app, ["--unmask", "--yes", "volunteers", "list", "--format", "json"])
    assert r.exit_code == 0, r.output
    people = json.loads(r.stdout)
    assert [p["nik"] for p in people] == [BUDI, SITI]
    assert set(people[0]) == {
        "nik", "nama", "jenis_kelamin", "tempat_lahir", "tgl_lahir", "alamat", "no_hp",
        "kelurahan", "kecamatan", "kode_wilayah", "unsur", "status",
    }  # fmt: skip
    assert people[1] | {"nama": None} == {
        "nik": SITI, "nama": None, "jenis_kelamin": "P", "tempat_lahir": "Kediri", "tgl_lahir": "1985-02-01",
        "alamat": "Jl. Mawar 1", "no_hp": "081234567890", "kelurahan": "Banjaran", "kecamatan": "Kota",
        "kode_wilayah": "35.71.02.1012", "unsur": "PSM", "status": "AKTIF",
    }  # fmt: skip


def test_list_filters_and_csv(runner: CliRunner, roster_file: Path) -> None:
    assert runner.invoke(app, ["import", "roster", str(roster_file)]).exit_code == 0
    r = runner.invoke(
        app, ["--unmask", "--yes", "volunteers", "list", "--kecamatan", "35.71.02", "--unsur", "psm", "--format", "csv"]
    )
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].startswith("nik,nama,jenis_kelamin") and len(lines) == 3
    r = runner.invoke(app, ["--unmask", "--yes", "volunteers", "list", "--kelurahan", "Pakelan", "--format", "json"])
    assert json.loads(r.stdout) == []


def test_show_traces_each_fact_to_its_file_and_keeps_history(
    runner: CliRunner, roster_file: Path, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["import", "roster", str(roster_file)]).exit_code == 0
    moved = write_roster_xlsx(tmp_path / "psm_v2.xlsx", [roster_row(BUDI, "Budi Santoso", alamat="Jl. Baru 2")])
    assert runner.invoke(app, ["import", "roster", str(moved)]).exit_code == 0
    r = runner.invoke(app, ["volunteers", "show", BUDI, "--format", "json"])
    assert r.exit_code == 0, r.output
    info = json.loads(r.stdout)
    facts = {f["field"]: f for f in info["facts"]}
    assert facts["alamat"]["value"] == "Jl. Baru 2" and facts["alamat"]["source"]["file"] == "psm_v2.xlsx"
    assert facts["nama"]["source"]["file"] == "psm_banjaran.xlsx" and facts["nama"]["source"]["row"] == 6
    assert len(facts["nama"]["source"]["sha256"]) == 64
    assert [(h["field"], h["old"], h["new"]) for h in info["history"]] == [("alamat", "Jl. Mawar 1", "Jl. Baru 2")]
    r = runner.invoke(app, ["volunteers", "show", BUDI])
    assert r.exit_code == 0 and "psm_v2.xlsx" in r.stdout


def test_show_unknown_nik_is_one_masked_line(runner: CliRunner) -> None:
    r = runner.invoke(app, ["volunteers", "show", "3571011708900999"])
    assert r.exit_code == 1
    assert "3571**********99" in r.stderr and "3571011708900999" not in r.stderr


def test_report_workbook_lists_every_problem(runner: CliRunner, roster_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "masalah.xlsx"
    r = runner.invoke(app, ["import", "roster", str(roster_file), "--report", str(out), "--dry-run"])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Masalah", "Ringkasan", "Berubah", "Tidak ada di berkas baru"]
    rows = list(wb["Masalah"].iter_rows(values_only=True))
    assert rows[0] == ("Berkas", "Lembar", "Baris", "Kolom", "Nilai", "Tingkat", "Kode", "Keterangan")
    errors = [row for row in rows[1:] if row[6] == "NIK_FORMAT"]
    assert errors == [("psm_banjaran.xlsx", "PSM", 8, "NIK", "3571*********01", "galat (ditolak)", "NIK_FORMAT",
                       "NIK harus 16 digit (terbaca 15 digit)")]  # fmt: skip
    assert (
        runner.invoke(app, ["--unmask", "--yes", "volunteers", "list", "--format", "json"]).stdout.strip() == "[]"
    )  # dry run


def _corrupt(tmp: Path) -> Path:
    good = write_roster_xlsx(tmp / "good.xlsx", [roster_row(BUDI, "Budi")])
    bad = tmp / "terpotong.xlsx"
    bad.write_bytes(good.read_bytes()[:700])
    return bad


def _not_spreadsheet(tmp: Path) -> Path:
    p = tmp / "surat.xlsx"
    p.write_text("Kepada Yth. Kepala Dinas Sosial\n", encoding="utf-8")
    return p


def _empty_workbook(tmp: Path) -> Path:
    wb = openpyxl.Workbook()
    p = tmp / "kosong.xlsx"
    wb.save(p)
    return p


def _no_columns(tmp: Path) -> Path:
    return write_rows_xlsx(tmp / "anggaran.xlsx", {"Anggaran": [["URAIAN", "VOLUME", "HARGA"], ["ATK", 1, 5000]]})


def _docx(tmp: Path) -> Path:
    p = tmp / "daftar.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return p


@pytest.mark.parametrize("make", [_corrupt, _not_spreadsheet, _empty_workbook, _no_columns, _docx])
def test_bad_file_gives_one_line_exit_1_and_unchanged_db(
    runner: CliRunner, roster_file: Path, db_path: Path, tmp_path: Path, make: object
) -> None:
    assert runner.invoke(app, ["import", "roster", str(roster_file)]).exit_code == 0
    before = dump(db_path)
    bad = make(tmp_path)  # type: ignore[operator]
    r = cli("import", "roster", str(bad), env={"PSMCTL_DB": str(db_path)})
    assert r.returncode == 1, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert bad.name in r.stderr and "Traceback" not in r.stderr
    assert dump(db_path) == before


def test_no_traceback_and_no_nik_on_stderr_for_a_failing_file(tmp_path: Path, roster_file: Path) -> None:
    db = tmp_path / "t.db"
    assert cli("init", env={"PSMCTL_DB": str(db)}).returncode == 0
    r = cli("import", "roster", str(roster_file), str(tmp_path / "hilang.xlsx"), env={"PSMCTL_DB": str(db)})
    assert r.returncode == 3  # the first file landed: not "nothing changed"
    assert "Traceback" not in r.stderr + r.stdout
    assert not re.search(r"\d{16}", r.stderr)
    assert "hilang.xlsx" in r.stderr


def test_wrong_usage_exits_2(runner: CliRunner) -> None:
    assert runner.invoke(app, ["import", "roster"]).exit_code == 2
    assert runner.invoke(app, ["--unmask", "--yes", "volunteers", "list", "--format", "pdf"]).exit_code == 2
    r = runner.invoke(app, ["import", "roster", "x.xlsx", "--unsur", "SATPAM"])
    assert r.exit_code == 1 and "unsur 'SATPAM' tidak dikenal" in r.stderr


def test_internal_error_is_exit_70_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import psmctl.services.volunteers
    from psmctl import cli as climod

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("secret 3571011708900001")

    monkeypatch.setattr(psmctl.services.volunteers, "list_volunteers", boom)
    monkeypatch.setattr(sys, "argv", ["psmctl", "volunteers", "list"])
    with pytest.raises(SystemExit) as exc:
        climod.main()
    assert exc.value.code == 70
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "PSMCTL_DEBUG" in err and "3571011708900001" not in err


def test_help_and_version_are_fast_and_light() -> None:
    heavy = "('openpyxl', 'python_calamine', 'xlsxwriter', 'sqlite_utils')"
    code = f"import sys, psmctl.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"
    r = cli("--version")
    assert r.returncode == 0 and re.fullmatch(r"psmctl \d+\.\d+\.\d+\n", r.stdout)


def test_every_command_has_indonesian_help_with_an_example(runner: CliRunner) -> None:
    commands = cli_commands(app)
    assert ["import", "roster"] in commands and ["volunteers", "show"] in commands
    for cmd in commands:
        r = runner.invoke(app, [*cmd, "--help"])
        assert r.exit_code == 0, (cmd, r.output)
        assert "Contoh:" in r.stdout, cmd


def test_db_is_private_and_in_wal_mode(runner: CliRunner, db_path: Path) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_db_option_beats_environment(runner: CliRunner, tmp_path: Path) -> None:
    other = tmp_path / "lain.db"
    assert runner.invoke(app, ["--db", str(other), "init"]).exit_code == 0
    assert other.exists()
    third = tmp_path / "ketiga.db"
    assert runner.invoke(app, ["init", "--db", str(third)]).exit_code == 0
    assert third.exists()
    r = runner.invoke(app, ["config", "set", "import.phone_min_digits", "8", "--db", str(third)])
    assert r.exit_code == 0, r.output

    def changed(*args: str) -> list[str]:
        rows = json.loads(runner.invoke(app, [*args, "config", "show", "--format", "json"]).stdout)
        return [row["key"] for row in rows if row["diubah"]]

    assert changed("--db", str(other)) == [] and changed("--db", str(third)) == ["import.phone_min_digits"]


def test_retire_missing_says_how_to_undo_and_reimport_undoes_it(runner: CliRunner, tmp_path: Path) -> None:
    full = write_roster_xlsx(tmp_path / "penuh.xlsx", [roster_row(BUDI, "Budi"), roster_row(SITI, "Siti", jk="P")])
    part = write_roster_xlsx(tmp_path / "sebagian.xlsx", [roster_row(BUDI, "Budi")])
    assert runner.invoke(app, ["import", "roster", str(full)]).exit_code == 0
    r = runner.invoke(app, ["import", "roster", str(part), "--retire-missing"])
    assert r.exit_code == 0 and "ditandai BERHENTI" in r.stdout and "Membatalkan" in r.stdout
    statuses = json.loads(
        runner.invoke(app, ["--unmask", "--yes", "volunteers", "list", "--semua", "--format", "json"]).stdout
    )
    assert {p["nik"]: p["status"] for p in statuses} == {BUDI: "AKTIF", SITI: "BERHENTI"}
    assert runner.invoke(app, ["import", "roster", str(full)]).exit_code == 0
    statuses = json.loads(runner.invoke(app, ["--unmask", "--yes", "volunteers", "list", "--format", "json"]).stdout)
    assert {p["nik"] for p in statuses} == {BUDI, SITI}

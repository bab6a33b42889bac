"""Hostile files, paths and environments (issue 22, and 20.3/20.5): every failure is one Indonesian line on
stderr, an honest exit code, an unchanged database and no file left behind.

Each case is built here: tiny workbooks declaring huge sheets, FIFOs, another program's SQLite file, an
old-schema database under ten processes at once, a full disk (ENOSPC raised where the OS would raise it: this
machine runs the tests as root, so a real permission or full-disk error cannot always be staged)."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from builders import make_nik, roster_row, write_roster_xlsx
from psmctl.cli import app
from psmctl.db import open_db
from psmctl.db.migrations import migrations

BUDI = make_nik(born=dt.date(1990, 8, 17), serial=1)


def one_line(r: Result, code: int) -> str:
    """The run failed with `code`, one line on stderr, no traceback; returns that line."""
    assert r.exit_code == code, (r.exit_code, r.output, r.exception)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.output
    return lines[0]


def files_in(folder: Path) -> dict[str, str]:
    """Name -> sha256 of every file in a folder: 'unchanged and nothing left behind' in one comparison."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def run(*args: str, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "psmctl", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PSMCTL_DB": str(db), "PSMCTL_TODAY": "2025-12-22"},
    )


# --- Only `init` creates a database ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["volunteers", "list"],
        ["export", "summary", "--out", "ringkasan.xlsx", "--as-of", "2025-12-22"],
        ["config", "show"],
        ["db", "check"],
        ["db", "backup", "cadangan.db"],
        ["coverage", "due", "--month", "2025-12"],
    ],
)
def test_a_mistyped_database_path_is_refused_and_not_created(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    typo = tmp_path / "dinsso.db"
    line = one_line(runner.invoke(app, ["--db", str(typo), *args]), 1)
    assert str(typo) in line and "psmctl init" in line
    assert list(tmp_path.iterdir()) == []


def test_a_zero_byte_file_is_not_taken_as_a_new_database(tmp_path: Path, runner: CliRunner) -> None:
    empty = tmp_path / "psmctl.db"
    empty.touch()
    line = one_line(runner.invoke(app, ["--db", str(empty), "volunteers", "list"]), 1)
    assert str(empty) in line and "psmctl init" in line
    assert files_in(tmp_path) == {"psmctl.db": hashlib.sha256(b"").hexdigest()}
    # init is the one command that may make a database there
    assert runner.invoke(app, ["--db", str(empty), "init"]).exit_code == 0
    assert runner.invoke(app, ["--db", str(empty), "volunteers", "list"]).exit_code == 0


def test_ten_inits_at_once_all_succeed(tmp_path: Path) -> None:
    db = tmp_path / "baru.db"
    procs = [run("init", db=db) for _ in range(10)]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    assert [code for code, _ in results] == [0] * 10, results
    assert migrations.pending(open_db(db, create=False)) == []


# --- Someone else's SQLite file, a newer psmctl's database -------------------------------------------------------


def _foreign(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO contacts(name) VALUES ('Ani')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("args", [["volunteers", "list"], ["init"], ["db", "check"], ["db", "backup", "x.db"]])
def test_a_foreign_sqlite_file_is_never_written_to(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    other = _foreign(tmp_path / "kontak.sqlite")
    before = files_in(tmp_path)
    line = one_line(runner.invoke(app, ["--db", str(other), *args]), 1)
    assert "bukan database psmctl" in line
    assert files_in(tmp_path) == before  # same bytes, no -wal, no -shm, no backup
    conn = sqlite3.connect(other)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["contacts"]
    conn.close()


def test_a_text_file_as_database_is_one_line_and_untouched(tmp_path: Path, runner: CliRunner) -> None:
    notes = tmp_path / "catatan.db"
    notes.write_text("ini bukan database\n" * 200)
    before = files_in(tmp_path)
    one_line(runner.invoke(app, ["--db", str(notes), "init"]), 1)
    one_line(runner.invoke(app, ["--db", str(notes), "volunteers", "list"]), 1)
    assert files_in(tmp_path) == before


def test_db_check_refuses_a_newer_schema_like_every_command(db_path: Path, runner: CliRunner) -> None:
    db = open_db(db_path)
    db.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) VALUES ('psmctl', 'm999_baru', 'x')")
    db.conn.commit()
    db.close()
    for args in (["db", "check"], ["volunteers", "list"]):
        line = one_line(runner.invoke(app, args), 1)
        assert "lebih baru" in line
    assert "Sehat" not in runner.invoke(app, ["db", "check"]).stdout


# --- Migrations under cron -----------------------------------------------------------------------------------------


def test_ten_commands_at_once_on_an_old_schema_migrate_once(tmp_path: Path) -> None:
    db_file = tmp_path / "lama.db"
    db = open_db(db_file)
    db.close()
    # Roll the database back to the first schema (as an older psmctl left it), with one person in it.
    conn = sqlite3.connect(db_file)
    first = migrations._migrations[0].name
    conn.executescript(
        """
        DROP TABLE incident_updates; DROP TABLE incidents;
        DROP TABLE attendance; DROP TABLE trainings; DROP TABLE payment_voids; DROP TABLE payments;
        CREATE INDEX roles_kelurahan ON roles(kode_kecamatan, kelurahan);
        INSERT INTO batches(kind, created_at) VALUES ('roster', '2025-01-01T00:00:00');
        """
    )
    conn.execute(f"INSERT INTO volunteers(nik, nama, batch_id) VALUES ('{BUDI}', 'Budi', 1)")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name != ?", [first])
    conn.commit()
    conn.close()
    old = dump(db_file)

    procs = [run("volunteers", "list", "--semua", "--format", "json", db=db_file) for _ in range(10)]
    results = [(p.wait(timeout=180), p.stderr.read() if p.stderr else "") for p in procs]
    assert [code for code, _ in results] == [0] * 10, results
    assert all(err == "" for _, err in results), results
    db = open_db(db_file, create=False)
    assert migrations.pending(db) == []
    assert db.execute("SELECT nama FROM volunteers").fetchall() == [("Budi",)]
    db.close()
    # One copy, of the database as it was before any migration ran.
    bak = Path(f"{db_file}.sebelum-migrasi.bak")
    assert dump(bak) == old
    leftovers = {p.name for p in tmp_path.iterdir()} - {"lama.db", "lama.db-wal", "lama.db-shm", bak.name}
    assert leftovers == set()


# --- Exit codes of a multi-file command ----------------------------------------------------------------------------


@pytest.mark.usefixtures("initialized")
def test_some_files_landed_is_exit_3_with_a_closing_line(tmp_path: Path, runner: CliRunner) -> None:
    good = write_roster_xlsx(tmp_path / "baik.xlsx", [roster_row(BUDI, "Budi")])
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 terpotong")
    r = runner.invoke(app, ["import", "roster", str(good), str(broken)])
    assert r.exit_code == 3, r.output
    last = r.stderr.strip().splitlines()[-1]
    assert "baik.xlsx" in last and "1 berkas sudah masuk" in last
    # Nothing landed (every file failed, or a dry run): 1, "nothing changed".
    assert runner.invoke(app, ["import", "roster", str(broken)]).exit_code == 1
    assert runner.invoke(app, ["import", "roster", str(good), str(broken), "--dry-run"]).exit_code == 1


@pytest.mark.usefixtures("initialized")
def test_a_report_that_cannot_be_written_after_a_commit_is_exit_3(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = write_roster_xlsx(tmp_path / "baik.xlsx", [roster_row(BUDI, "Budi")])

    def full_disk(target: Path, payload: object) -> Path:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr("psmctl.import_report.write_problem_report", full_disk)
    r = runner.invoke(app, ["import", "roster", str(good), "--report", str(tmp_path / "masalah.xlsx")])
    assert r.exit_code == 3, r.output
    assert "Traceback" not in r.output and "disk penuh" in r.stderr and "masalah.xlsx" in r.stderr
    assert "baik.xlsx" in r.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "masalah.xlsx").exists()

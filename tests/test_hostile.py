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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
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
    # The first schema only (as an older psmctl left it, any later migration pending), with one person in it.
    conn = sqlite3.connect(db_file)
    conn.execute("PRAGMA journal_mode = WAL")
    migrations.apply(Database(conn), stop_before=[m.name for m in migrations._migrations[1:]])
    conn.execute("INSERT INTO batches(kind, created_at) VALUES ('roster', '2025-01-01T00:00:00')")
    conn.execute(f"INSERT INTO volunteers(nik, nama, batch_id) VALUES ('{BUDI}', 'Budi', 1)")
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

    monkeypatch.setattr("psmctl.output.import_report.write_problem_report", full_disk)
    r = runner.invoke(app, ["import", "roster", str(good), "--report", str(tmp_path / "masalah.xlsx")])
    assert r.exit_code == 3, r.output
    assert "Traceback" not in r.output and "disk penuh" in r.stderr and "masalah.xlsx" in r.stderr
    assert "baik.xlsx" in r.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "masalah.xlsx").exists()


# --- Tiny files that explode, files that are not files ---------------------------------------------------------------


def tiny_xlsx(path: Path, cells: list[tuple[str, str]], *, dimension: str | None = None) -> Path:
    """A minimal, valid .xlsx (a few KB) whose cells sit where the test says, written part by part."""
    import re
    import zipfile

    rows: dict[int, list[tuple[str, str]]] = {}
    for ref, value in cells:
        rows.setdefault(int(re.sub("[A-Z]", "", ref)), []).append((ref, value))
    body = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>' for ref, v in row) + "</row>"
        for r, row in sorted(rows.items())
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{pkg}/content-types"><Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
        f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="Daftar" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
        f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}">{dim}<sheetData>{body}</sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + text)
    return path


HUGE = [
    ("XFD1048576", [("A1", "NIK"), ("XFD1048576", "x")], None),  # 512 GB grid: aborted the process (exit 134)
    ("ALL100000", [("A1", "NIK"), ("ALL100000", "x")], None),  # 3.1 GB, 4.5 s
    ("lying dimension", [("A1", "NIK"), ("XFD1048576", "x")], "A1:B2"),  # the cells, not the tag, decide
    ("declared only", [("A1", "NIK")], "A1:XFD1048576"),
    ("rows out of order", [("ALL100000", "x"), ("A1", "NIK")], None),
]


@pytest.mark.usefixtures("initialized")
@pytest.mark.parametrize(("case", "cells", "dimension"), HUGE, ids=[c[0] for c in HUGE])
@pytest.mark.parametrize("command", [["import", "roster"], ["payments", "import"]])
def test_a_tiny_file_with_a_huge_sheet_is_refused_in_milliseconds(
    tmp_path: Path,
    runner: CliRunner,
    db_path: Path,
    case: str,
    cells: list[tuple[str, str]],
    dimension: str | None,
    command: list[str],
) -> None:
    import resource
    import time

    bomb = tiny_xlsx(tmp_path / "kecil.xlsx", cells, dimension=dimension)
    assert bomb.stat().st_size < 3000
    before = dump(db_path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    r = runner.invoke(app, [*command, str(bomb)])
    elapsed = time.perf_counter() - t
    line = one_line(r, 1)
    assert "import.max_cells" in line and "kecil.xlsx" in line
    assert elapsed < 1.0  # milliseconds in practice; the unguarded read took seconds or aborted
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 50_000  # KB: no grid was built
    assert dump(db_path) == before


def test_a_real_roster_is_not_refused_by_the_extent_guard(tmp_path: Path) -> None:
    from psmctl.importing.sheets import check_extent

    path = write_roster_xlsx(tmp_path / "psm.xlsx", [roster_row(BUDI, "Budi")])
    check_extent(path, 25_000_000)  # no exception
    wide = tiny_xlsx(tmp_path / "lebar.xlsx", [("A1", "NIK"), ("AD5000", "x")])
    check_extent(wide, 25_000_000)  # 30 columns x 5,000 rows: an ordinary wide roster


def _cell_moved(path: Path, ref: str, to: str) -> Path:
    """The workbook with one cell's own reference rewritten, the cell left inside its row element."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        f'r="{ref}"'.encode(), f'r="{to}"'.encode()
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


@pytest.mark.usefixtures("initialized")
@pytest.mark.parametrize("command", [["import", "roster"], ["payments", "import"]])
def test_a_cell_placed_below_every_row_is_refused(
    tmp_path: Path, runner: CliRunner, db_path: Path, command: list[str]
) -> None:
    """<c r="Z1048576"> inside <row r="2">: calamine puts the cell where its own reference says (unguarded: 1 GB,
    4.5 s for 27 million cells), so the extent guard reads the cells' references as well as the rows'."""
    import resource

    bomb = _cell_moved(tiny_xlsx(tmp_path / "kecil.xlsx", [("A1", "NIK"), ("A2", "x"), ("B2", "y")]), "B2", "Z1048576")
    before = dump(db_path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    line = one_line(runner.invoke(app, [*command, str(bomb)]), 1)
    assert "kecil.xlsx" in line and "sel Z1048576" in line and "import.max_cells" in line
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 50_000  # KB: no grid was built
    assert dump(db_path) == before


def test_a_cell_below_every_row_is_counted_where_it_says_it_is(tmp_path: Path) -> None:
    from psmctl.errors import InputError
    from psmctl.importing.sheets import check_extent

    def moved(name: str, to: str) -> Path:
        return _cell_moved(tiny_xlsx(tmp_path / name, [("A1", "NIK"), ("A2", "x"), ("B2", "y")]), "B2", to)

    check_extent(moved("pas.xlsx", "B38461"), 1_000_000)  # 38,461 rows x 26 columns: 999,986 cells
    for name, to, shown in [
        ("lewat.xlsx", "B38462", "Z38462"),  # one row more
        ("nol.xlsx", "B00038462", "Z38462"),  # the same row, written with leading zeros
        ("lebar.xlsx", "AD33334", "AD33334"),  # 30 columns: 1,000,020 cells
    ]:
        with pytest.raises(InputError, match="import.max_cells") as refused:
            check_extent(moved(name, to), 1_000_000)
        assert f"sampai sel {shown}:" in str(refused.value)


@pytest.mark.usefixtures("initialized")
@pytest.mark.parametrize("command", [["import", "roster"], ["payments", "import"]])
def test_a_fifo_is_refused_before_it_is_opened(tmp_path: Path, runner: CliRunner, command: list[str]) -> None:
    fifo = tmp_path / "daftar.xlsx"
    os.mkfifo(fifo)
    r = runner.invoke(app, [*command, str(fifo)])  # before: waited forever for a writer
    line = one_line(r, 1)
    assert "bukan berkas biasa" in line


@pytest.mark.usefixtures("initialized")
@pytest.mark.parametrize("target", ["/dev/zero", "folder"])
def test_a_device_or_folder_as_input_is_one_line(tmp_path: Path, runner: CliRunner, target: str) -> None:
    path = Path(target) if target.startswith("/") else tmp_path
    line = one_line(runner.invoke(app, ["import", "roster", str(path)]), 1)
    assert "bukan berkas biasa" in line or "folder" in line


# --- Usage errors: Indonesian, one line ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["volunteers", "list", "--format", "pdf"], "bukan salah satu dari"),
        (["volunteers", "lisst"], "perintah 'lisst' tidak dikenal"),
        (["payments", "void", "abc"], "bukan bilangan bulat"),
        (["import", "roster"], "wajib diisi"),
        (["volunteers", "list", "--bogus"], "opsi --bogus tidak dikenal"),
        (["volunteers", "list", "extra"], "argumen berlebih"),
    ],
)
def test_usage_errors_are_one_indonesian_line(runner: CliRunner, args: list[str], expected: str) -> None:
    line = one_line(runner.invoke(app, args), 2)
    assert expected in line and line.startswith("Galat: ")
    assert "Usage:" not in line and "Error" not in line and "Invalid value" not in line


@pytest.mark.usefixtures("initialized")
def test_an_unreadable_input_is_one_line_exit_1(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster = write_roster_xlsx(tmp_path / "psm.xlsx", [roster_row(BUDI, "Budi")])
    # Run as root here, so a mode-000 file stays readable: the OS's answer is what is simulated.
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if str(p) == str(roster) else real_access(p, mode))
    line = one_line(runner.invoke(app, ["import", "roster", str(roster)]), 1)
    assert "psm.xlsx" in line and "tidak bisa dibaca" in line and "is not readable" not in line


def test_usage_errors_through_the_entry_point_are_one_line(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "psmctl", "coverage", "due", "--month", "2025-01", "--format", "xml"],
        capture_output=True,
        text=True,
        env={**os.environ, "PSMCTL_DB": str(tmp_path / "x.db")},
    )
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "bukan salah satu" in r.stderr


# --- Every value checked at the door -------------------------------------------------------------------------------

FUZZED = [  # the fuzzed command lines that exited 70 (or grew past 1.3 GB), and their neighbours
    ["coverage", "due", "--month", "9999-12"],
    ["coverage", "due", "--month", "0000-01"],
    ["summary", "--as-of", "9999-12-31"],
    ["coverage", "check", BUDI, "--on", "0001-01-01"],
    ["payments", "void", "9223372036854775808", "--reason", "salah"],
    ["training", "show", "99999999999999999999"],
    ["training", "report", "certificates", "--expiring-within", "2147483648"],
    ["training", "report", "never-trained", "--months", "99999999999"],
    ["export", "training", "certificates", "--out", "x.xlsx", "--expiring-within", "2147483648"],
    ["payments", "record", "--nik", BUDI, "--month", "2025-01", "--income", "9223372036854775808", "--yes"],  # > SQLite
    ["payments", "record", "--nik", BUDI, "--month", "2025-01", "--months", "99999999999999999999", "--yes"],
    ["payments", "list", "--month", "9999-99"],
    ["export", "due", "--month", "2025-13", "--out", "x.xlsx"],
    ["config", "set", "coverage.lapse_after_unpaid_months", "99999999999999999999"],
    ["config", "set", "amounts.mismatch", "rejct"],
    ["config", "set", "export.file_mode", "rw-r--r--"],
    ["config", "set", "tidak.ada", "1"],
]


@pytest.mark.parametrize("args", FUZZED, ids=[" ".join(a[:3]) + " " + a[-1] for a in FUZZED])
def test_a_value_out_of_range_is_one_line_exit_2(
    initialized: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    runner.invoke(app, ["import", "roster", str(write_roster_xlsx(tmp_path / "psm.xlsx", [roster_row(BUDI, "Budi")]))])
    before = dump(initialized)
    files = {p.name for p in tmp_path.iterdir() if not p.name.startswith("psmctl.db")}
    one_line(runner.invoke(app, args), 2)
    assert dump(initialized) == before
    assert {p.name for p in tmp_path.iterdir() if not p.name.startswith("psmctl.db")} == files  # no x.xlsx


def test_config_set_lists_the_values_it_understands(initialized: Path, runner: CliRunner) -> None:
    line = one_line(runner.invoke(app, ["config", "set", "amounts.mismatch", "rejct"]), 2)
    assert "warn" in line and "reject" in line
    assert runner.invoke(app, ["config", "set", "amounts.mismatch", "reject"]).exit_code == 0
    line = one_line(runner.invoke(app, ["config", "set", "coverage.lapse_after_unpaid_months", "0"]), 2)
    assert "1-120" in line


def test_a_bad_value_stored_by_an_older_psmctl_names_the_key_to_reset(initialized: Path, runner: CliRunner) -> None:
    conn = sqlite3.connect(initialized)
    conn.execute(
        "INSERT INTO settings(key, value) VALUES ('coverage.lapse_after_unpaid_months', '99999999999999999999')"
    )
    conn.commit()
    conn.close()
    for args in (["summary", "--as-of", "2025-12-22"], ["coverage", "status"]):
        line = one_line(runner.invoke(app, args), 1)
        assert "config set coverage.lapse_after_unpaid_months default" in line
    assert runner.invoke(app, ["config", "set", "coverage.lapse_after_unpaid_months", "default"]).exit_code == 0
    assert runner.invoke(app, ["summary", "--as-of", "2025-12-22"]).exit_code == 0


@pytest.mark.parametrize("jpl", ["9223372036854775807", "9" * 400, "99999999999999999999 menit", "1e999", "3 hari"])
def test_a_training_of_absurd_length_is_a_usage_error(initialized: Path, runner: CliRunner, jpl: str) -> None:
    before = dump(initialized)
    args = ["training", "add", "--name", "x", "--kind", "bimtek", "--start", "2025-01-01", "--jpl", jpl]
    line = one_line(runner.invoke(app, args), 2)
    assert "--jpl" in line and len(line) < 200
    assert dump(initialized) == before


# --- Every OS error a finding: full disk, no permission, name too long --------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 512 KB file system (tmpfs) that can be filled to the last byte; skipped where it cannot be mounted."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("tmpfs cannot be mounted here (needs root); the monkeypatched ENOSPC tests still run")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> None:
    """Fill the file system holding `folder` to its last byte."""
    fd = os.open(folder / "pengisi", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as e:
        assert e.errno == errno.ENOSPC
    finally:
        os.close(fd)


def chattr(path: Path, flag: str) -> None:
    """Make a file or folder immutable (+i): even root gets EPERM writing it. Skipped where chattr cannot."""
    done = subprocess.run(["chattr", flag, str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("chattr +i is not available here")


@pytest.fixture
def register(initialized: Path, tmp_path: Path, runner: CliRunner) -> Path:
    """An initialised database holding one imported roster."""
    roster = write_roster_xlsx(tmp_path / "psm.xlsx", [roster_row(BUDI, "Budi")])
    assert runner.invoke(app, ["import", "roster", str(roster)]).exit_code == 0
    return initialized


WRITERS = [
    ["export", "summary", "--as-of", "2025-12-22", "--out", "{d}/ringkasan.xlsx"],
    ["export", "roster", "--out", "{d}/daftar.csv"],
    ["export", "roster", "--out", "{d}/daftar.xlsx"],
    ["export", "coverage", "--out", "{d}/cakupan.xlsx"],
    ["db", "backup", "{d}/cadangan.db"],
]


@pytest.mark.parametrize("args", WRITERS, ids=[a[1] + " " + a[-1] for a in WRITERS])
def test_a_full_disk_is_one_line_and_leaves_nothing(
    register: Path, tiny_disk: Path, runner: CliRunner, args: list[str]
) -> None:
    fill(tiny_disk)
    before = dump(register)
    line = one_line(runner.invoke(app, [a.format(d=tiny_disk) for a in args]), 1)
    assert "disk penuh" in line
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["pengisi"]  # no partial file, no working folder
    assert dump(register) == before


def test_a_report_on_a_full_disk_after_a_commit_is_exit_3(
    initialized: Path, tiny_disk: Path, tmp_path: Path, runner: CliRunner
) -> None:
    roster = write_roster_xlsx(tmp_path / "psm.xlsx", [roster_row(BUDI, "Budi")])
    fill(tiny_disk)
    r = runner.invoke(app, ["import", "roster", str(roster), "--report", str(tiny_disk / "masalah.xlsx")])
    assert r.exit_code == 3, r.output
    lines = r.stderr.strip().splitlines()
    assert "disk penuh" in lines[0] and "masalah.xlsx" in lines[0] and "psm.xlsx" in lines[-1]
    assert "Traceback" not in r.output and "Exception ignored" not in r.output
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["pengisi"]


def test_a_database_on_a_full_disk_is_unchanged(tiny_disk: Path, tmp_path: Path, runner: CliRunner) -> None:
    db = tiny_disk / "psmctl.db"
    assert runner.invoke(app, ["--db", str(db), "init"]).exit_code == 0
    before = dump(db)
    fill(tiny_disk)
    rows = [roster_row(make_nik(born=dt.date(1980, 1, 1) + dt.timedelta(days=i), serial=7), f"Orang {i}")
            for i in range(300)]  # fmt: skip
    roster = write_roster_xlsx(tmp_path / "besar.xlsx", rows)
    line = one_line(runner.invoke(app, ["--db", str(db), "import", "roster", str(roster)]), 1)
    assert "disk" in line
    (tiny_disk / "pengisi").unlink()
    assert dump(db) == before


@pytest.mark.parametrize("args", WRITERS[1:], ids=[a[1] + " " + a[-1] for a in WRITERS[1:]])
def test_a_folder_without_write_permission_is_one_line(
    register: Path, tmp_path: Path, runner: CliRunner, args: list[str]
) -> None:
    closed = tmp_path / "tertutup"
    closed.mkdir()
    chattr(closed, "+i")
    try:
        line = one_line(runner.invoke(app, [a.format(d=closed) for a in args]), 1)
        assert "izin ditolak" in line
        assert list(closed.iterdir()) == []
    finally:
        chattr(closed, "-i")


@pytest.mark.parametrize("folder_too", [False, True], ids=["read-only file", "read-only file and folder"])
def test_a_read_only_database_is_one_line_naming_it_and_unchanged(
    tmp_path: Path, runner: CliRunner, folder_too: bool
) -> None:
    register = tmp_path / "ro" / "psmctl.db"
    register.parent.mkdir()
    first = write_roster_xlsx(tmp_path / "psm.xlsx", [roster_row(BUDI, "Budi")])
    for args in (["init"], ["import", "roster", str(first)]):  # whole processes: the last close checkpoints
        assert run(*args, db=register).wait(timeout=120) == 0
    before = dump(register)
    roster = write_roster_xlsx(tmp_path / "lain.xlsx", [roster_row(make_nik(born=dt.date(1985, 2, 3)), "Ani")])
    for side in ("-wal", "-shm"):  # as after the last command closed it: WAL checkpointed into the file
        assert not Path(f"{register}{side}").exists()
    chattr(register, "+i")
    if folder_too:
        chattr(register.parent, "+i")  # SQLite cannot add a -wal either
    try:
        for args in (["import", "roster", str(roster)], ["config", "set", "amounts.mismatch", "reject"]):
            line = one_line(runner.invoke(app, ["--db", str(register), *args]), 1)
            assert str(register) in line and ("hanya bisa dibaca" in line or "hak tulis" in line), line
    finally:
        chattr(register.parent, "-i")
        chattr(register, "-i")
    assert dump(register) == before
    assert {p.name for p in register.parent.iterdir()} <= {"psmctl.db", "psmctl.db-wal", "psmctl.db-shm"}


def test_enospc_anywhere_in_an_export_is_one_line(
    register: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where no tmpfs can be mounted: the OS's answer raised at the rename that would publish the file.
    import psmctl.files

    def no_space(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(psmctl.files.os, "replace", no_space)
    out = tmp_path / "keluar"
    out.mkdir()
    line = one_line(runner.invoke(app, ["export", "roster", "--out", str(out / "daftar.csv")]), 1)
    assert "disk penuh" in line
    assert list(out.iterdir()) == []


def test_a_name_too_long_is_one_line(register: Path, tmp_path: Path, runner: CliRunner) -> None:
    line = one_line(runner.invoke(app, ["export", "roster", "--out", str(tmp_path / ("a" * 300 + ".csv"))]), 1)
    assert "terlalu panjang" in line and len(line) < 300


# --- CSV as offices save it: one cell too long, UTF-16 with or without BOM, UTF-8 with BOM ----------------------

ANI = make_nik(born=dt.date(1985, 2, 3), female=True, serial=2)
CICI = make_nik(born=dt.date(1980, 1, 1), female=True, serial=3)
PEOPLE = [(BUDI, "Budi"), (ANI, "Ani"), (CICI, "Cici")]
CSV_KINDS = {  # header, then one row per person; a "{cell}" marks the cell a test may make too long
    "roster": (
        ["NO", "NAMA LENGKAP", "NIK", "ALAMAT", "KELURAHAN", "KECAMATAN", "UNSUR"],
        lambda i, nik, nama: [str(i), nama, nik, "Jl. Mawar {cell}", "Banjaran", "Kota", "PSM"],
    ),
    "payments": (
        ["NO", "NIK", "NAMA", "BULAN IURAN", "TANGGAL BAYAR", "SEGMEN", "JUMLAH", "SUMBER DANA", "NO. REFERENSI"],
        lambda i, nik, nama: [str(i), nik, nama, "2025-01", "2025-01-20", "BPU", "16800", "APBD", f"K-{i}{{cell}}"],
    ),
    "attendance": (
        ["NO", "NAMA PESERTA", "NIK", "KELURAHAN", "JPL", "KEHADIRAN", "KETERANGAN"],
        lambda i, nik, nama: [str(i), nama, nik, "Banjaran", "16", "hadir", "{cell}"],
    ),
}


def csv_file(path: Path, kind: str, *, encoding: str = "utf-8", long_row: int | None = None) -> Path:
    """A CSV of the three people for one import, `;`-separated as Excel saves it in an Indonesian locale; the row
    `long_row` (1-based person) carries a 1 MB cell."""
    header, row = CSV_KINDS[kind]
    lines = [";".join(header)]
    for i, (nik, nama) in enumerate(PEOPLE, start=1):
        cells = row(i, nik, nama)
        lines.append(";".join(c.replace("{cell}", "x" * 1_000_000 if i == long_row else "") for c in cells))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def csv_import(tmp_path: Path, runner: CliRunner, kind: str, path: Path, extra: tuple[str, ...] = ()) -> Result:
    """Import `path` with the command for `kind` into a register holding the three people."""
    if kind == "roster":
        return runner.invoke(app, ["import", "roster", str(path), "--format", "json", *extra])
    people = [roster_row(nik, nama, jk="P" if nik != BUDI else "L") for nik, nama in PEOPLE]
    assert (
        runner.invoke(app, ["import", "roster", str(write_roster_xlsx(tmp_path / "psm.xlsx", people))]).exit_code == 0
    )
    if kind == "payments":
        return runner.invoke(app, ["payments", "import", str(path), "--format", "json", *extra])
    add = ["training", "add", "--name", "Bimtek", "--kind", "bimtek", "--start", "2025-03-10", "--jpl", "16"]
    added = runner.invoke(app, add)
    assert added.exit_code == 0, added.output
    training = added.stdout.strip().splitlines()[-1]
    return runner.invoke(app, ["attendance", "import", training, str(path), "--format", "json", *extra])


def findings_in(output: str) -> list[dict[str, Any]]:
    """Every finding of an import's --format json output, whatever its shape (list of sheets or one object)."""
    import json

    out: list[dict[str, Any]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "code" in node and "level" in node:
                out.append(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(json.loads(output))
    return out


def imported(db: Path, kind: str) -> int:
    table = {"roster": "volunteers", "payments": "payments", "attendance": "attendance"}[kind]
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("kind", list(CSV_KINDS))
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_csv_in_utf16_or_with_a_bom_is_read(
    initialized: Path, tmp_path: Path, runner: CliRunner, kind: str, encoding: str
) -> None:
    # "utf-16" writes a BOM; "utf-16-le"/"-be" write none (what some Excel versions save as "Unicode text").
    path = csv_file(tmp_path / f"{kind}.csv", kind, encoding=encoding)
    r = csv_import(tmp_path, runner, kind, path)
    assert r.exit_code == 0, r.output
    assert imported(initialized, kind) == 3
    assert "NO_HEADER" not in r.stdout


@pytest.mark.parametrize("kind", list(CSV_KINDS))
def test_a_csv_cell_too_long_is_a_row_finding_and_the_rest_is_imported(
    initialized: Path, tmp_path: Path, runner: CliRunner, kind: str
) -> None:
    path = csv_file(tmp_path / f"{kind}.csv", kind, long_row=2)  # before: "field larger than field limit"
    r = csv_import(tmp_path, runner, kind, path)
    assert r.exit_code == 0, r.output
    assert imported(initialized, kind) == 3  # the long cell is emptied, the row's other cells read
    found = [p for p in findings_in(r.stdout) if p["code"] == "CELL_TOO_LONG"]
    assert [(p["row"], p["level"]) for p in found] == [(3, "warning")]
    assert "32.767" in found[0]["message"] and "xxxx" not in r.stdout


def test_a_too_long_nik_cell_rejects_that_row_only(initialized: Path, tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "psm.csv"
    rows = ["NAMA LENGKAP;NIK;KELURAHAN;KECAMATAN", f"Budi;{BUDI};Banjaran;Kota", f"Ani;{'9' * 40_000};Banjaran;Kota"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = runner.invoke(app, ["import", "roster", str(path), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert imported(initialized, "roster") == 1
    assert {p["code"] for p in findings_in(r.stdout) if p.get("row") == 3} >= {"CELL_TOO_LONG", "NIK_MISSING"}


# --- .ods with huge repeat counts, merged ranges over the whole sheet, .xlsb ------------------------------------

_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods_cell(value: str, attrs: str = "") -> str:
    return f'<table:table-cell office:value-type="string" {attrs}><text:p>{value}</text:p></table:table-cell>'


def tiny_ods(path: Path, rows: str) -> Path:
    """A minimal .ods (a few hundred bytes) whose one sheet holds a NIK header row and then `rows` (content.xml)."""
    import zipfile

    head = f"<table:table-row>{ods_cell('NIK')}{ods_cell('NAMA')}</table:table-row>"
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="PSM">{head}{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


WIDE = 'table:number-columns-repeated="16384"'
TRILLION = 'table:number-columns-repeated="1000000000000"'
SPANNED = 'table:number-rows-spanned="1000000" table:number-columns-spanned="16384"'


def ods_row(cells: str, repeated: int = 1) -> str:
    attrs = f' table:number-rows-repeated="{repeated}"' if repeated > 1 else ""
    return f"<table:table-row{attrs}>{cells}</table:table-row>"


EMPTY_CELL = "<table:table-cell/>"
SPACES = (
    '<table:table-cell office:value-type="string"><text:p>a<text:s text:c="1000000000"/>b</text:p></table:table-cell>'
)
ODS_BOMBS = [  # each one a few hundred bytes; unguarded, calamine expanded them for seconds and gigabytes
    ("a row repeated 2 million times", ods_row(ods_cell("x"), 2_000_000), "import.max_cells"),
    ("a value over 16,384 columns on 2,000 rows", ods_row(ods_cell("x", WIDE), 2000), "import.max_cells"),
    ("empty rows repeated, then a value", ods_row(EMPTY_CELL, 5_000_000) + ods_row(ods_cell("x")), "import.max_cells"),
    (
        "empty cells repeated, then a value, on repeated rows",
        ods_row('<table:table-cell table:number-columns-repeated="16000"/>' + ods_cell("x"), 100_000),
        "import.max_cells",
    ),
    ("a value repeated 10^12 times", ods_row(ods_cell("x", TRILLION)), "import.max_cells"),
    ("a billion repeated spaces", ods_row(SPACES), "spasi berulang"),
    (
        "rows written as an empty element",
        '<table:table-row table:number-rows-repeated="3000000"/>' + ods_row(ods_cell("x")),
        "import.max_cells",
    ),
]


@pytest.mark.usefixtures("initialized")
@pytest.mark.parametrize(("case", "rows", "setting"), ODS_BOMBS, ids=[c[0] for c in ODS_BOMBS])
@pytest.mark.parametrize("command", [["import", "roster"], ["payments", "import"]])
def test_a_tiny_ods_with_huge_repeat_counts_is_refused_in_milliseconds(
    tmp_path: Path, runner: CliRunner, db_path: Path, case: str, rows: str, setting: str, command: list[str]
) -> None:
    import resource
    import time

    bomb = tiny_ods(tmp_path / "kecil.ods", rows)
    assert bomb.stat().st_size < 3000
    before = dump(db_path)
    files = {k: v for k, v in files_in(tmp_path).items() if not k.startswith("psmctl.db")}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    line = one_line(runner.invoke(app, [*command, str(bomb)]), 1)
    assert time.perf_counter() - t < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 50_000  # KB: no grid was built
    assert setting in line and "kecil.ods" in line
    assert dump(db_path) == before
    assert {k: v for k, v in files_in(tmp_path).items() if not k.startswith("psmctl.db")} == files


def test_an_ods_as_libreoffice_writes_it_is_not_refused(tmp_path: Path) -> None:
    """Trailing empty rows and cells repeated by the million (what LibreOffice saves) are not the sheet's extent."""
    from psmctl.importing.sheets import read_tables

    trailing = '<table:table-cell table:number-columns-repeated="1022"/>'
    rows = "".join(
        f"<table:table-row>{ods_cell(make_nik(born=dt.date(1980, 1, 1) + dt.timedelta(days=i)))}"
        f"{ods_cell(f'Orang {i}')}{trailing}</table:table-row>"
        for i in range(200)
    )
    rows += (
        '<table:table-row table:number-rows-repeated="1048375"><table:table-cell table:number-columns-repeated="1024"/>'
        "</table:table-row>"
    )
    (sheet,) = read_tables(tiny_ods(tmp_path / "psm.ods", rows))
    assert len(sheet.rows) == 201 and {len(r) for r in sheet.rows} == {2}


def long_ods(path: Path, rows: int, odd: dict[int, str]) -> Path:
    """An .ods of a header and `rows` rows (NIK, NAMA, LibreOffice's 1,022 trailing empty cells), row i written as
    odd[i] where given: content.xml is several of the chunks check_ods_extent streams."""
    trailing = '<table:table-cell table:number-columns-repeated="1022"/>'
    body = "".join(odd.get(i) or ods_row(f"{ods_cell(str(3571010101800000 + i))}{ods_cell(f'Orang {i}')}{trailing}")
                   for i in range(1, rows + 1))  # fmt: skip
    return tiny_ods(path, body)


def test_a_long_ods_is_laid_out_in_every_chunk(tmp_path: Path) -> None:
    """Rows far into a long sheet (past the first 4 MB chunk of content.xml, where only rows follow rows) keep
    their hidden mark and their merged cells, and trailing empty cells on every row count for nothing."""
    import zipfile

    from psmctl.importing.sheets import read_tables

    covered = "<table:covered-table-cell/>"
    odd = {
        25_000: '<table:table-row table:visibility="collapse">' + ods_cell("disembunyikan") + "</table:table-row>",
        26_000: ods_row(ods_cell("a") + ods_cell("Banjaran", 'table:number-rows-spanned="3"')),
        26_001: ods_row(ods_cell("b") + covered),
        26_002: ods_row(ods_cell("c") + covered),
        27_000: ods_row(ods_cell('dua<text:s text:c="3"/>spasi')),
    }
    path = long_ods(tmp_path / "panjang.ods", 30_000, odd)
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("content.xml").file_size > 2 * (1 << 22)
    (sheet,) = read_tables(path)
    assert len(sheet.rows) == 30_001 and max(len(r) for r in sheet.rows) == 2
    assert sheet.hidden_rows == {25_000} and sheet.rows[25_000][0] == "disembunyikan"
    assert sheet.merged == [((26_000, 1), (26_002, 1))]
    assert [sheet.rows[r][1] for r in (25_999, 26_000, 26_001, 26_002, 26_003)] == [
        "Orang 25999", "Banjaran", "Banjaran", "Banjaran", "Orang 26003",
    ]  # fmt: skip


@pytest.mark.usefixtures("initialized")
def test_a_wide_row_far_into_a_long_ods_is_refused(tmp_path: Path, runner: CliRunner, db_path: Path) -> None:
    """2,000 empty cells before a value on one row past the first chunk: 2,002 columns on some 28,000 rows and
    more (the height is told as far as the guard had read when it refused)."""
    import re

    wide = ods_row(ods_cell("x") + '<table:table-cell table:number-columns-repeated="2000"/>' + ods_cell("y"))
    path = long_ods(tmp_path / "panjang.ods", 30_000, {28_000: wide})
    before = dump(db_path)
    line = one_line(runner.invoke(app, ["import", "roster", str(path)]), 1)
    assert re.search(r"panjang\.ods: lembar ke-1 membentang sampai sel BXZ(2[89]\d{3}|30001): .* x 2\.002 kolom", line)
    assert "import.max_cells" in line
    assert dump(db_path) == before


def _with_merge(path: Path, ref: str) -> Path:
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    merge = f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>", merge).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _xlsx_merged(ref: str) -> Callable[[Path], Path]:
    return lambda p: _with_merge(tiny_xlsx(p.with_suffix(".xlsx"), [("A1", "NIK"), ("A2", "x")]), ref)


MERGE_BOMBS = {
    "xlsx A2:XFD1048576": _xlsx_merged("A2:XFD1048576"),
    "xlsx A2:ZZ100000": _xlsx_merged("A2:ZZ100000"),
    "ods spanned 10^6 x 16,384": lambda p: tiny_ods(p.with_suffix(".ods"), ods_row(ods_cell("x", SPANNED))),
}


@pytest.mark.usefixtures("initialized")
@pytest.mark.parametrize("case", list(MERGE_BOMBS))
def test_a_merged_range_over_the_whole_sheet_is_refused(
    tmp_path: Path, runner: CliRunner, db_path: Path, case: str
) -> None:
    import resource
    import time

    bomb = MERGE_BOMBS[case](tmp_path / "gabung")
    before = dump(db_path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    line = one_line(runner.invoke(app, ["import", "roster", str(bomb)]), 1)
    assert time.perf_counter() - t < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 50_000
    assert "import.max_cells" in line and "gabungan" in line
    assert dump(db_path) == before


@pytest.mark.usefixtures("initialized")
def test_an_xlsb_is_refused_in_one_line(tmp_path: Path, runner: CliRunner) -> None:
    import zipfile

    xlsb = tmp_path / "daftar.xlsb"  # its binary sheets are out of the extent guard's sight
    with zipfile.ZipFile(xlsb, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
        z.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00")
    line = one_line(runner.invoke(app, ["import", "roster", str(xlsb)]), 1)
    assert ".xlsb" in line and "simpan ulang sebagai .xlsx" in line


# --- Destinations checked before any work; every command on a database that does not exist ----------------------

BAD_TARGETS = {
    "a folder that does not exist": lambda d: d / "tidak-ada" / "masalah.xlsx",
    "a folder, not a file name": lambda d: d,
    "a name too long": lambda d: d / ("a" * 300 + ".xlsx"),
}


@pytest.mark.parametrize("target", list(BAD_TARGETS))
@pytest.mark.parametrize("kind", ["roster", "payments", "attendance"])
def test_a_report_that_could_never_be_written_is_refused_before_importing(
    initialized: Path, tmp_path: Path, runner: CliRunner, kind: str, target: str
) -> None:
    out = tmp_path / "keluar"
    out.mkdir()
    report = BAD_TARGETS[target](out)
    r = csv_import(tmp_path, runner, kind, csv_file(tmp_path / f"{kind}.csv", kind), extra=("--report", str(report)))
    line = one_line(r, 1)  # before: the file was imported, then the report failed (exit 3, or two lines)
    assert len(line) < 300
    assert imported(initialized, kind) == 0
    assert [p.name for p in out.iterdir()] == []


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["export", "roster", "--out", "{d}/daftar.xlsx"], "izin ditolak"),
        (["export", "summary", "--as-of", "2025-12-22", "--out", "{d}/ringkasan.xlsx"], "izin ditolak"),
        (["db", "backup", "{d}/cadangan.db"], "izin ditolak"),
    ],
)
def test_a_folder_the_os_refuses_is_one_line_naming_it(
    register: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, args: list[str], phrase: str
) -> None:
    # Root may write anywhere: the OS's answer for a non-root user (access(2) saying no) is what is simulated.
    closed = tmp_path / "tertutup"
    closed.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if str(p) == str(closed) else real_access(p, mode))
    before = dump(register)
    line = one_line(runner.invoke(app, [a.format(d=closed) for a in args]), 1)
    assert phrase in line and str(closed) in line
    assert list(closed.iterdir()) == [] and dump(register) == before


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS, errno.ENOSPC])
def test_a_temporary_file_that_cannot_be_made_names_the_destination(
    register: Path, tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    import tempfile

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(code, os.strerror(code), str(tmp_path / ".daftar.csv.psmctl-1-abc.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    line = one_line(runner.invoke(app, ["export", "roster", "--out", str(tmp_path / "daftar.csv")]), 1)
    assert str(tmp_path / "daftar.csv") + ":" in line and ".tmp" not in line
    assert not (tmp_path / "daftar.csv").exists()


NO_DATABASE = {("rates", "show"), ("training", "kinds")}  # bundled data only: they never open a database


def _leaves(command: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
    subs = getattr(command, "commands", None)
    if not subs:
        yield path, command
        return
    for name, sub in subs.items():
        yield from _leaves(sub, [*path, name])


def _arguments(command: Any) -> list[str]:
    """Plausible values for a command's required arguments and options: enough to reach its database."""
    out: list[str] = []
    for p in command.params:
        if not p.required or p.name == "db":
            continue
        if hasattr(p.type, "choices"):
            value = str(p.type.choices[0])
        elif "int" in p.type.name:
            low = getattr(p.type, "min", None)
            value = str(low if low is not None and low > 1 else 1)  # --year: 1900
        elif "nik" in p.name:
            value = BUDI
        elif "month" in p.name:
            value = "2025-01"
        elif p.name in ("start", "on", "as_of", "date"):
            value = "2025-01-01"
        elif p.name == "key":
            value = "amounts.mismatch"
        elif p.name == "value":
            value = "warn"
        else:
            value = "psm.xlsx"
        out += [value] if p.param_type_name == "argument" else [p.opts[0], value]
    if any("--yes" in p.opts for p in command.params if p.param_type_name == "option"):
        out.append("--yes")
    return out


def test_every_command_on_a_database_that_does_not_exist_creates_nothing(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer.main

    monkeypatch.chdir(tmp_path)
    write_roster_xlsx(tmp_path / "psm.xlsx", [roster_row(BUDI, "Budi")])
    missing = tmp_path / "dinsso.db"  # a typo in PSMCTL_DB (cron, another folder)
    monkeypatch.setenv("PSMCTL_DB", str(missing))
    commands = list(_leaves(typer.main.get_command(app), []))
    assert len(commands) > 40
    for path, command in commands:
        if path == ["init"]:
            continue
        r = runner.invoke(app, [*path, *_arguments(command)])
        where = " ".join(path)
        assert not missing.exists() and not any(p.name.startswith("dinsso") for p in tmp_path.iterdir()), where
        if tuple(path) in NO_DATABASE:
            assert r.exit_code == 0, (where, r.output)
            continue
        line = one_line(r, 1)
        assert str(missing) in line and "psmctl init" in line, (where, line)


# --- The README's exit-code table is the one the code follows -------------------------------------------------------


def test_the_readme_exit_code_table_is_what_the_code_does(
    initialized: Path,
    tmp_path: Path,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import re

    from psmctl.cli import common, main

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    table = readme[readme.index("| code | meaning |") :].split("\n\n")[0]
    documented = {int(m[1]): m[2] for m in re.finditer(r"^\s*\| (\d+) \| (.+) \|$", table, re.MULTILINE)}
    constants = {v: k for k, v in vars(common).items() if k.startswith("EXIT_") and isinstance(v, int)}
    assert set(documented) == set(constants) == {0, 1, 2, 3, 70}

    good = write_roster_xlsx(tmp_path / "baik.xlsx", [roster_row(BUDI, "Budi")])
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 terpotong")
    seen = {
        common.EXIT_OK: runner.invoke(app, ["volunteers", "list"]).exit_code,
        common.EXIT_FAILED: runner.invoke(
            app, ["--db", str(tmp_path / "tidak-ada.db"), "volunteers", "list"]
        ).exit_code,
        common.EXIT_USAGE: runner.invoke(app, ["volunteers", "list", "--format", "pdf"]).exit_code,
        common.EXIT_PARTIAL: runner.invoke(app, ["import", "roster", str(good), str(broken)]).exit_code,
    }
    assert seen == {code: code for code in seen}

    def bug(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("psmctl.services.volunteers.list_volunteers", bug)
    monkeypatch.setattr(sys, "argv", ["psmctl", "volunteers", "list"])
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == common.EXIT_BUG
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "PSMCTL_DEBUG=1" in err and "Traceback" not in err

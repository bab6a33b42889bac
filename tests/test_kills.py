"""kill -9 at several moments of a backup over an existing backup and of an export: the earlier file survives
whole, no working file lands in the system temp folder, and the next run removes what the killed one left."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from psmctl.db import open_db

KILL_AFTER = (0.0, 0.01, 0.03, 0.08, 0.15, 0.3)  # seconds after the first sign of writing


def _register(path: Path, people: int) -> None:
    """A register of `people` volunteers put in by SQL (fast), plus bulk so that a copy takes a while."""
    db = open_db(path)
    db.execute("BEGIN")
    db.execute("INSERT INTO batches(id, kind, created_at) VALUES (1, 'roster', '2026-12-01T08:00:00+07:00')")
    db.conn.executemany(
        "INSERT INTO volunteers(id, nik, nama, alamat, no_hp, batch_id) VALUES (?, ?, ?, ?, ?, 1)",
        [(i, f"3571{i:012d}", f"Relawan Nomor {i}", f"Jl. Mawar {i}", f"0812{i:08d}") for i in range(1, people + 1)],
    )
    db.conn.executemany(
        "INSERT INTO roles(volunteer_id, unsur, kelurahan, kecamatan, status, roster_key, batch_id) "
        "VALUES (?, 'PSM', 'Balowerti', 'Kota', 'AKTIF', 'k', 1)",
        [(i,) for i in range(1, people + 1)],
    )
    db.execute("COMMIT")
    db.close()


def _env(tmp_path: Path, db: Path) -> dict[str, str]:
    systmp = tmp_path / "systmp"
    systmp.mkdir(exist_ok=True)
    return {**os.environ, "PSMCTL_DB": str(db), "TMPDIR": str(systmp), "PSMCTL_TODAY": "2026-12-04"}


def _kill_when_writing(args: list[str], env: dict[str, str], folder: Path, after: float) -> int | None:
    """Start psmctl, wait for a new or changed entry in `folder` (it has begun writing), wait `after`, kill -9.

    Returns the exit code when the run finished before it could be killed."""
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    proc = subprocess.Popen([sys.executable, "-m", "psmctl", *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 30
    while proc.poll() is None and time.monotonic() < deadline:
        now = {}
        for p in folder.iterdir():
            try:
                now[p.name] = p.stat().st_mtime_ns
            except FileNotFoundError:
                continue
        if now != before:
            break
        time.sleep(0.002)
    time.sleep(after)
    if proc.poll() is not None:
        return proc.returncode
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return None


def _marker(path: Path) -> str:
    """The marker setting of a backup read without changing it (no journal rolled back); fails on a broken file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return str(conn.execute("SELECT value FROM settings WHERE key = 'penanda'").fetchone()[0])
    finally:
        conn.close()


def _set_marker(db: Path, value: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES ('penanda', ?)", [value])
    conn.close()


@pytest.fixture(scope="module")
def big_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 60,000-person register, built once: each test works on its own copy of the closed file."""
    path = tmp_path_factory.mktemp("register") / "psmctl.db"
    _register(path, 60_000)
    assert not Path(f"{path}-wal").exists()  # closed: the file alone is the whole database
    return path


@pytest.mark.parametrize("after", KILL_AFTER)
def test_a_killed_backup_over_an_existing_backup_keeps_it_whole(
    tmp_path: Path, after: float, big_register: Path
) -> None:
    db = tmp_path / "psmctl.db"
    shutil.copy(big_register, db)
    out = tmp_path / "cadangan"
    out.mkdir()
    target = out / "cadangan.db"
    env = _env(tmp_path, db)
    _set_marker(db, "lama")
    assert subprocess.run([sys.executable, "-m", "psmctl", "db", "backup", str(target)], env=env).returncode == 0
    _set_marker(db, "baru")
    code = _kill_when_writing(["db", "backup", str(target)], env, out, after)
    assert code in (None, 0)
    assert _marker(target) in ({"lama", "baru"} if code is None else {"baru"})
    assert not Path(str(target) + "-journal").exists()
    # The next backup removes what the killed one left and replaces the file with a complete one.
    assert subprocess.run([sys.executable, "-m", "psmctl", "db", "backup", str(target)], env=env).returncode == 0
    assert _marker(target) == "baru"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith("cadangan.db-")) == ["cadangan.db"]


def _cells(path: Path) -> list[list[object]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def _export(target: Path, env: dict[str, str]) -> int:
    cmd = [sys.executable, "-m", "psmctl", "export", "roster", "--out", str(target)]
    return subprocess.run(cmd, env=env).returncode


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[list[object]]]:
    """A 4,000-person register exported once: the database after it, the workbook and its cells. Each test starts
    from copies of both, as if it had run that first export itself."""
    home = tmp_path_factory.mktemp("exported")
    db = home / "psmctl.db"
    _register(db, 4_000)
    target = home / "register.xlsx"
    assert _export(target, _env(home, db)) == 0
    assert list((home / "systmp").iterdir()) == []
    assert not Path(f"{db}-wal").exists()
    earlier = _cells(target)
    assert len(earlier) > 4_000
    return db, target, earlier


@pytest.mark.parametrize("after", KILL_AFTER[::2])
def test_a_killed_export_keeps_the_earlier_file_and_leaves_no_names_behind(
    tmp_path: Path, after: float, exported: tuple[Path, Path, list[list[object]]]
) -> None:
    first_db, first_export, earlier = exported
    db = tmp_path / "psmctl.db"
    shutil.copy(first_db, db)
    out = tmp_path / "keluar"
    out.mkdir()
    target = out / "register.xlsx"
    shutil.copy(first_export, target)
    env = _env(tmp_path, db)

    def export() -> int:
        return _export(target, env)

    code = _kill_when_writing(["export", "roster", "--out", str(target)], env, out, after)
    assert code in (None, 0)
    assert _cells(target) == earlier
    assert list((tmp_path / "systmp").iterdir()) == []  # xlsxwriter's working files never go to the temp folder
    assert export() == 0
    assert [p.name for p in out.iterdir()] == ["register.xlsx"]

"""files: every file psmctl writes is whole or absent, private, written beside its target, never through a symlink."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from psmctl import files
from psmctl.db import connect_readonly, open_db
from psmctl.errors import PsmctlError


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_failed_write_keeps_the_earlier_file_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "laporan.csv"
    target.write_text("lama\n", encoding="utf-8")
    with pytest.raises(RuntimeError), files.atomic_path(target) as tmp:
        tmp.write_text("setengah", encoding="utf-8")
        raise RuntimeError("mati di tengah")
    assert target.read_text(encoding="utf-8") == "lama\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["laporan.csv"]


def test_a_written_file_is_private_and_replaces_a_symlink_instead_of_following_it(tmp_path: Path) -> None:
    elsewhere = tmp_path / "lain"
    elsewhere.mkdir()
    victim = elsewhere / "penting.txt"
    victim.write_text("jangan ditimpa", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    linked, dangling = out / "a.csv", out / "b.csv"
    linked.symlink_to(victim)
    dangling.symlink_to(elsewhere / "belum-ada.txt")
    for target in (linked, dangling):
        with files.atomic_path(target) as tmp:
            tmp.write_text("baru\n", encoding="utf-8")
        assert not target.is_symlink() and target.read_text(encoding="utf-8") == "baru\n"
        assert os.stat(target).st_mode & 0o777 == 0o600
    assert victim.read_text(encoding="utf-8") == "jangan ditimpa"
    assert not (elsewhere / "belum-ada.txt").exists()


def test_leftovers_of_a_killed_run_go_and_those_of_a_live_run_stay(tmp_path: Path) -> None:
    dead, live = _dead_pid(), os.getppid()
    stale = [
        tmp_path / f".r.xlsx.psmctl-{dead}-abc123.tmp",
        tmp_path / f".c.db.psmctl-{dead}-x_y.tmp-journal",
    ]
    for p in stale:
        p.write_text("3571011708900001", encoding="utf-8")
    stale_dir = tmp_path / f".psmctl-kerja-{dead}-q1w2"
    stale_dir.mkdir()
    (stale_dir / "row_data.tmp").write_text("Budi", encoding="utf-8")
    busy = tmp_path / f".r.xlsx.psmctl-{live}-zzz.tmp"
    busy.write_text("x", encoding="utf-8")
    mine = tmp_path / "r.xlsx.bak"  # not one of ours
    mine.write_text("x", encoding="utf-8")
    with files.atomic_path(tmp_path / "r.csv") as tmp:
        tmp.write_text("ok\n", encoding="utf-8")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([busy.name, mine.name, "r.csv"])


def test_a_work_dir_is_private_inside_the_destination_folder_and_goes_away(tmp_path: Path) -> None:
    with files.work_dir(tmp_path / "r.xlsx") as work:
        assert work.parent == tmp_path and os.stat(work).st_mode & 0o777 == 0o700
        (work / "x").write_text("x", encoding="utf-8")
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(PsmctlError, match="tidak ada"), files.atomic_path(tmp_path / "nope" / "x.csv"):
        pass


def test_a_database_copy_replaces_the_earlier_one_only_when_complete(tmp_path: Path) -> None:
    db = open_db(tmp_path / "psmctl.db")
    db.execute("INSERT INTO settings(key, value) VALUES ('a', 'baru')")
    target = tmp_path / "cadangan.db"
    target.write_bytes(b"cadangan lama")
    link = tmp_path / "tautan.db"
    link.symlink_to(tmp_path / "tidak-ada" / "x.db")
    for t in (target, link):
        files.copy_database(db.conn, t)
        copy = sqlite3.connect(t)
        assert copy.execute("SELECT value FROM settings WHERE key = 'a'").fetchone() == ("baru",)
        copy.close()
        assert os.stat(t).st_mode & 0o777 == 0o600 and not t.is_symlink()
    assert not list(tmp_path.glob(".*.tmp*"))


def _hot_journal_backup(tmp_path: Path) -> Path:
    """A backup killed midway the way the old `db backup` left it: pages written, the rollback journal beside."""
    path = tmp_path / "cadangan.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("CREATE TABLE t(x TEXT)")
    conn.execute("INSERT INTO t VALUES ('isi lama')")
    conn.close()
    # Freeze a writer between writing pages and committing: copy the database and its journal mid-transaction.
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA cache_size = 1")
    conn.execute("BEGIN")
    conn.execute("INSERT INTO t SELECT hex(randomblob(500)) FROM (WITH RECURSIVE n(i) AS "
                 "(SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) SELECT i FROM n)")  # fmt: skip
    frozen = tmp_path / "beku"
    frozen.mkdir()
    (frozen / "cadangan.db").write_bytes(path.read_bytes())
    (frozen / "cadangan.db-journal").write_bytes(Path(str(path) + "-journal").read_bytes())
    conn.rollback()
    conn.close()
    return frozen / "cadangan.db"


def test_db_check_never_rolls_a_journal_back_into_a_suspect_file(tmp_path: Path) -> None:
    suspect = _hot_journal_backup(tmp_path)
    before = suspect.read_bytes()
    journal = Path(str(suspect) + "-journal").read_bytes()
    with pytest.raises(PsmctlError, match="jurnal"):
        connect_readonly(suspect)
    r = subprocess.run(
        [sys.executable, "-m", "psmctl", "--db", str(suspect), "db", "check"], capture_output=True, text=True
    )
    assert r.returncode == 1 and "jurnal" in r.stderr and "Traceback" not in r.stderr
    assert suspect.read_bytes() == before and len(before) > 100_000  # not rolled back to a 4 KB file
    assert Path(str(suspect) + "-journal").read_bytes() == journal

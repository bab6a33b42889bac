"""Storage: migrations from both ends, private files, checks, backups, crashes mid-import, forgetting a person."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from builders import make_nik, roster_row, write_roster_xlsx
from psmctl.cli import app
from psmctl.db import backup, chunked, connect, open_db, schema_version, write_tx
from psmctl.db.chunked import insert_rows, select_in
from psmctl.db.health import check
from psmctl.db.migrations import migrations
from psmctl.errors import PsmctlError
from psmctl.importing import roster
from psmctl.rules.settings import Settings


def test_blank_database_gets_every_migration_and_strict_tables(db_path: Path) -> None:
    db = open_db(db_path)
    assert [m.name for m in migrations.applied(db)] == [m.name for m in migrations._migrations]
    assert migrations.pending(db) == []
    assert {"volunteers", "roles", "changes", "batches", "settings", "payments", "trainings"} <= set(db.table_names())
    assert "STRICT" in db.execute("SELECT sql FROM sqlite_master WHERE name = 'volunteers'").fetchone()[0]
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    with pytest.raises(sqlite3.IntegrityError):  # STRICT catches type slips
        db.execute("INSERT INTO volunteers(nik, nama, row) VALUES ('1', 'x', '16.800')")


def test_rows_survive_migrating_from_the_first_schema(db_path: Path) -> None:
    db = connect(db_path)
    first = migrations._migrations[0].name
    later = [m.name for m in migrations._migrations[1:]]
    migrations.apply(db, stop_before=later[0])
    assert schema_version(db) == first
    db.execute("INSERT INTO batches(kind, created_at) VALUES ('roster', '2025-01-01T00:00:00')")
    db.execute("INSERT INTO volunteers(nik, nama, batch_id) VALUES ('3571011708900001', 'Budi', 1)")
    db.conn.commit()
    db.close()
    db = open_db(db_path)  # migrates the rest, after a backup copy
    assert migrations.pending(db) == []
    assert db.execute("SELECT nama FROM volunteers").fetchall() == [("Budi",)]
    bak = Path(f"{db_path}.sebelum-migrasi.bak")
    assert bak.exists() and stat.S_IMODE(bak.stat().st_mode) == 0o600
    old = sqlite3.connect(bak)
    assert old.execute("SELECT count(*) FROM volunteers").fetchone()[0] == 1
    old.close()


def test_database_from_a_newer_psmctl_is_refused(db_path: Path) -> None:
    db = open_db(db_path)
    db.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) VALUES ('psmctl', 'm999_future', 'x')")
    db.conn.commit()
    db.close()
    with pytest.raises(PsmctlError, match="lebih baru"):
        open_db(db_path)


def test_not_a_database_is_one_line(tmp_path: Path, runner: CliRunner) -> None:
    bogus = tmp_path / "bukan.db"
    bogus.write_text("ini bukan database, ini catatan\n" * 100)
    r = runner.invoke(app, ["--db", str(bogus), "volunteers", "list"])
    assert r.exit_code == 1 and len(r.stderr.strip().splitlines()) == 1
    r = runner.invoke(app, ["--db", str(tmp_path), "volunteers", "list"])
    assert r.exit_code == 1 and "folder" in r.stderr


def test_write_tx_rolls_back_everything_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError):
        with write_tx(db):
            db.execute("INSERT INTO batches(kind, created_at) VALUES ('roster', 'x')")
            raise RuntimeError("boom")
    assert db.execute("SELECT count(*) FROM batches").fetchone()[0] == 0


def test_check_finds_a_broken_ledger(db: Database, db_path: Path, runner: CliRunner) -> None:
    assert check(db) == []
    r = runner.invoke(app, ["db", "check"])
    assert r.exit_code == 0 and "Sehat" in r.stdout
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("INSERT INTO batches(kind, created_at) VALUES ('payments', 'x')")
    db.execute(
        "INSERT INTO payment_voids(payment_id, reason, batch_id, voided_at) VALUES (999, 'salah', 1, '2025-01-01')"
    )
    db.conn.commit()
    problems = check(db)
    assert any("pembatalan menunjuk pembayaran yang tidak ada" in p for p in problems)
    r = runner.invoke(app, ["db", "check"])
    assert r.exit_code == 1 and "pembayaran yang tidak ada" in r.stderr


def _roster(tmp_path: Path, n: int) -> Path:
    rows = [roster_row(make_nik(born=dt.date(1970, 1, 1) + dt.timedelta(days=i), serial=101), f"Orang {i}")
            for i in range(n)]  # fmt: skip
    return write_roster_xlsx(tmp_path / f"psm_{n}.xlsx", rows, signature=False)


def test_backup_is_a_consistent_private_copy(db: Database, tmp_path: Path, runner: CliRunner) -> None:
    settings = Settings({"wilayah.kode_kabkota": "35.71"})
    roster.import_file(db, _roster(tmp_path, 5), as_of=dt.date(2025, 1, 15), now="t", settings=settings)
    target = tmp_path / "cadangan.db"
    r = runner.invoke(app, ["db", "backup", str(target)])
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT count(*) FROM volunteers").fetchone()[0] == 5
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()
    # A backup taken while another connection holds an open write transaction still sees the last commit.
    other = connect(tmp_path / "psmctl.db")
    other.execute("BEGIN IMMEDIATE")
    other.execute("DELETE FROM roles")
    backup(db, tmp_path / "during.db")
    other.conn.rollback()
    during = sqlite3.connect(tmp_path / "during.db")
    assert during.execute("SELECT count(*) FROM roles").fetchone()[0] == 5
    during.close()


@pytest.fixture(scope="module")
def roster_3000(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One 3000-row roster for every killed import (an import only reads it)."""
    return _roster(tmp_path_factory.mktemp("roster"), 3000)


@pytest.mark.parametrize("delay", [0.05, 0.4, 0.8, 1.2, 1.6])
def test_killed_import_leaves_all_or_nothing(tmp_path: Path, delay: float, roster_3000: Path) -> None:
    big = roster_3000
    db_file = tmp_path / "kill.db"
    env = {**os.environ, "PSMCTL_DB": str(db_file)}
    subprocess.run([sys.executable, "-m", "psmctl", "init"], env=env, check=True, capture_output=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "psmctl", "import", "roster", str(big)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(db_file)
    people = conn.execute("SELECT count(*) FROM volunteers").fetchone()[0]
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert people in (0, 3000)


def test_forget_erases_personal_data_and_keeps_counts(
    db: Database, db_path: Path, tmp_path: Path, runner: CliRunner
) -> None:
    settings = Settings({"wilayah.kode_kabkota": "35.71"})
    roster.import_file(db, _roster(tmp_path, 3), as_of=dt.date(2025, 1, 15), now="t", settings=settings)
    db.close()  # forget runs as the only connection to the file
    nik = make_nik(born=dt.date(1970, 1, 2), serial=101)
    r = runner.invoke(app, ["volunteers", "forget", nik, "--reason", "permintaan ybs"])
    assert r.exit_code == 1  # not a terminal and no --yes
    r = runner.invoke(app, ["volunteers", "forget", nik, "--reason", "permintaan ybs", "--yes"])
    assert r.exit_code == 0, r.output
    assert nik not in r.stdout
    db = open_db(db_path)
    dump = "\n".join(db.conn.iterdump())
    assert nik not in dump and "Orang 1'" not in dump
    assert db.execute("SELECT count(*) FROM volunteers").fetchone()[0] == 3
    assert db.execute("SELECT count(*) FROM roles").fetchone()[0] == 3
    note = db.execute("SELECT note FROM changes WHERE field = '*'").fetchone()[0]
    assert "permintaan ybs" in note
    r = runner.invoke(app, ["volunteers", "list", "--format", "json"])
    assert "(data pribadi dihapus)" not in r.stdout  # forgotten people leave the register listing


def test_a_report_reads_one_snapshot_while_a_writer_commits(db: Database, db_path: Path) -> None:
    from psmctl.db import snapshot

    @snapshot
    def two_reads(d: Database) -> tuple[int, int]:
        first = d.execute("SELECT count(*) FROM batches").fetchone()[0]
        other = connect(db_path)  # another process's import commits between the report's two queries
        other.execute("INSERT INTO batches(kind, created_at) VALUES ('roster', 'x')")
        other.conn.close()
        second = d.execute("SELECT count(*) FROM batches").fetchone()[0]
        return int(first), int(second)

    assert two_reads(db) == (0, 0)
    assert db.execute("SELECT count(*) FROM batches").fetchone()[0] == 1


def test_select_in_asks_a_chunk_at_a_time_under_the_old_parameter_limit(db: Database) -> None:
    db.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)  # what SQLite before 3.32 allowed
    db.execute("CREATE TABLE k(x INTEGER PRIMARY KEY, y TEXT)")
    db.conn.executemany("INSERT INTO k VALUES (?, ?)", [(i, f"y{i}") for i in range(2500)])
    wanted = [*range(0, 2500, 2), 5000, 5001]  # 1,252 keys: two of them not in the table
    with pytest.raises(sqlite3.OperationalError):  # the limit is real: one IN list of them all is refused
        db.execute(f"SELECT x FROM k WHERE x IN ({','.join('?' * len(wanted))})", wanted)
    found = list(select_in(db, "SELECT x, y FROM k WHERE x IN ({marks}) ORDER BY x", wanted))
    assert found == [(i, f"y{i}") for i in range(0, 2500, 2)]
    assert list(select_in(db, "SELECT x FROM k WHERE x IN ({marks})", [])) == []
    assert sorted(select_in(db, "SELECT x FROM k WHERE x IN ({marks})", wanted, size=7)) == [
        (i,) for i in range(0, 2500, 2)
    ]


def test_insert_rows_writes_every_value_as_given(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bulk insert writes what each row holds, whether a column is bound per row or written once as a literal
    (a value every row of a batch shares): quotes, NUL, 1 beside 1.0, NULL beside a default, more rows than one
    statement binds under the old parameter limit, and batches that differ in what they hold alike."""
    monkeypatch.setattr(chunked, "_BATCH", 1000)  # column e: NUL in the first batch, "same" in the others
    db.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b ANY, c TEXT, d TEXT DEFAULT 'x', e ANY) STRICT")
    rows = [(i, "O'Neil; DROP TABLE t --", 1 if i % 7 else 1.0, None, None, "nul\x00in" if i == 3 else "same")
            for i in range(1, 2502)]  # fmt: skip
    insert_rows(db, "t", ("id", "a", "b", "c", "d", "e"), iter(rows))  # any iterable: a generator too
    back = db.execute("SELECT id, a, b, c, d, e FROM t ORDER BY id").fetchall()
    assert back == rows
    assert [type(r[2]) for r in back[:7]] == [int] * 6 + [float]  # 1.0 stays a real beside the 1s
    insert_rows(db, "t", ("id", "a", "b"), [(5000, "z", 2)])  # d left out: its default
    assert db.execute("SELECT a, b, d, e FROM t WHERE id = 5000").fetchone() == ("z", 2, "x", None)
    db.execute("CREATE UNIQUE INDEX t_a ON t(e) WHERE e = 'once'")
    insert_rows(db, "t", ("id", "e"), [(6000, "once"), (6001, "once")], " ON CONFLICT DO NOTHING")
    assert db.execute("SELECT id FROM t WHERE e = 'once'").fetchall() == [(6000,)]


def test_a_list_filter_keeps_the_conditions_given() -> None:
    from psmctl.db.filters import where, year_text

    assert where({"a = ?": 1, "b = ?": None, "substr(d, 1, 4) = ?": year_text(987)}) == (
        " WHERE a = ? AND substr(d, 1, 4) = ?",
        [1, "0987"],
    )
    assert where({"a = ?": None, "b = ?": year_text(None)}) == ("", [])
    assert where({"a = ?": 0, "b = ?": ""}) == (" WHERE a = ? AND b = ?", [0, ""])  # 0 and "" are values


def test_row_notes_come_to_an_older_database_empty(db_path: Path) -> None:
    """m008: payments and attendance get a nullable note (the KETERANGAN of the imported row); rows already in
    the ledger keep every value and have no note."""
    db = connect(db_path)
    migrations.apply(db, stop_before="m008_row_notes")
    db.execute("INSERT INTO batches(kind, created_at) VALUES ('payments', '2025-01-01T00:00:00')")
    db.execute("INSERT INTO volunteers(nik, nama, batch_id) VALUES ('3571011708900001', 'Budi', 1)")
    db.execute(
        "INSERT INTO payments(volunteer_id, segment, iuran_month, paid_on, income_rupiah, programs, total_rupiah, "
        "funding, line_key, batch_id) VALUES (1, 'BPU', '2025-01', '2025-01-05', 1000000, 'JKK,JKM', 16800, 'APBD', "
        "'k', 1)"
    )
    db.conn.commit()
    db.close()
    db = open_db(db_path)
    for table in ("payments", "attendance"):
        note = [c for c in db.execute(f"PRAGMA table_info({table})").fetchall() if c[1] == "note"]
        assert note and note[0][2] == "TEXT" and note[0][3] == 0, (table, note)  # nullable TEXT
    assert db.execute("SELECT total_rupiah, note FROM payments").fetchall() == [(16800, None)]


def test_a_command_leaves_the_register_one_whole_file(tmp_path: Path, runner: CliRunner) -> None:
    """When a command ends (in this process too: a script, the tests) its connection is closed, so the write-ahead
    log is in the file: the file alone, copied as an office copies it, holds what the command wrote."""
    db = tmp_path / "psmctl.db"
    nik = make_nik(kec="357102", born=dt.date(1980, 1, 1), female=False, serial=1)
    roster = write_roster_xlsx(tmp_path / "r.xlsx", [roster_row(nik, "SITI", kelurahan="Banjaran", kecamatan="Kota")])
    for args in (["init", "--kabkota", "35.71"], ["import", "roster", str(roster)]):
        r = runner.invoke(app, ["--db", str(db), *args])
        assert r.exit_code == 0, r.output
    assert sorted(p.name for p in tmp_path.glob("psmctl.db*")) == ["psmctl.db"]
    copy = tmp_path / "salinan.db"
    copy.write_bytes(db.read_bytes())
    con = sqlite3.connect(copy)
    assert con.execute("SELECT count(*) FROM volunteers").fetchone()[0] == 1
    con.close()

"""psmctl merge: kab/kota databases rolled up into a province database (issue 16)."""

from __future__ import annotations

import datetime as dt
import gc
import json
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from psmctl.cli import app
from psmctl.db.migrations import migrations
from tests.builders import data_rows, make_nik, roster_row, write_roster_xlsx

BORN = dt.date(1990, 8, 17)
# Pandeglang (36.01): Asep and Dedi; Lebak (36.02): Ujang, and Dedi again (he moved: the same NIK in two registers).
ASEP = make_nik(kec="360104", born=BORN, serial=1)
DEDI = make_nik(kec="360101", born=BORN, serial=3)
UJANG = make_nik(kec="360201", born=BORN, serial=7)


def cli(runner: CliRunner, db: Path, *args: str) -> str:
    r = runner.invoke(app, ["--db", str(db), *args])
    assert r.exit_code == 0, r.output
    return r.stdout


def _kabkota(runner: CliRunner, tmp_path: Path, name: str, kab: str, rows: list[dict[str, object]]) -> Path:
    db = tmp_path / f"{name}.db"
    cli(runner, db, "init", "--kabkota", kab)
    roster = write_roster_xlsx(tmp_path / f"tagana_{name}.xlsx", rows, sheet="TAGANA")
    cli(runner, db, "import", "roster", str(roster), "--unsur", "Tagana")
    return db


@pytest.fixture(scope="module")
def built_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pandeglang's and Lebak's registers, built once; each test merges (or changes) copies of them (`sources`)."""
    tmp_path = tmp_path_factory.mktemp("sources")
    runner = CliRunner()
    pandeglang = _kabkota(runner, tmp_path, "pandeglang", "36.01", [
        roster_row(ASEP, "Asep", kelurahan="Cikeusik", kecamatan="Cikeusik"),
        roster_row(DEDI, "Dedi", kelurahan="Tamanjaya", kecamatan="Sumur"),
    ])  # fmt: skip
    lebak = _kabkota(runner, tmp_path, "lebak", "36.02", [
        roster_row(UJANG, "Ujang", kelurahan="", kecamatan="Malingping"),
        roster_row(DEDI, "Dedi", kelurahan="", kecamatan="Malingping"),
    ])  # fmt: skip
    cli(runner, pandeglang, "payments", "record", "--all-active", "--month", "2025-01", "--months", "6",
        "--paid-on", "2025-01-08", "--ref", "PDG-1", "--yes")  # fmt: skip
    cli(runner, pandeglang, "payments", "record", "--nik", DEDI, "--month", "2025-07", "--paid-on", "2025-07-03",
        "--ref", "PDG-2", "--yes")  # fmt: skip
    cli(runner, pandeglang, "payments", "void", "1", "--reason", "salah orang")
    cli(runner, lebak, "payments", "record", "--nik", UJANG, "--month", "2025-03", "--months", "3",
        "--paid-on", "2025-03-10", "--ref", "LBK-1", "--yes")  # fmt: skip
    tid = cli(runner, pandeglang, "training", "add", "--name", "Bimtek Tagana", "--kind", "bimtek",
              "--start", "2025-05-05", "--jpl", "16").strip().splitlines()[-1]  # fmt: skip
    cli(runner, pandeglang, "attendance", "record", tid, "--nik", ASEP)
    # The commands above ran in this process and left their connections to the cyclic collector; the last one's
    # close checkpoints the WAL into the file, rewriting it whenever a collection happens to run (mid-merge, say).
    # Closed now, each source is one whole file with no WAL, as a kab/kota sends it.
    gc.collect()
    assert not [p for p in (pandeglang, lebak) if Path(f"{p}-wal").exists()]
    return tmp_path


@pytest.fixture
def sources(built_sources: Path, tmp_path: Path) -> tuple[Path, Path]:
    """This test's own copies of the two whole files (and the rosters they were imported from)."""
    for built in built_sources.iterdir():
        shutil.copy(built, tmp_path / built.name)
    return tmp_path / "pandeglang.db", tmp_path / "lebak.db"


def _check(runner: CliRunner, db: Path, nik: str, on: str) -> dict[str, object]:
    answer = json.loads(cli(runner, db, "coverage", "check", nik, "--on", on, "--format", "json"))
    assert isinstance(answer, dict)
    return answer


def test_merge_answers_coverage_as_the_kab_kota_did(
    runner: CliRunner, tmp_path: Path, sources: tuple[Path, Path]
) -> None:
    pandeglang, lebak = sources
    banten = tmp_path / "banten.db"
    cli(runner, banten, "init", "--provinsi", "36")
    reports = json.loads(cli(runner, banten, "merge", str(pandeglang), "--format", "json"))
    assert reports[0]["added"] == {"volunteers": 2, "roles": 2, "trainings": 1, "attendance": 1, "payments": 13,
                                   "payment_voids": 1}  # fmt: skip
    for nik in (ASEP, DEDI):
        for on in ("2025-01-20", "2025-04-30", "2025-07-15", "2025-09-01"):
            assert _check(runner, banten, nik, on) == _check(runner, pandeglang, nik, on), (nik, on)
    hours = json.loads(cli(runner, banten, "training", "report", "hours", "--from", "2025-01-01", "--to",
                           "2025-12-31", "--by", "kabkota", "--format", "json"))  # fmt: skip
    assert [(h["kabkota"], h["dilatih"]) for h in hours] == [("36.01 Kabupaten Pandeglang", 1)]


def test_provenance_duplicates_idempotence(runner: CliRunner, tmp_path: Path, sources: tuple[Path, Path]) -> None:
    pandeglang, lebak = sources
    banten = tmp_path / "banten.db"
    cli(runner, banten, "init", "--provinsi", "36")
    r = runner.invoke(app, ["--db", str(banten), "merge", str(pandeglang), str(lebak)])
    assert r.exit_code == 0, r.output
    # Dedi is on both registers: one warning naming both places, his NIK masked.
    warnings = [line for line in r.stderr.splitlines() if "dua tempat" in line]
    assert len(warnings) == 1 and DEDI not in warnings[0]
    assert "pandeglang.db" in warnings[0] and "lebak.db" in warnings[0] and "tagana_lebak.xlsx" in warnings[0]
    con = sqlite3.connect(banten)
    sources_rows = con.execute("SELECT file_name, kode_kabkota, length(fingerprint) FROM merge_sources").fetchall()
    assert sources_rows == [("pandeglang.db", "36.01", 64), ("lebak.db", "36.02", 64)]
    ujang = con.execute(
        "SELECT s.file_name, f.source_file, f.source_sheet, f.source_row FROM merged_facts f "
        "JOIN merge_sources s ON s.id = f.source_id JOIN volunteers v ON v.id = f.local_id "
        "WHERE f.kind = 'volunteers' AND v.nik = ?",
        [UJANG],
    ).fetchall()
    assert ujang == [("lebak.db", "tagana_lebak.xlsx", "TAGANA", data_rows(2)[0])]
    before = con.execute("SELECT count(*) FROM payments").fetchone()[0], con.execute(
        "SELECT count(*) FROM batches").fetchone()[0]  # fmt: skip
    con.close()
    # Again: nothing changes, not even a batch row.
    again = json.loads(cli(runner, banten, "merge", str(pandeglang), str(lebak), "--format", "json"))
    assert [r["changed"] for r in again] == [False, False]
    con = sqlite3.connect(banten)
    after = con.execute("SELECT count(*) FROM payments").fetchone()[0], con.execute(
        "SELECT count(*) FROM batches").fetchone()[0]  # fmt: skip
    con.close()
    assert after == before


def test_dry_run_changes_nothing(runner: CliRunner, tmp_path: Path, sources: tuple[Path, Path]) -> None:
    pandeglang, _ = sources
    banten = tmp_path / "banten.db"
    cli(runner, banten, "init", "--provinsi", "36")
    out = cli(runner, banten, "merge", str(pandeglang), "--dry-run")
    assert "akan ditambah 2 orang" in out
    con = sqlite3.connect(banten)
    assert con.execute("SELECT count(*) FROM volunteers").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM merge_sources").fetchone()[0] == 0
    con.close()


def test_a_bad_source_is_one_line_and_nothing_changes(
    runner: CliRunner, tmp_path: Path, sources: tuple[Path, Path]
) -> None:
    pandeglang, _ = sources
    banten = tmp_path / "banten.db"
    cli(runner, banten, "init", "--provinsi", "36")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    foreign = tmp_path / "other.db"
    sqlite3.connect(foreign).execute("CREATE TABLE x(a)").connection.commit()
    for bad in (junk, foreign, tmp_path / "missing.db"):
        r = runner.invoke(app, ["--db", str(banten), "merge", str(pandeglang), str(bad)])
        assert r.exit_code == 1, (bad, r.output)
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.output
    con = sqlite3.connect(banten)
    assert con.execute("SELECT count(*) FROM volunteers").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM batches").fetchone()[0] == 0
    con.close()


def test_an_older_schema_is_migrated_in_a_copy(
    runner: CliRunner, tmp_path: Path, sources: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pandeglang, _ = sources
    scratch = tmp_path / "tmp"  # the system temp folder of this test alone: the migrated copy is made there
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    con = sqlite3.connect(pandeglang)  # as a psmctl without the merge tables left it
    con.executescript(
        "DROP TABLE merged_facts; DROP TABLE merge_sources; "
        "ALTER TABLE payments DROP COLUMN note; ALTER TABLE attendance DROP COLUMN note; "
        "DELETE FROM _sqlite_migrations WHERE name IN ('m007_merge_provenance', 'm008_row_notes');"  # what made them
    )
    con.close()
    banten = tmp_path / "banten.db"
    cli(runner, banten, "init", "--provinsi", "36")
    reports = json.loads(cli(runner, banten, "merge", str(pandeglang), "--format", "json"))
    assert reports[0]["migrated"] is True and reports[0]["schema"] == migrations._migrations[-1].name
    assert reports[0]["added"]["volunteers"] == 2
    con = sqlite3.connect(pandeglang)  # the source itself is not migrated
    assert con.execute("SELECT count(*) FROM _sqlite_migrations WHERE name LIKE 'm007%'").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'merge_sources'").fetchone()[0] == 0
    con.close()
    assert not list(scratch.iterdir())  # the copy and its folder are gone


def test_a_newer_schema_is_refused(runner: CliRunner, tmp_path: Path, sources: tuple[Path, Path]) -> None:
    pandeglang, _ = sources
    con = sqlite3.connect(pandeglang)
    con.execute(
        "INSERT INTO _sqlite_migrations(migration_set, name, applied_at) VALUES ('psmctl', 'm999_future', '2030')"
    )
    con.commit()
    con.close()
    banten = tmp_path / "banten.db"
    cli(runner, banten, "init", "--provinsi", "36")
    r = runner.invoke(app, ["--db", str(banten), "merge", str(pandeglang)])
    assert r.exit_code == 1 and "lebih baru" in r.stderr


def test_a_person_erased_here_is_not_brought_back(
    runner: CliRunner, tmp_path: Path, sources: tuple[Path, Path]
) -> None:
    from sqlite_utils import Database

    from psmctl.db import erasure

    pandeglang, _ = sources
    banten = tmp_path / "banten.db"
    cli(runner, banten, "init", "--provinsi", "36")
    conn = sqlite3.connect(banten)  # the tombstone `volunteers forget` leaves (it waits for other connections)
    erasure.add_tombstone(Database(conn), ASEP, 0, at="2026-01-01T00:00:00")
    conn.commit()
    conn.close()
    reports = json.loads(cli(runner, banten, "merge", str(pandeglang), "--format", "json"))
    assert reports[0]["erased"] == 1 and reports[0]["added"]["volunteers"] == 1
    assert reports[0]["added"]["attendance"] == 0  # Asep's training attendance stays out with him
    con = sqlite3.connect(banten)
    assert con.execute("SELECT count(*) FROM volunteers WHERE nik = ?", [ASEP]).fetchone()[0] == 0
    con.close()


def test_more_sources_than_sqlite_attaches_at_once(
    runner: CliRunner, tmp_path: Path, sources: tuple[Path, Path]
) -> None:
    """SQLite attaches at most 10 databases and detaches none inside a transaction; a province has up to 38 kab/kota.
    Eleven copies of Pandeglang's register and Lebak's merge in one all-or-nothing run, the sources unwritten."""
    import hashlib

    pandeglang, lebak = sources
    copies = [tmp_path / f"pandeglang_{i:02d}.db" for i in range(11)]
    for copy in copies:  # whole, as a backup is (a file copy could miss the write-ahead log)
        with sqlite3.connect(pandeglang) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
        src.close()
        dst.close()
    before = {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in [*copies, lebak]}
    banten = tmp_path / "banten.db"
    cli(runner, banten, "init", "--provinsi", "36")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    r = runner.invoke(app, ["--db", str(banten), "merge", *map(str, copies), str(lebak), str(junk)])
    assert r.exit_code == 1 and len(r.stderr.strip().splitlines()) == 1, r.output
    con = sqlite3.connect(banten)
    assert con.execute("SELECT count(*) FROM batches").fetchone()[0] == 0  # the twelve good ones: not kept either
    con.close()
    reports = json.loads(cli(runner, banten, "merge", *map(str, copies), str(lebak), "--format", "json"))
    assert [r["added"]["payments"] for r in reports] == [13] + [0] * 10 + [3]
    assert [r["matched"]["payments"] for r in reports] == [0] + [13] * 10 + [0]  # one office's register, again
    assert [len(r["duplicates"]) for r in reports] == [0] * 11 + [1]  # Dedi, on Lebak's register too
    con = sqlite3.connect(banten)
    people, payments = (con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("volunteers", "payments"))
    con.close()
    assert (people, payments) == (3, 16)
    assert {p: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in [*copies, lebak]} == before
    assert _check(runner, banten, DEDI, "2025-07-15") == _check(runner, pandeglang, DEDI, "2025-07-15")

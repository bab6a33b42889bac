"""Every import goes through one batch stage (psmctl/importing/batch.py) and prints one report shape.

`import roster`, `payments import` and `attendance import` are run here on real workbooks built in the test, the way
an office would: each must print exactly the same JSON key set (README "Every import has one report shape"), write
the same `--report` workbook (read back), write nothing at all under `--dry-run` (every write statement of the
connection is refused while it runs), refuse a file whole under `--strict` for a single warning, map a column by
hand with `--kolom`, and exit with the same codes when several files are given.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from psmctl.cli import app
from psmctl.importing.batch import COUNT_KEYS, FINDING_KEYS, RESULT_KEYS, SHEET_KEYS
from tests.builders import make_nik, roster_row, write_roster_xlsx, write_rows_xlsx

ANI = make_nik(born=dt.date(1990, 8, 17), female=True, serial=1)
BUDI = make_nik(born=dt.date(1985, 2, 1), serial=2)
CICI = make_nik(kec="357102", born=dt.date(1995, 1, 1), female=True, serial=3)
STRANGER = make_nik(born=dt.date(1980, 1, 1), serial=9)
ENV = {"PSMCTL_TODAY": "2025-06-30"}


def run(runner: CliRunner, *args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args], env=ENV)


@pytest.fixture
def office(runner: CliRunner, tmp_path: Path) -> str:
    """A register with Ani and Budi (imported from a roster), and a training; returns the training id."""
    assert run(runner, "init", "--kabkota", "35.71").exit_code == 0
    roster = write_roster_xlsx(
        tmp_path / "psm.xlsx", [roster_row(ANI, "Ani Suryani", jk="P"), roster_row(BUDI, "Budi Santoso")]
    )
    r = run(runner, "import", "roster", roster, "--unsur", "PSM")
    assert r.exit_code == 0, r.output
    r = run(runner, "training", "add", "--name", "Bimtek PSM", "--kind", "bimtek", "--start", "2025-03-10",
            "--jpl", "16")  # fmt: skip
    assert r.exit_code == 0, r.output
    return str(r.stdout.strip().splitlines()[-1])


def _payments(path: Path, rows: list[list[object]], head: list[str] | None = None) -> Path:
    head = head or ["NO", "NIK", "NAMA", "BULAN IURAN", "TANGGAL BAYAR", "JKK", "JKM", "JUMLAH", "NO. REFERENSI"]
    return write_rows_xlsx(path, {"Iuran": [["DAFTAR PEMBAYARAN IURAN BPJS KETENAGAKERJAAN"], head, *rows]})


def _hadir(path: Path, rows: list[list[object]], head: list[str] | None = None) -> Path:
    head = head or ["NO", "NAMA", "NIK", "KELURAHAN", "JPL"]
    return write_rows_xlsx(path, {"Hadir": [["DAFTAR HADIR BIMTEK PSM"], head, *rows]})


def _files(tmp_path: Path, training: str) -> dict[str, tuple[list[str], Path]]:
    """One file per import, each with a person the register does not know (an error) beside good rows."""
    roster = write_roster_xlsx(
        tmp_path / "kel.xlsx",
        [roster_row(CICI, "Cici Rahayu", jk="P"), roster_row("357101170890001", "Lima Belas Digit")],
    )
    pay = _payments(tmp_path / "bayar.xlsx", [
        [1, ANI, "Ani", "2025-01", "2025-01-05", 10_000, 6_800, 16_800, "KW-1"],
        [2, STRANGER, "Orang Lain", "2025-01", "2025-01-05", 10_000, 6_800, 16_800, "KW-2"],
    ])  # fmt: skip
    hadir = _hadir(tmp_path / "hadir.xlsx", [[1, "Ani Suryani", ANI, "Banjaran", 16],
                                             [2, "Orang Lain", STRANGER, "Banjaran", 16]])  # fmt: skip
    return {
        "roster": (["import", "roster", "--unsur", "PSM"], roster),
        "payments": (["payments", "import"], pay),
        "attendance": (["attendance", "import", training], hadir),
    }


def _check_shape(result: dict[str, Any]) -> None:
    assert tuple(result) == RESULT_KEYS
    assert tuple(result["counts"]) == COUNT_KEYS
    for s in result["sheets"]:
        assert tuple(s) == SHEET_KEYS and tuple(s["counts"]) == COUNT_KEYS
    for f in result["findings"]:
        assert tuple(f) == FINDING_KEYS
    assert isinstance(result["details"], dict)


@pytest.mark.parametrize("which", ["roster", "payments", "attendance"])
def test_every_import_prints_exactly_the_one_key_set(
    runner: CliRunner, office: str, tmp_path: Path, which: str
) -> None:
    command, path = _files(tmp_path, office)[which]
    r = run(runner, *command, path, "--format", "json")
    assert r.exit_code == 0, r.output
    (result,) = json.loads(r.stdout)
    _check_shape(result)
    assert result["file"] == path.name and result["committed"] and not result["dry_run"]
    assert result["refused"] is None
    assert result["counts"]["rejected"] == 1 and result["counts"]["added"] + result["counts"]["unchanged"] >= 1
    errors = [f for f in result["findings"] if f["level"] == "error"]
    assert errors and all("*" in (f["value"] or "*") for f in errors if f["column"] == "NIK")
    assert STRANGER not in r.stdout and "357101170890001" not in r.stdout


@pytest.mark.parametrize("which", ["roster", "payments", "attendance"])
def test_every_import_writes_the_same_report_workbook(
    runner: CliRunner, office: str, tmp_path: Path, which: str
) -> None:
    command, path = _files(tmp_path, office)[which]
    report = tmp_path / f"masalah_{which}.xlsx"
    r = run(runner, *command, path, "--report", report)
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(report)
    masalah = [row for row in wb["Masalah"].iter_rows(values_only=True) if row[0] == path.name]
    assert any(row[5] == "galat (ditolak)" for row in masalah)
    assert not any(STRANGER in str(c) for row in masalah for c in row)
    (summary,) = [row for row in wb["Ringkasan"].iter_rows(values_only=True) if row[0] == path.name]
    assert summary[6] == 1  # Ditolak: the person nobody knows


def _no_writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every connection psmctl opens from now on refuses any write statement and any transaction, and records it."""
    import psmctl.db

    tried: list[str] = []
    real = psmctl.db.open_db

    def guard(action: int, arg1: str | None, *_: object) -> int:
        writes = {sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE, sqlite3.SQLITE_TRANSACTION}
        if action in writes:
            tried.append(f"{action} {arg1}")
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    def opened(*args: Any, **kwargs: Any) -> Any:
        db = real(*args, **kwargs)
        db.conn.set_authorizer(guard)
        return db

    monkeypatch.setattr(psmctl.db, "open_db", opened)
    return tried


@pytest.mark.parametrize("which", ["roster", "payments", "attendance"])
def test_dry_run_writes_nothing_at_all(
    runner: CliRunner, office: str, tmp_path: Path, which: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    command, path = _files(tmp_path, office)[which]
    tried = _no_writes(monkeypatch)
    r = run(runner, *command, path, "--dry-run", "--format", "json")
    assert r.exit_code == 0, r.output
    assert tried == []  # not even a write rolled back: no write statement, no transaction
    (result,) = json.loads(r.stdout)
    _check_shape(result)
    assert result["dry_run"] and not result["committed"] and result["counts"]["rejected"] == 1
    real = run(runner, *command, path)  # the guard is real: a run that writes is refused by it
    assert real.exit_code == 1 and tried


@pytest.mark.parametrize("which", ["roster", "payments", "attendance"])
def test_strict_refuses_a_file_for_one_warning(
    runner: CliRunner, office: str, tmp_path: Path, which: str, db_path: Path
) -> None:
    """A file without a single rejected row, but an unused column (a warning): --strict refuses it whole."""
    extra = ["KODE ARSIP"]
    if which == "roster":
        row = {**roster_row(BUDI, "Budi Santoso", tgl="01-02-1985"), "KODE ARSIP": "lunas"}
        path = write_roster_xlsx(tmp_path / "kel.xlsx", [row], columns=[*_roster_columns(), *extra])
        command = ["import", "roster", "--unsur", "PSM"]
    elif which == "payments":
        head = ["NO", "NIK", "NAMA", "BULAN IURAN", "TANGGAL BAYAR", "JKK", "JKM", "JUMLAH", *extra]
        path = _payments(tmp_path / "bayar.xlsx", [[1, BUDI, "Budi", "2025-02", "2025-02-05", 10_000, 6_800,
                                                    16_800, "lunas"]], head)  # fmt: skip
        command = ["payments", "import"]
    else:
        path = _hadir(tmp_path / "hadir.xlsx", [[1, "Budi Santoso", BUDI, "Setonopande", 16, "lunas"]],
                      ["NO", "NAMA", "NIK", "KELURAHAN", "JPL", *extra])  # fmt: skip
        command = ["attendance", "import", office]
    before = _dump(db_path)
    r = run(runner, *command, path, "--strict", "--format", "json")
    assert r.exit_code == 1, r.output
    (result,) = json.loads(r.stdout)
    assert result["counts"]["rejected"] == 0
    assert "--strict" in result["refused"] and not result["committed"]
    assert "COLUMN_UNUSED" in {f["code"] for f in result["findings"]}
    assert _dump(db_path) == before
    assert run(runner, *command, path).exit_code == 0  # without --strict the warning only warns


def _roster_columns() -> list[str]:
    from tests.builders import DEFAULT_COLUMNS

    return list(DEFAULT_COLUMNS)


def _dump(db_path: Path) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_kolom_maps_a_column_by_hand_in_every_import(runner: CliRunner, office: str, tmp_path: Path) -> None:
    pay = _payments(tmp_path / "bayar.xlsx", [[1, ANI, "Ani", "2025-04", "2025-04-07", 10_000, 6_800, 16_800]],
                    ["NO", "NIK", "NAMA", "UNTUK", "TANGGAL BAYAR", "JKK", "JKM", "JUMLAH"])  # fmt: skip
    r = run(runner, "payments", "import", pay, "--format", "json")
    assert r.exit_code == 1  # no BULAN IURAN column: the file is refused
    r = run(runner, "payments", "import", pay, "--kolom", "UNTUK=bulan", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)[0]["counts"]["added"] == 1
    hadir = _hadir(tmp_path / "hadir.xlsx", [[1, "Ani Suryani", ANI, "Banjaran", 16]],
                   ["NO", "ORANG", "NIK", "KELURAHAN", "JPL"])  # fmt: skip
    assert run(runner, "attendance", "import", office, hadir).exit_code == 1
    r = run(runner, "attendance", "import", office, hadir, "--kolom", "ORANG=nama", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)[0]["counts"]["added"] == 1
    r = run(runner, "payments", "import", pay, "--kolom", "UNTUK=nama_ibu")
    assert r.exit_code == 1 and "field yang dikenal" in r.stderr


@pytest.mark.parametrize("which", ["roster", "payments", "attendance"])
def test_several_files_exit_like_every_multi_file_command(
    runner: CliRunner, office: str, tmp_path: Path, which: str
) -> None:
    command, good = _files(tmp_path, office)[which]
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 bukan workbook")
    r = run(runner, *command, good, broken, "--format", "json")
    assert r.exit_code == 3, r.output  # some landed, some failed
    results = json.loads(r.stdout)
    assert [x["file"] for x in results] == [good.name, broken.name]
    for x in results:
        _check_shape(x)
    assert results[0]["committed"] and results[1]["refused"] and not results[1]["committed"]
    assert "Sebagian berhasil" in r.stderr
    r = run(runner, *command, broken, broken)
    assert r.exit_code == 1  # nothing landed

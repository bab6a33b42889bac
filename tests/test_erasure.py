"""volunteers forget: no byte of the person left in the database's folder or the temp folder (with SQLite's upstream
secure_delete=off forced at connect), refused while another process holds the database open, a tombstone that keeps
a re-import from bringing her back, her payments kept on the anonymous record, and the backups that still hold her."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from builders import make_nik, roster_row, write_roster_xlsx
from psmctl.cli import app
from psmctl.db import open_db
from psmctl.importing.batch import ERASED_MESSAGE
from psmctl.rules.settings import Settings
from psmctl.services import ledger

HER = make_nik(born=dt.date(1979, 4, 23), female=True, serial=77)
NAME, PHONE, ADDRESS = "Sulastri Wahyuningsih", "081377788899", "Jl. Kenanga Gang Buntu 17"
PERSONAL = [HER.encode(), NAME.encode(), PHONE.encode(), ADDRESS.encode()]
NOW = "2026-12-04T09:00:00+07:00"


@pytest.fixture
def upstream_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every connection starts with secure_delete off, as an upstream SQLite build does (this machine's turns it on)."""
    real: Callable[..., sqlite3.Connection] = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real(*args, **kwargs)
        conn.execute("PRAGMA secure_delete = OFF")
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A database folder of its own, a temp folder of its own, and a register with her and 300 others."""
    folder, systmp, inbox = tmp_path / "kantor", tmp_path / "systmp", tmp_path / "masuk"
    for d in (folder, systmp, inbox):
        d.mkdir()
    monkeypatch.setenv("TMPDIR", str(systmp))
    monkeypatch.setattr(tempfile, "tempdir", str(systmp))
    db = folder / "psmctl.db"
    monkeypatch.setenv("PSMCTL_DB", str(db))
    monkeypatch.setenv("PSMCTL_TODAY", "2026-12-04")
    others = [
        roster_row(make_nik(born=dt.date(1980, 1, 1) + dt.timedelta(days=i), serial=i + 1), f"Relawan {i}")
        for i in range(300)
    ]
    her = roster_row(HER, NAME, jk="P", tgl="63-04-1979".replace("63", "23"), hp=PHONE, alamat=ADDRESS)
    write_roster_xlsx(inbox / "psm.xlsx", [*others[:150], her, *others[150:]])
    run(["init"])
    assert run(["import", "roster", str(inbox / "psm.xlsx"), "--unsur", "PSM"]).exit_code == 0
    yield db


def run(args: list[str]) -> Any:
    r = CliRunner().invoke(app, args)
    gc.collect()  # each command's connection closes, as when the command's process ends
    assert "Traceback" not in r.output, r.output
    return r


def _pay_her(db_file: Path) -> int:
    """Six months of iuran for her; returns the ledger total."""
    db = open_db(db_file, create=False)
    vid = int(db.execute("SELECT id FROM volunteers WHERE nik = ?", [HER]).fetchone()[0])
    spec = ledger.LineSpec(month="2026-01", months=6, paid_on=dt.date(2026, 1, 5))
    settings = Settings({"wilayah.kode_kabkota": "35.71"})
    plan = ledger.plan_record(db, volunteer_ids=[vid], spec=spec, settings=settings, now=NOW)
    ledger.write_plan(db, plan, now=NOW)
    total = int(db.execute("SELECT sum(total_rupiah) FROM payments").fetchone()[0])
    db.close()
    return total


def _files_holding(*folders: Path) -> list[str]:
    found = []
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            if p.is_file() and any(n in p.read_bytes() for n in PERSONAL):
                found.append(str(p))
    return found


def test_forget_leaves_no_byte_of_her_in_the_database_folder_or_the_temp_folder(
    upstream_default: None, office: Path, tmp_path: Path
) -> None:
    assert _files_holding(office.parent)  # she is there before
    r = run(["volunteers", "forget", HER, "--reason", "permintaan ybs", "--yes"])
    assert r.exit_code == 0, r.output
    assert _files_holding(office.parent, tmp_path / "systmp") == []
    assert run(["volunteers", "list", "--format", "json"]).exit_code == 0


def test_forget_waits_for_another_process_and_refuses_if_it_stays(
    office: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psmctl.db

    monkeypatch.setattr(psmctl.db, "BUSY_TIMEOUT_MS", 1_000)  # it waits the busy timeout: 1 s here, not 10
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]); "
         "c.execute('SELECT count(*) FROM volunteers').fetchall(); print('ok', flush=True); time.sleep(60)",
         str(office)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        r = run(["volunteers", "forget", HER, "--reason", "permintaan ybs", "--yes"])
        assert r.exit_code == 1 and "menunggu" in r.stderr and "proses lain" in r.stderr.splitlines()[-1]
    finally:
        holder.kill()
        holder.wait()
    db = open_db(office, create=False)
    assert db.execute("SELECT nama FROM volunteers WHERE nik = ?", [HER]).fetchone() == (NAME,)  # nothing changed
    db.close()
    assert run(["volunteers", "forget", HER, "--reason", "permintaan ybs", "--yes"]).exit_code == 0


def test_a_reimport_reports_her_and_does_not_bring_her_back_and_her_payments_stay(office: Path, tmp_path: Path) -> None:
    total = _pay_her(office)
    assert run(["volunteers", "forget", HER, "--reason", "permintaan ybs", "--yes"]).exit_code == 0
    r = run(["import", "roster", str(tmp_path / "masuk" / "psm.xlsx"), "--unsur", "PSM", "--format", "json"])
    assert r.exit_code == 0, r.output
    (entry,) = json.loads(r.stdout)
    problems = [p for p in entry["findings"] if p["code"] == "NIK_DIHAPUS"]
    assert len(problems) == 1 and HER not in r.stdout + r.stderr
    # The roster says what payments and attendance say of her row: one message, naming the way back.
    assert problems[0]["level"] == "error" and problems[0]["message"] == ERASED_MESSAGE
    assert "--terima-nik-dihapus" in problems[0]["message"]
    db = open_db(office, create=False)
    assert db.execute("SELECT count(*) FROM volunteers WHERE nik = ?", [HER]).fetchone() == (0,)
    anon = db.execute("SELECT v.nik, count(p.id), sum(p.total_rupiah) FROM payments p JOIN volunteers v "
                      "ON v.id = p.volunteer_id GROUP BY v.id").fetchall()  # fmt: skip
    assert len(anon) == 1 and anon[0][0].startswith("DIHAPUS-") and anon[0][1:] == (6, total)
    assert db.execute("SELECT count(*) FROM erased_niks").fetchone() == (1,)
    assert HER.encode() not in b"".join(bytes(r[0], "utf-8") for r in db.execute("SELECT nik_hash FROM erased_niks"))
    db.close()
    r = run(["import", "roster", str(tmp_path / "masuk" / "psm.xlsx"), "--unsur", "PSM", "--terima-nik-dihapus", HER])
    assert r.exit_code == 0, r.output
    db = open_db(office, create=False)
    assert db.execute("SELECT nama FROM volunteers WHERE nik = ?", [HER]).fetchone() == (NAME,)
    assert db.execute("SELECT count(*) FROM erased_niks").fetchone() == (0,)
    db.close()


def test_forget_names_the_backups_that_still_hold_her(office: Path, tmp_path: Path) -> None:
    vault = tmp_path / "cadangan"
    vault.mkdir()
    old = vault / "sebelum.db"
    assert run(["db", "backup", str(old)]).exit_code == 0
    r = run(["volunteers", "forget", HER, "--reason", "permintaan ybs", "--yes"])
    assert r.exit_code == 0 and str(old) in r.stderr and "--hapus-cadangan" in r.stderr and old.exists()
    after = vault / "sesudah.db"
    assert run(["db", "backup", str(after)]).exit_code == 0
    assert _files_holding(vault) == [str(old)]


def test_hapus_cadangan_deletes_the_backups_and_the_pre_migration_copy_that_hold_her(
    office: Path, tmp_path: Path
) -> None:
    vault = tmp_path / "cadangan"
    vault.mkdir()
    assert run(["db", "backup", str(vault / "a.db")]).exit_code == 0
    assert run(["db", "backup", str(vault / "b.db")]).exit_code == 0
    os.unlink(vault / "b.db")  # moved away by the admin: nothing to do, no error
    premigration = Path(f"{office}.sebelum-migrasi.bak")
    premigration.write_bytes((vault / "a.db").read_bytes())
    r = run(["volunteers", "forget", HER, "--reason", "permintaan ybs", "--yes", "--hapus-cadangan"])
    assert r.exit_code == 0, r.output
    assert str(vault / "a.db") in r.stdout and str(premigration) in r.stdout
    assert list(vault.iterdir()) == [] and not premigration.exists()
    assert _files_holding(vault, office.parent) == []


OTHER = make_nik(born=dt.date(1980, 1, 1), serial=1)  # "Relawan 0" of the office's register


def _payment_list(path: Path) -> Path:
    """A kelurahan's payment list (CSV, as saved from Excel) paying her and one other for November."""
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["DAFTAR PEMBAYARAN IURAN BPJS KETENAGAKERJAAN"])
        w.writerow(["NO", "NIK", "NAMA", "BULAN IURAN", "TANGGAL BAYAR", "SEGMEN", "JUMLAH", "SUMBER DANA"])
        w.writerow([1, HER, NAME, "2026-11", "20/11/2026", "BPU", 16800, "APBD"])
        w.writerow([2, OTHER, "Relawan 0", "2026-11", "20/11/2026", "BPU", 16800, "APBD"])
    return path


def _attendance_list(path: Path) -> Path:
    """A daftar hadir listing her and one other."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["DAFTAR HADIR PEMBINAAN PSM"])
    ws.append(["NO", "NAMA", "NIK", "KELURAHAN", "JPL"])
    ws.append([1, NAME, HER, "", ""])
    ws.append([2, "Relawan 0", OTHER, "", ""])
    wb.save(path)
    return path


def _counts(db_file: Path) -> tuple[int, int, int]:
    db = open_db(db_file, create=False)
    try:
        return tuple(  # type: ignore[return-value]
            int(db.execute(q).fetchone()[0])
            for q in ("SELECT count(*) FROM volunteers", "SELECT count(*) FROM payments",
                      "SELECT count(*) FROM attendance")
        )  # fmt: skip
    finally:
        db.close()


def _erased_finding(output: str) -> list[dict[str, Any]]:
    (entry,) = json.loads(output)
    return [p for p in entry["findings"] if p["code"] == "NIK_DIHAPUS"]


def test_a_payment_list_naming_her_refuses_her_row_until_the_roster_takes_her_back(
    office: Path, tmp_path: Path
) -> None:
    _pay_her(office)
    assert run(["volunteers", "forget", HER, "--reason", "permintaan ybs", "--yes"]).exit_code == 0
    people, paid, _ = _counts(office)
    listed = _payment_list(tmp_path / "bayar.csv")
    r = run(["payments", "import", str(listed), "--format", "json"])
    assert r.exit_code == 0, r.output
    (finding,) = _erased_finding(r.stdout)
    assert finding["level"] == "error" and finding["row"] == 3 and "dihapus atas permintaannya" in finding["message"]
    assert HER not in r.output and HER[4:] not in finding["message"]
    assert json.loads(r.stdout)[0]["counts"]["rejected"] == 1
    assert _counts(office)[:2] == (people, paid + 1)  # the other's payment only; nobody recreated

    r = run(["payments", "record", "--nik", HER, "--month", "2026-11", "--paid-on", "2026-11-20", "--yes"])
    assert r.exit_code == 1 and "dihapus atas permintaannya" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert HER not in r.output and _counts(office)[:2] == (people, paid + 1)

    roster = tmp_path / "masuk" / "psm.xlsx"
    r = run(["import", "roster", str(roster), "--unsur", "PSM", "--terima-nik-dihapus", HER])
    assert r.exit_code == 0, r.output
    r = run(["payments", "import", str(listed), "--format", "json"])
    assert r.exit_code == 0 and _erased_finding(r.stdout) == [], r.output
    assert _counts(office)[:2] == (people + 1, paid + 2)  # she is an ordinary NIK again


def test_a_daftar_hadir_naming_her_refuses_her_row(office: Path, tmp_path: Path) -> None:
    assert run(["volunteers", "forget", HER, "--reason", "permintaan ybs", "--yes"]).exit_code == 0
    r = run(["training", "add", "--name", "Pembinaan", "--kind", "pembinaan", "--start", "2026-11-02", "--jpl", "4"])
    assert r.exit_code == 0, r.output
    tid = r.stdout.strip()
    people, _, _ = _counts(office)
    r = run(["attendance", "import", tid, str(_attendance_list(tmp_path / "hadir.xlsx")), "--format", "json"])
    assert r.exit_code == 0, r.output
    (finding,) = _erased_finding(r.stdout)
    assert finding["level"] == "error" and "dihapus atas permintaannya" in finding["message"] and HER not in r.output
    assert _counts(office)[0] == people and _counts(office)[2] == 1  # the other only
    r = run(["attendance", "record", tid, "--nik", HER, "--format", "json"])
    assert r.exit_code == 1 and len(_erased_finding(r.stdout)) == 1 and HER not in r.output
    assert _counts(office)[0] == people and _counts(office)[2] == 1

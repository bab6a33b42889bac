"""evaluation.py and budget.py: the year-end figures against the ledger and `coverage status`, next year's iuran."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from psmctl.cli import app
from psmctl.errors import InputError
from psmctl.rules import rates
from psmctl.rules.months import last_day
from psmctl.rules.settings import Settings
from psmctl.services import budget, evaluation, ledger
from tests.test_incidents import add, at, pay
from tests.test_payments import NIK_A, NIK_B, NIK_C, add_volunteer

S = Settings()
NOW = datetime(2026, 1, 10, 9, 0)
NIK_D = "3571010101900004"
PAID = 12 * 16_800 + 3 * 36_800 + 6 * 16_800


@pytest.fixture
def year_2025(db: Database) -> Database:
    from psmctl.services import incidents

    add_volunteer(db, NIK_A, "Siti Aminah")
    add_volunteer(db, NIK_B, "Budi Santoso", unsur="TAGANA")
    add_volunteer(db, NIK_C, "Dewi Lestari")  # never paid
    vid = add_volunteer(db, NIK_D, "Eko Prasetyo")  # PSM and TAGANA: one person, two roles
    db.execute("INSERT INTO roles(volunteer_id, unsur, kelurahan, kecamatan, roster_key) "
               "VALUES (?, 'TAGANA', 'Banjaran', 'Kota', 'k2')", [vid])  # fmt: skip
    db.conn.commit()
    pay(
        db,
        NIK_D,
        "2025-01",
        6,
        date(2025, 2, 10),
        "2025-02-10T10:00:00+07:00",
        pks_no="PKS/1/2025",
        pks_start=date(2025, 1, 1),
    )  # fmt: skip  COV-19: covered from 1 January once recorded
    pay(db, NIK_A, "2025-01", 12, date(2025, 1, 20), "2025-01-20T10:00:00+07:00", reference="SP2D/1")
    pay(db, NIK_B, "2025-03", 3, date(2025, 3, 3), "2025-03-03T10:00:00+07:00", funding="MANDIRI",
        programs=("JKK", "JKM", "JHT"))  # fmt: skip
    pay(db, NIK_B, "2025-06", 1, date(2025, 6, 2), "2025-06-02T10:00:00+07:00", funding="MANDIRI")
    pay(db, NIK_B, "2024-12", 1, date(2024, 12, 2), "2024-12-02T10:00:00+07:00")  # another year: not counted
    voided = db.execute("SELECT p.id FROM payments p WHERE p.iuran_month = '2025-06' AND p.funding = 'MANDIRI'")
    ledger.void(db, int(voided.fetchone()[0]), reason="dobel", now="2025-06-05T10:00:00+07:00")
    inc = add(db, "2025-04-10", at("2025-04-10", "12:00"))
    incidents.update(db, inc["id"], status="dibayar", on=date(2025, 5, 2), amount=2_000_000, note=None,
                     reason=None, documents=[], now=at("2025-05-02"))  # fmt: skip
    add(db, "2025-07-10", at("2025-07-11"), kind="meninggal", nik=NIK_B)
    return db


def test_money_equals_the_ledger_net_of_voids(year_2025: Database) -> None:
    e = evaluation.build(year_2025, year=2025, known_on=NOW.date(), now=NOW, settings=S)
    rows = [r for r in ledger.list_payments(year_2025) if r["iuran_month"].startswith("2025") and not r["void_reason"]]
    assert e.totals["iuran_rupiah"] == sum(r["total_rupiah"] for r in rows) == PAID
    by_funding = {f["sumber_dana"]: f["rupiah"] for f in e.per_funding}
    assert by_funding == {"APBD": 18 * 16_800, "MANDIRI": 3 * 36_800}
    by_prog = {p["program"]: p["rupiah"] for p in e.per_programme}
    assert by_prog["JHT"] == 3 * 20_000 and by_prog["JKK"] == 21 * 10_000 and by_prog["TIDAK_TERINCI"] == 0
    assert sum(by_prog.values()) == e.totals["iuran_rupiah"]
    assert [m["iuran_rupiah"] for m in e.months][:3] == [2 * 16_800, 2 * 16_800, 2 * 16_800 + 36_800]


def test_coverage_counts_equal_coverage_status_on_each_last_day(
    year_2025: Database, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSMCTL_TODAY", NOW.date().isoformat())
    e = evaluation.build(year_2025, year=2025, known_on=NOW.date(), now=NOW, settings=S)
    for m in e.months:
        last = last_day(m["bulan"]).isoformat()
        r = runner.invoke(app, ["coverage", "status", "--as-of", last, "--format", "json"])
        assert r.exit_code == 0, r.output
        people = {v["nik"]: v["status"] for v in json.loads(r.stdout)["volunteers"]}
        assert (m["terdaftar"], m["terlindungi"]) == (len(people), sum(s == "AKTIF" for s in people.values())), m
    # A all year, B March-May (June voided), D January-June through the PKS batch; 4 people, 5 roles
    covered = [m["terlindungi"] for m in e.months]
    assert covered == [2, 2, 3, 3, 3, 2, 1, 1, 1, 1, 1, 1] and {m["terdaftar"] for m in e.months} == {4}
    assert e.totals["orang_bulan_terlindungi"] == 21
    assert e.totals["biaya_per_orang_bulan_rupiah"] == (2 * PAID + 21) // 42
    assert e.incidents == [{"jenis": "kecelakaan_kerja", "kejadian": 1, "terlindungi": 1},
                           {"jenis": "meninggal", "kejadian": 1, "terlindungi": 0}]  # fmt: skip
    claims = {c["status"]: (c["kejadian"], c["dibayar_rupiah"]) for c in e.claims}
    assert claims == {"tercatat": (1, 0), "dibayar": (1, 2_000_000)}
    assert e.gaps["orang"] == 2  # B uncovered from June, D from July


def test_workbook_is_byte_identical_with_chart_and_tentang(
    year_2025: Database, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSMCTL_TODAY", NOW.date().isoformat())
    one, two = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for out in (one, two):
        r = runner.invoke(app, ["report", "evaluasi", "--year", "2025", "--out", str(out), "--format", "json"])
        assert r.exit_code == 0, r.output
    assert one.read_bytes() == two.read_bytes()
    assert json.loads(r.stdout)["totals"]["iuran_rupiah"] == PAID
    assert oct(one.stat().st_mode & 0o777) == "0o600"
    with zipfile.ZipFile(one) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())
    wb = openpyxl.load_workbook(one)
    assert wb.sheetnames == ["Evaluasi", "Iuran", "Kejadian", "Tentang"]
    ws = wb["Evaluasi"]
    assert ws["A2"].value == "2025-01" and ws["C4"].value == 3 and isinstance(ws["E2"].value, int)
    facts = {r[0]: r[1] for r in wb["Tentang"].iter_rows(min_row=2, values_only=True)}
    assert "coverage status" in facts["Terlindungi"]
    r = runner.invoke(app, ["report", "evaluasi", "--year", "2025", "--out", str(tmp_path / "x.csv")])
    assert r.exit_code == 2


# ---- budget


def test_budget_bpu_apbd_and_mandiri_across_the_pp50_window(db: Database) -> None:
    add_volunteer(db, NIK_A, "Siti Aminah")
    add_volunteer(db, NIK_B, "Budi Santoso")
    pay(db, NIK_A, "2025-01", 1, date(2025, 1, 6), "2025-01-06T10:00:00+07:00")  # APBD
    apbd = budget.build(db, year=2027, settings=S, funding="APBD")
    mandiri = budget.build(db, year=2027, settings=S, funding="MANDIRI")
    assert [m["total_rupiah"] for m in apbd["months"]] == [2 * 16_800] * 12
    assert [m["total_rupiah"] for m in mandiri["months"]] == [2 * 8_400] * 3 + [2 * 16_800] * 9
    assert mandiri["total_per_sumber_dana"] == {"MANDIRI": 2 * (3 * 8_400 + 9 * 16_800)}
    assert "PP50_2025" in {s["id"] for s in mandiri["sources"]}
    assert "PP50_2025" not in {s["id"] for s in apbd["sources"]}
    own = budget.build(db, year=2026, settings=S, tambah=3)  # funding as last paid (APBD) / default APBD
    assert [m["total_rupiah"] for m in own["months"]] == [5 * 16_800] * 12
    assert own["total_rupiah"] == 12 * 5 * 16_800


def test_budget_pu_with_the_jp_cap_change_on_1_march(db: Database) -> None:
    add_volunteer(db, NIK_A, "Siti Aminah")
    pay(db, NIK_A, "2025-12", 1, date(2026, 1, 10), "2026-01-10T10:00:00+07:00", segment="PU",
        income_rupiah=11_500_000, programs=("JKK", "JKM", "JHT", "JP"))  # fmt: skip
    b = budget.build(db, year=2026, settings=S)
    jp = [m["jp_rupiah"] for m in b["months"]]
    assert jp == [rates.apply_bp(10_547_400, 300)] * 2 + [rates.apply_bp(11_086_300, 300)] * 10
    assert jp[0] == 316_422 and jp[2] == 332_589
    assert {"JP-CAP-2025", "JP-CAP-2026", "PU-JP-2015"} <= {s["id"] for s in b["sources"]}
    assert b["notes"] == []
    later = budget.build(db, year=2027, settings=S)
    assert later["notes"] and "2027" in later["notes"][0]


def test_budget_cli(db: Database, runner: CliRunner) -> None:
    add_volunteer(db, NIK_A, "Siti Aminah")
    r = runner.invoke(app, ["coverage", "budget", "--year", "2027", "--funding", "MANDIRI", "--unsur", "PSM"])
    assert r.exit_code == 0, r.output
    assert "Rp8.400" in r.stdout and "PP 50/2025" in r.stdout
    r = runner.invoke(app, ["coverage", "budget", "--year", "2027", "--tambah", "-1"])
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1 and "--tambah" in r.stderr
    with pytest.raises(InputError):
        budget.build(db, year=2027, settings=S, tambah=-1)


def test_budget_takes_the_latest_payment_not_voided(db: Database) -> None:
    add_volunteer(db, NIK_A, "Siti Aminah")
    pay(db, NIK_A, "2025-01", 1, date(2025, 1, 6), "2025-01-06T10:00:00+07:00", programs=("JKK", "JKM", "JHT"))
    pay(db, NIK_A, "2025-02", 1, date(2025, 2, 6), "2025-02-06T10:00:00+07:00")
    assert budget.build(db, year=2026, settings=S)["months"][0]["total_rupiah"] == 16_800
    latest = int(db.execute("SELECT id FROM payments WHERE iuran_month = '2025-02'").fetchone()[0])
    ledger.void(db, latest, reason="salah program", now="2025-02-07T10:00:00+07:00")
    assert budget.build(db, year=2026, settings=S)["months"][0]["total_rupiah"] == 36_800

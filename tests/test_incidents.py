"""rules/incidents.py and services/incidents.py: the verdict stored on the day, deadlines, claims, over a ledger."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from psmctl.cli import app
from psmctl.errors import InputError, NotFound
from psmctl.rules.incidents import claim_limit, load_kinds, reported_in_time
from psmctl.rules.settings import Settings
from psmctl.services import incidents, ledger
from tests.test_payments import NIK_A, NIK_B, NIK_UNKNOWN, add_volunteer

S = Settings()


def pay(db: Database, nik: str, month: str, months: int, paid_on: date, recorded: str, **kw: Any) -> None:
    ids = ledger.select_volunteers(db, niks=[nik])
    spec = ledger.LineSpec(month=month, months=months, paid_on=paid_on, **kw)
    plan = ledger.plan_record(db, volunteer_ids=ids, spec=spec, settings=S, now=recorded)
    ledger.write_plan(db, plan, now=recorded)


def at(day: str, hhmm: str = "09:00") -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(hhmm))


def add(db: Database, day: str, now: datetime, *, kind: str = "kecelakaan_kerja", t: str | None = None,
        nik: str = NIK_A) -> dict[str, Any]:  # fmt: skip
    return incidents.add(db, nik=nik, on=date.fromisoformat(day), at=t, kind_id=kind, place="Balai RW 03",
                         description="terjatuh saat evakuasi", settings=S, now=now)  # fmt: skip


@pytest.fixture
def people(db: Database) -> Database:
    add_volunteer(db, NIK_A, "Siti Aminah")
    add_volunteer(db, NIK_B, "Budi Santoso", unsur="TAGANA")
    return db


def test_kinds_are_data_with_programmes_checklist_and_benefits() -> None:
    kinds = load_kinds()
    for k in ("kecelakaan_kerja", "kecelakaan_perjalanan", "penyakit_akibat_kerja", "meninggal", "meninggal_mendadak"):
        kind = kinds.get(k)
        assert kind.programmes and kind.documents and kind.benefits
    assert kinds.get("meninggal").programmes == ("JKM",) and kinds.get("meninggal").claim_limit == ""
    with pytest.raises(InputError, match="tidak dikenal"):
        kinds.get("kebakaran")


# ---- the verdict on the incident date: the five situations of the issue


def test_incident_on_a_covered_day_stores_the_payment_as_evidence(people: Database) -> None:
    pay(people, NIK_A, "2025-01", 12, date(2025, 1, 6), "2025-01-06T10:00:00+07:00", reference="SP2D/1")
    info = add(people, "2025-03-14", at("2025-03-20"))
    v = info["verdict"]
    assert v["status"] == "AKTIF" and v["programs"]["JKK"]["covered"] is True
    assert v["programs"]["JKK"]["payment"]["month"] == "2025-03"
    assert v["programs"]["JKK"]["payment"]["reference"] == "SP2D/1"
    assert v["masa_iur_bulan"] == 3
    assert v["benefits"]["JKK"]["meninggal_rupiah"] == 48_000_000 and "JKM" not in v["benefits"]
    assert info["verdict_computed_at"] == "2025-03-20T09:00:00"
    assert "nik" not in v  # the stored JSON carries no NIK


def test_on_the_day_of_the_first_payment_covered_the_day_before_not(people: Database) -> None:
    pay(people, NIK_A, "2025-03", 1, date(2025, 3, 10), "2025-03-10T10:00:00+07:00")
    same = add(people, "2025-03-10", at("2025-03-11"))
    before = add(people, "2025-03-09", at("2025-03-11"))
    assert same["verdict"]["status"] == "AKTIF" and same["verdict"]["programs"]["JKK"]["covered"]
    assert before["verdict"]["status"] == "BELUM_TERDAFTAR" and not before["verdict"]["programs"]["JKK"]["covered"]
    assert "2025-03-10" in before["verdict"]["programs"]["JKK"]["reason"]


def test_during_menunggak_and_after_a_lapse_not_covered(people: Database) -> None:
    pay(people, NIK_A, "2025-01", 1, date(2025, 1, 6), "2025-01-06T10:00:00+07:00")
    owing = add(people, "2025-02-20", at("2025-02-21"))
    assert owing["verdict"]["status"] == "MENUNGGAK" and not owing["verdict"]["programs"]["JKK"]["covered"]
    assert owing["verdict"]["arrears_rupiah"] == 16_800
    pay(people, NIK_B, "2024-01", 6, date(2024, 1, 5), "2024-01-05T10:00:00+07:00")
    lapsed = add(people, "2024-10-05", at("2024-10-06"), kind="meninggal", nik=NIK_B)
    assert lapsed["verdict"]["status"] == "NONAKTIF" and not lapsed["verdict"]["programs"]["JKM"]["covered"]
    assert lapsed["claim_limit_on"] is None and lapsed["report_deadline"] is None  # BEN-01: JKM, no limit


# ---- deadline and limitation


def test_deadline_with_a_time_and_from_the_end_of_the_day_without(people: Database) -> None:
    with_time = add(people, "2025-03-14", at("2025-03-14", "12:00"), t="09:30")
    without = add(people, "2025-03-14", at("2025-03-14", "12:00"))
    assert with_time["report_deadline"] == "2025-03-16T09:30"
    assert without["report_deadline"] == "2025-03-17T00:00"
    assert "akhir hari kejadian" in without["deadline_basis"] and "tidak dicatat" in without["deadline_basis"]
    assert with_time["claim_limit_on"] == "2030-03-14"  # 5 years from 2019-12-02 (BEN-02, rates.toml)


def test_claim_limit_reads_the_dated_benefit_row() -> None:
    kind = load_kinds().get("kecelakaan_kerja")
    from psmctl.rules import rates

    table = rates.load()
    old = table.benefit("JKK", date(2019, 12, 1))
    new = table.benefit("JKK", date(2019, 12, 2))
    assert old is not None and new is not None
    assert claim_limit(kind, date(2019, 12, 1), int(old.get("claim_years"))) == date(2021, 12, 1)
    assert claim_limit(kind, date(2019, 12, 2), int(new.get("claim_years"))) == date(2024, 12, 2)


def test_claim_limit_of_29_february_is_28_february_as_every_years_later() -> None:
    """One "n years later" (months.add_years): an accident of 29 Feb 2024 is limited to 28 Feb 2029, as a
    certificate of 29 Feb 2020 valid 5 years runs to 28 Feb 2025."""
    kind = load_kinds().get("kecelakaan_kerja")
    assert claim_limit(kind, date(2024, 2, 29), 5) == date(2029, 2, 28)
    assert claim_limit(kind, date(2024, 2, 29), 4) == date(2028, 2, 29)


# ---- the stored verdict against today's recomputation


def test_a_later_payment_leaves_the_stored_verdict_and_a_pks_batch_changes_the_recomputed_one(
    people: Database,
) -> None:
    pay(people, NIK_A, "2025-01", 1, date(2025, 1, 6), "2025-01-06T10:00:00+07:00")
    inc = add(people, "2025-02-20", at("2025-02-21"))
    pay(people, NIK_A, "2025-02", 1, date(2025, 2, 25), "2025-02-25T10:00:00+07:00")  # paid after the incident
    shown = incidents.show(people, inc["id"], settings=S, now=at("2025-03-01"))
    assert shown["verdict"]["status"] == "MENUNGGAK"
    assert shown["recomputed"]["differs"] is False  # COV-18: a later payment never backdates cover

    # NIK_B: nothing paid on the day; a PKS batch recorded later starts membership on 2025-01-01 (COV-19)
    other = add(people, "2025-01-15", at("2025-01-16"), nik=NIK_B)
    assert other["verdict"]["status"] == "BELUM_TERDAFTAR"
    pay(people, NIK_B, "2025-01", 12, date(2025, 2, 10), "2025-02-10T10:00:00+07:00", pks_no="PKS/7/2025",
        pks_start=date(2025, 1, 1))  # fmt: skip
    shown = incidents.show(people, other["id"], settings=S, now=at("2025-02-11"))
    assert shown["verdict"]["status"] == "BELUM_TERDAFTAR"  # the stored verdict is kept
    rc = shown["recomputed"]
    assert rc["differs"] is True and rc["status"] == "AKTIF" and rc["programs"]["JKK"]["covered"]
    assert any("PKS no. PKS/7/2025" in w and "COV-19" in w for w in rc["why"]), rc["why"]


def test_a_void_is_named_as_the_reason(people: Database) -> None:
    pay(people, NIK_A, "2025-03", 1, date(2025, 3, 1), "2025-03-01T10:00:00+07:00")
    inc = add(people, "2025-03-14", at("2025-03-15"))
    pid = int(people.execute("SELECT id FROM payments").fetchone()[0])
    ledger.void(people, pid, reason="salah orang", now="2025-03-20T10:00:00+07:00")
    rc = incidents.show(people, inc["id"], settings=S, now=at("2025-03-21"))["recomputed"]
    assert rc["differs"] and any("dibatalkan" in w and "salah orang" in w for w in rc["why"])


# ---- the claim: updates, corrections, overdue


def test_status_transitions_corrections_and_documents(people: Database) -> None:
    inc = add(people, "2025-03-14", at("2025-03-14", "10:00"), t="08:00")
    i = inc["id"]
    now = at("2025-03-15")
    row = incidents.update(people, i, status="dilaporkan_tahap_1", on=date(2025, 3, 15), amount=None, note=None,
                           reason=None, documents=["laporan_tahap_1", "ktp"], now=now)  # fmt: skip
    assert row["status"] == "dilaporkan_tahap_1" and not row["reported_late"]
    with pytest.raises(InputError, match="--amount"):
        incidents.update(people, i, status="dilaporkan_tahap_2", on=date(2025, 3, 15), amount=5, note=None, reason=None,
                         documents=[], now=now)  # fmt: skip
    with pytest.raises(InputError, match="dokumen"):
        incidents.update(people, i, status="dilaporkan_tahap_2", on=date(2025, 3, 15), amount=None, note=None,
                         reason=None, documents=["paspor"], now=now)  # fmt: skip
    incidents.update(people, i, status="dibayar", on=date(2025, 3, 15), amount=1_250_000, note="transfer", reason=None,
                     documents=["kuitansi"], now=now)  # fmt: skip
    with pytest.raises(InputError, match="koreksi"):
        incidents.update(people, i, status="dilaporkan_tahap_2", on=date(2025, 3, 15), amount=None, note=None,
                         reason=None, documents=[], now=now)  # fmt: skip
    row = incidents.update(people, i, status="dibayar", on=date(2025, 3, 15), amount=1_500_000, note=None,
                           reason="nominal salah ketik", documents=[], now=now)  # fmt: skip
    assert row["paid_rupiah"] == 1_500_000
    shown = incidents.show(people, i, settings=S, now=now)
    assert len(shown["updates"]) == 3 and shown["updates"][1]["amount_rupiah"] == 1_250_000  # nothing overwritten
    received = {d["key"] for d in shown["documents"] if d["received"]}
    assert received == {"laporan_tahap_1", "ktp", "kuitansi"}
    with pytest.raises(sqlite3.IntegrityError):
        people.execute("UPDATE incident_updates SET amount_rupiah = 1")
    with pytest.raises(sqlite3.IntegrityError):
        people.execute("UPDATE incidents SET verdict = '{}'")


def test_overdue_list_and_late_report(people: Database) -> None:
    a = add(people, "2025-03-10", at("2025-03-10", "20:00"), t="08:00")  # deadline 2025-03-12 08:00
    b = add(people, "2025-03-11", at("2025-03-11", "20:00"))  # deadline 2025-03-14 00:00
    early = incidents.list_rows(people, now=at("2025-03-12", "07:59"), overdue=True)
    assert early == []
    late = incidents.list_rows(people, now=at("2025-03-12", "08:00"), overdue=True)
    assert [r["id"] for r in late] == [a["id"]]
    # a report dated on the deadline day counts as in time (no time of day is recorded); the next day is late
    row = incidents.update(people, a["id"], status="dilaporkan_tahap_1", on=date(2025, 3, 13), amount=None, note=None,
                           reason=None, documents=[], now=at("2025-03-13", "09:00"))  # fmt: skip
    assert row["reported_late"] is True and row["overdue"] is False
    assert reported_in_time(datetime(2025, 3, 12, 8, 0), date(2025, 3, 12))
    assert [r["id"] for r in incidents.list_rows(people, now=at("2025-03-20"), overdue=True)] == [b["id"]]
    assert [r["id"] for r in incidents.list_rows(people, now=at("2025-03-20"), status="tercatat")] == [b["id"]]
    assert incidents.list_rows(people, now=at("2025-03-20"), year=2024) == []


def test_summary_warnings_overdue_and_near_limitation(people: Database) -> None:
    add(people, "2021-01-10", at("2021-01-10", "20:00"))  # JKK: limit 2026-01-10
    lines = incidents.warnings(people, now=at("2025-11-01"))
    assert any("belum dilaporkan" in w for w in lines)
    assert any("tinggal 70 hari" in w for w in lines), lines


def test_refusals(people: Database) -> None:
    with pytest.raises(NotFound):
        add(people, "2025-03-14", at("2025-03-15"), nik=NIK_UNKNOWN)
    with pytest.raises(InputError, match="masa depan"):
        add(people, "2025-03-16", at("2025-03-15"))
    with pytest.raises(InputError, match="HH:MM"):
        add(people, "2025-03-14", at("2025-03-15"), t="9.30 pagi")
    assert people.execute("SELECT count(*) FROM incidents").fetchone()[0] == 0


# ---- CLI wiring


def test_cli_add_show_list_export_and_volunteers_show(
    people: Database, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSMCTL_TODAY", "2025-03-20")
    pay(people, NIK_A, "2025-01", 12, date(2025, 1, 6), "2025-01-06T10:00:00+07:00")
    args = ["incident", "add", "--nik", NIK_A, "--date", "2025-03-14", "--time", "09:30", "--kind", "kecelakaan_kerja"]
    r = runner.invoke(app, [*args, "--place", "Pasar", "--description", "jatuh", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["verdict"]["programs"]["JKK"]["covered"] is True and data["report_deadline"] == "2025-03-16T09:30"
    r = runner.invoke(app, ["incident", "show", str(data["id"])])
    assert r.exit_code == 0 and "sama dengan putusan" in r.stdout and "Batas klaim: 2030-03-14" in r.stdout
    r = runner.invoke(app, ["incident", "list", "--overdue", "--format", "json"])
    assert r.exit_code == 0 and [x["id"] for x in json.loads(r.stdout)] == [data["id"]]
    r = runner.invoke(app, ["volunteers", "show", NIK_A])
    assert r.exit_code == 0 and "Kejadian" in r.stdout and "kecelakaan_kerja" in r.stdout
    out = tmp_path / "kejadian.xlsx"
    r = runner.invoke(app, ["export", "incidents", "--out", str(out)])
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out)["Kejadian"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("No", "NIK", "Nama") and rows[1][1] == "3571**********01"
    assert rows[1][4] == datetime(2025, 3, 14)
    r = runner.invoke(app, ["summary"])
    assert r.exit_code == 0 and "belum dilaporkan" in r.stderr


def test_cli_unknown_nik_is_one_masked_line(people: Database, runner: CliRunner) -> None:
    r = runner.invoke(app, ["incident", "add", "--nik", NIK_UNKNOWN, "--date", "2025-03-14", "--kind", "meninggal",
                            "--place", "x", "--description", "y"])  # fmt: skip
    assert r.exit_code == 1 and len(r.stderr.strip().splitlines()) == 1 and NIK_UNKNOWN not in r.stderr
    r = runner.invoke(app, ["incident", "show", "99"])
    assert r.exit_code == 1 and "#99" in r.stderr


def test_forget_blanks_the_incident_text_and_keeps_the_verdict(people: Database) -> None:
    from psmctl.services import volunteers

    inc = add(people, "2025-03-14", at("2025-03-15"))
    incidents.update(people, inc["id"], status="dilaporkan_tahap_1", on=date(2025, 3, 15), amount=None,
                     note="dihubungi suaminya, Pak Budi", reason=None, documents=[], now=at("2025-03-15"))  # fmt: skip
    volunteers.forget(people, NIK_A, reason="permintaan ybs", now="2025-04-01T10:00:00+07:00")
    dump = "\n".join(people.conn.iterdump())
    assert "Balai RW 03" not in dump and "Pak Budi" not in dump and "terjatuh" not in dump
    assert people.execute("SELECT count(*) FROM incident_updates").fetchone()[0] == 1

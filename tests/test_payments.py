"""services/ledger.py and coverage_reports.py: record, import, void, and the coverage reports over a real ledger."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from psmctl.db import payments as dbp
from psmctl.errors import InputError, NotFound
from psmctl.output import render
from psmctl.rules import coverage, membership, wilayah
from psmctl.rules.months import add_months
from psmctl.rules.payment_lines import rules_from
from psmctl.rules.settings import Settings
from psmctl.services import coverage_reports, ledger

NIK_A = "3571011708900001"
NIK_B = "3571015708900002"
NIK_C = "3571010105050003"
NIK_UNKNOWN = "3571011708900009"
S = Settings()
NOW = "2026-12-04T09:00:00+07:00"


def add_volunteer(db: Database, nik: str, nama: str, *, kelurahan: str = "Banjaran", unsur: str = "PSM") -> int:
    """Put a person on the register directly (until `psmctl import roster` is used in these tests)."""
    cur = db.execute("INSERT INTO volunteers(nik, nama) VALUES (?, ?)", [nik, nama])
    vid = int(cur.lastrowid or 0)
    db.execute(
        "INSERT INTO roles(volunteer_id, unsur, kelurahan, kecamatan, roster_key) VALUES (?, ?, ?, 'Kota', 'k')",
        [vid, unsur, kelurahan],
    )
    db.conn.commit()
    return vid


@pytest.fixture
def reg(db: Database) -> Database:
    add_volunteer(db, NIK_A, "Siti Aminah")
    add_volunteer(db, NIK_B, "Budi Santoso", unsur="TAGANA")
    add_volunteer(db, NIK_C, "Dewi Lestari", kelurahan="Setonopande")
    return db


def write_csv(path: Path, rows: list[list[object]], header: list[str] | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["DAFTAR PEMBAYARAN IURAN BPJS KETENAGAKERJAAN"])
        w.writerow(
            header
            or ["NO", "NIK", "NAMA", "BULAN IURAN", "TANGGAL BAYAR", "SEGMEN", "JUMLAH", "SUMBER DANA", "NO. REFERENSI"]
        )
        w.writerows(rows)
    return path


def test_record_computes_amounts_and_is_idempotent(reg: Database) -> None:
    ids = ledger.select_volunteers(reg, niks=[NIK_A, NIK_B])
    spec = ledger.LineSpec(month="2025-01", months=12, paid_on=date(2025, 1, 20), reference="B-1")
    plan = ledger.plan_record(reg, volunteer_ids=ids, spec=spec, settings=S, now=NOW)
    assert (len(plan.rows), plan.total_rupiah) == (24, 2 * 201_600)
    assert ledger.write_plan(reg, plan, now=NOW) == 24
    assert ledger.write_plan(reg, plan, now=NOW) == 0  # the same payments again: nothing new
    assert len(dbp.list_payments(reg)) == 24


def test_record_refuses_bad_lines(reg: Database) -> None:
    ids = ledger.select_volunteers(reg, niks=[NIK_A])
    for spec, match in [
        (ledger.LineSpec(month="2025-01", months=13, paid_on=date(2025, 1, 20)), "12 bulan"),
        (ledger.LineSpec(month="2025-01", months=1, paid_on=date(2025, 1, 2), programs=("JKK", "JKM", "JP")), "JP"),
        (ledger.LineSpec(month="2025-01", months=1, paid_on=date(2025, 1, 2), income_rupiah=900_000), "minimum"),
        (ledger.LineSpec(month="2025-01", months=1, paid_on=date(2025, 1, 2), pks_start=date(2025, 1, 1)), "PKS"),
    ]:
        with pytest.raises(InputError, match=match):
            ledger.plan_record(reg, volunteer_ids=ids, spec=spec, settings=S, now=NOW)


def test_record_amount_differing_from_table_warns(reg: Database) -> None:
    ids = ledger.select_volunteers(reg, niks=[NIK_A])
    spec = ledger.LineSpec(month="2026-02", months=1, paid_on=date(2026, 2, 3), amount_rupiah=8_400)
    plan = ledger.plan_record(reg, volunteer_ids=ids, spec=spec, settings=S, now=NOW)
    assert ("warning", "IUR-17", "kurang bayar Rp8.400 untuk bulan iuran 2026-02") in plan.problems


def test_unknown_nik_is_not_found(reg: Database) -> None:
    with pytest.raises(NotFound) as e:
        ledger.select_volunteers(reg, niks=[NIK_UNKNOWN])
    assert NIK_UNKNOWN not in str(e.value)


def test_selection_of_the_register(reg: Database) -> None:
    assert len(ledger.select_volunteers(reg, all_active=True)) == 3
    assert len(ledger.select_volunteers(reg, unsur="TAGANA")) == 1
    assert len(ledger.select_volunteers(reg, kelurahan="Setonopande")) == 1


def _rows() -> list[list[object]]:
    return [
        [1, NIK_A, "Siti", "2025-01", "20/01/2025", "BPU", "16.800", "APBD", "K-001"],
        [2, NIK_A, "Siti", "Februari 2025", "03-02-2025", "BPU", 16800, "APBD", "K-002"],
        [3, NIK_B, "Budi", "2025-01", "2025-01-20", "BPU", 8400, "APBD", "K-003"],  # underpaid: warning only
        [4, NIK_UNKNOWN, "Orang Lain", "2025-01", "2025-01-20", "BPU", 16800, "APBD", "K-004"],
        [5, "3.57101E+15", "Rusak", "2025-01", "2025-01-20", "BPU", 16800, "APBD", "K-005"],
        [6, NIK_C, "Dewi", "Bulan 13", "2025-01-20", "BPU", 16800, "APBD", "K-006"],
        [7, NIK_A, "Siti", "2025-01", "20/01/2025", "BPU", "16.800", "APBD", "K-001"],  # same as row 1
        ["", "", "", "", "", "", "", "", ""],
        ["JUMLAH", "", "", "", "", "", 108_000, "", ""],
    ]


def test_import_reports_every_problem_and_writes_the_rest(reg: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bayar.csv", _rows())
    res = ledger.import_file(reg, path, as_of=date(2025, 6, 1), now=NOW, settings=S)
    (rep,) = res.sheets
    codes = {(p.row, p.code) for p in rep.problems}
    assert {(6, "NIK_NOT_REGISTERED"), (7, "NIK_EXCEL_DAMAGED"), (8, "MONTH_INVALID"), (5, "IUR-17")} <= codes
    assert (9, "DUPLICATE_ROW") in codes
    assert all(p.sheet and p.level and p.message for p in rep.problems)
    assert (rep.added, rep.rejected, rep.unchanged) == (3, 3, 1)
    assert res.written == 3 and len(dbp.list_payments(reg)) == 3
    assert not any(NIK_UNKNOWN in (p.value or "") + p.message for p in rep.problems)
    again = ledger.import_file(reg, path, as_of=date(2025, 6, 1), now=NOW, settings=S)
    assert (again.sheets[0].added, again.sheets[0].unchanged, again.written) == (0, 4, 0)
    assert len(dbp.list_payments(reg)) == 3


def test_import_dry_run_and_strict_write_nothing(reg: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bayar.csv", _rows())
    before = list(reg.conn.iterdump())
    res = ledger.import_file(reg, path, as_of=date(2025, 6, 1), now=NOW, settings=S, dry_run=True)
    assert res.sheets[0].added == 3 and res.written == 0
    res = ledger.import_file(reg, path, as_of=date(2025, 6, 1), now=NOW, settings=S, strict=True)
    assert res.refused and res.written == 0
    assert list(reg.conn.iterdump()) == before


def test_import_per_programme_columns_and_bpu_jp_error(reg: Database, tmp_path: Path) -> None:
    header = ["NIK", "BULAN IURAN", "TGL BAYAR", "JKK", "JKM", "JHT", "JP", "SUMBER DANA"]
    path = write_csv(
        tmp_path / "p.csv",
        [
            [NIK_A, "2025-03", "2025-03-05", 10000, 6800, 20000, "", "APBD"],
            [NIK_B, "2025-03", "2025-03-05", 10000, 6800, "", 30000, "APBD"],
        ],
        header,
    )
    res = ledger.import_file(reg, path, as_of=date(2025, 6, 1), now=NOW, settings=S)
    assert [(p.row, p.code) for p in res.sheets[0].problems if p.level == "error"] == [(4, "IUR-02")]
    (row,) = dbp.list_payments(reg)
    assert (row["programs"], row["jht_rupiah"], row["total_rupiah"], row["expected_rupiah"]) == (
        "JKK,JKM,JHT",
        20_000,
        36_800,
        36_800,
    )


def test_import_warns_arrears_of_an_ended_membership(reg: Database, tmp_path: Path) -> None:
    rows = [[NIK_A, f"2024-{m:02d}", f"2024-{m:02d}-05", "BPU", 16800] for m in range(1, 7)]
    rows += [[NIK_A, f"2024-{m:02d}", "2024-10-07", "BPU", 16800] for m in range(7, 11)]
    path = write_csv(tmp_path / "p.csv", rows, ["NIK", "BULAN IURAN", "TANGGAL BAYAR", "SEGMEN", "JUMLAH"])
    res = ledger.import_file(reg, path, as_of=date(2025, 1, 1), now=NOW, settings=S)
    warned = sorted(p.value or "" for p in res.sheets[0].problems if p.code == "COV-12")
    assert warned == ["2024-07", "2024-08", "2024-09"]
    c = ledger.check(reg, NIK_A, on=date(2024, 10, 31), known_on=date(2025, 1, 1), settings=S)
    assert (c["status"], c["masa_iur_bulan"], c["masa_iur_total_bulan"]) == ("AKTIF", 1, 7)


def test_import_without_header_is_refused(reg: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["a", "b"]], ["FOO", "BAR"])
    res = ledger.import_file(reg, path, as_of=date(2025, 6, 1), now=NOW, settings=S)
    assert res.refused and len(dbp.list_payments(reg)) == 0


def test_import_findings_follow_each_persons_own_ledger(reg: Database, tmp_path: Path) -> None:
    """Equal new lines get equal findings only when the people's ledgers are equal too (findings are shared)."""
    nik_d = "3571011708900004"
    add_volunteer(reg, nik_d, "Dian")
    header = ["NIK", "BULAN IURAN", "TANGGAL BAYAR", "SEGMEN", "JUMLAH"]
    before = [[NIK_C, f"2024-{m:02d}", f"2024-{m:02d}-05", "BPU", 16800] for m in range(1, 7)]
    ledger.import_file(reg, write_csv(tmp_path / "a.csv", before, header), as_of=date(2025, 1, 1), now=NOW,
                       settings=S)  # fmt: skip
    rows = []
    for n in (NIK_A, NIK_B):  # the same ten lines each, nothing in the ledger yet
        rows += [[n, f"2024-{m:02d}", f"2024-{m:02d}-05", "BPU", 16800] for m in range(1, 7)]
        rows += [[n, f"2024-{m:02d}", "2024-10-07", "BPU", 16800] for m in range(7, 11)]
    for n in (nik_d, NIK_C):  # the same four late lines; only C paid January to June before
        rows += [[n, f"2024-{m:02d}", "2024-10-07", "BPU", 16800] for m in range(7, 11)]
    res = ledger.import_file(reg, write_csv(tmp_path / "b.csv", rows, header), as_of=date(2025, 1, 1), now=NOW,
                             settings=S)  # fmt: skip
    found = [(p.row, p.code, p.value) for p in res.sheets[0].problems]
    late = ["2024-07", "2024-08", "2024-09"]
    # Rows 3-12 are A, 13-22 B, 23-26 D, 27-30 C (title and header rows first).
    assert found == [
        *((r, "COV-12", m) for r, m in zip((9, 10, 11), late, strict=True)),
        *((r, "COV-12", m) for r, m in zip((19, 20, 21), late, strict=True)),
        *((r, "COV-START", m) for r, m in zip((23, 24, 25), late, strict=True)),
        *((r, "COV-12", m) for r, m in zip((27, 28, 29), late, strict=True)),
    ]
    assert res.written == 28 and res.sheets[0].warnings == 12


def test_import_equal_looking_cells_of_other_types_are_judged_apart(reg: Database, tmp_path: Path) -> None:
    """TRUE and 1 compare equal in Python; in a JUMLAH cell one is not money and the other is Rp1."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["NIK", "BULAN IURAN", "TANGGAL BAYAR", "JUMLAH"])
    ws.append([NIK_A, "2025-01", "2025-01-20", True])
    ws.append([NIK_B, "2025-01", "2025-01-20", 1])
    ws.append([NIK_C, "2025-01", "2025-01-20", "1"])
    wb.save(tmp_path / "t.xlsx")
    res = ledger.import_file(reg, tmp_path / "t.xlsx", as_of=date(2025, 6, 1), now=NOW, settings=S)
    assert [(p.row, p.level, p.code) for p in res.sheets[0].problems] == [
        (2, "error", "AMOUNT_INVALID"), (3, "warning", "IUR-17"), (4, "warning", "IUR-17"),
    ]  # fmt: skip
    assert sorted(r["total_rupiah"] for r in dbp.list_payments(reg)) == [1, 1]


def test_import_amount_with_a_superscript_digit_is_a_finding_not_a_crash(reg: Database, tmp_path: Path) -> None:
    # '²' passes str.isdigit but int() refuses it: the row is reported, the others are written.
    rows = [[NIK_A, "2025-01", "2025-01-20", "BPU", "16800²"], [NIK_B, "2025-01", "2025-01-20", "BPU", "16800"]]
    path = write_csv(tmp_path / "p.csv", rows, ["NIK", "BULAN IURAN", "TANGGAL BAYAR", "SEGMEN", "JUMLAH"])
    res = ledger.import_file(reg, path, as_of=date(2025, 6, 1), now=NOW, settings=S)
    assert [(p.level, p.code, p.value) for p in res.sheets[0].problems] == [("error", "AMOUNT_INVALID", "16800²")]
    assert res.written == 1


def test_import_sheets_with_other_columns_read_equal_cells_by_their_own_header(reg: Database, tmp_path: Path) -> None:
    """16800 under JUMLAH is an iuran; 16800 under UPAH is an income far below the minimum."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Januari"
    ws.append(["NIK", "BULAN IURAN", "TANGGAL BAYAR", "JUMLAH"])
    ws.append([NIK_A, "2025-01", "2025-01-20", 16800])
    ws2 = wb.create_sheet("Februari")
    ws2.append(["NIK", "BULAN IURAN", "TANGGAL BAYAR", "UPAH"])
    ws2.append([NIK_B, "2025-01", "2025-01-20", 16800])
    wb.save(tmp_path / "dua.xlsx")
    res = ledger.import_file(reg, tmp_path / "dua.xlsx", as_of=date(2025, 6, 1), now=NOW, settings=S)
    jan, feb = res.sheets
    assert (jan.added, jan.rejected, jan.problems) == (1, 0, [])
    assert (feb.added, feb.rejected) == (0, 1)
    assert [(p.row, p.column, p.value, p.code) for p in feb.problems] == [(2, "UPAH", "16800", "IUR-07")]


def test_void_is_a_new_row_and_the_ledger_is_append_only(reg: Database) -> None:
    ids = ledger.select_volunteers(reg, niks=[NIK_A])
    spec = ledger.LineSpec(month="2025-03", months=1, paid_on=date(2025, 3, 10))
    ledger.write_plan(reg, ledger.plan_record(reg, volunteer_ids=ids, spec=spec, settings=S, now=NOW), now=NOW)
    (row,) = dbp.list_payments(reg)
    assert ledger.check(reg, NIK_A, on=date(2025, 3, 14), known_on=date(2025, 6, 1), settings=S)["status"] == "AKTIF"
    ledger.void(reg, row["id"], reason="salah orang", now=NOW)
    (after,) = dbp.list_payments(reg)
    assert after["void_reason"] == "salah orang" and after["total_rupiah"] == row["total_rupiah"]
    c = ledger.check(reg, NIK_A, on=date(2025, 3, 14), known_on=date(2025, 6, 1), settings=S)
    assert c["status"] == "BELUM_TERDAFTAR"
    with pytest.raises(InputError, match="sudah dibatalkan"):
        ledger.void(reg, row["id"], reason="lagi", now=NOW)
    with pytest.raises(NotFound):
        ledger.void(reg, 999, reason="x", now=NOW)
    for sql in ("UPDATE payments SET total_rupiah = 0", "DELETE FROM payments", "DELETE FROM payment_voids"):
        with pytest.raises(sqlite3.IntegrityError):
            reg.execute(sql)


def test_check_json_keys(reg: Database) -> None:
    ids = ledger.select_volunteers(reg, niks=[NIK_A])
    spec = ledger.LineSpec(month="2025-03", months=1, paid_on=date(2025, 3, 20), reference="K-9")
    ledger.write_plan(reg, ledger.plan_record(reg, volunteer_ids=ids, spec=spec, settings=S, now=NOW), now=NOW)
    c = ledger.check(reg, NIK_A, on=date(2025, 3, 14), known_on=date(2025, 6, 1), settings=S)
    assert {"nik", "on", "status", "masa_iur_bulan", "programs"} <= set(c)
    assert set(c["programs"]) == {"JKK", "JKM", "JHT", "JP"}
    for p in c["programs"].values():
        assert set(p) == {"covered", "covered_from", "covered_to", "covered_again_from", "payment", "reason"}
    assert c["status"] == "BELUM_TERDAFTAR"
    assert "2025-03-20" in c["programs"]["JKK"]["reason"]
    with pytest.raises(NotFound):
        ledger.check(reg, NIK_UNKNOWN, on=date(2025, 3, 14), known_on=date(2025, 6, 1), settings=S)


def test_status_due_and_gaps_reports(reg: Database) -> None:
    a = ledger.select_volunteers(reg, niks=[NIK_A])
    b = ledger.select_volunteers(reg, niks=[NIK_B])
    for ids, spec in [
        (a, ledger.LineSpec(month="2025-01", months=6, paid_on=date(2025, 1, 8))),
        (b, ledger.LineSpec(month="2025-01", months=1, paid_on=date(2025, 1, 6))),
    ]:
        ledger.write_plan(reg, ledger.plan_record(reg, volunteer_ids=ids, spec=spec, settings=S, now=NOW), now=NOW)
    st = coverage_reports.status_report(reg, as_of=date(2025, 3, 20), known_on=date(2025, 3, 20), settings=S)
    by_nik = {v["nik"]: v for v in st["volunteers"]}
    assert [by_nik[n]["status"] for n in (NIK_A, NIK_B, NIK_C)] == ["AKTIF", "MENUNGGAK", "BELUM_TERDAFTAR"]
    assert by_nik[NIK_A]["programs"]["JKK"]["covered_to"] == "2025-06-30"
    assert set(by_nik[NIK_A]) == {
        "nik",
        "nama",
        "kelurahan",
        "unsur",
        "kabkota",
        "status",
        "masa_iur_bulan",
        "programs",
    }
    assert sum(t["jumlah"] for t in st["totals"]) == 3
    assert sum(t["covered"] + t["menunggak"] + t["never_paid"] for t in st["totals"]) == 3
    due = coverage_reports.due_report(reg, month="2025-04", as_of=date(2025, 3, 20), settings=S)
    assert {p["nik"]: p["will_lapse"] for p in due["people"]} == {NIK_B: True, NIK_C: False}
    assert due["total_rupiah"] == 2 * 16_800
    gaps = coverage_reports.gaps_report(reg, as_of=date(2025, 3, 31), settings=S, nik_text=NIK_B)
    assert gaps == [
        {
            "nik": NIK_B,
            "nama": "Budi Santoso",
            "kabkota": "",
            "from": "2025-02-01",
            "to": "2025-03-31",
            "days": 59,
            "status": "MENUNGGAK",
        }
    ]


# ---------------------------------------------------------------------------------------------------------
# The register-wide reports read one SQL digest per person and run the engine once per distinct ledger; these
# compare them with the general path (every payment as a Paid, the engine per person) on random ledgers.

_row = st.tuples(
    st.integers(0, 20),  # iuran month offset from 2024-11
    st.integers(-40, 90),  # paid date offset (days) from the first day of that month
    st.sampled_from(["JKK,JKM", "JKK,JKM", "JKK,JKM,JHT", "JKK,JKM,JHT,JP"]),
    st.sampled_from(["BPU", "BPU", "BPU", "PU"]),
    st.sampled_from(["APBD", "APBD", "MANDIRI"]),
    st.sampled_from([1_000_000, 1_000_000, 3_000_000]),
    st.sampled_from([None, None, None, "II"]),
    st.sampled_from(["", "", "R-1"]),
    st.integers(0, 30),  # 0 = voided, 1 = PKS row, else plain
)
_person = st.tuples(
    st.lists(st.sampled_from(["PSM", "TKSK", "TAGANA"]), min_size=1, max_size=2, unique=True),
    st.one_of(st.just("one line"), st.just("free")),
    st.lists(_row, max_size=14),
)


def _fill(db: Database, people: list[tuple[list[str], str, list[tuple[object, ...]]]]) -> None:
    batch = dbp.insert_batch(db, kind="payments", file_name=None, sha256=None, created_at=NOW, note=None)
    for i, (unsur, shape, rows) in enumerate(people):
        vid = int(
            db.execute("INSERT INTO volunteers(nik, nama) VALUES (?, ?)", [f"3571{i:012d}", f"R {i % 3}"]).lastrowid
        )
        for u in unsur:
            db.execute(
                "INSERT INTO roles(volunteer_id, unsur, kelurahan, kecamatan, roster_key) "
                "VALUES (?, ?, ?, 'Kota', 'k')",
                [vid, u, f"Kel {i % 2}"],
            )
        first = rows[0] if rows else None
        for r in rows:
            m, day, progs, seg, fund, inc, rc, ref, kind = first if shape == "one line" and first else r
            month = add_months("2024-11", int(r[0]))
            progs = str(progs).replace(",JP", "") if seg == "BPU" else progs  # BPU has no JP (IUR-02)
            paid = (date.fromisoformat(f"{add_months('2024-11', int(m))}-01") + timedelta(days=int(day))).isoformat()
            cur = db.execute(
                "INSERT OR IGNORE INTO payments(volunteer_id, segment, iuran_month, paid_on, income_rupiah, programs, "
                "total_rupiah, expected_rupiah, funding, reference, line_key, risk_class, pks_no, pks_start, batch_id) "
                "VALUES (?, ?, ?, ?, ?, ?, 16800, 16800, ?, ?, 'k', ?, ?, ?, ?)",
                [vid, seg, month, paid, inc, progs, fund, ref, rc, "PKS-1" if kind == 1 else None,
                 "2024-12-15" if kind == 1 else None, batch],
            )  # fmt: skip
            if kind == 0 and cur.rowcount:
                dbp.insert_void(db, payment_id=int(cur.lastrowid), reason="salah", voided_at=NOW, batch_id=batch)
    db.conn.commit()


def _general_status(db: Database, as_of: date, known_on: date) -> list[dict[str, object]]:
    from psmctl.db.volunteers import select_roles

    rules = rules_from(S)
    pays = ledger.ledger(db)
    out: list[dict[str, object]] = []
    for r in select_roles(db, active_only=True):
        c = coverage.coverage_on(pays.get(r["volunteer_id"], []), as_of, rules=rules, known_on=known_on,
                                 with_arrears=False)  # fmt: skip
        out.append({"nik": r["nik"], "nama": r["nama"], "kelurahan": r["kelurahan"], "unsur": r["unsur"],
                    "kabkota": wilayah.kabkota_label(r["kode_kecamatan"]), "status": c.status,
                    "masa_iur_bulan": c.masa_iur_bulan,
                    "programs": {p: pc.as_dict() for p, pc in c.programs.items()}})  # fmt: skip
    return out


def _general_due(db: Database, month: str, as_of: date) -> list[tuple[object, ...]]:
    from psmctl.db.volunteers import select_roles

    rules = rules_from(S)
    pays = ledger.ledger(db)
    default = membership.Paid(0, month, as_of, frozenset({"JKK", "JKM"}), 0)
    seen: set[int] = set()
    out = []
    for r in select_roles(db, active_only=True):
        if r["volunteer_id"] in seen:
            continue
        seen.add(r["volunteer_id"])
        d = coverage.due_for_month(pays.get(r["volunteer_id"], []), month, rules=rules, as_of=as_of, default=default)
        if d is not None:
            out.append((r["nik"], d.status, d.amount.segment, d.funding, d.due_on.isoformat(), d.total_rupiah,
                        d.will_lapse))  # fmt: skip
    return sorted(out)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(_person, min_size=1, max_size=6),
    as_of=st.sampled_from(["2024-12-05", "2025-02-28", "2025-06-10", "2026-01-01"]),
    later=st.sampled_from([0, 20, 400]),
)
def test_reports_match_the_general_path(tmp_path_factory: pytest.TempPathFactory, people: list[Any], as_of: str,
                                        later: int) -> None:  # fmt: skip
    from psmctl.db import open_db

    db = open_db(tmp_path_factory.mktemp("prop") / "p.db")
    try:
        _fill(db, people)
        day = date.fromisoformat(as_of)
        known = day + timedelta(days=later)
        report = coverage_reports.status_report(db, as_of=day, known_on=known, settings=S)
        assert report["volunteers"] == _general_status(db, day, known)
        head, key, rows, tail = coverage_reports.status_json(db, as_of=day, known_on=known, settings=S)
        buf = io.StringIO()
        render.write_json_rows(head, key, rows, tail, stream=buf)
        assert json.loads(buf.getvalue()) == json.loads(render.to_json(report))
        month = add_months(as_of[:7], 1)
        due = coverage_reports.due_report(db, month=month, as_of=known, settings=S)
        got = sorted((x["nik"], x["status"], x["segment"], x["funding"], x["due_on"], x["total_rupiah"],
                      x["will_lapse"]) for x in due["people"])  # fmt: skip
        assert got == _general_due(db, month, known)
    finally:
        db.close()


def test_register_roles_match_select_roles(reg: Database) -> None:
    from psmctl.db.volunteers import select_roles

    for kw in ({}, {"unsur": "TAGANA"}, {"kelurahan": "banjaran"}, {"kecamatan": "KOTA"}, {"kelurahan": "x"}):
        roles = select_roles(reg, active_only=True, **kw)
        want = [(r["volunteer_id"], r["nik"], r["nama"], r["kelurahan"], r["unsur"], r["kecamatan"],
                 r["kode_kecamatan"], r["kode_wilayah"]) for r in roles]  # fmt: skip
        assert dbp.register_roles(reg, **kw) == want


def test_write_json_rows_is_the_same_json() -> None:
    for value in ({"a": 1, "rows": [], "b": [1, {"c": None}]}, {"rows": [{"x": "é"}, {"y": [1, 2]}]}):
        buf = io.StringIO()
        render.write_json_rows({k: v for k, v in value.items() if k == "a"}, "rows",
                               (json.dumps(r, ensure_ascii=False) for r in value["rows"]),
                               {k: v for k, v in value.items() if k == "b"}, stream=buf)  # fmt: skip
        assert json.loads(buf.getvalue()) == value


@pytest.mark.parametrize(
    ("typed", "rupiah"),
    [
        ("16800", 16800), ("16.800", 16800), ("16,800", 16800), ("Rp 16.800,-", 16800), ("Rp. 16.800,00", 16800),
        ("Rp16.800", 16800), ("16800.00", 16800), ("16.800,—", 16800), ("1 500 000", 1_500_000),
        ("RP 1.500.000", 1_500_000),
    ],
)  # fmt: skip
def test_rupiah_as_offices_type_it(reg: Database, tmp_path: Path, typed: str, rupiah: int) -> None:
    """'16800.00' is Rp16.800 (sen after the point), never Rp1.680.000."""
    path = write_csv(tmp_path / "p.csv", [[NIK_A, "2025-01", "2025-01-20", "BPU", typed]],
                     ["NIK", "BULAN IURAN", "TANGGAL BAYAR", "SEGMEN", "JUMLAH"])  # fmt: skip
    res = ledger.import_file(reg, path, as_of=date(2025, 6, 1), now=NOW, settings=S)
    assert res.written == 1, [(p.code, p.message) for p in res.sheets[0].problems]
    assert [r["total_rupiah"] for r in dbp.list_payments(reg)] == [rupiah]


@pytest.mark.parametrize("typed", ["16.800,50", "16800.5", "abc", "16800²"])
def test_rupiah_that_is_no_whole_rupiah_is_refused(reg: Database, tmp_path: Path, typed: str) -> None:
    path = write_csv(tmp_path / "p.csv", [[NIK_A, "2025-01", "2025-01-20", "BPU", typed]],
                     ["NIK", "BULAN IURAN", "TANGGAL BAYAR", "SEGMEN", "JUMLAH"])  # fmt: skip
    res = ledger.import_file(reg, path, as_of=date(2025, 6, 1), now=NOW, settings=S)
    assert res.written == 0
    assert [p.code for p in res.sheets[0].problems] == ["AMOUNT_INVALID"]


@pytest.mark.parametrize("typed", ["Januari s/d Maret 2025", "Jan-Mar 2025", "Jan sampai dengan Mar 2025"])
def test_a_row_paying_a_range_of_months_is_one_payment_a_month(reg: Database, tmp_path: Path, typed: str) -> None:
    """Three months paid on one day in one row: three payments of a third each, all on that day."""
    path = write_csv(tmp_path / "p.csv", [[NIK_A, typed, "2025-01-20", "BPU", "50400"]],
                     ["NIK", "BULAN IURAN", "TANGGAL BAYAR", "SEGMEN", "JUMLAH"])  # fmt: skip
    res = ledger.import_file(reg, path, as_of=date(2025, 6, 1), now=NOW, settings=S)
    assert res.written == 3, [(p.code, p.message) for p in res.sheets[0].problems]
    got = sorted((r["iuran_month"], r["paid_on"], r["total_rupiah"]) for r in dbp.list_payments(reg))
    assert got == [("2025-01", "2025-01-20", 16800), ("2025-02", "2025-01-20", 16800), ("2025-03", "2025-01-20", 16800)]
    assert [p.code for p in res.sheets[0].problems] == ["MONTH_RANGE"]


def test_a_range_whose_amount_does_not_divide_is_refused(reg: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [[NIK_A, "Jan-Mar 2025", "2025-01-20", "BPU", "50401"]],
                     ["NIK", "BULAN IURAN", "TANGGAL BAYAR", "SEGMEN", "JUMLAH"])  # fmt: skip
    res = ledger.import_file(reg, path, as_of=date(2025, 6, 1), now=NOW, settings=S)
    assert res.written == 0 and dbp.list_payments(reg) == []
    assert [p.code for p in res.sheets[0].problems] == ["AMOUNT_INVALID"]
    assert "tidak habis dibagi 3 bulan" in res.sheets[0].problems[0].message

"""Issue 21 through the commands an office uses: double payments, parts vs total, short payments, impossible money.

Every file is a real CSV built here; every answer is read the way a user reads it (the import report, `payments
list`, `coverage check|due`, `db check`, the summary workbook read back).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from psmctl.cli import app
from psmctl.rules import ledger_rules
from tests.test_payments import NIK_A, NIK_B, add_volunteer, write_csv

HEAD = ["NO", "NIK", "NAMA", "BULAN IURAN", "TANGGAL BAYAR", "JKK", "JKM", "JUMLAH", "NO. REFERENSI"]


@pytest.fixture
def reg(db: Database) -> Database:
    add_volunteer(db, NIK_A, "Siti Aminah")
    add_volunteer(db, NIK_B, "Budi Santoso", unsur="TAGANA")
    return db


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def _import(runner: CliRunner, path: Path) -> tuple[int, dict[str, object], str]:
    code, out, err = run(runner, "payments", "import", str(path), "--format", "json")
    (report,) = json.loads(out)  # one file: its object of the one import shape
    return code, report, err


def _problems(report: dict[str, object], code: str) -> list[dict[str, object]]:
    return [p for p in report["findings"] if p["code"] == code]  # type: ignore[attr-defined]


def _count(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM payments").fetchone()[0])


# ---------------------------------------------------------------------------------------------------------
# Double payments


def test_one_month_twice_in_one_list_is_stored_flagged_and_counted_once(
    reg: Database, runner: CliRunner, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "ganda.csv", [
        [1, NIK_A, "Siti", "Jan-25", "2025-01-05", 10_000, 6_800, 16_800, "KW-1"],
        [2, NIK_A, "Siti", "01/2025", "2025-01-09", 10_000, 6_800, 16_800, "KW-2"],
        [3, NIK_A, "Siti", "2025-02", "2025-02-03", 10_000, 6_800, 16_800, "KW-3"],
    ], HEAD)  # fmt: skip
    code, report, err = _import(runner, path)
    assert code == 0, err
    assert report["details"]["written"] == 3 and _count(reg) == 3  # both payments happened: both are in the ledger
    (double,) = _problems(report, "DIBAYAR_GANDA")
    assert double["row"] == 4 and double["level"] == "warning"
    msg = str(double["message"])
    assert "dibayar ganda" in msg and "2025-01" in msg and "KW-1" in msg and "KW-2" in msg
    code, out, _ = run(runner, "payments", "list", "--format", "json")
    notes = {r["reference"]: r["catatan"] for r in json.loads(out)}
    assert (
        notes["KW-1"] == "dibayar ganda (JKK, JKM) dengan #2" and notes["KW-2"] == "dibayar ganda (JKK, JKM) dengan #1"
    )
    assert notes["KW-3"] is None
    code, out, _ = run(runner, "coverage", "check", NIK_A, "--on", "2025-02-28", "--format", "json")
    assert json.loads(out)["masa_iur_bulan"] == 2  # January counts once
    # Voiding one of them settles it: no flag any more.
    run(runner, "payments", "void", "2", "--reason", "kuitansi ganda, kredit BPJS diminta")
    code, out, _ = run(runner, "payments", "list", "--format", "json")
    assert all(r["catatan"] is None for r in json.loads(out))


def test_record_run_twice_with_another_reference_warns_and_names_both(reg: Database, runner: CliRunner) -> None:
    args = ["payments", "record", "--nik", NIK_A, "--month", "2025-03", "--paid-on", "2025-03-05", "--yes"]
    assert run(runner, *args, "--ref", "SP2D-1")[0] == 0
    code, _out, err = run(runner, *args, "--ref", "SP2D-2")
    assert code == 0, err
    assert "DIBAYAR_GANDA" in err and "#1" in err and "SP2D-1" in err and "SP2D-2" in err
    assert _count(reg) == 2


def test_doubles_rule_needs_a_common_programme() -> None:
    from datetime import date

    a = ledger_rules.Row(1, "2025-01", frozenset({"JKK", "JKM"}), date(2025, 1, 5), "A", 1)
    b = ledger_rules.Row(1, "2025-01", frozenset({"JHT"}), date(2025, 1, 6), "B", 2)
    c = ledger_rules.Row(1, "2025-01", frozenset({"JKM", "JHT"}), date(2025, 1, 7), "C", 3)
    assert ledger_rules.doubles([a, b]) == []  # JHT on its own line is not JKK + JKM paid again
    (d,) = ledger_rules.doubles([a, b], [c])
    assert (d.first.id, d.second.id, d.programs) == (1, 3, ("JKM",))


# ---------------------------------------------------------------------------------------------------------
# Parts vs total, short payments


def test_parts_that_disagree_with_the_total_are_refused_with_both_figures(
    reg: Database, runner: CliRunner, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "selisih.csv", [
        [1, NIK_A, "Siti", "2025-01", "2025-01-05", 10_000, 6_800, 15_000, "KW-1"],
        [2, NIK_B, "Budi", "2025-01", "2025-01-05", 10_000, 6_800, 16_800, "KW-2"],
    ], HEAD)  # fmt: skip
    code, report, err = _import(runner, path)
    assert code == 0, err
    (bad,) = _problems(report, "TOTAL_MISMATCH")
    assert bad["level"] == "error" and bad["row"] == 3
    assert "Rp15.000" in str(bad["message"]) and "Rp16.800" in str(bad["message"])
    rows = reg.execute("SELECT volunteer_id, total_rupiah FROM payments").fetchall()
    assert rows == [(2, 16_800)]  # the disagreeing row is not stored, not even as Rp16.800


def test_a_short_payment_is_stored_warned_and_owed_in_check_due_and_summary(
    reg: Database, runner: CliRunner, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "kurang.csv", [
        [1, NIK_A, "Siti", "2025-01", "2024-12-20", 5_000, 3_400, 8_400, "KW-1"],
        [2, NIK_A, "Siti", "2025-02", "2024-12-20", 10_000, 6_800, 16_800, "KW-1"],
    ], HEAD)  # fmt: skip
    code, report, err = _import(runner, path)
    assert code == 0, err
    (short,) = _problems(report, "IUR-17")
    assert short["level"] == "warning" and "kurang bayar Rp8.400" in str(short["message"])
    assert reg.execute("SELECT total_rupiah FROM payments ORDER BY iuran_month").fetchall() == [(8_400,), (16_800,)]
    code, out, _ = run(runner, "coverage", "check", NIK_A, "--on", "2025-02-10", "--format", "json")
    data = json.loads(out)
    assert data["status"] == "AKTIF" and data["shortfall"] == [{"month": "2025-01", "rupiah": 8_400}]
    code, out, _ = run(runner, "coverage", "check", NIK_A, "--on", "2025-02-10")
    assert "Kurang bayar" in out and "Rp8.400" in out
    code, out, _ = run(runner, "coverage", "due", "--month", "2025-01", "--format", "json")
    (line,) = [p for p in json.loads(out)["people"] if p["nama"] == "Siti Aminah"]
    assert (line["kurang_bayar_rupiah"], line["total_rupiah"]) == (8_400, 8_400)
    out_xlsx = tmp_path / "ringkasan.xlsx"
    code, _out, err = run(
        runner, "export", "summary", "--as-of", "2025-02-10", "--out", str(out_xlsx), "--unmask", "--yes"
    )
    assert code == 0, err
    import openpyxl

    ws = openpyxl.load_workbook(out_xlsx, read_only=True)["Tunggakan"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    head = rows[0]
    (siti,) = [dict(zip(head, r, strict=False)) for r in rows[1:] if r[0] == NIK_A]
    assert siti["Kurang bayar (Rp)"] == 8_400 and siti["Bulan kurang bayar"] == "2025-01"
    assert siti["Harus dibayar (Rp)"] == 8_400


# ---------------------------------------------------------------------------------------------------------
# Impossible money at the door


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        (["2025-01", "2025-01-05", -10_000, -6_800, -16_800], "JKK", "negatif"),
        (["2025-01", "2025-01-05", "", "", 9_200_000_000_000_000_000], "JUMLAH", "melebihi batas"),
        (["2025-01", "2099-01-01", 10_000, 6_800, 16_800], "TANGGAL BAYAR", "2099-01-01"),
    ],
)
def test_impossible_money_in_a_list_is_refused(
    reg: Database, runner: CliRunner, tmp_path: Path, cells: list[object], column: str, words: str
) -> None:
    path = write_csv(tmp_path / "mustahil.csv", [[1, NIK_A, "Siti", *cells, "KW-1"]], HEAD)
    code, report, err = _import(runner, path)
    assert code == 1 and "semua 1 baris ditolak" in err  # nothing accepted: the file failed, nothing changed
    errors = [p for p in report["findings"] if p["level"] == "error"]  # type: ignore[attr-defined]
    assert errors and errors[0]["column"] == column and words in str(errors[0]["message"])
    assert _count(reg) == 0


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--amount", "-1"], "-1"),
        (["--amount", "9200000000000000000"], "100000000"),  # the ceiling named
        (["--amount", "100000001"], "100000000"),
        (["--income", "9200000000000000000"], "1000000000"),
        (["--income", "-5"], "-5"),
        (["--paid-on", "2099-01-01"], "2099-01-01"),
    ],
)
def test_impossible_money_on_record_is_refused(reg: Database, runner: CliRunner, extra: list[str], words: str) -> None:
    args = ["payments", "record", "--nik", NIK_A, "--month", "2025-03", "--yes"]
    if "--paid-on" not in extra:
        args += ["--paid-on", "2025-03-05"]
    code, _out, err = run(runner, *args, *extra)
    assert code in (1, 2) and words in err and len(err.strip().splitlines()) == 1, err  # 2: refused at the option
    assert _count(reg) == 0


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ({"amount_rupiah": -1}, "negatif"),
        ({"amount_rupiah": 9_200_000_000_000_000_000}, "melebihi batas Rp100.000.000"),
        ({"income_rupiah": 9_200_000_000_000_000_000}, "melebihi batas Rp1.000.000.000"),
        ({"income_rupiah": -5}, "negatif"),
    ],
)
def test_impossible_money_is_refused_by_the_ledger_itself(reg: Database, spec: dict[str, int], words: str) -> None:
    from datetime import date

    from psmctl.errors import InputError
    from psmctl.rules.settings import Settings
    from psmctl.services import ledger

    line = ledger.LineSpec(month="2025-03", months=1, paid_on=date(2025, 3, 5), **spec)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=words):
        ledger.plan_record(reg, volunteer_ids=[1], spec=line, settings=Settings(), now="2026-12-04T09:00:00+07:00")


def test_db_check_judges_the_ledger_net_of_voids(reg: Database, runner: CliRunner) -> None:
    # A negative payment from before the door was shut (the ledger is append-only: it stays, voided).
    run(runner, "payments", "record", "--nik", NIK_A, "--month", "2025-03", "--paid-on", "2025-03-05", "--yes")
    reg.execute(
        "INSERT INTO payments(volunteer_id, segment, iuran_month, paid_on, income_rupiah, programs, total_rupiah, "
        "funding, reference, line_key, batch_id) SELECT volunteer_id, segment, iuran_month, paid_on, income_rupiah, "
        "programs, -1, funding, 'lama', 'lama', batch_id FROM payments WHERE id = 1"
    )
    reg.conn.commit()
    code, out, err = run(runner, "db", "check")
    assert code != 0 and "negatif" in out + err
    code, _out, err = run(runner, "payments", "void", "2", "--reason", "jumlah negatif salah ketik")
    assert code == 0, err
    code, out, err = run(runner, "db", "check")
    assert code == 0, out + err


# ---------------------------------------------------------------------------------------------------------
# The demo's Tunggakan is what is really owed


def test_demo_tunggakan_total_is_what_is_really_owed(demo: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    """Run `make demo`'s script, read its summary workbook's Tunggakan sheet back, and compare its arrears total
    with the reference model of the rules §5 (tests/test_coverage_model.py) applied to the demo's ledger."""
    import os
    from datetime import date

    import openpyxl

    from psmctl.db import open_db
    from tests.test_coverage_model import Row, model

    r, tmp_path = demo  # the script ran once for the session (conftest.demo)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    today = date.fromisoformat(os.environ.get("PSMCTL_TODAY", "2025-09-20"))
    db = open_db(tmp_path / "demo.db")
    ledger: dict[int, list[tuple[str, str, int]]] = {}
    for vid, month, paid, expected in db.execute(
        "SELECT volunteer_id, iuran_month, paid_on, expected_rupiah FROM payments "
        "WHERE id NOT IN (SELECT payment_id FROM payment_voids) ORDER BY iuran_month, paid_on"
    ):
        ledger.setdefault(vid, []).append((month, paid, expected))
    people = {v for (v,) in db.execute("SELECT DISTINCT volunteer_id FROM roles WHERE status = 'AKTIF'")}
    owed = 0
    for vid in people:
        rows = ledger.get(vid, [])
        hist = [Row((int(m[:4]), int(m[5:])), date.fromisoformat(p)) for m, p, _e in rows]
        _status, _masa, arrears = model(hist, today)
        assert all(e == 16_800 for _m, _p, e in rows)  # the model prices a month at Rp16.800: so does the demo
        owed += sum(a for _m, a in arrears)
    db.close()
    ws = openpyxl.load_workbook(tmp_path / f"ringkasan-{today}.xlsx", read_only=True)["Tunggakan"]
    cells = [list(x) for x in ws.iter_rows(values_only=True)]
    head = cells[0]
    col, months = head.index("Tunggakan (Rp)"), head.index("Bulan tertunggak")
    body = []
    for row in cells[1:]:
        if not any(v not in (None, "") for v in row):
            break  # the blank row before the "dibayar ganda" block
        body.append(row)
    assert body and sum(int(x[col] or 0) for x in body) == owed
    assert not any("2024-12" in str(x[months] or "") for x in body)  # the advance payment's December is not owed


def test_recording_the_same_line_again_is_not_a_double(reg: Database, runner: CliRunner) -> None:
    args = [
        "payments",
        "record",
        "--nik",
        NIK_A,
        "--month",
        "2025-03",
        "--paid-on",
        "2025-03-05",
        "--ref",
        "S",
        "--yes",
    ]
    assert run(runner, *args)[0] == 0
    code, out, err = run(runner, *args)
    assert code == 0 and "DIBAYAR_GANDA" not in err and "0 baris iuran dicatat" in out

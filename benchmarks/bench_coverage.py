"""Coverage and payment-recording timings over a large register (issue 7 targets). Prints medians; not a test.

Run: .venv/bin/python -m benchmarks.bench_coverage [--people N] [--repeat R] [--quick] [--domain]
`results(rows, runs, work)` is what benchmarks/run.py (`make bench`) collects: whole commands in fresh processes,
stdout to a pipe as cron would have it, each next to a yardstick measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from psmctl.db import open_db
from psmctl.db import payments as dbp
from psmctl.rules.settings import Settings
from psmctl.services import coverage_reports, ledger

NOW = "2025-12-31T09:00:00+07:00"


def _timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs), min(runs), max(runs)


def _report(name: str, figures: tuple[float, float, float], extra: str = "") -> None:
    med, lo, hi = figures
    print(f"{name:<48} median {med:7.3f} s  (min {lo:.3f}, max {hi:.3f}) {extra}")


def build_register(path: Path, people: int) -> None:
    """A register of `people` volunteers, one PSM role each, in 50 kelurahan of 5 kecamatan."""
    db = open_db(path)
    db.execute("BEGIN IMMEDIATE")
    db.conn.executemany(
        "INSERT INTO volunteers(id, nik, nama) VALUES (?, ?, ?)",
        ((i, f"3571{i:012d}", f"Relawan {i}") for i in range(1, people + 1)),
    )
    db.conn.executemany(
        "INSERT INTO roles(volunteer_id, unsur, kelurahan, kecamatan, roster_key) VALUES (?, 'PSM', ?, ?, 'k')",
        ((i, f"Kel {i % 50}", f"Kec {i % 5}") for i in range(1, people + 1)),
    )
    db.conn.commit()
    db.close()


def run_benchmarks(people: int, repeat: int) -> None:
    """Build, record, then time the coverage reports; print medians."""
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        build_register(path, people)
        db = open_db(path)
        ids = ledger.select_volunteers(db, all_active=True)
        spec = ledger.LineSpec(month="2025-01", months=12, paid_on=date(2025, 1, 20), reference="SP2D-1")

        t = time.perf_counter()
        plan = ledger.plan_record(db, volunteer_ids=ids, spec=spec, settings=settings, now=NOW)
        written = ledger.write_plan(db, plan, now=NOW)
        record_s = time.perf_counter() - t
        rows = list(plan.rows)

        # Raw baseline: the same rows with one executemany into a scratch copy of the table, no checks.
        db.execute("CREATE TEMP TABLE raw_payments AS SELECT * FROM payments WHERE 0")
        t = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.conn.executemany(
            f"INSERT INTO raw_payments ({', '.join(dbp.PAYMENT_COLUMNS)}) VALUES "
            f"({', '.join('?' * len(dbp.PAYMENT_COLUMNS))})",
            rows,
        )
        db.conn.commit()
        raw_s = time.perf_counter() - t
        print(f"register: {people} volunteers, {written} payment rows")
        print(f"{'payments record --all-active (plan + write)':<48} {record_s:7.3f} s; raw executemany {raw_s:.3f} s "
              f"(ratio {record_s / raw_s:.1f}x)")  # fmt: skip

        as_of = date(2025, 8, 20)
        cr = coverage_reports
        _report("coverage status (domain, all volunteers)", _timed(
            lambda: cr.status_report(db, as_of=as_of, known_on=as_of, settings=settings), repeat))  # fmt: skip
        _report("coverage due --month 2025-09 (domain)", _timed(
            lambda: cr.due_report(db, month="2026-01", as_of=as_of, settings=settings), repeat))  # fmt: skip
        _report("coverage check (domain, one NIK)", _timed(
            lambda: ledger.check(db, "3571000000000777", on=as_of, known_on=as_of, settings=settings),
            repeat))  # fmt: skip
        db.close()

        env = {**os.environ, "PSMCTL_DB": str(path), "PSMCTL_TZ": "Asia/Jakarta"}
        for name, args in [
            (
                "psmctl coverage status --format json (process)",
                ["coverage", "status", "--as-of", "2025-08-20", "-f", "json"],
            ),
            ("psmctl coverage due --format json (process)", ["coverage", "due", "--month", "2026-01", "-f", "json"]),
            ("psmctl coverage check (process)", ["coverage", "check", "3571000000000777", "--on", "2025-08-20"]),
        ]:

            def call(a: list[str] = args) -> None:
                subprocess.run([sys.executable, "-m", "psmctl", *a], env=env, check=True, stdout=subprocess.DEVNULL)

            _report(name, _timed(call, repeat))


def _payments_csv(work: Path, people: int) -> Path:
    """What `payments record --all-active --month 2025-01 --months 12` records, as an office's CSV list."""
    path = work / f"iuran_{people}.csv"
    if not path.exists():
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write("NIK,BULAN IURAN,TANGGAL BAYAR,NO REFERENSI\n")
            for i in range(1, people + 1):
                fh.writelines(f"3571{i:012d},2025-{m:02d},2025-01-20,SP2D-1\n" for m in range(1, 13))
    return path


RECORD = ["payments", "record", "--all-active", "--month", "2025-01", "--months", "12", "--paid-on", "2025-01-20",
          "--ref", "SP2D-1", "--yes"]  # fmt: skip
STATUS = ["coverage", "status", "--as-of", "2025-08-20", "--format", "json"]
DUE = ["coverage", "due", "--month", "2026-01", "--format", "json"]


def _command(args: list[str], db: Path) -> float:
    """Wall time of one whole psmctl command in a fresh process (start-up included); stdout not a terminal."""
    env = {**os.environ, "PSMCTL_DB": str(db), "PSMCTL_TZ": "Asia/Jakarta"}
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "psmctl", *args], env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, check=False)  # fmt: skip
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"psmctl {' '.join(args)} failed: {r.stderr.decode()[-2000:]}")
    return elapsed


def _raw_insert(db_path: Path, rows: list[tuple[Any, ...]]) -> float:
    """The yardstick of `payments record`: the same rows, one executemany into an empty copy of the table."""
    db = open_db(db_path)
    db.execute("CREATE TEMP TABLE raw_payments AS SELECT * FROM payments WHERE 0")
    t = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    cols = ", ".join(dbp.PAYMENT_COLUMNS)
    db.conn.executemany(f"INSERT INTO raw_payments ({cols}) VALUES ({', '.join('?' * len(dbp.PAYMENT_COLUMNS))})", rows)
    db.conn.commit()
    elapsed = time.perf_counter() - t
    db.close()
    return elapsed


def _raw_coverage_query(db_path: Path) -> float:
    """The yardstick of the coverage reports: latest paid month per person, joined, counted per kelurahan, in SQL."""
    db = open_db(db_path)
    t = time.perf_counter()
    db.execute(
        "SELECT r.kelurahan, count(*), sum(l.last >= '2025-08') FROM roles r JOIN (SELECT volunteer_id, "
        "max(iuran_month) AS last FROM payments GROUP BY volunteer_id) l ON l.volunteer_id = r.volunteer_id "
        "GROUP BY r.kelurahan"
    ).fetchall()
    elapsed = time.perf_counter() - t
    db.close()
    return elapsed


def _row(figure: str, value: float, yardstick: str, base: float, target: str, ok: bool) -> dict[str, Any]:
    return {"figure": figure, "value": value, "yardstick": yardstick, "ratio": value / base if base else None,
            "target": target, "pass": ok}  # fmt: skip


def results(rows: int, runs: int, work: Path) -> list[dict[str, Any]]:
    """Issue 7 figures for a register of ``rows`` people x 12 paid months (medians of ``runs``), for run.py."""
    runs = max(runs, 1)
    records, raws = [], []
    db = work / f"coverage_{rows}.db"
    for i in range(runs):
        db = work / f"coverage_{rows}_{i}.db"
        build_register(db, rows)
        records.append(_command(RECORD, db))
        conn = open_db(db)
        plan_rows = [r[:19] + (None,) + r[20:] for r in conn.execute("SELECT " + ", ".join(dbp.PAYMENT_COLUMNS) +
                                                                     " FROM payments")]  # fmt: skip
        conn.close()
        raws.append(_raw_insert(db, plan_rows))
        del plan_rows
        if i < runs - 1:
            db.unlink()
    record, raw = statistics.median(records), statistics.median(raws)
    imports = []
    for i in range(runs):  # the same 1.2M iuran months as a CSV payment list, into a register without payments
        fresh = work / f"payments_import_{rows}_{i}.db"
        build_register(fresh, rows)
        imports.append(_command(["payments", "import", str(_payments_csv(work, rows))], fresh))
        fresh.unlink()
    query = statistics.median(_raw_coverage_query(db) for _ in range(runs))
    status = statistics.median(_command(STATUS, db) for _ in range(runs))
    due = statistics.median(_command(DUE, db) for _ in range(runs))
    check = statistics.median(_command(["coverage", "check", "3571000000000777", "--on", "2025-08-20"], db)
                              for _ in range(runs))  # fmt: skip
    n = f"{rows:,} x 12"
    yard = f"SQL coverage query {query:.2f} s"
    return [
        _row(f"payments record --all-active {n} (s)", record, f"raw executemany {raw:.2f} s", raw, "<= 4x",
             record <= 4 * raw),
        _row(f"payments import CSV {n} (s)", statistics.median(imports), f"raw executemany {raw:.2f} s", raw,
             "<= 4x", statistics.median(imports) <= 4 * raw),
        _row(f"coverage status --format json {n} (s)", status, yard, query, "<= 3 s", status <= 3),
        _row(f"coverage due {n} (s)", due, yard, query, "<= 3 s", due <= 3),
        _row(f"coverage check {n} (s)", check, yard, query, "<= 0.3 s", check <= 0.3),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: `--people` (default 100000), `--repeat` (default 3), `--quick` (10000 people);
    `--domain` times the domain functions in this process instead of the whole commands."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--domain", action="store_true")
    ns = ap.parse_args(argv)
    people = 10_000 if ns.quick else ns.people
    if ns.domain:
        run_benchmarks(people, ns.repeat)
        return
    with tempfile.TemporaryDirectory(prefix="psmctl-bench-") as tmp:
        for r in results(people, ns.repeat, Path(tmp)):
            ratio = f"{r['ratio']:.1f}x" if r["ratio"] is not None else "-"
            print(f"{r['figure']:48} {r['value']:8.3f} {ratio:>8}  {r['target']:9} {'PASS' if r['pass'] else 'FAIL':5}"
                  f" {r['yardstick']}")  # fmt: skip


if __name__ == "__main__":
    main()

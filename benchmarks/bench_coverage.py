"""Coverage and payment-recording timings over a large register (issue 7 targets). Prints medians; not a test.

Run: .venv/bin/python -m benchmarks.bench_coverage [--people N] [--repeat R]
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

from psmctl import payments
from psmctl.db import open_db
from psmctl.db import payments as dbp
from psmctl.settings import Settings

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
        ids = payments.select_volunteers(db, all_active=True)
        spec = payments.LineSpec(month="2025-01", months=12, paid_on=date(2025, 1, 20), reference="SP2D-1")

        t = time.perf_counter()
        plan = payments.plan_record(db, volunteer_ids=ids, spec=spec, settings=settings, now=NOW)
        written = payments.write_plan(db, plan, now=NOW)
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
        _report("coverage status (domain, all volunteers)", _timed(
            lambda: payments.status_report(db, as_of=as_of, known_on=as_of, settings=settings), repeat))  # fmt: skip
        _report("coverage due --month 2025-09 (domain)", _timed(
            lambda: payments.due_report(db, month="2026-01", as_of=as_of, settings=settings), repeat))  # fmt: skip
        _report("coverage check (domain, one NIK)", _timed(
            lambda: payments.check(db, "3571000000000777", on=as_of, known_on=as_of, settings=settings),
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


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: `--people` (default 100000), `--repeat` (default 3), `--quick` (10000 people)."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ns = ap.parse_args(argv)
    run_benchmarks(10_000 if ns.quick else ns.people, ns.repeat)


if __name__ == "__main__":
    main()

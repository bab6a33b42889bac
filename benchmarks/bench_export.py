"""Export timings over a large register (issue 6). Figures go to notes, never into assertions.

- `psmctl export roster --out r.xlsx` for N people, against the yardstick: a raw xlsxwriter constant_memory
  write of the same rows (write_row, no types, no masking) in this process. Target ≤ 1.3x, peak ≤ 300 MiB.
- `psmctl export summary` (coverage of everyone, five sheets, chart) against a raw xlsxwriter constant_memory write
  of the same cells (every sheet's header and rows, as the summary builds them, unmasked, no formats). Target
  ≤ 1.3x, peak ≤ 300 MiB.

Run alone: .venv/bin/python -m benchmarks.bench_export [--rows N] [--runs R]; `make bench` calls `results`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.data import FIRST, KELURAHAN, LAST
from psmctl.db import open_db
from psmctl.rules.settings import Settings
from psmctl.services import ledger

NOW = "2025-06-01T09:00:00+07:00"
AS_OF = "2025-06-20"


def build_register(path: Path, people: int, *, seed: int = 11) -> None:
    """A register of `people` volunteers (PSM / TKSK / TAGANA) in 12 kelurahan; 80 % paid for 1-6 months."""
    rng = random.Random(seed)
    db = open_db(path)
    db.execute("BEGIN IMMEDIATE")
    vols, roles = [], []
    for i in range(1, people + 1):
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 40 * 365))
        kel, kec = KELURAHAN[i % len(KELURAHAN)]
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
        vols.append((i, f"3571{i:012d}", name, "LP"[i % 2], "Kediri", born.isoformat(), f"Jl. Mawar {i}",
                     f"0812{i:08d}"))  # fmt: skip
        roles.append((i, ("PSM", "TKSK", "TAGANA")[i % 3], kel, kec))
    db.conn.executemany(
        "INSERT INTO volunteers(id, nik, nama, jenis_kelamin, tempat_lahir, tgl_lahir, alamat, no_hp) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        vols,
    )
    db.conn.executemany(
        "INSERT INTO roles(volunteer_id, unsur, kelurahan, kecamatan, roster_key) VALUES (?, ?, ?, ?, 'k')", roles
    )
    db.conn.commit()
    settings = Settings()
    by_months: dict[int, list[int]] = {}
    for i in range(1, people + 1):
        if rng.random() < 0.8:
            by_months.setdefault(rng.randint(1, 6), []).append(i)
    for months, ids in sorted(by_months.items()):
        spec = ledger.LineSpec(month="2025-01", months=months, paid_on=date(2025, 1, 2), reference="SP2D")
        plan = ledger.plan_record(db, volunteer_ids=ids, spec=spec, settings=settings, now=NOW)
        ledger.write_plan(db, plan, now=NOW)
    db.close()


def raw_xlsxwriter(path: Path, rows: list[list[Any]], *more: list[list[Any]]) -> None:
    """The yardstick: the same rows (one list per sheet) written with xlsxwriter in constant_memory mode."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    for sheet in (rows, *more):
        ws = wb.add_worksheet()
        for r, row in enumerate(sheet):
            ws.write_row(r, 0, row)
    wb.close()


def _roster_cells(db_path: Path) -> list[list[Any]]:
    from psmctl.output import export
    from psmctl.services import volunteers

    db = open_db(db_path)
    table = volunteers.list_volunteers(db)
    db.close()
    return [[c.label for c in export.ROSTER]] + [[r.get(c.key) or "" for c in export.ROSTER] for r in table]


def _raw_seconds(work: Path, runs: int, sheets: list[list[list[Any]]]) -> float:
    from benchmarks.run import median_time

    seconds, _ = median_time(lambda: raw_xlsxwriter(work / "raw.xlsx", *sheets), runs)
    return seconds


def summary_cells(db_path: Path) -> list[list[list[Any]]]:
    """Every cell the summary workbook holds, sheet by sheet: block titles, headers, rows and totals."""
    from psmctl.output import export
    from psmctl.services import summary

    db = open_db(db_path)
    s = summary.build(db, as_of=date.fromisoformat(AS_OF), settings=Settings())
    sheets = export.summary_sheets(s, db_name=db_path.name, schema=None, unmask=True)
    out = []
    for sheet in sheets:
        cells: list[list[Any]] = []
        for b in sheet.blocks:
            if b.title:
                cells.append([b.title])
            cells.append([c.label for c in b.columns])
            cells += [["" if (v := r.get(c.key)) is None else v for c in b.columns] for r in b.rows]
            if b.total is not None:
                cells.append([b.total.get(c.key) for c in b.columns])
            cells.append([])
        out.append(cells)
    db.close()
    return out


def results(rows: int, runs: int, work: Path) -> list[dict[str, Any]]:
    """Figures in the shape benchmarks/run.py prints."""
    from benchmarks.run import psmctl

    db_path = work / f"export_{rows}.db"
    build_register(db_path, rows)
    raw = _raw_seconds(work, runs, [_roster_cells(db_path)])
    summary_sheets = summary_cells(db_path)
    n_cells = sum(len(row) for sheet in summary_sheets for row in sheet)
    raw_summary = _raw_seconds(work, runs, summary_sheets)
    summary_sheets.clear()  # the cells are not kept while psmctl runs

    roster = [psmctl(["export", "roster", "--out", str(work / "roster.xlsx")], db_path) for _ in range(runs)]
    summ = [
        psmctl(["export", "summary", "--out", str(work / "s.xlsx"), "--as-of", AS_OF], db_path) for _ in range(runs)
    ]
    r_s = statistics.median(x["seconds"] for x in roster)
    r_m = statistics.median(x["peak_mib"] for x in roster)
    s_s = statistics.median(x["seconds"] for x in summ)
    s_m = statistics.median(x["peak_mib"] for x in summ)
    return [
        {
            "figure": f"export roster {rows:,} rows .xlsx (s)",
            "value": r_s,
            "yardstick": f"raw xlsxwriter constant_memory {raw:.2f} s",
            "ratio": r_s / raw,
            "target": "<= 1.3x",
            "pass": r_s / raw <= 1.3,
        },
        {
            "figure": f"export roster {rows:,} rows peak memory (MiB)",
            "value": r_m,
            "yardstick": "",
            "ratio": None,
            "target": "<= 300 MiB",
            "pass": r_m <= 300,
        },
        {
            "figure": f"export summary {rows:,} people (s)",
            "value": s_s,
            "yardstick": f"raw xlsxwriter constant_memory, same {n_cells:,} cells {raw_summary:.2f} s",
            "ratio": s_s / raw_summary,
            "target": "<= 1.3x",
            "pass": s_s / raw_summary <= 1.3,
        },
        {
            "figure": f"export summary {rows:,} people peak memory (MiB)",
            "value": s_m,
            "yardstick": "",
            "ratio": None,
            "target": "<= 300 MiB",
            "pass": s_m <= 300,
        },
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="psmctl-bench-export-") as tmp:
        t = time.perf_counter()
        figures = results(args.rows, args.runs, Path(tmp))
        print(f"(built and measured in {time.perf_counter() - t:.1f} s)")
    for f in figures:
        ratio = f"{f['ratio']:.2f}x" if f["ratio"] is not None else "-"
        print(f"{f['figure']:48} {f['value']:10.3f} {ratio:>7}  {f['target']:12} {f['yardstick']}")


if __name__ == "__main__":
    main()

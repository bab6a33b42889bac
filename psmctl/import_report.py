"""The import report as an .xlsx the admin can send back to the kelurahan: one row per problem, in Indonesian."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from psmctl.privacy import mask_text
from psmctl.xlsx import atomic_path, new_workbook, work_dir, write_table

LEVEL_ID = {"error": "galat (ditolak)", "warning": "peringatan", "info": "info"}


def write_problem_report(target: Path, results: list[dict[str, Any]]) -> Path:
    """Write `--report FILE.xlsx`: a summary sheet and one row per problem (file, sheet, row, column, value, ...)."""
    summary = [
        [
            r["file"], r["sheet"], r["rows_read"], r["added"], r["changed"], r["unchanged"],
            r["rejected"], r["warnings"], r["skipped"],
        ]
        for r in results
    ]  # fmt: skip
    problems = [
        [r["file"], p["sheet"], p["row"], p["column"], p["value"], LEVEL_ID.get(p["level"], p["level"]), p["code"],
         mask_text(p["message"])]
        for r in results
        for p in r["problems"]
    ]  # fmt: skip
    with atomic_path(target) as tmp, work_dir(target) as work:
        wb = new_workbook(tmp, tmpdir=work)
        write_table(
            wb,
            "Masalah",
            [("Berkas", 28), ("Lembar", 16), ("Baris", 7), ("Kolom", 18), ("Nilai", 24), ("Tingkat", 16),
             ("Kode", 24), ("Keterangan", 70)],
            problems,
            title="Laporan masalah impor: satu baris per masalah, untuk diperbaiki kelurahan",
        )  # fmt: skip
        write_table(
            wb,
            "Ringkasan",
            [("Berkas", 28), ("Lembar", 16), ("Dibaca", 9), ("Baru", 8), ("Berubah", 9), ("Tetap", 8),
             ("Ditolak", 9), ("Peringatan", 11), ("Dilewati", 9)],
            summary,
            title="Laporan masalah impor: ringkasan per berkas dan lembar",
        )  # fmt: skip
        wb.close()
    return target

"""The import report as an .xlsx the admin can send back to the kelurahan: one row per problem, in Indonesian."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from psmctl.output.xlsx import atomic_path, new_workbook, work_dir, write_table
from psmctl.rules.privacy import mask_text

LEVEL_ID = {"error": "galat (ditolak)", "warning": "peringatan", "info": "info"}


def write_problem_report(target: Path, results: list[dict[str, Any]]) -> Path:
    """Write `--report FILE.xlsx` from the files' objects of the one import JSON shape (importing/batch.py): one
    row per problem (file, sheet, row, column, value, ...), a summary per sheet, the changed fields of each changed
    person, and the people missing from the new file."""
    counts = ("rows_read", "added", "changed", "unchanged", "rejected", "warnings", "skipped")
    summary = [
        [f["file"], s["sheet"], *(s["counts"][k] for k in counts), mask_text(f["refused"] or "")]
        for f in results
        for s in f["sheets"] or [{"sheet": "-", "counts": dict.fromkeys(counts, 0)}]
    ]
    problems = [
        [f["file"], p["sheet"], p["row"], p["column"], p["value"], LEVEL_ID.get(p["level"], p["level"]), p["code"],
         mask_text(p["message"])]
        for f in results
        for p in f["findings"]
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
             ("Ditolak", 9), ("Peringatan", 11), ("Dilewati", 9), ("Berkas tidak diimpor karena", 60)],
            summary,
            title="Laporan masalah impor: ringkasan per berkas dan lembar",
        )  # fmt: skip
        write_table(
            wb,
            "Berubah",
            [("Berkas", 28), ("Lembar", 16), ("Baris", 7), ("NIK", 19), ("Data yang berubah", 60)],
            [[f["file"], c["sheet"], c["row"], c["nik"], ", ".join(c["fields"])]
             for f in results for c in f["details"].get("changed_fields") or ()],
            title="Laporan impor: orang yang datanya berubah dan data apa saja",
        )  # fmt: skip
        write_table(
            wb,
            "Tidak ada di berkas baru",
            [("Berkas", 28), ("NIK", 19), ("Nama", 28), ("Unsur", 10), ("Kelurahan", 20), ("Status", 30)],
            [[f["file"], m["nik"], m["nama"], m["unsur"], m["kelurahan"],
              "ditandai BERHENTI" if f["details"].get("retired") else "tetap di register (tidak dihapus)"]
             for f in results for m in f["details"].get("missing") or ()],
            title="Laporan impor: orang yang dulu ada di daftar kelurahan tetapi tidak ada di berkas baru",
        )  # fmt: skip
        wb.close()
    return target

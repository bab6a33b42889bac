"""Findings on screen grouped: one line per code and sheet with the count and the rows, errors first; the full
list, the changed fields and the people missing from the new file in --report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
from sqlite_utils import Database
from typer.testing import CliRunner

from builders import data_rows, make_nik, roster_row, write_roster_xlsx
from psmctl.cli import app
from psmctl.output.finding_groups import group, row_ranges, title_of


def test_row_ranges_and_titles() -> None:
    assert row_ranges([6, 7, 8, 9, 12, 14, 15]) == "6–9, 12, 14–15"
    assert row_ranges(list(range(1, 30, 2))).endswith(", …")
    assert title_of(["NIK tersimpan sebagai angka"] * 3, "NIK_NUMERIC_CELL") == "NIK tersimpan sebagai angka"
    differing = ["Tanggal lahir: NIK = 17-08-1990, daftar = 18-08-1990", "Tanggal lahir: NIK = 01-02-1980, daftar = x"]
    assert title_of(differing, "NIK_DOB_MISMATCH") == "Tanggal lahir"
    assert title_of(["umur 41 di luar batas", "umur 45 di luar batas"], "AGE_OUT_OF_RANGE").startswith("mis. umur 41")


def test_groups_put_errors_first_and_count_rows() -> None:
    warn = {"sheet": "PSM", "level": "warning", "code": "NIK_NUMERIC_CELL", "message": "NIK tersimpan sebagai angka"}
    entries = [
        {"file": "a.xlsx", "problems": [{**warn, "row": r} for r in range(6, 40)]},
        {"file": "b.xlsx", "problems": [{"sheet": "PSM", "row": 9, "level": "error", "code": "NIK_MISSING",
                                         "message": "NIK kosong"}]},
    ]  # fmt: skip
    groups = group(entries)
    assert [(g.file, g.code, g.where()) for g in groups] == [
        ("b.xlsx", "NIK_MISSING", "1 baris (9)"),
        ("a.xlsx", "NIK_NUMERIC_CELL", "34 baris (6–39)"),
    ]


def people(n: int) -> list[dict[str, object]]:
    return [roster_row(make_nik(born=date(1980, 1, 1 + i)), f"Orang {i}") for i in range(n)]


def test_one_line_for_a_column_of_numeric_niks(db: Database, runner: CliRunner, tmp_path: Path) -> None:
    rows = people(12)
    rows[3] = roster_row(None, "Tanpa NIK")
    path = write_roster_xlsx(tmp_path / "psm_banjaran.xlsx", rows, nik_as_number=True)
    r = runner.invoke(app, ["import", "roster", str(path), "--dry-run"])
    assert r.exit_code == 0, r.output
    excel = data_rows(12)
    numeric = [line for line in r.stdout.splitlines() if "NIK_NUMERIC_CELL" in line]
    assert len(numeric) == 1, r.stdout
    assert f"11 baris ({excel[0]}–{excel[2]}, {excel[4]}–{excel[11]})" in numeric[0]
    lines = r.stdout.splitlines()
    assert lines.index(next(x for x in lines if "NIK_MISSING" in x)) < lines.index(numeric[0])  # errors first
    assert "--report" in r.stdout


def test_report_lists_every_finding_changes_and_missing_people(db: Database, runner: CliRunner, tmp_path: Path) -> None:
    first = people(4)
    assert runner.invoke(app, ["import", "roster", str(write_roster_xlsx(tmp_path / "v1.xlsx", first))]).exit_code == 0
    second = [dict(first[0], ALAMAT="Jl. Baru 9"), first[1], first[2]]  # one changed, one gone
    second += [roster_row(None, "Tanpa NIK")] * 2
    path = write_roster_xlsx(tmp_path / "v2.xlsx", second, nik_as_number=True)
    report = tmp_path / "masalah.xlsx"
    r = runner.invoke(app, ["import", "roster", str(path), "--report", str(report)])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(report)
    problems = list(wb["Masalah"].iter_rows(min_row=2, values_only=True))
    assert sum(1 for p in problems if p[6] == "NIK_MISSING") == 2  # every row, not grouped
    changed = list(wb["Berubah"].iter_rows(min_row=2, values_only=True))
    assert len(changed) == 1 and "alamat" in str(changed[0][4]).lower()
    gone = list(wb["Tidak ada di berkas baru"].iter_rows(min_row=2, values_only=True))
    assert [g[2] for g in gone] == ["Orang 3"] and str(gone[0][1]).count("*") >= 8  # masked NIK

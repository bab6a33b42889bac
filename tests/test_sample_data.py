"""sample_data/ is what generate.py writes: deterministic, and its deliberate mistakes are where the manifest says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl  # noqa: TID253 - the CLI-startup ban does not concern tests
import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
MANIFEST = json.loads((SAMPLE / "expected_findings.json").read_text())
NIK_LABELS = {"NIK", "NO. KTP"}


def _cells(path: Path) -> dict[str, Any]:
    """Every sheet's cell values and merged ranges: what a reader of the file sees (bytes may differ)."""
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: {
            "values": [[c.value for c in row] for row in ws.iter_rows()],
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),  # type: ignore[union-attr]
        }
        for ws in wb.worksheets
    }


def _nik_cells(file: str, sheet: str) -> dict[int, object]:
    """Excel row -> NIK cell value for every data row of a roster sheet."""
    info = MANIFEST["files"][file][sheet]
    ws = openpyxl.load_workbook(SAMPLE / file)[sheet]
    header = [c.value for c in ws[info["header_row"]]]
    col = next(i for i, label in enumerate(header, start=1) if label in NIK_LABELS)
    rows = range(info["first_data_row"], info["last_data_row"] + 1)
    return {r: ws.cell(r, col).value for r in rows if ws.cell(r, 2).value is not None}  # skip spacer rows


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    script = SAMPLE / "generate.py"
    r = subprocess.run([sys.executable, str(script), "--out", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out


def test_committed_files_are_the_ones_the_manifest_lists() -> None:
    # sample_data/activity.py writes the demo's payment list and attendance sheet beside the rosters.
    activity = {"iuran_tagana_2025.xlsx", "daftar_hadir_bimtek_2025.xlsx"}
    committed = sorted(p.name for p in SAMPLE.glob("*.xlsx") if p.name not in activity)
    assert committed == sorted(MANIFEST["files"])
    assert all((SAMPLE / name).is_file() for name in activity)
    assert (SAMPLE / "README.md").is_file()


def test_generator_is_deterministic(regenerated: Path) -> None:
    assert json.loads((regenerated / "expected_findings.json").read_text()) == MANIFEST
    for name in MANIFEST["files"]:
        assert _cells(regenerated / name) == _cells(SAMPLE / name), name


def test_generator_bytes_are_stable(regenerated: Path) -> None:
    # Fixed core.xml and zip timestamps: a regenerated file is byte-identical, so git shows no spurious diff.
    for name in MANIFEST["files"]:
        assert (regenerated / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def test_every_file_says_who_typed_it_and_when() -> None:
    for name in MANIFEST["files"]:
        wb = openpyxl.load_workbook(SAMPLE / name)
        assert wb.properties.modified is not None and wb.properties.modified.year == 2025


def test_size_and_error_rate_are_as_promised() -> None:
    rows = sum(info["data_rows"] for sheets in MANIFEST["files"].values() for info in sheets.values())
    errors = [i for i in MANIFEST["issues"] if i["severity"] == "ERROR"]
    assert 300 <= rows <= 1000
    assert len(errors) <= 0.03 * rows


@pytest.mark.parametrize("issue", MANIFEST["issues"], ids=lambda i: f"{i['file']}:{i['sheet']}:{i['row']}:{i['kind']}")
def test_manifest_rows_hold_the_mistake_they_name(issue: dict[str, Any]) -> None:
    if issue["kind"] in {"rt_rw_as_date", "over_40", "tmt_over_5_years", "impossible_date"}:
        ws = openpyxl.load_workbook(SAMPLE / issue["file"])[issue["sheet"]]
        values = [c.value for c in ws[issue["row"]]]
        assert values[1], values  # a real data row, not a spacer
        if issue["kind"] == "impossible_date":
            assert "31-02-1990" in values
        return
    nik = _nik_cells(issue["file"], issue["sheet"])[issue["row"]]
    check = {
        "missing_nik": lambda v: v is None,
        "nik_15_digits": lambda v: isinstance(v, str) and len(v) == 15 and v.isdigit(),
        "excel_damaged": lambda v: isinstance(v, int) and len(str(v)) == 16 and v % 10 == 0,
        "serial_0000": lambda v: isinstance(v, str) and v.endswith("0000"),
        "nik_sex_mismatch": lambda v: isinstance(v, str) and len(v) == 16,
        "duplicate_same": lambda v: v is not None,
        "duplicate_other": lambda v: v is not None,
    }[issue["kind"]]
    assert check(nik), nik


def test_rows_without_a_deliberate_mistake_carry_a_valid_nik() -> None:
    flagged = {(i["file"], i["sheet"], i["row"]) for i in MANIFEST["issues"] if i["rule"] != "NIK-10"}
    for file, sheets in MANIFEST["files"].items():
        for sheet in sheets:
            for row, value in _nik_cells(file, sheet).items():
                if (file, sheet, row) in flagged:
                    continue
                nik = str(value).replace(" ", "").lstrip("'")
                day = int(nik[6:8]) % 40
                assert len(nik) == 16 and nik.isdigit(), (file, sheet, row, value)
                assert 1 <= day <= 31 and 1 <= int(nik[8:10]) <= 12 and nik[12:] != "0000", (file, sheet, row)
                assert nik[-1] != "0", (file, sheet, row)  # so a numeric cell is never ambiguous (NIK-02)


ACTIVITY = ("iuran_tagana_2025.xlsx", "daftar_hadir_bimtek_2025.xlsx")


def test_the_payment_list_and_attendance_sheet_regenerate_the_same(tmp_path: Path) -> None:
    """sample_data/activity.py reads the committed rosters' cells (never psmctl's importer, which learns) and saves
    with generate.py's fixed timestamps: a rerun into another folder gives the committed files, byte for byte."""
    script = SAMPLE / "activity.py"
    r = subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for name in ACTIVITY:
        assert _cells(tmp_path / name) == _cells(SAMPLE / name), name
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(ACTIVITY)

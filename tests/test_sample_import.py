"""Every bundled sample roster imports end to end, and every deliberate mistake is reported at its row."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlite_utils import Database

from psmctl.importing import roster
from psmctl.rules.settings import Settings

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
EXPECTED = json.loads((SAMPLE / "expected_findings.json").read_text("utf-8"))
# The generator's rule names, as the importer's codes.
CODES = {
    "duplicate_same": {"NIK_DUPLICATE_IN_FILE"},
    "duplicate_other": {"NIK_DUPLICATE_IN_FILE"},
    "impossible_date": {"DATE_INVALID", "DATE_UNREADABLE"},
    "excel_damaged": {"NIK_EXCEL_DAMAGED"},
    "nik_15_digits": {"NIK_FORMAT", "NIK_EXCEL_DAMAGED"},
    "missing_nik": {"NIK_MISSING"},
    "serial_0000": {"NIK_ZERO_SERIAL"},
    "nik_sex_mismatch": {"NIK_GENDER_MISMATCH"},
    "rt_rw_as_date": {"RT_RW_AS_DATE"},
    "over_40": {"AGE_OUT_OF_RANGE"},
    "tmt_over_5_years": {"MASA_TUGAS_LEWAT"},
}


def test_every_sample_file_imports_with_the_expected_findings(db: Database) -> None:
    as_of = dt.date.fromisoformat(EXPECTED["reference_date"])
    settings = Settings({"wilayah.kode_kabkota": "35.71"})
    found: dict[tuple[str, str, int], set[tuple[str, str]]] = {}
    for name, sheets in EXPECTED["files"].items():
        result = roster.import_file(db, SAMPLE / name, as_of=as_of, now="2025-01-15T08:00:00+07:00", settings=settings)
        assert result.refused is None and result.batch_id is not None, name
        skipped = {s.sheet for s in result.sheets if any(p.code == "SHEET_SKIPPED" for p in s.problems)}
        by_sheet = {s.sheet: s for s in result.sheets if s.sheet not in skipped}
        assert set(by_sheet) == set(sheets), name  # sheets without a header (REKAP) are skipped, and said
        assert all(s.rows_read == 0 for s in result.sheets if s.sheet in skipped), name
        for sheet, facts in sheets.items():
            rep = by_sheet[sheet]
            assert rep.rows_read == facts["data_rows"], (name, sheet)
            for p in rep.problems:
                if p.row is not None:
                    found.setdefault((name, sheet, p.row), set()).add((p.level, p.code))
    expected_errors = set()
    for issue in EXPECTED["issues"]:
        where = (issue["file"], issue["sheet"], issue["row"])
        level = "error" if issue["severity"] == "ERROR" else "warning"
        if issue["kind"] == "impossible_date":  # issue 15: the NIK gives the date; the row is kept, warned
            level = "warning"
        codes = {c for lv, c in found.get(where, set()) if lv == level}
        assert codes & CODES[issue["kind"]], (issue, found.get(where))
        if level == "error":
            expected_errors.add(where)
    actual_errors = {w for w, hits in found.items() if any(lv == "error" for lv, _ in hits)}
    assert actual_errors == expected_errors
    people = db.execute("SELECT count(*) FROM volunteers").fetchone()[0]
    both = db.execute("SELECT count(*) FROM (SELECT volunteer_id FROM roles GROUP BY volunteer_id HAVING count(*) > 1)")
    assert people > 300 and both.fetchone()[0] >= 10
    unresolved = db.execute("SELECT count(*) FROM roles WHERE kode_wilayah IS NULL AND unsur = 'PSM'").fetchone()[0]
    assert unresolved == 0  # every loosely written kelurahan name resolved to its official code

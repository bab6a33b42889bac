"""Issue 16: a province office (init --provinsi), names matched across its kab/kota, the kab/kota level."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from psmctl.cli import app
from psmctl.errors import InputError
from psmctl.rules import wilayah

KEL = "desa_kelurahan"
KEC = "kecamatan"


def test_province_scope_finds_a_name_in_any_of_its_kab_kota() -> None:
    # Tamanjaya is a desa in Pandeglang (36.01.01) and in Lebak (36.02.17): both inside Banten, none outside it.
    assert [r.kode for r in wilayah.find("Tamanjaya", KEL, "36")] == ["36.01.01.2006", "36.02.17.2004"]
    assert [r.kode for r in wilayah.find("Tamanjaya", KEL, "36.02")] == ["36.02.17.2004"]
    assert [r.kode for r in wilayah.find("Tamanjaya", KEL, "36.02.17")] == ["36.02.17.2004"]
    assert wilayah.find("Tamanjaya", KEL, "36.03") == []
    # The same name elsewhere in the country is not a candidate for Banten.
    assert len(wilayah.find("Sukamaju", KEL, "")) > len(wilayah.find("Sukamaju", KEL, "36"))
    assert all(r.kode.startswith("36.") for r in wilayah.find("Sukamaju", KEL, "36"))


def test_a_kecamatan_name_shared_by_two_kab_kota_of_a_province() -> None:
    assert [r.kode for r in wilayah.find("Kec. Cibeber", KEC, "36")] == ["36.02.19", "36.72.01"]
    assert [r.kode for r in wilayah.find("CIBEBER", KEC, "36.72")] == ["36.72.01"]


def test_provinsi_code_by_code_or_name() -> None:
    assert wilayah.provinsi_code("36") == "36"
    assert wilayah.provinsi_code("Banten") == "36"
    assert wilayah.provinsi_code("Provinsi Banten") == "36"
    with pytest.raises(InputError):
        wilayah.provinsi_code("99")
    with pytest.raises(InputError):
        wilayah.provinsi_code("Atlantis")


def _config(runner: CliRunner) -> dict[str, object]:
    r = runner.invoke(app, ["config", "show", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    return {row["key"]: row["value"] for row in rows}


def test_init_provinsi_sets_the_province_scope(runner: CliRunner, db_path: Path) -> None:
    r = runner.invoke(app, ["init", "--provinsi", "36"])
    assert r.exit_code == 0, r.output
    assert "Provinsi kantor: 36 Banten" in r.output
    settings = _config(runner)
    assert settings["wilayah.kode_provinsi"] == '"36"'
    assert settings["wilayah.kode_kabkota"] == '""'


def test_init_refuses_both_scopes_and_an_unknown_province(runner: CliRunner, db_path: Path) -> None:
    r = runner.invoke(app, ["init", "--provinsi", "36", "--kabkota", "36.01"])
    assert r.exit_code != 0
    assert not db_path.exists()
    r = runner.invoke(app, ["init", "--provinsi", "99"])
    assert r.exit_code != 0
    assert "provinsi 99" in r.output
    assert not db_path.exists()


def _banten_roster(tmp_path: Path) -> Path:
    import datetime as dt

    from tests.builders import make_nik, roster_row, write_roster_xlsx

    born = dt.date(1990, 8, 17)
    rows = [
        # unique in Banten: resolved whatever kab/kota it lies in
        roster_row(make_nik(kec="360104", born=born, serial=1), "Asep", kelurahan="Cikeusik", kecamatan="Cikeusik"),
        roster_row(make_nik(kec="367201", born=born, serial=2), "Ujang", kelurahan="", kecamatan="Purwakarta"),
        # a kelurahan of Pandeglang, written with its kecamatan
        roster_row(make_nik(kec="360101", born=born, serial=3), "Dedi", kelurahan="Tamanjaya", kecamatan="Sumur"),
    ]
    return write_roster_xlsx(tmp_path / "tagana_banten.xlsx", rows, title_rows=["DAFTAR TAGANA PROVINSI BANTEN"])


def test_a_province_roster_resolves_across_kab_kota(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["init", "--provinsi", "36"]).exit_code == 0
    r = runner.invoke(app, ["import", "roster", str(_banten_roster(tmp_path)), "--unsur", "Tagana", "--format", "json"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["volunteers", "list", "--format", "json"])
    people = {p["nama"]: p for p in json.loads(r.stdout)}
    assert people["Dedi"]["kode_wilayah"] == "36.01.01.2006"
    assert people["Asep"]["kode_wilayah"] == "36.01.04.2007"  # the Cikeusik of kecamatan Cikeusik
    assert people["Ujang"]["kecamatan"] == "Purwakarta"


@pytest.fixture
def banten(runner: CliRunner, tmp_path: Path) -> CliRunner:
    """A province database with Asep and Dedi in Pandeglang (36.01) and Ujang in Kota Cilegon (36.72)."""
    assert runner.invoke(app, ["init", "--provinsi", "36"]).exit_code == 0
    r = runner.invoke(app, ["import", "roster", str(_banten_roster(tmp_path)), "--unsur", "Tagana"])
    assert r.exit_code == 0, r.output
    return runner


def _json(runner: CliRunner, *args: str) -> object:
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_kabkota_filter_by_code_or_name(banten: CliRunner) -> None:
    rows = _json(banten, "volunteers", "list", "--kabkota", "36.01", "--format", "json")
    assert sorted(p["nama"] for p in rows) == ["Asep", "Dedi"]  # type: ignore[union-attr]
    rows = _json(banten, "volunteers", "list", "--kabkota", "Kota Cilegon", "--format", "json")
    assert [p["nama"] for p in rows] == ["Ujang"]  # type: ignore[union-attr]
    rows = _json(banten, "volunteers", "list", "--kabkota", "36.01", "--kecamatan", "Sumur", "--format", "json")
    assert [p["nama"] for p in rows] == ["Dedi"]  # type: ignore[union-attr]
    r = banten.invoke(app, ["volunteers", "list", "--kabkota", "36.72", "--kecamatan", "Sumur"])
    assert r.exit_code != 0 and "Sumur" in r.output
    status = _json(banten, "coverage", "status", "--kabkota", "36.72", "--as-of", "2026-01-15", "--format", "json")
    assert [p["nama"] for p in status["volunteers"]] == ["Ujang"]  # type: ignore[index]


def test_summary_and_training_hours_by_kabkota(banten: CliRunner) -> None:
    rows = _json(banten, "summary", "--by", "kabkota", "--as-of", "2026-01-15", "--format", "json")
    assert [(r["kabkota"], r["jumlah"]) for r in rows] == [  # type: ignore[union-attr]
        ("36.01 Kabupaten Pandeglang", 2), ("36.72 Kota Cilegon", 1), ("JUMLAH", 3),
    ]  # fmt: skip
    rows = _json(banten, "summary", "--kabkota", "36.72", "--as-of", "2026-01-15", "--format", "json")
    assert [(r["kecamatan"], r["jumlah"]) for r in rows] == [("Purwakarta", 1), ("JUMLAH", 1)]  # type: ignore[union-attr]
    r = banten.invoke(
        app, ["training", "add", "--name", "Bimtek", "--kind", "bimtek", "--start", "2026-01-05", "--jpl", "8"]
    )
    assert r.exit_code == 0, r.output
    tid = r.stdout.strip().splitlines()[-1]
    people = {p["nama"]: p["nik"] for p in _json(banten, "--unmask", "--yes", "volunteers", "list", "--format", "json")}  # type: ignore[union-attr]
    assert banten.invoke(app, ["attendance", "record", tid, "--nik", people["Ujang"]]).exit_code == 0
    groups = _json(
        banten, "training", "report", "hours", "--from", "2026-01-01", "--to", "2026-01-31", "--by", "kabkota",
        "--format", "json",
    )  # fmt: skip
    assert [(g["kabkota"], g["orang"], g["dilatih"]) for g in groups] == [  # type: ignore[union-attr]
        ("36.01 Kabupaten Pandeglang", 2, 0), ("36.72 Kota Cilegon", 1, 1),
    ]  # fmt: skip


def test_export_summary_has_a_sheet_and_chart_per_kabkota(banten: CliRunner, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "ringkasan.xlsx"
    r = banten.invoke(app, ["export", "summary", "--out", str(out), "--as-of", "2026-01-15"])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:4] == ["Ringkasan", "Kab-Kota", "36.01 Kab. Pandeglang", "36.72 Kota Cilegon"]
    values = [row for row in wb["Kab-Kota"].iter_rows(values_only=True) if row[0]]
    assert ("36.01 Kabupaten Pandeglang", 2) in [v[:2] for v in values]
    assert ("36.72 Kota Cilegon", 1) in [v[:2] for v in values]
    kec = [row[:2] for row in wb["36.01 Kab. Pandeglang"].iter_rows(values_only=True) if row[0]]
    assert ("Cikeusik", 1) in kec and ("Sumur", 1) in kec
    with zipfile.ZipFile(out) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 4  # Ringkasan, Kab-Kota, and one per kab/kota


def test_an_ambiguous_kelurahan_is_settled_by_the_nik_kecamatan(runner: CliRunner, tmp_path: Path) -> None:
    import datetime as dt

    from tests.builders import make_nik, roster_row, write_roster_xlsx

    born = dt.date(1990, 8, 17)
    rows = [  # Tamanjaya: a desa in Pandeglang 36.01.01 and in Lebak 36.02.17; no kecamatan written
        roster_row(make_nik(kec="360217", born=born, serial=1), "Lebak", kelurahan="Tamanjaya", kecamatan=""),
        roster_row(make_nik(kec="360101", born=born, serial=2), "Pandeglang", kelurahan="Tamanjaya", kecamatan=""),
        roster_row(make_nik(kec="360301", born=born, serial=3), "Tangerang", kelurahan="Tamanjaya", kecamatan=""),
    ]
    roster = write_roster_xlsx(tmp_path / "tamanjaya.xlsx", rows, title_rows=["DAFTAR TAGANA PROVINSI BANTEN"])
    assert runner.invoke(app, ["init", "--provinsi", "36"]).exit_code == 0
    r = runner.invoke(app, ["import", "roster", str(roster), "--unsur", "Tagana", "--format", "json"])
    assert r.exit_code == 0, r.output
    problems = json.loads(r.stdout)[0]["findings"]
    hints = [p for p in problems if p["code"] == "WILAYAH_NIK_HINT"]
    assert [p["level"] for p in hints] == ["info", "info"]
    ambiguous = [p for p in problems if p["code"] == "WILAYAH_AMBIGUOUS"]
    assert len(ambiguous) == 1 and ambiguous[0]["level"] == "warning"  # the NIK of Tangerang settles nothing
    people = {p["nama"]: p for p in _json(runner, "volunteers", "list", "--format", "json")}  # type: ignore[union-attr]
    assert people["Lebak"]["kode_wilayah"] == "36.02.17.2004"
    assert people["Pandeglang"]["kode_wilayah"] == "36.01.01.2006"
    assert people["Tangerang"]["kode_wilayah"] is None


def test_psmctl_reads_its_own_roster_export_without_a_finding(banten: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "register_banten.xlsx"
    r = banten.invoke(app, ["export", "roster", "--unmask", "--yes", "--out", str(out)])
    assert r.exit_code == 0, r.output
    other = tmp_path / "provinsi2.db"
    assert banten.invoke(app, ["--db", str(other), "init", "--provinsi", "36"]).exit_code == 0
    r = banten.invoke(app, ["--db", str(other), "import", "roster", str(out), "--format", "json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert sum(f["counts"]["added"] for f in report) == 3
    # Not a finding per row: each finding is about a whole sheet (its unused columns, the skipped Tentang sheet).
    found = [(p["sheet"], p["code"]) for f in report for p in f["findings"]]
    assert len(found) <= 5, found  # 3 people: never one per row
    assert {code for _, code in found} <= {"SHEET_SKIPPED", "COLUMN_UNUSED", "KELURAHAN_UNKNOWN"}, found
    theirs = {
        p["nama"]: p["kode_wilayah"]
        for p in _json(banten, "--db", str(other), "volunteers", "list", "--format", "json")
    }  # type: ignore[union-attr]
    ours = {p["nama"]: p["kode_wilayah"] for p in _json(banten, "volunteers", "list", "--format", "json")}  # type: ignore[union-attr]
    assert theirs == ours

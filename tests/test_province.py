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


def test_an_unknown_kecamatan_still_lets_the_nik_settle_an_ambiguous_kelurahan(
    runner: CliRunner, tmp_path: Path
) -> None:
    import datetime as dt

    from tests.builders import make_nik, roster_row, write_roster_xlsx

    nik = make_nik(kec="360217", born=dt.date(1990, 8, 17), serial=1)  # Tamanjaya of Lebak, kecamatan mistyped
    rows = [roster_row(nik, "Lebak", kelurahan="Tamanjaya", kecamatan="Qwzx")]
    roster = write_roster_xlsx(tmp_path / "salah_kecamatan.xlsx", rows, title_rows=["DAFTAR TAGANA PROVINSI BANTEN"],
                               signature=False)  # fmt: skip
    assert runner.invoke(app, ["init", "--provinsi", "36"]).exit_code == 0
    found = {(p["code"], p["column"]): p["message"] for p in _import(runner, roster)}
    assert set(found) == {("WILAYAH_UNKNOWN", "KECAMATAN"), ("WILAYAH_NIK_HINT", "KELURAHAN")}, found
    assert found["WILAYAH_UNKNOWN", "KECAMATAN"] == "kecamatan 'Qwzx' tidak ada di daftar resmi"
    assert _codes(runner) == {"Lebak": "36.02.17.2004"}


def test_psmctl_reads_its_own_roster_export_without_a_finding(banten: CliRunner, tmp_path: Path) -> None:
    import datetime as dt

    from tests.builders import DEFAULT_COLUMNS, make_nik, roster_row, write_roster_xlsx

    # One more person, BERHENTI (KETERANGAN says she died): `export roster --semua` carries her, Status BERHENTI.
    row = roster_row(make_nik(kec="360217", born=dt.date(1995, 1, 2), female=True, serial=7), "Siti", jk="P",
                     tgl="02-01-1995", kelurahan="Tamanjaya", kecamatan="")  # fmt: skip
    stopped = write_roster_xlsx(tmp_path / "berhenti.xlsx", [{**row, "KETERANGAN": "meninggal dunia"}],
                                columns=[*DEFAULT_COLUMNS, "KETERANGAN"],
                                title_rows=["DAFTAR TAGANA KABUPATEN LEBAK"])  # fmt: skip
    assert banten.invoke(app, ["import", "roster", str(stopped), "--unsur", "Tagana"]).exit_code == 0
    out = tmp_path / "register_banten.xlsx"
    r = banten.invoke(app, ["export", "roster", "--semua", "--unmask", "--yes", "--out", str(out)])
    assert r.exit_code == 0, r.output
    other = tmp_path / "provinsi2.db"
    assert banten.invoke(app, ["--db", str(other), "init", "--provinsi", "36"]).exit_code == 0
    r = banten.invoke(app, ["--db", str(other), "import", "roster", str(out), "--format", "json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert sum(f["counts"]["added"] for f in report) == 4
    # Kode wilayah and Status are read: no unused column, no finding about any row. What is left is about the
    # workbook and its table: the Tentang sheet skipped, and (Ujang has no kelurahan) said once.
    found = sorted((p["code"], p["sheet"]) for s in report for p in s["findings"])
    assert found == [("KELURAHAN_UNKNOWN", "Register"), ("SHEET_SKIPPED", "Tentang")], found
    keys = ("kode_wilayah", "kelurahan", "kecamatan", "unsur", "status")
    theirs = _json(banten, "--db", str(other), "volunteers", "list", "--semua", "--format", "json")
    ours = _json(banten, "volunteers", "list", "--semua", "--format", "json")
    assert {p["nama"]: [p[k] for k in keys] for p in theirs} == {p["nama"]: [p[k] for k in keys] for p in ours}  # type: ignore[union-attr]
    assert {p["nama"]: p["status"] for p in theirs}["Siti"] == "BERHENTI"  # type: ignore[union-attr]


def test_a_kode_wilayah_column_is_read(runner: CliRunner, tmp_path: Path) -> None:
    import datetime as dt

    from tests.builders import DEFAULT_COLUMNS, make_nik, roster_row, write_roster_xlsx

    born = dt.date(1990, 8, 17)
    rows = [
        {**roster_row(make_nik(kec="360301", born=born, serial=1), "Kode", kelurahan="Tamanjaya", kecamatan=""),
         "KODE WILAYAH": "36.02.17.2004", "STATUS": "AKTIF"},
        {**roster_row(make_nik(kec="360301", born=born, serial=2), "Lain", kelurahan="Sukamaju", kecamatan=""),
         "KODE WILAYAH": "3601012006", "STATUS": "BERHENTI"},
        {**roster_row(make_nik(kec="360301", born=born, serial=3), "Salah", kelurahan="Tamanjaya", kecamatan=""),
         "KODE WILAYAH": "99.99.99.9999", "STATUS": "KAWIN"},
    ]  # fmt: skip
    roster = write_roster_xlsx(tmp_path / "kode.xlsx", rows, columns=[*DEFAULT_COLUMNS, "KODE WILAYAH", "STATUS"],
                               title_rows=["DAFTAR TAGANA"])  # fmt: skip
    assert runner.invoke(app, ["init", "--provinsi", "36"]).exit_code == 0
    problems = _import(runner, roster)
    by_code = {str(p["code"]): p for p in problems}
    assert "Tamanjaya" in str(by_code["WILAYAH_KODE_MISMATCH"]["message"])  # Sukamaju written, Tamanjaya coded
    assert by_code["WILAYAH_UNKNOWN"]["column"] == "KODE WILAYAH" and by_code["WILAYAH_UNKNOWN"]["row"] == 5
    assert "KAWIN" in str(by_code["COLUMN_UNUSED"]["message"])
    people = {p["nama"]: p for p in _json(runner, "volunteers", "list", "--semua", "--format", "json")}  # type: ignore[union-attr]
    assert people["Kode"]["kode_wilayah"] == "36.02.17.2004"
    assert people["Lain"]["kode_wilayah"] == "36.01.01.2006" and people["Lain"]["status"] == "BERHENTI"
    assert people["Salah"]["kode_wilayah"] is None and people["Salah"]["status"] == "AKTIF"


def test_coverage_status_has_a_kab_kota_level(banten: CliRunner) -> None:
    report = _json(banten, "coverage", "status", "--as-of", "2026-01-15", "--format", "json")
    totals = [(t["kabkota"], t["kecamatan"], t["jumlah"]) for t in report["totals"]]  # type: ignore[index]
    assert totals == [
        ("36.01 Kabupaten Pandeglang", "Cikeusik", 1), ("36.01 Kabupaten Pandeglang", "Sumur", 1),
        ("36.72 Kota Cilegon", "Purwakarta", 1),
    ]  # fmt: skip
    kab = {v["nama"]: v["kabkota"] for v in report["volunteers"]}  # type: ignore[index]
    assert kab == {"Asep": "36.01 Kabupaten Pandeglang", "Dedi": "36.01 Kabupaten Pandeglang",
                   "Ujang": "36.72 Kota Cilegon"}  # fmt: skip
    # The streamed JSON (a pipe) carries the same keys as the built report.
    r = banten.invoke(app, ["coverage", "status", "--as-of", "2026-01-15", "--format", "csv"])
    assert r.exit_code == 0, r.output
    header, *lines = r.stdout.strip().splitlines()
    assert header.split(",")[0] == "kabkota" and len(lines) == 3
    r = banten.invoke(app, ["coverage", "status", "--as-of", "2026-01-15"])
    assert r.exit_code == 0, r.output
    assert "Kab/Kota" in r.stdout and "36.72 Kota Cilegon" in r.stdout
    # One kab/kota: no Kab/Kota column (a kab/kota office sees what it saw before).
    r = banten.invoke(app, ["coverage", "status", "--kabkota", "36.01", "--as-of", "2026-01-15", "--format", "csv"])
    assert r.stdout.splitlines()[0].startswith("nik,")


def test_coverage_due_has_a_kab_kota_level_and_filter(banten: CliRunner, tmp_path: Path) -> None:
    import openpyxl

    report = _json(banten, "coverage", "due", "--month", "2026-01", "--format", "json")
    people = {p["nama"]: p for p in report["people"]}  # type: ignore[index]
    assert people["Ujang"]["kabkota"] == "36.72 Kota Cilegon"
    per = [(k["kabkota"], k["orang"]) for k in report["per_kabkota"]]  # type: ignore[index]
    assert per == [("36.01 Kabupaten Pandeglang", 2), ("36.72 Kota Cilegon", 1)]
    assert sum(k["total_rupiah"] for k in report["per_kabkota"]) == report["total_rupiah"]  # type: ignore[index]
    only = _json(banten, "coverage", "due", "--month", "2026-01", "--kabkota", "Kota Cilegon", "--format", "json")
    assert [p["nama"] for p in only["people"]] == ["Ujang"]  # type: ignore[index]
    assert only["total_rupiah"] == people["Ujang"]["total_rupiah"]  # type: ignore[index]
    r = banten.invoke(app, ["coverage", "due", "--month", "2026-01"])
    assert r.exit_code == 0, r.output
    assert "Per kab/kota" in r.stdout
    out = tmp_path / "iuran.xlsx"
    r = banten.invoke(app, ["export", "due", "--month", "2026-01", "--as-of", "2026-01-15", "--out", str(out)])
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    at = next(i for i, row in enumerate(rows) if row[0] == "Kab/Kota")
    assert sorted(row[0] for row in rows[at + 1 :] if row[0]) == [
        "36.01 Kabupaten Pandeglang", "36.01 Kabupaten Pandeglang", "36.72 Kota Cilegon",
    ]  # fmt: skip
    out = tmp_path / "iuran_cilegon.xlsx"
    r = banten.invoke(app, ["export", "due", "--month", "2026-01", "--kabkota", "36.72", "--out", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(openpyxl.load_workbook(out).worksheets[0].iter_rows(values_only=True))
    assert "Kab/Kota" not in [row[0] for row in rows]  # one kab/kota: no column
    assert sum(1 for row in rows if row[1] == "Ujang") == 1


def test_coverage_gaps_has_a_kab_kota_level_and_filters(banten: CliRunner) -> None:
    r = banten.invoke(app, ["payments", "record", "--all-active", "--month", "2025-01", "--months", "3",
                            "--paid-on", "2025-01-08", "--ref", "SP2D-1", "--yes"])  # fmt: skip
    assert r.exit_code == 0, r.output
    gaps = ["coverage", "gaps", "--as-of", "2025-06-30", "--format", "json"]
    rows = _json(banten, *gaps)
    assert sorted((g["nama"], g["kabkota"], g["from"]) for g in rows) == [  # type: ignore[union-attr]
        ("Asep", "36.01 Kabupaten Pandeglang", "2025-04-01"), ("Dedi", "36.01 Kabupaten Pandeglang", "2025-04-01"),
        ("Ujang", "36.72 Kota Cilegon", "2025-04-01"),
    ]  # fmt: skip
    assert sorted(g["nama"] for g in _json(banten, *gaps, "--kabkota", "36.01")) == ["Asep", "Dedi"]  # type: ignore[union-attr]
    assert [g["nama"] for g in _json(banten, *gaps, "--kabkota", "Kota Cilegon")] == ["Ujang"]  # type: ignore[union-attr]
    assert [g["nama"] for g in _json(banten, *gaps, "--kabkota", "36.01", "--kecamatan", "Sumur")] == ["Dedi"]  # type: ignore[union-attr]
    assert [g["nama"] for g in _json(banten, *gaps, "--kecamatan", "Purwakarta")] == ["Ujang"]  # type: ignore[union-attr]
    people = {p["nama"]: p["nik"] for p in _json(banten, "--unmask", "--yes", "volunteers", "list", "--format", "json")}  # type: ignore[union-attr]
    assert _json(banten, *gaps, "--nik", people["Asep"], "--kabkota", "36.72") == []
    r = banten.invoke(app, ["coverage", "gaps", "--kabkota", "36.72", "--kecamatan", "Sumur"])
    assert r.exit_code != 0 and "Sumur" in r.output
    r = banten.invoke(app, ["coverage", "gaps", "--as-of", "2025-06-30"])
    assert r.exit_code == 0 and "Kab/Kota" in r.stdout, r.output
    r = banten.invoke(app, ["coverage", "gaps", "--as-of", "2025-06-30", "--kabkota", "36.01"])
    assert r.exit_code == 0 and "Kab/Kota" not in r.stdout, r.output  # one kab/kota: no column


def test_export_summary_charts_read_back_per_kab_kota(banten: CliRunner, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "ringkasan.xlsx"
    r = banten.invoke(app, ["export", "summary", "--out", str(out), "--as-of", "2026-01-15"])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    charts = {ws.title: len(ws._charts) for ws in wb.worksheets}
    assert charts["Kab-Kota"] == 1
    assert charts["36.01 Kab. Pandeglang"] == 1 and charts["36.72 Kota Cilegon"] == 1
    # --kabkota: one kab/kota, so no Kab-Kota sheet and no sheet per kab/kota.
    out = tmp_path / "ringkasan_cilegon.xlsx"
    r = banten.invoke(app, ["export", "summary", "--out", str(out), "--as-of", "2026-01-15", "--kabkota", "36.72"])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    assert "Kab-Kota" not in wb.sheetnames
    names = {row[0] for row in wb["Ringkasan"].iter_rows(values_only=True)}
    assert "Purwakarta" in names and "Cikeusik" not in names and "Sumur" not in names


@pytest.fixture
def cibeber(runner: CliRunner, tmp_path: Path) -> CliRunner:
    """A Banten register with two kecamatan named Cibeber: one person in Lebak's (36.02.19), two in Kota Cilegon's
    (36.72.01), each settled by the NIK."""
    import datetime as dt

    from tests.builders import banten_register, make_nik, roster_row

    born = dt.date(1990, 8, 17)
    rows = [
        roster_row(make_nik(kec="360219", born=born, serial=1), "Lebak", kelurahan="", kecamatan="Cibeber"),
        roster_row(make_nik(kec="367201", born=born, serial=2), "Cilegon 1", kelurahan="", kecamatan="Cibeber"),
        roster_row(make_nik(kec="367201", born=born, serial=3), "Cilegon 2", kelurahan="", kecamatan="Cibeber"),
    ]
    return banten_register(runner, tmp_path / "cibeber.xlsx", rows)


def test_the_ringkasan_keeps_two_kecamatan_of_one_name_apart(cibeber: CliRunner) -> None:
    runner = cibeber
    rows_ = _json(runner, "summary", "--as-of", "2026-01-15", "--format", "json")
    assert [(r["kecamatan"], r["jumlah"]) for r in rows_] == [  # type: ignore[union-attr]
        ("Cibeber (Kab. Lebak)", 1), ("Cibeber (Kota Cilegon)", 2), ("JUMLAH", 3),
    ]  # fmt: skip
    status = _json(runner, "coverage", "status", "--as-of", "2026-01-15", "--format", "json")
    assert [(t["kabkota"], t["kecamatan"], t["jumlah"]) for t in status["totals"]] == [  # type: ignore[index]
        ("36.02 Kabupaten Lebak", "Cibeber", 1), ("36.72 Kota Cilegon", "Cibeber", 2),
    ]  # fmt: skip


def test_training_reports_keep_two_kecamatan_of_one_name_apart(cibeber: CliRunner) -> None:
    r = cibeber.invoke(
        app, ["training", "add", "--name", "Bimtek", "--kind", "bimtek", "--start", "2026-01-05", "--jpl", "8"]
    )
    assert r.exit_code == 0, r.output
    tid = r.stdout.strip().splitlines()[-1]
    people = {
        p["nama"]: p["nik"] for p in _json(cibeber, "--unmask", "--yes", "volunteers", "list", "--format", "json")
    }  # type: ignore[union-attr]
    assert cibeber.invoke(app, ["attendance", "record", tid, "--nik", people["Cilegon 1"]]).exit_code == 0
    hours = ["training", "report", "hours", "--from", "2026-01-01", "--to", "2026-01-31", "--format", "json"]
    by_kec = _json(cibeber, *hours, "--by", "kecamatan")
    assert [(g["kecamatan"], g["orang"], g["dilatih"], g["jpl"]) for g in by_kec] == [  # type: ignore[union-attr]
        ("Cibeber (Kab. Lebak)", 1, 0, 0.0), ("Cibeber (Kota Cilegon)", 2, 1, 8.0),
    ]  # fmt: skip
    by_kel = _json(cibeber, *hours, "--by", "kelurahan")
    assert [(g["kecamatan"], g["orang"]) for g in by_kel] == [  # type: ignore[union-attr]
        ("Cibeber (Kab. Lebak)", 1), ("Cibeber (Kota Cilegon)", 2),
    ]  # fmt: skip
    never = _json(cibeber, "training", "report", "never-trained", "--format", "json")
    assert sorted((p["nama"], p["kecamatan"]) for p in never) == [  # type: ignore[union-attr]
        ("Cilegon 2", "Cibeber (Kota Cilegon)"), ("Lebak", "Cibeber (Kab. Lebak)"),
    ]  # fmt: skip


def _import(runner: CliRunner, roster: Path, *extra: str) -> list[dict[str, object]]:
    r = runner.invoke(app, ["import", "roster", str(roster), "--unsur", "Tagana", "--format", "json", *extra])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)[0]["findings"]  # type: ignore[no-any-return]


def _codes(runner: CliRunner) -> dict[str, object]:
    return {p["nama"]: p["kode_wilayah"] for p in _json(runner, "volunteers", "list", "--format", "json")}  # type: ignore[union-attr]


def test_a_kabkota_column_settles_an_ambiguous_name(runner: CliRunner, tmp_path: Path) -> None:
    import datetime as dt

    from tests.builders import DEFAULT_COLUMNS, make_nik, roster_row, write_roster_xlsx

    born = dt.date(1990, 8, 17)
    away = "360301"  # a NIK of Kabupaten Tangerang: the NIK hint settles nothing, the kab/kota column does
    rows = [
        {**roster_row(make_nik(kec=away, born=born, serial=1), "Di Lebak", kelurahan="Tamanjaya", kecamatan=""),
         "KAB/KOTA": "Kabupaten Lebak"},
        {**roster_row(make_nik(kec=away, born=born, serial=2), "Di Pandeglang", kelurahan="Tamanjaya", kecamatan=""),
         "KAB/KOTA": "KAB. PANDEGLANG"},
        # Cibeber: a kecamatan of Lebak and of Kota Cilegon
        {**roster_row(make_nik(kec=away, born=born, serial=3), "Di Cilegon", kelurahan="", kecamatan="Cibeber"),
         "KAB/KOTA": "Kota Cilegon"},
        {**roster_row(make_nik(kec=away, born=born, serial=4), "Tanpa kab", kelurahan="Tamanjaya", kecamatan=""),
         "KAB/KOTA": ""},
        {**roster_row(make_nik(kec=away, born=born, serial=5), "Salah kab", kelurahan="Tamanjaya", kecamatan=""),
         "KAB/KOTA": "Kota Atlantis"},
    ]  # fmt: skip
    roster = write_roster_xlsx(tmp_path / "kabkota.xlsx", rows, columns=[*DEFAULT_COLUMNS, "KAB/KOTA"],
                               title_rows=["DAFTAR TAGANA PROVINSI BANTEN"])  # fmt: skip
    assert runner.invoke(app, ["init", "--provinsi", "36"]).exit_code == 0
    problems = _import(runner, roster)
    assert "COLUMN_UNUSED" not in {p["code"] for p in problems}  # the KAB/KOTA column is read
    codes = _codes(runner)
    assert codes["Di Lebak"] == "36.02.17.2004"
    assert codes["Di Pandeglang"] == "36.01.01.2006"
    people = {p["nama"]: p for p in _json(runner, "volunteers", "list", "--format", "json")}  # type: ignore[union-attr]
    assert people["Di Cilegon"]["kecamatan"] == "Cibeber"
    assert codes["Tanpa kab"] is None and codes["Salah kab"] is None
    unknown = [p for p in problems if p["code"] == "WILAYAH_UNKNOWN"]
    assert [(p["column"], p["row"]) for p in unknown] == [("KAB/KOTA", 7)]
    assert "Kota Atlantis" in str(unknown[0]["message"])
    # Tamanjaya unsettled on two rows (no kab/kota, an unknown one): one warning with its rows, not one per row.
    ambiguous = [p for p in problems if p["code"] == "WILAYAH_AMBIGUOUS"]
    assert len(ambiguous) == 1 and "2 baris: 6–7" in str(ambiguous[0]["message"]), ambiguous
    r = runner.invoke(app, ["coverage", "status", "--kabkota", "36.72", "--as-of", "2026-01-15", "--format", "json"])
    assert [v["nama"] for v in json.loads(r.stdout)["volunteers"]] == ["Di Cilegon"]


@pytest.mark.parametrize(
    ("title", "code"),
    [("DAFTAR TAGANA KABUPATEN LEBAK TAHUN 2025", "36.02.17.2004"),
     ("DAFTAR TAGANA KAB. PANDEGLANG", "36.01.01.2006")],
)  # fmt: skip
def test_a_kabkota_title_line_settles_an_ambiguous_name(
    runner: CliRunner, tmp_path: Path, title: str, code: str
) -> None:
    import datetime as dt

    from tests.builders import make_nik, roster_row, write_roster_xlsx

    nik = make_nik(kec="360301", born=dt.date(1990, 8, 17), serial=1)
    roster = write_roster_xlsx(tmp_path / "t.xlsx", [roster_row(nik, "Asep", kelurahan="Tamanjaya", kecamatan="")],
                               title_rows=[title])  # fmt: skip
    assert runner.invoke(app, ["init", "--provinsi", "36"]).exit_code == 0
    problems = _import(runner, roster)
    assert not [p for p in problems if str(p["code"]).startswith("WILAYAH")], problems
    assert _codes(runner)["Asep"] == code


def test_kota_serang_is_not_kabupaten_serang(runner: CliRunner, tmp_path: Path) -> None:
    import datetime as dt

    from tests.builders import make_nik, roster_row, write_roster_xlsx

    born = dt.date(1990, 8, 17)
    assert runner.invoke(app, ["init", "--provinsi", "36"]).exit_code == 0
    # Kecamatan Serang lies in Kota Serang (36.73.01); Kabupaten Serang has none of that name.
    nik = make_nik(kec="360301", born=born, serial=1)
    kota = write_roster_xlsx(tmp_path / "kota.xlsx", [roster_row(nik, "Kota", kelurahan="", kecamatan="Serang")],
                             title_rows=["DAFTAR TAGANA KOTA SERANG"])  # fmt: skip
    assert not [p for p in _import(runner, kota) if str(p["code"]).startswith("WILAYAH")]
    people = {p["nama"]: p for p in _json(runner, "volunteers", "list", "--format", "json")}  # type: ignore[union-attr]
    assert people["Kota"]["kecamatan"] == "Serang"
    nik = make_nik(kec="360301", born=born, serial=2)
    kab = write_roster_xlsx(tmp_path / "kab.xlsx", [roster_row(nik, "Kab", kelurahan="", kecamatan="Serang")],
                            title_rows=["DAFTAR TAGANA KABUPATEN SERANG"])  # fmt: skip
    unknown = [p for p in _import(runner, kab) if p["code"] == "WILAYAH_UNKNOWN"]
    assert len(unknown) == 1 and unknown[0]["column"] == "KECAMATAN"


def test_import_roster_kabkota_option(runner: CliRunner, tmp_path: Path) -> None:
    import datetime as dt

    from tests.builders import make_nik, roster_row, write_roster_xlsx

    nik = make_nik(kec="360301", born=dt.date(1990, 8, 17), serial=1)
    roster = write_roster_xlsx(tmp_path / "t.xlsx", [roster_row(nik, "Asep", kelurahan="Tamanjaya", kecamatan="")],
                               title_rows=["DAFTAR TAGANA"])  # fmt: skip
    assert runner.invoke(app, ["init", "--provinsi", "36"]).exit_code == 0
    r = runner.invoke(app, ["import", "roster", str(roster), "--kabkota", "Atlantis"])
    assert r.exit_code != 0 and "Atlantis" in r.output
    _import(runner, roster, "--kabkota", "36.02")
    assert _codes(runner)["Asep"] == "36.02.17.2004"

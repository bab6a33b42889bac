"""Issue 16: a province office (init --provinsi), names matched across its kab/kota, the kab/kota level."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from psmctl import wilayah
from psmctl.cli import app
from psmctl.errors import InputError

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

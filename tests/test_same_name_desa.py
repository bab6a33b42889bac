"""Issue 16: two desa of one name in a province register are two places in every report, and --kelurahan can name
either one (by code or by the label the reports show).

Real places of Banten (psmctl/data/wilayah.csv): Sukamaju is a desa of kecamatan Kibin (36.04.16.2007) and of
kecamatan Cikeusal (36.04.23.2004), both in Kabupaten Serang, and of kecamatan Labuan in Kabupaten Pandeglang
(36.01.12.2014). Cibeber is a desa of kecamatan Cibeber in Kabupaten Lebak (36.02.19.2001) and a kelurahan of
kecamatan Cibeber in Kota Cilegon (36.72.01.1001): there the kecamatan names collide as well.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from psmctl.cli import app
from psmctl.rules import wilayah
from tests.builders import DEFAULT_COLUMNS, banten_register, make_nik, roster_row, write_roster_xlsx

AS_OF = "2026-01-15"
KIBIN, CIKEUSAL, LABUAN = "Sukamaju (Kec. Kibin)", "Sukamaju (Kec. Cikeusal)", "Sukamaju (Kec. Labuan)"
CIBEBER_LEBAK, CIBEBER_CILEGON = "Cibeber (Kec. Cibeber, Kab. Lebak)", "Cibeber (Kec. Cibeber, Kota Cilegon)"


def _json(runner: CliRunner, *args: str) -> Any:
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.fixture
def banten(runner: CliRunner, tmp_path: Path) -> CliRunner:
    """A province database (init --provinsi 36) with six people in five desa, four of them named Sukamaju or
    Cibeber, imported from one roster the way a province office receives it (names only; the NIK settles the
    Cibeber kecamatan)."""
    born = dt.date(1990, 8, 17)

    def row(kec: str, serial: int, nama: str, kelurahan: str, kecamatan: str) -> dict[str, object]:
        return roster_row(make_nik(kec=kec, born=born, serial=serial), nama, kelurahan=kelurahan, kecamatan=kecamatan)

    rows = [
        row("360416", 1, "Asep Kibin", "Sukamaju", "Kibin"),
        row("360423", 2, "Budi Cikeusal", "Sukamaju", "Cikeusal"),
        row("360423", 3, "Cici Cikeusal", "Sukamaju", "Cikeusal"),
        row("360112", 4, "Dedi Labuan", "Sukamaju", "Labuan"),
        row("360219", 5, "Eka Lebak", "Cibeber", "Cibeber"),
        row("367201", 6, "Fajar Cilegon", "Cibeber", "Cibeber"),
        row("360104", 7, "Gita Cikeusik", "Cikeusik", "Cikeusik"),  # a name no other desa of the register has
    ]
    return banten_register(runner, tmp_path / "tagana_banten.xlsx", rows)


def test_the_roster_resolved_each_desa_to_its_own_code(banten: CliRunner) -> None:
    people = {p["nama"]: p for p in _json(banten, "volunteers", "list", "--format", "json")}
    assert {n: p["kode_wilayah"] for n, p in people.items()} == {
        "Asep Kibin": "36.04.16.2007", "Budi Cikeusal": "36.04.23.2004", "Cici Cikeusal": "36.04.23.2004",
        "Dedi Labuan": "36.01.12.2014", "Eka Lebak": "36.02.19.2001", "Fajar Cilegon": "36.72.01.1001",
        "Gita Cikeusik": "36.01.04.2007",
    }  # fmt: skip
    # The register itself keeps the official names (an export of it is read back as it was written).
    assert {p["kelurahan"] for p in people.values()} == {"Sukamaju", "Cibeber", "Cikeusik"}


def test_labels_name_the_kecamatan_and_the_kab_kota_only_when_needed() -> None:
    pairs = {("Sukamaju", "36.04.16.2007"), ("Sukamaju", "36.04.23.2004"), ("Sukamaju", None), ("Cikeusik", None),
             ("Cibeber", "36.02.19.2001"), ("Cibeber", "36.72.01.1001"), ("Cikeusik", "36.01.04.2007")}  # fmt: skip
    assert wilayah.kelurahan_labels(pairs) == {
        ("Sukamaju", "36.04.16.2007"): KIBIN, ("Sukamaju", "36.04.23.2004"): CIKEUSAL,
        ("Sukamaju", None): "Sukamaju",  # not resolved: no code to tell it by
        ("Cibeber", "36.02.19.2001"): CIBEBER_LEBAK, ("Cibeber", "36.72.01.1001"): CIBEBER_CILEGON,
        ("Cikeusik", None): "Cikeusik", ("Cikeusik", "36.01.04.2007"): "Cikeusik",
    }  # fmt: skip
    # Panipahan is twice a desa of kecamatan Pasir Limau Kapas (Rokan Hilir): only the code tells them apart.
    two = {("Panipahan", "14.07.06.2001"), ("Panipahan", "14.07.06.1007")}
    assert set(wilayah.kelurahan_labels(two).values()) == {
        "Panipahan (Kec. Pasir Limau Kapas, 14.07.06.2001)", "Panipahan (Kec. Pasir Limau Kapas, 14.07.06.1007)",
    }  # fmt: skip


def test_by_region_code_copies_only_the_roles_it_labels() -> None:
    def role(kel: str, kode: str | None, kec: str, kode_kec: str) -> dict[str, object]:
        return {"kelurahan": kel, "kode_wilayah": kode, "kecamatan": kec, "kode_kecamatan": kode_kec}

    plain = [role("Cikeusik", "36.01.04.2007", "Cikeusik", "36.01.04"), role("Sukamaju", None, "Kibin", "36.04.16")]
    assert wilayah.by_region_code(plain) is plain  # no name repeats: the list itself
    mixed = [*plain, role("Sukamaju", "36.04.16.2007", "Kibin", "36.04.16"),
             role("Sukamaju", "36.04.23.2004", "Cikeusal", "36.04.23")]  # fmt: skip
    out = wilayah.by_region_code(mixed)
    assert out[0] is mixed[0] and out[1] is mixed[1]
    assert [r["kelurahan"] for r in out[2:]] == [KIBIN, CIKEUSAL]
    assert mixed[2]["kelurahan"] == "Sukamaju"  # the caller's roles are not changed


def test_summary_and_its_workbook_keep_the_desa_apart(banten: CliRunner, tmp_path: Path) -> None:
    import openpyxl

    rows = _json(banten, "summary", "--as-of", AS_OF, "--format", "json")
    assert [(r["kecamatan"], r["jumlah"]) for r in rows] == [
        ("Cibeber (Kab. Lebak)", 1), ("Cibeber (Kota Cilegon)", 1), ("Cikeusal", 2), ("Cikeusik", 1), ("Kibin", 1),
        ("Labuan", 1), ("JUMLAH", 7),
    ]  # fmt: skip
    r = banten.invoke(app, ["payments", "record", "--all-active", "--month", "2025-11", "--months", "2",
                            "--paid-on", "2025-11-05", "--ref", "SP2D-1", "--yes"])  # fmt: skip
    assert r.exit_code == 0, r.output  # paid to December: on the Tunggakan sheet in January
    out = tmp_path / "ringkasan.xlsx"
    r = banten.invoke(app, ["export", "summary", "--out", str(out), "--as-of", AS_OF])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    detail = _block(wb["Ringkasan"], "Rincian per kelurahan dan unsur")
    assert [(d["Kecamatan"], d["Kelurahan"], d["Jumlah"]) for d in detail] == [
        ("Cibeber (Kab. Lebak)", CIBEBER_LEBAK, 1), ("Cibeber (Kota Cilegon)", CIBEBER_CILEGON, 1),
        ("Cikeusal", CIKEUSAL, 2), ("Cikeusik", "Cikeusik", 1), ("Kibin", KIBIN, 1), ("Labuan", LABUAN, 1),
    ]  # fmt: skip
    # The long sheets show the same labels, one per person.
    relawan = {d["Nama"]: d["Kelurahan"] for d in _block(wb["Daftar Relawan"], None)}
    assert relawan == {
        "Asep Kibin": KIBIN, "Budi Cikeusal": CIKEUSAL, "Cici Cikeusal": CIKEUSAL, "Dedi Labuan": LABUAN,
        "Eka Lebak": CIBEBER_LEBAK, "Fajar Cilegon": CIBEBER_CILEGON, "Gita Cikeusik": "Cikeusik",
    }  # fmt: skip
    never = {d["Nama"]: d["Kelurahan"] for d in _block(wb["Pelatihan"], "Belum pernah dilatih")}
    assert never == relawan
    assert {d["Nama"]: d["Kelurahan"] for d in _block(wb["Tunggakan"], None)} == relawan


def test_training_hours_by_kelurahan(banten: CliRunner) -> None:
    r = banten.invoke(
        app, ["training", "add", "--name", "Bimtek", "--kind", "bimtek", "--start", "2026-01-05", "--jpl", "8"]
    )
    assert r.exit_code == 0, r.output
    tid = r.stdout.strip().splitlines()[-1]
    niks = {p["nama"]: p["nik"] for p in _json(banten, "--unmask", "--yes", "volunteers", "list", "--format", "json")}
    assert banten.invoke(app, ["attendance", "record", tid, "--nik", niks["Asep Kibin"]]).exit_code == 0
    hours = ["training", "report", "hours", "--from", "2026-01-01", "--to", "2026-01-31", "--format", "json"]
    groups = _json(banten, *hours, "--by", "kelurahan")
    assert [(g["kelurahan"], g["orang"], g["dilatih"], g["jpl"]) for g in groups] == [
        (CIBEBER_LEBAK, 1, 0, 0.0), (CIBEBER_CILEGON, 1, 0, 0.0), (CIKEUSAL, 2, 0, 0.0), ("Cikeusik", 1, 0, 0.0),
        (KIBIN, 1, 1, 8.0), (LABUAN, 1, 0, 0.0),
    ]  # fmt: skip
    people = {p["nama"]: p["kelurahan"] for p in _json(banten, *hours)}
    assert people["Asep Kibin"] == KIBIN and people["Dedi Labuan"] == LABUAN
    never = {
        p["nama"]: p["kelurahan"] for p in _json(banten, "training", "report", "never-trained", "--format", "json")
    }
    assert "Asep Kibin" not in never and never["Budi Cikeusal"] == CIKEUSAL


def test_coverage_status_and_due_show_the_labels(banten: CliRunner, tmp_path: Path) -> None:
    import openpyxl

    status = _json(banten, "coverage", "status", "--as-of", AS_OF, "--format", "json")
    shown = {v["nama"]: v["kelurahan"] for v in status["volunteers"]}
    assert shown["Asep Kibin"] == KIBIN and shown["Dedi Labuan"] == LABUAN and shown["Gita Cikeusik"] == "Cikeusik"
    assert shown["Fajar Cilegon"] == CIBEBER_CILEGON
    # JSON to a pipe is written entry by entry (status_json); CSV and the screen come from status_report.
    r = banten.invoke(app, ["coverage", "status", "--as-of", AS_OF, "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert {row["nama"]: row["kelurahan"] for row in csv.DictReader(io.StringIO(r.stdout))} == shown
    due = _json(banten, "coverage", "due", "--month", "2026-01", "--format", "json")
    assert {p["nama"]: p["kelurahan"] for p in due["people"]} == shown
    for what in (["coverage", "--as-of", AS_OF], ["due", "--month", "2026-01", "--as-of", AS_OF]):
        out = tmp_path / f"{what[0]}.xlsx"
        r = banten.invoke(app, ["export", what[0], "--out", str(out), *what[1:]])
        assert r.exit_code == 0, r.output
        rows = {d["Nama"]: d["Kelurahan"] for d in _block(openpyxl.load_workbook(out).worksheets[0], None)}
        assert rows == shown, what


@pytest.mark.parametrize(
    ("kelurahan", "names"),
    [
        ("3604162007", ["Asep Kibin"]),
        ("36.04.23.2004", ["Budi Cikeusal", "Cici Cikeusal"]),
        (CIKEUSAL, ["Budi Cikeusal", "Cici Cikeusal"]),
        ("sukamaju (kec. labuan)", ["Dedi Labuan"]),
        (CIBEBER_CILEGON, ["Fajar Cilegon"]),
        ("Cibeber (Kota Cilegon)", ["Fajar Cilegon"]),
        ("Sukamaju", ["Asep Kibin", "Budi Cikeusal", "Cici Cikeusal", "Dedi Labuan"]),  # a plain name: all of them
        ("Cikeusik", ["Gita Cikeusik"]),
        ("Sukamaju (Kec. Sumur)", []),  # a label of no desa in the register
    ],
)
def test_the_kelurahan_filter_takes_a_code_or_a_label(banten: CliRunner, kelurahan: str, names: list[str]) -> None:
    status = _json(banten, "coverage", "status", "--kelurahan", kelurahan, "--as-of", AS_OF, "--format", "json")
    assert sorted(v["nama"] for v in status["volunteers"]) == names
    listed = _json(banten, "volunteers", "list", "--kelurahan", kelurahan, "--format", "json")
    assert sorted(p["nama"] for p in listed) == names


def test_the_kelurahan_filter_of_exports_and_payments(banten: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "status.json"
    r = banten.invoke(app, ["export", "coverage", "--kelurahan", KIBIN, "--as-of", AS_OF, "--out", str(out)])
    assert r.exit_code == 0, r.output
    # A report labels a name two desa *of that report* share: this one holds one Sukamaju (as with kecamatan).
    assert [(v["nama"], v["kelurahan"]) for v in json.loads(out.read_text())] == [("Asep Kibin", "Sukamaju")]
    r = banten.invoke(app, ["payments", "record", "--kelurahan", CIKEUSAL, "--month", "2026-01",
                            "--paid-on", "2026-01-08", "--ref", "SP2D-9", "--yes"])  # fmt: skip
    assert r.exit_code == 0, r.output
    status = _json(banten, "coverage", "status", "--as-of", AS_OF, "--format", "json")
    paid = sorted(v["nama"] for v in status["volunteers"] if v["status"] == "AKTIF")
    assert paid == ["Budi Cikeusal", "Cici Cikeusal"]


def test_the_help_says_what_the_filter_takes(runner: CliRunner) -> None:
    for command in (["coverage", "status"], ["volunteers", "list"], ["export", "coverage"], ["payments", "record"]):
        text = " ".join(runner.invoke(app, [*command, "--help"]).stdout.split())  # the help wraps at any space
        assert "kode wilayah 10 digit" in text and "'Sukamaju (Kec. Kibin)'" in text, command
        assert "nama saja memilih semua desa bernama itu" in text, command


def test_two_desa_of_one_name_in_one_kecamatan_are_two_rows(runner: CliRunner, tmp_path: Path) -> None:
    """Panipahan is twice in kecamatan Pasir Limau Kapas (Rokan Hilir, Riau): grouping by kecamatan and name added
    them together; by code they are two rows, told apart by their codes."""
    born = dt.date(1990, 8, 17)
    rows = [
        {**roster_row(make_nik(kec="140706", born=born, serial=i), f"Orang {i}", kelurahan="Panipahan",
                      kecamatan="Pasir Limau Kapas"), "KODE WILAYAH": kode}
        for i, kode in ((1, "14.07.06.2001"), (2, "14.07.06.1007"), (3, "14.07.06.1007"))
    ]  # fmt: skip
    roster = write_roster_xlsx(tmp_path / "riau.xlsx", rows, columns=[*DEFAULT_COLUMNS, "KODE WILAYAH"],
                               title_rows=["DAFTAR TAGANA PROVINSI RIAU"])  # fmt: skip
    assert runner.invoke(app, ["init", "--provinsi", "14"]).exit_code == 0
    r = runner.invoke(app, ["import", "roster", str(roster), "--unsur", "Tagana"])
    assert r.exit_code == 0, r.output
    hours = ["training", "report", "hours", "--from", "2026-01-01", "--to", "2026-01-31", "--by", "kelurahan"]
    groups = _json(runner, *hours, "--format", "json")
    assert [(g["kelurahan"], g["orang"]) for g in groups] == [
        ("Panipahan (Kec. Pasir Limau Kapas, 14.07.06.1007)", 2),
        ("Panipahan (Kec. Pasir Limau Kapas, 14.07.06.2001)", 1),
    ]
    listed = _json(runner, "volunteers", "list", "--kelurahan", "14.07.06.2001", "--format", "json")
    assert [p["nama"] for p in listed] == ["Orang 1"]


def _block(ws: Any, title: str | None) -> list[dict[str, Any]]:
    """The rows of a sheet's table (the one under `title`, else the first) as dicts by header, to its first empty
    row."""
    rows = list(ws.iter_rows(values_only=True))
    at = 0 if title is None else next(i for i, r in enumerate(rows) if r[0] == title) + 1
    head = next(i for i in range(at, len(rows)) if "Kelurahan" in rows[i])
    out = []
    for r in rows[head + 1 :]:
        if not any(r):
            break
        out.append({h: v for h, v in zip(rows[head], r, strict=False) if h})
    return out

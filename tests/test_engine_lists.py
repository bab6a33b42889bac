"""Payment lists and daftar hadir as offices send them, read through the import engine like the roster.

Each workbook is built here the way an office types it: title lines, two tables on one sheet under section titles
("A. PSM", "B. TAGANA"), the header repeated above the second table, a JUMLAH row, a column the import does not
read (in both tables), a KETERANGAN column, a hidden row, a signature block. Each test asserts what a person opening
the file would conclude: who is in it, and what the report names (every column with data, every hidden row, every
KETERANGAN word).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from psmctl.cli import app
from tests.builders import make_nik, roster_row, write_roster_xlsx

ANI = make_nik(born=dt.date(1990, 8, 17), female=True, serial=1)
BUDI = make_nik(born=dt.date(1985, 2, 1), serial=2)
CICI = make_nik(born=dt.date(1992, 3, 4), female=True, serial=3)
DEDI = make_nik(born=dt.date(1988, 5, 6), serial=4)
ENV = {"PSMCTL_TODAY": "2025-06-30"}
PAY_HEAD = ["NO", "NIK", "NAMA", "BULAN IURAN", "TANGGAL BAYAR", "JKK", "JKM", "JUMLAH", "KODE ARSIP", "KETERANGAN"]
HADIR_HEAD = ["NO", "NAMA", "NIK", "KELURAHAN", "JPL", "KODE ARSIP", "KETERANGAN"]


def run(runner: CliRunner, *args: str | Path) -> Any:
    return runner.invoke(app, ["--unmask", "--yes", *(str(a) for a in args)], env=ENV)


@pytest.fixture
def office(runner: CliRunner, tmp_path: Path) -> str:
    """Ani, Budi, Cici and Dedi on the register; a training; returns its id."""
    assert run(runner, "init", "--kabkota", "35.71").exit_code == 0
    people = [
        roster_row(ANI, "Ani Suryani", jk="P", tgl="17-08-1990"),
        roster_row(BUDI, "Budi Santoso", tgl="01-02-1985"),
        roster_row(CICI, "Cici Rahayu", jk="P", tgl="04-03-1992"),
        roster_row(DEDI, "Dedi", tgl="06-05-1988"),
    ]
    r = run(runner, "import", "roster", write_roster_xlsx(tmp_path / "psm.xlsx", people), "--unsur", "PSM")
    assert r.exit_code == 0, r.output
    r = run(runner, "training", "add", "--name", "Bimtek", "--kind", "bimtek", "--start", "2025-03-10", "--jpl", "16")
    assert r.exit_code == 0, r.output
    return str(r.stdout.strip().splitlines()[-1])


def _workbook(path: Path, rows: list[list[object]], hidden: list[int]) -> Path:
    """One sheet of raw rows; `hidden` are Excel row numbers the office hid."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Daftar"
    for row in rows:
        ws.append(row)
    for n in hidden:
        ws.row_dimensions[n].hidden = True
    wb.save(path)
    return path


def _report(r: Any) -> dict[str, Any]:
    assert r.exit_code == 0, r.output
    (result,) = json.loads(r.stdout)
    return dict(result)


def _at(result: dict[str, Any], code: str) -> list[int | None]:
    return [f["row"] for f in result["findings"] if f["code"] == code]


def test_a_payment_list_with_two_tables_titles_notes_and_a_hidden_row(
    runner: CliRunner, office: str, tmp_path: Path
) -> None:
    pay = ["2025-01", "2025-01-05", 10_000, 6_800, 16_800]
    rows: list[list[object]] = [
        ["DAFTAR PEMBAYARAN IURAN BPJS KETENAGAKERJAAN"],  # 1
        ["KELURAHAN BANJARAN KECAMATAN KOTA TAHUN 2025"],  # 2
        ["A. PEKERJA SOSIAL MASYARAKAT (PSM)"],  # 3
        PAY_HEAD,  # 4
        [1, ANI, "Ani Suryani", *pay, "AR-1", "lunas via transfer"],  # 5
        [2, BUDI, "Budi Santoso", *pay, "AR-2", "Meninggal dunia Mei 2025"],  # 6
        [3, CICI, "Cici Rahayu", *pay, "AR-3", ""],  # 7 hidden
        ["JUMLAH", None, None, None, None, 30_000, 20_400, 50_400],  # 8
        [],  # 9
        ["B. TAGANA"],  # 10
        PAY_HEAD,  # 11: the header again
        [1, DEDI, "Dedi", *pay, "AR-4", ""],  # 12
        ["JUMLAH", None, None, None, None, 10_000, 6_800, 16_800],  # 13
        [],  # 14
        [None, None, None, None, None, None, "Kediri, 10 Januari 2025"],  # 15
        [None, None, None, None, None, None, "Bendahara"],  # 16
        [None, None, None, None, None, None, "NIP. 19700101 199003 1 005"],  # 17
    ]
    path = _workbook(tmp_path / "bayar.xlsx", rows, hidden=[7])
    result = _report(run(runner, "payments", "import", path, "--format", "json"))
    assert result["counts"]["added"] == 3 and result["counts"]["rejected"] == 0
    assert [f for f in result["findings"] if f["level"] == "error"] == []  # no title, total or header is a person
    assert _at(result, "ROW_HIDDEN") == [7]
    assert _at(result, "STOP_WORD") == [6]
    assert _at(result, "KETERANGAN_NOTE") == [5]
    unused = [f for f in result["findings"] if f["code"] == "COLUMN_UNUSED"]
    assert len(unused) == 1 and "KODE ARSIP" in unused[0]["message"]  # named once per sheet, not per table
    assert _at(result, "SECTION_TITLE") == [3, 10]  # each table's, the first one's above its header too
    assert _at(result, "SIGNATURE_BLOCK") == [15]  # the block ends the list: its Bendahara and NIP lines with it
    listed = json.loads(run(runner, "payments", "list", "--format", "json").stdout)
    assert sorted(p["nik"] for p in listed) == sorted([ANI, BUDI, DEDI])


def test_a_daftar_hadir_with_two_tables_titles_notes_and_a_hidden_row(
    runner: CliRunner, office: str, tmp_path: Path
) -> None:
    rows: list[list[object]] = [
        ["DAFTAR HADIR BIMTEK PSM DAN TAGANA"],  # 1
        ["KELURAHAN BANJARAN KECAMATAN KOTA"],  # 2
        ["A. PEKERJA SOSIAL MASYARAKAT (PSM)"],  # 3
        HADIR_HEAD,  # 4
        [1, "Ani Suryani", ANI, "Banjaran", 16, "AR-1", "datang terlambat"],  # 5
        [2, "Budi Santoso", BUDI, "Banjaran", 16, "AR-2", "pindah ke Surabaya"],  # 6
        [3, "Cici Rahayu", CICI, "Banjaran", 16, "AR-3", ""],  # 7 hidden
        [],  # 8
        ["B. TAGANA"],  # 9
        HADIR_HEAD,  # 10: the header again
        [1, "Dedi", DEDI, "Banjaran", 16, "AR-4", ""],  # 11
        ["JUMLAH", None, None, None, None],  # 12
        [],  # 13
        [None, None, None, None, "Kediri, 10 Maret 2025"],  # 14
        [None, None, None, None, "Lurah Banjaran"],  # 15
    ]
    path = _workbook(tmp_path / "hadir.xlsx", rows, hidden=[7])
    result = _report(run(runner, "attendance", "import", office, path, "--format", "json"))
    assert result["counts"]["added"] == 3 and result["counts"]["rejected"] == 0
    assert [f for f in result["findings"] if f["level"] == "error"] == []
    assert _at(result, "ROW_HIDDEN") == [7]
    assert _at(result, "STOP_WORD") == [6]
    assert _at(result, "KETERANGAN_NOTE") == [5]
    unused = [f for f in result["findings"] if f["code"] == "COLUMN_UNUSED"]
    assert len(unused) == 1 and "KODE ARSIP" in unused[0]["message"]
    assert _at(result, "SECTION_TITLE") == [3, 9]
    shown = json.loads(run(runner, "training", "show", office, "--format", "json").stdout)
    assert sorted(p["nik"] for p in shown["peserta"]) == sorted([ANI, BUDI, DEDI])


@pytest.mark.parametrize("which", ["payments", "attendance"])
def test_a_nikless_name_line_in_the_middle_is_skipped_alone(
    runner: CliRunner, office: str, tmp_path: Path, which: str
) -> None:
    """A 'LURAH …' line with people below it is one skipped row (the people below are read), in both lists."""
    if which == "payments":
        pay = ["2025-02", "2025-02-05", 10_000, 6_800, 16_800]
        rows: list[list[object]] = [PAY_HEAD[:8], [1, ANI, "Ani", *pay], [None, None, "LURAH BANJARAN"],
                                    [2, BUDI, "Budi", *pay]]  # fmt: skip
        command: list[str] = ["payments", "import"]
    else:
        rows = [HADIR_HEAD[:5], [1, "Ani Suryani", ANI, "Banjaran", 16], [None, "LURAH BANJARAN"],
                [2, "Budi Santoso", BUDI, "Banjaran", 16]]  # fmt: skip
        command = ["attendance", "import", office]
    result = _report(run(runner, *command, _workbook(tmp_path / f"{which}.xlsx", rows, hidden=[]), "--format", "json"))
    assert result["counts"]["added"] == 2 and result["counts"]["rejected"] == 0


@pytest.mark.parametrize("which", ["roster", "payments", "attendance"])
def test_the_same_quirks_give_the_same_findings_in_every_import(
    runner: CliRunner, office: str, tmp_path: Path, which: str
) -> None:
    """Two tables on one sheet, each with the same unused column, and a KETERANGAN saying the person died: one
    COLUMN_UNUSED for the sheet and a STOP_WORD warning on that row, whichever list it is."""
    pay = ["2025-03", "2025-03-05", 10_000, 6_800, 16_800]
    heads = {
        "roster": ["NO", "NAMA", "NIK", "KELURAHAN", "KODE ARSIP", "KETERANGAN"],
        "payments": PAY_HEAD,
        "attendance": HADIR_HEAD,
    }
    people = {
        "roster": ([1, "Ani Suryani", ANI, "Banjaran", "AR-1", "Meninggal"], [1, "Dedi", DEDI, "Banjaran", "AR-4", ""]),
        "payments": ([1, ANI, "Ani Suryani", *pay, "AR-1", "Meninggal"], [1, DEDI, "Dedi", *pay, "AR-4", ""]),
        "attendance": ([1, "Ani Suryani", ANI, "Banjaran", 16, "AR-1", "Meninggal"],
                       [1, "Dedi", DEDI, "Banjaran", 16, "AR-4", ""]),
    }[which]  # fmt: skip
    rows = [["A. PEKERJA SOSIAL MASYARAKAT (PSM)"], heads[which], people[0], [], ["B. TAGANA"], heads[which], people[1]]
    path = _workbook(tmp_path / f"{which}.xlsx", rows, hidden=[])
    command = {"roster": ["import", "roster"], "payments": ["payments", "import"],
               "attendance": ["attendance", "import", office]}[which]  # fmt: skip
    result = _report(run(runner, *command, path, "--format", "json"))
    unused = [f for f in result["findings"] if f["code"] == "COLUMN_UNUSED"]
    assert len(unused) == 1 and "KODE ARSIP" in unused[0]["message"], unused
    (stop,) = [f for f in result["findings"] if f["code"] == "STOP_WORD"]
    assert (stop["row"], stop["level"]) == (3, "warning") and "Meninggal" in stop["message"]

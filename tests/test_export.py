"""export.py: real files read back (openpyxl, csv, json); masking, types, determinism, atomic replace."""

from __future__ import annotations

import csv
import json
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlite_utils import Database
from test_summary import AKTIF, AS_OF, FORMULA, LAPSING, NEVER_PAID, SETTINGS, build_register

from psmctl.output import export, render
from psmctl.services import summary, volunteers

MASKED = re.compile(r"^\d{4}\*{10}\d{2}$")


@pytest.fixture
def built(db: Database, tmp_path: Path) -> summary.Summary:
    build_register(db, tmp_path)
    return summary.build(db, as_of=AS_OF, settings=SETTINGS)


def values(path: Path) -> dict[str, list[list[Any]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


def test_summary_workbook_sheets_headers_totals_and_types(built: summary.Summary, db: Database, tmp_path: Path) -> None:
    out = tmp_path / "ringkasan.xlsx"
    export.write_summary(out, built, db_name="psmctl.db", schema="m009")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Ringkasan", "Daftar Relawan", "Tunggakan", "Pelatihan", "Tentang"]
    ring = wb["Ringkasan"]
    assert [c.value for c in ring[1]] == [c.label for c in export.RINGKASAN]
    assert ring.freeze_panes == "A2" and ring["A1"].font.b
    total = next(row for row in ring.iter_rows(values_only=True) if row[0] == "JUMLAH")
    active = db.execute("SELECT count(*) FROM roles WHERE status = 'AKTIF'").fetchone()[0]
    assert total[3] == active and total[4:12:2] == (2, 2, 1, 1)
    assert ring.cell(2, 6).number_format == "0.0%"
    assert ring._charts and ring._charts[0].grouping == "stacked"

    rel = wb["Daftar Relawan"]
    header = [c.value for c in rel[1]]
    assert header[:2] == ["NIK", "Nama"] and "JKK s.d." in header and "Pelatihan terakhir" in header
    niks = [row[0].value for row in rel.iter_rows(min_row=2)]
    assert len(niks) == active and all(MASKED.match(n) for n in niks)
    budi = next(row for row in rel.iter_rows(min_row=2) if row[0].value == AKTIF[:4] + "*" * 10 + AKTIF[-2:])
    jkk = budi[header.index("JKK s.d.")]
    assert jkk.is_date and jkk.value.date().isoformat() == "2025-12-31"
    assert budi[header.index("Umur")].value == 34

    tung = wb["Tunggakan"]
    head = [c.value for c in tung[1]]
    money = tung.cell(2, head.index("Harus dibayar (Rp)") + 1)
    assert isinstance(money.value, int) and money.value > 0 and money.number_format == "#,##0"
    assert tung.cell(2, head.index("Kepesertaan berakhir") + 1).is_date

    assert [c.value for c in wb["Pelatihan"][2]][:3] == ["Kecamatan", "Unsur", "Orang"]
    about = {row[0]: row[1] for row in wb["Tentang"].iter_rows(min_row=2, values_only=True)}
    assert about["Database"] == "psmctl.db" and about["Sidik data (SHA-256 atas isi)"] == built.fingerprint
    assert about["Tanggal acuan"].date() == AS_OF and about["Data pribadi"].startswith("disamarkan")
    assert about["Versi tabel iuran"] == built.rates_version and about["Orang"] == 6
    assert not any(isinstance(v, str) and re.search(r"\d{2}:\d{2}", v) for v in about.values())  # no clock time
    with zipfile.ZipFile(out) as z:
        assert "xl/charts/chart1.xml" in z.namelist()
    assert os.stat(out).st_mode & 0o777 == 0o600


def test_formula_like_text_stays_text_in_xlsx(built: summary.Summary, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    export.write_summary(out, built, db_name="x.db")
    names = [row[1] for row in values(out)["Daftar Relawan"][1:]]
    assert FORMULA in names
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in s for s in sheets)  # no formula anywhere


def test_two_exports_of_the_same_data_are_byte_identical(built: summary.Summary, tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    export.write_summary(a, built, db_name="psmctl.db")
    export.write_summary(b, built, db_name="psmctl.db")
    assert a.read_bytes() == b.read_bytes()


def test_unmask_writes_full_nik_and_says_so(built: summary.Summary, tmp_path: Path) -> None:
    out = tmp_path / "full.xlsx"
    export.write_summary(out, built, db_name="x.db", unmask=True)
    v = values(out)
    assert AKTIF in [row[0] for row in v["Daftar Relawan"]]
    about = {row[0]: row[1] for row in v["Tentang"]}
    assert about["Data pribadi"].startswith("TIDAK disamarkan")


def roster_table(db: Database) -> export.Table:
    rows = volunteers.list_volunteers(db)
    return export.Table("Register", export.ROSTER, rows, [("Database", "psmctl.db")])


def test_csv_is_masked_escaped_and_byte_stable(db: Database, tmp_path: Path) -> None:
    build_register(db, tmp_path)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    export.write_table_file(a, "csv", roster_table(db), unmask=False, mode=0o600)
    export.write_table_file(b, "csv", roster_table(db), unmask=False, mode=0o600)
    assert a.read_bytes() == b.read_bytes() and b"\r\n" not in a.read_bytes()
    with a.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [c.key for c in export.ROSTER]
    by = {r["nik"]: r for r in rows}
    assert all(MASKED.match(n) for n in by)
    odd = by[NEVER_PAID[:4] + "*" * 10 + NEVER_PAID[-2:]]
    assert odd["nama"] == "'" + FORMULA  # a spreadsheet opening the CSV shows text, never runs it
    assert odd["no_hp"].startswith("0813") and "*" in odd["no_hp"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", odd["tgl_lahir"])


def test_json_reads_back_with_iso_dates_and_unmasked_on_request(db: Database, tmp_path: Path) -> None:
    build_register(db, tmp_path)
    out = tmp_path / "r.json"
    export.write_table_file(out, "json", roster_table(db), unmask=True, mode=0o600)
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert {r["nik"] for r in rows} >= {AKTIF, LAPSING}
    assert rows[0]["tgl_lahir"].count("-") == 2 and list(rows[0]) == [c.key for c in export.ROSTER]


def test_table_xlsx_has_date_cells_and_a_tentang_sheet(db: Database, tmp_path: Path) -> None:
    build_register(db, tmp_path)
    out = tmp_path / "r.xlsx"
    export.write_table_file(out, "xlsx", roster_table(db), unmask=False, mode=0o640)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Register", "Tentang"]
    ws = wb["Register"]
    col = [c.value for c in ws[1]].index("Tanggal lahir") + 1
    assert ws.cell(2, col).is_date
    assert os.stat(out).st_mode & 0o777 == 0o640


class Boom(list[dict[str, Any]]):
    """Rows that fail after the first two: an export interrupted midway."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for i, row in enumerate(list.__iter__(self)):
            if i == 2:
                raise RuntimeError("disk full")
            yield row


def test_interrupted_workbook_keeps_the_old_file_and_leaves_nothing(built: summary.Summary, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "ringkasan.xlsx"
    target.write_bytes(b"last month's report")
    rows = Boom(built.relawan())
    built.relawan = lambda: iter(rows)  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="disk full"):
        export.write_summary(target, built, db_name="x.db")
    assert target.read_bytes() == b"last month's report"
    assert [p.name for p in folder.iterdir()] == ["ringkasan.xlsx"]


def test_interrupted_csv_keeps_the_old_file(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_register(db, tmp_path)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "r.csv"
    target.write_text("old\n")
    calls = {"n": 0}
    real = render.csv_safe

    def flaky(value: Any) -> Any:
        calls["n"] += 1
        if calls["n"] > 20:
            raise RuntimeError("interrupted")
        return real(value)

    monkeypatch.setattr(render, "csv_safe", flaky)
    with pytest.raises(RuntimeError):
        export.write_table_file(target, "csv", roster_table(db), unmask=False, mode=0o600)
    assert target.read_text() == "old\n" and [p.name for p in folder.iterdir()] == ["r.csv"]


@pytest.mark.parametrize(
    ("out", "fmt", "expected"),
    [("a.xlsx", None, "xlsx"), ("a.CSV", None, "csv"), ("a.txt", "json", "json"), ("a.json", "csv", "csv")],
)
def test_format_from_suffix_or_option(out: str, fmt: str | None, expected: str) -> None:
    assert export.format_of(Path(out), fmt) == expected


def test_unknown_format_and_bad_file_mode_are_refused() -> None:
    with pytest.raises(ValueError, match="xlsx"):
        export.format_of(Path("a.ods"), None)
    assert export.file_mode("0640") == 0o640
    with pytest.raises(ValueError):
        export.file_mode("rw-------")

"""Hostile and random sheets: import never raises anything but the tool's own error and never loses a valid row."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from builders import make_nik
from psmctl.db import open_db
from psmctl.errors import PsmctlError
from psmctl.importing import roster
from psmctl.rules.settings import Settings

AS_OF = dt.date(2025, 1, 15)
SETTINGS = Settings({"wilayah.kode_kabkota": "35.71"})

NAME_LABELS = ["NAMA", "NAMA LENGKAP", "Nama Anggota", "nama psm"]
NIK_LABELS = ["NIK", "NO. KTP", "Nomor Induk Kependudukan", "NIK KTP"]
DATE_LABELS = ["TGL LAHIR", "TANGGAL LAHIR", "Tgl. Lahir"]
JUNK = st.sampled_from(
    ["=A1+1", "+62812", "-", "@sum(1)", "#REF!", "#N/A", "x" * 5000, "🙂 Ibu Ani", "Ахмед", "李", "  ", "\t", None,
     0, -1, 3.14, "17/08/1990", "bukan tanggal", "JUMLAH", "Mengetahui"]
)  # fmt: skip
DATE_FORMS = ["{d:%d-%m-%Y}", "{d:%d/%m/%Y}", "{d.day} Agustus {d.year}", "{d:%Y-%m-%d}", "date"]


@st.composite
def person(draw: st.DrawFn, serial: int) -> dict[str, object]:
    born = dt.date(draw(st.integers(1950, 2000)), 8, draw(st.integers(1, 31)))
    female = draw(st.booleans())
    nik = make_nik(born=born, female=female, serial=serial)
    form = draw(st.sampled_from(DATE_FORMS))
    born_cell: object = born if form == "date" else form.format(d=born).replace("Agustus", "Agustus")
    return {"nik": nik, "nama": f"Relawan {serial}", "born": born, "born_cell": born_cell, "jk": "P" if female else "L"}


@st.composite
def sheet(draw: st.DrawFn) -> tuple[list[list[object]], list[dict[str, object]]]:
    n = draw(st.integers(1, 12))
    people = [draw(person(101 + i)) for i in range(n)]
    rows: list[list[object]] = [[draw(st.sampled_from(["DAFTAR PSM", "KELURAHAN BANJARAN", "TAHUN 2025"]))]
                                for _ in range(draw(st.integers(0, 4)))]  # fmt: skip
    header = ["NO", draw(st.sampled_from(NAME_LABELS)), draw(st.sampled_from(NIK_LABELS)),
              draw(st.sampled_from(DATE_LABELS)), "L/P", "KETERANGAN"]  # fmt: skip
    rows.append(header)
    for i, p in enumerate(people):
        if draw(st.booleans()) and draw(st.booleans()):
            rows.append([None] * 6)  # spacer
        nik_cell: object = p["nik"] if draw(st.integers(0, 3)) else " ".join([str(p["nik"])[:4], str(p["nik"])[4:]])
        rows.append([i + 1, p["nama"], nik_cell, p["born_cell"], p["jk"], draw(JUNK)])
        if draw(st.integers(0, 5)) == 0:  # a junk row: no valid NIK, must be rejected, never crash
            rows.append([None, draw(JUNK), draw(JUNK), draw(JUNK), draw(JUNK), draw(JUNK)])
    if draw(st.booleans()):
        rows += [[], [None, None, None, "Kediri, 12 Januari 2025"], [None, None, None, "Lurah Banjaran"]]
    return rows, people


def _write_xlsx(path: Path, rows: list[list[object]]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text typed by a person, not a formula (openpyxl's default would be one)
    wb.save(path)


def _imported(db: Database) -> set[str]:
    return {str(r[0]) for r in db.execute("SELECT nik FROM volunteers").fetchall()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=sheet())
def test_random_messy_sheet_never_crashes_and_keeps_every_valid_row(tmp_path_factory, data) -> None:  # type: ignore[no-untyped-def]
    rows, people = data
    tmp = tmp_path_factory.mktemp("fuzz")
    path = tmp / "acak.xlsx"
    _write_xlsx(path, rows)
    db = open_db(tmp / "f.db")
    try:
        result = roster.import_file(db, path, as_of=AS_OF, now="t", settings=SETTINGS)
    except PsmctlError:
        return  # a whole-file refusal is allowed; anything else is a bug
    finally:
        db.close()
    db = open_db(tmp / "f.db")
    got = _imported(db)
    db.close()
    assert {str(p["nik"]) for p in people} <= got, [p.as_dict() for s in result.sheets for p in s.problems]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(st.text(max_size=40), min_size=1, max_size=6), min_size=0, max_size=8))
def test_any_csv_text_gives_a_report_or_one_clean_error(tmp_path_factory, cells) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("csv")
    path = tmp / "acak.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["NAMA", "NIK", "TGL LAHIR"])
        w.writerows(cells)
    db = open_db(tmp / "c.db")
    try:
        roster.import_file(db, path, as_of=AS_OF, now="t", settings=SETTINGS)
    except PsmctlError as e:
        assert "\n" not in str(e)
    finally:
        db.close()


def test_hostile_cells_are_reported_not_crashed(db: Database, tmp_path: Path) -> None:
    good = make_nik(born=dt.date(1990, 8, 17), serial=101)
    rows: list[list[object]] = [
        ["NO", "NAMA", "NIK", "TGL LAHIR", "ALAMAT"],
        [1, '=HYPERLINK("http://x","klik")', good, "17-08-1990", "@SUM(A1:A9)"],
        [2, "#REF!", "#N/A", "#VALUE!", "x" * 5000],
        [3, "🙂 Ibu Ani", "3571015708900002", "tujuh belas agustus", "-"],
        [4, "Ахмед 李", 3.14, dt.date(1990, 8, 17), "+62"],
    ]
    path = tmp_path / "jahat.xlsx"
    _write_xlsx(path, rows)
    result = roster.import_file(db, path, as_of=AS_OF, now="t", settings=SETTINGS)
    rep = result.sheets[0]
    # Ibu Ani's unreadable birth date keeps her: her NIK gives it (issue 15), the cell is shown in a warning.
    assert (rep.rows_read, rep.added, rep.rejected) == (4, 2, 2), [p.as_dict() for p in rep.problems]
    name, alamat = db.execute("SELECT nama, alamat FROM volunteers ORDER BY id").fetchone()
    assert name == '=HYPERLINK("http://x","klik")' and alamat == "@SUM(A1:A9)"  # stored as text, as typed
    codes = {(p.row, p.code) for p in rep.problems if p.level == "error"}
    # Error values (#REF!, #N/A) are error cells, read as empty: the row has neither name nor NIK.
    assert {(3, "NAME_MISSING"), (3, "NIK_MISSING"), (5, "NIK_FORMAT")} <= codes
    assert (4, "DATE_UNREADABLE", "tujuh belas agustus") in {(p.row, p.code, p.value) for p in rep.problems}

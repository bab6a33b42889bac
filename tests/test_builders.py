"""The roster builders write what they promise: read every file back with openpyxl."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl  # noqa: TID253 - the CLI-startup ban does not concern tests
import pytest
from openpyxl.worksheet.worksheet import Worksheet  # noqa: TID253

from builders import (
    DEFAULT_COLUMNS,
    data_rows,
    make_nik,
    roster_row,
    write_roster_xlsx,
    write_rows_xlsx,
)

BORN = dt.date(1990, 8, 17)


def _open(path: Path, sheet: str = "PSM") -> Worksheet:
    ws = openpyxl.load_workbook(path)[sheet]  # not read_only: read-only sheets have no merged_cells
    assert isinstance(ws, Worksheet)
    return ws


def _merged(ws: Worksheet) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def _people(n: int, kelurahan: str = "Banjaran") -> list[dict[str, object]]:
    return [roster_row(make_nik(born=BORN, serial=i + 1), f"Orang {i + 1}", kelurahan=kelurahan) for i in range(n)]


@pytest.mark.parametrize(
    ("kwargs", "nik"),
    [
        ({"born": BORN}, "3571011708900001"),
        ({"born": BORN, "female": True, "serial": 2}, "3571015708900002"),
        ({"kec": "357102", "born": dt.date(2005, 5, 1), "serial": 3}, "3571020105050003"),
        ({"born": BORN, "serial": 0}, "3571011708900000"),
    ],
)
def test_make_nik_follows_rules_3_1(kwargs: dict[str, object], nik: str) -> None:
    assert make_nik(**kwargs) == nik  # type: ignore[arg-type]


@pytest.mark.parametrize("kwargs", [{"kec": "35710", "born": BORN}, {"born": BORN, "serial": 10_000}])
def test_make_nik_refuses_what_it_cannot_encode(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        make_nik(**kwargs)  # type: ignore[arg-type]


def test_roster_row_uses_the_default_labels_and_combines_place_and_date() -> None:
    row = roster_row("3571011708900001", "Budi Santoso")
    assert set(row) <= set(DEFAULT_COLUMNS)
    assert row["TEMPAT/TGL LAHIR"] == "Kediri, 17-08-1990"


def test_default_layout_titles_header_data_and_signature(tmp_path: Path) -> None:
    path = write_roster_xlsx(tmp_path / "r.xlsx", _people(3))
    ws = _open(path)
    assert [ws.cell(r, 1).value for r in range(1, 5)] == [
        "DAFTAR NAMA PEKERJA SOSIAL MASYARAKAT (PSM)",
        "KELURAHAN BANJARAN",
        "KECAMATAN KOTA",
        "TAHUN 2025",
    ]
    assert "A1:K1" in _merged(ws)
    assert [c.value for c in ws[5]] == DEFAULT_COLUMNS
    assert data_rows(3) == [6, 7, 8]
    assert [ws.cell(r, 1).value for r in (6, 7, 8)] == [1, 2, 3]  # NO filled in by the writer
    assert ws.cell(6, 3).value == "3571011708900001" and ws.cell(6, 3).data_type == "s"
    assert ws.cell(6, 5).value == "Kediri, 17-08-1990"
    # blank row 9, then the signature block in column J
    assert all(c.value is None for c in ws[9])
    assert [ws.cell(r, 10).value for r in range(10, 14)] == [
        "Kediri, 12 Januari 2025",
        "Lurah Banjaran",
        None,
        "NAMA LURAH",
    ]
    assert ws.cell(14, 10).value == "NIP. 19700101 199003 1 005"
    assert ws.max_row == 14


def test_nik_as_number_writes_numeric_cells(tmp_path: Path) -> None:
    damaged = make_nik(born=BORN, serial=1)[:-1] + "0"  # what Excel leaves of …0001
    rows = _people(1) + [roster_row(damaged, "Rusak")]
    ws = _open(write_roster_xlsx(tmp_path / "n.xlsx", rows, nik_as_number=True))
    assert ws.cell(6, 3).value == 3571011708900001 and ws.cell(6, 3).data_type == "n"
    assert ws.cell(7, 3).value == 3571011708900000


def test_merge_kelurahan_keeps_the_value_only_in_the_top_cell(tmp_path: Path) -> None:
    rows = _people(3) + _people(2, kelurahan="Kaliombo") + _people(1, kelurahan="Pakelan")
    ws = _open(write_roster_xlsx(tmp_path / "m.xlsx", rows, merge_kelurahan=True, signature=False))
    assert {"I6:I8", "I9:I10"} <= _merged(ws)
    assert not any(r.startswith("I11") for r in _merged(ws))  # a run of one is not merged
    assert [ws.cell(r, 9).value for r in range(6, 12)] == ["Banjaran", None, None, "Kaliombo", None, "Pakelan"]


def test_merges_stop_at_blank_spacer_rows(tmp_path: Path) -> None:
    ws = _open(write_roster_xlsx(tmp_path / "b.xlsx", _people(5), merge_kelurahan=True, blank_rows_every=2))
    assert data_rows(5, blank_rows_every=2) == [6, 7, 9, 10, 12]
    assert all(c.value is None for c in ws[8]) and all(c.value is None for c in ws[11])
    assert {"I6:I7", "I9:I10"} <= _merged(ws)
    assert ws.cell(12, 9).value == "Banjaran"


def test_two_row_header_and_column_numbers(tmp_path: Path) -> None:
    rows = _people(1)
    rows[0]["TEMPAT/TGL LAHIR"] = "Kediri, 17 Agustus 1990"
    path = write_roster_xlsx(
        tmp_path / "h.xlsx", rows, title_rows=["DAFTAR PSM"], two_row_header=True, column_numbers_row=True
    )
    ws = _open(path)
    assert {"A2:A3", "B2:B3", "E2:F2", "L2:L3"} <= _merged(ws)
    assert ws.cell(2, 5).value == "TEMPAT/TGL LAHIR"
    assert (ws.cell(3, 5).value, ws.cell(3, 6).value) == ("TEMPAT", "TANGGAL LAHIR")
    assert [c.value for c in ws[4]] == list(range(1, 13))
    assert data_rows(1, title_rows=["x"], two_row_header=True, column_numbers_row=True) == [5]
    assert (ws.cell(5, 5).value, ws.cell(5, 6).value) == ("Kediri", "17 Agustus 1990")


def test_sub_columns_take_real_dates(tmp_path: Path) -> None:
    row = roster_row("3571011708900001", "Budi")
    del row["TEMPAT/TGL LAHIR"]
    row |= {"TEMPAT": "Kediri", "TANGGAL LAHIR": BORN}
    ws = _open(write_roster_xlsx(tmp_path / "d.xlsx", [row], two_row_header=True, signature=False))
    assert ws.cell(7, 6).value == dt.datetime(1990, 8, 17) and ws.cell(7, 6).is_date


def test_jumlah_row_custom_columns_and_extra_sheets(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [{"NAMA": "Siti", "NO KTP": "3571015708900002"}]
    path = write_roster_xlsx(
        tmp_path / "j.xlsx",
        rows,
        sheet="TAGANA",
        title_rows=[],
        columns=["NO", "NAMA", "NO KTP"],
        jumlah_row=True,
        signature=False,
        extra_sheets={"REKAP": [["KELURAHAN", "JUMLAH"], ["Banjaran", 1]]},
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["TAGANA", "REKAP"]
    ws = wb["TAGANA"]
    assert [[c.value for c in r] for r in ws.iter_rows()] == [
        ["NO", "NAMA", "NO KTP"],
        [1, "Siti", "3571015708900002"],
        ["JUMLAH", 1, None],
    ]
    assert wb["REKAP"]["B2"].value == 1


def test_unknown_label_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="NAMA LENGKAPP"):
        write_roster_xlsx(tmp_path / "x.xlsx", [{"NAMA LENGKAPP": "typo"}])


def test_write_rows_xlsx_writes_sheets_in_order_with_merges(tmp_path: Path) -> None:
    path = write_rows_xlsx(
        tmp_path / "raw.xlsx",
        {"SUKORAME": [["DATA PSM"], ["NO", "NAMA", "NIK"], [1, "Agus", 3571011708900001]], "REKAP": [["x"]]},
        merges={"SUKORAME": ["A1:C1"]},
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["SUKORAME", "REKAP"]
    assert "A1:C1" in _merged(wb["SUKORAME"])  # type: ignore[arg-type]
    assert wb["SUKORAME"]["C3"].value == 3571011708900001

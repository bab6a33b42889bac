"""headers.py: finding the header of a hand-made roster sheet (docs/rules.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import DEFAULT_TITLE_ROWS, roster_row, write_roster_xlsx
from psmctl.importing import headers, sheets

ALIASES = headers.load_aliases("roster_headers.toml")
REQUIRED = ("nik", "nama")
NIK1 = "3571011708900001"


def _find(rows: list[list[object]], scan_rows: int = 20) -> headers.Header | None:
    return headers.find_header(rows, ALIASES, REQUIRED, scan_rows=scan_rows)


def _titles(n: int, width: int) -> list[list[object]]:
    # Title lines merged across the sheet come back from sheets.read_tables with the text in every cell.
    return [[t] * width for t in DEFAULT_TITLE_ROWS[:n]]


def test_header_under_a_four_row_title_block() -> None:
    header_row: list[object] = ["NO", "NAMA LENGKAP", "NIK", "JENIS KELAMIN", "ALAMAT"]
    rows = [*_titles(4, 5), header_row, [1.0, "Budi", NIK1, "L", "Jl. Mawar"]]
    h = _find(rows)
    assert h is not None
    assert h.row_index == 4
    assert h.data_start == 5
    assert h.columns == {"no": 0, "nama": 1, "nik": 2, "jk": 3, "alamat": 4}
    assert h.labels["nik"] == "NIK"


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("NO. KTP", "nik"),
        ("No KTP", "nik"),
        ("NOKTP", "nik"),
        ("Nomor Induk Kependudukan", "nik"),
        ("NIK (16 digit)", "nik"),
        ("NAMA LENGKAP", "nama"),
        ("Nama :", "nama"),
        ("L/P", "jk"),
        ("TEMPAT/TGL LAHIR", "ttl"),
        ("Tempat, Tanggal Lahir", "ttl"),
        ("TTL", "ttl"),
        ("TTL / UMUR", "ttl"),  # the age beside the date is dropped by the date reader
        ("TGL LAHIR/USIA", "tgl_lahir"),
        ("No. HP/WA", "no_hp"),
        ("KEL/DESA", "kelurahan"),
        ("KETERANGAN", "ket"),
    ],
)
def test_aliases(label: str, field: str) -> None:
    rows: list[list[object]] = [["NAMA", "NIK", label]] if field not in ("nik", "nama") else []
    if field == "nik":
        rows = [["NAMA", label]]
    elif field == "nama":
        rows = [[label, "NIK"]]
    h = _find(rows)
    assert h is not None
    col = rows[0].index(label)
    assert h.columns[field] == col
    assert h.labels[field] == label.strip()


def test_all_alias_labels_of_the_issue_in_one_header() -> None:
    rows: list[list[object]] = [["NO.", "NAMA LENGKAP", "NO. KTP", "L/P", "TEMPAT/TGL LAHIR"], ["1", "Budi", NIK1]]
    h = _find(rows)
    assert h is not None
    assert h.columns == {"no": 0, "nama": 1, "nik": 2, "jk": 3, "ttl": 4}


def test_two_row_merged_header_rows() -> None:
    # As read_tables returns it: the parent merged across two columns, the other labels merged vertically.
    parent: list[object] = ["NO", "NAMA", "NIK", "TEMPAT/TGL LAHIR", "TEMPAT/TGL LAHIR", "L/P"]
    child: list[object] = ["NO", "NAMA", "NIK", "TEMPAT", "TANGGAL LAHIR", "L/P"]
    rows = [*_titles(2, 6), parent, child, [1.0, "Siti", NIK1, "Kediri", "17-08-1990", "P"]]
    h = _find(rows)
    assert h is not None
    assert h.row_index == 2
    assert h.data_start == 4
    assert h.columns == {"no": 0, "nama": 1, "nik": 2, "tempat_lahir": 3, "tgl_lahir": 4, "jk": 5}
    assert "ttl" not in h.columns


def test_two_row_header_with_empty_vertical_merges() -> None:
    # Read without merge filling, the vertically merged labels leave the lower row empty.
    parent: list[object] = ["NO", "NAMA", "NIK", "TEMPAT/TGL LAHIR", "", "L/P"]
    child: list[object] = ["", "", "", "TEMPAT", "TGL", ""]
    h = _find([parent, child, [1, "Siti", NIK1, "Kediri", "17-08-1990", "P"]])
    assert h is not None
    assert (h.columns["tempat_lahir"], h.columns["tgl_lahir"], h.data_start) == (3, 4, 2)
    assert h.columns["nik"] == 2 and h.columns["jk"] == 5


def test_two_row_header_from_a_real_workbook(tmp_path: Path) -> None:
    path = write_roster_xlsx(tmp_path / "dua_baris.xlsx", [roster_row(NIK1, "Budi")], two_row_header=True)
    (sheet,) = sheets.read_tables(path)
    h = _find(sheet.rows)
    assert h is not None
    assert h.row_index == 4  # four default title rows
    assert h.data_start == 6  # Excel row 7
    assert sheet.rows[h.data_start][h.columns["nik"]] == NIK1
    assert sheet.rows[h.data_start][h.columns["tempat_lahir"]] == "Kediri"
    assert sheet.rows[h.data_start][h.columns["tgl_lahir"]] == "17-08-1990"


def test_single_header_from_a_real_workbook_is_not_mistaken_for_two_rows(tmp_path: Path) -> None:
    path = write_roster_xlsx(tmp_path / "satu_baris.xlsx", [roster_row(NIK1, "Budi")])
    (sheet,) = sheets.read_tables(path)
    h = _find(sheet.rows)
    assert h is not None
    assert (h.row_index, h.data_start) == (4, 5)
    assert h.columns["ttl"] == 4
    assert sheet.rows[h.data_start][h.columns["nama"]] == "Budi"


@pytest.mark.parametrize(
    "numbers",
    [
        [1, 2, 3, 4, 5],
        [1.0, 2.0, 3.0, 4.0, 5.0],
        ["1", "2", "3", "4", "5"],
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        [1, 2, 3, "", ""],
    ],
)
def test_column_number_row_is_skipped(numbers: list[object]) -> None:
    rows: list[list[object]] = [
        ["NO", "NAMA", "NIK", "L/P", "ALAMAT"],
        numbers,
        [1, "Budi", NIK1, "L", "Jl. Mawar"],
    ]
    h = _find(rows)
    assert h is not None
    assert (h.row_index, h.data_start) == (0, 2)


def test_column_number_row_under_a_two_row_header(tmp_path: Path) -> None:
    path = write_roster_xlsx(
        tmp_path / "nomor.xlsx", [roster_row(NIK1, "Budi")], two_row_header=True, column_numbers_row=True
    )
    (sheet,) = sheets.read_tables(path)
    h = _find(sheet.rows)
    assert h is not None
    assert h.data_start == 7
    assert sheet.rows[h.data_start][h.columns["nik"]] == NIK1


def test_superscript_digits_under_the_header_are_not_a_number_row() -> None:
    # Found by the CSV fuzz: '²' is a digit to str.isdigit but not a number to float(); it was a traceback.
    rows: list[list[object]] = [["NO", "NAMA", "NIK"], ["0", "0", "²"], [1, "Budi", NIK1]]
    h = _find(rows)
    assert h is not None and h.data_start == 1


def test_data_row_numbered_1_is_not_a_column_number_row() -> None:
    rows: list[list[object]] = [["NO", "NAMA", "NIK"], [1, "Budi", NIK1], [2, "Siti", "3571015708900002"]]
    h = _find(rows)
    assert h is not None and h.data_start == 1


def test_no_header_within_scan_rows() -> None:
    rows: list[list[object]] = [[f"catatan {i}"] for i in range(25)]
    rows.append(["NO", "NAMA", "NIK"])
    assert _find(rows) is None
    h = _find(rows, scan_rows=30)
    assert h is not None and h.row_index == 25


def test_header_on_the_last_scanned_row_is_found() -> None:
    rows: list[list[object]] = [[""] for _ in range(19)]
    rows.append(["NAMA", "NIK"])
    h = _find(rows)
    assert h is not None and h.row_index == 19


def test_header_needs_every_required_field() -> None:
    assert _find([["NO", "NIK", "ALAMAT"], [1, NIK1, "x"]]) is None
    assert _find([["NO", "NAMA", "ALAMAT"], [1, "Budi", "x"]]) is None
    assert _find([]) is None


def test_title_text_is_not_a_header() -> None:
    rows: list[list[object]] = [["KELURAHAN BANJARAN", "KELURAHAN BANJARAN"], ["DAFTAR NAMA NIK PSM", ""]]
    assert _find(rows) is None


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("No. KTP", "KTP NOMOR"),
        ("NO KTP", "KTP NOMOR"),
        ("Tempat/Tgl. Lahir", "LAHIR TANGGAL TEMPAT"),
        ("TEMPAT, TGL LAHIR", "LAHIR TANGGAL TEMPAT"),
        ("TMPT/TGL LAHIR", "LAHIR TANGGAL TEMPAT"),
        ("Nama :", "NAMA"),
        ("NIK (16 digit)", "NIK"),
        ("N I K", "NIK"),
        ("N.I.K", "NIK"),
        ("L / P", "LP"),
        ("No_HP", "HP NOMOR"),
        ("Jenis-Kelamin", "JENIS KELAMIN"),
        ("JNS KELAMIN", "JENIS KELAMIN"),
        ("  nama\u00a0lengkap ", "LENGKAP NAMA"),
        (None, ""),
        (12, "12"),
    ],
)
def test_norm_label(label: object, expected: str) -> None:
    assert headers.norm_label(label) == expected


def test_load_aliases_reads_the_data_file() -> None:
    assert "NO KTP" in ALIASES["nik"]
    assert "NOMOR INDUK KEPENDUDUKAN" in ALIASES["nik"]
    assert "L/P" in ALIASES["jk"]
    assert {"nik", "nama", "ttl", "tempat_lahir", "tgl_lahir"} <= set(ALIASES)


def test_label_row_names_the_fullest_row_by_number_not_by_content() -> None:
    rows: list[list[object]] = [["DAFTAR"], ["NOMOR", "NAMA ORANG", "KTP NO", "ALAMAT"], [1, "x"]]
    assert headers.label_row(rows) == (2, 4)
    assert headers.label_row([[None, ""]]) is None


def test_a_label_that_could_be_two_fields_is_reported_not_guessed() -> None:
    h = _find([["NAMA", "NIK", "KELURAHAN/KECAMATAN"]])
    assert h is not None and "kelurahan" not in h.columns and "kecamatan" not in h.columns
    assert [(c, fields) for c, _, fields in h.ambiguous] == [(2, ("kecamatan", "kelurahan"))]


def test_kolom_maps_a_label_by_hand() -> None:
    h = headers.find_header([["NAMA", "NO. IDENTITAS"]], ALIASES, REQUIRED, manual={"No Identitas": "nik"})
    assert h is not None and h.columns["nik"] == 1


def test_gender_as_ticks_under_l_and_p() -> None:
    rows: list[list[object]] = [["NO", "NAMA", "NIK", "JENIS KELAMIN", "JENIS KELAMIN"], ["", "", "", "L", "P"]]
    h = _find([*rows, [1, "Budi", NIK1, "v", ""]])
    assert h is not None and h.marks == {"jk": {3: "L", 4: "P"}} and "jk" not in h.columns and h.data_start == 2


@pytest.mark.parametrize(
    ("cell", "field"),
    [
        ("JL. MAWAR 3 RT 01 RW 02", None),  # an address: digits, so data
        ("Kel. Jagalan RT 3", None),
        ("NO. HP 081234567891", None),
        ("17-08-1990", None),
        ("Ibu rumah tangga, nama lengkap suami Budi Santoso", None),  # a sentence naming NAMA LENGKAP
        ("nama lengkap belum sesuai KTP mohon dicek kembali", None),
        ("NOMOR HP/WA AKTIF", "no_hp"),  # a label holding an alias, still read
        ("NIK (16 digit)", "nik"),
        ("NIK 16 DIGIT", "nik"),
        ("RT/RW", "rt_rw"),
    ],
)
def test_only_a_cell_that_reads_as_a_label_is_matched_by_the_aliases_inside_it(cell: str, field: str | None) -> None:
    assert headers.make_lookup(ALIASES).field_of(cell)[0] == field


@pytest.mark.parametrize("alamat", ["JL. MAWAR 3 RT 01 RW 02", "Kel/Desa Jagalan", "Jl. Kenanga"])
def test_a_first_person_whose_cells_name_a_field_is_not_a_second_header_row(alamat: str) -> None:
    rows: list[list[object]] = [["NAMA", "NIK", "ALAMAT"], ["Budi", NIK1, alamat], ["Siti", "3571015708900002", ""]]
    h = _find(rows)
    assert h is not None and h.data_start == 1 and h.columns == {"nama": 0, "nik": 1, "alamat": 2}


@pytest.mark.parametrize(
    ("labels", "kind"),
    [
        (["NO", "NIK", "NAMA", "BULAN IURAN", "TGL BAYAR", "IURAN (RP)", "KETERANGAN"], "payments"),
        (["NIK", "NAMA", "PERIODE", "NOMINAL"], "payments"),
        (["NO", "NAMA", "NIK", "KELURAHAN", "JPL", "KETERANGAN"], "attendance"),
        (["NAMA", "NIK", "KELURAHAN", "KEHADIRAN", "TTD"], "attendance"),
        (["NO", "NAMA", "N I K", "JNS KELAMIN", "TEMPAT, TGL LAHIR", "ALAMAT"], "roster"),
        (["NO", "NAMA", "NIK", "KECAMATAN", "PERIODE"], None),  # a TKSK's term of office, no iuran month
        (["NO", "NAMA", "NIK", "KELURAHAN", "STATUS"], None),  # AKTIF/BERHENTI: nothing says which list
        (["NO", "NAMA", "NIK", "L/P", "ALAMAT", "JPL"], None),  # a daftar hadir with the person's columns: two kinds
    ],
)
def test_which_kind_of_list_a_header_describes(labels: list[str], kind: str | None) -> None:
    found = headers.list_kind(labels)
    assert (found[0] if found else None) == kind

"""Issue 15, roster import: messy kelurahan rosters, each asserted as a person opening the file would read it.

Every file is written by the test (tests/corpus). Assertions are on what the user sees: the register afterwards
(`volunteers list --semua --format json`) and the words of the report (`import roster --format json`). The few
Indonesian words a finding must contain are kept in WORDS, so a change of wording is one edit here.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from corpus.cli import Psmctl, Report
from corpus.files import LURAH, header, numbering, people_rows, signature, title
from corpus.people import AUGUST, BANDAR_LOR, BANJARAN, DAYS_ID_SHORT, JAGALAN, KODE, MARCH, TKSK_PESANTREN, Person
from corpus.workbook import Cell, Sheet, write, write_csv, write_xlsx

from psmctl.rules.dates import MONTH_NAMES

# Words a user must find in the report. Adjust here if the engine words them differently.
WORDS = {
    "hidden": "tersembunyi",  # a hidden row or column
    "invisible": "tak terlihat",  # zero-width space / NBSP in a NIK, when not silently stripped
    "retire_option": "--retire-missing",
    "unsur_option": "--unsur",
}
STOP_WORDS = ["Meninggal", "Alm.", "Pindah ke Kel. Banjaran", "mengundurkan diri", "Tidak aktif"]
JAGALAN_TITLE = "DAFTAR NAMA PEKERJA SOSIAL MASYARAKAT (PSM) KELURAHAN JAGALAN KECAMATAN KOTA KOTA KEDIRI TAHUN 2025"


def landed(psm: Psmctl, people: list[Person], *, kelurahan: str | None = None, unsur: str = "PSM") -> None:
    """Every person is on the register with the row's own facts, in the kelurahan a reader of the file sees."""
    for p in people:
        role = psm.role(p.nik, unsur)
        assert role is not None, f"{p.nama} is not on the register as {unsur}"
        kel = kelurahan or p.kelurahan
        assert (role["kelurahan"], role["kode_wilayah"], role["kecamatan"]) == (kel, KODE[kel], p.kecamatan), p.nama
        assert (role["tgl_lahir"], role["jenis_kelamin"]) == (p.iso, p.jk), p.nama


def no_errors(rep: Report, rows: list[int]) -> None:
    bad = [f.raw for r in rows for f in rep.errors_at(r)]
    assert not bad, bad


def simple_roster(people: list[Person], *titles: str, labels: list[str] | None = None) -> tuple[Sheet, list[int]]:
    labels = labels or ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "ALAMAT"]
    s = Sheet("Sheet1", text_cols={"C"})
    title(s, len(labels), *titles)
    s.blank()
    header(s, labels)
    rows = people_rows(s, people, labels)
    return s, rows


# --- the Jagalan file of the issue: title line, spaced and abbreviated headers, TTL, numbers row, signature -----


def test_jagalan_roster_every_column_is_read_and_the_title_gives_the_kelurahan(psm: Psmctl, tmp_path: Path) -> None:
    labels = ["NO", "NAMA", "N I K", "JNS KELAMIN", "TEMPAT, TGL LAHIR", "ALAMAT", "No. HP/WA", "KETERANGAN"]
    people = JAGALAN[:6]
    s = Sheet("PSM JAGALAN", text_cols={"C"})
    title(s, len(labels), JAGALAN_TITLE)
    s.blank()
    header(s, labels)
    numbering(s, len(labels))
    # AHMAD FAUZI's gender typed P although his NIK says L: only a reader of JNS KELAMIN can notice.
    hp = {i: {"No. HP/WA": f"0812345678{i:02d}"} for i in range(len(people))}
    cells: dict[int, dict[str, Cell]] = {i: dict(v) for i, v in hp.items()}
    cells[2]["JNS KELAMIN"] = "P"
    rows = people_rows(s, people, labels, cells=cells)
    s.add("JUMLAH", None, None, None, None, None, None, "6 orang")
    signature(s, 6)
    path = write_xlsx(tmp_path / "PSM JAGALAN 2025.xlsx", [s])

    rep = psm.import_roster(path)
    assert rep.out.code == 0, rep.out.text
    no_errors(rep, rows)
    assert len(psm.register()) == 6  # the JUMLAH row, the numbers row and the lurah's NIP are nobody
    for i, p in enumerate(people):
        role = psm.role(p.nik)
        assert role is not None, p.nama
        assert (role["kelurahan"], role["kecamatan"], role["kode_wilayah"]) == ("Jagalan", "Kota", KODE["Jagalan"])
        assert role["tgl_lahir"] == p.iso and (role["tempat_lahir"] or "").lower() == p.tempat.lower(), p.nama
        assert role["no_hp"] == f"0812345678{i:02d}", p.nama
        if i != 2:
            assert role["jenis_kelamin"] == p.jk, p.nama
    assert [f.raw for f in rep.about(rows[2]) if f.says("jenis kelamin")], "JNS KELAMIN was not read"
    assert not [f.raw for f in rep.findings if f.says("kosong") and "lahir" in f.text], "TTL read as empty"


# --- kelurahan, kecamatan and unsur from title lines and a cover sheet ----------------------------------------


@pytest.mark.parametrize(
    "titles",
    [
        ["DAFTAR PSM KELURAHAN JAGALAN", "TAHUN 2025"],
        ["DAFTAR NAMA PEKERJA SOSIAL MASYARAKAT (PSM)", "KELURAHAN JAGALAN KECAMATAN KOTA"],
        ["DATA PSM", "KEL. JAGALAN KEC. KOTA"],
        ["DATA PEKERJA SOSIAL MASYARAKAT (PSM)", "DESA/KELURAHAN : JAGALAN", "KECAMATAN : KOTA"],
        ["DAFTAR PSM", "Kelurahan : Jagalan"],
        ["DAFTAR PSM KELURAHAN JAGALAN KOTA KEDIRI TAHUN 2025"],
        [JAGALAN_TITLE],
    ],
    ids=[
        "daftar-psm-kel",
        "kel-kec-one-line",
        "kel.-kec.",
        "desa/kelurahan-colon",
        "kelurahan-colon",
        "kota-kediri-tahun",
        "issue-title",
    ],  # fmt: skip
)
def test_title_line_forms_give_kelurahan_and_kecamatan(psm: Psmctl, tmp_path: Path, titles: list[str]) -> None:
    s, rows = simple_roster(JAGALAN[:3], *titles)
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    no_errors(rep, rows)
    landed(psm, JAGALAN[:3], kelurahan="Jagalan")


def test_kelurahan_label_and_value_in_separate_cells(psm: Psmctl, tmp_path: Path) -> None:
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "ALAMAT"]
    s = Sheet("Sheet1", text_cols={"C"})
    title(s, len(labels), "DAFTAR NAMA PSM TAHUN 2025")
    s.add("Kelurahan", None, ": Jagalan")
    s.add("Kecamatan", None, ": Kota")
    s.blank()
    header(s, labels)
    rows = people_rows(s, JAGALAN[:3], labels)
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    no_errors(rep, rows)
    landed(psm, JAGALAN[:3], kelurahan="Jagalan")


@pytest.mark.parametrize(
    ("titles", "people", "unsur"),
    [
        (["DATA TKSK KECAMATAN PESANTREN", "KOTA KEDIRI TAHUN 2025"], TKSK_PESANTREN, "TKSK"),
        (["REKAPITULASI PSM SE-KECAMATAN MOJOROTO", "KOTA KEDIRI TAHUN 2025"], BANDAR_LOR, "PSM"),
    ],
    ids=["data-tksk-kecamatan", "rekap-se-kecamatan"],
)
def test_kecamatan_wide_titles_give_unsur_and_kecamatan(
    psm: Psmctl, tmp_path: Path, titles: list[str], people: list[Person], unsur: str
) -> None:
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "KELURAHAN"]
    s, rows = simple_roster(people, *titles, labels=labels)
    rep = psm.import_roster(write_xlsx(tmp_path / "kec.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    no_errors(rep, rows)
    landed(psm, people, unsur=unsur)
    assert len(psm.register()) == len(people)


def test_cover_sheet_names_the_kelurahan_of_the_data_sheet(psm: Psmctl, tmp_path: Path) -> None:
    cover = Sheet("SAMPUL")
    for line in ["DATA", "PEKERJA SOSIAL MASYARAKAT (PSM)", "KELURAHAN BANJARAN", "KECAMATAN KOTA", "KOTA KEDIRI",
                 "TAHUN 2025"]:  # fmt: skip
        cover.add(None, None, line)
        cover.blank()
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "ALAMAT"]
    data = Sheet("DATA", text_cols={"C"})
    header(data, labels)
    rows = people_rows(data, BANJARAN, labels)
    rep = psm.import_roster(write_xlsx(tmp_path / "psm banjaran.xlsx", [cover, data]))
    assert rep.out.code == 0, rep.out.text
    no_errors(rep, rows)
    landed(psm, BANJARAN, kelurahan="Banjaran")


def kecamatan_sheet(name: str, kecamatan: str, people: list[Person]) -> tuple[Sheet, list[int]]:
    """One sheet of a kecamatan workbook: the kecamatan in the title, the kelurahan only in the sheet's name."""
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "ALAMAT"]
    s = Sheet(name, text_cols={"C"})
    title(s, len(labels), f"DAFTAR PSM KECAMATAN {kecamatan}", "KOTA KEDIRI TAHUN 2025")
    header(s, labels)
    return s, people_rows(s, people, labels)


def test_a_sheet_named_for_its_kelurahan_gives_the_kelurahan(psm: Psmctl, tmp_path: Path) -> None:
    # a kecamatan's workbook, one sheet per kelurahan: a bare official name, and the title form "Kel. X"
    bandar, rows_b = kecamatan_sheet("BANDAR LOR", "MOJOROTO", BANDAR_LOR)
    jagalan, rows_j = kecamatan_sheet("Kel. Jagalan", "KOTA", JAGALAN[:3])
    path = write_xlsx(tmp_path / "psm kec.xlsx", [bandar, jagalan])
    rep = psm.import_roster(path, "--all-sheets")
    assert rep.out.code == 0, rep.out.text
    no_errors(rep, rows_b + rows_j)
    landed(psm, BANDAR_LOR, kelurahan="Bandar Lor")
    landed(psm, JAGALAN[:3], kelurahan="Jagalan")
    said = [f for f in rep.findings if f.code == "KELURAHAN_FROM_SHEET"]
    assert len(said) == 2 and said[0].says("bandar lor", "nama lembar"), [f.raw for f in said]
    again = psm.import_roster(path, "--all-sheets", "--retire-missing")  # each sheet's roster is known
    assert again.out.code == 0, again.out.text


def test_a_sheet_name_that_is_no_kelurahan_gives_none(psm: Psmctl, tmp_path: Path) -> None:
    s, _ = kecamatan_sheet("DATA PSM 2025", "KOTA", JAGALAN[:3])
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    assert [f.code for f in rep.findings if f.code.startswith("KELURAHAN_")] == ["KELURAHAN_UNKNOWN"]


# --- two-row headers with checkmark columns; a numbers row ---------------------------------------------------


def gender_marks_sheet(marks: list[tuple[Cell, Cell]]) -> tuple[Sheet, list[int], int]:
    """JENIS KELAMIN merged over L | P; every other label merged down over both header rows; then 1 2 3 …"""
    s = Sheet("PSM", text_cols={"C"})
    title(s, 8, "DAFTAR PSM KELURAHAN JAGALAN", "KECAMATAN KOTA KOTA KEDIRI")
    s.blank()
    top = s.add("NO", "NAMA", "NIK", "JENIS KELAMIN", None, "TEMPAT LAHIR", "TGL LAHIR", "ALAMAT")
    sub = s.add(None, None, None, "L", "P")
    for col in "ABCFGH":
        s.merge(f"{col}{top}:{col}{sub}")
    s.merge(f"D{top}:E{top}")
    numbering(s, 8)
    rows = []
    for i, (p, (l_mark, p_mark)) in enumerate(zip(JAGALAN, marks, strict=False)):
        rows.append(s.add(i + 1, p.nama, p.nik, l_mark, p_mark, p.tempat, p.dmy, p.alamat))
    signature(s, 7)
    return s, rows, sub


@pytest.mark.parametrize("ext", [".xlsx", ".ods"])
def test_gender_as_two_checkmark_columns(psm: Psmctl, tmp_path: Path, ext: str) -> None:
    # JAGALAN alternates L, P, L, P, L, P, L, P; every office's mark appears.
    marks: list[tuple[Cell, Cell]] = [("√", None), (None, "√"), ("v", None), (None, "✓"), (1, None), (None, "x"),
                                      ("V", None), (None, 1)]  # fmt: skip
    s, rows, sub = gender_marks_sheet(marks)
    rep = psm.import_roster(write(tmp_path / f"psm{ext}", [s]))
    assert rep.out.code == 0, rep.out.text
    assert not rep.errors_at(sub), "the L | P sub-header row is not a person"
    no_errors(rep, rows)
    landed(psm, JAGALAN, kelurahan="Jagalan")
    assert len(psm.register()) == len(JAGALAN)
    # Marks read, not guessed from the NIK: no finding says the gender was unknown.
    assert not [f.raw for r in rows for f in rep.about(r) if f.says("jenis kelamin")]


def test_checkmark_against_the_nik_is_a_mismatch_not_a_guess(psm: Psmctl, tmp_path: Path) -> None:
    marks: list[tuple[Cell, Cell]] = [("√", None), ("√", None), ("√", None)]  # SITI MUNAWAROH ticked L
    s, rows, _ = gender_marks_sheet(marks)
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert [f.raw for f in rep.about(rows[1]) if f.says("jenis kelamin")], rep.findings
    assert not [f.raw for f in rep.about(rows[1]) if f.says("√")], "the mark itself is no unknown gender"
    assert not [f.raw for f in rep.about(rows[0]) if f.says("jenis kelamin")], "SUPRIYADI's mark agrees with his NIK"


# --- KETERANGAN: words that end a volunteer's service, and notes ---------------------------------------------


@pytest.mark.parametrize("label", ["KETERANGAN", "KET", "KET."])
def test_keterangan_words_are_never_silently_aktif(psm: Psmctl, tmp_path: Path, label: str) -> None:
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "ALAMAT", label]
    people = JAGALAN[:7]
    kets = [*STOP_WORDS, "Ketua RW 05", None]
    s = Sheet("PSM", text_cols={"C"})
    title(s, len(labels), JAGALAN_TITLE)
    s.blank()
    header(s, labels)
    rows = people_rows(s, people, labels, cells={i: {label: k} for i, k in enumerate(kets)})
    signature(s, 7)
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    for i, word in enumerate(STOP_WORDS):
        said = [f for f in rep.about(rows[i]) if f.level in ("warning", "error") and f.says(word.split()[0])]
        assert said, f"row {rows[i]} ({word!r}): no warning naming the word; findings: {rep.about(rows[i])}"
        role = psm.role(people[i].nik)
        assert role is None or role["status"] != "AKTIF", f"{people[i].nama} ({word}) counted AKTIF"
    noted = psm.role(people[5].nik)
    assert noted is not None and noted["status"] == "AKTIF"
    assert "ketua rw 05" in psm.show(people[5].nik), "other KETERANGAN text is kept as a note on the person"
    active = psm("volunteers", "list", "--format", "json").stdout
    assert all(p.nik not in active for p in people[:5]) and people[6].nik in active


def test_alm_before_the_name_is_named_too(psm: Psmctl, tmp_path: Path) -> None:
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "ALAMAT"]
    s, rows = simple_roster(JAGALAN[:3], JAGALAN_TITLE, labels=labels)
    s.set(rows[1], 2, f"Alm. {JAGALAN[1].nama}")
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert [f for f in rep.about(rows[1]) if f.level in ("warning", "error") and f.says("alm")], rep.findings
    role = psm.role(JAGALAN[1].nik)
    assert role is None or role["status"] != "AKTIF"


# --- hidden rows and columns, unused columns --------------------------------------------------------------------


@pytest.mark.parametrize("ext", [".xlsx", ".ods"])
def test_hidden_row_and_hidden_column_are_reported(psm: Psmctl, tmp_path: Path, ext: str) -> None:
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "NO. KK", "ALAMAT"]
    s = Sheet("PSM", text_cols={"C", "G"})
    title(s, len(labels), JAGALAN_TITLE)
    s.blank()
    header(s, labels)
    rows = people_rows(s, JAGALAN[:5], labels, cells={i: {"NO. KK": f"35710212010{i:05d}"} for i in range(5)})
    s.hidden_rows.add(rows[3])  # SRI WAHYUNI: the office hid her instead of deleting her
    s.hidden_cols.add("G")
    rep = psm.import_roster(write(tmp_path / f"psm{ext}", [s]))
    assert rep.out.code == 0, rep.out.text
    hid = [f for f in rep.about(rows[3]) if f.says(WORDS["hidden"])]
    assert hid, f"hidden row {rows[3]} not reported: {[f.raw for f in rep.findings]}"
    assert rep.saying("no. kk", WORDS["hidden"]) or rep.saying("no kk", WORDS["hidden"]), "hidden column not named"
    visible = [p for i, p in enumerate(JAGALAN[:5]) if i != 3]
    landed(psm, visible, kelurahan="Jagalan")


def test_every_unused_column_is_named_once_with_a_sample(psm: Psmctl, tmp_path: Path) -> None:
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "AGAMA", "PENDIDIKAN TERAKHIR",
              "PEKERJAAN", "ALAMAT", None]  # fmt: skip
    people = JAGALAN[:5]
    s = Sheet("PSM", text_cols={"C"})
    title(s, len(labels), JAGALAN_TITLE)
    s.blank()
    s.add(*labels)
    for i, p in enumerate(people):
        s.add(i + 1, p.nama, p.nik, p.jk, p.tempat, p.dmy, "Islam", "SLTA", "Wiraswasta", p.alamat,
              "sudah bimtek" if i % 2 else None)  # fmt: skip
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    landed(psm, people, kelurahan="Jagalan")
    # PENDIDIKAN TERAKHIR and PEKERJAAN are fields of the register (volunteers show): stored, so not named.
    for head, sample in [("agama", "islam")]:
        named = rep.saying(head)
        assert len(named) == 1, f"column {head!r} named {len(named)} times: {[f.raw for f in named]}"
        assert sample in named[0].text, named[0].raw
    shown = psm.show(people[0].nik)
    assert "slta" in shown and "wiraswasta" in shown, "stored columns land on the person"
    assert len(rep.saying("sudah bimtek")) == 1, "a column with data but no header is named too"


# --- two tables on one sheet -----------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["openpyxl", "xlsxwriter"])
def test_psm_and_tksk_tables_on_one_sheet(psm: Psmctl, tmp_path: Path, engine: str) -> None:
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "KELURAHAN", "ALAMAT"]
    tksk = [Person(p.nama, p.jk, p.tempat, p.born, p.kec, p.serial, "Jagalan", "Kota") for p in TKSK_PESANTREN]
    s = Sheet("PSKS", text_cols={"C"})
    title(s, len(labels), "DATA PSKS KELURAHAN JAGALAN KECAMATAN KOTA", "KOTA KEDIRI TAHUN 2025")
    s.blank()
    sec_a = s.add("A. PEKERJA SOSIAL MASYARAKAT (PSM)")
    header(s, labels)
    psm_rows = people_rows(s, JAGALAN[:3], labels)
    s.blank()
    sec_b = s.add("B. TENAGA KESEJAHTERAAN SOSIAL KECAMATAN (TKSK)")
    head_b = header(s, labels)
    tksk_rows = people_rows(s, tksk, labels)
    signature(s, 7)
    rep = psm.import_roster(write_xlsx(tmp_path / "psks.xlsx", [s], engine=engine))
    assert rep.out.code == 0, rep.out.text
    for r in (sec_a, sec_b, head_b):
        assert not rep.errors_at(r), f"row {r} is a title or a header, not a person"
    no_errors(rep, psm_rows + tksk_rows)
    landed(psm, JAGALAN[:3], kelurahan="Jagalan", unsur="PSM")
    landed(psm, tksk, kelurahan="Jagalan", unsur="TKSK")
    assert len(psm.register()) == 5, "nobody is in both tables"
    assert rep.about(sec_b) or rep.saying("tenaga kesejahteraan sosial"), "the section title is named"


# --- dates in every form -----------------------------------------------------------------------------------------

FRIDAY = DAYS_ID_SHORT[AUGUST.born.weekday()]
THURSDAY = DAYS_ID_SHORT[MARCH.born.weekday()]
READABLE: list[tuple[Person, Cell]] = [
    (AUGUST, "17/08/1990 00:00"),
    (AUGUST, dt.datetime(1990, 8, 17, 0, 0)),
    (AUGUST, "17-08-1990 pukul 15.25"),
    (AUGUST, f"{FRIDAY}, 17 Agu 1990"),
    (AUGUST, "tgl. 17 Agustus 1990"),
    (AUGUST, "Tanggal 17 Agustus 1990"),
    (AUGUST, "Agustus 17, 1990"),
    (AUGUST, "17-08-'90"),
    (MARCH, "3 Mrt 1988"),
    (MARCH, f"{THURSDAY}, 03 Mrt 1988"),
    (AUGUST, "17-VIII-1990"),  # Roman month, as in letters of office
    (MARCH, "3/III/1988"),
    (AUGUST, "17-08-1990 (36 th)"),  # the age after the date, as a TTL / UMUR column holds it
]


def date_roster(p: Person, cell: Cell, ttl: bool) -> tuple[Sheet, int]:
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT, TGL LAHIR" if ttl else "TGL LAHIR", "ALAMAT"]
    s, rows = simple_roster([JAGALAN[0], p], JAGALAN_TITLE, labels=labels)
    s.set(rows[1], 5, f"{p.tempat}, {cell}" if ttl else cell)
    return s, rows[1]


@pytest.mark.parametrize("ttl", [False, True], ids=["TGL-LAHIR", "TEMPAT,TGL-LAHIR"])
@pytest.mark.parametrize(("person", "cell"), READABLE, ids=[str(c) for _, c in READABLE])
def test_birth_date_forms_are_read(psm: Psmctl, tmp_path: Path, person: Person, cell: Cell, ttl: bool) -> None:
    if ttl and not isinstance(cell, str):
        pytest.skip("a date cell has no place before it")
    s, row = date_roster(person, cell, ttl)
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    role = psm.role(person.nik)
    assert role is not None, [f.raw for f in rep.about(row)]
    assert role["tgl_lahir"] == person.iso
    if ttl:
        assert (role["tempat_lahir"] or "").lower() == person.tempat.lower(), "the TTL column was not read"
    # Read as written: no mismatch with the NIK, no rejection, and no "empty, taken from the NIK" either.
    assert not rep.about(row), [f.raw for f in rep.about(row)]


def test_a_ttl_and_age_column_is_read_as_ttl(psm: Psmctl, tmp_path: Path) -> None:
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TTL / UMUR", "ALAMAT"]
    s, rows = simple_roster([JAGALAN[0], AUGUST], JAGALAN_TITLE, labels=labels)
    s.set(rows[1], 5, f"{AUGUST.tempat}, 17 Agustus 1990 / 36 thn")
    rep = psm.import_roster(write_xlsx(tmp_path / "umur.xlsx", [s]))
    role = psm.role(AUGUST.nik)
    assert role is not None and role["tgl_lahir"] == AUGUST.iso, [f.raw for f in rep.findings]
    assert (role["tempat_lahir"] or "").lower() == AUGUST.tempat.lower()
    assert not rep.saying("ttl / umur"), "the column is read, not named unused"


@pytest.mark.parametrize("cell", ["-", "--", "—", "?", "tidak ada", "Tidak Ada", " - "])
def test_empty_looking_birth_dates_take_the_nik_date_and_keep_the_person(
    psm: Psmctl, tmp_path: Path, cell: str
) -> None:
    s, row = date_roster(AUGUST, cell, ttl=False)
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert not rep.errors_at(row), [f.raw for f in rep.about(row)]
    role = psm.role(AUGUST.nik)
    assert role is not None and role["tgl_lahir"] == AUGUST.iso


@pytest.mark.parametrize("cell", ["1990", 1990], ids=["text", "number"])
def test_a_year_alone_is_a_year_never_an_excel_serial(psm: Psmctl, tmp_path: Path, cell: Cell) -> None:
    s, row = date_roster(AUGUST, cell, ttl=False)
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert "1905-06-12" not in rep.text
    role = psm.role(AUGUST.nik)
    assert role is not None and role["tgl_lahir"] == AUGUST.iso  # the NIK gives the day; the year agrees
    assert [f for f in rep.about(row) if f.says("1990")], "the year-only cell is reported"


@pytest.mark.parametrize("cell", ["17/08", "17 Agustusan 1990", "tujuh belas agustus"])
def test_unreadable_birth_date_keeps_the_person_and_shows_the_cell(psm: Psmctl, tmp_path: Path, cell: str) -> None:
    s, row = date_roster(AUGUST, cell, ttl=False)
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    role = psm.role(AUGUST.nik)
    assert role is not None and role["tgl_lahir"] == AUGUST.iso, [f.raw for f in rep.about(row)]
    assert [f for f in rep.about(row) if f.level == "warning" and f.says(cell)], [f.raw for f in rep.about(row)]


# --- .ods merged KELURAHAN cells -------------------------------------------------------------------------------


@pytest.mark.parametrize("ext", [".xlsx", ".ods"])
def test_merged_kelurahan_cells_fill_every_row(psm: Psmctl, tmp_path: Path, ext: str) -> None:
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "KELURAHAN", "KECAMATAN"]
    people = JAGALAN[:3] + BANJARAN
    s, rows = simple_roster(people, "REKAPITULASI PSM SE-KECAMATAN KOTA", "KOTA KEDIRI TAHUN 2025", labels=labels)
    s.merge(f"G{rows[0]}:G{rows[2]}")
    s.merge(f"G{rows[3]}:G{rows[5]}")
    s.merge(f"H{rows[0]}:H{rows[5]}")
    rep = psm.import_roster(write(tmp_path / f"rekap{ext}", [s]))
    assert rep.out.code == 0, rep.out.text
    for p, r in zip(people, rows, strict=True):
        role = psm.role(p.nik)
        warned = [f for f in rep.about(r) if f.level in ("warning", "error") and f.says("kelurahan")]
        assert (role is not None and role["kelurahan"] == p.kelurahan) or warned, f"{p.nama} row {r} silently lost"
    if ext == ".xlsx":
        landed(psm, people)


# --- .csv as Excel saves it --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sep", "encoding", "bom"),
    [(";", "cp1252", False), (",", "utf-8", True), (";", "utf-8", False), ("\t", "utf-16", False)],
    ids=["semicolon-cp1252", "comma-utf8-bom", "semicolon-utf8", "tab-utf16"],
)
def test_csv_separator_and_encoding_are_sniffed(
    psm: Psmctl, tmp_path: Path, sep: str, encoding: str, bom: bool
) -> None:
    people = [*JAGALAN[:3]]
    maruf = Person("MA’RUF HASYIM", "L", "Kediri", dt.date(1984, 7, 19), "357102", 153, "Jagalan", "Kota")
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT, TGL LAHIR", "ALAMAT"]
    s, rows = simple_roster([*people, maruf], "DAFTAR PSM KELURAHAN JAGALAN", "KECAMATAN KOTA", labels=labels)
    s.set(rows[1], 6, "Jl. Mawar – Gg. 2")
    rep = psm.import_roster(write_csv(tmp_path / "psm.csv", s, sep=sep, encoding=encoding, bom=bom))
    assert rep.out.code == 0, rep.out.text
    no_errors(rep, rows)
    landed(psm, [*people, maruf], kelurahan="Jagalan")
    role = psm.role(maruf.nik)
    assert role is not None and role["nama"].upper() == "MA’RUF HASYIM"
    assert (psm.role(people[1].nik) or {})["alamat"] == "Jl. Mawar – Gg. 2"


@pytest.mark.parametrize("ext", [".xlsx", ".csv"])
def test_first_person_whose_address_names_rt_rw_is_not_a_second_header_row(
    psm: Psmctl, tmp_path: Path, ext: str
) -> None:
    """Header on the sheet's first line, then a woman ("P") whose ALAMAT is "Jl. …⏎RT 01 RW 02" (a quoted newline
    in the .csv): the row looked like a sub-header (RT/RW, P under JENIS KELAMIN) and the import crashed."""
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TGL LAHIR", "ALAMAT", "KELURAHAN", "KECAMATAN"]
    people = [MARCH, *JAGALAN[:2]]
    s = Sheet("Sheet1", text_cols={"C"})
    header(s, labels)
    rows = people_rows(s, people, labels)
    s.set(rows[0], 6, "Jl. Mawar 3\nRT 01 RW 02")
    rep = psm.import_roster(write(tmp_path / f"psm{ext}", [s]))
    assert rep.out.code == 0, rep.out.text
    no_errors(rep, rows)
    landed(psm, people)
    assert (psm.role(MARCH.nik) or {})["alamat"] in ("Jl. Mawar 3\nRT 01 RW 02", "Jl. Mawar 3 RT 01 RW 02")


# --- the wrongful retirement, and a roster without unsur -------------------------------------------------------


def bare_roster(path: Path, people: list[Person]) -> Path:
    """No title, no KELURAHAN column: nothing in the file says where these people serve."""
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "ALAMAT"]
    s = Sheet("Sheet1", text_cols={"C"})
    header(s, labels)
    people_rows(s, people, labels)
    return write_xlsx(path, [s])


def test_rosters_of_unknown_kelurahan_never_retire_each_other(psm: Psmctl, tmp_path: Path) -> None:
    a = bare_roster(tmp_path / "psm A.xlsx", BANJARAN)
    b = bare_roster(tmp_path / "psm B.xlsx", BANDAR_LOR)
    first = psm.import_roster(a, "--unsur", "PSM")
    said = first.saying("kelurahan")
    assert len(said) == 1, f"the unknown kelurahan is said once per sheet: {[f.raw for f in first.findings]}"
    second = psm.import_roster(b, "--unsur", "PSM", "--retire-missing")
    for p in BANJARAN:
        role = psm.role(p.nik)
        assert role is not None and role["status"] == "AKTIF", f"{p.nama} retired by another kelurahan's file"
    assert second.out.code != 0 or second.saying("kelurahan"), "--retire-missing on an unknown kelurahan is refused"
    assert WORDS["retire_option"] in second.text or second.out.code == 0


def test_retire_missing_still_works_when_the_kelurahan_is_known(psm: Psmctl, tmp_path: Path) -> None:
    s, _ = simple_roster(BANJARAN, "DAFTAR PSM KELURAHAN BANJARAN", "KECAMATAN KOTA")
    psm.import_roster(write_xlsx(tmp_path / "v1.xlsx", [s]))
    s2, _ = simple_roster(BANJARAN[:2], "DAFTAR PSM KELURAHAN BANJARAN", "KECAMATAN KOTA")
    rep = psm.import_roster(write_xlsx(tmp_path / "v2.xlsx", [s2]), "--retire-missing")
    assert rep.out.code == 0, rep.out.text
    assert (psm.role(BANJARAN[2].nik) or {})["status"] == "BERHENTI"
    assert (psm.role(BANJARAN[0].nik) or {})["status"] == "AKTIF"


def test_roster_naming_no_unsur_is_not_silently_psm(psm: Psmctl, tmp_path: Path) -> None:
    s, rows = simple_roster(JAGALAN[:3], "DAFTAR NAMA ANGGOTA", "KELURAHAN JAGALAN KECAMATAN KOTA TAHUN 2025")
    path = write_xlsx(tmp_path / "anggota.xlsx", [s])
    rep = psm.import_roster(path)
    if rep.out.code == 0:
        assert rep.saying("unsur"), "imported without a word about the missing unsur"
    else:
        assert WORDS["unsur_option"] in rep.out.stderr and psm.register() == []
    chosen = psm.import_roster(path, "--unsur", "TKSK")
    assert chosen.out.code == 0, chosen.out.text
    landed(psm, JAGALAN[:3], kelurahan="Jagalan", unsur="TKSK")
    assert not rep.errors_at(rows[0])


@pytest.mark.parametrize(
    ("line", "unsur"),
    [("DAFTAR RELAWAN PSM KELURAHAN JAGALAN", "PSM"), ("DAFTAR NAMA RELAWAN TAGANA KELURAHAN JAGALAN", "TAGANA")],
    ids=["relawan-psm", "relawan-tagana"],
)
def test_a_word_for_any_volunteer_gives_way_to_the_unsur_named(
    psm: Psmctl, tmp_path: Path, line: str, unsur: str
) -> None:
    # "RELAWAN" alone names the PENDAMPING roster; beside PSM it is only a word for volunteer
    s, rows = simple_roster(JAGALAN[:3], line, "KECAMATAN KOTA TAHUN 2025")
    rep = psm.import_roster(write_xlsx(tmp_path / "relawan.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    no_errors(rep, rows)
    landed(psm, JAGALAN[:3], kelurahan="Jagalan", unsur=unsur)
    assert not rep.saying("unsur"), [f.raw for f in rep.findings]


def test_a_title_naming_two_unsur_is_said_not_guessed(psm: Psmctl, tmp_path: Path) -> None:
    line = "DAFTAR NAMA TENAGA KESEJAHTERAAN SOSIAL KECAMATAN (TKSK) DAN PSM"
    s, rows = simple_roster(JAGALAN[:3], line, "KELURAHAN JAGALAN KECAMATAN KOTA")
    path = write_xlsx(tmp_path / "dua_unsur.xlsx", [s])
    rep = psm.import_roster(path, "--dry-run")
    assert rep.out.code == 0, rep.out.text
    said = rep.saying("tksk", "psm", "--unsur")
    assert [f.code for f in said] == ["UNSUR_AMBIGUOUS"], [f.raw for f in rep.findings]
    chosen = psm.import_roster(path, "--unsur", "PSM")
    assert chosen.out.code == 0, chosen.out.text
    landed(psm, JAGALAN[:3], kelurahan="Jagalan", unsur="PSM")
    assert not chosen.saying("unsur") and psm.role(JAGALAN[0].nik, "TKSK") is None


# --- header words, --kolom, invisible characters ----------------------------------------------------------------


@pytest.mark.parametrize("nik_label", ["N I K", "N.I.K", "NOMOR NIK", "NIK (16 DIGIT)", "No. NIK"])
@pytest.mark.parametrize(
    ("jk_label", "ttl_label", "hp_label"),
    [
        ("JNS KELAMIN", "TEMPAT, TGL LAHIR", "No. HP/WA"),
        ("Jenis Kelamin (L/P)", "Tempat/Tgl. Lahir", "NO. TELP/HP"),
        ("L / P", "TMPT/TGL LAHIR", "Nomor WA"),
        ("JNS. KEL", "Tempat & Tanggal Lahir", "HP"),
    ],
)
def test_headers_are_matched_by_their_words(
    psm: Psmctl, tmp_path: Path, nik_label: str, jk_label: str, ttl_label: str, hp_label: str
) -> None:
    labels = ["NO", "NAMA", nik_label, jk_label, ttl_label, hp_label]
    s = Sheet("PSM", text_cols={"C"})
    title(s, len(labels), JAGALAN_TITLE)
    header(s, labels)
    rows = []
    for i, p in enumerate(JAGALAN[:3]):
        jk = "P" if i == 0 else p.jk  # SUPRIYADI typed P: only a reader of the gender column notices
        rows.append(s.add(i + 1, p.nama, p.nik, jk, p.ttl, f"08571234500{i}"))
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    for i, p in enumerate(JAGALAN[:3]):
        role = psm.role(p.nik)
        assert role is not None, p.nama
        assert role["tgl_lahir"] == p.iso and (role["tempat_lahir"] or "").lower() == p.tempat.lower()
        assert role["no_hp"] == f"08571234500{i}"
    assert [f for f in rep.about(rows[0]) if f.says("jenis kelamin")], f"{jk_label!r} was not read"


def test_kolom_maps_a_header_by_hand(psm: Psmctl, tmp_path: Path) -> None:
    s, rows = simple_roster(JAGALAN[:2], JAGALAN_TITLE)
    s.set(rows[0] - 1, 3, "NO. IDENTITAS")  # the header row: a label no alias table knows
    path = write_xlsx(tmp_path / "psm.xlsx", [s])
    rep = psm.import_roster(path, "--kolom", "NO. IDENTITAS=nik")
    assert rep.out.code == 0, rep.out.text
    landed(psm, JAGALAN[:2], kelurahan="Jagalan")


@pytest.mark.parametrize(
    "typed",
    [
        lambda n: "\u200b" + n,
        lambda n: n + "\u00a0",
        lambda n: " ".join(n[i : i + 4] for i in range(0, 16, 4)).replace(" ", "\u00a0"),
        lambda n: n[:8] + "\u200b" + n[8:],
        lambda n: "\ufeff" + n,
        lambda n: "'" + n,
    ],
    ids=["zwsp-before", "nbsp-after", "nbsp-groups", "zwsp-inside", "bom", "apostrophe"],
)
def test_invisible_characters_in_a_nik(psm: Psmctl, tmp_path: Path, typed: object) -> None:
    s, rows = simple_roster(JAGALAN[:3], JAGALAN_TITLE)
    assert callable(typed)
    s.set(rows[1], 3, typed(JAGALAN[1].nik))
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    role = psm.role(JAGALAN[1].nik)
    named = [f for f in rep.about(rows[1]) if f.says(WORDS["invisible"])]
    assert role is not None or named, [f.raw for f in rep.about(rows[1])]
    if role is None:
        assert JAGALAN[1].nik not in rep.text, "an error line masks the NIK"


def test_grouped_nik_is_one_nik_in_every_command(psm: Psmctl, tmp_path: Path) -> None:
    s, _ = simple_roster(JAGALAN[:2], JAGALAN_TITLE)
    psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    grouped = JAGALAN[0].grouped_nik
    assert psm("coverage", "check", grouped, "--on", "2025-03-01").code == 0
    assert psm("volunteers", "show", grouped).code == 0
    dotted = grouped.replace(" ", ".")
    paid = psm("payments", "record", "--nik", dotted, "--month", "2025-01", "--paid-on", "2025-01-20", "--yes")
    assert paid.code == 0, paid.text
    assert len(psm.payments()) == 1


def test_signature_block_and_jumlah_are_nobody(psm: Psmctl, tmp_path: Path) -> None:
    s, rows = simple_roster(JAGALAN[:4], JAGALAN_TITLE)
    s.add("JUMLAH", None, None, None, None, None, "4 orang")
    sig = signature(s, 5, LURAH)
    path = write_xlsx(tmp_path / "psm.xlsx", [s])
    rep = psm.import_roster(path)
    assert len(psm.register()) == 4
    assert not [f.raw for r in sig for f in rep.errors_at(r)]


# --- a birth date in three columns, a day alone, "(Almh)" after a name, a wrapped address, English headers ------


@pytest.mark.parametrize("ext", [".xlsx", ".ods"])
@pytest.mark.parametrize("month_as", ["number", "name"])
def test_birth_date_typed_in_tgl_bln_thn_columns(psm: Psmctl, tmp_path: Path, ext: str, month_as: str) -> None:
    """TANGGAL LAHIR merged over TGL | BLN | THN, as the old paper forms have it: one date, read from the three."""
    s = Sheet("PSM", text_cols={"C"})
    title(s, 7, JAGALAN_TITLE)
    s.blank()
    top = s.add("NO", "NAMA", "NIK", "TANGGAL LAHIR", None, None, "ALAMAT")
    sub = s.add(None, None, None, "TGL", "BLN", "THN")
    for col in "ABCG":
        s.merge(f"{col}{top}:{col}{sub}")
    s.merge(f"D{top}:F{top}")
    people = JAGALAN[:4]
    rows = [
        s.add(i + 1, p.nama, p.nik, p.born.day, p.born.month if month_as == "number" else MONTH_NAMES[p.born.month - 1],
              p.born.year, p.alamat)
        for i, p in enumerate(people)
    ]  # fmt: skip
    rep = psm.import_roster(write(tmp_path / f"psm{ext}", [s]))
    assert rep.out.code == 0, rep.out.text
    assert not rep.errors_at(sub), "the TGL | BLN | THN row is no person"
    for p, row in zip(people, rows, strict=True):
        role = psm.role(p.nik)
        assert role is not None and role["tgl_lahir"] == p.iso, [f.raw for f in rep.about(row)]
        assert not [f.raw for f in rep.about(row) if f.level != "info"], "read as written: nothing to say"
    assert not rep.saying("tidak dibaca"), "the BLN and THN columns are part of the date, not unused"


def test_a_day_alone_in_a_date_column_is_no_date_of_1900(psm: Psmctl, tmp_path: Path) -> None:
    s, row = date_roster(AUGUST, 17, ttl=False)
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert "1900-01-17" not in rep.text and "17-01-1900" not in rep.text
    role = psm.role(AUGUST.nik)
    assert role is not None and role["tgl_lahir"] == AUGUST.iso, "the NIK gives the date"
    assert [f for f in rep.about(row) if f.level == "warning" and f.says("17")], [f.raw for f in rep.about(row)]


@pytest.mark.parametrize("written", ["{} (Almh)", "{}, Alm.", "{} [alm]"])
def test_alm_after_the_name_is_named_too(psm: Psmctl, tmp_path: Path, written: str) -> None:
    s, rows = simple_roster(JAGALAN[:3], JAGALAN_TITLE)
    s.set(rows[1], 2, written.format(JAGALAN[1].nama))
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert [f for f in rep.about(rows[1]) if f.level == "warning" and f.says("alm")], rep.findings
    role = psm.role(JAGALAN[1].nik)
    assert role is not None and role["status"] != "AKTIF" and role["nama"] == JAGALAN[1].nama
    kept = psm.role(JAGALAN[2].nik)
    assert kept is not None and kept["status"] == "AKTIF", "a name merely holding 'alm' letters is no death"


def test_an_address_wrapped_onto_its_own_row_joins_the_person_above(psm: Psmctl, tmp_path: Path) -> None:
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "ALAMAT", "KETERANGAN"]
    s = Sheet("PSM", text_cols={"C"})
    title(s, len(labels), JAGALAN_TITLE)
    s.blank()
    header(s, labels)
    a = JAGALAN[0]
    first = s.add(1, a.nama, a.nik, a.jk, a.tempat, a.dmy, "Jl. Mawar 5", None)
    wrapped = s.add(None, None, None, None, None, None, "RT 02 RW 03", None)
    b = JAGALAN[1]
    second = s.add(2, b.nama, b.nik, b.jk, b.tempat, b.dmy, b.alamat, "Pindah ke")
    died = s.add(None, None, None, None, None, None, None, "Kel. Banjaran")
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert rep.out.code == 0 and not rep.errors_at(wrapped) and not rep.errors_at(died), rep.out.text
    assert "rt 02 rw 03" in psm.show(a.nik).lower(), "the second line of the address is kept"
    assert "baris lanjutan" in rep.out.text.lower(), "said on the terminal"
    assert [f for f in rep.about(second) if f.says("pindah")], "the KETERANGAN word is read on the person's row"
    assert len(psm.register()) == 2
    assert first < wrapped < second


def test_english_headers_from_an_application_export(psm: Psmctl, tmp_path: Path) -> None:
    labels = ["No", "Full Name", "ID Number (NIK)", "Sex", "Place of Birth", "Date of Birth", "Address"]
    s, rows = simple_roster(JAGALAN[:3], JAGALAN_TITLE, labels=labels)
    for row, p in zip(rows, JAGALAN[:3], strict=True):
        s.set(row, 4, "Male" if p.jk == "L" else "Female")
    rep = psm.import_roster(write_xlsx(tmp_path / "app.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    no_errors(rep, rows)
    landed(psm, JAGALAN[:3], kelurahan="Jagalan")
    assert not rep.saying("tidak dibaca")


def test_a_hidden_sheet_is_named_and_not_read_unless_asked(psm: Psmctl, tmp_path: Path) -> None:
    """Offices hide last year's list on a sheet of its own instead of deleting it."""
    now, _ = simple_roster(JAGALAN[:2], JAGALAN_TITLE)
    old, _ = simple_roster(JAGALAN[2:4], JAGALAN_TITLE)
    old.name, old.hidden = "2024", True
    path = write_xlsx(tmp_path / "psm.xlsx", [now, old])
    rep = psm.import_roster(path, "--all-sheets")
    assert rep.out.code == 0, rep.out.text
    assert "tersembunyi" in rep.out.text and "2024" in rep.out.text, "named on the terminal"
    assert {r["nik"] for r in psm.register()} == {p.nik for p in JAGALAN[:2]}
    rep = psm.import_roster(path, "--all-sheets", "--sertakan-tersembunyi")
    assert {r["nik"] for r in psm.register()} == {p.nik for p in JAGALAN[:4]}


def test_a_note_line_under_the_list_is_no_person(psm: Psmctl, tmp_path: Path) -> None:
    s, rows = simple_roster(JAGALAN[:2], JAGALAN_TITLE)
    s.blank()
    note = s.add("Catatan: data per 1 Desember 2026, 2 orang belum menyerahkan KTP")
    star = s.add("*) coret yang tidak perlu")
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert rep.out.code == 0 and not rep.errors_at(note) and not rep.errors_at(star), rep.out.text
    assert "belum menyerahkan ktp" in rep.out.text.lower(), "the note is shown, not swallowed"
    assert len(psm.register()) == 2


@pytest.mark.parametrize("ext", [".xlsx", ".ods"])
def test_a_struck_through_person_is_named_and_not_imported_unless_asked(psm: Psmctl, tmp_path: Path, ext: str) -> None:
    """Offices strike a person out of the list instead of deleting the row (in Excel or in LibreOffice)."""
    s, rows = simple_roster(JAGALAN[:3], JAGALAN_TITLE)
    s.struck_rows.add(rows[1])
    path = write(tmp_path / f"psm{ext}", [s])
    rep = psm.import_roster(path)
    assert rep.out.code == 0, rep.out.text
    assert [f for f in rep.about(rows[1]) if f.level == "warning" and f.says("dicoret")], rep.findings
    assert [f.code for f in rep.about(rows[1])] == ["ROW_STRUCK"], [f.raw for f in rep.about(rows[1])]
    assert "dicoret" in rep.out.text, "said on the terminal"
    assert {r["nik"] for r in psm.register()} == {JAGALAN[0].nik, JAGALAN[2].nik}
    psm.import_roster(path, "--sertakan-tersembunyi")
    assert {r["nik"] for r in psm.register()} == {p.nik for p in JAGALAN[:3]}


@pytest.mark.parametrize("ext", [".xlsx", ".ods"])
def test_a_note_on_a_cell_is_shown_and_read_as_keterangan(psm: Psmctl, tmp_path: Path, ext: str) -> None:
    """'meninggal 3 Nov' written as a comment on the name, not in any column: never silently AKTIF."""
    s, rows = simple_roster(JAGALAN[:3], JAGALAN_TITLE)
    s.comments[f"B{rows[1]}"] = "meninggal 3 Nov 2026"
    s.comments[f"G{rows[2]}"] = f"NIK lama {JAGALAN[0].nik}, alamat baru belum diisi"
    rep = psm.import_roster(write(tmp_path / f"psm{ext}", [s]))
    assert rep.out.code == 0, rep.out.text
    assert "meninggal 3 nov 2026" in rep.out.text.lower(), "the note is shown on the terminal"
    noted = [f for f in rep.about(rows[1]) if f.code == "CELL_COMMENT"]
    assert noted and noted[0].says("meninggal 3 nov 2026"), [f.raw for f in rep.about(rows[1])]
    assert [f for f in rep.about(rows[1]) if f.level == "warning" and f.code == "STOP_WORD"], rep.findings
    died = psm.role(JAGALAN[1].nik)
    assert died is not None and died["status"] != "AKTIF"
    kept = psm.role(JAGALAN[2].nik)
    assert kept is not None and kept["status"] == "AKTIF"
    assert "alamat baru belum diisi" in psm.show(JAGALAN[2].nik), "another note is kept on the person"
    assert JAGALAN[0].nik not in rep.out.text, "a NIK in a note is masked"


@pytest.mark.parametrize("form", ["KELURAHAN {}", "Kel. {}", "A. DESA/KELURAHAN {}"])
@pytest.mark.parametrize("ext", [".xlsx", ".ods"])
def test_kelurahan_section_titles_of_a_kecamatan_list(psm: Psmctl, tmp_path: Path, form: str, ext: str) -> None:
    """A kecamatan-wide list grouped by kelurahan under lines of their own: each group in its kelurahan, and the
    lines are no people."""
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "ALAMAT"]
    s = Sheet("PSM", text_cols={"C"})
    title(s, len(labels), "DAFTAR PEKERJA SOSIAL MASYARAKAT KECAMATAN KOTA", "KOTA KEDIRI TAHUN 2025")
    header(s, labels)
    lines = []
    for people in (JAGALAN[:2], BANJARAN):
        lines.append(s.add(form.format(people[0].kelurahan.upper())))
        s.merge(f"A{lines[-1]}:G{lines[-1]}")
        people_rows(s, people, labels)
    rep = psm.import_roster(write(tmp_path / f"psm{ext}", [s]))
    assert rep.out.code == 0, rep.out.text
    for line in lines:
        assert not rep.errors_at(line), [f.raw for f in rep.about(line)]
    landed(psm, [*JAGALAN[:2], *BANJARAN])
    assert not rep.saying("kelurahan tidak diketahui")


def test_kelurahan_sections_inside_an_unsur_section_keep_the_unsur(psm: Psmctl, tmp_path: Path) -> None:
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "ALAMAT"]
    s = Sheet("DATA", text_cols={"C"})
    title(s, len(labels), "DAFTAR RELAWAN SOSIAL KECAMATAN KOTA", "KOTA KEDIRI TAHUN 2025")
    header(s, labels)
    s.add("A. TENAGA KESEJAHTERAAN SOSIAL KECAMATAN (TKSK)")
    s.add("KELURAHAN JAGALAN")
    people_rows(s, JAGALAN[:1], labels)
    s.add("KELURAHAN BANJARAN")
    people_rows(s, BANJARAN[:1], labels)
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    landed(psm, [JAGALAN[0], BANJARAN[0]], unsur="TKSK")


@pytest.mark.parametrize(
    "form",
    ["{kel} ({kec})", "{kel}, Kec. {kec}", "{kel} - {kec}", "Kel. {kel} Kec. {kec}", "{kel} {kec}", "Kelurahan: {kel}"],
)
def test_a_kelurahan_cell_that_names_its_kecamatan_too(psm: Psmctl, tmp_path: Path, form: str) -> None:
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "KELURAHAN"]
    people = [*JAGALAN[:2], *BANDAR_LOR[:1]]
    s = Sheet("PSM", text_cols={"C"})
    title(s, len(labels), "DAFTAR PSM KOTA KEDIRI TAHUN 2025")
    header(s, labels)
    cells = {
        i: {"KELURAHAN": form.format(kel=p.kelurahan.upper(), kec=p.kecamatan.upper())} for i, p in enumerate(people)
    }
    rows = people_rows(s, people, labels, cells=cells)
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    no_errors(rep, rows)
    landed(psm, people)
    assert not rep.saying("tidak ada di daftar resmi")


def test_ttl_over_tempat_and_a_date_in_three_columns(psm: Psmctl, tmp_path: Path) -> None:
    s = Sheet("PSM", text_cols={"C"})
    title(s, 7, JAGALAN_TITLE)
    top = s.add("NO", "NAMA", "NIK", "TEMPAT, TGL LAHIR", None, None, None)
    sub = s.add(None, None, None, "TEMPAT", "TGL", "BLN", "THN")
    for col in "ABC":
        s.merge(f"{col}{top}:{col}{sub}")
    s.merge(f"D{top}:G{top}")
    p = JAGALAN[2]
    row = s.add(1, p.nama, p.nik, p.tempat, p.born.day, p.born.month, p.born.year)
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    role = psm.role(p.nik)
    assert role is not None and role["tgl_lahir"] == p.iso, [f.raw for f in rep.about(row)]
    assert (role["tempat_lahir"] or "").lower() == p.tempat.lower()
    assert not rep.saying("tidak dibaca")


def test_a_tksk_list_names_where_each_serves_with_tugas_headers(psm: Psmctl, tmp_path: Path) -> None:
    """A TKSK list says where each serves and since when: "KECAMATAN TUGAS", "SK PENGANGKATAN", "TMT TUGAS" are
    the kecamatan, SK and TMT; "TEMPAT TUGAS" (a place of duty) is never taken for the birthplace: it is named."""
    labels = ["NO", "NAMA TKSK", "NIK", "TEMPAT LAHIR", "TGL LAHIR", "KECAMATAN TUGAS", "SK PENGANGKATAN",
              "TMT TUGAS", "TEMPAT TUGAS"]  # fmt: skip
    s = Sheet("TKSK", text_cols={"C"})
    title(s, len(labels), "DATA TENAGA KESEJAHTERAAN SOSIAL KECAMATAN (TKSK)", "KOTA KEDIRI TAHUN 2025")
    header(s, labels)
    cells = {i: {"KECAMATAN TUGAS": p.kecamatan, "SK PENGANGKATAN": f"460/{i + 1}/419.33/2024",
                 "TMT TUGAS": "02-01-2024", "TEMPAT TUGAS": "Kantor Kecamatan Pesantren"}
             for i, p in enumerate(TKSK_PESANTREN)}  # fmt: skip
    rows = people_rows(s, TKSK_PESANTREN, labels, cells=cells)
    rep = psm.import_roster(write_xlsx(tmp_path / "tksk.xlsx", [s]), "--unsur", "TKSK")
    assert rep.out.code == 0, rep.out.text
    no_errors(rep, rows)
    for p in TKSK_PESANTREN:
        role = psm.role(p.nik, "TKSK")
        assert role is not None and role["kecamatan"] == "Pesantren", role
        shown = json.loads(psm.show(p.nik))
        assert [(r["no_sk"], r["tmt"]) for r in shown["roles"]] == [(f"460/{TKSK_PESANTREN.index(p) + 1}/419.33/2024",
                                                                     "2024-01-02")]  # fmt: skip
        assert {f["field"]: f["value"] for f in shown["facts"]}[
            "tempat_lahir"
        ] == p.tempat.lower()  # show(): lower-cased
    unused = [f for f in rep.findings if f.code == "COLUMN_UNUSED"]
    assert len(unused) == 1 and unused[0].says("tempat tugas", "kantor kecamatan"), [f.raw for f in rep.findings]


def test_no_phone_or_kk_written_as_words_is_empty_not_a_number(psm: Psmctl, tmp_path: Path) -> None:
    """ "Tidak ada", "belum ada", "-" or "?" in NO HP or NO KK say there is none: the field stays empty, without a
    warning, and is never kept as the person's phone or KK. A real number beside them is read."""
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TGL LAHIR", "NO HP", "NO KK"]
    people = JAGALAN[:4]
    said = ["Tidak ada", "belum ada", "?", "0812-3456-7890"]
    cells = {i: {"NO HP": said[i], "NO KK": "tdk ada" if i < 3 else "3571010101900001"} for i in range(4)}
    s = Sheet("Sheet1", text_cols={"C", "G"})
    title(s, len(labels), JAGALAN_TITLE)
    header(s, labels)
    rows = people_rows(s, people, labels, cells=cells)
    rep = psm.import_roster(write_xlsx(tmp_path / "kosong.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    assert not [f.raw for r in rows for f in rep.about(r) if f.code in ("PHONE_INVALID", "KK_FORMAT")]
    for i, p in enumerate(people):
        facts = {f["field"]: f["value"] for f in json.loads(psm.show(p.nik))["facts"]}
        if i < 3:
            assert (facts["no_hp"], facts["no_kk"]) == (None, None), facts
        else:
            assert (facts["no_hp"], facts["no_kk"]) == ("081234567890", "3571010101900001"), facts


def test_gender_words_as_offices_shorten_and_annotate_them(psm: Psmctl, tmp_path: Path) -> None:
    """ "Laki2" (the 2 doubles the word), "Perempuan (P)", "Laki-laki/L", "Prmpn", "Perempuan (janda)" are read as
    the gender they say, with no warning; "L/P" says two genders: a warning, and the NIK's is kept."""
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TGL LAHIR"]
    people = JAGALAN[:6]  # L, P, L, P, L, P
    said = ["Laki2", "Perempuan (P)", "Laki-laki/L", "Prmpn", "L/P", "Perempuan (janda)"]
    s = Sheet("Sheet1", text_cols={"C"})
    title(s, len(labels), JAGALAN_TITLE)
    header(s, labels)
    rows = people_rows(s, people, labels, cells={i: {"JENIS KELAMIN": w} for i, w in enumerate(said)})
    rep = psm.import_roster(write_xlsx(tmp_path / "jk.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    for i, p in enumerate(people):
        role = psm.role(p.nik)
        assert role is not None and role["jenis_kelamin"] == p.jk, (said[i], role)
        unknown = [f for f in rep.about(rows[i]) if f.code == "GENDER_UNKNOWN"]
        assert bool(unknown) == (said[i] == "L/P"), (said[i], [f.raw for f in rep.about(rows[i])])

"""Issue 15 leftovers a new-user trial found, each on a file the test writes and asserted as the user sees it:
data cells are never header labels, a skipped sheet is said where the admin looks, KETERANGAN of payments and
daftar hadir is kept, a section title above the first header gives the table its unsur, a list given to the wrong
import is refused naming the right one."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from corpus.cli import Psmctl
from corpus.files import clean_roster, header, people_rows, title
from corpus.people import JAGALAN, TKSK_PESANTREN, Person
from corpus.workbook import Sheet, write_xlsx

TITLE = "DAFTAR PSM KELURAHAN JAGALAN KECAMATAN KOTA"


# --- 1. a data cell is never a header label -------------------------------------------------------------------


@pytest.mark.parametrize("labels", [["NO", "NAMA", "NIK", "TGL LAHIR", "ALAMAT"], ["NAMA", "NIK", "ALAMAT"]])
@pytest.mark.parametrize(
    "alamat",
    ["JL. MAWAR 3 RT 01 RW 02", "Jl. Kenanga No. 5 RT.003/RW.004", "Dusun Krajan RT 1 RW 2 Kel/Desa Jagalan"],
)
def test_an_address_with_rt_rw_under_the_header_is_a_person_not_a_second_header_row(
    psm: Psmctl, tmp_path: Path, alamat: str, labels: list[str]
) -> None:
    people = JAGALAN[:3]
    s = Sheet("PSM", text_cols={"C"})
    title(s, len(labels), TITLE)
    header(s, labels)
    people_rows(s, people, labels, cells={0: {"ALAMAT": alamat}})
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    assert sorted(r["nama"] for r in psm.register()) == sorted(p.nama for p in people)
    first = psm.role(people[0].nik)
    assert first is not None and first["alamat"] == alamat
    assert not rep.saying("rt/rw"), [f.raw for f in rep.saying("rt/rw")]


# --- 4. a section title above the first header ----------------------------------------------------------------


def test_a_section_title_above_the_first_header_gives_its_table_the_unsur(psm: Psmctl, tmp_path: Path) -> None:
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TGL LAHIR", "KELURAHAN"]
    tksk = [Person(p.nama, p.jk, p.tempat, p.born, p.kec, p.serial, "Jagalan", "Kota") for p in TKSK_PESANTREN]
    s = Sheet("PSKS", text_cols={"C"})
    title(s, len(labels), "DATA TKSK DAN PSM KELURAHAN JAGALAN KECAMATAN KOTA")  # names TKSK first
    sec_a = s.add("A. PEKERJA SOSIAL MASYARAKAT (PSM)")
    header(s, labels)
    people_rows(s, JAGALAN[:3], labels)
    s.blank()
    sec_b = s.add("B. TENAGA KESEJAHTERAAN SOSIAL KECAMATAN (TKSK)")
    header(s, labels)
    people_rows(s, tksk, labels)
    rep = psm.import_roster(write_xlsx(tmp_path / "psks.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    assert {r["nama"]: r["unsur"] for r in psm.register()} == {
        **{p.nama: "PSM" for p in JAGALAN[:3]},
        **{p.nama: "TKSK" for p in tksk},
    }
    sections = [f for f in rep.findings if f.code == "SECTION_TITLE"]
    assert [f.row for f in sections] == [sec_a, sec_b], [f.raw for f in sections]
    assert sections[0].says("pekerja sosial masyarakat", "psm")


def test_a_plain_title_line_above_the_header_is_no_section(psm: Psmctl, tmp_path: Path) -> None:
    labels = ["NO", "NAMA", "NIK", "TGL LAHIR"]
    s = Sheet("PSM", text_cols={"C"})
    title(s, len(labels), "DAFTAR PEKERJA SOSIAL MASYARAKAT (PSM)", "KELURAHAN JAGALAN KECAMATAN KOTA")
    header(s, labels)
    people_rows(s, JAGALAN[:2], labels)
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    assert not [f.raw for f in rep.findings if f.code == "SECTION_TITLE"]
    assert {r["unsur"] for r in psm.register()} == {"PSM"}


# --- 2. a skipped sheet is said on screen and in the report ---------------------------------------------------

PAY_LABELS = ["NO", "NIK", "NAMA", "BULAN IURAN", "TGL BAYAR", "IURAN (RP)", "KETERANGAN"]
HADIR_LABELS = ["NO", "NAMA", "NIK", "JPL", "KETERANGAN"]


def _rekap() -> Sheet:
    """The recap sheet offices add after the list: counts per kelurahan, no person."""
    s = Sheet("Rekap")
    s.add("REKAPITULASI PSM PER KELURAHAN")
    s.add("KELURAHAN", "JUMLAH PSM")
    s.add("Jagalan", 3)
    s.add("Banjaran", 2)
    return s


def _list(path: Path, labels: list[str], name: str = "Daftar") -> Path:
    s = Sheet(name, text_cols={"B", "C"})
    title(s, len(labels), "DAFTAR KELURAHAN JAGALAN KECAMATAN KOTA")
    header(s, labels)
    people_rows(s, JAGALAN[:2], labels)
    return write_xlsx(path, [s, _rekap()])


def _skipped_said(out: str, report: Path) -> None:
    lines = [line for line in out.splitlines() if "lembar 'Rekap' dilewati" in line]
    assert len(lines) == 1 and "judul kolom" in lines[0], out
    ws = openpyxl.load_workbook(report)["Masalah"]
    rows = [[str(c or "") for c in row] for row in ws.iter_rows(values_only=True)]
    said = [r for r in rows if "SHEET_SKIPPED" in r]
    assert len(said) == 1 and "Rekap" in said[0] and any("dilewati" in c for c in said[0]), rows


@pytest.fixture
def office(psm: Psmctl, tmp_path: Path) -> Psmctl:
    """Jagalan's PSM on the register."""
    out = psm("import", "roster", clean_roster(tmp_path / "register.xlsx", JAGALAN[:3]))
    assert out.code == 0, out.text
    return psm


def test_a_recap_sheet_beside_a_payment_list_is_said_on_screen_and_in_the_report(
    office: Psmctl, tmp_path: Path
) -> None:
    report = tmp_path / "masalah.xlsx"
    out = office("payments", "import", _list(tmp_path / "bayar.xlsx", PAY_LABELS), "--report", report)
    assert out.code == 0, out.text
    _skipped_said(out.stdout, report)
    assert [p["total_rupiah"] for p in office.payments()] == [16800, 16800]
    assert "COLUMN_UNUSED" not in out.stdout, out.stdout  # IURAN (RP) is the amount paid


def test_a_recap_sheet_beside_a_daftar_hadir_is_said_on_screen_and_in_the_report(
    office: Psmctl, tmp_path: Path
) -> None:
    training = office.add_training()
    report = tmp_path / "masalah.xlsx"
    out = office(
        "attendance", "import", str(training), _list(tmp_path / "hadir.xlsx", HADIR_LABELS), "--report", report
    )
    assert out.code == 0, out.text
    _skipped_said(out.stdout, report)
    assert len(office.attendees(training)) == 2


# --- 3. KETERANGAN of a payment list and a daftar hadir is kept on its row ------------------------------------

NOTES = {0: {"KETERANGAN": "lunas via transfer BRI"}, 1: {"KETERANGAN": "Meninggal dunia 3 Mei 2025"}}


def _noted(path: Path, labels: list[str], cells: dict[int, dict[str, object]] = NOTES) -> Path:
    s = Sheet("Daftar", text_cols={"B", "C"})
    title(s, len(labels), "DAFTAR KELURAHAN JAGALAN KECAMATAN KOTA")
    header(s, labels)
    people_rows(s, JAGALAN[:3], labels, cells=cells)
    return write_xlsx(path, [s])


def test_keterangan_of_a_payment_list_is_kept_on_each_payment(office: Psmctl, tmp_path: Path) -> None:
    path = _noted(tmp_path / "bayar.xlsx", PAY_LABELS)
    rep = office.import_payments(path, "--dry-run")
    stop = [f for f in rep.findings if f.code == "STOP_WORD"]
    assert len(stop) == 1 and stop[0].says("meninggal") and stop[0].level == "warning", [f.raw for f in stop]
    assert rep.payload[0]["details"]["notes_kept"] == 2
    out = office("payments", "import", path)
    assert out.code == 0, out.text
    assert "KETERANGAN 2 baris disimpan sebagai catatan" in out.stdout, out.stdout
    kept = {p["nama"]: p["keterangan"] for p in office.payments()}
    assert kept == {JAGALAN[0].nama: "lunas via transfer BRI", JAGALAN[1].nama: "Meninggal dunia 3 Mei 2025",
                    JAGALAN[2].nama: None}  # fmt: skip
    listed = office("payments", "list")
    assert "Keterangan" in listed.stdout and "transfer BRI" in listed.stdout, listed.stdout


def test_keterangan_of_a_daftar_hadir_is_kept_on_each_attendance(office: Psmctl, tmp_path: Path) -> None:
    training = office.add_training()
    path = _noted(tmp_path / "hadir.xlsx", HADIR_LABELS)
    rep = office.import_attendance(training, path, "--dry-run")
    stop = [f for f in rep.findings if f.code == "STOP_WORD"]
    assert len(stop) == 1 and stop[0].says("meninggal") and stop[0].level == "warning", [f.raw for f in stop]
    assert rep.payload[0]["details"]["notes_kept"] == 2
    out = office("attendance", "import", str(training), path)
    assert out.code == 0, out.text
    assert "KETERANGAN 2 baris disimpan sebagai catatan" in out.stdout, out.stdout
    kept = {a["nama"]: a["keterangan"] for a in office.attendees(training)}
    assert kept == {JAGALAN[0].nama: "lunas via transfer BRI", JAGALAN[1].nama: "Meninggal dunia 3 Mei 2025",
                    JAGALAN[2].nama: None}  # fmt: skip
    shown = office("training", "show", str(training))
    assert "Keterangan" in shown.stdout and "transfer BRI" in shown.stdout, shown.stdout


# --- 6. a list given to the import of another kind is refused, naming the right command -----------------------


def _one_line_naming(out_text: str, command: str, *not_in: str) -> None:
    lines = [line for line in out_text.splitlines() if command in line]
    assert len(lines) == 1, out_text
    assert all(x not in out_text for x in not_in), out_text  # no NIK in the line


def test_a_roster_given_to_payments_import_is_refused_naming_import_roster(office: Psmctl, tmp_path: Path) -> None:
    path = clean_roster(tmp_path / "psm_jagalan.xlsx", JAGALAN[3:6])
    out = office("payments", "import", path)
    assert out.code == 1, out.text
    _one_line_naming(out.stderr, "psmctl import roster psm_jagalan.xlsx", *(p.nik for p in JAGALAN))
    assert "daftar relawan" in out.stderr and "bukan daftar pembayaran" in out.stderr, out.stderr
    assert office.payments() == []


def test_a_payment_list_given_to_attendance_import_is_refused_naming_payments_import(
    office: Psmctl, tmp_path: Path
) -> None:
    training = office.add_training()
    path = _list(tmp_path / "bayar.xlsx", PAY_LABELS)
    out = office("attendance", "import", str(training), path)
    assert out.code == 1, out.text
    _one_line_naming(out.stderr, "psmctl payments import bayar.xlsx", *(p.nik for p in JAGALAN))
    assert office.attendees(training) == []


# --- the roster importer: the same rules ----------------------------------------------------------------------


def test_a_recap_sheet_beside_a_roster_is_said_on_screen_and_in_the_report(psm: Psmctl, tmp_path: Path) -> None:
    s = Sheet("PSM", text_cols={"C"})
    labels = ["NO", "NAMA", "NIK", "TGL LAHIR", "KELURAHAN"]
    title(s, len(labels), TITLE)
    header(s, labels)
    people_rows(s, JAGALAN[:2], labels)
    report = tmp_path / "masalah.xlsx"
    out = psm("import", "roster", write_xlsx(tmp_path / "psm.xlsx", [s, _rekap()]), "--report", report)
    assert out.code == 0, out.text
    _skipped_said(out.stdout, report)
    assert len(psm.register()) == 2


def test_only_the_first_sheet_read_names_the_others(psm: Psmctl, tmp_path: Path) -> None:
    assert psm("config", "set", "import.sheets", "first").code == 0
    labels = ["NO", "NAMA", "NIK", "TGL LAHIR", "KELURAHAN"]
    sheets = []
    for name, people in (("PSM 1", JAGALAN[:2]), ("PSM 2", JAGALAN[2:4])):
        s = Sheet(name, text_cols={"C"})
        title(s, len(labels), TITLE)
        header(s, labels)
        people_rows(s, people, labels)
        sheets.append(s)
    out = psm("import", "roster", write_xlsx(tmp_path / "psm.xlsx", sheets))
    assert out.code == 0, out.text
    lines = [line for line in out.stdout.splitlines() if "lembar 'PSM 2' dilewati" in line]
    assert len(lines) == 1 and "import.sheets" in lines[0] and "--all-sheets" in lines[0], out.stdout
    assert len(psm.register()) == 2


def test_a_payment_list_given_to_import_roster_is_refused_naming_payments_import(psm: Psmctl, tmp_path: Path) -> None:
    out = psm("import", "roster", _list(tmp_path / "bayar.xlsx", PAY_LABELS))
    assert out.code == 1, out.text
    _one_line_naming(out.stderr, "psmctl payments import bayar.xlsx", *(p.nik for p in JAGALAN))
    assert "daftar pembayaran iuran" in out.stderr and "bukan daftar relawan" in out.stderr, out.stderr
    assert psm.register() == []


def test_a_daftar_hadir_given_to_import_roster_is_refused_naming_attendance_import(psm: Psmctl, tmp_path: Path) -> None:
    out = psm("import", "roster", _list(tmp_path / "hadir.xlsx", HADIR_LABELS))
    assert out.code == 1, out.text
    _one_line_naming(out.stderr, "psmctl attendance import ID_PELATIHAN hadir.xlsx", *(p.nik for p in JAGALAN))
    assert psm.register() == []


def test_a_payment_list_sheet_beside_a_roster_is_skipped_naming_payments_import(psm: Psmctl, tmp_path: Path) -> None:
    labels = ["NO", "NAMA", "NIK", "TGL LAHIR", "KELURAHAN"]
    roster = Sheet("PSM", text_cols={"C"})
    title(roster, len(labels), TITLE)
    header(roster, labels)
    people_rows(roster, JAGALAN[:2], labels)
    bayar = Sheet("Bayar", text_cols={"B", "C"})
    title(bayar, len(PAY_LABELS), "DAFTAR KELURAHAN JAGALAN KECAMATAN KOTA")
    header(bayar, PAY_LABELS)
    people_rows(bayar, JAGALAN[2:4], PAY_LABELS)
    path = write_xlsx(tmp_path / "psm.xlsx", [roster, bayar])
    rep = psm.import_roster(path, "--dry-run")
    skips = [f for f in rep.findings if f.code == "SHEET_SKIPPED"]
    assert len(skips) == 1 and skips[0].raw["sheet"] == "Bayar", [f.raw for f in skips]
    assert skips[0].says("lembar 'bayar' dilewati", "daftar pembayaran iuran", "psmctl payments import psm.xlsx")
    out = psm("import", "roster", path)
    assert out.code == 0, out.text
    lines = [line for line in out.stdout.splitlines() if "lembar 'Bayar' dilewati" in line]
    assert len(lines) == 1 and "psmctl payments import" in lines[0], out.stdout
    assert sorted(r["nama"] for r in psm.register()) == sorted(p.nama for p in JAGALAN[:2])
    assert all(p.nik not in out.text for p in JAGALAN), out.text


# --- 5. the same roster imported twice says the same -----------------------------------------------------------


def test_the_same_roster_imported_twice_gives_the_same_warnings(psm: Psmctl, tmp_path: Path) -> None:
    """Two people on the PSM table and on the TKSK table of one file, one with L/P unlike the NIK's: the first
    import says they are on two rosters as the second does, and each row is counted once."""
    labels = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TGL LAHIR", "KELURAHAN"]
    s = Sheet("PSKS", text_cols={"C"})
    title(s, len(labels), "DATA PSKS KELURAHAN JAGALAN KECAMATAN KOTA")
    s.add("A. PEKERJA SOSIAL MASYARAKAT (PSM)")
    header(s, labels)
    psm_rows = people_rows(s, JAGALAN[:3], labels, cells={0: {"JENIS KELAMIN": "P"}})
    s.blank()
    s.add("B. TENAGA KESEJAHTERAAN SOSIAL KECAMATAN (TKSK)")
    header(s, labels)
    tksk_rows = people_rows(s, JAGALAN[:2], labels, cells={0: {"JENIS KELAMIN": "P"}})
    path = write_xlsx(tmp_path / "psks.xlsx", [s])
    first, second = psm.import_roster(path), psm.import_roster(path)
    for rep in (first, second):
        assert rep.out.code == 0, rep.out.text
        assert rep.payload[0]["counts"]["warnings"] == 4, rep.payload[0]["counts"]  # rows 4, 5, 10, 11
        both = sorted(f.row or 0 for f in rep.findings if f.code == "NIK_ON_OTHER_ROSTER")
        assert both == sorted([*psm_rows[:2], *tksk_rows]), [f.raw for f in rep.findings]
    said = {(f.row, f.code, f.raw["message"]) for f in first.findings if f.level == "warning"}
    assert said == {(f.row, f.code, f.raw["message"]) for f in second.findings if f.level == "warning"}


def test_a_row_with_two_warnings_counts_once_in_every_import(office: Psmctl, tmp_path: Path) -> None:
    """counts.warnings is the rows read with at least one warning in payments and attendance too, as in the
    roster: a paid amount unlike the rate and a KETERANGAN saying the person died are two findings on one row."""
    pay = _noted(tmp_path / "bayar.xlsx", PAY_LABELS, {0: {"IURAN (RP)": 20000, "KETERANGAN": "meninggal dunia"}})
    training = office.add_training()
    hadir = _noted(tmp_path / "hadir.xlsx", HADIR_LABELS, {0: {"JPL": 999, "KETERANGAN": "meninggal dunia"}})
    for rep in (office.import_payments(pay, "--dry-run"), office.import_attendance(training, hadir, "--dry-run")):
        assert rep.out.code == 0, rep.out.text
        warned = [f for f in rep.findings if f.level == "warning"]
        assert len(warned) == 2 and len({f.row for f in warned}) == 1, [f.raw for f in warned]
        assert rep.payload[0]["counts"]["warnings"] == 1, rep.payload[0]["counts"]


# --- 7. a dash for "nothing" and Excel's text marker are not data -----------------------------------------------


@pytest.mark.parametrize("dash", ["-", "--", "—", " - "])
def test_a_dash_address_is_stored_empty_and_an_apostrophe_phone_is_a_phone(
    psm: Psmctl, tmp_path: Path, dash: str
) -> None:
    labels = ["NO", "NAMA", "NIK", "TGL LAHIR", "ALAMAT", "NO HP", "KELURAHAN"]
    s = Sheet("PSM", text_cols={"C", "F"})
    title(s, len(labels), TITLE)
    header(s, labels)
    people_rows(s, JAGALAN[:2], labels, cells={0: {"ALAMAT": dash, "NO HP": "'081234567890"}, 1: {"NO HP": dash}})
    rep = psm.import_roster(write_xlsx(tmp_path / "psm.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    first, second = psm.role(JAGALAN[0].nik), psm.role(JAGALAN[1].nik)
    assert first is not None and second is not None
    assert first["alamat"] in (None, "") and first["no_hp"] == "081234567890", first
    assert second["no_hp"] in (None, "") and second["alamat"] == JAGALAN[1].alamat, second
    assert not [f.raw for f in rep.findings if f.code in ("PHONE_INVALID", "COLUMN_UNUSED")]


def test_a_dash_keterangan_is_no_note_in_payments_and_attendance(office: Psmctl, tmp_path: Path) -> None:
    dash = {0: {"KETERANGAN": "-"}, 1: {"KETERANGAN": "—"}}
    out = office("payments", "import", _noted(tmp_path / "bayar.xlsx", PAY_LABELS, dash))
    assert out.code == 0, out.text
    assert [p["keterangan"] for p in office.payments()] == [None, None, None]
    training = office.add_training()
    out = office("attendance", "import", str(training), _noted(tmp_path / "hadir.xlsx", HADIR_LABELS, dash))
    assert out.code == 0, out.text
    assert [a["keterangan"] for a in office.attendees(training)] == [None, None, None]


def test_the_same_daftar_hadir_imported_twice_gives_the_same_warnings(office: Psmctl, tmp_path: Path) -> None:
    training = office.add_training()
    path = _noted(tmp_path / "hadir.xlsx", HADIR_LABELS, {0: {"JPL": 999, "KETERANGAN": "meninggal dunia"}})
    first, second = office.import_attendance(training, path), office.import_attendance(training, path)
    for rep in (first, second):
        assert rep.out.code == 0, rep.out.text
        assert rep.payload[0]["counts"]["warnings"] == 1, rep.payload[0]["counts"]
    said = {(f.row, f.code, f.raw["message"]) for f in first.findings if f.level == "warning"}
    assert len(said) == 2
    assert said == {(f.row, f.code, f.raw["message"]) for f in second.findings if f.level == "warning"}

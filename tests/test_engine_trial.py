"""Issue 15 leftovers a new-user trial found, each on a file the test writes and asserted as the user sees it:
data cells are never header labels, a skipped sheet is said where the admin looks, KETERANGAN of payments and
daftar hadir is kept, a section title above the first header gives the table its unsur, a list given to the wrong
import is refused naming the right one."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus.cli import Psmctl
from corpus.files import header, people_rows, title
from corpus.people import JAGALAN, TKSK_PESANTREN, Person
from corpus.workbook import Sheet, write_xlsx
from typer.testing import CliRunner

TITLE = "DAFTAR PSM KELURAHAN JAGALAN KECAMATAN KOTA"


@pytest.fixture
def psm(runner: CliRunner) -> Psmctl:
    tool = Psmctl(runner)
    tool.init()
    return tool


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

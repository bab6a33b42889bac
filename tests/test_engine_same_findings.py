"""Issue 15: the same quirk fed to each of the three imports (roster, payment list, daftar hadir) gives the same
finding, because they share one engine. Each file is built here and imported through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus.cli import Psmctl, Report
from corpus.files import clean_roster, header, people_rows, signature, title
from corpus.people import JAGALAN, SUNIPAH
from corpus.workbook import Sheet, write, write_csv, write_xlsx
from typer.testing import CliRunner

PEOPLE = JAGALAN[:4]
ROSTER = ["NO", "NAMA", "NIK", "JENIS KELAMIN", "TEMPAT LAHIR", "TGL LAHIR", "ALAMAT", "KELURAHAN", "KECAMATAN"]
PAYMENTS = ["NO", "NAMA", "NIK", "BULAN IURAN", "TGL BAYAR", "SEGMEN", "JUMLAH (RP)", "SUMBER DANA"]
HADIR = ["NO", "NAMA", "NIK", "KELURAHAN", "KEHADIRAN", "JPL"]


@pytest.fixture
def psm(runner: CliRunner, tmp_path: Path) -> Psmctl:
    tool = Psmctl(runner)
    tool.init()
    out = tool.import_roster(clean_roster(tmp_path / "dinas.xlsx", [*PEOPLE, SUNIPAH]))
    assert out.out.code == 0, out.out.text
    return tool


def _sheet(labels: list[str], extra: str | None = None) -> tuple[Sheet, list[int]]:
    cols = [*labels, extra] if extra else labels
    s = Sheet("DATA", text_cols={"C"})
    title(s, len(cols), "DAFTAR KELURAHAN JAGALAN KECAMATAN KOTA", "KOTA KEDIRI TAHUN 2025")
    s.blank()
    header(s, cols)
    cells = {i: {extra: "Islam"} for i in range(len(PEOPLE))} if extra else None
    rows = people_rows(s, PEOPLE, cols, cells=cells)
    return s, rows


def _import(psm: Psmctl, kind: str, path: Path) -> Report:
    if kind == "roster":
        return psm.import_roster(path, "--unsur", "PSM")
    if kind == "payments":
        return psm.import_payments(path)
    return psm.import_attendance(psm.add_training(), path)


LABELS = {"roster": ROSTER, "payments": PAYMENTS, "attendance": HADIR}


@pytest.mark.parametrize("kind", ["roster", "payments", "attendance"])
def test_a_hidden_row_is_named_and_not_imported_by_every_import(psm: Psmctl, tmp_path: Path, kind: str) -> None:
    s, rows = _sheet(LABELS[kind])
    s.hidden_rows.add(rows[2])
    rep = _import(psm, kind, write_xlsx(tmp_path / f"{kind}.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    assert {f.code for f in rep.about(rows[2])} == {"ROW_HIDDEN"}, [f.raw for f in rep.about(rows[2])]


@pytest.mark.parametrize("kind", ["roster", "payments", "attendance"])
def test_an_unused_column_is_named_once_with_a_sample_by_every_import(psm: Psmctl, tmp_path: Path, kind: str) -> None:
    s, _ = _sheet(LABELS[kind], extra="AGAMA")
    rep = _import(psm, kind, write_xlsx(tmp_path / f"{kind}.xlsx", [s]))
    named = [f for f in rep.findings if f.code == "COLUMN_UNUSED"]
    assert len(named) == 1 and named[0].says("agama", "islam"), [f.raw for f in rep.findings]


@pytest.mark.parametrize("kind", ["roster", "payments", "attendance"])
def test_a_lurah_line_mid_list_drops_nobody_below_it(psm: Psmctl, tmp_path: Path, kind: str) -> None:
    labels = LABELS[kind]
    s = Sheet("DATA", text_cols={"C"})
    title(s, len(labels), "DAFTAR KELURAHAN JAGALAN KECAMATAN KOTA")
    header(s, labels)
    above = people_rows(s, PEOPLE[:2], labels)
    s.add(None, "LURAH JAGALAN")  # a stray line typed between the people
    s.add("JUMLAH")
    below = people_rows(s, PEOPLE[2:], labels, start_no=3)
    signature(s, 3)
    rep = _import(psm, kind, write_xlsx(tmp_path / f"{kind}.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    for r in [*above, *below]:
        assert not [f for f in rep.about(r) if f.level == "error"], [f.raw for f in rep.about(r)]
    # Everyone landed, below the stray line too.
    if kind == "roster":
        assert all(psm.role(p.nik) is not None for p in PEOPLE)
    elif kind == "payments":
        assert len(psm.payments()) == len(PEOPLE)
    else:
        assert len(psm.attendees(1)) == len(PEOPLE)


def test_a_payment_row_of_sunipah_without_nik_is_named_not_skipped(psm: Psmctl, tmp_path: Path) -> None:
    s, rows = _sheet(PAYMENTS)
    r = s.add(9, SUNIPAH.nama, None, "Januari 2025", "20-01-2025", "BPU", 16800, "APBD")
    rep = psm.import_payments(write_xlsx(tmp_path / "bayar.xlsx", [s]))
    assert [f.code for f in rep.about(r)] == ["NIK_MISSING"], [f.raw for f in rep.findings]


def test_a_payment_list_headed_nomor_nik_is_read(psm: Psmctl, tmp_path: Path) -> None:
    labels = ["NO", "NAMA", "NOMOR NIK", "BULAN IURAN", "TGL BAYAR", "SEGMEN", "JUMLAH (RP)", "SUMBER DANA"]
    s = Sheet("DATA", text_cols={"C"})
    header(s, labels)
    cells = {i: {"NOMOR NIK": p.nik} for i, p in enumerate(PEOPLE)}
    people_rows(s, PEOPLE, labels, cells=cells)
    rep = psm.import_payments(write_xlsx(tmp_path / "bayar.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    assert len(psm.payments()) == len(PEOPLE)


# Signature blocks as offices write them: who made, checked or paid the list, and the day left blank to fill by hand.
SIGNERS = [
    ["Kediri,       Desember 2025", "Bendahara,", None, "SITI MARYAM"],
    ["Mengetahui,", "Kasi Rehabilitasi Sosial", None, "Drs. SUPRAPTO", "NIP. 19700101 199003 1 002"],
    ["Dibuat oleh,", "Petugas / Operator", None, "AGUS"],
]


@pytest.mark.parametrize("kind", ["roster", "payments", "attendance"])
@pytest.mark.parametrize("lines", SIGNERS, ids=["bendahara", "kasi", "operator"])
def test_a_signature_block_is_nobody_in_every_import(
    psm: Psmctl, tmp_path: Path, kind: str, lines: list[str | None]
) -> None:
    s, rows = _sheet(LABELS[kind])
    sig = signature(s, 5, lines)
    rep = _import(psm, kind, write_xlsx(tmp_path / f"{kind}.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    for r in [*rows, *sig]:
        assert not [f for f in rep.about(r) if f.level == "error"], [f.raw for f in rep.about(r)]


@pytest.mark.parametrize("kind", ["roster", "payments", "attendance"])
@pytest.mark.parametrize("jabatan", ["Ketua", "Bendahara"])
def test_a_numbered_row_without_nik_is_a_person_even_if_it_says_bendahara(
    psm: Psmctl, tmp_path: Path, kind: str, jabatan: str
) -> None:
    # a sparse row (NO, NAMA and a jabatan word) is a person whose NIK is missing, never a signature line skipped
    s, _ = _sheet(LABELS[kind])
    r = s.add(5, "SRI WAHYUNI", None, jabatan)
    rep = _import(psm, kind, write_xlsx(tmp_path / f"{kind}.xlsx", [s]))
    said = rep.about(r)  # the daftar hadir looks a NIK-less row up by name: NAME_NOT_FOUND
    assert {f.code for f in said} & {"NIK_MISSING", "NAME_NOT_FOUND"}, [f.raw for f in rep.findings]
    assert "SIGNATURE_BLOCK" not in {f.code for f in said}


def test_a_payment_reference_is_read_as_the_cell_shows_it(psm: Psmctl, tmp_path: Path) -> None:
    labels = [*PAYMENTS, "NO BUKTI"]
    s = Sheet("DATA", text_cols={"C"})
    header(s, labels)
    refs = [20250120, "BK/01/001", "-", "  BK  01 002 "]
    people_rows(s, PEOPLE, labels, cells={i: {"NO BUKTI": ref} for i, ref in enumerate(refs)})
    rep = psm.import_payments(write_xlsx(tmp_path / "bayar.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    stored = {p["reference"] for p in psm.payments()}
    assert stored == {"20250120", "BK/01/001", "", "BK 01 002"}, stored


def test_a_payment_date_typed_in_tgl_bln_thn_columns_is_one_date(psm: Psmctl, tmp_path: Path) -> None:
    """The engine joins a date typed in three columns for every import: the payment list's TGL BAYAR too."""
    s = Sheet("DATA", text_cols={"C"})
    title(s, 10, "DAFTAR PEMBAYARAN IURAN KELURAHAN JAGALAN", "KOTA KEDIRI TAHUN 2025")
    top = s.add("NO", "NAMA", "NIK", "BULAN IURAN", "TGL BAYAR", None, None, "SEGMEN", "JUMLAH (RP)", "SUMBER DANA")
    sub = s.add(None, None, None, None, "TGL", "BLN", "THN")
    for col in "ABCDHIJ":
        s.merge(f"{col}{top}:{col}{sub}")
    s.merge(f"E{top}:G{top}")
    rows = [
        s.add(i + 1, p.nama, p.nik, "Januari 2025", 20, 1, 2025, "BPU", 16800, "APBD") for i, p in enumerate(PEOPLE)
    ]
    rep = psm.import_payments(write_xlsx(tmp_path / "bayar.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    assert not [f.raw for r in rows for f in rep.about(r) if f.level != "info"], [f.raw for f in rep.findings]
    paid = [p for p in psm.payments() if "2025-01-20" in p.values()]
    assert len(paid) == len(PEOPLE), psm.payments()[:2]


@pytest.mark.parametrize("kind", ["roster", "payments", "attendance"])
def test_a_hidden_sheet_is_named_and_not_read_by_every_import(psm: Psmctl, tmp_path: Path, kind: str) -> None:
    shown, _ = _sheet(LABELS[kind])
    hidden, _ = _sheet(LABELS[kind])
    hidden.name, hidden.hidden = "LAMA", True
    rep = _import(psm, kind, write_xlsx(tmp_path / f"{kind}.xlsx", [shown, hidden]))
    assert rep.out.code == 0, rep.out.text
    said = [f for f in rep.findings if f.code == "SHEET_SKIPPED" and f.says("tersembunyi")]
    assert len(said) == 1 and said[0].raw.get("sheet") == "LAMA", [f.raw for f in rep.findings]


@pytest.mark.parametrize("kind", ["roster", "payments", "attendance"])
def test_a_note_line_is_the_same_finding_in_every_import(psm: Psmctl, tmp_path: Path, kind: str) -> None:
    s, _ = _sheet(LABELS[kind])
    note = s.add("NB: data sementara")
    rep = _import(psm, kind, write_xlsx(tmp_path / f"{kind}.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    assert {f.code for f in rep.about(note)} == {"ROW_NOTE"}, [f.raw for f in rep.about(note)]


def test_a_recap_with_a_column_per_month_is_refused_saying_why(psm: Psmctl, tmp_path: Path) -> None:
    """JAN | FEB | MAR holding amounts: no day each month was paid, so no payment can be recorded from it."""
    s = Sheet("REKAP", text_cols={"C"})
    title(s, 7, "REKAP IURAN BPJS KETENAGAKERJAAN PSM TAHUN 2025")
    s.add("NO", "NAMA", "NIK", "JAN", "FEB", "MAR", "APR")
    for i, p in enumerate(PEOPLE):
        s.add(i + 1, p.nama, p.nik, 16800, 16800, 16800, None)
    rep = psm.import_payments(write_xlsx(tmp_path / "rekap.xlsx", [s]))
    assert rep.out.code != 0
    line = rep.out.text.lower()
    assert "jan, feb, mar" in line and "satu baris per orang per bulan" in line, rep.out.text
    assert "traceback" not in line and psm.payments() == []


@pytest.mark.parametrize("ext", [".xlsx", ".ods"])
@pytest.mark.parametrize("kind", ["roster", "payments", "attendance"])
def test_a_struck_row_and_a_cell_note_are_the_same_findings_in_every_import(
    psm: Psmctl, tmp_path: Path, kind: str, ext: str
) -> None:
    """The .ods is written as LibreOffice writes one: a struck cell style, the note inside its cell."""
    s, rows = _sheet(LABELS[kind])
    s.struck_rows.add(rows[1])
    s.comments[f"B{rows[2]}"] = "sudah konfirmasi"
    rep = _import(psm, kind, write(tmp_path / f"{kind}{ext}", [s]))
    assert rep.out.code == 0, rep.out.text
    assert {f.code for f in rep.about(rows[1])} == {"ROW_STRUCK"}, [f.raw for f in rep.about(rows[1])]
    assert "CELL_COMMENT" in {f.code for f in rep.about(rows[2])}, [f.raw for f in rep.about(rows[2])]


@pytest.mark.parametrize(
    ("line", "months"),
    [("DAFTAR PEMBAYARAN IURAN PSM BULAN JANUARI 2025", ["2025-01"]),
     ("IURAN PSM PERIODE JANUARI S/D MARET 2025", ["2025-01", "2025-02", "2025-03"])],
)  # fmt: skip
def test_a_payment_list_whose_title_gives_the_month(psm: Psmctl, tmp_path: Path, line: str, months: list[str]) -> None:
    """No BULAN IURAN column: the one month (or range) its title names is every row's, and said."""
    s = Sheet("DATA", text_cols={"C"})
    title(s, 5, line, "KOTA KEDIRI", "Dicetak: 25 Februari 2025")
    s.add("NO", "NAMA", "NIK", "TANGGAL BAYAR", "JUMLAH")
    for i, p in enumerate(PEOPLE):
        s.add(i + 1, p.nama, p.nik, "20-01-2025", 16800 * len(months))
    rep = psm.import_payments(write_xlsx(tmp_path / "bayar.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    assert "dari judul" in rep.out.text, "said on the terminal"
    got = sorted((p["nik"], p["iuran_month"], p["total_rupiah"]) for p in psm.payments())
    assert got == sorted((p.nik, m, 16800) for p in PEOPLE for m in months)


def test_a_title_naming_two_months_gives_none(psm: Psmctl, tmp_path: Path) -> None:
    s = Sheet("DATA", text_cols={"C"})
    title(s, 5, "IURAN BULAN JANUARI 2025", "DAN FEBRUARI 2025")
    s.add("NO", "NAMA", "NIK", "TANGGAL BAYAR", "JUMLAH")
    s.add(1, PEOPLE[0].nama, PEOPLE[0].nik, "20-01-2025", 16800)
    rep = psm.import_payments(write_xlsx(tmp_path / "bayar.xlsx", [s]))
    assert rep.out.code != 0 and psm.payments() == []


@pytest.mark.parametrize("kind", ["roster", "payments", "attendance"])
@pytest.mark.parametrize("quoted", [True, False])
def test_a_csv_nik_written_as_excel_text_is_read_by_every_import(
    psm: Psmctl, tmp_path: Path, kind: str, quoted: bool
) -> None:
    """Applications export a long number as ="3571…" so that Excel keeps it as text; the office opens it and sees
    the NIK. Every import reads the text inside (quoted for the CSV or not) and says so once for the column."""
    labels = LABELS[kind]
    s = Sheet("DATA", text_cols={"C"})
    title(s, len(labels), "DAFTAR KELURAHAN JAGALAN KECAMATAN KOTA")
    header(s, labels)
    rows = people_rows(s, PEOPLE, labels, cells={i: {"NIK": f'="{p.nik}"'} for i, p in enumerate(PEOPLE)})
    path = tmp_path / f"{kind}.csv"
    if quoted:
        write_csv(path, s, sep=";")  # csv quotes the cell: "=""3571…"""
    else:  # as many exporters write it: the cell bare
        path.write_text("\r\n".join(";".join(map(str, (v or "" for v in line))) for line in s.rows), "utf-8")
        assert '="' in path.read_text("utf-8") and '"=""' not in path.read_text("utf-8")
    rep = _import(psm, kind, path)
    assert rep.out.code == 0, rep.out.text
    assert not [f for r in rows for f in rep.errors_at(r)], [f.raw for f in rep.findings]
    said = [f for f in rep.findings if f.code == "CSV_TEXT_FORMULA"]
    assert len(said) == 1 and said[0].says("nik", f"{len(PEOPLE)} sel", '="'), [f.raw for f in rep.findings]
    if kind == "roster":
        assert {r["nama"] for r in psm.register()} >= {p.nama for p in PEOPLE}


def test_a_bank_or_bpjs_export_header_is_read_as_a_payment_list(psm: Psmctl, tmp_path: Path) -> None:
    """A payment list as a bank statement or a BPJS billing export heads it: "NIK PESERTA", "TGL TRANSFER" or
    "TANGGAL TRANSAKSI", "NOMOR BILLING" / "NO. VA": the NIK, the paid date and the reference of each payment."""
    labels = ["NO", "NIK PESERTA", "NAMA PESERTA", "BULAN IURAN", "TGL TRANSFER", "JUMLAH (RP)", "NOMOR BILLING"]
    s = Sheet("DATA", text_cols={"B", "G"})
    title(s, len(labels), "REKAP TRANSFER IURAN BPJS KETENAGAKERJAAN PSM KOTA KEDIRI")
    header(s, labels)
    cells = {
        i: {"NIK PESERTA": p.nik, "TGL TRANSFER": "20-01-2025", "NOMOR BILLING": f"BILL-{i}"}
        for i, p in enumerate(PEOPLE)
    }
    rows = people_rows(s, PEOPLE, labels, cells=cells)
    rep = psm.import_payments(write_xlsx(tmp_path / "transfer.xlsx", [s]))
    assert rep.out.code == 0, rep.out.text
    assert not [f.raw for r in rows for f in rep.errors_at(r)]
    assert not [f for f in rep.findings if f.code == "COLUMN_UNUSED"], [f.raw for f in rep.findings]
    paid = {(p["reference"], p["paid_on"]) for p in psm.payments()}
    assert paid == {(f"BILL-{i}", "2025-01-20") for i in range(len(PEOPLE))}, paid

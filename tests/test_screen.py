"""What the admin reads on screen: Indonesian headers and values, narrow terminals, the help frame."""

from __future__ import annotations

import csv
import io

import pytest
from rich.console import Console
from sqlite_utils import Database
from typer.testing import CliRunner

from builders import cli_commands
from psmctl.cli import app
from psmctl.output import labels, render
from tests.test_payments import NIK_A, NIK_B, add_volunteer

SNAKE = ("masa_iur_bulan", "jkk_sampai", "due_on", "will_lapse", "total_rupiah", "True", "False", "BELUM_TERDAFTAR")


@pytest.fixture
def reg(db: Database, runner: CliRunner) -> Database:
    add_volunteer(db, NIK_A, "Siti Aminah")
    add_volunteer(db, NIK_B, "Budi Santoso", unsur="TAGANA")
    r = runner.invoke(
        app,
        ["payments", "record", "--nik", NIK_A, "--month", "2025-03", "--paid-on", "2025-03-20", "--ref", "K-1", "-y"],
    )
    assert r.exit_code == 0, r.output
    return db


def out_of(runner: CliRunner, *args: str) -> str:
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return r.stdout


def test_values_as_an_admin_writes_them() -> None:
    assert labels.rupiah(1234567) == "Rp1.234.567" and labels.rupiah(-16800) == "-Rp16.800"
    assert labels.number(16.0) == "16" and labels.number(11.5) == "11,5" and labels.number(1234.25) == "1.234,25"
    assert labels.status_words("BELUM_TERDAFTAR") == "Belum terdaftar"
    assert labels.status_words("MENUNGGAK", "LEWAT_JATUH_TEMPO") == "Menunggak, lewat jatuh tempo"
    assert labels.value("will_lapse", True) == "Ya" and labels.value("will_lapse", False) == "Tidak"
    assert labels.value("jenis", "bimtek") == "Bimbingan teknis (bimtek)"
    assert labels.header("masa_iur_bulan") == "Masa iur (bulan)" and labels.header("some_new_key") == "Some new key"


def test_coverage_status_in_words(reg: Database, runner: CliRunner) -> None:
    out = out_of(runner, "coverage", "status", "--as-of", "2025-03-25")
    for word in ("Masa iur", "JKK s.d.", "Aktif", "Belum terdaftar", "Rekap", "Terlindungi"):
        assert word in out, out
    assert not any(s in out for s in SNAKE), out
    # CSV keeps the file keys and raw values
    rows = list(csv.DictReader(io.StringIO(out_of(runner, "coverage", "status", "--as-of", "2025-03-25", "-f", "csv"))))
    assert {r["status"] for r in rows} == {"AKTIF", "BELUM_TERDAFTAR"} and "masa_iur_bulan" in rows[0]


def test_coverage_due_in_rupiah_and_ya_tidak(reg: Database, runner: CliRunner) -> None:
    out = out_of(runner, "coverage", "due", "--month", "2025-04")
    for word in ("Jatuh tempo", "Jumlah", "Rp16.800", "Rp10.000", "Nonaktif bila", "Tidak", "Sumber dana"):
        assert word in out, out
    assert not any(s in out for s in SNAKE), out
    raw = out_of(runner, "coverage", "due", "--month", "2025-04", "-f", "csv")
    assert raw.splitlines()[0].startswith("nik,nama,kelurahan,status,due_on") and "16800" in raw


def test_payments_list_and_gaps_in_words(reg: Database, runner: CliRunner) -> None:
    out = out_of(runner, "payments", "list")
    for word in ("Bulan iuran", "Tanggal bayar", "Rp16.800", "Referensi", "K-1"):
        assert word in out, out
    assert "iuran_month" not in out and "16800" not in out
    gaps = out_of(runner, "coverage", "gaps", "--as-of", "2025-09-30")
    assert "Dari" in gaps and "Sampai" in gaps and "Hari" in gaps and "MENUNGGAK" not in gaps


def test_summary_jpl_and_statuses(reg: Database, runner: CliRunner) -> None:
    out = out_of(runner, "summary", "--as-of", "2025-03-25")
    for word in ("Relawan", "Aktif", "Menunggak", "Belum terdaftar", "Belum pernah dilatih", "JPL tahun ini"):
        assert word in out, out
    assert ".0" not in out and "AKTIF" not in out


def test_narrow_terminal_drops_columns_and_never_folds_a_nik(
    reg: Database, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "out", Console(width=100, file=io.StringIO(), soft_wrap=False))
    monkeypatch.setattr(render.stdout_policy, "unmask", True)  # as the admin's terminal sees it (privacy)
    render.emit(
        "table",
        [{"nik": NIK_A, "nama": "Siti Aminah", "kelurahan": "Banjaran", "unsur": "PSM", "status": "AKTIF",
          "masa_iur_bulan": 3, "jkk_sampai": "2025-12-31", "jkm_sampai": "2025-12-31", "jht_sampai": None,
          "jp_sampai": None, "funding": "APBD", "segment": "BPU", "total_rupiah": 16800}],
        ["nik", "nama", "kelurahan", "unsur", "status", "masa_iur_bulan", "jkk_sampai", "jkm_sampai", "jht_sampai",
         "jp_sampai", "funding", "segment", "total_rupiah"],
    )  # fmt: skip
    text = render.out.file.getvalue()  # type: ignore[attr-defined]
    assert all(len(line) <= 100 for line in text.splitlines() if line[:1] in "┏┃┡│└"), text
    assert NIK_A in text and "Rp16.800" in text
    assert "Kolom tidak ditampilkan karena layar sempit" in text and "Segmen" in text.splitlines()[-1]


def test_help_frame_is_indonesian(runner: CliRunner) -> None:
    for cmd in cli_commands(app):
        out = runner.invoke(app, [*cmd, "--help"], prog_name="psmctl").output
        assert out.startswith("Penggunaan: psmctl"), (cmd, out)
        assert out.count("Contoh") == 1, (cmd, out)
        for english in ("Usage:", "Options", "Show this message", "[required]", "[default:", "Arguments"):
            assert english not in out, (cmd, english, out)
    top = runner.invoke(app, ["--help"]).output
    assert "Perintah:" in top and "Opsi:" in top and "Commands" not in top


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["coverage", "due"], "Galat: opsi '--month' wajib diisi."),
        (["coverage", "due", "--month", "2025-01", "--bogus"], "Galat: opsi --bogus tidak dikenal."),
        (["nope"], "Galat: perintah 'nope' tidak dikenal."),
        (["coverage", "due", "--month", "2025-01", "-f", "xx"], "bukan salah satu dari 'table', 'json', 'csv'"),
        (["payments", "record", "--month", "2025-01", "--months", "abc"], "'abc' bukan bilangan bulat."),
        (["coverage", "check"], "argumen 'nik' wajib diisi."),
    ],
)
def test_usage_errors_are_indonesian(runner: CliRunner, args: list[str], expected: str) -> None:
    r = runner.invoke(app, args, prog_name="psmctl")
    assert r.exit_code == 2 and expected in r.stderr, r.stderr
    assert "Error" not in r.stderr and "Usage" not in r.stderr and "Try " not in r.stderr
    assert "Lihat 'psmctl" in r.stderr and "untuk bantuan" in r.stderr


def test_rates_show_in_percent_and_rupiah_for_a_month_or_a_date(runner: CliRunner) -> None:
    by_month = out_of(runner, "rates", "show", "--on", "2026-02")
    assert "bulan iuran 2026-02" in by_month and "0,24 %" in by_month and "Rp6.800" in by_month
    assert "Rp10.547.400" in by_month and "rate_bp" not in by_month and "Dasar hukum" in by_month
    assert "announcement" not in by_month and "letter" not in by_month
    by_date = out_of(runner, "rates", "show", "--on", "2026-03-01")
    assert "Rp11.086.300" in by_date
    r = runner.invoke(app, ["rates", "show", "--on", "2026-13"])
    assert r.exit_code == 2, r.output

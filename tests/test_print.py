"""Every workbook psmctl writes prints well (read back with openpyxl); file-written lines only at a terminal."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from rich.console import Console
from sqlite_utils import Database
from typer.testing import CliRunner

from builders import make_nik, roster_row, write_roster_xlsx
from psmctl.cli import app
from psmctl.output import render
from tests.test_payments import NIK_A, NIK_B, add_volunteer


@pytest.fixture
def reg(db: Database, runner: CliRunner) -> Database:
    add_volunteer(db, NIK_A, "Siti Aminah")
    add_volunteer(db, NIK_B, "Budi Santoso", unsur="TAGANA")
    for args in (
        ["config", "set", "wilayah.kode_kabkota", "35.71"],
        ["payments", "record", "--nik", NIK_A, "--month", "2025-03", "--paid-on", "2025-03-20", "--ref", "K-1", "-y"],
    ):
        r = runner.invoke(app, args)
        assert r.exit_code == 0, r.output
    return db


def written(runner: CliRunner, tmp_path: Path) -> list[Path]:
    """Every kind of workbook psmctl writes, written for real."""
    as_of = ["--as-of", "2025-03-31"]
    bad = write_roster_xlsx(
        tmp_path / "psm.xlsx", [roster_row(make_nik(born=date(1980, 1, 1)), ""), roster_row(NIK_A, "Siti Aminah")]
    )
    commands = {
        "ringkasan.xlsx": ["export", "summary", *as_of],
        "register.xlsx": ["export", "roster"],
        "status.xlsx": ["export", "coverage", *as_of],
        "iuran.xlsx": ["export", "due", "--month", "2025-04"],
        "belum.xlsx": ["export", "training", "--report", "never-trained", *as_of],
        "masalah.xlsx": ["import", "roster", str(bad), "--dry-run", "--report"],
    }
    paths = []
    for name, args in commands.items():
        out = tmp_path / name
        r = runner.invoke(app, [*args, str(out)] if args[0] == "import" else [*args, "--out", str(out)])
        assert out.exists(), (args, r.output)
        paths.append(out)
    return paths


def test_every_sheet_of_every_workbook_prints_well(reg: Database, runner: CliRunner, tmp_path: Path) -> None:
    for path in written(runner, tmp_path):
        wb = openpyxl.load_workbook(path)  # not read_only: page setup is read back in full mode
        for ws in wb.worksheets:
            where = f"{path.name}/{ws.title}"
            assert ws.page_setup.orientation == "landscape", where
            assert ws.page_setup.paperSize == 9, where  # A4
            assert ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage, where
            assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, where  # 1 = default
            assert ws.print_title_rows and ws.print_title_rows.startswith("$"), where
            assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text, where
            title = ws.oddHeader.left.text or ""
            if path.name != "masalah.xlsx":
                assert "Dinas Sosial Kota Kediri (35.71)" in title, (where, title)


def test_summary_title_repeated_header_and_chart_on_its_own_page(
    reg: Database, runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "ringkasan.xlsx"
    r = runner.invoke(app, ["export", "summary", "--as-of", "2025-03-31", "--out", str(out)])
    assert r.exit_code == 0, r.output
    ring = openpyxl.load_workbook(out)["Ringkasan"]
    assert "keadaan per 31 Maret 2025" in ring.oddHeader.left.text
    assert ring.print_title_rows == "$1:$1" and ring["A1"].value == "Kecamatan"
    breaks = [b.id for b in ring.row_breaks.brk]
    chart = ring._charts[0]
    assert len(breaks) == 2 and chart.anchor._from.row == breaks[0] and chart.anchor.to.row <= breaks[1]
    assert chart.anchor.to.col < ring.max_column  # narrower than the sheet: fitted to width, it fits the page


def test_file_written_line_at_a_terminal_only(
    reg: Database, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "register.csv"
    r = runner.invoke(app, ["export", "roster", "--out", str(out)])
    assert r.exit_code == 0 and r.stderr == "" and r.stdout == "", r.output  # cron: silent
    screen = io.StringIO()
    monkeypatch.setattr(render, "err", Console(file=screen, force_terminal=True, width=200, soft_wrap=True))
    r = runner.invoke(app, ["export", "roster", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert f"Register relawan ditulis ke {out.resolve()}" in screen.getvalue()
    r = runner.invoke(app, ["db", "backup", str(tmp_path / "cadangan.db")])
    assert r.exit_code == 0, r.output
    assert f"Cadangan database (izin 0600) ditulis ke {(tmp_path / 'cadangan.db').resolve()}" in screen.getvalue()


def test_a_migration_says_it_ran_and_where_the_copy_is(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psmctl.db import connect
    from psmctl.db.migrations import migrations

    db_file = tmp_path / "lama.db"
    old = connect(db_file)
    migrations.apply(old, stop_before=migrations._migrations[1].name)
    old.close()
    screen = io.StringIO()
    monkeypatch.setattr(render, "err", Console(file=screen, force_terminal=True, width=300, soft_wrap=True))
    r = runner.invoke(app, ["--db", str(db_file), "volunteers", "list"])
    assert r.exit_code == 0, r.output
    said = screen.getvalue()
    assert "Database diperbarui ke skema terbaru" in said
    assert f"salinan sebelum pembaruan: {db_file.resolve()}.sebelum-migrasi.bak" in said
    screen.truncate(0)
    r = runner.invoke(app, ["--db", str(db_file), "volunteers", "list"])
    assert "diperbarui" not in screen.getvalue()  # once, when it happens

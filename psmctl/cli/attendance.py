"""psmctl attendance: who attended a training, typed by NIK or imported from a daftar hadir."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from psmctl.cli.common import DbPath, TableOrJson, now_iso, open_database, parse_date_option, reported, today
from psmctl.models import SheetReport
from psmctl.output import render

app = typer.Typer(
    help="Kehadiran pelatihan: catat per NIK atau impor daftar hadir (.xlsx/.xls/.ods/.csv).", no_args_is_help=True
)

TrainingId = Annotated[int, typer.Argument(help="Id pelatihan (dicetak oleh `psmctl training add`).")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Periksa dan laporkan saja; tidak ada yang disimpan.")]
JplOpt = Annotated[
    str | None,
    typer.Option("--jpl", help="JPL yang diikuti bila kurang dari JPL pelatihan, mis. '8 JPL' atau '360 menit'."),
]
ReportFormat = Annotated[
    TableOrJson, typer.Option("--format", "-f", help="Bentuk laporan impor: table (baris ringkas) atau json.")
]


def _show(reports: list[SheetReport], *, fmt: TableOrJson, dry_run: bool, report_file: Path | None) -> None:
    """Print the import report; exit 1 when rows were rejected and nothing was accepted."""
    data = [r.as_dict() for r in reports]
    if report_file is not None:
        from psmctl.output.import_report import write_problem_report

        write_problem_report(report_file, data)
        render.wrote("Laporan masalah daftar hadir", report_file)
    if fmt == TableOrJson.json:
        render.print_json(data)
    else:
        for r in reports:
            where = r.file if r.sheet == r.file else f"{r.file}, sheet '{r.sheet}'"
            for p in r.problems:
                at = f"{where}, baris {p.row}" if p.row is not None else where
                col = f", kolom {p.column}" if p.column else ""
                text = f"{at}{col}: {p.message} [{p.code}]"
                if p.level == "error":
                    render.error(text)
                elif p.level == "warning":
                    render.warn(text)
                else:
                    render.note(text)
        for r in reports:
            render.line(
                f"{r.sheet}: {r.rows_read} baris dibaca, {r.added} baru, {r.changed} berubah, {r.unchanged} sudah ada, "
                f"{r.rejected} ditolak, {r.skipped} dilewati, {r.warnings} peringatan"
            )
        if dry_run:
            render.line("--dry-run: tidak ada yang disimpan")
    accepted = sum(r.added + r.changed + r.unchanged for r in reports)
    if accepted == 0 and sum(r.rejected for r in reports) > 0:
        raise typer.Exit(1)


@app.command("record")
def record(
    training_id: TrainingId,
    nik: Annotated[list[str], typer.Option("--nik", help="NIK peserta; ulangi --nik untuk beberapa orang.")],
    jpl: JplOpt = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="hadir (bawaan), lulus / kompeten, atau tidak_lulus / belum kompeten."),
    ] = None,
    certificate_no: Annotated[
        str | None, typer.Option("--certificate-no", help="Nomor sertifikat (satu orang).")
    ] = None,
    certificate_date: Annotated[
        str | None, typer.Option("--certificate-date", help="Tanggal sertifikat (bawaan: tanggal selesai pelatihan).")
    ] = None,
    valid_until: Annotated[
        str | None,
        typer.Option(
            "--valid-until", help="Berlaku sampai (bawaan: tanggal sertifikat + training.certificate_valid_years)."
        ),
    ] = None,
    dry_run: DryRunOpt = False,
    db: DbPath = None,
    fmt: ReportFormat = TableOrJson.table,
) -> None:
    """Catat kehadiran orang yang sudah ada di register, per NIK. Mencatat dua kali tetap satu kehadiran.

    Contoh: psmctl attendance record 3 --nik 3571011708900001 --nik 3571015708900002
    """
    from psmctl.services import trainings as attendance

    cert_date = parse_date_option(certificate_date, "--certificate-date")
    until = parse_date_option(valid_until, "--valid-until")
    with reported():
        report = attendance.record(
            open_database(db),
            training_id,
            nik,
            jpl=jpl,
            status=status,
            certificate_no=certificate_no,
            certificate_date=cert_date,
            valid_until=until,
            as_of=today(),
            created_at=now_iso(),
            dry_run=dry_run,
        )
    _show([report], fmt=fmt, dry_run=dry_run, report_file=None)


@app.command("import")
def import_(
    training_id: TrainingId,
    path: Annotated[Path, typer.Argument(help="Berkas daftar hadir (.xlsx, .xls, .ods atau .csv).")],
    kelurahan: Annotated[
        str | None,
        typer.Option("--kelurahan", help="Kelurahan semua peserta, bila berkas tidak punya kolom KELURAHAN."),
    ] = None,
    dry_run: DryRunOpt = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Tulis juga daftar masalah ke berkas .xlsx ini.")
    ] = None,
    db: DbPath = None,
    fmt: ReportFormat = TableOrJson.table,
) -> None:
    """Impor daftar hadir satu pelatihan: semua baris masuk dalam satu transaksi, baris bermasalah dilaporkan.

    Peserta dicari lewat NIK; baris tanpa NIK dicocokkan lewat nama + kelurahan dan dilaporkan untuk diperiksa
    (MATCHED_BY_NAME). Orang yang tidak ada di register ditolak, tidak pernah dibuat otomatis. Mengimpor berkas
    yang sama lagi tidak menggandakan kehadiran.

    Contoh: psmctl attendance import 3 daftar_hadir_bimtek.xlsx --dry-run
    """
    from psmctl.services import trainings as attendance

    with reported():
        reports = attendance.import_file(
            open_database(db),
            training_id,
            path,
            kelurahan=kelurahan,
            as_of=today(),
            created_at=now_iso(),
            dry_run=dry_run,
        )
    _show(reports, fmt=fmt, dry_run=dry_run, report_file=report)

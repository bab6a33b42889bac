"""psmctl attendance: who attended a training, typed by NIK or imported from a daftar hadir."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from psmctl.cli.common import DbPath, TableOrJson, now_iso, open_database, parse_date_option, reported, today
from psmctl.cli.imports import (
    DryRunOpt,
    ImportFormat,
    KolomOpt,
    Progress,
    ReportOpt,
    StrictOpt,
    parse_kolom,
    run_batch,
)

if TYPE_CHECKING:
    from psmctl.importing.batch import FileResult

app = typer.Typer(
    help="Kehadiran pelatihan: catat per NIK atau impor daftar hadir (.xlsx/.xls/.ods/.csv).", no_args_is_help=True
)

TrainingId = Annotated[int, typer.Argument(help="Id pelatihan (dicetak oleh `psmctl training add`).")]
JplOpt = Annotated[
    str | None,
    typer.Option("--jpl", help="JPL yang diikuti bila kurang dari JPL pelatihan, mis. '8 JPL' atau '360 menit'."),
]


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
    fmt: ImportFormat = TableOrJson.table,
) -> None:
    """Catat kehadiran orang yang sudah ada di register, per NIK. Mencatat dua kali tetap satu kehadiran.

    Contoh: psmctl attendance record 3 --nik 3571011708900001 --nik 3571015708900002
    """
    from psmctl.services import trainings

    cert_date = parse_date_option(certificate_date, "--certificate-date")
    until = parse_date_option(valid_until, "--valid-until")
    with reported():
        database = open_database(db)

    def one(_path: Path, _tick: Progress) -> FileResult:
        return trainings.record(
            database,
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

    run_batch([Path(trainings.COMMAND_LINE)], one, fmt=fmt, dry_run=dry_run, report=None)


@app.command("import")
def import_(
    training_id: TrainingId,
    files: Annotated[list[Path], typer.Argument(help="Satu atau beberapa daftar hadir (.xlsx, .xls, .ods, .csv).")],
    kelurahan: Annotated[
        str | None,
        typer.Option("--kelurahan", help="Kelurahan semua peserta, bila berkas tidak punya kolom KELURAHAN."),
    ] = None,
    dry_run: DryRunOpt = False,
    strict: StrictOpt = False,
    kolom: KolomOpt = None,
    report: ReportOpt = None,
    db: DbPath = None,
    fmt: ImportFormat = TableOrJson.table,
) -> None:
    """Impor daftar hadir satu pelatihan: tiap berkas masuk utuh dalam satu transaksi, baris bermasalah dilaporkan.

    Peserta dicari lewat NIK; baris tanpa NIK dicocokkan lewat nama + kelurahan dan dilaporkan untuk diperiksa
    (MATCHED_BY_NAME). Orang yang tidak ada di register ditolak, tidak pernah dibuat otomatis. Mengimpor berkas
    yang sama lagi tidak menggandakan kehadiran.

    Contoh: psmctl attendance import 3 daftar_hadir_bimtek.xlsx --dry-run
    """
    from psmctl.services import trainings

    with reported():
        database = open_database(db)
        manual = parse_kolom(kolom or [], "attendance_headers.toml")
        as_of, now = today(), now_iso()

    def one(path: Path, _tick: Progress) -> FileResult:
        return trainings.import_file(
            database, training_id, path, kelurahan=kelurahan, as_of=as_of, created_at=now, dry_run=dry_run,
            strict=strict, kolom=manual,
        )  # fmt: skip

    run_batch(files, one, fmt=fmt, dry_run=dry_run, report=report)

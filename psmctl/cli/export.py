"""psmctl export: the monthly summary workbook, and every report table written to a file (xlsx, csv, json).

Cron-grade: nothing on stdout; on success one "<what> ditulis ke <path>" line on stderr only at a terminal (a
cron run is silent); exit 0 written, 1 nothing written (the previous file is kept), 2 wrong usage (including
--unmask without --yes when stdout is not a terminal).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from psmctl.cli.common import (
    By,
    DbPath,
    KabkotaOpt,
    KelurahanOpt,
    area,
    areas,
    db_path,
    load_settings,
    month_callback,
    month_days,
    office_name,
    open_database,
    parse_date_option,
    reported,
    today,
    warn_unlisted_holidays,
)
from psmctl.errors import InputError
from psmctl.output import render
from psmctl.rules.months import month_of

if TYPE_CHECKING:
    from datetime import date

    from psmctl.output.export import Column
    from psmctl.rules.settings import Settings

app = typer.Typer(
    help="Tulis ringkasan bulanan dan laporan ke berkas .xlsx, .csv atau .json (aman untuk cron).",
    no_args_is_help=True,
)


class FileFormat(StrEnum):
    """File format of an export (default: from the --out suffix)."""

    xlsx = "xlsx"
    csv = "csv"
    json = "json"


class Report(StrEnum):
    """The training report to export."""

    never_trained = "never-trained"
    hours = "hours"
    certificates = "certificates"


OutOpt = Annotated[
    Path,
    typer.Option(
        "--out",
        "-o",
        help="Berkas tujuan. Ditulis ke berkas sementara di folder yang sama lalu diganti namanya: berkas lama "
        "hanya tertimpa bila berhasil.",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    FileFormat | None, typer.Option("--format", "-f", help="xlsx, csv atau json (bawaan: dari akhiran --out).")
]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Tanggal acuan (bawaan: hari ini), mis. 2025-06-30.")]
UnmaskOpt = Annotated[
    bool,
    typer.Option(
        "--unmask",
        help="Tulis NIK dan nomor HP lengkap (bawaan: disamarkan, mis. 3571**********02). Ditolak (keluar 2) bila "
        "keluaran bukan terminal, kecuali dengan --yes.",
    ),
]
YesOpt = Annotated[bool, typer.Option("--yes", help="Setujui --unmask tanpa terminal (mis. dari cron).")]
KecamatanOpt = Annotated[str | None, typer.Option("--kecamatan", help="Hanya kecamatan ini (nama atau kode).")]
UnsurOpt = Annotated[str | None, typer.Option("--unsur", help="Hanya unsur ini: PSM, TKSK, TAGANA, ...")]


def _guard_unmask(unmask: bool, yes: bool) -> None:
    """--unmask needs a person at a terminal, or an explicit --yes."""
    if unmask and not yes and not sys.stdout.isatty():
        render.error("--unmask ditolak: keluaran bukan terminal; tambahkan --yes bila data lengkap memang diperlukan")
        raise typer.Exit(2)


def _checked(out: Path, fmt: FileFormat | None, *, unmask: bool, yes: bool) -> str:
    """What every table export checks before it opens the database: --unmask, then the file format."""
    _guard_unmask(unmask, yes)
    return _format(out, fmt)


def _format(out: Path, fmt: FileFormat | None) -> str:
    from psmctl.output.export import format_of

    try:
        return format_of(out, fmt.value if fmt else None)
    except ValueError as e:
        render.error(str(e))
        raise typer.Exit(2) from None


def _mode(settings: Settings) -> int:
    from psmctl.output.export import file_mode

    value = settings.export.file_mode
    try:
        return file_mode(value)
    except ValueError:
        raise InputError(f"pengaturan export.file_mode '{value}' bukan izin oktal (contoh: 0600)") from None


def _done(out: Path, what: str = "Laporan") -> None:
    render.wrote(what, out)  # a cron run stays silent


def _write(
    out: Path,
    fmt: str,
    *,
    name: str,
    columns: list[Column],
    rows: list[dict[str, Any]],
    about: list[tuple[str, Any]],
    settings: Settings,
    unmask: bool,
) -> None:
    from psmctl.output import export
    from psmctl.services import summary

    facts = [*about, ("Sidik data (SHA-256 atas isi)", summary.fingerprint(rows))]
    table = export.Table(name, columns, rows, facts)
    given = dict(about)
    as_of = given.get("Tanggal acuan")
    when = f"keadaan per {export.long_date(as_of)}" if as_of else ""
    title = " · ".join(x for x in (str(given.get("Laporan") or name), office_name(settings), when) if x)
    export.write_table_file(out, fmt, table, unmask=unmask, mode=_mode(settings), title=title)


def _about(db: Path | None, title: str, as_of: date | None) -> list[tuple[str, Any]]:
    facts: list[tuple[str, Any]] = [("Laporan", title), ("Database", db_path(db).name)]
    if as_of is not None:
        facts.insert(1, ("Tanggal acuan", as_of))
    return facts


def _rates_fact() -> tuple[str, str]:
    from psmctl.rules import rates

    return ("Versi tabel iuran", rates.load().version)


@app.command("summary")
def summary_cmd(
    out: OutOpt,
    as_of: AsOfOpt = None,
    kecamatan: Annotated[
        list[str] | None, typer.Option("--kecamatan", help="Hanya kecamatan ini; boleh diulang (bawaan: semua).")
    ] = None,
    kabkota: Annotated[
        list[str] | None, typer.Option("--kabkota", help="Hanya kab/kota ini (kode atau nama); boleh diulang.")
    ] = None,
    unmask: UnmaskOpt = False,
    yes: YesOpt = False,
    db: DbPath = None,
) -> None:
    """Tulis ringkasan bulanan (.xlsx): Ringkasan + grafik, Daftar Relawan, Tunggakan, Pelatihan, Tentang.

    Register yang mencakup lebih dari satu kab/kota (kantor provinsi) mendapat lembar Kab-Kota (baris dan grafik
    per kab/kota) dan satu lembar dengan grafik per kab/kota.

    Database dan --as-of yang sama menghasilkan berkas yang sama persis (byte demi byte), jadi cron bisa
    melewatkan pengiriman bila tidak ada perubahan. Tidak ada keluaran di stdout.

    Contoh: psmctl export summary --out ringkasan_2025-06.xlsx --as-of 2025-06-30
    """
    from psmctl.db import schema_version
    from psmctl.output import export
    from psmctl.services import summary

    _guard_unmask(unmask, yes)
    if out.suffix.lower() != ".xlsx":
        render.error(f"ringkasan hanya dalam .xlsx; --out {out.name} harus berakhiran .xlsx")
        raise typer.Exit(2)
    day = parse_date_option(as_of, "--as-of") or today()
    with reported():
        database = open_database(db)
        settings = load_settings(database)
        s = summary.build(database, as_of=day, settings=settings, kecamatan=areas(kecamatan, kabkota))
        warn_unlisted_holidays(settings, day)
        export.write_summary(
            out, s, db_name=db_path(db).name, schema=schema_version(database), unmask=unmask,
            mode=_mode(settings), office=office_name(settings),
        )  # fmt: skip
    _done(out, "Ringkasan bulanan")


@app.command("roster")
def roster_cmd(
    out: OutOpt,
    kelurahan: KelurahanOpt = None,
    kecamatan: KecamatanOpt = None,
    kabkota: KabkotaOpt = None,
    unsur: UnsurOpt = None,
    semua: Annotated[bool, typer.Option("--semua", help="Sertakan yang berstatus BERHENTI.")] = False,
    fmt: FormatOpt = None,
    unmask: UnmaskOpt = False,
    yes: YesOpt = False,
    db: DbPath = None,
) -> None:
    """Tulis register relawan (seperti `volunteers list`) ke .xlsx, .csv atau .json.

    Contoh: psmctl export roster --kecamatan Kota --unsur PSM --out psm_kota.csv
    """
    from psmctl.output import export
    from psmctl.rules import categories
    from psmctl.services import volunteers

    kind = _checked(out, fmt, unmask=unmask, yes=yes)
    with reported():
        database = open_database(db)
        cat = categories.require(unsur) if unsur else None
        rows = volunteers.list_volunteers(
            database, unsur=cat, kelurahan=kelurahan, kecamatan=area(kecamatan, kabkota), include_inactive=semua
        )
        about = _about(db, "Register relawan", None)
        _write(out, kind, name="Register", columns=export.ROSTER, rows=rows, about=about,
               settings=load_settings(database), unmask=unmask)  # fmt: skip
    _done(out, "Register relawan")


@app.command("coverage")
def coverage_cmd(
    out: OutOpt,
    as_of: AsOfOpt = None,
    kelurahan: KelurahanOpt = None,
    kecamatan: KecamatanOpt = None,
    kabkota: KabkotaOpt = None,
    unsur: UnsurOpt = None,
    fmt: FormatOpt = None,
    unmask: UnmaskOpt = False,
    yes: YesOpt = False,
    db: DbPath = None,
) -> None:
    """Tulis status kepesertaan BPJS per relawan (seperti `coverage status`) pada satu tanggal.

    Status dinilai dengan pembayaran yang tercatat sampai tanggal acuan, sehingga hasilnya tetap sama.

    Contoh: psmctl export coverage --as-of 2025-06-30 --out kepesertaan.xlsx
    """
    from psmctl.output import export
    from psmctl.services import summary

    kind = _checked(out, fmt, unmask=unmask, yes=yes)
    day = parse_date_option(as_of, "--as-of") or today()
    with reported():
        database = open_database(db)
        settings = load_settings(database)
        rows = summary.coverage_rows(
            database, as_of=day, settings=settings, unsur=unsur, kelurahan=kelurahan, kecamatan=area(kecamatan, kabkota)
        )
        warn_unlisted_holidays(settings, day)
        about = [*_about(db, "Status kepesertaan BPJS Ketenagakerjaan", day), _rates_fact()]
        columns = export.with_kabkota(export.COVERAGE, rows)
        _write(out, kind, name="Kepesertaan", columns=columns, rows=rows, about=about, settings=settings, unmask=unmask)
    _done(out, "Status perlindungan")


@app.command("due")
def due_cmd(
    out: OutOpt,
    month: Annotated[
        str | None,
        typer.Option("--month", callback=month_callback, help="Bulan iuran YYYY-MM (bawaan: bulan dari --as-of)."),
    ] = None,
    as_of: AsOfOpt = None,
    kecamatan: KecamatanOpt = None,
    kabkota: KabkotaOpt = None,
    fmt: FormatOpt = None,
    unmask: UnmaskOpt = False,
    yes: YesOpt = False,
    db: DbPath = None,
) -> None:
    """Tulis iuran yang harus dibayar untuk satu bulan (seperti `coverage due`), per relawan dan per program.

    Contoh: psmctl export due --month 2025-07 --out iuran_2025-07.xlsx
    """
    from psmctl.output import export
    from psmctl.services import summary

    kind = _checked(out, fmt, unmask=unmask, yes=yes)
    day = parse_date_option(as_of, "--as-of") or today()
    wanted = month or month_of(day)
    with reported():
        database = open_database(db)
        settings = load_settings(database)
        rows = summary.due_rows(
            database, month=wanted, as_of=day, settings=settings, kecamatan=area(kecamatan, kabkota)
        )
        warn_unlisted_holidays(settings, *month_days(wanted))
        about = [*_about(db, f"Iuran bulan {wanted}", day), ("Bulan iuran", wanted), _rates_fact()]
        _write(out, kind, name=f"Iuran {wanted}", columns=export.with_kabkota(export.DUE, rows), rows=rows, about=about,
               settings=settings, unmask=unmask)  # fmt: skip
    _done(out, "Daftar iuran yang harus dibayar")


@app.command("training")
def training_cmd(
    out: OutOpt,
    report: Annotated[
        Report, typer.Option("--report", help="never-trained, hours atau certificates (seperti `training report`).")
    ],
    as_of: AsOfOpt = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="hours: awal periode (bawaan: 1 Januari tahun --as-of).")
    ] = None,
    by: Annotated[
        By | None, typer.Option("--by", help="hours: jumlahkan per kabkota, kecamatan, kelurahan atau unsur.")
    ] = None,
    months: Annotated[
        int | None,
        typer.Option("--months", min=1, max=1200, help="never-trained: juga yang tidak dilatih N bulan terakhir."),
    ] = None,
    expiring_within: Annotated[
        int, typer.Option("--expiring-within", min=0, max=36500, help="certificates: yang habis dalam N hari.")
    ] = 90,
    unsur: UnsurOpt = None,
    kecamatan: KecamatanOpt = None,
    kabkota: KabkotaOpt = None,
    fmt: FormatOpt = None,
    unmask: UnmaskOpt = False,
    yes: YesOpt = False,
    db: DbPath = None,
) -> None:
    """Tulis satu laporan pelatihan ke berkas; --as-of adalah tanggal acuan (hours: akhir periode).

    Contoh: psmctl export training --report never-trained --out belum_dilatih.csv
    """
    from psmctl.output import export
    from psmctl.services import summary

    kind = _checked(out, fmt, unmask=unmask, yes=yes)
    day = parse_date_option(as_of, "--as-of") or today()
    start = parse_date_option(from_, "--from")
    with reported():
        database = open_database(db)
        rows = summary.training_rows(
            database, report.value, as_of=day, start=start, by=by.value if by else None, unsur=unsur,
            kecamatan=area(kecamatan, kabkota), months=months, within_days=expiring_within,
        )  # fmt: skip
        columns = export.hours_group_columns(by.value) if report == Report.hours and by else export.TRAINING[report]
        about = _about(db, f"Pelatihan: {report.value}", day)
        _write(out, kind, name="Pelatihan", columns=columns, rows=rows, about=about,
               settings=load_settings(database), unmask=unmask)  # fmt: skip
    _done(out, "Laporan pelatihan")

"""psmctl payments: record, import, list and void iuran payments (the ledger is append-only)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from psmctl.cli.common import (
    KELURAHAN_FORMS,
    DbPath,
    Format,
    FormatOpt,
    KabkotaOpt,
    TableOrJson,
    area,
    load_settings,
    month_callback,
    now_iso,
    open_database,
    parse_date_option,
    reported,
    today,
)
from psmctl.cli.imports import DryRunOpt, ImportFormat, KolomOpt, Progress, ReportOpt, StrictOpt
from psmctl.errors import InputError
from psmctl.output import render
from psmctl.rules.ledger_rules import MAX_AMOUNT_RUPIAH, MAX_INCOME_RUPIAH  # one documented ceiling (ledger_rules)

if TYPE_CHECKING:
    from sqlite_utils import Database

    from psmctl.importing.batch import FileResult
    from psmctl.services.ledger import RecordPlan

app = typer.Typer(help="Buku iuran BPJS Ketenagakerjaan: catat, impor, lihat, batalkan.", no_args_is_help=True)

YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Jangan minta konfirmasi (untuk cron).")]
LIST_COLUMNS = ["id", "nik", "nama", "iuran_month", "paid_on", "segment", "programs", "total_rupiah",
                "expected_rupiah", "funding", "reference", "void_reason", "catatan", "keterangan"]  # fmt: skip


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        render.error("konfirmasi diperlukan tetapi tidak ada terminal; ulangi dengan --yes")
        raise typer.Exit(1)
    if not typer.confirm(question, default=False):
        render.note("dibatalkan; tidak ada yang ditulis")
        raise typer.Exit(1)


# The options of `payments record`.
MonthOpt = Annotated[str, typer.Option("--month", callback=month_callback, help="Bulan iuran pertama, YYYY-MM.")]
NikOpt = Annotated[list[str] | None, typer.Option("--nik", help="NIK relawan; boleh diulang.")]
UnsurOpt = Annotated[str | None, typer.Option("--unsur", help="Semua relawan aktif dengan unsur ini.")]
KelurahanOpt = Annotated[
    str | None, typer.Option("--kelurahan", help="Semua relawan aktif di kelurahan/desa ini. " + KELURAHAN_FORMS)
]
KecamatanOpt = Annotated[str | None, typer.Option("--kecamatan", help="Semua relawan aktif di kecamatan ini.")]
AllActiveOpt = Annotated[bool, typer.Option("--all-active", help="Semua relawan aktif di register.")]
MonthsOpt = Annotated[
    int, typer.Option("--months", min=1, max=120, help="Jumlah bulan yang dibayar sekaligus (BPU paling banyak 12).")
]
PaidOnOpt = Annotated[str | None, typer.Option("--paid-on", help="Tanggal bayar; bawaan: hari ini.")]
SegmentOpt = Annotated[str, typer.Option("--segment", help="BPU (bukan penerima upah) atau PU.")]
IncomeOpt = Annotated[
    int,
    typer.Option("--income", min=0, max=MAX_INCOME_RUPIAH, help="Penghasilan (BPU) atau upah (PU) sebulan, rupiah."),
]
ProgramsOpt = Annotated[str, typer.Option("--programs", help="Program yang dibayar, mis. JKK,JKM atau JKK,JKM,JHT.")]
FundingOpt = Annotated[str, typer.Option("--funding", help="Sumber dana: APBD, APBN, APBDES, MANDIRI, CSR, LAINNYA.")]
RefOpt = Annotated[str, typer.Option("--ref", help="Nomor tagihan atau kuitansi.")]
AmountOpt = Annotated[
    int | None,
    typer.Option(
        "--amount", min=0, max=MAX_AMOUNT_RUPIAH, help="Jumlah dibayar per orang per bulan; bawaan: dari tabel tarif."
    ),
]
RiskOpt = Annotated[str | None, typer.Option("--risk-class", help="Kelas risiko JKK untuk PU (I..V).")]
PksNoOpt = Annotated[str | None, typer.Option("--pks-no", help="Nomor PKS kelompok ini (COV-19).")]
PksStartOpt = Annotated[str | None, typer.Option("--pks-start", help="Tanggal mulai kepesertaan menurut PKS.")]


@app.command("record")
def record(
    month: MonthOpt,
    nik: NikOpt = None,
    unsur: UnsurOpt = None,
    kelurahan: KelurahanOpt = None,
    kecamatan: KecamatanOpt = None,
    kabkota: KabkotaOpt = None,
    all_active: AllActiveOpt = False,
    months: MonthsOpt = 1,
    paid_on: PaidOnOpt = None,
    segment: SegmentOpt = "BPU",
    income: IncomeOpt = 1_000_000,
    programs: ProgramsOpt = "JKK,JKM",
    funding: FundingOpt = "APBD",
    ref: RefOpt = "",
    amount: AmountOpt = None,
    risk_class: RiskOpt = None,
    pks_no: PksNoOpt = None,
    pks_start: PksStartOpt = None,
    yes: YesOpt = False,
    db: DbPath = None,
) -> None:
    """Catat pembayaran iuran untuk satu orang atau sekelompok relawan; jumlahnya dihitung dari tabel tarif.

    Total ditampilkan dulu lalu diminta konfirmasi (lewati dengan --yes). Jumlah yang berbeda dari tabel tarif
    hanya diperingatkan: kurang bayar berarti relawan mungkin tidak terlindungi penuh.

    Contoh: psmctl payments record --all-active --month 2025-01 --months 12 --paid-on 2025-01-20 --ref SP2D-001 --yes
    """
    from psmctl.rules.payment_lines import parse_funding, parse_programs
    from psmctl.services import ledger

    paid = parse_date_option(paid_on, "--paid-on") or today()
    pks = parse_date_option(pks_start, "--pks-start")
    with reported():
        database = open_database(db)
        settings = load_settings(database)
        spec = ledger.LineSpec(
            month=month, months=months, paid_on=paid, segment=segment.upper(), income_rupiah=income,
            programs=parse_programs(programs), funding=parse_funding(funding), reference=ref,
            amount_rupiah=amount, risk_class=(risk_class or settings.pu.jkk_risk_class).upper(),
            pks_no=pks_no, pks_start=pks,
        )  # fmt: skip
        if spec.segment not in ("BPU", "PU"):
            raise InputError("--segment harus BPU atau PU")
        ids = ledger.select_volunteers(
            database, niks=nik or [], unsur=unsur, kelurahan=kelurahan, kecamatan=area(kecamatan, kabkota),
            all_active=all_active,
        )  # fmt: skip
        if not ids:
            raise InputError("tidak ada relawan yang dipilih; pakai --nik, --unsur, --kelurahan atau --all-active")
        now = now_iso()
        plan = ledger.plan_record(database, volunteer_ids=ids, spec=spec, settings=settings, now=now, today=today())
    _confirm_and_write(database, plan, months=months, yes=yes, now=now)


def _confirm_and_write(database: Database, plan: RecordPlan, *, months: int, yes: bool, now: str) -> None:
    """Show the planned lines, ask the admin (unless --yes), write them and say how many were new."""
    from psmctl.services import ledger

    _show_plan(plan, months)
    _confirm("Tulis pembayaran ini?", yes)
    with reported():
        written = ledger.write_plan(database, plan, now=now)
    render.line(f"{written} baris iuran dicatat; {len(plan.rows) - written} sudah ada sebelumnya")


def _show_plan(plan: RecordPlan, months: int) -> None:
    """The findings and the totals of a planned `payments record`, before the admin confirms it."""
    for level, code, message in plan.problems:
        (render.warn if level == "warning" else render.note)(f"{code}: {message}")
    render.line(
        f"{plan.people} orang × {months} bulan = {len(plan.rows)} baris iuran, total {render.rupiah(plan.total_rupiah)}"
        f" (menurut tabel tarif {render.rupiah(plan.expected_rupiah)})"
    )


@app.command("import")
def import_(
    files: Annotated[
        list[Path], typer.Argument(help="Satu atau beberapa daftar pembayaran .xlsx / .xls / .ods / .csv.")
    ],
    dry_run: DryRunOpt = False,
    strict: StrictOpt = False,
    funding: Annotated[str, typer.Option("--funding", help="Sumber dana untuk baris yang kolomnya kosong.")] = "APBD",
    kolom: KolomOpt = None,
    report: ReportOpt = None,
    fmt: ImportFormat = TableOrJson.table,
    db: DbPath = None,
) -> None:
    """Impor daftar pembayaran iuran; tiap berkas masuk utuh dalam satu transaksi, baris yang salah dilaporkan.

    Kolom dikenali dari judulnya: NIK, NAMA, BULAN IURAN, TANGGAL BAYAR, SEGMEN, JKK/JKM/JHT/JP atau JUMLAH,
    SUMBER DANA, NO. REFERENSI. Baris yang sama diimpor dua kali tetap satu pembayaran. NIK yang belum ada di
    register dilaporkan, tidak dibuat.

    Contoh: psmctl payments import bayar_iuran_2025.xlsx --dry-run
    """
    from psmctl.cli.imports import parse_kolom, run_batch
    from psmctl.rules.payment_lines import parse_funding
    from psmctl.services import ledger

    with reported():
        database = open_database(db)
        settings = load_settings(database)
        funding_default = parse_funding(funding)
        manual = parse_kolom(kolom or [], "payments_headers.toml")
        as_of, now = today(), now_iso()

    def one(path: Path, tick: Progress) -> FileResult:
        return ledger.import_file(
            database, path, as_of=as_of, now=now, settings=settings, funding_default=funding_default,
            dry_run=dry_run, strict=strict, kolom=manual,
        )  # fmt: skip

    run_batch(files, one, fmt=fmt, dry_run=dry_run, report=report)


@app.command("list")
def list_(
    nik: Annotated[str | None, typer.Option("--nik", help="Hanya pembayaran untuk NIK ini.")] = None,
    month: Annotated[
        str | None, typer.Option("--month", callback=month_callback, help="Hanya bulan iuran ini, YYYY-MM.")
    ] = None,
    fmt: FormatOpt = Format.table,
    db: DbPath = None,
) -> None:
    """Tampilkan buku iuran, termasuk pembayaran yang dibatalkan beserta alasannya.

    Contoh: psmctl payments list --month 2025-03 --format csv
    """
    from psmctl.services import ledger

    with reported():
        rows = ledger.list_payments(open_database(db), nik=nik, month=month)
    render.emit(fmt.value, rows, LIST_COLUMNS, title=f"Pembayaran iuran ({len(rows)} baris)")


@app.command("void")
def void(
    payment_id: Annotated[int, typer.Argument(help="Nomor (id) pembayaran dari `psmctl payments list`.")],
    reason: Annotated[str, typer.Option("--reason", help="Alasan pembatalan; disimpan bersama pembatalannya.")],
    db: DbPath = None,
) -> None:
    """Batalkan satu pembayaran yang salah; pembayaran itu tetap tercatat, pembatalannya ditambahkan.

    Contoh: psmctl payments void 42 --reason "salah NIK, diganti pembayaran 57"
    """
    from psmctl.rules.privacy import mask_nik
    from psmctl.services import ledger

    with reported():
        p = ledger.void(open_database(db), payment_id, reason=reason, now=now_iso())
    render.line(f"Pembayaran #{payment_id} ({mask_nik(p['nik'])}, bulan {p['iuran_month']}) dibatalkan: {reason}")

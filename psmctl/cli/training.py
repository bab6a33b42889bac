"""psmctl training: training events (add, list, show) and the training reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from psmctl.cli.common import (
    By,
    DbPath,
    Format,
    FormatOpt,
    KabkotaOpt,
    area,
    now_iso,
    open_database,
    parse_date_option,
    reported,
    today,
    usage_error,
)
from psmctl.output import labels, render

app = typer.Typer(
    help="Pelatihan relawan (pembinaan, bimtek, diklat, uji kompetensi, sertifikasi) dan laporannya.",
    no_args_is_help=True,
)
report_app = typer.Typer(
    help="Laporan pelatihan: belum pernah dilatih, jumlah JPL, sertifikat yang akan habis.", no_args_is_help=True
)
app.add_typer(report_app, name="report")


OnOpt = Annotated[str | None, typer.Option("--on", help="Tanggal acuan laporan (bawaan: hari ini), mis. 2025-12-31.")]
UnsurOpt = Annotated[str | None, typer.Option("--unsur", help="Hanya unsur ini, mis. PSM, TKSK, TAGANA.")]
KecamatanOpt = Annotated[str | None, typer.Option("--kecamatan", help="Hanya relawan di kecamatan ini.")]


def _as_of(on: str | None) -> date:
    return parse_date_option(on, "--on") or today()


@app.command("add")
def add(
    name: Annotated[str, typer.Option("--name", help="Nama pelatihan, mis. 'Bimtek PSM 2025'.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind", help="Jenis: pembinaan, bimtek, diklat_dasar, diklat, uji_kompetensi, sertifikasi, lainnya."
        ),
    ],
    start: Annotated[str, typer.Option("--start", help="Tanggal mulai, mis. 2025-03-10.")],
    end: Annotated[str | None, typer.Option("--end", help="Tanggal selesai (bawaan: sama dengan --start).")] = None,
    jpl: Annotated[
        str | None,
        typer.Option(
            "--jpl", help="Lama pelatihan: '16', '16 JPL', '4 jam pelajaran' atau '180 menit' (1 JPL = 45 menit)."
        ),
    ] = None,
    place: Annotated[str | None, typer.Option("--place", help="Tempat pelatihan.")] = None,
    organiser: Annotated[
        str | None, typer.Option("--organiser", help="Penyelenggara, mis. Dinsos Kota Kediri.")
    ] = None,
    unsur: Annotated[str | None, typer.Option("--unsur", help="Unsur sasaran (PSM, TKSK ...); kosong = semua.")] = None,
    db: DbPath = None,
) -> None:
    """Catat satu pelatihan dan cetak id-nya (untuk dipakai `psmctl attendance`).

    Menambah pelatihan yang sama (nama, jenis, tanggal) dua kali tidak membuat dua pelatihan: id lama dicetak.

    Contoh: psmctl training add --name "Bimtek PSM 2025" --kind bimtek --start 2025-03-10 --end 2025-03-11 --jpl 16
    """
    from psmctl.services import trainings

    start_date = parse_date_option(start, "--start")
    end_date = parse_date_option(end, "--end")
    if start_date is None:  # cannot happen: --start is required
        raise typer.Exit(2)
    _check_jpl(jpl)
    with reported():
        result = trainings.add_training(
            open_database(db),
            name=name,
            kind=kind,
            start=start_date,
            end=end_date,
            jpl=jpl,
            place=place,
            organiser=organiser,
            unsur=unsur,
            as_of=today(),
            created_at=now_iso(),
        )
    for w in result.warnings:
        render.warn(w)
    if not result.created:
        render.note(f"pelatihan ini sudah tercatat dengan id {result.id}; tidak ditambah lagi")
    render.line(str(result.id))


def _check_jpl(jpl: str | None) -> None:
    """--jpl checked at the door: a value no reading of `training.bare_jam` accepts is a usage error (exit 2)."""
    from psmctl.rules.training import parse_duration

    if jpl is None or not jpl.strip():
        return
    readings = [parse_duration(jpl.strip(), bare_jam=b) for b in ("clock_hour", "lesson_hour")]
    if all(d.minutes is None for d in readings):
        raise usage_error(f"--jpl: {readings[0].message}")


TRAINING_COLUMNS = ["id", "nama", "jenis", "mulai", "selesai", "jpl", "tempat", "penyelenggara", "unsur", "peserta"]


@app.command("list")
def list_(
    year: Annotated[
        int | None, typer.Option("--year", min=1900, max=2100, help="Hanya pelatihan yang selesai pada tahun ini.")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Hanya jenis ini, mis. bimtek.")] = None,
    db: DbPath = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Daftar pelatihan dengan jumlah pesertanya.

    Contoh: psmctl training list --year 2025 --kind bimtek
    """
    from psmctl.services import trainings

    with reported():
        rows = trainings.list_trainings(open_database(db), year=year, kind=kind)
    render.emit(fmt.value, rows, TRAINING_COLUMNS, title="Pelatihan")


ATTENDEE_COLUMNS = ["nik", "nama", "jpl", "status", "no_sertifikat", "berlaku_sampai", "dicocokkan", "keterangan"]


@app.command("show")
def show(
    training_id: Annotated[int, typer.Argument(help="Id pelatihan (lihat `psmctl training list`).")],
    db: DbPath = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Tampilkan satu pelatihan dan daftar hadirnya.

    Contoh: psmctl training show 3
    """
    from psmctl.services import trainings

    with reported():
        info, rows = trainings.show_training(open_database(db), training_id)
    if fmt == Format.json:
        render.print_json({**info, "peserta": rows})
        return
    if fmt == Format.csv:
        render.write_csv(rows, ATTENDEE_COLUMNS)
        return
    render.line(f"Pelatihan {info['id']}: {info['nama']} ({info['jenis']})")
    render.line(
        f"Tanggal: {info['mulai']} s.d. {info['selesai']}   JPL: {info['jpl']}   Unsur: {info['unsur'] or 'semua'}"
    )
    if info["tempat"] or info["penyelenggara"]:
        render.line(f"Tempat: {info['tempat'] or '-'}   Penyelenggara: {info['penyelenggara'] or '-'}")
    render.emit("table", rows, ATTENDEE_COLUMNS, title=f"Daftar hadir ({len(rows)} orang)")


@app.command("kinds")
def kinds(fmt: FormatOpt = Format.table) -> None:
    """Tampilkan katalog jenis pelatihan (data/courses.toml): JPL bawaan dan apakah dihitung sebagai pelatihan.

    Contoh: psmctl training kinds
    """
    from psmctl.services import trainings

    rows = [
        {
            "jenis": c.kind,
            "nama": c.nama,
            "jpl_bawaan": c.default_jpl,
            "dihitung": c.counts_as_training,
            "sertifikat": c.issues_certificate,
            "alias": ", ".join(c.aliases),
        }
        for c in trainings.kinds()
    ]
    if fmt == Format.table:  # the code typed after --kind, beside its name
        render.emit("table", [{**r, "kode": r["jenis"]} for r in rows], ["kode", *KIND_COLUMNS[1:]], title="Jenis")
        return
    render.emit(fmt.value, rows, KIND_COLUMNS)


KIND_COLUMNS = ["jenis", "nama", "jpl_bawaan", "dihitung", "sertifikat", "alias"]
NEVER_COLUMNS = ["nik", "nama", "unsur", "kecamatan", "kelurahan", "pelatihan_terakhir", "status"]


@report_app.command("never-trained")
def never_trained(
    unsur: UnsurOpt = None,
    kecamatan: KecamatanOpt = None,
    kabkota: KabkotaOpt = None,
    months: Annotated[
        int | None,
        typer.Option("--months", min=1, max=1200, help="Juga yang pelatihan terakhirnya lebih dari N bulan lalu."),
    ] = None,
    on: OnOpt = None,
    db: DbPath = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Relawan aktif yang belum pernah dilatih (pembinaan, bimtek, diklat; uji kompetensi tidak dihitung).

    Dengan --months N juga yang tidak dilatih dalam N bulan terakhir (status LEBIH_DARI_BATAS).

    Contoh: psmctl training report never-trained --unsur PSM --months 24 --format csv
    """
    from psmctl.services import trainings

    as_of = _as_of(on)
    with reported():
        rows = trainings.never_trained(
            open_database(db), as_of=as_of, unsur=unsur, kecamatan=area(kecamatan, kabkota), months=months
        )
    render.emit(fmt.value, rows, NEVER_COLUMNS, title=f"Belum dilatih per {as_of.isoformat()} ({len(rows)} orang)")


HOURS_COLUMNS = [
    "nik", "nama", "unsur", "kecamatan", "kelurahan", "pelatihan", "jpl", "target_jpl", "memenuhi_target",
]  # fmt: skip
GROUP_COLUMNS = ["orang", "dilatih", "memenuhi_target", "jpl", "target_jpl"]


@report_app.command("hours")
def hours(
    from_: Annotated[
        str | None, typer.Option("--from", help="Awal periode (bawaan: 1 Januari tahun ini), mis. 2025-01-01.")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Akhir periode (bawaan: hari ini), mis. 2025-12-31.")] = None,
    by: Annotated[
        By | None,
        typer.Option("--by", help="Jumlahkan per kabkota, kecamatan, kelurahan atau unsur (satu baris per kelompok)."),
    ] = None,
    unsur: UnsurOpt = None,
    kecamatan: KecamatanOpt = None,
    kabkota: KabkotaOpt = None,
    db: DbPath = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Jumlah JPL per relawan (atau per kelompok dengan --by) dalam satu periode, dibanding target per unsur.

    Pelatihan dihitung pada periode yang memuat tanggal selesainya. Target tahunan per unsur adalah pengaturan
    training.target_jpl.* (bawaan 16 JPL), dibagi rata menurut hari untuk periode yang lebih pendek.

    Contoh: psmctl training report hours --from 2025-01-01 --to 2025-12-31 --by kecamatan --format json
    """
    from psmctl.services import trainings

    end = parse_date_option(to, "--to") or today()
    start = parse_date_option(from_, "--from") or date(end.year, 1, 1)
    with reported():
        result = trainings.hours(
            open_database(db),
            start=start,
            end=end,
            by=by.value if by else None,
            unsur=unsur,
            kecamatan=area(kecamatan, kabkota),
        )
    period = f"{start.isoformat()} s.d. {end.isoformat()}"
    if by is None:
        rows, columns = result.volunteers, HOURS_COLUMNS
    else:
        keys = ["kecamatan", "kelurahan"] if by == By.kelurahan else [by.value]
        rows, columns = result.groups, [*keys, *GROUP_COLUMNS]
    if fmt != Format.table:
        render.emit(fmt.value, rows, columns)
        return
    render.emit("table", rows, columns, title=f"JPL {period}")
    total = result.total
    render.line(
        f"Jumlah: {total['orang']} orang, {total['dilatih']} dilatih, {labels.number(total['jpl'])} JPL "
        "(tiap orang-pelatihan sekali)"
    )


CERT_COLUMNS = [
    "nik",
    "nama",
    "unsur",
    "kecamatan",
    "kelurahan",
    "no_sertifikat",
    "berlaku_sampai",
    "sisa_hari",
    "status",
]


@report_app.command("certificates")
def certificates(
    expiring_within: Annotated[
        int,
        typer.Option(
            "--expiring-within", min=0, max=36500, help="Sertifikat yang habis dalam N hari (yang sudah habis juga)."
        ),
    ] = 90,
    unsur: UnsurOpt = None,
    kecamatan: KecamatanOpt = None,
    kabkota: KabkotaOpt = None,
    on: OnOpt = None,
    db: DbPath = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Sertifikat yang akan atau sudah habis masa berlakunya, dan relawan yang wajib bersertifikat tetapi belum punya.

    Masa berlaku bawaan 5 tahun (pengaturan training.certificate_valid_years) bila tanggal habis tidak dicatat.

    Contoh: psmctl training report certificates --expiring-within 90
    """
    from psmctl.services import trainings

    as_of = _as_of(on)
    with reported():
        rows = trainings.certificates(
            open_database(db), as_of=as_of, within_days=expiring_within, unsur=unsur, kecamatan=area(kecamatan, kabkota)
        )
    render.emit(fmt.value, rows, CERT_COLUMNS, title=f"Sertifikat per {as_of.isoformat()} ({len(rows)} orang)")

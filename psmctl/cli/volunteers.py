"""psmctl volunteers: the register, filtered, and one person with sources and history."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from psmctl.cli.common import (
    DbPath,
    Format,
    FormatOpt,
    KabkotaOpt,
    KelurahanOpt,
    TableOrJson,
    area,
    now_iso,
    open_database,
    reported,
)
from psmctl.output import labels, render

app = typer.Typer(help="Lihat register relawan.", no_args_is_help=True)


@app.command("list")
def list_(
    kelurahan: KelurahanOpt = None,
    kecamatan: Annotated[str | None, typer.Option("--kecamatan", help="Nama atau kode kecamatan.")] = None,
    kabkota: KabkotaOpt = None,
    unsur: Annotated[str | None, typer.Option("--unsur", help="PSM, TKSK, TAGANA, TRC, ...")] = None,
    semua: Annotated[bool, typer.Option("--semua", help="Sertakan yang berstatus BERHENTI.")] = False,
    fmt: FormatOpt = Format.table,
    db: DbPath = None,
) -> None:
    """Daftar relawan di register, satu baris per orang per unsur.

    Contoh: psmctl volunteers list --kecamatan Kota --unsur PSM --format csv > psm_kota.csv
    """
    from psmctl.rules import categories
    from psmctl.services import volunteers

    with reported():
        database = open_database(db)
        cat = categories.require(unsur) if unsur else None
        rows = volunteers.list_volunteers(
            database, unsur=cat, kelurahan=kelurahan, kecamatan=area(kecamatan, kabkota), include_inactive=semua
        )
    if fmt == Format.table:
        cols = ["nik", "nama", "jenis_kelamin", "tgl_lahir", "unsur", "kelurahan", "kecamatan", "status"]
        render.emit("table", rows, cols, title=f"Register relawan ({len(rows)} baris)")
    else:
        render.emit(fmt.value, rows, list(volunteers.LIST_KEYS))


@app.command("show")
def show(
    nik: Annotated[str, typer.Argument(help="NIK 16 digit.")],
    fmt: Annotated[TableOrJson, typer.Option("--format", "-f", help="table atau json.")] = TableOrJson.table,
    db: DbPath = None,
) -> None:
    """Tampilkan satu relawan: data diri, asal setiap data (berkas, lembar, baris), riwayat perubahan, pelatihan.

    Contoh: psmctl volunteers show 3571011708900001
    """
    from psmctl.services import volunteers

    with reported():
        database = open_database(db)
        info = volunteers.show(database, nik)
        info["training"] = _training(database, info)
        info["incidents"] = _incidents(database, info)
    if fmt == TableOrJson.json:
        render.print_json(info)
        return
    _print_person(info)


def _print_person(info: dict[str, Any]) -> None:
    """`volunteers show` on the terminal: the facts with their sources, roles, changes, incidents, training."""
    render.line(f"{info['nama']}  NIK {info['nik']}")
    render.table(
        "Data diri dan asalnya",
        ["Data", "Nilai", "Berkas", "Lembar", "Baris", "Waktu impor"],
        [[f["field"], f["value"], f["source"]["file"], f["source"]["sheet"], f["source"]["row"], f["source"]["time"]]
         for f in info["facts"]],
    )  # fmt: skip
    render.table(
        "Peran",
        ["Unsur", "Kelurahan", "Kecamatan", "Kode wilayah", "Jabatan", "No. SK", "TMT", "Status", "Berkas", "Baris"],
        [[r["unsur"], r["kelurahan"], r["kecamatan"], r["kode_wilayah"], r["jabatan"], r["no_sk"], r["tmt"],
          labels.status_words(r["status"]), r["source"]["file"], r["source"]["row"]] for r in info["roles"]],
    )  # fmt: skip
    if info["history"]:
        render.table(
            "Riwayat perubahan",
            ["Waktu", "Data", "Unsur", "Lama", "Baru", "Berkas", "Baris", "Catatan"],
            [[h["time"], h["field"], h["unsur"], h["old"], h["new"], h["file"], h["row"], h["note"]]
             for h in info["history"]],
        )  # fmt: skip
    else:
        render.line("Belum ada perubahan sejak pertama diimpor.")
    if info["incidents"]:
        render.table(
            "Kejadian",
            ["No", "Tanggal", "Jenis", "Status kepesertaan", "Terlindungi", "Status klaim", "Dibayar"],
            [[i["id"], i["occurred_on"], i["kind"], i["status_kepesertaan"], i["terlindungi"], i["status"],
              render.rupiah(i["paid_rupiah"]) if i["paid_rupiah"] is not None else ""] for i in info["incidents"]],
        )  # fmt: skip
    training = info.get("training")
    if training:
        rows = training.get("rows", [])
        render.table(
            f"Pelatihan (total {labels.number(training.get('jpl_total', 0))} JPL)",
            ["Tanggal", "Pelatihan", "Jenis", "JPL"],
            [[t.get("start_date"), t.get("name"), labels.kind_name(t.get("kind") or ""), t.get("jpl")] for t in rows],
        )


def _incidents(database: Any, info: dict[str, Any]) -> list[dict[str, Any]]:
    """The person's incidents with the verdict stored for each (`psmctl incident`)."""
    from psmctl.cli.incident import now
    from psmctl.services import incidents

    return incidents.for_volunteer(database, info["nik"], now=now())


def _training(database: Any, info: dict[str, Any]) -> dict[str, Any]:
    """The person's training history and its JPL total."""
    from psmctl.services import trainings

    rows, total = trainings.history_for(database, info["volunteer_id"])
    return {"rows": rows, "jpl_total": total}


@app.command("forget")
def forget(
    nik: Annotated[str, typer.Argument(help="NIK 16 digit orang yang meminta datanya dihapus.")],
    reason: Annotated[str, typer.Option("--reason", help="Alasan / dasar permintaan (wajib, dicatat).")],
    yes: Annotated[bool, typer.Option("--yes", help="Jangan minta konfirmasi.")] = False,
    hapus_cadangan: Annotated[
        bool,
        typer.Option("--hapus-cadangan", help="Hapus juga cadangan buatan psmctl yang masih memuat orang ini."),
    ] = False,
    db: DbPath = None,
) -> None:
    """Hapus data pribadi satu orang (NIK, nama, tanggal lahir, alamat, HP) atas permintaannya.

    Jumlah relawan, riwayat iuran dan kehadiran tetap ada tanpa identitas, agar laporan keuangan tetap utuh.
    Tidak ada sisa byte di berkas database maupun WAL-nya; karena itu penghapusan menunggu (lalu batal) selama
    proses lain masih membuka database. Impor berikutnya yang masih memuat NIK ini melaporkan NIK_DIHAPUS dan
    tidak menambahkannya lagi. Cadangan buatan `psmctl db backup` (dan salinan sebelum migrasi) yang masih memuat
    orang ini disebutkan; `--hapus-cadangan` menghapusnya.

    Contoh: psmctl volunteers forget 3571011708900001 --reason "permintaan ybs, surat 12/2025" --yes
    """
    import sys

    from psmctl.cli.common import db_path
    from psmctl.services import volunteers

    if not yes:
        if not sys.stdin.isatty():
            render.error("tambahkan --yes untuk menghapus tanpa konfirmasi (bukan terminal)")
            raise typer.Exit(1)
        if not typer.confirm("Hapus data pribadi orang ini? Tidak bisa dibatalkan", default=False):
            raise typer.Exit(1)
    with reported():
        done = volunteers.forget(
            open_database(db),
            nik,
            reason=reason,
            now=now_iso(),
            db_file=db_path(db),
            delete_backups=hapus_cadangan,
            on_wait=lambda: render.warn("database masih dibuka proses lain; menunggu sampai ditutup ..."),
        )
    render.line(f"Data pribadi {done['nik']} dihapus (batch {done['batch_id']}); iuran dan kehadiran tetap tercatat.")
    for path in done["backups"]:
        if done["backups_deleted"]:
            render.line(f"Cadangan yang masih memuatnya dihapus: {path}")
        else:
            render.warn(f"cadangan ini masih memuatnya: {path} (hapus dengan --hapus-cadangan)")

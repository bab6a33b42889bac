"""psmctl incident: the incident register (accident, illness, death on duty) and the claim that follows."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from psmctl.cli.common import (
    MAX_RUPIAH,
    DbPath,
    Format,
    FormatOpt,
    TableOrJson,
    db_path,
    load_settings,
    open_database,
    parse_date_option,
    reported,
    today,
)
from psmctl.output import render

app = typer.Typer(
    help="Register kejadian (kecelakaan kerja, sakit akibat kerja, meninggal): putusan perlindungan pada hari "
    "kejadian, batas lapor 2 × 24 jam, dokumen, dan klaim.",
    no_args_is_help=True,
)

JsonOpt = Annotated[TableOrJson, typer.Option("--format", "-f", help="table atau json.")]
LIST_COLUMNS = ["id", "nik", "nama", "kind", "occurred_on", "status_kepesertaan", "terlindungi", "report_deadline",
                "status", "reported_on", "overdue", "claim_limit_on", "paid_rupiah"]  # fmt: skip


def now() -> datetime:
    """The office's date and time (PSMCTL_TODAY moves the date, as for every command; the time stays real)."""
    tz = ZoneInfo(os.environ.get("PSMCTL_TZ", "Asia/Jakarta"))
    real = datetime.now(tz=tz).replace(microsecond=0)  # noqa: TID251  the clock, read in cli/ only
    return datetime.combine(today(), real.timetz())


def _required_date(value: str, name: str) -> date:
    day = parse_date_option(value, name)
    if day is None:  # typer makes the option required; an empty string still lands here
        render.error(f"{name} wajib diisi")
        raise typer.Exit(2)
    return day


@app.command("add")
def add(
    nik: Annotated[str, typer.Option("--nik", help="NIK relawan.")],
    on: Annotated[str, typer.Option("--date", help="Tanggal kejadian, YYYY-MM-DD.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="Jenis: kecelakaan_kerja, kecelakaan_perjalanan, penyakit_akibat_kerja, "
            "meninggal, meninggal_mendadak.",
        ),  # fmt: skip
    ],
    place: Annotated[str, typer.Option("--place", help="Tempat kejadian.")],
    description: Annotated[str, typer.Option("--description", help="Uraian singkat kejadian.")],
    at: Annotated[
        str | None,
        typer.Option("--time", help="Jam kejadian HH:MM; tanpa jam, batas lapor dihitung dari akhir hari kejadian."),
    ] = None,  # fmt: skip
    fmt: JsonOpt = TableOrJson.table,
    db: DbPath = None,
) -> None:
    """Catat kejadian dan simpan putusan perlindungan BPJS pada hari itu beserta buktinya.

    Putusan dihitung dari buku iuran seperti yang diketahui sekarang dan tidak pernah berubah diam-diam;
    `incident show` membandingkannya dengan perhitungan hari ini.

    Contoh: psmctl incident add --nik 3571011708900001 --date 2025-03-14 --time 09:30 --kind kecelakaan_kerja
    --place "Jl. Dhoho" --description "jatuh saat evakuasi banjir"
    """
    from psmctl.services import incidents

    day = _required_date(on, "--date")
    with reported():
        database = open_database(db)
        info = incidents.add(database, nik=nik, on=day, at=at, kind_id=kind, place=place,
                             description=description, settings=load_settings(database), now=now())  # fmt: skip
    if fmt == TableOrJson.json:
        render.print_json(info)
        return
    render.line(f"Kejadian #{info['id']} dicatat.")
    _print_show(info)


@app.command("update")
def update(
    incident_id: Annotated[int, typer.Argument(help="Nomor kejadian.")],
    status: Annotated[
        str, typer.Option("--status", help="dilaporkan_tahap_1, dilaporkan_tahap_2, dibayar, ditolak atau selesai.")
    ],  # fmt: skip
    on: Annotated[str, typer.Option("--on", help="Tanggal langkah ini (laporan dikirim, klaim dibayar ...).")],
    amount: Annotated[
        int | None, typer.Option("--amount", min=0, max=MAX_RUPIAH, help="Rupiah yang dibayar BPJS (status dibayar).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Catatan.")] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Alasan koreksi (wajib bila bukan langkah maju).")
    ] = None,
    dokumen: Annotated[
        list[str] | None, typer.Option("--dokumen", help="Dokumen yang diterima; boleh diulang.")
    ] = None,
    db: DbPath = None,
) -> None:
    """Catat langkah klaim (atau koreksi dengan alasannya); catatan lama tidak pernah diubah.

    Contoh: psmctl incident update 1 --status dilaporkan_tahap_1 --on 2025-03-15 --dokumen ktp --dokumen kronologi
    """
    from psmctl.services import incidents

    day = _required_date(on, "--on")
    with reported():
        row = incidents.update(open_database(db), incident_id, status=status, on=day, amount=amount,
                               note=note, reason=reason, documents=list(dokumen or []), now=now())  # fmt: skip
    late = " (terlambat dari batas 2 × 24 jam)" if row["reported_late"] else ""
    render.line(f"Kejadian #{incident_id}: {row['status']}{late}")


@app.command("list")
def list_cmd(
    year: Annotated[int | None, typer.Option("--year", min=1900, max=2100, help="Hanya kejadian tahun ini.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Hanya status ini.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Hanya yang belum dilaporkan lewat 2 × 24 jam.")] = False,
    fmt: FormatOpt = Format.table,
    db: DbPath = None,
) -> None:
    """Daftar kejadian dengan putusan perlindungan yang disimpan dan posisi klaimnya.

    Contoh: psmctl incident list --overdue
    """
    from psmctl.services import incidents

    with reported():
        rows = incidents.list_rows(open_database(db), now=now(), year=year, status=status, overdue=overdue)
    render.emit(fmt.value, rows, LIST_COLUMNS, title="Kejadian")


@app.command("show")
def show(
    incident_id: Annotated[int, typer.Argument(help="Nomor kejadian.")],
    fmt: JsonOpt = TableOrJson.table,
    db: DbPath = None,
) -> None:
    """Satu kejadian: putusan yang disimpan, perhitungan hari ini dan sebab bedanya, dokumen, riwayat klaim.

    Contoh: psmctl incident show 1
    """
    from psmctl.services import incidents

    with reported():
        database = open_database(db)
        info = incidents.show(database, incident_id, settings=load_settings(database), now=now())
    if fmt == TableOrJson.json:
        render.print_json(info)
        return
    _print_show(info)


def _print_show(info: dict[str, Any]) -> None:
    v = info["verdict"]
    time_text = f" pukul {info['occurred_time']}" if info["occurred_time"] else ""
    render.line(f"#{info['id']} {info['kind_label']}: {info['nama']}, {info['occurred_on']}{time_text}, "
                f"{info['place']}")  # fmt: skip
    render.line(f"Putusan disimpan {info['verdict_computed_at']} (buku iuran per {info['known_on']}): {v['status']}")
    rows = []
    for p in v["programmes_concerned"]:
        pc = v["programs"][p]
        rows.append([p, "YA" if pc["covered"] else "TIDAK", pc["covered_from"], pc["covered_to"], pc["reason"]])
    render.table(None, ["Program", "Terlindungi", "Dari", "Sampai", "Bukti / alasan"], rows)
    render.line(f"Masa iur: {v['masa_iur_bulan']} bulan")
    for p, b in v["benefits"].items():
        render.line(f"Acuan {p} ({b['source']}): {_benefit_text(p, b)}")
    deadline = (info["report_deadline"] or "-").replace("T", " ")
    render.line(f"Batas lapor ke BPJS: {deadline} ({info['deadline_basis']})")
    if info["overdue"]:
        render.warn(f"belum dilaporkan dan batas {deadline} sudah lewat (BEN-03)")
    render.line(f"Batas klaim: {info['claim_limit_on'] or 'tidak ada (BEN-01)'}; status klaim: {info['status']}")
    rc = info["recomputed"]
    if rc["differs"]:
        render.warn(f"perhitungan hari ini ({rc['on']}) BERBEDA dari putusan yang disimpan: "
                    f"{'; '.join(rc['differences'])}")  # fmt: skip
        for why in rc["why"]:
            render.warn(f"sebab: {why}")
    else:
        render.line(f"Perhitungan hari ini ({rc['on']}) sama dengan putusan yang disimpan.")
    render.table("Dokumen", ["Dokumen", "Kunci", "Diterima"],
                 [[d["label"], d["key"], "ya" if d["received"] else "belum"] for d in info["documents"]])  # fmt: skip
    if info["updates"]:
        cols = ["Dicatat", "Status", "Tanggal", "Rupiah", "Dokumen", "Catatan", "Alasan koreksi"]
        render.table("Riwayat klaim", cols,
                     [[u["created_at"], u["status"], u["on_date"], u["amount_rupiah"], u["documents"], u["note"],
                       u["reason"]] for u in info["updates"]])  # fmt: skip


def _benefit_text(programme: str, b: dict[str, Any]) -> str:
    """The §5.9 reference figures in the admin's words (informative: psmctl is not a claims engine)."""
    right = "berhak" if b["beasiswa_berhak"] else f"belum berhak, perlu masa iur ≥ {b['beasiswa_min_masa_iur']} bulan"
    scholarship = f"beasiswa s.d. {render.rupiah(b['beasiswa_maks_rupiah'])} ({right})"
    if programme == "JKM":
        return f"santunan {render.rupiah(b['santunan_rupiah'])}; {scholarship}"
    return (f"meninggal karena kecelakaan kerja {render.rupiah(b['meninggal_rupiah'])}; cacat total tetap s.d. "
            f"{render.rupiah(b['cacat_total_maks_rupiah'])}; {scholarship}")  # fmt: skip


def export_incidents(
    out: Annotated[Path, typer.Option("--out", "-o", help="Berkas tujuan (.xlsx, .csv atau .json), ditulis utuh.")],
    year: Annotated[int | None, typer.Option("--year", min=1900, max=2100, help="Hanya kejadian tahun ini.")] = None,
    unmask: Annotated[bool, typer.Option("--unmask", help="Tulis NIK lengkap (bawaan: disamarkan).")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Setujui --unmask tanpa terminal.")] = False,
    db: DbPath = None,
) -> None:
    """Tulis register kejadian ke .xlsx, .csv atau .json (NIK disamarkan).

    Contoh: psmctl export incidents --year 2025 --out kejadian-2025.xlsx
    """
    from psmctl.cli.export import _done, _guard_unmask, _write
    from psmctl.output import export
    from psmctl.services import incidents

    _guard_unmask(unmask, yes)
    try:
        fmt = export.format_of(out, None)
    except ValueError as e:
        render.error(str(e))
        raise typer.Exit(2) from None
    with reported():
        database = open_database(db)
        keys = [c.key for c in export.INCIDENTS]
        rows = [{k: r[k] for k in keys} for r in incidents.list_rows(database, now=now(), year=year)]
        about = [("Laporan", "Register kejadian"), ("Tahun", year or "semua"), ("Database", db_path(db).name)]
        _write(out, fmt, name="Kejadian", columns=export.INCIDENTS, rows=rows, about=about,
               settings=load_settings(database), unmask=unmask)  # fmt: skip
    _done(out, "Register kejadian")

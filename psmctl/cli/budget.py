"""psmctl coverage budget: next year's iuran for the active register, the basis of the APBD request."""

from __future__ import annotations

from typing import Annotated

import typer

from psmctl.cli.common import YEAR_MAX, YEAR_MIN, DbPath, TableOrJson, load_settings, open_database, reported
from psmctl.output import render

PROGS = ("JKK", "JKM", "JHT", "JP")


def budget(
    year: Annotated[int, typer.Option("--year", min=YEAR_MIN, max=YEAR_MAX, help="Tahun anggaran.")],
    tambah: Annotated[
        int,
        typer.Option("--tambah", min=0, max=10_000_000, help="Tambahan relawan, dihitung dengan rata-rata register."),
    ] = 0,
    funding: Annotated[
        str | None,
        typer.Option(
            "--funding", help="Sumber dana untuk semua (mis. APBD); bawaan: seperti pembayaran terakhir tiap orang."
        ),  # fmt: skip
    ] = None,
    unsur: Annotated[list[str] | None, typer.Option("--unsur", help="Hanya unsur ini; boleh diulang.")] = None,
    fmt: Annotated[TableOrJson, typer.Option("--format", "-f", help="table atau json.")] = TableOrJson.table,
    db: DbPath = None,
) -> None:
    """Anggaran iuran tahun depan per bulan, per program dan per sumber dana, dari tarif yang berlaku tiap bulan.

    Penyesuaian bertanggal berlaku di bulannya (batas upah JP mulai 1 Maret; diskon PP 50/2025 untuk BPU tidak
    berlaku bagi dana APBN/APBD/APBDes). Sumber hukum setiap tarif disebutkan.

    Contoh: psmctl coverage budget --year 2026 --tambah 10 --funding APBD
    """
    from psmctl.rules import categories
    from psmctl.services import budget as budget_mod

    with reported():
        database = open_database(db)
        units = [categories.require(u) for u in unsur or []]
        b = budget_mod.build(database, year=year, settings=load_settings(database), tambah=tambah, funding=funding,
                             unsur=units)  # fmt: skip
    for note in b["notes"]:
        render.warn(note)
    if fmt == TableOrJson.json:
        render.print_json(b)
        return
    cols = ["Bulan", *PROGS, "Jumlah"]
    rows = [[m["bulan"], *(render.rupiah(m[f"{p.lower()}_rupiah"]) for p in PROGS), render.rupiah(m["total_rupiah"])]
            for m in b["months"]]  # fmt: skip
    tp = b["total_per_program"]
    rows.append(
        ["JUMLAH", *(render.rupiah(tp[f"{p.lower()}_rupiah"]) for p in PROGS), render.rupiah(b["total_rupiah"])]
    )
    render.table(f"Anggaran iuran {year}: {b['orang']} orang + {b['tambah']} tambahan", cols, rows, right=cols[1:])
    render.line(
        "Per sumber dana: " + ", ".join(f"{f} {render.rupiah(v)}" for f, v in b["total_per_sumber_dana"].items())
    )
    render.line(f"Tabel iuran versi {b['rates_version']}; dasar:")
    for s in b["sources"]:
        render.line(f"  {s['id']}: {s['source']} (keyakinan {s['confidence']})")

"""psmctl report: the year-end evaluation (and the budget it leads to: `psmctl coverage budget`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from psmctl.cli.common import (
    YEAR_MAX,
    YEAR_MIN,
    DbPath,
    TableOrJson,
    db_path,
    load_settings,
    office_name,
    open_database,
    reported,
    today,
)
from psmctl.cli.incident import now
from psmctl.output import render

app = typer.Typer(help="Laporan tahunan: evaluasi kepesertaan, iuran, kejadian dan klaim.", no_args_is_help=True)


@app.command("evaluasi")
def evaluasi(
    year: Annotated[int, typer.Option("--year", min=YEAR_MIN, max=YEAR_MAX, help="Tahun yang dievaluasi.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Tulis juga buku kerja .xlsx (grafik, Tentang).")
    ] = None,
    fmt: Annotated[TableOrJson, typer.Option("--format", "-f", help="table atau json.")] = TableOrJson.table,
    db: DbPath = None,
) -> None:
    """Evaluasi akhir tahun: terdaftar dan terlindungi per bulan, iuran per program dan sumber dana, tunggakan,
    celah, kejadian per jenis, klaim per status, biaya per orang-bulan terlindungi.

    Angka terlindungi sama dengan `psmctl coverage status --as-of` hari terakhir setiap bulan; iuran sama dengan
    buku iuran tanpa pembayaran yang dibatalkan. Data yang sama menghasilkan buku kerja yang sama persis.

    Contoh: psmctl report evaluasi --year 2025 --out evaluasi-2025.xlsx
    """
    from psmctl.cli.export import _done, _mode
    from psmctl.services import evaluation

    if out is not None and out.suffix.lower() != ".xlsx":
        render.error(f"evaluasi hanya dalam .xlsx; --out {out.name} harus berakhiran .xlsx")
        raise typer.Exit(2)
    with reported():
        database = open_database(db)
        settings = load_settings(database)
        e = evaluation.build(database, year=year, known_on=today(), now=now(), settings=settings)
        if out is not None:
            from psmctl.output import evaluation_export

            evaluation_export.write(out, e, db_name=db_path(db).name, mode=_mode(settings),
                                    office=office_name(settings))  # fmt: skip
    if out is not None:
        _done(out)
    if fmt == TableOrJson.json:
        render.print_json(e.as_dict())
        return
    _print(e)


def _print(e: Any) -> None:
    render.table(f"Evaluasi {e.year}", ["Bulan", "Terdaftar", "Terlindungi", "%", "Iuran"],
                 [[m["bulan"], m["terdaftar"], m["terlindungi"], f"{m['pct_terlindungi']:.1%}",
                   render.rupiah(m["iuran_rupiah"])] for m in e.months],
                 right=["Terdaftar", "Terlindungi", "%", "Iuran"])  # fmt: skip
    t = e.totals
    render.line("Iuran per program: " + ", ".join(f"{p['program']} {render.rupiah(p['rupiah'])}"
                                                   for p in e.per_programme if p["rupiah"]))  # fmt: skip
    render.line("Iuran per sumber dana: " + ", ".join(f"{f['sumber_dana']} {render.rupiah(f['rupiah'])}"
                                                      for f in e.per_funding))  # fmt: skip
    render.line(f"Jumlah iuran {render.rupiah(t['iuran_rupiah'])}; {t['orang_bulan_terlindungi']} orang-bulan "
                f"terlindungi; biaya per orang-bulan {render.rupiah(t['biaya_per_orang_bulan_rupiah'])}")  # fmt: skip
    render.line(f"Tunggakan per {e.arrears['per']}: {e.arrears['orang']} orang, {render.rupiah(e.arrears['rupiah'])}; "
                f"celah tanpa JKK: {e.gaps['orang']} orang, {e.gaps['hari_orang']} hari-orang")  # fmt: skip
    for k in e.incidents:
        render.line(f"Kejadian {k['jenis']}: {k['kejadian']} (terlindungi {k['terlindungi']})")
    for c in e.claims:
        render.line(f"Klaim {c['status']}: {c['kejadian']}, dibayar {render.rupiah(c['dibayar_rupiah'])}")

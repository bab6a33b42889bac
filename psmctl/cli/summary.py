"""psmctl summary: the monthly summary on the terminal (the same rows as the Ringkasan sheet)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from psmctl.cli.common import (
    DbPath,
    TableOrJson,
    areas,
    load_settings,
    open_database,
    parse_date_option,
    reported,
    today,
    warn_unlisted_holidays,
)
from psmctl.output import render


class SummaryBy(StrEnum):
    """The level of the summary's rows."""

    kecamatan = "kecamatan"
    kabkota = "kabkota"


COLUMNS = [
    "kecamatan", "jumlah", "aktif", "menunggak", "nonaktif", "belum_terdaftar", "belum_pernah_dilatih",
    "jpl_tahun_ini",
]  # fmt: skip


def _incident_warnings(database: Any) -> list[str]:
    """Reports past their 2 × 24-hour deadline and claims near their limitation date (`psmctl incident`)."""
    from psmctl.cli.incident import now
    from psmctl.services import incidents

    return incidents.warnings(database, now=now())


def summary(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Tanggal ringkasan; bawaan: hari ini.")] = None,
    kecamatan: Annotated[
        list[str] | None, typer.Option("--kecamatan", help="Hanya kecamatan ini; boleh diulang.")
    ] = None,
    kabkota: Annotated[
        list[str] | None, typer.Option("--kabkota", help="Hanya kab/kota ini (kode atau nama); boleh diulang.")
    ] = None,
    by: Annotated[
        SummaryBy, typer.Option("--by", help="Satu baris per kecamatan (bawaan) atau per kabkota (kantor provinsi).")
    ] = SummaryBy.kecamatan,
    fmt: Annotated[TableOrJson, typer.Option("--format", "-f", help="table atau json.")] = TableOrJson.table,
    db: DbPath = None,
) -> None:
    """Ringkasan per kecamatan: jumlah relawan, status kepesertaan BPJS, belum pernah dilatih, JPL tahun ini.

    Baris yang sama dengan lembar Ringkasan di `psmctl export summary`.

    Contoh: psmctl summary --as-of 2025-09-30
    Kantor provinsi: psmctl summary --by kabkota
    """
    from psmctl.services import summary as summary_mod

    day = parse_date_option(as_of, "--as-of") or today()
    with reported():
        database = open_database(db)
        settings = load_settings(database)
        s = summary_mod.build(database, as_of=day, settings=settings, kecamatan=areas(kecamatan, kabkota))
        incident_warnings = _incident_warnings(database)
    warn_unlisted_holidays(settings, day)
    for w in incident_warnings:
        render.warn(w)
    per = s.per_kabkota if by == SummaryBy.kabkota else s.per_kecamatan
    columns = ["kabkota", *COLUMNS[1:]] if by == SummaryBy.kabkota else COLUMNS
    rows = [*per, s.total | {"kabkota": "JUMLAH"}]
    if fmt == TableOrJson.json:
        render.print_json([{k: r.get(k) for k in columns} for r in rows])
        return
    render.emit("table", rows, columns, title=f"Ringkasan per {day.isoformat()}")
    render.line(
        f"Tunggakan / habis bulan depan: {s.counts['tunggakan']} orang; "
        f"belum pernah dilatih: {s.counts['belum_pernah_dilatih']}"
    )
    if s.doubles:  # the full list is on the Tunggakan sheet of `psmctl export summary`
        example = s.doubles[0]["keterangan"]
        render.warn(f"dibayar ganda: {len(s.doubles)} bulan iuran dibayar dua kali untuk program yang sama; daftar "
                    f"lengkap di lembar Tunggakan (psmctl export summary). Contoh: {example}")  # fmt: skip

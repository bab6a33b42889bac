"""psmctl rates: the iuran figures in force on a date, with their legal sources."""

from __future__ import annotations

from typing import Annotated

import typer

from psmctl import render
from psmctl.cli.common import TableOrJson, parse_date_option, reported, today

app = typer.Typer(help="Tarif iuran BPJS Ketenagakerjaan beserta dasar hukumnya.", no_args_is_help=True)


@app.command("show")
def show(
    on: Annotated[
        str | None, typer.Option("--on", help="Tanggal (bulan iuran) yang ditanyakan; bawaan: hari ini.")
    ] = None,
    fmt: Annotated[TableOrJson, typer.Option("--format", "-f", help="Bentuk keluaran: table atau json.")] = (
        TableOrJson.table
    ),
) -> None:
    """Tampilkan tarif, batas upah JP, penyesuaian dan jatuh tempo yang berlaku pada satu tanggal, dengan sumbernya.

    Tarif dicari menurut bulan iuran dari tanggal itu; angka manfaat menurut tanggal kejadian.

    Contoh: psmctl rates show --on 2026-02-01
    """
    from psmctl import rates

    day = parse_date_option(on, "--on") or today()
    with reported():
        table = rates.load()
        month = f"{day.year:04d}-{day.month:02d}"
        rows = [r for r in table.all_rows() if r.holds(day.isoformat() if r.table == "benefit" else month)]
    out = [
        {
            "table": r.table,
            "id": r.id,
            "key": " ".join(k for k in r.key if k),
            "value": _value(r.values),
            "effective_from": r.start,
            "effective_to": r.end,
            "source": r.source,
            "confidence": r.confidence,
        }
        for r in rows
    ]
    if fmt == TableOrJson.json:
        render.print_json({"on": day.isoformat(), "month": month, "version": table.version, "rows": out})
        return
    render.table(
        f"Tarif berlaku untuk bulan iuran {month} (data versi {table.version})",
        ["Tabel", "Id", "Kunci", "Nilai", "Berlaku", "Sumber", "Keyakinan"],
        ([o["table"], o["id"], o["key"], o["value"], f"{o['effective_from']} s.d. {o['effective_to'] or '-'}",
          o["source"], o["confidence"]] for o in out),
    )  # fmt: skip


def _value(v: dict[str, object]) -> str:
    parts = []
    for name in ("rate_bp", "worker_bp", "multiplier_bp", "late_fee_bp"):
        if v.get(name):
            parts.append(f"{name}={v[name]}")
    for name in ("amount_rupiah", "min_rupiah", "cap_rupiah", "lump_sum_rupiah"):
        if v.get(name):
            parts.append(f"{name}={render.rupiah(int(str(v[name])))}")
    if "day" in v:
        parts.append(f"tgl {v['day']} bulan M+{v['month_offset']}")
    if v.get("excluded_funding"):
        parts.append(f"kecuali {','.join(str(x) for x in v['excluded_funding'])}")  # type: ignore[attr-defined]
    return "; ".join(parts)

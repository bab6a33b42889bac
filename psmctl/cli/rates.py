"""psmctl rates: the iuran figures in force on a date, with their legal sources."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

import typer

from psmctl.cli.common import TableOrJson, parse_date_option, reported, today
from psmctl.output import labels, render
from psmctl.rules.months import month_of

app = typer.Typer(help="Tarif iuran BPJS Ketenagakerjaan beserta dasar hukumnya.", no_args_is_help=True)


@app.command("show")
def show(
    on: Annotated[
        str | None,
        typer.Option("--on", help="Tanggal (2026-02-01) atau bulan iuran (2026-02) yang ditanyakan; bawaan: hari ini."),
    ] = None,
    fmt: Annotated[TableOrJson, typer.Option("--format", "-f", help="Bentuk keluaran: table atau json.")] = (
        TableOrJson.table
    ),
) -> None:
    """Tampilkan tarif, batas upah JP, penyesuaian dan jatuh tempo yang berlaku pada satu tanggal, dengan sumbernya.

    Tarif dicari menurut bulan iuran dari tanggal itu; angka manfaat menurut tanggal kejadian.

    Contoh: psmctl rates show --on 2026-02-01
    """
    from psmctl.rules import rates

    day = _month_or_date(on) or today()
    with reported():
        table = rates.load()
        month = month_of(day)
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
        f"Tarif yang berlaku untuk bulan iuran {month} (manfaat: per {day.isoformat()}; data versi {table.version})",
        ["Jenis", "Berlaku untuk", "Nilai", "Berlaku", "Dasar hukum", "Keyakinan"],
        ([TABLE_WORDS.get(r.table, r.table), o["key"] or "semua", _words(r.values),
          f"{r.start} s.d. {r.end or 'sekarang'}", r.source,
          CONFIDENCE.get(r.confidence, r.confidence)] for o, r in zip(out, rows, strict=True)),
    )  # fmt: skip


TABLE_WORDS = {
    "rate": "Tarif", "jp_cap": "Batas upah JP", "min_income": "Penghasilan minimum", "adjustment": "Penyesuaian",
    "due_rule": "Jatuh tempo", "benefit": "Manfaat (acuan)",
}  # fmt: skip
CONFIDENCE = {"H": "tinggi", "M": "sedang", "L": "rendah"}
PERCENT_WORDS = {"rate_bp": "tarif", "worker_bp": "bagian pekerja", "multiplier_bp": "dikali", "late_fee_bp": "denda"}
RUPIAH_WORDS = {
    "amount_rupiah": "", "min_rupiah": "paling sedikit", "cap_rupiah": "batas", "lump_sum_rupiah": "santunan",
}  # fmt: skip


def _month_or_date(text: str | None) -> date | None:
    """--on: an iuran month (2026-02 = its first day) or a date."""
    if text and re.fullmatch(r"\d{4}-\d{2}", text.strip()):
        y, m = int(text[:4]), int(text[5:7])
        if 1900 <= y <= 2100 and 1 <= m <= 12:
            return date(y, m, 1)
    return parse_date_option(text, "--on")


def _words(v: dict[str, object]) -> str:
    """The values of a row as an admin reads them: 1 %, Rp6.800, tanggal 15 bulan berikutnya."""
    parts = []
    for name, word in PERCENT_WORDS.items():
        if v.get(name):
            parts.append(f"{word} {labels.percent(int(str(v[name])))}".strip())
    for name, word in RUPIAH_WORDS.items():
        if v.get(name):
            parts.append(f"{word} {labels.rupiah(int(str(v[name])))}".strip())
    if "day" in v:
        offset = int(str(v.get("month_offset") or 0))
        parts.append(f"tanggal {v['day']} " + ("bulan iuran itu" if offset == 0 else f"{offset} bulan sesudahnya"))
    if v.get("excluded_funding"):
        parts.append(f"kecuali dana {', '.join(str(x) for x in v['excluded_funding'])}")  # type: ignore[attr-defined]
    return "; ".join(parts)


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

"""psmctl merge: a province office brings kab/kota psmctl databases into its own register."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from psmctl.cli.common import DbPath, TableOrJson, now_iso, open_database, reported
from psmctl.output import render

KINDS = {
    "volunteers": "orang", "roles": "peran", "trainings": "pelatihan", "attendance": "kehadiran",
    "payments": "bulan iuran", "payment_voids": "pembatalan",
}  # fmt: skip


def merge(
    sources: Annotated[
        list[Path], typer.Argument(help="Database psmctl kab/kota yang digabung (boleh beberapa).", show_default=False)
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Tampilkan yang akan berubah; tidak ada yang disimpan.")
    ] = False,
    fmt: Annotated[TableOrJson, typer.Option("--format", "-f", help="table atau json.")] = TableOrJson.table,
    db: DbPath = None,
) -> None:
    """Gabungkan register, peran, pelatihan, kehadiran, pembayaran dan pembatalan dari database kab/kota.

    Setiap fakta yang digabung menyimpan asalnya (nama dan sidik berkas sumber, berkas/lembar/baris aslinya).
    Menggabung sumber yang sama lagi tidak mengubah apa pun. NIK yang sudah ada dari sumber lain dilaporkan
    dengan kedua tempatnya. Semua sumber digabung sekaligus atau tidak sama sekali.

    Contoh: psmctl --db banten.db merge pandeglang.db lebak.db --dry-run
    """
    from psmctl.services import merge as merge_mod

    with reported():
        database = open_database(db)
        reports = merge_mod.merge(database, sources, merged_at=now_iso(), dry_run=dry_run)
    if fmt == TableOrJson.json:
        render.print_json([asdict(r) | {"changed": r.changed} for r in reports])
        return
    verb = "akan ditambah" if dry_run else "ditambah"
    for r in reports:
        added = ", ".join(f"{r.added[k]} {word}" for k, word in KINDS.items())
        matched = sum(r.matched.values())
        how = " (skema lama, dibaca dari salinan yang diperbarui)" if r.migrated else ""
        render.line(f"{r.file} [{r.fingerprint[:12]}]{how}: {verb} {added}; {matched} sudah ada")
        if r.erased:
            render.warn(f"{r.file}: {r.erased} orang yang sudah dihapus atas permintaan di sini tidak digabung")
        for d in r.duplicates:
            render.warn(f"NIK {d.nik} ({d.nama}) ada di dua tempat: {d.here} dan {d.source}")
    if dry_run:
        render.line("Uji coba (--dry-run): tidak ada yang disimpan.")

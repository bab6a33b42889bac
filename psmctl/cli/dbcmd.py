"""psmctl db: check and back up the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from psmctl.cli.common import DbPath, db_path, now_iso, open_database, reported
from psmctl.output import render

app = typer.Typer(help="Pemeliharaan database: periksa dan cadangkan.", no_args_is_help=True)


@app.command("check")
def check(db: DbPath = None) -> None:
    """Periksa integritas database, kunci asing, versi skema dan konsistensi buku iuran; keluar 1 bila ada masalah.

    Contoh: psmctl db check
    """
    from psmctl.db import connect_readonly, health, schema_version

    with reported():
        path = db_path(db)
        database = connect_readonly(path)
        problems = health.check(database)
        counts = health.summary(database)
        version = schema_version(database)
    render.line(f"Database {path}: skema {version}; " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if problems:
        for p in problems:
            render.error(p)
        raise typer.Exit(1)
    render.line("Sehat: tidak ada masalah.")


@app.command("backup")
def backup(
    target: Annotated[Path, typer.Argument(help="Berkas cadangan yang akan dibuat (mis. cadangan/psmctl-2025-12.db).")],
    db: DbPath = None,
) -> None:
    """Buat salinan database yang konsisten walau perintah lain sedang berjalan (SQLite backup API).

    Memulihkan = menyalin berkas cadangan kembali ke tempat database semula (saat tidak ada psmctl yang berjalan).

    Contoh: psmctl db backup cadangan/psmctl-2025-12-31.db
    """
    from psmctl.db import backup as do_backup
    from psmctl.db import erasure

    with reported():
        database = open_database(db)
        if target.resolve() == db_path(db).resolve():
            render.error("berkas cadangan tidak boleh sama dengan database")
            raise typer.Exit(2)
        if not target.parent.exists():
            render.error(f"folder {target.parent} tidak ada; buat dulu")
            raise typer.Exit(1)
        do_backup(database, target)
        erasure.register_backup(database, target, at=now_iso())  # `volunteers forget` looks in it later
    render.wrote("Cadangan database (izin 0600)", target)

"""psmctl config: the DEFAULT interpretations of docs/rules.md, per database."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from psmctl.cli.common import EXIT_USAGE, DbPath, Format, FormatOpt, load_settings, open_database, reported
from psmctl.output import render

app = typer.Typer(help="Lihat dan ubah pengaturan (tafsiran DEFAULT aturan) untuk database ini.", no_args_is_help=True)


@app.command("show")
def show(db: DbPath = None, fmt: FormatOpt = Format.table) -> None:
    """Tampilkan semua pengaturan dan nilainya; yang diubah dari bawaan ditandai.

    Contoh: psmctl config show
    """
    with reported():
        s = load_settings(open_database(db))
    rows = [{"key": k, "value": json.dumps(v), "diubah": "ya" if o else ""} for k, v, o in s.items()]
    render.emit(fmt.value, rows, ["key", "value", "diubah"], title="Pengaturan")


@app.command("set")
def set_(
    key: Annotated[str, typer.Argument(help="Nama pengaturan, mis. coverage.lapse_after_unpaid_months")],
    value: Annotated[str, typer.Argument(help="Nilai baru; 'default' mengembalikan ke bawaan")],
    db: DbPath = None,
) -> None:
    """Ubah satu pengaturan (atau kembalikan ke bawaan dengan nilai 'default').

    Contoh: psmctl config set wilayah.kode_kabkota 35.71
    """
    from psmctl.db import set_setting
    from psmctl.errors import InputError
    from psmctl.rules.settings import defaults, parse_value

    if value != "default":
        try:
            parsed = parse_value(key, value)  # checked at the door, before the database is opened
        except InputError as e:
            render.error(str(e))
            raise typer.Exit(EXIT_USAGE) from None
    elif key not in defaults():
        render.error(f"pengaturan '{key}' tidak dikenal; lihat `psmctl config show`")
        raise typer.Exit(EXIT_USAGE)
    with reported():
        database = open_database(db)
        if value == "default":
            set_setting(database, key, None)
            render.line(f"{key} dikembalikan ke bawaan")
            return
        set_setting(database, key, json.dumps(parsed))
    render.line(f"{key} = {json.dumps(parsed)}")

"""psmctl's command line: a thin typer app. Options in, one domain call, render out.

Only this package reads the clock, the environment and decides exit codes (cli/common.py, EXIT_*): 0 success,
1 the command failed and changed nothing, 2 wrong usage, 3 some files of a multi-file command landed and others
failed, 70 internal error.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer import _click
from typer.core import TyperGroup
from typer.exceptions import Abort, TyperException

from psmctl import __version__
from psmctl.cli import (
    attendance,
    budget,
    config,
    coverage,
    dbcmd,
    export,
    imports,
    incident,
    merge,
    payments,
    rates,
    report,
    summary,
    training,
    volunteers,
)
from psmctl.cli.common import (
    EXIT_FAILED,
    EXIT_USAGE,
    SQLITE_INT_MAX,
    SQLITE_INT_MIN,
    DbPath,
    GlobalDbPath,
    close_databases,
    db_path,
    failure_line,
    open_database,
    reported,
    state,
    usage_failure,
)
from psmctl.cli.frame import install as _install_frame
from psmctl.output import render

_install_frame()  # help and usage errors in Indonesian, before any command is built

HELP = """Register relawan sosial (PSM, TKSK, Tagana, TRC, ...), pelatihan, dan iuran BPJS Ketenagakerjaan
dalam satu berkas database SQLite.

Contoh:

  psmctl init --kabkota 35.71

  psmctl import roster daftar_psm_banjaran.xlsx

  psmctl coverage check 3571011708900001 --on 2025-03-14
"""


class _Group(TyperGroup):
    """The root group: click's usage errors become one Indonesian line (cli.common.usage_failure), whoever calls
    the app (the entry point or the tests' CliRunner)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self._main(*args, **kwargs)
        finally:
            close_databases()  # whoever calls the app: the register is one whole file when a command ends

    def _main(self, *args: Any, **kwargs: Any) -> Any:
        _bound_integers(self)
        if not os.environ.get("PSMCTL_DEBUG"):
            # A writer that failed on a full disk leaves objects (xlsxwriter's ZipFile) whose finaliser fails again
            # at collection: Python would print that traceback after our one line. The failure was already said.
            sys.unraisablehook = _quiet
        standalone = kwargs.get("standalone_mode", True)
        kwargs["standalone_mode"] = False
        if not standalone:
            return super().main(*args, **kwargs)
        try:
            # Outside standalone mode click hands back typer.Exit's code (or the command's return value, None).
            code = super().main(*args, **kwargs)
        except TyperException as e:
            if type(e).__name__ == "NoArgsIsHelpError":  # `psmctl import` alone: the help is the answer
                render.note(e.format_message())
                sys.exit(EXIT_USAGE)
            message, code = usage_failure(e)
            render.error(message)
            sys.exit(code)
        except Abort:
            render.error("dibatalkan; tidak ada yang berubah")
            sys.exit(EXIT_FAILED)
        sys.exit(code if isinstance(code, int) else 0)


def _quiet(_: Any) -> None:
    return None


def _bound_integers(command: Any) -> None:
    """Every integer option and argument of every command stays in SQLite's integer range (an id of 20 digits is a
    usage error, not an OverflowError inside a query); a range a command set itself keeps its own ends."""
    for param in command.params:
        kind = param.type
        if isinstance(kind, _click.types.IntParamType):
            low = getattr(kind, "min", None)
            high = getattr(kind, "max", None)
            param.type = _click.types.IntRange(
                min=SQLITE_INT_MIN if low is None else low, max=SQLITE_INT_MAX if high is None else high
            )
    for sub in getattr(command, "commands", {}).values():
        _bound_integers(sub)


app = typer.Typer(
    cls=_Group,
    help=HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # pretty tracebacks show local variables, and ours hold NIKs
    rich_markup_mode=None,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        render.line(f"psmctl {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    db: GlobalDbPath = None,
    version: Annotated[
        bool,
        typer.Option("--version", help="Tampilkan versi psmctl lalu keluar.", callback=_version, is_eager=True),
    ] = False,
    unmask: Annotated[
        bool,
        typer.Option(
            "--unmask",
            help="NIK dan nomor HP lengkap juga ke pipa/berkas (--format json/csv, --report); perlu --yes.",
        ),
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Setujui --unmask (mis. dari cron).")] = False,
) -> None:
    state.db = db
    state.opened = None
    if unmask and not yes:
        render.error("--unmask ditolak tanpa --yes: data lengkap keluar kantor hanya bila memang disetujui")
        raise typer.Exit(2)
    render.stdout_policy.unmask = unmask


@app.command("init")
def init(
    kabkota: Annotated[
        str | None,
        typer.Option("--kabkota", help="Kode kab/kota kantor ini, mis. 35.71 (Kota Kediri); dipakai mencocokkan nama."),
    ] = None,
    provinsi: Annotated[
        str | None,
        typer.Option(
            "--provinsi", help="Kode provinsi kantor dinas provinsi, mis. 36 (Banten); nama dicocokkan se-provinsi."
        ),
    ] = None,
    db: DbPath = None,
) -> None:
    """Buat database baru (atau perbarui skemanya) dengan izin berkas 0600.

    Contoh: psmctl --db dinsos.db init --kabkota 35.71
    Kantor provinsi: psmctl --db banten.db init --provinsi 36
    """
    from psmctl.db import schema_version, set_setting
    from psmctl.errors import InputError
    from psmctl.rules import wilayah

    with reported():
        if kabkota and provinsi:
            raise InputError("pilih salah satu: --kabkota (kantor kab/kota) atau --provinsi (kantor provinsi)")
        prov = wilayah.provinsi_code(provinsi) if provinsi else ""
        code = wilayah.kabkota_code(kabkota) if kabkota else ""
        path = db_path(db)
        existed = path.exists() and path.stat().st_size > 0
        database = open_database(db, create=True)
        if prov:
            set_setting(database, "wilayah.kode_provinsi", f'"{prov}"')
            set_setting(database, "wilayah.kode_kabkota", '""')
            render.line(f"Provinsi kantor: {prov} {wilayah.name_of(prov)}")
        if code:
            set_setting(database, "wilayah.kode_kabkota", f'"{code}"')
            render.line(f"Kab/kota kantor: {code} {wilayah.name_of(code)}")
        render.line(f"Database {'sudah ada' if existed else 'dibuat'}: {path} (skema {schema_version(database)})")


app.add_typer(imports.app, name="import")
app.add_typer(volunteers.app, name="volunteers")
app.add_typer(payments.app, name="payments")
app.add_typer(coverage.app, name="coverage")
coverage.app.command("budget")(budget.budget)
app.add_typer(rates.app, name="rates")
app.add_typer(training.app, name="training")
app.add_typer(attendance.app, name="attendance")
app.add_typer(incident.app, name="incident")
app.add_typer(export.app, name="export")
export.app.command("incidents")(incident.export_incidents)
app.command("summary")(summary.summary)
app.add_typer(report.app, name="report")
app.add_typer(config.app, name="config")
app.add_typer(dbcmd.app, name="db")
app.command("merge")(merge.merge)


def main() -> None:
    """Entry point: the last line of defence, so no traceback ever reaches the admin."""
    # One command is one short process. Its bulk work (100k roster rows, 1.2M iuran months) builds millions of
    # acyclic tuples that reference counting frees; the cyclic collector would only rescan them, and its first
    # pass after a bulk phase alone cost a 100k import 0.05 s. Library callers (tests) keep the collector and
    # get memory.gc_paused around the bulk phases instead.
    gc.disable()
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        render.error("dihentikan oleh pengguna; tidak ada yang berubah pada berkas yang sedang diimpor")
        sys.exit(130)
    except Exception as e:
        if os.environ.get("PSMCTL_DEBUG"):
            raise
        message = failure_line(e)  # an OS error outside a command's own handling (a full disk mid-output)
        if message is not None:
            render.error(message)
            sys.exit(EXIT_FAILED)
        render.error("kesalahan internal; jalankan lagi dengan PSMCTL_DEBUG=1 untuk rinciannya")
        sys.exit(70)


__all__ = ["app", "main", "Path"]

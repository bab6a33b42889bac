"""What every command shares: the --db option, the clock, settings, the one place errors become exit codes."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from psmctl import render
from psmctl.errors import PsmctlError

if TYPE_CHECKING:
    from sqlite_utils import Database

    from psmctl.settings import Settings

DEFAULT_DB = Path("psmctl.db")

# The global `psmctl --db` reads PSMCTL_DB; the per-command `--db` does not, so that a command's own option
# beats the environment: command --db > global --db > PSMCTL_DB > ./psmctl.db.
GlobalDbPath = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar="PSMCTL_DB",
        help="Berkas database SQLite (bawaan: ./psmctl.db, atau variabel PSMCTL_DB).",
        show_default=False,
    ),
]
DbPath = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Berkas database SQLite (bawaan: PSMCTL_DB, atau ./psmctl.db).",
        show_default=False,
    ),
]


class Format(StrEnum):
    """Output format for tables."""

    table = "table"
    json = "json"
    csv = "csv"


class TableOrJson(StrEnum):
    """Output format for reports that are not tabular enough for CSV."""

    table = "table"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Bentuk keluaran: table, csv atau json.")]


class _State:
    db: Path | None = None


state = _State()


def db_path(db: Path | None) -> Path:
    """The database file: the command's --db, else the global --db / PSMCTL_DB, else ./psmctl.db."""
    if db:
        return db
    if state.db:
        return state.db
    env = os.environ.get("PSMCTL_DB")
    return Path(env) if env else DEFAULT_DB


def open_database(db: Path | None) -> Database:
    """Open (and migrate) the database named by the options."""
    from psmctl.db import open_db

    return open_db(db_path(db))


def load_settings(database: Database) -> Settings:
    """Effective settings of this database."""
    from psmctl.db import all_settings
    from psmctl.settings import from_stored

    return from_stored(all_settings(database))


def today() -> date:
    """The office's date: Asia/Jakarta unless PSMCTL_TZ says otherwise (a UTC cron at 00:30 WIB is 'today')."""
    fixed = os.environ.get("PSMCTL_TODAY")
    if fixed:  # demos and rehearsals: run the whole tool "as if" on that day
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            render.error(f"PSMCTL_TODAY '{fixed}' bukan tanggal ISO (contoh: 2025-12-15)")
            raise typer.Exit(2) from None
    tz = ZoneInfo(os.environ.get("PSMCTL_TZ", "Asia/Jakarta"))
    return datetime.now(tz=tz).date()  # noqa: TID251  the one clock read


def now_iso() -> str:
    """Timestamp for batch records (office time zone, seconds)."""
    tz = ZoneInfo(os.environ.get("PSMCTL_TZ", "Asia/Jakarta"))
    return datetime.now(tz=tz).replace(microsecond=0).isoformat()  # noqa: TID251


def parse_date_option(value: str | None, name: str) -> date | None:
    """An ISO (or day-first) date typed on the command line; bad input exits 2 with one line."""
    if value is None:
        return None
    from psmctl.dates import parse_date_text

    result = parse_date_text(value)
    if isinstance(result, date):
        return result
    render.error(f"{name} '{value}' bukan tanggal yang sah ({result}); contoh: 2025-03-14")
    raise typer.Exit(2)


@contextmanager
def reported() -> Iterator[None]:
    """Turn the domain's errors into one line on stderr and exit 1; nothing else escapes as a traceback."""
    try:
        yield
    except PsmctlError as e:
        render.error(str(e))
        raise typer.Exit(1) from None
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            render.error("database sedang dipakai proses lain terlalu lama; coba lagi sebentar lagi")
        else:
            render.error(f"database tidak bisa dipakai: {e}; jalankan `psmctl db check`")
        raise typer.Exit(1) from None
    except sqlite3.DatabaseError as e:
        render.error(f"database rusak atau bukan database psmctl: {e}; jalankan `psmctl db check`")
        raise typer.Exit(1) from None


def warn_unlisted_holidays(settings: Settings, *days: date) -> None:
    """IUR-13: say so when due dates fall in a year without a holiday list (weekends only are skipped then)."""
    from psmctl import rates

    missing = rates.calendar_of(settings).unlisted(d.year for d in days)
    if missing:
        years = ", ".join(str(y) for y in missing)
        render.warn(
            f"IUR-13: daftar hari libur tahun {years} belum ada di data psmctl; jatuh tempo hanya melewati "
            "Sabtu/Minggu. Isi calendar.extra_holidays (psmctl config set) dengan libur nasional dan cuti "
            "bersama tahun itu."
        )


def month_days(month: str) -> tuple[date, date]:
    """The first days of an iuran month and of the next: its due dates fall in one of them (BPU: M, PU: M+1)."""
    y, m = int(month[:4]), int(month[5:7])
    return date(y, m, 1), date(y + m // 12, m % 12 + 1, 1)

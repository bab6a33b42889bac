"""What every command shares: the --db option, the clock, settings, the one place errors become exit codes."""

from __future__ import annotations

import errno
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from psmctl.errors import PsmctlError
from psmctl.output import render
from psmctl.rules.months import add_months, first_day

if TYPE_CHECKING:
    from sqlite_utils import Database

    from psmctl.rules.settings import Settings

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


class By(StrEnum):
    """Grouping of the hours report (TRN-06), in `training report hours` and `export training`."""

    kabkota = "kabkota"
    kecamatan = "kecamatan"
    kelurahan = "kelurahan"
    unsur = "unsur"


class _State:
    db: Path | None = None
    opened: Path | None = None  # the register this command opened: SQLite's errors do not name their file

    def __init__(self) -> None:
        self.databases: list[Database] = []  # closed when the command ends (close_databases)


state = _State()


def db_path(db: Path | None) -> Path:
    """The database file: the command's --db, else the global --db / PSMCTL_DB, else ./psmctl.db."""
    if db:
        return db
    if state.db:
        return state.db
    env = os.environ.get("PSMCTL_DB")
    return Path(env) if env else DEFAULT_DB


def open_database(db: Path | None, *, create: bool = False) -> Database:
    """Open (and migrate) the database named by the options. Only `init` passes create: any other command on a
    path with no database (a typo in --db, a cron job in another folder) fails instead of making an empty one."""
    from psmctl.db import open_db

    path = db_path(db)
    state.opened = path
    database = open_db(path, create=create, on_migrate=render.migrated)
    state.databases.append(database)
    return database


def close_databases() -> None:
    """Close what the command opened, when it ends: the last connection's close checkpoints the write-ahead log
    into the file, so the register is one whole file again (a caller in the same process, or a copy of it, sees
    it all), not only when the process exits."""
    while state.databases:
        database = state.databases.pop()
        try:
            database.close()
        except sqlite3.Error:
            pass  # a connection already broken: its file is as SQLite left it, and the command said what failed


def load_settings(database: Database) -> Settings:
    """Effective settings of this database."""
    from psmctl.db import all_settings
    from psmctl.rules.settings import from_stored

    return from_stored(all_settings(database))


def office_name(settings: Settings) -> str:
    """The office as printed on every workbook page: kantor.nama, else 'Dinas Sosial' and the kab/kota, with its
    code ('Dinas Sosial Kota Kediri (35.71)')."""
    from psmctl.rules import wilayah

    code = settings.wilayah.kode_kabkota
    place = wilayah.name_of(code) if code else ""
    office = settings.kantor.nama or " ".join(x for x in ("Dinas Sosial", place) if x)
    if place and place not in office:
        office += f", {place}"
    return f"{office} ({code})" if code else office


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


# Dates and iuran months typed on the command line stay in a range a register can mean (and date arithmetic
# a year either side cannot overflow); ids and counts stay in SQLite's integer range (the root group bounds every
# integer option, psmctl/cli/__init__.py).
YEAR_MIN, YEAR_MAX = 1900, 2100
SQLITE_INT_MIN, SQLITE_INT_MAX = -(2**63), 2**63 - 1


def usage_error(message: str) -> typer.Exit:
    """Print one line for a value refused at the door; the caller raises the returned exit (code 2)."""
    render.error(message)
    return typer.Exit(EXIT_USAGE)


def parse_date_option(value: str | None, name: str) -> date | None:
    """An ISO (or day-first) date typed on the command line, 1900-2100; bad input exits 2 with one line."""
    if value is None:
        return None
    from psmctl.rules.dates import parse_date_text

    result = parse_date_text(value)
    if not isinstance(result, date):
        raise usage_error(f"{name} '{value}' bukan tanggal yang sah ({result}); contoh: 2025-03-14")
    if not YEAR_MIN <= result.year <= YEAR_MAX:
        raise usage_error(f"{name} '{value}' di luar rentang tahun {YEAR_MIN}-{YEAR_MAX}; contoh: 2025-03-14")
    return result


# A rupiah figure typed on the command line: far above any iuran or wage, far below SQLite's integer limit (sums of
# a million rows stay inside it).
MAX_RUPIAH = 10**12


def month_callback(value: str | None) -> str | None:
    """typer callback for an iuran-month option: YYYY-MM in 1900-2100, else a usage error (one line, exit 2)."""
    if value is None:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
    if not m or not 1 <= int(m[2]) <= 12:
        raise typer.BadParameter(f"'{value}' bukan bulan iuran; tulis YYYY-MM, contoh: 2025-03.")
    if not YEAR_MIN <= int(m[1]) <= YEAR_MAX:
        raise typer.BadParameter(f"'{value}' di luar rentang tahun {YEAR_MIN}-{YEAR_MAX}.")
    return f"{m[1]}-{m[2]}"


def check_count(value: int | None, name: str, low: int, high: int) -> None:
    """A count typed on the command line within [low, high], checked before anything is built from it (exit 2)."""
    if value is not None and not low <= value <= high:
        raise usage_error(f"{name} {value} di luar rentang {low}-{high}")


# Exit codes (README "For scripts and cron" has the same table).
EXIT_OK = 0
EXIT_FAILED = 1  # the command failed and changed nothing
EXIT_USAGE = 2  # wrong usage: an option or argument that cannot be used
EXIT_PARTIAL = 3  # a multi-file command changed some files and failed others; the closing line names what landed
EXIT_BUG = 70  # internal error: a bug in psmctl

_OS_ADVICE = {
    errno.EACCES: "izin ditolak; periksa hak akses berkas/folder itu atau jalankan sebagai pengguna yang berhak",
    errno.EPERM: "izin ditolak; periksa hak akses berkas/folder itu atau jalankan sebagai pengguna yang berhak",
    errno.EROFS: "sistem berkas hanya-baca; pilih folder lain yang bisa ditulis",
    errno.ENOSPC: "disk penuh; kosongkan ruang disk lalu jalankan lagi",
    errno.EDQUOT: "kuota disk habis; kosongkan ruang lalu jalankan lagi",
    errno.ENAMETOOLONG: "nama berkas terlalu panjang; pakai nama atau folder yang lebih pendek",
    errno.ENOENT: "berkas atau folder tidak ada; periksa jalurnya",
    errno.ENOTDIR: "bagian jalur itu bukan folder; periksa jalurnya",
    errno.EISDIR: "itu folder, bukan berkas; beri nama berkas",
    errno.EFBIG: "berkas terlalu besar untuk sistem berkas ini",
    errno.EIO: "kesalahan baca/tulis perangkat (disk rusak atau terlepas?)",
}

# SQLite reports OS trouble as text, not errno: the phrases that name what the admin can fix. `{db}` is the
# register the command opened (a full disk is not named: it may be the disk of a backup or an export).
_SQLITE_ADVICE = (
    ("readonly", "database {db}hanya bisa dibaca (izin berkas atau folder, atau disk hanya-baca); periksa hak tulis "
     "berkas dan foldernya; database tidak berubah"),
    ("disk is full", "disk penuh; kosongkan ruang disk lalu jalankan lagi; database tidak berubah"),
    ("unable to open", "database {db}atau foldernya tidak bisa dibuka; periksa hak akses folder database"),
    ("disk i/o error", "kesalahan baca/tulis disk pada database {db}(izin, ruang disk, disk rusak?); jalankan lagi"),
    ("locked", "database {db}sedang dipakai proses lain terlalu lama; coba lagi sebentar lagi"),
    ("busy", "database {db}sedang dipakai proses lain terlalu lama; coba lagi sebentar lagi"),
)  # fmt: skip


def os_error_line(e: OSError) -> str:
    """One Indonesian line for an OS error on any file psmctl reads or writes: which file and what to do."""
    advice = _OS_ADVICE.get(e.errno or 0, f"{e.strerror or e}")
    if e.filename is None:
        return advice
    where = str(e.filename)
    if len(where) > 100:  # a name too long to be used is too long to be read: its folder and its start
        where = f"{os.path.dirname(where)}/{os.path.basename(where)[:40]}..."
    return f"{where}: {advice}"


def failure_line(e: BaseException) -> str | None:
    """The one line for a failure the admin can act on, or None for a bug (the caller lets it through)."""
    import xlsxwriter.exceptions as xe

    if isinstance(e, PsmctlError):
        return str(e)
    if isinstance(e, xe.FileCreateError) and e.args and isinstance(e.args[0], OSError):
        return os_error_line(e.args[0])
    if isinstance(e, OSError):
        return os_error_line(e)
    db = f"{state.opened} " if state.opened is not None else ""
    if isinstance(e, sqlite3.OperationalError):
        text = str(e).lower()
        for phrase, advice in _SQLITE_ADVICE:
            if phrase in text:
                return advice.format(db=db)
        return f"database {db}tidak bisa dipakai: {e}; jalankan `psmctl db check`"
    if isinstance(e, sqlite3.DatabaseError):
        return f"database {db}rusak atau bukan database psmctl: {e}; jalankan `psmctl db check`"
    return None


@contextmanager
def reported() -> Iterator[None]:
    """Turn the domain's errors and OS errors into one line on stderr and exit 1; nothing else escapes as a
    traceback. Inside, a write either committed or rolled back whole, so exit 1 means nothing changed."""
    try:
        yield
    except Exception as e:
        message = failure_line(e)
        if message is None:
            raise
        render.error(message)
        raise typer.Exit(EXIT_FAILED) from None


_UNREADABLE = re.compile(r"\w+ (?P<v>'.*') is not readable\.$")


def usage_failure(e: Exception) -> tuple[str, int]:
    """One line and the exit code for one of click's usage errors (typer's UsageError family, reached through its
    public base class): the Indonesian text of cli/frame.py and the help hint, on one line for cron mail."""
    from psmctl.cli.frame import error_message

    unreadable = _UNREADABLE.match(str(getattr(e, "message", e)))
    if unreadable:  # an OS refusal, not a usage slip: exit 1 like every other unreadable input
        return f"berkas {unreadable['v']} tidak bisa dibaca (izin ditolak); periksa hak akses berkas itu", EXIT_FAILED
    format_message = getattr(e, "format_message", None)
    text = error_message(format_message() if callable(format_message) else str(e))
    ctx = getattr(e, "ctx", None)
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        text += f" Lihat '{ctx.command_path} {ctx.help_option_names[0]}' untuk bantuan."
    return text, EXIT_USAGE


def warn_unlisted_holidays(settings: Settings, *days: date) -> None:
    """IUR-13: say so when due dates fall in a year without a holiday list (weekends only are skipped then)."""
    from psmctl.rules import rates

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
    return first_day(month), first_day(add_months(month, 1))


# The register's --kelurahan filter (services.volunteers.kelurahan_filter).
KELURAHAN_FORMS = (
    "Nama, label seperti di laporan ('Sukamaju (Kec. Kibin)') atau kode wilayah 10 digit (36.04.16.2007 atau "
    "3604162007); nama saja memilih semua desa bernama itu."
)
KelurahanOpt = Annotated[str | None, typer.Option("--kelurahan", help="Hanya kelurahan/desa ini. " + KELURAHAN_FORMS)]
KabkotaOpt = Annotated[
    str | None, typer.Option("--kabkota", help="Hanya kab/kota ini (kode 36.01 atau nama 'Kabupaten Pandeglang').")
]


def area(kecamatan: str | None, kabkota: str | None) -> str | None:
    """The register filter of --kecamatan and --kabkota: a kecamatan (name or code), a kab/kota code, or None.

    With both, the kecamatan name is looked up inside the kab/kota: in a province two kab/kota may each have a
    kecamatan of that name (Cibeber in Lebak and in Kota Cilegon).
    """
    from psmctl.errors import InputError
    from psmctl.rules import wilayah

    if not kabkota:
        return kecamatan
    code = wilayah.kabkota_code(kabkota)
    if not kecamatan:
        return code
    hits = wilayah.find(kecamatan, "kecamatan", code)
    if len(hits) != 1:
        raise InputError(f"kecamatan '{kecamatan}' tidak ada di {wilayah.name_of(code)} ({code})")
    return hits[0].kode


def areas(kecamatan: list[str] | None, kabkota: list[str] | None) -> tuple[str, ...]:
    """The summary's repeated --kecamatan and --kabkota as register filters (each kab/kota as its code)."""
    from psmctl.rules import wilayah

    return (*(kecamatan or ()), *(wilayah.kabkota_code(k) for k in kabkota or ()))

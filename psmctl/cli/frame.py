"""The frame around psmctl's help and usage errors, in Indonesian to the last word.

Our docstrings and option help are Indonesian; the frame around them ("Usage:", "Options", "[required]",
"Show this message and exit.", "Error: Missing option '--month'.") comes from the click that typer bundles
(``typer._click``, typer >= 0.26; never the ``click`` package). Its strings are plain literals, so they are
translated where they are written: the help formatter (usage line, section headings, option rows), typer's
gettext hook, and the ``show`` of usage errors. ``install()`` runs once, when psmctl.cli is imported.

The rich help panels (typer.rich_utils) are not used: the app sets ``rich_markup_mode=None``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import IO, Any

import typer.core
from typer import _click

# typer.core's gettext strings (section headings, option extras, group errors, "Aborted!").
GETTEXT = {
    "Options": "Opsi",
    "Arguments": "Argumen",
    "Commands": "Perintah",
    "required": "wajib",
    "default: {default}": "bawaan: {default}",
    "env var: {var}": "variabel lingkungan: {var}",
    "(dynamic)": "(dihitung)",
    "Missing command.": "perintah belum disebut.",
    "No such command {name!r}.": "perintah {name!r} tidak dikenal.",
    "Aborted!": "Dibatalkan.",
}

# Words of the help text that typer writes itself (metavars, the --help option).
HELP_WORDS = [
    ("Show this message and exit.", "Tampilkan bantuan ini lalu keluar."),
    ("[required]", "[wajib]"),
    ("[default: ", "[bawaan: "),
    ("[env var: ", "[variabel lingkungan: "),
    ("COMMAND [ARGS]...", "PERINTAH [ARGUMEN]..."),
    ("[OPTIONS]", "[OPSI]"),
    ("<str>", "<teks>"),
    ("<int>", "<bilangan>"),
    ("<float>", "<angka>"),
    ("<path>", "<berkas>"),
    ("<bool>", "<ya|tidak>"),
    ("<bytes>", "<teks>"),
]

# Usage errors: (pattern of click's English message, Indonesian template), tried in order.
_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Missing option (.+?)\.(.*)", re.S), r"opsi \1 wajib diisi.\2"),
    (re.compile(r"Missing argument (.+?)\.(.*)", re.S), r"argumen \1 wajib diisi.\2"),
    (re.compile(r"Missing parameter:? ?(.*?)\.?", re.S), r"parameter \1 wajib diisi."),
    (re.compile(r"No such option: (\S+) \(Possible options: (.+)\)", re.S), r"opsi \1 tidak dikenal; mungkin \2."),
    (re.compile(r"No such option: (\S+)", re.S), r"opsi \1 tidak dikenal."),
    (re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", re.S), r"argumen berlebih: \1."),
    (re.compile(r"Option (.+?) requires an argument\.", re.S), r"opsi \1 perlu diisi nilai."),
    (re.compile(r"Option (.+?) requires (\d+) arguments\.", re.S), r"opsi \1 perlu diisi \2 nilai."),
    (re.compile(r"Option (.+?) does not take a value\.", re.S), r"opsi \1 tidak menerima nilai."),
    (re.compile(r"Argument (.+?) takes (\d+) values\.", re.S), r"argumen \1 perlu \2 nilai."),
]
_VALUES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(.*) is not one of (.*)\.", re.S), r"\1 bukan salah satu dari \2."),
    (re.compile(r"(.*) is not a valid (?:integer|int)( range)?\.", re.S), r"\1 bukan bilangan bulat."),
    (re.compile(r"(.*) is not a valid float( range)?\.", re.S), r"\1 bukan angka."),
    (re.compile(r"(.*) is not a valid boolean\..*", re.S), r"\1 bukan ya/tidak (pakai true atau false)."),
    (re.compile(r"(.*) is not a valid (.*)\.", re.S), r"\1 bukan \2 yang sah."),
    (re.compile(r"(.*) is not in the range (.*)\.", re.S), r"\1 di luar rentang \2."),
    (re.compile(r"(?:File|Path|Directory) (.*) does not exist\.", re.S), r"berkas atau folder \1 tidak ada."),
    (re.compile(r"(?:File|Path|Directory) (.*) is a directory\.", re.S), r"\1 adalah folder, bukan berkas."),
    (re.compile(r"(?:File|Path|Directory) (.*) is a file\.", re.S), r"\1 adalah berkas, bukan folder."),
    (re.compile(r"(?:File|Path|Directory) (.*) is not readable\.", re.S), r"\1 tidak bisa dibaca."),
    (re.compile(r"(?:File|Path|Directory) (.*) is not writable\.", re.S), r"\1 tidak bisa ditulisi."),
]
_INVALID = re.compile(r"Invalid value(?: for (.+?))?: (.*)", re.S)


def help_text(text: str) -> str:
    """typer's own words of a help screen in Indonesian."""
    for en, id_ in HELP_WORDS:
        text = text.replace(en, id_)
    return text


def _value_message(text: str) -> str:
    for pattern, template in _VALUES:
        if pattern.fullmatch(text):
            return pattern.sub(template, text)
    return text


def error_message(text: str) -> str:
    """A usage error of click in Indonesian ('Missing option '--month'.' → 'opsi '--month' wajib diisi.')."""
    invalid = _INVALID.fullmatch(text)
    if invalid:
        where = f" untuk {invalid.group(1)}" if invalid.group(1) else ""
        return f"nilai tidak sah{where}: {_value_message(invalid.group(2))}"
    for pattern, template in _ERRORS:
        if pattern.fullmatch(text):
            return pattern.sub(template, text).replace("Choose from:", "pilih salah satu:")
    return _value_message(text)


class IndonesianHelpFormatter(_click.HelpFormatter):
    """click's help formatter with an Indonesian usage line and option rows."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, help_text(args), "Penggunaan: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(GETTEXT.get(heading, heading))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(help_text(a), help_text(b)) for a, b in rows], col_max, col_spacing)


def _gettext(message: str) -> str:
    return GETTEXT.get(message, message)


def _show_error(self: _click.exceptions.ClickException, file: IO[Any] | None = None) -> None:
    _click.echo(f"Galat: {error_message(self.format_message())}", file=file or sys.stderr)


def _show_usage_error(self: _click.exceptions.UsageError, file: IO[Any] | None = None) -> None:
    target = file or sys.stderr
    if self.ctx is not None:
        hint = ""
        if self.ctx.command.get_help_option(self.ctx) is not None:
            hint = f"Lihat '{self.ctx.command_path} {self.ctx.help_option_names[0]}' untuk bantuan.\n"
        _click.echo(f"{self.ctx.get_usage()}\n{hint}", file=target)
    _click.echo(f"Galat: {error_message(self.format_message())}", file=target)


def install() -> None:
    """Put the Indonesian frame in place (idempotent)."""
    _click.Context.formatter_class = IndonesianHelpFormatter
    typer.core._ = _gettext  # type: ignore[attr-defined]
    _click.exceptions.ClickException.show = _show_error  # type: ignore[method-assign]
    _click.exceptions.UsageError.show = _show_usage_error  # type: ignore[method-assign]

"""psmctl db: database housekeeping (being built)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Pemeliharaan database: periksa dan cadangkan.", no_args_is_help=True)

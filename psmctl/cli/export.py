"""psmctl export: commands (being built)."""

from __future__ import annotations

import typer

app = typer.Typer(help="export", no_args_is_help=True)

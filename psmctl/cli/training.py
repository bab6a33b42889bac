"""psmctl training: commands (being built)."""

from __future__ import annotations

import typer

app = typer.Typer(help="training", no_args_is_help=True)

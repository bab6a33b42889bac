"""psmctl coverage: commands (being built)."""

from __future__ import annotations

import typer

app = typer.Typer(help="coverage", no_args_is_help=True)

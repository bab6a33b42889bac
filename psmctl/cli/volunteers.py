"""psmctl volunteers (being built)."""

from __future__ import annotations

import typer

app = typer.Typer(help="volunteers", no_args_is_help=True)

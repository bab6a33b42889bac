"""Shared fixtures: no test can reach a real database; rich output is pinned."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

if TYPE_CHECKING:
    from corpus.cli import Psmctl

ROOT = Path(__file__).resolve().parent.parent

os.environ["NO_COLOR"] = "1"
os.environ["COLUMNS"] = "200"
os.environ.pop("PSMCTL_DEBUG", None)


@pytest.fixture(scope="session", autouse=True)
def _one_click_command_per_app() -> Iterator[None]:
    """typer's CliRunner turns the whole typer app into click commands at every invoke (0.15 s here, most of a small
    command's time, and the suite invokes thousands). The tree it builds is the same each time, so it is built once
    per app; the real entry point (the subprocess tests) still builds it at every run."""
    import typer.main
    import typer.testing

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", functools.cache(typer.main.get_command))
        yield


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSMCTL_DB", str(tmp_path / "psmctl.db"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    from psmctl.cli.common import state
    from psmctl.output import render

    state.db = None
    render.stdout_policy.unmask = False


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "psmctl.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    from psmctl.db import open_db

    database = open_db(db_path)
    yield database
    database.close()


@pytest.fixture
def initialized(db_path: Path) -> Path:
    """The database at PSMCTL_DB, made as `psmctl init` makes it (every other command refuses a missing one)."""
    from psmctl.db import open_db

    open_db(db_path).close()
    return db_path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def psm(runner: CliRunner) -> Psmctl:
    """psmctl driven through its CLI over a database made by `psmctl init` (the corpus tests' user)."""
    from corpus.cli import Psmctl  # after COLUMNS is set: psmctl's console reads it on import

    tool = Psmctl(runner)
    tool.init()
    return tool


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """`make demo`'s script run once, for real (a psmctl process per step), into a folder of its own: its output
    and that folder, with demo.db, masalah_impor.xlsx and the summary workbook. The tests only read them."""
    folder = tmp_path_factory.mktemp("demo")
    env = {**os.environ, "PSMCTL": f"{sys.executable} -m psmctl", "PYTHON": sys.executable, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(["bash", str(ROOT / "sample_data" / "demo.sh"), str(folder / "demo.db")], env=env,
                       capture_output=True, text=True, timeout=900, check=False)  # fmt: skip
    return r, folder

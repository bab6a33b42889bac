"""The README stays true: its two first commands, its tour (every `$ psmctl` line runs), every command listed."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import cli_commands
from psmctl.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def test_readme_starts_with_exactly_the_two_commands() -> None:
    first_block = README.split("```")[1]
    lines = [ln.split("#")[0].strip() for ln in first_block.splitlines()[1:] if ln.strip()]
    assert lines == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "make test" in ci


def test_every_command_is_documented() -> None:
    for cmd in cli_commands(app):
        assert f"psmctl {' '.join(cmd)}" in README, cmd


def test_the_tour_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tour = README.split("## A tour", 1)[1].split("\n## ", 1)[0]
    lines = [ln[2:] for ln in tour.splitlines() if ln.startswith("$ psmctl ")]
    assert len(lines) >= 10
    (tmp_path / "sample_data").symlink_to(ROOT / "sample_data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PSMCTL_TODAY", "2025-12-22")
    runner = CliRunner()
    for line in lines:
        args = shlex.split(line)[1:]
        r = runner.invoke(app, args)
        assert r.exit_code == 0, (line, r.output)
    assert (tmp_path / "masalah.xlsx").exists()


def test_demo_script_runs_and_prints_a_summary(demo: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    r, tmp_path = demo
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "Traceback" not in r.stdout + r.stderr
    assert "Ringkasan" in r.stdout and "belum pernah dilatih" in r.stdout
    assert (tmp_path / "masalah_impor.xlsx").exists()
    # A realistic ledger: each person paid once a month (no "dibayar ganda"), and one incident on the admin's screen.
    assert "dibayar ganda" not in r.stdout + r.stderr and "kejadian #1" in r.stdout + r.stderr
    db = sqlite3.connect(tmp_path / "demo.db")
    try:
        twice = "SELECT count(*) FROM (SELECT 1 FROM payments GROUP BY volunteer_id, iuran_month HAVING count(*) > 1)"
        assert db.execute(twice).fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM incidents").fetchone() == (1,)
    finally:
        db.close()


@pytest.mark.skipif(os.environ.get("CI") != "true", reason="clean-clone run of `make demo`: CI only (installs .venv)")
def test_make_demo_from_a_clean_clone(tmp_path: Path) -> None:
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.skip("git and make are needed")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=300)
    r = subprocess.run(["make", "demo"], cwd=clone, capture_output=True, text=True, timeout=1500, check=False)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert (clone / "demo" / "psmctl-demo.db").exists()
    assert re.search(r"belum pernah dilatih: \d+", r.stdout)

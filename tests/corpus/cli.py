"""psmctl driven as a user drives it (in-process CliRunner), and its JSON read without assuming one shape.

The import engine of issue 15 gives every import one JSON shape; until then roster prints a list of sheet
entries, payments a dict with "sheets", attendance a list. `Report` reads any of them: a *finding* is every
dict in the payload with a "message" (or "code"), wherever it sits. Tests assert on what a user reads in a
finding (its row, column, value, message), not on the nesting.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from psmctl.cli import app

TODAY = "2025-06-30"


@dataclass
class Out:
    code: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        return self.stdout + self.stderr


@dataclass
class Finding:
    raw: dict[str, Any]

    @property
    def row(self) -> int | None:
        row = self.raw.get("row")
        return row if isinstance(row, int) else None

    @property
    def level(self) -> str:
        return str(self.raw.get("level") or "").lower()

    @property
    def code(self) -> str:
        return str(self.raw.get("code") or "")

    @property
    def text(self) -> str:
        """Everything a user reads in this finding, lower-cased: sheet, column, value, message."""
        return " ".join(str(v) for k, v in self.raw.items() if k != "code" and v is not None).lower()

    def at(self, row: int) -> bool:
        """About this Excel row: its "row", or "baris N" in its message."""
        return self.row == row or re.search(rf"\bbaris {row}\b", self.text) is not None

    def says(self, *words: str) -> bool:
        return all(w.lower() in self.text for w in words)


@dataclass
class Report:
    out: Out
    payload: Any = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The whole report as a user could read it (JSON text and stderr), lower-cased."""
        return (json.dumps(self.payload, ensure_ascii=False) + " " + self.out.stderr).lower()

    def about(self, row: int) -> list[Finding]:
        return [f for f in self.findings if f.at(row)]

    def saying(self, *words: str) -> list[Finding]:
        return [f for f in self.findings if f.says(*words)]

    def errors_at(self, row: int) -> list[Finding]:
        return [f for f in self.about(row) if f.level == "error"]

    def codes_at(self, row: int) -> set[tuple[str, str]]:
        return {(f.level, f.code) for f in self.about(row)}


def _walk(node: Any) -> list[Finding]:
    if isinstance(node, dict):
        if "message" in node and ("code" in node or "level" in node):
            return [Finding(node)]
        return [f for v in node.values() for f in _walk(v)]
    if isinstance(node, list):
        return [f for v in node for f in _walk(v)]
    return []


class Psmctl:
    """One database (PSMCTL_DB from conftest), one fixed day."""

    def __init__(self, runner: CliRunner, today: str = TODAY) -> None:
        self.runner = runner
        self.env = {"PSMCTL_TODAY": today}

    def __call__(self, *args: str | Path) -> Out:
        # Full NIKs on a pipe only when asked (privacy.py): the tests read the register as the admin does.
        r = self.runner.invoke(app, ["--unmask", "--yes", *(str(a) for a in args)], env=self.env)
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            raise AssertionError(f"psmctl {' '.join(map(str, args))} raised {r.exception!r}\n{r.output}")
        return Out(r.exit_code, r.stdout, r.stderr)

    def init(self) -> None:
        out = self("init", "--kabkota", "35.71")
        assert out.code == 0, out.text

    def _report(self, *args: str | Path) -> Report:
        out = self(*args, "--format", "json")
        payload: Any = None
        if out.stdout.strip():
            try:
                payload = json.loads(out.stdout)
            except json.JSONDecodeError as e:
                raise AssertionError(f"--format json printed something else: {out.stdout[:500]}") from e
        return Report(out, payload, _walk(payload))

    def import_roster(self, *args: str | Path) -> Report:
        return self._report("import", "roster", *args)

    def import_payments(self, *args: str | Path) -> Report:
        return self._report("payments", "import", *args)

    def import_attendance(self, training: int, *args: str | Path) -> Report:
        return self._report("attendance", "import", str(training), *args)

    def register(self) -> list[dict[str, Any]]:
        """Every role in the register, BERHENTI included: one dict per person and unsur."""
        out = self("volunteers", "list", "--semua", "--format", "json")
        assert out.code == 0, out.text
        return list(json.loads(out.stdout))

    def roles_of(self, nik: str) -> list[dict[str, Any]]:
        return [r for r in self.register() if r["nik"] == nik]

    def role(self, nik: str, unsur: str = "PSM") -> dict[str, Any] | None:
        hits = [r for r in self.roles_of(nik) if r["unsur"] == unsur]
        assert len(hits) <= 1, hits
        return hits[0] if hits else None

    def show(self, nik: str) -> str:
        """`volunteers show NIK --format json` as text, lower-cased (for notes kept on the person)."""
        out = self("volunteers", "show", nik, "--format", "json")
        return (out.stdout + out.stderr).lower()

    def payments(self) -> list[dict[str, Any]]:
        out = self("payments", "list", "--format", "json")
        assert out.code == 0, out.text
        return list(json.loads(out.stdout))

    def add_training(self) -> int:
        out = self("training", "add", "--name", "Bimtek PSM Kota Kediri 2025", "--kind", "bimtek",
                   "--start", "2025-03-10", "--end", "2025-03-11", "--jpl", "16", "--unsur", "PSM")  # fmt: skip
        assert out.code == 0, out.text
        return int(out.stdout.strip().splitlines()[-1])

    def attendees(self, training: int) -> list[dict[str, Any]]:
        out = self("training", "show", str(training), "--format", "json")
        assert out.code == 0, out.text
        return list(json.loads(out.stdout)["peserta"])

"""The one findings registry: docs/report-codes.md's table is rendered from it, every code an import gives is in it."""

from __future__ import annotations

import re
from pathlib import Path

from psmctl.importing import findings

ROOT = Path(__file__).resolve().parent.parent


def test_the_documented_code_table_is_the_registry() -> None:
    page = (ROOT / "docs" / "report-codes.md").read_text("utf-8")
    assert findings.markdown_table() in page, "docs/report-codes.md differs: paste findings.markdown_table()"


def test_every_code_the_roster_and_the_engine_give_is_registered() -> None:
    sources = sorted((ROOT / "psmctl" / "importing").glob("*.py"))  # the roster importer is importing/roster.py
    given: set[str] = set()
    for path in sources:
        text = path.read_text("utf-8")
        # Codes are passed to add()/once() next to a level, or are the key of a finding tuple.
        given |= set(re.findall(r'"(?:error|warning|info)",\s*"([A-Z][A-Z0-9_]+)"', text))
        given |= set(re.findall(r'once\(\s*"([A-Z][A-Z0-9_]+)"', text))
        given |= set(re.findall(r'\(\s*"([A-Z][A-Z0-9_]+)",\s*"(?:kelurahan|kecamatan)"', text))
    assert given, "the pattern finds the codes"
    assert given <= set(findings.CODES), sorted(given - set(findings.CODES))

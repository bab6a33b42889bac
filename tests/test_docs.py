"""The documentation stands on its own: every setting and report code is described, and no path leaves the
repository."""

from __future__ import annotations

import re
from pathlib import Path

from psmctl.rules.settings import defaults

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# Words in capitals with underscores in the import modules that are not finding codes.
NOT_CODES = {"BELUM_PERNAH", "BELUM_TERDAFTAR", "LEBIH_DARI_BATAS", "TIDAK_ADA", "PP50_2025"}
FINDING_MODULES = (
    "importing/roster.py", "services/ledger.py", "services/trainings.py", "rules/training.py", "importing/sheets.py",
    "importing/rows.py", "importing/columns.py", "importing/headers.py", "importing/roster_table.py",
    "importing/regions.py",
)  # fmt: skip


def test_every_setting_is_described() -> None:
    text = (DOCS / "settings.md").read_text("utf-8")
    missing = []
    for key in defaults():
        prefix, _, last = key.rpartition(".")
        if f"`{key}`" not in text and f"`{prefix}.{last}`" not in text and f"`.{last}`" not in text:
            missing.append(key)
    assert missing == [], missing


def test_every_finding_code_is_described() -> None:
    text = (DOCS / "report-codes.md").read_text("utf-8")
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", text))
    used: set[str] = set()
    for name in FINDING_MODULES:
        source = (ROOT / "psmctl" / name).read_text("utf-8")
        used |= set(re.findall(r"\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\"", source))
    assert used - NOT_CODES - documented == set()


def test_no_path_outside_the_repository_and_links_resolve() -> None:
    pages = [ROOT / "README.md", ROOT / "benchmarks" / "README.md", *DOCS.glob("*.md")]
    for page in pages:
        text = page.read_text("utf-8")
        assert "../shared" not in text and "/work/" not in text and "RULES.md" not in text, page
        for link in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
            assert (page.parent / link).exists(), (page, link)
    code = [*ROOT.joinpath("psmctl").rglob("*.py"), *ROOT.joinpath("psmctl", "data").glob("*.toml")]
    assert [p for p in code if "RULES.md" in p.read_text("utf-8")] == []

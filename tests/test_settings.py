"""Settings: every key `config show` lists is one the code reads, and a removed key is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from psmctl.errors import InputError
from psmctl.settings import defaults, from_stored, parse_value

PACKAGE = Path(__file__).resolve().parent.parent / "psmctl"
REMOVED = (
    "wilayah.prefix_as_hint",
    "roster.allow_multiple_categories",
    "rates.rounding",
    "pu.late_fee_for_state_employer",
    "pu.min_wage_idr",
    "benefits.jp_masa_iur_scope",
    "calendar.holidays",
)


def test_every_listed_setting_is_read_by_code() -> None:
    """A key is read where the code names it in quotes, or names its table (``"training.target_jpl."``) and reads
    every key under it."""
    code = "\n".join(p.read_text("utf-8") for p in PACKAGE.rglob("*.py") if p.name != "settings.py")
    unread = [key for key in defaults() if f'"{key}"' not in code and f'"{key.rpartition(".")[0]}."' not in code]
    assert unread == []


@pytest.mark.parametrize("key", REMOVED)
def test_a_removed_setting_is_refused_and_a_stored_value_ignored(key: str) -> None:
    assert key not in defaults()
    with pytest.raises(InputError, match="tidak dikenal"):
        parse_value(key, "true")
    assert from_stored({key: "true", "roster.default_unsur": '"TKSK"'}).overrides == {"roster.default_unsur": "TKSK"}

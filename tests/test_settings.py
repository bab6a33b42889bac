"""Settings: every key `config show` lists is one the code reads, and a removed key is refused."""

from __future__ import annotations

import dataclasses
import re
import tomllib
import typing
from pathlib import Path
from typing import Any

import pytest

from psmctl.errors import InputError
from psmctl.rules.settings import Settings, defaults, from_stored, parse_value

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

# Each typed section of Settings and the table of settings.toml it reads.
SECTIONS = {"kantor": "kantor", "wilayah": "wilayah", "nik": "nik", "imports": "import", "roster": "roster",
            "training": "training", "coverage": "coverage", "rates": "rates", "pu": "pu", "amounts": "amounts",
            "calendar": "calendar", "export": "export"}  # fmt: skip


def test_every_listed_setting_is_read_by_code() -> None:
    """A key is read where the code uses its typed field (``.coverage.max_months_ahead``; a table of keys such as
    ``training.target_jpl.PSM`` by its field ``.training.target_jpl``). Naming the key in quotes is not reading it."""
    code = "\n".join(p.read_text("utf-8") for p in PACKAGE.rglob("*.py") if p.name != "settings.py")
    attr = {table: name for name, table in SECTIONS.items()}

    def read(key: str) -> bool:
        table, _, rest = key.partition(".")
        typed = re.search(rf"\.{attr[table]}\.{rest.partition('.')[0]}\b", code)
        return typed is not None

    assert [key for key in defaults() if not read(key)] == []


@pytest.mark.parametrize("key", REMOVED)
def test_a_removed_setting_is_refused_and_a_stored_value_ignored(key: str) -> None:
    assert key not in defaults()
    with pytest.raises(InputError, match="tidak dikenal"):
        parse_value(key, "true")
    assert from_stored({key: "true", "roster.default_unsur": '"TKSK"'}).overrides == {"roster.default_unsur": "TKSK"}


def _flat(prefix: str, node: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in node.items():
        out.update(_flat(f"{prefix}.{k}", v) if isinstance(v, dict) else {f"{prefix}.{k}": v})
    return out


def _sections(settings: Settings) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for attr, table in SECTIONS.items():
        flat.update(_flat(table, dataclasses.asdict(getattr(settings, attr))))
    return flat


def test_the_typed_sections_hold_every_setting_once() -> None:
    assert _sections(Settings()) == defaults()


def test_every_typed_field_has_the_type_of_its_default() -> None:
    for attr in SECTIONS:
        section = getattr(Settings(), attr)
        for name, hint in typing.get_type_hints(type(section)).items():
            value = getattr(section, name)
            assert isinstance(value, typing.get_origin(hint) or hint), (attr, name, hint, value)
            if hint is int:
                assert not isinstance(value, bool), (attr, name)


def test_typed_sections_read_the_overrides() -> None:
    s = Settings(
        {"coverage.lapse_after_unpaid_months": 2, "coverage.grace_is_covered.PU": True, "import.sheets": "first"}
    )
    assert s.coverage.lapse_after_unpaid_months == 2 and s.coverage.grace_is_covered == {"BPU": False, "PU": True}
    assert s.imports.sheets == "first" and s.rates.pp50_2025.excluded_funding == ["APBN", "APBD", "APBDES"]
    assert _sections(s) == {**defaults(), **s.overrides}


def test_the_allowed_values_name_only_settings_that_exist() -> None:
    """data/setting_values.toml must not keep a removed key: it would read as a setting the code understands."""
    allowed = tomllib.loads((PACKAGE / "data" / "setting_values.toml").read_text("utf-8"))
    for table in ("choices", "patterns", "ranges"):
        assert set(allowed[table]) - set(defaults()) == set(), table


def test_code_reads_settings_by_typed_section_never_by_key_text() -> None:
    """Every read goes through a typed field (``settings.coverage.max_months_ahead`` is an int): no raw ``get``."""
    assert not hasattr(Settings, "get")
    tables = "|".join(SECTIONS.values())
    raw = re.compile(rf"""\.get\(\s*["']({tables})\.""")
    found = [p.name for p in PACKAGE.rglob("*.py") if raw.search(p.read_text("utf-8"))]
    assert found == []


def test_a_section_is_read_once_per_settings() -> None:
    s = Settings({"coverage.max_months_ahead": 6})
    assert s.coverage is s.coverage and s.coverage.max_months_ahead == 6
    assert Settings().coverage.max_months_ahead == 12


@pytest.mark.parametrize(
    ("key", "text", "says"),
    [
        ("coverage.lapse_after_unpaid_months", "99999999999999999999", "di luar rentang 1-120"),
        ("coverage.lapse_after_unpaid_months", "0", "di luar rentang 1-120"),
        ("coverage.lapse_after_unpaid_months", "tiga", "tidak cocok"),
        ("amounts.mismatch", "rejct", "pilih salah satu: warn, reject"),
        ("coverage.model", "rolling_from_payment", "pilih salah satu: calendar_month"),
        ("coverage.same_day_covered", "mungkin", "tidak cocok"),
    ],
)
def test_config_set_refuses_what_the_code_does_not_understand(key: str, text: str, says: str) -> None:
    with pytest.raises(InputError, match=says):
        parse_value(key, text)

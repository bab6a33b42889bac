"""Settings: defaults from data/settings.toml, overridden per database (table `settings`, JSON values).

Every DEFAULT rule of docs/rules.md is a setting; code asks `Settings.get("coverage.model")` and never hard-codes the
interpretation.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from psmctl.errors import InputError


@cache
def defaults() -> dict[str, Any]:
    """Flattened defaults: {"coverage.model": "calendar_month", ...}."""
    raw = tomllib.loads(resources.files("psmctl.data").joinpath("settings.toml").read_text("utf-8"))
    flat: dict[str, Any] = {}

    def walk(prefix: str, node: dict[str, Any]) -> None:
        for k, v in node.items():
            key = f"{prefix}.{k}" if prefix else k
            if isinstance(v, dict):
                walk(key, v)
            else:
                flat[key] = v

    walk("", raw)
    return flat


@dataclass(frozen=True)
class Settings:
    """Effective settings: defaults plus this database's overrides."""

    overrides: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        """Value of one setting; unknown keys are a programming error."""
        if key in self.overrides:
            return self.overrides[key]
        return defaults()[key]

    def items(self) -> list[tuple[str, Any, bool]]:
        """(key, value, overridden) for every setting, sorted."""
        return [(k, self.get(k), k in self.overrides) for k in sorted(defaults())]


_DEFAULT_RANGE = (0, 1_000_000)


@cache
def _allowed() -> dict[str, Any]:
    text = resources.files("psmctl.data").joinpath("setting_values.toml").read_text("utf-8")
    return tomllib.loads(text)


def parse_value(key: str, text: str) -> Any:
    """Turn the admin's text into a value of the same type as the default, within what the code understands
    (data/setting_values.toml); raises InputError in one line that lists the allowed values."""
    if key not in defaults():
        raise InputError(f"pengaturan '{key}' tidak dikenal; lihat `psmctl config show`")
    default = defaults()[key]
    try:
        value = _typed(key, text, default)
    except (ValueError, json.JSONDecodeError):
        raise InputError(f"nilai '{text}' tidak cocok untuk '{key}' (contoh: {json.dumps(default)})") from None
    check_value(key, value)
    return value


def _typed(key: str, text: str, default: Any) -> Any:
    if isinstance(default, bool):
        low = text.strip().lower()
        if low in ("true", "ya", "1", "yes"):
            return True
        if low in ("false", "tidak", "0", "no"):
            return False
        raise ValueError(text)
    if isinstance(default, int):
        return int(text)
    if isinstance(default, list | dict):
        value = json.loads(text)
        if not isinstance(value, type(default)):
            raise ValueError(text)
        if key == "calendar.extra_holidays":
            for item in value:
                date.fromisoformat(str(item))  # ISO dates only: a due date never guesses day-first
        return value
    return text


def check_value(key: str, value: Any) -> None:
    """Refuse a value of the right type the code does not understand: a choice not in the list, a number out of
    range, text of the wrong shape. One line, naming what is allowed."""
    allowed = _allowed()
    choices = allowed["choices"].get(key)
    if choices is not None and value not in choices:
        raise InputError(f"nilai '{value}' tidak dikenal untuk '{key}'; pilih salah satu: {', '.join(choices)}")
    pattern = allowed["patterns"].get(key)
    if pattern is not None and not re.fullmatch(pattern[0], str(value)):
        raise InputError(f"nilai '{value}' tidak cocok untuk '{key}' (contoh: {pattern[1]})")
    numbers = [v for v in (value if isinstance(value, list) else [value]) if type(v) is int]
    low, high = allowed["ranges"].get(key, _DEFAULT_RANGE)
    for number in numbers:
        if not low <= number <= high:
            raise InputError(f"nilai {number} di luar rentang {low}-{high} untuk '{key}'")


def from_stored(stored: dict[str, str]) -> Settings:
    """Build Settings from the JSON strings kept in the database (unknown keys are ignored). A stored value the
    code cannot use (set before values were checked) is refused here, naming the key to reset, rather than
    crashing the report that reads it."""
    known = defaults()
    values = {k: json.loads(v) for k, v in stored.items() if k in known}
    for key, value in values.items():
        try:
            check_value(key, value)
        except InputError as e:
            raise InputError(
                f"pengaturan tersimpan tidak sah: {e}; perbaiki dengan `psmctl config set {key} default`"
            ) from None
    return Settings(values)

"""Settings: defaults from data/settings.toml, overridden per database (table `settings`, JSON values).

Every DEFAULT rule of docs/rules.md is a setting; code asks `Settings.get("coverage.model")` and never hard-codes the
interpretation.
"""

from __future__ import annotations

import json
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


def parse_value(key: str, text: str) -> Any:
    """Turn the admin's text into a value of the same type as the default; raises InputError."""
    if key not in defaults():
        raise InputError(f"pengaturan '{key}' tidak dikenal; lihat `psmctl config show`")
    default = defaults()[key]
    try:
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
    except (ValueError, json.JSONDecodeError):
        raise InputError(f"nilai '{text}' tidak cocok untuk '{key}' (contoh: {json.dumps(default)})") from None
    return text


def from_stored(stored: dict[str, str]) -> Settings:
    """Build Settings from the JSON strings kept in the database (unknown keys are ignored)."""
    known = defaults()
    return Settings({k: json.loads(v) for k, v in stored.items() if k in known})

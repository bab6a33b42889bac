"""Settings: defaults from data/settings.toml, overridden per database (table `settings`, JSON values).

Every DEFAULT rule of docs/rules.md is a setting; code reads it typed, by section (`settings.coverage.model`), and
never hard-codes the interpretation. `config set` refuses a value of another type than the default's, or outside what
the code understands (data/setting_values.toml), listing what is allowed.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from psmctl.errors import InputError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_S = TypeVar("_S", bound="DataclassInstance")


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


# The settings typed by section: one class per table of data/settings.toml, one field per key; a nested table is
# a class of its own (rates.pp50_2025) or, when its keys are data (training.target_jpl per unsur), a dict. Read
# `settings.coverage.lapse_after_unpaid_months` (an int), never the raw value of a key.
# Values are checked against the default's type on `config set`; tests/test_settings.py keeps classes and file equal.


@dataclass(frozen=True)
class KantorSettings:
    nama: str


@dataclass(frozen=True)
class WilayahSettings:
    kode_kabkota: str
    kode_provinsi: str


@dataclass(frozen=True)
class NikSettings:
    century_age_range: list[int]
    numeric_cell_not_zero: str


@dataclass(frozen=True)
class ImportSettings:
    header_scan_rows: int
    phone_min_digits: int
    phone_max_digits: int
    sheets: str
    max_uncompressed_mb: int
    max_compression_ratio: int
    max_cells: int


@dataclass(frozen=True)
class RosterSettings:
    default_unsur: str


@dataclass(frozen=True)
class TrainingSettings:
    certificate_valid_years: int
    bare_jam: str
    counted_types: list[str]
    min_age_warn: int
    target_jpl_default: int
    target_jpl: dict[str, int]


@dataclass(frozen=True)
class CoverageSettings:
    model: str
    same_day_covered: bool
    arrears_backfill: bool
    lapse_after_unpaid_months: int
    masa_iur_restart_after_lapse: bool
    start_rule: str
    pks_override: str
    max_months_per_payment: int
    max_months_ahead: int
    months_before_start: str
    pu_model: str
    grace_is_covered: dict[str, bool]


@dataclass(frozen=True)
class Pp50Settings:
    excluded_funding: list[str]


@dataclass(frozen=True)
class RatesSettings:
    pp50_2025: Pp50Settings


@dataclass(frozen=True)
class PuSettings:
    jkk_risk_class: str


@dataclass(frozen=True)
class AmountsSettings:
    mismatch: str


@dataclass(frozen=True)
class CalendarSettings:
    extra_holidays: list[str]


@dataclass(frozen=True)
class ExportSettings:
    file_mode: str


_NESTED: dict[str, type[Any]] = {"Pp50Settings": Pp50Settings}  # by annotation text: annotations are strings here


class _Section(Generic[_S]):
    """A typed section of :class:`Settings`, read from the keys under ``table`` once per Settings object."""

    def __init__(self, cls: type[_S], table: str) -> None:
        self.cls, self.table = cls, table

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, objtype: type[Any] | None = None) -> _Section[_S]: ...
    @overload
    def __get__(self, obj: Settings, objtype: type[Any] | None = None) -> _S: ...
    def __get__(self, obj: Settings | None, objtype: type[Any] | None = None) -> _S | _Section[_S]:
        if obj is None:
            return self
        cached: _S | None = obj.__dict__.get(self.name)  # frozen dataclass: the cache goes into __dict__ directly
        if cached is None:
            cached = obj.__dict__[self.name] = obj._section(self.cls, self.table)
        return cached


@dataclass(frozen=True)
class Settings:
    """Effective settings: defaults plus this database's overrides, read by typed section."""

    overrides: dict[str, Any] = field(default_factory=dict)

    kantor = _Section(KantorSettings, "kantor")
    wilayah = _Section(WilayahSettings, "wilayah")
    nik = _Section(NikSettings, "nik")
    imports = _Section(ImportSettings, "import")  # ``import`` is a Python keyword
    roster = _Section(RosterSettings, "roster")
    training = _Section(TrainingSettings, "training")
    coverage = _Section(CoverageSettings, "coverage")
    rates = _Section(RatesSettings, "rates")
    pu = _Section(PuSettings, "pu")
    amounts = _Section(AmountsSettings, "amounts")
    calendar = _Section(CalendarSettings, "calendar")
    export = _Section(ExportSettings, "export")

    def _section(self, cls: type[_S], prefix: str) -> _S:
        """One section's values, each field read from the key of its name; a nested table becomes a dataclass
        of its own (its field's type) or a dict of its keys."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = f"{prefix}.{f.name}"
            if key in defaults():
                values[f.name] = self._value(key)
            elif f.type in _NESTED:
                values[f.name] = self._section(_NESTED[str(f.type)], key)
            else:
                values[f.name] = {k.rpartition(".")[2]: self._value(k) for k in defaults() if k.startswith(key + ".")}
        return cls(**values)

    def _value(self, key: str) -> Any:
        """The raw value of one key; unknown keys are a programming error. Code reads the typed sections."""
        if key in self.overrides:
            return self.overrides[key]
        return defaults()[key]

    def items(self) -> list[tuple[str, Any, bool]]:
        """(key, value, overridden) for every setting, sorted."""
        return [(k, self._value(k), k in self.overrides) for k in sorted(defaults())]


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

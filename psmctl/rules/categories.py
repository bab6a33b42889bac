"""Volunteer categories (unsur) as data (docs/rules.md, CAT-01): codes, names, age limits, spreadsheet aliases."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from psmctl.errors import InputError


@dataclass(frozen=True)
class Category:
    """One row of data/categories.toml."""

    code: str
    nama: str
    dasar_hukum: str
    min_age: int | None
    max_age: int | None
    masa_tugas_tahun: int | None = None


def _key(text: str) -> str:
    return re.sub(r"[\s.\-_/]", "", str(text).upper())


@cache
def _load() -> tuple[dict[str, Category], dict[str, str], frozenset[str]]:
    data = tomllib.loads(resources.files("psmctl.data").joinpath("categories.toml").read_text("utf-8"))
    cats: dict[str, Category] = {}
    aliases: dict[str, str] = {}
    generic: set[str] = set()
    for row in data["category"]:
        cat = Category(
            row["code"],
            row["nama"],
            row.get("dasar_hukum", ""),
            row.get("min_age"),
            row.get("max_age"),
            row.get("masa_tugas_tahun"),
        )
        cats[cat.code] = cat
        for alias in [cat.code, *row.get("aliases", [])]:
            aliases[_key(alias)] = cat.code
        generic.update(_key(word) for word in row.get("generic", []))
    return cats, aliases, frozenset(generic)


def all_codes() -> list[str]:
    """Known category codes, in file order."""
    return list(_load()[0])


def get(code: str) -> Category | None:
    """The category of a code, or None."""
    return _load()[0].get(code)


def match(text: object) -> str | None:
    """The category code a spreadsheet value names ('Tagana', 'P S M'), or None."""
    if text is None:
        return None
    return _load()[1].get(_key(str(text)))


def is_generic(text: str) -> bool:
    """Whether a title word names any volunteer ('Relawan') rather than one unsur: it gives way to a specific one."""
    return _key(text) in _load()[2]


def require(text: str) -> str:
    """A category typed by the admin on the command line; InputError listing the known codes if unknown."""
    code = match(text)
    if code is None:
        raise InputError(f"unsur '{text}' tidak dikenal; pilih salah satu: {', '.join(all_codes())}")
    return code

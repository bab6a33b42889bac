"""Masking of personal data: the one place where the rules live, for every audience psmctl writes to.

A masked NIK keeps the 4-digit kab/kota prefix (public knowledge: where the KTP was issued) and the last two
digits (enough for a person to recognise their own row), e.g. ``3571**********02``. Phone numbers keep the first
four and the last two digits: ``0812******90``. A No. KK is masked like a NIK.

Who sees what (README "Keamanan dan keandalan" shows this table; tests/test_privacy.py checks it):

- the admin's terminal (stdout is a terminal): everything, in full: the admin works on the register;
- files and pipes that leave the office (exports, ``--format json|csv`` or a table to a pipe or file, cron output):
  NIK, No. KK and phone masked, unless ``--unmask --yes``;
- error lines, warnings and cron mail (stderr): never a full NIK, and never a cell of the user's file (say the
  row and the column instead);
- problem reports that go back to a kelurahan (``--report``, the import's findings): NIK and phone masked; the
  row, column and reason are enough to find the cell.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, NamedTuple


class Audience(StrEnum):
    """Who reads an output."""

    TERMINAL = "terminal admin"
    LEAVES_OFFICE = "berkas dan pipa"
    ERROR_LINE = "baris galat dan surel cron"
    KELURAHAN = "laporan masalah untuk kelurahan"


class Shown(NamedTuple):
    """What one audience sees of each kind of personal data."""

    nik: str  # "lengkap" or "disamarkan"
    phone: str
    file_cells: str  # whether a cell of the imported file may be echoed
    unmask: str  # how to get the full values, if at all


POLICY: dict[Audience, Shown] = {
    Audience.TERMINAL: Shown("lengkap", "lengkap", "ya", "-"),
    Audience.LEAVES_OFFICE: Shown("disamarkan", "disamarkan", "ya (kecuali NIK/HP)", "--unmask --yes"),
    Audience.ERROR_LINE: Shown("disamarkan", "disamarkan", "tidak: baris dan kolom saja", "tidak bisa"),
    Audience.KELURAHAN: Shown("disamarkan", "disamarkan", "ya (kecuali NIK/HP)", "--unmask --yes"),
}

NIK_KEYS = frozenset({"nik", "no_kk", "nik_in_file"})
PHONE_KEYS = frozenset({"no_hp", "hp", "phone", "telepon"})
_FIELD_VALUES = frozenset({"value", "old", "new", "old_value", "new_value"})
# 16 digits that are not part of a longer number: a NIK or a No. KK wherever it appears in text.
_SIXTEEN = re.compile(r"(?<!\d)\d{16}(?!\d)")


def mask_nik(nik: str | None) -> str:
    """Mask a NIK for anything that leaves the office or reaches a log line."""
    if not nik:
        return ""
    s = str(nik)
    if len(s) <= 6:
        return "*" * len(s)
    return s[:4] + "*" * (len(s) - 6) + s[-2:]


def mask_phone(phone: str | None) -> str:
    """Mask a phone number: first four and last two digits stay."""
    if not phone:
        return ""
    s = str(phone)
    if len(s) <= 6:
        return "*" * len(s)
    return s[:4] + "*" * (len(s) - 6) + s[-2:]


def mask_text(text: str) -> str:
    """Any 16-digit number in free text (a message, a note, a file name) masked as a NIK."""
    return _SIXTEEN.sub(lambda m: mask_nik(m.group(0)), text)


def _json_keys(keys: frozenset[str]) -> tuple[tuple[str, ...], re.Pattern[str]]:
    """How a value under one of `keys` starts in encoded JSON, and the pattern of such a key and its text value."""
    marks = tuple(f'"{k}": "' for k in sorted(keys))
    return marks, re.compile(r'("(?:' + "|".join(sorted(keys)) + r')": ")([^"]*)(")')


_PHONE_MARKS, _PHONE_IN_JSON = _json_keys(PHONE_KEYS)
_NIK_MARKS, _NIK_IN_JSON = _json_keys(NIK_KEYS)
_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")
_ZEROS = "0" * 16


def mask_json_text(text: str) -> str:
    """One encoded JSON value (a row of a streamed report) as `mask_tree` masks the value itself: NIK and phone keys
    masked by key, then any 16-digit number left. The keys are found as plain text, and text without 16 digits in a
    row (a report's rows once their NIK is masked) is told so at C speed: the pattern that finds such numbers (1.5 µs
    a hundred characters) runs only where one may stand."""
    if any(m in text for m in _PHONE_MARKS):
        text = _PHONE_IN_JSON.sub(lambda m: m.group(1) + mask_phone(m.group(2)) + m.group(3), text)
    if any(m in text for m in _NIK_MARKS):
        text = _NIK_IN_JSON.sub(lambda m: m.group(1) + mask_nik(m.group(2)) + m.group(3), text)
    if not text.isascii() or _ZEROS in text.translate(_DIGITS_AS_ZERO):  # \d is any script's digit: not ASCII-only
        text = mask_text(text)
    return text


def mask_value(key: str, value: Any) -> Any:
    """One value under a known key: NIK and phone keys masked, other text scanned for NIKs."""
    if value is None or value == "":
        return value
    if key in NIK_KEYS:
        return mask_nik(str(value))
    if key in PHONE_KEYS:
        return mask_phone(str(value))
    return mask_tree(value)


def mask_tree(value: Any) -> Any:
    """A JSON-like value (dicts, lists, text) as it may leave the office: every NIK and phone masked."""
    if isinstance(value, dict):
        # A fact or a change named by its field ({"field": "no_hp", "value"/"old"/"new": ...}) is masked by it.
        named = value.get("field")
        if isinstance(named, str) and named in NIK_KEYS | PHONE_KEYS:
            return {k: mask_value(named if k in _FIELD_VALUES else str(k), v) for k, v in value.items()}
        return {k: mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_tree(v) for v in value]
    if isinstance(value, str):
        return mask_text(value)
    return value


def finding_value(key: str | None, value: str | None) -> str | None:
    """The value an import finding shows (screen, JSON, --report to the kelurahan): the cell as typed, but a NIK,
    No. KK or phone masked, whoever reads it; the row and the column are enough to find the cell in the file."""
    if value is None or key is None:
        return value
    masked = mask_value(key, value)
    return str(masked)


def masked_for(audience: Audience, *, unmask: bool = False) -> bool:
    """Whether NIK and phone are masked for this audience (``unmask``: the admin said --unmask --yes)."""
    if audience is Audience.TERMINAL:
        return False
    if audience is Audience.ERROR_LINE:
        return True
    return not unmask


def stdout_audience(is_terminal: bool) -> Audience:
    """Standard output read by the admin at a terminal, or going into a pipe or a file."""
    return Audience.TERMINAL if is_terminal else Audience.LEAVES_OFFICE

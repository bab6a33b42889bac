"""Reading one cell as the value a field holds: text, gender (a letter, a word or ticks under L | P), phone,
"TEMPAT, TGL LAHIR" split into place and date, and KETERANGAN words that end a volunteer's service.

Pure functions of the cell; the ones a long file calls with the same few values again and again are memoised
(functools.lru_cache), so a 100,000-row roster parses each distinct gender, place or note once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from psmctl.rules.dates import EMPTY_WORDS

_WS = re.compile(r"\s+")
# What an office types in a cell to say "nothing here": read as empty, never kept as the value (dates.EMPTY_WORDS
# says the same of a date cell).
DASHES = frozenset({"-", "--", "---", "—", "–"})


class PerValue(dict[Any, Any]):
    """A pure function of a cell's value, computed once per distinct value (the lookups stay in C)."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.fn(key)
        return value


def says_nothing(v: object) -> bool:
    """A cell that says there is nothing ("", "-", "tidak ada", "belum ada", "?"): empty for a number field (NO HP,
    NO KK), as for a date (dates.EMPTY_WORDS). In a text field "Tidak ada" may be the answer (PEKERJAAN)."""
    t = text(v)
    return not t or t.lower() in EMPTY_WORDS


def text(v: object) -> str:
    """A cell as trimmed text with inner whitespace collapsed, "" for a dash alone (the hot path of every import)."""
    if v.__class__ is str:
        if not v:
            return v
        s = v.strip()
        if "  " in s or not s.isprintable():  # tabs, newlines and NBSP are not printable
            s = _WS.sub(" ", s)
        return "" if len(s) < 4 and s in DASHES else s
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, date):
        return v.isoformat()
    return _WS.sub(" ", str(v)).strip()


_MALE = {"L", "LK", "LAKILAKI", "LAKI", "PRIA", "LELAKI", "M", "MALE", "LKI"}
_FEMALE = {"P", "PR", "PEREMPUAN", "WANITA", "W", "F", "PERMPUAN", "FEMALE", "PRP", "PRMPN", "PEREMP"}
_DOUBLED = re.compile(r"([A-Z]{3,})2$")  # "LAKI2": the 2 writes the word twice, as Indonesian shorthand does
_BRACKETS = re.compile(r"\(([^)]*)\)")


@lru_cache(maxsize=1024)
def _gender_text(value: str) -> str | None:
    """L / P of a gender word as offices write it: "Laki-laki", "Lk.", "Laki2", "Perempuan (P)", "Laki-laki/L",
    "Perempuan (janda)", "Prmpn"; None when no part is a gender word, or when two parts disagree ("L/P")."""
    parts = [_BRACKETS.sub("", value), *_BRACKETS.findall(value)] if "(" in value else [value]
    parts = [q for p in parts for q in p.split("/")] if "/" in value else parts
    found = {g for g in map(_gender_word, parts) if g}  # a part that is no gender word ("janda") adds nothing
    return found.pop() if len(found) == 1 else None


def _gender_word(word: str) -> str | None:
    key = _DOUBLED.sub(r"\1\1", re.sub(r"[\s\-.]", "", word.upper()))
    if key in _MALE:
        return "L"
    if key in _FEMALE:
        return "P"
    return None


def gender(value: object) -> str | None:
    """'L' / 'P' for a gender cell, None when not understood."""
    return _gender_text(value) if isinstance(value, str) else _gender_text(text(value))


# What an office puts in a checkmark column to tick it; anything else non-empty is shown as unknown.
_UNTICKED = {"", "-", "0", "TIDAK", "BUKAN"}


def ticked(row: Sequence[object], columns: Mapping[int, str]) -> tuple[str | None, str]:
    """The value of a field given as ticks (JENIS KELAMIN over L | P): (value, the ticked columns' values
    joined, as the report shows them: "L", "L + P")."""
    values = [v for c, v in columns.items() if c < len(row) and text(row[c]).upper() not in _UNTICKED]
    return (values[0] if len(set(values)) == 1 else None), " + ".join(values)


@lru_cache(maxsize=4096)
def split_ttl(value: str) -> tuple[str, str]:
    """'Kediri, 17-08-1990' / 'Kediri/17 Agustus 1990' / 'Kediri 17-08-1990' → (place, date text)."""
    t = _WS.sub(" ", value).strip()
    m = re.match(r"^([^\d,/]*?[A-Za-z][^\d,/]*?)\s*[,/]\s*(.*\d.*)$", t)
    if m:
        return m.group(1).strip(" ,/-"), m.group(2).strip()
    m = re.search(r"\d", t)
    if not m:
        return t.strip(" ,/"), ""
    return t[: m.start()].strip(" ,/-"), t[m.start() :].strip()


def normalise_phone(value: object, min_digits: int, max_digits: int) -> tuple[str, bool]:
    """Phone as text starting with 0 (a number cell lost its 0; +62/62 becomes 0); (value, plausible): plausible
    with `min_digits` to `max_digits` digits, its 0 included (settings import.phone_min_digits, phone_max_digits: a
    longer "number" is something else typed in the column, a NIK or KK)."""
    raw = str(int(value)) if isinstance(value, float) and value.is_integer() else text(value)
    s = re.sub(r"[\s\-.()]", "", raw.removeprefix("'"))  # Excel's text marker, kept by a CSV export
    if s.startswith("+62"):
        s = "0" + s[3:]
    elif s.startswith("62") and len(s) >= 10:
        s = "0" + s[2:]
    elif s.startswith("8") and s.isdigit():
        s = "0" + s
    if not s.isdigit() or not min_digits <= len(s) <= max_digits:
        return raw, False
    return s, True


# Words in KETERANGAN (or before a name) that mean the person no longer serves: what the admin must see.
_STOP = re.compile(
    r"\b(meninggal(?:\s+dunia)?|wafat|almarhum(?:ah)?|alm|almh|pindah|mutasi|mengundurkan\s+diri|"
    r"undur\s+diri|resign|berhenti|keluar|tidak\s+aktif|non\s*-?\s*aktif|diberhentikan|purna)\b\.?",
    re.IGNORECASE,
)
_NAME_ALM = re.compile(r"^\(?\s*(alm|almh|almarhum|almarhumah)\b\.?\)?\s*", re.IGNORECASE)
_NAME_ALM_AFTER = re.compile(r"[\s,]*[(\[]?\s*\b(alm|almh|almarhum|almarhumah)\b\.?\s*[)\]]?\s*$", re.IGNORECASE)


@lru_cache(maxsize=4096)
def stop_word(note: str) -> str | None:
    """The word of a KETERANGAN that says the person died, moved, resigned or stopped, as written; else None."""
    m = _STOP.search(note)
    return m.group(0) if m else None


@lru_cache(maxsize=256)
def membership(status: str) -> str | None:
    """A STATUS cell as psmctl's own roster export writes it: AKTIF, or BERHENTI (also NONAKTIF, TIDAK AKTIF or a
    stop word such as MENINGGAL); None for any other value (a marital status: the column is not membership)."""
    word = " ".join(status.upper().split())
    if word == "AKTIF":
        return "AKTIF"
    if word in ("BERHENTI", "NONAKTIF", "NON AKTIF", "TIDAK AKTIF") or stop_word(status):
        return "BERHENTI"
    return None


def may_name_alm(name: str) -> bool:
    """Whether a name may say "Alm." at all (nearly every name does not: no regex for it)."""
    return "LM" in name or "lm" in name or "Lm" in name


def name_and_alm(name: str) -> tuple[str, str | None]:
    """A name written "Alm. SITI …" or "SITI (Almh)": (the name without it, the word) — the person has died."""
    if not may_name_alm(name):
        return name, None
    m = _NAME_ALM.match(name)
    if m:
        return name[m.end() :].strip(), m.group(0).strip()
    m = _NAME_ALM_AFTER.search(name)
    if m and m.start() > 0:
        return name[: m.start()].strip(), m.group(0).strip(" ,")
    return name, None


# The most characters one cell holds (Excel's own limit): a longer CSV field is emptied and named as a finding.
MAX_CELL_CHARS = 32_767


def dots(n: int) -> str:
    """A count as an Indonesian reads it: 1.048.576."""
    return f"{n:,}".replace(",", ".")


def column_index(letters: bytes) -> int:
    """The 0-based column index of Excel's letters, as a sheet's XML writes them (b"A" → 0, b"AA" → 26)."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def column_letter(index: int) -> str:
    """Excel's letter of a 0-based column index (0 → A, 26 → AA)."""
    out = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out

"""Dates as kelurahan offices type them, read day-first (docs/rules.md).

Accepted: real date cells; Excel serial numbers (1900 date system); ``17/08/1990``, ``17-8-90``, ``17.08.1990``;
``17 Agustus 1990``, ``17 Agt 1990``, ``3 Mrt 1988``, ``17-Agu-90``, ``17-08-'90``, ``1 Pebruari 1985``; ISO
``1990-08-17``; ``17081990``; month first with a month name (``Agustus 17, 1990``). Day names (Senin … Minggu,
Sen … Min), a "tgl"/"tanggal" prefix and a time after the date ("00:00", "pukul 15.25") are ignored. "-", "--",
"—", "?", "tidak ada" are empty. A number of one to three digits is a day, month or age alone, not a date. A year
alone (1990, as text or number) is never an Excel serial: it is a reason naming the year (`year_only` finds it).
Text is always day-month-year: dateutil is month-first and cannot read Indonesian month names, so it is not used.
A date that cannot be read is returned as a reason (str), never guessed. Two-digit years take the century that
puts the date on or before ``as_of`` (so 05 is 2005, never 1905, when ``as_of`` is 2025); without ``as_of`` they
follow the C library's rule (00-68 → 20YY).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from psmctl.rules.months import month_of

MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "febuari": 2, "february": 2,
    "maret": 3, "mar": 3, "mrt": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agst": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip

# Months in Roman numerals, as "17-VIII-1990" in letters of office; only between a day and a year.
ROMAN_MONTHS: dict[str, int] = {
    "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11, "xii": 12,
}  # fmt: skip

MONTH_NAMES = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip

_DAY_NAMES = re.compile(r"\b(senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad)\b[,\s]*", re.IGNORECASE)
_SHORT_DAY = re.compile(r"^(sen|sel|rab|kam|jum|sab|min)\b\.?,?\s*", re.IGNORECASE)
_PREFIX = re.compile(r"^(?:tgl|tanggal)\b\.?\s*:?\s*", re.IGNORECASE)
_TIME = re.compile(
    r"(?:\s+|t)(?:pukul|jam|pkl\.?)?\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:wib|wita|wit)?$", re.IGNORECASE
)
# An age written after the date ("17-08-1990 (35 th)", "17-08-1990 / umur 35 tahun"): not part of the date.
_AGE = re.compile(r"\s*[(/,;-]?\s*(?:umur|usia|u\.)?\s*(?<!\d)\d{1,3}\s*(?:th|thn|tahun)\.?\s*\)?$", re.IGNORECASE)
# The era after a year ("17 Agustus 1990 M", "… 1990 Masehi"): as in letters and certificates, not part of the date.
_ERA = re.compile(r"(?<=\d)\s*(?:m|masehi)\.?$", re.IGNORECASE)
_MONTH_FIRST = re.compile(r"^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$", re.ASCII)
EMPTY_WORDS = frozenset({"-", "--", "---", "—", "–", "?", "??", "tidak ada", "tdk ada", "belum ada", "n/a", "x"})
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$", re.ASCII)
_NUMERIC = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{2}|\d{4})$", re.ASCII)
_NAMED = re.compile(r"^(\d{1,2})\s*[-/.\s]\s*([a-z]+)\.?\s*[-/.,\s]\s*(\d{2}|\d{4})$", re.ASCII)
_COMPACT = re.compile(r"^(\d{2})(\d{2})(\d{4})$", re.ASCII)
_PLAIN = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", re.ASCII)  # a shape _NUMERIC also reads, the same way

# Excel's 1900 date system counts from 1899-12-30 (it believes 1900-02-29 existed).
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 1, 2_958_465  # 9999-12-31
# A number of one to three digits in a date column is a day, a month or an age typed alone, never a date of 1900-1902
# (serial 17 is 1900-01-17); four digits are a year (`year_only`); from 10000 (1927) on, a serial.
_SERIAL_SMALLEST = 1000


def excel_serial_to_date(serial: float) -> date | str:
    """Convert an Excel serial day number to a date, or a reason."""
    if serial != serial or serial < _SERIAL_MIN or serial > _SERIAL_MAX:  # NaN or out of range
        return f"angka {serial:g} bukan nomor tanggal Excel"
    days = int(serial)
    if days == 60:
        return "nomor tanggal Excel 60 adalah 29-02-1900, tanggal yang tidak pernah ada"
    if days < 60:  # before Excel's phantom 29 February 1900 the count starts one day later
        return _EXCEL_EPOCH + timedelta(days=days + 1)
    return _EXCEL_EPOCH + timedelta(days=days)


def _year(yy: str, day: int, month: int, as_of: date | None) -> int:
    if len(yy) == 4:
        return int(yy)
    y = int(yy)
    if as_of is None:
        return 2000 + y if y <= 68 else 1900 + y
    for century in (2000, 1900):
        try:
            if date(century + y, month, day) <= as_of:
                return century + y
        except ValueError:
            continue
    return 1900 + y


def _build(day: int, month: int, yy: str, as_of: date | None, raw: str) -> date | str:
    if not 1 <= month <= 12:
        return f"bulan {month} tidak ada pada '{raw}'"
    year = _year(yy, day, month, as_of)
    try:
        return date(year, month, day)
    except ValueError:
        return f"tanggal '{raw}' tidak ada di kalender"


def parse_date_text(text: str, *, as_of: date | None = None) -> date | str:
    """Parse one typed date, day first; return the date or the reason (Indonesian) it cannot be read."""
    m = _PLAIN.fullmatch(text)  # "17-08-1990", "7/8/1990": most typed dates, without the general path's regexes
    if m:
        dd, mm, yyyy = int(m[1]), int(m[2]), int(m[3])
        if 1 <= mm <= 12:
            try:
                return date(yyyy, mm, dd)
            except ValueError:
                pass  # the general path words the reason
    raw = str(text).strip()
    s = re.sub(r"\s+", " ", raw.replace("\u00a0", " ")).strip()
    s = _SHORT_DAY.sub("", _PREFIX.sub("", _DAY_NAMES.sub("", s).strip())).strip().lower()
    # A full stop or comma after the date ("17 Januari 1990.") and the era ("1990 M") are not part of it.
    s = _AGE.sub("", _TIME.sub("", s)).replace("'", "").replace("’", "").strip(" ,.;:")
    s = _ERA.sub("", s).strip(" ,.;:")
    if not s:
        return "tanggal kosong"
    if (year := year_only(s)) is not None:
        return f"hanya tahun ({year}), bukan tanggal"
    m = _ISO.match(s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        try:
            return date(y, mo, d)
        except ValueError:
            return f"tanggal '{raw}' tidak ada di kalender"
    m = _NUMERIC.match(s)
    if m:
        return _build(int(m.group(1)), int(m.group(2)), m.group(3), as_of, raw)
    m = _NAMED.match(s)
    if m:
        month = MONTHS.get(m.group(2)) or ROMAN_MONTHS.get(m.group(2))
        if month is None:
            return f"nama bulan '{m.group(2)}' tidak dikenal pada '{raw}'"
        return _build(int(m.group(1)), month, m.group(3), as_of, raw)
    m = _MONTH_FIRST.match(s)
    if m and m.group(1) in MONTHS:
        return _build(int(m.group(2)), MONTHS[m.group(1)], m.group(3), as_of, raw)
    m = _COMPACT.match(s)
    if m:
        return _build(int(m.group(1)), int(m.group(2)), m.group(3), as_of, raw)
    if s.isascii() and s.isdigit() and 4 <= len(s) <= 6:
        return excel_serial_to_date(int(s))
    return f"'{raw}' bukan tanggal yang dikenali (contoh: 17-08-1990 atau 17 Agustus 1990)"


def parse_date_cell(value: object, *, as_of: date | None = None) -> date | str | None:
    """A spreadsheet cell as a date: None when empty, a date, or the reason it is not one."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return f"'{value}' bukan tanggal"
    if isinstance(value, int | float):
        if (year := year_only(value)) is not None:
            return f"hanya tahun ({year}), bukan tanggal"
        if abs(value) < _SERIAL_SMALLEST:
            return f"angka {value:g} bukan tanggal (hanya tanggal, bulan atau umur?)"
        return excel_serial_to_date(float(value))
    return _parse_str(str(value), as_of)


@lru_cache(maxsize=65536)
def _parse_str(value: str, as_of: date | None) -> date | str | None:
    # Memoised: a roster repeats the same few hundred typed dates (a pure function of the text and the day).
    text = " ".join(value.split())
    if not text or text.lower() in EMPTY_WORDS:
        return None
    return parse_date_text(text, as_of=as_of)


def year_only(value: object) -> int | None:
    """The year when a cell holds a year alone (1990, "1990"), else None: a year is never an Excel serial."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and float(value).is_integer() and 1900 <= value <= 2100:
        return int(value)
    if isinstance(value, str):
        s = value.strip()
        if len(s) == 4 and s.isdecimal() and s.isascii() and 1900 <= int(s) <= 2100:
            return int(s)
    return None


_MONTH_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})$", re.ASCII)
_MONTH_MY = re.compile(r"^(\d{1,2})[-/.](\d{4})$", re.ASCII)
_MONTH_NAMED = re.compile(r"^([a-z]+)\.?[\s\-/.,']*(\d{2}|\d{4})$", re.ASCII)


def parse_month(value: object) -> str:
    """An iuran month ('2025-03', '03/2025', 'Maret 2025', 'Mar-25', a date cell) as 'YYYY-MM'; ValueError if not."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return month_of(value)
    s = re.sub(r"\s+", " ", str(value).strip().lower())
    year = month = 0
    m = _MONTH_ISO.match(s)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
    elif m := _MONTH_MY.match(s):
        month, year = int(m.group(1)), int(m.group(2))
    elif m := _MONTH_NAMED.match(s):
        month = MONTHS.get(m.group(1), 0)
        year = int(m.group(2)) + (2000 if len(m.group(2)) == 2 else 0)
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        raise ValueError(f"bulan iuran '{value}' tidak dikenali (contoh: 2025-03 atau Maret 2025)")
    return month_of(date(year, month, 1))


# "Januari s/d Maret 2025", "Jan-Mar 2025", "Nopember 2024 - Februari 2025", "Jan sampai dengan Mar 2025".
_MONTH_RANGE = re.compile(
    r"^([a-z]+)\.?(?:\s+(\d{4}))?\s*(?:s\s*/\s*d|s\.\s*d\.?|sd|sampai(?:\s+dengan)?|hingga|-|–|—)\s*"
    r"([a-z]+)\.?\s*[\s\-/.,']\s*(\d{4})$"
)


def month_range(value: object) -> list[str] | None:
    """The iuran months a range names, first to last ('Januari s/d Maret 2025' → 2025-01, 2025-02, 2025-03); a
    first month after the last is in the year before ('Nov - Feb 2026'). None when the cell is no range."""
    if not isinstance(value, str):
        return None
    m = _MONTH_RANGE.match(" ".join(value.lower().split()))
    if not m or m.group(1) not in MONTHS or m.group(3) not in MONTHS:
        return None
    end_year, end = int(m.group(4)), MONTHS[m.group(3)]
    start = MONTHS[m.group(1)]
    year = int(m.group(2)) if m.group(2) else (end_year if start <= end else end_year - 1)
    first, last = year * 12 + start - 1, end_year * 12 + end - 1
    if not 0 < last - first < 12 * 5:
        return None
    return [f"{k // 12:04d}-{k % 12 + 1:02d}" for k in range(first, last + 1)]


def format_id(d: date) -> str:
    """Day-first date as Indonesian documents print it: 17-08-1990."""
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"

"""NIK (Nomor Induk Kependudukan): the 16-digit person key, checked as docs/rules.md says.

Layout ``PP KK CC DD MM YY SSSS``: province, kab/kota, kecamatan where the NIK was first issued, day of birth
(women: day + 40), month, two-digit year, serial from 0001. The century is not encoded: both 19YY and 20YY are
tried and the one giving an age inside ``age_range`` at ``as_of`` is kept (NIK-07). python-stdnum tries 19YY
first and so reads a 2005 birth as 1905; it is deliberately not used.

Excel keeps 15 significant digits: a NIK typed into a Number cell loses its 16th digit (NIK-02), so a numeric
cell is judged by its type, not only its digits.

>>> n = parse("3571015708900002", as_of=date(2026, 1, 15))
>>> (n.sex, n.birth_date.isoformat(), n.region)
('P', '1990-08-17', '357101')
>>> parse("'3571 0101 0505 0003", as_of=date(2026, 1, 15)).birth_date.isoformat()
'2005-05-01'
>>> parse("3571013208900001", as_of=date(2026, 1, 15))
Traceback (most recent call last):
psmctl.rules.nik.InvalidNik: NIK_DATE_INVALID: tanggal lahir pada NIK tidak sah (angka hari 32)
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date
from typing import NamedTuple

from psmctl.rules.months import add_years, age_on

EXCEL_DAMAGED_MSG = (
    "NIK rusak oleh Excel: Excel hanya menyimpan 15 digit. "
    "Format kolom NIK sebagai Teks lalu ketik ulang / salin dari KTP."
)
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")
_STRIP = re.compile(r"[\s\u00a0.\-]")
# Characters a copy from a web page or WhatsApp leaves in a NIK that nobody can see.
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")  # named in the report when stripped
_WIDE_SPACES = re.compile(r"[\u00a0\u202f\u2007]")  # spaces of another width: stripped like a space
_FLOAT_TEXT = re.compile(r"^(\d{15,16})\.0+$")
_MAX_EXACT_DOUBLE = 2**53


class InvalidNik(ValueError):
    """A NIK that cannot be accepted; `code` is the stable report code (NIK_FORMAT, NIK_EXCEL_DAMAGED, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Nik(NamedTuple):
    """A valid NIK and what it encodes (a NamedTuple: an import builds one per row; Decoder shares the region texts
    and serial numbers between them)."""

    number: str
    region: str  # 6 digits: kecamatan of first issue
    birth_date: date
    sex: str  # "L" or "P"
    serial: int


def compact(value: object) -> str:
    """Strip spaces (incl. non-breaking), invisible characters, dots, dashes and a leading apostrophe (NIK-01)."""
    s = _WIDE_SPACES.sub(" ", _INVISIBLE.sub("", str(value))).strip()
    if s.startswith("'"):
        s = s[1:]
    return _STRIP.sub("", s)


def require_nik(text: str) -> str:
    """A NIK typed on the command line, as 16 digits; InputError (one Indonesian line) when it is not one."""
    from psmctl.errors import InputError

    try:
        return validate(text)
    except InvalidNik:
        raise InputError("NIK harus 16 digit angka (spasi, titik dan tanda hubung boleh)") from None


def validate(text: str) -> str:
    """A NIK typed on the command line ("3571 0242 0976 0317", "3571.0242…"): its 16 digits; InvalidNik if not."""
    s = compact(text)
    if not (s.isascii() and s.isdigit() and len(s) == 16):
        raise InvalidNik("NIK_FORMAT", "NIK harus 16 digit angka")
    return s


def from_cell(value: object, *, numeric_ok: str = "warn") -> tuple[str, str | None]:
    """Read a NIK from a spreadsheet cell, judging Excel damage by the cell type (NIK-01, NIK-02).

    Returns (16-digit text, warning code or None). Raises InvalidNik. ``numeric_ok`` is the setting
    ``nik.numeric_cell_not_zero``: "warn" accepts a clean 16-digit number cell with a warning, "reject" refuses it.
    """
    if value.__class__ is str and len(value) == 16 and value.isdigit() and value.isascii():
        return value, None  # the clean text NIK of almost every row
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidNik("NIK_MISSING", "NIK kosong")
    if isinstance(value, bool):
        raise InvalidNik("NIK_FORMAT", "NIK mengandung karakter selain angka")
    if isinstance(value, float) and not value.is_integer():
        if value > 1e14:
            raise InvalidNik("NIK_EXCEL_DAMAGED", EXCEL_DAMAGED_MSG)
        raise InvalidNik("NIK_FORMAT", "NIK mengandung karakter selain angka")
    if isinstance(value, int | float):
        return _from_number(int(value), numeric_ok)
    text = str(value).strip()
    if _INVISIBLE.search(text):  # stripped, and said: the cell does not look like what it holds
        number, _ = from_cell(_INVISIBLE.sub("", text), numeric_ok=numeric_ok)
        return number, "NIK_INVISIBLE_CHARS"
    if _SCIENTIFIC.match(text):
        raise InvalidNik("NIK_EXCEL_DAMAGED", EXCEL_DAMAGED_MSG)
    m = _FLOAT_TEXT.match(text)
    if m:  # a number cell re-saved as text ("3571011708900001.0"): same damage rules as a number
        return _from_number(int(m.group(1)), numeric_ok)
    s = compact(text)
    if not s:
        raise InvalidNik("NIK_MISSING", "NIK kosong")
    if not (s.isascii() and s.isdigit()):
        raise not_digits(s)
    if len(s) != 16:
        raise InvalidNik("NIK_FORMAT", f"NIK harus 16 digit (terbaca {len(s)} digit)")
    return s, None


# Letters typed for the digits they look like: the hint a NIK_FORMAT line gives for the first one.
_LOOKALIKE = {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "i": "1", "|": "1", "S": "5", "s": "5", "B": "8"}


def not_digits(s: str) -> InvalidNik:
    """NIK_FORMAT for a compacted NIK with a non-digit: names the first such character and its place (never the
    NIK), with the digit it may stand for ("huruf 'l' di digit ke-16, mungkin angka 1")."""
    k, ch = next((k, c) for k, c in enumerate(s) if not (c.isascii() and c.isdigit()))
    what = f"huruf '{ch}'" if ch.isalpha() else f"karakter '{ch}'"
    hint = f", mungkin angka {_LOOKALIKE[ch]}" if ch in _LOOKALIKE else ""
    return InvalidNik("NIK_FORMAT", f"NIK mengandung karakter selain angka: {what} di digit ke-{k + 1}{hint}")


def _from_number(n: int, numeric_ok: str) -> tuple[str, str | None]:
    if n < 0:
        raise InvalidNik("NIK_FORMAT", "NIK mengandung karakter selain angka")
    if n >= _MAX_EXACT_DOUBLE:
        raise InvalidNik("NIK_EXCEL_DAMAGED", EXCEL_DAMAGED_MSG)
    digits = str(n)
    # A double cannot hold every integer above 2^53; 15 digits means one was lost (no NIK starts with 0);
    # a trailing 0 is what Excel leaves in place of the 16th digit.
    if n >= _MAX_EXACT_DOUBLE or len(digits) == 15 or (len(digits) == 16 and digits.endswith("0")):
        raise InvalidNik("NIK_EXCEL_DAMAGED", EXCEL_DAMAGED_MSG)
    if len(digits) != 16:
        raise InvalidNik("NIK_FORMAT", f"NIK harus 16 digit (terbaca {len(digits)} digit)")
    if numeric_ok == "reject":
        raise InvalidNik("NIK_EXCEL_DAMAGED", EXCEL_DAMAGED_MSG)
    return digits, "NIK_NUMERIC_CELL"


def parse(
    number: str,
    *,
    as_of: date,
    age_range: tuple[int, int] = (17, 99),
    provinces: Collection[str] | None = None,
    roster_birth: date | None = None,
) -> Nik:
    """Validate a NIK typed as text and decode it (NIK-01, 03, 05-09); raises InvalidNik."""
    return Decoder(as_of, age_range, provinces).parse(number, roster_birth)


class Decoder:
    """`parse` for many NIKs judged on one date: the DDMMYY part of each is decoded once (a roster repeats them)."""

    def __init__(
        self, as_of: date, age_range: tuple[int, int] = (17, 99), provinces: Collection[str] | None = None
    ) -> None:
        if provinces is None:
            from psmctl.rules.wilayah import province_codes

            provinces = province_codes()
        self.as_of, self.age_range, self.provinces = as_of, (int(age_range[0]), int(age_range[1])), provinces
        # Ages as birth-date bounds: a birth date is in range when oldest < birth <= youngest.
        self._bounds = (add_years(as_of, -self.age_range[0]), add_years(as_of, -(self.age_range[1] + 1)))
        self._births: dict[str, tuple[str, date, tuple[date, ...]] | InvalidNik] = {}
        self._regions: dict[str, str] = {}  # one string per kecamatan code, shared by its NIKs
        self._serials: dict[str, int] = {}  # one int per serial (at most 9,999), shared

    def parse(self, number: str, roster_birth: date | None = None) -> Nik:
        """Validate and decode one NIK typed as text; raises InvalidNik."""
        if number.__class__ is str and len(number) == 16 and number.isdigit() and number.isascii():
            return self.decode(number, roster_birth)
        s = compact(number)
        if not s:
            raise InvalidNik("NIK_MISSING", "NIK kosong")
        if _SCIENTIFIC.match(s):
            raise InvalidNik("NIK_EXCEL_DAMAGED", EXCEL_DAMAGED_MSG)
        if not (s.isascii() and s.isdigit()):
            raise not_digits(s)
        if len(s) != 16:
            raise InvalidNik("NIK_FORMAT", f"NIK harus 16 digit (terbaca {len(s)} digit)")
        return self.decode(s, roster_birth)

    def decode(self, s: str, roster_birth: date | None = None) -> Nik:
        """Decode 16 ASCII digits (the caller checked the form); raises InvalidNik."""
        if s[:2] not in self.provinces:
            raise InvalidNik("NIK_PROVINCE_UNKNOWN", f"kode provinsi NIK tidak dikenal ({s[:2]})")
        found = self._births.get(s[6:12])
        if found is None:
            found = self._births[s[6:12]] = _births_of(s[6:12], self.as_of, self._bounds)  # <= 74,400
        if found.__class__ is InvalidNik:
            raise InvalidNik(found.code, found.message)
        sex, birth, candidates = found  # type: ignore[misc]
        if candidates:  # only when the age range is 100 years or wider
            birth = roster_birth if roster_birth in candidates else min(candidates)
        serial = s[12:]
        number = self._serials.get(serial)
        if number is None:
            if serial == "0000":
                raise InvalidNik("NIK_ZERO_SERIAL", "nomor urut NIK 0000 tidak sah")
            number = self._serials[serial] = int(serial)
        region = s[:6]
        return tuple.__new__(Nik, (s, self._regions.setdefault(region, region), birth, sex, number))


def _births_of(ddmmyy: str, as_of: date, bounds: tuple[date, date]) -> tuple[str, date, tuple[date, ...]] | InvalidNik:
    """(sex, birth date, all candidates when more than one) of a DDMMYY part, or the error to raise."""
    try:
        sex, candidates = _candidates(ddmmyy, as_of, bounds)
    except InvalidNik as e:
        return e
    return sex, candidates[0], candidates if len(candidates) > 1 else ()


def _candidates(s: str, as_of: date, bounds: tuple[date, date]) -> tuple[str, tuple[date, ...]]:
    """(sex, the birth dates in 19YY/20YY with an age in range); ``bounds`` = (youngest, oldest) as
    Decoder builds them: a birth date is in range when oldest < birth <= youngest."""
    dd, mm, yy = int(s[0:2]), int(s[2:4]), int(s[4:6])
    if 1 <= dd <= 31:
        sex, day = "L", dd
    elif 41 <= dd <= 71:
        sex, day = "P", dd - 40
    else:
        raise InvalidNik("NIK_DATE_INVALID", f"tanggal lahir pada NIK tidak sah (angka hari {dd:02d})")
    if not 1 <= mm <= 12:
        raise InvalidNik("NIK_DATE_INVALID", f"bulan lahir pada NIK tidak sah ({mm:02d})")
    real: list[date] = []
    for century in (1900, 2000):
        try:
            real.append(date(century + yy, mm, day))
        except ValueError:
            continue
    if not real:
        raise InvalidNik(
            "NIK_DATE_INVALID", f"tanggal lahir pada NIK tidak ada di kalender ({day:02d}-{mm:02d}-{yy:02d})"
        )
    youngest, oldest = bounds
    candidates = tuple(b for b in real if oldest < b <= youngest and b <= as_of)
    if not candidates:
        ages = ", ".join(f"{b.year} → umur {age_on(b, as_of)}" for b in real)
        raise InvalidNik("NIK_DATE_INVALID", f"tahun lahir pada NIK tidak masuk akal ({ages})")
    return sex, candidates


def format_nik(region: str, birth_date: date, sex: str, serial: int) -> str:
    """Build the NIK text for a region, birth date, sex and serial (the inverse of :func:`parse`)."""
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"

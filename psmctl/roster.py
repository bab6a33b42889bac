"""Roster spreadsheets in: find the header, read each row, validate it, report every problem (docs/rules.md).

`parse_file` reads a file and returns accepted rows plus a report per sheet, touching no database; a file-level
failure (corrupt, no sheet with NIK and NAMA columns) raises InputError. `import_file` then writes one file in one
transaction through db.volunteers. Codes in reports are stable identifiers (README lists them).
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from sqlite_utils import Database

from psmctl import categories, dates, forked, nik, wilayah
from psmctl.db import volunteers as vdb
from psmctl.errors import InputError
from psmctl.headers import Header, find_header, label_row, load_aliases
from psmctl.memory import gc_paused
from psmctl.models import Problem, SheetReport
from psmctl.privacy import finding_value, mask_nik
from psmctl.settings import Settings
from psmctl.sheets import RestOfSheet, SheetData, limits, read_tables


class RosterRow(NamedTuple):
    """One accepted roster row, normalised (a NamedTuple: an import makes one per row)."""

    sheet: str
    row: int  # as Excel shows it (1-based)
    nik: str
    unsur: str
    person: tuple[str | None, ...]  # values in db.volunteers.PERSON_COLUMNS order
    role: tuple[str | None, ...]  # values in db.volunteers.ROLE_COLUMNS order
    roster_key: str


@dataclass
class ParsedSheet:
    """Accepted rows and the report of one sheet."""

    report: SheetReport
    rows: list[RosterRow] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    """What the admin told the import (command-line defaults for values the file does not carry)."""

    sheet: str | None = None
    all_sheets: bool = False
    kelurahan: str | None = None
    kecamatan: str | None = None
    unsur: str | None = None
    readmit: frozenset[str] = frozenset()  # erased NIKs the admin takes back on purpose (--terima-nik-dihapus)


_SIGNATURE = re.compile(r"\b(MENGETAHUI|LURAH|CAMAT|KEPALA|NIP|TTD|TTD\.|DISAHKAN|KETUA)\b")
_PLACE_DATE = re.compile(r"^[A-Za-z .'-]{2,40},\s*\d{1,2}\s*[-/. ]\s*(?:[A-Za-z]+|\d{1,2})\s*[-/. ]\s*\d{2,4}\s*$")
_TOTAL = re.compile(r"^\s*(JUMLAH|TOTAL|SUB ?TOTAL)\b", re.IGNORECASE)
_DATE_TAIL = re.compile(
    r"(\d{1,2}\s*[-/. ]\s*(?:[A-Za-z]+\.?|\d{1,2})\s*[-/., ]\s*\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|\d{8})\s*$"
)
_TITLE_KEL = re.compile(r"^(?:KELURAHAN|DESA|KEL\.?)\s*:?\s+(.+)$", re.IGNORECASE)
_TITLE_KEC = re.compile(r"^(?:KECAMATAN|KEC\.?)\s*:?\s+(.+)$", re.IGNORECASE)
_MALE = {"L", "LK", "LAKILAKI", "LAKI", "PRIA", "LELAKI", "M"}
_FEMALE = {"P", "PR", "PEREMPUAN", "WANITA", "W", "F", "PERMPUAN"}


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, for provenance and idempotency."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


_WS = re.compile(r"\s+")


def _text(v: object) -> str:
    """A cell as trimmed text with inner whitespace collapsed (the hot path of every import)."""
    if v.__class__ is str:
        if not v:
            return v
        s = v.strip()
        if "  " in s or not s.isprintable():  # tabs, newlines and NBSP are not printable
            s = _WS.sub(" ", s)
        return s
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, date):
        return v.isoformat()
    return _WS.sub(" ", str(v)).strip()


def _cell(row: list[object], header: Header, fld: str) -> object:
    c = header.columns.get(fld)
    if c is None or c >= len(row):
        return ""
    return row[c]


def _title_defaults(rows: list[list[object]], upto: int) -> dict[str, str]:
    """Kelurahan, kecamatan and category named in the title block above the header (§9.2)."""
    found: dict[str, str] = {}
    for row in rows[:upto]:
        for cell in row:
            t = _text(cell)
            if not t:
                continue
            if (m := _TITLE_KEL.match(t)) and "kelurahan" not in found:
                found["kelurahan"] = m.group(1).strip(" :")
            elif (m := _TITLE_KEC.match(t)) and "kecamatan" not in found:
                found["kecamatan"] = m.group(1).strip(" :")
            if "unsur" not in found:
                for word in re.findall(r"\(([^)]+)\)|\b([A-Z]{3,6})\b", t.upper()):
                    code = categories.match(word[0] or word[1])
                    if code:
                        found["unsur"] = code
                        break
    return found


def _first_text(row: list[object]) -> str:
    for v in row:
        if v.__class__ is float and v.is_integer():
            return str(int(v))  # the NO column: never a JUMLAH/TOTAL label
        t = _text(v)
        if t:
            return t
    return ""


def _is_blank(row: list[object]) -> bool:
    for v in row:
        if v is None or v == "":
            continue
        if v.__class__ is str and not v.strip():
            continue
        return False
    return True


def _is_footer(row: list[object], header: Header) -> bool:
    """A signature-block line: no NIK, few cells, and a keyword (Mengetahui, Lurah, NIP…) or a place-and-date."""
    if _text(_cell(row, header, "nik")):
        return False
    texts = [_text(v) for v in row if _text(v)]
    if not texts or len(texts) > 3:
        return False
    joined = " ".join(texts).upper()
    return bool(_SIGNATURE.search(joined)) or any(_PLACE_DATE.match(t) for t in texts)


def _looks_like_nik(row: list[object], header: Header) -> bool:
    v = _cell(row, header, "nik")
    try:
        nik.from_cell(v)
    except nik.InvalidNik:
        return False
    return True


def split_ttl(value: object) -> tuple[str, object]:
    """Split 'SURABAYA, 17-08-1990', 'Kediri 17 Agustus 1990', 'Kediri/17-08-1990' into place and date part."""
    if isinstance(value, date | int | float) and not isinstance(value, bool):
        return "", value
    t = _text(value)
    m = _DATE_TAIL.search(t)
    if not m:
        return t.strip(" ,/"), ""
    return t[: m.start()].strip(" ,/-"), m.group(1)


def normalise_phone(value: object, min_digits: int) -> tuple[str, bool]:
    """Phone as text starting with 0 (a number cell lost its 0; +62/62 becomes 0); (value, plausible)."""
    if value.__class__ is str and value[:1] == "0" and len(value) >= min_digits and value.isdigit() and value.isascii():
        return value, True  # already clean: 08xxxxxxxxxx
    if isinstance(value, float) and value.is_integer():
        raw = str(int(value))
    else:
        raw = _text(value)
    s = re.sub(r"[\s\-.()]", "", raw)
    if s.startswith("+62"):
        s = "0" + s[3:]
    elif s.startswith("62") and len(s) >= 10:
        s = "0" + s[2:]
    elif s.startswith("8") and s.isdigit():
        s = "0" + s
    if not s.isdigit() or len(s) < min_digits:
        return raw, False
    return s, True


def _gender(value: object) -> str | None:
    key = re.sub(r"[\s\-.]", "", _text(value).upper())
    if key in _MALE:
        return "L"
    if key in _FEMALE:
        return "P"
    return None


class _Regions:
    """Resolves kelurahan/kecamatan names to current codes, once per distinct pair (WIL-06..11)."""

    def __init__(self, kabkota: str) -> None:
        self.kabkota = kabkota
        self.cache: dict[tuple[str, str], tuple[dict[str, str | None], list[tuple[str, str, str]]]] = {}

    def resolve(self, kel: str, kec: str) -> tuple[dict[str, str | None], list[tuple[str, str, str]]]:
        key = (kel, kec)
        if key not in self.cache:
            self.cache[key] = self._resolve(kel, kec)
        return self.cache[key]

    def _pick(self, hits: list[wilayah.Region], hint: str, col: str, name: str, notes: list[tuple[str, str, str]]
              ) -> list[wilayah.Region]:  # fmt: skip
        """An ambiguous name settled by the NIK's kecamatan digits when exactly one candidate lies there."""
        if len(hits) < 2 or not hint:
            return hits
        there = [h for h in hits if h.kode == hint or h.kode.startswith(hint + ".")]
        if len(there) != 1:
            return hits
        notes.append(("WILAYAH_NIK_HINT", col, f"{col} '{name}' ambigu; dipilih {there[0].kode} {there[0].nama} "
                      f"menurut kode kecamatan NIK"))  # fmt: skip
        return there

    def _resolve(self, kel: str, kec: str, hint: str = "") -> tuple[dict[str, str | None], list[tuple[str, str, str]]]:
        out: dict[str, str | None] = {"kelurahan": kel or None, "kecamatan": kec or None}
        out["kode_wilayah"] = out["kode_kecamatan"] = None
        notes: list[tuple[str, str, str]] = []  # (code, column, message)
        kec_region = None
        if kec:
            hits = self._pick(wilayah.find(kec, "kecamatan", self.kabkota), hint, "kecamatan", kec, notes)
            if len(hits) == 1:
                kec_region = hits[0]
                out["kecamatan"], out["kode_kecamatan"] = kec_region.nama, kec_region.kode
            elif hits:
                codes = ", ".join(f"{h.kode} {h.nama}" for h in hits[:4])
                notes.append(("WILAYAH_AMBIGUOUS", "kecamatan", f"kecamatan '{kec}' ambigu: {codes}"))
            else:
                tips = wilayah.suggest(kec, "kecamatan", self.kabkota)
                hint = f"; mungkin: {', '.join(tips)}" if tips else ""
                notes.append(("WILAYAH_UNKNOWN", "kecamatan", f"kecamatan '{kec}' tidak ada di daftar resmi{hint}"))
        if kel:
            scope = kec_region.kode if kec_region else self.kabkota
            hits = self._pick(wilayah.find(kel, "desa_kelurahan", scope), hint, "kelurahan", kel, notes)
            if not hits and kec_region:
                hits = wilayah.find(kel, "desa_kelurahan", self.kabkota)
                if len(hits) == 1:
                    parent = hits[0].kode.rsplit(".", 1)[0]
                    msg = (
                        f"kelurahan '{kel}' ada di kecamatan {wilayah.name_of(parent)} ({parent}), "
                        f"bukan {kec_region.nama}; dipakai kecamatan {wilayah.name_of(parent)}"
                    )
                    notes.append(("WILAYAH_KECAMATAN_MISMATCH", "kecamatan", msg))
            if len(hits) == 1:
                r = hits[0]
                parent = r.kode.rsplit(".", 1)[0]
                out["kelurahan"], out["kode_wilayah"] = r.nama, r.kode
                out["kode_kecamatan"], out["kecamatan"] = parent, wilayah.name_of(parent)
            elif hits:
                codes = ", ".join(f"{h.kode} {h.nama}" for h in hits[:4])
                notes.append(("WILAYAH_AMBIGUOUS", "kelurahan", f"kelurahan '{kel}' ambigu: {codes}"))
            else:
                tips = wilayah.suggest(kel, "desa_kelurahan", scope)
                hint = f"; mungkin: {', '.join(tips)}" if tips else ""
                notes.append(("WILAYAH_UNKNOWN", "kelurahan", f"kelurahan '{kel}' tidak ada di daftar resmi{hint}"))
        return out, notes


def roster_key(unsur: str, region: tuple[str | None, ...]) -> str:
    """Which roster a role belongs to: the unsur and the kelurahan (code when resolved); region as REGION_FIELDS."""
    kelurahan, _, kode_wilayah, _ = region
    place = kode_wilayah or wilayah.norm_name(kelurahan or "", "desa_kelurahan") or "-"
    return f"{unsur}|{place}"


# The cells row() reads, in one itemgetter call per row; a field the sheet lacks reads the "" padded after the row.
_FIELDS = (
    "nama", "nik", "tgl_lahir", "tempat_lahir", "ttl", "jk", "kategori", "jabatan", "no_hp", "rt_rw", "rt", "rw",
    "kelurahan", "kecamatan", "tmt", "alamat", "pendidikan", "pekerjaan", "no_kk", "no_sk",
)  # fmt: skip
REGION_FIELDS = ("kelurahan", "kecamatan", "kode_wilayah", "kode_kecamatan")
_DONE: list[object] = []
_new_row = tuple.__new__  # RosterRow(...) without the keyword-handling __new__ NamedTuple generates
_Place = tuple[
    tuple[str | None, ...], list[tuple[str, str, str]], str, "categories.Category | None", date | None, date | None
]


class _TextCache(dict[str, str]):
    """`_text` of a string cell, computed once per distinct value (dict lookups stay in C)."""

    def __missing__(self, key: str) -> str:
        value = self[key] = _text(key)
        return value


# what a parsed row is replaced with (never read again, never changed)


class _SheetParser:
    def __init__(self, file: str, sheet: SheetData, header: Header, opts: Options, settings: Settings, as_of: date):
        self.file, self.sheet, self.header, self.opts, self.as_of = file, sheet, header, opts, as_of
        self.report = SheetReport(file=file, sheet=sheet.name)
        self.parsed = ParsedSheet(self.report)
        age_range = settings.get("nik.century_age_range")
        self.nik = nik.Decoder(as_of, (int(age_range[0]), int(age_range[1])), wilayah.province_codes())
        self.numeric_ok = str(settings.get("nik.numeric_cell_not_zero"))
        self.phone_min = int(settings.get("import.phone_min_digits"))
        self.titles = _title_defaults(sheet.rows, header.row_index)
        self.regions = _Regions(
            wilayah.office_scope(
                str(settings.get("wilayah.kode_kabkota") or ""), str(settings.get("wilayah.kode_provinsi") or "")
            )
        )
        self.default_unsur = str(settings.get("roster.default_unsur"))
        self.n_warnings = 0
        rest = [sheet.rest.width] if sheet.rest else []
        self.width = max([len(r) for r in sheet.rows[header.data_start :]] + rest + [max(header.columns.values()) + 1])
        self.cells = itemgetter(*(header.columns.get(f, self.width) for f in _FIELDS))
        self.nik_col = header.columns["nik"]
        self.has_ttl = "ttl" in header.columns
        # Per distinct cell value: a roster repeats the same few genders, dates, regions many times.
        self._genders: dict[object, str | None] = {}
        self._dates: dict[str, date | str | None] = {}
        self._nik_regions: dict[str, tuple[str, str | None]] = {}
        self._places: dict[tuple[str, str, str], _Place] = {}
        self._hinted: dict[tuple[str, str, str, str], _Place] = {}
        self.short = _TextCache()  # text of the few distinct values of columns such as KELURAHAN or JABATAN
        self.default_kel = opts.kelurahan or self.titles.get("kelurahan", "")
        self.default_kec = opts.kecamatan or self.titles.get("kecamatan", "")

    def gender(self, value: object) -> str | None:
        if value.__class__ is not str:
            return _gender(value)
        hit = self._genders.get(value, "?")
        if hit == "?":
            hit = self._genders[value] = _gender(value)
        return hit

    def date_cell(self, value: object) -> date | str | None:
        if value.__class__ is date:  # a real date cell: most rows
            return value
        if value.__class__ is not str:
            return dates.parse_date_cell(value, as_of=self.as_of)
        hit = self._dates.get(value)
        if hit is None:
            hit = dates.parse_date_cell(value, as_of=self.as_of)
            if hit is None:
                return None
            if len(self._dates) < 50_000:
                self._dates[value] = hit
        return hit

    def nik_region(self, region: str) -> tuple[str, str | None]:
        hit = self._nik_regions.get(region)
        if hit is None:
            hit = self._nik_regions[region] = wilayah.nik_region_status(region)
        return hit

    def place(self, unsur: str, kel: str, kec: str) -> _Place:
        """Region values (REGION_FIELDS), notes, roster key, category and its birth-date bounds (CAT-02: younger
        than the minimum age = born after `young`, older than the maximum = born on or before `old`)."""
        key = (unsur, kel, kec)
        hit = self._places.get(key)
        if hit is None:
            out, notes = self.regions.resolve(kel, kec)
            region = tuple(out[f] for f in REGION_FIELDS)
            cat = categories.get(unsur)
            young = dates.birth_bound(self.as_of, cat.min_age) if cat and cat.min_age else None
            old = dates.birth_bound(self.as_of, cat.max_age + 1) if cat and cat.max_age else None
            hit = self._places[key] = (region, notes, roster_key(unsur, region), cat, young, old)
        return hit

    def hinted(self, unsur: str, kel: str, kec: str, region6: str) -> _Place:
        """`place` for a row whose region name is ambiguous, settled by its NIK's kecamatan (one per distinct NIK
        kecamatan and name, so a province roster resolves them all without a lookup per row)."""
        key = (unsur, kel, kec, region6)
        hit = self._hinted.get(key)
        if hit is None:
            out, notes = self.regions._resolve(kel, kec, wilayah.dotted(region6))
            region = tuple(out[f] for f in REGION_FIELDS)
            _, _, _, cat, young, old = self.place(unsur, kel, kec)
            hit = self._hinted[key] = (region, notes, roster_key(unsur, region), cat, young, old)
        return hit

    def add(self, row: int | None, fld: str | None, value: object, level: str, code: str, msg: str) -> None:
        column = self.header.labels.get(fld) if fld else None
        shown = None if value is None else (nik_safe(value) if fld == "nik" else _text(value)[:200])
        shown = finding_value(fld, shown)  # no full NIK or phone in a report that goes back to the kelurahan
        self.report.problems.append(Problem(self.sheet.name, row, column or fld, shown, level, code, msg))  # type: ignore[arg-type]
        if level == "warning":
            self.n_warnings += 1

    def run(
        self,
        rows: list[list[object]],
        seen: dict[tuple[str, str], tuple[str, int]],
        progress: Callable[[int], None] | None,
        *,
        start: int,
        offset: int = 0,
        more: bool = False,
    ) -> int | None:
        """Check rows[start:] (rows[i] is the sheet's row offset + i). With `more` (rows after these exist but
        are not here) it stops at a signature-like row, whose verdict needs the rows below, and returns its index."""
        width, nik_col = self.width, self.nik_col
        i = start
        while i < len(rows):
            row = rows[i]
            rows[i] = _DONE  # its cells are freed as the parsed rows grow
            excel_row = offset + i + 1
            i += 1
            if progress and i % 2000 == 0:
                progress(2000)
            v = row[nik_col] if nik_col < len(row) else None
            if not (v.__class__ is str and len(v) == 16 and v.isdigit()):  # not the usual clean text NIK
                if _is_blank(row):
                    self.report.skipped += 1
                    continue
                first = _first_text(row)
                if _TOTAL.match(first) and not _looks_like_nik(row, self.header):
                    self.report.skipped += 1
                    self.add(excel_row, None, first, "info", "ROW_TOTAL_SKIPPED", "baris JUMLAH/TOTAL dilewati")
                    continue
                if _is_footer(row, self.header):
                    if more:
                        rows[i - 1] = row
                        return i - 1
                    if any(_looks_like_nik(later, self.header) for later in rows[i:]):
                        # Signature-like text with roster rows after it: skip this row, never the people below it.
                        self.report.skipped += 1
                        self.add(excel_row, None, first, "warning", "ROW_SKIPPED", "baris tanpa NIK mirip tanda tangan")
                        continue
                    rest = 1 + sum(1 for r in rows[i:] if not _is_blank(r))
                    self.report.skipped += rest
                    self.add(
                        excel_row,
                        None,
                        first,
                        "info",
                        "SIGNATURE_BLOCK",
                        f"blok tanda tangan: {rest} baris dilewati",
                    )
                    break
            self.report.rows_read += 1
            if len(row) < width:
                row.extend([""] * (width - len(row)))
            row.append("")  # what a field the sheet lacks reads (index `width`)
            self.row(row, excel_row, seen)
        return None

    def duplicate(self, r: int, number: str, first: tuple[str, int]) -> None:
        """Report row r as a second row of a (NIK, unsur) first seen at `first` (sheet, row)."""
        sheet, first_row = first
        where = f"baris {first_row}" if sheet == self.sheet.name else f"lembar '{sheet}' baris {first_row}"
        self.add(r, "nik", number, "error", "NIK_DUPLICATE_IN_FILE", f"NIK ganda, lihat {where}")

    def row(self, row: list[object], r: int, seen: dict[tuple[str, str], tuple[str, int]]) -> None:
        h = self.header
        (
            raw_nama, raw_nik, raw_date, raw_tempat, raw_ttl, raw_jk, raw_cat, raw_jabatan, raw_hp, raw_rtrw,
            raw_rt, raw_rw, raw_kel, raw_kec, raw_tmt, raw_alamat, raw_pendidikan, raw_pekerjaan, raw_kk, raw_sk,
        ) = self.cells(row)  # fmt: skip
        warns_before = self.n_warnings
        nama = _text(raw_nama)
        ok = True
        if not nama:
            self.add(r, "nama", "", "error", "NAME_MISSING", "nama kosong")
            ok = False
        number = ""
        try:
            if raw_nik.__class__ is str and len(raw_nik) == 16 and raw_nik.isdigit() and raw_nik.isascii():
                number, note = raw_nik, None  # the clean text NIK of almost every row
            else:
                number, note = nik.from_cell(raw_nik, numeric_ok=self.numeric_ok)
            if note:
                self.add(
                    r,
                    "nik",
                    raw_nik,
                    "warning",
                    note,
                    "NIK tersimpan sebagai angka; format kolom NIK sebagai Teks",
                )
        except nik.InvalidNik as e:
            self.add(r, "nik", raw_nik, "error", e.code, e.message)
            ok = False
        short = self.short
        # Birth place and date: combined column or separate ones.
        tempat = short[raw_tempat] if raw_tempat.__class__ is str else _text(raw_tempat)
        date_field = "tgl_lahir"
        if self.has_ttl:
            t_place, t_date = split_ttl(raw_ttl)
            tempat = tempat or t_place
            if raw_date == "":
                raw_date, date_field = t_date, "ttl"
        birth = raw_date if raw_date.__class__ is date else self.date_cell(raw_date)  # most are date cells
        if birth.__class__ is str:
            self.add(r, date_field, raw_date, "error", "DATE_INVALID", f"tanggal lahir tidak sah: {birth}")
            ok = False
            birth = None
        elif birth is not None and (birth > self.as_of or birth.year < 1900):  # type: ignore[operator,union-attr]
            self.add(
                r,
                date_field,
                raw_date,
                "error",
                "DATE_INVALID",
                f"tanggal lahir {birth.isoformat()} tidak mungkin",  # type: ignore[union-attr]
            )
            ok = False
            birth = None
        decoded = None
        if number:
            try:
                decoded = self.nik.decode(number, birth)  # type: ignore[arg-type]
            except nik.InvalidNik as e:
                self.add(r, "nik", number, "error", e.code, e.message)
                ok = False
        if decoded is not None:
            status, old_name = self._nik_regions.get(decoded.region) or self.nik_region(decoded.region)
            if status == "unknown":
                self.add(
                    r,
                    "nik",
                    number,
                    "warning",
                    "NIK_REGION_UNKNOWN",
                    f"kode kecamatan NIK {wilayah.dotted(decoded.region)} tidak ditemukan di daftar Kemendagri",
                )
            elif status == "historical":
                self.add(
                    r,
                    "nik",
                    number,
                    "info",
                    "NIK_REGION_HISTORICAL",
                    f"kode kecamatan NIK {wilayah.dotted(decoded.region)} kode lama ({old_name})",
                )
        gender = self._genders.get(raw_jk, "?") if raw_jk.__class__ is str else "?"
        if gender == "?":
            gender = self.gender(raw_jk)
        if gender is None and decoded is not None and _text(raw_jk):
            self.add(
                r,
                "jk",
                raw_jk,
                "warning",
                "GENDER_UNKNOWN",
                f"jenis kelamin '{_text(raw_jk)}' tidak dikenal; dipakai dari NIK ({decoded.sex})",
            )
        if decoded is not None:
            if gender and gender != decoded.sex:
                self.add(
                    r,
                    "jk",
                    raw_jk,
                    "warning",
                    "NIK_GENDER_MISMATCH",
                    f"Jenis kelamin: NIK = {decoded.sex}, daftar = {gender}",
                )
            if birth and birth != decoded.birth_date:
                self.add(
                    r,
                    date_field,
                    raw_date,
                    "warning",
                    "NIK_DOB_MISMATCH",
                    f"Tanggal lahir: NIK = {dates.format_id(decoded.birth_date)}, daftar = {dates.format_id(birth)}",  # type: ignore[arg-type]
                )
            if birth is None and _text(raw_date) == "":
                if ok:
                    self.add(
                        r,
                        date_field,
                        "",
                        "info",
                        "BIRTHDATE_FROM_NIK",
                        "tanggal lahir kosong; diambil dari NIK",
                    )
                birth = decoded.birth_date
            gender = gender or decoded.sex
        # Unsur: the row's own column, else --unsur, else the title block, else the setting.
        unsur = None
        jabatan = (short[raw_jabatan] if raw_jabatan.__class__ is str else _text(raw_jabatan)) or None
        if raw_cat != "" and _text(raw_cat):
            unsur = categories.match(raw_cat)
            if unsur is None and h.labels.get("kategori", "").upper().strip() == "UNSUR" and not jabatan:
                jabatan = _text(raw_cat)  # an UNSUR column holding Ketua/Anggota is a jabatan column
            elif unsur is None:
                self.add(
                    r,
                    "kategori",
                    raw_cat,
                    "warning",
                    "CATEGORY_UNKNOWN",
                    f"unsur '{_text(raw_cat)}' tidak dikenal; dicatat UNKNOWN",
                )
                unsur = "UNKNOWN"
        unsur = unsur or self.opts.unsur or self.titles.get("unsur") or self.default_unsur
        # Phone, RT/RW.
        phone: str | None = None
        if (
            raw_hp.__class__ is str
            and raw_hp[:1] == "0"
            and len(raw_hp) >= self.phone_min
            and raw_hp.isdigit()
            and raw_hp.isascii()
        ):
            phone = raw_hp  # already clean: 08xxxxxxxxxx (normalise_phone's own first test)
        elif raw_hp != "" and raw_hp is not None and not (raw_hp.__class__ is str and raw_hp.isspace()):
            phone, plausible = normalise_phone(raw_hp, self.phone_min)
            if not plausible:
                self.add(
                    r,
                    "no_hp",
                    raw_hp,
                    "warning",
                    "PHONE_INVALID",
                    "nomor HP tidak wajar; disimpan seperti tertulis",
                )
        rt_rw = (short[raw_rtrw] if raw_rtrw.__class__ is str else _text(raw_rtrw)) or None
        if isinstance(raw_rtrw, date):
            self.add(
                r,
                "rt_rw",
                raw_rtrw,
                "warning",
                "RT_RW_AS_DATE",
                "RT/RW terbaca sebagai tanggal oleh Excel; periksa",
            )
        if rt_rw is None and (raw_rt != "" or raw_rw != ""):
            rt, rw = _text(raw_rt), _text(raw_rw)
            if rt or rw:
                rt_rw = f"{rt.zfill(3) if rt.isdigit() else rt}/{rw.zfill(3) if rw.isdigit() else rw}"
        # Region: the row's column, else --kelurahan/--kecamatan, else the title block.
        kel = (short[raw_kel] if raw_kel.__class__ is str else _text(raw_kel)) or self.default_kel
        kec = (short[raw_kec] if raw_kec.__class__ is str else _text(raw_kec)) or self.default_kec
        region, notes, key_of_roster, cat, young, old = self._places.get((unsur, kel, kec)) or self.place(
            unsur, kel, kec
        )
        if notes and decoded is not None and any(n[0] == "WILAYAH_AMBIGUOUS" for n in notes):
            region, notes, key_of_roster, cat, young, old = self.hinted(unsur, kel, kec, decoded.region)
        for code, col, msg in notes:
            level = "info" if code == "WILAYAH_NIK_HINT" else "warning"
            self.add(r, col, kel if col == "kelurahan" else kec, level, code, msg)
        # Age limits per category (CAT-02) are warnings only.
        if birth and ((young and birth > young) or (old and birth <= old)):  # type: ignore[operator]
            age = dates.age_on(birth, self.as_of)  # type: ignore[arg-type]
            if cat:
                limits = f"{cat.min_age or '-'}–{cat.max_age or '-'}"
                self.add(
                    r,
                    date_field,
                    raw_date,
                    "warning",
                    "AGE_OUT_OF_RANGE",
                    f"umur {age} di luar batas {unsur} ({limits})",
                )
        tmt = self.date_cell(raw_tmt) if raw_tmt != "" else None
        if tmt.__class__ is str:
            self.add(r, "tmt", raw_tmt, "warning", "DATE_INVALID", f"TMT tidak sah: {tmt}")
            tmt = None
        if cat and cat.masa_tugas_tahun and tmt and dates.age_on(tmt, self.as_of) >= cat.masa_tugas_tahun:  # type: ignore[arg-type]
            self.add(
                r, "tmt", raw_tmt, "warning", "MASA_TUGAS_LEWAT",
                f"masa tugas {unsur} lebih dari {cat.masa_tugas_tahun} tahun — perlu perpanjangan SK",
            )  # fmt: skip
        if ok and decoded is not None:
            key = (decoded.number, unsur)
            if key in seen:
                self.duplicate(r, number, seen[key])
                ok = False
            else:
                seen[key] = (self.sheet.name, r)
        if ok and decoded is not None:
            # Tuples in the register's column order (db.volunteers): 100k rows of dicts cost 100 MB more.
            person = (
                nama,
                gender,
                tempat.title() if tempat.isupper() else (tempat or None),
                birth.isoformat() if birth else None,  # type: ignore[union-attr]
                _text(raw_alamat) or None,
                rt_rw,
                phone,
                (short[raw_pendidikan] if raw_pendidikan.__class__ is str else _text(raw_pendidikan)) or None,
                (short[raw_pekerjaan] if raw_pekerjaan.__class__ is str else _text(raw_pekerjaan)) or None,
                (nik.compact(raw_kk) or None) if raw_kk != "" and _text(raw_kk) else None,
            )
            role = (*region, jabatan, _text(raw_sk) or None, tmt.isoformat() if tmt else None, "AKTIF")  # type: ignore[union-attr]
            self.parsed.rows.append(
                _new_row(RosterRow, (self.sheet.name, r, decoded.number, unsur, person, role, key_of_roster))
            )
        else:
            self.report.rejected += 1
        if self.n_warnings > warns_before:
            self.report.warnings += 1


# A sheet of this many rows is checked by two processes, the parent and a forked child (psmctl.forked): 100,000
# rows take 0.3 s less. Below it the fork and the hand-back cost more than they save. Tests lower it.
SPLIT_FROM_ROWS = 20_000
# ... and up to this many. The child's rows cost about 1.5 KB each while calamine's cells are still held, so a
# national 500,000-row file checked in two processes would need 1 GB to save 0.5 s of 11.4 s: it is read whole
# and checked in one, in under 900 MB (benchmarks/).
SPLIT_UP_TO_ROWS = 200_000
# The parent's share of the rows: besides its rows it unpacks and merges the child's answer (benchmarks/).
PARENT_SHARE = 0.55


class _Unseen(dict[tuple[str, str], tuple[str, int]]):
    """The child's `seen`: it cannot know the parent's rows, so duplicates are found when its rows are merged."""

    def __contains__(self, key: object) -> bool:
        return False

    def __setitem__(self, key: tuple[str, str], value: tuple[str, int]) -> None:
        pass


def _run_split(
    parser: _SheetParser,
    sheet: SheetData,
    seen: dict[tuple[str, str], tuple[str, int]],
    progress: Callable[[int], None] | None,
) -> None:
    """Check a long sheet in two processes. The rows below its header are still in calamine: a forked child
    skips to the last part of them and checks it while this process reads and checks the first part; then the
    child's rows are merged here exactly as one process would have checked them. Forking before either part is
    read keeps the two processes' pages apart: neither writes to memory the other still shares."""
    rest = sheet.rest
    assert rest is not None  # noqa: S101
    cut = rest.start + int((rest.end - rest.start) * PARENT_SHARE)
    child = forked.start(partial(_check_rest, parser, rest, cut))

    def cancel() -> None:  # this process goes on to the end: the child's work is not wanted
        nonlocal child
        if child is not None:
            child.cancel()
            child = None

    answer = None
    try:
        to_end = _check_rows(
            parser, sheet.rows, parser.header.data_start, 0, rest, seen, progress, upto=cut, on_lookahead=cancel
        )
        if not to_end and child is not None:
            answer, child = child.result(), None
    finally:
        cancel()  # still running after an error or Ctrl-C here
    sheet.rows = []
    if to_end:
        return
    if answer is None:  # no fork here, or the child failed: this process checks the child's part itself
        _check_rows(parser, [], 0, rest.start, rest, seen, progress)
        return
    sheet.rest = None
    del rest  # the last reference to calamine's cells: free them before the merge grows
    _merge_rest(parser, answer, seen)
    if progress:
        progress(answer[0])


# Rows of a split sheet built and checked at a time from calamine's cells: the cells of a checked chunk are freed
# before the next is built, so neither process holds its part of the sheet as Python objects all at once.
_CHUNK = 4000


def _check_rows(
    parser: _SheetParser,
    rows: list[list[object]],
    start: int,
    offset: int,
    rest: RestOfSheet,
    seen: dict[tuple[str, str], tuple[str, int]],
    progress: Callable[[int], None] | None,
    *,
    upto: int | None = None,
    on_lookahead: Callable[[], None] | None = None,
) -> bool:
    """Check rows[start:] (the sheet's rows from `offset`), then the rest's rows up to the sheet index `upto`
    (None: to the end), a chunk at a time. A signature-like row is judged by the rows below it, all of them: on
    meeting one, `on_lookahead()` is called and the check goes on to the end of the sheet. Returns True when it
    checked to the end, False when it stopped at `upto`."""
    end = rest.end if upto is None else upto
    while True:
        final = upto is None and rest.start >= rest.end  # no row of the sheet after these
        stop = parser.run(rows, seen, progress, start=start, offset=offset, more=not final)
        if stop is not None:
            if on_lookahead:
                on_lookahead()
            rows = rows[stop:]
            rows.extend(rest.take())
            parser.run(rows, seen, progress, start=0, offset=offset + stop)
            return True
        if rest.start >= end:
            return upto is None
        offset, start = rest.start, 0
        rows = rest.take(min(_CHUNK, end - offset))


def _check_rest(parser: _SheetParser, rest: RestOfSheet, cut: int) -> tuple[Any, ...]:
    """In the child: check the sheet's rows from `cut` on and return plain values (marshal takes no NamedTuple)."""
    rest.skip(cut - rest.start)
    n = rest.end - rest.start
    _check_rows(parser, [], 0, rest.start, rest, _Unseen(), None)
    rep = parser.report
    return (
        n,
        (rep.rows_read, rep.skipped, rep.rejected, rep.warnings),
        [(p.sheet, p.row, p.column, p.value, p.level, p.code, p.message) for p in rep.problems],
        [tuple(r) for r in parser.parsed.rows],
    )


def _merge_rest(parser: _SheetParser, answer: tuple[Any, ...], seen: dict[tuple[str, str], tuple[str, int]]) -> None:
    """Add the child's rows and findings after this process's own, finding the (NIK, unsur) pairs it could not:
    a pair already seen makes its row a duplicate, reported as the last finding of that row, as `row` does."""
    _, counts, problems, rows = answer
    rep = parser.report
    rep.rows_read += counts[0]
    rep.skipped += counts[1]
    rep.rejected += counts[2]
    rep.warnings += counts[3]
    mine, rep.problems = rep.problems, []  # parser.duplicate appends here
    accepted = parser.parsed.rows
    name = parser.sheet.name
    for t in rows:
        key = (t[2], t[3])
        first = seen.get(key)
        if first is None:
            seen[key] = (name, t[1])
            accepted.append(_new_row(RosterRow, t))
        else:
            parser.duplicate(t[1], t[2], first)
            rep.rejected += 1
    theirs = (Problem(*p) for p in problems)
    mine.extend(heapq.merge(theirs, rep.problems, key=attrgetter("row")))
    rep.problems = mine


def nik_safe(value: object) -> str:
    """A NIK cell as shown in a report: the value as typed (reports stay in the office; stderr masks)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_file(
    path: Path,
    *,
    as_of: date,
    settings: Settings,
    options: Options = Options(),  # noqa: B008  frozen dataclass
    progress: Callable[[int], None] | None = None,
) -> list[ParsedSheet]:
    """Read and validate one roster file; InputError when the file as a whole cannot be used."""
    scan = int(settings.get("import.header_scan_rows"))

    def read_first(height: int) -> int | None:
        # A long sheet is read up to its header first: the rows below are read by the process that checks them.
        return scan if SPLIT_FROM_ROWS <= height <= SPLIT_UP_TO_ROWS and forked.available() else None

    tables = read_tables(path, **limits(settings), read_first=read_first)
    if options.sheet is not None:
        chosen = [t for t in tables if t.name == options.sheet]
        if not chosen:
            names = ", ".join(f"'{t.name}'" for t in tables)
            raise InputError(f"{path.name}: lembar '{options.sheet}' tidak ada; lembar yang ada: {names}")
        tables = chosen
    aliases = load_aliases("roster_headers.toml")
    found: list[tuple[SheetData, Header]] = []
    skipped_sheets: list[str] = []
    for t in tables:
        header = find_header(t.rows, aliases, ["nama", "nik"], scan_rows=scan)
        if header is None:
            skipped_sheets.append(t.name)
        else:
            found.append((t, header))
    if not found:
        fullest = label_row(tables[0].rows, scan) if tables else None
        where = f"lembar '{tables[0].name}'" if len(tables) == 1 else f"{len(tables)} lembar"
        seen = f"baris terlengkap: baris {fullest[0]}, {fullest[1]} sel terisi" if fullest else "tidak ada isi"
        raise InputError(
            f"{path.name}: kolom NIK/NAMA tidak ditemukan di {where} ({scan} baris pertama diperiksa; {seen}); "
            "periksa baris judul kolom (harus ada judul NIK dan NAMA)"
        )
    if not options.all_sheets and options.sheet is None and str(settings.get("import.sheets")) == "first":
        found = found[:1]
    results: list[ParsedSheet] = []
    seen_niks: dict[tuple[str, str], tuple[str, int]] = {}
    for t, header in found:
        parser = _SheetParser(path.name, t, header, options, settings, as_of)
        if t.rest is None:
            parser.run(t.rows, seen_niks, progress, start=header.data_start)
        else:
            _run_split(parser, t, seen_niks, progress)
        results.append(parser.parsed)
        t.rows, t.rest = [], None  # the cells are no longer needed: free them before the next sheet and the plan
    for name in skipped_sheets:
        note = Problem(name, None, None, None, "info", "SHEET_SKIPPED", "lembar tanpa kolom NIK/NAMA dilewati")
        results[0].report.problems.append(note)
    return results


@dataclass
class ImportResult:
    """What importing one file did (or, with --dry-run, would do)."""

    file: str
    sheets: list[SheetReport]
    refused: str | None = None  # why the whole file was not written (--strict)
    missing: list[dict[str, Any]] = field(default_factory=list)
    retired: int = 0
    batch_id: int | None = None


class _DryRun(Exception):
    """Raised inside the transaction to roll back a dry run (or a no-op import)."""


def import_file(
    db: Database,
    path: Path,
    *,
    as_of: date,
    now: str,
    settings: Settings,
    options: Options = Options(),  # noqa: B008
    dry_run: bool = False,
    strict: bool = False,
    retire_missing: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import one roster file in one transaction: all of its accepted rows, or (on any failure) nothing."""
    # Every object built below is acyclic (rows, cells, plans); pausing the cyclic GC saves it from rescanning
    # a million of them again and again (see payments.gc_paused).
    with gc_paused():
        parsed = parse_file(path, as_of=as_of, settings=settings, options=options, progress=progress)
        return _write_file(db, path, parsed, now, dry_run, strict, retire_missing, options.readmit)


def _write_file(
    db: Database,
    path: Path,
    parsed: list[ParsedSheet],
    now: str,
    dry_run: bool,
    strict: bool,
    retire_missing: bool,
    readmit: frozenset[str] = frozenset(),
) -> ImportResult:
    from psmctl.db import write_tx

    result = ImportResult(file=path.name, sheets=[p.report for p in parsed])
    rejected = sum(p.report.rejected for p in parsed)
    if strict and rejected:
        result.refused = f"{rejected} baris ditolak dan --strict dipakai: berkas tidak diimpor sama sekali"
        return result
    digest = sha256_of(path)
    try:
        with write_tx(db):
            batch_id = vdb.create_batch(db, kind="roster", file_name=path.name, sha256=digest, created_at=now)
            if _refuse_erased(db, parsed, readmit) and strict:
                result.refused = "ada NIK yang datanya telah dihapus dan --strict dipakai: berkas tidak diimpor"
                raise _DryRun
            plan = _plan(db, parsed, batch_id, retire_missing, result)
            vdb.write_roster(db, plan)
            wrote = plan.new_people or plan.person_updates or plan.new_roles or plan.role_updates
            if dry_run or not wrote:
                raise _DryRun  # nothing to keep: not even the batch row, so a re-import changes nothing
            result.batch_id = batch_id
    except _DryRun:
        pass
    return result


def _refuse_erased(db: Database, parsed: list[ParsedSheet], readmit: frozenset[str]) -> int:
    """Rows of people erased on request are refused (NIK_DIHAPUS), unless the admin re-admits that NIK; one
    look-up for the whole file. A re-admitted NIK is an ordinary NIK again (its tombstone goes)."""
    from psmctl.db import erasure

    erased = erasure.erased_among(db, {r.nik for p in parsed for r in p.rows})
    if not erased:
        return 0
    erasure.lift_tombstones(db, sorted(erased & readmit))
    refused = erased - readmit
    for p in parsed:
        keep = []
        for r in p.rows:
            if r.nik not in refused:
                keep.append(r)
                continue
            msg = (
                "data orang ini dihapus atas permintaannya (volunteers forget); baris tidak diimpor. "
                "Bila ia memang kembali, impor ulang dengan --terima-nik-dihapus NIK"
            )
            p.report.problems.append(Problem(r.sheet, r.row, "nik", mask_nik(r.nik), "error", "NIK_DIHAPUS", msg))
            p.report.rejected += 1
        p.rows = keep
    return len(refused)


def _plan(
    db: Database, parsed: list[ParsedSheet], batch_id: int, retire_missing: bool, result: ImportResult
) -> vdb.RosterWrite:
    w = vdb.RosterWrite(batch_id=batch_id)
    rows = [r for p in parsed for r in p.rows]
    persons = vdb.persons_by_nik(db, [r.nik for r in rows])
    roles = vdb.roles_of(db, [p[0] for p in persons.values()])
    next_id = vdb.next_volunteer_id(db)  # ids given here, inside the write lock: roles and changes need them
    pending: dict[str, list[Any]] = {}  # people new in this file: their insert row, completed by later rows
    n_person = len(vdb.PERSON_COLUMNS)
    for p in parsed:
        rep = p.report
        for r in p.rows:
            old = persons.get(r.nik)
            if old is None:  # not on the register: a new person, or one already new on another roster of this file
                rec = pending.get(r.nik)
                if rec is None:
                    rec = pending[r.nik] = [next_id, r.nik, *r.person, batch_id, r.sheet, r.row]
                    w.new_people.append(rec)
                    next_id += 1
                else:
                    for i in range(n_person):
                        if r.person[i] is not None and rec[2 + i] is None:
                            rec[2 + i] = r.person[i]
                w.new_roles.append((rec[0], batch_id, r.unsur, r.roster_key, *r.role, r.sheet, r.row))
                rep.added += 1
            else:
                persons[r.nik] = _plan_known(w, r, rep, old, roles.get(old[0], []))
    # People on the same rosters before, missing now: listed, retired only on request (XLS-03).
    keys = sorted({r.roster_key for r in rows})
    for role in vdb.missing_from_rosters(db, keys, lambda: {(r.nik, r.unsur) for r in rows}):
        result.missing.append(
            {"nik": mask_nik(role["nik"]), "nama": role["nama"], "unsur": role["unsur"], "kelurahan": role["kelurahan"]}
        )
        if retire_missing:
            w.role_updates.append((role["id"], "status", "BERHENTI"))
            note = "tidak ada di berkas baru"
            w.changes.append(
                (role["volunteer_id"], role["id"], "status", "AKTIF", "BERHENTI", batch_id, None, None, note)
            )
            result.retired += 1
    return w


def _plan_known(
    w: vdb.RosterWrite, r: RosterRow, rep: SheetReport, old: tuple[int, tuple[Any, ...]], existing: list[vdb.RoleRow]
) -> tuple[int, tuple[Any, ...]]:
    """Plan one row of a person already on the register; returns the person's values after this row."""
    batch_id = w.batch_id
    notes: list[tuple[str, str]] = []  # (code, message) warnings on this row
    changed: list[str] = []
    vid, values = old
    if values[0] and r.person[0] and values[0].casefold() != str(r.person[0]).casefold():
        notes.append(("NIK_NAME_CONFLICT", f"NIK ini di register bernama '{values[0]}', di berkas '{r.person[0]}'"))
    if r.person != values:  # None in the file leaves the register's value alone
        merged = list(values)
        for i, col in enumerate(vdb.PERSON_COLUMNS):
            value = r.person[i]
            if value is not None and value != merged[i]:
                w.person_updates.append((vid, col, value))
                w.changes.append((vid, None, col, merged[i], value, batch_id, r.sheet, r.row, None))
                merged[i] = value
                changed.append(col)
        values = tuple(merged)
    # Roles: one per (person, unsur).
    mine = None
    for other in existing:
        if other.unsur == r.unsur:
            mine = other
        elif other.values[-1] == "AKTIF":
            notes.append(("NIK_ON_OTHER_ROSTER", f"juga terdaftar sebagai {other.unsur} di {other.values[0] or '-'}"))
    if mine is None:
        w.new_roles.append((vid, batch_id, r.unsur, r.roster_key, *r.role, r.sheet, r.row))
    else:
        if mine.roster_key != r.roster_key:
            notes.append(
                (
                    "NIK_ON_OTHER_ROSTER",
                    f"sebelumnya di daftar {mine.unsur} {mine.values[0] or '-'}; dipindah ke {r.role[0] or '-'}",
                )
            )
            w.role_updates.append((mine.id, "roster_key", r.roster_key))
            mine.roster_key = r.roster_key
        if r.role != mine.values:
            merged = list(mine.values)
            for i, col in enumerate(vdb.ROLE_COLUMNS):
                value = r.role[i]
                if value is not None and value != merged[i]:
                    w.role_updates.append((mine.id, col, value))
                    w.changes.append((vid, mine.id, col, merged[i], value, batch_id, r.sheet, r.row, None))
                    merged[i] = value
                    changed.append(col)
            mine.values = tuple(merged)
    if mine is None:
        rep.added += 1
    elif changed:
        rep.changed += 1
        rep.details.setdefault("changed_fields", []).append(
            {"row": r.row, "nik": mask_nik(r.nik), "fields": sorted(set(changed))}
        )
    else:
        rep.unchanged += 1
    for code, msg in notes:
        rep.problems.append(Problem(r.sheet, r.row, "NIK", r.nik, "warning", code, msg))
    if notes:
        rep.warnings += 1
    return vid, values

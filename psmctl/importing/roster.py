"""Roster spreadsheets in: find the header, read each row, validate it, report every problem (docs/rules.md).

`parse_file` reads a file and returns accepted rows plus a report per sheet, touching no database; a file-level
failure (corrupt, no sheet with NIK and NAMA columns) raises InputError. `import_file` then writes one file in one
transaction through db.volunteers. Codes in reports are stable identifiers (README lists them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from psmctl.db import volunteers as vdb
from psmctl.errors import InputError
from psmctl.importing import cells
from psmctl.importing.batch import FileResult, Stage, commit
from psmctl.importing.cells import gender as _gender
from psmctl.importing.cells import normalise_phone, split_ttl
from psmctl.importing.cells import text as _text
from psmctl.importing.columns import sheet_column_findings
from psmctl.importing.findings import for_rows, level_of
from psmctl.importing.headers import Header, find_header, label_row, load_aliases
from psmctl.importing.rows import Kind, Table, classify, is_blank, split_tables
from psmctl.importing.sheets import SheetData, limits, read_tables
from psmctl.importing.titles import Titles, read_titles
from psmctl.memory import gc_paused
from psmctl.models import Problem, SheetReport
from psmctl.rules import categories, dates, nik, wilayah
from psmctl.rules.months import add_years, age_on
from psmctl.rules.privacy import finding_value, mask_nik
from psmctl.rules.settings import Settings

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = ["normalise_phone", "split_ttl"]


class RosterRow(NamedTuple):
    """One accepted roster row, normalised (a NamedTuple: an import makes one per row)."""

    sheet: str
    row: int  # as Excel shows it (1-based)
    nik: str
    unsur: str
    person: tuple[str | None, ...]  # values in db.volunteers.PERSON_COLUMNS order
    role: tuple[str | None, ...]  # values in db.volunteers.ROLE_COLUMNS order
    roster_key: str
    note: str | None  # KETERANGAN text (or why the person is BERHENTI), kept in the person's history


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
    kabkota: str | None = None  # --kabkota: where region names are matched when the file names no kab/kota
    unsur: str | None = None
    kolom: tuple[tuple[str, str], ...] = ()  # --kolom "HEADER=field": columns mapped by hand
    include_hidden: bool = False  # --sertakan-tersembunyi: hidden rows are imported too
    hold_stopped: bool = False  # --tahan-keterangan: people whose KETERANGAN says they stopped are not imported
    readmit: frozenset[str] = frozenset()  # erased NIKs the admin takes back on purpose (--terima-nik-dihapus)


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, for provenance and idempotency."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _cell(row: list[object], header: Header, fld: str) -> object:
    c = header.columns.get(fld)
    if c is None or c >= len(row):
        return ""
    return row[c]


class _Regions:
    """Resolves kelurahan/kecamatan names to current codes (WIL-06..11); the caller keeps each distinct answer."""

    def __init__(self, kabkota: str) -> None:
        self.kabkota = kabkota

    def _pick(
        self, hits: list[wilayah.Region], hint: str, col: str, name: str, notes: list[tuple[str, str, str]]
    ) -> list[wilayah.Region]:
        """An ambiguous name settled by the NIK's kecamatan digits when exactly one candidate lies there."""
        if len(hits) < 2 or not hint:
            return hits
        there = [h for h in hits if h.kode == hint or h.kode.startswith(hint + ".")]
        if len(there) != 1:
            return hits
        msg = f"{col} '{name}' ambigu; dipilih {there[0].kode} {there[0].nama} menurut kode kecamatan NIK"
        notes.append(("WILAYAH_NIK_HINT", col, msg))
        return there

    def resolve(
        self, kel: str, kec: str, hint: str = "", kab: str = ""
    ) -> tuple[dict[str, str | None], list[tuple[str, str, str]]]:
        out: dict[str, str | None] = {"kelurahan": kel or None, "kecamatan": kec or None}
        out["kode_wilayah"] = out["kode_kecamatan"] = None
        area, said = wilayah.row_scope(kab, self.kabkota)  # the row's kab/kota, inside the office's scope
        notes: list[tuple[str, str, str]] = list(said)  # (code, column, message)
        kec_region = None
        if kec:
            hits = self._pick(wilayah.find(kec, "kecamatan", area), hint, "kecamatan", kec, notes)
            if len(hits) == 1:
                kec_region = hits[0]
                out["kecamatan"], out["kode_kecamatan"] = kec_region.nama, kec_region.kode
            elif hits:
                codes = ", ".join(f"{h.kode} {h.nama}" for h in hits[:4])
                notes.append(("WILAYAH_AMBIGUOUS", "kecamatan", f"kecamatan '{kec}' ambigu: {codes}"))
            else:
                tips = wilayah.suggest(kec, "kecamatan", area)
                hint = f"; mungkin: {', '.join(tips)}" if tips else ""
                notes.append(("WILAYAH_UNKNOWN", "kecamatan", f"kecamatan '{kec}' tidak ada di daftar resmi{hint}"))
        if kel:
            scope = kec_region.kode if kec_region else area
            hits = self._pick(wilayah.find(kel, "desa_kelurahan", scope), hint, "kelurahan", kel, notes)
            if not hits and kec_region:
                hits = wilayah.find(kel, "desa_kelurahan", area)
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


def roster_key(unsur: str, region: tuple[str | None, ...], unknown: str = "-") -> str:
    """Which roster a role belongs to: the unsur and the kelurahan (code when resolved); region as REGION_FIELDS.
    A role whose kelurahan nobody named is keyed by `unknown` (its file), never shared with another file's."""
    kelurahan, _, kode_wilayah, _ = region
    place = kode_wilayah or wilayah.norm_name(kelurahan or "", "desa_kelurahan") or unknown
    return f"{unsur}|{place}"


UNKNOWN_PLACE = "?"  # the start of a roster key whose kelurahan is unknown (then the file's digest)


# The cells row() reads, in one itemgetter call per row; a field the table lacks reads the "" padded after the row.
_FIELDS = (
    "nama", "nik", "tgl_lahir", "tempat_lahir", "ttl", "jk", "kategori", "jabatan", "no_hp", "rt_rw", "rt", "rw",
    "kelurahan", "kecamatan", "tmt", "alamat", "pendidikan", "pekerjaan", "no_kk", "no_sk", "ket", "kabkota",
    "kode_wilayah", "status",
)  # fmt: skip
_READ = {*_FIELDS, "no"}  # the fields this import reads; any other column with data is named in the report
REGION_FIELDS = ("kelurahan", "kecamatan", "kode_wilayah", "kode_kecamatan")
_new_row = tuple.__new__  # RosterRow(...) without the keyword-handling __new__ NamedTuple generates
_Finding = tuple[str, object, str, str, str]  # (field, value, level, code, message) of a finding on a row


class _Place(NamedTuple):
    """What a row's region gives its role: region values (REGION_FIELDS), the findings about the names, the roster
    key, the category and its birth-date bounds (CAT-02: younger than the minimum age = born after `young`, older
    than the maximum = born on or before `old`)."""

    region: tuple[str | None, ...]
    notes: tuple[_Finding, ...]
    key: str
    cat: categories.Category | None
    young: date  # date.max when the category has no minimum age
    old: date  # date.min when it has no maximum
    ambiguous: bool  # a name with several candidates: the NIK's kecamatan may settle it


class _PerValue(dict[Any, Any]):
    """A pure function of a cell's value, computed once per distinct value (the lookups stay in C)."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.fn(key)
        return value


@dataclass(frozen=True)
class _Context:
    """What one table's rows are read with: the file, its sheet, the table and what its titles say."""

    file: str
    digest: str
    sheet: SheetData
    table: Table
    titles: Titles


class _SheetParser:
    """Reads the rows of one table: each row through the named field readers of `row`. The readers' pure parts
    (a date's text, a gender word, a region name, a NIK's kecamatan) are computed once per distinct value."""

    def __init__(self, ctx: _Context, opts: Options, settings: Settings, as_of: date, parsed: ParsedSheet):
        header = ctx.table.header
        self.sheet, self.header, self.opts, self.as_of, self.ctx = ctx.sheet, header, opts, as_of, ctx
        self.report = parsed.report  # one report per sheet, shared by its tables
        self.accepted = parsed.rows
        age_range = settings.nik.century_age_range
        self.nik = nik.Decoder(as_of, (int(age_range[0]), int(age_range[1])), wilayah.province_codes())
        self.numeric_ok = settings.nik.numeric_cell_not_zero
        self.phone_min = settings.imports.phone_min_digits
        self.regions = _Regions(wilayah.office_scope(settings.wilayah.kode_kabkota, settings.wilayah.kode_provinsi))
        self.n_warnings = 0
        rows = ctx.sheet.rows[ctx.table.start : ctx.table.end]
        self.width = max([len(r) for r in rows] + [max(header.columns.values(), default=0) + 1])
        self.cells = itemgetter(*(header.columns.get(f, self.width) for f in _FIELDS))
        self.nik_col = header.columns["nik"]
        self.has_ttl = "ttl" in header.columns
        self.jk_marks = header.marks.get("jk")
        self.unsur_column = header.labels.get("kategori", "").upper().strip() == "UNSUR"
        self.short = _PerValue(_text)  # text of the few distinct values of columns such as KELURAHAN or JABATAN
        self.dates = _PerValue(lambda v: dates.parse_date_cell(v, as_of=as_of))  # typed dates (text cells)
        self.genders = _PerValue(_gender)
        self.nik_notes = _PerValue(self.nik_region_note)
        self.places = _PerValue(self.place)
        self.default_kel = opts.kelurahan or ctx.titles.get("kelurahan")
        self.default_kec = opts.kecamatan or ctx.titles.get("kecamatan")
        self.default_kab = opts.kabkota or ctx.titles.get("kabkota")
        self._region_rows: dict[_Finding, list[int]] = {}  # a region finding: the rows it concerns
        self._coded: dict[tuple[str, str, str, str], _Place] = {}
        self.status_unread = False  # a STATUS column found to hold something else (a marital status)
        section = ctx.table.section.unsur if ctx.table.section else None
        self.table_unsur = opts.unsur or section or ctx.titles.unsur
        self.default_unsur = settings.roster.default_unsur
        self.said: set[str] = set()  # sheet-level findings already given once

    def once(self, code: str, row: int | None, fld: str | None, value: object, msg: str) -> None:
        """A finding about the whole table, given on the first row it concerns only."""
        if code not in self.said:
            self.said.add(code)
            self.add(row, fld, value, level_of(code), code, msg)

    def nik_region_note(self, region: str) -> tuple[str, str, str] | None:
        """The finding a NIK's kecamatan digits give (unknown or historical code), once per distinct kecamatan."""
        status, old_name = wilayah.nik_region_status(region)
        if status == "unknown":
            msg = f"kode kecamatan NIK {wilayah.dotted(region)} tidak ditemukan di daftar Kemendagri"
            return "warning", "NIK_REGION_UNKNOWN", msg
        if status == "historical":
            return (
                "info",
                "NIK_REGION_HISTORICAL",
                f"kode kecamatan NIK {wilayah.dotted(region)} kode lama ({old_name})",
            )
        return None

    def place(self, key: tuple[str, str, str, str, str]) -> _Place:
        """The _Place of (unsur, kelurahan, kecamatan, kab/kota, the NIK's kecamatan digits or "" when not needed);
        the kab/kota (column, title line or --kabkota) narrows where the names are matched."""
        unsur, kel, kec, kab, region6 = key
        out, notes = self.regions.resolve(kel, kec, wilayah.dotted(region6) if region6 else "", kab)
        region = tuple(out[f] for f in REGION_FIELDS)
        cat = categories.get(unsur)
        young = add_years(self.as_of, -cat.min_age) if cat and cat.min_age else date.max
        old = add_years(self.as_of, -(cat.max_age + 1)) if cat and cat.max_age else date.min
        unknown = UNKNOWN_PLACE + self.ctx.digest[:16]
        findings = tuple(
            (col, {"kelurahan": kel, "kecamatan": kec}.get(col, kab), level_of(code), code, msg)
            for code, col, msg in notes
        )
        ambiguous = any(n[0] == "WILAYAH_AMBIGUOUS" for n in notes)
        return _Place(region, findings, roster_key(unsur, region, unknown), cat, young, old, ambiguous)

    def add(self, row: int | None, fld: str | None, value: object, level: str, code: str, msg: str) -> None:
        column = self.header.labels.get(fld) if fld else None
        shown = None if value is None else (nik_safe(value) if fld == "nik" else _text(value)[:200])
        shown = finding_value(fld, shown)  # no full NIK or phone in a report that goes back to the kelurahan
        self.report.problems.append(Problem(self.sheet.name, row, column or fld, shown, level, code, msg))  # type: ignore[arg-type]
        if level == "warning":
            self.n_warnings += 1

    def run(self, seen: dict[tuple[str, str], tuple[str, int]], progress: Callable[[int], None] | None) -> None:
        """Check the table's rows, in order: each is a person, or a row that is nobody (blank, JUMLAH, numbers,
        signature block), or a hidden row."""
        table, rows = self.ctx.table, self.sheet.rows
        width, nik_col = self.width, self.nik_col
        hidden = self.sheet.hidden_rows if not self.opts.include_hidden else ()
        read = self.row
        for i in range(table.start, table.end):
            row = rows[i]
            if progress and i % 2000 == 0:
                progress(2000)
            v = row[nik_col] if nik_col < len(row) else None
            if not (v.__class__ is str and len(v) == 16 and v.isdigit()):  # not the usual clean text NIK
                kind = classify(row, v, self.has_nik)
                if kind is not Kind.DATA and self.nobody(kind, row, i, i + 1):
                    break
                if kind is not Kind.DATA:
                    continue
            if i in hidden:
                self.hidden_row(row, i + 1)
                continue
            if len(row) < width:
                row.extend([""] * (width - len(row)))
            row.append("")  # what a field the sheet lacks reads (index `width`); the sheet's rows are freed after
            read(row, i + 1, seen)
        self.region_findings()

    def has_nik(self, cell: object) -> bool:
        try:
            nik.from_cell(cell)
        except nik.InvalidNik:
            return False
        return True

    def nobody(self, kind: Kind, row: list[object], i: int, excel_row: int) -> bool:
        """Report a row that is no person; True when it starts the signature block that ends the table."""
        first = _text(next((c for c in row if _text(c)), ""))
        if kind is Kind.TOTAL:
            self.add(excel_row, None, first, "info", "ROW_TOTAL_SKIPPED", "baris JUMLAH/TOTAL dilewati")
        if kind is not Kind.SIGNATURE:
            self.report.skipped += 1
            return False
        below = self.sheet.rows[i + 1 : self.ctx.table.end]
        if any(self.has_nik(r[self.nik_col]) for r in below if self.nik_col < len(r)):
            # Signature-like text with roster rows after it: skip this row, never the people below it.
            self.report.skipped += 1
            self.add(excel_row, None, first, "warning", "ROW_SKIPPED", "baris tanpa NIK mirip tanda tangan")
            return False
        rest = 1 + sum(1 for r in below if not is_blank(r))
        self.report.skipped += rest
        self.add(excel_row, None, first, "info", "SIGNATURE_BLOCK", f"blok tanda tangan: {rest} baris dilewati")
        return True

    def hidden_row(self, row: list[object], excel_row: int) -> None:
        """A row the office hid: offices hide people instead of deleting them, so it is not imported unless asked."""
        name = _text(row[self.header.columns["nama"]]) if self.header.columns.get("nama", 99999) < len(row) else ""
        self.report.skipped += 1
        self.add(
            excel_row, "nama", name, "warning", "ROW_HIDDEN",
            f"baris tersembunyi: {name or 'baris ini'} tidak diimpor (pakai --sertakan-tersembunyi untuk mengimpornya)",
        )  # fmt: skip

    def row(self, row: list[object], r: int, seen: dict[tuple[str, str], tuple[str, int]]) -> None:
        """Read one person's row through the named field readers below; accepted rows join `parsed.rows`."""
        c: _Cells = _new_row(_Cells, self.cells(row))
        warns_before = self.n_warnings
        self.report.rows_read += 1
        nama, alm = self.read_name(c.nama, r)
        number = self.read_nik(c.nik, r)
        tempat, birth, where = self.read_birth(c, r)
        decoded = self.decode(number, birth, where, r) if number else None
        unsur, jabatan = self.read_unsur(c, r)
        place = self.read_place(c, unsur, r, decoded)
        status, note = self.read_status(c.ket, alm, r, c.status)
        if decoded is not None:
            gender = self.read_gender(row, c.jk, decoded.sex, r)
            birth = birth or decoded.birth_date
            if (birth > place.young or birth <= place.old) and where is not _REJECTED:
                self.age_out_of_range(birth, place.cat, unsur, where, r)
        tmt = self.read_tmt(c.tmt, place.cat, unsur, r) if c.tmt != "" else None
        if decoded is None or not nama or where is _REJECTED:
            self.report.rejected += status != _HELD
        elif status == _HELD:
            self.report.skipped += 1
        elif self.first_in_file(decoded.number, unsur, r, seen):
            born = (birth or decoded.birth_date).isoformat()
            person = (
                nama, gender, tempat.title() if tempat.isupper() else (tempat or None), born,
                self.short_text(c.alamat), self.read_rt_rw(c, r), self.read_phone(c.no_hp, r),
                self.short_text(c.pendidikan), self.short_text(c.pekerjaan), self.read_no_kk(c.no_kk),
            )  # fmt: skip
            role = (*place.region, jabatan, self.short_text(c.no_sk), tmt.isoformat() if tmt else None, status)
            values = (self.sheet.name, r, decoded.number, unsur, person, role, place.key, note)
            self.accepted.append(_new_row(RosterRow, values))
        else:
            self.report.rejected += 1
        if self.n_warnings > warns_before:
            self.report.warnings += 1

    def short_text(self, value: object) -> str | None:
        return (self.short[value] if value.__class__ is str else _text(value)) or None

    def read_name(self, raw: Any, r: int) -> tuple[str, str | None]:
        """The name, and "Alm." written before it (the person has died)."""
        nama, alm = cells.name_and_alm(_text(raw))
        if not nama:
            self.add(r, "nama", "", "error", "NAME_MISSING", "nama kosong")
        return nama, alm

    def read_nik(self, raw: Any, r: int) -> str:
        if raw.__class__ is str and len(raw) == 16 and raw.isdigit() and raw.isascii():
            return raw  # the clean text NIK of almost every row
        try:
            number, note = nik.from_cell(raw, numeric_ok=self.numeric_ok)
        except nik.InvalidNik as e:
            self.add(r, "nik", raw, "error", e.code, e.message)
            return ""
        if note == "NIK_INVISIBLE_CHARS":
            self.add(r, "nik", raw, "warning", note, "NIK berisi karakter tak terlihat (spasi lebar-nol/NBSP); dihapus")
        elif note:
            self.add(r, "nik", raw, "warning", note, "NIK tersimpan sebagai angka; format kolom NIK sebagai Teks")
        return number

    def read_birth(self, c: _Cells, r: int) -> tuple[str, date | None, Any]:
        """Birth place and date, from their own columns or a "TEMPAT, TGL LAHIR" one; (place, date, where) with
        `where` = (field, raw cell, year when only a year was written) the date came from, or _REJECTED."""
        raw, fld = c.tgl_lahir, "tgl_lahir"
        tempat = self.short[c.tempat_lahir] if c.tempat_lahir.__class__ is str else _text(c.tempat_lahir)
        if self.has_ttl and c.ttl != "":
            t_place, t_date = split_ttl(c.ttl) if isinstance(c.ttl, str) else ("", c.ttl)
            tempat = tempat or t_place
            if raw == "":
                raw, fld = t_date, "ttl"
        if raw.__class__ is date:  # a real date cell: most rows
            birth: Any = raw
        else:
            birth = self.dates[raw] if raw.__class__ is str else dates.parse_date_cell(raw, as_of=self.as_of)
            if birth.__class__ is str:
                return tempat, None, self.unreadable_birth(fld, raw, birth, r)
        if birth is not None and (birth > self.as_of or birth.year < 1900):
            self.add(r, fld, raw, "error", "DATE_INVALID", f"tanggal lahir {birth.isoformat()} tidak mungkin")
            return tempat, None, _REJECTED
        return tempat, birth, (fld, raw, None)

    def unreadable_birth(self, fld: str, raw: Any, why: str, r: int) -> tuple[str, object, int | None]:
        """A birth date that is only a year, or not a date: a warning (the NIK gives the date)."""
        year = dates.year_only(raw)
        if year is not None:
            msg = f"tanggal lahir hanya tahun ({year}); tanggal lengkap diambil dari NIK"
            self.add(r, fld, raw, "warning", "DATE_YEAR_ONLY", msg)
        else:
            msg = f"tanggal lahir '{_text(raw)}' tidak terbaca ({why}); dipakai dari NIK"
            self.add(r, fld, raw, "warning", "DATE_UNREADABLE", msg)
        return fld, raw, year

    def decode(self, number: str, birth: date | None, where: Any, r: int) -> nik.Nik | None:
        """The NIK decoded, its region checked, and its birth date compared with the row's."""
        try:
            decoded = self.nik.decode(number, birth)
        except nik.InvalidNik as e:
            self.add(r, "nik", number, "error", e.code, e.message)
            return None
        region_note = self.nik_notes[decoded.region]
        if region_note is not None:
            self.add(r, "nik", number, *region_note)
        if where is _REJECTED or (birth is not None and birth == decoded.birth_date):
            return decoded
        fld, raw, year = where
        if birth is not None:
            msg = f"Tanggal lahir: NIK = {dates.format_id(decoded.birth_date)}, daftar = {dates.format_id(birth)}"
            self.add(r, fld, raw, "warning", "NIK_DOB_MISMATCH", msg)
        elif year is not None and year != decoded.birth_date.year:
            msg = f"Tanggal lahir: NIK = {dates.format_id(decoded.birth_date)}, daftar = tahun {year}"
            self.add(r, fld, raw, "warning", "NIK_DOB_MISMATCH", msg)
        elif year is None and _text(raw) == "":
            self.add(r, fld, "", "info", "BIRTHDATE_FROM_NIK", "tanggal lahir kosong; diambil dari NIK")
        return decoded

    def read_gender(self, row: list[object], raw: Any, nik_sex: str, r: int) -> str:
        """L/P from the gender column or the ticks under L | P, compared with the NIK's."""
        if self.jk_marks:
            gender, raw = cells.ticked(row, self.jk_marks)
            if gender is None and raw:
                msg = f"jenis kelamin: tanda ganda ({raw}); dipakai dari NIK ({nik_sex})"
                self.add(r, "jk", raw, "warning", "GENDER_UNKNOWN", msg)
        else:
            gender = self.genders[raw] if raw.__class__ is str else _gender(raw)
            if gender is None and _text(raw):
                msg = f"jenis kelamin '{_text(raw)}' tidak dikenal; dipakai dari NIK ({nik_sex})"
                self.add(r, "jk", raw, "warning", "GENDER_UNKNOWN", msg)
        if gender is None or gender == nik_sex:
            return nik_sex
        self.add(r, "jk", raw, "warning", "NIK_GENDER_MISMATCH", f"Jenis kelamin: NIK = {nik_sex}, daftar = {gender}")
        return gender

    def read_unsur(self, c: _Cells, r: int) -> tuple[str, str | None]:
        """Unsur: the row's own column, else --unsur, the section title, the title block, else the setting."""
        jabatan = self.short_text(c.jabatan)
        unsur = None
        if c.kategori != "":
            unsur, jabatan = self.read_kategori(c.kategori, jabatan, r)
        if unsur is None and self.table_unsur is None:
            msg = (
                f"berkas tidak menyebut unsur (tidak ada kolom UNSUR, judul, atau --unsur): dicatat "
                f"{self.default_unsur}; pakai --unsur bila bukan {self.default_unsur}"
            )
            self.once("UNSUR_MISSING", r, None, None, msg)
        return unsur or self.table_unsur or self.default_unsur, jabatan

    def read_kategori(self, raw: Any, jabatan: str | None, r: int) -> tuple[str | None, str | None]:
        """(unsur, jabatan) from a KATEGORI/UNSUR cell: an UNSUR column holding Ketua/Anggota is a jabatan column."""
        text = _text(raw)
        if not text:
            return None, jabatan
        unsur = categories.match(raw)
        if unsur is None and self.unsur_column and not jabatan:
            return None, text
        if unsur is None:
            self.add(
                r, "kategori", raw, "warning", "CATEGORY_UNKNOWN", f"unsur '{text}' tidak dikenal; dicatat UNKNOWN"
            )
            return "UNKNOWN", jabatan
        return unsur, jabatan

    def read_place(self, c: _Cells, unsur: str, r: int, decoded: nik.Nik | None) -> _Place:
        """Region of the role: the row's column, else --kelurahan/--kecamatan, else the title block; an ambiguous
        name settled by the NIK's kecamatan digits when they point at exactly one candidate (info finding)."""
        kel = self.short_text(c.kelurahan) or self.default_kel or ""
        kec = self.short_text(c.kecamatan) or self.default_kec or ""
        kab = self.short_text(c.kabkota) or self.default_kab or ""
        place: _Place = self.places[unsur, kel, kec, kab, ""]
        if place.ambiguous and decoded is not None:
            place = self.places[unsur, kel, kec, kab, decoded.region]
        if c.kode_wilayah != "" and (kode := self.short_text(c.kode_wilayah)):
            place = self.coded(unsur, kode, kel, place)
        for note in place.notes:  # said once per distinct name and message, with its rows (region_findings)
            self._region_rows.setdefault(note, []).append(r)
            self.n_warnings += note[2] == "warning"  # the row counts as warned, as with add()
        if not kel:
            msg = (
                "kelurahan tidak diketahui (tidak ada kolom KELURAHAN, judul, atau --kelurahan); "
                "--retire-missing tidak bisa dipakai untuk berkas ini"
            )
            self.once("KELURAHAN_UNKNOWN", r, "kelurahan", None, msg)
        return place

    def coded(self, unsur: str, kode: str, kel: str, named: _Place) -> _Place:
        """The _Place of a row with a KODE WILAYAH (psmctl's own roster export carries one): the code's kelurahan,
        kecamatan and codes; a code that names no current desa of the office's area leaves the names' answer."""
        key = (unsur, kode, kel, named.key)
        hit: _Place | None = self._coded.get(key)
        if hit is None:
            r, notes = wilayah.by_code(kode, self.regions.kabkota, kel)
            said = tuple((col, kode, level_of(code), code, msg) for code, col, msg in notes)
            if r is None:
                hit = named._replace(notes=(*said, *named.notes))
            else:
                parent = r.kode.rsplit(".", 1)[0]
                region = (r.nama, wilayah.name_of(parent), r.kode, parent)
                unknown = UNKNOWN_PLACE + self.ctx.digest[:16]
                hit = named._replace(region=region, notes=said, key=roster_key(unsur, region, unknown), ambiguous=False)
            self._coded[key] = hit
        return hit

    def region_findings(self) -> None:
        """The region findings of the table's rows: one per distinct name and message, at its first row, naming all
        its rows (a province roster of 100,000 rows has a few hundred, not one per row)."""
        for (fld, value, level, code, msg), rows in self._region_rows.items():
            self.add(rows[0], fld, value, level, code, for_rows(msg, rows))
            self.n_warnings -= level == "warning"  # counted per row already
        self._region_rows.clear()

    def read_status(self, raw: Any, alm: str | None, r: int, listed: Any = "") -> tuple[str, str | None]:
        """AKTIF, or BERHENTI (or held, --tahan-keterangan) when KETERANGAN or "Alm." says the person stopped, or
        when a STATUS column says BERHENTI; (status, note kept in the person's history)."""
        note = _text(raw) if raw != "" else ""
        word = alm or (cells.stop_word(note) if note else None)
        if word is None:
            if listed != "" and self.listed_status(listed, r) == "BERHENTI":
                return "BERHENTI", note or "BERHENTI (kolom STATUS)"
            return "AKTIF", note or None
        said = f"'{word}'" + (f" (KETERANGAN: {note})" if note and not alm else "")
        if self.opts.hold_stopped:
            msg = f"{said}: orang ini tidak diimpor (--tahan-keterangan); periksa lalu impor ulang tanpa opsi itu"
            self.add(r, "ket" if not alm else "nama", note or word, "warning", "STOP_WORD", msg)
            return _HELD, note
        msg = f"{said}: dicatat BERHENTI, tidak AKTIF (pakai --tahan-keterangan untuk tidak mengimpornya)"
        self.add(r, "ket" if not alm else "nama", note or word, "warning", "STOP_WORD", msg)
        return "BERHENTI", f"BERHENTI: {note or word}"

    def listed_status(self, raw: Any, r: int) -> str | None:
        """A STATUS column's AKTIF or BERHENTI (as psmctl's own export writes it; also NONAKTIF, TIDAK AKTIF or a
        stop word such as MENINGGAL); any other value (a marital status) means the column is not membership: said
        once, and the column is not read further."""
        text = self.short_text(raw)
        if not text or self.status_unread:
            return None
        word = " ".join(text.upper().split())
        if word == "AKTIF":
            return "AKTIF"
        if word in ("BERHENTI", "NONAKTIF", "NON AKTIF", "TIDAK AKTIF") or cells.stop_word(text):
            return "BERHENTI"
        self.status_unread = True
        label = self.header.labels.get("status", "STATUS")
        msg = f"kolom {label} berisi '{text}', bukan AKTIF/BERHENTI: kolom ini tidak dibaca"
        self.add(r, "status", text, "warning", "COLUMN_UNUSED", msg)
        return None

    def age_out_of_range(self, birth: date, cat: Any, unsur: str, where: Any, r: int) -> None:
        """Age limits per category (CAT-02) are warnings only."""
        age = age_on(birth, self.as_of)
        limits = f"{cat.min_age or '-'}–{cat.max_age or '-'}"
        self.add(r, where[0], where[1], "warning", "AGE_OUT_OF_RANGE", f"umur {age} di luar batas {unsur} ({limits})")

    def read_tmt(self, raw: Any, cat: Any, unsur: str, r: int) -> date | None:
        tmt: Any = self.dates[raw] if raw.__class__ is str else dates.parse_date_cell(raw, as_of=self.as_of)
        if tmt.__class__ is str:
            self.add(r, "tmt", raw, "warning", "DATE_INVALID", f"TMT tidak sah: {tmt}")
            return None
        if cat and cat.masa_tugas_tahun and tmt and age_on(tmt, self.as_of) >= cat.masa_tugas_tahun:
            msg = f"masa tugas {unsur} lebih dari {cat.masa_tugas_tahun} tahun — perlu perpanjangan SK"
            self.add(r, "tmt", raw, "warning", "MASA_TUGAS_LEWAT", msg)
        return tmt  # type: ignore[no-any-return]

    def read_phone(self, raw: Any, r: int) -> str | None:
        if raw.__class__ is str and raw[:1] == "0" and len(raw) >= self.phone_min and raw.isdigit() and raw.isascii():
            return raw  # already clean: 08xxxxxxxxxx
        if raw == "" or raw is None or (raw.__class__ is str and raw.isspace()):
            return None
        phone, plausible = normalise_phone(raw, self.phone_min)
        if not plausible:
            self.add(r, "no_hp", raw, "warning", "PHONE_INVALID", "nomor HP tidak wajar; disimpan seperti tertulis")
        return phone

    def read_rt_rw(self, c: _Cells, r: int) -> str | None:
        rt_rw = self.short_text(c.rt_rw)
        if c.rt_rw.__class__ is not str and isinstance(c.rt_rw, date):
            self.add(
                r, "rt_rw", c.rt_rw, "warning", "RT_RW_AS_DATE", "RT/RW terbaca sebagai tanggal oleh Excel; periksa"
            )
        if rt_rw is None and (c.rt != "" or c.rw != ""):
            rt, rw = _text(c.rt), _text(c.rw)
            if rt or rw:
                rt_rw = f"{rt.zfill(3) if rt.isdigit() else rt}/{rw.zfill(3) if rw.isdigit() else rw}"
        return rt_rw

    def read_no_kk(self, raw: Any) -> str | None:
        return (nik.compact(raw) or None) if raw != "" and _text(raw) else None

    def first_in_file(self, number: str, unsur: str, r: int, seen: dict[tuple[str, str], tuple[str, int]]) -> bool:
        """Whether this is the first row of its (NIK, unsur) in the file; a later one is an error naming the first."""
        key = (number, unsur)
        first = seen.get(key)
        if first is None:
            seen[key] = (self.sheet.name, r)
            return True
        sheet, first_row = first
        where = f"baris {first_row}" if sheet == self.sheet.name else f"lembar '{sheet}' baris {first_row}"
        self.add(r, "nik", number, "error", "NIK_DUPLICATE_IN_FILE", f"NIK ganda, lihat {where}")
        return False


class _Cells(NamedTuple):
    """The raw cells of one row, by field (`_FIELDS` order)."""

    nama: Any
    nik: Any
    tgl_lahir: Any
    tempat_lahir: Any
    ttl: Any
    jk: Any
    kategori: Any
    jabatan: Any
    no_hp: Any
    rt_rw: Any
    rt: Any
    rw: Any
    kelurahan: Any
    kecamatan: Any
    tmt: Any
    alamat: Any
    pendidikan: Any
    pekerjaan: Any
    no_kk: Any
    no_sk: Any
    ket: Any
    kabkota: Any
    kode_wilayah: Any
    status: Any


_REJECTED: Any = object()  # read_birth's `where` for a birth date that rejects the row
_HELD = "DITAHAN"  # read_status: a stopped person not imported (--tahan-keterangan)


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
    scan = settings.imports.header_scan_rows
    sheets = _chosen_sheets(path, read_tables(path, **limits(settings)), options)
    aliases = load_aliases("roster_headers.toml")
    manual = dict(options.kolom)
    found: list[tuple[SheetData, Header]] = []
    cover = Titles()  # what sheets without a table (a cover sheet) say: the default of the sheets after them
    covers: dict[str, Titles] = {}
    skipped_sheets: list[str] = []
    for t in sheets:
        header = find_header(t.rows, aliases, ["nama", "nik"], scan_rows=scan, manual=manual)
        if header is None:
            skipped_sheets.append(t.name)
            cover = read_titles(t.rows[:200]).under(cover)
        else:
            found.append((t, header))
            covers[t.name] = cover
    if not found:
        _no_table(path, sheets, scan)
    if not options.all_sheets and options.sheet is None and settings.imports.sheets == "first":
        found = found[:1]
    digest = sha256_of(path)
    results: list[ParsedSheet] = []
    seen_niks: dict[tuple[str, str], tuple[str, int]] = {}
    for t, header in found:
        titles = read_titles(t.rows[: header.row_index]).under(covers[t.name])
        parsed = ParsedSheet(SheetReport(file=path.name, sheet=t.name))
        tables = split_tables(t.rows, header, aliases, ["nama", "nik"], manual)
        parsed.report.problems += sheet_column_findings(t, tables, _READ)  # each column named once per sheet
        for table in tables:
            parser = _SheetParser(_Context(path.name, digest, t, table, titles), options, settings, as_of, parsed)
            parser.run(seen_niks, progress)
        results.append(parsed)
        t.rows = []  # the cells are no longer needed: free them before the next sheet and the plan
    for name in skipped_sheets:
        note = Problem(name, None, None, None, "info", "SHEET_SKIPPED", "lembar tanpa kolom NIK/NAMA dilewati")
        results[0].report.problems.append(note)
    return results


def _chosen_sheets(path: Path, sheets: list[SheetData], options: Options) -> list[SheetData]:
    if options.sheet is None:
        return sheets
    chosen = [t for t in sheets if t.name == options.sheet]
    if not chosen:
        names = ", ".join(f"'{t.name}'" for t in sheets)
        raise InputError(f"{path.name}: lembar '{options.sheet}' tidak ada; lembar yang ada: {names}")
    return chosen


def _no_table(path: Path, sheets: list[SheetData], scan: int) -> None:
    fullest = label_row(sheets[0].rows, scan) if sheets else None
    where = f"lembar '{sheets[0].name}'" if len(sheets) == 1 else f"{len(sheets)} lembar"
    seen = f"baris terlengkap: baris {fullest[0]}, {fullest[1]} sel terisi" if fullest else "tidak ada isi"
    raise InputError(
        f"{path.name}: kolom NIK/NAMA tidak ditemukan di {where} ({scan} baris pertama diperiksa; {seen}); "
        "periksa baris judul kolom (harus ada judul NIK dan NAMA)"
    )


@dataclass
class ImportResult(FileResult):
    """What importing one roster file did (or, with --dry-run, would do): the one import result, and the people on
    its rosters before who are missing from it."""

    missing: list[dict[str, Any]] = field(default_factory=list)
    retired: int = 0
    batch_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        changed = [{"sheet": s.sheet, **c} for s in self.sheets for c in s.details.get("changed_fields", ())]
        self.details = {"missing": self.missing, "retired": self.retired, "changed_fields": changed}
        return super().as_dict()


class _Plan(NamedTuple):
    """A roster file's writes, and the erased NIKs the admin takes back (their tombstones go when it is written)."""

    write: vdb.RosterWrite
    readmitted: list[str]


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
        result = ImportResult(file=path.name, sheets=[p.report for p in parsed])
        if retire_missing:
            _refuse_unknown_kelurahan(path, parsed)
        digest = sha256_of(path)

        def plan(db: Database) -> _Plan:
            readmitted = _refuse_erased(db, parsed, options.readmit)
            return _Plan(_plan(db, parsed, vdb.next_batch_id(db), retire_missing, result), readmitted)

        def write(db: Database, p: _Plan) -> bool:
            w = p.write
            if not (w.new_people or w.person_updates or w.new_roles or w.role_updates):
                return False  # nothing to keep: not even the batch row, so a re-import changes nothing
            made = vdb.create_batch(db, kind="roster", file_name=path.name, sha256=digest, created_at=now)
            assert made == w.batch_id, "batch id planned under the write lock"  # noqa: S101
            if p.readmitted:
                from psmctl.db import erasure

                erasure.lift_tombstones(db, p.readmitted)
            vdb.write_roster(db, w)
            result.batch_id = made
            return True

        commit(db, result, Stage(plan, write), dry_run=dry_run, strict=strict)
        return result


def _refuse_unknown_kelurahan(path: Path, parsed: list[ParsedSheet]) -> None:
    """--retire-missing retires the people of a kelurahan's roster who are not in the file: with no kelurahan
    known, it would retire people of whichever roster shared the key. Refused, naming what to do."""
    unknown = sorted({r.unsur for p in parsed for r in p.rows if r.roster_key.split("|", 1)[1][:1] == UNKNOWN_PLACE})
    if unknown:
        raise InputError(
            f"{path.name}: kelurahan daftar ini ({', '.join(unknown)}) tidak diketahui, jadi --retire-missing "
            "ditolak (bisa memberhentikan orang kelurahan lain); sebutkan --kelurahan lalu ulangi"
        )


def _refuse_erased(db: Database, parsed: list[ParsedSheet], readmit: frozenset[str]) -> list[str]:
    """Rows of people erased on request are refused (NIK_DIHAPUS), unless the admin re-admits that NIK; one
    look-up for the whole file. Returns the re-admitted NIKs: ordinary NIKs again once the file is written (their
    tombstones go then; nothing is written here)."""
    from psmctl.db import erasure

    erased = erasure.erased_among(db, {r.nik for p in parsed for r in p.rows})
    if not erased:
        return []
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
    return sorted(erased & readmit)


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
                if r.note:
                    w.changes.append((rec[0], None, "keterangan", None, r.note, batch_id, r.sheet, r.row, "KETERANGAN"))
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
    if r.note and (mine is None or changed):
        w.changes.append((vid, None, "keterangan", None, r.note, batch_id, r.sheet, r.row, "KETERANGAN"))
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

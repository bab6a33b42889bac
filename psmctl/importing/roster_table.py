"""One roster table read: which of its rows are people, and each person's fields, column by column.

A table's fields are read by the named field readers of `TableReader.read_people`, in order; each reads one
field for every person of the table at once, with the reader chosen once per table (a column the table lacks gives
every person the same default) and the pure part of a reading computed once per distinct cell value (a kelurahan
name, a typed date, a gender word, a NIK's kecamatan). A reader that finds a problem names it on the person's row;
the findings of the table are then put in row order, each row's in the readers' order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from itertools import compress, repeat
from operator import attrgetter
from typing import Any

from psmctl.importing import cells
from psmctl.importing.cells import PerValue, normalise_phone, split_ttl
from psmctl.importing.cells import gender as _gender
from psmctl.importing.cells import text as _text
from psmctl.importing.findings import level_of
from psmctl.importing.regions import Place, Regions, TablePlaces
from psmctl.importing.roster_types import (
    FIELDS,
    HELD,
    UNKNOWN_PLACE,
    Columns,
    Context,
    FirstRows,
    Options,
    ParsedSheet,
    Read,
    RosterRow,
)
from psmctl.importing.rows import (
    Kind,
    classify,
    continued_columns,
    is_blank,
    is_continuation,
    nobody_said,
    struck_rows,
)
from psmctl.models import Problem
from psmctl.rules import categories, dates, nik, wilayah
from psmctl.rules.months import age_on
from psmctl.rules.privacy import finding_value
from psmctl.rules.settings import Settings

REJECTED: Any = object()  # a birth date's `where` when the date rejects the row
_FIRST_BIRTH = date(1900, 1, 1)  # an earlier birth date is no person's
_new = tuple.__new__  # a NamedTuple from a tuple without the keyword-handling __new__ NamedTuple generates
_ROW_BITS = (1 << 32) - 1


def nik_safe(value: object) -> str:
    """A NIK cell as shown in a report: the value as typed (reports stay in the office; stderr masks)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_row_of = attrgetter("row")
_TEXTS = ("alamat", "pendidikan", "pekerjaan", "no_sk")  # the fields kept as their text
_TAKEN: list[Any] = []  # what a sheet holds in place of a row whose cells the table's columns took (never added to)


class TableReader:
    """Reads one table of a roster sheet: which rows are people, then each person's fields (`read_people`)."""

    def __init__(self, ctx: Context, opts: Options, settings: Settings, as_of: date, parsed: ParsedSheet):
        header = ctx.table.header
        self.sheet, self.header, self.opts, self.as_of, self.ctx = ctx.sheet, header, opts, as_of, ctx
        self.report = parsed.report  # one report per sheet, shared by its tables
        self.accepted = parsed.rows
        age_range = settings.nik.century_age_range
        self.nik = nik.Decoder(as_of, (int(age_range[0]), int(age_range[1])), wilayah.province_codes())
        self.numeric_ok = settings.nik.numeric_cell_not_zero
        self.phone_min = settings.imports.phone_min_digits
        self.phone_max = settings.imports.phone_max_digits
        self.regions = Regions(wilayah.office_scope(settings.wilayah.kode_kabkota, settings.wilayah.kode_provinsi))
        rows = ctx.sheet.rows[ctx.table.start : ctx.table.end]
        self.width = max([len(r) for r in rows] + [max(header.columns.values(), default=0) + 1])
        self.has = set(header.columns)  # the fields this table has a column for
        self.short = PerValue(_text)  # text of the few distinct values of columns such as KELURAHAN or JABATAN
        self.dates = PerValue(lambda v: dates.parse_date_cell(v, as_of=as_of))  # typed dates (text cells)
        self.genders = PerValue(_gender)
        self.iso = PerValue(date.isoformat)  # a birth date as stored, once per distinct date
        self.place_names = PerValue(lambda t: t.title() if t.isupper() else (t or None))  # birth places as kept
        self.nik_notes = PerValue(self.nik_region_note)
        titles = ctx.titles
        sec = ctx.table.section.places if ctx.table.section else {}  # "KELURAHAN X" over this table's people
        defaults = (opts.kelurahan or sec.get("kelurahan") or titles.get("kelurahan") or "",
                    opts.kecamatan or sec.get("kecamatan") or titles.get("kecamatan") or "",
                    opts.kabkota or titles.get("kabkota") or "")  # fmt: skip
        self.places = TablePlaces(self.regions, defaults, as_of, UNKNOWN_PLACE + ctx.digest[:16])
        section = ctx.table.section.unsur if ctx.table.section else None
        self.table_unsur = opts.unsur or section or ctx.titles.unsur
        # a title naming two unsur ("DAFTAR TKSK DAN PSM") gives the first: said when rows take it
        self.unsur_unclear = ctx.titles.unsurs if not (opts.unsur or section) and len(ctx.titles.unsurs) > 1 else ()
        self.default_unsur = settings.roster.default_unsur
        self.said: set[str] = set()  # sheet-level findings already given once
        self.warned: set[int] = set()  # the people's rows given a warning
        self.status_unread = False  # a STATUS column found to hold something else (a marital status)
        self.continued = continued_columns(header)  # where a person's second line of text may stand

    def add(self, row: int | None, fld: str | None, value: object, level: str, code: str, msg: str) -> None:
        column = self.header.labels.get(fld) if fld else None
        shown = None if value is None else (nik_safe(value) if fld == "nik" else _text(value)[:200])
        shown = finding_value(fld, shown)  # no full NIK or phone in a report that goes back to the kelurahan
        self.report.problems.append(Problem(self.sheet.name, row, column or fld, shown, level, code, msg))  # type: ignore[arg-type]
        if level == "warning" and row is not None:
            self.warned.add(row)

    def once(self, code: str, row: int | None, fld: str | None, value: object, msg: str) -> None:
        """A finding about the whole table, given on the first row it concerns only."""
        if code not in self.said:
            self.said.add(code)
            self.add(row, fld, value, level_of(code), code, msg)

    def run(self, seen: FirstRows, progress: Callable[[int], None] | None) -> None:
        """Read the table: its people join the sheet's accepted rows, its findings the sheet's report in row order."""
        problems = self.report.problems
        start = len(problems)
        people = self.people_rows(progress)
        self.warned = set()  # a hidden or skipped row's warning does not count a person's
        if people:
            self.read_people(people, seen)
        for rows, finding in self.places.findings():  # once per distinct region name, naming its rows
            self.add(rows[0], *finding)
            if finding[2] == "warning":
                self.warned.update(rows)
        for row in self.warned:  # a row the plan warns about again (roster._plan_known) is counted once
            self.report.warn(row)
        problems[start:] = sorted(problems[start:], key=_row_of)  # stable: each row's findings in reading order

    def people_rows(self, progress: Callable[[int], None] | None) -> list[int]:
        """The indexes of the rows that are people, in order; a row that is nobody (blank, JUMLAH, numbers,
        signature block) or hidden is counted and named here."""
        table, rows = self.ctx.table, self.sheet.rows
        width, nik_col = self.width, self.header.columns["nik"]
        hidden = self.sheet.hidden_rows if not self.opts.include_hidden else ()
        struck = struck_rows(self.sheet.struck, self.header) if not self.opts.include_hidden else ()
        people: list[int] = []
        last = -1  # the row a continuation row below joins: the last person's, or its last continuation's
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
                if last == i - 1 and people and is_continuation(row, self.continued):
                    self.join_continuation(people[-1], row, i + 1)
                    last = i
                    continue
            if i in hidden or i in struck:
                self.hidden_row(row, i + 1, struck=i in struck)
                continue
            if len(row) < width:
                row.extend([""] * (width - len(row)))  # every column's cell is there to read
            people.append(i)
            last = i
        return people

    def join_continuation(self, person: int, row: list[object], excel_row: int) -> None:
        """The second line of a person's ALAMAT or KETERANGAN typed as a row of its own: added to the person's
        cell above (so a "Meninggal" there still counts), and said."""
        above = self.sheet.rows[person]
        self.report.skipped += 1
        for c, v in enumerate(row):
            if v.__class__ is str and v.strip():
                before = above[c] if c < len(above) else ""
                above[c] = f"{_text(before)} {_text(v)}".strip()
                label = self.header.titles.get(c, "")
                msg = f"baris lanjutan: '{_text(v)[:60]}' digabung ke kolom {label} baris {person + 1}"
                self.add(excel_row, None, _text(v), "info", "ROW_CONTINUATION", msg)

    def has_nik(self, cell: object) -> bool:
        try:
            nik.from_cell(cell)
        except nik.InvalidNik:
            return False
        return True

    def nobody(self, kind: Kind, row: list[object], i: int, excel_row: int) -> bool:
        """Report a row that is no person; True when it starts the signature block that ends the table."""
        first = _text(next((c for c in row if _text(c)), ""))
        if said := nobody_said(kind, first):
            self.add(excel_row, None, first, "info", *said)
        if kind is not Kind.SIGNATURE:
            self.report.skipped += 1
            return False
        nik_col = self.header.columns["nik"]
        below = self.sheet.rows[i + 1 : self.ctx.table.end]
        if any(self.has_nik(r[nik_col]) for r in below if nik_col < len(r)):
            # Signature-like text with roster rows after it: skip this row, never the people below it.
            self.report.skipped += 1
            self.add(excel_row, None, first, "warning", "ROW_SKIPPED", "baris tanpa NIK mirip tanda tangan")
            return False
        rest = 1 + sum(1 for r in below if not is_blank(r))
        self.report.skipped += rest
        self.add(excel_row, None, first, "info", "SIGNATURE_BLOCK", f"blok tanda tangan: {rest} baris dilewati")
        return True

    def hidden_row(self, row: list[object], excel_row: int, *, struck: bool = False) -> None:
        """A row the office hid or struck through: offices hide or strike people out instead of deleting them, so
        it is not imported unless asked."""
        name = _text(row[self.header.columns["nama"]]) if self.header.columns.get("nama", 99999) < len(row) else ""
        self.report.skipped += 1
        code, how = ("ROW_STRUCK", "dicoret") if struck else ("ROW_HIDDEN", "tersembunyi")
        self.add(
            excel_row, "nama", name, "warning", code,
            f"baris {how}: {name or 'baris ini'} tidak diimpor (pakai --sertakan-tersembunyi untuk mengimpornya)",
        )  # fmt: skip

    def read_people(self, people: list[int], seen: FirstRows) -> None:
        """Each field of every person, by the named field readers in order; the people who pass join the sheet."""
        r = [i + 1 for i in people]  # rows as Excel shows them
        marks = self.header.marks.get("jk")  # gender as ticks under L | P: read from the rows before they go
        ticks = [cells.ticked(self.sheet.rows[i], marks) for i in people] if marks else None
        c = self.columns(people)
        if self.sheet.comments:
            c["ket"] = self.with_comments(c["ket"], people)
        self.report.rows_read += len(people)
        names, alms = self.read_names(c.pop("nama"), r)
        numbers = self.read_niks(c.pop("nik"), r)
        tempat, born, where = self.read_births(c, r)
        decoded = self.decode(numbers, born, where, r)
        del numbers
        unsur, jabatan = self.read_unsurs(c, r)
        place = self.read_places(c, unsur, decoded, r)
        status = self.read_statuses(c, alms, r)
        del alms
        gender = self.read_genders(ticks, c.pop("jk"), decoded, r)
        born = self.check_ages(born, where, decoded, place, unsur, r)
        tmt = self.read_tmts(c.pop("tmt"), place, unsur, r)
        keep = self.first_rows(names, decoded, where, status, unsur, r, seen)
        del where  # its raw cells go before the rows are built
        self.join(keep, c, r, Read(names, gender, tempat, born, decoded, unsur, jabatan, place, status, tmt))

    def join(self, keep: list[bool], c: Columns, r: list[int], p: Read) -> None:
        """The kept people's remaining fields (address, RT/RW, phone, ...), and their rows: each field read of the
        kept people only, and zipped into the register's tuples without a list of each field's kept values."""
        at = list(compress(r, keep))

        def kept(fld: str) -> list[Any]:
            return list(compress(c.pop(fld), keep))

        alamat, pendidikan, pekerjaan, no_sk = (self.texts(kept(f), fld=f) for f in _TEXTS)
        rt_rw = self.read_rt_rws(kept("rt_rw"), kept("rt"), kept("rw"), at)
        phone = self.read_phones(kept("no_hp"), at)
        no_kk = [self.read_no_kk(v) for v in kept("no_kk")] if "no_kk" in self.has else [None] * len(at)
        tempat = map(self.place_names.__getitem__, compress(p.tempat, keep))
        born = map(self.iso.__getitem__, compress(p.born, keep))
        names, gender = compress(p.names, keep), compress(p.gender, keep)
        person = zip(names, gender, tempat, born, alamat, rt_rw, phone, pendidikan, pekerjaan, no_kk, strict=True)
        tmt = (d.isoformat() if d else None for d in compress(p.tmt, keep))
        sheet = self.sheet.name
        self.accepted.extend(
            _new(RosterRow, (sheet, row, d.number, u, per, (*pl.region, jabatan, sk, day, st[0]), pl.key, st[1]))
            for row, d, u, per, pl, jabatan, sk, day, st in zip(
                at, compress(p.decoded, keep), compress(p.unsur, keep), person, compress(p.place, keep),
                compress(p.jabatan, keep), no_sk, tmt, compress(p.status, keep), strict=True,
            )
        )  # fmt: skip

    def columns(self, people: list[int]) -> Columns:
        """The table's people's cells by field; a field the table has no column for reads "" for everyone. The
        people's rows leave the sheet (each is replaced by one shared empty row): only the columns hold their cells,
        and a cell no column holds (the NO column, a column nobody reads) goes now."""
        cols, rows = self.header.columns, self.sheet.rows
        mine = [rows[i] for i in people]
        for i in people:
            rows[i] = _TAKEN
        empty = ("",) * len(mine)
        by_column = list(zip(*mine, strict=True))  # every row is `width` long (people_rows): one pass at C speed
        del mine
        return Columns((f, by_column[cols[f]] if f in cols else empty) for f in FIELDS)

    def with_comments(self, ket: Sequence[Any], people: list[int]) -> list[Any]:
        """KETERANGAN with the notes (comments) on each person's cells after it: "meninggal" written in a note is
        read as if written in the column (each note is also shown, importing.columns)."""
        notes: dict[int, list[str]] = {}
        for (r, _), note in sorted(self.sheet.comments.items()):
            notes.setdefault(r, []).append(note)
        return [" ".join([_text(v), *notes[i]]).strip() if i in notes else v for v, i in zip(ket, people, strict=True)]

    # The field readers, in reading order: each reads one field of every person of the table.

    def short_or_none(self, value: Any) -> str | None:
        return (self.short[value] if value.__class__ is str else _text(value)) or None

    def read_names(self, col: Sequence[Any], r: list[int]) -> tuple[list[str], list[str | None]]:
        """The names, and "Alm." written before or after one (the person has died)."""
        names = [_text(v) for v in col]
        alms: list[str | None] = [None] * len(names)
        for k in [k for k, nama in enumerate(names) if not nama or cells.may_name_alm(nama)]:
            names[k], alms[k] = cells.name_and_alm(names[k])
            if not names[k]:
                self.add(r[k], "nama", "", "error", "NAME_MISSING", "nama kosong")
        return names, alms

    def read_niks(self, col: Sequence[Any], r: list[int]) -> list[str]:
        """Each NIK as 16 digits, or "" when the cell holds none (an error)."""
        return [
            v if v.__class__ is str and len(v) == 16 and v.isdigit() and v.isascii() else self.read_nik(v, row)
            for v, row in zip(col, r, strict=True)
        ]

    def read_nik(self, raw: Any, r: int) -> str:
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

    def read_births(self, c: Columns, r: list[int]) -> tuple[list[str], list[date | None], list[Any]]:
        """Birth places and dates, from their own columns or a "TEMPAT, TGL LAHIR" one: (places, dates, where
        each date came from: (field, raw cell, year when only a year was written), or REJECTED)."""
        tempat = [self.short[v] if v.__class__ is str else _text(v) for v in c.pop("tempat_lahir")]
        raws: list[Any] = list(c.pop("tgl_lahir"))
        fields = ["tgl_lahir"] * len(raws)
        ttls = c.pop("ttl")
        if "ttl" in self.has:
            for k, ttl in enumerate(ttls):
                if ttl != "":
                    t_place, t_date = split_ttl(ttl) if isinstance(ttl, str) else ("", ttl)
                    tempat[k] = tempat[k] or t_place
                    if raws[k] == "":
                        raws[k], fields[k] = t_date, "ttl"
        born: list[Any] = [raw if raw.__class__ is date else self.birth_of(raw) for raw in raws]
        where: list[Any] = list(zip(fields, raws, repeat(None)))
        first, as_of = _FIRST_BIRTH, self.as_of
        # Only the rows whose cell is no possible date (a reason, or a date out of range) are looked at again: a
        # reading is a date, a reason (str) or None (birth_of gives a datetime cell's date).
        for k in [k for k, b in enumerate(born) if b is not None and not (b.__class__ is date and first <= b <= as_of)]:
            birth, raw, fld, row = born[k], raws[k], fields[k], r[k]
            if birth.__class__ is str:
                born[k], where[k] = None, self.unreadable_birth(fld, raw, birth, row)
            else:  # before 1900 or after the day of the import
                self.add(row, fld, raw, "error", "DATE_INVALID", f"tanggal lahir {birth.isoformat()} tidak mungkin")
                born[k], where[k] = None, REJECTED
        return tempat, born, where

    def birth_of(self, raw: Any) -> Any:
        return self.dates[raw] if raw.__class__ is str else dates.parse_date_cell(raw, as_of=self.as_of)

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

    def decode(
        self, numbers: list[str], born: list[date | None], where: list[Any], r: list[int]
    ) -> list[nik.Nik | None]:
        """Each NIK decoded, its kecamatan checked, and its birth date compared with the row's."""
        out: list[nik.Nik | None] = []
        decode, region_notes = self.nik.decode, self.nik_notes
        for number, birth, w, row in zip(numbers, born, where, r, strict=True):
            if not number:
                out.append(None)
                continue
            try:
                d = decode(number, birth)
            except nik.InvalidNik as e:
                self.add(row, "nik", number, "error", e.code, e.message)
                out.append(None)
                continue
            note = region_notes[d.region]
            if note is not None:
                self.add(row, "nik", number, *note)
            if birth != d.birth_date and w is not REJECTED:
                self.compare_birth(d, birth, w, row)
            out.append(d)
        return out

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

    def compare_birth(self, decoded: nik.Nik, birth: date | None, where: Any, r: int) -> None:
        fld, raw, year = where
        if birth is not None:
            msg = f"Tanggal lahir: NIK = {dates.format_id(decoded.birth_date)}, daftar = {dates.format_id(birth)}"
            self.add(r, fld, raw, "warning", "NIK_DOB_MISMATCH", msg)
        elif year is not None and year != decoded.birth_date.year:
            msg = f"Tanggal lahir: NIK = {dates.format_id(decoded.birth_date)}, daftar = tahun {year}"
            self.add(r, fld, raw, "warning", "NIK_DOB_MISMATCH", msg)
        elif year is None and _text(raw) == "":
            self.add(r, fld, "", "info", "BIRTHDATE_FROM_NIK", "tanggal lahir kosong; diambil dari NIK")

    def read_unsurs(self, c: Columns, r: list[int]) -> tuple[list[str], list[str | None]]:
        """Unsur: the row's own column, else --unsur, the section title, the title block, else the setting; and
        the jabatan (an UNSUR column holding Ketua/Anggota is a jabatan column)."""
        col, kategori = c.pop("jabatan"), c.pop("kategori")
        jabatan = self.texts(col, "jabatan")
        unsur: list[str | None] = [None] * len(r)
        if "kategori" in self.has:
            for k, v in enumerate(kategori):
                if v != "":
                    unsur[k], jabatan[k] = self.read_kategori(v, jabatan[k], r[k])
        if self.table_unsur is None and None in unsur:
            msg = (
                f"berkas tidak menyebut unsur (tidak ada kolom UNSUR, judul, atau --unsur): dicatat "
                f"{self.default_unsur}; pakai --unsur bila bukan {self.default_unsur}"
            )
            self.once("UNSUR_MISSING", r[unsur.index(None)], None, None, msg)
        elif self.unsur_unclear and None in unsur:
            msg = (
                f"judul menyebut lebih dari satu unsur ({', '.join(self.unsur_unclear)}) dan tidak ada kolom UNSUR: "
                f"dicatat {self.table_unsur}; pakai --unsur bila bukan {self.table_unsur}"
            )
            self.once("UNSUR_AMBIGUOUS", r[unsur.index(None)], None, None, msg)
        fallback = self.table_unsur or self.default_unsur
        return [u or fallback for u in unsur], jabatan

    def read_kategori(self, raw: Any, jabatan: str | None, r: int) -> tuple[str | None, str | None]:
        text = _text(raw)
        if not text:
            return None, jabatan
        unsur = categories.match(raw)
        if unsur is None and self.header.labels.get("kategori", "").upper().strip() == "UNSUR" and not jabatan:
            return None, text
        if unsur is None:
            self.add(
                r, "kategori", raw, "warning", "CATEGORY_UNKNOWN", f"unsur '{text}' tidak dikenal; dicatat UNKNOWN"
            )
            return "UNKNOWN", jabatan
        return unsur, jabatan

    def read_places(self, c: Columns, unsur: list[str], decoded: list[nik.Nik | None], r: list[int]) -> list[Place]:
        """Region of each role (regions.TablePlaces): the row's columns, else the options, else the title block."""
        short = self.short
        kel, kec, kab = (
            [short[v] if v.__class__ is str else _text(v) for v in c.pop(f)]
            for f in ("kelurahan", "kecamatan", "kabkota")
        )
        col = c.pop("kode_wilayah")
        codes = self.texts(col, "kode_wilayah") if "kode_wilayah" in self.has else None
        out = self.places.read((kel, kec, kab), unsur, decoded, r, codes)
        if not self.places.default_kel and "" in kel:
            msg = (
                "kelurahan tidak diketahui (tidak ada kolom KELURAHAN, judul, atau --kelurahan); "
                "--retire-missing tidak bisa dipakai untuk berkas ini"
            )
            self.once("KELURAHAN_UNKNOWN", r[kel.index("")], "kelurahan", None, msg)
        return out

    def read_statuses(self, c: Columns, alms: list[str | None], r: list[int]) -> list[tuple[str, str | None]]:
        """AKTIF, or BERHENTI (or held, --tahan-keterangan) when KETERANGAN or "Alm." says the person stopped, or
        a STATUS column says BERHENTI: (status, note kept in the person's history) of each."""
        ket, listed = c.pop("ket"), c.pop("status")
        if "ket" not in self.has and "status" not in self.has and not any(alms) and not self.sheet.comments:
            return [("AKTIF", None)] * len(r)
        return [self.read_status(*cells_of) for cells_of in zip(ket, alms, r, listed, strict=True)]

    def read_status(self, raw: Any, alm: str | None, r: int, listed: Any = "") -> tuple[str, str | None]:
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
            return HELD, note
        msg = f"{said}: dicatat BERHENTI, tidak AKTIF (pakai --tahan-keterangan untuk tidak mengimpornya)"
        self.add(r, "ket" if not alm else "nama", note or word, "warning", "STOP_WORD", msg)
        return "BERHENTI", f"BERHENTI: {note or word}"

    def listed_status(self, raw: Any, r: int) -> str | None:
        """A STATUS column's AKTIF or BERHENTI (cells.membership); any other value means the column is not
        membership: said once, and the column is not read further."""
        text = self.short_or_none(raw)
        if not text or self.status_unread:
            return None
        said = cells.membership(text)
        if said is None:
            self.status_unread = True
            label = self.header.labels.get("status", "STATUS")
            msg = f"kolom {label} berisi '{text}', bukan AKTIF/BERHENTI: kolom ini tidak dibaca"
            self.add(r, "status", text, "warning", "COLUMN_UNUSED", msg)
        return said

    def read_genders(
        self, ticks: list[tuple[str | None, str]] | None, col: Sequence[Any], decoded: list[nik.Nik | None],
        r: list[int],
    ) -> list[str | None]:  # fmt: skip
        """L/P of each person with a NIK, from the gender column or the ticks under L | P (`ticks`: as read from the
        rows, cells.ticked), compared with the NIK's."""
        if ticks is not None:
            read = ticks
        else:
            genders = self.genders
            read = [(genders[v] if v.__class__ is str else _gender(v), v) for v in col]
        return [
            None if d is None else d.sex if g == d.sex else self.gender_finding(g, raw, d.sex, row, ticks is not None)
            for (g, raw), d, row in zip(read, decoded, r, strict=True)
        ]

    def gender_finding(self, gender: str | None, raw: Any, nik_sex: str, r: int, ticks: bool) -> str:
        """A gender that is not the NIK's: unknown (the NIK's is used) or different (kept, with a warning)."""
        if gender is None and ticks and raw:
            msg = f"jenis kelamin: tanda ganda ({raw}); dipakai dari NIK ({nik_sex})"
            self.add(r, "jk", raw, "warning", "GENDER_UNKNOWN", msg)
        elif gender is None and not ticks and _text(raw):
            msg = f"jenis kelamin '{_text(raw)}' tidak dikenal; dipakai dari NIK ({nik_sex})"
            self.add(r, "jk", raw, "warning", "GENDER_UNKNOWN", msg)
        if gender is None:
            return nik_sex
        self.add(r, "jk", raw, "warning", "NIK_GENDER_MISMATCH", f"Jenis kelamin: NIK = {nik_sex}, daftar = {gender}")
        return gender

    def check_ages(
        self, born: list[date | None], where: list[Any], decoded: list[nik.Nik | None], place: list[Place],
        unsur: list[str], r: list[int],
    ) -> list[date | None]:  # fmt: skip
        """Each person's birth date (the NIK's when the file gives none); an age outside the category's limits
        (CAT-02) is a warning."""
        out: list[date | None] = []
        for birth, w, d, p, u, row in zip(born, where, decoded, place, unsur, r, strict=True):
            if d is None:
                out.append(None)
                continue
            birth = birth or d.birth_date
            if (birth > p.young or birth <= p.old) and w is not REJECTED:
                age = age_on(birth, self.as_of)
                limits = f"{p.cat.min_age or '-'}–{p.cat.max_age or '-'}"
                self.add(row, w[0], w[1], "warning", "AGE_OUT_OF_RANGE", f"umur {age} di luar batas {u} ({limits})")
            out.append(birth)
        return out

    def read_tmts(self, col: Sequence[Any], place: list[Place], unsur: list[str], r: list[int]) -> list[date | None]:
        """TMT (the start of the assignment) of each person; one past the category's term is a warning."""
        if "tmt" not in self.has:
            return [None] * len(r)
        return [
            self.read_tmt(v, p.cat, u, row) if v != "" else None
            for v, p, u, row in zip(col, place, unsur, r, strict=True)
        ]

    def read_tmt(self, raw: Any, cat: Any, unsur: str, r: int) -> date | None:
        tmt = self.birth_of(raw)
        if tmt.__class__ is str:
            self.add(r, "tmt", raw, "warning", "DATE_INVALID", f"TMT tidak sah: {tmt}")
            return None
        if cat and cat.masa_tugas_tahun and tmt and age_on(tmt, self.as_of) >= cat.masa_tugas_tahun:
            msg = f"masa tugas {unsur} lebih dari {cat.masa_tugas_tahun} tahun — perlu perpanjangan SK"
            self.add(r, "tmt", raw, "warning", "MASA_TUGAS_LEWAT", msg)
        return tmt  # type: ignore[no-any-return]

    def first_rows(
        self, names: list[str], decoded: list[nik.Nik | None], where: list[Any], status: list[tuple[str, str | None]],
        unsur: list[str], r: list[int], seen: FirstRows,
    ) -> list[bool]:  # fmt: skip
        """Whether each person passes every check: a name, a valid NIK, a possible birth date, not held, and the
        first row of their (NIK, unsur) in the file (a later one is an error naming the first)."""
        keep: list[bool] = []
        report, sheet = self.report, self.sheet.name
        base = seen.base(sheet)
        by_unsur = seen.by_unsur
        for nama, d, w, (st, _), u, row in zip(names, decoded, where, status, unsur, r, strict=True):
            if d is None or not nama or w is REJECTED:
                report.rejected += st != HELD
                keep.append(False)
            elif st == HELD:
                report.skipped += 1
                keep.append(False)
            elif (first := (by_unsur.get(u) or by_unsur.setdefault(u, {})).get(d.number)) is None:
                by_unsur[u][d.number] = row + base if base else row  # the row's own int on the first sheet
                keep.append(True)
            else:
                there_sheet, there_row = seen.sheets[first >> 32], first & _ROW_BITS
                there = f"baris {there_row}" if there_sheet == sheet else f"lembar '{there_sheet}' baris {there_row}"
                self.add(row, "nik", d.number, "error", "NIK_DUPLICATE_IN_FILE", f"NIK ganda, lihat {there}")
                report.rejected += 1
                keep.append(False)
        return keep

    def texts(self, col: Sequence[Any], fld: str) -> list[str | None]:
        """A plain text field of the kept people (None when empty, or when the table has no such column)."""
        if fld not in self.has:
            return [None] * len(col)
        short = self.short
        return [(short[v] if v.__class__ is str else _text(v)) or None for v in col]

    def read_rt_rws(self, rt_rw: list[Any], rt: list[Any], rw: list[Any], at: list[int]) -> list[str | None]:
        """RT/RW of each kept person, from one column or RT and RW apart; a date cell is a warning."""
        out: list[str | None] = [None] * len(at)
        if "rt_rw" in self.has:
            out = self.texts(rt_rw, "rt_rw")
            for j in [j for j, raw in enumerate(rt_rw) if raw.__class__ is not str and isinstance(raw, date)]:
                msg = "RT/RW terbaca sebagai tanggal oleh Excel; periksa"
                self.add(at[j], "rt_rw", rt_rw[j], "warning", "RT_RW_AS_DATE", msg)
        if "rt" not in self.has and "rw" not in self.has:
            return out  # every cell "": nothing more to read
        for j in [j for j, v in enumerate(out) if v is None and (rt[j] != "" or rw[j] != "")]:
            t, w = _text(rt[j]), _text(rw[j])
            if t or w:
                out[j] = f"{t.zfill(3) if t.isdigit() else t}/{w.zfill(3) if w.isdigit() else w}"
        return out

    def read_phones(self, col: list[Any], r: list[int]) -> list[str | None]:
        """Each phone as text starting with 0 (a number cell lost its 0; +62 becomes 0); an odd one is a warning. A
        clean one (08…, within the settings' digits) is kept as it is, without cells.normalise_phone's call."""
        least, most = self.phone_min, self.phone_max
        return [
            v if v.__class__ is str and v[:1] == "0" and least <= len(v) <= most and v.isdigit() and v.isascii()
            else self.read_phone(v, row)
            for v, row in zip(col, r, strict=True)
        ]  # fmt: skip

    def read_phone(self, raw: Any, r: int) -> str | None:
        if raw == "" or raw is None or cells.says_nothing(raw):  # blank, a dash alone, "tidak ada"
            return None
        phone, plausible = normalise_phone(raw, self.phone_min, self.phone_max)
        if not plausible:
            self.add(r, "no_hp", raw, "warning", "PHONE_INVALID", "nomor HP tidak wajar; disimpan seperti tertulis")
        return phone

    def read_no_kk(self, raw: Any) -> str | None:
        return None if raw == "" or cells.says_nothing(raw) else (nik.compact(raw) or None)

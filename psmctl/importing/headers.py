"""Finding a table's header row and mapping its columns to fields, by the words of each label (docs/rules.md).

A label is read as words: upper case, punctuation and text in parentheses dropped, letters typed apart joined
(``N I K``, ``N.I.K`` → NIK), common abbreviations spelled out (JNS → JENIS, TGL → TANGGAL, TMPT → TEMPAT,
NO → NOMOR, TELP → TELEPON …). Two labels with the same words in any order are the same label, so
``TEMPAT, TGL LAHIR`` = ``Tempat/Tgl. Lahir`` = ``TMPT/TGL LAHIR``. A label no alias names exactly is matched by
the longest aliases it contains; when those belong to two fields it is *ambiguous* and reported, never guessed.
Only a cell that reads as a label is matched so: one holding digits (an address, a date, a NIK) or more than six
words is data, and a row holding a person's values is never a second header row.
``--kolom "HEADER=field"`` maps a label by hand. A two-row header (``JENIS KELAMIN`` merged over ``L`` | ``P``)
gives *mark columns*: a tick under L or P is the value; a date field's label over ``TGL`` | ``BLN`` | ``THN`` gives
one date typed in three columns (`rows.join_date_parts`). The alias tables are data (``data/*_headers.toml``;
``common_headers.toml`` holds the fields every import shares).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from importlib import resources

_PARENS = re.compile(r"\(.*?\)")
_SPLIT = re.compile(r"[^0-9A-Z]+")
# Abbreviations offices write in headers, as the word they stand for.
_WORDS = {
    "NO": "NOMOR", "NMR": "NOMOR", "JNS": "JENIS", "JEN": "JENIS", "TGL": "TANGGAL", "TANGAL": "TANGGAL",
    "TMPT": "TEMPAT", "TMP": "TEMPAT", "TPT": "TEMPAT", "LHR": "LAHIR", "TELP": "TELEPON", "TLP": "TELEPON",
    "TELPON": "TELEPON", "KEL": "KELURAHAN", "KEC": "KECAMATAN", "KET": "KETERANGAN", "PEND": "PENDIDIKAN",
    "KELAMIN": "KELAMIN", "WHATSAPP": "WA", "HANDPHONE": "HP", "DAN": "", "ATAU": "", "YANG": "",
}  # fmt: skip
# Words that add nothing to what a column holds ("NIK SESUAI KTP", "NIK 16 DIGIT"), and an age written beside the
# birth date it follows from ("TTL / UMUR", "TGL LAHIR/USIA": the date reader drops "(35 th)").
_FILLER = {"SESUAI", "DIGIT", "16", "ANGKA", "LENGKAP", "WAJIB", "DIISI", "BARU", "UMUR", "USIA"}
# A label no alias names exactly is matched by the aliases inside it only when it reads as a label: no digits
# (an alias with digits names its label exactly) and at most this many words. Longer text is data ("JL. MAWAR 3
# RT 01 RW 02" is an address, not the RT/RW header; "nama suami ..." in a sentence names no field).
_MAX_LABEL_WORDS = 6


@lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """The words of a header label, abbreviations spelled out, in sorted order: its identity for matching."""
    s = _PARENS.sub(" ", text.upper().replace("&", " DAN "))
    raw = [w for w in _SPLIT.split(s) if w]
    joined: list[str] = []
    run = ""
    for w in raw:  # letters typed apart ("N I K", "L / P") are one word
        if len(w) == 1 and w.isalpha():
            run += w
            continue
        if run:
            joined.append(run)
            run = ""
        joined.append(w)
    if run:
        joined.append(run)
    out = [_WORDS.get(w, w) for w in joined]
    return tuple(sorted(w for w in out if w))


def norm_label(text: object) -> str:
    """A label or cell value as one key: 'No. KTP' → 'KTP NOMOR' (its words, sorted)."""
    if text is None:
        return ""
    return " ".join(words(str(text)))


@dataclass(frozen=True)
class Header:
    """Where a table's header is and which column holds which field (all 0-based)."""

    row_index: int
    columns: dict[str, int]
    labels: dict[str, str]
    data_start: int
    # A field given as ticks under one column per value: {"jk": {3: "L", 4: "P"}}.
    marks: dict[str, dict[int, str]] = field(default_factory=dict)
    # Labels of columns that could be two fields: (column, label, the fields).
    ambiguous: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)
    # Every column's label as the sheet shows it (both header rows joined), for naming unused columns.
    titles: dict[int, str] = field(default_factory=dict)
    # A date given in three columns (TANGGAL LAHIR over TGL | BLN | THN): field -> (day, month, year) columns. Its
    # entry in `columns` is the day column; `rows.join_date_parts` writes the whole date there.
    parts: dict[str, tuple[int, int, int]] = field(default_factory=dict)


@cache
def load_aliases(resource: str) -> dict[str, list[str]]:
    """An alias table (field = [labels]) from psmctl/data, after the fields every import shares."""
    own = _read("common_headers.toml") if resource != "common_headers.toml" else {}
    data = _read(resource)
    merged = {k: list(v) for k, v in data.items()}
    for k, v in own.items():
        merged.setdefault(k, [])
        merged[k] = merged[k] + [x for x in v if x not in merged[k]]
    return merged


def _read(resource: str) -> dict[str, list[str]]:
    data = tomllib.loads(resources.files("psmctl.data").joinpath(resource).read_text("utf-8"))
    return {str(k): [str(x) for x in v] for k, v in data["aliases"].items()}


@dataclass(frozen=True)
class Lookup:
    """Alias labels as word keys, and the hand mappings of one import (`--kolom`)."""

    exact: dict[tuple[str, ...], str]
    manual: dict[tuple[str, ...], str]
    glued: dict[str, str]  # aliases with their letters run together ("NOKTP"), as some offices type them

    def field_of(self, label: str) -> tuple[str | None, tuple[str, ...]]:
        """(field, ()) when the label names one field, (None, fields) when it could be several, (None, ())."""
        key = words(label)
        if not key:
            return None, ()
        if key in self.manual:
            return self.manual[key], ()
        hit = (
            self.exact.get(key)
            or self.exact.get(tuple(w for w in key if w not in _FILLER))
            or self.glued.get(_glue(label))
        )
        if hit:
            return hit, ()
        plain = tuple(w for w in key if w not in _FILLER)
        if any(ch.isdigit() for w in plain for ch in w) or len(plain) > _MAX_LABEL_WORDS:
            return None, ()  # data, not a label: an address, a date, a NIK, a sentence
        return self._contained(plain)

    def _contained(self, key: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
        have = set(key)
        best = 0
        fields: set[str] = set()
        for alias, fld in self.exact.items():
            # One-word aliases only match whole labels; a longer one must be at least half the label's words.
            if len(alias) < 2 or 2 * len(alias) < len(key) or not set(alias) <= have:
                continue
            if len(alias) > best:
                best, fields = len(alias), {fld}
            elif len(alias) == best:
                fields.add(fld)
        if not fields:  # "KELURAHAN/KECAMATAN": every word a one-word alias
            singles = [self.exact.get((w,)) for w in key if w not in _FILLER and w != "NOMOR"]
            if singles and all(singles):
                fields = {f for f in singles if f}
        if len(fields) == 1:
            return fields.pop(), ()
        return None, tuple(sorted(fields))


def make_lookup(aliases: Mapping[str, Sequence[str]], manual: Mapping[str, str] | None = None) -> Lookup:
    """The lookup of an alias table; `manual` maps header labels to fields by hand (`--kolom`)."""
    exact: dict[tuple[str, ...], str] = {}
    glued: dict[str, str] = {}
    for fld, labels in aliases.items():
        for label in labels:
            exact.setdefault(words(label), fld)
            glued.setdefault(_glue(label), fld)
    return Lookup(exact, {words(k): v for k, v in (manual or {}).items()}, glued)


def _glue(label: str) -> str:
    return "".join(_SPLIT.split(_PARENS.sub(" ", label.upper())))


def _text(cell: object) -> str:
    return " ".join(cell.split()) if isinstance(cell, str) else ""


@dataclass
class _Match:
    cols: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    marks: dict[str, dict[int, str]] = field(default_factory=dict)
    ambiguous: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)
    titles: dict[int, str] = field(default_factory=dict)
    parts: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    def claim(self, fld: str, c: int, label: str) -> None:
        if fld not in self.cols:
            self.cols[fld] = c
            self.labels[fld] = label


def _match_single(row: Sequence[object], lookup: Lookup) -> _Match:
    m = _Match()
    for c, cell in enumerate(row):
        label = _text(cell)
        if not label:
            continue
        m.titles[c] = label
        fld, maybe = lookup.field_of(label)
        if fld:
            m.claim(fld, c, label)
        elif maybe:
            m.ambiguous.append((c, label, maybe))
    return m


# A sub-header cell that is one value of its parent's field: JENIS KELAMIN over L | P.
_MARK_VALUES = {"jk": {"L": "L", "LK": "L", "LAKILAKI": "L", "P": "P", "PR": "P", "PEREMPUAN": "P", "W": "P"}}


# The sub-labels of a date typed in three columns (TANGGAL LAHIR over TGL | BLN | THN), as `words` spells them.
_DATE_PARTS = {
    "TANGGAL": 0, "HARI": 0, "HR": 0, "TG": 0, "DD": 0,
    "BULAN": 1, "BLN": 1, "BL": 1, "MM": 1,
    "TAHUN": 2, "THN": 2, "TH": 2, "YYYY": 2, "YY": 2,
}  # fmt: skip
# A parent that names more than a date gives its date part to this field: TTL over TEMPAT | TGL | BLN | THN.
_PARTS_OF = {"ttl": "tgl_lahir"}


def _part(label: str) -> int | None:
    w = words(label)
    return _DATE_PARTS.get(w[0]) if len(w) == 1 else None


def _parents(parent: Sequence[object], child: Sequence[object]) -> list[str]:
    """Each column's parent label; a date part's empty parent cell is the label to its left (a title not merged
    across its TGL | BLN | THN columns)."""
    width = max(len(parent), len(child))
    out = [_text(parent[c]) if c < len(parent) else "" for c in range(width)]
    for c in range(1, width):
        if (
            not out[c]
            and c < len(child)
            and _part(_text(child[c])) is not None
            and _part(_text(child[c - 1])) is not None
        ):
            out[c] = out[c - 1]
    return out


def _date_parts(parents: Sequence[str], child: Sequence[object], lookup: Lookup) -> dict[str, tuple[int, int, int]]:
    """Dates typed in three columns: a date field's label over a day, a month and a year column, side by side."""
    runs: dict[tuple[str, str], dict[int, int]] = {}
    for c, p in enumerate(parents):
        k = _text(child[c]) if c < len(child) else ""
        part = _part(k) if k and k != p else None
        if part is None or not p:
            continue
        fld = lookup.field_of(p)[0]
        if fld is not None:
            runs.setdefault((_PARTS_OF.get(fld, fld), p), {}).setdefault(part, c)
    return {fld: (got[0], got[1], got[2]) for (fld, _), got in runs.items() if len(got) == 3}


def _match_double(parent: Sequence[object], child: Sequence[object], lookup: Lookup) -> _Match:
    m = _Match()
    parents = _parents(parent, child)
    m.parts = _date_parts(parents, child, lookup)
    in_parts = {c for cols in m.parts.values() for c in cols}
    for dated, (day, _, _) in m.parts.items():
        m.cols[dated], m.labels[dated] = day, parents[day]
    for c in range(len(parents)):
        p = parents[c]
        k = _text(child[c]) if c < len(child) else ""
        if p or k:
            m.titles[c] = p if not k or k == p else (f"{p} {k}" if p else k)
        if c in in_parts:
            continue
        pfld, _ = lookup.field_of(p) if p else (None, ())
        value = _MARK_VALUES.get(pfld or "", {}).get("".join(words(k))) if k and k != p else None
        if pfld and value:
            m.marks.setdefault(pfld, {})[c] = value
            m.labels.setdefault(pfld, p)
            continue
        for label in (k, f"{p} {k}" if k and p and k != p else "", p):
            if not label:
                continue
            fld, maybe = lookup.field_of(label)
            if fld:
                m.claim(fld, c, label)
                break
            if maybe and label == k:
                m.ambiguous.append((c, label, maybe))
                break
    for fld, cols in list(m.marks.items()):  # a mark field is read from its ticks, not one column
        if len(set(cols.values())) < 2:
            del m.marks[fld]
        elif m.cols.get(fld) in cols:
            del m.cols[fld]
    return m


def is_number_row(row: Sequence[object]) -> bool:
    """The '1 2 3 4 …' row some offices put under the header."""
    values = [v for v in row if v not in ("", None)]
    if len(values) < 3:
        return False
    nums: list[float] = []
    for v in values:
        if isinstance(v, bool):
            return False
        if isinstance(v, int | float):
            nums.append(float(v))
            continue
        s = str(v).strip().strip("()")
        if not s.isdecimal():  # isdigit() also passes '²', which float() refuses
            return False
        nums.append(float(s))
    return nums == sorted(nums) and nums[0] <= 2 and all(b - a == 1 for a, b in zip(nums, nums[1:], strict=False))


def _is_value(cell: object) -> bool:
    """A cell only a person's row holds: a date, or six digits or more (NIK, birth date, phone number)."""
    if isinstance(cell, date):
        return True
    return isinstance(cell, str) and sum(ch.isdigit() for ch in cell) >= 6


def _is_sub_header(parent: Sequence[object], child: Sequence[object], lookup: Lookup) -> bool:
    """A second header row: it names fields itself, or holds only short labels under labelled columns. A row with
    a person's values in it (a NIK, a date, a phone number) is never one."""
    if any(_is_value(v) for v in child):
        return False
    if _match_single(child, lookup).cols:
        return True
    cells = [(c, _text(v)) for c, v in enumerate(child) if v not in ("", None)]
    if not cells:
        return False
    parents = _parents(parent, child)
    for c, t in cells:
        if not t or len(t) > 12 or any(ch.isdigit() for ch in t) or c >= len(parents) or not parents[c]:
            return False
    return True


def find_header(
    rows: Sequence[Sequence[object]],
    aliases: Mapping[str, Sequence[str]],
    required: Sequence[str],
    scan_rows: int = 20,
    *,
    start: int = 0,
    manual: Mapping[str, str] | None = None,
) -> Header | None:
    """The first row (or pair of rows) from `start` among the next `scan_rows` that holds every required field."""
    lookup = make_lookup(aliases, manual)
    for r in range(start, min(start + scan_rows, len(rows))):
        m = _match_single(rows[r], lookup)
        data = r + 1
        if m.cols and r + 1 < len(rows) and not is_number_row(rows[r + 1]):
            if _is_sub_header(rows[r], rows[r + 1], lookup):
                d = _match_double(rows[r], rows[r + 1], lookup)
                if (len(d.cols) + len(d.marks) >= len(m.cols) and set(d.cols) != set(m.cols)) or d.marks or d.parts:
                    m, data = d, r + 2
        if all(f in m.cols for f in required):
            while data < len(rows) and is_number_row(rows[data]):
                data += 1
            return Header(r, m.cols, m.labels, data, m.marks, m.ambiguous, m.titles, m.parts)
    return None


def is_header_like(row: Sequence[object], lookup: Lookup, required: Sequence[str]) -> bool:
    """Whether a row below a table's data is a header again (a repeated header, or the next table's)."""
    m = _match_single(row, lookup)
    return all(f in m.cols for f in required)


def label_row(rows: Sequence[Sequence[object]], scan_rows: int = 20) -> tuple[int, int] | None:
    """The most label-like row among the first `scan_rows` (1-based) and its number of text cells, or None.

    An error line says where the admin should look, never what the cells hold: without a header row the
    fullest row is a person's (NIK, name, address), and any file at all may be given as a roster."""
    best: tuple[int, int] | None = None
    for i, row in enumerate(rows[:scan_rows], start=1):
        n = sum(1 for c in row if _text(c))
        if n and (best is None or n > best[1]):
            best = (i, n)
    return best


# --- which kind of list a header describes ------------------------------------------------------------------------

# Each kind of list, its alias table and the fields only it has: a payment list names an iuran month and what was
# paid, a daftar hadir the hours or the result of a training, a roster the person (birth, sex, address, phone).
_KIND_TABLES = {"roster": "roster_headers.toml", "payments": "payments_headers.toml",
                "attendance": "attendance_headers.toml"}  # fmt: skip
_OWN = {
    "roster": frozenset({"ttl", "tempat_lahir", "tgl_lahir", "jk", "alamat", "rt_rw", "rt", "rw", "no_hp",
                         "pendidikan", "pekerjaan", "jabatan", "no_sk", "tmt", "no_kk"}),
    "payments": frozenset({"tanggal_bayar", "jkk", "jkm", "jht", "jkp", "jumlah", "sumber_dana", "upah", "segmen",
                           "program", "pks_no", "pks_mulai", "kelas_risiko"}),
    "attendance": frozenset({"jpl", "hasil", "certificate_no", "certificate_date", "valid_until"}),
}  # fmt: skip
# What each kind is called, and the command that imports it.
KIND_NAMES = {"roster": "daftar relawan", "payments": "daftar pembayaran iuran", "attendance": "daftar hadir"}
KIND_COMMANDS = {"roster": "psmctl import roster", "payments": "psmctl payments import",
                 "attendance": "psmctl attendance import ID_PELATIHAN"}  # fmt: skip


@cache
def _kind_lookups() -> dict[str, Lookup]:
    return {kind: make_lookup(load_aliases(table)) for kind, table in _KIND_TABLES.items()}


def list_kind(labels: Iterable[str]) -> tuple[str, tuple[str, ...]] | None:
    """Which kind of list (roster, payments, attendance) a table's header labels describe, with the labels that
    say so; None when they name no kind's own field, or more than one kind's (a roster with a STATUS column stays a
    roster). A payment list names an iuran month (BULAN, PERIODE) and a paid date or amount; a daftar hadir its JPL,
    result or certificate, or a KEHADIRAN column; a roster the person's birth, sex, address or phone."""
    said: dict[str, dict[str, str]] = {kind: {} for kind in _KIND_TABLES}  # kind -> its own field -> label
    for label in labels:
        for kind, lookup in _kind_lookups().items():
            fld = lookup.field_of(label)[0]
            if fld is None:
                continue
            if fld in _OWN[kind] or (kind, fld) == ("payments", "bulan"):
                said[kind].setdefault(fld, label)
            elif kind == "attendance" and fld == "status" and "HADIR" in _glue(label):
                said[kind].setdefault(fld, label)
    if "bulan" not in said["payments"] or len(said["payments"]) < 2:
        said["payments"] = {}  # a PERIODE alone is a term of office; an amount alone, a count
    kinds = [kind for kind, found in said.items() if found]
    if len(kinds) != 1:
        return None
    return kinds[0], tuple(said[kinds[0]].values())


def sheet_kind(rows: Sequence[Sequence[object]], scan_rows: int = 20) -> tuple[str, tuple[str, ...]] | None:
    """The kind of list (`list_kind`) the first row among the first `scan_rows` that names one describes."""
    for row in rows[:scan_rows]:
        found = list_kind([t for c in row if (t := _text(c))])
        if found is not None:
            return found
    return None


def wrong_list(file: str, kind: str, found: Sequence[str], wanted: str) -> str:
    """The one line refusing a file given to the import of another kind of list, naming the right command."""
    shown = ", ".join(found[:3])
    return (
        f"{file}: ini {KIND_NAMES[kind]} (kolom {shown}), bukan {KIND_NAMES[wanted]}; impor dengan "
        f"`{KIND_COMMANDS[kind]} {file}`"
    )

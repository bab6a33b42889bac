"""Kemendagri region codes (kode wilayah) and loose matching of region names (docs/rules.md).

Data: data/wilayah.csv (current codes down to desa/kelurahan) and data/kode_wilayah_sampai_kecamatan_historis.csv
(every provinsi/kab-kota/kecamatan code of the 2016-2025 editions), from the MIT-licensed cahyadsn/wilayah dataset
(licence beside the data; see data/README.md). A NIK prefix is checked against current ∪ historical codes (NIK-04);
roster regions resolve to current codes only (WIL-04).
"""

from __future__ import annotations

import csv
import itertools
import operator
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

from psmctl.errors import InputError


@dataclass(frozen=True, slots=True)
class Region:
    """One region of the official list."""

    kode: str  # dotted
    level: str
    nama: str


# Each region is one Region object in a process, whatever mix of scopes it asks for: a whole-country import holds
# 91,599 of them, each level one shared string, and no parsed copy of the files beside them.
_LEVELS = {lv: lv for lv in ("provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan")}
_CURRENT = "wilayah.csv"
_HISTORICAL = "kode_wilayah_sampai_kecamatan_historis.csv"


@cache
def _data(name: str) -> bytes:
    """A bundled CSV as bytes: half the memory of its text (one '’' in wilayah.csv makes the text 2 bytes a
    character); a block is decoded when read."""
    return resources.files("psmctl.data").joinpath(name).read_bytes()


def _regions(lines: Iterable[str], key: int) -> dict[str, Region]:
    """Rows (kode, kode_digits, level, nama, ...) as Regions, keyed by column `key` (0 dotted, 1 digits)."""
    return {row[key]: Region(row[0], _LEVELS.get(row[2], row[2]), row[3]) for row in csv.reader(lines)}


@cache
def current() -> dict[str, Region]:
    """Every current code, keyed by dotted code (91,599 rows: loaded only when a whole-country view is needed):
    the province blocks `_scoped` reads, their Region objects shared."""
    out: dict[str, Region] = {}
    for province in re.findall(rb"^(\d\d),", _data(_CURRENT), re.MULTILINE):
        out.update(_scoped(province.decode()))
    return out


@cache
def _scoped(prefix: str) -> dict[str, Region]:
    """Current codes starting with `prefix` (a province, kab/kota or kecamatan code); cheap, so imports never load
    all. A province is read from its block of the file; a narrower scope is taken from its province's regions."""
    if not prefix:
        return current()
    if len(prefix) > 2:
        inner = prefix + "."
        return {k: r for k, r in _scoped(prefix[:2]).items() if k == prefix or k.startswith(inner)}
    # The file is sorted by code, so a province is one block of lines: find its start, read to its end.
    data = _data(_CURRENT)
    heads = (f"{prefix},".encode(), f"{prefix}.".encode())
    starts = [i for i in (data.find(b"\n" + h) for h in heads) if i >= 0]
    if not starts:
        return {}
    begin = end = min(starts) + 1
    while end < len(data) and data.startswith(heads, end):  # line by line to the block's end, not the file's
        nl = data.find(b"\n", end)
        end = len(data) if nl < 0 else nl + 1
    return _regions(data[begin:end].decode("utf-8").splitlines(), 0)


@cache
def _historical() -> tuple[dict[str, Region], frozenset[str]]:
    """Every provinsi/kab-kota/kecamatan code ever listed 2016-2025 (current ones included), by digits; and the
    digits of the current kecamatan (the table carries them with masih_berlaku_2025 = 1)."""
    lines = _data(_HISTORICAL).decode("utf-8").splitlines()[1:]
    return _regions(lines, 1), frozenset(row[1] for row in csv.reader(lines) if row[6] == "1")


def historical() -> dict[str, Region]:
    """Every provinsi/kab-kota/kecamatan code ever listed 2016-2025 (current ones included), by digits."""
    return _historical()[0]


def _current_kecamatan() -> frozenset[str]:
    return _historical()[1]


def get(code: str) -> Region | None:
    """The current region of a dotted code, or None."""
    return _scoped(code.split(".")[0] if "." in code else code[:2]).get(code)


@cache
def province_codes() -> frozenset[str]:
    """Two-digit province codes, current or historical (NIK-03)."""
    return frozenset(k for k, r in historical().items() if r.level == "provinsi")


def dotted(digits: str) -> str:
    """'357101' → '35.71.01'; '3571011001' → '35.71.01.1001'."""
    parts = [digits[:2], digits[2:4], digits[4:6], digits[6:]]
    return ".".join(p for p in parts if p)


def nik_region_status(region6: str) -> tuple[str, str | None]:
    """('current', name) / ('historical', name) / ('unknown', None) for a NIK's 6-digit prefix (NIK-04)."""
    h = historical().get(region6)
    if h is not None and h.level == "kecamatan" and region6 in _current_kecamatan():
        return "current", h.nama
    if h is not None and h.level == "kecamatan":
        return "historical", h.nama
    return "unknown", None


def name_of(code: str) -> str:
    """Official name of a current code, or '' when unknown."""
    r = get(code)
    return r.nama if r else ""


_PREFIXES = {
    "desa_kelurahan": ("KELURAHAN", "KEL", "DESA", "DS"),
    "kecamatan": ("KECAMATAN", "KEC"),
}
_DROP = re.compile(r"[\s.,\-'’`]")


# One compiled pattern per level: the longest prefix first, so 'KEL.' never eats the start of 'KELURAHAN'; the
# prefix ends at a full stop, a colon ('Kelurahan: Jagalan', a label typed into the cell) or a space.
_LEADING = {
    level: re.compile(rf"^(?:{'|'.join(sorted(p, key=len, reverse=True))})(?:\s*[.:]\s*|\s+)(?=\S)")
    for level, p in _PREFIXES.items()
}


def norm_name(text: str, level: str) -> str:
    """WIL-06 normal form: NFKC, upper case, a level prefix removed only as a whole word, punctuation removed."""
    s = unicodedata.normalize("NFKC", str(text)).upper().strip()
    lead = _LEADING.get(level)
    if lead is not None:
        s = lead.sub("", s, count=1)
    return _DROP.sub("", s)


def kabkota_code(text: str) -> str:
    """Resolve '35.71', '3571' or 'Kota Kediri' to a current kab/kota code; InputError when not exactly one."""
    t = text.strip()
    digits = t.replace(".", "")
    if digits.isdigit() and len(digits) == 4:
        code = dotted(digits)
        r = get(code)
        if r and r.level == "kabupaten_kota":
            return code
        raise InputError(f"kode kab/kota {t} tidak ada dalam daftar Kemendagri")
    want = _kabkota_norm(t)
    hits = [r.kode for r in current().values() if r.level == "kabupaten_kota" and _kabkota_norm(r.nama) == want]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise InputError(f"kab/kota '{t}' tidak ditemukan; pakai kode, mis. 35.71")
    raise InputError(f"kab/kota '{t}' ambigu ({', '.join(hits)}); pakai kode")


def provinsi_code(text: str) -> str:
    """Resolve '36' or 'Banten' to a current province code; InputError when not exactly one."""
    t = text.strip()
    if t.isdigit() and len(t) == 2:
        r = get(t)
        if r and r.level == "provinsi":
            return t
        raise InputError(f"kode provinsi {t} tidak ada dalam daftar Kemendagri")
    want = _kabkota_norm(re.sub(r"^(?:PROVINSI|PROV)\b\.?\s*", "", t.upper()))
    hits = [r.kode for r in current().values() if r.level == "provinsi" and _kabkota_norm(r.nama) == want]
    if len(hits) == 1:
        return hits[0]
    raise InputError(f"provinsi '{t}' tidak ditemukan; pakai kode, mis. 36")


def office_scope(kode_kabkota: str, kode_provinsi: str) -> str:
    """Where roster names are matched (WIL-07): the office's kab/kota, else its province, else the country."""
    return kode_kabkota or kode_provinsi


@cache
def kabkota_label(kode: str | None) -> str:
    """'36.01.05' → '36.01 Kabupaten Pandeglang', the kab/kota a report groups by; '' for an unresolved region."""
    code = kabkota_of(kode)
    return f"{code} {name_of(code)}".strip() if code else ""


def _kabkota_short(kode: str | None) -> str:
    """'36.02.19' → 'Kab. Lebak', '36.72.01.1001' → 'Kota Cilegon': the kab/kota a label adds."""
    return name_of(kabkota_of(kode)).replace("Kabupaten ", "Kab. ")


def kecamatan_labels(pairs: Collection[tuple[str, str | None]]) -> dict[tuple[str, str | None], str]:
    """(kecamatan name, kode kecamatan) → the name a report shows, one per code: a name that several kab/kota share
    gets its kab/kota ('Cibeber (Kab. Lebak)', 'Cibeber (Kota Cilegon)'); every other name (and a name without a
    code) stays as it is.

    A province register may hold two kecamatan of one name; grouping by name alone would add them together.
    """
    codes: dict[str, set[str]] = {}
    for name, kode in pairs:
        if kode:
            codes.setdefault(name, set()).add(kabkota_of(kode))
    out: dict[tuple[str, str | None], str] = {}
    for name, kode in pairs:
        if kode and len(codes[name]) > 1:
            out[(name, kode)] = f"{name} ({_kabkota_short(kode)})"
        else:
            out[(name, kode)] = name
    return out


@cache
def _desa_qualifiers(kode: str) -> tuple[str, str, str]:
    """What a kelurahan label may add to the name of desa `kode`, widest last: its kecamatan ('Kec. Cibeber'), its
    kab/kota ('Kab. Lebak') and, for two desa of one name in one kecamatan, its code."""
    kec = name_of(kode[:8])
    return (f"Kec. {kec}" if kec else kode, _kabkota_short(kode), kode)


# Which qualifiers a label tries, in turn: the kecamatan; with the kab/kota when the kecamatan names collide too
# (Cibeber of Kec. Cibeber, in Kab. Lebak and in Kota Cilegon); with the code when one kecamatan has the name twice.
_LABEL_PARTS = ((0,), (0, 1), (0, 2))


def _kelurahan_label(name: str, kode: str, shared: Collection[str]) -> str:
    """'Sukamaju (Kec. Kibin)': the name with the fewest qualifiers that tell `kode` from the other `shared` codes."""
    mine = _desa_qualifiers(kode)
    others = [_desa_qualifiers(k) for k in shared if k != kode]
    for parts in _LABEL_PARTS:
        if all(any(o[i] != mine[i] for i in parts) for o in others):
            break
    return f"{name} ({', '.join(mine[i] for i in parts)})"


def kelurahan_labels(pairs: Collection[tuple[str, str | None]]) -> dict[tuple[str, str | None], str]:
    """(kelurahan name, kode wilayah) → the name a report shows, one per code (WIL-12): a name two or more codes share
    gets its kecamatan ('Sukamaju (Kec. Kibin)', 'Sukamaju (Kec. Cikeusal)'), and its kab/kota as well when the
    kecamatan names collide too ('Cibeber (Kec. Cibeber, Kab. Lebak)'); every other name (and a name without a
    code) stays as it is.

    A province has many desa of one name (Banten has four Sukamaju); the name alone does not say which one.
    """
    codes: dict[str, set[str]] = {}
    for name, kode in pairs:
        if kode:
            codes.setdefault(name, set()).add(kode)
    out: dict[tuple[str, str | None], str] = {}
    for name, kode in pairs:
        shared = codes.get(name, ()) if kode else ()
        out[(name, kode)] = _kelurahan_label(name, kode, shared) if kode and len(shared) > 1 else name
    return out


class RegionLabels(NamedTuple):
    """The names reports show for the kecamatan and the kelurahan of one set of roles; only changed ones."""

    kecamatan: dict[tuple[str | None, str | None], str]  # (kecamatan, kode_kecamatan) → label
    kelurahan: dict[tuple[str | None, str | None], str]  # (kelurahan, kode_wilayah) → label


Pair = tuple[str | None, str | None]  # (name, code) of a kecamatan or a kelurahan, as a role stores them


def region_labels(kecamatan: Collection[Pair], kelurahan: Collection[Pair]) -> RegionLabels:
    """The distinct (kecamatan, kode_kecamatan) and (kelurahan, kode_wilayah) of a report's roles → the labels of
    the names that need one (`kecamatan_labels`, `kelurahan_labels`), keyed as given; a name no other code shares
    (and a missing one) is absent."""
    kec = kecamatan_labels({(name or "", kode) for name, kode in kecamatan})
    kel = kelurahan_labels({(name or "", kode) for name, kode in kelurahan})
    return RegionLabels(
        {(n, k): v for n, k in kecamatan if (v := kec[(n or "", k)]) != (n or "")},
        {(n, k): v for n, k in kelurahan if (v := kel[(n or "", k)]) != (n or "")},
    )


# The role fields a label is made of, read in C: a report may hold 100,000 roles, and this runs for each.
_KECAMATAN = operator.itemgetter("kecamatan", "kode_kecamatan")
_KELURAHAN = operator.itemgetter("kelurahan", "kode_wilayah")


def by_region_code(roles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Roles as a report groups and shows them by kecamatan and kelurahan: by code, so a name two places of the
    register share is two groups, each labelled (`region_labels`). Only the roles of such a name are copied, with
    the labelled names; the list itself when no name repeats."""
    kec_keys, kel_keys = list(map(_KECAMATAN, roles)), list(map(_KELURAHAN, roles))
    kec, kel = region_labels(set(kec_keys), set(kel_keys))
    if not kec and not kel:
        return roles
    out = list(roles)
    for field, keys, labels in (("kelurahan", kel_keys, kel), ("kecamatan", kec_keys, kec)):
        if not labels:
            continue
        found = list(map(labels.get, keys))  # a label (never empty) or None per role
        for i in itertools.compress(range(len(found)), found):
            if out[i] is roles[i]:
                out[i] = {**roles[i], field: found[i]}
            else:  # already a copy: its kelurahan was labelled
                out[i][field] = found[i]
    return out


def desa_code(text: str) -> str | None:
    """'3571011001' or '35.71.01.1001' → '35.71.01.1001' (a desa/kelurahan code's shape, listed or not); else None."""
    digits = text.strip().replace(".", "")
    return dotted(digits) if len(digits) == 10 and digits.isdigit() else None


_LABEL = re.compile(r"^(?P<name>.*?\S)\s*\((?P<parts>[^()]+)\)$")


def parse_label(text: str) -> tuple[str, tuple[str, ...]] | None:
    """'Sukamaju (Kec. Kibin)' → ('Sukamaju', ('Kec. Kibin',)): a label `kelurahan_labels` gives, split into the
    name and its qualifiers; None when the text has no '(...)' at its end."""
    m = _LABEL.match(text.strip())
    if m is None:
        return None
    return m["name"], tuple(p.strip() for p in m["parts"].split(","))


def label_fits(parts: Iterable[str], kode: str) -> bool:
    """Whether every qualifier of a label names desa `kode`: its kecamatan ('Kec. Kibin', 'Kibin'), its kab/kota
    ('Kab. Lebak', 'Kota Cilegon') or its code."""
    kec = norm_name(name_of(kode[:8]), "kecamatan")
    kab = _kabkota_norm(name_of(kabkota_of(kode)))
    for part in parts:
        code = desa_code(part)
        if code is not None:
            if code != kode:
                return False
        elif norm_name(part, "kecamatan") != kec and _kabkota_norm(part) != kab:
            return False
    return True


def kabkota_of(kode: str | None) -> str:
    """'36.01.05' or '36.01.05.2001' → '36.01'; '' when no code."""
    return kode[:5] if kode and len(kode) >= 5 else ""


def _kabkota_norm(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).upper().strip()
    s = re.sub(r"^(?:KABUPATEN|KAB)\b\.?\s*", "KABUPATEN ", s)
    return _DROP.sub("", s)


@cache
def _names(area: str, level: str) -> dict[str, tuple[Region, ...]]:
    """Normalised name → regions of a level in one province (`area` = 2 digits) or the whole country (`area` = "").

    Built once per process and area from one block of the sorted file; every narrower scope (kab/kota,
    kecamatan) is answered from it by code prefix, so a province roster of 600 kecamatan reads the file once.
    """
    idx: dict[str, list[Region]] = {}
    for r in _scoped(area).values():
        if r.level == level:
            idx.setdefault(norm_name(r.nama, level), []).append(r)
    return {k: tuple(v) for k, v in idx.items()}


def _in_scope(name: str, level: str, scope: str) -> list[Region]:
    hits = _names(scope[:2], level).get(name, ())
    if len(scope) <= 2:
        return list(hits)
    prefix = scope + "."
    return [r for r in hits if r.kode.startswith(prefix)]


def find(text: str, level: str, scope: str = "") -> list[Region]:
    """Candidates for a loosely written name inside `scope` (WIL-07/08); a code is accepted as well.

    `scope` is a province, kab/kota or kecamatan code, or "" for the whole country.
    """
    t = str(text).strip()
    digits = t.replace(".", "")
    if digits.isdigit() and len(digits) in (6, 10):
        r = get(dotted(digits))
        return [r] if r and r.level == level else []
    hits = _in_scope(norm_name(t, level), level, scope)
    if len(hits) > 1:
        # On a tie prefer the candidate whose un-stripped form matches (official names that start with 'Desa').
        exact = [r for r in hits if _DROP.sub("", r.nama.upper()) == _DROP.sub("", t.upper())]
        if len(exact) == 1:
            return exact
    return hits


def suggest(text: str, level: str, scope: str = "", n: int = 3) -> list[str]:
    """Closest official names, for a message only: never applied automatically (WIL-08)."""
    import difflib

    prefix = scope + "." if len(scope) > 2 else scope
    names = {r.nama for rs in _names(scope[:2], level).values() for r in rs if r.kode.startswith(prefix)}
    return difflib.get_close_matches(str(text).title(), sorted(names), n=n, cutoff=0.6)


# --------------------------------------------------------------------------------------------------------
# A roster's kab/kota (its KAB/KOTA column or a title line "KABUPATEN PANDEGLANG") narrows where names are matched.

_KAB_WORDS = re.compile(r"^(?:KABUPATEN|KAB|KOTA)\b\.?\s*")
Note = tuple[str, str, str]  # (finding code, column, message), as the roster import reports it


@cache
def _kabkota_names(area: str) -> dict[str, tuple[Region, ...]]:
    """Kab/kota of a province (`area` = 2 digits) or the country (""), by normalised written form: the full name
    ('KABUPATENPANDEGLANG', 'KOTASERANG') and the bare one ('PANDEGLANG'; 'SERANG' names two)."""
    idx: dict[str, list[Region]] = {}
    for r in _scoped(area).values():
        if r.level == "kabupaten_kota":
            full = _kabkota_norm(r.nama)
            bare = _DROP.sub("", _KAB_WORDS.sub("", unicodedata.normalize("NFKC", r.nama).upper()))
            for key in dict.fromkeys((full, bare)):
                idx.setdefault(key, []).append(r)
    return {k: tuple(v) for k, v in idx.items()}


def find_kabkota(text: str, area: str = "") -> list[Region]:
    """Kab/kota candidates for a written name or code inside a province (`area`) or the country: 'KABUPATEN
    PANDEGLANG', 'Kab. Pandeglang', 'PANDEGLANG', 'KOTA SERANG', '36.01'. A bare name shared by a kabupaten and a
    kota ('SERANG') gives both."""
    t = str(text).strip()
    digits = t.replace(".", "")
    if digits.isdigit() and len(digits) == 4:
        r = get(dotted(digits))
        return [r] if r and r.level == "kabupaten_kota" and r.kode.startswith(area) else []
    names = _kabkota_names(area[:2])
    hits = names.get(_kabkota_norm(t))
    if hits is None:
        hits = names.get(_DROP.sub("", _KAB_WORDS.sub("", unicodedata.normalize("NFKC", t).upper())), ())
    return list(hits)


@cache
def by_code(text: str, scope: str, kelurahan: str) -> tuple[Region | None, tuple[Note, ...]]:
    """A roster row's KODE WILAYAH cell ('36.01.01.2006' or its 10 digits): the current desa/kelurahan it names
    inside the office's `scope`, or None with a note (not a current desa code, or outside the office's area; the
    names are matched instead). A written kelurahan the code does not name is a note too; the code wins."""
    t = str(text).strip()
    code = desa_code(t)
    r = get(code) if code else None
    if r is None or r.level != "desa_kelurahan":
        msg = f"kode wilayah '{t}' bukan kode desa/kelurahan yang berlaku; dipakai nama kelurahan/kecamatan"
        return None, (("WILAYAH_UNKNOWN", "kode_wilayah", msg),)
    if not r.kode.startswith(scope):
        msg = f"kode wilayah '{t}' di luar wilayah kantor ({scope} {name_of(scope)}); dipakai nama kelurahan/kecamatan"
        return None, (("WILAYAH_UNKNOWN", "kode_wilayah", msg),)
    if kelurahan and norm_name(kelurahan, "desa_kelurahan") != norm_name(r.nama, "desa_kelurahan"):
        msg = f"kode wilayah {r.kode} adalah {r.nama}, bukan '{kelurahan}'; dipakai kode"
        return r, (("WILAYAH_KODE_MISMATCH", "kode_wilayah", msg),)
    return r, ()


@cache
def row_scope(kabkota: str, scope: str) -> tuple[str, tuple[Note, ...]]:
    """Where a roster row's region names are matched: the kab/kota it names (its KAB/KOTA column or the title
    line), when that is one kab/kota inside the office's `scope` (a province, a kab/kota or "" for the country);
    else the office's scope, with a note saying why (ambiguous, outside the office's area, or unknown).

    Inside one kab/kota a kecamatan or kelurahan name two kab/kota of a province share is no longer ambiguous.
    """
    if not kabkota:
        return scope, ()
    hits = find_kabkota(kabkota, scope[:2])
    inside = [r for r in hits if r.kode == scope or r.kode.startswith(scope)]
    if len(inside) == 1:
        return inside[0].kode, ()
    if inside:
        codes = ", ".join(f"{r.kode} {r.nama}" for r in inside)
        return scope, (("WILAYAH_AMBIGUOUS", "kabkota", f"kab/kota '{kabkota}' ambigu: {codes}"),)
    here = f"{scope} {name_of(scope)}" if scope else "daftar resmi"
    if hits or find_kabkota(kabkota):
        msg = f"kab/kota '{kabkota}' di luar wilayah kantor ({here}); nama wilayah dicocokkan di {here}"
    else:
        msg = f"kab/kota '{kabkota}' tidak ada di daftar resmi; nama wilayah dicocokkan di {here}"
    return scope, (("WILAYAH_UNKNOWN", "kabkota", msg),)

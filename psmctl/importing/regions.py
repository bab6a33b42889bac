"""Kelurahan, kecamatan and kab/kota names as rosters write them, resolved to current codes (WIL-06..11); the
region of each row of a roster table (`TablePlaces`), and the roster key a role is filed under.

A table's region findings are given once per distinct name and message, on its first row and naming all its rows
(a province roster of 100,000 rows has a few hundred, not one per row).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date
from itertools import repeat
from typing import NamedTuple

from psmctl.importing import titles
from psmctl.importing.cells import PerValue
from psmctl.importing.findings import for_rows, level_of
from psmctl.rules import categories, nik, wilayah
from psmctl.rules.months import add_years

REGION_FIELDS = ("kelurahan", "kecamatan", "kode_wilayah", "kode_kecamatan")
Finding = tuple[str, object, str, str, str]  # (field, value, level, code, message)


_IN_BRACKETS = re.compile(r"^(.+?)\s*[(\[]\s*(?:KEC(?:AMATAN)?\.?\s*)?([^()\[\]]+?)\s*[)\]]$", re.IGNORECASE)
_AFTER = re.compile(r"^(.+?)\s*(?:,|\s-\s|/)\s*(?:KEC(?:AMATAN)?\.?\s*)?(.+)$", re.IGNORECASE)


def kelurahan_and_kecamatan(cell: str) -> list[tuple[str, str]]:
    """A KELURAHAN cell that may also name its kecamatan, as some offices type it: "Dandangan Kec. Kota", "Kel.
    Dandangan Kec. Kota" (read as a title line is, `titles.places_of`), "DANDANGAN (KOTA)", "Dandangan - Kota",
    "DANDANGAN KOTA" → [("Dandangan", "Kota")]: the (kelurahan, kecamatan) readings to try, in order (a bare last
    word or two). Only tried when the whole cell is no official name: the caller takes the first whose kecamatan is
    exactly one of the scope's, and whose kelurahan is then looked for there."""
    t = cell.strip()
    first = t.split()[0].upper().rstrip(".") if t else ""
    said = titles.places_of(t if first in titles.KEYWORDS else f"KELURAHAN {t}")
    if said.get("kelurahan") and said.get("kecamatan"):
        return [(said["kelurahan"], said["kecamatan"])]
    for pattern in (_IN_BRACKETS, _AFTER):
        m = pattern.match(t)
        if m:
            return [(m.group(1).strip(), m.group(2).strip())]
    words = t.split()
    return [(" ".join(words[:-n]), " ".join(words[-n:])) for n in (1, 2) if len(words) > n]


class Regions:
    """Resolves kelurahan/kecamatan names to current codes (WIL-06..11) inside the office's scope, narrowed to the
    row's kab/kota when it names one (wilayah.row_scope); the caller keeps each distinct answer."""

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
            else:
                _unresolved(hits, "kecamatan", kec, area, notes)
        if kel and not kec and not wilayah.find(kel, "desa_kelurahan", area):
            for named, kec_named in kelurahan_and_kecamatan(kel):  # "DANDANGAN (KOTA)", "Dandangan, Kec. Kota"
                if len(kec_hits := wilayah.find(kec_named, "kecamatan", area)) == 1:
                    kel, kec_region = named, kec_hits[0]
                    out["kecamatan"], out["kode_kecamatan"] = kec_region.nama, kec_region.kode
                    break
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
            else:
                _unresolved(hits, "kelurahan", kel, scope, notes)
        return out, notes


def _unresolved(hits: list[wilayah.Region], col: str, name: str, scope: str, notes: list[tuple[str, str, str]]) -> None:
    """A kecamatan or kelurahan name that gave no single region: ambiguous (its candidates listed) or not in the
    official list (close names inside `scope` suggested)."""
    if hits:
        codes = ", ".join(f"{h.kode} {h.nama}" for h in hits[:4])
        notes.append(("WILAYAH_AMBIGUOUS", col, f"{col} '{name}' ambigu: {codes}"))
        return
    tips = wilayah.suggest(name, "kecamatan" if col == "kecamatan" else "desa_kelurahan", scope)
    said = f"; mungkin: {', '.join(tips)}" if tips else ""
    notes.append(("WILAYAH_UNKNOWN", col, f"{col} '{name}' tidak ada di daftar resmi{said}"))


def roster_key(unsur: str, region: tuple[str | None, ...], unknown: str = "-") -> str:
    """Which roster a role belongs to: the unsur and the kelurahan (code when resolved); region as REGION_FIELDS.
    A role whose kelurahan nobody named is keyed by `unknown` (its file), never shared with another file's."""
    kelurahan, _, kode_wilayah, _ = region
    place = kode_wilayah or wilayah.norm_name(kelurahan or "", "desa_kelurahan") or unknown
    return f"{unsur}|{place}"


class Place(NamedTuple):
    """What a row's region gives its role: region values (REGION_FIELDS), the findings about the names, the roster
    key, the category and its birth-date bounds (CAT-02: younger than the minimum age = born after `young`, older
    than the maximum = born on or before `old`)."""

    region: tuple[str | None, ...]
    notes: tuple[Finding, ...]
    key: str
    cat: categories.Category | None
    young: date  # date.max when the category has no minimum age
    old: date  # date.min when it has no maximum
    ambiguous: bool  # a name with several candidates: the NIK's kecamatan may settle it


class TablePlaces:
    """The Place of each person of one table: the row's KELURAHAN/KECAMATAN/KAB/KOTA cells, else the command's
    options, else the title block; resolved once per distinct (unsur, names, NIK kecamatan)."""

    def __init__(self, regions: Regions, defaults: tuple[str, str, str], as_of: date, unknown: str) -> None:
        self.regions, self.as_of, self.unknown = regions, as_of, unknown
        self.default_kel, self.default_kec, self.default_kab = defaults
        self.places = PerValue(self.place)
        self.rows_said: dict[Finding, list[int]] = {}  # a region finding: the rows it concerns
        self.by_code: dict[tuple[str, str, str, str], Place] = {}  # coded(): (unsur, kode, kelurahan, names' key)

    def read(
        self, names: tuple[list[str], list[str], list[str]], unsur: list[str], decoded: Sequence[nik.Nik | None],
        r: list[int], codes: Sequence[str | None] | None = None,
    ) -> list[Place]:  # fmt: skip
        """Each person's Place from their (kelurahan, kecamatan, kab/kota) texts ("" for none written); an ambiguous
        name settled by the NIK's kecamatan digits when they point at exactly one candidate (info finding); a row's
        KODE WILAYAH (`codes`, psmctl's own export carries one) over the names (`coded`). The findings about the
        names are kept with their rows (`findings`)."""
        places = self.places
        kels = [k or self.default_kel for k in names[0]]
        kecs = [k or self.default_kec for k in names[1]]
        kabs = [k or self.default_kab for k in names[2]]
        out = [places[key] for key in zip(unsur, kels, kecs, kabs, repeat(""))]
        noted = any(p.notes for p in places.values())
        for k in [k for k, p in enumerate(out) if p.ambiguous] if noted else ():
            d = decoded[k]
            if d is not None:
                out[k] = places[unsur[k], kels[k], kecs[k], kabs[k], d.region]
        if codes is not None and any(codes):
            for k, kode in [(k, kode) for k, kode in enumerate(codes) if kode]:
                out[k] = self.coded(unsur[k], kode, kels[k], out[k])
            noted = True
        said = self.rows_said
        for k in [k for k, p in enumerate(out) if p.notes] if noted else ():
            for note in out[k].notes:
                said.setdefault(note, []).append(r[k])
        return out

    def coded(self, unsur: str, kode: str, kel: str, named: Place) -> Place:
        """The Place of a row with a KODE WILAYAH: the code's kelurahan, kecamatan and codes (a written kelurahan
        the code does not name is a WILAYAH_KODE_MISMATCH; the code wins); a code that names no current desa of the
        office's area leaves the names' answer, with a note (wilayah.by_code)."""
        key = (unsur, kode, kel, named.key)
        hit = self.by_code.get(key)
        if hit is None:
            r, notes = wilayah.by_code(kode, self.regions.kabkota, kel)
            said = tuple((col, kode, level_of(code), code, msg) for code, col, msg in notes)
            if r is None:
                hit = named._replace(notes=(*said, *named.notes))
            else:
                parent = r.kode.rsplit(".", 1)[0]
                region = (r.nama, wilayah.name_of(parent), r.kode, parent)
                hit = named._replace(region=region, notes=said, key=roster_key(unsur, region, self.unknown))
                hit = hit._replace(ambiguous=False)
            self.by_code[key] = hit
        return hit

    def place(self, key: tuple[str, str, str, str, str]) -> Place:
        """The Place of (unsur, kelurahan, kecamatan, kab/kota, the NIK's kecamatan digits or "" when not needed);
        the kab/kota (column, title line or --kabkota) narrows where the names are matched."""
        unsur, kel, kec, kab, region6 = key
        out, notes = self.regions.resolve(kel, kec, wilayah.dotted(region6) if region6 else "", kab)
        region = tuple(out[f] for f in REGION_FIELDS)
        cat = categories.get(unsur)
        young = add_years(self.as_of, -cat.min_age) if cat and cat.min_age else date.max
        old = add_years(self.as_of, -(cat.max_age + 1)) if cat and cat.max_age else date.min
        written = {"kelurahan": kel, "kecamatan": kec, "kabkota": kab}
        findings = tuple((col, written[col], level_of(code), code, msg) for code, col, msg in notes)
        ambiguous = any(n[0] == "WILAYAH_AMBIGUOUS" for n in notes)
        return Place(region, findings, roster_key(unsur, region, self.unknown), cat, young, old, ambiguous)

    def findings(self) -> Iterator[tuple[list[int], Finding]]:
        """The table's region findings, each once with the rows it concerns (its message names them), and forgotten."""
        for (fld, value, level, code, msg), rows in self.rows_said.items():
            yield rows, (fld, value, level, code, for_rows(msg, rows))
        self.rows_said = {}

"""What title lines and cover sheets say about a table: its kelurahan, kecamatan, kab/kota and unsur (§9.2).

Offices write them in many forms: "DAFTAR PSM KELURAHAN JAGALAN", "KELURAHAN X KECAMATAN Y", "KEL. X KEC. Y",
"DESA/KELURAHAN : X", a label and its value in two cells ("Kelurahan" | ": X"), "DATA TKSK KECAMATAN Y",
"REKAPITULASI PSM SE-KECAMATAN Y", "… KOTA KEDIRI TAHUN 2025". A line is read as words: a keyword (KELURAHAN,
KEC., KOTA …) starts a place name, which runs to the next keyword, year or punctuation; its first word is always
part of it, so "KECAMATAN KOTA KOTA KEDIRI" is kecamatan KOTA of kab/kota "KOTA KEDIRI" (a kab/kota keeps its
KOTA/KABUPATEN word, `KEPT`: Kota Serang and Kabupaten Serang are two). Keywords are data (`KEYWORDS`): a new
place field (a province) is one more entry there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from psmctl.rules import categories, wilayah

# Words that start a place name, and the field the name fills.
KEYWORDS: dict[str, str] = {
    "KELURAHAN": "kelurahan", "KEL": "kelurahan", "DESA": "kelurahan",
    "KECAMATAN": "kecamatan", "KEC": "kecamatan",
    "KOTA": "kabkota", "KABUPATEN": "kabkota", "KAB": "kabkota",
}  # fmt: skip
# Keywords that stay in front of the name they start: "KOTA SERANG" and "KABUPATEN SERANG" are two kab/kota.
KEPT: dict[str, str] = {"KOTA": "KOTA", "KABUPATEN": "KABUPATEN", "KAB": "KABUPATEN"}
# Words that end a place name besides the keywords.
_STOP = {"TAHUN", "PROVINSI", "PERIODE", "BULAN", "SEMESTER", "TRIWULAN", "DAN", "SE", "DINAS", "DATA", "DAFTAR"}
_PAIR = re.compile(r"\b(?:DESA|KEL\.?|KELURAHAN)\s*/\s*(?:DESA|KEL\.?|KELURAHAN)\b\.?")
_SE = re.compile(r"\bSE\s*-\s*(?=KEC|KOTA|KAB)")
_TOKEN = re.compile(r"[A-Z0-9'’]+|[:(),\-]")


@dataclass
class Titles:
    """Places and unsur a title block names; `lines` are the lines that named something (for the report)."""

    places: dict[str, str] = field(default_factory=dict)
    unsur: str | None = None
    lines: list[str] = field(default_factory=list)
    unsurs: tuple[str, ...] = ()  # every unsur the line that gave `unsur` names (two: which one is unclear)

    def get(self, name: str) -> str:
        return self.places.get(name, "")

    def under(self, other: Titles) -> Titles:
        """These titles, with what they leave out taken from `other` (a cover sheet, the sheet's own title)."""
        places = {**other.places, **self.places}
        unsur, unsurs = (self.unsur, self.unsurs) if self.unsur else (other.unsur, other.unsurs)
        return Titles(places, unsur, [*other.lines, *self.lines], unsurs)


def places_of(line: str) -> dict[str, str]:
    """The places a line names by keyword: {"kelurahan": "JAGALAN", "kecamatan": "KOTA", "kabkota": "KOTA KEDIRI"}."""
    s = _SE.sub("", _PAIR.sub("KELURAHAN", line.upper()))
    tokens = _TOKEN.findall(s)
    found: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        word = tokens[i]
        what = KEYWORDS.get(word)
        i += 1
        if what is None:
            continue
        while i < len(tokens) and tokens[i] in (":", "-"):
            i += 1
        name: list[str] = []
        while i < len(tokens):
            t = tokens[i]
            if name and (t in KEYWORDS or t in _STOP or not t[0].isalnum() or (t.isdigit() and len(t) == 4)):
                break
            if not t[0].isalnum():
                break
            name.append(t)
            i += 1
        if name and what not in found and not (len(name) == 1 and name[0].isdigit()):
            found[what] = " ".join([KEPT[word], *name] if word in KEPT else name)
    return found


def unsurs_of(line: str) -> list[str]:
    """Every unsur a line names, in order ("DAFTAR TKSK DAN PSM" → TKSK, PSM): a code in brackets or a name, the
    longest name at each word ("TENAGA KESEJAHTERAAN SOSIAL KECAMATAN" over a word of it). A word that names any
    volunteer ("RELAWAN") counts only when the line names no unsur besides: "DAFTAR RELAWAN PSM" is PSM."""
    toks = re.findall(r"[A-Z]+", line.upper())
    specific: list[str] = []
    generic: list[str] = []
    k = 0
    while k < len(toks):
        for size in (4, 3, 2, 1):
            words = " ".join(toks[k : k + size])
            code = categories.match(words) if k + size <= len(toks) else None
            if code:
                found = generic if categories.is_generic(words) else specific
                if code not in found:
                    found.append(code)
                k += size
                break
        else:
            k += 1
    return specific or generic


def unsur_of(line: str) -> str | None:
    """The unsur a line names first ("DATA TKSK …", "(PSM)", "PEKERJA SOSIAL MASYARAKAT"), or None."""
    named = unsurs_of(line)
    return named[0] if named else None


def line_of(row: Sequence[object]) -> str:
    """A row's text cells as one line (a title merged across the sheet repeats its text: said once)."""
    parts: list[str] = []
    for cell in row:
        if isinstance(cell, str) and cell.strip():
            t = " ".join(cell.split())
            if not parts or parts[-1] != t:
                parts.append(t)
    return " ".join(parts)


def read_titles(rows: Iterable[Sequence[object]]) -> Titles:
    """What the lines above a table (or a whole cover sheet) name: the first value of each field wins."""
    out = Titles()
    for row in rows:
        line = line_of(row)
        if not line:
            continue
        named = False
        for what, value in places_of(line).items():
            if what not in out.places:
                out.places[what] = value
                named = True
        if out.unsur is None and (unsurs := unsurs_of(line)):
            out.unsur, out.unsurs = unsurs[0], tuple(unsurs)
            named = True
        if named:
            out.lines.append(line)
    return out


def sheet_name_kelurahan(name: str, kecamatan: str, scope: str) -> str | None:
    """The kelurahan a sheet's name gives when nothing else does (a kecamatan workbook of one sheet per kelurahan):
    a title form ("Kel. Dandangan", "DESA SUKAMAJU"), or a bare name that is exactly one official desa/kelurahan
    of the office's scope, of the titles' kecamatan when they name one ("BANDAR LOR"). Never guessed country-wide:
    without a scope or a kecamatan a bare name gives nothing."""
    said = read_titles([[name]]).get("kelurahan")
    if said:
        return said
    if kecamatan:
        kec = wilayah.find(kecamatan, "kecamatan", scope)
        if len(kec) != 1:
            return None
        scope = kec[0].kode
    if not scope or any(ch.isdigit() for ch in name):
        return None
    hits = wilayah.find(name, "desa_kelurahan", scope)
    return hits[0].nama if len(hits) == 1 else None

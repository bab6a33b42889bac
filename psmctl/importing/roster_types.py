"""The named rows and options of a roster import: what `roster` hands `roster_table` and gets back from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from psmctl.importing.regions import Place
from psmctl.importing.rows import Table
from psmctl.importing.sheets import SheetData
from psmctl.importing.titles import Titles
from psmctl.models import SheetReport
from psmctl.rules import nik


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


@dataclass(frozen=True)
class Context:
    """What one table's rows are read with: the file, its sheet, the table and what its titles say."""

    file: str
    digest: str
    sheet: SheetData
    table: Table
    titles: Titles


# The fields a table's people are read from, as columns (`TableReader.columns`).
FIELDS = (
    "nama", "nik", "tgl_lahir", "tempat_lahir", "ttl", "jk", "kategori", "jabatan", "no_hp", "rt_rw", "rt", "rw",
    "kelurahan", "kecamatan", "tmt", "alamat", "pendidikan", "pekerjaan", "no_kk", "no_sk", "ket", "kabkota",
    "kode_wilayah", "status",
)  # fmt: skip
READ = {*FIELDS, "no"}  # the fields this import reads; any other column with data is named in the report
UNKNOWN_PLACE = "?"  # the start of a roster key whose kelurahan is unknown (then the file's digest)
HELD = "DITAHAN"  # a stopped person not imported (--tahan-keterangan)


class Columns(dict[str, Sequence[Any]]):
    """The cells of a table's people, one sequence per field (`FIELDS`), by field name. Each field reader takes
    (pops) the columns it reads, so that the cells nobody keeps are let go as the table is read, before its people's
    rows are built (the cells of a 500,000-row roster are the largest part of its import's memory)."""


class FirstRows:
    """Where each (NIK, unsur) of a file was first read, for the error a later row of it gets: per unsur, NIK ->
    the row's number (plus the sheet's place in `sheets` << 32 past the file's first sheet). One dict entry a
    person and no tuple: 500,000 people in 21 MiB, not 93."""

    __slots__ = ("by_unsur", "sheets")

    def __init__(self) -> None:
        self.by_unsur: dict[str, dict[str, int]] = {}
        self.sheets: list[str] = []

    def base(self, sheet: str) -> int:
        """What a row number of `sheet` is stored plus."""
        if sheet not in self.sheets:
            self.sheets.append(sheet)
        return self.sheets.index(sheet) << 32


class Read(NamedTuple):
    """The fields read of every person of a table, one list each (by position in the table's people)."""

    names: list[str]
    gender: list[str | None]
    tempat: list[str]
    born: list[date | None]
    decoded: list[nik.Nik | None]
    unsur: list[str]
    jabatan: list[str | None]
    place: list[Place]
    status: list[tuple[str, str | None]]
    tmt: list[date | None]

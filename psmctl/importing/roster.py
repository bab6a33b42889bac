"""Roster spreadsheets in: find the header, read each row, validate it, report every problem (docs/rules.md).

`parse_file` reads a file and returns accepted rows plus a report per sheet, touching no database; a file-level
failure (corrupt, no sheet with NIK and NAMA columns) raises InputError. `import_file` then writes one file in one
transaction through db.volunteers. Codes in reports are stable identifiers (README lists them).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from psmctl.db import volunteers as vdb
from psmctl.errors import InputError
from psmctl.importing import batch
from psmctl.importing.batch import FileResult, Stage, commit
from psmctl.importing.cells import normalise_phone, split_ttl
from psmctl.importing.columns import hidden_sheet, other_list, sheet_column_findings, sheet_skipped, skipped
from psmctl.importing.headers import Header, find_header, label_row, list_kind, load_aliases, sheet_kind
from psmctl.importing.roster_table import TableReader
from psmctl.importing.roster_types import (
    READ,
    UNKNOWN_PLACE,
    Context,
    FirstRows,
    Options,
    ParsedSheet,
    RosterRow,
)
from psmctl.importing.rows import split_tables
from psmctl.importing.sheets import SheetData, limits, read_tables
from psmctl.importing.titles import Titles, read_titles, sheet_name_kelurahan
from psmctl.memory import gc_paused
from psmctl.models import Problem, SheetReport
from psmctl.rules import wilayah
from psmctl.rules.privacy import mask_nik
from psmctl.rules.settings import Settings

if TYPE_CHECKING:
    from sqlite_utils import Database

REQUIRED = ["nama", "nik"]

__all__ = ["Options", "ParsedSheet", "RosterRow", "normalise_phone", "split_ttl"]


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, for provenance and idempotency."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def parse_file(
    path: Path,
    *,
    as_of: date,
    settings: Settings,
    options: Options = Options(),  # noqa: B008  frozen dataclass
    progress: Callable[[int], None] | None = None,
) -> list[ParsedSheet]:
    """Read and validate one roster file; InputError when the file as a whole cannot be used. A sheet not read
    (no NIK and NAMA header, another kind of list, past the first with import.sheets = first) is a report of its own
    holding one SHEET_SKIPPED finding that names it and why, the same as in every import."""
    scan = settings.imports.header_scan_rows
    sheets = _chosen_sheets(path, read_tables(path, **limits(settings)), options)
    aliases = load_aliases("roster_headers.toml")
    manual = dict(options.kolom)
    found: list[tuple[SheetData, Header]] = []
    cover = Titles()  # what sheets without a table (a cover sheet) say: the default of the sheets after them
    covers: dict[str, Titles] = {}
    skips: dict[str, Problem] = {}
    for t in sheets:
        header = find_header(t.rows, aliases, REQUIRED, scan_rows=scan, manual=manual)
        kind = sheet_kind(t.rows, scan) if header is None else list_kind(header.titles.values())
        if kind is not None and kind[0] != "roster":  # a payment list or a daftar hadir: its own import reads it
            skips[t.name] = other_list(t.name, path.name, kind, "roster")
        elif header is not None and t.hidden and not options.include_hidden:
            skips[t.name] = hidden_sheet(t.name, path.name, "--sertakan-tersembunyi")
        elif header is None:
            skips[t.name] = sheet_skipped(t.name, "NIK dan NAMA", scan)
            cover = read_titles(t.rows[:200]).under(cover)
        else:
            found.append((t, header))
            covers[t.name] = cover
    if not found:
        refusal = next((p.value for p in skips.values() if p.value), None)
        if refusal:
            raise InputError(refusal)
        _no_table(path, sheets, scan)
    if not options.all_sheets and options.sheet is None and settings.imports.sheets == "first":
        for t, _ in found[1:]:
            why = "hanya lembar pertama dibaca (pengaturan import.sheets = first); --all-sheets membaca semua lembar"
            skips[t.name] = skipped(t.name, why)
        found = found[:1]
    return _read_sheets(path, sheets, found, covers, skips, settings, options, as_of, progress)


def _read_sheets(
    path: Path, sheets: list[SheetData], found: list[tuple[SheetData, Header]], covers: dict[str, Titles],
    skips: dict[str, Problem], settings: Settings, options: Options, as_of: date,
    progress: Callable[[int], None] | None,
) -> list[ParsedSheet]:  # fmt: skip
    """Each sheet's report in the workbook's order: the tables of a sheet read, a sheet skipped said."""
    aliases = load_aliases("roster_headers.toml")
    manual = dict(options.kolom)
    headers = {t.name: header for t, header in found}
    digest = sha256_of(path)
    results: list[ParsedSheet] = []
    seen_niks = FirstRows()
    for t in sheets:
        parsed = ParsedSheet(SheetReport(file=path.name, sheet=t.name))
        header = headers.get(t.name)
        if header is None:
            if t.name in skips:
                parsed.report.problems.append(skips[t.name])
                results.append(parsed)
            continue
        titles = read_titles(t.rows[: header.row_index]).under(covers[t.name])
        if not (titles.get("kelurahan") or options.kelurahan):
            titles = _sheet_name_place(t.name, titles, settings, parsed.report)
        tables = split_tables(t.rows, header, aliases, REQUIRED, manual)
        parsed.report.problems += sheet_column_findings(t, tables, READ)  # each column named once per sheet
        for table in tables:
            parser = TableReader(Context(path.name, digest, t, table, titles), options, settings, as_of, parsed)
            parser.run(seen_niks, progress)
        results.append(parsed)
        t.rows = []  # the cells are no longer needed: free them before the next sheet and the plan
    return results


def _sheet_name_place(sheet: str, titles: Titles, settings: Settings, report: SheetReport) -> Titles:
    """Titles naming no kelurahan take the one the sheet's name gives (titles.sheet_name_kelurahan), said once."""
    scope = wilayah.office_scope(settings.wilayah.kode_kabkota, settings.wilayah.kode_provinsi)
    kelurahan = sheet_name_kelurahan(sheet, titles.get("kecamatan"), scope)
    if kelurahan is None:
        return titles
    msg = f"kelurahan {kelurahan} diambil dari nama lembar '{sheet}' (judul dan kolom tidak menyebutnya)"
    report.problems.append(Problem(sheet, None, None, sheet, "info", "KELURAHAN_FROM_SHEET", msg))
    return Titles({**titles.places, "kelurahan": kelurahan}, titles.unsur, titles.lines, titles.unsurs)


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
    unknown = sorted({r.unsur for p in parsed for r in p.rows if _unknown_place(r.roster_key)})
    if unknown:
        raise InputError(
            f"{path.name}: kelurahan daftar ini ({', '.join(unknown)}) tidak diketahui, jadi --retire-missing "
            "ditolak (bisa memberhentikan orang kelurahan lain); sebutkan --kelurahan lalu ulangi"
        )


def _unknown_place(roster_key: str) -> bool:
    """A roster key whose kelurahan nobody named (regions.roster_key keys it by the file, after UNKNOWN_PLACE)."""
    return roster_key.split("|", 1)[1][:1] == UNKNOWN_PLACE


def _refuse_erased(db: Database, parsed: list[ParsedSheet], readmit: frozenset[str]) -> list[str]:
    """Rows of people erased on request are refused with the one finding every import gives them (batch.ERASED_CODE,
    no NIK in its message), unless the admin re-admits that NIK; one look-up for the whole file (batch.erased_among).
    Returns the re-admitted NIKs: ordinary NIKs again once the file is written (their tombstones go then; nothing is
    written here)."""
    erased = batch.erased_among(db, {r.nik for p in parsed for r in p.rows})
    if not erased:
        return []
    refused = erased - readmit
    for p in parsed:
        keep = []
        for r in p.rows:
            if r.nik not in refused:
                keep.append(r)
                continue
            finding = Problem(r.sheet, r.row, "nik", mask_nik(r.nik), "error", batch.ERASED_CODE, batch.ERASED_MESSAGE)
            p.report.problems.append(finding)
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
    in_file = _rosters_in_file(rows)
    keys = sorted({r.roster_key for r in rows})
    present, expected = _present(rows, persons, roles, keys)  # before the plan moves anyone
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
                if r.nik in in_file:  # on another roster of this file too: nobody else has anything to be told
                    _say(rep, r, _other_rosters(r, in_file, ()))
                if r.note:
                    w.changes.append((rec[0], None, "keterangan", None, r.note, batch_id, r.sheet, r.row, "KETERANGAN"))
            else:
                persons[r.nik] = _plan_known(w, r, rep, old, roles.get(old[0], []), in_file)
    # People on the same rosters before, missing now: listed, retired only on request (XLS-03).
    for role in vdb.missing_from_rosters(db, keys, present, expected):
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


def _present(
    rows: list[RosterRow], persons: dict[str, tuple[int, tuple[Any, ...]]], roles: dict[int, list[vdb.RoleRow]],
    keys: list[str],
) -> tuple[set[tuple[int, str]], int]:  # fmt: skip
    """The file's (volunteer id, unsur) pairs of people on the register, and how many roles of the file's rosters
    they hold: vdb.missing_from_rosters reads no role when the rosters hold no others."""
    present = {(p[0], r.unsur) for r in rows if (p := persons.get(r.nik)) is not None}
    on = set(keys)
    held = sum(
        1 for vid, mine in roles.items() for role in mine if role.roster_key in on and (vid, role.unsur) in present
    )
    return present, held


def _rosters_in_file(rows: list[RosterRow]) -> dict[str, dict[str, RosterRow]]:
    """The rows of each NIK on more than one roster (unsur) of this file, by unsur."""
    counts = Counter(r.nik for r in rows)
    out: dict[str, dict[str, RosterRow]] = {}
    for r in rows:
        if counts[r.nik] > 1:
            out.setdefault(r.nik, {})[r.unsur] = r
    return out


def _other_rosters(
    r: RosterRow, in_file: dict[str, dict[str, RosterRow]], existing: Sequence[vdb.RoleRow]
) -> list[tuple[str, str]]:
    """NIK_ON_OTHER_ROSTER of a row: the person's other unsur that are AKTIF once this file is written (the file's
    rows of the person, else the register's roles). The first import of a file says what the next one says."""
    if r.nik not in in_file and (not existing or (len(existing) == 1 and existing[0].unsur == r.unsur)):
        return []  # on this one roster only (most rows): nothing to say
    other: dict[str, tuple[Any, Any]] = {o.unsur: (o.values[0], o.values[-1]) for o in existing if o.unsur != r.unsur}
    for unsur, row in in_file.get(r.nik, {}).items():
        if unsur != r.unsur:
            kelurahan, status = other.get(unsur, (None, None))
            other[unsur] = (row.role[0] or kelurahan, row.role[-1] or status)
    return [
        ("NIK_ON_OTHER_ROSTER", f"juga terdaftar sebagai {unsur} di {kelurahan or '-'}")
        for unsur, (kelurahan, status) in sorted(other.items())
        if status == "AKTIF"
    ]


def _say(rep: SheetReport, r: RosterRow, notes: list[tuple[str, str]]) -> None:
    """The plan's warnings on a row, the row counted once among the sheet's warned rows."""
    for code, msg in notes:
        rep.problems.append(Problem(r.sheet, r.row, "NIK", r.nik, "warning", code, msg))
    if notes:
        rep.warn(r.row)


def _plan_known(
    w: vdb.RosterWrite, r: RosterRow, rep: SheetReport, old: tuple[int, tuple[Any, ...]],
    existing: list[vdb.RoleRow], in_file: dict[str, dict[str, RosterRow]],
) -> tuple[int, tuple[Any, ...]]:  # fmt: skip
    """Plan one row of a person already on the register; returns the person's values after this row."""
    batch_id = w.batch_id
    notes: list[tuple[str, str]] = []  # (code, message) warnings on this row
    changed: list[str] = []
    vid, values = old
    if values[0] != r.person[0] and values[0] and r.person[0] and values[0].casefold() != str(r.person[0]).casefold():
        notes.append(("NIK_NAME_CONFLICT", f"NIK ini di register bernama '{values[0]}', di berkas '{r.person[0]}'"))
    notes += _other_rosters(r, in_file, existing)
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
    mine = _plan_role(w, r, vid, existing, notes, changed)
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
    if notes:
        _say(rep, r, notes)
    return vid, values


def _plan_role(
    w: vdb.RosterWrite,
    r: RosterRow,
    vid: int,
    existing: list[vdb.RoleRow],
    notes: list[tuple[str, str]],
    changed: list[str],
) -> vdb.RoleRow | None:
    """Plan the role of one row of a known person (one role per person and unsur); returns the role the person
    already had in this unsur, or None when the role is new. Warnings go to `notes`, changed fields to `changed`."""
    batch_id = w.batch_id
    mine = None
    for other in existing:  # the person's other rosters: _other_rosters
        if other.unsur == r.unsur:
            mine = other
    if mine is None:
        w.new_roles.append((vid, batch_id, r.unsur, r.roster_key, *r.role, r.sheet, r.row))
    else:
        if mine.roster_key != r.roster_key and _unknown_place(r.roster_key):  # never moved to an unknown place
            kept = f"kelurahan tidak diketahui di berkas ini; tetap di daftar {mine.unsur} {mine.values[0] or '-'}"
            notes.append(("NIK_ON_OTHER_ROSTER", kept))
        elif mine.roster_key != r.roster_key:
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
    return mine

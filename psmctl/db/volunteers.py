"""SQL of the register: volunteers (one per NIK), their roles (one per unsur), batches and the audit trail."""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from psmctl.db.chunked import MARKS, insert_rows, select_in

PERSON_COLUMNS = (
    "nama", "jenis_kelamin", "tempat_lahir", "tgl_lahir", "alamat", "rt_rw",
    "no_hp", "pendidikan", "pekerjaan", "no_kk",
)  # fmt: skip
ROLE_COLUMNS = ("kelurahan", "kecamatan", "kode_wilayah", "kode_kecamatan", "jabatan", "no_sk", "tmt", "status")


def create_batch(db: Database, *, kind: str, file_name: str | None, sha256: str | None, created_at: str) -> int:
    """Record one import/recording batch and return its id."""
    cur = db.execute(
        "INSERT INTO batches(kind, file_name, sha256, created_at) VALUES (?, ?, ?, ?)",
        [kind, file_name, sha256, created_at],
    )
    return int(cur.lastrowid or 0)


def next_batch_id(db: Database) -> int:
    """The id the next batch row will get (batches.id is a rowid: one more than the largest); read under the write
    lock, it is the id `create_batch` then returns, so a plan can name its batch before anything is written."""
    return int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM batches").fetchone()[0])


def volunteer_ids_by_nik(db: Database, niks: Iterable[str]) -> dict[str, int]:
    """Volunteer ids of the given NIKs that are on the register."""
    wanted = list(dict.fromkeys(niks))
    rows = select_in(db, "SELECT nik, id FROM volunteers WHERE nik IN ({marks})", wanted)
    return {str(nik): int(vid) for nik, vid in rows}


def _scan_all(db: Database, table: str, wanted: int) -> bool:
    """Whether reading a whole table beats looking up `wanted` keys: 900-key IN lists cost about twice a scan
    per row found, so a file that names a good part of the register reads the register once."""
    return wanted > 2000 and int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) <= 3 * wanted


def persons_by_nik(db: Database, niks: Sequence[str]) -> dict[str, tuple[int, tuple[Any, ...]]]:
    """(id, values in PERSON_COLUMNS order) of the given NIKs that are on the register."""
    cols = ", ".join(("id", "nik", *PERSON_COLUMNS))
    rows: Iterable[tuple[Any, ...]]
    if _scan_all(db, "volunteers", len(niks)):
        wanted = set(niks)
        rows = (r for r in db.execute(f"SELECT {cols} FROM volunteers") if r[1] in wanted)
    else:
        rows = select_in(db, f"SELECT {cols} FROM volunteers WHERE nik IN ({MARKS})", niks)
    return {row[1]: (row[0], row[2:]) for row in rows}


def next_volunteer_id(db: Database) -> int:
    """The id the next new volunteer gets (call inside the write transaction)."""
    return int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM volunteers").fetchone()[0])


@dataclass(slots=True)
class RoleRow:
    """A role on the register as an import compares it: values in ROLE_COLUMNS order."""

    id: int
    unsur: str
    roster_key: str
    values: tuple[Any, ...]


def roles_of(db: Database, volunteer_ids: Sequence[int]) -> dict[int, list[RoleRow]]:
    """Every role of the given volunteers, keyed by volunteer id."""
    cols = ", ".join(("id", "volunteer_id", "unsur", "roster_key", *ROLE_COLUMNS))
    out: dict[int, list[RoleRow]] = {}
    if _scan_all(db, "roles", len(volunteer_ids)):
        wanted = set(volunteer_ids)
        rows: Iterable[tuple[Any, ...]] = (r for r in db.execute(f"SELECT {cols} FROM roles") if r[1] in wanted)
    else:
        rows = select_in(db, f"SELECT {cols} FROM roles WHERE volunteer_id IN ({MARKS})", volunteer_ids)
    for row in rows:
        role = RoleRow(row[0], row[2], row[3], row[4:])
        if (mine := out.get(row[1])) is None:
            out[row[1]] = [role]
        else:
            mine.append(role)
    return out


def missing_from_rosters(
    db: Database, roster_keys: Sequence[str], present: Container[tuple[int, str]], expected: int
) -> list[dict[str, Any]]:
    """Active roles on the given rosters whose (volunteer id, unsur) is not in ``present``: people missing from a
    new file, in the rosters' order. ``expected``: how many of those rosters' roles (of any status) the caller
    knows to be present; when the rosters hold no more (a file sent again, a first import), nobody is missing and
    no role is read (the count is the roster-key index's alone). Otherwise the rosters' roles are read as ids alone,
    and only the missing with NIK and name."""
    sql = "SELECT count(*) FROM roles WHERE roster_key IN ({marks})"
    if sum(int(n) for (n,) in select_in(db, sql, roster_keys)) == expected:
        return []
    missing: list[int] = []
    sql = "SELECT id, volunteer_id, unsur FROM roles WHERE status = 'AKTIF' AND roster_key IN ({marks})"
    for role_id, volunteer_id, unsur in select_in(db, sql, roster_keys):
        if (volunteer_id, unsur) not in present:
            missing.append(role_id)
    names = ("id", "volunteer_id", "unsur", "roster_key", "kelurahan", "nik", "nama")
    sql = (
        "SELECT r.id, r.volunteer_id, r.unsur, r.roster_key, r.kelurahan, v.nik, v.nama FROM roles r "
        "JOIN volunteers v ON v.id = r.volunteer_id WHERE r.id IN ({marks})"
    )
    by_id = {row[0]: dict(zip(names, row, strict=True)) for row in select_in(db, sql, missing)}
    return [by_id[i] for i in missing]


@dataclass
class RosterWrite:
    """Everything one roster file changes, prepared in Python as rows for executemany."""

    batch_id: int
    new_people: list[list[Any]] = field(default_factory=list)  # NEW_PERSON_COLUMNS order (id given by the plan)
    person_updates: list[tuple[int, str, Any]] = field(default_factory=list)  # (volunteer_id, column, value)
    new_roles: list[tuple[Any, ...]] = field(default_factory=list)  # NEW_ROLE_COLUMNS order
    role_updates: list[tuple[int, str, Any]] = field(default_factory=list)  # (role_id, column, value)
    changes: list[tuple[Any, ...]] = field(default_factory=list)  # CHANGE_COLUMNS order


NEW_PERSON_COLUMNS = ("id", "nik", *PERSON_COLUMNS, "batch_id", "sheet", "row")
NEW_ROLE_COLUMNS = ("volunteer_id", "batch_id", "unsur", "roster_key", *ROLE_COLUMNS, "sheet", "row")
CHANGE_COLUMNS = ("volunteer_id", "role_id", "field", "old_value", "new_value", "batch_id", "sheet", "row", "note")


def write_roster(db: Database, w: RosterWrite) -> None:
    """Apply a prepared roster write; the caller holds the transaction."""
    conn = db.conn
    if w.new_people:
        insert_rows(db, "volunteers", NEW_PERSON_COLUMNS, w.new_people)
    for column in {c for _, c, _ in w.person_updates}:
        assert column in PERSON_COLUMNS  # noqa: S101  column names never come from input
        conn.executemany(
            f"UPDATE volunteers SET {column} = ? WHERE id = ?",
            [(v, vid) for vid, c, v in w.person_updates if c == column],
        )
    if w.new_roles:
        insert_rows(db, "roles", NEW_ROLE_COLUMNS, w.new_roles)
    for column in {c for _, c, _ in w.role_updates}:
        assert column in (*ROLE_COLUMNS, "roster_key")  # noqa: S101
        conn.executemany(
            f"UPDATE roles SET {column} = ? WHERE id = ?",
            [(v, rid) for rid, c, v in w.role_updates if c == column],
        )
    if w.changes:
        insert_rows(db, "changes", CHANGE_COLUMNS, w.changes)


_KABKOTA_CODE = re.compile(r"\d\d\.\d\d")
# The --kelurahan filter: a name (or a dotted code) as typed, the desa codes it was resolved to, or none.
Kelurahan = str | tuple[str, ...] | None

# The register's one listing order; every query that lists roles uses it.
ROLE_ORDER = "ORDER BY r.kecamatan, r.kelurahan, r.unsur, v.nama, v.nik"


def role_filter(
    *, unsur: str | None, kelurahan: Kelurahan, kecamatan: str | None, active_only: bool = True
) -> tuple[str, list[Any]]:
    """WHERE clause over `roles r JOIN volunteers v` for the register filters (kelurahan/kecamatan: name or code).

    A kab/kota code ('36.01', from --kabkota) as `kecamatan` selects every kecamatan of that kab/kota; a tuple of
    desa codes as `kelurahan` (what a label or a kode wilayah resolved to) selects those desa.
    """
    where = ["v.forgotten_at IS NULL"]
    params: list[Any] = []
    if active_only:
        where.append("r.status = 'AKTIF'")
    if unsur:
        where.append("r.unsur = ?")
        params.append(unsur)
    if isinstance(kelurahan, str) and kelurahan:
        where.append("(r.kode_wilayah = ? OR upper(r.kelurahan) = upper(?))")
        params += [kelurahan, kelurahan]
    elif kelurahan:
        where.append(f"r.kode_wilayah IN ({','.join('?' * len(kelurahan))})")
        params += kelurahan
    if kecamatan and _KABKOTA_CODE.fullmatch(kecamatan):
        where.append("r.kode_kecamatan LIKE ?")
        params.append(kecamatan + ".%")
    elif kecamatan:
        where.append("(r.kode_kecamatan = ? OR upper(r.kecamatan) = upper(?))")
        params += [kecamatan, kecamatan]
    return " AND ".join(where), params


# What select_roles can return, by key (its default: all of them, in this order).
ROLE_SELECT = {
    "volunteer_id": "v.id", "nik": "v.nik", "nama": "v.nama", "jenis_kelamin": "v.jenis_kelamin",
    "tempat_lahir": "v.tempat_lahir", "tgl_lahir": "v.tgl_lahir", "alamat": "v.alamat", "rt_rw": "v.rt_rw",
    "no_hp": "v.no_hp", "role_id": "r.id", "unsur": "r.unsur", "kelurahan": "r.kelurahan", "kecamatan": "r.kecamatan",
    "kode_wilayah": "r.kode_wilayah", "kode_kecamatan": "r.kode_kecamatan", "jabatan": "r.jabatan",
    "status": "r.status",
}  # fmt: skip


def select_roles(
    db: Database,
    *,
    unsur: str | None = None,
    kelurahan: Kelurahan = None,
    kecamatan: str | None = None,
    active_only: bool = True,
    keys: Sequence[str] = tuple(ROLE_SELECT),
) -> list[dict[str, Any]]:
    """Register rows (one per role) with person fields, filtered; kelurahan/kecamatan match name or code.

    `keys` (of ROLE_SELECT) narrows each row to what the caller reads: 100k rows of 17 keys are 100 MB."""
    where, params = role_filter(unsur=unsur, kelurahan=kelurahan, kecamatan=kecamatan, active_only=active_only)
    cols = ", ".join(ROLE_SELECT[k] for k in keys)
    cur = db.execute(
        f"SELECT {cols} FROM roles r JOIN volunteers v ON v.id = r.volunteer_id WHERE {where} {ROLE_ORDER}", params
    )
    return [dict(zip(keys, row, strict=True)) for row in cur]


def kelurahan_codes(db: Database, name: str) -> list[str]:
    """The desa codes the register's roles of kelurahan `name` (any case) carry, sorted."""
    cur = db.execute(
        "SELECT DISTINCT kode_wilayah FROM roles WHERE kode_wilayah IS NOT NULL AND upper(kelurahan) = upper(?) "
        "ORDER BY kode_wilayah",
        [name],
    )
    return [str(row[0]) for row in cur]


def person(db: Database, nik: str) -> dict[str, Any] | None:
    """One volunteer row with its creation batch, or None."""
    cur = db.execute(
        "SELECT v.*, b.file_name AS batch_file, b.sha256 AS batch_sha256, b.created_at AS batch_time "
        "FROM volunteers v LEFT JOIN batches b ON b.id = v.batch_id WHERE v.nik = ?",
        [nik],
    )
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def roles_with_source(db: Database, volunteer_id: int) -> list[dict[str, Any]]:
    """A person's roles, each with the batch that created it."""
    cur = db.execute(
        "SELECT r.*, b.file_name AS batch_file, b.created_at AS batch_time FROM roles r "
        "LEFT JOIN batches b ON b.id = r.batch_id WHERE r.volunteer_id = ? ORDER BY r.unsur",
        [volunteer_id],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur]


def history(db: Database, volunteer_id: int) -> list[dict[str, Any]]:
    """The audit trail of a person, oldest first, with the batch of each change."""
    cur = db.execute(
        "SELECT c.id, c.field, c.old_value, c.new_value, c.sheet, c.row, c.note, r.unsur, "
        "b.id AS batch_id, b.file_name, b.sha256, b.created_at FROM changes c "
        "LEFT JOIN batches b ON b.id = c.batch_id LEFT JOIN roles r ON r.id = c.role_id "
        "WHERE c.volunteer_id = ? ORDER BY c.id",
        [volunteer_id],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur]


def counts(db: Database) -> dict[str, int]:
    """Row counts of the register tables (used by reports and tests)."""
    out: dict[str, int] = {}
    for table in ("volunteers", "roles", "changes", "batches"):
        out[table] = int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    return out

"""Training SQL: trainings, attendance, and the register reads that attendance matching needs.

Dates cross this boundary as `datetime.date` and are stored as ISO TEXT; durations are integer minutes (TRN-02).
Writers here do not commit: the caller wraps them in `write_tx(db)` so one file is one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlite_utils import Database

from psmctl.db.chunked import select_in
from psmctl.db.filters import where, year_text

TRAINING_COLUMNS = "id, name, kind, start_date, end_date, minutes, place, organiser, unsur, created_at"


def _training(row: Sequence[Any]) -> dict[str, Any]:
    keys = [k.strip() for k in TRAINING_COLUMNS.split(",")]
    d = dict(zip(keys, row, strict=True))
    d["start_date"] = date.fromisoformat(d["start_date"])
    d["end_date"] = date.fromisoformat(d["end_date"])
    return d


def insert_training(
    db: Database,
    *,
    name: str,
    kind: str,
    start: date,
    end: date,
    minutes: int,
    place: str | None,
    organiser: str | None,
    unsur: str | None,
    created_at: str,
) -> int:
    """Insert one training and return its id."""
    cur = db.execute(
        "INSERT INTO trainings(name, kind, start_date, end_date, minutes, place, organiser, unsur, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [name, kind, start.isoformat(), end.isoformat(), minutes, place, organiser, unsur, created_at],
    )
    return int(cur.lastrowid or 0)


def find_same_training(db: Database, *, name: str, kind: str, start: date, end: date) -> dict[str, Any] | None:
    """The training with this name (case-insensitive), kind and dates, if it was added before."""
    row = db.execute(
        f"SELECT {TRAINING_COLUMNS} FROM trainings WHERE lower(name) = lower(?) AND kind = ? "
        "AND start_date = ? AND end_date = ? ORDER BY id LIMIT 1",
        [name, kind, start.isoformat(), end.isoformat()],
    ).fetchone()
    return None if row is None else _training(row)


def get_training(db: Database, training_id: int) -> dict[str, Any] | None:
    """One training by id, or None."""
    row = db.execute(f"SELECT {TRAINING_COLUMNS} FROM trainings WHERE id = ?", [training_id]).fetchone()
    return None if row is None else _training(row)


def list_trainings(db: Database, *, year: int | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """Trainings (optionally of one year, by end date, and one kind) with their number of attendees."""
    clause, params = where({"substr(t.end_date, 1, 4) = ?": year_text(year), "t.kind = ?": kind})
    cols = ", ".join(f"t.{c.strip()}" for c in TRAINING_COLUMNS.split(","))
    sql = (
        f"SELECT {cols}, (SELECT count(*) FROM attendance a WHERE a.training_id = t.id) FROM trainings t"
        f"{clause} ORDER BY t.start_date, t.id"
    )
    out = []
    for row in db.execute(sql, params).fetchall():
        d = _training(row[:-1])
        d["peserta"] = int(row[-1])
        out.append(d)
    return out


def attendance_of_training(db: Database, training_id: int) -> list[dict[str, Any]]:
    """Attendance of one training with each person's NIK and name, by name."""
    rows = db.execute(
        "SELECT a.volunteer_id, v.nik, v.nama, a.minutes, a.status, a.certificate_no, a.certificate_date, "
        "a.certificate_valid_until, a.matched_by, a.note FROM attendance a JOIN volunteers v ON v.id = a.volunteer_id "
        "WHERE a.training_id = ? ORDER BY v.nama, v.nik",
        [training_id],
    ).fetchall()
    keys = (
        "volunteer_id",
        "nik",
        "nama",
        "minutes",
        "status",
        "certificate_no",
        "certificate_date",
        "certificate_valid_until",
        "matched_by",
        "note",
    )
    return [dict(zip(keys, r, strict=True)) for r in rows]


def existing_attendance(db: Database, training_id: int) -> dict[int, dict[str, Any]]:
    """What is recorded for a training now, per volunteer_id (the fields an import may change)."""
    rows = db.execute(
        "SELECT volunteer_id, minutes, status, certificate_no, certificate_date, certificate_valid_until, note "
        "FROM attendance WHERE training_id = ?",
        [training_id],
    ).fetchall()
    return {
        int(r[0]): {
            "minutes": r[1],
            "status": r[2],
            "certificate_no": r[3],
            "certificate_date": r[4],
            "certificate_valid_until": r[5],
            "note": r[6],
        }
        for r in rows
    }


def upsert_attendance(db: Database, training_id: int, rows: Iterable[dict[str, Any]], batch_id: int) -> None:
    """Insert or update attendance (one per person per training); call inside write_tx."""
    for r in rows:
        db.execute(
            "INSERT INTO attendance(training_id, volunteer_id, minutes, status, certificate_no, certificate_date, "
            "certificate_valid_until, matched_by, batch_id, sheet, row, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(training_id, volunteer_id) DO UPDATE SET minutes = excluded.minutes, "
            "status = excluded.status, certificate_no = excluded.certificate_no, "
            "certificate_date = excluded.certificate_date, "
            "certificate_valid_until = excluded.certificate_valid_until, matched_by = excluded.matched_by, "
            "batch_id = excluded.batch_id, sheet = excluded.sheet, row = excluded.row, note = excluded.note",
            [
                training_id,
                r["volunteer_id"],
                r["minutes"],
                r["status"],
                r.get("certificate_no"),
                r.get("certificate_date"),
                r.get("certificate_valid_until"),
                r.get("matched_by", "nik"),
                batch_id,
                r.get("sheet"),
                r.get("row"),
                r.get("note"),
            ],
        )


def insert_batch(
    db: Database, *, kind: str, file_name: str | None, sha256: str | None, created_at: str, note: str | None = None
) -> int:
    """Record one import batch (call inside write_tx) and return its id."""
    cur = db.execute(
        "INSERT INTO batches(kind, file_name, sha256, created_at, note) VALUES (?, ?, ?, ?, ?)",
        [kind, file_name, sha256, created_at, note],
    )
    return int(cur.lastrowid or 0)


def people_by_nik(db: Database, niks: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Register people for the given NIKs: {nik: {volunteer_id, nama, tgl_lahir}}."""
    wanted = sorted(set(niks))
    rows = select_in(db, "SELECT id, nik, nama, tgl_lahir FROM volunteers WHERE nik IN ({marks})", wanted)
    return {
        str(nik): {"volunteer_id": int(vid), "nik": nik, "nama": nama, "tgl_lahir": _date(tgl)}
        for vid, nik, nama, tgl in rows
    }


def name_candidates(db: Database) -> list[dict[str, Any]]:
    """Every (person, role place) pair, for matching attendance rows without NIK by name + kelurahan."""
    rows = db.execute(
        "SELECT v.id, v.nik, v.nama, v.tgl_lahir, r.kelurahan, r.kecamatan, r.unsur "
        "FROM volunteers v JOIN roles r ON r.volunteer_id = v.id WHERE v.forgotten_at IS NULL ORDER BY v.id, r.id"
    ).fetchall()
    keys = ("volunteer_id", "nik", "nama", "tgl_lahir", "kelurahan", "kecamatan", "unsur")
    out = [dict(zip(keys, r, strict=True)) for r in rows]
    for d in out:
        d["tgl_lahir"] = _date(d["tgl_lahir"])
    return out


def volunteer_by_key(db: Database, nik_or_id: str | int) -> dict[str, Any] | None:
    """A person by NIK (text) or volunteer id (int): {volunteer_id, nik, nama}."""
    if isinstance(nik_or_id, int):
        row = db.execute("SELECT id, nik, nama FROM volunteers WHERE id = ?", [nik_or_id]).fetchone()
    else:
        row = db.execute("SELECT id, nik, nama FROM volunteers WHERE nik = ?", [nik_or_id]).fetchone()
    return None if row is None else {"volunteer_id": int(row[0]), "nik": row[1], "nama": row[2]}


def _date(value: object) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def attendance_facts(db: Database, *, volunteer_id: int | None = None) -> list[dict[str, Any]]:
    """Every attendance joined with its training (or one person's); dates as `date`."""
    sql = (
        "SELECT a.volunteer_id, t.id, t.name, t.kind, t.start_date, t.end_date, a.minutes, a.status, t.unsur, "
        "a.certificate_no, a.certificate_date, a.certificate_valid_until "
        "FROM attendance a JOIN trainings t ON t.id = a.training_id"
    )
    params: list[Any] = []
    if volunteer_id is not None:
        sql += " WHERE a.volunteer_id = ?"
        params.append(volunteer_id)
    keys = (
        "volunteer_id",
        "training_id",
        "training_name",
        "kind",
        "start",
        "end",
        "minutes",
        "status",
        "unsur",
        "certificate_no",
        "certificate_date",
        "certificate_valid_until",
    )
    out = []
    for r in db.execute(sql, params).fetchall():
        d = dict(zip(keys, r, strict=True))
        for k in ("start", "end", "certificate_date", "certificate_valid_until"):
            d[k] = _date(d[k])
        out.append(d)
    return out

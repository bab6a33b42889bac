"""SQL of the incident register: incidents (fixed once recorded) and their append-only updates."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlite_utils import Database

from psmctl.db.chunked import MARKS, select_in
from psmctl.db.filters import where, year_text

INCIDENT_COLUMNS = (
    "volunteer_id", "kind", "occurred_on", "occurred_time", "place", "description", "report_deadline",
    "deadline_basis", "claim_limit_on", "verdict", "verdict_computed_at", "known_on", "created_at",
)  # fmt: skip
UPDATE_COLUMNS = ("incident_id", "status", "on_date", "amount_rupiah", "documents", "note", "reason", "created_at")


class IncidentRow(NamedTuple):
    """One stored incident with its person's NIK and name."""

    id: int
    volunteer_id: int
    nik: str
    nama: str
    kind: str
    occurred_on: str
    occurred_time: str | None
    place: str
    description: str
    report_deadline: str | None
    deadline_basis: str
    claim_limit_on: str | None
    verdict: str
    verdict_computed_at: str
    known_on: str
    created_at: str


class UpdateRow(NamedTuple):
    """One stored update of an incident."""

    id: int
    incident_id: int
    status: str
    on_date: str
    amount_rupiah: int | None
    documents: str
    note: str | None
    reason: str | None
    created_at: str


_SELECT = (
    "SELECT i.id, i.volunteer_id, v.nik, v.nama, i.kind, i.occurred_on, i.occurred_time, i.place, i.description, "
    "i.report_deadline, i.deadline_basis, i.claim_limit_on, i.verdict, i.verdict_computed_at, i.known_on, "
    "i.created_at FROM incidents i JOIN volunteers v ON v.id = i.volunteer_id"
)


def insert_incident(db: Database, values: dict[str, Any]) -> int:
    """Store one incident (call inside ``write_tx``); returns its id."""
    cols = ", ".join(INCIDENT_COLUMNS)
    marks = ", ".join("?" * len(INCIDENT_COLUMNS))
    cur = db.execute(f"INSERT INTO incidents ({cols}) VALUES ({marks})", [values[c] for c in INCIDENT_COLUMNS])
    return int(cur.lastrowid or 0)


def insert_update(db: Database, values: dict[str, Any]) -> int:
    """Store one update of an incident (call inside ``write_tx``); returns its id."""
    cols = ", ".join(UPDATE_COLUMNS)
    marks = ", ".join("?" * len(UPDATE_COLUMNS))
    cur = db.execute(f"INSERT INTO incident_updates ({cols}) VALUES ({marks})", [values[c] for c in UPDATE_COLUMNS])
    return int(cur.lastrowid or 0)


def get_incident(db: Database, incident_id: int) -> IncidentRow | None:
    """One incident, or None."""
    row = db.execute(f"{_SELECT} WHERE i.id = ?", [incident_id]).fetchone()
    return None if row is None else IncidentRow(*row)


def list_incidents(
    db: Database, *, volunteer_id: int | None = None, year: int | None = None, until: str | None = None
) -> list[IncidentRow]:
    """Incidents, oldest first; of one person, of one year (by incident date), or up to a date."""
    clause, params = where(
        {
            "i.volunteer_id = ?": volunteer_id,
            "substr(i.occurred_on, 1, 4) = ?": year_text(year),
            "i.occurred_on <= ?": until,
        }
    )
    sql = f"{_SELECT}{clause} ORDER BY i.occurred_on, i.id"
    return [IncidentRow(*r) for r in db.execute(sql, params).fetchall()]


def updates_of(db: Database, incident_ids: list[int] | None = None) -> dict[int, list[UpdateRow]]:
    """Updates per incident, in the order they were recorded (None: of every incident)."""
    sql = f"SELECT id, {', '.join(UPDATE_COLUMNS)} FROM incident_updates"
    # Chunks split by incident, so each incident's updates still come in the order recorded.
    rows = (
        db.execute(sql + " ORDER BY id")
        if incident_ids is None
        else select_in(db, sql + f" WHERE incident_id IN ({MARKS}) ORDER BY id", incident_ids)
    )
    out: dict[int, list[UpdateRow]] = {}
    for r in rows:
        u = UpdateRow(*r)
        out.setdefault(u.incident_id, []).append(u)
    return out


def payments_recorded_after(db: Database, volunteer_id: int, after: str) -> list[dict[str, Any]]:
    """A person's payments whose batch was recorded after a timestamp, and voids made after it (evidence of why
    a recomputed verdict differs)."""
    cur = db.execute(
        "SELECT p.id, p.iuran_month, p.paid_on, p.total_rupiah, p.pks_no, p.pks_start, b.created_at, "
        "NULL AS void_reason FROM payments p JOIN batches b ON b.id = p.batch_id "
        "WHERE p.volunteer_id = ? AND b.created_at > ? "
        "UNION ALL SELECT p.id, p.iuran_month, p.paid_on, p.total_rupiah, p.pks_no, p.pks_start, v.voided_at, "
        "v.reason FROM payment_voids v JOIN payments p ON p.id = v.payment_id "
        "WHERE p.volunteer_id = ? AND v.voided_at > ? ORDER BY 7, 1",
        [volunteer_id, after, volunteer_id, after],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def forget(db: Database, volunteer_id: int) -> None:
    """Blank the free text of a person's incidents and updates on erasure (their dates and verdicts stay)."""
    db.execute("UPDATE incidents SET place = '', description = '' WHERE volunteer_id = ?", [volunteer_id])
    db.execute(
        "UPDATE incident_updates SET note = NULL WHERE incident_id IN "
        "(SELECT id FROM incidents WHERE volunteer_id = ?)",
        [volunteer_id],
    )

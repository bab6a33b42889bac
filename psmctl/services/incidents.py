"""`psmctl incident`: record, update, list and show incidents through db/incidents, with the rules of incidents.py.

The verdict comes from ``ledger.check``, the same answer as `coverage check` (one coverage path).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from psmctl.db import incidents as idb
from psmctl.db import snapshot, write_tx
from psmctl.errors import InputError, NotFound
from psmctl.rules import incidents as rules
from psmctl.rules.nik import require_nik
from psmctl.rules.payment_lines import rules_from
from psmctl.rules.privacy import mask_nik
from psmctl.rules.settings import Settings
from psmctl.services import ledger

if TYPE_CHECKING:
    from sqlite_utils import Database


def add(
    db: Database,
    *,
    nik: str,
    on: date,
    at: str | None,
    kind_id: str,
    place: str,
    description: str,
    settings: Settings,
    now: datetime,
) -> dict[str, Any]:
    """Record an incident with the coverage verdict on its date as the ledger is known now; returns `show`."""
    kinds = rules.load_kinds()
    kind = kinds.get(kind_id)
    number = require_nik(nik)
    at_time = rules.parse_time(at)
    if on > now.date():
        raise InputError(f"tanggal kejadian {on} ada di masa depan")
    if not place.strip() or not description.strip():
        raise InputError("--place dan --description wajib diisi")
    check = ledger.check(db, number, on=on, known_on=now.date(), settings=settings)
    deadline, basis = rules.report_deadline(kind, on, at_time)
    jkk = rules_from(settings).table.benefit("JKK", on)
    limit = rules.claim_limit(kind, on, None if jkk is None else int(jkk.get("claim_years")))
    vid = _volunteer_id(db, number)
    stamp = now.isoformat(timespec="seconds")
    with write_tx(db):
        new_id = idb.insert_incident(
            db,
            {
                "volunteer_id": vid, "kind": kind.id, "occurred_on": on.isoformat(),
                "occurred_time": None if at_time is None else at_time.strftime("%H:%M"),
                "place": place.strip(), "description": description.strip(),
                "report_deadline": None if deadline is None else deadline.isoformat(timespec="minutes"),
                "deadline_basis": basis, "claim_limit_on": None if limit is None else limit.isoformat(),
                "verdict": rules.verdict_json(check, kind), "verdict_computed_at": stamp,
                "known_on": now.date().isoformat(), "created_at": stamp,
            },
        )  # fmt: skip
    return show(db, new_id, settings=settings, now=now)


def _volunteer_id(db: Database, number: str) -> int:
    from psmctl.db.payments import volunteer_by_nik

    found = volunteer_by_nik(db, number)
    if found is None:
        raise NotFound(f"NIK {mask_nik(number)} tidak ada di register")
    return found[0]


def update(
    db: Database,
    incident_id: int,
    *,
    status: str,
    on: date,
    amount: int | None,
    note: str | None,
    reason: str | None,
    documents: list[str],
    now: datetime,
) -> dict[str, Any]:
    """Append one update (a step of the claim, or a correction with its reason); returns the new state."""
    inc = _get(db, incident_id)
    kind = rules.load_kinds().get(inc.kind)
    known = {d.key for d in kind.documents}
    unknown = [d for d in documents if d not in known]
    if unknown:
        raise InputError(
            f"dokumen {', '.join(unknown)} tidak ada di daftar {kind.id}; pilih: {', '.join(sorted(known))}"
        )
    if on < date.fromisoformat(inc.occurred_on) or on > now.date():
        raise InputError(f"--on {on} harus antara tanggal kejadian {inc.occurred_on} dan hari ini")
    st = _state(inc, idb.updates_of(db, [incident_id]).get(incident_id, []), now)
    rules.check_update(st.status, status, amount=amount, reason=reason, documents=documents)
    with write_tx(db):
        idb.insert_update(
            db,
            {
                "incident_id": incident_id, "status": status, "on_date": on.isoformat(), "amount_rupiah": amount,
                "documents": ",".join(documents), "note": (note or "").strip() or None,
                "reason": (reason or "").strip() or None, "created_at": now.isoformat(timespec="seconds"),
            },
        )  # fmt: skip
    return summary_row(inc, idb.updates_of(db, [incident_id]).get(incident_id, []), now)


def _get(db: Database, incident_id: int) -> idb.IncidentRow:
    inc = idb.get_incident(db, incident_id)
    if inc is None:
        raise NotFound(f"kejadian #{incident_id} tidak ada")
    return inc


def _updates(rows: list[idb.UpdateRow]) -> list[dict[str, Any]]:
    return [u._asdict() for u in rows]


def _state(inc: idb.IncidentRow, updates: list[idb.UpdateRow], now: datetime) -> rules.State:
    deadline = datetime.fromisoformat(inc.report_deadline) if inc.report_deadline else None
    limit = date.fromisoformat(inc.claim_limit_on) if inc.claim_limit_on else None
    return rules.state_of(deadline=deadline, limit=limit, updates=_updates(updates), now=now)


def summary_row(inc: idb.IncidentRow, updates: list[idb.UpdateRow], now: datetime) -> dict[str, Any]:
    """One incident as a list row: who, when, what, stored verdict per programme, where the claim stands."""
    st = _state(inc, updates, now)
    verdict = json.loads(inc.verdict)
    covered = {p: verdict["programs"][p]["covered"] for p in verdict["programmes_concerned"]}
    return {
        "id": inc.id, "nik": inc.nik, "nama": inc.nama, "kind": inc.kind, "occurred_on": inc.occurred_on,
        "occurred_time": inc.occurred_time, "place": inc.place, "status_kepesertaan": verdict["status"],
        "terlindungi": ", ".join(f"{p} {'ya' if c else 'tidak'}" for p, c in covered.items()),
        "report_deadline": inc.report_deadline, "status": st.status,
        "reported_on": None if st.reported_on is None else st.reported_on.isoformat(),
        "overdue": st.overdue, "reported_late": st.reported_late, "claim_limit_on": inc.claim_limit_on,
        "claim_days_left": st.claim_days_left, "paid_rupiah": st.paid_rupiah,
    }  # fmt: skip


@snapshot
def list_rows(
    db: Database, *, now: datetime, year: int | None = None, status: str | None = None, overdue: bool = False
) -> list[dict[str, Any]]:
    """`incident list`: incidents of a year, with a status, or past their report deadline."""
    if status is not None and status not in rules.STATUSES:
        raise InputError(f"status '{status}' tidak dikenal; pilih: {', '.join(rules.STATUSES)}")
    found = idb.list_incidents(db, year=year)
    ups = idb.updates_of(db, [i.id for i in found])
    rows = [summary_row(i, ups.get(i.id, []), now) for i in found]
    return [r for r in rows if (status is None or r["status"] == status) and (not overdue or r["overdue"])]


@snapshot
def show(db: Database, incident_id: int, *, settings: Settings, now: datetime) -> dict[str, Any]:
    """`incident show`: the stored verdict, today's recomputation and why it differs, checklist and updates."""
    inc = _get(db, incident_id)
    kind = rules.load_kinds().get(inc.kind)
    ups = idb.updates_of(db, [incident_id]).get(incident_id, [])
    stored = json.loads(inc.verdict)
    on = date.fromisoformat(inc.occurred_on)
    today_check = ledger.check(db, inc.nik, on=on, known_on=max(now.date(), on), settings=settings)
    diff = rules.differences(stored, today_check, kind.programmes)
    why = rules.why_changed(idb.payments_recorded_after(db, inc.volunteer_id, inc.verdict_computed_at),
                            stored, today_check, on) if diff else []  # fmt: skip
    st = _state(inc, ups, now)
    return {
        **summary_row(inc, ups, now),
        "kind_label": kind.label, "description": inc.description, "deadline_basis": inc.deadline_basis,
        "verdict": stored, "verdict_computed_at": inc.verdict_computed_at, "known_on": inc.known_on,
        "recomputed": {
            "on": now.date().isoformat(), "status": today_check["status"],
            "programs": {p: today_check["programs"][p] for p in kind.programmes},
            "differs": bool(diff), "differences": diff, "why": why,
        },
        "documents": [{"key": d.key, "label": d.label, "received": d.key in st.documents} for d in kind.documents],
        "updates": _updates(ups),
    }  # fmt: skip


def for_volunteer(db: Database, nik: str, *, now: datetime) -> list[dict[str, Any]]:
    """A person's incidents as list rows (for `volunteers show`)."""
    from psmctl.db.payments import volunteer_by_nik

    found = volunteer_by_nik(db, nik)
    if found is None:
        return []
    incs = idb.list_incidents(db, volunteer_id=found[0])
    ups = idb.updates_of(db, [i.id for i in incs])
    return [summary_row(i, ups.get(i.id, []), now) for i in incs]


def warnings(db: Database, *, now: datetime) -> list[str]:
    """Lines for `summary`: reports past their 2 × 24-hour deadline, open claims near or past their limitation."""
    warn_days = rules.load_kinds().claim_warn_days
    out = []
    for r in list_rows(db, now=now):
        if r["overdue"]:
            out.append(f"kejadian #{r['id']} ({r['kind']}, {r['occurred_on']}): belum dilaporkan ke BPJS, batas "
                       f"{r['report_deadline']} sudah lewat (BEN-03)")  # fmt: skip
        left = r["claim_days_left"]
        if left is not None and left < 0:
            out.append(f"kejadian #{r['id']}: batas klaim {r['claim_limit_on']} sudah lewat (BEN-02)")
        elif left is not None and left <= warn_days:
            out.append(f"kejadian #{r['id']}: klaim belum selesai, batas klaim {r['claim_limit_on']} "
                       f"tinggal {left} hari (BEN-02)")  # fmt: skip
    return out

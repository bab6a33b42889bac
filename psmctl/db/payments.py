"""SQL of the iuran ledger: payments (append-only) and their voids; coverage is computed from them, never stored."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlite_utils import Database

from psmctl.db.chunked import CHUNK, insert_rows, select_in
from psmctl.db.volunteers import ROLE_ORDER, Kelurahan, role_filter

PAYMENT_COLUMNS = (
    "volunteer_id", "segment", "iuran_month", "paid_on", "income_rupiah", "programs",
    "jkk_rupiah", "jkm_rupiah", "jht_rupiah", "jp_rupiah", "jkp_rupiah", "total_rupiah", "expected_rupiah",
    "funding", "reference", "line_key", "risk_class", "pks_no", "pks_start", "batch_id", "sheet", "row", "note",
)  # fmt: skip

# What coverage reads, one ordered query: not voided, by person then paid date.
LEDGER_COLUMNS = (
    "volunteer_id", "id", "iuran_month", "paid_on", "programs", "total_rupiah", "segment", "reference",
    "funding", "income_rupiah", "risk_class", "expected_rupiah", "pks_no", "pks_start",
)  # fmt: skip


def insert_payments(db: Database, rows: Iterable[Sequence[Any]]) -> int:
    """Insert payment rows (tuples in PAYMENT_COLUMNS order); an identical payment already present is skipped.

    Returns the number of rows actually inserted. Call inside ``write_tx`` so that it is one transaction.
    """
    before = db.conn.total_changes
    insert_rows(db, "payments", PAYMENT_COLUMNS, rows, " ON CONFLICT DO NOTHING")
    return int(db.conn.total_changes - before)


def existing_payment_keys(db: Database, volunteer_ids: Iterable[int]) -> set[tuple[int, str, str, str, str, int]]:
    """Natural keys (volunteer, month, paid date, reference, programs, total) already in the ledger."""
    ids = sorted(set(volunteer_ids))
    sql = (
        "SELECT volunteer_id, iuran_month, paid_on, reference, programs, total_rupiah FROM payments "
        "WHERE volunteer_id IN ({marks})"
    )
    return {(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), int(r[5])) for r in select_in(db, sql, ids)}


def ledger_rows(db: Database, volunteer_ids: Sequence[int] | None = None) -> Iterator[tuple[Any, ...]]:
    """Every non-voided payment (LEDGER_COLUMNS order), grouped by volunteer (index order); one query."""
    cols = ", ".join(f"p.{c}" for c in LEDGER_COLUMNS)
    where = "v.payment_id IS NULL"
    params: list[Any] = []
    if volunteer_ids is not None:
        if len(volunteer_ids) > CHUNK:
            # Large selections: read everything once and let the caller filter (faster than many IN lists).
            wanted = set(volunteer_ids)
            for row in ledger_rows(db):
                if row[0] in wanted:
                    yield row
            return
        where += f" AND p.volunteer_id IN ({','.join('?' * len(volunteer_ids))})"
        params = list(volunteer_ids)
    yield from db.conn.execute(
        f"SELECT {cols} FROM payments p LEFT JOIN payment_voids v ON v.payment_id = p.id "
        f"WHERE {where} ORDER BY p.volunteer_id, p.iuran_month, p.paid_on",  # the UNIQUE index order: no sort
        params,
    )


def list_payments(
    db: Database, *, nik: str | None = None, month: str | None = None, include_voided: bool = True
) -> list[dict[str, Any]]:
    """Ledger rows with the person's NIK and name and, when voided, the void reason."""
    where, params = ["1 = 1"], []
    if nik:
        where.append("w.nik = ?")
        params.append(nik)
    if month:
        where.append("p.iuran_month = ?")
        params.append(month)
    if not include_voided:
        where.append("v.id IS NULL")
    cur = db.execute(
        "SELECT p.id, w.nik, w.nama, p.iuran_month, p.paid_on, p.segment, p.programs, p.jkk_rupiah, p.jkm_rupiah, "
        "p.jht_rupiah, p.jp_rupiah, p.total_rupiah, p.expected_rupiah, p.funding, p.reference, p.pks_no, "
        "p.batch_id, p.note AS keterangan, v.reason AS void_reason, v.voided_at "
        "FROM payments p JOIN volunteers w ON w.id = p.volunteer_id "
        "LEFT JOIN payment_voids v ON v.payment_id = p.id "
        f"WHERE {' AND '.join(where)} ORDER BY p.iuran_month, w.nama, w.nik, p.paid_on, p.id",
        params,
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur]


def get_payment(db: Database, payment_id: int) -> dict[str, Any] | None:
    """One payment with its person and void state, or None."""
    cur = db.execute(
        "SELECT p.*, w.nik, w.nama, v.reason AS void_reason, v.voided_at FROM payments p "
        "JOIN volunteers w ON w.id = p.volunteer_id LEFT JOIN payment_voids v ON v.payment_id = p.id "
        "WHERE p.id = ?",
        [payment_id],
    )
    row = cur.fetchone()
    return None if row is None else dict(zip([d[0] for d in cur.description], row, strict=True))


def insert_void(db: Database, *, payment_id: int, reason: str, voided_at: str, batch_id: int | None) -> int:
    """Record a void of one payment (the payment row itself never changes)."""
    cur = db.execute(
        "INSERT INTO payment_voids(payment_id, reason, voided_at, batch_id) VALUES (?, ?, ?, ?)",
        [payment_id, reason, voided_at, batch_id],
    )
    return int(cur.lastrowid or 0)


def insert_batch(
    db: Database, *, kind: str, file_name: str | None, sha256: str | None, created_at: str, note: str | None
) -> int:
    """Record the batch that recorded payments (kind 'payments') and return its id."""
    cur = db.execute(
        "INSERT INTO batches(kind, file_name, sha256, created_at, note) VALUES (?, ?, ?, ?, ?)",
        [kind, file_name, sha256, created_at, note],
    )
    return int(cur.lastrowid or 0)


def register_people(
    db: Database, *, kecamatan: str | None = None, volunteer_id: int | None = None
) -> list[tuple[int, str, str, str | None]]:
    """(volunteer id, NIK, name, kode kecamatan) of everyone on the register, not erased, once each, ordered by id;
    the kode kecamatan of the person's active role first, else of any role (None without one).

    ``kecamatan`` is the area filter of the register reports (`role_filter`: a kecamatan name or code, or a kab/kota
    code from --kabkota): only the people with a role there, of any status; ``volunteer_id`` only that person.
    """
    where, params = role_filter(unsur=None, kelurahan=None, kecamatan=kecamatan, active_only=False)
    if volunteer_id is not None:
        where += " AND v.id = ?"
        params.append(volunteer_id)
    out: list[tuple[int, str, str, str | None]] = []
    last = None
    for vid, nik, nama, kode in db.conn.execute(
        "SELECT v.id, v.nik, v.nama, r.kode_kecamatan FROM volunteers v LEFT JOIN roles r ON r.volunteer_id = v.id "
        f"WHERE {where} ORDER BY v.id, r.status IS NOT 'AKTIF', r.id",
        params,
    ):
        if vid != last:
            out.append((int(vid), str(nik), str(nama), kode))
            last = vid
    return out


def volunteer_by_nik(db: Database, nik: str) -> tuple[int, str] | None:
    """(id, name) of the volunteer with this NIK, or None."""
    row = db.execute("SELECT id, nama FROM volunteers WHERE nik = ?", [nik]).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


# One text per person holding every field coverage reads of each non-voided row (docs/rules.md §4.9, §5): iuran
# month and paid date (17 characters), then the rest split by \x1f; rows split by \x1e. People with the same text
# have the same payment history and share one coverage answer (coverage_reports.Histories).
HISTORY_FIELDS = ("programs", "total_rupiah", "expected_rupiah", "segment", "funding", "income_rupiah", "risk_class",
                  "pks_start", "pks_no")  # fmt: skip
_ROW_TEXT = (
    "printf('%s%s"
    + "\x1f%s" * len(HISTORY_FIELDS)
    + "', p.iuran_month, p.paid_on, "
    + ", ".join(f"p.{c}" for c in HISTORY_FIELDS)
    + ")"
)


def ledger_histories(
    db: Database, volunteer_ids: Sequence[int] | None = None, evidence_month: str | None = None
) -> Iterator[tuple[int, str, str | None]]:
    """(volunteer_id, history text, evidence) per volunteer with non-voided payments; see HISTORY_FIELDS. One query.

    With ``evidence_month``, evidence holds that iuran month's rows as 'id\x1fpaid_on\x1fprograms\x1freference',
    split by \x1e (the ids and references a status names), else None.
    """
    evidence = "NULL"
    params: list[Any] = []
    if evidence_month is not None:
        evidence = (
            "group_concat(CASE WHEN p.iuran_month = ? THEN printf('%d\x1f%s\x1f%s\x1f%s', p.id, p.paid_on, "
            "p.programs, replace(replace(p.reference, char(30), ' '), char(31), ' ')) END, char(30))"
        )
        params = [evidence_month]
    sql = (
        f"SELECT p.volunteer_id, group_concat({_ROW_TEXT}, char(30)), {evidence} FROM payments p "
        "WHERE p.id NOT IN (SELECT payment_id FROM payment_voids) {where}GROUP BY p.volunteer_id"
    )
    if volunteer_ids is None:
        yield from db.conn.execute(sql.format(where=""), params)
        return
    ids = list(volunteer_ids)
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        where = f"AND p.volunteer_id IN ({','.join('?' * len(chunk))}) "
        yield from db.conn.execute(sql.format(where=where), [*params, *chunk])


def register_roles(
    db: Database, *, unsur: str | None = None, kelurahan: Kelurahan = None, kecamatan: str | None = None
) -> list[tuple[int, str, str, str | None, str, str | None, str | None, str | None]]:
    """Active roles of people not erased as (volunteer_id, nik, nama, kelurahan, unsur, kecamatan, kode_kecamatan,
    kode_wilayah).

    The rows, filters and order of ``volunteers.select_roles(active_only=True)``, only the columns the coverage
    reports print (a 100,000-role register without a dict per row).
    """
    where, params = role_filter(unsur=unsur, kelurahan=kelurahan, kecamatan=kecamatan)
    return db.conn.execute(
        "SELECT v.id, v.nik, v.nama, r.kelurahan, r.unsur, r.kecamatan, r.kode_kecamatan, r.kode_wilayah "
        f"FROM roles r JOIN volunteers v ON v.id = r.volunteer_id WHERE {where} {ROLE_ORDER}",
        params,
    ).fetchall()


def month_payments(db: Database, months: Sequence[str]) -> list[tuple[int, int, str, str, str, str]]:
    """Non-voided payments of the given iuran months: (volunteer_id, id, month, paid_on, programs, reference)."""
    marks = ",".join("?" * len(months))
    return db.conn.execute(
        f"SELECT p.volunteer_id, p.id, p.iuran_month, p.paid_on, p.programs, p.reference FROM payments p "
        f"WHERE p.iuran_month IN ({marks}) AND p.id NOT IN (SELECT payment_id FROM payment_voids) "
        "ORDER BY p.volunteer_id, p.iuran_month, p.paid_on, p.id",
        list(months),
    ).fetchall()


def double_candidates(db: Database) -> list[tuple[int, int, str, str, str, str]]:
    """Non-voided payments of every (person, iuran month) paid more than once, to be judged by
    ledger_rules.doubles: (volunteer_id, id, month, paid_on, programs, reference)."""
    live = "id NOT IN (SELECT payment_id FROM payment_voids)"
    return db.conn.execute(
        "SELECT p.volunteer_id, p.id, p.iuran_month, p.paid_on, p.programs, p.reference FROM payments p "
        f"JOIN (SELECT volunteer_id, iuran_month FROM payments WHERE {live} GROUP BY volunteer_id, iuran_month "
        "HAVING count(*) > 1) d ON d.volunteer_id = p.volunteer_id AND d.iuran_month = p.iuran_month "
        f"WHERE p.{live} ORDER BY p.volunteer_id, p.iuran_month, p.paid_on, p.id"
    ).fetchall()

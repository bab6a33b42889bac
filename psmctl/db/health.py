"""Database health checks and maintenance queries (`psmctl db check`, `psmctl db backup`, forgetting a person)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from psmctl.db.migrations import migrations


def check(db: Database) -> list[str]:
    """Every problem found, as plain Indonesian lines; an empty list means healthy."""
    problems: list[str] = []
    rows = [str(r[0]) for r in db.execute("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        problems += [f"integritas: {r}" for r in rows[:20]]
    for table, rowid, parent, _fk in db.execute("PRAGMA foreign_key_check").fetchall()[:20]:
        problems.append(f"kunci asing: {table} baris {rowid} menunjuk {parent} yang tidak ada")
    pending = [m.name for m in migrations.pending(db)]
    if pending:
        problems.append(f"skema belum diperbarui: {', '.join(pending)}")
    tables = set(db.table_names())
    if "payment_voids" in tables and "payments" in tables:
        orphan = db.execute(
            "SELECT count(*) FROM payment_voids v LEFT JOIN payments p ON p.id = v.payment_id WHERE p.id IS NULL"
        ).fetchone()[0]
        if orphan:
            problems.append(f"buku iuran: {orphan} pembatalan menunjuk pembayaran yang tidak ada")
        # The ledger is append-only: a wrong payment is voided, never deleted, so it is judged net of voids.
        negative = db.execute(
            "SELECT count(*) FROM payments WHERE total_rupiah < 0 AND id NOT IN (SELECT payment_id FROM payment_voids)"
        ).fetchone()[0]
        if negative:
            problems.append(f"buku iuran: {negative} pembayaran bernilai negatif yang belum dibatalkan")
    if "roles" in tables:
        bad = db.execute("SELECT count(*) FROM roles WHERE status NOT IN ('AKTIF', 'BERHENTI')").fetchone()[0]
        if bad:
            problems.append(f"register: {bad} peran dengan status tidak dikenal")
    return problems


def summary(db: Database) -> dict[str, Any]:
    """Row counts of the main tables, for the check report."""
    out: dict[str, Any] = {}
    for table in ("volunteers", "roles", "payments", "payment_voids", "trainings", "attendance", "batches"):
        if table in db.table_names():
            out[table] = int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    return out


def forget(db: Database, volunteer_id: int, *, batch_id: int, reason: str, at: str) -> None:
    """Erase a person's personal data, keeping an anonymous placeholder so counts and payment totals still add up.

    Run it inside erasure.exclusive: with secure_delete on (every connection) the old values are zeroed in the
    pages, and the checkpoint there moves those pages into the file and empties the WAL."""
    placeholder = f"DIHAPUS-{volunteer_id:08d}"
    db.execute(
        "UPDATE volunteers SET nik = ?, nama = ?, tempat_lahir = NULL, tgl_lahir = NULL, alamat = NULL, rt_rw = NULL, "
        "no_hp = NULL, pendidikan = NULL, pekerjaan = NULL, no_kk = NULL, forgotten_at = ? WHERE id = ?",
        [placeholder, "(data pribadi dihapus)", at, volunteer_id],
    )
    # Incident places, descriptions and claim notes may name the person or their family.
    from psmctl.db.incidents import forget as forget_incidents

    forget_incidents(db, volunteer_id)
    # The audit trail held the old values: they are personal data too.
    db.execute("UPDATE changes SET old_value = NULL, new_value = NULL WHERE volunteer_id = ?", [volunteer_id])
    db.execute(
        "INSERT INTO changes(volunteer_id, field, old_value, new_value, batch_id, note) "
        "VALUES (?, ?, NULL, NULL, ?, ?)",
        [volunteer_id, "*", batch_id, f"data pribadi dihapus: {reason}"],
    )

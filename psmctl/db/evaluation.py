"""SQL of the year-end evaluation: the ledger's money of one year, read as the ledger holds it (voids excluded)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database


def paid_by_programme(db: Database, year: int) -> list[dict[str, Any]]:
    """Non-voided ledger money of the iuran months of one year, per iuran month and funding source."""
    cur = db.execute(
        "SELECT p.iuran_month AS month, p.funding AS funding, count(*) AS rows, "
        "sum(p.jkk_rupiah) AS jkk_rupiah, sum(p.jkm_rupiah) AS jkm_rupiah, sum(p.jht_rupiah) AS jht_rupiah, "
        "sum(p.jp_rupiah) AS jp_rupiah, sum(p.jkp_rupiah) AS jkp_rupiah, sum(p.total_rupiah) AS total_rupiah "
        "FROM payments p WHERE substr(p.iuran_month, 1, 4) = ? "
        "AND NOT EXISTS (SELECT 1 FROM payment_voids v WHERE v.payment_id = p.id) "
        "GROUP BY p.iuran_month, p.funding ORDER BY p.iuran_month, p.funding",
        [f"{year:04d}"],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

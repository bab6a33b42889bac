"""SQL of the year-end evaluation: the ledger's money of one year, read as the ledger holds it (voids excluded)."""

from __future__ import annotations

from typing import Any, NamedTuple

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


class LatestLine(NamedTuple):
    """What a person is paid as now: the attributes of their latest non-voided payment."""

    segment: str
    programs: str
    income_rupiah: int
    funding: str
    risk_class: str | None


def latest_lines(db: Database) -> dict[int, LatestLine]:
    """Per volunteer, the payment with the latest (iuran month, paid date, id), voids excluded: the line the
    coverage engine takes as a person's template, read in SQL (no payment objects for a 1M-row ledger)."""
    cur = db.execute(
        "SELECT volunteer_id, segment, programs, income_rupiah, funding, risk_class FROM (SELECT p.*, "
        "row_number() OVER (PARTITION BY p.volunteer_id ORDER BY p.iuran_month DESC, p.paid_on DESC, p.id DESC) "
        "AS rn FROM payments p WHERE NOT EXISTS (SELECT 1 FROM payment_voids v WHERE v.payment_id = p.id)) "
        "WHERE rn = 1"
    )
    return {int(r[0]): LatestLine(*r[1:]) for r in cur.fetchall()}

"""The iuran ledger's own rules: what money may enter it, and when two rows pay the same thing. Pure: no SQL, no clock.

The ledger records what was paid, never what should have been (docs/rules.md §4.9, IUR-17):

- **Parts vs total.** A row whose programme amounts (JKK 10.000 + JKM 6.800) disagree with its JUMLAH (15.000)
  is refused with both figures: money is not guessed, the list is corrected and imported again.
- **Impossible money.** No amount below zero, none above ``MAX_AMOUNT_RUPIAH`` per person per iuran month, no
  income or wage below zero or above ``MAX_INCOME_RUPIAH``, no paid date after today. The ceilings are far above
  anything BPJS bills (PU JHT 5.7 % of a Rp1 miliar wage is Rp57 juta) and far below what breaks arithmetic or
  SQLite's 64-bit integers, so only a typing slip reaches them.
- **Double payments.** Two rows for the same person, iuran month and programme (two receipts; "Jan-25" and
  "01/2025" in one list with different references; `payments record` run twice) are both kept: they happened.
  They are flagged "dibayar ganda" naming both payments, so the office can ask BPJS for a credit; coverage
  counts the month once (membership.memberships keeps the earliest).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import NamedTuple

MAX_AMOUNT_RUPIAH = 100_000_000  # per person per iuran month
MAX_INCOME_RUPIAH = 1_000_000_000  # declared income (BPU) or wage (PU) per month


def money(n: int) -> str:
    """Rupiah the Indonesian way: 16800 → 'Rp16.800'."""
    sign = "-" if n < 0 else ""
    return f"{sign}Rp{abs(n):,}".replace(",", ".")


def parts_vs_total(parts: Mapping[str, int], total: int | None) -> str | None:
    """The refusal when programme amounts and the row's JUMLAH disagree, naming both figures; None when they agree
    (or one of them is not given)."""
    if not parts or total is None:
        return None
    summed = sum(parts.values())
    if summed == total:
        return None
    shown = " + ".join(f"{p} {money(v)}" for p, v in parts.items())
    return f"JUMLAH {money(total)} tidak sama dengan jumlah per program {shown} = {money(summed)}; perbaiki daftarnya"


def amount_problem(amount: int, what: str = "jumlah") -> str | None:
    """Why an iuran amount per person per month cannot be true (negative or above the ceiling), or None."""
    if amount < 0:
        return f"{what} {money(amount)} negatif; iuran tidak bisa di bawah nol"
    if amount > MAX_AMOUNT_RUPIAH:
        return f"{what} {money(amount)} melebihi batas {money(MAX_AMOUNT_RUPIAH)} per orang per bulan iuran"
    return None


def income_problem(income: int) -> str | None:
    """Why a declared income / wage cannot be true (negative or above the ceiling), or None."""
    if income < 0:
        return f"penghasilan/upah {money(income)} negatif"
    if income > MAX_INCOME_RUPIAH:
        return f"penghasilan/upah {money(income)} melebihi batas {money(MAX_INCOME_RUPIAH)} sebulan"
    return None


def paid_date_problem(paid_on: date, today: date) -> str | None:
    """Why a paid date cannot be true (after today), or None."""
    if paid_on > today:
        return f"tanggal bayar {paid_on} sesudah hari ini ({today}); pembayaran belum terjadi"
    return None


class Row(NamedTuple):
    """A ledger row as the double-payment rule reads it; ``id`` None for a row not written yet (``label`` names it)."""

    person: object  # volunteer id or NIK: anything that tells people apart
    month: str
    programs: frozenset[str]
    paid_on: date
    reference: str
    id: int | None = None
    label: str = ""

    def name(self) -> str:
        """How a message names this payment: '#12 (dibayar 2025-01-05, ref SP2D-1)'."""
        ref = f", ref {self.reference}" if self.reference else ""
        who = f"#{self.id}" if self.id is not None else self.label or "pembayaran baru"
        return f"{who} (dibayar {self.paid_on}{ref})"


class Double(NamedTuple):
    """Two rows paying the same person, iuran month and programme(s)."""

    first: Row
    second: Row
    programs: tuple[str, ...]

    def message(self) -> str:
        """'dibayar ganda: …' naming both payments (the Indonesian line record, import, list and summary show)."""
        progs = ", ".join(self.programs)
        return (f"dibayar ganda: iuran {self.first.month} ({progs}) dibayar {self.first.name()} dan "
                f"{self.second.name()}; minta kredit/pengembalian ke BPJS")  # fmt: skip


_ORDER = ("JKK", "JKM", "JHT", "JP", "JKP")


def doubles(existing: Iterable[Row], new: Iterable[Row] = ()) -> list[Double]:
    """Every pair that pays one person, month and programme twice: among ``existing`` rows (when ``new`` is empty)
    or between each new row and the rows before it (existing first, then the new ones in order).

    With ``new`` given, only pairs involving a new row are returned, so a record or an import reports what it adds.
    """
    seen: dict[tuple[object, str], list[Row]] = {}
    out: list[Double] = []
    fresh = list(new)
    rows = [*existing, *fresh] if fresh else list(existing)
    start = len(rows) - len(fresh) if fresh else 0
    for i, r in enumerate(rows):
        key = (r.person, r.month)
        before = seen.setdefault(key, [])
        if i >= start:
            for b in before:
                common = b.programs & r.programs
                if common:
                    out.append(Double(b, r, tuple(p for p in _ORDER if p in common)))
                    break
        before.append(r)
    return out

"""A payment line's own rules, the same for `payments record` and `payments import`: programme and funding names,
the §4.1 / IUR-07 / COV-09 checks of one line, the IUR-17 comparison with the rate table, and the coverage rules of
a database. Pure: no SQL, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from psmctl.errors import InputError
from psmctl.rules import rates
from psmctl.rules.membership import Config, Rules
from psmctl.rules.months import add_months, month_of
from psmctl.rules.settings import Settings

ALL_PROGRAMMES = ("JKK", "JKM", "JHT", "JP", "JKP")
FUNDING_ALIASES = {
    "APBD": "APBD", "APBN": "APBN", "APBDES": "APBDES", "DANADESA": "APBDES", "DD": "APBDES",
    "MANDIRI": "MANDIRI", "SWADAYA": "MANDIRI", "PRIBADI": "MANDIRI", "CSR": "CSR", "LAINNYA": "LAINNYA",
    "LAIN": "LAINNYA", "LAINLAIN": "LAINNYA",
}  # fmt: skip


def _money(n: int) -> str:
    return f"Rp{n:,}".replace(",", ".")


def rules_from(settings: Settings) -> Rules:
    """Coverage rules for this database: its settings, the rate table (with overrides), the holiday calendar."""
    table = rates.load().with_excluded_funding("PP50_2025", settings.rates.pp50_2025.excluded_funding)
    return Rules(config=Config.from_settings(settings), table=table, calendar=rates.calendar_of(settings))


def parse_programs(text: str | Iterable[str]) -> tuple[str, ...]:
    """'jkk, jkm' → ('JKK', 'JKM') in the canonical order; unknown names raise InputError."""
    items = text.replace(";", ",").split(",") if isinstance(text, str) else list(text)
    names = {p.strip().upper() for p in items if p.strip()}
    unknown = names - set(ALL_PROGRAMMES)
    if unknown or not names:
        raise InputError(
            f"program tidak dikenal: {', '.join(sorted(unknown)) or '(kosong)'}; pilih dari JKK,JKM,JHT,JP"
        )
    return tuple(p for p in ALL_PROGRAMMES if p in names)


def parse_funding(text: str) -> str:
    """'APBDes', 'dana desa' → 'APBDES'; unknown raises InputError."""
    key = "".join(ch for ch in text.upper() if ch.isalnum())
    if key not in FUNDING_ALIASES:
        raise InputError(f"sumber dana '{text}' tidak dikenal; pilih APBD, APBN, APBDES, MANDIRI, CSR atau LAINNYA")
    return FUNDING_ALIASES[key]


def check_line(
    *,
    segment: str,
    months: Sequence[str],
    paid_on: date,
    programs: Sequence[str],
    income_rupiah: int,
    table: rates.RateTable,
    config_max_months: int = 12,
    config_max_ahead: int = 12,
) -> list[tuple[str, str, str]]:
    """Findings (level, rule, Indonesian message) for one payment line (§4.1, IUR-07, COV-09)."""
    out: list[tuple[str, str, str]] = []
    progs = set(programs)
    if segment == "BPU":
        if ("JKK" in progs) != ("JKM" in progs) or not progs & {"JKK", "JKM"}:
            out.append(("error", "IUR-01", "iuran BPU harus mencakup JKK dan JKM bersama-sama"))
        if progs & {"JP", "JKP"}:
            out.append(("error", "IUR-02", "BPU tidak dapat ikut JP/JKP"))
        minimum = table.min_income("BPU", min(months)) if months else None
        if minimum is not None and income_rupiah < minimum:
            out.append(("error", "IUR-07", f"penghasilan di bawah minimum {_money(minimum)}"))
    elif income_rupiah <= 0:
        out.append(("error", "IUR-09", "upah PU wajib diisi"))
    if "JKP" in progs:
        out.append(("info", "IUR-03", "JKP tidak dihitung"))
    if len(months) > config_max_months:
        out.append(
            ("error", "COV-09", f"satu pembayaran paling banyak {config_max_months} bulan iuran ({len(months)} bulan)")
        )
    limit = add_months(month_of(paid_on), config_max_ahead)
    if months and max(months) > limit:
        out.append(
            ("error", "COV-09", f"bulan iuran {max(months)} lebih dari {config_max_ahead} bulan setelah tanggal bayar")
        )
    return out


def amount_check(paid_rupiah: int, expected_rupiah: int, month: str) -> tuple[str, str] | None:
    """IUR-17: ('AMOUNT_MISMATCH', "kurang/lebih bayar Rp x untuk bulan iuran M") or None when equal."""
    diff = paid_rupiah - expected_rupiah
    if diff == 0:
        return None
    word = "kurang" if diff < 0 else "lebih"
    return "AMOUNT_MISMATCH", f"{word} bayar {_money(abs(diff))} untuk bulan iuran {month}"

"""The incident register: a volunteer hurt, ill or dead on duty, the coverage verdict known that day, the claim.

Recording an incident stores what the office knew when it recorded it, and never changes it afterwards:

- the coverage verdict per programme on the incident date, computed by the one coverage path
  (``payments.check``, docs/rules.md §5.8) from the ledger as known on the recording day, with its evidence
  (the payment covering the day or the reason it does not, masa iur) and the time it was computed. A payment
  recorded later never changes it silently (COV-18): ``show`` recomputes today and names what changed (a PKS
  batch, COV-19; a void; a payment recorded since);
- the deadline to report to BPJS: 2 × 24 hours after the incident (BEN-03, data/incident_kinds.toml), counted
  from the end of the incident day when its time is not known, which the deadline's basis states;
- the claim limitation date: incident date + ``claim_years`` of the JKK benefit row in force on that date
  (BEN-02, dated data in rates.toml); JKM claims of heirs have none (BEN-01);
- the document checklist of the kind.

The claim's progress is a list of updates, append-only like the ledger: a correction is a new update with its
reason. Statuses run dilaporkan_tahap_1 → dilaporkan_tahap_2 → dibayar | ditolak → selesai.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import resources
from typing import Any

from psmctl.errors import DataError, InputError
from psmctl.rules.months import add_years

STATUSES = ("tercatat", "dilaporkan_tahap_1", "dilaporkan_tahap_2", "dibayar", "ditolak", "selesai")
UPDATE_STATUSES = STATUSES[1:]
_RANK = {"tercatat": 0, "dilaporkan_tahap_1": 1, "dilaporkan_tahap_2": 2, "dibayar": 3, "ditolak": 3, "selesai": 4}
CLOSED = ("dibayar", "ditolak", "selesai")  # the claim is decided: no limitation warning any more


@dataclass(frozen=True)
class Document:
    """One item of a kind's checklist."""

    key: str
    label: str


@dataclass(frozen=True)
class Kind:
    """One kind of incident (data/incident_kinds.toml)."""

    id: str
    label: str
    programmes: tuple[str, ...]
    report_within_hours: int
    claim_limit: str
    benefits: tuple[str, ...]
    documents: tuple[Document, ...]


@dataclass(frozen=True)
class Kinds:
    """The loaded kinds file."""

    version: str
    source: str
    claim_warn_days: int
    kinds: dict[str, Kind]

    def get(self, kind_id: str) -> Kind:
        """The kind, or InputError naming the known kinds."""
        k = self.kinds.get(kind_id)
        if k is None:
            raise InputError(f"jenis kejadian '{kind_id}' tidak dikenal; pilih: {', '.join(self.kinds)}")
        return k


def parse_kinds(raw: dict[str, Any]) -> Kinds:
    """Check and index a parsed kinds file; DataError on a missing or unknown field."""
    kinds: dict[str, Kind] = {}
    for i, k in enumerate(raw.get("kind", [])):
        where = f"incident_kinds.toml [[kind]] #{i + 1}"
        try:
            docs = tuple(Document(str(d["key"]), str(d["label"])) for d in k["documents"])
            kind = Kind(
                str(k["id"]), str(k["label"]), tuple(k["programmes"]), int(k["report_within_hours"]),
                str(k["claim_limit"]), tuple(k["benefits"]), docs,
            )  # fmt: skip
        except (KeyError, TypeError, ValueError) as e:
            raise DataError(f"{where}: isian tidak lengkap ({e})") from None
        if not set(kind.programmes) <= {"JKK", "JKM"} or kind.claim_limit not in ("", "JKK"):
            raise DataError(f"{where} ({kind.id}): programmes hanya JKK/JKM, claim_limit hanya 'JKK' atau ''")
        if len({d.key for d in docs}) != len(docs) or kind.id in kinds:
            raise DataError(f"{where} ({kind.id}): id jenis atau kunci dokumen ganda")
        kinds[kind.id] = kind
    return Kinds(str(raw.get("version", "")), str(raw.get("source", "")), int(raw.get("claim_warn_days", 90)), kinds)


@cache
def load_kinds() -> Kinds:
    """The packaged kinds file (cached)."""
    text = resources.files("psmctl.data").joinpath("incident_kinds.toml").read_text("utf-8")
    return parse_kinds(tomllib.loads(text))


# --------------------------------------------------------------------------------------------------------
# Dates


def parse_time(text: str | None) -> time | None:
    """'14:30' → a time; None stays None; InputError otherwise."""
    if text is None or not text.strip():
        return None
    try:
        hh, mm = text.strip().split(":")
        return time(int(hh), int(mm))
    except ValueError:
        raise InputError(f"jam kejadian '{text}' tidak sah; tulis HH:MM, mis. 14:30") from None


def report_deadline(kind: Kind, on: date, at: time | None) -> tuple[datetime | None, str]:
    """(deadline, its basis in words): ``report_within_hours`` after the incident, or after the end of its day
    when the time is not known (BEN-03: a late report does not void the right, but the office must say why)."""
    hours = kind.report_within_hours
    if hours <= 0:
        return None, f"tidak ada batas waktu lapor untuk {kind.label.lower()}"
    if at is not None:
        start = datetime.combine(on, at)
        return start + timedelta(hours=hours), f"{hours // 24} × 24 jam sejak kejadian {on} pukul {at:%H:%M}"
    start = datetime.combine(on + timedelta(days=1), time(0, 0))
    return start + timedelta(hours=hours), (
        f"{hours // 24} × 24 jam sejak akhir hari kejadian {on} (jam kejadian tidak dicatat)"
    )


def claim_limit(kind: Kind, on: date, claim_years: int | None) -> date | None:
    """The claim limitation date: the incident date + ``claim_years`` (BEN-02), 28 February for an incident of
    29 February in a common year (``months.add_years``, the one "years later"); None when the kind has none."""
    if not kind.claim_limit or claim_years is None:
        return None
    return add_years(on, claim_years)


def reported_in_time(deadline: datetime, reported_on: date) -> bool:
    """A report dated ``reported_on`` (no time of day) is in time when that day starts before the deadline."""
    return datetime.combine(reported_on, time(0, 0)) < deadline


# --------------------------------------------------------------------------------------------------------
# State from the updates


@dataclass(frozen=True)
class State:
    """Where an incident stands, from its updates (the latest entry wins; corrections included)."""

    status: str
    reported_on: date | None  # first dilaporkan_* update
    paid_rupiah: int | None
    documents: frozenset[str]
    overdue: bool  # the report deadline passed with no report
    reported_late: bool
    claim_days_left: int | None


def state_of(*, deadline: datetime | None, limit: date | None, updates: list[dict[str, Any]], now: datetime) -> State:
    """The incident's status now: its updates in recorded order, the deadline and the limitation date."""
    now = now.replace(tzinfo=None)  # deadlines are office-local wall time
    status, reported, paid = "tercatat", None, None
    docs: set[str] = set()
    for u in updates:
        status = u["status"]
        docs.update(d for d in u["documents"].split(",") if d)
        if reported is None:
            reported = date.fromisoformat(u["on_date"])
        if u["status"] == "dibayar" and u["amount_rupiah"] is not None:
            paid = int(u["amount_rupiah"])
    overdue = deadline is not None and reported is None and now >= deadline
    late = deadline is not None and reported is not None and not reported_in_time(deadline, reported)
    left = None if limit is None or status in CLOSED else (limit - now.date()).days
    return State(status, reported, paid, frozenset(docs), overdue, late, left)


def check_update(current: str, new: str, *, amount: int | None, reason: str | None, documents: list[str]) -> None:
    """Refuse an update that is not a step forward unless it carries a reason (a correction)."""
    if new not in UPDATE_STATUSES:
        raise InputError(f"status '{new}' tidak dikenal; pilih: {', '.join(UPDATE_STATUSES)}")
    if amount is not None and new != "dibayar":
        raise InputError("--amount hanya untuk status dibayar")
    if amount is not None and amount < 0:
        raise InputError("--amount tidak boleh negatif")
    forward = _RANK[new] > _RANK[current]
    same_with_documents = new == current and documents and amount is None
    if not (forward or same_with_documents) and not (reason and reason.strip()):
        raise InputError(
            f"status {current} → {new} bukan langkah maju: ini koreksi, beri --reason (catatan lama tetap ada)"
        )


def verdict_json(check: dict[str, Any], kind: Kind) -> str:
    """The stored verdict: the coverage answer of ``payments.check`` without the NIK and name, the kind's
    programmes and benefit figures (canonical JSON: sorted keys)."""
    keep = {k: v for k, v in check.items() if k not in ("nik", "nama", "benefits", "findings")}
    keep["programmes_concerned"] = list(kind.programmes)
    keep["benefits"] = {p: v for p, v in check["benefits"].items() if p in kind.benefits}
    return json.dumps(keep, sort_keys=True, ensure_ascii=False)


def differences(stored: dict[str, Any], now: dict[str, Any], programmes: tuple[str, ...]) -> list[str]:
    """What differs between the stored verdict and today's recomputation, per programme concerned."""
    out = []
    if stored["status"] != now["status"]:
        out.append(f"status {stored['status']} → {now['status']}")
    for p in programmes:
        a, b = stored["programs"][p], now["programs"][p]
        if a["covered"] != b["covered"]:
            word = {True: "terlindungi", False: "tidak terlindungi"}
            out.append(f"{p}: {word[a['covered']]} → {word[b['covered']]} ({b['reason']})")
    return out


def why_changed(changes: list[dict[str, Any]], stored: dict[str, Any], now: dict[str, Any], on: date) -> list[str]:
    """The ledger entries recorded since the verdict that explain a difference (COV-18, COV-19)."""
    out = []
    for c in changes:
        if c["void_reason"] is not None:
            out.append(
                f"pembayaran #{c['id']} (bulan {c['iuran_month']}) dibatalkan {c['created_at']}: {c['void_reason']}"
            )
        elif c["pks_no"] and c["pks_start"] and c["pks_start"] <= on.isoformat():
            out.append(
                f"batch PKS no. {c['pks_no']} tercatat {c['created_at']}: kepesertaan mulai {c['pks_start']} "
                f"sesuai PKS (COV-19), iuran bulan {c['iuran_month']} dibayar {c['paid_on']}"
            )
        else:
            out.append(
                f"pembayaran #{c['id']} bulan {c['iuran_month']} dibayar {c['paid_on']} tercatat {c['created_at']}"
            )
    if stored.get("rates_version") != now.get("rates_version"):
        out.append(f"tabel iuran berubah: {stored.get('rates_version')} → {now.get('rates_version')}")
    if not out:
        out.append("pengaturan cakupan (psmctl config) berubah sejak putusan disimpan")
    return out

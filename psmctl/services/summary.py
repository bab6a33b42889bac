"""The monthly summary's rows: who is on the register, covered, in arrears and trained, on one date.

Everything is computed for ``as_of`` and read through the domain modules (ledger, coverage, trainings),
so the same database and the same ``as_of`` always give the same rows. Coverage is judged with the ledger as it
was known on ``as_of`` (COV-18: a later payment never changes the answer), which also keeps the clock out.

Counting unit: one row per active register role (a person who is both PSM and Tagana counts once in each unsur).
Statuses are docs/rules.md (AKTIF / MENUNGGAK / NONAKTIF / BELUM TERDAFTAR); "never trained" is TRN-04; JPL is
TRN-06 for 1 January of the as-of year up to ``as_of``.

The fingerprint is a SHA-256 over everything the sheets are made from (the aggregates as canonical JSON; per
register role its unmasked fields, its standing and its last training), so two exports with the same fingerprint
carry the same data, whatever the masking choice.

The three long sheets (Daftar Relawan, Tunggakan, belum pernah dilatih) are not kept as rows: `Summary` holds the
roles, one shared `Standing` per distinct payment history and the last training per person, and yields the rows
while the workbook is written (a 100,000-person register stays well under 300 MiB).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from psmctl.db import snapshot
from psmctl.rules import coverage, ledger_rules, membership, rates, wilayah
from psmctl.rules.months import add_months, age_on, first_day, last_day, month_of
from psmctl.rules.payment_lines import rules_from
from psmctl.rules.settings import Settings
from psmctl.rules.training import to_jpl
from psmctl.services import coverage_reports, trainings

if TYPE_CHECKING:
    from sqlite_utils import Database

STATUSES = ("AKTIF", "MENUNGGAK", "NONAKTIF", "BELUM_TERDAFTAR")
ALL = "(semua)"


def status_label(status: str) -> str:
    """The status as the admin writes it: BELUM_TERDAFTAR → 'BELUM TERDAFTAR'."""
    return status.replace("_", " ")


@dataclass
class Summary:
    """The summary workbook's rows (the long ones yielded on demand), unmasked, with what Tentang states."""

    as_of: date
    kecamatan: tuple[str, ...]
    per_kecamatan: list[dict[str, Any]]  # one row per kecamatan, then nothing else
    total: dict[str, Any]  # the JUMLAH row
    detail: list[dict[str, Any]]  # one row per kecamatan × kelurahan × unsur
    jpl: list[dict[str, Any]]  # per kecamatan × unsur
    rates_version: str
    roles: list[dict[str, Any]] = field(default_factory=list, repr=False)  # ROLE_KEYS, register order
    standing: dict[int, Standing] = field(default_factory=dict, repr=False)  # per volunteer id (shared objects)
    trained: dict[int, date] = field(default_factory=dict, repr=False)  # last counted training per volunteer id
    counts: dict[str, int] = field(default_factory=dict)
    fingerprint: str = ""
    doubles: list[dict[str, Any]] = field(default_factory=list)  # months paid twice ("dibayar ganda"), per person
    # The kab/kota level of a province register: one row per kab/kota, and per kab/kota its kecamatan rows.
    per_kabkota: list[dict[str, Any]] = field(default_factory=list)
    kabkota_kecamatan: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def relawan(self) -> Iterator[dict[str, Any]]:
        """Daftar Relawan rows, one per role."""
        return relawan_rows(self.roles, self.standing, self.trained, self.as_of)

    def tunggakan(self) -> Iterator[dict[str, Any]]:
        """Tunggakan rows, one per person owing (or lapsing next month)."""
        return tunggakan_rows(self.roles, self.standing, self.as_of)

    def never_trained(self) -> Iterator[dict[str, Any]]:
        """'Belum pernah dilatih' rows, one per role of a person with no counted training."""
        for r in self.roles:
            if r["volunteer_id"] not in self.trained:
                yield {"nik": r["nik"], "nama": r["nama"], "unsur": r["unsur"], "kecamatan": r["kecamatan"],
                       "kelurahan": r["kelurahan"], "umur": umur(r.get("tgl_lahir"), self.as_of)}  # fmt: skip


def fingerprint(*parts: Any) -> str:
    """SHA-256 of canonical JSON (sorted keys, ISO dates): the same data gives the same hex digest.

    A list part is hashed row by row, so a 100k-row register never becomes one large string in memory.
    """
    h = hashlib.sha256()
    dumps = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_iso).encode
    for part in parts:
        if isinstance(part, list):
            h.update(b"[")
            for row in part:
                h.update(dumps(row).encode("utf-8"))
                h.update(b"\n")
            h.update(b"]")
        else:
            h.update(dumps(part).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def _iso(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def umur(birth: object, as_of: date) -> int | None:
    """The age column: :func:`psmctl.rules.months.age_on` of a stored ISO birth date; None when it is missing or
    unreadable."""
    if not birth:
        return None
    try:
        b = birth if isinstance(birth, date) else date.fromisoformat(str(birth)[:10])
    except ValueError:
        return None
    return age_on(b, as_of)


def _next_month_range(as_of: date) -> tuple[date, date]:
    nxt = add_months(month_of(as_of), 1)
    return first_day(nxt), last_day(nxt)


# --------------------------------------------------------------------------------------------------------
# Reading


ROLE_KEYS = ("volunteer_id", "role_id", "nik", "nama", "jenis_kelamin", "tgl_lahir", "no_hp", "unsur", "kecamatan",
             "kelurahan", "kode_kecamatan", "kode_wilayah")  # fmt: skip


def active_roles(db: Database, kecamatan: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Active register roles (only the keys the summary reads), for every kecamatan or the named ones."""
    from psmctl.db.volunteers import select_roles

    if not kecamatan:
        return select_roles(db, keys=ROLE_KEYS)
    seen: dict[int, dict[str, Any]] = {}
    for k in kecamatan:
        for r in select_roles(db, kecamatan=k, keys=ROLE_KEYS):
            seen.setdefault(int(r["role_id"]), r)
    return sorted(seen.values(), key=_order)


def _order(r: Mapping[str, Any]) -> tuple[str, str, str, str, str]:
    return (str(r["kecamatan"] or ""), str(r["kelurahan"] or ""), str(r["unsur"]), str(r["nama"]), str(r["nik"]))


@dataclass(frozen=True, slots=True)
class Standing(coverage.Owing):
    """What the summary needs of one person's coverage on as_of (the full Coverage is not kept: 100k people)."""

    status: str
    masa_iur_bulan: int
    covered_to: tuple[date | None, ...]  # per rates.PROGRAMMES, None when not covered
    arrears: tuple[coverage.MonthAmount, ...]
    lapse_on: date | None
    due_rupiah: int | None  # the current month's iuran when MENUNGGAK
    due_on: date | None
    shortfall: tuple[coverage.MonthAmount, ...] = ()  # months paid short of the rate table (IUR-17)


def standing_of(payments_: Sequence[membership.Paid], *, as_of: date, rules: membership.Rules) -> Standing:
    """One person's Standing on as_of from their ledger (known on as_of)."""
    month = month_of(as_of)
    c = coverage.coverage_on(payments_, as_of, rules=rules, known_on=as_of)
    due = None
    if c.status == "MENUNGGAK":
        default = membership.Paid(0, month, as_of, frozenset({"JKK", "JKM"}), 0)
        due = coverage.due_for_month(payments_, month, rules=rules, as_of=as_of, default=default)
    covered = tuple(
        pc.covered_to if (pc := c.programs.get(p)) is not None and pc.covered else None for p in rates.PROGRAMMES
    )
    return Standing(
        c.status, c.masa_iur_bulan, covered, c.arrears, c.lapse_on,
        due.total_rupiah if due is not None else None, due.due_on if due is not None else None, c.shortfall,
    )  # fmt: skip


def standings(db: Database, volunteer_ids: Iterable[int], *, as_of: date, settings: Settings) -> dict[int, Standing]:
    """Coverage of each volunteer on as_of (ledger known on as_of), with the current month's iuran when unpaid.

    Through the one coverage path (coverage_reports.Histories): `standing_of` runs once per distinct payment
    history and people with the same history share one Standing object.
    """
    rules = rules_from(settings)
    ids = sorted(set(volunteer_ids))
    standing = coverage_reports.Histories(db, ids if len(ids) < 50_000 else None).each(
        lambda ledger: standing_of(ledger, as_of=as_of, rules=rules)
    )
    return {vid: standing(vid) for vid in ids}


# --------------------------------------------------------------------------------------------------------
# Rows


def _counts_row(keys: dict[str, Any], roles: Sequence[Mapping[str, Any]], st: Mapping[int, Standing],
                trained: Mapping[int, date]) -> dict[str, Any]:  # fmt: skip
    row: dict[str, Any] = {**keys, "jumlah": len(roles)}
    counts = dict.fromkeys(STATUSES, 0)
    never = 0
    for r in roles:  # one pass, not one per status
        vid = r["volunteer_id"]
        counts[st[vid].status] += 1
        never += vid not in trained
    for s in STATUSES:
        row[s.lower()] = counts[s]
        row[f"pct_{s.lower()}"] = round(counts[s] / len(roles), 4) if roles else 0.0
    row["belum_pernah_dilatih"] = never
    return row


def relawan_rows(
    roles: Sequence[Mapping[str, Any]], st: Mapping[int, Standing], trained: Mapping[int, date], as_of: date
) -> Iterator[dict[str, Any]]:
    """Daftar Relawan: the register with age, status, covered-until per programme and last training."""
    for r in roles:
        c = st[int(r["volunteer_id"])]
        row: dict[str, Any] = {
            "nik": r["nik"], "nama": r["nama"], "jenis_kelamin": r.get("jenis_kelamin"),
            "umur": umur(r.get("tgl_lahir"), as_of), "no_hp": r.get("no_hp"), "unsur": r["unsur"],
            "kecamatan": r["kecamatan"], "kelurahan": r["kelurahan"], "status": status_label(c.status),
            "masa_iur_bulan": c.masa_iur_bulan,
        }  # fmt: skip
        for p, until in zip(rates.PROGRAMMES, c.covered_to, strict=True):
            row[f"{p.lower()}_sampai"] = until
        row["pelatihan_terakhir"] = trained.get(r["volunteer_id"])
        yield row


def _owing(
    roles: Sequence[Mapping[str, Any]], st: Mapping[int, Standing], as_of: date
) -> Iterator[tuple[Mapping[str, Any], Standing, bool]]:
    """(role, standing, ends next month) of each person who owes (arrears, a short payment), is MENUNGGAK on as_of
    or lapses next month, once each."""
    first, last = _next_month_range(as_of)
    seen: set[int] = set()
    for r in roles:
        vid = int(r["volunteer_id"])
        c = st[vid]
        ends_next = c.lapse_on is not None and first <= c.lapse_on <= last
        if vid in seen or not (c.status == "MENUNGGAK" or ends_next or c.shortfall or c.arrears):
            continue
        seen.add(vid)  # money is owed once per person, whatever the number of unsur
        yield r, c, ends_next


def tunggakan_rows(
    roles: Sequence[Mapping[str, Any]], st: Mapping[int, Standing], as_of: date
) -> Iterator[dict[str, Any]]:
    """Tunggakan: each person MENUNGGAK on as_of, paid short (IUR-17) or whose membership ends next month, with what
    to pay: arrears (COV-14) + shortfalls + this month's iuran when it is not among the arrears yet."""
    month = month_of(as_of)
    for r, c, ends_next in _owing(roles, st, as_of):
        months = [a.month for a in c.arrears]
        short_months = [s.month for s in c.shortfall]
        this_month = 0 if month in months or month in short_months else c.due_rupiah or 0
        yield (
            {
                "nik": r["nik"], "nama": r["nama"], "unsur": r["unsur"], "kecamatan": r["kecamatan"],
                "kelurahan": r["kelurahan"], "status": status_label(c.status),
                "bulan_tunggakan": ", ".join(months), "tunggakan_rupiah": c.arrears_rupiah,
                "bulan_kurang_bayar": ", ".join(short_months), "kurang_bayar_rupiah": c.shortfall_rupiah,
                "iuran_bulan_ini_rupiah": c.due_rupiah or 0, "jatuh_tempo": c.due_on,
                "harus_dibayar_rupiah": c.arrears_rupiah + c.shortfall_rupiah + this_month,
                "berakhir_pada": c.lapse_on, "berakhir_bulan_depan": "ya" if ends_next else "tidak",
            }
        )  # fmt: skip


def _group(roles: Iterable[Mapping[str, Any]], keys: Sequence[str]) -> dict[tuple[str, ...], list[Mapping[str, Any]]]:
    out: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
    for r in roles:
        key = tuple([r[k] or "" for k in keys])  # TEXT columns: str or NULL
        group = out.get(key)
        if group is None:
            group = out[key] = []
        group.append(r)
    return out


def _kabkota_level(
    roles: list[dict[str, Any]],
    facts: list[Any],
    st: Mapping[int, Standing],
    trained: Mapping[int, date],
    as_of: date,
    settings: Settings,
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Per kab/kota (label '36.01 Kabupaten Pandeglang', '' unresolved) its counts, and its kecamatan rows."""
    start = date(as_of.year, 1, 1)
    per_kab: list[dict[str, Any]] = []
    kec_rows: dict[str, list[dict[str, Any]]] = {}
    for (kab,), members in sorted(_group(roles, ("kabkota",)).items()):
        h = trainings.hours_of(
            members, facts, start=start, end=as_of, by="kecamatan", settings=settings, with_volunteers=False
        )
        jpl_kec = {g["kecamatan"]: int(g["menit"]) for g in h.groups}
        row = _counts_row({"kabkota": kab or "(tanpa kode)", "kecamatan": ALL, "kelurahan": ALL, "unsur": ALL},
                          members, st, trained)  # fmt: skip
        row["jpl_tahun_ini"] = to_jpl(int(h.total["menit"]))
        per_kab.append(row)
        rows = kec_rows[row["kabkota"]] = []
        for (kec,), kmembers in sorted(_group(members, ("kecamatan",)).items()):
            krow = _counts_row({"kabkota": row["kabkota"], "kecamatan": kec, "kelurahan": ALL, "unsur": ALL},
                               kmembers, st, trained)  # fmt: skip
            krow["jpl_tahun_ini"] = to_jpl(jpl_kec.get(kec, 0))
            rows.append(krow)
    return per_kab, kec_rows


def _jpl_by_unsur(
    roles: list[dict[str, Any]], facts: list[Any], start: date, as_of: date, settings: Settings
) -> tuple[dict[tuple[str, str, str], int], dict[tuple[str, str], dict[str, Any]]]:
    """JPL minutes this year per (kecamatan, kelurahan, unsur), and the hours report's counts per (kecamatan,
    unsur). A training counts for the unsur it names (TRN-06), so the hours are asked once per unsur, of the roles
    already read."""
    jpl_detail: dict[tuple[str, str, str], int] = {}
    jpl_groups: dict[tuple[str, str], dict[str, Any]] = {}
    for (u,), members in sorted(_group(roles, ("unsur",)).items()):
        h = trainings.hours_of(
            members, facts, start=start, end=as_of, by="kelurahan", settings=settings, with_volunteers=False
        )
        for g in h.groups:
            jpl_detail[(g["kecamatan"], g["kelurahan"], u)] = int(g["menit"])
            agg = jpl_groups.setdefault((g["kecamatan"], u), {"orang": 0, "dilatih": 0, "memenuhi_target": 0,
                                                              "menit": 0, "target_jpl": 0.0})  # fmt: skip
            for key in agg:
                agg[key] += g[key]
    return jpl_detail, jpl_groups


def _jpl_rows(
    roles: list[dict[str, Any]], trained: Mapping[int, date], jpl_groups: Mapping[tuple[str, str], dict[str, Any]]
) -> list[dict[str, Any]]:
    """The JPL sheet: one row per (kecamatan, unsur), with who was never trained."""
    never_by = _group((r for r in roles if r["volunteer_id"] not in trained), ("kecamatan", "unsur"))
    jpl_rows = []
    for (kec, u), members in sorted(_group(roles, ("kecamatan", "unsur")).items()):
        agg = jpl_groups.get((kec, u), {"orang": len({r["volunteer_id"] for r in members}), "dilatih": 0,
                                        "memenuhi_target": 0, "menit": 0, "target_jpl": 0.0})  # fmt: skip
        jpl_rows.append(
            {"kecamatan": kec, "unsur": u, "orang": agg["orang"], "dilatih": agg["dilatih"],
             "belum_pernah_dilatih": len(never_by.get((kec, u), [])), "memenuhi_target": agg["memenuhi_target"],
             "jpl": to_jpl(int(agg["menit"])), "target_jpl": round(float(agg["target_jpl"]), 1)}
        )  # fmt: skip
    return jpl_rows


def _kecamatan_level(
    roles: list[dict[str, Any]],
    st: Mapping[int, Standing],
    trained: Mapping[int, date],
    jpl_detail: Mapping[tuple[str, str, str], int],
    jpl_kec: Mapping[str, int],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The counts per (kecamatan, kelurahan, unsur) and per kecamatan, each with its JPL this year."""
    detail = []
    for (kec, kel, u), members in sorted(_group(roles, ("kecamatan", "kelurahan", "unsur")).items()):
        row = _counts_row({"kecamatan": kec, "kelurahan": kel, "unsur": u}, members, st, trained)
        row["jpl_tahun_ini"] = to_jpl(jpl_detail.get((kec, kel, u), 0))
        detail.append(row)
    per_kec = []
    for (kec,), members in sorted(_group(roles, ("kecamatan",)).items()):
        row = _counts_row({"kecamatan": kec, "kelurahan": ALL, "unsur": ALL}, members, st, trained)
        row["jpl_tahun_ini"] = to_jpl(jpl_kec.get(kec, 0))
        per_kec.append(row)
    return detail, per_kec


@snapshot
def build(db: Database, *, as_of: date, settings: Settings, kecamatan: Sequence[str] = ()) -> Summary:
    """The summary for as_of (optionally only some kecamatan): aggregates now, long sheets' rows on demand."""
    stored = active_roles(db, kecamatan)
    for r in stored:
        r["kabkota"] = wilayah.kabkota_label(r["kode_kecamatan"])
    # Every sheet groups and shows kecamatan and kelurahan by code: a name two places share is two, labelled. The
    # kab/kota level keeps the stored names (inside one kab/kota no two kecamatan share a name).
    roles = wilayah.by_region_code(stored)
    st = standings(db, (int(r["volunteer_id"]) for r in roles), as_of=as_of, settings=settings)
    facts = trainings.facts(db)
    trained = trainings.last_trained(facts, as_of=as_of, settings=settings)
    start = date(as_of.year, 1, 1)

    jpl_detail, jpl_groups = _jpl_by_unsur(roles, facts, start, as_of, settings)
    by_kec = trainings.hours_of(
        roles, facts, start=start, end=as_of, by="kecamatan", settings=settings, with_volunteers=False
    )
    jpl_kec = {g["kecamatan"]: int(g["menit"]) for g in by_kec.groups}
    detail, per_kec = _kecamatan_level(roles, st, trained, jpl_detail, jpl_kec)
    total = _counts_row({"kecamatan": "JUMLAH", "kelurahan": ALL, "unsur": ALL}, roles, st, trained)
    total["jpl_tahun_ini"] = to_jpl(int(by_kec.total["menit"]))

    s = Summary(
        as_of=as_of,
        kecamatan=tuple(kecamatan),
        per_kecamatan=per_kec,
        total=total,
        detail=detail,
        jpl=_jpl_rows(roles, trained, jpl_groups),
        rates_version=rules_from(settings).table.version,
        roles=roles,
        standing=st,
        trained=trained,
    )
    s.doubles = double_rows(db, roles)
    s.per_kabkota, s.kabkota_kecamatan = _kabkota_level(stored, facts, st, trained, as_of, settings)
    s.counts = {
        "peran_aktif": len(roles),
        "orang": len(st),
        "tunggakan": sum(1 for _ in _owing(roles, st, as_of)),
        "belum_pernah_dilatih": sum(1 for r in roles if r["volunteer_id"] not in trained),
        "dibayar_ganda": len(s.doubles),
    }
    s.fingerprint = _fingerprint(s)
    return s


def double_rows(db: Database, roles: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per iuran month a person on these roles paid twice for the same programme (ledger_rules.doubles),
    naming both payments so the office can ask BPJS for a credit."""
    from psmctl.db import payments as dbp

    people = {int(r["volunteer_id"]): r for r in roles}
    rows = [
        ledger_rules.Row(vid, month, frozenset(progs.split(",")), date.fromisoformat(paid), ref or "", pid)
        for vid, pid, month, paid, progs, ref in dbp.double_candidates(db)
        if vid in people
    ]
    out = []
    for d in ledger_rules.doubles(rows):
        r = people[int(d.first.person)]  # type: ignore[call-overload]
        out.append({"nik": r["nik"], "nama": r["nama"], "kecamatan": r["kecamatan"], "kelurahan": r["kelurahan"],
                    "bulan": d.first.month, "program": ", ".join(d.programs), "keterangan": d.message()})  # fmt: skip
    return out


def _fingerprint(s: Summary) -> str:
    """SHA-256 over what every sheet is made from: the aggregates, then per role its fields, standing, training.

    Each distinct Standing is hashed once, where it first appears; a role then names it by number.
    """
    h = hashlib.sha256()
    h.update(
        fingerprint(
            s.as_of, s.kecamatan, s.rates_version, s.per_kecamatan, s.total, s.detail, s.jpl, s.doubles
        ).encode()
    )
    numbers: dict[int, int] = {}
    for r in s.roles:
        vid = r["volunteer_id"]
        c = s.standing[vid]
        n = numbers.get(id(c))
        if n is None:
            n = numbers[id(c)] = len(numbers)
            h.update(f"S{n}={c!r}\n".encode())
        h.update("\x1f".join(map(str, (*r.values(), n, s.trained.get(vid)))).encode() + b"\n")
    return h.hexdigest()


# --------------------------------------------------------------------------------------------------------
# The tables the other commands show, as rows for `psmctl export coverage|due|training`


@snapshot
def coverage_rows(
    db: Database,
    *,
    as_of: date,
    settings: Settings,
    unsur: str | None = None,
    kelurahan: str | None = None,
    kecamatan: str | None = None,
) -> list[dict[str, Any]]:
    """`coverage status` flattened: status, masa iur and covered-until per programme (ledger known on as_of)."""
    report = coverage_reports.status_report(
        db, as_of=as_of, known_on=as_of, settings=settings, unsur=unsur, kelurahan=kelurahan, kecamatan=kecamatan
    )
    rows = []
    for v in report["volunteers"]:
        row = {k: v.get(k) for k in ("nik", "nama", "unsur", "kelurahan", "kabkota", "masa_iur_bulan")}
        row["status"] = status_label(str(v["status"]))
        for p in rates.PROGRAMMES:
            pc = v["programs"].get(p) or {}
            row[f"{p.lower()}_sampai"] = pc.get("covered_to") if pc.get("covered") else None
        rows.append(row)
    return rows


@snapshot
def due_rows(
    db: Database, *, month: str, as_of: date, settings: Settings, kecamatan: str | None = None
) -> list[dict[str, Any]]:
    """`coverage due`: who must be paid for a month and how much per programme."""
    report = coverage_reports.due_report(db, month=month, as_of=as_of, settings=settings, kecamatan=kecamatan)
    people: list[dict[str, Any]] = report["people"]
    return [{**p, "status": status_label(str(p["status"])), "will_lapse": "ya" if p["will_lapse"] else "tidak"}
            for p in people]  # fmt: skip


@snapshot
def training_rows(
    db: Database,
    report: str,
    *,
    as_of: date,
    start: date | None = None,
    by: str | None = None,
    unsur: str | None = None,
    kecamatan: str | None = None,
    months: int | None = None,
    within_days: int = 90,
) -> list[dict[str, Any]]:
    """The rows of one `training report` (never-trained, hours per person or per group, certificates)."""
    if report == "never-trained":
        return trainings.never_trained(db, as_of=as_of, unsur=unsur, kecamatan=kecamatan, months=months)
    if report == "hours":
        h = trainings.hours(
            db, start=start or date(as_of.year, 1, 1), end=as_of, by=by, unsur=unsur, kecamatan=kecamatan
        )
        rows = h.volunteers if by is None else h.groups
        return [{k: ("ya" if v is True else "tidak" if v is False else v) for k, v in r.items()} for r in rows]
    if report == "certificates":
        return trainings.certificates(db, as_of=as_of, within_days=within_days, unsur=unsur, kecamatan=kecamatan)
    raise ValueError(report)

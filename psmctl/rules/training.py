"""Training rules, pure: durations, who was trained, hours per period, certificates (docs/rules.md).

- TRN-01 [FIRM·M] 1 JPL (jam pelajaran) = 45 minutes; the figure lives in data/courses.toml.
- TRN-02 [DEFAULT] minutes are the stored unit; JPL = minutes / 45 shown with one decimal. "16 JPL",
  "16 JP", "4 jam pelajaran", "180 menit" are exact; a bare "2 jam" is read per `training.bare_jam` (clock
  hours) with a WARN; "2 hari" is an ERROR because a day has no fixed JPL count.
- TRN-03 [DEFAULT] the course catalogue (kinds, default JPL, counts as training) is data/courses.toml.
- TRN-04 [DEFAULT] "never trained": no attendance (hadir/lulus) of a counted kind ending on or before as_of.
- TRN-05 [FIRM·M] a certificate is BERLAKU until its date + `training.certificate_valid_years`, then
  KEDALUWARSA.
- TRN-06 [DEFAULT] JPL per person per period, grouped by the roster role (never the NIK prefix); a training
  that names an unsur counts for that role, otherwise for every role the person holds; a (person, training)
  pair is counted once per group and once in the grand total.
- TRN-07 [DEFAULT] a training in the future or before birth + `training.min_age_warn` years → WARN.

A training belongs to the period that holds its *end* date: its JPL are complete on that day. Every function
takes its reference date (`as_of`) and data; nothing here reads the clock or the database.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

from psmctl.errors import DataError
from psmctl.rules.months import add_years, months_before

ATTENDED = ("hadir", "lulus")  # TRN-04: the statuses that make a person "trained"
STATUSES = ("hadir", "lulus", "tidak_lulus")


@dataclass(frozen=True)
class Course:
    """One kind of course of the catalogue (TRN-03)."""

    kind: str
    nama: str
    aliases: tuple[str, ...]
    default_jpl: int | None
    counts_as_training: bool
    has_result: bool
    issues_certificate: bool


@dataclass(frozen=True)
class Catalogue:
    """The course catalogue of data/courses.toml."""

    minutes_per_jpl: int
    courses: tuple[Course, ...]
    certificate_required_for: tuple[str, ...]

    def get(self, kind: str) -> Course | None:
        """The course of a stored kind, or None."""
        return next((c for c in self.courses if c.kind == kind), None)

    def resolve(self, text: str) -> Course | None:
        """The course the admin means by `text` ("Uji Kompetensi", "bimbingan teknis", "diklat_dasar"...)."""
        key = _kind_key(text)
        for c in self.courses:
            if key == _kind_key(c.kind) or key in (_kind_key(a) for a in c.aliases):
                return c
        return None

    def kinds(self) -> list[str]:
        """Every stored kind, in catalogue order."""
        return [c.kind for c in self.courses]


def _kind_key(text: str) -> str:
    return re.sub(r"[\s_\-.]+", "", text).casefold()


@cache
def catalogue() -> Catalogue:
    """Load and check data/courses.toml (DataError when inconsistent)."""
    raw = tomllib.loads(resources.files("psmctl.data").joinpath("courses.toml").read_text("utf-8"))
    return catalogue_from(raw)


def catalogue_from(raw: Mapping[str, Any]) -> Catalogue:
    """Build a catalogue from parsed TOML; refuses duplicates and rows without a source."""
    courses: list[Course] = []
    seen: set[str] = set()
    for row in raw.get("course", []):
        kind = str(row.get("kind", ""))
        if not kind or kind in seen:
            raise DataError(f"courses.toml: jenis pelatihan '{kind}' kosong atau ganda")
        if not row.get("source"):
            raise DataError(f"courses.toml: jenis pelatihan '{kind}' tanpa source")
        seen.add(kind)
        default = row.get("default_jpl")
        courses.append(
            Course(
                kind=kind,
                nama=str(row.get("nama", kind)),
                aliases=tuple(str(a) for a in row.get("aliases", [])),
                default_jpl=int(default) if default is not None else None,
                counts_as_training=bool(row["counts_as_training"]),
                has_result=bool(row.get("has_result", False)),
                issues_certificate=bool(row.get("issues_certificate", False)),
            )
        )
    minutes = int(raw.get("minutes_per_jpl", 0))
    if minutes <= 0 or not courses:
        raise DataError("courses.toml: minutes_per_jpl atau daftar [[course]] tidak ada")
    required = tuple(str(u).upper() for u in raw.get("certificate_required_for", []))
    return Catalogue(minutes_per_jpl=minutes, courses=tuple(courses), certificate_required_for=required)


# --- durations (TRN-01, TRN-02) ---------------------------------------------------------------


def to_jpl(minutes: int) -> float:
    """Minutes shown as JPL with one decimal, rounded half up (TRN-02)."""
    per = catalogue().minutes_per_jpl
    return ((minutes * 20 + per) // (2 * per)) / 10


@dataclass(frozen=True)
class Duration:
    """A parsed duration: minutes, or None with the ERROR; a code/message without None minutes is a WARN."""

    minutes: int | None
    code: str | None = None
    message: str | None = None


_DURATION = re.compile(r"^(\d+(?:[.,]\d+)?)\s*([^\d]*)$")
_JPL_UNITS = {"jpl", "jp", "jampelajaran", "jampembelajaran", "jamlatihan"}
_MINUTE_UNITS = {"menit", "mnt", "min", "m"}
_HOUR_UNITS = {"jam", "j"}
_DAY_UNITS = {"hari", "hr", "h"}


# Longer than any course (a year of 8-hour days is 125,000 minutes); anything above is a typo or a hostile value
# that would overflow SQLite's integer on the way in.
MAX_MINUTES = 1_000_000


def parse_duration(value: object, *, bare_jam: str = "clock_hour") -> Duration:
    """Read a duration as typed: a number, "x JPL" / "x JP" / "x jam pelajaran" / "x menit" / "x jam"."""
    try:
        parsed = _parse_duration(value, bare_jam=bare_jam)
    except (OverflowError, ValueError):  # a number past float's range (400 digits, 1e308 JPL) or NaN
        return Duration(None, "DURATION_INVALID", f"durasi '{str(value)[:40]}' terlalu besar atau bukan angka")
    if parsed.minutes is not None and parsed.minutes > MAX_MINUTES:
        shown = str(value)[:40]
        return Duration(None, "DURATION_INVALID", f"durasi '{shown}' terlalu besar (lebih dari {MAX_MINUTES} menit)")
    return parsed


def _parse_duration(value: object, *, bare_jam: str) -> Duration:
    per = catalogue().minutes_per_jpl
    if isinstance(value, bool):
        return Duration(None, "DURATION_INVALID", f"durasi '{value}' tidak dikenal")
    if isinstance(value, int | float):
        # A number in a JPL column or on the command line is a JPL count.
        if value < 0:
            return Duration(None, "DURATION_INVALID", f"durasi '{value}' negatif")
        return Duration(round(value * per))
    text = str(value).strip()
    m = _DURATION.match(text)
    if not m:
        return Duration(None, "DURATION_INVALID", f"durasi '{text}' tidak dikenal; tulis mis. 16 JPL atau 180 menit")
    amount = float(m.group(1).replace(",", "."))
    unit = re.sub(r"[\s.]+", "", m.group(2)).casefold()
    if unit == "" or unit in _JPL_UNITS:
        return Duration(round(amount * per))
    if unit in _MINUTE_UNITS:
        return Duration(round(amount))
    if unit in _HOUR_UNITS:
        # : a bare "jam" may be a clock hour or a lesson hour; the setting decides, the admin reviews.
        if bare_jam == "lesson_hour":
            return Duration(round(amount * per), "BARE_JAM", f"'{text}': jam dibaca sebagai {per} menit (1 JPL)")
        return Duration(round(amount * 60), "BARE_JAM", f"'{text}': jam dibaca sebagai 60 menit")
    if unit in _DAY_UNITS:
        return Duration(None, "DURATION_IN_DAYS", f"'{text}': durasi harus dalam JPL/jam/menit")
    return Duration(None, "DURATION_INVALID", f"durasi '{text}' tidak dikenal; tulis mis. 16 JPL atau 180 menit")


# --- dates ----------------------------------------------------------------------------------------


def period_target(yearly_jpl: float, start: date, end: date) -> float:
    """A yearly JPL target pro-rated by the days of each calendar year inside [start, end] (one decimal)."""
    total = 0.0
    for year in range(start.year, end.year + 1):
        first = max(start, date(year, 1, 1))
        last = min(end, date(year, 12, 31))
        if last < first:
            continue
        days_in_year = (date(year + 1, 1, 1) - date(year, 1, 1)).days
        total += yearly_jpl * ((last - first).days + 1) / days_in_year
    return round(total, 1)


def date_findings(start: date, *, as_of: date, birth: date | None, min_age: int) -> list[tuple[str, str]]:
    """TRN-07: (code, message) WARNs for a training in the future or before birth + min_age years."""
    found: list[tuple[str, str]] = []
    if start > as_of:
        found.append(("TRAINING_IN_FUTURE", f"tanggal pelatihan {start.isoformat()} belum lewat"))
    if birth is not None and start < add_years(birth, min_age):
        found.append(("TOO_YOUNG", f"pelatihan {start.isoformat()} sebelum peserta berumur {min_age} tahun"))
    return found


# --- names ----------------------------------------------------------------------------------------


def norm_name(text: object) -> str:
    """A person's name for comparison: case, spaces and punctuation ignored (NIK-12, titles kept)."""
    s = unicodedata.normalize("NFKC", str(text or "")).upper()
    return re.sub(r"[^0-9A-Z]", "", s)


def names_agree(typed: object, registered: object) -> bool:
    """Whether a name typed on a daftar hadir plausibly is the registered one: equal, or sharing a word.

    Attendance lists shorten names ("Budi" for "Budi Santoso"); only a list name with no word in common with
    the register is worth a warning when the NIK already identifies the person.
    """
    if norm_name(typed) == norm_name(registered):
        return True

    def words(x: object) -> set[str]:
        return {w for w in re.split(r"[^0-9A-Z]+", unicodedata.normalize("NFKC", str(x or "")).upper()) if len(w) >= 3}

    return bool(words(typed) & words(registered))


_KEL_PREFIX = re.compile(r"^(KELURAHAN|KEL|DESA|DS)[.\s]+")


def norm_kelurahan(text: object) -> str:
    """WIL-06 normal form of a kelurahan/desa name: prefix (as a whole word) and punctuation removed."""
    s = unicodedata.normalize("NFKC", str(text or "")).upper().strip()
    s = _KEL_PREFIX.sub("", s)
    return re.sub(r"[\s.,\-']", "", s)


def match_by_name(nama: str, kelurahan: str, candidates: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Register people (one per volunteer_id) whose name and one role's kelurahan equal the row's."""
    want_name, want_kel = norm_name(nama), norm_kelurahan(kelurahan)
    found: dict[int, Mapping[str, Any]] = {}
    if not want_name or not want_kel:
        return []
    for c in candidates:
        if norm_name(c["nama"]) == want_name and norm_kelurahan(c.get("kelurahan")) == want_kel:
            found.setdefault(int(c["volunteer_id"]), c)
    return list(found.values())


# --- facts and reports ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One attendance joined with its training: what the report rules read."""

    volunteer_id: int
    training_id: int
    training_name: str
    kind: str
    start: date
    end: date
    minutes: int
    status: str
    unsur: str | None = None  # the unsur the training is meant for
    certificate_no: str | None = None
    certificate_date: date | None = None
    certificate_valid_until: date | None = None


def is_counted(fact: Fact, counted_types: Sequence[str]) -> bool:
    """TRN-04: a counted kind of course, attended (hadir) or passed (lulus)."""
    return fact.kind in counted_types and fact.status in ATTENDED


def last_trained(facts: Iterable[Fact], *, as_of: date, counted_types: Sequence[str]) -> dict[int, date]:
    """Per volunteer_id, the end date of the last counted training on or before as_of."""
    last: dict[int, date] = {}
    for f in facts:
        if is_counted(f, counted_types) and f.end <= as_of and f.end > last.get(f.volunteer_id, date.min):
            last[f.volunteer_id] = f.end
    return last


def people(roles: Iterable[Mapping[str, Any]]) -> dict[int, dict[str, Any]]:
    """One record per person from role rows: unsur joined, place of the person's first role."""
    out: dict[int, dict[str, Any]] = {}
    for r in roles:
        vid = int(r["volunteer_id"])
        p = out.setdefault(
            vid,
            {
                "volunteer_id": vid,
                "nik": r["nik"],
                "nama": r["nama"],
                "unsur": [],
                "kecamatan": r.get("kecamatan") or "",
                "kelurahan": r.get("kelurahan") or "",
            },
        )
        if r["unsur"] not in p["unsur"]:
            p["unsur"].append(r["unsur"])
    return out


def never_trained(
    roles: Iterable[Mapping[str, Any]],
    facts: Iterable[Fact],
    *,
    as_of: date,
    counted_types: Sequence[str],
    months: int | None = None,
) -> list[dict[str, Any]]:
    """People never trained (BELUM_PERNAH), and with `months` also those last trained before the window."""
    last = last_trained(facts, as_of=as_of, counted_types=counted_types)
    cutoff = months_before(as_of, months) if months else None
    rows: list[dict[str, Any]] = []
    for vid, p in people(roles).items():
        when = last.get(vid)
        if when is None:
            status = "BELUM_PERNAH"
        elif cutoff is not None and when < cutoff:
            status = "LEBIH_DARI_BATAS"
        else:
            continue
        rows.append(
            {
                "nik": p["nik"],
                "nama": p["nama"],
                "unsur": ", ".join(p["unsur"]),
                "kecamatan": p["kecamatan"],
                "kelurahan": p["kelurahan"],
                "pelatihan_terakhir": when.isoformat() if when else None,
                "status": status,
            }
        )
    rows.sort(key=lambda r: (r["kecamatan"], r["kelurahan"], r["nama"], r["nik"]))
    return rows


GROUP_KEYS = {
    "kabkota": ("kabkota",),
    "kecamatan": ("kecamatan",),
    "kelurahan": ("kecamatan", "kelurahan"),
    "unsur": ("unsur",),
}


def never_trained_counts(
    roles: Sequence[Mapping[str, Any]],
    facts: Iterable[Fact],
    *,
    as_of: date,
    counted_types: Sequence[str],
    by: str,
) -> list[dict[str, Any]]:
    """Per group (kecamatan / kelurahan / unsur): persons on the register and persons never trained."""
    keys = GROUP_KEYS[by]
    last = last_trained(facts, as_of=as_of, counted_types=counted_types)
    groups: dict[tuple[str, ...], set[int]] = {}
    for r in roles:
        groups.setdefault(tuple(str(r.get(k) or "") for k in keys), set()).add(int(r["volunteer_id"]))
    return [
        {
            **dict(zip(keys, g, strict=True)),
            "orang": len(v),
            "belum_pernah": sum(1 for x in v if x not in last),
        }
        for g, v in sorted(groups.items())
    ]


@dataclass(frozen=True)
class HoursReport:
    """JPL per volunteer and per group for a period (TRN-06)."""

    volunteers: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    total: dict[str, Any]


def _attributed(fact: Fact, held: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    # TRN-06: a training meant for an unsur counts for that role; when it names none, or the person does not
    # hold it, it counts for every role the person holds (the hours were still spent).
    if fact.unsur:
        named = [r for r in held if str(r["unsur"]).upper() == fact.unsur.upper()]
        if named:
            return named
    return list(held)


class _Targets:
    """Period targets per unsur, computed once each: a register has a handful of unsur and 100k roles."""

    def __init__(self, targets: Mapping[str, float], default_target: float, start: date, end: date) -> None:
        self._targets, self._default, self._start, self._end = targets, default_target, start, end
        self._cache: dict[object, float] = {}

    def of(self, unsur: object) -> float:
        t = self._cache.get(unsur)
        if t is None:
            yearly = self._targets.get(str(unsur).upper(), self._default)
            t = self._cache[unsur] = period_target(float(yearly), self._start, self._end)
        return t


@dataclass
class _Attended:
    """Minutes per (volunteer, training), each once, and the pairs each role row is credited with (by id())."""

    pairs: dict[tuple[int, int], int]
    role_pairs: dict[int, set[tuple[int, int]]]


def _attended(
    facts: Iterable[Fact], by_person: Mapping[int, Sequence[Mapping[str, Any]]], *, start: date, end: date,
    counted_types: Sequence[str],
) -> _Attended:  # fmt: skip
    pairs: dict[tuple[int, int], int] = {}
    role_pairs: dict[int, set[tuple[int, int]]] = {}
    for f in facts:
        if f.volunteer_id not in by_person or not (start <= f.end <= end) or not is_counted(f, counted_types):
            continue
        pairs[(f.volunteer_id, f.training_id)] = f.minutes
        for r in _attributed(f, by_person[f.volunteer_id]):
            role_pairs.setdefault(id(r), set()).add((f.volunteer_id, f.training_id))
    return _Attended(pairs, role_pairs)


def _volunteer_hours(roles: Sequence[Mapping[str, Any]], att: _Attended, target: _Targets) -> list[dict[str, Any]]:
    minutes_of: dict[int, int] = {}  # per person, in one pass (not a scan of every pair per person)
    count_of: dict[int, int] = {}
    for (v, _), m in att.pairs.items():
        minutes_of[v] = minutes_of.get(v, 0) + m
        count_of[v] = count_of.get(v, 0) + 1
    volunteers: list[dict[str, Any]] = []
    for vid, p in people(roles).items():
        minutes = minutes_of.get(vid, 0)
        goal = max(target.of(u) for u in p["unsur"])
        volunteers.append(
            {
                "nik": p["nik"],
                "nama": p["nama"],
                "unsur": ", ".join(p["unsur"]),
                "kecamatan": p["kecamatan"],
                "kelurahan": p["kelurahan"],
                "pelatihan": count_of.get(vid, 0),
                "menit": minutes,
                "jpl": to_jpl(minutes),
                "target_jpl": goal,
                "memenuhi_target": to_jpl(minutes) >= goal,
            }
        )
    volunteers.sort(key=lambda r: (r["kecamatan"], r["kelurahan"], r["nama"], r["nik"]))
    return volunteers


def _group_hours(roles: Sequence[Mapping[str, Any]], att: _Attended, target: _Targets, by: str) -> list[dict[str, Any]]:
    keys = GROUP_KEYS[by]
    grouped: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
    for r in roles:
        grouped.setdefault(tuple(str(r.get(k) or "") for k in keys), []).append(r)
    groups: list[dict[str, Any]] = []
    for g, members in sorted(grouped.items()):
        group_pairs: set[tuple[int, int]] = set()
        person_target: dict[int, float] = {}
        for r in members:
            if id(r) in att.role_pairs:
                group_pairs |= att.role_pairs[id(r)]
            vid = int(r["volunteer_id"])
            person_target[vid] = max(person_target.get(vid, 0.0), target.of(r["unsur"]))
        per_person: dict[int, int] = {}
        for v, t in group_pairs:
            per_person[v] = per_person.get(v, 0) + att.pairs[(v, t)]
        minutes = sum(per_person.values())
        groups.append(
            {
                **dict(zip(keys, g, strict=True)),
                "orang": len(person_target),
                "dilatih": len(per_person),
                "memenuhi_target": sum(1 for v, t in person_target.items() if to_jpl(per_person.get(v, 0)) >= t),
                "menit": minutes,
                "jpl": to_jpl(minutes),
                "target_jpl": round(sum(person_target.values()), 1),
            }
        )
    return groups


def hours(
    roles: Sequence[Mapping[str, Any]],
    facts: Iterable[Fact],
    *,
    start: date,
    end: date,
    counted_types: Sequence[str],
    targets: Mapping[str, float],
    default_target: float,
    by: str | None = None,
    with_volunteers: bool = True,
) -> HoursReport:
    """JPL attended between start and end (by training end date) per person and per group, against targets.

    ``with_volunteers=False`` leaves `volunteers` empty (the summary reads only the groups)."""
    by_person: dict[int, list[Mapping[str, Any]]] = {}
    for r in roles:
        by_person.setdefault(int(r["volunteer_id"]), []).append(r)
    target = _Targets(targets, default_target, start, end)
    att = _attended(facts, by_person, start=start, end=end, counted_types=counted_types)
    total_minutes = sum(att.pairs.values())
    return HoursReport(
        volunteers=_volunteer_hours(roles, att, target) if with_volunteers else [],
        groups=_group_hours(roles, att, target, by) if by is not None else [],
        total={
            "orang": len(by_person),
            "dilatih": len({v for v, _ in att.pairs}),
            "menit": total_minutes,
            "jpl": to_jpl(total_minutes),
        },
    )


def certificate_of(fact: Fact, *, issues_certificate: bool) -> bool:
    """Whether an attendance carries a certificate: a number or date on it, or a certifying course passed."""
    if fact.certificate_no or fact.certificate_valid_until:
        return True
    return issues_certificate and fact.status != "tidak_lulus"


def valid_until(fact: Fact, *, valid_years: int) -> date:
    """TRN-05: the date written on the certificate, else its date (or the training's end) + valid_years."""
    if fact.certificate_valid_until is not None:
        return fact.certificate_valid_until
    return add_years(fact.certificate_date or fact.end, valid_years)


def certificates(
    roles: Sequence[Mapping[str, Any]],
    facts: Iterable[Fact],
    *,
    as_of: date,
    within_days: int,
    valid_years: int,
    required_for: Sequence[str],
    certifying_kinds: Sequence[str],
) -> list[dict[str, Any]]:
    """Latest certificate per person lapsing within `within_days` (or lapsed); TIDAK_ADA where required."""
    latest: dict[int, tuple[date, Fact]] = {}
    for f in facts:
        if f.end > as_of or not certificate_of(f, issues_certificate=f.kind in certifying_kinds):
            continue
        until = valid_until(f, valid_years=valid_years)
        if f.volunteer_id not in latest or until > latest[f.volunteer_id][0]:
            latest[f.volunteer_id] = (until, f)
    required = {u.upper() for u in required_for}
    horizon = as_of + timedelta(days=within_days)
    rows: list[dict[str, Any]] = []
    for vid, p in people(roles).items():
        base = {k: p[k] for k in ("nik", "nama", "kecamatan", "kelurahan")}
        base["unsur"] = ", ".join(p["unsur"])
        if vid in latest:
            until, f = latest[vid]
            if until > horizon:
                continue
            rows.append(
                {
                    **base,
                    "no_sertifikat": f.certificate_no,
                    "pelatihan": f.training_name,
                    "berlaku_sampai": until.isoformat(),
                    "sisa_hari": (until - as_of).days,
                    "status": "BERLAKU" if until >= as_of else "KEDALUWARSA",
                }
            )
        elif required & {str(u).upper() for u in p["unsur"]}:
            rows.append(
                {**base, "no_sertifikat": None, "pelatihan": None, "berlaku_sampai": None}
                | {"sisa_hari": None, "status": "TIDAK_ADA"}
            )
    rows.sort(key=lambda r: (r["berlaku_sampai"] or "9999", r["kecamatan"], r["nama"], r["nik"]))
    return rows


def history(
    facts: Iterable[Fact], *, counted_types: Sequence[str], valid_years: int, certifying_kinds: Sequence[str]
) -> tuple[list[dict[str, Any]], int]:
    """One person's trainings, oldest first, and the minutes that count as training (TRN-04)."""
    rows: list[dict[str, Any]] = []
    total = 0
    for f in sorted(facts, key=lambda f: (f.start, f.training_id)):
        has_cert = certificate_of(f, issues_certificate=f.kind in certifying_kinds)
        counted = is_counted(f, counted_types)
        total += f.minutes if counted else 0
        rows.append(
            {
                "training_id": f.training_id,
                "name": f.training_name,
                "kind": f.kind,
                "start_date": f.start.isoformat(),
                "end_date": f.end.isoformat(),
                "minutes": f.minutes,
                "jpl": to_jpl(f.minutes),
                "status": f.status,
                "counted": counted,
                "certificate_no": f.certificate_no,
                "valid_until": valid_until(f, valid_years=valid_years).isoformat() if has_cert else None,
            }
        )
    return rows, total

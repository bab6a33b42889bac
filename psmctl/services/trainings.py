"""Training and attendance entry points: add a training, record or import attendance, build the reports.

Each function loads through psmctl.db.training, hands the rows to the pure rules of psmctl.rules.training and returns
data; the CLI renders it. Attendance keeps the import guarantees of every psmctl import: the whole file is read
and judged first, then written in one transaction (`--dry-run` writes nothing), every finding names sheet, row
and a stable upper-case code, and recording the same attendance twice leaves one attendance.

A daftar hadir row is tied to a person by NIK. A row without NIK is matched by name + kelurahan (case, space and
punctuation ignored) and each such match is reported as MATCHED_BY_NAME for the admin to confirm; a row that
matches nobody, or several people, is rejected and never creates a person.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psmctl.db import training as q
from psmctl.db import write_tx
from psmctl.errors import InputError, NotFound
from psmctl.importing import attendance as reading
from psmctl.importing.batch import FileResult, Stage, commit
from psmctl.models import SheetReport
from psmctl.rules import training as rules
from psmctl.rules.privacy import mask_nik
from psmctl.rules.settings import Settings
from psmctl.services.attendance_plan import AttendancePlan, future_problem

if TYPE_CHECKING:
    from sqlite_utils import Database

COMMAND_LINE = "(baris perintah)"


@dataclass
class ImportResult(FileResult):
    """The one import result of a daftar hadir, for one training."""

    training_id: int = 0
    notes_kept: int = 0  # rows whose KETERANGAN is kept as the attendance's note

    def as_dict(self) -> dict[str, Any]:
        self.details = {"training_id": self.training_id, "notes_kept": self.notes_kept}
        return super().as_dict()


def settings_of(db: Database) -> Settings:
    """Effective settings of this database."""
    from psmctl.db import all_settings
    from psmctl.rules.settings import from_stored

    return from_stored(all_settings(db))


def _counted(s: Settings) -> list[str]:
    return s.training.counted_types


def _certifying() -> list[str]:
    return [c.kind for c in rules.catalogue().courses if c.issues_certificate]


def _facts(db: Database, volunteer_id: int | None = None) -> list[rules.Fact]:
    return [rules.Fact(**row) for row in q.attendance_facts(db, volunteer_id=volunteer_id)]


def facts(db: Database) -> list[rules.Fact]:
    """Every attendance fact (for callers that ask several questions of the same facts)."""
    return _facts(db)


# --- trainings ----------------------------------------------------------------------------------------------------


@dataclass
class AddedTraining:
    """Outcome of `add_training`: the id, whether it is new, and WARN lines for the admin."""

    id: int
    created: bool
    warnings: list[str] = field(default_factory=list)


def add_training(
    db: Database,
    *,
    name: str,
    kind: str,
    start: date,
    end: date | None,
    jpl: str | None,
    place: str | None = None,
    organiser: str | None = None,
    unsur: str | None = None,
    as_of: date,
    created_at: str,
) -> AddedTraining:
    """Add a training event; adding the same name, kind and dates again returns the existing id."""
    cat = rules.catalogue()
    course = cat.resolve(kind)
    if course is None:
        raise InputError(f"jenis pelatihan '{kind}' tidak dikenal; pilih salah satu: {', '.join(cat.kinds())}")
    name = " ".join(name.split())
    if not name:
        raise InputError("nama pelatihan kosong")
    end = end or start
    if end < start:
        raise InputError(f"tanggal selesai {end.isoformat()} sebelum tanggal mulai {start.isoformat()}")
    warnings: list[str] = []
    minutes = _training_minutes(db, course, jpl, warnings)
    unsur = unsur.strip().upper() if unsur and unsur.strip() else None
    if start > as_of:
        warnings.append(f"tanggal pelatihan {start.isoformat()} belum lewat (TRAINING_IN_FUTURE)")
    same = q.find_same_training(db, name=name, kind=course.kind, start=start, end=end)
    if same is not None:
        if (same["minutes"], same["place"], same["organiser"], same["unsur"]) != (minutes, place, organiser, unsur):
            raise InputError(
                f"pelatihan '{name}' {start.isoformat()} sudah ada (id {same['id']}) dengan isian berbeda; "
                "beri nama lain bila memang pelatihan lain"
            )
        return AddedTraining(id=int(same["id"]), created=False, warnings=warnings)
    with write_tx(db):
        new_id = q.insert_training(
            db, name=name, kind=course.kind, start=start, end=end, minutes=minutes, place=place,
            organiser=organiser, unsur=unsur, created_at=created_at,
        )  # fmt: skip
    return AddedTraining(id=new_id, created=True, warnings=warnings)


def _training_minutes(db: Database, course: rules.Course, jpl: str | None, warnings: list[str]) -> int:
    """The length of a new training in minutes: --jpl as typed (JPL, jam, menit), else the catalogue's default
    (said in `warnings`), else 0 for what is not training; InputError when a training has neither."""
    cat = rules.catalogue()
    if jpl is None or not jpl.strip():
        if course.default_jpl is not None:
            warnings.append(f"JPL tidak diisi: dipakai bawaan katalog {course.default_jpl} JPL untuk {course.kind}")
            return course.default_jpl * cat.minutes_per_jpl
        if not course.counts_as_training:
            return 0
        raise InputError(f"JPL wajib diisi untuk {course.kind} (mis. --jpl '16 JPL' atau --jpl '180 menit')")
    parsed = rules.parse_duration(jpl.strip(), bare_jam=settings_of(db).training.bare_jam)
    if parsed.minutes is None:
        raise InputError(f"{parsed.message} ({parsed.code})")
    if parsed.message:
        warnings.append(f"{parsed.message} ({parsed.code})")
    return parsed.minutes


def _training_row(t: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": t["id"],
        "nama": t["name"],
        "jenis": t["kind"],
        "mulai": t["start_date"].isoformat(),
        "selesai": t["end_date"].isoformat(),
        "jpl": rules.to_jpl(int(t["minutes"])),
        "menit": t["minutes"],
        "tempat": t["place"],
        "penyelenggara": t["organiser"],
        "unsur": t["unsur"],
        **({"peserta": t["peserta"]} if "peserta" in t else {}),
    }


def list_trainings(db: Database, *, year: int | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """Trainings (of a year by end date, of a kind) with their number of attendees."""
    if kind is not None:
        course = rules.catalogue().resolve(kind)
        if course is None:
            raise InputError(f"jenis pelatihan '{kind}' tidak dikenal; pilih: {', '.join(rules.catalogue().kinds())}")
        kind = course.kind
    return [_training_row(t) for t in q.list_trainings(db, year=year, kind=kind)]


def _get_training(db: Database, training_id: int) -> dict[str, Any]:
    t = q.get_training(db, training_id)
    if t is None:
        raise NotFound(f"pelatihan dengan id {training_id} tidak ada; lihat `psmctl training list`")
    return t


def show_training(db: Database, training_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One training and its attendance (NIK, name, JPL, status, certificate)."""
    t = _get_training(db, training_id)
    valid_years = settings_of(db).training.certificate_valid_years
    certifying = t["kind"] in _certifying()
    rows = []
    for a in q.attendance_of_training(db, training_id):
        fact = rules.Fact(
            volunteer_id=a["volunteer_id"],
            training_id=training_id,
            training_name=t["name"],
            kind=t["kind"],
            start=t["start_date"],
            end=t["end_date"],
            minutes=a["minutes"],
            status=a["status"],
            certificate_no=a["certificate_no"],
            certificate_date=date.fromisoformat(a["certificate_date"]) if a["certificate_date"] else None,
            certificate_valid_until=(
                date.fromisoformat(a["certificate_valid_until"]) if a["certificate_valid_until"] else None
            ),
        )
        has_cert = rules.certificate_of(fact, issues_certificate=certifying)
        rows.append(
            {
                "nik": a["nik"],
                "nama": a["nama"],
                "jpl": rules.to_jpl(int(a["minutes"])),
                "status": a["status"],
                "no_sertifikat": a["certificate_no"],
                "berlaku_sampai": rules.valid_until(fact, valid_years=valid_years).isoformat() if has_cert else None,
                "dicocokkan": a["matched_by"],
                "keterangan": a["note"],
            }
        )
    return _training_row(t), rows


# --- attendance: the rows judged by services/attendance_plan.py --------------------------------------------------


def record(
    db: Database,
    training_id: int,
    niks: Sequence[str],
    *,
    jpl: str | None = None,
    status: str | None = None,
    certificate_no: str | None = None,
    certificate_date: date | None = None,
    valid_until: date | None = None,
    as_of: date,
    created_at: str,
    dry_run: bool = False,
) -> ImportResult:
    """Record attendance of people given by NIK on the command line (one transaction; the import's result)."""
    if not niks:
        raise InputError("beri sedikitnya satu --nik")
    from psmctl.rules.nik import require_nik

    niks = [require_nik(n) for n in niks]
    if status and reading.status(status) not in ("hadir", "lulus", "tidak_lulus"):
        raise InputError(f"--status '{status}' tidak dikenal; pilih hadir, lulus (kompeten) atau tidak_lulus")
    if certificate_no and len(niks) > 1:
        raise InputError("--certificate-no hanya untuk satu orang; jalankan per NIK")
    training = _get_training(db, training_id)
    settings = settings_of(db)
    rows = [
        reading.Row(
            sheet=COMMAND_LINE,
            row=None,
            nik=n,
            jpl=jpl or "",
            status=status or "",
            certificate_no=certificate_no or "",
            certificate_date=certificate_date or "",
            valid_until=valid_until or "",
        )
        for n in niks
    ]
    report = SheetReport(file=COMMAND_LINE, sheet=COMMAND_LINE)
    for p in future_problem(training, as_of, COMMAND_LINE):
        report.warn(p.row)
        report.problems.append(p)
    result = ImportResult(file=COMMAND_LINE, sheets=[report], training_id=training_id)

    def plan(db: Database) -> AttendancePlan:
        plan = AttendancePlan(db, training, settings, as_of)
        plan.judge(rows, report)
        return plan

    def write(db: Database, plan: AttendancePlan) -> bool:
        return plan.write(kind="manual", file_name=None, sha256=None, created_at=created_at)

    commit(db, result, Stage(plan, write), dry_run=dry_run, strict=False)
    return result


def import_file(
    db: Database,
    training_id: int,
    path: Path,
    *,
    kelurahan: str | None = None,
    as_of: date,
    created_at: str,
    dry_run: bool = False,
    strict: bool = False,
    kolom: tuple[tuple[str, str], ...] = (),
) -> ImportResult:
    """Import one daftar hadir file (every sheet with a NAMA column) in one transaction (importing/batch.py);
    InputError if no sheet has one."""
    from psmctl.importing.sheets import limits, read_tables

    training = _get_training(db, training_id)
    settings = settings_of(db)
    path = Path(path)
    result = ImportResult(file=path.name, training_id=training_id)
    read: list[tuple[SheetReport, list[reading.Row]]] = []
    for sheet in read_tables(path, **limits(settings)):
        report = SheetReport(file=path.name, sheet=sheet.name)
        rows, problems = reading.read_sheet(sheet, kelurahan, settings.imports.header_scan_rows, dict(kolom), path.name)
        report.problems += problems
        read_rows = {r.row for r in rows}  # a hidden row's or a column's warning is said, not counted
        for p in problems:
            if p.level == "warning" and p.row in read_rows:
                report.warn(p.row)
        result.sheets.append(report)
        if not any(p.code == "SHEET_SKIPPED" for p in problems):
            read.append((report, rows))
    if not read:
        other = next(
            (p.value for s in result.sheets for p in s.problems if p.code == "SHEET_SKIPPED" and p.value), None
        )
        raise InputError(other or f"{path.name}: kolom NAMA tidak ditemukan di sheet mana pun; bukan daftar hadir?")
    first = read[0][0]
    for p in future_problem(training, as_of, first.sheet):
        first.warn(p.row)
        first.problems.insert(0, p)

    def plan(db: Database) -> AttendancePlan:
        plan = AttendancePlan(db, training, settings, as_of)
        for report, rows in read:
            plan.judge(rows, report)
        result.notes_kept = sum(1 for w in plan.writes if w.get("note"))
        return plan

    def write(db: Database, plan: AttendancePlan) -> bool:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return plan.write(kind="attendance", file_name=path.name, sha256=digest, created_at=created_at)

    commit(db, result, Stage(plan, write), dry_run=dry_run, strict=strict)
    return result


# --- reports --------------------------------------------------------------------------------------------------------


def _roles(db: Database, unsur: str | None, kecamatan: str | None) -> list[dict[str, Any]]:
    from psmctl.db.volunteers import select_roles
    from psmctl.rules import wilayah

    roles = select_roles(db, unsur=unsur.strip().upper() if unsur else None, kecamatan=kecamatan)
    for r in roles:  # the kab/kota level of a province register (--by kabkota)
        r["kabkota"] = wilayah.kabkota_label(r["kode_kecamatan"])
    return wilayah.by_region_code(roles)  # --by kecamatan / kelurahan: a name two places share is two groups


def never_trained(
    db: Database,
    *,
    as_of: date,
    unsur: str | None = None,
    kecamatan: str | None = None,
    months: int | None = None,
) -> list[dict[str, Any]]:
    """Active volunteers never trained, and with `months` those not trained in the last N months (TRN-04)."""
    s = settings_of(db)
    return rules.never_trained(
        _roles(db, unsur, kecamatan), _facts(db), as_of=as_of, counted_types=_counted(s), months=months
    )


def never_trained_counts(
    db: Database, *, as_of: date, by: str = "kecamatan", unsur: str | None = None, kecamatan: str | None = None
) -> list[dict[str, Any]]:
    """Per kecamatan / kelurahan / unsur: {group…, orang, belum_pernah} (for the monthly summary)."""
    s = settings_of(db)
    return rules.never_trained_counts(
        _roles(db, unsur, kecamatan), _facts(db), as_of=as_of, counted_types=_counted(s), by=by
    )


def hours(
    db: Database,
    *,
    start: date,
    end: date,
    by: str | None = None,
    unsur: str | None = None,
    kecamatan: str | None = None,
) -> rules.HoursReport:
    """JPL per volunteer and per group between start and end, against the yearly target per unsur (TRN-06)."""
    if end < start:
        raise InputError(f"--to {end.isoformat()} sebelum --from {start.isoformat()}")
    return hours_of(_roles(db, unsur, kecamatan), _facts(db), start=start, end=end, by=by, settings=settings_of(db))


def hours_of(
    roles: Sequence[Mapping[str, Any]],
    facts: Iterable[rules.Fact],
    *,
    start: date,
    end: date,
    by: str | None,
    settings: Settings,
    with_volunteers: bool = True,
) -> rules.HoursReport:
    """`hours` over roles and facts the caller holds already (the summary asks per unsur of one register read)."""
    s = settings
    targets = {k.upper(): float(v) for k, v in s.training.target_jpl.items()}
    return rules.hours(
        roles,
        facts,
        start=start,
        end=end,
        counted_types=_counted(s),
        targets=targets,
        default_target=float(s.training.target_jpl_default),
        by=by,
        with_volunteers=with_volunteers,
    )


def last_trained(facts: Iterable[rules.Fact], *, as_of: date, settings: Settings) -> dict[int, date]:
    """Per volunteer id, the end date of the last counted training on or before as_of."""
    return rules.last_trained(facts, as_of=as_of, counted_types=_counted(settings))


def certificates(
    db: Database,
    *,
    as_of: date,
    within_days: int,
    unsur: str | None = None,
    kecamatan: str | None = None,
) -> list[dict[str, Any]]:
    """Certificates lapsing within N days (or lapsed), and people whose unsur requires one and have none."""
    if within_days < 0:
        raise InputError("--expiring-within harus 0 atau lebih (hari)")
    s = settings_of(db)
    return rules.certificates(
        _roles(db, unsur, kecamatan),
        _facts(db),
        as_of=as_of,
        within_days=within_days,
        valid_years=s.training.certificate_valid_years,
        required_for=rules.catalogue().certificate_required_for,
        certifying_kinds=_certifying(),
    )


def history_for(db: Database, nik_or_volunteer_id: str | int) -> tuple[list[dict[str, Any]], float]:
    """One person's training history (oldest first) and the JPL total of what counts as training (TRN-04).

    For `psmctl volunteers show`. Each row: training_id, name, kind, start_date, end_date (ISO), minutes, jpl,
    status, counted, certificate_no, valid_until. NotFound for an unknown person.
    """
    person = q.volunteer_by_key(db, nik_or_volunteer_id)
    if person is None:
        shown = mask_nik(nik_or_volunteer_id) if isinstance(nik_or_volunteer_id, str) else f"id {nik_or_volunteer_id}"
        raise NotFound(f"relawan {shown} tidak ada di register")
    s = settings_of(db)
    rows, minutes = rules.history(
        _facts(db, person["volunteer_id"]),
        counted_types=_counted(s),
        valid_years=s.training.certificate_valid_years,
        certifying_kinds=_certifying(),
    )
    return rows, rules.to_jpl(minutes)


def kinds() -> Iterable[rules.Course]:
    """The course catalogue, for help texts and `training kinds`."""
    return rules.catalogue().courses

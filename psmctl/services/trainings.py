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
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from psmctl.db import training as q
from psmctl.db import write_tx
from psmctl.errors import InputError, NotFound
from psmctl.importing.batch import FileResult, Stage, commit
from psmctl.models import Level, Problem, SheetReport
from psmctl.rules import training as rules
from psmctl.rules.privacy import mask_nik
from psmctl.rules.settings import Settings

COMMAND_LINE = "(baris perintah)"


@dataclass
class ImportResult(FileResult):
    """The one import result of a daftar hadir, for one training."""

    training_id: int = 0

    def as_dict(self) -> dict[str, Any]:
        self.details = {"training_id": self.training_id}
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
    if jpl is None or not jpl.strip():
        if course.default_jpl is not None:
            minutes = course.default_jpl * cat.minutes_per_jpl
            warnings.append(f"JPL tidak diisi: dipakai bawaan katalog {course.default_jpl} JPL untuk {course.kind}")
        elif not course.counts_as_training:
            minutes = 0
        else:
            raise InputError(f"JPL wajib diisi untuk {course.kind} (mis. --jpl '16 JPL' atau --jpl '180 menit')")
    else:
        parsed = rules.parse_duration(jpl.strip(), bare_jam=settings_of(db).training.bare_jam)
        if parsed.minutes is None:
            raise InputError(f"{parsed.message} ({parsed.code})")
        if parsed.message:
            warnings.append(f"{parsed.message} ({parsed.code})")
        minutes = parsed.minutes
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
            db,
            name=name,
            kind=course.kind,
            start=start,
            end=end,
            minutes=minutes,
            place=place,
            organiser=organiser,
            unsur=unsur,
            created_at=created_at,
        )
    return AddedTraining(id=new_id, created=True, warnings=warnings)


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
            }
        )
    return _training_row(t), rows


# --- attendance ---------------------------------------------------------------------------------------------------


@dataclass
class _Row:
    """One attendance line as read, before it is tied to a person."""

    sheet: str
    row: int | None
    nik: object = ""
    nama: str = ""
    kelurahan: str = ""
    jpl: object = ""
    status: object = ""
    hasil: object = ""
    certificate_no: str = ""
    certificate_date: object = ""
    valid_until: object = ""


@cache
def _status_values() -> dict[str, str]:
    import tomllib

    from psmctl.importing.headers import norm_label

    raw = tomllib.loads(resources.files("psmctl.data").joinpath("attendance_headers.toml").read_text("utf-8"))
    return {norm_label(v): status for status, values in raw["values"].items() for v in values}


def _status(value: object) -> str | None:
    """hadir / tidak_hadir / lulus / tidak_lulus for a cell, "" for empty, None when not understood."""
    if isinstance(value, bool):
        return "hadir" if value else "tidak_hadir"
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    from psmctl.importing.headers import norm_label

    return _status_values().get(norm_label(value))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


class _Plan:
    """Rows judged against the register and the stored attendance, ready to be written in one transaction."""

    def __init__(self, db: Database, training: dict[str, Any], settings: Settings, as_of: date) -> None:
        self.db = db
        self.training = training
        self.settings = settings
        self.as_of = as_of
        self.course = rules.catalogue().get(str(training["kind"]))
        self.existing = q.existing_attendance(db, int(training["id"]))
        self.seen: dict[int, str] = {}  # volunteer_id → where first seen
        self.writes: list[dict[str, Any]] = []
        self._candidates: list[dict[str, Any]] | None = None

    def candidates(self) -> list[dict[str, Any]]:
        if self._candidates is None:
            self._candidates = q.name_candidates(self.db)
        return self._candidates

    def judge(self, rows: Sequence[_Row], report: SheetReport) -> None:
        """Tie each row to a person, check it, and count it as added / changed / unchanged / rejected."""
        from psmctl.rules import nik as niklib

        niks: list[str] = []
        parsed_nik: dict[int, tuple[str, str | None] | Problem] = {}
        numeric_ok = self.settings.nik.numeric_cell_not_zero
        for i, r in enumerate(rows):
            if _text(r.nik):
                try:
                    value = niklib.from_cell(r.nik, numeric_ok=numeric_ok)
                except niklib.InvalidNik as e:
                    shown = mask_nik(niklib.compact(r.nik)) if isinstance(r.nik, str) else "(angka)"
                    parsed_nik[i] = self._problem(r, "nik", shown, "error", e.code, e.message)
                    continue
                parsed_nik[i] = value
                niks.append(value[0])
        register = q.people_by_nik(self.db, niks)
        for i, r in enumerate(rows):
            report.rows_read += 1
            found = parsed_nik.get(i)
            if isinstance(found, Problem):
                self._reject(report, found)
                continue
            self._judge_row(r, found, register, report)

    def _problem(self, r: _Row, column: str | None, value: str | None, level: Level, code: str, msg: str) -> Problem:
        return Problem(r.sheet, r.row, column, value, level, code, msg)

    def _reject(self, report: SheetReport, p: Problem) -> None:
        report.rejected += 1
        report.problems.append(p)

    def _warn(self, report: SheetReport, p: Problem) -> None:
        report.warnings += 1
        report.problems.append(p)

    def _judge_row(
        self,
        r: _Row,
        found: tuple[str, str | None] | None,
        register: dict[str, dict[str, Any]],
        report: SheetReport,
    ) -> None:
        status = _status(r.status)
        result = _status(r.hasil)
        if status == "tidak_hadir" or result == "tidak_hadir":
            report.skipped += 1
            report.problems.append(self._problem(r, "status", _text(r.status), "info", "ABSENT", "tidak hadir"))
            return
        warns: list[Problem] = []
        if status is None:
            msg = f"status '{_text(r.status)}' tidak dikenal; dicatat hadir"
            warns.append(self._problem(r, "status", _text(r.status), "warning", "STATUS_UNKNOWN", msg))
        if result is None:
            msg = f"hasil '{_text(r.hasil)}' tidak dikenal; dicatat hadir"
            warns.append(self._problem(r, "hasil", _text(r.hasil), "warning", "RESULT_UNKNOWN", msg))
        final = next((s for s in (result, status) if s in ("lulus", "tidak_lulus")), "hadir")

        # Who is it?
        if found is not None:
            nik, nik_warn = found
            person = register.get(nik)
            if person is None:
                msg = f"NIK {mask_nik(nik)} tidak ada di register; impor roster-nya dulu (tidak dibuat otomatis)"
                self._reject(report, self._problem(r, "nik", mask_nik(nik), "error", "NIK_NOT_REGISTERED", msg))
                return
            if nik_warn:
                msg = f"NIK {mask_nik(nik)} tersimpan sebagai angka; periksa"
                warns.append(self._problem(r, "nik", mask_nik(nik), "warning", nik_warn, msg))
            if r.nama and not rules.names_agree(r.nama, person["nama"]):
                msg = f"nama '{r.nama}' berbeda dengan register '{person['nama']}' untuk NIK {mask_nik(nik)}"
                warns.append(self._problem(r, "nama", r.nama, "warning", "NAME_DIFFERS", msg))
            matched_by = "nik"
        else:
            if not r.nama:
                report.skipped += 1
                return
            if not r.kelurahan:
                msg = f"'{r.nama}' tanpa NIK dan tanpa kelurahan: tidak bisa dicocokkan (isi NIK atau --kelurahan)"
                self._reject(report, self._problem(r, "nama", r.nama, "error", "NO_KELURAHAN", msg))
                return
            matches = rules.match_by_name(r.nama, r.kelurahan, self.candidates())
            if not matches:
                msg = f"'{r.nama}' ({r.kelurahan}) tanpa NIK dan tidak ditemukan di register; tidak dibuat otomatis"
                self._reject(report, self._problem(r, "nama", r.nama, "error", "NAME_NOT_FOUND", msg))
                return
            if len(matches) > 1:
                which = ", ".join(mask_nik(str(m["nik"])) for m in matches)
                msg = f"'{r.nama}' ({r.kelurahan}) cocok dengan {len(matches)} orang ({which}); isi NIK-nya"
                self._reject(report, self._problem(r, "nama", r.nama, "error", "NAME_AMBIGUOUS", msg))
                return
            m = matches[0]
            person = {
                "volunteer_id": m["volunteer_id"],
                "nik": m["nik"],
                "nama": m["nama"],
                "tgl_lahir": m["tgl_lahir"],
            }
            shown = mask_nik(str(m["nik"]))
            msg = f"'{r.nama}' tanpa NIK dicocokkan lewat nama + kelurahan dengan NIK {shown}; mohon periksa"
            warns.append(self._problem(r, "nama", r.nama, "warning", "MATCHED_BY_NAME", msg))
            matched_by = "nama"

        vid = int(person["volunteer_id"])
        if vid in self.seen:
            msg = f"{mask_nik(str(person['nik']))} sudah tercatat di {self.seen[vid]}; baris ini diabaikan"
            report.skipped += 1
            report.warnings += 1
            report.problems.append(
                self._problem(r, "nik", mask_nik(str(person["nik"])), "warning", "DUPLICATE_IN_FILE", msg)
            )
            return

        # How long, and which certificate?
        minutes = int(self.training["minutes"])
        if _text(r.jpl):
            d = rules.parse_duration(r.jpl, bare_jam=self.settings.training.bare_jam)
            if d.minutes is None:
                self._reject(report, self._problem(r, "jpl", _text(r.jpl), "error", str(d.code), str(d.message)))
                return
            if d.code:
                warns.append(self._problem(r, "jpl", _text(r.jpl), "warning", d.code, str(d.message)))
            if d.minutes > minutes:
                msg = f"JPL diikuti {rules.to_jpl(d.minutes)} melebihi JPL pelatihan {rules.to_jpl(minutes)}"
                warns.append(self._problem(r, "jpl", _text(r.jpl), "warning", "JPL_ABOVE_TRAINING", msg))
            minutes = d.minutes
        dates: dict[str, str | None] = {}
        for col, raw in (("certificate_date", r.certificate_date), ("certificate_valid_until", r.valid_until)):
            from psmctl.rules.dates import parse_date_cell

            value = parse_date_cell(raw, as_of=self.as_of) if _text(raw) else None
            if isinstance(value, str):
                self._reject(report, self._problem(r, col, _text(raw), "error", "DATE_INVALID", value))
                return
            dates[col] = value.isoformat() if value else None
        for code, msg in rules.date_findings(
            self.training["start_date"],
            as_of=date.max,  # a training in the future is reported once per file, not on every row
            birth=person.get("tgl_lahir"),
            min_age=self.settings.training.min_age_warn,
        ):
            warns.append(self._problem(r, None, None, "warning", code, msg))

        for w in warns:
            self._warn(report, w)
        self.seen[vid] = f"sheet '{r.sheet}' baris {r.row}" if r.row is not None else "baris perintah"
        values = {
            "minutes": minutes,
            "status": final,
            "certificate_no": r.certificate_no or None,
            "certificate_date": dates["certificate_date"],
            "certificate_valid_until": dates["certificate_valid_until"],
        }
        before = self.existing.get(vid)
        if before is None:
            report.added += 1
        elif before == values:
            report.unchanged += 1
            return
        else:
            report.changed += 1
        self.writes.append({"volunteer_id": vid, "matched_by": matched_by, "sheet": r.sheet, "row": r.row, **values})

    def write(self, *, kind: str, file_name: str | None, sha256: str | None, created_at: str) -> bool:
        """Write every accepted row and its batch, inside the caller's transaction; False when nothing is new."""
        if not self.writes:
            return False
        batch = q.insert_batch(
            self.db,
            kind=kind,
            file_name=file_name,
            sha256=sha256,
            created_at=created_at,
            note=f"pelatihan {self.training['id']}",
        )
        q.upsert_attendance(self.db, int(self.training["id"]), self.writes, batch)
        return True


def _future_problem(training: dict[str, Any], as_of: date, sheet: str) -> list[Problem]:
    if training["start_date"] <= as_of:
        return []
    msg = f"pelatihan {training['id']} bertanggal {training['start_date'].isoformat()}, belum lewat"
    return [Problem(sheet, None, None, None, "warning", "TRAINING_IN_FUTURE", msg)]


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
    if status and _status(status) not in ("hadir", "lulus", "tidak_lulus"):
        raise InputError(f"--status '{status}' tidak dikenal; pilih hadir, lulus (kompeten) atau tidak_lulus")
    if certificate_no and len(niks) > 1:
        raise InputError("--certificate-no hanya untuk satu orang; jalankan per NIK")
    training = _get_training(db, training_id)
    settings = settings_of(db)
    rows = [
        _Row(
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
    for p in _future_problem(training, as_of, COMMAND_LINE):
        report.warnings += 1
        report.problems.append(p)
    result = ImportResult(file=COMMAND_LINE, sheets=[report], training_id=training_id)

    def plan(db: Database) -> _Plan:
        plan = _Plan(db, training, settings, as_of)
        plan.judge(rows, report)
        return plan

    def write(db: Database, plan: _Plan) -> bool:
        return plan.write(kind="manual", file_name=None, sha256=None, created_at=created_at)

    commit(db, result, Stage(plan, write), dry_run=dry_run, strict=False)
    return result


def _sheet_rows(
    sheet: Any, default_kelurahan: str | None, scan_rows: int, manual: dict[str, str]
) -> tuple[list[_Row], list[Problem]]:
    """The rows of a daftar hadir, read by the import engine: header by its words, kelurahan from the title lines,
    rows that are nobody (blank, JUMLAH, numbers, signature, hidden) reported, unused columns named."""
    from psmctl.importing.columns import column_findings
    from psmctl.importing.headers import find_header, load_aliases
    from psmctl.importing.rows import Table
    from psmctl.importing.titles import read_titles

    aliases = load_aliases("attendance_headers.toml")
    header = find_header(sheet.rows, aliases, ["nama"], scan_rows=scan_rows, manual=manual)
    if header is None:
        msg = f"sheet '{sheet.name}': kolom NAMA tidak ditemukan; sheet dilewati"
        return [], [Problem(sheet.name, None, None, None, "warning", "NO_HEADER", msg)]
    kelurahan = default_kelurahan or read_titles(sheet.rows[: header.row_index]).get("kelurahan")
    table = Table(header, header.data_start, len(sheet.rows))
    problems = column_findings(sheet, table, _READ_FIELDS)
    out: list[_Row] = []
    for index in range(header.data_start, len(sheet.rows)):
        row = _read_row(sheet, header.columns, index, kelurahan, problems)
        if row is _END:
            break
        if row is not None:
            out.append(row)
    return out, problems


_READ_FIELDS = frozenset(
    {"no", "nama", "nik", "kelurahan", "kecamatan", "unsur", "jpl", "status", "hasil", "certificate_no",
     "certificate_date", "valid_until"}
)  # fmt: skip
_END: Any = object()


def _read_row(sheet: Any, cols: dict[str, int], index: int, kelurahan: str, problems: list[Problem]) -> Any:
    """One daftar hadir row: an attendance line, None for a row that is nobody (reported), _END at the signature
    block that ends the list."""
    from psmctl.importing.rows import Kind, classify, signature_ends
    from psmctl.rules import nik as niklib

    cells = sheet.rows[index]

    def cell(name: str, cells: list[object] = cells) -> object:
        c = cols.get(name)
        return cells[c] if c is not None and c < len(cells) else ""

    def is_person(r: Any) -> bool:
        got = [r[cols[f]] for f in ("nik", "jpl", "status") if f in cols and cols[f] < len(r)]
        return any(_text(v) for v in got)

    def has_nik(v: object) -> bool:
        try:
            niklib.from_cell(v)
        except niklib.InvalidNik:
            return False
        return True

    kind = classify(cells, cell("nik"), has_nik)
    first = next((_text(v) for v in cells if _text(v)), "")
    if kind is Kind.SIGNATURE and signature_ends(sheet.rows[index + 1 :], is_person):
        problems.append(Problem(sheet.name, index + 1, None, first, "info", "SIGNATURE_BLOCK", "blok tanda tangan"))
        return _END
    if kind is not Kind.DATA:
        if kind is Kind.TOTAL or kind is Kind.SIGNATURE:
            code = "ROW_TOTAL_SKIPPED" if kind is Kind.TOTAL else "ROW_SKIPPED"
            problems.append(Problem(sheet.name, index + 1, None, first, "info", code, "baris ini bukan peserta"))
        return None
    nama = _text(cell("nama"))
    if index in sheet.hidden_rows:
        msg = f"baris tersembunyi: {nama or 'baris ini'} tidak diimpor (tampilkan barisnya bila memang hadir)"
        problems.append(Problem(sheet.name, index + 1, "NAMA", nama, "warning", "ROW_HIDDEN", msg))
        return None
    return _Row(
        sheet=sheet.name, row=index + 1, nik=cell("nik"), nama=nama,
        kelurahan=_text(cell("kelurahan")) or kelurahan, jpl=cell("jpl"), status=cell("status"),
        hasil=cell("hasil"), certificate_no=_text(cell("certificate_no")), certificate_date=cell("certificate_date"),
        valid_until=cell("valid_until"),
    )  # fmt: skip


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
    read: list[tuple[SheetReport, list[_Row]]] = []
    for sheet in read_tables(path, **limits(settings)):
        report = SheetReport(file=path.name, sheet=sheet.name)
        rows, problems = _sheet_rows(sheet, kelurahan, settings.imports.header_scan_rows, dict(kolom))
        report.problems += problems
        report.warnings += sum(1 for p in problems if p.level == "warning")
        result.sheets.append(report)
        if not any(p.code == "NO_HEADER" for p in problems):
            read.append((report, rows))
    if not read:
        raise InputError(f"{path.name}: kolom NAMA tidak ditemukan di sheet mana pun; bukan daftar hadir?")
    first = read[0][0]
    for p in _future_problem(training, as_of, first.sheet):
        first.warnings += 1
        first.problems.insert(0, p)

    def plan(db: Database) -> _Plan:
        plan = _Plan(db, training, settings, as_of)
        for report, rows in read:
            plan.judge(rows, report)
        return plan

    def write(db: Database, plan: _Plan) -> bool:
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
    return roles


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

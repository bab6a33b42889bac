"""A daftar hadir judged against the register (`attendance record`, `attendance import`): each row tied to a
person by NIK, or by name + kelurahan (reported for the admin to confirm), through a list of named checks
(`_ROW_CHECKS`), counted as added / changed / unchanged / rejected, and queued for one transaction. Nobody is
ever created here: a row that matches nobody is rejected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from psmctl.db import training as q
from psmctl.importing import attendance as reading
from psmctl.importing import batch
from psmctl.models import Level, Problem, SheetReport
from psmctl.rules import training as rules
from psmctl.rules.privacy import mask_nik
from psmctl.rules.settings import Settings

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass
class _Judging:
    """One daftar hadir row being judged: what the checks found so far and what they read."""

    row: reading.Row
    report: SheetReport
    found: tuple[str, str | None] | None  # (NIK, its warning) when the row has a NIK
    register: dict[str, dict[str, Any]]
    warns: list[Problem] = field(default_factory=list)
    final: str = "hadir"
    person: dict[str, Any] | None = None
    matched_by: str = "nik"
    minutes: int = 0
    dates: dict[str, str | None] = field(default_factory=dict)


def _name_refusal(r: reading.Row, matches: Sequence[Mapping[str, Any]]) -> tuple[str, str] | None:
    """(code, message) when a row without NIK cannot be tied to exactly one person by name + kelurahan."""
    if not r.kelurahan:
        return (
            "NO_KELURAHAN",
            f"'{r.nama}' tanpa NIK dan tanpa kelurahan: tidak bisa dicocokkan (isi NIK atau --kelurahan)",
        )
    if not matches:
        return (
            "NAME_NOT_FOUND",
            f"'{r.nama}' ({r.kelurahan}) tanpa NIK dan tidak ditemukan di register; tidak dibuat otomatis",
        )
    if len(matches) > 1:
        which = ", ".join(mask_nik(str(m["nik"])) for m in matches)
        return "NAME_AMBIGUOUS", f"'{r.nama}' ({r.kelurahan}) cocok dengan {len(matches)} orang ({which}); isi NIK-nya"
    return None


class AttendancePlan:
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
        self.erased: set[str] = set()  # NIKs of the rows judged so far that were erased on request

    def candidates(self) -> list[dict[str, Any]]:
        if self._candidates is None:
            self._candidates = q.name_candidates(self.db)
        return self._candidates

    def judge(self, rows: Sequence[reading.Row], report: SheetReport) -> None:
        """Tie each row to a person, check it, and count it as added / changed / unchanged / rejected."""
        from psmctl.rules import nik as niklib

        niks: list[str] = []
        parsed_nik: dict[int, tuple[str, str | None] | Problem] = {}
        numeric_ok = self.settings.nik.numeric_cell_not_zero
        for i, r in enumerate(rows):
            if reading.text(r.nik):
                try:
                    value = niklib.from_cell(r.nik, numeric_ok=numeric_ok)
                except niklib.InvalidNik as e:
                    shown = mask_nik(niklib.compact(r.nik)) if isinstance(r.nik, str) else "(angka)"
                    parsed_nik[i] = self._problem(r, "nik", shown, "error", e.code, e.message)
                    continue
                parsed_nik[i] = value
                niks.append(value[0])
        register = q.people_by_nik(self.db, niks)
        self.erased |= batch.erased_among(self.db, (n for n in niks if n not in register))
        for i, r in enumerate(rows):
            report.rows_read += 1
            found = parsed_nik.get(i)
            if isinstance(found, Problem):
                self._reject(report, found)
                continue
            self._judge_row(r, found, register, report)

    def _problem(
        self, r: reading.Row, column: str | None, value: str | None, level: Level, code: str, msg: str
    ) -> Problem:
        return Problem(r.sheet, r.row, column, value, level, code, msg)

    def _reject(self, report: SheetReport, p: Problem) -> None:
        report.rejected += 1
        report.problems.append(p)

    def _warn(self, report: SheetReport, p: Problem) -> None:
        report.warn(p.row)
        report.problems.append(p)

    def _judge_row(
        self,
        r: reading.Row,
        found: tuple[str, str | None] | None,
        register: dict[str, dict[str, Any]],
        report: SheetReport,
    ) -> None:
        """One row through the named checks (`_ROW_CHECKS`), in order; a check that rejects or skips the row has
        counted it and ends it; a row through all of them is queued for writing."""
        j = _Judging(r, report, found, register)
        for check in _ROW_CHECKS:
            if not check(self, j):
                return
        self._accept(j)

    def _attended(self, j: _Judging) -> bool:
        """Status and result: absent rows are skipped (info); an unknown word is read as hadir (warning)."""
        r = j.row
        status, result = reading.status(r.status), reading.status(r.hasil)
        if status == "tidak_hadir" or result == "tidak_hadir":
            j.report.skipped += 1
            j.report.problems.append(
                self._problem(r, "status", reading.text(r.status), "info", "ABSENT", "tidak hadir")
            )
            return False
        for word, fld, code in ((status, "status", "STATUS_UNKNOWN"), (result, "hasil", "RESULT_UNKNOWN")):
            if word is None:
                shown = reading.text(getattr(r, fld))
                msg = f"{fld} '{shown}' tidak dikenal; dicatat hadir"
                j.warns.append(self._problem(r, fld, shown, "warning", code, msg))
        j.final = next((s for s in (result, status) if s in ("lulus", "tidak_lulus")), "hadir")
        return True

    def _who(self, j: _Judging) -> bool:
        """The person of the row: by NIK, else by name + kelurahan (reported for the admin to confirm)."""
        return self._by_nik(j) if j.found is not None else self._by_name(j)

    def _by_nik(self, j: _Judging) -> bool:
        r = j.row
        nik, nik_warn = j.found  # type: ignore[misc]
        person = j.register.get(nik)
        if person is None and nik in self.erased:
            self._reject(j.report, self._problem(r, "nik", mask_nik(nik), "error", batch.ERASED_CODE,
                                                 batch.ERASED_MESSAGE))  # fmt: skip
            return False
        if person is None:
            msg = f"NIK {mask_nik(nik)} tidak ada di register; impor roster-nya dulu (tidak dibuat otomatis)"
            self._reject(j.report, self._problem(r, "nik", mask_nik(nik), "error", "NIK_NOT_REGISTERED", msg))
            return False
        if nik_warn:
            msg = f"NIK {mask_nik(nik)} tersimpan sebagai angka; periksa"
            j.warns.append(self._problem(r, "nik", mask_nik(nik), "warning", nik_warn, msg))
        if r.nama and not rules.names_agree(r.nama, person["nama"]):
            msg = f"nama '{r.nama}' berbeda dengan register '{person['nama']}' untuk NIK {mask_nik(nik)}"
            j.warns.append(self._problem(r, "nama", r.nama, "warning", "NAME_DIFFERS", msg))
        j.person, j.matched_by = person, "nik"
        return True

    def _by_name(self, j: _Judging) -> bool:
        r = j.row
        if not r.nama:
            j.report.skipped += 1
            return False
        matches = rules.match_by_name(r.nama, r.kelurahan, self.candidates()) if r.kelurahan else []
        refusal = _name_refusal(r, matches)
        if refusal is not None:
            self._reject(j.report, self._problem(r, "nama", r.nama, "error", *refusal))
            return False
        m = matches[0]
        j.person = {"volunteer_id": m["volunteer_id"], "nik": m["nik"], "nama": m["nama"], "tgl_lahir": m["tgl_lahir"]}
        shown = mask_nik(str(m["nik"]))
        msg = f"'{r.nama}' tanpa NIK dicocokkan lewat nama + kelurahan dengan NIK {shown}; mohon periksa"
        j.warns.append(self._problem(r, "nama", r.nama, "warning", "MATCHED_BY_NAME", msg))
        j.matched_by = "nama"
        return True

    def _once(self, j: _Judging) -> bool:
        """A person already on an earlier row of this file: this row is skipped (warning)."""
        person = j.person or {}
        vid = int(person["volunteer_id"])
        if vid not in self.seen:
            return True
        shown = mask_nik(str(person["nik"]))
        msg = f"{shown} sudah tercatat di {self.seen[vid]}; baris ini diabaikan"
        j.report.skipped += 1
        j.report.warn(j.row.row)
        j.report.problems.append(self._problem(j.row, "nik", shown, "warning", "DUPLICATE_IN_FILE", msg))
        return False

    def _duration(self, j: _Judging) -> bool:
        """The JPL attended: the training's, or the row's when it says less (more than the training: warning)."""
        r = j.row
        j.minutes = minutes = int(self.training["minutes"])
        if not reading.text(r.jpl):
            return True
        d = rules.parse_duration(r.jpl, bare_jam=self.settings.training.bare_jam)
        if d.minutes is None:
            self._reject(j.report, self._problem(r, "jpl", reading.text(r.jpl), "error", str(d.code), str(d.message)))
            return False
        if d.code:
            j.warns.append(self._problem(r, "jpl", reading.text(r.jpl), "warning", d.code, str(d.message)))
        if d.minutes > minutes:
            msg = f"JPL diikuti {rules.to_jpl(d.minutes)} melebihi JPL pelatihan {rules.to_jpl(minutes)}"
            j.warns.append(self._problem(r, "jpl", reading.text(r.jpl), "warning", "JPL_ABOVE_TRAINING", msg))
        j.minutes = d.minutes
        return True

    def _certificate(self, j: _Judging) -> bool:
        """The certificate's dates, when given: an unreadable one rejects the row."""
        from psmctl.rules.dates import parse_date_cell

        r = j.row
        for col, raw in (("certificate_date", r.certificate_date), ("certificate_valid_until", r.valid_until)):
            value = parse_date_cell(raw, as_of=self.as_of) if reading.text(raw) else None
            if isinstance(value, str):
                self._reject(j.report, self._problem(r, col, reading.text(raw), "error", "DATE_INVALID", value))
                return False
            j.dates[col] = value.isoformat() if value else None
        return True

    def _age(self, j: _Judging) -> bool:
        """Too young for the training on its date (warning; a future training is said once per file)."""
        for code, msg in rules.date_findings(
            self.training["start_date"],
            as_of=date.max,
            birth=(j.person or {}).get("tgl_lahir"),
            min_age=self.settings.training.min_age_warn,
        ):
            j.warns.append(self._problem(j.row, None, None, "warning", code, msg))
        return True

    def _accept(self, j: _Judging) -> None:
        """Count the row as added, changed or unchanged against the stored attendance, and queue what changes."""
        r, report = j.row, j.report
        for w in j.warns:
            self._warn(report, w)
        vid = int((j.person or {})["volunteer_id"])
        self.seen[vid] = f"sheet '{r.sheet}' baris {r.row}" if r.row is not None else "baris perintah"
        values = {"minutes": j.minutes, "status": j.final, "certificate_no": r.certificate_no or None, **j.dates,
                  "note": r.note or None}  # fmt: skip
        before = self.existing.get(vid)
        if before is None:
            report.added += 1
        elif before == values:
            report.unchanged += 1
            return
        else:
            report.changed += 1
        self.writes.append({"volunteer_id": vid, "matched_by": j.matched_by, "sheet": r.sheet, "row": r.row, **values})

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


# The checks a daftar hadir row goes through, in order (each ends the row by returning False).
_ROW_CHECKS = (
    AttendancePlan._attended,
    AttendancePlan._who,
    AttendancePlan._once,
    AttendancePlan._duration,
    AttendancePlan._certificate,
    AttendancePlan._age,
)


def future_problem(training: dict[str, Any], as_of: date, sheet: str) -> list[Problem]:
    if training["start_date"] <= as_of:
        return []
    msg = f"pelatihan {training['id']} bertanggal {training['start_date'].isoformat()}, belum lewat"
    return [Problem(sheet, None, None, None, "warning", "TRAINING_IN_FUTURE", msg)]

"""Coverage of the whole register, through one path: one answer per distinct payment history, reused.

`coverage status`, `coverage due`, `coverage gaps`, the summary and every export built on them read the ledger
once through :class:`Histories`: one SQL query hands over, per person, a text holding every field coverage reads
of each non-voided row (db.payments.HISTORY_FIELDS). People with the same text have the same payment history
(a register paid by one SP2D has a handful of them), so the rules engine (coverage.py) runs once per distinct
history and every person with that history shares the answer. There is no second way: PKS batches, double
payments, short payments and mixed programmes are histories like any other.

`coverage check` of one person (payments.check) runs the same engine on that person's own rows, which also
carry the payment ids and references its evidence names.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from psmctl.db import payments as dbp
from psmctl.db import snapshot
from psmctl.errors import NotFound
from psmctl.memory import gc_paused
from psmctl.rules import coverage, rates, wilayah
from psmctl.rules.membership import Paid, programme_order
from psmctl.rules.months import month_index, month_of
from psmctl.rules.payment_lines import rules_from
from psmctl.rules.privacy import mask_nik
from psmctl.rules.settings import Settings

if TYPE_CHECKING:
    from sqlite_utils import Database

T = TypeVar("T")
# dbp.register_roles: id, nik, nama, kelurahan, unsur, kecamatan, kode_kecamatan, kode_wilayah
Role = tuple[int, str, str, str | None, str, str | None, str | None, str | None]
_FIELD, _ROW = "\x1f", "\x1e"


class Histories:
    """Everyone's (or the given people's) payment history from one query; equal histories share one ledger."""

    def __init__(
        self, db: Database, volunteer_ids: Sequence[int] | None = None, *, evidence_month: str | None = None
    ) -> None:
        self.key: dict[int, str] = {}
        self.ledgers: dict[str, list[Paid]] = {}
        # With evidence_month: per person, that month's rows as (id, paid date, programmes, reference) texts.
        self.evidence: dict[int, list[list[str]]] = {}
        days: dict[str, date] = {}
        progs: dict[str, frozenset[str]] = {}
        with gc_paused():  # 100,000 small objects that cannot form a cycle
            canon: dict[str, str] = {}  # one string object per distinct history, not one per person (~0.7 KB each)
            for vid, text, evidence in dbp.ledger_histories(db, volunteer_ids, evidence_month):
                same = canon.get(text)
                if same is None:
                    same = canon[text] = text
                    self.ledgers[text] = _parse(text, days, progs)
                self.key[vid] = same
                if evidence:
                    self.evidence[vid] = [e.split(_FIELD, 3) for e in evidence.split(_ROW)]

    def ledger_of(self, volunteer_id: int) -> list[Paid]:
        """The person's coverage-relevant ledger (ids are positions, references empty); [] without payments."""
        key = self.key.get(volunteer_id)
        return [] if key is None else self.ledgers[key]

    def each(self, fn: Callable[[Sequence[Paid]], T]) -> Callable[[int], T]:
        """``fn`` of a person's ledger, computed once per distinct history (and once for people without payments)."""
        memo: dict[str | None, T] = {}
        key, ledgers = self.key, self.ledgers

        def get(volunteer_id: int) -> T:
            k = key.get(volunteer_id)
            hit = memo.get(k, memo)
            if hit is memo:
                hit = memo[k] = fn([] if k is None else ledgers[k])
            return hit  # type: ignore[return-value]

        return get


def _parse(text: str, days: dict[str, date], progs: dict[str, frozenset[str]]) -> list[Paid]:
    out = []
    for i, row in enumerate(text.split(_ROW)):
        month, paid = row[:7], row[7:17]
        programs, total, expected, segment, funding, income, risk, pks_start, pks_no = row[18:].split(_FIELD, 8)
        day = days.get(paid)
        if day is None:
            day = days[paid] = date.fromisoformat(paid)
        p = progs.get(programs)
        if p is None:
            p = progs[programs] = frozenset(programs.split(","))
        out.append(
            Paid(i + 1, month, day, p, int(total), segment, "", funding, int(income), risk or "I",
                 int(expected) if expected else None, pks_no or None,
                 date.fromisoformat(pks_start) if pks_start else None)
        )  # fmt: skip
    return out


@snapshot
def statuses_on(db: Database, days: Sequence[date], *, known_on: date, settings: Settings) -> list[dict[int, str]]:
    """Per day, the status of every register person as `coverage status --as-of day` (run on ``known_on``) gives
    it: the same engine call per distinct history, with the register and the ledger read once for all the days
    (the year-end evaluation asks twelve month-ends)."""
    rules = rules_from(settings)
    people = sorted({r[0] for r in dbp.register_roles(db)})
    hist = Histories(db, None)
    out = []
    for day in days:
        ledger_day = max(known_on, day)  # `coverage status --as-of day` reads the ledger as known on max(today, day)

        def status_of(ledger: Sequence[Paid], day: date = day, k: date = ledger_day) -> str:
            return coverage.coverage_on(ledger, day, rules=rules, known_on=k, with_arrears=False).status

        status = hist.each(status_of)
        out.append({vid: status(vid) for vid in people})
    return out


# --------------------------------------------------------------------------------------------------------
# coverage status


@snapshot
def status_report(
    db: Database,
    *,
    as_of: date,
    known_on: date,
    settings: Settings,
    unsur: str | None = None,
    kelurahan: str | None = None,
    kecamatan: str | None = None,
) -> dict[str, Any]:
    """`coverage status`: one entry per register role with status, covered-until and masa iur, plus totals.

    Entries of people with the same answer share their unchanged sub-dicts (read them, do not mutate them).
    """
    roles, run = _status_inputs(db, as_of, known_on, settings, unsur, kelurahan, kecamatan)
    shown = kelurahan_shown(roles)
    with gc_paused():
        cache: dict[int, dict[str, Any]] = {}
        people: list[dict[str, Any]] = []
        for vid, nik, nama, kel, unsur_, _kec, kode_kec, kode in roles:
            entry = cache.get(vid)
            if entry is None:
                a = run.answer(vid)
                programs = a.programs
                if a.with_pay:
                    pay = a.pay_dict(run.evidence[vid])
                    programs = {p: {**d, "payment": pay} if p in a.with_pay else d for p, d in programs.items()}
                entry = cache[vid] = {"status": a.status, "masa_iur_bulan": a.masa, "programs": programs}
            people.append({"nik": nik, "nama": nama, "kelurahan": shown(kel, kode), "unsur": unsur_,
                           "kabkota": wilayah.kabkota_label(kode_kec), **entry})  # fmt: skip
    return {"as_of": as_of.isoformat(), "volunteers": people, "totals": _status_totals(roles, run)}


def status_json(
    db: Database,
    *,
    as_of: date,
    known_on: date,
    settings: Settings,
    unsur: str | None = None,
    kelurahan: str | None = None,
    kecamatan: str | None = None,
) -> tuple[dict[str, Any], str, Iterator[str], dict[str, Any]]:
    """:func:`status_report` as (head, rows key, one JSON text per entry, tail), for :func:`render.write_json_rows`.

    The same keys and values as ``status_report``, without building a dict per entry (large registers).
    """
    roles, run = _status_inputs(db, as_of, known_on, settings, unsur, kelurahan, kecamatan)
    return {"as_of": as_of.isoformat()}, "volunteers", _status_texts(roles, run), {"totals": _status_totals(roles, run)}


@dataclass
class _StatusRun:
    """What `coverage status` computed: the shared answer per person, and the evidence row of who has one."""

    answer: Callable[[int], _Answer]
    evidence: dict[int, tuple[Any, ...]]


def _status_inputs(
    db: Database,
    as_of: date,
    known_on: date,
    settings: Settings,
    unsur: str | None,
    kelurahan: str | None,
    kecamatan: str | None,
) -> tuple[list[Role], _StatusRun]:
    from psmctl.services.volunteers import kelurahan_filter

    rules = rules_from(settings)
    roles = dbp.register_roles(db, unsur=unsur, kelurahan=kelurahan_filter(db, kelurahan), kecamatan=kecamatan)
    filtered = bool(unsur or kelurahan or kecamatan)
    wanted = sorted({r[0] for r in roles})
    # The payment a status shows as evidence is the as-of month's row: its id and reference come with the history.
    month = month_of(as_of)
    hist = Histories(db, wanted if filtered else None, evidence_month=month)

    def answer_of(ledger: Sequence[Paid]) -> _Answer:
        return _answer(coverage.coverage_on(ledger, as_of, rules=rules, known_on=known_on, with_arrears=False))

    answer = hist.each(answer_of)
    progs: dict[str, frozenset[str]] = {}
    evidence: dict[int, tuple[Any, ...]] = {}
    for vid, rows in hist.evidence.items():
        a = answer(vid)
        pay = a.pay
        if pay is None:
            continue
        for pid, paid, programs, reference in rows:
            p = progs.get(programs)
            if p is None:
                p = progs[programs] = frozenset(programs.split(","))
            if paid == a.pay_iso and p == pay.programs:  # the row coverage chose (a double has two)
                evidence[vid] = (vid, int(pid), paid, programs, pay.amount_rupiah, reference, pay.expected_rupiah,
                                 pay.pks_no)  # fmt: skip
                break
    return roles, _StatusRun(answer, evidence)


def _status_texts(roles: list[Role], run: _StatusRun) -> Iterator[str]:
    answer, evidence = run.answer, run.evidence
    shown = kelurahan_shown(roles)
    for vid, nik, nama, kel, unsur, _kec, kode_kec, kode in roles:
        a = answer(vid)
        chunks = a.chunks()
        tail = a.pay_json(evidence[vid]).join(chunks) if a.with_pay else chunks[0]
        kab, kel = _js(wilayah.kabkota_label(kode_kec)), _js(shown(kel, kode))
        yield (f'{{"nik": {_js(nik)}, "nama": {_js(nama)}, "kelurahan": {kel}, "unsur": {_js(unsur)}, '
               f'"kabkota": {kab}, {tail}}}')  # fmt: skip


def kelurahan_shown(roles: Iterable[Role]) -> Callable[[str | None, str | None], str | None]:
    """(kelurahan, kode wilayah) → the kelurahan these roles' report shows: a name two desa of them share labelled
    with its kecamatan (wilayah.region_labels), any other as stored."""
    labels = wilayah.region_labels((), {(r[3], r[7]) for r in roles}).kelurahan
    if not labels:
        return lambda kel, _kode: kel
    return lambda kel, kode: labels.get((kel, kode), kel)


_PAY_SLOT = "@@psmctl-payment@@"
_enc = json.JSONEncoder(ensure_ascii=False).encode  # the separators and escapes of render.to_json, on one line
_basestring: Callable[[str], str] = json.encoder.encode_basestring


def _js(value: Any) -> str:
    return _basestring(value) if value.__class__ is str else _enc(value)


def _status_totals(roles: list[Role], run: _StatusRun) -> list[dict[str, Any]]:
    """Per kab/kota, kecamatan and unsur: a kecamatan name shared by two kab/kota of a province is two rows."""
    totals: dict[tuple[str, str, str], dict[str, Any]] = {}
    answer = run.answer
    for vid, _nik, _nama, _kel, unsur, kec, kode_kec, _kode in roles:
        key = (wilayah.kabkota_label(kode_kec), str(kec or ""), str(unsur))
        t = totals.get(key)
        if t is None:
            t = totals[key] = {"kabkota": key[0], "kecamatan": key[1], "unsur": key[2], "jumlah": 0, "covered": 0,
                               "menunggak": 0, "nonaktif": 0, "never_paid": 0}  # fmt: skip
        t["jumlah"] += 1
        t[_TOTAL_KEY[answer(vid).status]] += 1
    return [totals[k] for k in sorted(totals)]


_TOTAL_KEY = {"AKTIF": "covered", "MENUNGGAK": "menunggak", "NONAKTIF": "nonaktif", "BELUM_TERDAFTAR": "never_paid"}


@dataclass
class _Answer:
    """A status answer shared by everyone with the same history; ``pay`` is the evidence payment (its real row
    gives the id, amounts, reference and PKS number)."""

    status: str
    masa: int
    programs: dict[str, dict[str, Any]]  # as_dict() shapes; payment None where ``pay`` goes
    with_pay: tuple[str, ...]
    pay: Paid | None
    pay_iso: str = ""  # the evidence's paid date as the ledger writes it
    _chunks: list[str] | None = None
    _pay_mid: str = ""  # the evidence's JSON between "id" and "amount_rupiah": month, paid date
    _pay_progs: str = ""  # its "programs" member

    def pay_dict(self, row: tuple[Any, ...]) -> dict[str, Any]:
        """The `payment` evidence with the real row's id, amounts, reference and PKS number."""
        pay = self.pay
        if pay is None:
            raise AssertionError("no evidence payment in this answer")
        _vid, pid, _paid, _progs, total, reference, expected, pks_no = row
        return {
            "id": pid,
            "month": pay.month,
            "paid_on": pay.paid_on.isoformat(),
            "amount_rupiah": total,
            "expected_rupiah": expected,
            "programs": sorted(pay.programs, key=programme_order),
            "reference": reference or None,
            "pks_no": pks_no,
        }

    def pay_json(self, row: tuple[Any, ...]) -> str:
        """JSON text of :meth:`pay_dict` (the same members, order and values), without building the dict."""
        if not self._pay_mid:
            d = self.pay_dict(row)
            self._pay_mid = f'"month": {_enc(d["month"])}, "paid_on": {_enc(d["paid_on"])}, '
            self._pay_progs = f'"programs": {_enc(d["programs"])}, '
        _vid, pid, _paid, _progs, total, reference, expected, pks_no = row
        exp = "null" if expected is None else expected
        ref = _basestring(reference) if reference else "null"
        pks = "null" if pks_no is None else _enc(pks_no)
        return (f'{{"id": {pid}, {self._pay_mid}"amount_rupiah": {total}, "expected_rupiah": {exp}, '
                f'{self._pay_progs}"reference": {ref}, "pks_no": {pks}}}')  # fmt: skip

    def chunks(self) -> list[str]:
        """JSON text of status, masa_iur_bulan and programs, split where the evidence payment goes."""
        if self._chunks is None:
            progs = {p: {**d, "payment": _PAY_SLOT} if p in self.with_pay else d for p, d in self.programs.items()}
            text = _enc({"status": self.status, "masa_iur_bulan": self.masa, "programs": progs})[1:-1]
            self._chunks = text.split(_enc(_PAY_SLOT))
        return self._chunks


def _answer(c: coverage.Coverage) -> _Answer:
    with_pay = tuple(p for p, pc in c.programs.items() if pc.payment is not None)
    pay = next((pc.payment for pc in c.programs.values() if pc.payment is not None), None)
    programs = {
        p: pc._replace(payment=None).as_dict() if p in with_pay else pc.as_dict() for p, pc in c.programs.items()
    }
    return _Answer(c.status, c.masa_iur_bulan, programs, with_pay, pay, pay.paid_on.isoformat() if pay else "")


# --------------------------------------------------------------------------------------------------------
# coverage due, coverage gaps


@snapshot
def due_report(
    db: Database, *, month: str, as_of: date, settings: Settings, kecamatan: str | None = None
) -> dict[str, Any]:
    """`coverage due`: who must be paid for a month (or still owes a short payment of it), how much per programme,
    totals per funding and per kab/kota, who would lapse; ``kecamatan`` (a name or code, or a kab/kota code from
    --kabkota) narrows it to that area's people."""
    month_index(month)
    rules = rules_from(settings)
    people: dict[int, Role] = {}
    for r in dbp.register_roles(db, kecamatan=kecamatan):
        people.setdefault(r[0], r)
    shown = kelurahan_shown(people.values())
    default = Paid(0, month, as_of, frozenset({"JKK", "JKM"}), 0)

    def fields(ledger: Sequence[Paid]) -> dict[str, Any] | None:
        d = coverage.due_for_month(ledger, month, rules=rules, as_of=as_of, default=default)
        if d is None:
            return None
        parts = {f"{p.lower()}_rupiah": None if d.shortfall_rupiah else d.amount.payable(p) for p in rates.PROGRAMMES}
        return {"status": d.status, "segment": d.amount.segment, "funding": d.funding, "due_on": d.due_on.isoformat(),
                **parts, "kurang_bayar_rupiah": d.shortfall_rupiah, "total_rupiah": d.total_rupiah,
                "will_lapse": d.will_lapse}  # fmt: skip

    due = Histories(db, sorted(people) if kecamatan else None).each(fields)
    lines: list[dict[str, Any]] = []
    per_funding: dict[str, int] = defaultdict(int)
    per_kabkota: dict[str, dict[str, Any]] = {}
    with gc_paused():
        for vid, r in people.items():
            f = due(vid)
            if f is None:
                continue
            kab = wilayah.kabkota_label(r[6])
            lines.append({"nik": r[1], "nama": r[2], "kelurahan": shown(r[3], r[7]), "unsur": r[4], "kabkota": kab,
                          **f})  # fmt: skip
            per_funding[f["funding"]] += f["total_rupiah"]
            k = per_kabkota.get(kab)
            if k is None:
                k = per_kabkota[kab] = {"kabkota": kab, "orang": 0, "total_rupiah": 0, "will_lapse": 0}
            k["orang"] += 1
            k["total_rupiah"] += f["total_rupiah"]
            k["will_lapse"] += f["will_lapse"]
    lines.sort(key=lambda x: (not x["will_lapse"], str(x["kelurahan"] or ""), str(x["nama"])))
    return {
        "month": month,
        "people": lines,
        "per_funding": [{"funding": f, "total_rupiah": t} for f, t in sorted(per_funding.items())],
        "per_kabkota": [per_kabkota[k] for k in sorted(per_kabkota)],
        "total_rupiah": sum(per_funding.values()),
        "will_lapse": sum(1 for x in lines if x["will_lapse"]),
    }


@snapshot
def gaps_report(
    db: Database, *, as_of: date, settings: Settings, nik_text: str | None = None, kecamatan: str | None = None
) -> list[dict[str, Any]]:
    """`coverage gaps`: periods without JKK cover per volunteer, from the first membership start to ``as_of``, each
    with the person's kab/kota; ``kecamatan`` (a name or code, or a kab/kota code from --kabkota) narrows it to the
    people with a role in that area, as status and due are narrowed."""
    rules = rules_from(settings)
    vid = None
    if nik_text:
        from psmctl.rules.nik import require_nik

        nik_text = require_nik(nik_text)
        found = dbp.volunteer_by_nik(db, nik_text)
        if found is None:
            raise NotFound(f"NIK {mask_nik(nik_text)} tidak ada di register")
        vid = found[0]
    people = dbp.register_people(db, kecamatan=kecamatan, volunteer_id=vid)
    hist = Histories(db, [p[0] for p in people] if nik_text or kecamatan else None)
    gaps = hist.each(lambda ledger: coverage.gaps(ledger, as_of, rules=rules))
    out = []
    for vid, n, nama, kode_kec in people:
        kab = wilayah.kabkota_label(kode_kec)
        for g in gaps(vid):
            out.append({"nik": n, "nama": nama, "kabkota": kab, "from": g.start.isoformat(),
                        "to": g.end.isoformat(), "days": (g.end - g.start).days + 1, "status": g.reason})  # fmt: skip
    return out

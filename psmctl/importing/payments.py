"""Reading a payment list (`psmctl payments import`) through the import engine, touching no database.

Each sheet's tables are found as the roster's are (importing/rows.py: a header, repeated headers and section titles
start tables of their own; title lines, blank, JUMLAH, column-number and signature rows are nobody; a hidden row is
reported, not read); unused columns are named once per sheet; KETERANGAN is read and kept as the payment's note (a
word saying the person died or stopped is a warning on that row, any other text an info). A row's cells other than
NIK and reference make a `Line`: checked once per distinct set of cells (1.2M iuran months are a few dozen lines),
by a list of named checks. What the ledger says about the rows (registered NIKs, doubles, COV-12) is the ledger
service's (services/ledger.py), which writes them through the batch stage (importing/batch.py).
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from psmctl.errors import InputError
from psmctl.importing import cells as cell_text
from psmctl.importing.columns import hidden_sheet, other_list, sheet_column_findings, sheet_skipped, skipped
from psmctl.importing.headers import Header
from psmctl.importing.sheets import SheetData
from psmctl.models import Problem, SheetReport
from psmctl.rules import ledger_rules, rates
from psmctl.rules.dates import MONTHS, month_range, parse_month
from psmctl.rules.membership import Paid, Rules
from psmctl.rules.payment_lines import ALL_PROGRAMMES, amount_check, check_line, parse_funding, parse_programs
from psmctl.rules.privacy import mask_nik
from psmctl.rules.settings import Settings

# The cells a payment line is made of, apart from the NIK and the reference (which only travel with the row):
# rows with the same cells here share one Line (1.2M iuran months: a few dozen distinct lines).
LINE_FIELDS = (
    "bulan", "tanggal_bayar", "segmen", "sumber_dana", "jkk", "jkm", "jht", "jp", "jkp", "jumlah", "upah",
    "program", "pks_no", "pks_mulai", "kelas_risiko",
)  # fmt: skip
# Columns a payment list's report does not name as unused: the line's cells, NIK, reference, NO, KETERANGAN and
# the name (it tells a reader whose row it is; the register keeps the person's name).
READ_FIELDS = frozenset({*LINE_FIELDS, "nik", "referensi", "no", "nama", "ket"})
REQUIRED = ("nik", "bulan", "tanggal_bayar")


class Spec(NamedTuple):
    """A finding before it has a sheet and a row: the field, the value shown, code, message, level."""

    field: str
    value: object
    code: str
    message: str
    level: str


class Line(NamedTuple):
    """What the cells of a row other than NIK and reference make: the payment's fields and the findings."""

    id: int
    head: tuple[Any, ...] | None  # PAYMENT_COLUMNS segment..funding; None when the line is rejected
    tail: tuple[Any, ...]  # risk_class, pks_no, pks_start
    errors: tuple[Spec, ...]
    notes: tuple[Spec, ...]
    early: tuple[int, int]  # errors, notes found before the checks that need a whole row (all a bad NIK gets)
    paid: Paid | None  # the ledger row coverage will see (id filled in per person)
    dedupe: int  # one id per (month, paid date, programmes, total): with volunteer and reference, the natural key


class MonthRange(NamedTuple):
    """The lines of a row naming several iuran months ('Januari s/d Maret 2025'): one per month, each with the
    row's amounts divided by the number of months (a row paying Jan-Mar on 20 January paid three months that day)."""

    lines: tuple[Line, ...]


class Staged(NamedTuple):
    """One accepted row of a payment list: its NIK, line, reference, Excel row, the sheet reader it came from and
    its KETERANGAN (the payment's note, None when empty)."""

    nik: str
    line: Line
    reference: str
    row: int
    sheet: SheetReader
    note: str | None


_new = tuple.__new__  # a NamedTuple without the keyword handling of its generated __new__ (one per row)


class Memo:
    """Answers of the pure per-row checks of one import, per distinct input: a payment list repeats the same
    month, paid date, segment and programmes over thousands of rows (1.2M rows: months x a few dates)."""

    def __init__(self, *, as_of: date, settings: Settings, rules: Rules) -> None:
        from psmctl.rules import dates

        self.as_of, self.rules, self._dates = as_of, rules, dates
        self.risk_class = settings.pu.jkk_risk_class
        self.max_ahead = settings.coverage.max_months_ahead
        self.mismatch_level = "error" if settings.amounts.mismatch == "reject" else "warning"
        self._months: dict[object, str | ValueError] = {}
        self._days: dict[object, date | str | None] = {}
        self._programs: dict[object, tuple[str, ...] | InputError] = {}
        self.dedupe: dict[tuple[Any, ...], int] = {}
        self.line_ids = itertools.count()  # one numbering over every sheet: a person's lines may span sheets

    def month(self, value: object) -> str:
        key = (value.__class__, value)
        hit = self._months.get(key)
        if hit is None:
            try:
                hit = self._dates.parse_month(value)
            except ValueError as e:
                hit = e
            if len(self._months) < 10_000:
                self._months[key] = hit
        if isinstance(hit, ValueError):
            raise hit
        return hit

    def months(self, value: object) -> list[str] | None:
        """The months of a range ('Januari s/d Maret 2025'), None for any other cell (read once per distinct line)."""
        return self._dates.month_range(value)

    def day(self, value: object) -> date | str | None:
        key = (value.__class__, value)
        if key not in self._days:
            hit = self._dates.parse_date_cell(value, as_of=self.as_of)
            if len(self._days) >= 10_000:
                return hit
            self._days[key] = hit
        return self._days[key]

    def programs(self, named: object) -> tuple[str, ...]:
        key = (named.__class__, named if not isinstance(named, list) else tuple(named))
        hit = self._programs.get(key)
        if hit is None:
            try:
                hit = parse_programs(str(named) if not isinstance(named, list) else named)
            except InputError as e:
                hit = e
            self._programs[key] = hit
        if isinstance(hit, InputError):
            raise hit
        return hit


# Rupiah as offices type it: "16800", "16.800", "16,800", "Rp 16.800,-", "Rp. 16.800,00", "16800.00", "-16.800".
# Groups of three after a dot, comma or space are thousands; one or two digits after the last dot or comma are
# sen (cents), which must be zero: "16800.00" is Rp16.800, never Rp1.680.000.
_MONEY = re.compile(
    r"^(?:RP\.?)?\s*(-)?\s*(?:RP\.?)?\s*(\d{1,3}(?:[.,\s]\d{3})+|\d+)(?:[.,](\d{1,2}))?\s*(?:,\s*-+|-+)?$"
)


def money_cell(value: object) -> int | None | str:
    """A rupiah cell: int, None when empty, or a reason."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "bukan angka rupiah"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else f"{value:g} bukan rupiah bulat"
    text = " ".join(str(value).upper().replace("—", "-").replace("–", "-").split())
    if text in ("-", "RP -", "RP-", "RP. -"):
        return None
    m = _MONEY.match(text) if text.isascii() else None  # "16800²" and other look-alike digits are no rupiah
    if not m:
        return f"'{value}' bukan angka rupiah"
    if m.group(3) and int(m.group(3)):
        return f"'{value}' bukan rupiah bulat"
    amount = int(re.sub(r"[.,\s]", "", m.group(2)))
    return -amount if m.group(1) else amount  # a negative amount: ledger_rules says why it cannot be


def _months_as_columns(rows: Sequence[Sequence[object]], scan: int) -> str:
    """Why a recap with one column per month (JAN | FEB | MAR …) is not read, or "": the ledger records each
    month's payment on the day it was paid, and such a sheet gives no day per month."""
    for row in rows[:scan]:
        names = [t for c in row if (t := cell_text.text(c)) and t.lower().rstrip(".") in MONTHS]
        if len(names) >= 3:
            return (
                f"iuran per bulan dalam kolom ({', '.join(names[:3])} …) tanpa tanggal bayar tiap bulan: susun "
                "satu baris per orang per bulan dengan kolom NIK, BULAN IURAN dan TANGGAL BAYAR"
            )
    return ""


# --- one line: a list of named checks over its cells ----------------------------------------------------------


@dataclass
class _Reading:
    """One line being read: its cells, the import's memo, what the checks found so far and the values they read."""

    cells: dict[str, object]
    memo: Memo
    funding: str  # the default until the SUMBER DANA cell says otherwise
    errors: list[Spec] = field(default_factory=list)
    notes: list[Spec] = field(default_factory=list)
    month: str = ""
    paid: date | str | None = None
    seg: str = "BPU"
    amounts: dict[str, int] = field(default_factory=dict)
    given_total: int | None = None
    income_cell: int | None = None
    progs: tuple[str, ...] = ("JKK", "JKM")
    pks_no: str | None = None
    pks_start: date | None = None
    rc: str = ""

    def get(self, fld: str) -> object:
        return self.cells.get(fld, "")

    def add(self, fld: str, value: object, code: str, msg: str, level: str = "error") -> None:
        (self.errors if level == "error" else self.notes).append(Spec(fld, value, code, msg, level))

    @property
    def income(self) -> int:
        return self.income_cell or (1_000_000 if self.seg == "BPU" else 0)


def _month(rd: _Reading) -> None:
    try:
        rd.month = rd.memo.month(rd.get("bulan"))
    except ValueError as e:
        rd.add("bulan", rd.get("bulan"), "MONTH_INVALID", str(e))


def _paid_on(rd: _Reading) -> None:
    rd.paid = paid = rd.memo.day(rd.get("tanggal_bayar"))
    if paid is None:
        rd.add("tanggal_bayar", "", "PAID_ON_MISSING", "tanggal bayar kosong")
    elif isinstance(paid, str):
        rd.add("tanggal_bayar", rd.get("tanggal_bayar"), "PAID_ON_INVALID", paid)
    elif (future := ledger_rules.paid_date_problem(paid, rd.memo.as_of)) is not None:
        rd.add("tanggal_bayar", paid, "PAID_ON_FUTURE", future)


def _segment(rd: _Reading) -> None:
    rd.seg = str(rd.get("segmen") or "BPU").strip().upper()
    if rd.seg not in rates.SEGMENTS:
        rd.add("segmen", rd.seg, "SEGMENT_INVALID", "segmen harus BPU atau PU")


def _funding(rd: _Reading) -> None:
    try:
        rd.funding = parse_funding(str(rd.get("sumber_dana") or rd.funding))
    except InputError as e:
        rd.add("sumber_dana", rd.get("sumber_dana"), "FUNDING_INVALID", str(e))


def _amounts(rd: _Reading) -> None:
    for p in ALL_PROGRAMMES:
        v = money_cell(rd.get(p.lower()))
        if isinstance(v, int):
            v = ledger_rules.amount_problem(v, p) or v
        if isinstance(v, str):
            rd.add(p.lower(), rd.get(p.lower()), "AMOUNT_INVALID", v)
        elif v:
            rd.amounts[p] = v


def _money(rd: _Reading, fld: str, problem: Callable[[int], str | None]) -> int | None:
    """A money cell other than a programme's: its rupiah, or None (empty, or refused with a finding)."""
    v = money_cell(rd.get(fld))
    if isinstance(v, int) and (bad := problem(v)) is not None:
        v = bad
    if isinstance(v, str):
        rd.add(fld, rd.get(fld), "AMOUNT_INVALID", v)
        return None
    return v


def _total_and_income(rd: _Reading) -> None:
    rd.given_total = _money(rd, "jumlah", lambda v: ledger_rules.amount_problem(v, "JUMLAH"))
    rd.income_cell = _money(rd, "upah", ledger_rules.income_problem)
    if (parts := ledger_rules.parts_vs_total(rd.amounts, rd.given_total)) is not None:  # money is not guessed
        rd.add("jumlah", rd.get("jumlah"), "TOTAL_MISMATCH", parts)


def _programs(rd: _Reading) -> None:
    try:
        named = rd.get("program")
        rd.progs = rd.memo.programs(named) if named else rd.memo.programs(list(rd.amounts) or ["JKK", "JKM"])
    except InputError as e:
        rd.add("program", rd.get("program"), "PROGRAM_INVALID", str(e))


def _pks(rd: _Reading) -> None:
    rd.pks_no = str(rd.get("pks_no") or "").strip() or None
    start = rd.memo.day(rd.get("pks_mulai"))
    if isinstance(start, str):
        rd.add("pks_mulai", rd.get("pks_mulai"), "PKS_START_INVALID", start)
        start = None
    if start is not None and not rd.pks_no:
        rd.add("pks_mulai", start, "COV-19", "tanggal mulai PKS tanpa nomor PKS ditolak")
    rd.pks_start = start
    rd.rc = str(rd.get("kelas_risiko") or rd.memo.risk_class).strip().upper()


# The checks of a line's own cells, in order; then the rules that need the whole line (`_line_rules`).
CELL_CHECKS: tuple[Callable[[_Reading], None], ...] = (
    _month, _paid_on, _segment, _funding, _amounts, _total_and_income, _programs, _pks,
)  # fmt: skip


def _line_rules(rd: _Reading, paid: date) -> None:
    """§4.1, IUR-07, COV-09 over the whole line, each finding pointed at the cell it is about."""
    for lvl, code, msg in check_line(
        segment=rd.seg, months=[rd.month], paid_on=paid, programs=rd.progs, income_rupiah=rd.income,
        table=rd.memo.rules.table, config_max_ahead=rd.memo.max_ahead,
    ):  # fmt: skip
        if code in ("IUR-07", "IUR-09"):  # the income: point at the UPAH cell as typed
            rd.add("upah", rd.get("upah"), code, msg, lvl)
        elif code.startswith("IUR"):
            rd.add("program", ",".join(rd.progs), code, msg, lvl)
        else:
            rd.add("bulan", rd.month, code, msg, lvl)


def _expected(rd: _Reading) -> tuple[rates.Expected, int]:
    """What the rate table expects for the line and what it paid (IUR-17 when they differ)."""
    exp = rates.expected(rd.memo.rules.table, segment=rd.seg, month=rd.month, income_rupiah=rd.income,
                         programmes=rd.progs, funding=rd.funding, risk_class=rd.rc)  # fmt: skip
    given = rd.given_total if rd.given_total is not None else exp.total_rupiah
    total = sum(rd.amounts.values()) if rd.amounts else given
    mismatch = amount_check(total, exp.total_rupiah, rd.month)
    if mismatch:
        rd.add("jumlah", total, "IUR-17", mismatch[1], rd.memo.mismatch_level)
    for code, msg in exp.notes:
        rd.add("upah", rd.income, code, msg, "info")
    return exp, total


_AMOUNTS = ("jkk", "jkm", "jht", "jp", "jkp", "jumlah")


def read_lines(cells: dict[str, object], memo: Memo, funding_default: str) -> Line | MonthRange:
    """The line of a row's cells, or the lines of a month range ('Jan-Mar 2025'): each month's amounts are the
    row's divided by the months, refused when they do not divide into whole rupiah."""
    months = memo.months(cells.get("bulan"))
    if not months:
        return read_line(next(memo.line_ids), cells, memo, funding_default)
    each: dict[str, object] = {}
    for fld in _AMOUNTS:
        amount = money_cell(cells[fld]) if fld in cells else None
        if isinstance(amount, int) and amount % len(months):
            first = read_line(next(memo.line_ids), {**cells, "bulan": months[0]}, memo, funding_default)
            msg = f"{fld.upper()} Rp{amount:,} tidak habis dibagi {len(months)} bulan ({cells['bulan']})"
            bad = Spec(fld, cells[fld], "AMOUNT_INVALID", msg.replace(",", "."), "error")
            return first._replace(head=None, errors=(bad, *first.errors), notes=())  # its figures are not the month's
        if isinstance(amount, int):
            each[fld] = amount // len(months)
    msg = f"{len(months)} bulan iuran dalam satu baris: dicatat per bulan"
    said = Spec("bulan", cells["bulan"], "MONTH_RANGE", msg, "info")
    lines = [read_line(next(memo.line_ids), {**cells, "bulan": m, **each}, memo, funding_default) for m in months]
    lines[0] = lines[0]._replace(notes=(said, *lines[0].notes))
    return MonthRange(tuple(lines))


def read_line(line_id: int, cells: dict[str, object], memo: Memo, funding_default: str) -> Line:
    """Parse and check the cells of a payment line (all but NIK and reference); pure, so shared by equal rows."""
    rd = _Reading(cells, memo, funding_default)
    for check in CELL_CHECKS:
        check(rd)
    paid = rd.paid
    if rd.errors or not isinstance(paid, date):
        return _line(line_id, rd, None)
    early = (len(rd.errors), len(rd.notes))
    _line_rules(rd, paid)
    if rd.errors:
        return _line(line_id, rd, None, early=early)
    exp, total = _expected(rd)
    if rd.errors:
        return _line(line_id, rd, None, early=early)
    same = not rd.amounts and total == exp.total_rupiah
    split = [rd.amounts.get(p, exp.payable(p) if same else 0) for p in ALL_PROGRAMMES]
    programs = ",".join(rd.progs)
    head = (rd.seg, rd.month, paid.isoformat(), rd.income, programs, *split, total, exp.total_rupiah, rd.funding)
    ledger_row = Paid(0, rd.month, paid, frozenset(rd.progs), total, rd.seg, pks_no=rd.pks_no, pks_start=rd.pks_start)
    dedupe = memo.dedupe.setdefault((rd.month, head[2], programs, total), len(memo.dedupe))
    start = rd.pks_start.isoformat() if isinstance(rd.pks_start, date) else None
    tail = (rd.rc if rd.seg == "PU" else None, rd.pks_no, start)
    return _line(line_id, rd, head, tail, ledger_row, dedupe, early)


def _line(
    line_id: int, rd: _Reading, head: tuple[Any, ...] | None, tail: tuple[Any, ...] = (), paid: Paid | None = None,
    dedupe: int = -1, early: tuple[int, int] | None = None,
) -> Line:  # fmt: skip
    early = early or (len(rd.errors), len(rd.notes))
    return Line(line_id, head, tail, tuple(rd.errors), tuple(rd.notes), early, paid, dedupe)


# --- the rows of a table ------------------------------------------------------------------------------------


class SheetReader:
    """How one table's rows are read: the NIK column, the line cells as one tuple, the labels for findings."""

    def __init__(
        self, sheet: SheetData, header: Header, report: SheetReport, numeric_ok: str = "warn",
        given: Mapping[str, object] | None = None,
    ) -> None:  # fmt: skip
        cols = header.columns
        self.numeric_ok = numeric_ok  # setting nik.numeric_cell_not_zero
        self.report, self.name, self.labels = report, sheet.name, header.labels
        from psmctl.importing.rows import struck_rows

        self.text_only, self.hidden = sheet.text_only, sheet.hidden_rows
        self.struck = struck_rows(sheet.struck, header)  # rows whose NIK or name is struck through
        self.fields = tuple(f for f in LINE_FIELDS if f in cols or f in (given or {}))  # a tuple: 2 fields at least
        self.cells: Callable[[Sequence[object]], tuple[object, ...]] = (
            _cells_with(self.fields, cols, given) if given else operator.itemgetter(*(cols[f] for f in self.fields))
        )
        self.nik, self.ref, self.ket = cols["nik"], cols.get("referensi"), cols.get("ket")
        self.width = max(cols.values()) + 1

    def problem(self, number: int, spec: Spec) -> Problem:
        fld, value, code, msg, level = spec
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a number cell as Excel shows it: 16800, not 16800.0
        return Problem(self.name, number, self.labels.get(fld, fld.upper()), None if value is None else str(value),
                       level, code, msg)  # type: ignore[arg-type]  # fmt: skip


def _cells_with(
    fields: Sequence[str], cols: Mapping[str, int], given: Mapping[str, object]
) -> Callable[[Sequence[object]], tuple[object, ...]]:
    """A row's line cells when the title gives some of them (the iuran month): the same for every row."""
    at = [(cols[f], None) if f in cols else (-1, given[f]) for f in fields]
    return lambda row: tuple(row[c] if c >= 0 else value for c, value in at)


_END = None  # what `_nobody` says of the signature block that ends its table


def _nobody(cells: list[object], raw: object, r: int, s: SheetReader, below: Sequence[Sequence[object]]) -> bool | None:
    """A row that is no payment, reported as every import reports it: True (skip it), False for a row that must be
    read, `_END` for the signature block that ends the table (no payment below it)."""
    from psmctl.importing.rows import Kind, classify, nobody_said, signature_ends

    kind = classify(cells, raw, lambda cell: bool(nik_of(cell, s.numeric_ok)[0]))
    if kind is Kind.BLANK or kind is Kind.NUMBERS:
        return True
    if kind is not Kind.DATA:
        first = next((t for v in cells if (t := cell_text.text(v))), "")
        code, msg = nobody_said(kind, first) or ("SIGNATURE_BLOCK", "baris tanda tangan dilewati")
        s.report.skipped += 1
        s.report.problems.append(s.problem(r + 1, Spec("nik", None, code, msg, "info")))
        if kind is Kind.SIGNATURE and signature_ends(below, lambda row: _has_nik_cell(row, s.nik)):
            return _END
        return True
    if r in s.hidden:
        s.report.skipped += 1
        msg = "baris tersembunyi: tidak diimpor (tampilkan barisnya di Excel bila memang dibayar)"
        s.report.problems.append(s.problem(r + 1, Spec("nik", None, "ROW_HIDDEN", msg, "warning")))
        return True
    if r in s.struck:
        s.report.skipped += 1
        msg = "baris dicoret: tidak diimpor (hapus coretannya di Excel bila memang dibayar)"
        s.report.problems.append(s.problem(r + 1, Spec("nik", None, "ROW_STRUCK", msg, "warning")))
        return True
    return False


def _has_nik_cell(row: Sequence[object], col: int) -> bool:
    """A row below a signature line that is still a payment: its NIK cell holds digits."""
    return col < len(row) and sum(ch.isdigit() for ch in cell_text.text(row[col])) >= 6


def nik_of(raw: object, numeric_ok: str = "warn") -> tuple[str, Spec | None]:
    """(NIK, its finding) of a NIK cell, read by the one NIK reader; NIK "" when the cell is refused."""
    from psmctl.rules import nik

    try:
        the_nik, warn_code = nik.from_cell(raw, numeric_ok=numeric_ok)
    except nik.InvalidNik as e:
        return "", Spec("nik", mask_nik(nik.compact(raw)), e.code, e.message, "error")
    if warn_code == "NIK_INVISIBLE_CHARS":
        msg = "NIK berisi karakter tak terlihat (spasi lebar-nol/NBSP); dihapus"
        return the_nik, Spec("nik", mask_nik(the_nik), warn_code, msg, "warning")
    if warn_code:
        return the_nik, Spec("nik", mask_nik(the_nik), warn_code, "NIK tersimpan sebagai angka", "warning")
    return the_nik, None


def keterangan(text: str) -> Spec:
    """The finding a KETERANGAN cell's text gives (it is kept as the payment's note): a word saying the person
    died, moved or stopped (warning: the payment is kept, the admin checks the person), any other text (info)."""
    word = cell_text.stop_word(text)
    if word:
        msg = (
            f"KETERANGAN '{word}': orang ini mungkin tidak bertugas lagi; pembayaran tetap dicatat (keterangan "
            "disimpan sebagai catatan pembayaran), periksa register"
        )
        return Spec("ket", text, "STOP_WORD", msg, "warning")
    return Spec("ket", text, "KETERANGAN_NOTE", f"keterangan disimpan sebagai catatan pembayaran: {text[:120]}", "info")


def read_rows(
    sheet: SheetData,
    s: SheetReader,
    lines: dict[object, Line | MonthRange],
    memo: Memo,
    funding_default: str,
    span: range,
) -> Iterator[Staged]:
    """Every accepted row of one table (rows `span`); findings go to the sheet's report."""
    rep, problems, fields, pick, nik_col, ref_col, ket_col, width = (
        s.report, s.report.problems, s.fields, s.cells, s.nik, s.ref, s.ket, s.width)  # fmt: skip
    niks: dict[object, tuple[str, Spec | None]] = {}
    rows = sheet.rows
    hidden = s.hidden | s.struck if s.struck else s.hidden  # rows not read as they are
    for r in span:
        cells = rows[r]
        if len(cells) < width:
            cells = [*cells, *[""] * (width - len(cells))]
        raw = cells[nik_col]
        if raw == "" or raw is None or r in hidden:
            nobody = _nobody(cells, raw, r, s, rows[r + 1 : span.stop])  # blank, JUMLAH, signature, hidden, struck
            if nobody is _END:
                break
            if nobody:
                continue
            rep.rows_read += 1
            rep.rejected += 1
            problems.append(s.problem(r + 1, Spec("nik", "", "NIK_MISSING", "NIK kosong", "error")))
            continue
        rep.rows_read += 1
        values = pick(cells)
        key = values if s.text_only else tuple((v.__class__, v) for v in values)
        line = lines.get(key)
        if line is None:
            line = lines[key] = read_lines(dict(zip(fields, values, strict=True)), memo, funding_default)
        if isinstance(raw, str) and len(raw) == 16 and raw.isdigit() and raw.isascii():
            the_nik, nik_spec = raw, None
        else:
            hit = niks.get((raw.__class__, raw))
            if hit is None:
                hit = niks[(raw.__class__, raw)] = nik_of(raw, s.numeric_ok)
            the_nik, nik_spec = hit
        note = cell_text.text(cells[ket_col]) or None if ket_col is not None else None
        ket = keterangan(note) if note else None
        # the one cell reader: a receipt number typed as a number is "20261101", not "20261101.0"; a dash is none
        ref = cell_text.text(cells[ref_col]) if ref_col is not None else ""
        for one in line.lines if isinstance(line, MonthRange) else (line,):
            if one.errors or one.notes or nik_spec or ket:
                _row_findings(s, r + 1, one, the_nik, nik_spec, ket)
            if not the_nik or one.head is None:
                rep.rejected += 1
                break
            yield _new(Staged, (the_nik, one, ref, r + 1, s, note))


def _row_findings(
    s: SheetReader, number: int, line: Line, the_nik: str, nik_spec: Spec | None, ket: Spec | None
) -> None:
    """The findings of one row: its line's, its NIK's (a refused NIK: only what was found before the whole-line
    checks), its KETERANGAN's."""
    errors, notes = line.errors, line.notes
    if nik_spec and not the_nik:
        errors, notes = (nik_spec, *errors[: line.early[0]]), notes[: line.early[1]]
    elif nik_spec:
        notes = (nik_spec, *notes)
    if ket:
        notes = (*notes, ket)
    s.report.problems += [s.problem(number, spec) for spec in (*errors, *notes)]
    if any(spec.level == "warning" for spec in notes):
        s.report.warn(number)


# --- the file -------------------------------------------------------------------------------------------------


_REQUIRED_BESIDE = ("nik", "tanggal_bayar")  # a list whose iuran month is in its title has no BULAN column
# "BULAN JANUARI 2025", "PERIODE: Januari s/d Maret 2025" in a title line: the month of every row below it.
_TITLE_MONTH = re.compile(r"\b([A-Za-z]+\.?(?:\s+\d{4})?\s*(?:s/d|s\.d\.?|sampai|-)\s*)?([A-Za-z]+)\s+(\d{4})\b", re.I)


def _header(
    sheet: SheetData, aliases: dict[str, list[str]], scan: int, manual: dict[str, str], rep: SheetReport
) -> tuple[Header | None, dict[str, object]]:
    """The sheet's header, and the cells its title gives every row: a list without a BULAN IURAN column whose title
    names one iuran month (or a range of months) has that month on every row, said once (MONTH_FROM_TITLE)."""
    from psmctl.importing import headers

    header = headers.find_header(sheet.rows, aliases, REQUIRED, scan, manual=manual)
    if header is not None:
        return header, {}
    header = headers.find_header(sheet.rows, aliases, _REQUIRED_BESIDE, scan, manual=manual)
    month = _title_month(sheet.rows[: header.row_index]) if header is not None else None
    if header is None or month is None:
        return None, {}
    msg = f"tidak ada kolom BULAN IURAN: bulan iuran tiap baris dari judul, '{month}'"
    rep.problems.append(Problem(sheet.name, None, None, month, "info", "MONTH_FROM_TITLE", msg))
    return header, {"bulan": month}


def _title_month(rows: Sequence[Sequence[object]]) -> str | None:
    """The one iuran month (or range of months) the title lines name, as written; None when none or several."""
    from psmctl.importing.titles import line_of

    found = set()
    for row in rows:
        line = line_of(row)
        for m in _TITLE_MONTH.finditer(line):
            if line[: m.start()].rstrip()[-1:].isdigit():
                continue  # "Kediri, 20 Januari 2025": a day's date, not an iuran month
            said = m.group(0).strip()
            if month_range(said) if m.group(1) else _is_month(said):  # what a month is: rules.dates, not here
                found.add(said)
    return found.pop() if len(found) == 1 else None


def _is_month(text: str) -> bool:
    try:
        parse_month(text)
    except ValueError:
        return False
    return True


def _not_read(sheet: SheetData, path: Path, scan: int) -> Problem:
    """Why a sheet without a payment list's header is not read: another kind of list, a recap with a column per
    month, or no such header at all."""
    from psmctl.importing import headers

    kind = headers.sheet_kind(sheet.rows, scan)
    if kind is not None and kind[0] != "payments":
        return other_list(sheet.name, path.name, kind, "payments")
    if wide := _months_as_columns(sheet.rows, scan):
        return skipped(sheet.name, wide, f"{path.name}: {wide}")
    return sheet_skipped(sheet.name, "NIK, BULAN IURAN dan TANGGAL BAYAR", scan)


class PaymentList(NamedTuple):
    """A payment list as read: its accepted rows, and why the whole file cannot be used (None when it can)."""

    rows: list[Staged]
    refused: str | None


def read_file(
    path: Path, reports: list[SheetReport], memo: Memo, settings: Settings, funding_default: str,
    manual: dict[str, str],
) -> PaymentList:  # fmt: skip
    """Every accepted row of every table of every sheet; one report per sheet appended to `reports`."""
    from psmctl.importing import headers, sheets
    from psmctl.importing.rows import split_tables

    aliases = headers.load_aliases("payments_headers.toml")
    scan = settings.imports.header_scan_rows
    numeric_ok = settings.nik.numeric_cell_not_zero
    lines: dict[tuple[str, ...], dict[object, Line | MonthRange]] = {}  # per set of columns: equal cells, equal meaning
    staged: list[Staged] = []
    for sheet in sheets.read_tables(path, **sheets.limits(settings)):
        rep = SheetReport(file=path.name, sheet=sheet.name)
        reports.append(rep)
        header, given = _header(sheet, aliases, scan, manual, rep)
        if header is None or sheet.hidden:
            rep.problems.append(_not_read(sheet, path, scan) if header is None else hidden_sheet(sheet.name, path.name))
            rep.skipped += 1
            continue
        tables = split_tables(sheet.rows, header, aliases, REQUIRED if not given else _REQUIRED_BESIDE, manual)
        rep.problems += sheet_column_findings(sheet, tables, READ_FIELDS)
        for table in tables:
            s = SheetReader(sheet, table.header, rep, numeric_ok, given)
            cache = lines.setdefault(s.fields, {})
            staged += read_rows(sheet, s, cache, memo, funding_default, range(table.start, table.end))
        sheet.rows = []  # the cells are read: let them go before the ledger work
    skips = [p for s in reports for p in s.problems if p.code == "SHEET_SKIPPED"]
    if reports and len(skips) == len(reports):  # no sheet read: the file is refused, naming its import if known
        other = next((p.value for p in skips if p.value), None)
        return PaymentList(
            staged, other or "kolom NIK / BULAN IURAN / TANGGAL BAYAR tidak ditemukan di lembar mana pun"
        )
    return PaymentList(staged, None)

"""Exports: the summary workbook, and every report table as .xlsx, .csv or .json; masked unless asked otherwise.

Rows come from summary.py; this module only decides how they look in a file:

- every file is written beside its target and renamed over it when complete (xlsx.atomic_path), so a reader
  never sees half a file and a failed run keeps the previous one;
- the same rows give the same bytes: workbook timestamps are fixed, no wall-clock time is written anywhere,
  CSV is UTF-8 with ``\\n`` line ends, JSON has a fixed key order;
- NIK and phone go through privacy.mask_nik / mask_phone unless ``unmask`` (NIK ``3571**********02``: the
  kab/kota prefix and the last two digits stay; phone ``0812******90``);
- text from outside (names, addresses) is never a formula: xlsx cells are written as strings, CSV cells that
  start with = + - @ get a leading apostrophe (render.csv_safe);
- dates are real date cells, rupiah integers with a thousands format, percentages fractions shown as %.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from psmctl import __version__
from psmctl.output import render, xlsx
from psmctl.rules.months import month_of
from psmctl.rules.privacy import mask_nik, mask_phone
from psmctl.services.summary import STATUSES, Summary, status_label

FORMATS = ("xlsx", "csv", "json")
EXCEL_EPOCH = date(1899, 12, 30)  # serial 0; 1900-03-01 onwards is right, and no register date is older
NUMBER_FORMAT = {"rupiah": "#,##0", "int": "0", "pct": "0.0%", "jpl": "0.0", "date": "dd-mm-yyyy"}
MASKING_RULE = "NIK: 4 digit awal (kab/kota) dan 2 digit akhir tampil, mis. 3571**********02; HP: 0812******90"


@dataclass(frozen=True)
class Column:
    """One column: its machine key (CSV/JSON), its Indonesian header (xlsx), width and kind of value."""

    key: str
    label: str
    width: int = 14
    kind: str = "text"  # text, nik, phone, int, rupiah, pct, jpl, date, auto


@dataclass(frozen=True)
class Block:
    """A table on a sheet: optional title line, bold header, rows, optional bold totals row."""

    columns: Sequence[Column]
    rows: Iterable[Mapping[str, Any]]  # read once, as the sheet is written
    title: str | None = None
    total: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Sheet:
    """A worksheet made of blocks written top to bottom, one blank row apart; the first header is frozen."""

    name: str
    blocks: Sequence[Block]
    # (workbook, worksheet, block spans, anchor row): drawn on a printed page of its own below the first block
    chart: Callable[[Any, Any, list[tuple[int, int]], int], None] | None = None


@dataclass(frozen=True)
class Table:
    """One report table (roster, coverage, due, training) with the facts its Tentang sheet states."""

    name: str
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]]
    about: Sequence[tuple[str, Any]] = field(default_factory=tuple)


def format_of(out: Path, fmt: str | None) -> str:
    """The file format: --format if given, else the --out suffix; ValueError names what is accepted."""
    chosen = (fmt or out.suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise ValueError(f"format '{chosen or out.name}' tidak dikenal; pakai akhiran .xlsx, .csv atau .json")
    return chosen


def file_mode(text: object) -> int:
    """The export.file_mode setting ('0600') as permission bits; ValueError when it is not octal."""
    mode = int(str(text), 8)
    if not 0 <= mode <= 0o777:
        raise ValueError(str(text))
    return mode


def _masker(kind: str, unmask: bool) -> Callable[[Any], Any] | None:
    if unmask:
        return None
    if kind == "nik":
        return lambda v: mask_nik(v) if v else v
    if kind == "phone":
        return lambda v: mask_phone(v) if v else v
    return None


def plain_rows(columns: Sequence[Column], rows: Sequence[Mapping[str, Any]], *, unmask: bool) -> list[dict[str, Any]]:
    """Rows for CSV/JSON: only the columns, in their order, masked, dates as ISO text."""
    maskers = [(c.key, _masker(c.kind, unmask)) for c in columns]
    out = []
    for r in rows:
        row = {}
        for key, m in maskers:
            v = r.get(key)
            if m is not None:
                v = m(v)
            elif isinstance(v, date):
                v = v.isoformat()
            row[key] = v
        out.append(row)
    return out


# --------------------------------------------------------------------------------------------------------
# CSV and JSON


def write_csv(path: Path, table: Table, *, unmask: bool, mode: int) -> None:
    """The table as CSV (header of machine keys, `\\n`, formula-like text escaped), replaced atomically."""
    buf = io.StringIO()
    render.write_csv(plain_rows(table.columns, table.rows, unmask=unmask), [c.key for c in table.columns], buf)
    with xlsx.atomic_path(path, mode=mode) as tmp:
        tmp.write_text(buf.getvalue(), encoding="utf-8", newline="")


def write_json(path: Path, table: Table, *, unmask: bool, mode: int) -> None:
    """The table as a JSON list of objects (the same shape as `--format json` on stdout), replaced atomically."""
    text = render.to_json(plain_rows(table.columns, table.rows, unmask=unmask)) + "\n"
    with xlsx.atomic_path(path, mode=mode) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")


# --------------------------------------------------------------------------------------------------------
# Workbooks


class _Formats:
    """xlsxwriter formats created once per workbook, by (kind, bold)."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.cache: dict[tuple[str, bool], Any] = {}

    def get(self, kind: str, bold: bool = False) -> Any:
        key = (kind, bold)
        if key not in self.cache:
            props: dict[str, Any] = {}
            if kind in NUMBER_FORMAT:
                props["num_format"] = NUMBER_FORMAT[kind]
            if bold:
                props["bold"] = True
            if kind == "header":
                props.update({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
            self.cache[key] = self.wb.add_format(props) if props else None
        return self.cache[key]


def _cell_writer(ws: Any, kind: str, fmt: Any, mask: Callable[[Any], Any] | None) -> Callable[[int, int, Any], None]:
    """A writer for one column: skips empty cells, writes the value with its real type."""
    write_string, write_number = ws.write_string, ws.write_number
    if kind in ("int", "rupiah", "pct", "jpl"):

        def number(r: int, c: int, v: Any) -> None:
            if v is not None and v != "":
                write_number(r, c, v, fmt)

        return number
    if kind == "date":

        def day(r: int, c: int, v: Any) -> None:
            if v:
                d = v if isinstance(v, date) else date.fromisoformat(str(v)[:10])
                write_number(r, c, (d - EXCEL_EPOCH).days, fmt)  # a date cell is a serial with a date format

        return day
    if kind == "auto":
        return lambda r, c, v: xlsx.write_cell(ws, r, c, v, fmt if isinstance(v, date) else None)

    def text(r: int, c: int, v: Any) -> None:
        if v is not None and v != "":
            write_string(r, c, str(mask(v) if mask else v), fmt)  # write_string: never a formula

    return text


CHART_ROWS = 28  # rows left free for the chart: 540 px at 20 px a row, one landscape A4 page once fitted to width


def _write_sheet(wb: Any, fmts: _Formats, sheet: Sheet, *, unmask: bool, title: str | None) -> None:
    ws = wb.add_worksheet(sheet.name)
    widths: dict[int, int] = {}
    for b in sheet.blocks:
        for c, col in enumerate(b.columns):
            widths[c] = max(widths.get(c, 0), col.width)
    for c, w in sorted(widths.items()):
        ws.set_column(c, c, w)
    header, title_fmt = fmts.get("header"), fmts.get("text", bold=True)
    row, head_row, chart_at = 0, 0, -1
    spans: list[tuple[int, int]] = []
    breaks: list[int] = []
    for i, b in enumerate(sheet.blocks):
        if b.title:
            ws.write_string(row, 0, b.title, title_fmt)
            row += 1
        for c, col in enumerate(b.columns):
            ws.write_string(row, c, col.label, header)
        if i == 0:
            ws.freeze_panes(row + 1, 0)
            head_row = row
        row += 1
        row = _write_rows(ws, fmts, b, row, unmask=unmask, spans=spans) + 1
        if i == 0 and sheet.chart is not None:  # the chart on a page of its own, then the next block
            chart_at, row = row, row + CHART_ROWS
            breaks += [chart_at, row]
    xlsx.print_setup(ws, title=title, header_rows=(head_row, head_row), breaks=breaks)
    if sheet.chart is not None:
        sheet.chart(wb, ws, spans, chart_at)


def _write_rows(ws: Any, fmts: _Formats, b: Block, row: int, *, unmask: bool, spans: list[tuple[int, int]]) -> int:
    """The rows of one block from `row` on, then its bold total; returns the row after the last one written."""
    writers = [
        (col.key, _cell_writer(ws, col.kind, fmts.get(col.kind), _masker(col.kind, unmask))) for col in b.columns
    ]
    first = row
    for r in b.rows:
        for c, (key, write) in enumerate(writers):
            write(row, c, r.get(key))
        row += 1
    spans.append((first, row - 1))
    if b.total is not None:
        for c, col in enumerate(b.columns):
            _cell_writer(ws, col.kind, fmts.get(col.kind, bold=True), None)(row, c, b.total.get(col.key))
        row += 1
    return row


def write_workbook(path: Path, sheets: Sequence[Sheet], *, unmask: bool, mode: int, title: str | None = None) -> None:
    """Write the sheets into one .xlsx at `path`, atomically; byte-identical for the same rows. Every sheet
    prints on A4 landscape, one page wide, with `title` (office, kab/kota, as-of date) on top of every page."""
    with xlsx.atomic_path(path, mode=mode) as tmp, xlsx.work_dir(path) as work:
        wb = xlsx.new_workbook(tmp, tmpdir=work, constant_memory=True)
        try:
            fmts = _Formats(wb)
            for sheet in sheets:
                _write_sheet(wb, fmts, sheet, unmask=unmask, title=title)
        except BaseException:
            xlsx.discard(wb)
            raise
        wb.close()


def about_sheet(facts: Sequence[tuple[str, Any]]) -> Sheet:
    """Tentang: what the file was made from, one fact per row (no wall-clock time: the bytes must not change)."""
    cols = [Column("keterangan", "Keterangan", 30), Column("nilai", "Nilai", 70, "auto")]
    return Sheet("Tentang", [Block(cols, [{"keterangan": k, "nilai": v} for k, v in facts])])


def masking_fact(unmask: bool) -> tuple[str, str]:
    """The masking choice as the Tentang sheet states it."""
    if unmask:
        return (
            "Data pribadi",
            "TIDAK disamarkan (--unmask): NIK dan nomor HP lengkap; simpan dan kirim dengan hati-hati",
        )
    return ("Data pribadi", f"disamarkan. {MASKING_RULE}")


def write_table_file(path: Path, fmt: str, table: Table, *, unmask: bool, mode: int, title: str | None = None) -> None:
    """One report table as xlsx (table + Tentang), csv or json."""
    if fmt == "csv":
        write_csv(path, table, unmask=unmask, mode=mode)
    elif fmt == "json":
        write_json(path, table, unmask=unmask, mode=mode)
    else:
        facts = [*table.about, ("Jumlah baris", len(table.rows)), masking_fact(unmask), ("Versi psmctl", __version__)]
        sheets = [Sheet(table.name, [Block(table.columns, table.rows)]), about_sheet(facts)]
        write_workbook(path, sheets, unmask=unmask, mode=mode, title=title)


# --------------------------------------------------------------------------------------------------------
# The summary workbook


def _status_columns() -> list[Column]:
    cols = [Column("jumlah", "Jumlah", 9, "int")]
    for s in STATUSES:
        label = status_label(s)
        cols += [Column(s.lower(), label, 11, "int"), Column(f"pct_{s.lower()}", f"% {label}", 11, "pct")]
    return cols


RINGKASAN = [
    Column("kecamatan", "Kecamatan", 18), Column("kelurahan", "Kelurahan", 20), Column("unsur", "Unsur", 10),
    *_status_columns(),
    Column("belum_pernah_dilatih", "Belum pernah dilatih", 12, "int"),
    Column("jpl_tahun_ini", "JPL tahun ini", 10, "jpl"),
]  # fmt: skip
KABKOTA = [Column("kabkota", "Kab/Kota", 30), *RINGKASAN[3:]]
KABKOTA_KEC = [Column("kecamatan", "Kecamatan", 18), *RINGKASAN[3:]]
PROGRAMME_COLUMNS = [Column(f"{p.lower()}_sampai", f"{p} s.d.", 12, "date") for p in ("JKK", "JKM", "JHT", "JP")]
RELAWAN = [
    Column("nik", "NIK", 19, "nik"), Column("nama", "Nama", 28), Column("jenis_kelamin", "L/P", 5),
    Column("umur", "Umur", 6, "int"), Column("no_hp", "No HP", 15, "phone"), Column("unsur", "Unsur", 9),
    Column("kecamatan", "Kecamatan", 16), Column("kelurahan", "Kelurahan", 18),
    Column("status", "Status iuran", 17), Column("masa_iur_bulan", "Masa iur (bulan)", 9, "int"),
    *PROGRAMME_COLUMNS, Column("pelatihan_terakhir", "Pelatihan terakhir", 13, "date"),
]  # fmt: skip
TUNGGAKAN = [
    Column("nik", "NIK", 19, "nik"), Column("nama", "Nama", 28), Column("unsur", "Unsur", 9),
    Column("kecamatan", "Kecamatan", 16), Column("kelurahan", "Kelurahan", 18), Column("status", "Status", 12),
    Column("bulan_tunggakan", "Bulan tertunggak", 22), Column("tunggakan_rupiah", "Tunggakan (Rp)", 14, "rupiah"),
    Column("bulan_kurang_bayar", "Bulan kurang bayar", 18),
    Column("kurang_bayar_rupiah", "Kurang bayar (Rp)", 14, "rupiah"),
    Column("iuran_bulan_ini_rupiah", "Iuran bulan ini (Rp)", 14, "rupiah"),
    Column("jatuh_tempo", "Jatuh tempo", 12, "date"),
    Column("harus_dibayar_rupiah", "Harus dibayar (Rp)", 14, "rupiah"),
    Column("berakhir_pada", "Kepesertaan berakhir", 13, "date"),
    Column("berakhir_bulan_depan", "Berakhir bulan depan", 10),
]  # fmt: skip
GANDA = [
    Column("nik", "NIK", 19, "nik"), Column("nama", "Nama", 28), Column("kecamatan", "Kecamatan", 16),
    Column("kelurahan", "Kelurahan", 18), Column("bulan", "Bulan iuran", 10), Column("program", "Program", 10),
    Column("keterangan", "Keterangan", 90),
]  # fmt: skip
JPL = [
    Column("kecamatan", "Kecamatan", 18), Column("unsur", "Unsur", 10), Column("orang", "Orang", 8, "int"),
    Column("dilatih", "Dilatih", 8, "int"), Column("belum_pernah_dilatih", "Belum pernah dilatih", 12, "int"),
    Column("memenuhi_target", "Memenuhi target", 10, "int"), Column("jpl", "JPL", 8, "jpl"),
    Column("target_jpl", "Target JPL", 10, "jpl"),
]  # fmt: skip
NEVER = [
    Column("nik", "NIK", 19, "nik"), Column("nama", "Nama", 28), Column("unsur", "Unsur", 10),
    Column("kecamatan", "Kecamatan", 18), Column("kelurahan", "Kelurahan", 20), Column("umur", "Umur", 6, "int"),
]  # fmt: skip


def _coverage_chart(wb: Any, ws: Any, spans: list[tuple[int, int]], at: int) -> None:
    """A stacked column chart of the status counts per kecamatan (the first block of Ringkasan)."""
    _status_chart(wb, ws, spans, at, RINGKASAN, "Kepesertaan BPJS Ketenagakerjaan per kecamatan")


def _kabkota_chart(wb: Any, ws: Any, spans: list[tuple[int, int]], at: int) -> None:
    _status_chart(wb, ws, spans, at, KABKOTA, "Kepesertaan BPJS Ketenagakerjaan per kab/kota")


def _kecamatan_chart(wb: Any, ws: Any, spans: list[tuple[int, int]], at: int) -> None:
    _status_chart(wb, ws, spans, at, KABKOTA_KEC, f"Kepesertaan BPJS Ketenagakerjaan per kecamatan · {ws.name}")


def _status_chart(wb: Any, ws: Any, spans: list[tuple[int, int]], at: int, columns: list[Column], title: str) -> None:
    """A stacked column chart of the status counts of the sheet's first block, categories in its first column."""
    name = ws.name
    first, last = spans[0]
    if last < first:
        return
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    colors = {"AKTIF": "#70AD47", "MENUNGGAK": "#FFC000", "NONAKTIF": "#C00000", "BELUM_TERDAFTAR": "#A5A5A5"}
    for s in STATUSES:
        col = next(i for i, c in enumerate(columns) if c.key == s.lower())
        chart.add_series(
            {
                "name": [name, first - 1, col],
                "categories": [name, first, 0, last, 0],
                "values": [name, first, col, last, col],
                "fill": {"color": colors[s]},
            }
        )
    chart.set_title({"name": title})
    chart.set_y_axis({"name": "Relawan"})
    chart.set_size({"width": 960, "height": 520})  # one landscape page once the sheet is fitted to its width
    ws.insert_chart(at, 0, chart, {"object_position": 3})  # 3: neither moved nor sized with the cells


def summary_sheets(s: Summary, *, db_name: str, schema: str | None, unmask: bool) -> list[Sheet]:
    """The five sheets of the summary workbook."""
    month = month_of(s.as_of)
    ringkasan = Sheet(
        "Ringkasan",
        [
            Block(RINGKASAN, s.per_kecamatan, total=s.total),
            Block(RINGKASAN, s.detail, title="Rincian per kelurahan dan unsur"),
        ],
        chart=_coverage_chart,
    )
    facts: list[tuple[str, Any]] = [
        ("Tanggal acuan", s.as_of),
        ("Kecamatan", ", ".join(s.kecamatan) or "semua"),
        ("Database", db_name),
        ("Skema database", schema or ""),
        ("Peran aktif (baris Daftar Relawan)", s.counts["peran_aktif"]),
        ("Orang", s.counts["orang"]),
        (f"Menunggak atau berakhir bulan depan (per {month})", s.counts["tunggakan"]),
        ("Belum pernah dilatih", s.counts["belum_pernah_dilatih"]),
        ("Bulan iuran dibayar ganda", s.counts["dibayar_ganda"]),
        ("Sidik data (SHA-256 atas isi)", s.fingerprint),
        masking_fact(unmask),
        ("Versi psmctl", __version__),
        ("Versi tabel iuran", s.rates_version),
        ("Status iuran", "docs/rules.md, dinilai dengan pembayaran yang tercatat s.d. tanggal acuan"),
        ("Belum pernah dilatih", "TRN-04: tidak ada pembinaan/bimtek/diklat (hadir/lulus) s.d. tanggal acuan"),
        ("JPL tahun ini", f"TRN-06: pelatihan yang selesai 1 Januari {s.as_of.year} s.d. tanggal acuan"),
    ]
    rest = [
        Sheet("Daftar Relawan", [Block(RELAWAN, s.relawan())]),
        Sheet(
            "Tunggakan",
            [
                Block(TUNGGAKAN, s.tunggakan()),
                Block(GANDA, s.doubles, title="Dibayar ganda: minta kredit/pengembalian ke BPJS"),
            ],
        ),
        Sheet(
            "Pelatihan",
            [
                Block(JPL, s.jpl, title=f"JPL {s.as_of.year} per kecamatan dan unsur"),
                Block(NEVER, s.never_trained(), title="Belum pernah dilatih"),
            ],
        ),
        about_sheet(facts),
    ]
    return [ringkasan, *_kabkota_sheets(s, {ringkasan.name, *(sheet.name for sheet in rest)}), *rest]


def _kabkota_sheets(s: Summary, taken: set[str]) -> list[Sheet]:
    """A province register (more than one kab/kota): the Kab-Kota sheet, then a sheet and chart per kab/kota, named
    apart from the ``taken`` names of the other sheets."""
    if len(s.per_kabkota) < 2:
        return []
    total = {**s.total, "kabkota": "JUMLAH"}
    sheets = [Sheet("Kab-Kota", [Block(KABKOTA, s.per_kabkota, total=total)], chart=_kabkota_chart)]
    used = taken | {"Kab-Kota"}
    for label, rows in s.kabkota_kecamatan.items():
        name = _sheet_name(label, used)
        used.add(name)
        sheets.append(Sheet(name, [Block(KABKOTA_KEC, rows)], chart=_kecamatan_chart))
    return sheets


def _sheet_name(label: str, used: set[str]) -> str:
    """'36.01 Kabupaten Pandeglang' → '36.01 Kab. Pandeglang' (Excel: ≤ 31 characters, none of []:*?/\\)."""
    name = re.sub(r"[\[\]:*?/\\]", "-", label.replace("Kabupaten ", "Kab. "))[:31]
    base, n = name, 2
    while name in used:
        name = f"{base[:28]} {n}"
        n += 1
    return name


def write_summary(
    path: Path,
    s: Summary,
    *,
    db_name: str,
    schema: str | None = None,
    unmask: bool = False,
    mode: int = 0o600,
    office: str | None = None,
) -> None:
    """The summary workbook at `path` (atomic, byte-identical for the same database and as_of); every printed
    page is headed by the office (kab/kota) and the as-of date."""
    sheets = summary_sheets(s, db_name=db_name, schema=schema, unmask=unmask)
    title = f"Ringkasan relawan sosial dan iuran BPJS Ketenagakerjaan · {office or 'Dinas Sosial'} · " + (
        f"keadaan per {long_date(s.as_of)}"
    )
    write_workbook(path, sheets, unmask=unmask, mode=mode, title=title)


def long_date(d: date) -> str:
    """20 September 2025: the date as an Indonesian letterhead writes it."""
    from psmctl.rules.dates import MONTH_NAMES

    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


# --------------------------------------------------------------------------------------------------------
# Columns of the report tables (keys as the commands' --format json/csv print them)

_NIK, _NAMA = Column("nik", "NIK", 19, "nik"), Column("nama", "Nama", 28)
_KEC, _KEL, _UNSUR = (
    Column("kecamatan", "Kecamatan", 16),
    Column("kelurahan", "Kelurahan", 18),
    Column("unsur", "Unsur", 9),
)
_KABKOTA = Column("kabkota", "Kab/Kota", 30)
ROSTER = [
    _NIK, _NAMA, Column("jenis_kelamin", "L/P", 5), Column("tempat_lahir", "Tempat lahir", 14),
    Column("tgl_lahir", "Tanggal lahir", 12, "date"), Column("alamat", "Alamat", 30),
    Column("no_hp", "No HP", 15, "phone"),
    _KEL, _KEC, Column("kode_wilayah", "Kode wilayah", 14), _UNSUR, Column("status", "Status", 10),
]  # fmt: skip
COVERAGE = [
    _NIK, _NAMA, _UNSUR, _KEL, Column("status", "Status iuran", 17),
    Column("masa_iur_bulan", "Masa iur (bulan)", 9, "int"),
    *PROGRAMME_COLUMNS,
]  # fmt: skip
DUE = [
    _NIK, _NAMA, _KEL, _UNSUR, Column("status", "Status", 17), Column("segment", "Segmen", 8),
    Column("funding", "Sumber dana", 10), Column("due_on", "Jatuh tempo", 12, "date"),
    *(Column(f"{p.lower()}_rupiah", f"{p} (Rp)", 12, "rupiah") for p in ("JKK", "JKM", "JHT", "JP")),
    Column("kurang_bayar_rupiah", "Kurang bayar (Rp)", 13, "rupiah"),
    Column("total_rupiah", "Jumlah (Rp)", 13, "rupiah"), Column("will_lapse", "Berakhir bila tidak dibayar", 12),
]  # fmt: skip
TRAINING = {
    "never-trained": [
        _NIK, _NAMA, _UNSUR, _KEC, _KEL, Column("pelatihan_terakhir", "Pelatihan terakhir", 13, "date"),
        Column("status", "Status", 18),
    ],
    "hours": [
        _NIK, _NAMA, _UNSUR, _KEC, _KEL, Column("pelatihan", "Pelatihan", 9, "int"), Column("jpl", "JPL", 8, "jpl"),
        Column("target_jpl", "Target JPL", 10, "jpl"), Column("memenuhi_target", "Memenuhi target", 10),
    ],
    "certificates": [
        _NIK, _NAMA, _UNSUR, _KEC, _KEL, Column("no_sertifikat", "No sertifikat", 18),
        Column("berlaku_sampai", "Berlaku sampai", 12, "date"), Column("sisa_hari", "Sisa hari", 9, "int"),
        Column("status", "Status", 13),
    ],
}  # fmt: skip
_GROUP_TAIL = [
    Column("orang", "Orang", 8, "int"), Column("dilatih", "Dilatih", 8, "int"),
    Column("memenuhi_target", "Memenuhi target", 10, "int"), Column("jpl", "JPL", 8, "jpl"),
    Column("target_jpl", "Target JPL", 10, "jpl"),
]  # fmt: skip


def with_kabkota(columns: list[Column], rows: Sequence[Mapping[str, Any]]) -> list[Column]:
    """The columns with Kab/Kota first when the rows span more than one kab/kota (a province register)."""
    return [_KABKOTA, *columns] if len({r.get("kabkota") for r in rows}) > 1 else columns


def hours_group_columns(by: str) -> list[Column]:
    """Columns of the hours report grouped --by kecamatan, kelurahan or unsur."""
    keys = {"kabkota": [_KABKOTA], "kecamatan": [_KEC], "kelurahan": [_KEC, _KEL], "unsur": [_UNSUR]}[by]
    return [*keys, *_GROUP_TAIL]


INCIDENTS = [
    Column("id", "No", 6, "int"), _NIK, _NAMA, Column("kind", "Jenis kejadian", 22),
    Column("occurred_on", "Tanggal", 12, "date"), Column("occurred_time", "Jam", 7), Column("place", "Tempat", 24),
    Column("status_kepesertaan", "Status kepesertaan (disimpan)", 17), Column("terlindungi", "Terlindungi", 18),
    Column("report_deadline", "Batas lapor", 17), Column("reported_on", "Dilaporkan", 12, "date"),
    Column("status", "Status klaim", 18), Column("claim_limit_on", "Batas klaim", 12, "date"),
    Column("paid_rupiah", "Dibayar (Rp)", 14, "rupiah"),
]  # fmt: skip

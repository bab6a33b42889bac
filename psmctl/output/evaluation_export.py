"""The evaluation workbook: Evaluasi (months, with a chart), Iuran, Kejadian, Tentang; byte-identical for the same
rows (export.write_workbook: fixed timestamps, atomic rename)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from psmctl import __version__
from psmctl.output.export import Block, Column, Sheet, about_sheet, write_workbook
from psmctl.services import summary
from psmctl.services.evaluation import Evaluation

MONTHS = [
    Column("bulan", "Bulan", 10), Column("terdaftar", "Terdaftar", 11, "int"),
    Column("terlindungi", "Terlindungi (AKTIF akhir bulan)", 16, "int"),
    Column("pct_terlindungi", "% terlindungi", 12, "pct"), Column("iuran_rupiah", "Iuran bulan itu (Rp)", 16, "rupiah"),
]  # fmt: skip
PROGRAMME = [Column("program", "Program", 16), Column("rupiah", "Iuran (Rp)", 16, "rupiah")]
FUNDING = [Column("sumber_dana", "Sumber dana", 16), Column("rupiah", "Iuran (Rp)", 16, "rupiah")]
KINDS = [Column("jenis", "Jenis kejadian", 24), Column("kejadian", "Kejadian", 10, "int"),
         Column("terlindungi", "Terlindungi pada hari kejadian", 16, "int")]  # fmt: skip
CLAIMS = [Column("status", "Status klaim", 24), Column("kejadian", "Kejadian", 10, "int"),
          Column("dibayar_rupiah", "Dibayar BPJS (Rp)", 16, "rupiah")]  # fmt: skip
FIGURES = [Column("keterangan", "Keterangan", 40), Column("nilai", "Nilai", 18, "rupiah")]


def _chart(wb: Any, ws: Any, spans: list[tuple[int, int]], at: int) -> None:
    """Registered and covered people per month (the first block of Evaluasi)."""
    first, last = spans[0]
    chart = wb.add_chart({"type": "column"})
    for col, color in ((1, "#A5A5A5"), (2, "#70AD47")):
        chart.add_series({"name": ["Evaluasi", first - 1, col], "categories": ["Evaluasi", first, 0, last, 0],
                          "values": ["Evaluasi", first, col, last, col], "fill": {"color": color}})  # fmt: skip
    chart.set_title({"name": "Relawan terdaftar dan terlindungi per bulan"})
    chart.set_y_axis({"name": "Orang"})
    chart.set_size({"width": 960, "height": 520})  # one landscape page, as the summary's chart
    ws.insert_chart(at, 0, chart, {"object_position": 3})


def sheets(e: Evaluation, *, db_name: str) -> list[Sheet]:
    """The four sheets of the evaluation workbook."""
    t = e.totals
    months_total = {"bulan": "JUMLAH", "iuran_rupiah": t["iuran_rupiah"], "terlindungi": t["orang_bulan_terlindungi"]}
    figures = [
        {"keterangan": "Biaya per orang-bulan terlindungi", "nilai": t["biaya_per_orang_bulan_rupiah"]},
        {"keterangan": f"Tunggakan per {e.arrears['per']} ({e.arrears['orang']} orang)",
         "nilai": e.arrears["rupiah"]},
        {"keterangan": "Klaim dibayar BPJS", "nilai": t["klaim_dibayar_rupiah"]},
    ]  # fmt: skip
    evaluasi = Sheet(
        "Evaluasi",
        [Block(MONTHS, e.months, total=months_total), Block(FIGURES, figures, title="Angka tahun ini")],
        chart=_chart,
    )
    iuran = Sheet("Iuran", [
        Block(PROGRAMME, e.per_programme, title=f"Iuran bulan-bulan {e.year} per program",
              total={"program": "JUMLAH", "rupiah": t["iuran_rupiah"]}),
        Block(FUNDING, e.per_funding, title="Per sumber dana", total={"sumber_dana": "JUMLAH",
                                                                    "rupiah": t["iuran_rupiah"]}),
    ])  # fmt: skip
    kejadian = Sheet("Kejadian", [
        Block(KINDS, e.incidents, title=f"Kejadian {e.year} per jenis"),
        Block(CLAIMS, e.claims, title="Klaim per status"),
    ])  # fmt: skip
    facts: list[tuple[str, Any]] = [
        ("Laporan", f"Evaluasi tahunan {e.year}"),
        ("Database", db_name),
        ("Terdaftar", "orang dengan peran aktif di register (register tidak menyimpan tanggal masuk)"),
        ("Terlindungi", "status AKTIF pada hari terakhir bulan: sama dengan psmctl coverage status --as-of"),
        ("Iuran", f"baris buku iuran untuk bulan iuran {e.year}, tanpa yang dibatalkan; per program sesuai "
                  "catatan, selisih dengan tabel iuran tidak dirinci (TIDAK_TERINCI)"),
        ("Tunggakan", f"COV-14 per {e.arrears['per']}"),
        ("Celah perlindungan", f"{e.gaps['orang']} orang, {e.gaps['hari_orang']} hari-orang tanpa JKK dalam "
                               f"{e.year} (psmctl coverage gaps)"),
        ("Biaya per orang-bulan", "iuran tahun itu dibagi jumlah orang terlindungi per bulan"),
        ("Data pribadi", "tidak ada: berkas ini hanya berisi jumlah, tanpa NIK atau nama"),
        ("Sidik data (SHA-256 atas isi)", summary.fingerprint(e.as_dict())),
        ("Versi tabel iuran", e.rates_version),
        ("Versi psmctl", __version__),
    ]  # fmt: skip
    return [evaluasi, iuran, kejadian, about_sheet(facts)]


def write(path: Path, e: Evaluation, *, db_name: str, mode: int = 0o600, office: str | None = None) -> None:
    """The evaluation workbook at ``path`` (atomic; the same data gives the same bytes), printed like the summary:
    A4 landscape, one page wide, the office and the year on top of every page."""
    title = f"Evaluasi tahunan relawan sosial dan iuran BPJS Ketenagakerjaan {e.year} · {office or 'Dinas Sosial'}"
    write_workbook(path, sheets(e, db_name=db_name), unmask=False, mode=mode, title=title)

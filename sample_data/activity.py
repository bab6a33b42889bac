"""Writes the demo's payment list and attendance sheet from the people in the bundled rosters.

Deterministic (fixed seed, fixed dates, generate.py's fixed workbook timestamps: a rerun gives the same bytes).
Run: .venv/bin/python sample_data/activity.py [--payments-only] [--out DIR]
- iuran_tagana_2025.xlsx: one row per Tagana member who is not also PSM (demo.sh's PSM line pays those: each person
  is paid once a month) per iuran month 2025-01..2025-09 (BPU JKK+JKM, APBD), paid on the 5th of each month,
  except: some paid late (the 20th), a few skip July-September (in arrears on the demo date, lapsing on 1 October),
  and one row names a NIK that is not on the register.
- daftar_hadir_bimtek_2025.xlsx: attendance of a bimtek for PSM of kecamatan Kota; a few rows without NIK
  (matched by name + kelurahan), one person who is not on the register.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import NamedTuple

import openpyxl

from psmctl.rules.dates import MONTH_NAMES
from psmctl.rules.nik import InvalidNik, from_cell

HERE = Path(__file__).resolve().parent


class Person(NamedTuple):
    nik: str
    nama: str
    kelurahan: str | None
    kecamatan: str | None


def people(pattern: str) -> list[Person]:
    """Everyone typed correctly on the committed rosters matching `pattern`, in file, sheet and row order, each NIK
    once. Read from the cells where expected_findings.json says the data rows are (column B the name, C the NIK),
    never through psmctl's importer: these files stay the same whatever the importer learns. A row the manifest
    names as an error, a spacer row, or a NIK that is not 16 digits is left out; kelurahan and kecamatan are the
    generator's for a kelurahan's file."""
    from generate import PSM_FILES

    manifest = json.loads((HERE / "expected_findings.json").read_text(encoding="utf-8"))
    errors = {(i["file"], i["sheet"], i["row"]) for i in manifest["issues"] if i["severity"] == "ERROR"}
    places = {spec[0]: (spec[1], spec[2]) for spec in PSM_FILES}
    out: list[Person] = []
    seen: set[str] = set()
    for path in sorted(HERE.glob(pattern)):
        kel, kec = places.get(path.name, (None, None))
        wb = openpyxl.load_workbook(path, read_only=True)
        for sheet, info in manifest["files"][path.name].items():
            first, last = info["first_data_row"], info["last_data_row"]
            cells = wb[sheet].iter_rows(min_row=first, max_row=last, max_col=3, values_only=True)
            for row, (_no, nama, cell) in enumerate(cells, start=first):
                if not nama or (path.name, sheet, row) in errors:
                    continue
                try:
                    nik, _warning = from_cell(cell)
                except InvalidNik:
                    continue
                if nik not in seen:
                    seen.add(nik)
                    out.append(Person(nik, str(nama), kel, kec))
        wb.close()
    return out


def _save(wb: openpyxl.Workbook, path: Path) -> None:
    """generate.py's save: fixed core.xml and zip timestamps, so a rerun gives the same bytes."""
    from generate import save

    save(wb, path)


def payments(rng: random.Random, out: Path = HERE) -> Path:
    tagana = people("tagana_*.xlsx")
    late = {p.nik for p in tagana if rng.random() < 0.15}
    # A member who is also PSM is insured once, by the PSM line (demo.sh's `payments record --unsur PSM`): the
    # Tagana treasurer does not pay her a second time.
    psm = {p.nik for p in people("psm_*.xlsx")}
    tagana = [p for p in tagana if p.nik not in psm]
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "IURAN 2025"
    ws.append(["DAFTAR PEMBAYARAN IURAN BPJS KETENAGAKERJAAN TAGANA KOTA KEDIRI"])
    ws.append(["TAHUN ANGGARAN 2025 (APBD)"])
    ws.append([])
    ws.append(["NO", "NIK", "NAMA", "BULAN IURAN", "TANGGAL BAYAR", "SEGMEN", "JKK", "JKM", "JUMLAH",
               "SUMBER DANA", "NO. REFERENSI"])  # fmt: skip
    lapse = {p.nik for p in tagana[:6]}
    n = 0
    for month in range(1, 10):  # up to the demo's date, 2025-09-20
        for p in tagana:
            if p.nik in lapse and month in (7, 8, 9):
                continue  # three unpaid months: the membership lapses on 1 October
            day = 20 if p.nik in late else 5
            paid = dt.date(2025, month, day)
            n += 1
            ws.append([n, p.nik, p.nama, f"{MONTH_NAMES[month - 1]} 2025", paid.strftime("%d-%m-%Y"),
                       "BPU", 10000, 6800, 16800, "APBD", f"TAG/2025/{month:02d}"])  # fmt: skip
    n += 1
    ws.append([n, "3571019999990001", "Bukan Anggota", "Januari 2025", "05-01-2025", "BPU", 10000, 6800, 16800,
               "APBD", "TAG/2025/01"])  # fmt: skip
    path = out / "iuran_tagana_2025.xlsx"
    _save(wb, path)
    return path


def attendance(rng: random.Random, out: Path = HERE) -> Path:
    psm = [p for p in people("psm_kel_*.xlsx") if p.kecamatan == "Kota"]
    chosen = rng.sample(psm, min(40, len(psm)))
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Daftar Hadir"
    ws.append(["DAFTAR HADIR BIMBINGAN TEKNIS PSM KECAMATAN KOTA"])
    ws.append(["Kediri, 10-11 Maret 2025"])
    ws.append(["NO", "NAMA", "NIK", "KELURAHAN", "JPL", "KEHADIRAN"])
    for i, p in enumerate(chosen, start=1):
        nik = "" if i % 9 == 0 else p.nik  # some rows without NIK: matched by name + kelurahan
        ws.append([i, p.nama, nik, p.kelurahan, 16, "HADIR" if i % 13 else "IZIN"])
    ws.append([len(chosen) + 1, "Tamu Undangan", "", "Banjaran", 16, "HADIR"])
    path = out / "daftar_hadir_bimtek_2025.xlsx"
    _save(wb, path)
    return path


def main(argv: list[str]) -> None:
    """`activity.py [--payments-only] [--out DIR]`: both files (or the payment list alone: the attendance sheet draws
    after it from the one rng) into sample_data/ or DIR."""
    out = Path(argv[argv.index("--out") + 1]) if "--out" in argv else HERE
    rng = random.Random(2025)
    print(payments(rng, out))
    if "--payments-only" not in argv:
        print(attendance(rng, out))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])

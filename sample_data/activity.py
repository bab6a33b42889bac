"""Writes the demo's payment list and attendance sheet from the people in the bundled rosters.

Deterministic (fixed seed, fixed dates, generate.py's fixed workbook timestamps: a rerun gives the same bytes).
Run: .venv/bin/python sample_data/activity.py [--payments-only]
- iuran_tagana_2025.xlsx: one row per Tagana member who is not also PSM (demo.sh's PSM line pays those: each person
  is paid once a month) per iuran month 2025-01..2025-09 (BPU JKK+JKM, APBD), paid on the 5th of each month,
  except: some paid late (the 20th), a few skip July-September (in arrears on the demo date, lapsing on 1 October),
  and one row names a NIK that is not on the register.
- daftar_hadir_bimtek_2025.xlsx: attendance of a bimtek for PSM of kecamatan Kota; a few rows without NIK
  (matched by name + kelurahan), one person who is not on the register.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import openpyxl

from psmctl.db.volunteers import PERSON_COLUMNS, ROLE_COLUMNS
from psmctl.importing import roster
from psmctl.rules.dates import MONTH_NAMES
from psmctl.rules.settings import Settings

HERE = Path(__file__).resolve().parent
AS_OF = dt.date(2025, 1, 15)


def people(pattern: str) -> list[roster.RosterRow]:
    settings = Settings({"wilayah.kode_kabkota": "35.71"})
    out: list[roster.RosterRow] = []
    for path in sorted(HERE.glob(pattern)):
        for sheet in roster.parse_file(path, as_of=AS_OF, settings=settings):
            out.extend(sheet.rows)
    seen: set[str] = set()
    return [p for p in out if not (p.nik in seen or seen.add(p.nik))]  # type: ignore[func-returns-value]


def _nama(p: roster.RosterRow) -> str | None:
    return p.person[PERSON_COLUMNS.index("nama")]


def _role(p: roster.RosterRow, column: str) -> str | None:
    return p.role[ROLE_COLUMNS.index(column)]


def _save(wb: openpyxl.Workbook, path: Path) -> None:
    """generate.py's save: fixed core.xml and zip timestamps, so a rerun gives the same bytes."""
    from generate import save

    save(wb, path)


def payments(rng: random.Random) -> Path:
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
            ws.append([n, p.nik, _nama(p), f"{MONTH_NAMES[month - 1]} 2025", paid.strftime("%d-%m-%Y"),
                       "BPU", 10000, 6800, 16800, "APBD", f"TAG/2025/{month:02d}"])  # fmt: skip
    n += 1
    ws.append([n, "3571019999990001", "Bukan Anggota", "Januari 2025", "05-01-2025", "BPU", 10000, 6800, 16800,
               "APBD", "TAG/2025/01"])  # fmt: skip
    path = HERE / "iuran_tagana_2025.xlsx"
    _save(wb, path)
    return path


def attendance(rng: random.Random) -> Path:
    psm = [p for p in people("psm_kel_*.xlsx") if _role(p, "kecamatan") == "Kota"]
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
        ws.append([i, _nama(p), nik, _role(p, "kelurahan"), 16, "HADIR" if i % 13 else "IZIN"])
    ws.append([len(chosen) + 1, "Tamu Undangan", "", "Banjaran", 16, "HADIR"])
    path = HERE / "daftar_hadir_bimtek_2025.xlsx"
    _save(wb, path)
    return path


if __name__ == "__main__":
    import sys

    # `activity.py --payments-only`: the payment list alone (the attendance sheet draws after it from the one rng).
    rng = random.Random(2025)
    print(payments(rng))
    if "--payments-only" not in sys.argv[1:]:
        print(attendance(rng))

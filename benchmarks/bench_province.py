"""Issue 16, the province office's figures, each in the same run as its yardstick:

- a province roster (the real kecamatan and desa of one province, no kab/kota column, NIKs issued in the row's
  kecamatan) imported into a province database, against a raw read of the same file;
- a national roster (the same over every province, 500,000 rows) imported into a database without a scope, so
  names are matched across the whole country: it completes, and its peak memory;
- `merge` of 10 kab/kota databases (5,000 volunteers each, 12 months of payments) into a province database.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import statistics
from pathlib import Path
from typing import Any

HEADER = ["NO", "NAMA LENGKAP", "NIK", "L/P", "TEMPAT LAHIR", "TGL LAHIR", "ALAMAT", "KELURAHAN", "KECAMATAN",
          "JABATAN"]  # fmt: skip


def write_province_roster(path: Path, n: int, *, province: str = "36", seed: int = 16) -> Path:
    """n people spread over every desa/kelurahan of `province` (bundled codes; a kab/kota code, or "" for the
    whole country, works as well), names as offices write them (a few with 'Desa '/'Kel.' prefixes or in
    capitals); each NIK carries the person's kecamatan."""
    import xlsxwriter

    from psmctl.rules import wilayah

    desa = [r for r in wilayah._scoped(province).values() if r.level == "desa_kelurahan"]
    rng = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet("TAGANA")
    datefmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    where = wilayah.name_of(province).upper() if province else "INDONESIA"
    ws.write_string(0, 0, f"DAFTAR TAGANA {'PROVINSI ' if len(province) == 2 else ''}{where}")
    for c, label in enumerate(HEADER):
        ws.write_string(2, c, label)
    for i in range(n):
        d = desa[i % len(desa)]
        kec = wilayah.name_of(d.kode.rsplit(".", 1)[0])
        born = dt.date(1988, 1, 1) + dt.timedelta(days=rng.randrange(0, 18 * 365))  # Tagana: 18-40
        female = i % 2 == 1
        nik = f"{d.kode[:8].replace('.', '')}{born.day + (40 if female else 0):02d}{born.month:02d}"
        nik += f"{born.year % 100:02d}{i % 9999 + 1:04d}"
        r = 3 + i
        ws.write_number(r, 0, i + 1)
        ws.write_string(r, 1, f"Relawan {i}")
        ws.write_string(r, 2, nik)
        ws.write_string(r, 3, "P" if female else "L")
        ws.write_string(r, 4, kec)
        ws.write_datetime(r, 5, dt.datetime(born.year, born.month, born.day), datefmt)  # noqa: DTZ001
        ws.write_string(r, 6, f"Kp. Baru No. {i % 90 + 1}")
        ws.write_string(r, 7, ("Desa " + d.nama) if i % 23 == 0 else d.nama.upper() if i % 7 == 0 else d.nama)
        ws.write_string(r, 8, kec)
        ws.write_string(r, 9, "Anggota")
    wb.close()
    return path


def results(rows: int, runs: int, work: Path, psmctl: Any, raw_read: Any) -> list[dict[str, Any]]:
    """Import time against the raw read (medians, taken in turn), and the share of people given a region code."""
    path = write_province_roster(work / f"province_{rows}.xlsx", rows)
    raws, firsts = [], []
    coded = 0.0
    for i in range(runs):
        db = work / f"province_{rows}_{i}.db"
        psmctl(["init", "--provinsi", "36"], db)
        raws.append(raw_read(path))
        firsts.append(psmctl(["import", "roster", str(path), "--unsur", "Tagana"], db)["seconds"])
        con = sqlite3.connect(db)
        total, with_code = con.execute("SELECT count(*), count(kode_wilayah) FROM roles").fetchone()
        con.close()
        coded = with_code / total if total else 0.0
    raw, first = statistics.median(raws), statistics.median(firsts)
    return [
        {
            "figure": f"import province roster {rows:,} rows (s)",
            "value": first,
            "yardstick": f"python-calamine raw read {raw:.2f} s (fresh process)",
            "ratio": first / raw,
            "target": "<= 3x",
            "pass": first / raw <= 3,
        },
        {
            "figure": f"province roster {rows:,} rows with a region code (%)",
            "value": 100 * coded,
            "yardstick": "kode_wilayah resolved (names across Banten, NIK kecamatan hint)",
            "ratio": None,
            "target": ">= 95%",
            "pass": coded >= 0.95,
        },
    ]


def national(rows: int, work: Path, psmctl: Any) -> list[dict[str, Any]]:
    """One import of a roster over every province into a database with no kab/kota or province (names matched
    across the country): it completes within 1 GiB. One run: the figure is "completes, in bounded memory"."""
    path = write_province_roster(work / f"national_all_{rows}.xlsx", rows, province="")
    db = work / f"national_all_{rows}.db"
    psmctl(["init"], db)
    run = psmctl(["import", "roster", str(path), "--unsur", "Tagana"], db)
    con = sqlite3.connect(db)
    total, with_code = con.execute("SELECT count(*), count(kode_wilayah) FROM roles").fetchone()
    con.close()
    note = f"; {100 * with_code / max(total, 1):.1f}% with a region code"
    return one_run("import national roster", rows, run, where=", all provinces", note=note, whole=total == rows)


def one_run(
    figure: str, rows: int, run: dict[str, Any], *, where: str = "", note: str = "", whole: bool = True
) -> list[dict[str, Any]]:
    """The two figures of one import of a national-size roster (`run`: benchmarks.measure's answer): it completes
    (`whole`: every row on the register), at so many rows a second; and its peak memory, within 1 GiB."""
    seconds, peak = run["seconds"], run["peak_mib"]
    return [
        {
            "figure": f"{figure} {rows:,} rows{where}, one run (s)",
            "value": seconds,
            "yardstick": f"{rows / seconds:,.0f} rows/s{note}",
            "ratio": None,
            "target": "completes",
            "pass": run["exit"] == 0 and whole,
        },
        {
            "figure": f"{figure} {rows:,} rows peak memory (MiB)",
            "value": peak,
            "yardstick": "VmHWM of the one process",
            "ratio": None,
            "target": "<= 1024 MiB",
            "pass": peak <= 1024,
        },
    ]


RECORD = ["payments", "record", "--all-active", "--month", "2025-01", "--months", "12", "--paid-on", "2025-01-20",
          "--ref", "SP2D-1", "--yes"]  # fmt: skip


def merge(
    work: Path, psmctl: Any, *, sources: int = 10, people: int = 5_000, province: str = "35"
) -> list[dict[str, Any]]:
    """`merge` of `sources` kab/kota databases of `people` volunteers with 12 months of payments each (made by
    psmctl itself: init --kabkota, import roster, payments record) into a province database, one run."""
    from psmctl.rules import wilayah

    kabkota = sorted(r.kode for r in wilayah._scoped(province).values() if r.level == "kabupaten_kota")[:sources]
    dbs = []
    for i, kab in enumerate(kabkota):
        db = work / f"kab_{kab}.db"
        psmctl(["init", "--kabkota", kab], db)
        roster = write_province_roster(work / f"kab_{kab}.xlsx", people, province=kab, seed=100 + i)
        psmctl(["import", "roster", str(roster), "--unsur", "Tagana"], db)
        psmctl(RECORD, db)
        dbs.append(str(db))
    target = work / f"provinsi_{province}.db"
    psmctl(["init", "--provinsi", province], target)
    run = psmctl(["merge", *dbs], target)
    con = sqlite3.connect(target)
    merged_people, merged_payments = (con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                                      for t in ("volunteers", "payments"))  # fmt: skip
    con.close()
    again = psmctl(["merge", *dbs], target)  # idempotence: the second merge finds everything there
    seconds = run["seconds"]
    return [
        {
            "figure": f"merge {sources} kab/kota x {people:,} volunteers x 12 months (s)",
            "value": seconds,
            "yardstick": (
                f"{merged_people:,} people, {merged_payments:,} payments; {run['peak_mib']:.0f} MiB; "
                f"again {again['seconds']:.1f} s"
            ),  # fmt: skip
            "ratio": None,
            "target": "<= 30 s",
            "pass": seconds <= 30 and merged_people == sources * people,
        },
    ]

"""Synthetic rosters at scale, written with xlsxwriter (constant memory) in the messy kelurahan shape:
a title block, a header, merged KELURAHAN cells, text NIKs, real date cells and text dates, a signature block."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

KELURAHAN = [
    ("Banjaran", "Kota"), ("Pakelan", "Kota"), ("Semampir", "Kota"), ("Setonopande", "Kota"),
    ("Bandar Lor", "Mojoroto"), ("Sukorame", "Mojoroto"), ("Campurejo", "Mojoroto"), ("Lirboyo", "Mojoroto"),
    ("Bangsal", "Pesantren"), ("Pakunden", "Pesantren"), ("Tosaren", "Pesantren"), ("Burengan", "Pesantren"),
]  # fmt: skip
KEC_CODE = {"Mojoroto": "357101", "Kota": "357102", "Pesantren": "357103"}
FIRST = ["Budi", "Siti", "Agus", "Sri", "Dwi", "Eko", "Rina", "Wahyu", "Nur", "Ahmad", "Dewi", "Yuli", "Bambang"]
LAST = ["Santoso", "Rahayu", "Wijaya", "Lestari", "Hidayat", "Susanto", "Purnomo", "Wulandari", "Saputra"]
HEADER = ["NO", "NAMA LENGKAP", "NIK", "L/P", "TEMPAT LAHIR", "TGL LAHIR", "ALAMAT", "RT/RW", "NO HP",
          "KELURAHAN", "KECAMATAN", "JABATAN"]  # fmt: skip


def person(i: int, rng: random.Random) -> tuple[str, str, str, dt.date, str, str]:
    """(nama, nik, L/P, birth date, kelurahan, kecamatan) for row i; NIK unique by serial."""
    kel, kec = KELURAHAN[i % len(KELURAHAN)]
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 40 * 365))
    female = rng.random() < 0.5
    day = born.day + (40 if female else 0)
    serial = i // 1000 + 1  # at most ~1000 people share a birth date+region in these sizes
    nik = f"{KEC_CODE[kec]}{day:02d}{born.month:02d}{born.year % 100:02d}{(i % 9000) + 1:04d}"
    del serial
    nama = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
    return nama, nik, "P" if female else "L", born, kel, kec


def write_roster(path: Path, n: int, *, seed: int = 7) -> Path:
    """A roster of n people, sorted by kelurahan with merged KELURAHAN cells, a title block and a footer."""
    import xlsxwriter

    rng = random.Random(seed)
    people = sorted((person(i, rng) for i in range(n)), key=lambda p: (p[5], p[4]))
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet("PSM")
    datefmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    ws.write_string(0, 0, "DAFTAR NAMA PEKERJA SOSIAL MASYARAKAT (PSM)")
    ws.write_string(1, 0, "KOTA KEDIRI")
    ws.write_string(2, 0, "TAHUN 2025")
    for c, label in enumerate(HEADER):
        ws.write_string(4, c, label)
    seen: set[str] = set()
    r = 5
    for i, (nama, nik, jk, born, kel, kec) in enumerate(people):
        if nik in seen:
            continue
        seen.add(nik)
        ws.write_number(r, 0, i + 1)
        ws.write_string(r, 1, nama)
        ws.write_string(r, 2, nik)
        ws.write_string(r, 3, jk)
        ws.write_string(r, 4, "Kediri")
        if i % 3:
            ws.write_datetime(r, 5, dt.datetime(born.year, born.month, born.day), datefmt)  # noqa: DTZ001
        else:
            ws.write_string(r, 5, f"{born.day:02d}-{born.month:02d}-{born.year}")
        ws.write_string(r, 6, f"Jl. Mawar No. {i % 200 + 1}")
        ws.write_string(r, 7, f"{i % 12 + 1:03d}/{i % 5 + 1:03d}")
        ws.write_string(r, 8, f"08{rng.randrange(10**9, 10**10)}")
        ws.write_string(r, 9, kel)
        ws.write_string(r, 10, kec)
        ws.write_string(r, 11, "Anggota")
        r += 1
    ws.write_string(r + 1, 9, "Kediri, 12 Januari 2025")
    ws.write_string(r + 2, 9, "Kepala Dinas Sosial")
    ws.write_string(r + 5, 9, "NIP. 19700101 199003 1 005")
    wb.close()
    return path

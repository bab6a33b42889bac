"""Invented people of Kota Kediri whose NIKs agree with their kecamatan, birth date and sex (RULES §3.1).

Serials never end in 0, so a NIK typed into a number cell is a clean 16-digit number (NIK_NUMERIC_CELL), never
one Excel damaged. Kecamatan codes: Mojoroto 357101, Kota 357102, Pesantren 357103.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from builders import make_nik

MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember"]  # fmt: skip
DAYS_ID_SHORT = ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"]  # Monday first, as date.weekday()


@dataclass(frozen=True)
class Person:
    nama: str
    jk: str  # "L" / "P"
    tempat: str
    born: dt.date
    kec: str  # 6-digit kecamatan code the NIK was issued in
    serial: int
    kelurahan: str
    kecamatan: str
    hp: str = "081234567891"
    alamat: str = "Jl. Joyoboyo 12"

    @property
    def nik(self) -> str:
        return make_nik(kec=self.kec, born=self.born, female=self.jk == "P", serial=self.serial)

    @property
    def dmy(self) -> str:
        return f"{self.born:%d-%m-%Y}"

    @property
    def ttl(self) -> str:
        """The "TEMPAT, TGL LAHIR" cell: "Kediri, 17-08-1990"."""
        return f"{self.tempat}, {self.dmy}"

    @property
    def iso(self) -> str:
        return self.born.isoformat()

    @property
    def grouped_nik(self) -> str:
        """The NIK as read aloud from the KTP: "3571 0242 0976 0317"."""
        n = self.nik
        return " ".join(n[i : i + 4] for i in range(0, 16, 4))


def _p(nama: str, jk: str, tempat: str, born: str, serial: int, kel: str, kec: str = "Kota") -> Person:
    codes = {"Mojoroto": "357101", "Kota": "357102", "Pesantren": "357103"}
    return Person(nama, jk, tempat, dt.date.fromisoformat(born), codes[kec], serial, kel, kec)


# PSM of Kelurahan Jagalan, Kecamatan Kota (35.71.02.1011).
JAGALAN = [
    _p("SUPRIYADI", "L", "Kediri", "1975-03-12", 111, "Jagalan"),
    _p("SITI MUNAWAROH", "P", "Kediri", "1982-08-17", 112, "Jagalan"),
    _p("AHMAD FAUZI", "L", "Nganjuk", "1990-01-05", 113, "Jagalan"),
    _p("SRI WAHYUNI", "P", "Kediri", "1978-11-23", 114, "Jagalan"),
    _p("BAMBANG HERMANTO", "L", "Blitar", "1968-06-30", 115, "Jagalan"),
    _p("NUR HIDAYAH", "P", "Kediri", "1995-04-09", 116, "Jagalan"),
    _p("MOCH. ROFIQ", "L", "Tulungagung", "1985-12-01", 117, "Jagalan"),
    _p("ENDANG SUSILOWATI", "P", "Kediri", "1972-02-28", 118, "Jagalan"),
]
# The name that contains "NIP": a person, not a signature line.
SUNIPAH = _p("SUNIPAH", "P", "Kediri", "1970-09-14", 119, "Jagalan")
# PSM of Kelurahan Banjaran, Kecamatan Kota (35.71.02.1012).
BANJARAN = [
    _p("DWI HARYANTO", "L", "Kediri", "1980-05-20", 121, "Banjaran"),
    _p("YULI ASTUTIK", "P", "Kediri", "1987-10-03", 122, "Banjaran"),
    _p("JOKO SUSILO", "L", "Madiun", "1979-07-15", 123, "Banjaran"),
]
# PSM of Kelurahan Bandar Lor, Kecamatan Mojoroto (35.71.01.1001).
BANDAR_LOR = [
    _p("SLAMET RIYADI", "L", "Kediri", "1976-01-25", 131, "Bandar Lor", "Mojoroto"),
    _p("KATMINI", "P", "Kediri", "1969-04-04", 132, "Bandar Lor", "Mojoroto"),
    _p("EKO PRASETYO", "L", "Kediri", "1991-09-09", 133, "Bandar Lor", "Mojoroto"),
]
# TKSK of Kecamatan Pesantren (kelurahan Tosaren 35.71.03.1003, Bangsal 35.71.03.1001).
TKSK_PESANTREN = [
    _p("HERU CAHYONO", "L", "Kediri", "1983-02-14", 141, "Tosaren", "Pesantren"),
    _p("LILIK MASRUROH", "P", "Kediri", "1986-06-21", 142, "Bangsal", "Pesantren"),
]
# A person born 17 August 1990 for the date-format cases (a Friday: "Jum").
AUGUST = _p("WAHYU HIDAYAT", "L", "Kediri", "1990-08-17", 151, "Jagalan")
# A person born in March for "Mrt".
MARCH = _p("RINI HANDAYANI", "P", "Kediri", "1988-03-03", 152, "Jagalan")

KODE = {
    "Jagalan": "35.71.02.1011",
    "Banjaran": "35.71.02.1012",
    "Bandar Lor": "35.71.01.1001",
    "Tosaren": "35.71.03.1003",
    "Bangsal": "35.71.03.1001",
}

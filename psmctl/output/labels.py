"""The one place where a file key becomes what the admin reads on screen.

CSV and JSON keep their stable keys (``masa_iur_bulan``, ``total_rupiah``, ``will_lapse``) and raw values
(``BELUM_TERDAFTAR``, ``True``, ``16800``); the terminal shows the same row with a header in words
("Masa iur (bulan)"), statuses in words ("Belum terdaftar", "Menunggak, lewat jatuh tempo"), Ya/Tidak,
Rp16.800 and JPL as 16 or 11,5. render.py asks this module; no command spells a screen label of its own.
"""

from __future__ import annotations

from typing import Any

HEADERS: dict[str, str] = {
    # people and places
    "nik": "NIK", "nama": "Nama", "jenis_kelamin": "L/P", "tempat_lahir": "Tempat lahir",
    "tgl_lahir": "Tanggal lahir", "umur": "Umur", "alamat": "Alamat", "no_hp": "No. HP", "kelurahan": "Kelurahan",
    "kecamatan": "Kecamatan", "kabkota": "Kab/Kota", "kode_wilayah": "Kode wilayah", "unsur": "Unsur",
    "status": "Status",
    # coverage and the ledger
    "masa_iur_bulan": "Masa iur (bulan)", "jkk_sampai": "JKK s.d.", "jkm_sampai": "JKM s.d.",
    "jht_sampai": "JHT s.d.", "jp_sampai": "JP s.d.", "due_on": "Jatuh tempo", "jkk_rupiah": "JKK",
    "jkm_rupiah": "JKM", "jht_rupiah": "JHT", "jp_rupiah": "JP", "total_rupiah": "Jumlah",
    "expected_rupiah": "Menurut tarif", "funding": "Sumber dana", "will_lapse": "Nonaktif bila tak dibayar",
    "from": "Dari", "to": "Sampai", "days": "Hari", "id": "No.", "iuran_month": "Bulan iuran",
    "paid_on": "Tanggal bayar", "segment": "Segmen", "programs": "Program", "reference": "Referensi",
    "void_reason": "Alasan batal", "covered": "Terlindungi", "never_paid": "Belum pernah bayar",
    "kurang_bayar_rupiah": "Kurang bayar", "catatan": "Catatan", "keterangan": "Keterangan",
    # the summary
    "jumlah": "Relawan", "aktif": "Aktif", "menunggak": "Menunggak", "nonaktif": "Nonaktif",
    "belum_terdaftar": "Belum terdaftar", "belum_pernah_dilatih": "Belum pernah dilatih",
    "jpl_tahun_ini": "JPL tahun ini",
    # training
    "jenis": "Jenis pelatihan", "mulai": "Mulai", "selesai": "Selesai", "jpl": "JPL", "tempat": "Tempat",
    "penyelenggara": "Penyelenggara", "peserta": "Peserta", "no_sertifikat": "No. sertifikat",
    "berlaku_sampai": "Berlaku s.d.", "dicocokkan": "Dicocokkan lewat nama", "jpl_bawaan": "JPL bawaan",
    "dihitung": "Dihitung pelatihan", "sertifikat": "Bersertifikat", "alias": "Nama lain",
    "pelatihan_terakhir": "Pelatihan terakhir", "pelatihan": "Pelatihan", "target_jpl": "Target JPL",
    "memenuhi_target": "Memenuhi target", "orang": "Orang", "dilatih": "Dilatih", "sisa_hari": "Sisa hari",
    # incidents and claims
    "kind": "Jenis kejadian", "occurred_on": "Tanggal kejadian", "status_kepesertaan": "Kepesertaan (disimpan)",
    "terlindungi": "Terlindungi", "report_deadline": "Batas lapor", "reported_on": "Dilaporkan",
    "overdue": "Lewat batas lapor", "claim_limit_on": "Batas klaim", "paid_rupiah": "Dibayar BPJS",
    # settings
    "kode": "Kode (--kind)", "key": "Pengaturan", "value": "Nilai", "diubah": "Diubah di database ini",
}  # fmt: skip

STATUS_WORDS: dict[str, str] = {
    "AKTIF": "Aktif", "MENUNGGAK": "Menunggak", "NONAKTIF": "Nonaktif", "BELUM_TERDAFTAR": "Belum terdaftar",
    "BELUM TERDAFTAR": "Belum terdaftar", "BERHENTI": "Berhenti", "BELUM_PERNAH": "Belum pernah dilatih",
    "LEBIH_DARI_BATAS": "Terakhir dilatih sebelum batas", "BERLAKU": "Berlaku", "KEDALUWARSA": "Kedaluwarsa",
    "TIDAK_ADA": "Tidak ada", "hadir": "Hadir", "lulus": "Lulus", "tidak_lulus": "Tidak lulus",
    "tercatat": "Tercatat", "dilaporkan_tahap_1": "Dilaporkan tahap I", "dilaporkan_tahap_2": "Dilaporkan tahap II",
    "dibayar": "Dibayar", "ditolak": "Ditolak", "selesai": "Selesai",
}  # fmt: skip
DETAIL_WORDS: dict[str, str] = {
    "BELUM_JATUH_TEMPO": "belum jatuh tempo",
    "LEWAT_JATUH_TEMPO": "lewat jatuh tempo",
    "SEMENTARA": "sementara, iuran belum jatuh tempo",
}
BASIS_WORDS = {"payment": "tanggal bayar pertama", "pks": "PKS", "registration": "tanggal terdaftar"}

# Which columns give way first when the terminal is narrow (earliest first); the rest are never dropped.
DROP_FIRST = (
    "void_reason", "expected_rupiah", "alias", "tempat", "penyelenggara", "kode_wilayah", "tempat_lahir",
    "alamat", "no_hp", "jenis_kelamin", "tgl_lahir", "segment", "reference", "funding", "jht_rupiah",
    "jp_rupiah", "jht_sampai", "jp_sampai", "kecamatan", "dicocokkan", "berlaku_sampai", "no_sertifikat",
    "jkm_rupiah", "jkm_sampai", "kelurahan", "unsur",
)  # fmt: skip
# Columns whose cells never wrap: a NIK or a date cut over two lines is misread.
NO_WRAP_SUFFIXES = ("_sampai", "_on", "_rupiah", "_month")
NO_WRAP = {"nik", "tgl_lahir", "from", "to", "mulai", "selesai", "pelatihan_terakhir", "kode_wilayah", "id"}


def header(key: str) -> str:
    """The screen header of a file key; an unknown key is shown in words, never as snake_case."""
    return HEADERS.get(key) or key.replace("_", " ").capitalize()


def status_words(status: str | None, detail: str | None = None) -> str:
    """AKTIF → Aktif; MENUNGGAK + LEWAT_JATUH_TEMPO → 'Menunggak, lewat jatuh tempo'."""
    if not status:
        return "-"
    words = STATUS_WORDS.get(status) or status.replace("_", " ").capitalize()
    if detail:
        words += ", " + (DETAIL_WORDS.get(detail) or detail.replace("_", " ").lower())
    return words


def yes_no(value: bool) -> str:
    """True → Ya, False → Tidak."""
    return "Ya" if value else "Tidak"


def rupiah(amount: int | None) -> str:
    """Rp1.234.567: the way an admin writes money (never a float, never 10000)."""
    if amount is None:
        return "-"
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(int(amount)):,}".replace(",", ".")


def percent(bp: int) -> str:
    """Basis points as an admin writes a rate: 100 → '1 %', 24 → '0,24 %', 5000 → '50 %'."""
    return f"{number(bp / 100)} %"


def number(value: float | int) -> str:
    """16.0 → '16', 11.5 → '11,5', 1234.25 → '1.234,25': an Indonesian decimal comma, no trailing zeros."""
    if isinstance(value, float) and not value.is_integer():
        whole, frac = f"{value:,.2f}".rstrip("0").split(".")
        return whole.replace(",", ".") + "," + frac
    return f"{int(value):,}".replace(",", ".")


def kind_name(kind: str) -> str:
    """A training kind by its name in the course catalogue ('bimtek' → 'Bimbingan teknis (bimtek)')."""
    from psmctl.rules.training import catalogue

    course = catalogue().get(kind)
    return course.nama if course else kind


def incident_kind_name(kind: str) -> str:
    """An incident kind by its label in data/incident_kinds.toml ('meninggal' → 'Meninggal dunia bukan ...')."""
    from psmctl.rules.incidents import load_kinds

    found = load_kinds().kinds.get(kind)
    return found.label if found else kind


def value(key: str, v: Any) -> str:
    """One cell of the screen: the file value written as the admin writes it."""
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return yes_no(v)
    if key.endswith("_rupiah") and isinstance(v, int):
        return rupiah(v)
    if key in ("status", "status_kepesertaan") and isinstance(v, str):
        return status_words(v)
    if key == "jenis" and isinstance(v, str):
        return kind_name(v)
    if key == "kind" and isinstance(v, str):
        return incident_kind_name(v)
    if key == "report_deadline" and isinstance(v, str):
        return v.replace("T", " ")
    if isinstance(v, float):
        return number(v)
    if isinstance(v, int):
        return str(v) if key in ("id", "tahun") else number(v)
    if isinstance(v, list | tuple):
        return ", ".join(str(x) for x in v)
    return str(v.isoformat() if hasattr(v, "isoformat") else v)


def is_number(key: str, v: Any) -> bool:
    """Right-aligned on screen: amounts and counts."""
    return isinstance(v, int | float) and not isinstance(v, bool)


def no_wrap(key: str) -> bool:
    """True for the columns whose cells must stay on one line (NIK, dates, money)."""
    return key in NO_WRAP or key.endswith(NO_WRAP_SUFFIXES)

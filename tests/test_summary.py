"""summary.py: the monthly summary's rows over a real register, ledger and training record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlite_utils import Database

from builders import make_nik, roster_row, write_roster_xlsx
from psmctl.importing import roster
from psmctl.rules.payment_lines import rules_from
from psmctl.rules.settings import Settings
from psmctl.services import ledger, summary, trainings

AS_OF = dt.date(2025, 6, 20)
NOW = "2026-12-04T09:00:00+07:00"
SETTINGS = Settings({"wilayah.kode_kabkota": "35.71"})
FORMULA = '=HYPERLINK("http://x","klik")'

AKTIF = make_nik(born=dt.date(1990, 8, 17), serial=1)
LAPSING = make_nik(born=dt.date(1985, 2, 1), female=True, serial=2)
NEVER_PAID = make_nik(born=dt.date(1970, 1, 5), serial=3)
NONAKTIF = make_nik(born=dt.date(1992, 3, 3), serial=4)
JUNE_UNPAID = make_nik(born=dt.date(1988, 12, 30), female=True, serial=5)
PESANTREN = make_nik(kec="357102", born=dt.date(1995, 7, 7), serial=6)


def build_register(db: Database, tmp_path: Path) -> dict[str, int]:
    """Six people in two kecamatan, one of each coverage status, two trained; returns NIK → volunteer id."""
    psm = [
        roster_row(AKTIF, "Budi Santoso", tgl="17-08-1990"),
        roster_row(LAPSING, "Siti Aminah", jk="P", tgl="01-02-1985"),
        roster_row(NEVER_PAID, "Nama Sementara", tgl="05-01-1970", hp="+6281311112222"),
        roster_row(JUNE_UNPAID, "Dewi Lestari", jk="P", tgl="30-12-1988", kelurahan="Setonopande"),
        roster_row(PESANTREN, "Joko Susilo", tgl="07-07-1995", kelurahan="Bangsal", kecamatan="Pesantren"),
    ]
    tagana = [roster_row(NONAKTIF, "Agus Salim", tgl="03-03-1992", kelurahan="Setonopande")]
    for name, rows, unsur in (("psm.xlsx", psm, "PSM"), ("tagana.xlsx", tagana, "TAGANA")):
        path = write_roster_xlsx(tmp_path / name, rows, sheet=unsur)
        roster.import_file(db, path, as_of=dt.date(2025, 1, 2), now=NOW, settings=SETTINGS,
                           options=roster.Options(unsur=unsur))  # fmt: skip
    # A spreadsheet name that is a formula cannot survive the builder's openpyxl save, so it is put in directly.
    db.execute("UPDATE volunteers SET nama = ? WHERE nik = ?", [FORMULA, NEVER_PAID])
    db.conn.commit()
    ids = {str(r[0]): int(r[1]) for r in db.execute("SELECT nik, id FROM volunteers")}
    for nik, first, months in (
        (AKTIF, "2025-01", 12), (LAPSING, "2025-01", 3), (NONAKTIF, "2025-01", 2),
        (JUNE_UNPAID, "2025-01", 5), (PESANTREN, "2025-01", 6),
    ):  # fmt: skip
        spec = ledger.LineSpec(month=first, months=months, paid_on=dt.date(2025, 1, 2))
        plan = ledger.plan_record(db, volunteer_ids=[ids[nik]], spec=spec, settings=SETTINGS, now=NOW)
        ledger.write_plan(db, plan, now=NOW)
    added = trainings.add_training(
        db, name="Bimtek PSM 2025", kind="bimtek", start=dt.date(2025, 3, 10), end=dt.date(2025, 3, 11),
        jpl="16", unsur="PSM", as_of=AS_OF, created_at=NOW,
    )  # fmt: skip
    tid = added.id
    trainings.record(db, tid, [AKTIF, PESANTREN], as_of=AS_OF, created_at=NOW)
    return ids


def test_ringkasan_counts_every_status_and_the_totals_match_the_register(db: Database, tmp_path: Path) -> None:
    build_register(db, tmp_path)
    s = summary.build(db, as_of=AS_OF, settings=SETTINGS)
    active = db.execute("SELECT count(*) FROM roles WHERE status = 'AKTIF'").fetchone()[0]
    assert s.total["jumlah"] == active == 6
    assert {k: s.total[k] for k in ("aktif", "menunggak", "nonaktif", "belum_terdaftar")} == {
        "aktif": 2, "menunggak": 2, "nonaktif": 1, "belum_terdaftar": 1,
    }  # fmt: skip
    assert s.total["pct_aktif"] == round(2 / 6, 4)
    assert [(r["kecamatan"], r["jumlah"]) for r in s.per_kecamatan] == [("Kota", 5), ("Pesantren", 1)]
    for key in ("jumlah", "aktif", "menunggak", "nonaktif", "belum_terdaftar", "belum_pernah_dilatih"):
        assert sum(r[key] for r in s.per_kecamatan) == sum(r[key] for r in s.detail) == s.total[key]
    banjaran = next(r for r in s.detail if (r["kelurahan"], r["unsur"]) == ("Banjaran", "PSM"))
    assert (banjaran["jumlah"], banjaran["belum_pernah_dilatih"], banjaran["jpl_tahun_ini"]) == (3, 2, 16.0)
    assert s.total["jpl_tahun_ini"] == 32.0  # two people × 16 JPL, each (person, training) once
    assert s.counts == {"peran_aktif": 6, "orang": 6, "tunggakan": 2, "belum_pernah_dilatih": 4, "dibayar_ganda": 0}


def test_daftar_relawan_has_age_status_covered_until_and_last_training(db: Database, tmp_path: Path) -> None:
    build_register(db, tmp_path)
    rows = {r["nik"]: r for r in summary.build(db, as_of=AS_OF, settings=SETTINGS).relawan()}
    budi = rows[AKTIF]
    assert (budi["umur"], budi["status"], budi["masa_iur_bulan"]) == (34, "AKTIF", 6)
    assert budi["jkk_sampai"] == budi["jkm_sampai"] == dt.date(2025, 12, 31)
    assert budi["jp_sampai"] is None  # BPU: JP does not apply
    assert budi["pelatihan_terakhir"] == dt.date(2025, 3, 11)
    assert rows[NEVER_PAID]["status"] == "BELUM TERDAFTAR" and rows[NEVER_PAID]["nama"] == FORMULA
    assert rows[NONAKTIF]["status"] == "NONAKTIF" and rows[NONAKTIF]["jkk_sampai"] is None
    assert rows[JUNE_UNPAID]["umur"] == 36  # born 30 December 1988: not yet 37 on 20 June


def test_tunggakan_lists_arrears_and_who_ends_next_month_with_amounts(db: Database, tmp_path: Path) -> None:
    build_register(db, tmp_path)
    rows = {r["nik"]: r for r in summary.build(db, as_of=AS_OF, settings=SETTINGS).tunggakan()}
    assert set(rows) == {LAPSING, JUNE_UNPAID}  # AKTIF, NONAKTIF and never paid owe nothing here
    siti = rows[LAPSING]
    assert siti["bulan_tunggakan"] == "2025-04, 2025-05, 2025-06"
    assert siti["berakhir_pada"] == dt.date(2025, 7, 1) and siti["berakhir_bulan_depan"] == "ya"
    assert siti["tunggakan_rupiah"] == 3 * siti["iuran_bulan_ini_rupiah"] == siti["harus_dibayar_rupiah"]
    assert isinstance(siti["harus_dibayar_rupiah"], int) and siti["iuran_bulan_ini_rupiah"] > 0
    assert rows[JUNE_UNPAID]["berakhir_bulan_depan"] == "tidak"


def test_pelatihan_rows_per_kecamatan_and_unsur_and_the_never_trained(db: Database, tmp_path: Path) -> None:
    build_register(db, tmp_path)
    s = summary.build(db, as_of=AS_OF, settings=SETTINGS)
    by = {(r["kecamatan"], r["unsur"]): r for r in s.jpl}
    assert (by[("Kota", "PSM")]["orang"], by[("Kota", "PSM")]["dilatih"], by[("Kota", "PSM")]["jpl"]) == (4, 1, 16.0)
    assert by[("Kota", "TAGANA")]["belum_pernah_dilatih"] == 1
    assert {r["nik"] for r in s.never_trained()} == {LAPSING, NEVER_PAID, NONAKTIF, JUNE_UNPAID}


def test_kecamatan_filter_keeps_only_that_kecamatan(db: Database, tmp_path: Path) -> None:
    build_register(db, tmp_path)
    s = summary.build(db, as_of=AS_OF, settings=SETTINGS, kecamatan=("Pesantren",))
    assert [r["nik"] for r in s.relawan()] == [PESANTREN]
    assert s.total["jumlah"] == 1 and s.total["jpl_tahun_ini"] == 16.0 and list(s.tunggakan()) == []


def test_fingerprint_is_stable_for_the_same_data_and_changes_with_it(db: Database, tmp_path: Path) -> None:
    ids = build_register(db, tmp_path)
    first = summary.build(db, as_of=AS_OF, settings=SETTINGS).fingerprint
    assert summary.build(db, as_of=AS_OF, settings=SETTINGS).fingerprint == first
    assert len(first) == 64 and int(first, 16) >= 0
    spec = ledger.LineSpec(month="2025-04", months=3, paid_on=dt.date(2025, 6, 10))
    plan = ledger.plan_record(db, volunteer_ids=[ids[LAPSING]], spec=spec, settings=SETTINGS, now=NOW)
    ledger.write_plan(db, plan, now=NOW)
    assert summary.build(db, as_of=AS_OF, settings=SETTINGS).fingerprint != first


def test_a_payment_after_as_of_does_not_change_that_day(db: Database, tmp_path: Path) -> None:
    ids = build_register(db, tmp_path)
    before = summary.build(db, as_of=AS_OF, settings=SETTINGS)
    spec = ledger.LineSpec(month="2025-04", months=3, paid_on=dt.date(2025, 7, 10))
    plan = ledger.plan_record(db, volunteer_ids=[ids[LAPSING]], spec=spec, settings=SETTINGS, now=NOW)
    ledger.write_plan(db, plan, now=NOW)
    assert summary.build(db, as_of=AS_OF, settings=SETTINGS).fingerprint == before.fingerprint


def test_umur_is_age_on_of_a_stored_birth_date() -> None:
    assert summary.umur("1990-08-17", dt.date(2025, 8, 16)) == 34
    assert summary.umur("1990-08-17", dt.date(2025, 8, 17)) == 35
    assert summary.umur(None, AS_OF) is None and summary.umur("17-08-1990", AS_OF) is None


def test_standings_shared_per_payment_history_equal_each_persons_own_ledger(db: Database) -> None:
    # standings() runs the engine once per distinct history on a synthetic ledger, and alone for anyone the
    # digest cannot stand for; each answer must be what that person's real ledger gives.
    n = 48
    db.conn.executemany(
        "INSERT INTO volunteers(id, nik, nama) VALUES (?, ?, ?)",
        [
            (i, make_nik(born=dt.date(1980, 1, 1) + dt.timedelta(days=i), serial=i), f"Orang {i}")
            for i in range(1, n + 1)
        ],
    )
    db.conn.commit()
    shapes = [
        ledger.LineSpec(month="2025-01", months=6, paid_on=dt.date(2025, 1, 2)),
        ledger.LineSpec(month="2025-01", months=6, paid_on=dt.date(2025, 1, 2)),  # same history as above
        ledger.LineSpec(month="2025-02", months=2, paid_on=dt.date(2025, 2, 20)),  # lapses / in arrears
        ledger.LineSpec(month="2025-03", months=4, paid_on=dt.date(2025, 7, 1)),  # paid after as_of
        ledger.LineSpec(month="2025-01", months=12, paid_on=dt.date(2025, 1, 2), programs=("JKK", "JKM", "JHT")),
        ledger.LineSpec(month="2025-01", months=6, paid_on=dt.date(2025, 1, 5), segment="PU",
                        income_rupiah=2_500_000, programs=("JKK", "JKM", "JHT", "JP"), risk_class="III"),
        ledger.LineSpec(month="2025-01", months=6, paid_on=dt.date(2025, 1, 2), pks_no="PKS-1",
                        pks_start=dt.date(2024, 12, 1)),
        ledger.LineSpec(month="2024-10", months=3, paid_on=dt.date(2024, 10, 1)),  # ended long ago
    ]  # fmt: skip
    for i in range(1, n + 1):
        if i % 9 == 0:
            continue  # never paid
        spec = shapes[i % len(shapes)]
        ledger.write_plan(db, ledger.plan_record(db, volunteer_ids=[i], spec=spec, settings=SETTINGS, now=NOW),
                          now=NOW)  # fmt: skip
        if i % 7 == 0:  # a second line over the same months, other attributes: not one attribute set
            extra = ledger.LineSpec(month="2025-05", months=2, paid_on=dt.date(2025, 5, 3), income_rupiah=1_500_000)
            ledger.write_plan(
                db, ledger.plan_record(db, volunteer_ids=[i], spec=extra, settings=SETTINGS, now=NOW), now=NOW
            )
    voided = db.execute("SELECT id FROM payments WHERE volunteer_id = 5 ORDER BY iuran_month DESC").fetchone()[0]
    ledger.void(db, voided, reason="salah catat", now=NOW)

    got = summary.standings(db, range(1, n + 1), as_of=AS_OF, settings=SETTINGS)
    rules = rules_from(SETTINGS)
    ledgers = ledger.ledger(db)
    expected = {i: summary.standing_of(ledgers.get(i, []), as_of=AS_OF, rules=rules) for i in range(1, n + 1)}
    assert got == expected
    statuses = {s.status for s in got.values()}
    assert {"AKTIF", "MENUNGGAK", "NONAKTIF", "BELUM_TERDAFTAR"} <= statuses
    assert got[2] is got[2 + len(shapes)]  # one object for one history

"""psmctl coverage: who is covered on a date, until when, what is due, and where the gaps are."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from psmctl.cli.common import (
    DbPath,
    Format,
    FormatOpt,
    KabkotaOpt,
    KelurahanOpt,
    TableOrJson,
    area,
    load_settings,
    month_callback,
    month_days,
    open_database,
    parse_date_option,
    reported,
    today,
    warn_unlisted_holidays,
)
from psmctl.output import labels, render

app = typer.Typer(help="Perlindungan BPJS Ketenagakerjaan dihitung dari buku iuran.", no_args_is_help=True)

PROGS = ("JKK", "JKM", "JHT", "JP")


@app.command("check")
def check(
    nik: Annotated[str, typer.Argument(help="NIK relawan.")],
    on: Annotated[str | None, typer.Option("--on", help="Tanggal kejadian; bawaan: hari ini.")] = None,
    as_known_on: Annotated[
        str | None, typer.Option("--as-known-on", help="Pakai hanya pembayaran bertanggal sampai hari ini.")
    ] = None,
    fmt: Annotated[TableOrJson, typer.Option("--format", "-f", help="Bentuk keluaran: table atau json.")] = (
        TableOrJson.table
    ),
    db: DbPath = None,
) -> None:
    """Jawab "apakah dia terlindungi pada hari kejadian?" per program, beserta buktinya.

    Contoh: psmctl coverage check 3571011708900001 --on 2025-03-14
    """
    from psmctl.services import ledger

    day = parse_date_option(on, "--on") or today()
    known = parse_date_option(as_known_on, "--as-known-on") or max(today(), day)
    with reported():
        database = open_database(db)
        settings = load_settings(database)
        result = ledger.check(database, nik, on=day, known_on=known, settings=settings)
    warn_unlisted_holidays(settings, day)
    if fmt == TableOrJson.json:
        render.print_json(result)
        return
    _print_check(result)


def _print_check(result: dict[str, Any]) -> None:
    """The answer of `coverage check` on the screen: status, membership, programmes, arrears, benefits."""
    status = labels.status_words(result["status"], result["status_detail"])
    render.line(f"{result['nama']} pada {result['on']}: {status}")
    if result["membership_start"]:
        lapse = f", berakhir {result['lapse_on']} bila tidak dibayar lagi" if result["lapse_on"] else ""
        basis = labels.BASIS_WORDS.get(result["start_basis"], result["start_basis"])
        render.line(f"Kepesertaan sejak {result['membership_start']} (dasar: {basis}){lapse}")
    _print_programmes(result)
    render.line(f"Masa iur: {result['masa_iur_bulan']} bulan (seluruh riwayat {result['masa_iur_total_bulan']} bulan)")
    _print_owed(result)
    _print_benefits(result["benefits"])
    for f in result["findings"]:
        render.warn(f"{f['code']}: {f['message']}")


def _print_programmes(result: dict[str, Any]) -> None:
    """One row per programme with the payment that covers the day, then when cover starts again if it does not."""
    rows = []
    for p in PROGS:
        pc = result["programs"][p]
        pay = pc["payment"]
        evidence = "-"
        if pay:
            evidence = f"{pay['month']} dibayar {pay['paid_on']} {render.rupiah(pay['amount_rupiah'])}"
            evidence += f" ref {pay['reference']}" if pay["reference"] else ""
        # A day without cover shows no Dari/Sampai: when cover starts again is said in words (issue 21).
        rows.append([p, pc["covered"], pc["covered_from"], pc["covered_to"], evidence, pc["reason"]])
    render.table(None, ["Program", "Terlindungi", "Dari", "Sampai", "Pembayaran", "Alasan"], rows)
    again = sorted({pc["covered_again_from"] for pc in result["programs"].values() if pc["covered_again_from"]})
    if again and not any(result["programs"][p]["covered"] for p in PROGS):
        render.line(f"Tidak terlindungi pada {result['on']}; terlindungi lagi mulai {again[0]}")
    elif not any(result["programs"][p]["covered"] for p in PROGS):
        render.line(f"Tidak terlindungi pada {result['on']}; belum ada pembayaran yang memberi perlindungan lagi")


def _print_owed(result: dict[str, Any]) -> None:
    """The months in arrears and the months paid short (IUR-17), each with its sum."""
    if result["arrears"]:
        months = ", ".join(a["month"] for a in result["arrears"])
        render.line(f"Tunggakan: {months} = {render.rupiah(result['arrears_rupiah'])}")
    if result["shortfall"]:
        months = ", ".join(f"{a['month']} {render.rupiah(a['rupiah'])}" for a in result["shortfall"])
        render.line(f"Kurang bayar (IUR-17): {months} = {render.rupiah(result['shortfall_rupiah'])}")


def _print_benefits(b: dict[str, Any]) -> None:
    """The JKM and JKK benefit figures the answer refers to."""
    if "JKM" in b:
        ok = "berhak" if b["JKM"]["beasiswa_berhak"] else "belum berhak"
        render.line(f"Acuan JKM: santunan {render.rupiah(b['JKM']['santunan_rupiah'])}; beasiswa {ok} "
                    f"(perlu masa iur ≥ {b['JKM']['beasiswa_min_masa_iur']} bulan)")  # fmt: skip
    if "JKK" in b:
        render.line(f"Acuan JKK: meninggal karena kecelakaan kerja {render.rupiah(b['JKK']['meninggal_rupiah'])}; "
                    f"beasiswa JKK tanpa syarat masa iur")  # fmt: skip


@app.command("status")
def status(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Tanggal acuan; bawaan: hari ini.")] = None,
    kelurahan: KelurahanOpt = None,
    kecamatan: Annotated[str | None, typer.Option("--kecamatan", help="Hanya kecamatan ini.")] = None,
    kabkota: KabkotaOpt = None,
    unsur: Annotated[str | None, typer.Option("--unsur", help="Hanya unsur ini (PSM, TKSK, ...).")] = None,
    fmt: FormatOpt = Format.table,
    db: DbPath = None,
) -> None:
    """Status perlindungan setiap relawan di register: terlindungi sampai kapan, masa iur, dan rekap per kecamatan.

    Contoh: psmctl coverage status --kecamatan Kota --format csv
    """
    from psmctl.services import coverage_reports

    day = parse_date_option(as_of, "--as-of") or today()
    if fmt == Format.json and render.json_rows_wanted():  # a pipe or file: one entry per line, no dict per entry
        with reported():
            database = open_database(db)
            settings = load_settings(database)
            head, key, rows, tail = coverage_reports.status_json(
                database, as_of=day, known_on=max(today(), day), settings=settings,
                unsur=unsur, kelurahan=kelurahan, kecamatan=area(kecamatan, kabkota),
            )  # fmt: skip
        warn_unlisted_holidays(settings, day)
        render.write_json_rows(head, key, rows, tail)
        return
    with reported():
        database = open_database(db)
        settings = load_settings(database)
        report = coverage_reports.status_report(
            database, as_of=day, known_on=max(today(), day), settings=settings,
            unsur=unsur, kelurahan=kelurahan, kecamatan=area(kecamatan, kabkota),
        )  # fmt: skip
    warn_unlisted_holidays(settings, day)
    if fmt == Format.json:
        render.print_json(report)
        return
    flat = [_flat(v) for v in report["volunteers"]]
    kab = _kabkota_column(t["kabkota"] for t in report["totals"])
    cols = [*kab, "nik", "nama", "kelurahan", "unsur", "status", "masa_iur_bulan",
            *(f"{p.lower()}_sampai" for p in PROGS)]  # fmt: skip
    render.emit(fmt.value, flat, cols, title=f"Status perlindungan per {report['as_of']}")
    if fmt == Format.table:
        heads = ["Kab/Kota"] * len(kab) + ["Kecamatan", "Unsur", "Jumlah", "Terlindungi", "Menunggak", "Nonaktif",
                                          "Belum pernah"]  # fmt: skip
        cells = ("kecamatan", "unsur", "jumlah", "covered", "menunggak", "nonaktif", "never_paid")
        render.table("Rekap", heads, ([t[k] for k in (*kab, *cells)] for t in report["totals"]))


def _kabkota_column(labels: Any) -> list[str]:
    """['kabkota'] when the rows span more than one kab/kota (a province register), else [] (a kab/kota office)."""
    return ["kabkota"] if len(set(labels)) > 1 else []


def _flat(v: dict[str, Any]) -> dict[str, Any]:
    out = {k: v[k] for k in ("nik", "nama", "kelurahan", "unsur", "kabkota", "status", "masa_iur_bulan")}
    for p in PROGS:
        pc = v["programs"][p]
        out[f"{p.lower()}_sampai"] = pc["covered_to"] if pc["covered"] else None
    return out


@app.command("due")
def due(
    month: Annotated[str, typer.Option("--month", callback=month_callback, help="Bulan iuran, YYYY-MM.")],
    kecamatan: Annotated[str | None, typer.Option("--kecamatan", help="Hanya kecamatan ini.")] = None,
    kabkota: KabkotaOpt = None,
    fmt: FormatOpt = Format.table,
    db: DbPath = None,
) -> None:
    """Siapa yang harus dibayar untuk satu bulan iuran, berapa per program, total per sumber dana (dan per kab/kota
    bila register mencakup lebih dari satu kab/kota).

    Juga menandai siapa yang akan NONAKTIF bila bulan itu tidak dibayar.

    Contoh: psmctl coverage due --month 2025-07
    Kantor provinsi: psmctl coverage due --month 2025-07 --kabkota 36.01
    """
    from psmctl.services import coverage_reports

    with reported():
        database = open_database(db)
        settings = load_settings(database)
        report = coverage_reports.due_report(
            database, month=month, as_of=today(), settings=settings, kecamatan=area(kecamatan, kabkota)
        )
    warn_unlisted_holidays(settings, *month_days(month))
    if fmt == Format.json:
        render.print_json_rows(report, "people")
        return
    kab = _kabkota_column(k["kabkota"] for k in report["per_kabkota"])
    cols = [*kab, "nik", "nama", "kelurahan", "status", "due_on", "jkk_rupiah", "jkm_rupiah", "jht_rupiah",
            "jp_rupiah", "kurang_bayar_rupiah", "total_rupiah", "funding", "will_lapse"]  # fmt: skip
    render.emit(fmt.value, report["people"], cols, title=f"Iuran yang harus dibayar untuk bulan {month}")
    if fmt == Format.table:
        if kab:
            render.table("Per kab/kota", ["Kab/Kota", "Orang", "Total", "Akan NONAKTIF"],
                         ([k["kabkota"] or "(tanpa kode)", k["orang"], render.rupiah(k["total_rupiah"]),
                           k["will_lapse"]] for k in report["per_kabkota"]))  # fmt: skip
        for f in report["per_funding"]:
            render.line(f"{f['funding']}: {render.rupiah(f['total_rupiah'])}")
        render.line(
            f"Total {render.rupiah(report['total_rupiah'])}; "
            f"{report['will_lapse']} orang akan NONAKTIF bila tidak dibayar"
        )


@app.command("gaps")
def gaps(
    nik: Annotated[str | None, typer.Option("--nik", help="Hanya relawan ini.")] = None,
    kecamatan: Annotated[str | None, typer.Option("--kecamatan", help="Hanya kecamatan ini.")] = None,
    kabkota: KabkotaOpt = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Sampai tanggal ini; bawaan: hari ini.")] = None,
    fmt: FormatOpt = Format.table,
    db: DbPath = None,
) -> None:
    """Periode tanpa perlindungan JKK per relawan, sejak kepesertaan pertama (dengan kab/kota bila register
    mencakup lebih dari satu kab/kota).

    Contoh: psmctl coverage gaps --nik 3571011708900001
    Kantor provinsi: psmctl coverage gaps --kabkota 36.01 --kecamatan Cikeusik
    """
    from psmctl.services import coverage_reports

    day = parse_date_option(as_of, "--as-of") or today()
    with reported():
        database = open_database(db)
        rows = coverage_reports.gaps_report(
            database, as_of=day, settings=load_settings(database), nik_text=nik, kecamatan=area(kecamatan, kabkota)
        )
    kab = _kabkota_column(r["kabkota"] for r in rows)
    cols = [*kab, "nik", "nama", "from", "to", "days", "status"]
    render.emit(fmt.value, rows, cols, title="Periode tanpa perlindungan")

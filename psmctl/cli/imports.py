"""psmctl import roster: kelurahan spreadsheets in, all-or-nothing per file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from psmctl.cli.common import (
    EXIT_FAILED,
    EXIT_PARTIAL,
    DbPath,
    TableOrJson,
    failure_line,
    load_settings,
    now_iso,
    open_database,
    reported,
    today,
)
from psmctl.output import render

if TYPE_CHECKING:
    from psmctl.importing.batch import FileResult

# The options of the batch stage every import shares (importing/batch.py): the same words in every import command.
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Periksa dan laporkan saja; tidak ada yang ditulis sama sekali.")
]
StrictOpt = Annotated[
    bool,
    typer.Option("--strict", help="Tolak seluruh berkas bila ada satu baris ditolak atau satu peringatan saja."),
]
ReportOpt = Annotated[
    Path | None, typer.Option("--report", help="Tulis laporan masalah per baris ke berkas .xlsx ini.")
]
KolomOpt = Annotated[
    list[str] | None,
    typer.Option("--kolom", help='Petakan kolom dengan tangan: "JUDUL KOLOM=field" (boleh diulang).'),
]
ImportFormat = Annotated[TableOrJson, typer.Option("--format", "-f", help="Bentuk laporan: table atau json.")]
Progress = Callable[[int], None] | None

# The roster import's own options.
FilesArg = Annotated[list[Path], typer.Argument(help="Satu atau beberapa berkas .xlsx / .xls / .ods / .csv.")]
SheetOpt = Annotated[str | None, typer.Option("--sheet", help="Hanya baca lembar dengan nama ini.")]
AllSheetsOpt = Annotated[
    bool, typer.Option("--all-sheets", help="Baca semua lembar yang berisi kolom NIK dan NAMA (bawaan).")
]
KelurahanOpt = Annotated[
    str | None, typer.Option("--kelurahan", help="Kelurahan/desa (nama atau kode) bila berkas tidak menyebutnya.")
]
KecamatanOpt = Annotated[
    str | None, typer.Option("--kecamatan", help="Kecamatan (nama atau kode) bila berkas tidak menyebutnya.")
]
KabkotaImportOpt = Annotated[
    str | None,
    typer.Option(
        "--kabkota",
        help="Kab/kota (nama atau kode) bila berkas tidak menyebutnya; nama wilayah dicocokkan di dalamnya.",
    ),
]
UnsurOpt = Annotated[
    str | None, typer.Option("--unsur", help="Unsur (PSM, TKSK, TAGANA, TRC, ...) bila berkas tidak punya kolomnya.")
]
RetireOpt = Annotated[
    bool,
    typer.Option(
        "--retire-missing",
        help="Tandai BERHENTI orang yang dulu ada di daftar kelurahan ini tetapi tidak ada di berkas baru.",
    ),
]
HiddenOpt = Annotated[
    bool,
    typer.Option("--sertakan-tersembunyi", help="Impor juga orang di baris atau lembar yang disembunyikan kelurahan."),
]
HoldOpt = Annotated[
    bool,
    typer.Option(
        "--tahan-keterangan",
        help="Jangan impor orang yang KETERANGAN-nya meninggal/pindah/berhenti (bawaan: dicatat BERHENTI).",
    ),
]
ReadmitOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--terima-nik-dihapus",
        help="NIK yang datanya pernah dihapus (volunteers forget) dan memang boleh masuk lagi; boleh berulang.",
    ),
]

app = typer.Typer(help="Impor daftar dari spreadsheet kelurahan.", no_args_is_help=True)


@app.command("roster")
def roster(
    files: FilesArg,
    sheet: SheetOpt = None,
    all_sheets: AllSheetsOpt = False,
    kelurahan: KelurahanOpt = None,
    kecamatan: KecamatanOpt = None,
    kabkota: KabkotaImportOpt = None,
    unsur: UnsurOpt = None,
    dry_run: DryRunOpt = False,
    strict: StrictOpt = False,
    retire_missing: RetireOpt = False,
    kolom: KolomOpt = None,
    include_hidden: HiddenOpt = False,
    hold_stopped: HoldOpt = False,
    report: ReportOpt = None,
    fmt: ImportFormat = TableOrJson.table,
    readmit: ReadmitOpt = None,
    db: DbPath = None,
) -> None:
    """Impor daftar relawan dari spreadsheet kelurahan; tiap berkas masuk utuh atau tidak sama sekali.

    Baris judul, sel gabungan, NIK yang diketik sebagai angka, tanggal dalam berbagai bentuk dan blok tanda
    tangan dikenali. Baris yang ditolak dilaporkan dengan lembar, nomor baris dan alasannya.

    Contoh: psmctl import roster psm_kel_banjaran.xlsx --unsur PSM --report masalah.xlsx
    """
    from psmctl.importing import roster as roster_mod
    from psmctl.rules import categories, wilayah
    from psmctl.rules.nik import require_nik

    with reported():
        database = open_database(db)
        settings = load_settings(database)
        opts = roster_mod.Options(
            sheet=sheet, all_sheets=all_sheets, kelurahan=kelurahan, kecamatan=kecamatan,
            kabkota=wilayah.kabkota_code(kabkota) if kabkota else None,
            unsur=categories.require(unsur) if unsur else None,
            kolom=parse_kolom(kolom or [], "roster_headers.toml"), include_hidden=include_hidden,
            hold_stopped=hold_stopped, readmit=frozenset(require_nik(n) for n in readmit or []),
        )  # fmt: skip
        as_of, now = today(), now_iso()

    def one(path: Path, tick: Progress) -> FileResult:
        return roster_mod.import_file(
            database, path, as_of=as_of, now=now, settings=settings, options=opts, dry_run=dry_run, strict=strict,
            retire_missing=retire_missing, progress=tick,
        )  # fmt: skip

    run_batch(files, one, fmt=fmt, dry_run=dry_run, report=report)


def run_batch(
    files: list[Path],
    import_one: Callable[[Path, Progress], FileResult],
    *,
    fmt: TableOrJson,
    dry_run: bool,
    report: Path | None,
) -> None:
    """Import each file on its own (a file's failure does not stop the next), then print the one report shape, write
    `--report`, and exit as every multi-file command does: 0 all landed, 1 none changed, 3 some landed."""
    from psmctl.files import check_target
    from psmctl.importing.batch import failed

    if report is not None:
        with reported():
            check_target(report)  # a report that could never be written is said before any file is imported

    results: list[FileResult] = []
    for path in files:
        try:
            with render.progress(f"Membaca {path.name}") as bar:
                results.append(import_one(path, _ticker(bar)))
        except Exception as e:  # one file's failure (bad file, full disk) does not stop the next file
            message = failure_line(e)
            if message is None:
                raise
            results.append(failed(path.name, message, dry_run=dry_run))
    payload = [r.as_dict() for r in results]
    if fmt == TableOrJson.json:
        render.print_json(payload)
    elif any(r.sheets for r in results):  # every file failed: the one-line errors below say it all
        render.import_report(payload, dry_run=dry_run, reported=report is not None)
    failures = [r.refused if r.refused.startswith(f"{r.file}:") else f"{r.file}: {r.refused}"
                for r in results if r.refused]  # fmt: skip
    if report is not None:
        failures += _write_report(report, payload)
    for message in failures:
        render.error(message)
    _exit(failures, [r.file for r in results if r.committed])


def _exit(failures: list[str], landed: list[str]) -> None:
    if failures and landed:
        render.note(
            f"Sebagian berhasil: {len(landed)} berkas sudah masuk ke database ({', '.join(landed)}); "
            f"{len(failures)} gagal (lihat di atas). Perbaiki yang gagal lalu impor ulang hanya berkas itu."
        )
        raise typer.Exit(EXIT_PARTIAL)
    if failures:
        raise typer.Exit(EXIT_FAILED)


def _write_report(report: Path, payload: list[dict[str, Any]]) -> list[str]:
    """Write the --report workbook; a failure (full disk, no permission) is one more failure line, not a crash."""
    from psmctl.output.import_report import write_problem_report

    try:
        write_problem_report(report, payload)
    except Exception as e:
        message = failure_line(e)
        if message is None:
            raise
        return [f"laporan masalah {report} tidak bisa ditulis: {message}"]
    render.wrote("Laporan masalah impor", report)
    return []


def _ticker(bar: render.ProgressFn | None) -> Any:
    if bar is None:
        return None
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        bar(done[0], 0)

    return tick


def parse_kolom(values: list[str], aliases: str) -> tuple[tuple[str, str], ...]:
    """`--kolom "HEADER=field"` values as (header, field) pairs; InputError naming the fields an import reads."""
    from psmctl.errors import InputError
    from psmctl.importing.headers import load_aliases

    fields = sorted(load_aliases(aliases))
    out: list[tuple[str, str]] = []
    for v in values:
        head, sep, fld = v.rpartition("=")
        if not sep or not head.strip() or fld.strip().lower() not in fields:
            raise InputError(f"--kolom '{v}': tulis \"JUDUL KOLOM=field\"; field yang dikenal: {', '.join(fields)}")
        out.append((head.strip(), fld.strip().lower()))
    return tuple(out)

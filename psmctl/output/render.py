"""Everything the admin sees: the one-line error, rich tables, JSON/CSV on stdout, progress bars.

No SQL and no rules here. Machines get JSON/CSV with stable keys, ISO dates and integer rupiah; humans get
tables with `Rp16.800`-style money.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from psmctl.output import labels
from psmctl.rules import privacy

out = Console(soft_wrap=False)
if not out.is_terminal and not os.environ.get("COLUMNS"):
    out = Console(soft_wrap=False, width=160)  # cron mail and pipes: wide enough for the report tables
err = Console(stderr=True, soft_wrap=True)


class _Stdout:
    unmask = False  # the admin said `psmctl --unmask --yes`: full NIK and phone into a pipe or file


stdout_policy = _Stdout()


def _masking() -> bool:
    """privacy's rule for stdout: in full at the admin's terminal, masked into pipes and files unless unmasked."""
    audience = privacy.stdout_audience(sys.stdout.isatty())
    return privacy.masked_for(audience, unmask=stdout_policy.unmask)


def for_stdout(value: Any) -> Any:
    """A JSON-like value as stdout may show it (see :func:`_masking`)."""
    return privacy.mask_tree(value) if _masking() else value


def error(message: str) -> None:
    """One plain line on stderr (no markup parsing, never wrapped); never a full NIK (privacy: error lines)."""
    err.print(Text(f"Galat: {privacy.mask_text(message)}", style="red"), soft_wrap=True, highlight=False)


def warn(message: str) -> None:
    """One warning line on stderr; never a full NIK."""
    err.print(Text(f"Peringatan: {privacy.mask_text(message)}", style="yellow"), soft_wrap=True, highlight=False)


def note(message: str) -> None:
    """An informative line on stderr (keeps stdout clean for JSON/CSV); never a full NIK."""
    err.print(Text(privacy.mask_text(message)), soft_wrap=True, highlight=False)


def wrote(what: str, path: Path | str) -> None:
    """At a terminal, one line on stderr saying what was written and where; silent otherwise (cron, pipes)."""
    if err.is_terminal:
        note(f"{what} ditulis ke {Path(path).resolve()}")


def migrated(names: Sequence[str], backup: Path | None) -> None:
    """At a terminal, say that the database was brought up to date and where the copy from before is."""
    if not err.is_terminal:
        return
    copy = f"; salinan sebelum pembaruan: {backup.resolve()}" if backup else ""
    note(f"Database diperbarui ke skema terbaru ({len(names)} langkah: {', '.join(names)}){copy}")


def line(message: str) -> None:
    """A plain line on stdout, for the human reader."""
    out.print(Text(message), soft_wrap=True, highlight=False)


def rupiah(amount: int | None) -> str:
    """Rp16.800 formatting, for humans only."""
    return labels.rupiah(amount)


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def to_json(value: Any) -> str:
    """Stable JSON: ISO dates, UTF-8 text, two-space indent."""
    return json.dumps(value, ensure_ascii=False, indent=2, default=_plain)


def print_json(value: Any) -> None:
    """JSON on stdout, nothing else (masked into a pipe or file: privacy)."""
    sys.stdout.write(to_json(for_stdout(value)) + "\n")
    sys.stdout.flush()


def csv_safe(value: Any) -> Any:
    """Neutralise text that a spreadsheet would run as a formula (=, +, -, @)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        # A leading apostrophe is how spreadsheets themselves mark "this is text".
        return "'" + value
    return _plain(value)


def write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], stream: Any = None) -> None:
    """CSV with a header row, `\\n` line ends, formula-like text escaped."""
    if stream is None and _masking():
        rows = (privacy.mask_tree(r) for r in rows)
    target = stream or sys.stdout
    w = csv.writer(target, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([csv_safe(row.get(c)) for c in columns])


def _cell(value: Any) -> str:
    """A cell of a table whose columns are already labelled: Ya/Tidak, 16 or 11,5, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return labels.yes_no(value)
    if isinstance(value, float):
        return labels.number(value)
    return str(_plain(value))


def table(
    title: str | None,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    right: Sequence[str] = (),
    no_wrap: Sequence[str] = (),
) -> None:
    """A rich table on stdout; cells in `no_wrap` columns stay on one line."""
    t = Table(title=title, title_justify="left")
    for c in columns:
        t.add_column(c, justify="right" if c in right else "left", overflow="fold", no_wrap=c in no_wrap)
    masking = _masking()
    for r in rows:
        cells = [_cell(v) for v in r]
        t.add_row(*(privacy.mask_text(c) for c in cells) if masking else cells)
    out.print(t)


def fit_columns(keys: Sequence[str], cells: Sequence[Sequence[str]], width: int) -> list[str]:
    """The columns that fit in `width` characters: drop labels.DROP_FIRST columns, earliest first, until the
    columns that must not wrap (NIK, dates, money) at full width and the others at up to 14 characters fit."""
    kept = list(keys)

    def need(k: str) -> int:
        i = keys.index(k)
        full = max([len(labels.header(k).split()[0]), *(len(r[i]) for r in cells)] or [1])
        return full if labels.no_wrap(k) else min(full, 14)

    def total() -> int:
        return sum(need(k) + 3 for k in kept) + 1

    for k in labels.DROP_FIRST:
        if total() <= width:
            break
        if k in kept and len(kept) > 2:
            kept.remove(k)
    return kept


def screen_table(title: str | None, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> None:
    """File rows as the admin reads them: headers and values from labels.py, narrow terminals drop columns."""
    cells = [[labels.value(k, r.get(k)) for k in keys] for r in rows]
    kept = fit_columns(keys, cells, out.width)
    idx = [keys.index(k) for k in kept]
    heads = [labels.header(k) for k in kept]
    right = [labels.header(k) for k in kept if any(labels.is_number(k, r.get(k)) for r in rows[:50])]
    nowrap = [labels.header(k) for k in kept if labels.no_wrap(k)]
    table(title, heads, ([row[i] for i in idx] for row in cells), right=right, no_wrap=nowrap)
    dropped = [labels.header(k) for k in keys if k not in kept]
    if dropped:
        line(f"Kolom tidak ditampilkan karena layar sempit: {', '.join(dropped)} (lihat --format csv).")


def emit(fmt: str, rows: list[dict[str, Any]], columns: Sequence[str], title: str | None = None) -> None:
    """Print rows as a table, CSV or JSON according to --format (CSV/JSON: file keys and raw values); NIK and
    phone masked when stdout is a pipe or file (privacy)."""
    rows = for_stdout(rows)
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        write_csv(rows, columns)
    else:
        screen_table(title, rows, columns)


ProgressFn = Callable[[int, int], None]


@contextmanager
def progress(description: str) -> Iterator[ProgressFn | None]:
    """A transient progress bar on stderr when it is a terminal; None (no bar) otherwise."""
    if not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


IMPORT_COLUMNS = [
    ("file", "Berkas"), ("sheet", "Lembar"), ("rows_read", "Dibaca"), ("added", "Baru"), ("changed", "Berubah"),
    ("unchanged", "Tetap"), ("rejected", "Ditolak"), ("warnings", "Peringatan"), ("skipped", "Dilewati"),
]  # fmt: skip
LEVEL_LABEL = {"error": "DITOLAK", "warning": "peringatan", "info": "info"}


def findings(entries: list[dict[str, Any]], *, reported: bool = False) -> None:
    """Errors and warnings of an import, one line per code and sheet with the count and the rows, and each sheet not
    read (SHOWN_INFO: an info the admin must still see)."""
    from psmctl.importing.findings import SHOWN_INFO
    from psmctl.output.finding_groups import LEVEL_WORDS, group

    groups = group(entries, also=SHOWN_INFO)
    if not groups:
        return
    line("Masalah (kode yang sama dalam satu lembar dikelompokkan; galat lebih dulu):")
    place = None
    for g in groups:
        if (g.file, g.sheet) != place:
            place = (g.file, g.sheet)
            line(f"{g.file}, lembar {g.sheet}:" if g.sheet else f"{g.file}:")
        line(f"  {LEVEL_WORDS[g.level]:<10}  {g.title.rstrip('. ')}: {g.where()} [{g.code}]")
    if not reported:
        line("Daftar lengkap satu baris per masalah: tambahkan --report masalah.xlsx (untuk dikirim ke kelurahan).")


def import_report(results: list[dict[str, Any]], *, dry_run: bool, reported: bool = False) -> None:
    """The import summary table per file and sheet, then the findings grouped (errors first), then who is missing.
    `results` are the files' objects of the one import JSON shape (importing/batch.py); `reported`: a --report file
    holds the full list (else the last line points to it)."""
    title = "Hasil impor (UJI COBA: tidak ada yang ditulis)" if dry_run else "Hasil impor"
    table(
        title,
        [label for _, label in IMPORT_COLUMNS],
        (
            [f["file"], s["sheet"], *(s["counts"][k] for k, _ in IMPORT_COLUMNS[2:])]
            for f in results
            for s in f["sheets"]
        ),
        right=[label for k, label in IMPORT_COLUMNS if k not in ("file", "sheet")],
    )
    findings([{"file": f["file"], "problems": f["findings"]} for f in results], reported=reported)
    for f in results:
        if f["details"].get("notes_kept") and (f["committed"] or dry_run):
            verb = "akan disimpan" if dry_run else "disimpan"
            line(f"{f['file']}: KETERANGAN {f['details']['notes_kept']} baris {verb} sebagai catatan pada barisnya.")
        _missing(f["file"], f["details"], dry_run)


def _missing(file: str, details: dict[str, Any], dry_run: bool) -> None:
    """The people on a roster before who are not in the new file (and whether they were retired)."""
    missing = details.get("missing") or []
    if not missing:
        return
    retired = details.get("retired")
    verb = "ditandai BERHENTI" if retired else "tidak dihapus; pakai --retire-missing untuk menandai BERHENTI"
    line(f"{file}: {len(missing)} orang dulu ada di daftar ini tetapi tidak ada di berkas baru ({verb}):")
    for m in missing[:20]:
        line(f"  {m['nik']}  {m['nama']}  {m['unsur']}  {m['kelurahan'] or '-'}")
    if retired and not dry_run:
        line(
            "Membatalkan: impor lagi berkas yang masih memuat mereka (status kembali AKTIF), "
            "atau pulihkan cadangan `psmctl db backup` yang dibuat sebelumnya."
        )


def write_json_rows(
    head: dict[str, Any], key: str, rows: Iterable[str], tail: dict[str, Any], stream: Any = None
) -> None:
    """A large JSON object: ``head`` keys, then ``key`` as a list of pre-encoded JSON values, then ``tail`` keys.

    The same keys, order and values as ``print_json({**head, key: [...], **tail})``; the list items are written one
    per line without inner indentation (a 100,000-row report in a fraction of the indented time), the rest as
    :func:`to_json` indents it.
    """
    if stream is None and _masking():
        head, tail = privacy.mask_tree(head), privacy.mask_tree(tail)
        rows = map(privacy.mask_json_text, rows)
    target = stream or sys.stdout
    write = target.write
    items = [
        f"  {json.dumps(k, ensure_ascii=False)}: {to_json(v).replace(chr(10), chr(10) + '  ')}" for k, v in head.items()
    ]
    write("{\n" + "".join(i + ",\n" for i in items) + f"  {json.dumps(key, ensure_ascii=False)}: [")
    batch: list[str] = []
    sep = "\n    "
    for row in rows:
        batch.append(row)
        if len(batch) >= 2000:
            write(sep + ",\n    ".join(batch))
            sep, batch = ",\n    ", []
    if batch:
        write(sep + ",\n    ".join(batch))
        sep = ",\n    "
    write("]" if sep == "\n    " else "\n  ]")
    rest = [
        f"  {json.dumps(k, ensure_ascii=False)}: {to_json(v).replace(chr(10), chr(10) + '  ')}" for k, v in tail.items()
    ]
    write("".join(",\n" + i for i in rest) + "\n}\n")
    target.flush()


def print_json_rows(value: dict[str, Any], key: str) -> None:
    """JSON of a report with one large list under ``key``: :func:`print_json` on a terminal; otherwise (pipes,
    files, cron) the same keys and values with the list one item per line (:func:`write_json_rows`)."""
    if sys.stdout.isatty():
        print_json(value)
        return
    names = list(value)
    at = names.index(key)
    encode = json.JSONEncoder(ensure_ascii=False, default=_plain).encode
    write_json_rows(
        {k: value[k] for k in names[:at]}, key, map(encode, value[key]), {k: value[k] for k in names[at + 1 :]}
    )


def json_rows_wanted() -> bool:
    """True when JSON goes to a pipe or file (compact rows), False on a terminal (indented, for reading)."""
    return not sys.stdout.isatty()

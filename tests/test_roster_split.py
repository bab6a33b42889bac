"""A long roster is checked by two processes (roster._run_split): the report and the rows must be exactly those of
one process checking it alone, whatever the file holds and wherever the cut falls, and a child that fails or is
not wanted changes nothing but the time taken."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl  # noqa: TID253 - the CLI-startup ban does not concern tests
import pytest
import python_calamine  # noqa: TID253
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import make_nik
from psmctl import forked, roster
from psmctl.settings import Settings

pytestmark = pytest.mark.skipif(not forked.available(), reason="the split runs on Linux only")

AS_OF = dt.date(2025, 1, 15)
SETTINGS = Settings({"wilayah.kode_kabkota": "35.71", "import.header_scan_rows": 6})
HEADER = ["NO", "NAMA", "NIK", "TGL LAHIR", "L/P", "UNSUR", "KELURAHAN"]


def _write(path: Path, sheets: list[tuple[list[list[Any]], list[str]]]) -> Path:
    wb = openpyxl.Workbook()
    for i, (rows, merges) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        assert ws is not None
        ws.title = f"Lembar{i + 1}"
        for r in rows:
            ws.append(r)
        for m in merges:
            ws.merge_cells(m)
    wb.save(path)
    return path


@st.composite
def roster_sheet(draw: st.DrawFn, first_serial: int) -> tuple[list[list[Any]], list[str]]:
    """A messy roster: titles, people (some twice, some as another unsur), junk, blanks, totals, signature-like
    text in the middle or a signature block at the end, the KELURAHAN column merged down blocks."""
    rows: list[list[Any]] = [["DAFTAR RELAWAN KOTA KEDIRI"] for _ in range(draw(st.integers(0, 3)))]
    rows.append(list(HEADER))
    niks: list[str] = []
    merges: list[str] = []
    for i in range(draw(st.integers(1, 45))):
        kind = draw(st.integers(0, 19))
        if kind == 0:
            rows.append([None] * 7)  # spacer
        elif kind == 1:
            rows.append(["JUMLAH", None, None, None, None, None, None])
        elif kind == 2:
            rows.append([None, "Mengetahui,", None, None, None, None, None])  # signature-like, people below
        elif kind == 3:
            rows.append([i, draw(st.sampled_from(["", "x"])), "35710112", "bukan tanggal", "?", "PSM", None])
        elif kind in (4, 5) and niks:
            # The same person again: the same unsur is a duplicate, another unsur a second role.
            unsur = draw(st.sampled_from(["PSM", "TAGANA"]))
            rows.append([i, f"Ulang {i}", draw(st.sampled_from(niks)), dt.date(1980, 1, 1), "L", unsur, None])
        else:
            born = dt.date(draw(st.integers(1960, 2000)), draw(st.integers(1, 12)), draw(st.integers(1, 28)))
            nik = make_nik(born=born, serial=first_serial + i)
            niks.append(nik)
            jk = draw(st.sampled_from(["L", "P", "L"]))  # P: a gender mismatch warning (the NIK is a man's)
            rows.append([i, f"Relawan {i}", nik, born, jk, "PSM", None])
    top = len(rows) - 1
    r = rows.index(HEADER) + 1
    while r <= top:  # KELURAHAN written once per block and merged down it, as kelurahan offices do
        size = draw(st.integers(1, 8))
        end = min(top, r + size - 1)
        rows[r][6] = draw(st.sampled_from(["Banjaran", "Bandar Lor", "Ngronggo"]))
        if end > r:
            merges.append(f"G{r + 1}:G{end + 1}")
        r = end + 1
    if draw(st.booleans()):
        rows += [[], [None, "Kediri, 12 Januari 2025"], [None, "Lurah Banjaran"], [None, "NIP. 19700101"]]
    return rows, merges


def _parse(path: Path, *, split: bool, monkeypatch: pytest.MonkeyPatch, chunk: int = 4000, share: float = 0.55,
           all_sheets: bool = False) -> list[tuple[dict[str, Any], list[roster.RosterRow]]]:  # fmt: skip
    with monkeypatch.context() as m:
        m.setattr(roster, "SPLIT_FROM_ROWS", 1 if split else 10**9)
        m.setattr(roster, "_CHUNK", chunk)
        m.setattr(roster, "PARENT_SHARE", share)
        parsed = roster.parse_file(
            path, as_of=AS_OF, settings=SETTINGS, options=roster.Options(kecamatan="Kota", all_sheets=all_sheets)
        )
    return [(p.report.as_dict(), p.rows) for p in parsed]


class _Spy:
    """Counts the sheets checked in two processes and what became of each child: answered and merged, or
    cancelled."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.splits = self.merged = self.cancelled = 0
        split, merge, cancel = roster._run_split, roster._merge_rest, forked.Child.cancel

        def splitting(*a: Any) -> None:
            self.splits += 1
            split(*a)

        def merged(*a: Any) -> None:
            self.merged += 1
            merge(*a)

        def cancelled(child: forked.Child) -> None:
            self.cancelled += 1
            cancel(child)

        monkeypatch.setattr(roster, "_run_split", splitting)
        monkeypatch.setattr(roster, "_merge_rest", merged)
        monkeypatch.setattr(forked.Child, "cancel", cancelled)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sheets=st.lists(st.integers(0, 1).flatmap(lambda k: roster_sheet(100 + 50 * k)), min_size=1, max_size=2),
    chunk=st.integers(1, 9),
    share=st.floats(0, 1),
)
def test_two_processes_report_exactly_what_one_does(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, sheets: Any, chunk: int, share: float
) -> None:
    path = _write(tmp_path_factory.mktemp("split") / "daftar.xlsx", sheets)
    alone = _parse(path, split=False, monkeypatch=monkeypatch, all_sheets=True)
    spy = _Spy(monkeypatch)
    split = _parse(path, split=True, monkeypatch=monkeypatch, chunk=chunk, share=share, all_sheets=True)
    assert split == alone
    # Each sheet longer than the header scan went through a child, answered or cancelled.
    assert spy.merged + spy.cancelled == spy.splits
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    assert spy.splits == sum(wb.get_sheet_by_name(name).height > 6 for name in wb.sheet_names)


def _people(n: int, *, serial: int = 1) -> list[list[Any]]:
    return [[i + 1, f"Relawan {i}", make_nik(born=dt.date(1990, 1, 1 + i % 28), serial=serial + i),
             dt.date(1990, 1, 1 + i % 28), "L", "PSM", "Banjaran"] for i in range(n)]  # fmt: skip


def test_a_nik_of_the_parents_part_twice_in_the_childs_names_the_parents_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [["DAFTAR PSM"], HEADER, *_people(20)]
    first = rows[3]  # Excel row 4, in the parent's half
    rows[15] = [16, "Ulang", first[2], first[3], "L", "PSM", "Banjaran"]  # Excel rows 16 and 20: the child's half
    rows[19] = [20, "Ulang lagi", first[2], first[3], "L", "PSM", "Banjaran"]
    path = _write(tmp_path / "ganda.xlsx", [(rows, [])])
    spy = _Spy(monkeypatch)
    ((report, accepted),) = _parse(path, split=True, monkeypatch=monkeypatch, chunk=3, share=0.5)
    assert spy.merged == 1
    dups = [(p["row"], p["message"]) for p in report["problems"] if p["code"] == "NIK_DUPLICATE_IN_FILE"]
    assert dups == [(16, "NIK ganda, lihat baris 4"), (20, "NIK ganda, lihat baris 4")]
    assert report["rejected"] == 2 and len(accepted) == 18
    assert [r.row for r in accepted] == sorted(r.row for r in accepted)  # in the sheet's order


def test_signature_like_text_in_the_parents_part_cancels_the_child_and_keeps_the_people_below(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [["DAFTAR PSM"], HEADER, *_people(6), [None, "Mengetahui,"], *_people(14, serial=50)]
    path = _write(tmp_path / "ttd.xlsx", [(rows, [])])
    spy = _Spy(monkeypatch)
    ((report, accepted),) = _parse(path, split=True, monkeypatch=monkeypatch, chunk=2, share=0.5)
    assert spy.cancelled == 1 and spy.merged == 0  # its verdict needed every row below: this process read them
    assert len(accepted) == 20
    assert [(p["row"], p["code"]) for p in report["problems"]] == [(9, "ROW_SKIPPED")]
    assert (report, accepted) == _parse(path, split=False, monkeypatch=monkeypatch)[0]


def test_a_signature_block_in_the_childs_part_ends_the_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [["DAFTAR PSM"], HEADER, *_people(20), [], [None, "Kediri, 12 Januari 2025"], [None, "Lurah Banjaran"]]
    path = _write(tmp_path / "blok.xlsx", [(rows, [])])
    spy = _Spy(monkeypatch)
    ((report, accepted),) = _parse(path, split=True, monkeypatch=monkeypatch, chunk=4, share=0.3)
    assert spy.merged == 1 and len(accepted) == 20
    assert [(p["row"], p["code"], p["message"]) for p in report["problems"]] == [
        (24, "SIGNATURE_BLOCK", "blok tanda tangan: 2 baris dilewati")
    ]


def test_a_failed_child_changes_nothing_but_the_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [["DAFTAR PSM"], HEADER, *_people(30), [None, "JUMLAH"]]
    rows[25][2] = rows[4][2]  # a duplicate across the cut
    path = _write(tmp_path / "gagal.xlsx", [(rows, ["G3:G10"])])
    alone = _parse(path, split=False, monkeypatch=monkeypatch)

    def crash(*a: Any) -> None:
        raise MemoryError  # whatever the child meets, the parent checks the child's rows itself

    monkeypatch.setattr(roster, "_check_rest", crash)
    spy = _Spy(monkeypatch)
    assert _parse(path, split=True, monkeypatch=monkeypatch, chunk=5) == alone
    assert spy.merged == 0
    monkeypatch.setattr(forked, "start", lambda work: None)  # no fork at this moment (out of processes)
    assert _parse(path, split=True, monkeypatch=monkeypatch, chunk=5) == alone


def test_a_long_roster_is_imported_through_the_split(db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [["DAFTAR PSM KELURAHAN BANJARAN"], HEADER, *_people(300)]
    path = _write(tmp_path / "panjang.xlsx", [(rows, ["G3:G302"])])
    monkeypatch.setattr(roster, "SPLIT_FROM_ROWS", 100)
    spy = _Spy(monkeypatch)
    result = roster.import_file(db, path, as_of=AS_OF, now="2025-01-15T09:00:00", settings=SETTINGS)
    assert spy.merged == 1
    assert result.sheets[0].added == 300
    got = db.execute("SELECT v.nik, r.kelurahan, v.row FROM volunteers v JOIN roles r ON r.volunteer_id = v.id "
                     "ORDER BY v.id").fetchall()  # fmt: skip
    assert [g[0] for g in got] == [r[2] for r in rows[2:]] and {g[1] for g in got} == {"Banjaran"}
    assert [g[2] for g in got] == list(range(3, 303))


def test_a_national_size_sheet_is_checked_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Above SPLIT_UP_TO_ROWS a second process would cost more memory than the time it saves.
    path = _write(tmp_path / "nasional.xlsx", [([["DAFTAR PSM"], HEADER, *_people(60)], [])])
    monkeypatch.setattr(roster, "SPLIT_UP_TO_ROWS", 50)
    spy = _Spy(monkeypatch)
    ((report, accepted),) = _parse(path, split=True, monkeypatch=monkeypatch)
    assert spy.splits == 0 and len(accepted) == 60 and report["rows_read"] == 60
    monkeypatch.setattr(roster, "SPLIT_UP_TO_ROWS", 62)  # 62 rows: title, header, 60 people
    _parse(path, split=True, monkeypatch=monkeypatch)
    assert spy.splits == 1

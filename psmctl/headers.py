"""Finding the header row of a hand-made sheet by scoring rows against header aliases (docs/rules.md).

Labels are compared after upper-casing and removing spaces, dots, slashes, colons, dashes and text in
parentheses, so ``NO. KTP`` = ``NO KTP`` = ``NOKTP``. A two-row header (``TEMPAT/TGL LAHIR`` merged over
``TEMPAT`` and ``TANGGAL LAHIR``) is read by trying each column's lower label, then parent + lower, then the
parent alone. The alias tables themselves are data (``data/*_headers.toml``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

_NOISE = re.compile(r"\(.*?\)|[\s.\/:\-_*'’\"]")


def norm_label(text: object) -> str:
    """Normal form of a header label: 'No. KTP' → 'NOKTP'."""
    if text is None:
        return ""
    return _NOISE.sub("", str(text).upper())


@dataclass(frozen=True)
class Header:
    """Where the header is and which column holds which field (all 0-based)."""

    row_index: int
    columns: dict[str, int]
    labels: dict[str, str]
    data_start: int


@cache
def load_aliases(resource: str) -> dict[str, list[str]]:
    """Read an alias table (field = [labels]) from psmctl/data."""
    data = tomllib.loads(resources.files("psmctl.data").joinpath(resource).read_text("utf-8"))
    return {str(k): [str(x) for x in v] for k, v in data["aliases"].items()}


def _lookup(aliases: dict[str, list[str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for fld, labels in aliases.items():
        for label in labels:
            table.setdefault(norm_label(label), fld)
    return table


def _text(cell: object) -> str:
    return cell.strip() if isinstance(cell, str) else ""


def _match_single(row: Sequence[object], lookup: dict[str, str]) -> tuple[dict[str, int], dict[str, str]]:
    cols: dict[str, int] = {}
    labels: dict[str, str] = {}
    for c, cell in enumerate(row):
        fld = lookup.get(norm_label(_text(cell)))
        if fld and fld not in cols:
            cols[fld] = c
            labels[fld] = _text(cell)
    return cols, labels


def _match_double(
    parent: Sequence[object], child: Sequence[object], lookup: dict[str, str]
) -> tuple[dict[str, int], dict[str, str]]:
    cols: dict[str, int] = {}
    labels: dict[str, str] = {}
    width = max(len(parent), len(child))
    for c in range(width):
        p = _text(parent[c]) if c < len(parent) else ""
        k = _text(child[c]) if c < len(child) else ""
        for label in (k, f"{p} {k}" if k else "", p):
            fld = lookup.get(norm_label(label)) if label else None
            if fld:
                if fld not in cols:
                    cols[fld] = c
                    labels[fld] = label
                break
    return cols, labels


def _is_number_row(row: Sequence[object]) -> bool:
    """The '1 2 3 4 …' row some offices put under the header."""
    values = [v for v in row if v not in ("", None)]
    if len(values) < 3:
        return False
    nums: list[float] = []
    for v in values:
        if isinstance(v, bool):
            return False
        if isinstance(v, int | float):
            nums.append(float(v))
            continue
        s = str(v).strip().strip("()")
        if not s.isdecimal():  # isdigit() also passes '²', which float() refuses
            return False
        nums.append(float(s))
    return nums == sorted(nums) and nums[0] <= 2 and all(b - a == 1 for a, b in zip(nums, nums[1:], strict=False))


def find_header(
    rows: Sequence[Sequence[object]],
    aliases: dict[str, list[str]],
    required: Sequence[str],
    scan_rows: int = 20,
) -> Header | None:
    """The first row (or pair of rows) among the first `scan_rows` that holds every required field."""
    lookup = _lookup(aliases)
    limit = min(scan_rows, len(rows))
    for r in range(limit):
        cols, labels = _match_single(rows[r], lookup)
        start = r + 1
        if r + 1 < len(rows) and not _is_number_row(rows[r + 1]):
            dcols, dlabels = _match_double(rows[r], rows[r + 1], lookup)
            child_fields = set(_match_single(rows[r + 1], lookup)[0])
            # Only a row that is itself part of the header (it matches some alias) can be a parent row;
            # otherwise a merged title line above a one-row header would be taken for one.
            if cols and child_fields and len(dcols) >= len(cols) and set(dcols) != set(cols):
                cols, labels, start = dcols, dlabels, r + 2
        if all(f in cols for f in required):
            while start < len(rows) and _is_number_row(rows[start]):
                start += 1
            return Header(row_index=r, columns=cols, labels=labels, data_start=start)
    return None


def label_row(rows: Sequence[Sequence[object]], scan_rows: int = 20) -> tuple[int, int] | None:
    """The most label-like row among the first `scan_rows` (1-based) and its number of text cells, or None.

    An error line says where the admin should look, never what the cells hold: without a header row the
    fullest row is a person's (NIK, name, address), and any file at all may be given as a roster."""
    best: tuple[int, int] | None = None
    for i, row in enumerate(rows[:scan_rows], start=1):
        n = sum(1 for c in row if _text(c))
        if n and (best is None or n > best[1]):
            best = (i, n)
    return best

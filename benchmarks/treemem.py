"""Peak memory of a command together with the processes it forks (roster import checks a long sheet in two).

VmHWM sees one process only. A forked child shares the parent's pages until one of them writes: the pages the
pair really holds at a moment are the parent's resident set plus the child's private pages. This samples that
sum every few milliseconds from /proc (Linux), and the figure is its maximum or the parent's own high-water
mark, whichever is larger.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_FIELDS = ("Rss:", "Private_Clean:", "Private_Dirty:")


def _rollup(pid: int) -> dict[str, int]:
    """Rss and private pages of a process in KiB (empty once it has gone)."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                key, _, rest = line.partition(" ")
                if key in _FIELDS:
                    out[key[:-1]] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return out


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            kids += [int(k) for k in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
    except OSError:
        pass
    return kids


class TreeSampler(threading.Thread):
    """Samples a running process and its children until `stop()`; `peak_mib` is the largest sum seen."""

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kib = 0
        self.child_peak_kib = 0  # the largest private memory of the children at one moment
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(self.interval):
            parent = _rollup(self.pid).get("Rss", 0)
            private = 0
            for kid in _children(self.pid):
                r = _rollup(kid)
                private += r.get("Private_Clean", 0) + r.get("Private_Dirty", 0)
            self.peak_kib = max(self.peak_kib, parent + private)
            self.child_peak_kib = max(self.child_peak_kib, private)

    def stop(self) -> None:
        self._stopped.set()
        self.join()

    @property
    def peak_mib(self) -> float:
        return self.peak_kib / 1024

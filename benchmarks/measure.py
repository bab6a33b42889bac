"""Run one psmctl command in this process and print its wall time and peak memory as JSON (for run.py)."""

from __future__ import annotations

import json
import resource
import sys
import time


def _peak_mib() -> float:
    """This process image's peak RSS. ru_maxrss is not used on Linux: it carries the high-water mark of the
    parent at fork time across exec, so a benchmark harness holding 1 GB would make every command look 1 GB."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    sys.argv = ["psmctl", *sys.argv[1:]]
    from psmctl.cli import main

    t0 = time.perf_counter()
    code = 0
    try:
        main()
    except SystemExit as e:
        code = int(e.code or 0)
    elapsed = time.perf_counter() - t0
    peak_mib = _peak_mib()
    sys.stderr.write(json.dumps({"seconds": elapsed, "peak_mib": peak_mib, "exit": code}) + "\n")

"""Run one psmctl command in this process and print its wall time and peak memory as JSON (for run.py)."""

from __future__ import annotations

import json
import resource
import sys
import time

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
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.stderr.write(json.dumps({"seconds": elapsed, "peak_mib": peak_mib, "exit": code}) + "\n")

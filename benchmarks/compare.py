"""Time `import roster` of one file with two source trees in turn (old against new), in fresh processes.

    python -m benchmarks.compare OLD_TREE NEW_TREE FILE [--runs 3] [--init "init --kabkota 35.71"] [-- import args]

A tree is a checkout of psmctl (a `git worktree add /tmp/base <commit>`); each run makes a new database with
`--init`, then times the import from after the CLI's import (as benchmarks.measure does): CPU and wall, medians.
Taking the two in turn is what makes a change's figure trustworthy on a shared, noisy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

_TIMED = r"""
import sys, time, json
sys.argv = ["psmctl", *sys.argv[1:]]
from psmctl.cli import main
t, w = time.process_time(), time.perf_counter()
try:
    main()
except SystemExit:
    pass
print(json.dumps([time.process_time() - t, time.perf_counter() - w]), file=sys.stderr)
"""


def one_run(tree: Path, path: Path, init: list[str], extra: list[str], work: Path) -> tuple[float, float]:
    """(CPU, wall) seconds of one import with the code of `tree` into a new database."""
    db = work / f"{tree.name}-{os.getpid()}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "PSMCTL_DB": str(db), "PYTHONPATH": str(tree)}
    subprocess.run([sys.executable, "-m", "psmctl", *init], env=env, cwd=tree, capture_output=True, check=True)
    args = [sys.executable, "-c", _TIMED, "import", "roster", str(path), *extra]
    done = subprocess.run(args, env=env, cwd=tree, capture_output=True, text=True, check=False)
    cpu, wall = json.loads(done.stderr.strip().splitlines()[-1])
    return float(cpu), float(wall)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("file", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--init", default="init --kabkota 35.71")
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = ap.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    trees = [args.old.resolve(), args.new.resolve()]
    for tree in trees:  # as pip leaves an installed package: compiled
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "psmctl")], check=True)
    times: dict[Path, list[tuple[float, float]]] = {t: [] for t in trees}
    with tempfile.TemporaryDirectory(prefix="psmctl-compare-") as tmp:
        for _ in range(args.runs):
            for tree in trees:
                times[tree].append(one_run(tree, args.file.resolve(), args.init.split(), extra, Path(tmp)))
    for tree, runs in times.items():
        cpu = statistics.median(r[0] for r in runs)
        wall = statistics.median(r[1] for r in runs)
        print(f"{str(tree):40} CPU {cpu:6.2f} s  wall {wall:6.2f} s")


if __name__ == "__main__":
    main()

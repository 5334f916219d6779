"""Side-by-side timing of `python -m lib.cli load` in two checkouts (or one against the floor).

    python benchmarks/compare_load.py DIR [DIR ...] [--runs 16] [--rows 50000] [--floor]

For a change to the load whose effect is a few hundredths of a second: machines this small
are noisy, so the checkouts' loads run interleaved (in alternating order), each into a new
database, and the medians are compared. `--floor` adds the fastest plain read of the file
(case (a2) of benchmarks/ingest.py) and prints each load's ratio to it.

A second checkout is made with `git worktree add /tmp/before HEAD~1`, say. The workbook is
benchmarks/ingest.py's (same seed), written once into a temporary folder.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import READ_FASTEXCEL, _load_command, generate_workbook

FLOOR = "floor (a2)"


def _time(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} in {cwd} exited {done.returncode}:\n{done.stderr}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="+", type=Path, help="repository folders to compare")
    parser.add_argument("--runs", type=int, default=16, help="loads per checkout (default 16)")
    parser.add_argument("--rows", type=int, default=50_000, help="risk rows (default 50000)")
    parser.add_argument("--seed", type=int, default=20_240_917, help="generator seed")
    parser.add_argument("--floor", action="store_true", help="also time the plain read")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="styringsrom-compare-") as folder:
        work = Path(folder)
        workbook = work / "risikoregister.xlsx"
        generate_workbook(workbook, args.rows, args.seed)
        cases: dict[str, tuple[list[str], Path]] = {}
        for number, checkout in enumerate(args.checkouts):
            load = _load_command(workbook, work / f"load{number}.duckdb")
            cases[str(checkout)] = (load, checkout.resolve())
        if args.floor:
            cases[FLOOR] = ([sys.executable, "-c", READ_FASTEXCEL, str(workbook)], work)
        times: dict[str, list[float]] = {name: [] for name in cases}
        names = list(cases)
        for run in range(args.runs):
            for name in names if run % 2 == 0 else names[::-1]:
                command, cwd = cases[name]
                if name != FLOOR:
                    for leftover in work.glob("load*.duckdb*"):
                        leftover.unlink()
                times[name].append(_time(command, cwd))
    floor = statistics.median(times[FLOOR]) if args.floor else None
    for name, values in times.items():
        median = statistics.median(values)
        ratio = f"  {median / floor:.3f} of the floor" if floor and name != FLOOR else ""
        print(f"{name}: median {median:.3f} s, min {min(values):.3f} s{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

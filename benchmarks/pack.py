"""The meeting pack benchmark: `python -m lib.cli motepakke` as whole processes, PDF and
PowerPoint, on the demo and on a large portfolio.

    python benchmarks/pack.py [--projects 40] [--repeat 7] [--seed 7]

Builds the demo database, and --projects projects × 1,000 risks (and benefits, measurements,
recommendations, milestones) with benchmarks/pages.py's generator, as two versions, the
first locked for a meeting so that the pack shows movement since it. Each case runs --repeat
times (after one warm-up run of each), the cases interleaved so that a busy moment on the
machine falls on all of them alike; prints the median and p90 of each, in seconds, beside its
goal: the demo's PDF within 2 s, its PowerPoint within 3 s, 40 projects within 10 s.

For comparison, the demo's cases also run with the chart drawn in the pack's own process
(«diagram i samme prosess»: lib/pack/engine.py's child not started), as the pack did before
the engine was warmed in a child process.

This is a benchmark, not a test: nothing here asserts a time. Machines are noisy; compare
numbers from one run.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.demo import TODAY as DEMO_TODAY  # noqa: E402
from lib.demo import build_demo_database  # noqa: E402

#: The command line with lib/pack/engine.py's child never started: the chart is drawn in the
#: pack's own process.
INLINE = (
    "import os, sys; from lib.pack import engine; engine.start = lambda: None; "
    "from lib.cli import main; code = main(sys.argv[1:]); sys.stdout.flush(); os._exit(code)"
)
#: (database label, suffix) -> the goal in seconds.
GOALS = {"pdf": 2.0, "pptx": 3.0}
LARGE_GOAL = 10.0


def _p90(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else values[0]
    )


def _time(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="styringsrom-pack-"))
    try:
        demo = work / "demo.duckdb"
        build_demo_database(demo)
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from pages import TODAY, build_with_meeting  # the page benchmark's generator

        large = work / "large.duckdb"
        counts = build_with_meeting(large, args.projects, args.seed)
        large_label = f"{args.projects} prosjekter"
        cases: dict[tuple[str, str], tuple[list[str], float]] = {}
        for label, db, today in (("demo", demo, DEMO_TODAY), (large_label, large, TODAY)):
            for suffix in ("pdf", "pptx"):
                goal = GOALS[suffix] if label == "demo" else LARGE_GOAL
                command = [
                    sys.executable,
                    "-m",
                    "lib.cli",
                    "motepakke",
                    str(work / f"{label}.{suffix}".replace(" ", "-")),
                    "--today",
                    today.isoformat(),
                    "--db",
                    str(db),
                ]
                cases[(label, suffix)] = (command, goal)
                if label == "demo":
                    inline = [sys.executable, "-c", INLINE, *command[3:]]
                    cases[("demo, diagram i samme prosess", suffix)] = (inline, goal)
        print(f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
        print(f"# {large_label}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        print("# python -m lib.cli motepakke FILE.pdf|FILE.pptx --today DAY --db DB")
        for command, _goal in cases.values():
            _time(command)  # warm-up: the operating system's file cache
        times: dict[tuple[str, str], list[float]] = {case: [] for case in cases}
        for _ in range(args.repeat):
            for case, (command, _goal) in cases.items():
                times[case].append(_time(command))
        sizes = {
            case: (work / f"{case[0].split(',')[0]}.{case[1]}".replace(" ", "-")).stat().st_size
            for case in cases
        }
        print("\n| database | format | median | p90 | goal | file |")
        print("|---|---|---:|---:|---:|---:|")
        for case, (_command, goal) in cases.items():
            median, p90 = statistics.median(times[case]), _p90(times[case])
            verdict = "ok" if median <= goal else "over"
            print(
                f"| {case[0]} | {case[1].upper()} | {median:.2f} s | {p90:.2f} s | "
                f"{goal:.0f} s {verdict} | {sizes[case] / 1000:.0f} kB |"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

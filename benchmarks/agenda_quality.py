"""Agenda and data-quality benchmark: lib.agenda.propose and lib.quality.findings on a large
portfolio, beside the demo.

    python benchmarks/agenda_quality.py [--projects 40] [--repeat 5] [--seed N]

Generates --projects projects × 1,000 risks (and benefits, measurements, recommendations,
milestones) with benchmarks/pages.py's generator, as two versions, and locks the first for a
meeting, so the agenda compares with it as it would before a real meeting. Builds the demo
database too. For each: the median of --repeat runs (after one warm-up) of `findings` and of
`propose` (which runs `findings` too), in milliseconds, and the ratio of the large portfolio
to the demo. Goal: each within 300 ms at 40 projects.

This is a benchmark, not a test: nothing here asserts a time. Machines are noisy; compare
numbers from one run.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib.agenda import propose  # noqa: E402
from lib.demo import TODAY as DEMO_TODAY  # noqa: E402
from lib.demo import build_demo_database  # noqa: E402
from lib.quality import findings  # noqa: E402

TARGET_MS = 300


def median_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm-up
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="styringsrom-agenda-"))
    try:
        demo = work / "demo.duckdb"
        build_demo_database(demo)
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from pages import TODAY, build_with_meeting  # the page benchmark's generator

        large = work / "large.duckdb"
        counts = build_with_meeting(large, args.projects, args.seed)
        cases = {"demo": (demo, DEMO_TODAY), f"{args.projects} prosjekter": (large, TODAY)}
        print(f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
        print(f"# {args.projects} prosjekter: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        results: dict[str, dict[str, float]] = {}
        for label, (db, today) in cases.items():
            found = len(findings(db, today=today))
            items = len(propose(db, today=today))
            results[label] = {
                "findings": median_ms(
                    lambda db=db, today=today: findings(db, today=today), args.repeat
                ),
                "propose": median_ms(
                    lambda db=db, today=today: propose(db, today=today), args.repeat
                ),
            }
            print(f"{label}: {found} funn, {items} saker")
        demo_label, large_label = list(cases)
        print(f"\n| kall | {demo_label} | {large_label} | forhold | mål |")
        print("|---|---:|---:|---:|---:|")
        for call in ("findings", "propose"):
            small, big = results[demo_label][call], results[large_label][call]
            verdict = f"{TARGET_MS} ms " + ("ok" if big <= TARGET_MS else "over")
            ratio = f"{big / small:.1f}×"
            print(f"| {call} | {small:.0f} ms | {big:.0f} ms | {ratio} | {verdict} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

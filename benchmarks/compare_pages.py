"""Side-by-side page timings of two checkouts (or more), interleaved in one run.

    python benchmarks/compare_pages.py DIR [DIR ...] [--rounds 3] [--projects 10] [--repeat 3]

Runs each checkout's own `benchmarks/pages.py` (same seed, so the same portfolio) in turns,
alternating which goes first, and prints the median over the rounds of every number in its
table: the queries behind each page and the AppTest render with a cold and a warm cache. Small
machines are noisy; what counts is the ratio between checkouts measured in the same run.

A second checkout is made with `git worktree add /tmp/before <commit>`, say.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROW = re.compile(
    r"^\| (?P<page>[^|]+?) \| (?P<query>\d+) \| (?P<cold>\d+)[^|]*\| (?P<warm>\d+) \|$"
)
MEASURES = ("query", "cold", "warm")
HEADINGS = {"query": "spørringer", "cold": "kald cache", "warm": "varm cache"}


def _run(checkout: Path, projects: int, repeat: int) -> dict[tuple[str, str], float]:
    """One run of the checkout's page benchmark: (page, measure) -> milliseconds."""
    done = subprocess.run(
        [
            sys.executable,
            "benchmarks/pages.py",
            "--projects",
            str(projects),
            "--repeat",
            str(repeat),
        ],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pages.py in {checkout} exited {done.returncode}:\n{done.stderr}")
    timings: dict[tuple[str, str], float] = {}
    for line in done.stdout.splitlines():
        match = ROW.match(line.strip())
        if match:
            for measure in MEASURES:
                timings[(match["page"], measure)] = float(match[measure])
    if not timings:
        raise RuntimeError(f"no table in the output of pages.py in {checkout}:\n{done.stdout}")
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="+", type=Path, help="repository folders to compare")
    parser.add_argument("--rounds", type=int, default=3, help="runs per checkout (default 3)")
    parser.add_argument("--projects", type=int, default=10, help="portfolio size (default 10)")
    parser.add_argument("--repeat", type=int, default=3, help="pages.py --repeat (default 3)")
    args = parser.parse_args()

    runs: dict[Path, list[dict[tuple[str, str], float]]] = {c: [] for c in args.checkouts}
    for round_number in range(args.rounds):
        order = args.checkouts if round_number % 2 == 0 else args.checkouts[::-1]
        for checkout in order:
            runs[checkout].append(_run(checkout, args.projects, args.repeat))
            print(f"runde {round_number + 1}: {checkout} ferdig", file=sys.stderr)

    first = args.checkouts[0]
    keys = list(runs[first][0])
    medians = {
        c: {key: statistics.median(run[key] for run in runs[c]) for key in keys}
        for c in args.checkouts
    }
    names = " | ".join(str(c) for c in args.checkouts)
    print(f"Median av {args.rounds} runder, {args.projects} prosjekter, ms ({names})\n")
    print("| side | måling | " + names + " | forhold til første |")
    print("|---|---|" + "---:|" * len(args.checkouts) + "---:|")
    for page, measure in keys:
        values = [medians[c][(page, measure)] for c in args.checkouts]
        ratios = ", ".join(f"{v / values[0]:.2f}" if values[0] else "–" for v in values[1:])
        cells = " | ".join(f"{v:.0f}" for v in values)
        print(f"| {page} | {HEADINGS[measure]} | {cells} | {ratios} |")
    for checkout in args.checkouts[1:]:
        total_first = sum(medians[first].values())
        total = sum(medians[checkout].values())
        print(f"\nSum av alle medianer: {checkout} / {first} = {total / total_first:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

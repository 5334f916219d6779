"""A rerun in Python only (Streamlit's AppTest, no browser): per page, the median time of a
rerun after a project is picked or cleared in the sidebar, and of a rerun with nothing changed.

    python benchmarks/rerun.py [--projects 40] [--rounds 6]

Over the demo database and, with --projects, a generated portfolio of that many projects ×
1,000 risks (benchmarks/pages.py's generator). It isolates the server's share of
benchmarks/filter_round_trip.py: what a changed filter costs in our code and Streamlit's
script run, without the browser. A benchmark: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from lib.demo import TODAY, build_demo_database  # noqa: E402

PAGES = ("oversikt", "risiko", "gevinster", "milepaeler")


def _projects(app: AppTest):  # AppTest's element type
    return next(box for box in app.sidebar.multiselect if box.label == "Prosjekt")


def measure(page: str, rounds: int) -> tuple[float, float]:
    """(median ms of a changed filter's rerun, ms of an unchanged rerun) on `page`."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.run()
    if page != "oversikt":
        app.switch_page(f"app_pages/{page}.py").run()
    options = _projects(app).options
    changed: list[float] = []
    for index in range(rounds):
        for value in ([options[index % len(options)]], []):
            started = time.perf_counter()
            _projects(app).set_value(value).run()
            changed.append(time.perf_counter() - started)
    started = time.perf_counter()
    app.run()
    same = time.perf_counter() - started
    return statistics.median(changed) * 1000, same * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=0, help="also a generated portfolio")
    parser.add_argument("--rounds", type=int, default=6, help="picks (and clears) per page")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="styringsrom-rerun-"))
    databases = {"demo": work / "demo.duckdb"}
    build_demo_database(databases["demo"])
    if args.projects:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from pages import build  # the page benchmark's generator

        databases[f"{args.projects} prosjekter"] = work / "large.duckdb"
        build(databases[f"{args.projects} prosjekter"], args.projects, 7)
    os.environ["STYRINGSROM_TODAY"] = TODAY.isoformat()
    for label, db in databases.items():
        os.environ["STYRINGSROM_DB"] = str(db)
        for page in PAGES:
            changed, same = measure(page, args.rounds)
            print(f"{label} {page}: changed filter median {changed:.0f} ms, unchanged {same:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

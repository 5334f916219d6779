"""Page benchmark: how long each steering-group page takes to render on a large portfolio.

    python benchmarks/pages.py [--projects 40] [--repeat 5] [--seed N] [--keep DB]

Generates a portfolio of --projects projects, each with 1,000 risks, 200 benefits with 20
measurements each, 200 recommendations (with their recorded evaluations) and 100 milestones,
and stores it as two versions (the second reassesses a tenth of the risks, so the risk page
has movement to show). The rows go straight to lib.store: this measures reading, not ingest
(benchmarks/ingest.py measures that).

Then, for every page:

- **query**: the lib.queries call(s) behind the page, each opening its own connection, as the
  page makes them; median of --repeat runs after one warm-up.
- **render, cold**: AppTest runs the page with Streamlit's data cache cleared first, so the
  queries run too; median of --repeat.
- **render, warm**: AppTest reruns the page with the cache filled (what a person sees when
  they click a widget or come back to a page); median of --repeat.

AppTest runs the script in this process without a browser; a browser adds network and
drawing time that this does not measure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
# This file is named like the app's `pages` package: import that one, not this script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

from lib import queries, store  # noqa: E402
from lib.access import Actor  # noqa: E402
from lib.contract import (  # noqa: E402
    DECISIONS,
    EVALUATION_RESULTS,
    RISK_STATUSES,
    SHEETS_BY_KEY,
    SUPPORTED_DECISIONS,
)
from lib.db import latest_version  # noqa: E402

TODAY = dt.date(2026, 11, 26)
PER_PROJECT = {"risiko": 1000, "gevinster": 200, "anbefalinger": 200, "milepaeler": 100}
MEASUREMENTS_PER_BENEFIT = 20
TARGET_MS = 300
PAGES = {
    "Oversikt": "app_pages/oversikt.py",
    "Risiko": "app_pages/risiko.py",
    "Gevinster": "app_pages/gevinster.py",
    "Anbefalinger": "app_pages/anbefalinger.py",
    "Evaluering": "app_pages/evaluering.py",
    "Milepæler": "app_pages/milepaeler.py",
}
UNITS = ("Helse og omsorg", "Oppvekst og utdanning", "Teknisk drift", "Digitalisering", "HR")
PEOPLE = tuple(
    f"{first} {last}"
    for first in ("Kari", "Ola", "Ingrid", "Lars", "Åse", "Bjørn", "Solveig", "Øystein")
    for last in ("Hansen", "Olsen", "Strøm", "Sæther", "Bakken")
)
HAZARDS = (
    "Forsinket leveranse fra leverandør",
    "Manglende kapasitet i fagmiljøet",
    "Budsjettoverskridelse",
    "Lav brukeraksept for ny løsning",
    "Nøkkelpersoner slutter",
    "Integrasjon mot fagsystem feiler",
)


def _frame(key: str, columns: dict[str, object]) -> pd.DataFrame:
    """A frame with every column of the sheet, in contract order, as objects."""
    sheet = SHEETS_BY_KEY[key]
    length = len(next(iter(columns.values())))
    return pd.DataFrame(
        {
            column.db: pd.Series(columns.get(column.db, [None] * length), dtype="object")
            for column in sheet.columns
        }
    )


def _dates(rng: np.random.Generator, start: dt.date, span: int, size: int) -> list[dt.date]:
    offsets = rng.integers(0, span, size)
    return [start + dt.timedelta(days=int(offset)) for offset in offsets]


def portfolio(projects: int, seed: int) -> dict[str, pd.DataFrame]:
    """Every sheet of the generated portfolio, with the store's column names."""
    rng = np.random.default_rng(seed)
    ids = [f"P{n:02d}" for n in range(1, projects + 1)]

    def per_project(count: int) -> list[str]:
        return [project for project in ids for _ in range(count)]

    def numbered(prefix: str, count: int) -> list[str]:
        return [f"{prefix}{n}" for _ in ids for n in range(1, count + 1)]

    tables: dict[str, pd.DataFrame] = {}
    tables["prosjekter"] = _frame(
        "prosjekter",
        {
            "prosjekt_id": ids,
            "prosjektnavn": [f"Prosjekt {n}" for n in range(1, projects + 1)],
            "enhet": [UNITS[n % len(UNITS)] for n in range(projects)],
            "prosjekteier": [PEOPLE[n % len(PEOPLE)] for n in range(projects)],
            "startdato": [dt.date(2025, 1, 1)] * projects,
            "sluttdato": [dt.date(2027, 12, 31)] * projects,
        },
    )

    count = PER_PROJECT["risiko"]
    size = count * projects
    has_after = rng.random(size) < 0.4
    tables["risiko"] = _frame(
        "risiko",
        {
            "risiko_id": numbered("R", count),
            "prosjekt_id": per_project(count),
            "risiko": [HAZARDS[i] for i in rng.integers(0, len(HAZARDS), size)],
            "sannsynlighet": rng.integers(1, 6, size).tolist(),
            "konsekvens": rng.integers(1, 6, size).tolist(),
            "tiltak": ["Ukentlige statusmøter og tydelig ansvar"] * size,
            "ansvarlig": [PEOPLE[i] for i in rng.integers(0, len(PEOPLE), size)],
            "frist": _dates(rng, dt.date(2026, 1, 1), 700, size),
            "status": [RISK_STATUSES[i] for i in rng.choice(3, size, p=[0.5, 0.35, 0.15])],
            "sannsynlighet_etter": np.where(has_after, rng.integers(1, 4, size), None).tolist(),
            "konsekvens_etter": np.where(has_after, rng.integers(1, 5, size), None).tolist(),
            "vurdert_dato": [dt.date(2026, 9, 1)] * size,
        },
    )

    count = PER_PROJECT["gevinster"]
    size = count * projects
    baseline = rng.integers(10, 100, size).astype(float)
    qualitative = rng.random(size) < 0.2
    baseline = np.where(qualitative, 2.0, baseline)
    target = np.where(qualitative, 4.0, baseline * rng.choice([0.5, 1.5], size))
    benefit_ids = numbered("G", count)
    benefit_projects = per_project(count)
    tables["gevinster"] = _frame(
        "gevinster",
        {
            "gevinst_id": benefit_ids,
            "prosjekt_id": benefit_projects,
            "gevinst": ["Kortere saksbehandlingstid"] * size,
            "type": np.where(qualitative, "Kvalitativ", "Kvantitativ").tolist(),
            "maleindikator": ["Dager fra søknad til vedtak"] * size,
            "enhet": np.where(qualitative, "skala 1–5", "dager").tolist(),
            "nullpunkt": baseline.tolist(),
            "nullpunktdato": [dt.date(2025, 3, 1)] * size,
            "malverdi": target.tolist(),
            "maldato": _dates(rng, dt.date(2026, 6, 1), 700, size),
            "gevinsteier": [PEOPLE[i] for i in rng.integers(0, len(PEOPLE), size)],
        },
    )
    steps = np.arange(MEASUREMENTS_PER_BENEFIT)
    days = [dt.date(2025, 3, 1) + dt.timedelta(days=30 * int(step)) for step in steps]
    share = rng.random((size, 1)) * steps / MEASUREMENTS_PER_BENEFIT
    values = baseline[:, None] + (target - baseline)[:, None] * share
    values = np.where(qualitative[:, None], np.clip(np.round(values), 1, 5), values.round(1))
    tables["malinger"] = _frame(
        "malinger",
        {
            "gevinst_id": np.repeat(benefit_ids, MEASUREMENTS_PER_BENEFIT).tolist(),
            "prosjekt_id": np.repeat(benefit_projects, MEASUREMENTS_PER_BENEFIT).tolist(),
            "dato": days * size,
            "verdi": values.ravel().tolist(),
        },
    )

    count = PER_PROJECT["anbefalinger"]
    size = count * projects
    decisions = [
        list(DECISIONS)[i] for i in rng.choice(6, size, p=[0.4, 0.15, 0.15, 0.1, 0.1, 0.1])
    ]
    supported = np.isin(decisions, SUPPORTED_DECISIONS)
    started = supported & (rng.random(size) < 0.85)
    implemented = _dates(rng, dt.date(2025, 6, 1), 500, size)
    recommendation_ids = numbered("A", count)
    recommendation_projects = per_project(count)
    tables["anbefalinger"] = _frame(
        "anbefalinger",
        {
            "anbefaling_id": recommendation_ids,
            "prosjekt_id": recommendation_projects,
            "anbefaling": ["Felles rutine for inntak"] * size,
            "vedtak": decisions,
            "vedtaksdato": [dt.date(2025, 5, 20)] * size,
            "vedtakstekst": ["Anbefalingen støttes."] * size,
            "ansvarlig": [PEOPLE[i] for i in rng.integers(0, len(PEOPLE), size)],
            "iverksatt": [d if s else None for d, s in zip(implemented, started, strict=True)],
            "evaluering": [[6, 12]] * size,
        },
    )
    done = [
        (project, rec, 6)
        for project, rec, day, s in zip(
            recommendation_projects, recommendation_ids, implemented, started, strict=True
        )
        if s and day < dt.date(2026, 3, 1) and rng.random() < 0.6
    ]
    tables["evalueringer"] = _frame(
        "evalueringer",
        {
            "anbefaling_id": [rec for _, rec, _ in done],
            "prosjekt_id": [project for project, _, _ in done],
            "evaluering": [months for _, _, months in done],
            "gjennomfort": [dt.date(2026, 9, 1)] * len(done),
            "resultat": [EVALUATION_RESULTS[i % 3] for i in range(len(done))],
        },
    )

    count = PER_PROJECT["milepaeler"]
    size = count * projects
    planned = _dates(rng, dt.date(2025, 6, 1), 900, size)
    finished = [
        p + dt.timedelta(days=int(rng.integers(-5, 20)))
        if p < TODAY and rng.random() < 0.8
        else None
        for p in planned
    ]
    forecast = [
        p + dt.timedelta(days=int(rng.integers(-10, 60)))
        if f is None and rng.random() < 0.5
        else None
        for p, f in zip(planned, finished, strict=True)
    ]
    tables["milepaeler"] = _frame(
        "milepaeler",
        {
            "milepael_id": numbered("M", count),
            "prosjekt_id": per_project(count),
            "milepael": ["Pilot i første enhet"] * size,
            "planlagt": planned,
            "prognose": forecast,
            "fullfort": finished,
            "ansvarlig": [PEOPLE[i] for i in rng.integers(0, len(PEOPLE), size)],
        },
    )
    return tables


def build(db: Path, projects: int, seed: int) -> dict[str, int]:
    """Store the portfolio as version 1, and a reassessment of a tenth of the risks as 2."""
    tables = portfolio(projects, seed)
    every = set(tables["prosjekter"]["prosjekt_id"])
    store.store_upload(
        db,
        tables,
        {key: every for key in tables},
        actor=Actor.on_this_machine("benchmark"),
        kind="upload",
    )
    risks = tables["risiko"].copy()
    rng = np.random.default_rng(seed + 1)
    moved = rng.random(len(risks)) < 0.1
    risks.loc[moved, "sannsynlighet"] = rng.integers(1, 6, int(moved.sum())).tolist()
    store.store_upload(
        db,
        {"risiko": risks},
        {"risiko": every},
        actor=Actor.on_this_machine("benchmark"),
        kind="upload",
    )
    return {key: len(table) for key, table in tables.items()}


def build_with_meeting(db: Path, projects: int, seed: int) -> dict[str, int]:
    """`build`, with version 1 locked for a meeting 30 days before TODAY: the agenda and the
    meeting pack then show what moved since it."""
    from lib.snapshots import lock_for_meeting

    counts = build(db, projects, seed)
    meeting_day = TODAY - dt.timedelta(days=30)
    actor = Actor.on_this_machine("benchmark")
    lock_for_meeting(db, 1, "Benchmarkmøtet", meeting_day, actor=actor)
    return counts


def _median_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm-up
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def measure_queries(db: Path, repeat: int) -> dict[str, float]:
    """The lib.queries calls each page makes (uncached), in milliseconds."""
    everything = queries.Filters()
    latest = latest_version(db)

    def risk() -> None:
        queries.risk_view(db, everything, compare_with=latest - 1)

    def benefit() -> None:
        rows = queries.benefits(db, everything, TODAY)
        queries.measurements(db, rows["prosjekt_id"].iloc[0], rows["gevinst_id"].iloc[0])

    calls: dict[str, Callable[[], object]] = {
        "Oversikt": lambda: queries.overview(db, everything, TODAY),
        "Risiko": risk,
        "Gevinster": benefit,
        "Anbefalinger": lambda: queries.recommendations(db, everything),
        "Evaluering": lambda: queries.evaluations(db, everything, TODAY),
        "Milepæler": lambda: queries.milestones(db, everything, TODAY),
    }
    shared = _median_ms(lambda: (queries.filter_options(db), queries.versions(db)), repeat)
    results = {page: _median_ms(call, repeat) for page, call in calls.items()}
    results["(sidepanel: filtervalg og versjoner)"] = shared
    return results


def measure_renders(repeat: int) -> dict[str, tuple[float, float]]:
    """AppTest render time per page: (cold cache, warm cache) medians in milliseconds."""
    import logging

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    # Clearing the cache outside a server logs "No runtime found" every time; AppTest
    # resets log levels on each run, so filter the notices instead.
    quiet = logging.Filter("nothing")
    for name in (
        "streamlit.runtime.caching.cache_data_api",
        "streamlit.runtime.scriptrunner_utils.script_run_context",
    ):
        logging.getLogger(name).addFilter(quiet)

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.run()
    results: dict[str, tuple[float, float]] = {}
    for name, page in PAGES.items():
        app.switch_page(page)
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        cold, warm = [], []
        for _ in range(repeat):
            st.cache_data.clear()
            start = time.perf_counter()
            app.run()
            cold.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            app.run()
            warm.append((time.perf_counter() - start) * 1000)
            assert not app.exception, [e.value for e in app.exception]
        results[name] = (statistics.median(cold), statistics.median(warm))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", type=Path, help="keep the generated database at this path")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="styringsrom-pages-"))
    db = folder / "portfolio.duckdb"
    try:
        start = time.perf_counter()
        counts = build(db, args.projects, args.seed)
        built = time.perf_counter() - start
        os.environ["STYRINGSROM_DB"] = str(db)
        os.environ["STYRINGSROM_TODAY"] = TODAY.isoformat()
        print(
            f"Portefølje: {args.projects} prosjekter, "
            + ", ".join(f"{key} {n:,}".replace(",", " ") for key, n in counts.items())
            + f" (bygget på {built:.1f} s); i dag = {TODAY}"
        )
        print(
            f"Python {platform.python_version()}, {platform.machine()}, "
            f"{os.cpu_count()} CPU-er; median av {args.repeat} kjøringer\n"
        )
        query_ms = measure_queries(db, args.repeat)
        render_ms = measure_renders(args.repeat)
        print("| side | spørringer (ms) | AppTest, kald cache (ms) | AppTest, varm cache (ms) |")
        print("|---|---:|---:|---:|")
        for name in PAGES:
            cold, warm = render_ms[name]
            flag = "" if cold <= TARGET_MS else " (over målet)"
            print(f"| {name} | {query_ms[name]:.0f} | {cold:.0f}{flag} | {warm:.0f} |")
        shared = query_ms["(sidepanel: filtervalg og versjoner)"]
        print(f"\nSidepanelet (filtervalg og versjoner, uten cache): {shared:.0f} ms")
        if args.keep:
            shutil.copy(db, args.keep)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The demo database: several versions through the real pipeline, every status on show."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from lib.contract import (
    DECISIONS,
    EVALUATION_STATUSES,
    PROJECT_COLUMN,
    SHEETS,
    SHEETS_BY_KEY,
    Kind,
)
from lib.demo import MEETING, TODAY, UPLOADS, build_demo_database, demo_workbooks
from lib.history import snapshots
from lib.queries import evaluation_plan, sheet_rows, versions
from tests.fixtures import TESTER, DemoBuild, copy_database

ROOT = Path(__file__).resolve().parent.parent


def _plain(value: object) -> object:
    """A stored or generated cell as a comparable Python value."""
    if isinstance(value, np.ndarray | list | tuple):
        return tuple(int(item) for item in value)
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _rows(frame: pd.DataFrame) -> set[tuple[object, ...]]:
    return {tuple(_plain(value) for value in record) for record in frame.itertuples(index=False)}


def _database_rows(db: Path) -> dict[str, set[tuple[object, ...]]]:
    return {sheet.key: _rows(sheet_rows(db, sheet.key)) for sheet in SHEETS}


# ---------------------------------------------------------------------------------------------
# The workbooks


def test_workbooks_follow_the_contract() -> None:
    workbooks = demo_workbooks()
    assert len(workbooks) >= 4
    assert len({file_name for file_name, _, _ in workbooks}) == len(workbooks)
    for file_name, by, tables in workbooks:
        assert file_name.endswith(".xlsx") and by
        assert set(tables) <= set(SHEETS_BY_KEY)
        for key, frame in tables.items():
            sheet = SHEETS_BY_KEY[key]
            assert list(frame.columns) == [column.db for column in sheet.columns], key
            for column in sheet.columns:
                for value in frame[column.db]:
                    if value is None:
                        continue
                    if column.kind is Kind.DATE:
                        assert type(value) is dt.date, (file_name, key, column.db, value)
                    elif column.kind in (Kind.PROBABILITY, Kind.CONSEQUENCE):
                        assert type(value) is int and 1 <= value <= 5
                    elif column.kind is Kind.DECISION:
                        assert value in DECISIONS
                    elif column.kind is Kind.MONTHS_LIST:
                        assert isinstance(value, tuple) and all(type(m) is int for m in value)
                    elif column.kind is Kind.NUMBER:
                        assert type(value) is float


def test_workbooks_are_deterministic() -> None:
    first, second = demo_workbooks(), demo_workbooks()
    assert [(name, by) for name, by, _ in first] == [(name, by) for name, by, _ in second]
    for (_, _, one), (_, _, other) in zip(first, second, strict=True):
        assert one.keys() == other.keys()
        for key in one:
            pd.testing.assert_frame_equal(one[key], other[key])


def test_every_project_has_a_short_id_name_unit_owner_and_leader() -> None:
    _, _, tables = demo_workbooks()[-1]
    projects = tables["prosjekter"]
    assert len(projects) == 5
    for record in projects.itertuples(index=False):
        assert len(record.prosjekt_id) <= 12 and " " not in record.prosjekt_id
        assert record.prosjektnavn and record.enhet and record.prosjekteier
        assert record.prosjektleder and record.startdato < record.sluttdato


# ---------------------------------------------------------------------------------------------
# The database


def test_demo_has_several_versions(demo_db: Path) -> None:
    history = versions(demo_db)
    assert len(history) >= 4
    assert len(history) == len(demo_workbooks())
    assert sorted(history["version"]) == list(range(1, len(history) + 1))
    assert history["created_by"].notna().all() and history["file_name"].notna().all()


def test_the_history_is_dated_by_the_demos_story(demo_db: Path) -> None:
    """Each version is stored on the day its workbook was filled in (not the day the demo
    was built), in order, before TODAY; the meeting's lock on the meeting's day."""
    history = versions(demo_db).sort_values("version")
    days = [stamp.date() for stamp in history["created_at"]]
    assert days == [day for _, _, day, _ in UPLOADS]
    assert days == sorted(days) and days[-1] < TODAY
    assert [locked.created_at.date() for locked in snapshots(demo_db)] == [MEETING[1]]


def test_every_sheet_has_rows(demo_db: Path) -> None:
    for sheet in SHEETS:
        assert len(sheet_rows(demo_db, sheet.key)) > 0, sheet.key


def test_database_holds_exactly_the_last_workbook(demo_db: Path) -> None:
    # The last upload holds every project, so after it the store equals that workbook; a sheet
    # that accumulates (Status) holds every upload's reports, none dated twice in the demo.
    workbooks = demo_workbooks()
    _, _, tables = workbooks[-1]
    stored = _database_rows(demo_db)
    for sheet in SHEETS:
        if sheet.accumulates:
            every = [_rows(tables[sheet.key]) for _, _, tables in workbooks if sheet.key in tables]
            assert len(every) >= 3 and stored[sheet.key] == set().union(*every), sheet.key
        else:
            assert stored[sheet.key] == _rows(tables[sheet.key]), sheet.key


def test_evaluation_plan_shows_every_status(demo_db: Path) -> None:
    plan = evaluation_plan(demo_db, today=dt.date(2026, 11, 26))
    assert set(EVALUATION_STATUSES) <= set(plan["status"])
    assert plan[plan["status"] == "Mangler iverksettingsdato"]["frist"].isna().all()


def test_risks_include_high_reduced_and_closed_ones(demo_db: Path) -> None:
    risks = sheet_rows(demo_db, "risiko")
    open_risks = risks[risks["status"] != "Lukket"]
    score = open_risks["sannsynlighet"].astype(int) * open_risks["konsekvens"].astype(int)
    assert (score >= 10).sum() >= 3
    assert open_risks["sannsynlighet_etter"].notna().sum() >= 2
    assert (risks["status"] == "Lukket").sum() >= 1


def test_history_has_something_to_show(demo_db: Path) -> None:
    first = sheet_rows(demo_db, "risiko", version=1).set_index([PROJECT_COLUMN, "risiko_id"])
    last = sheet_rows(demo_db, "risiko").set_index([PROJECT_COLUMN, "risiko_id"])
    both = first.index.intersection(last.index)
    before = first.loc[both, "sannsynlighet"] * first.loc[both, "konsekvens"]
    after = last.loc[both, "sannsynlighet"] * last.loc[both, "konsekvens"]
    assert (after > before).any() and (after < before).any()
    assert len(last.index.difference(first.index)) >= 1  # new risks were added

    last_version = len(versions(demo_db))
    decisions = {
        version: sheet_rows(demo_db, "anbefalinger", version=version).set_index(
            [PROJECT_COLUMN, "anbefaling_id"]
        )["vedtak"]
        for version in (1, last_version)
    }
    assert decisions[1][("OTK-OU2", "A1")] == "Utredes videre"
    assert decisions[last_version][("OTK-OU2", "A1")] == "Støttes"

    every_version = range(1, last_version + 1)
    measured = [len(sheet_rows(demo_db, "malinger", version=v)) for v in every_version]
    evaluated = [len(sheet_rows(demo_db, "evalueringer", version=v)) for v in every_version]
    assert measured == sorted(measured) and measured[-1] > measured[0]
    assert evaluated[0] == 0 and evaluated[-1] > 0

    first_plans = sheet_rows(demo_db, "milepaeler", version=1).set_index(
        [PROJECT_COLUMN, "milepael_id"]
    )["prognose"]
    last_plans = sheet_rows(demo_db, "milepaeler").set_index([PROJECT_COLUMN, "milepael_id"])[
        "prognose"
    ]
    slipped = last_plans.loc[first_plans.index] > first_plans
    assert slipped.any()  # a milestone forecast slipped between uploads


def test_benefits_have_baselines_targets_and_measurements(demo_db: Path) -> None:
    benefits = sheet_rows(demo_db, "gevinster")
    measurements = sheet_rows(demo_db, "malinger")
    quantitative = benefits[benefits["type"] == "Kvantitativ"]
    assert len(quantitative) >= 5
    assert quantitative[["nullpunkt", "malverdi", "nullpunktdato", "maldato"]].notna().all().all()
    assert (benefits["type"] == "Kvalitativ").any()

    on_track = behind = 0
    for benefit in quantitative.itertuples(index=False):
        own = measurements[
            (measurements[PROJECT_COLUMN] == benefit.prosjekt_id)
            & (measurements["gevinst_id"] == benefit.gevinst_id)
        ].sort_values("dato")
        if own.empty:
            continue
        progress = (own["verdi"].iloc[-1] - benefit.nullpunkt) / (
            benefit.malverdi - benefit.nullpunkt
        )
        start, end = benefit.nullpunktdato.date(), benefit.maldato.date()
        elapsed = min(1.0, max(0.0, (TODAY - start).days / (end - start).days))
        on_track += progress >= elapsed
        behind += progress < elapsed - 0.25
    assert on_track >= 1 and behind >= 1
    per_benefit = measurements.groupby([PROJECT_COLUMN, "gevinst_id"]).size()
    assert per_benefit.max() >= 4


def test_milestones_are_done_late_and_ahead(demo_db: Path) -> None:
    milestones = sheet_rows(demo_db, "milepaeler")
    today = pd.Timestamp(TODAY)
    done = milestones["fullfort"].notna()
    forecast_late = milestones["prognose"].notna() & (
        milestones["prognose"] > milestones["planlagt"]
    )
    overdue = ~done & (milestones["planlagt"] < today)
    ahead = ~done & (milestones["planlagt"] >= today)
    assert done.sum() >= 5
    assert (~done & forecast_late).sum() >= 2
    assert (overdue & milestones["prognose"].isna()).sum() >= 1
    assert ahead.sum() >= 3


# ---------------------------------------------------------------------------------------------
# Building


def test_building_twice_gives_the_same_database(tmp_path: Path, demo_build: DemoBuild) -> None:
    # The first build is the session's (tests/conftest.py); the second replaces a copy of it.
    db = copy_database(demo_build.path, tmp_path / "twice.duckdb")
    first_version = demo_build.version
    first = _database_rows(db)
    first_history = versions(db)[["version", "created_by", "file_name", "row_counts"]]

    second_version = build_demo_database(db, replace=True)
    second_history = versions(db)[["version", "created_by", "file_name", "row_counts"]]
    assert first_version == second_version == len(demo_workbooks())
    assert _database_rows(db) == first
    pd.testing.assert_frame_equal(first_history, second_history)
    assert not list(tmp_path.glob(".demo-*"))  # the scratch directory is cleaned up


def test_build_replaces_an_existing_database(tmp_path: Path, demo_db: Path) -> None:
    db = tmp_path / "old.duckdb"
    db.write_bytes(demo_db.read_bytes())
    (tmp_path / "old.duckdb.wal").write_bytes(b"stale")
    assert build_demo_database(db, replace=True) == len(demo_workbooks())
    assert len(versions(db)) == len(demo_workbooks())
    assert not (tmp_path / "old.duckdb.wal").exists()


def test_cli_demo_builds_the_database(tmp_path: Path) -> None:
    db = tmp_path / "cli" / "demo.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "lib.cli", "demo", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert db.exists()
    assert len(versions(db)) == len(demo_workbooks())
    assert str(len(demo_workbooks())) in done.stdout


def test_demo_never_overwrites_real_uploads_unless_asked(tmp_path: Path) -> None:
    from lib.exports import write_export
    from lib.ingest import load_file
    from tests.fixtures import PROJECTS, frame

    db = tmp_path / "ekte.duckdb"
    workbook = tmp_path / "ekte.xlsx"
    write_export(workbook, {"prosjekter": frame("prosjekter", PROJECTS)})
    assert load_file(db, workbook, actor=TESTER).ok

    def demo(*flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lib.cli", "demo", "--db", str(db), *flags],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    refused = demo()
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert len(versions(db)) == 1  # the real upload is still there
    assert demo("--force").returncode == 0
    assert len(versions(db)) == len(demo_workbooks())

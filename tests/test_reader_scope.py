"""A reader sees only the projects they may read, in every read lib/ makes (issue 14, item 3).

Every query that returns rows, counts, filter choices, chart data or changes is run on the demo
portfolio (five projects, seven versions, a meeting) three ways: as a reader of one project,
for nobody (an empty set), and for everyone (None). The reader's results hold no other
project's ID, name, unit or people; they equal the results of choosing that project in the
Prosjekt filter; and no filter (text, owner, unit, project) widens them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from lib import access, history, queries
from lib.contract import SHEETS
from lib.demo import TODAY
from lib.queries import Filters, readable_by
from tests.fixtures import PROJECTS, load, risk

MINE = "ASK-TM"
READER = frozenset({MINE})
NOBODY: frozenset[str] = frozenset()


def words(found: object) -> Iterator[str]:
    """Every piece of text in a result: frames (cells and headings), dataclasses, dicts,
    lists, and the text of numbers and dates."""
    if isinstance(found, pd.DataFrame):
        for column in found.columns:
            yield str(column)
            yield from words(list(found[column]))
    elif isinstance(found, pd.Series):
        yield from words(list(found))
    elif dataclasses.is_dataclass(found) and not isinstance(found, type):
        for field in dataclasses.fields(found):
            yield from words(getattr(found, field.name))
    elif isinstance(found, dict):
        for key, value in found.items():
            yield from words(key)
            yield from words(value)
    elif isinstance(found, (list, tuple, set, frozenset)):
        for item in found:
            yield from words(item)
    elif found is not None:
        yield str(found)


def text_of(found: object) -> str:
    return "\n".join(words(found))


@pytest.fixture(scope="module")
def others(demo_database: Path) -> dict[str, list[str]]:
    """What only the other projects have: their IDs, names, units and people."""
    every = queries.filter_options(demo_database)
    mine = queries.filter_options(demo_database, READER)
    ids = [project for project in every.projects if project != MINE]
    return {
        "ids": ids,
        "names": [every.project_names[project] for project in ids],
        "units": [unit for unit in every.units if unit not in mine.units],
        "owners": [owner for owner in every.owners if owner not in mine.owners],
    }


def leaks(found: object, others: dict[str, list[str]]) -> list[str]:
    text = text_of(found)
    return [value for values in others.values() for value in values if value in text]


#: Every read a page, a chart, a download or the command line makes of the projects' data:
#: name -> (path, readable) -> result.
Read = Callable[[Path, frozenset[str] | None], object]


def _view(query: Callable[..., object], **options: object) -> Read:
    return lambda db, readable: query(db, Filters(readable=readable), **options)


READS: dict[str, Read] = {
    "overview": _view(queries.overview, today=TODAY),
    "risk_view": _view(queries.risk_view),
    "risk_view_after_compared": _view(queries.risk_view, after=True, compare_with=4),
    "risk_view_cell": _view(queries.risk_view, cell=(3, 4)),
    "risk_view_closed": lambda db, readable: queries.risk_view(
        db, Filters(statuses=("Lukket",), readable=readable)
    ),
    "benefits": _view(queries.benefits, today=TODAY),
    "recommendations": _view(queries.recommendations),
    "evaluations": _view(queries.evaluations, today=TODAY),
    "evaluation_plan": lambda db, readable: queries.evaluation_plan(db, TODAY, readable=readable),
    "milestones": _view(queries.milestones, today=TODAY),
    "filter_options": lambda db, readable: queries.filter_options(db, readable),
    **{
        f"sheet_rows_{sheet.key}": (
            lambda db, readable, key=sheet.key: queries.sheet_rows(db, key, readable=readable)
        )
        for sheet in SHEETS
    },
    "dump_rows_gevinster": lambda db, readable: queries.dump_rows(
        db, "gevinster", readable=readable
    ),
    "changes_since_last_meeting": lambda db, readable: history.changes_since_last_meeting(
        db, today=TODAY, readable=readable
    ),
    "changes_since_version_1": lambda db, readable: history.changes_since_last_meeting(
        db, today=TODAY, since=1, readable=readable
    ),
    "compare_versions": lambda db, readable: history.compare_versions(
        db, 1, 7, today=TODAY, base_day=TODAY.replace(year=2025), readable=readable
    ),
    "version_table": lambda db, readable: history.version_table(db, readable).drop(
        columns=["file_name"]  # the uploads' file names are the uploaders' words
    ),
    "version_overview": lambda db, readable: history.version_overview(db, readable).drop(
        columns=["Fil"]
    ),
}


@pytest.mark.parametrize("read", list(READS))
def test_a_reader_of_one_project_gets_nothing_of_the_others(
    demo_db: Path, others: dict[str, list[str]], read: str
) -> None:
    everyone = READS[read](demo_db, None)
    assert leaks(everyone, others), "the demo must hold other projects' data for this read"
    assert leaks(READS[read](demo_db, READER), others) == []


@pytest.mark.parametrize("read", list(READS))
def test_someone_who_may_read_no_project_gets_no_project_at_all(demo_db: Path, read: str) -> None:
    every_project = queries.filter_options(demo_db).projects
    found = text_of(READS[read](demo_db, NOBODY))
    assert [project for project in every_project if project in found] == []


def test_nobody_gets_no_rows_no_counts_and_no_choices(demo_db: Path) -> None:
    nothing = Filters(readable=NOBODY)
    assert queries.overview(demo_db, nothing, TODAY).empty
    view = queries.risk_view(demo_db, nothing)
    assert int(view.matrix["antall"].sum()) == 0 and view.rows.empty
    assert len(view.matrix) == 25  # the grid is drawn, empty
    assert queries.benefits(demo_db, nothing, TODAY).empty
    decided = queries.recommendations(demo_db, nothing)
    assert decided.rows.empty and int(decided.counts["antall"].sum()) == 0
    assert queries.evaluations(demo_db, nothing, TODAY).empty
    assert queries.milestones(demo_db, nothing, TODAY).empty
    assert queries.filter_options(demo_db, NOBODY) == queries.FilterOptions((), {}, (), ())
    changes = history.changes_since_last_meeting(demo_db, today=TODAY, readable=NOBODY)
    assert changes is not None and changes.empty
    assert history.version_table(demo_db, NOBODY).empty
    assert set(history.row_counts_as_of(demo_db, 7, NOBODY).values()) == {0}


#: The views whose rows per project a reader of one project sees exactly as the Prosjekt
#: filter set to that project shows them.
VIEWS = {
    "overview": lambda db, filters: queries.overview(db, filters, TODAY),
    "risk_matrix": lambda db, filters: queries.risk_view(db, filters, compare_with=4).matrix,
    "risk_rows": lambda db, filters: queries.risk_view(db, filters, compare_with=4).rows,
    "benefits": lambda db, filters: queries.benefits(db, filters, TODAY),
    "decision_counts": lambda db, filters: queries.recommendations(db, filters).counts,
    "recommendations": lambda db, filters: queries.recommendations(db, filters).rows,
    "evaluations": lambda db, filters: queries.evaluations(db, filters, TODAY),
    "milestones": lambda db, filters: queries.milestones(db, filters, TODAY),
}


@pytest.mark.parametrize("view", list(VIEWS))
def test_a_reader_sees_their_project_as_the_project_filter_shows_it(
    demo_db: Path, view: str
) -> None:
    read = VIEWS[view]
    chosen = read(demo_db, Filters(projects=(MINE,)))
    assert not chosen.empty
    pd.testing.assert_frame_equal(read(demo_db, Filters(readable=READER)), chosen)


@pytest.mark.parametrize(
    "filters",
    [
        Filters(projects=("NTNU-BOTT",)),
        Filters(projects=("NTNU-BOTT", MINE)),
        Filters(text="NTNU"),
        Filters(owners=("Økonomisjef MH", "HR-sjef MH")),
        Filters(units=("Fakultet for medisin og helsevitenskap",)),
        Filters(statuses=("Lukket", "Forsinket", "Forfalt")),
        Filters(version=2),
    ],
    ids=["other-project", "both", "text", "owners", "unit", "statuses", "old-version"],
)
def test_no_filter_widens_what_a_reader_sees(
    demo_db: Path, others: dict[str, list[str]], filters: Filters
) -> None:
    narrowed = dataclasses.replace(filters, readable=READER)
    assert any(leaks(read(demo_db, filters), others) for read in VIEWS.values())
    for read in VIEWS.values():
        assert leaks(read(demo_db, narrowed), others) == []


def test_choosing_only_another_project_shows_a_reader_nothing(demo_db: Path) -> None:
    theirs = Filters(projects=("NTNU-BOTT",), readable=READER)
    assert queries.overview(demo_db, theirs, TODAY).empty
    assert int(queries.risk_view(demo_db, theirs).matrix["antall"].sum()) == 0
    assert int(queries.recommendations(demo_db, theirs).counts["antall"].sum()) == 0
    for view in ("benefits", "recommendations", "evaluations", "milestones", "risk_rows"):
        assert VIEWS[view](demo_db, theirs).empty, view


def test_measurements_of_another_project_s_benefit_are_not_read(demo_db: Path) -> None:
    theirs = queries.benefits(demo_db, Filters(projects=("NTNU-BOTT",)), TODAY)
    measured = theirs[theirs["antall_malinger"] > 0].iloc[0]
    asked = (measured.prosjekt_id, measured.gevinst_id)
    assert not queries.measurements(demo_db, *asked).empty
    assert queries.measurements(demo_db, *asked, readable=READER).empty
    assert queries.measurements(demo_db, *asked, readable={"NTNU-BOTT"}).equals(
        queries.measurements(demo_db, *asked)
    )


def test_the_version_table_keeps_the_reader_s_versions_and_counts_only_their_rows(
    demo_db: Path,
) -> None:
    every = history.version_table(demo_db)
    mine = history.version_table(demo_db, READER)
    assert list(mine["version"]) == [
        int(version)
        for version, touched in zip(every["version"], every["projects"], strict=True)
        if MINE in touched
    ]
    assert {project for touched in mine["projects"] for project in touched} == {MINE}
    latest = mine.iloc[0]
    counted = history.row_counts_as_of(demo_db, int(latest.version), READER)
    assert latest.row_counts == {key: counted[key] for key in latest.row_counts}
    only_mine = mine[mine["version"] == 4].iloc[0]  # an upload of ASK-TM alone: as stored
    assert only_mine.changes == every[every["version"] == 4].iloc[0].changes


def test_a_reader_is_offered_the_versions_that_touched_their_project(demo_db: Path) -> None:
    every = queries.versions(demo_db)
    assert list(queries.versions(demo_db, READER)["version"]) == [7, 6, 4, 1]
    assert list(queries.versions(demo_db, None)["version"]) == list(every["version"])
    assert queries.versions(demo_db, NOBODY).empty
    assert list(queries.versions(demo_db, READER).columns) == list(every.columns)


def _permissions(readable: frozenset[str] | None) -> access.Permissions:
    actor = access.Actor(subject="sub", name="Leser")
    if readable is None:
        return access.Permissions(actor, {access.LESER: frozenset({access.ALL_PROJECTS})})
    return access.Permissions(actor, {access.LESER: readable})


def test_readable_by_narrows_and_never_widens() -> None:
    chosen = Filters(projects=("B",), text="x", version=3)
    assert readable_by(chosen, _permissions(frozenset({"A"}))) == dataclasses.replace(
        chosen, readable=frozenset({"A"})
    )
    assert readable_by(chosen, _permissions(None)).readable is None
    assert readable_by(chosen, _permissions(frozenset())).readable == frozenset()
    narrowed = Filters(readable=frozenset({"A", "B"}))
    assert readable_by(narrowed, _permissions(frozenset({"B", "C"}))).readable == {"B"}
    assert readable_by(narrowed, _permissions(None)).readable == {"A", "B"}
    nobody = access.Permissions(access.Actor(subject="", name="Ikke innlogget"))
    assert readable_by(Filters(), nobody).reads_nothing


def test_two_projects_loaded_apart_stay_apart(tmp_path: Path) -> None:
    """Two projects uploaded through the real pipeline: a reader of P1 gets nothing of P2,
    whose unit and owner only P2 has."""
    db = tmp_path / "to.duckdb"
    load(
        db,
        tmp_path,
        "1.xlsx",
        {
            "prosjekter": PROJECTS,
            "risiko": [
                risk("R1", 4, 4, "P1", ansvarlig="Kari"),
                risk("R2", 5, 5, "P2", ansvarlig="Hemmelig Person"),
            ],
        },
    )
    load(db, tmp_path, "2.xlsx", {"risiko": [risk("R2", 1, 1, "P2")]}, project="P2")
    options = queries.filter_options(db, {"P1"})
    assert options.projects == ("P1",) and options.project_names == {"P1": "Prosjekt én"}
    assert options.units == ("Helse",) and options.owners == ("Kari",)
    overview = queries.overview(db, Filters(readable=frozenset({"P1"})))
    assert list(overview["prosjekt_id"]) == ["P1"]
    assert list(queries.risk_view(db, Filters(readable=frozenset({"P1"}))).rows["risiko_id"]) == [
        "R1"
    ]
    changed = history.compare_versions(db, 1, 2, readable={"P1"})
    assert changed.empty and not history.compare_versions(db, 1, 2).empty
    assert list(history.version_table(db, {"P1"})["version"]) == [1]
    assert "Prosjekt to" not in text_of(history.version_overview(db, {"P1"}))

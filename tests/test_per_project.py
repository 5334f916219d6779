"""A project picked in the sidebar narrows a view read for every project (ui/data.per_project,
lib.view_sql.for_projects) instead of reading the database again. Held here: the narrowed
result equals the view read with the project in its filters, for every view the pages narrow,
every demo project, a pair, a project with no rows and one the actor may not read, under
each of the other filters."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from lib import quality, queries, status
from lib.demo import TODAY
from lib.queries import Filters, RecommendationView, RiskView
from lib.view_sql import for_projects
from ui import data

View = Callable[[Path, Filters], object]

#: Every view a page reads through data.per_project, with the options the pages give it.
VIEWS: dict[str, View] = {
    "overview": lambda db, chosen: queries.overview(db, chosen, TODAY),
    "status_board": lambda db, chosen: status.status_board(db, chosen, TODAY),
    "findings": lambda db, chosen: quality.findings(db, chosen, today=TODAY),
    "risk_view": lambda db, chosen: queries.risk_view(db, chosen),
    "risk_view_after_compared": lambda db, chosen: queries.risk_view(
        db, chosen, after=True, compare_with=4
    ),
    "benefits": lambda db, chosen: queries.benefits(db, chosen, TODAY),
    "recommendations": lambda db, chosen: queries.recommendations(db, chosen),
    "evaluations": lambda db, chosen: queries.evaluations(db, chosen, TODAY),
    "milestones": lambda db, chosen: queries.milestones(db, chosen, TODAY),
}

#: The other filters a project is picked under.
BASES: dict[str, Filters] = {
    "alle": Filters(),
    "enhet": Filters(units=("Levekår", "Fellestjenester")),
    "status": Filters(statuses=("Åpen", "Forsinket", "Støttes", "Bak skjema", "Forfalt")),
    "tekst": Filters(text="e"),
    "eldre versjon": Filters(version=4),
    "lesbare": Filters(readable=frozenset({"AMOT-ORG", "ASK-TM"})),
}


def assert_same(narrowed: object, read: object) -> None:
    if isinstance(read, pd.DataFrame):
        pd.testing.assert_frame_equal(narrowed, read)
    elif isinstance(read, RiskView):
        assert isinstance(narrowed, RiskView)
        pd.testing.assert_frame_equal(narrowed.matrix, read.matrix)
        pd.testing.assert_frame_equal(narrowed.rows, read.rows)
        assert narrowed.compared_with == read.compared_with
    elif isinstance(read, RecommendationView):
        assert isinstance(narrowed, RecommendationView)
        pd.testing.assert_frame_equal(narrowed.counts, read.counts)
        pd.testing.assert_frame_equal(narrowed.rows, read.rows)
    else:
        assert narrowed == read


def picks(db: Path) -> list[tuple[str, ...]]:
    projects = queries.filter_options(db).projects
    return [(project,) for project in projects] + [
        (projects[-1], projects[0]),
        ("FINNES-IKKE",),
        (projects[0], "FINNES-IKKE"),
    ]


@pytest.mark.parametrize("base", BASES.values(), ids=BASES.keys())
@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS.keys())
def test_a_view_narrowed_equals_the_view_read_with_the_project(
    demo_db: Path, view: View, base: Filters
) -> None:
    every = view(demo_db, base)
    shown = 0
    for projects in picks(demo_db):
        read = view(demo_db, dataclasses.replace(base, projects=projects))
        assert_same(for_projects(every, projects), read)
        shown += len(read.rows if isinstance(read, RiskView | RecommendationView) else read)
    if base != BASES["lesbare"] or view is not VIEWS["findings"]:
        assert shown, "no pick found anything: the comparison would prove nothing"


def test_the_demo_has_more_than_one_project_in_each_view(demo_db: Path) -> None:
    """The comparisons above narrow something: each view holds rows of several projects."""
    for name, view in VIEWS.items():
        found = view(demo_db, Filters())
        rows = found.rows if isinstance(found, RiskView | RecommendationView) else found
        ids = (
            {item.prosjekt_id for item in rows}
            if isinstance(rows, list)
            else set(rows["prosjekt_id"])
        )
        assert len(ids) > 1, name


def test_no_project_chosen_is_the_view_itself(demo_db: Path) -> None:
    every = queries.overview(demo_db, Filters(), TODAY)
    assert for_projects(every, ()) is every


def test_a_cell_of_the_matrix_equals_the_list_read_for_that_cell(demo_db: Path) -> None:
    for after in (False, True):
        view = queries.risk_view(demo_db, Filters(), after=after, compare_with=4)
        filled = view.matrix[view.matrix["antall"] > 0]
        assert len(filled) > 3
        for probability, consequence in zip(
            filled["sannsynlighet"], filled["konsekvens"], strict=True
        ):
            cell = (int(probability), int(consequence))
            read = queries.risk_view(demo_db, Filters(), after=after, compare_with=4, cell=cell)
            pd.testing.assert_frame_equal(view.in_cell(cell), read.rows)
            assert len(read.rows) == int(
                filled.set_index(["sannsynlighet", "konsekvens"]).loc[cell, "antall"]
            )


def test_a_list_read_for_one_cell_cannot_be_narrowed(demo_db: Path) -> None:
    """Its matrix counts risks its list does not hold: narrowing would count them wrong."""
    cell = queries.risk_view(demo_db, Filters(), cell=(3, 4))
    assert not cell.every_row
    with pytest.raises(ValueError):
        for_projects(cell, ("AMOT-ORG",))
    with pytest.raises(ValueError):
        for_projects(queries.risk_view(demo_db, Filters(), min_score=12), ("AMOT-ORG",))


def test_something_without_projects_is_not_narrowed() -> None:
    with pytest.raises(TypeError):
        for_projects({"AMOT-ORG": 1}, ("AMOT-ORG",))


def test_per_project_reads_once_for_every_pick(tmp_path: Path, monkeypatch) -> None:
    """Picking and clearing projects asks the database once, with no project in the filters."""
    monkeypatch.setenv("STYRINGSROM_DB", str(tmp_path / "some.duckdb"))
    asked: list[Filters] = []

    def view(path: str, filters: Filters, day: object) -> pd.DataFrame:
        asked.append(filters)
        return pd.DataFrame({"prosjekt_id": ["A", "B", "A", "C"], "verdi": [1, 2, 3, 4]})

    view.__qualname__ = f"view_{tmp_path.name}"  # a cache key of its own in this test
    read = data.per_project(view)
    chosen = Filters(units=("HR",))
    assert read(dataclasses.replace(chosen, projects=("A",)), TODAY)["verdi"].tolist() == [1, 3]
    assert read(dataclasses.replace(chosen, projects=("C", "B")), TODAY)["verdi"].tolist() == [2, 4]
    assert len(read(chosen, TODAY)) == 4
    assert asked == [chosen]


def test_a_cached_read_is_the_callers_own_to_change(demo_db: Path, monkeypatch) -> None:
    """The cache keeps one object for every session (st.cache_resource); what a page changes
    in its copy never reaches the next reader."""
    monkeypatch.setenv("STYRINGSROM_DB", str(demo_db))
    read = data.cached(queries.risk_view)
    first = read(Filters())
    shown = len(first.rows)
    first.rows["risiko"] = "endret"
    first.rows.loc[first.rows.index[0], "score"] = -1
    first.matrix.loc[0, "antall"] = 999
    again = read(Filters())
    assert len(again.rows) == shown
    assert "endret" not in set(again.rows["risiko"])
    assert -1 not in set(again.rows["score"])
    assert 999 not in set(again.matrix["antall"])
    findings = data.cached(quality.findings)(today=TODAY)
    findings.clear()
    assert data.cached(quality.findings)(today=TODAY)

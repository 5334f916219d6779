"""The SQL behind the steering-group views, on a small portfolio loaded through the pipeline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import queries
from lib.contract import (
    BENEFIT_BEHIND,
    BENEFIT_NOT_MEASURED,
    BENEFIT_ON_TRACK,
    DECISIONS,
    EVALUATION_NO_DATE,
    EVALUATION_OVERDUE,
    EVALUATION_PLANNED,
    EVALUATION_SOON,
    MILESTONE_DONE,
    MILESTONE_LATE,
    MILESTONE_ON_TRACK,
    RISK_DOWN,
    RISK_NEW,
    RISK_SAME,
    RISK_UP,
)
from lib.queries import Filters
from tests.fixtures import load, risk

D = dt.date
TODAY = D(2025, 7, 1)

PROJECTS = [
    {
        "prosjekt_id": "P1",
        "prosjektnavn": "Prosjekt én",
        "enhet": "Helse",
        "startdato": D(2025, 1, 1),
    },
    {
        "prosjekt_id": "P2",
        "prosjektnavn": "Prosjekt to",
        "enhet": "Oppvekst",
        "startdato": D(2025, 3, 1),
    },
]
RISKS_V1 = [
    risk("R1", 4, 5, ansvarlig="Kari", tiltak="Opplæring"),
    risk("R2", 1, 2, ansvarlig="Ola"),
    risk("R3", 3, 3, status="Lukket"),
    risk("R4", 2, 5, status="Under arbeid", sannsynlighet_etter=1, konsekvens_etter=5),
    risk("R1", 5, 5, "P2", ansvarlig="Ola", beskrivelse="Budsjettkutt i kommunen"),
]
RISKS_V2 = [  # P1 only: R1 falls 20 -> 15, R2 rises 2 -> 6, R3 and R4 stay, R5 is new
    risk("R1", 3, 5, ansvarlig="Kari", tiltak="Opplæring"),
    risk("R2", 3, 2, ansvarlig="Ola"),
    risk("R3", 3, 3, status="Lukket"),
    risk("R4", 2, 5, status="Under arbeid", sannsynlighet_etter=1, konsekvens_etter=5),
    risk("R5", 2, 2),
]
BENEFITS = [
    {  # lower is better: 100 -> 50 over 2025; measured 70 on 2 July: 60 % at 50 % of the time
        "gevinst_id": "G1",
        "prosjekt_id": "P1",
        "gevinst": "Kortere ventetid",
        "nullpunkt": 100,
        "nullpunktdato": D(2025, 1, 1),
        "malverdi": 50,
        "maldato": D(2025, 12, 31),
        "gevinsteier": "Kari",
    },
    {  # no baseline date: the earliest measurement (1 March) is used
        "gevinst_id": "G2",
        "prosjekt_id": "P1",
        "gevinst": "Flere brukere",
        "nullpunkt": 10,
        "malverdi": 20,
        "maldato": D(2026, 1, 1),
        "gevinsteier": "Ola",
    },
    {  # never measured: the project's start date is the baseline date
        "gevinst_id": "G3",
        "prosjekt_id": "P2",
        "gevinst": "Bedre trivsel",
        "type": "Kvalitativ",
        "nullpunkt": 2,
        "malverdi": 4,
        "maldato": D(2026, 6, 30),
    },
]
MEASUREMENTS = [
    {"gevinst_id": "G1", "prosjekt_id": "P1", "dato": D(2025, 7, 2), "verdi": 70},
    {"gevinst_id": "G2", "prosjekt_id": "P1", "dato": D(2025, 3, 1), "verdi": 10},
    {"gevinst_id": "G2", "prosjekt_id": "P1", "dato": D(2025, 9, 1), "verdi": 12},
]
RECOMMENDATIONS = [
    {
        "anbefaling_id": "A1",
        "prosjekt_id": "P1",
        "anbefaling": "Felles inntak",
        "vedtak": "Støttes",
        "ansvarlig": "Kari",
        "iverksatt": D(2025, 1, 15),
        "evaluering": (6, 12),
    },
    {
        "anbefaling_id": "A2",
        "prosjekt_id": "P1",
        "anbefaling": "Nytt fagsystem",
        "vedtak": "Støttes delvis",
        "ansvarlig": "Ola",
    },
    {
        "anbefaling_id": "A3",
        "prosjekt_id": "P1",
        "anbefaling": "Nedlegge kontoret",
        "vedtak": "Ikke støttet",
    },
    {
        "anbefaling_id": "B1",
        "prosjekt_id": "P2",
        "anbefaling": "Ny skolerute",
        "vedtak": "Støttes",
        "iverksatt": D(2024, 12, 20),
        "evaluering": (6,),
    },
]
MILESTONES = [
    {  # done 4 days late
        "milepael_id": "M1",
        "prosjekt_id": "P1",
        "milepael": "Oppstart",
        "planlagt": D(2025, 3, 1),
        "fullfort": D(2025, 3, 5),
        "ansvarlig": "Kari",
    },
    {  # planned in the past, not done, no forecast: late by today - planned = 30 days
        "milepael_id": "M2",
        "prosjekt_id": "P1",
        "milepael": "Kartlegging",
        "planlagt": D(2025, 6, 1),
    },
    {  # forecast 14 days after the plan
        "milepael_id": "M3",
        "prosjekt_id": "P1",
        "milepael": "Pilot",
        "planlagt": D(2025, 9, 1),
        "prognose": D(2025, 9, 15),
    },
    {  # forecast ahead of the plan: on track, 12 days early
        "milepael_id": "M1",
        "prosjekt_id": "P2",
        "milepael": "Oppstart",
        "planlagt": D(2025, 8, 1),
        "prognose": D(2025, 7, 20),
        "ansvarlig": "Ola",
    },
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("queries")
    path = folder / "views.duckdb"
    first = load(
        path,
        folder,
        "1.xlsx",
        {
            "prosjekter": PROJECTS,
            "risiko": RISKS_V1,
            "gevinster": BENEFITS,
            "malinger": MEASUREMENTS,
            "anbefalinger": RECOMMENDATIONS,
            "milepaeler": MILESTONES,
        },
    )
    assert first.ok, first.upload.errors
    second = load(path, folder, "2.xlsx", {"risiko": RISKS_V2}, project="P1")
    assert second.ok, second.upload.errors
    return path


def ids(frame, column: str = "risiko_id") -> list[tuple[str, str]]:
    return sorted(zip(frame["prosjekt_id"], frame[column], strict=True))


# --- Filters ----------------------------------------------------------------------------------


def test_filter_options_hold_every_project_unit_and_owner(db):
    options = queries.filter_options(db)
    assert options.projects == ("P1", "P2")
    assert options.project_names["P1"] == "Prosjekt én"
    assert options.units == ("Helse", "Oppvekst")
    assert options.owners == ("Kari", "Ola")


def test_status_options_hold_every_vocabulary_once():
    assert len(set(queries.STATUS_OPTIONS)) == len(queries.STATUS_OPTIONS)
    assert set(DECISIONS) <= set(queries.STATUS_OPTIONS)
    assert {EVALUATION_OVERDUE, BENEFIT_BEHIND, MILESTONE_LATE, "Lukket"} <= set(
        queries.STATUS_OPTIONS
    )


def test_filters_narrow_by_project_unit_owner_and_text(db):
    every = queries.risk_view(db, Filters()).rows
    assert ids(every) == [("P1", "R1"), ("P1", "R2"), ("P1", "R4"), ("P1", "R5"), ("P2", "R1")]
    assert ids(queries.risk_view(db, Filters(projects=("P2",))).rows) == [("P2", "R1")]
    assert ids(queries.risk_view(db, Filters(units=("Oppvekst",))).rows) == [("P2", "R1")]
    assert ids(queries.risk_view(db, Filters(owners=("Ola",))).rows) == [("P1", "R2"), ("P2", "R1")]
    # Free text searches ID, title, description, tiltak …, case-insensitively.
    assert ids(queries.risk_view(db, Filters(text="BUDSJETT")).rows) == [("P2", "R1")]
    assert ids(queries.risk_view(db, Filters(text="opplæring")).rows) == [("P1", "R1")]


def test_free_text_is_a_parameter_not_sql(db):
    for text in ("'; DROP TABLE risiko; --", "%", "_", "$text", "\\"):
        assert queries.risk_view(db, Filters(text=text)).rows.empty
    assert len(queries.risk_view(db, Filters()).rows) == 5


def test_version_filter_reads_as_of_that_version(db):
    before = queries.risk_view(db, Filters(version=1, projects=("P1",))).rows
    assert dict(zip(before["risiko_id"], before["score"], strict=True)) == {
        "R1": 20,
        "R2": 2,
        "R4": 10,
    }


# --- Risiko -----------------------------------------------------------------------------------


def test_status_day_is_today_for_the_latest_data_and_the_stored_day_for_an_older_version(
    tmp_path,
):
    path = tmp_path / "days.duckdb"
    june, today = dt.datetime(2026, 6, 19, 10, 30), dt.date(2026, 11, 26)
    load(path, tmp_path, "1.xlsx", {"prosjekter": PROJECTS}, created_at=june)
    assert queries.status_day(path, 1, today) == today  # the only version is the latest
    load(path, tmp_path, "2.xlsx", {"risiko": RISKS_V1}, created_at=dt.datetime(2026, 9, 1))
    assert queries.status_day(path, None, today) == today
    assert queries.status_day(path, 2, today) == today
    assert queries.status_day(path, 1, today) == june.date()
    assert queries.status_day(path, 1, dt.date(2026, 3, 1)) == dt.date(2026, 3, 1)  # never later
    assert queries.status_day(path, 99, today) == today


def test_closed_risks_show_only_when_the_status_filter_asks(db):
    assert ("P1", "R3") not in ids(queries.risk_view(db, Filters()).rows)
    closed = queries.risk_view(db, Filters(statuses=("Lukket", "Forfalt"))).rows
    assert ids(closed) == [("P1", "R3")]


def test_matrix_has_every_cell_and_counts_the_list(db):
    view = queries.risk_view(db, Filters())
    assert len(view.matrix) == 25
    assert int(view.matrix["antall"].sum()) == len(view.rows)
    cells = view.matrix.set_index(["sannsynlighet", "konsekvens"])
    assert cells.loc[(5, 5), "antall"] == 1 and cells.loc[(3, 5), "antall"] == 1
    assert cells.loc[(5, 5), "band"] == "Høy" and cells.loc[(1, 4), "band"] == "Lav"
    assert cells.loc[(1, 5), "band"] == "Middels" and cells.loc[(2, 5), "band"] == "Høy"
    assert list(view.rows["score"]) == sorted(view.rows["score"], reverse=True)


def test_matrix_aggregates_the_selected_projects(db):
    one = queries.risk_view(db, Filters(projects=("P1",))).matrix["antall"]
    other = queries.risk_view(db, Filters(projects=("P2",))).matrix["antall"]
    both = queries.risk_view(db, Filters(projects=("P1", "P2"))).matrix["antall"]
    assert list(both) == list(one + other)


def test_cell_narrows_the_list_not_the_matrix(db):
    view = queries.risk_view(db, Filters(), cell=(3, 5))
    assert ids(view.rows) == [("P1", "R1")]
    assert int(view.matrix["antall"].sum()) == 5


def test_after_tiltak_uses_the_after_scores_and_falls_back_to_before(db):
    after = queries.risk_view(db, Filters(projects=("P1",)), after=True).rows
    scores = dict(zip(after["risiko_id"], after["score"], strict=True))
    assert scores == {"R1": 15, "R2": 6, "R4": 5, "R5": 4}


def test_movement_against_an_earlier_version(db):
    rows = queries.risk_view(db, Filters(), compare_with=1).rows
    keys = zip(rows["prosjekt_id"], rows["risiko_id"], strict=True)
    moved = dict(zip(keys, rows["endring"], strict=True))
    assert moved == {
        ("P1", "R1"): RISK_DOWN,
        ("P1", "R2"): RISK_UP,
        ("P1", "R4"): RISK_SAME,
        ("P1", "R5"): RISK_NEW,
        ("P2", "R1"): RISK_SAME,
    }
    previous = dict(zip(rows["risiko_id"], rows["forrige_score"], strict=False))
    assert previous["R2"] == 2
    assert queries.risk_view(db, Filters()).rows["endring"].isna().all()


def test_bands_are_a_setting(db):
    bands = ((1, "Grønn", "green"), (20, "Rød", "red"))
    view = queries.risk_view(db, Filters(), bands=bands)
    assert set(view.matrix["band"]) == {"Grønn", "Rød"}
    assert dict(zip(view.rows["score"], view.rows["band"], strict=False))[25] == "Rød"


# --- Gevinster --------------------------------------------------------------------------------


def test_benefit_progress_path_and_status(db):
    rows = queries.benefits(db, Filters(), TODAY).set_index("gevinst_id")
    g1, g2, g3 = rows.loc["G1"], rows.loc["G2"], rows.loc["G3"]
    # Progress works when the target is below the baseline: (70 - 100) / (50 - 100).
    assert g1.fremdrift_prosent == pytest.approx(60.0)
    assert g1.planlagt_prosent == pytest.approx(100 * 182 / 364, abs=0.1)
    assert g1.status == BENEFIT_ON_TRACK
    # Baseline date defaults to the earliest measurement.
    assert g2.nullpunktdato_brukt.date() == D(2025, 3, 1)
    assert g2.siste_verdi == 12 and g2.fremdrift_prosent == pytest.approx(20.0)
    assert g2.planlagt_prosent == pytest.approx(100 * 184 / 306, abs=0.1)
    assert g2.status == BENEFIT_BEHIND
    # Never measured: the project's start date, and "Ikke målt".
    assert g3.nullpunktdato_brukt.date() == D(2025, 3, 1)
    assert g3.status == BENEFIT_NOT_MEASURED and g3.type == "Kvalitativ"


def test_benefit_status_and_owner_filters(db):
    behind = queries.benefits(db, Filters(statuses=(BENEFIT_BEHIND,)), TODAY)
    assert list(behind["gevinst_id"]) == ["G2"]
    assert list(queries.benefits(db, Filters(owners=("Kari",)), TODAY)["gevinst_id"]) == ["G1"]


def test_measurements_of_one_benefit_oldest_first(db):
    measured = queries.measurements(db, "P1", "G2")
    assert [d.date() for d in measured["dato"]] == [D(2025, 3, 1), D(2025, 9, 1)]
    assert queries.measurements(db, "P2", "G2").empty


# --- Anbefalinger -----------------------------------------------------------------------------


def test_decision_counts_list_every_decision_in_contract_order(db):
    view = queries.recommendations(db, Filters())
    assert list(view.counts["vedtak"]) == list(DECISIONS)
    counts = dict(zip(view.counts["vedtak"], view.counts["antall"], strict=True))
    assert counts == {
        "Støttes": 2,
        "Støttes delvis": 1,
        "Utredes videre": 0,
        "Til orientering": 0,
        "Ikke støttet": 1,
        "Ikke behandlet": 0,
    }
    assert int(view.counts["antall"].sum()) == len(view.rows)


def test_decision_filter_is_the_status_filter(db):
    view = queries.recommendations(db, Filters(statuses=("Ikke støttet", "Åpen")))
    assert list(view.rows["anbefaling_id"]) == ["A3"]


# --- Evaluering -------------------------------------------------------------------------------


def test_evaluations_extend_the_plan_of_the_command_line(db):
    plan = queries.evaluations(db, Filters(), TODAY)
    cli = queries.evaluation_plan(db, TODAY)
    assert len(plan) == len(cli)
    assert list(plan["status"]) == list(cli["status"])
    keys = zip(plan["anbefaling_id"], plan["evaluering"], strict=True)
    statuses = dict(zip(keys, plan["status"], strict=True))
    assert statuses[("A1", 6)] == EVALUATION_SOON  # 15 July, within 30 days
    assert statuses[("A1", 12)] == EVALUATION_PLANNED
    assert statuses[("B1", 6)] == EVALUATION_OVERDUE  # 20 June
    no_date = plan[plan["status"] == EVALUATION_NO_DATE]
    assert list(no_date["anbefaling_id"]) == ["A2"] and no_date["frist"].isna().all()
    assert set(plan["ansvarlig"].dropna()) == {"Kari", "Ola"}


def test_evaluation_filters(db):
    overdue = queries.evaluations(db, Filters(statuses=(EVALUATION_OVERDUE,)), TODAY)
    assert list(overdue["anbefaling_id"]) == ["B1"]
    assert set(queries.evaluations(db, Filters(owners=("Ola",)), TODAY)["anbefaling_id"]) == {"A2"}


# --- Milepæler --------------------------------------------------------------------------------


def test_milestone_slippage_and_status(db):
    rows = queries.milestones(db, Filters(), TODAY)
    found = {
        (row.prosjekt_id, row.milepael_id): (row.avvik_dager, row.status)
        for row in rows.itertuples()
    }
    assert found == {
        ("P1", "M1"): (4, MILESTONE_DONE),
        ("P1", "M2"): (30, MILESTONE_LATE),
        ("P1", "M3"): (14, MILESTONE_LATE),
        ("P2", "M1"): (-12, MILESTONE_ON_TRACK),
    }
    late = queries.milestones(db, Filters(statuses=(MILESTONE_LATE,)), TODAY)
    assert ids(late, "milepael_id") == [("P1", "M2"), ("P1", "M3")]


# --- Oversikt ---------------------------------------------------------------------------------


def test_overview_counts_per_project(db):
    figures = queries.overview(db, Filters(), TODAY).set_index("prosjekt_id")
    p1, p2 = figures.loc["P1"], figures.loc["P2"]
    assert (p1.hoye_risikoer, p1.aktive_risikoer, p2.hoye_risikoer) == (2, 4, 1)
    assert (p1.gevinster_pa_sporet, p1.gevinster_bak_skjema, p2.gevinster_ikke_malt) == (1, 1, 1)
    assert p1[queries.decision_column("Støttes")] == 1
    assert p1[queries.decision_column("Ikke støttet")] == 1
    assert (p1.evalueringer_snart, p2.evalueringer_forfalt) == (1, 1)
    assert (p1.milepaeler_forsinket, p2.milepaeler_forsinket) == (2, 0)


FILTERS = st.builds(
    Filters,
    projects=st.sampled_from([(), ("P1",), ("P2",), ("P1", "P2")]),
    units=st.sampled_from([(), ("Helse",), ("Oppvekst",)]),
    owners=st.sampled_from([(), ("Kari",), ("Ola",), ("Kari", "Ola")]),
    statuses=st.lists(st.sampled_from(queries.STATUS_OPTIONS), max_size=3, unique=True).map(tuple),
    text=st.sampled_from(["", "R1", "kontor", "o"]),
    version=st.sampled_from([None, 1, 2]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chosen=FILTERS)
def test_overview_totals_equal_the_pages_queries(db, chosen):
    """Whatever the filters, Oversikt's figures are the counts of the pages' own lists."""
    figures = queries.overview(db, chosen, TODAY)
    view = queries.risk_view(db, chosen)
    assert figures["aktive_risikoer"].sum() == len(view.rows)
    assert figures["hoye_risikoer"].sum() == int((view.rows["score"] >= 10).sum())
    benefits = queries.benefits(db, chosen, TODAY)
    assert figures["gevinster_bak_skjema"].sum() == int(
        (benefits["status"] == BENEFIT_BEHIND).sum()
    )
    recommendations = queries.recommendations(db, chosen)
    for row in recommendations.counts.itertuples():
        assert figures[queries.decision_column(row.vedtak)].sum() == row.antall
    plan = queries.evaluations(db, chosen, TODAY)
    assert figures["evalueringer_forfalt"].sum() == int(
        (plan["status"] == EVALUATION_OVERDUE).sum()
    )
    milestones = queries.milestones(db, chosen, TODAY)
    assert figures["milepaeler_forsinket"].sum() == int(
        (milestones["status"] == MILESTONE_LATE).sum()
    )


def test_views_on_an_empty_database(tmp_path):
    empty = tmp_path / "empty.duckdb"
    assert queries.overview(empty, Filters()).empty
    view = queries.risk_view(empty, Filters())
    assert len(view.matrix) == 25 and view.rows.empty
    assert queries.benefits(empty, Filters()).empty
    assert list(queries.recommendations(empty, Filters()).counts["antall"]) == [0] * 6
    assert queries.evaluations(empty, Filters()).empty
    assert queries.milestones(empty, Filters()).empty
    assert queries.filter_options(empty).projects == ()


def test_reads_never_write(db):
    with duckdb.connect(str(db)) as connection:
        before = connection.execute("SELECT count(*) FROM risiko").fetchall()
    queries.overview(db, Filters(text="x"), TODAY)
    with duckdb.connect(str(db)) as connection:
        assert connection.execute("SELECT count(*) FROM risiko").fetchall() == before


def test_overview_lists_the_projects_by_id_in_norwegian_order(tmp_path):
    """«Per prosjekt» in one order whoever uploaded last: by Prosjekt-ID, Norwegian
    alphabetical order (Å last), not the row order of the last upload's sheet."""
    path = tmp_path / "order.duckdb"
    projects = [
        {"prosjekt_id": pid, "prosjektnavn": f"Prosjekt {pid}", "startdato": D(2025, 1, 1)}
        for pid in ("ÅS", "B2", "ØST", "A1", "ZETA")
    ]
    result = load(path, tmp_path, "1.xlsx", {"prosjekter": projects})
    assert result.ok, result.upload.errors
    figures = queries.overview(path, Filters(), TODAY)
    assert list(figures["prosjekt_id"]) == ["A1", "B2", "ZETA", "ØST", "ÅS"]
    assert list(figures.index) == list(range(5))


def test_the_status_filter_names_the_list_of_each_status():
    labels = [queries.status_label(status) for status in queries.STATUS_OPTIONS]
    assert labels[0] == "Risiko: Åpen"
    assert "Gevinst: Bak skjema" in labels and "Milepæl: Forsinket" in labels
    assert "Vedtak: Støttes" in labels and "Evaluering: Forfalt" in labels
    assert len(set(labels)) == len(labels) == 21


def test_the_agenda_s_narrower_reads_give_the_same_rows(demo_db: Path) -> None:
    """risk_view(min_score=, with_matrix=False) and recommendations(with_counts=False), as the
    agenda reads them: the same rows as the full reads, narrowed, and no matrix or counts."""
    every = Filters()
    full = queries.risk_view(demo_db, every, compare_with=6)
    high = queries.risk_view(demo_db, every, compare_with=6, min_score=10, with_matrix=False)
    expected = full.rows[full.rows["score"] >= 10].reset_index(drop=True)
    assert len(expected) > 0
    assert high.rows.reset_index(drop=True).equals(expected)
    assert high.matrix.empty and not full.matrix.empty
    listed = queries.recommendations(demo_db, every, with_counts=False)
    assert listed.rows.equals(queries.recommendations(demo_db, every).rows)
    assert listed.counts.empty

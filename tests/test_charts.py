"""The charts, checked through their Vega-Lite specs: what is drawn, where, and how it reads."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from lib import charts
from lib.contract import (
    EVALUATION_DONE,
    EVALUATION_OVERDUE,
    EVALUATION_PLANNED,
    EVALUATION_SOON,
    MILESTONE_DONE,
    MILESTONE_LATE,
    MILESTONE_ON_TRACK,
    RISK_BANDS,
    risk_band,
)

TODAY = dt.date(2025, 7, 1)


def matrix(counts: dict[tuple[int, int], int]) -> pd.DataFrame:
    rows = [
        {
            "sannsynlighet": s,
            "konsekvens": k,
            "score": s * k,
            "band": risk_band(s * k),
            "antall": counts.get((s, k), 0),
        }
        for s in range(5, 0, -1)
        for k in range(1, 6)
    ]
    return pd.DataFrame(rows)


def dataset(spec: dict) -> list[dict]:
    """The one inline dataset of a spec (Altair puts it under `datasets`)."""
    (values,) = spec["datasets"].values()
    return values


def layers(spec: dict) -> list[dict]:
    """Every drawn layer, nested layers flattened, in drawing order."""
    found = []
    for layer in spec["layer"]:
        found.extend(layers(layer) if "layer" in layer else [layer])
    return found


def layer_marks(spec: dict) -> list[str]:
    return [
        layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        for layer in layers(spec)
    ]


def test_matrix_writes_the_count_in_every_cell():
    counts = {(4, 5): 3, (3, 3): 5, (1, 1): 1}
    spec = charts.risk_matrix(matrix(counts)).to_dict()
    assert layer_marks(spec) == ["rect", "text"]
    values = dataset(spec)
    assert len(values) == 25
    drawn = {(v["sannsynlighet"], v["konsekvens"]): v["antall"] for v in values}
    assert drawn[(4, 5)] == 3 and drawn[(3, 3)] == 5 and drawn[(2, 2)] == 0
    text = spec["layer"][1]["encoding"]["text"]
    assert text["field"] == "antall"
    assert spec["layer"][1]["mark"]["fontSize"] >= 24


def test_matrix_axes_carry_the_scale_labels_with_5_at_the_top():
    spec = charts.risk_matrix(matrix({})).to_dict()
    encoding = spec["layer"][0]["encoding"]
    assert encoding["x"]["title"] == "Konsekvens" and encoding["y"]["title"] == "Sannsynlighet"
    assert encoding["x"]["sort"][0] == "1 Ubetydelig"
    assert encoding["x"]["sort"][-1] == "5 Svært alvorlig"
    assert encoding["y"]["sort"][0] == "5 Svært høy"
    labels = {v["konsekvens_tekst"] for v in dataset(spec)}
    assert "4 Alvorlig" in labels


def test_matrix_colours_come_from_the_bands_and_are_colour_blind_safe():
    spec = charts.risk_matrix(matrix({})).to_dict()
    colour = spec["layer"][0]["encoding"]["color"]
    assert colour["field"] == "band"
    assert colour["scale"]["domain"] == ["Lav", "Middels", "Høy"]
    assert colour["scale"]["range"] == [
        charts.OKABE_ITO["bluish_green"],
        charts.OKABE_ITO["yellow"],
        charts.OKABE_ITO["vermillion"],
    ]
    # The legend names the score range of each band, so colour is never the only cue.
    assert "Lav (1–4)" in colour["legend"]["labelExpr"]
    assert charts.band_legend(RISK_BANDS) == ["Lav (1–4)", "Middels (5–9)", "Høy (10–25)"]
    # Above the matrix, so that the five consequence labels under it get the width.
    assert colour["legend"]["orient"] == "top"


def test_matrix_follows_other_bands():
    bands = ((1, "Grønn", "green"), (13, "Rød", "red"))
    spec = charts.risk_matrix(matrix({}), bands=bands).to_dict()
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["Grønn", "Rød"]
    assert charts.band_legend(bands) == ["Grønn (1–12)", "Rød (13–25)"]


def test_matrix_cell_is_selectable():
    spec = charts.risk_matrix(matrix({})).to_dict()
    (param,) = spec["params"]
    assert param["name"] == "celle"
    assert param["select"]["fields"] == ["sannsynlighet", "konsekvens"]
    selected = charts.risk_matrix(matrix({}), selected=(4, 5)).to_dict()
    assert selected["params"][0]["value"] == [{"sannsynlighet": 4, "konsekvens": 5}]


def test_matrix_description():
    text = charts.describe_matrix(matrix({(4, 5): 3, (3, 3): 5, (1, 1): 1}))
    assert text.startswith("Risikomatrise med 9 risikoer: 3 høy, 5 middels, 1 lav.")
    assert "sannsynlighet 3, konsekvens 3 (5)" in text
    assert "tom" in charts.describe_matrix(matrix({}))


def test_charts_use_large_type():
    spec = charts.risk_matrix(matrix({})).to_dict()
    assert spec["config"]["axis"]["labelFontSize"] >= 16
    assert spec["config"]["legend"]["labelFontSize"] >= 16
    assert spec["config"]["title"]["fontSize"] >= 20


BENEFIT = {
    "gevinst_id": "G1",
    "gevinst": "Kortere ventetid",
    "nullpunkt": 100.0,
    "nullpunktdato_brukt": pd.Timestamp("2025-01-01"),
    "malverdi": 50.0,
    "maldato": pd.Timestamp("2025-12-31"),
    "siste_verdi": 70.0,
    "siste_dato": pd.Timestamp("2025-07-02"),
    "planlagt_verdi": 75.0,
    "status": "På sporet",
}
MEASURED = pd.DataFrame(
    {"dato": pd.to_datetime(["2025-03-01", "2025-07-02"]), "verdi": [90.0, 70.0]}
)


def test_trend_has_measurements_the_planned_path_baseline_and_target():
    data = charts.benefit_trend_data(BENEFIT, MEASURED)
    series = {name: group for name, group in data.groupby("serie")}
    assert set(series) == {"Målt", "Planlagt bane", "Nullpunkt", "Mål"}
    path = series["Planlagt bane"].sort_values("dato")
    assert list(path["verdi"]) == [100.0, 50.0]
    assert [d.date() for d in path["dato"]] == [dt.date(2025, 1, 1), dt.date(2025, 12, 31)]
    assert set(series["Mål"]["verdi"]) == {50.0} and set(series["Nullpunkt"]["verdi"]) == {100.0}
    assert list(series["Målt"]["verdi"]) == [90.0, 70.0]


def test_trend_spec_tells_series_apart_by_dash_as_well_as_colour():
    data = charts.benefit_trend_data(BENEFIT, MEASURED)
    spec = charts.benefit_trend(data, title="G1", unit="dager").to_dict()
    line = spec["layer"][0]
    assert line["encoding"]["strokeDash"]["field"] == "serie"
    assert line["encoding"]["color"]["field"] == "serie"
    assert line["encoding"]["y"]["title"] == "Verdi (dager)"
    assert len(dataset(spec)) == len(data)


def test_qualitative_trend_is_drawn_on_the_1_to_5_scale():
    data = charts.benefit_trend_data({**BENEFIT, "nullpunkt": 2.0, "malverdi": 4.0}, MEASURED)
    spec = charts.benefit_trend(data, title="G", qualitative=True).to_dict()
    assert spec["layer"][0]["encoding"]["y"]["scale"]["domain"] == [1, 5]


def test_trend_without_target_draws_only_what_exists():
    data = charts.benefit_trend_data({**BENEFIT, "malverdi": None, "maldato": None}, MEASURED)
    assert set(data["serie"]) == {"Målt", "Nullpunkt"}
    assert "ikke målt" in charts.describe_trend({**BENEFIT, "siste_verdi": None})


def plan(rows: list[tuple[str, str, int, str | None, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "prosjekt_id": p,
                "anbefaling_id": a,
                "anbefaling": f"Tiltak {a}",
                "evaluering": months,
                "frist": pd.Timestamp(due) if due else pd.NaT,
                "status": status,
            }
            for p, a, months, due, status in rows
        ]
    )


def test_evaluation_timeline_marks_today_and_status_by_colour_and_shape():
    data = charts.evaluation_timeline_data(
        plan(
            [
                ("P1", "A1", 6, "2025-06-20", EVALUATION_OVERDUE),
                ("P1", "A1", 12, "2025-12-20", EVALUATION_PLANNED),
                ("P1", "A2", 6, "2025-07-10", EVALUATION_SOON),
                ("P1", "A3", 6, "2025-03-01", EVALUATION_DONE),
            ]
        )
    )
    spec = charts.evaluation_timeline(data, TODAY).to_dict()
    points, rule, _label = layers(spec)
    assert points["encoding"]["color"]["field"] == "status"
    assert points["encoding"]["shape"]["field"] == "status"
    domain = points["encoding"]["color"]["scale"]["domain"]
    assert domain == [EVALUATION_OVERDUE, EVALUATION_SOON, EVALUATION_PLANNED, EVALUATION_DONE]
    shapes = points["encoding"]["shape"]["scale"]["range"]
    assert len(set(shapes)) == len(shapes)
    assert rule["mark"]["type"] == "rule"
    today_values = next(v for v in spec["datasets"].values() if len(v) == 1)
    assert today_values[0]["dato"].startswith("2025-07-01")
    assert today_values[0]["tekst"] == "I dag"


def test_timeline_keeps_the_urgent_rows_when_there_are_too_many():
    rows = [("P1", f"A{i}", 6, "2026-01-01", EVALUATION_PLANNED) for i in range(60)]
    rows += [("P2", "X1", 6, "2025-06-01", EVALUATION_OVERDUE)]
    data = charts.evaluation_timeline_data(plan(rows))
    assert len(data) == charts.MAX_TIMELINE_ROWS
    assert EVALUATION_OVERDUE in set(data["status"])


def milestone_rows() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "prosjekt_id": "P1",
                "milepael_id": "M1",
                "milepael": "Oppstart",
                "planlagt": pd.Timestamp("2025-03-01"),
                "prognose": pd.NaT,
                "fullfort": pd.Timestamp("2025-03-05"),
                "forventet": pd.Timestamp("2025-03-05"),
                "avvik_dager": 4,
                "status": MILESTONE_DONE,
            },
            {
                "prosjekt_id": "P1",
                "milepael_id": "M2",
                "milepael": "Kartlegging",
                "planlagt": pd.Timestamp("2025-06-01"),
                "prognose": pd.NaT,
                "fullfort": pd.NaT,
                "forventet": pd.Timestamp("2025-07-01"),
                "avvik_dager": 30,
                "status": MILESTONE_LATE,
            },
            {
                "prosjekt_id": "P2",
                "milepael_id": "M1",
                "milepael": "Oppstart",
                "planlagt": pd.Timestamp("2025-08-01"),
                "prognose": pd.Timestamp("2025-07-20"),
                "fullfort": pd.NaT,
                "forventet": pd.Timestamp("2025-07-20"),
                "avvik_dager": -12,
                "status": MILESTONE_ON_TRACK,
            },
        ]
    )


def test_milestone_timeline_draws_planned_forecast_done_and_expected():
    data = charts.milestone_timeline_data(milestone_rows())
    kinds = {(row.rad.split(" ")[2], row.dato_type) for row in data.itertuples()}
    assert ("M1", "Planlagt") in kinds and ("M1", "Fullført") in kinds
    # A late milestone with no forecast runs on to today, its expected date.
    late = data[data["rad"].str.contains("M2")]
    assert set(late["dato_type"]) == {"Planlagt", charts.EXPECTED}
    assert late[late["dato_type"] == charts.EXPECTED]["dato"].iloc[0].date() == TODAY
    spec = charts.milestone_timeline(data, TODAY).to_dict()
    spans, points, _rule, _label = layers(spec)
    assert spans["mark"]["type"] == "line"
    assert points["encoding"]["shape"]["field"] == "dato_type"
    assert points["transform"][0]["filter"]["oneOf"] == list(charts.MILESTONE_DATES)
    domain = points["encoding"]["color"]["scale"]["domain"]
    assert domain == [MILESTONE_LATE, MILESTONE_ON_TRACK, MILESTONE_DONE]


def test_dates_on_axes_are_norwegian():
    data = charts.milestone_timeline_data(milestone_rows())
    spec = charts.milestone_timeline(data, TODAY).to_dict()
    axis = spec["layer"][0]["encoding"]["x"]["axis"]
    assert "'mai'" in axis["labelExpr"] and "'okt'" in axis["labelExpr"]


def test_decision_bars_and_descriptions():
    counts = pd.DataFrame({"vedtak": ["Støttes", "Ikke støttet"], "antall": [3, 1]})
    spec = charts.decision_bars(counts).to_dict()
    assert layer_marks(spec) == ["bar", "text"]
    assert charts.describe_decisions(counts) == "4 anbefalinger. Støttes: 3; Ikke støttet: 1."
    statuses = pd.DataFrame({"status": [MILESTONE_LATE, MILESTONE_DONE, MILESTONE_DONE]})
    assert charts.describe_statuses(statuses, "milepæler", charts.MILESTONE_STYLE) == (
        "3 milepæler: 1 forsinket, 2 fullført."
    )


@pytest.mark.parametrize(("value", "text"), [(1234.5, "1 234,5"), (12.0, "12"), (None, "–")])
def test_numbers_are_written_the_norwegian_way(value, text):
    assert charts._fmt(value) == text


def test_milestones_late_first_then_upcoming_then_the_done_ones_faded():
    rows = milestone_rows()
    ordered = charts.milestones_in_meeting_order(rows)
    assert list(ordered["status"]) == [MILESTONE_LATE, MILESTONE_ON_TRACK, MILESTONE_DONE]
    data = charts.milestone_timeline_data(rows)
    assert list(dict.fromkeys(data["status"])) == [
        MILESTONE_LATE,
        MILESTONE_ON_TRACK,
        MILESTONE_DONE,
    ]
    spec = charts.milestone_timeline(data, TODAY).to_dict()
    spans, points, _rule, _label = layers(spec)
    for layer in (spans, points):
        faded = layer["encoding"]["opacity"]
        assert MILESTONE_DONE in faded["condition"]["test"]
        assert faded["condition"]["value"] == charts.DONE_OPACITY < faded["value"]


def test_a_timeline_keeps_its_height_so_every_row_is_named():
    # Fitted into a fixed height with its legends, Vega squeezes the rows and drops names.
    data = charts.milestone_timeline_data(milestone_rows())
    spec = charts.milestone_timeline(data, TODAY).to_dict()
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert spec["height"] >= 34 * data["rad"].nunique()
    # «I dag» above the plot, where no marker of the first row covers it.
    *_, label = layers(spec)
    assert label["mark"]["baseline"] == "bottom" and label["mark"]["dy"] < 0

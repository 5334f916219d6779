"""The status charts (lib/charts.py): lights over time as a heat strip whose cells carry the
light's mark and word, and the economy's bars with the amounts written the Norwegian way."""

from __future__ import annotations

import pandas as pd

from lib import charts
from lib.contract import GREEN, RED, YELLOW


def history() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "rapportdato": pd.Timestamp(2026, 9, 15),
                "fremdrift": YELLOW,
                "fremdrift_kommentar": "Litt sent.",
                "okonomi": GREEN,
                "kvalitet": None,
                "risiko": RED,
                "gevinster": GREEN,
            },
            {
                "rapportdato": pd.Timestamp(2026, 6, 18),
                "fremdrift": GREEN,
                "okonomi": GREEN,
                "kvalitet": GREEN,
                "risiko": YELLOW,
                "gevinster": float("nan"),
            },
        ]
    )


def test_lights_over_time_write_mark_and_word_in_every_cell() -> None:
    data = charts.lights_over_time_data(history())
    assert len(data) == 10
    cell = data[(data["rapportdato"] == "15.09.2026") & (data["omrade"] == "Risiko")].iloc[0]
    assert (cell["lys"], cell["tekst"]) == (RED, "▲ Rød")
    missing = data[(data["rapportdato"] == "15.09.2026") & (data["omrade"] == "Kvalitet")]
    assert missing.iloc[0]["tekst"] == "– Ikke vurdert"
    assert data[data["omrade"] == "Fremdrift"]["kommentar"].tolist() == ["Litt sent.", ""]
    spec = charts.lights_over_time_chart(data).to_dict()  # validates against Vega-Lite
    # Dates in time order on the axis, whatever order the rows came in.
    x = spec["layer"][0]["encoding"]["x"]
    assert x["sort"] == ["18.06.2026", "15.09.2026"]
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert (
        dict(zip(scale["domain"], scale["range"], strict=True))[RED]
        == (charts.OKABE_ITO["vermillion"])
    )
    assert spec["layer"][1]["encoding"]["text"]["field"] == "tekst"
    assert charts.describe_lights_over_time(data) == (
        "2 rapporter, 18.06.2026–15.09.2026. Siste (15.09.2026): Fremdrift Gul, Økonomi Grønn, "
        "Kvalitet Ikke vurdert, Risiko Rød, Gevinster Grønn."
    )


def test_economy_bars_write_kroner_and_mark_a_forecast_over_budget() -> None:
    data = charts.economy_data({"budsjett": 2_500_000, "palopt": None, "prognose": 2_750_000.0})
    assert data["tekst"].tolist() == ["2\xa0500\xa0000 kr", "–", "2\xa0750\xa0000 kr"]
    spec = charts.economy_chart(data).to_dict()
    colours = spec["layer"][0]["encoding"]["color"]["scale"]["range"]
    assert colours[2] == charts.OKABE_ITO["vermillion"]  # over budget
    within = charts.economy_chart(
        charts.economy_data({"budsjett": 10, "palopt": 5, "prognose": 9})
    ).to_dict()
    assert (
        within["layer"][0]["encoding"]["color"]["scale"]["range"][2]
        == (charts.OKABE_ITO["bluish_green"])
    )
    assert charts.describe_economy(data) == (
        "Budsjett 2\xa0500\xa0000 kr, påløpt –, prognose 2\xa0750\xa0000 kr."
    )

"""Gevinster: per benefit baseline, target, latest measurement, progress and track status,
and the trend of one benefit against its straight planned path."""

from __future__ import annotations

import streamlit as st

from lib import charts
from lib.contract import BENEFIT_STATUSES
from pages import _ui

chosen = _ui.filters()
_ui.header("Gevinster", chosen)

if _ui.versions().empty:
    _ui.empty("Databasen er tom. Last opp gevinster og målinger under «Last opp».")
    st.stop()

rows = _ui.benefits(chosen)
if rows.empty:
    _ui.empty("Ingen gevinster passer med filtrene. Prøv å fjerne et filter i sidepanelet.")
    st.stop()

counts = rows["status"].value_counts()
_ui.metric_row([(status, int(counts.get(status, 0))) for status in BENEFIT_STATUSES])
st.caption(
    "Fremdrift = (siste måling − nullpunkt) / (målverdi − nullpunkt). På sporet: fremdriften "
    "er minst like stor som den rette linjen fra nullpunkt (nullpunktdato) til mål (måldato) "
    "tilsier på datoen for siste måling."
)

st.subheader("Utvikling", anchor=False)
keys = list(zip(rows["prosjekt_id"], rows["gevinst_id"], strict=True))
titles = dict(zip(keys, rows["gevinst"], strict=True))
chosen_key = st.selectbox(
    "Gevinst",
    keys,
    format_func=lambda key: f"{key[0]} · {key[1]} {titles[key]}",
    key="gevinst_valgt",
)
if chosen_key is not None:
    benefit = rows[(rows["prosjekt_id"] == chosen_key[0]) & (rows["gevinst_id"] == chosen_key[1])]
    benefit = benefit.iloc[0]
    measured = _ui.measurements(chosen_key[0], chosen_key[1], chosen.version)
    qualitative = charts.is_qualitative(benefit.type)
    trend = charts.benefit_trend_data(benefit, measured)
    unit = benefit.enhet if isinstance(benefit.enhet, str) else None
    if trend.empty:
        _ui.empty("Gevinsten har verken målinger eller nullpunkt og mål å tegne.")
    else:
        _ui.chart(
            _ui.chart_spec(
                "benefit_trend",
                trend,
                title=f"{benefit.gevinst_id} {benefit.gevinst}",
                unit=unit,
                qualitative=qualitative,
            ),
            _ui.shown_columns(trend, {"serie": "Serie", "dato": "Dato", "verdi": "Verdi"}),
            description=charts.describe_trend(benefit)
            + (" Kvalitativ gevinst, skala 1–5." if qualitative else ""),
            name=f"Gevinst {benefit.gevinst_id}",
            key="gevinsttrend",
        )

st.subheader("Alle gevinster", anchor=False)
shown = _ui.shown_columns(
    rows,
    {
        "prosjekt_id": "Prosjekt-ID",
        "gevinst_id": "Gevinst-ID",
        "gevinst": "Gevinst",
        "type": "Type",
        "enhet": "Måleenhet",
        "nullpunkt": "Nullpunkt",
        "nullpunktdato_brukt": "Nullpunktdato",
        "malverdi": "Målverdi",
        "maldato": "Måldato",
        "siste_verdi": "Siste måling",
        "siste_dato": "Målt dato",
        "fremdrift_prosent": "Fremdrift %",
        "planlagt_prosent": "Planlagt %",
        "status": "Status",
        "gevinsteier": "Gevinsteier",
    },
)
_ui.table(
    shown,
    "Gevinster",
    key="gevinstliste",
    column_config={
        "Fremdrift %": st.column_config.ProgressColumn(
            "Fremdrift %",
            format="%.0f %%",
            min_value=0,
            max_value=100,
            help="Andel av veien fra nullpunkt til mål, ved siste måling",
        ),
        "Planlagt %": st.column_config.NumberColumn(
            "Planlagt %", format="%.0f %%", help="Andel planen tilsier ved siste måling"
        ),
        "Nullpunktdato": st.column_config.DateColumn(
            "Nullpunktdato",
            format=_ui.DATE_FORMAT,
            help="Tom i arket: tidligste måling, ellers prosjektets startdato",
        ),
    },
)

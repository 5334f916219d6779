"""Anbefalinger: how many recommendations got each decision, and the list with the decision
as minuted, its date, who carries it out and when it took effect."""

from __future__ import annotations

import streamlit as st

from lib import charts
from pages import _ui

chosen = _ui.filters()
_ui.header("Anbefalinger", chosen)

if _ui.versions().empty:
    _ui.empty("Databasen er tom. Last opp anbefalinger og vedtak under «Last opp».")
    st.stop()

view = _ui.recommendations(chosen)
_ui.metric_row([(row.vedtak, int(row.antall)) for row in view.counts.itertuples(index=False)])
st.caption(_ui.escape(charts.describe_decisions(view.counts)))

st.subheader("Anbefalinger og vedtak", anchor=False)
if view.rows.empty:
    _ui.empty("Ingen anbefalinger passer med filtrene. Prøv å fjerne et filter i sidepanelet.")
    st.stop()

months = view.rows["evaluering"].map(
    lambda value: ", ".join(str(int(m)) for m in value) if value is not None else ""
)
shown = _ui.shown_columns(
    view.rows.assign(evaluering_tekst=months),
    {
        "prosjekt_id": "Prosjekt-ID",
        "anbefaling_id": "Anbefaling-ID",
        "anbefaling": "Anbefaling",
        "vedtak": "Vedtak",
        "vedtakstekst": "Vedtakstekst",
        "vedtaksdato": "Vedtaksdato",
        "ansvarlig": "Ansvarlig",
        "iverksatt": "Iverksatt",
        "evaluering_tekst": "Evaluering (måneder)",
    },
)
_ui.table(shown, "Anbefalinger", key="anbefalingsliste")

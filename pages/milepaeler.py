"""Milepæler: planned, forecast and done dates on a timeline, slippage in days, late flagged."""

from __future__ import annotations

import streamlit as st

from lib import charts
from lib.contract import MILESTONE_LATE, MILESTONE_STATUSES
from pages import _ui

chosen = _ui.filters()
_ui.header("Milepæler", chosen)

if _ui.versions().empty:
    _ui.empty("Databasen er tom. Last opp milepæler under «Last opp».")
    st.stop()

rows = _ui.milestones(chosen)
counts = rows["status"].value_counts()
_ui.metric_row([(status, int(counts.get(status, 0))) for status in MILESTONE_STATUSES])

if rows.empty:
    _ui.empty("Ingen milepæler passer med filtrene. Prøv å fjerne et filter i sidepanelet.")
    st.stop()

today = _ui.status_day(chosen.version)
timeline = charts.milestone_timeline_data(rows)
description = charts.describe_statuses(rows, "milepæler", MILESTONE_STATUSES)
drawn = timeline["rad"].nunique()
if drawn < len(rows):
    description += f" Figuren viser {drawn} av {len(rows)}: de forsinkede først."
_ui.chart(
    _ui.chart_spec("milestone_timeline", timeline, today=today, today_label=_ui.day_label(today)),
    _ui.shown_columns(
        timeline,
        {
            "rad": "Milepæl",
            "dato_type": "Dato gjelder",
            "dato": "Dato",
            "status": "Status",
            "avvik_dager": "Avvik (dager)",
        },
    ),
    description=f"{description} {_ui.day_note(today)}",
    name="Milepæler tidslinje",
    key="milepaeltidslinje",
)

st.subheader("Alle milepæler", anchor=False)
late = int(counts.get(MILESTONE_LATE, 0))
st.caption(
    f"{late} forsinket. Avvik = forventet dato (fullført, ellers prognose, men aldri før i dag) "
    "minus planlagt dato; positivt betyr forsinket."
)
shown = _ui.shown_columns(
    rows,
    {
        "prosjekt_id": "Prosjekt-ID",
        "milepael_id": "Milepæl-ID",
        "milepael": "Milepæl",
        "planlagt": "Planlagt",
        "prognose": "Prognose",
        "fullfort": "Fullført",
        "avvik_dager": "Avvik (dager)",
        "status": "Status",
        "ansvarlig": "Ansvarlig",
        "kriterium": "Kriterium",
    },
)
_ui.table(shown, "Milepæler", key="milepaelliste")

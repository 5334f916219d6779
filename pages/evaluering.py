"""Evaluering: the derived plan on a timeline with today marked, what is overdue or due within
30 days, supported recommendations without an Iverksatt date, and the due dates as .ics."""

from __future__ import annotations

import streamlit as st

from lib import charts
from lib.contract import (
    EVALUATION_DONE,
    EVALUATION_NO_DATE,
    EVALUATION_OVERDUE,
    EVALUATION_SOON,
    EVALUATION_SOON_DAYS,
    EVALUATION_STATUSES,
)
from lib.exports import ICS_MIME, evaluations_to_ics
from pages import _ui

chosen = _ui.filters()
_ui.header("Evaluering", chosen)

if _ui.versions().empty:
    _ui.empty("Databasen er tom. Last opp anbefalinger med iverksettingsdato under «Last opp».")
    st.stop()

plan = _ui.evaluations(chosen)
today = _ui.status_day(chosen.version)
counts = plan["status"].value_counts()
explained = {
    EVALUATION_SOON: f"Frist innen {EVALUATION_SOON_DAYS} dager",
    EVALUATION_OVERDUE: "Frist passert, ikke gjennomført",
    EVALUATION_NO_DATE: "Støttet, men uten iverksettingsdato: ingen frist kan beregnes",
}
_ui.metric_row(
    [(status, int(counts.get(status, 0)), explained.get(status)) for status in EVALUATION_STATUSES],
    widths=[1] * (len(EVALUATION_STATUSES) - 1) + [2],
)

if plan.empty:
    _ui.empty(
        "Ingen evalueringer passer med filtrene. Planen lages for anbefalinger med vedtak "
        "«Støttes» eller «Støttes delvis»."
    )
    st.stop()

PLAN_COLUMNS = {
    "prosjekt_id": "Prosjekt-ID",
    "anbefaling_id": "Anbefaling-ID",
    "anbefaling": "Anbefaling",
    "evaluering": "Evaluering (mnd)",
    "frist": "Frist",
    "status": "Status",
    "ansvarlig": "Ansvarlig",
    "iverksatt": "Iverksatt",
    "gjennomfort": "Gjennomført",
    "resultat": "Resultat",
}

dated = plan[plan["frist"].notna()]
if not dated.empty:
    timeline = charts.evaluation_timeline_data(dated)
    shown_rows = len(timeline)
    description = charts.describe_statuses(dated, "evalueringer med frist", EVALUATION_STATUSES)
    if shown_rows < len(dated):
        description += (
            f" Figuren viser {shown_rows} av {len(dated)}: de som haster først; "
            "hele planen står i listene."
        )
    _ui.chart(
        _ui.chart_spec(
            "evaluation_timeline", timeline, today=today, today_label=_ui.day_label(today)
        ),
        _ui.shown_columns(
            timeline,
            {"rad": "Anbefaling", "evaluering": "Evaluering", "frist": "Frist", "status": "Status"},
        ),
        description=f"{description} {_ui.day_note(today)}",
        name="Evalueringsplan",
        key="evalueringsplan",
    )

st.subheader(f"Forfalt eller innen {EVALUATION_SOON_DAYS} dager", anchor=False)
urgent = plan[plan["status"].isin([EVALUATION_OVERDUE, EVALUATION_SOON])]
if urgent.empty:
    _ui.empty("Ingen evalueringer er forfalt eller har frist de neste 30 dagene.")
else:
    _ui.table(
        _ui.shown_columns(urgent.sort_values("frist"), PLAN_COLUMNS),
        "Evalueringer som haster",
        key="haster",
    )

st.subheader("Støttede anbefalinger uten iverksettingsdato", anchor=False)
missing = plan[plan["status"] == EVALUATION_NO_DATE]
if missing.empty:
    _ui.empty("Alle støttede anbefalinger har iverksettingsdato.")
else:
    _ui.table(
        _ui.shown_columns(
            missing,
            {
                "prosjekt_id": "Prosjekt-ID",
                "anbefaling_id": "Anbefaling-ID",
                "anbefaling": "Anbefaling",
                "vedtak": "Vedtak",
                "ansvarlig": "Ansvarlig",
            },
        ),
        "Uten iverksettingsdato",
        key="uten_dato",
    )

st.subheader("Kalender", anchor=False)
upcoming = dated[dated["status"] != EVALUATION_DONE]
st.download_button(
    f"Last ned fristene som kalender (.ics, {len(upcoming)} hendelser)",
    data=lambda: evaluations_to_ics(upcoming),
    file_name=f"evalueringer-{today:%Y-%m-%d}.ics",
    mime=ICS_MIME,
    icon=":material/calendar_month:",
    on_click="ignore",
    disabled=upcoming.empty,
    key="ics",
)
st.caption("Heldagshendelser for evalueringer som ikke er gjennomført, med filtrene over.")

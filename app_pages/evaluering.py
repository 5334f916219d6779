"""Evaluering: the derived plan on a timeline with today marked, what is overdue or due within
30 days, supported recommendations without an Iverksatt date, and the due dates as .ics."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib import charts, queries
from lib.contract import (
    EVALUATION_DONE,
    EVALUATION_NO_DATE,
    EVALUATION_OVERDUE,
    EVALUATION_SOON,
    EVALUATION_SOON_DAYS,
    EVALUATION_STATUSES,
)
from lib.exports import ICS_MIME, evaluations_to_ics
from ui import data, filters, layout

#: The plan's columns come from both sheets: the recommendation's and the evaluation's.
SHEETS = ("anbefalinger", "evalueringer")
PLAN_COLUMNS = [
    "prosjekt_id",
    "anbefaling_id",
    "anbefaling",
    "evaluering",
    "frist",
    "status",
    "ansvarlig",
    "iverksatt",
    "gjennomfort",
    "resultat",
]


def main() -> None:
    chosen = filters.current()
    layout.header("Evaluering", chosen)
    if layout.nothing_readable(chosen):
        return
    if data.versions(chosen.readable).empty:
        layout.empty(
            "Databasen er tom. Last opp anbefalinger med iverksettingsdato under «Last opp»."
        )
        return
    day = data.status_day(chosen.version)
    plan = data.per_project(queries.evaluations)(chosen, day)
    show_counts(plan)
    if plan.empty:
        layout.empty(
            "Ingen evalueringer passer med filtrene. Planen lages for anbefalinger med vedtak "
            "«Støttes» eller «Støttes delvis»."
        )
        return
    dated = plan[plan["frist"].notna()]
    if not dated.empty:
        show_timeline(dated, day)
    show_urgent(plan)
    show_without_date(plan)
    show_calendar(dated, day)


def show_counts(plan: pd.DataFrame) -> None:
    counts = plan["status"].value_counts()
    explained = {
        EVALUATION_SOON: f"Frist innen {EVALUATION_SOON_DAYS} dager",
        EVALUATION_OVERDUE: "Frist passert, ikke gjennomført",
        EVALUATION_NO_DATE: "Støttet, men uten iverksettingsdato: ingen frist kan beregnes",
    }
    layout.metric_row(
        [
            (status, int(counts.get(status, 0)), explained.get(status))
            for status in EVALUATION_STATUSES
        ]
    )


def show_timeline(dated: pd.DataFrame, day: dt.date) -> None:
    """The evaluations with a due date on a timeline, the most urgent first."""
    timeline = charts.evaluation_timeline_data(dated)
    description = charts.describe_statuses(dated, "evalueringer med frist", EVALUATION_STATUSES)
    if len(timeline) < len(dated):
        description += (
            f" Figuren viser {len(timeline)} av {len(dated)}: de som haster først; "
            "hele planen står i listene."
        )
    layout.chart(
        layout.chart_spec(
            charts.evaluation_timeline, timeline, today=day, today_label=layout.day_label(day)
        ),
        layout.headed(
            timeline,
            SHEETS,
            ["rad", "evaluering", "frist", "status"],
            {"rad": layout.heading("anbefalinger", "anbefaling")},
        ),
        description=f"{description} {layout.day_note(day)}",
        name="Evalueringsplan",
        key="evalueringsplan",
    )


def show_urgent(plan: pd.DataFrame) -> None:
    st.subheader(f"Forfalt eller innen {EVALUATION_SOON_DAYS} dager", anchor=False)
    urgent = plan[plan["status"].isin([EVALUATION_OVERDUE, EVALUATION_SOON])]
    if urgent.empty:
        layout.empty(
            f"Ingen evalueringer er forfalt eller har frist de neste {EVALUATION_SOON_DAYS} dagene."
        )
        return
    layout.table(
        layout.headed(urgent.sort_values("frist"), SHEETS, PLAN_COLUMNS),
        "Evalueringer som haster",
        key="haster",
        first=fitted(
            {
                "prosjekt_id": 110,
                "anbefaling_id": 50,
                "anbefaling": 200,
                "evaluering": 85,
                "frist": 95,
                "status": 80,
                "ansvarlig": 120,
            }
        ),
        short={layout.heading(SHEETS, "anbefaling_id"): "ID"},
    )


def show_without_date(plan: pd.DataFrame) -> None:
    st.subheader("Støttede anbefalinger uten iverksettingsdato", anchor=False)
    missing = plan[plan["status"] == EVALUATION_NO_DATE]
    if missing.empty:
        layout.empty("Alle støttede anbefalinger har iverksettingsdato.")
        return
    layout.table(
        layout.headed(
            missing, SHEETS, ["prosjekt_id", "anbefaling_id", "anbefaling", "vedtak", "ansvarlig"]
        ),
        "Uten iverksettingsdato",
        key="uten_dato",
        first=fitted(
            {"prosjekt_id": 110, "anbefaling_id": 50, "anbefaling": 250, "vedtak": 120}
            | {"ansvarlig": 150}
        ),
        short={layout.heading(SHEETS, "anbefaling_id"): "ID"},
    )


def show_calendar(dated: pd.DataFrame, day: dt.date) -> None:
    st.subheader("Kalender", anchor=False)
    upcoming = dated[dated["status"] != EVALUATION_DONE]
    st.download_button(
        f"Last ned fristene som kalender (.ics, {len(upcoming)} hendelser)",
        data=lambda: evaluations_to_ics(upcoming),
        file_name=f"evalueringer-{day:%Y-%m-%d}.ics",
        mime=ICS_MIME,
        icon=":material/calendar_month:",
        on_click="ignore",
        disabled=upcoming.empty,
        key="ics",
    )
    st.caption("Heldagshendelser for evalueringer som ikke er gjennomført, med filtrene over.")


def fitted(widths: dict[str, int]) -> dict[str, int]:
    """The plan's headings with their widths on a 1280-pixel screen."""
    return {layout.heading(SHEETS, column): width for column, width in widths.items()}


main()

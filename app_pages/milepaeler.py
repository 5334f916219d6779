"""Milepæler: planned, forecast and done dates on a timeline, slippage in days, late flagged."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib import charts, queries
from lib.contract import MILESTONE_LATE, MILESTONE_STATUSES
from ui import data, filters, layout


def main() -> None:
    chosen = filters.current()
    layout.header("Milepæler", chosen)
    if data.versions().empty:
        layout.empty("Databasen er tom. Last opp milepæler under «Last opp».")
        return
    day = data.status_day(chosen.version)
    rows = data.cached(queries.milestones)(chosen, day)
    counts = rows["status"].value_counts()
    layout.metric_row([(status, int(counts.get(status, 0))) for status in MILESTONE_STATUSES])
    if rows.empty:
        layout.empty("Ingen milepæler passer med filtrene. Prøv å fjerne et filter i sidepanelet.")
        return
    show_timeline(rows, day)
    show_list(rows, late=int(counts.get(MILESTONE_LATE, 0)))


def show_timeline(rows: pd.DataFrame, day: dt.date) -> None:
    """Planned, forecast and done dates; the late ones first when not all fit."""
    timeline = charts.milestone_timeline_data(rows)
    description = charts.describe_statuses(rows, "milepæler", MILESTONE_STATUSES)
    drawn = timeline["rad"].nunique()
    if drawn < len(rows):
        description += f" Figuren viser {drawn} av {len(rows)}: de forsinkede først."
    layout.chart(
        layout.chart_spec(
            charts.milestone_timeline, timeline, today=day, today_label=layout.day_label(day)
        ),
        layout.headed(
            timeline,
            "milepaeler",
            ["rad", "dato_type", "dato", "status", "avvik_dager"],
            {"rad": layout.heading("milepaeler", "milepael")},
        ),
        description=f"{description} {layout.day_note(day)}",
        name="Milepæler tidslinje",
        key="milepaeltidslinje",
    )


def show_list(rows: pd.DataFrame, *, late: int) -> None:
    st.subheader("Alle milepæler", anchor=False)
    st.caption(
        f"{late} forsinket. Avvik = forventet dato (fullført, ellers prognose, men aldri før i "
        "dag) minus planlagt dato; positivt betyr forsinket."
    )
    shown = layout.headed(
        rows,
        "milepaeler",
        [
            "prosjekt_id",
            "milepael_id",
            "milepael",
            "planlagt",
            "prognose",
            "fullfort",
            "avvik_dager",
            "status",
            "ansvarlig",
            "kriterium",
        ],
    )
    layout.table(
        shown,
        "Milepæler",
        key="milepaelliste",
        first={
            layout.heading("milepaeler", column): width
            for column, width in (
                ("prosjekt_id", 110),
                ("milepael_id", 50),
                ("milepael", 200),
                ("planlagt", 95),
                ("prognose", 95),
                ("avvik_dager", 70),
                ("status", 100),
            )
        },
        short={
            layout.heading("milepaeler", "milepael_id"): "ID",
            layout.heading("milepaeler", "avvik_dager"): "Avvik",
        },
    )


main()

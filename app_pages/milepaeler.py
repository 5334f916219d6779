"""Milepæler: planned, forecast and done dates on a timeline, slippage in days, late flagged.

Late and upcoming milestones come first, in the figure and in the list; the completed ones are
folded away (a toggle in the figure, an expander under the list), faded when shown.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib import charts, queries
from lib.contract import MILESTONE_DONE, MILESTONE_LATE, MILESTONE_STATUSES
from ui import data, filters, layout


def main() -> None:
    chosen = filters.current()
    layout.header("Milepæler", chosen)
    if layout.nothing_readable(chosen):
        return
    if data.versions(chosen.readable).empty:
        layout.empty("Databasen er tom. Last opp milepæler under «Last opp».")
        return
    day = data.status_day(chosen.version)
    rows = data.per_project(queries.milestones)(chosen, day)
    counts = rows["status"].value_counts()
    layout.metric_row([(status, int(counts.get(status, 0))) for status in MILESTONE_STATUSES])
    if rows.empty:
        layout.empty("Ingen milepæler passer med filtrene. Prøv å fjerne et filter i sidepanelet.")
        return
    rows = charts.milestones_in_meeting_order(rows)
    show_timeline(rows, day)
    show_list(rows, late=int(counts.get(MILESTONE_LATE, 0)))


def show_timeline(rows: pd.DataFrame, day: dt.date) -> None:
    """Late and upcoming milestones on a timeline; the completed ones after a click, faded."""
    done = int((rows["status"] == MILESTONE_DONE).sum())
    with_done = st.toggle(
        f"Vis fullførte milepæler i figuren ({done})",
        key="med_fullforte",
        bind="query-params",  # a copied link shows the same figure
        disabled=done == 0,
        help="Fullførte milepæler vises svakere, under de forsinkede og kommende.",
    )
    shown = rows if with_done else rows[rows["status"] != MILESTONE_DONE]
    if shown.empty:
        layout.empty("Alle milepælene er fullført. Slå på bryteren over for å se dem.")
        return
    timeline = charts.milestone_timeline_data(shown)
    description = charts.describe_statuses(shown, "milepæler", MILESTONE_STATUSES)
    drawn = timeline["rad"].nunique()
    if drawn < len(shown):
        description += f" Figuren viser {drawn} av {len(shown)}: de forsinkede først."
    if not with_done and done:
        description += f" {done} fullførte vises ikke."
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


#: The list's columns, and those (with their widths) that fit a 1280-pixel screen.
LIST_COLUMNS = [
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
]
FIRST = {
    "prosjekt_id": 110,
    "milepael_id": 50,
    "milepael": 200,
    "planlagt": 95,
    "prognose": 95,
    "avvik_dager": 70,
    "status": 100,
}


def show_list(rows: pd.DataFrame, *, late: int) -> None:
    """Late and upcoming first; the completed ones folded away under them."""
    st.subheader("Forsinkede og kommende milepæler", anchor=False)
    st.caption(
        f"{late} forsinket. Avvik = forventet dato (fullført, ellers prognose, men aldri før i "
        "dag) minus planlagt dato; positivt betyr forsinket."
    )
    done = rows["status"] == MILESTONE_DONE
    if done.all():
        layout.empty("Ingen milepæler gjenstår: alle er fullført.")
    else:
        milestone_table(rows[~done], "Milepæler som gjenstår", key="milepaelliste")
    if done.any():
        with st.expander(f"Fullførte milepæler ({int(done.sum())})", icon=":material/done_all:"):
            milestone_table(rows[done], "Fullførte milepæler", key="fullforte_milepaeler")


def milestone_table(rows: pd.DataFrame, name: str, *, key: str) -> None:
    layout.table(
        layout.headed(rows, "milepaeler", LIST_COLUMNS),
        name,
        key=key,
        first={layout.heading("milepaeler", column): width for column, width in FIRST.items()},
        short={
            layout.heading("milepaeler", "milepael_id"): "ID",
            layout.heading("milepaeler", "avvik_dager"): "Avvik",
        },
    )


main()

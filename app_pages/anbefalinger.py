"""Anbefalinger: how many recommendations got each decision, and the list with the decision
as minuted, its date, who carries it out and when it took effect."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import charts, queries
from ui import data, filters, layout
from ui.text import escape


def main() -> None:
    chosen = filters.current()
    layout.header("Anbefalinger", chosen)
    if layout.nothing_readable(chosen):
        return
    if data.versions(chosen.readable).empty:
        layout.empty("Databasen er tom. Last opp anbefalinger og vedtak under «Last opp».")
        return
    view = data.per_project(queries.recommendations)(chosen)
    layout.metric_row(
        [(row.vedtak, int(row.antall)) for row in view.counts.itertuples(index=False)]
    )
    st.caption(escape(charts.describe_decisions(view.counts)))
    show_list(view.rows)


def show_list(rows: pd.DataFrame) -> None:
    """Every recommendation with its decision; the evaluation months as «6, 12»."""
    st.subheader("Anbefalinger og vedtak", anchor=False)
    if rows.empty:
        layout.empty(
            "Ingen anbefalinger passer med filtrene. Prøv å fjerne et filter i sidepanelet."
        )
        return
    months = rows["evaluering"].map(
        lambda value: ", ".join(str(int(m)) for m in value) if value is not None else ""
    )
    shown = layout.headed(
        rows.assign(evaluering=months),
        "anbefalinger",
        [
            "prosjekt_id",
            "anbefaling_id",
            "anbefaling",
            "vedtak",
            "vedtakstekst",
            "vedtaksdato",
            "ansvarlig",
            "iverksatt",
            "evaluering",
        ],
    )
    layout.table(
        shown,
        "Anbefalinger",
        key="anbefalingsliste",
        first={
            layout.heading("anbefalinger", column): width
            for column, width in (
                ("prosjekt_id", 110),
                ("anbefaling_id", 50),
                ("anbefaling", 180),
                ("vedtak", 110),
                ("vedtakstekst", 200),
                ("ansvarlig", 100),
            )
        },
        short={layout.heading("anbefalinger", "anbefaling_id"): "ID"},
    )


main()

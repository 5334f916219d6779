"""Gevinster: per benefit baseline, target, latest measurement, progress and track status,
and the trend of one benefit against its straight planned path."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import charts, queries
from lib.contract import BENEFIT_STATUSES
from lib.queries import Filters
from ui import data, filters, layout


def main() -> None:
    chosen = filters.current()
    layout.header("Gevinster", chosen)
    if layout.nothing_readable(chosen):
        return
    if data.versions(chosen.readable).empty:
        layout.empty("Databasen er tom. Last opp gevinster og målinger under «Last opp».")
        return
    rows = data.per_project(queries.benefits)(chosen, data.status_day(chosen.version))
    if rows.empty:
        layout.empty("Ingen gevinster passer med filtrene. Prøv å fjerne et filter i sidepanelet.")
        return
    counts = rows["status"].value_counts()
    layout.metric_row([(status, int(counts.get(status, 0))) for status in BENEFIT_STATUSES])
    st.caption(
        "Fremdrift = (siste måling − nullpunkt) / (målverdi − nullpunkt). På sporet: "
        "fremdriften er minst like stor som den rette linjen fra nullpunkt (nullpunktdato) til "
        "mål (måldato) tilsier på datoen for siste måling."
    )
    show_trend(rows, chosen)
    show_list(rows)


#: The label of the project list above the chart.
BENEFITS_IN_PROJECT = "Gevinster i prosjekt"


def show_trend(rows: pd.DataFrame, chosen: Filters) -> None:
    """One benefit, chosen in a list, against its straight planned path."""
    st.subheader("Utvikling", anchor=False)
    # A project first, then its benefits: one list of every benefit in the portfolio (8,000
    # at 40 projects) was sent and drawn on every rerun, and made a filter change 200 ms
    # slower (benchmarks/filter_round_trip.py).
    projects = list(dict.fromkeys(rows["prosjekt_id"]))
    where = st
    if len(projects) > 1:
        left, where = st.columns([1, 2])
        project = left.selectbox(BENEFITS_IN_PROJECT, projects, key="gevinst_prosjekt")
        rows = rows[rows["prosjekt_id"] == project]
    keys = list(zip(rows["prosjekt_id"], rows["gevinst_id"], strict=True))
    titles = dict(zip(keys, rows["gevinst"], strict=True))
    picked = where.selectbox(
        "Gevinst",
        keys,
        format_func=lambda key: f"{key[0]} · {key[1]} {titles[key]}",
        key="gevinst_valgt",
    )
    if picked is None:
        return
    project, benefit_id = picked
    benefit = rows[(rows["prosjekt_id"] == project) & (rows["gevinst_id"] == benefit_id)].iloc[0]
    measured = data.cached(queries.measurements)(
        project, benefit_id, chosen.version, readable=chosen.readable
    )
    qualitative = charts.is_qualitative(benefit.type)
    trend = charts.benefit_trend_data(benefit, measured)
    if trend.empty:
        layout.empty("Gevinsten har verken målinger eller nullpunkt og mål å tegne.")
        return
    layout.chart(
        layout.chart_spec(
            charts.benefit_trend,
            trend,
            title=f"{benefit.gevinst_id} {benefit.gevinst}",
            unit=benefit.enhet if isinstance(benefit.enhet, str) else None,
            qualitative=qualitative,
        ),
        layout.headed(trend, "malinger", ["serie", "dato", "verdi"]),
        description=charts.describe_trend(benefit)
        + (" Kvalitativ gevinst, skala 1–5." if qualitative else ""),
        name=f"Gevinst {benefit.gevinst_id}",
        key="gevinsttrend",
    )


#: The columns of queries.BENEFIT_COLUMNS the list does not show, to fit the screen.
LIST_LEAVES_OUT = ("maleindikator", "planlagt_verdi", "antall_malinger", "effektmal")


def show_list(rows: pd.DataFrame) -> None:
    st.subheader("Alle gevinster", anchor=False)
    shown = layout.headed(
        rows, "gevinster", [c for c in queries.BENEFIT_COLUMNS if c not in LIST_LEAVES_OUT]
    )
    progress, planned, baseline_date = (
        layout.heading("gevinster", column)
        for column in ("fremdrift_prosent", "planlagt_prosent", "nullpunktdato_brukt")
    )
    layout.table(
        shown,
        "Gevinster",
        key="gevinstliste",
        first={
            layout.heading("gevinster", column): width
            for column, width in (
                ("prosjekt_id", 110),
                ("gevinst_id", 45),
                ("gevinst", 210),
                ("fremdrift_prosent", 120),
                ("planlagt_prosent", 90),
                ("status", 130),
            )
        },
        short={layout.heading("gevinster", "gevinst_id"): "ID"},
        column_config={
            progress: st.column_config.ProgressColumn(
                progress,
                format="%.0f %%",
                min_value=0,
                max_value=100,
                help="Andel av veien fra nullpunkt til mål, ved siste måling",
            ),
            planned: st.column_config.NumberColumn(
                planned, format="%.0f %%", help="Andel planen tilsier ved siste måling"
            ),
            baseline_date: st.column_config.DateColumn(
                baseline_date,
                format=layout.DATE_FORMAT,
                help="Tom i arket: tidligste måling, ellers prosjektets startdato",
            ),
        },
    )


main()

"""Oversikt: what the database holds now, per sheet, and the latest versions."""

from __future__ import annotations

import streamlit as st

from lib.contract import SHEETS
from pages import _ui

st.title("Styringsrom")
versions = _ui.versions()
if versions.empty:
    st.info("Databasen er tom. Last opp en arbeidsbok, eller kjør `python -m lib.cli demo`.")
    st.stop()

latest = versions.iloc[0]
st.caption(
    f"Versjon {latest.version} · lagret {latest.created_at:%d.%m.%Y %H:%M}"
    + (f" av {latest.created_by}" if isinstance(latest.created_by, str) else "")
)
columns = st.columns(len(SHEETS))
for column, sheet in zip(columns, SHEETS, strict=True):
    column.metric(sheet.name, len(_ui.sheet(sheet.key)))

st.subheader("Evalueringsplan")
plan = _ui.evaluation_plan()
if plan.empty:
    st.info("Ingen støttede anbefalinger med evalueringspunkter ennå.")
else:
    counts = plan["status"].value_counts()
    status_columns = st.columns(len(counts))
    for column, (status, count) in zip(status_columns, counts.items(), strict=True):
        column.metric(str(status), int(count))

st.subheader("Siste versjoner")
shown = versions.head(10)[["version", "created_at", "created_by", "file_name", "kind"]]
st.dataframe(
    shown.rename(
        columns={
            "version": "Versjon",
            "created_at": "Tidspunkt",
            "created_by": "Lastet opp av",
            "file_name": "Fil",
            "kind": "Type",
        }
    ),
    hide_index=True,
)

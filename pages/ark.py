"""Arkene: the current rows of each sheet, exactly as stored."""

from __future__ import annotations

import streamlit as st

from lib.contract import SHEETS, SHEETS_BY_KEY
from pages import _ui

st.title("Arkene")
key = st.segmented_control(
    "Ark",
    [sheet.key for sheet in SHEETS],
    format_func=lambda key: SHEETS_BY_KEY[key].name,
    default="risiko",
    key="ark",
)
key = key or "risiko"
rows = _ui.sheet(key)
if rows.empty:
    st.info(f"Arket {SHEETS_BY_KEY[key].name} har ingen rader ennå.")
else:
    st.caption(f"{len(rows)} rader")
    st.dataframe(_ui.labelled(rows, key), hide_index=True)

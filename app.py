"""Styringsrom: the router. Page setup, the database on first start, and the page list."""

from __future__ import annotations

import streamlit as st

from pages import _ui

st.set_page_config(page_title="Styringsrom", page_icon=":material/explore:", layout="wide")

_ui.ensure_database()

navigation = st.navigation(
    [
        st.Page("pages/oversikt.py", title="Oversikt", icon=":material/dashboard:", default=True),
        st.Page("pages/ark.py", title="Arkene", icon=":material/table:", url_path="ark"),
    ]
)
navigation.run()

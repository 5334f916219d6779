"""Styringsrom: the router. Page setup, the database on first start, the shared filters, pages."""

from __future__ import annotations

import streamlit as st

from pages import _ui

st.set_page_config(
    page_title="Styringsrom",
    page_icon=":material/explore:",
    layout="wide",
    initial_sidebar_state="expanded",
)

_ui.ensure_database()

navigation = st.navigation(
    {
        "Styringsgruppen": [
            st.Page(
                "pages/oversikt.py", title="Oversikt", icon=":material/dashboard:", default=True
            ),
            st.Page(
                "pages/risiko.py", title="Risiko", icon=":material/warning:", url_path="risiko"
            ),
            st.Page(
                "pages/gevinster.py",
                title="Gevinster",
                icon=":material/trending_up:",
                url_path="gevinster",
            ),
            st.Page(
                "pages/anbefalinger.py",
                title="Anbefalinger",
                icon=":material/gavel:",
                url_path="anbefalinger",
            ),
            st.Page(
                "pages/evaluering.py",
                title="Evaluering",
                icon=":material/event_available:",
                url_path="evaluering",
            ),
            st.Page(
                "pages/milepaeler.py",
                title="Milepæler",
                icon=":material/flag:",
                url_path="milepaeler",
            ),
        ],
        "Data": [
            st.Page(
                "pages/last_opp.py",
                title="Last opp",
                icon=":material/upload_file:",
                url_path="last_opp",  # = the file name: deep links to pages/ must match
            ),
            st.Page(
                "pages/historikk.py",
                title="Historikk",
                icon=":material/history:",
                url_path="historikk",
            ),
        ],
    }
)
# The filters are created here, before the page runs, so every page shares them and they
# survive page changes; they are bound to the URL, so a copied link opens the same view.
_ui.sidebar_filters()
navigation.run()

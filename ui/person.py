"""Who is at the keyboard: the «Ditt navn» field of Last opp and Historikk.

The name is stored with a version, a restore or a meeting lock. There is no sign-in here, so
the name a person gives is remembered in the session while the app is open.
"""

from __future__ import annotations

import streamlit as st

#: Session-state key of the name a person gave; survives page changes (widget keys do not).
NAME_KEY = "ditt_navn"
#: The field's own widget key, dropped by Streamlit when a page without the field runs.
NAME_FIELD_KEY = "_ditt_navn_felt"
NAME_MAX = 100


def _tidy(value: object) -> str:
    return " ".join(str(value or "").split())


def your_name(help_text: str = "Lagres i historikken sammen med versjonen.") -> str:
    """The «Ditt navn» field, remembered in session state while the app is open."""
    if NAME_FIELD_KEY not in st.session_state:
        st.session_state[NAME_FIELD_KEY] = st.session_state.get(NAME_KEY, "")
    value = st.text_input(
        "Ditt navn",
        key=NAME_FIELD_KEY,
        max_chars=NAME_MAX,
        placeholder="Fornavn Etternavn",
        help=help_text + " Huskes mens du har appen åpen (innlogging er ikke satt opp her).",
        icon=":material/person:",
    )
    name = _tidy(value)
    st.session_state[NAME_KEY] = name
    return name


def current_name() -> str:
    """The name in the «Ditt navn» field now (callbacks run before the field is drawn)."""
    return _tidy(st.session_state.get(NAME_FIELD_KEY, st.session_state.get(NAME_KEY, "")))

"""Who is at the keyboard: the «Ditt navn» field of Last opp and Historikk, or the signed-in
user's name.

The name is stored with a version, a restore or a meeting lock. Signed in (`[auth]` in the
secrets), it is the token's and only shown («Lagres som …»): nobody types who they are. In
local mode (no sign-in) the name a person gives in «Ditt navn» is remembered in the session
while the app is open, and is the local actor's name (ui/auth.actor).
"""

from __future__ import annotations

import streamlit as st

from ui.text import escape

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


def who_acts(help_text: str = "Lagres i historikken sammen med versjonen.") -> str:
    """The name saved with what this person does: signed in, the token's, shown; in local
    mode, the «Ditt navn» field. "" when there is none yet (nothing typed, not signed in)."""
    from ui import auth  # ui.auth reads this module's field: imported when first asked

    if not auth.sign_in_configured():
        return your_name(help_text)
    actor = auth.actor()
    if actor is None:
        st.caption("Logg inn for å lagre noe.")
        return ""
    st.caption(f"Lagres som {escape(actor.name)}, fra innloggingen.")
    return actor.name

"""Who is using the app: the signed-in user (st.login, OIDC), or, without `[auth]` in the
secrets, the person at this machine (local mode: every role, the name from «Ditt navn»).

Pages and ui/ ask here and nowhere else: `actor()` for the user behind an action,
`permissions()` for what they may do and see. lib/ enforces it again on every write.
"""

from __future__ import annotations

import streamlit as st

from lib import access
from ui import data, person


def sign_in_configured() -> bool:
    """Whether `[auth]` is set in .streamlit/secrets.toml (else: local mode)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        return False


def actor() -> access.Actor:
    """The user behind what this session does."""
    return access.Actor.on_this_machine(person.current_name() or None)


def permissions() -> access.Permissions:
    """What the session's user may do and read (every role in local mode)."""
    return access.permissions(data.db_path(), actor())

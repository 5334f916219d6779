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


def actor() -> access.Actor | None:
    """The user behind what this session does; None when sign-in is set up and nobody has
    signed in yet."""
    if not sign_in_configured():
        return access.Actor.on_this_machine(person.current_name() or None)
    if not st.user.get("is_logged_in"):
        return None
    claims = st.user.to_dict()
    email = claims.get("email") or claims.get("preferred_username")
    subject = claims.get("oid") or claims.get("sub") or email
    return access.Actor(
        subject=str(subject),
        name=str(claims.get("name") or email or subject),
        email=str(email) if email else None,
        token_roles=access.roles_from_token(claims.get("roles")),
    )


def permissions() -> access.Permissions:
    """What the session's user may do and read (every role in local mode; nothing at all
    before sign-in)."""
    who = actor()
    if who is None:
        return access.Permissions(access.Actor(subject="", name="Ikke innlogget"))
    return access.permissions(data.db_path(), who, configured_admins())


def configured_admins() -> tuple[str, ...]:
    """The first admins named in the secrets: `[styringsrom] admin = ["ola@kommune.no"]`."""
    if not sign_in_configured():
        return ()
    named = st.secrets.get("styringsrom", {}).get("admin", ())
    return (named,) if isinstance(named, str) else tuple(named)

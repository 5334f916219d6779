"""Who is using the app: the signed-in user (st.login, OIDC), or, without `[auth]` in the
secrets, the person at this machine (local mode: every role, the name from «Ditt navn»).

Pages and ui/ ask here and nowhere else: `actor()` for the user behind an action,
`permissions()` for what they may do and see. lib/ enforces it again on every write.

app.py asks `admit()` first, before any data is read: it draws the sign-in screen (sign-in set
up, nobody signed in), the refusal of a request from another machine (local mode), or what is
wrong with `[auth]` (no cookie secret), and says whether the app may go on.

How long a sign-in lasts is Streamlit's: the identity cookie `_streamlit_user` is signed with
`cookie_secret` and kept by the browser for `SIGN_IN_LASTS_DAYS` days (Max-Age 2 592 000 s in
Streamlit 1.67); Streamlit does not look at the provider's token lifetime after sign-in. «Logg ut»
(st.logout) deletes the cookie and ends the session at once, and also at the provider when it
has an end-session address (Entra ID has).
"""

from __future__ import annotations

import ipaddress

import streamlit as st

from lib import access
from lib.db import StoreError, StoreUnavailable
from ui import data, person
from ui.text import escape

#: How long a browser stays signed in without «Logg ut»: the max-age of Streamlit's identity
#: cookie (streamlit/web/server/starlette/starlette_server_config.py,
#: AUTH_COOKIE_MAX_AGE_SECONDS = 30 days). tests/test_auth.py checks the two agree.
SIGN_IN_LASTS_DAYS = 30
#: A cookie secret shorter than this is refused: it signs the identity cookie, so a short one
#: can be guessed and a sign-in forged. `openssl rand -hex 32` gives 64 characters.
MIN_COOKIE_SECRET = 32
#: What `[auth]` must name for the one provider st.login() uses.
REQUIRED_AUTH_KEYS = (
    "redirect_uri",
    "cookie_secret",
    "client_id",
    "client_secret",
    "server_metadata_url",
)
#: The sidebar's words without sign-in.
LOCAL_MODE = "Lokal modus – ingen innlogging"
LOCAL_ONLY = (
    "Lokal modus: appen kan bare brukes fra maskinen den kjører på. Sett opp innlogging "
    "(se README) for å dele den."
)
SIGN_IN_PROMPT = "Logg inn med organisasjonskontoen din"
#: Session state: the subject whose sign-in is in the audit trail (once per session).
_RECORDED = "_innlogging_registrert"


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


#: In local mode, what is stored names who did it: the name in «Ditt navn» must be given.
NO_NAME = "Skriv navnet ditt i «Ditt navn» før du {what}."


def acting() -> access.Actor | None:
    """Who stores something (a lock, a restore, a meeting, a decision): the signed-in user,
    or in local mode the person named in «Ditt navn» (None when nobody is: not signed in, or
    no name typed)."""
    who = actor()
    if who is None or (who.local and not person.current_name()):
        return None
    return who


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


# --- The gate before any data -----------------------------------------------------------------


def configuration_problem() -> str | None:
    """What is wrong with `[auth]`, in Norwegian; None when it is usable or not set at all."""
    if not sign_in_configured():
        return None
    section = st.secrets["auth"]
    missing = [key for key in REQUIRED_AUTH_KEYS if not str(section.get(key) or "").strip()]
    if missing:
        listed = ", ".join(f"«{key}»" for key in missing)
        return (
            f"Innlogging er satt opp i .streamlit/secrets.toml ([auth]), men mangler {listed}. "
            "Appen starter ikke uten: fyll inn feltene (se .streamlit/secrets.toml.example og "
            "README) og start appen på nytt."
        )
    secret = str(section.get("cookie_secret"))
    if len(secret) < MIN_COOKIE_SECRET:
        return (
            f"«cookie_secret» i .streamlit/secrets.toml ([auth]) er for kort: {len(secret)} tegn, "
            f"minst {MIN_COOKIE_SECRET} trengs. Den signerer innloggingen, så en kort verdi kan "
            "gjettes. Lag en ny med «openssl rand -hex 32» og start appen på nytt."
        )
    return None


def is_loopback(address: object) -> bool:
    """Whether a request came from this machine. Streamlit gives no address (None) for a
    browser on localhost, and AppTest a stand-in object that is no text; an address that
    cannot be read counts as another machine."""
    if not isinstance(address, str):
        return True
    try:
        parsed = ipaddress.ip_address(address.strip().strip("[]").split("%")[0])
    except ValueError:
        return False
    mapped = getattr(parsed, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return bool((mapped or parsed).is_loopback)


def admit() -> bool:
    """Whether this session may use the app. When not, draws what it gets instead (and
    nothing of the data): the sign-in screen, the local-only refusal, or a broken `[auth]`."""
    problem = configuration_problem()
    if problem:
        st.title("Innloggingen er ikke satt opp riktig", anchor=False)
        st.error(escape(problem), icon=":material/lock:")
        return False
    if not sign_in_configured():
        if is_loopback(st.context.ip_address):
            return True
        st.title("Styringsrom", anchor=False)
        st.warning(LOCAL_ONLY, icon=":material/lock:")
        return False
    if actor() is not None:
        return True
    sign_in_screen()
    return False


def sign_in_screen() -> None:
    st.title("Styringsrom", anchor=False)
    st.subheader(SIGN_IN_PROMPT, anchor=False)
    st.write(
        "Du får se prosjektene du har tilgang til. Innloggingen varer til du logger ut, eller "
        f"i opptil {SIGN_IN_LASTS_DAYS} dager i denne nettleseren."
    )
    if st.button("Logg inn", type="primary", icon=":material/login:"):
        st.login()


def record_sign_in() -> None:
    """Store the user and put «innlogging» in the audit trail, once per session. A database
    that cannot be written (read-only, damaged) does not stop the sign-in."""
    who = actor()
    if who is None or who.local or st.session_state.get(_RECORDED) == who.subject:
        return
    try:
        access.signed_in(data.db_path(), who)
    except StoreUnavailable:
        pass  # read-only or damaged: it stays so, so the next run need not try again
    except StoreError:
        return  # busy with another write: try again on the next run
    st.session_state[_RECORDED] = who.subject


def sidebar() -> None:
    """Who is using the app, at the top of the sidebar: the name and «Logg ut», or local mode."""
    who = actor()
    with st.sidebar:
        if who is None:
            return
        if who.local:
            st.info(LOCAL_MODE, icon=":material/lock_open:")
            return
        st.markdown(f"Innlogget som **{escape(who.name)}**")
        if who.email and who.email != who.name:
            st.caption(escape(who.email))
        if st.button("Logg ut", icon=":material/logout:", key="logg_ut"):
            st.logout()


def no_access() -> None:
    """Instead of the page: signed in, but no role for any project."""
    st.title("Ingen tilgang ennå", anchor=False)
    st.info(
        "Du er logget inn, men har ikke tilgang til noen prosjekter. Be en administrator om "
        "tilgang; hen trenger e-postadressen din.",
        icon=":material/lock:",
    )

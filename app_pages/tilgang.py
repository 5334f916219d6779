"""Tilgang (admins only): who has which role for which project, who has signed in, giving and
removing a role.

Every change goes through lib.access.grant/revoke, which check again that the acting user is
an admin and put the change in the audit trail. User text (names, e-mail addresses) is shown in
tables (st.dataframe), which draw it as text, never as markdown or HTML.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import access, queries
from lib.db import StoreError
from ui import auth, data
from ui.text import escape

ALL_PROJECTS_LABEL = "Alle prosjekter"
TIME_FORMAT = "DD.MM.YYYY HH:mm"
# Session-state keys of this page.
MESSAGE = "tilgang_melding"  # ("ok" | "error", text): the last action's outcome, shown once
WHO, ROLE, PROJECT = "tilgang_hvem", "tilgang_rolle", "tilgang_prosjekt"  # the form's fields
REMOVE = "tilgang_fjern"  # the grant chosen to remove (a widget)

#: What each role may do, for the form's help text.
ROLE_HELP = (
    "leser: ser prosjektet. opplaster: laster opp for prosjektet (og ser det). møteleder: låser "
    "versjoner for møter, sakliste og vedtak (og ser prosjektet). admin: alt, for alle "
    "prosjekter, også tilgang og gjenoppretting."
)


def main() -> None:
    st.title("Tilgang", anchor=False)
    allowed = auth.permissions()
    if not allowed.is_admin:
        st.warning(
            "Krever rollen admin. Be en administrator om tilgang hvis du trenger denne siden.",
            icon=":material/lock:",
        )
        return
    st.caption(
        "Hvem som kan se og gjøre hva, per prosjekt. Endringer lagres i revisjonssporet med "
        "navnet ditt. Roller kan også komme fra innloggingen (app-roller i Entra ID) og fra "
        "første administrator i secrets.toml eller STYRINGSROM_ADMIN."
    )
    if not auth.sign_in_configured():
        st.info(
            "Lokal modus: innlogging er ikke satt opp, så tilgangene under gjelder først når "
            "appen kjører med innlogging (se README).",
            icon=":material/info:",
        )
    show_message()
    project_names = data.cached(queries.filter_options)().project_names
    give_form(project_names)
    show_grants(project_names)
    remove_form(project_names)
    show_first_admins()
    show_users()


def show_message() -> None:
    found = st.session_state.pop(MESSAGE, None)
    if not found:
        return
    kind, text = found
    if kind == "ok":
        st.success(escape(text), icon=":material/check_circle:")
    else:
        st.error(escape(text), icon=":material/error:")


def _scope_label(scope: str, project_names: dict[str, str]) -> str:
    if scope == access.ALL_PROJECTS:
        return ALL_PROJECTS_LABEL
    name = project_names.get(scope)
    return f"{scope} – {name}" if name and name != scope else scope


def give_form(project_names: dict[str, str]) -> None:
    st.subheader("Gi tilgang", anchor=False)
    with st.form("gi_tilgang", clear_on_submit=True, border=True):
        st.text_input(
            "E-post eller bruker-ID",
            key=WHO,
            max_chars=200,
            placeholder="ola.nordmann@kommune.no",
            help="E-postadressen brukeren logger inn med, eller bruker-ID-en (oid/sub) fra "
            "innloggingen, som vist under «Brukere som har logget inn».",
        )
        left, right = st.columns(2)
        left.selectbox("Rolle", access.ROLES, key=ROLE, help=ROLE_HELP)
        right.selectbox(
            "Prosjekt",
            [access.ALL_PROJECTS, *project_names],
            key=PROJECT,
            format_func=lambda scope: _scope_label(scope, project_names),
            help="Rollen admin gjelder alltid alle prosjekter.",
        )
        st.form_submit_button("Gi tilgang", type="primary", on_click=_give)


def _give() -> None:
    who = str(st.session_state.get(WHO) or "")
    role = str(st.session_state.get(ROLE) or access.LESER)
    scope = str(st.session_state.get(PROJECT) or access.ALL_PROJECTS)
    actor = auth.actor()
    if actor is None:
        return
    try:
        given = access.grant(
            data.db_path(),
            actor,
            who,
            role,
            None if scope == access.ALL_PROJECTS else scope,
            auth.configured_admins(),
        )
    except StoreError as error:
        st.session_state[MESSAGE] = ("error", str(error))
        return
    where = "alle prosjekter" if given.scope == access.ALL_PROJECTS else given.scope
    st.session_state[MESSAGE] = (
        "ok",
        f"{given.principal} har nå rollen «{given.role}» for {where}.",
    )


def _grant_frame(grants: list[access.Grant], project_names: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Hvem": [grant.principal for grant in grants],
            "Rolle": [grant.role for grant in grants],
            "Prosjekt": [_scope_label(grant.scope, project_names) for grant in grants],
            "Gitt": [grant.granted_at for grant in grants],
            "Gitt av": [grant.granted_by or "" for grant in grants],
        }
    )


def show_grants(project_names: dict[str, str]) -> None:
    st.subheader("Tildelte roller", anchor=False)
    stored = access.grants(data.db_path())
    if not stored:
        st.caption("Ingen roller er gitt her ennå.")
        return
    st.dataframe(
        _grant_frame(stored, project_names),
        hide_index=True,
        width="stretch",
        column_config={"Gitt": st.column_config.DatetimeColumn("Gitt", format=TIME_FORMAT)},
    )


def remove_form(project_names: dict[str, str]) -> None:
    stored = access.grants(data.db_path())
    if not stored:
        return
    choices = {
        f"{grant.principal} · {grant.role} · {_scope_label(grant.scope, project_names)}": grant
        for grant in stored
    }
    with st.form("fjern_tilgang", border=True):
        st.selectbox("Fjern tilgang", list(choices), key=REMOVE, index=None, placeholder="Velg")
        st.form_submit_button("Fjern tilgang", on_click=_remove, args=(choices,))


def _remove(choices: dict[str, access.Grant]) -> None:
    chosen = choices.get(str(st.session_state.get(REMOVE)))
    actor = auth.actor()
    if chosen is None or actor is None:
        st.session_state[MESSAGE] = ("error", "Velg hvilken tilgang som skal fjernes.")
        return
    try:
        removed = access.revoke(
            data.db_path(),
            actor,
            chosen.principal,
            chosen.role,
            None if chosen.scope == access.ALL_PROJECTS else chosen.scope,
            auth.configured_admins(),
        )
    except StoreError as error:
        st.session_state[MESSAGE] = ("error", str(error))
        return
    where = "alle prosjekter" if chosen.scope == access.ALL_PROJECTS else chosen.scope
    st.session_state[MESSAGE] = (
        ("ok", f"{chosen.principal} har ikke lenger rollen «{chosen.role}» for {where}.")
        if removed
        else ("error", "Tilgangen var allerede fjernet.")
    )


def show_first_admins() -> None:
    first = sorted(access.admins(auth.configured_admins()))
    if not first:
        return
    st.subheader("Første administrator", anchor=False)
    st.caption(
        "Navngitt i .streamlit/secrets.toml ([styringsrom] admin) eller i STYRINGSROM_ADMIN; "
        "endres der, ikke her."
    )
    st.dataframe(pd.DataFrame({"Hvem": first}), hide_index=True, width="stretch")


def show_users() -> None:
    st.subheader("Brukere som har logget inn", anchor=False)
    known = access.users(data.db_path())
    if known.empty:
        st.caption("Ingen har logget inn ennå.")
        return
    frame = known.rename(
        columns={
            "name": "Navn",
            "email": "E-post",
            "subject": "Bruker-ID",
            "first_seen": "Første innlogging",
            "last_seen": "Siste innlogging",
        }
    )[["Navn", "E-post", "Bruker-ID", "Første innlogging", "Siste innlogging"]]
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            column: st.column_config.DatetimeColumn(column, format=TIME_FORMAT)
            for column in ("Første innlogging", "Siste innlogging")
        },
    )


main()

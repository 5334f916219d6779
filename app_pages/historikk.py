"""Historikk: every version, the app as of any of them, restoring one, locking one for a
steering-group meeting ("Lås versjon for møte"), and the audit trail («Revisjonslogg»).

Restoring needs the role `admin`, locking `møteleder` for every project the version holds
(lib/ checks both again; a refusal shows as an error). Signed in, who did it is the token's
name; in local mode, the name in «Ditt navn»."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib import access, history
from lib.contract import SHEETS
from lib.db import StoreBusy, StoreError
from lib.queries import Filters
from lib.snapshots import Snapshot, lock_for_meeting, projects_in_version
from lib.store import ConcurrentUpload, rollback
from ui import auth, data, filters, layout, router
from ui.person import who_acts
from ui.text import escape

# Session-state keys of this page, one meaning each.
RESTORE = "historikk_gjenopprett"  # (version to restore, latest version when asked)
MESSAGE = "historikk_melding"  # ("ok" | "warn" | "error", text): the last action's outcome
SWITCH = "historikk_bytt"  # set by «Vis versjon»: go to Oversikt on the next run
SELECTED = "historikk_valgt"  # the version chosen in the list (a widget)
MEETING_NAME = "historikk_motenavn"  # the lock form's fields (widgets)
MEETING_DATE = "historikk_motedato"
AUDIT_ACTION = "revisjon_handling"  # the Revisjonslogg's filters (widgets)
AUDIT_WHO = "revisjon_hvem"
AUDIT_PROJECT = "revisjon_prosjekt"
AUDIT_SINCE = "revisjon_fra"
#: The Revisjonslogg shows at most this many lines (newest first); the filters find older ones.
AUDIT_ROWS = 500


def main() -> None:
    if st.session_state.pop(SWITCH, False):
        # An empty mapping: the filters are widgets bound to the URL, which refuse to be
        # cleared or set through query parameters; their session state writes the URL.
        st.switch_page(router.OVERSIKT, query_params={})
    chosen = filters.current()
    st.title("Historikk", anchor=False)
    st.caption(
        "Hver opplasting og gjenoppretting blir en ny versjon. Ingenting slettes: alle "
        "versjoner kan vises og gjenopprettes, og en versjon som er låst for et møte, kan ikke "
        "endres."
    )
    allowed = auth.permissions()
    # A reader sees the versions that touched their projects, counted for those only.
    overview = data.cached(history.version_overview)(chosen.readable)
    if overview.empty:
        layout.empty("Ingen versjoner ennå. Last opp en arbeidsbok under «Last opp».")
        show_audit(allowed)
        return
    latest = int(overview["Versjon"].iloc[0])
    show_shown_version(chosen, latest)
    show_message()
    show_versions(overview)
    selected = choose_version(overview, chosen)
    locked = data.cached(history.snapshots)()
    snapshot = next((s for s in locked if s.version == selected), None)
    show_details(overview, selected, snapshot)
    name = show_actions(selected, latest, allowed, locked=snapshot is not None)
    show_restore_question(selected, latest, name, allowed)
    show_meetings(locked)
    show_audit(allowed)


def show_shown_version(chosen: Filters, latest: int) -> None:
    """Which version the other pages show, when not the latest."""
    if chosen.version is None:
        return
    st.info(
        f"Appen viser nå versjon {chosen.version}, ikke siste versjon ({latest}).",
        icon=":material/history:",
    )
    st.button(
        "Tilbake til siste versjon",
        icon=":material/update:",
        on_click=show_version,
        args=(None, latest),
        key="historikk_siste",
    )


def show_message() -> None:
    if MESSAGE in st.session_state:
        kind, text = st.session_state.pop(MESSAGE)
        if kind == "ok":
            st.success(text, icon=":material/check_circle:")
        elif kind == "error":
            st.error(text, icon=":material/block:")
        else:
            st.warning(text, icon=":material/warning:")


def show_versions(overview: pd.DataFrame) -> None:
    st.subheader("Versjoner", anchor=False)
    layout.table(
        overview,
        "Versjoner",
        key="versjoner",
        # Which version, when, locked for which meeting and what changed: these fit a 1280-pixel
        # screen; who stored it, the file, its fingerprint and the rows per sheet (all also in
        # the details of the chosen version) are one click away.
        first={"Versjon": 65, "Tidspunkt": 125, "Låst for møte": 320, "Endringer": 210},
        column_config={
            "Versjon": st.column_config.NumberColumn("Versjon", format="%d", width="small"),
            "Tidspunkt": st.column_config.DatetimeColumn("Tidspunkt", format="DD.MM.YYYY HH:mm"),
            "SHA-256": st.column_config.TextColumn(
                "SHA-256", width="small", help="Filens fingeravtrykk (sha256)"
            ),
            "Låst for møte": st.column_config.TextColumn("Låst for møte", width="medium"),
            "Gjelder": st.column_config.TextColumn("Gjelder", width="medium"),
            "Endringer": st.column_config.TextColumn("Endringer", width="medium"),
            **{
                sheet.name: st.column_config.NumberColumn(
                    sheet.name, format="%d", help=f"Rader i arket {sheet.name} i opplastingen"
                )
                for sheet in SHEETS
            },
        },
    )


def choose_version(overview: pd.DataFrame, chosen: Filters) -> int:
    st.subheader("Velg en versjon", anchor=False)
    rows = overview.set_index("Versjon", drop=False)
    numbers = [int(number) for number in overview["Versjon"]]

    def describe(number: int) -> str:
        row = rows.loc[number]
        by = f" · {row['Lastet opp av']}" if row["Lastet opp av"] else ""
        # Only what never changes: a label that changed (say, on locking) would reset the choice.
        return f"Versjon {number} · {pd.Timestamp(row['Tidspunkt']):%d.%m.%Y %H:%M}{by}"

    default = chosen.version if chosen.version in numbers else numbers[0]
    return int(
        st.selectbox(
            "Versjon", numbers, index=numbers.index(default), format_func=describe, key=SELECTED
        )
    )


def show_details(overview: pd.DataFrame, selected: int, snapshot: Snapshot | None) -> None:
    """Who stored the version, when, from which file, and its rows per sheet."""
    row = overview.set_index("Versjon", drop=False).loc[selected]
    details, counts = st.columns([3, 2], border=True)
    with details:
        facts = {
            "Lagret": f"{pd.Timestamp(row['Tidspunkt']):%d.%m.%Y kl. %H:%M}",
            "Av": row["Lastet opp av"] or "–",
            "Type": row["Type"],
            "Fil": row["Fil"] or "–",
            "Gjelder": row["Gjelder"] or "–",
            "Endringer": row["Endringer"],
        }
        st.table(
            pd.DataFrame({"Felt": list(facts), "Verdi": [escape(v) for v in facts.values()]}),
            hide_index=True,
            hide_header=True,
        )
        if row["SHA-256"]:
            st.caption("SHA-256 for filen:")
            st.code(row["SHA-256"], language=None, wrap_lines=True)
    with counts:
        st.markdown(f"**Rader i versjon {selected}**")
        in_version = data.cached(history.row_counts_as_of)(selected, filters.readable())
        st.dataframe(
            pd.DataFrame(
                {"Ark": [s.name for s in SHEETS], "Rader": [in_version[s.key] for s in SHEETS]}
            ),
            hide_index=True,
            key="historikk_rader",
        )
    if snapshot is not None:
        by = f", låst av {snapshot.created_by}" if snapshot.created_by else ""
        st.success(
            escape(
                f"Låst for møtet «{snapshot.name}» {snapshot.meeting_date:%d.%m.%Y}{by} "
                f"({snapshot.created_at:%d.%m.%Y %H:%M}). En låst versjon kan ikke endres "
                "eller fjernes."
            ),
            icon=":material/lock:",
        )


def show_actions(selected: int, latest: int, allowed: access.Permissions, *, locked: bool) -> str:
    """Show, lock or restore the selected version; returns the name stored with a lock or a
    restore (the signed-in user's, or the one in «Ditt navn»)."""
    name_column, _rest = st.columns(2)
    with name_column:
        name = who_acts("Lagres i historikken når du låser eller gjenoppretter.")
    # Two boxes a row: three in one row cut «Gjenopprett versjon 6 …» on a 1280-pixel screen.
    show, restore = st.columns(2, border=True)
    lock = st.container(border=True)
    with show:
        st.markdown("**Vis appen slik den var**")
        st.caption("Alle sidene viser dataene slik de var i denne versjonen.")
        st.button(
            f"Vis versjon {selected}",
            icon=":material/visibility:",
            on_click=show_version,
            args=(selected, latest),
            key="historikk_vis",
        )
    with lock:
        st.markdown("**Lås versjon for møte**")
        if locked:
            st.caption("Denne versjonen er allerede låst.")
        else:
            st.caption("Styringsgruppen behandler en kjent, låst versjon.")
            refused = access.refusal(
                allowed,
                access.MOTELEDER,
                projects_in_version(data.db_path(), selected),
                named=False,
            )
            if refused:
                st.caption(escape(f"Krever rollen «{access.MOTELEDER}»: {refused}"))
            show_lock_form(selected, disabled=refused is not None)
    with restore:
        st.markdown("**Gjenopprett versjonen**")
        if selected == latest:
            st.caption("Dette er siste versjon.")
        else:
            st.caption("Blir en ny versjon; alt som finnes nå, kan hentes tilbake igjen.")
            if not allowed.is_admin:
                st.caption(f"Krever rollen «{access.ADMIN}».")
            st.button(
                f"Gjenopprett versjon {selected} …",
                icon=":material/restore:",
                on_click=ask_restore,
                args=(selected, latest),
                disabled=not allowed.is_admin,
                key="historikk_gjenopprett_knapp",
            )
    return name


def show_lock_form(selected: int, *, disabled: bool = False) -> None:
    with st.form("historikk_las", border=False):
        meeting, day = st.columns([2, 1])
        meeting.text_input(
            "Møtets navn",
            max_chars=200,
            placeholder="Styringsgruppemøte mars",
            key=MEETING_NAME,
        )
        day.date_input("Møtedato", value=data.today(), format="DD.MM.YYYY", key=MEETING_DATE)
        st.form_submit_button(
            f"Lås versjon {selected}",
            icon=":material/lock:",
            type="primary",
            on_click=lock_selected,
            args=(selected,),
            disabled=disabled,
        )


def show_restore_question(
    selected: int, latest: int, name: str, allowed: access.Permissions
) -> None:
    """After «Gjenopprett»: what a restore would change, and the confirmation."""
    asked = st.session_state.get(RESTORE)
    if asked is None or asked[0] != selected or selected == latest:
        return
    with st.container(border=True):
        st.markdown(f"**Gjenopprette versjon {selected} som versjon {latest + 1}?**")
        change = history.diff_counts(data.db_path(), latest, selected)
        st.caption(f"Fra versjon {latest} (siste) til slik det var i versjon {selected}:")
        st.dataframe(
            pd.DataFrame(
                {
                    "Ark": [s.name for s in SHEETS],
                    "Kommer tilbake": [change[s.key].added for s in SHEETS],
                    "Endres": [change[s.key].changed for s in SHEETS],
                    "Forsvinner": [change[s.key].removed for s in SHEETS],
                    "Rader etterpå": [change[s.key].rows for s in SHEETS],
                }
            ),
            hide_index=True,
            key="historikk_gjenopprett_tabell",
        )
        if not name and not auth.sign_in_configured():
            st.warning("Skriv navnet ditt i «Ditt navn» først.", icon=":material/person:")
        if not allowed.is_admin:
            st.caption(f"Krever rollen «{access.ADMIN}».")
        confirm, cancel = st.columns(2)
        # The confirmation names the latest version shown here: a version stored after this
        # page was drawn makes the restore refuse and ask again.
        confirm.button(
            "Bekreft gjenoppretting",
            type="primary",
            icon=":material/restore:",
            disabled=not name or not allowed.is_admin,
            on_click=confirm_restore,
            args=(selected, latest),
            key="historikk_bekreft",
        )
        cancel.button("Avbryt", on_click=cancel_restore, key="historikk_avbryt")


def show_meetings(locked: list[Snapshot]) -> None:
    st.subheader("Møteversjoner", anchor=False)
    if not locked:
        layout.empty("Ingen versjon er låst for et møte ennå.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "Versjon": [s.version for s in locked],
                "Møte": [s.name for s in locked],
                "Møtedato": [s.meeting_date for s in locked],
                "Låst av": [s.created_by or "" for s in locked],
                "Låst": [s.created_at for s in locked],
            }
        ),
        hide_index=True,
        column_config={
            "Møtedato": st.column_config.DateColumn("Møtedato", format="DD.MM.YYYY"),
            "Låst": st.column_config.DatetimeColumn("Låst", format="DD.MM.YYYY HH:mm"),
        },
        key="historikk_moter",
    )


# --- Callbacks: they run before the page runs again, so what they change shows at once. ----


def show_version(number: int | None, latest: int) -> None:
    """«Vis versjon» and «Tilbake til siste versjon»: every page shows version `number`.

    The version filter is the router's widget bound to ?versjon=; a callback runs before the
    router draws it, so setting it here is allowed, and the URL follows.
    """
    filters.show_version(None if number == latest else number)
    st.session_state[SWITCH] = True
    st.session_state.pop(RESTORE, None)  # no restore question left open behind other pages


def lock_selected(version: int) -> None:
    """«Lås versjon»: lock `version` for the meeting named in the form."""
    state = st.session_state
    actor = auth.acting()
    if actor is None:
        state[MESSAGE] = ("warn", auth.NO_NAME.format(what="låser en versjon"))
        return
    day = state.get(MEETING_DATE)
    try:
        snapshot = lock_for_meeting(
            data.db_path(),
            version,
            state.get(MEETING_NAME, ""),
            day if isinstance(day, dt.date) else data.today(),
            actor=actor,
            configured_admins=auth.configured_admins(),
        )
    except access.Forbidden as error:
        state[MESSAGE] = ("error", escape(str(error)))
    except (StoreBusy, StoreError) as error:
        state[MESSAGE] = ("warn", escape(str(error)))
    else:
        label = escape(snapshot.label())
        state[MESSAGE] = ("ok", f"Versjon {snapshot.version} er låst for møtet {label}.")


def ask_restore(version: int, seen: int) -> None:
    st.session_state[RESTORE] = (version, seen)


def cancel_restore() -> None:
    st.session_state.pop(RESTORE, None)


def confirm_restore(version: int, seen: int) -> None:
    """«Bekreft gjenoppretting»: refuses if a version was stored since `seen`."""
    state = st.session_state
    actor = auth.acting()
    if actor is None:
        state[MESSAGE] = ("warn", auth.NO_NAME.format(what="gjenoppretter"))
        return
    who = actor.name
    try:
        stored = rollback(
            data.db_path(),
            version,
            actor=actor,
            configured_admins=auth.configured_admins(),
            expected_latest=seen,
        )
    except access.Forbidden as error:
        state.pop(RESTORE, None)
        state[MESSAGE] = ("error", escape(str(error)))
    except ConcurrentUpload as error:
        # The question stays, redrawn with what a restore would change now.
        state[MESSAGE] = ("warn", escape(str(error)))
    except (StoreBusy, StoreError) as error:
        state[MESSAGE] = ("warn", escape(str(error)))
    else:
        state.pop(RESTORE, None)
        state[SELECTED] = stored.version  # the new version is the one to look at
        state[MESSAGE] = (
            "ok",
            escape(f"Versjon {version} er gjenopprettet som versjon {stored.version} av {who}."),
        )


# --- Revisjonslogg ----------------------------------------------------------------------------


def show_audit(allowed: access.Permissions) -> None:
    """Who did what and when, newest first, filterable; lines about projects the person may
    not read are left out (lib.access.audit_lines)."""
    st.subheader("Revisjonslogg", anchor=False)
    st.caption(
        "Hvem gjorde hva, og når: innlogging, opplasting (med filens SHA-256), låsing, "
        "gjenoppretting, vedtak, tilganger og nedlastinger. Navnet er fra innloggingen, aldri "
        "skrevet inn. Loggen kan bare utvides; ingenting i den endres eller slettes."
        + ("" if allowed.is_admin else " Du ser linjene om prosjektene du har tilgang til.")
    )
    db = data.db_path()
    every = access.audit_lines(db, allowed)
    readable = allowed.readable if not allowed.is_admin else None
    projects = sorted(
        {
            project
            for listed in every["projects"]
            for project in listed
            if readable is None or project in readable
        }
    )
    action_column, who_column, project_column, since_column = st.columns(4)
    action = action_column.selectbox(
        "Handling",
        [None, *access.ACTIONS],
        format_func=lambda a: "Alle handlinger" if a is None else access.ACTIONS[a],
        key=AUDIT_ACTION,
    )
    who = who_column.text_input(
        "Person", placeholder="navn eller e-post", max_chars=200, key=AUDIT_WHO
    )
    project = project_column.selectbox(
        "Prosjekt",
        [None, *projects],
        format_func=lambda p: "Alle prosjekter" if p is None else p,
        key=AUDIT_PROJECT,
    )
    since = since_column.date_input("Fra og med", value=None, format="DD.MM.YYYY", key=AUDIT_SINCE)
    lines = access.audit_lines(
        db,
        allowed,
        actions=[action] if action else (),
        who=who or "",
        project=project,
        since=since if isinstance(since, dt.date) else None,
        limit=AUDIT_ROWS,
    )
    if lines.empty:
        narrowed = any((action, (who or "").strip(), project, since))
        layout.empty(
            "Ingen linjer passer til valgene." if narrowed else "Revisjonsloggen er tom ennå."
        )
        return
    table = access.audit_table(lines, allowed)
    if len(lines) == AUDIT_ROWS:
        st.caption(f"Viser de {AUDIT_ROWS} nyeste linjene; bruk valgene for å finne eldre.")
    # A table shows text as text: names, file names and details are never Markdown or HTML.
    # When, who, what and where fit a 1280-pixel screen; e-mail and fingerprint are one
    # click away, and in the download.
    layout.table(
        table,
        "Revisjonslogg",
        key="revisjonslogg",
        first={
            "Tidspunkt": 135,
            "Hvem": 140,
            "Handling": 130,
            "Prosjekt": 110,
            "Versjon": 65,
            "Detaljer": 140,
        },
        column_config={
            "Tidspunkt": st.column_config.DatetimeColumn("Tidspunkt", format="DD.MM.YYYY HH:mm:ss"),
            "Versjon": st.column_config.NumberColumn("Versjon", format="%d"),
            "SHA-256": st.column_config.TextColumn(
                "SHA-256", width="small", help="Filens fingeravtrykk (sha256)"
            ),
        },
    )


main()

"""Historikk: every version, the app as of any of them, restoring one, and locking one for a
steering-group meeting ("Lås versjon for møte")."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib import history
from lib.contract import SHEETS
from lib.store import ConcurrentUpload, StoreBusy, StoreError, lock_for_meeting, rollback
from pages import _changes, _ui

RESTORE = "historikk_gjenopprett"  # (version to restore, latest version when asked)
MESSAGE = "historikk_melding"  # the outcome of the last action, shown once

chosen = _ui.filters()
state = st.session_state
st.title("Historikk", anchor=False)
st.caption(
    "Hver opplasting og gjenoppretting blir en ny versjon. Ingenting slettes: alle versjoner "
    "kan vises og gjenopprettes, og en versjon som er låst for et møte, kan ikke endres."
)

overview = _changes.version_overview()
if overview.empty:
    _ui.empty("Ingen versjoner ennå. Last opp en arbeidsbok under «Last opp».")
    st.stop()

numbers = [int(number) for number in overview["Versjon"]]
latest = numbers[0]
SWITCH = "historikk_bytt"  # set by a button's callback: go to Oversikt after this run


def show_version(number: int | None) -> None:
    """Callback: make every page show version `number` (None: the latest).

    The version filter is the router's widget bound to ?versjon=; a callback runs before the
    router creates it, so setting its state here is allowed, and the URL follows.
    """
    state[_ui.FILTER_KEYS["version"]] = None if number == latest else number
    state[SWITCH] = True
    state.pop(RESTORE, None)  # a restore question is not left open behind the other pages


if state.pop(SWITCH, False):
    # An empty mapping: the filters are widgets bound to the URL, which refuse to be cleared
    # or set through query parameters; their session state (set above) writes the URL.
    st.switch_page("pages/oversikt.py", query_params={})

if chosen.version is not None:
    st.info(
        f"Appen viser nå versjon {chosen.version}, ikke siste versjon ({latest}).",
        icon=":material/history:",
    )
    st.button(
        "Tilbake til siste versjon",
        icon=":material/update:",
        on_click=show_version,
        args=(None,),
        key="historikk_siste",
    )
if MESSAGE in state:
    kind, text = state.pop(MESSAGE)
    if kind == "ok":
        st.success(text, icon=":material/check_circle:")
    else:
        st.warning(text, icon=":material/warning:")

st.subheader("Versjoner", anchor=False)
_ui.table(
    overview,
    "Versjoner",
    key="versjoner",
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

# --- One version ------------------------------------------------------------------------------

st.subheader("Velg en versjon", anchor=False)
rows = {int(row["Versjon"]): row for _, row in overview.iterrows()}


def describe(number: int) -> str:
    row = rows[number]
    by = f" · {row['Lastet opp av']}" if row["Lastet opp av"] else ""
    # Only what never changes: a label that changed (say, on locking) would reset the choice.
    return f"Versjon {number} · {pd.Timestamp(row['Tidspunkt']):%d.%m.%Y %H:%M}{by}"


default = chosen.version if chosen.version in rows else latest
selected = st.selectbox(
    "Versjon",
    numbers,
    index=numbers.index(default),
    format_func=describe,
    key="historikk_valgt",
)
row = rows[selected]
locked = next((s for s in _changes.snapshots() if s.version == selected), None)

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
        pd.DataFrame({"Felt": list(facts), "Verdi": [_ui.escape(v) for v in facts.values()]}),
        hide_index=True,
        hide_header=True,
    )
    if row["SHA-256"]:
        st.caption("SHA-256 for filen:")
        st.code(row["SHA-256"], language=None, wrap_lines=True)
with counts:
    st.markdown(f"**Rader i versjon {selected}**")
    in_version = _changes.row_counts(selected)
    st.dataframe(
        pd.DataFrame(
            {"Ark": [s.name for s in SHEETS], "Rader": [in_version[s.key] for s in SHEETS]}
        ),
        hide_index=True,
        key="historikk_rader",
    )

if locked is not None:
    by = f", låst av {locked.created_by}" if locked.created_by else ""
    st.success(
        _ui.escape(
            f"Låst for møtet «{locked.name}» {locked.meeting_date:%d.%m.%Y}{by} "
            f"({locked.created_at:%d.%m.%Y %H:%M}). En låst versjon kan ikke endres eller fjernes."
        ),
        icon=":material/lock:",
    )

# The actions run as callbacks: before the page runs again, so what they change shows at once.


def lock_selected(version: int) -> None:
    """Callback of «Lås versjon»: lock `version` for the meeting named in the form."""
    who = _changes.current_name()
    if not who:
        state[MESSAGE] = ("warn", "Skriv navnet ditt i «Ditt navn» før du låser en versjon.")
        return
    day = state.get("historikk_motedato")
    try:
        snapshot = lock_for_meeting(
            _ui.db_path(),
            version,
            state.get("historikk_motenavn", ""),
            day if isinstance(day, dt.date) else _ui.today(),
            by=who,
        )
    except (StoreBusy, StoreError) as error:
        state[MESSAGE] = ("warn", _ui.escape(str(error)))
    else:
        label = _ui.escape(snapshot.label())
        state[MESSAGE] = ("ok", f"Versjon {snapshot.version} er låst for møtet {label}.")


def ask_restore(version: int, seen: int) -> None:
    state[RESTORE] = (version, seen)


def cancel_restore() -> None:
    state.pop(RESTORE, None)


def confirm_restore(version: int, seen: int) -> None:
    """Callback of «Bekreft gjenoppretting»: refuses if a version was stored since `seen`."""
    who = _changes.current_name()
    try:
        stored = rollback(_ui.db_path(), version, by=who, expected_latest=seen)
    except ConcurrentUpload as error:
        # The question stays, redrawn with what a restore would change now.
        state[MESSAGE] = ("warn", _ui.escape(str(error)))
    except (StoreBusy, StoreError) as error:
        state[MESSAGE] = ("warn", _ui.escape(str(error)))
    else:
        state.pop(RESTORE, None)
        state["historikk_valgt"] = stored.version  # the new version is the one to look at
        state[MESSAGE] = (
            "ok",
            _ui.escape(
                f"Versjon {version} er gjenopprettet som versjon {stored.version} av {who}."
            ),
        )


name_column, _rest = st.columns(2)
with name_column:
    name = _changes.your_name("Lagres i historikken når du låser eller gjenoppretter.")
show, lock, restore = st.columns(3, border=True)

with show:
    st.markdown("**Vis appen slik den var**")
    st.caption("Alle sidene viser dataene slik de var i denne versjonen.")
    st.button(
        f"Vis versjon {selected}",
        icon=":material/visibility:",
        on_click=show_version,
        args=(selected,),
        key="historikk_vis",
    )

with lock:
    st.markdown("**Lås versjon for møte**")
    if locked is not None:
        st.caption("Denne versjonen er allerede låst.")
    else:
        st.caption("Styringsgruppen behandler en kjent, låst versjon.")
        with st.form("historikk_las", border=False):
            st.text_input(
                "Møtets navn",
                max_chars=200,
                placeholder="Styringsgruppemøte mars",
                key="historikk_motenavn",
            )
            st.date_input(
                "Møtedato", value=_ui.today(), format="DD.MM.YYYY", key="historikk_motedato"
            )
            st.form_submit_button(
                f"Lås versjon {selected}",
                icon=":material/lock:",
                type="primary",
                on_click=lock_selected,
                args=(selected,),
            )

with restore:
    st.markdown("**Gjenopprett versjonen**")
    if selected == latest:
        st.caption("Dette er siste versjon.")
    else:
        st.caption("Blir en ny versjon; alt som finnes nå, kan hentes tilbake igjen.")
        st.button(
            f"Gjenopprett versjon {selected} …",
            icon=":material/restore:",
            on_click=ask_restore,
            args=(selected, latest),
            key="historikk_gjenopprett_knapp",
        )

asked = state.get(RESTORE)
if asked is not None and asked[0] == selected and selected != latest:
    target = asked[0]
    with st.container(border=True):
        st.markdown(f"**Gjenopprette versjon {target} som versjon {latest + 1}?**")
        change = history.diff_counts(_ui.db_path(), latest, target)
        st.caption(f"Fra versjon {latest} (siste) til slik det var i versjon {target}:")
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
        if not name:
            st.warning("Skriv navnet ditt i «Ditt navn» først.", icon=":material/person:")
        confirm, cancel = st.columns(2)
        # The confirmation names the latest version shown here: a version stored after this
        # page was drawn makes the restore refuse and ask again.
        confirm.button(
            "Bekreft gjenoppretting",
            type="primary",
            icon=":material/restore:",
            disabled=not name,
            on_click=confirm_restore,
            args=(target, latest),
            key="historikk_bekreft",
        )
        cancel.button("Avbryt", on_click=cancel_restore, key="historikk_avbryt")

locked_versions = _changes.snapshots()
st.subheader("Møteversjoner", anchor=False)
if not locked_versions:
    _ui.empty("Ingen versjon er låst for et møte ennå.")
else:
    st.dataframe(
        pd.DataFrame(
            {
                "Versjon": [s.version for s in locked_versions],
                "Møte": [s.name for s in locked_versions],
                "Møtedato": [s.meeting_date for s in locked_versions],
                "Låst av": [s.created_by or "" for s in locked_versions],
                "Låst": [s.created_at for s in locked_versions],
            }
        ),
        hide_index=True,
        column_config={
            "Møtedato": st.column_config.DateColumn("Møtedato", format="DD.MM.YYYY"),
            "Låst": st.column_config.DatetimeColumn("Låst", format="DD.MM.YYYY HH:mm"),
        },
        key="historikk_moter",
    )

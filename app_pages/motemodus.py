"""Møtemodus: the presenter's view. One agenda item per screen, «Sak 3 av 9», the data the item
concerns and nothing else, no sidebar, type large enough to read from the back of the room on a
1280×720 projector. In a recommendation's item the chair records the decision, stored at once
as a new version.

The address holds the meeting and the item (`?mote=4&sak=3`), so a reload or a second screen
opens the same item. «Avslutt møtemodus» returns to Møter with the filters the pages had.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import access, agenda, decisions, meetings
from lib.access import Actor
from lib.contract import DECISIONS
from lib.db import StoreError
from lib.meetings import Meeting
from lib.queries import Filters
from lib.store import StoredVersion
from ui import auth, data, filters, router
from ui import meeting as meeting_view
from ui.text import escape

#: The address's parameters: the meeting and the item.
MEETING_PARAM, ITEM_PARAM = router.MEETING_MODE_PARAM, "sak"
MESSAGE = "motemodus_melding"  # ("ok" | "warn" | "error", text): the last decision's outcome
LEAVE = "motemodus_forlat"  # set by «Avslutt møtemodus»: back to Møter on the next run
#: The decision form's widgets, one set per recommendation (a key of its own keeps one item's
#: typing from showing in the next): the prefix and the recommendation's project and ID.
DECISION, TEXT, OWNER = "motemodus_vedtak", "motemodus_tekst", "motemodus_ansvarlig"


def _key(prefix: str, project: str, recommendation: str) -> str:
    return f"{prefix}_{project}_{recommendation}"


#: Large type for the projector: body text 26 px, headings and figures from 48 px. Only our own
#: fixed rules, never text from the data (that is never rendered as HTML).
PROJECTOR_STYLE = """
<style>
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li,
[data-testid="stMain"] [data-testid="stTable"] td,
[data-testid="stMain"] [data-testid="stTable"] th,
[data-testid="stMain"] [data-testid="stWidgetLabel"] p,
[data-testid="stMain"] button p { font-size: 26px; line-height: 1.35; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: 24px; }
[data-testid="stMain"] textarea, [data-testid="stMain"] input { font-size: 24px; }
[data-testid="stMain"] h1 { font-size: 52px; }
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] p { font-size: 64px; line-height: 1.1; }
[data-testid="stMain"] [data-testid="stTable"] { overflow-x: visible; }
[data-testid="stMain"] [data-testid="stTable"] td { white-space: normal; }
</style>
"""

#: The headline figure of an item that concerns several rows: what its rows are.
COUNTED = {
    "risiko": "Risikoer",
    "evaluering": "Evalueringer",
    "milepael": "Milepæler",
    "gevinst": "Gevinster",
    "kvalitet": "Funn",
}
#: The columns of an item's rows shown on the projector (the first ones fit at 1280 px).
MOST_COLUMNS = 5
MOST_ROWS = 8


def _number(text: str | None) -> int | None:
    try:
        return int(str(text))
    except (TypeError, ValueError):
        return None


def main() -> None:
    state = st.session_state
    if state.pop(LEAVE, False):
        # Back to Møter, on this meeting, with the filters the pages had.
        state.update(state.pop(meeting_view.FILTERS_BEFORE, {}))
        meeting_id = _number(st.query_params.get(MEETING_PARAM))
        if meeting_id is not None:
            state[meeting_view.CHOSEN_MEETING] = meeting_id
        st.switch_page(router.MOTER)
    # The projector gets the whole width: the sidebar (empty here) folds away; the router's
    # own call at the top of the next page's run unfolds it again.
    st.set_page_config(initial_sidebar_state="collapsed")
    st.html(PROJECTOR_STYLE)
    meeting_id = _number(st.query_params.get(MEETING_PARAM))
    meeting = meetings.meeting(data.db_path(), meeting_id) if meeting_id is not None else None
    if meeting is None:
        st.title("Møtemodus", anchor=False)
        st.warning("Velg et møte under Møter og trykk «Start møtemodus».")
        st.page_link(router.MOTER, label="Til Møter", icon=":material/groups:")
        return
    items = meeting_view.agenda_of(meeting)
    if not items:
        st.title(escape(meeting.label()), anchor=False)
        st.info("Sakslisten er tom.")
        leave_button()
        return
    position = min(max(_number(st.query_params.get(ITEM_PARAM)) or 1, 1), len(items))
    st.query_params[ITEM_PARAM] = str(position)
    item = items[position - 1]
    show_item(meeting, item, position, len(items))


def go_to(position: int) -> None:
    st.query_params[ITEM_PARAM] = str(position)


def leave() -> None:
    st.session_state[LEAVE] = True


def leave_button() -> None:
    st.button(
        "Avslutt møtemodus",
        icon=":material/close:",
        on_click=leave,
        key="motemodus_ut",
        width="stretch",
    )


def show_item(meeting: Meeting, item: agenda.AgendaItem, position: int, count: int) -> None:
    st.caption(escape(f"{meeting.label()} · Sak {position} av {count}"))
    navigation(position, count)
    st.title(escape(item.title), anchor=False)
    if item.note:
        st.markdown(escape(item.note))
    # The recommendation shows its decision as it is now; everything else as the meeting's
    # basis has it.
    version = None if item.kind == "anbefaling" else meeting.basis_version
    chosen = Filters(readable=filters.readable())
    rows = data.cached(agenda.item_rows)(item, today=data.today(), version=version, filters=chosen)
    show_rows(item, rows)
    if item.kind == "anbefaling" and item.refs:
        show_decision_form(meeting, item, rows)


def navigation(position: int, count: int) -> None:
    """Previous, leave, next: at the top, where the presenter finds them without scrolling."""
    previous, middle, following = st.columns([1, 1, 1])
    previous.button(
        "← Forrige sak",
        on_click=go_to,
        args=(position - 1,),
        disabled=position == 1,
        key="motemodus_forrige",
        width="stretch",
    )
    with middle:
        leave_button()
    following.button(
        "Neste sak →",
        on_click=go_to,
        args=(position + 1,),
        disabled=position == count,
        type="primary",
        key="motemodus_neste",
        width="stretch",
    )


def show_rows(item: agenda.AgendaItem, rows: pd.DataFrame) -> None:
    if rows.empty:
        return
    if item.kind in COUNTED:
        st.metric(COUNTED[item.kind], len(rows))
    if len(rows) == 1:
        # One row (a project's status, a recommendation): every field, one per line.
        row = rows.iloc[0]
        fields = [(str(name), row[name]) for name in rows.columns if not _empty(row[name])]
        st.table(
            pd.DataFrame(
                {
                    "Felt": [escape(name) for name, _value in fields],
                    "Verdi": [escape(_text(value)) for _name, value in fields],
                }
            ),
            hide_index=True,
            hide_header=True,
        )
        return
    shown = rows.iloc[:MOST_ROWS, :MOST_COLUMNS]
    cells = shown.map(lambda value: "" if _empty(value) else escape(_text(value)))
    st.table(cells, hide_index=True)
    if len(rows) > MOST_ROWS:
        st.caption(f"… og {len(rows) - MOST_ROWS} til (se sidene etter møtet).")


def _empty(value: object) -> bool:
    return (
        value is None
        or (not isinstance(value, (list, tuple)) and bool(pd.isna(value)))
        or (isinstance(value, str) and not value.strip())
    )


def _text(value: object) -> str:
    if isinstance(value, pd.Timestamp) or hasattr(value, "strftime"):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def show_decision_form(meeting: Meeting, item: agenda.AgendaItem, rows: pd.DataFrame) -> None:
    meeting_view.show_message(MESSAGE)
    if meeting.closed_at is not None:
        st.caption("Møtet er avsluttet: vedtak registreres ikke lenger her.")
        return
    project, recommendation = item.refs[0]
    allowed = auth.permissions()
    refused = access.refusal(allowed, access.MOTELEDER, (project,), named=False)
    seen = data.latest_version_number()
    current = rows.iloc[0] if not rows.empty else pd.Series(dtype=object)
    decided = str(current.get("Vedtak", "") or "")
    with st.form(f"motemodus_vedtak_{project}_{recommendation}", border=True):
        st.markdown("**Vedtak**")
        st.radio(
            "Vedtak",
            list(DECISIONS),
            index=list(DECISIONS).index(decided) if decided in DECISIONS else None,
            horizontal=True,
            key=_key(DECISION, project, recommendation),
            label_visibility="collapsed",
        )
        st.text_area(
            "Vedtakstekst",
            value=str(current.get("Vedtakstekst", "") or ""),
            key=_key(TEXT, project, recommendation),
        )
        st.text_input(
            "Ansvarlig",
            value=str(current.get("Ansvarlig", "") or ""),
            key=_key(OWNER, project, recommendation),
        )
        if refused:
            st.caption(escape(f"Krever rollen «{access.MOTELEDER}»: {refused}"))
        st.form_submit_button(
            "Lagre vedtaket",
            icon=":material/gavel:",
            type="primary",
            on_click=record,
            args=(meeting.id, project, recommendation, seen),
            disabled=refused is not None,
        )


def record(meeting_id: int, project: str, recommendation: str, seen: int) -> None:
    state = st.session_state

    def store(actor: Actor) -> StoredVersion:
        chosen = state.get(_key(DECISION, project, recommendation))
        if not chosen:
            raise StoreError("Velg et vedtak før du lagrer.")
        return decisions.record_decision(
            data.db_path(),
            recommendation,
            chosen,
            actor=actor,
            project=project,
            vedtakstekst=state.get(_key(TEXT, project, recommendation)) or None,
            ansvarlig=state.get(_key(OWNER, project, recommendation)) or None,
            meeting_id=meeting_id,
            seen_version=seen,
            configured_admins=auth.configured_admins(),
        )

    meeting_view.act(
        MESSAGE, "registrerer et vedtak", store, "Vedtaket er lagret som versjon {done.version}."
    )


main()

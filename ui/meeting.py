"""What the pages Møter and Møtemodus share: the agenda a meeting shows, the session-state
keys that carry a meeting and the filters between them, and the outcome message of an action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from lib import access, agenda
from lib.access import Actor
from lib.db import StoreBusy, StoreError
from lib.meetings import Meeting
from lib.queries import Filters
from ui import auth, data, filters
from ui.text import escape

#: Møter's meeting list (a widget bound to the address: ?mote=ID); meeting mode sets it on the
#: way back.
CHOSEN_MEETING = "mote"
#: The filters when meeting mode opened (it draws none, so Streamlit forgets them), given back
#: on leaving.
FILTERS_BEFORE = "_filtre_for_motemodus"


def agenda_of(meeting: Meeting) -> list[agenda.AgendaItem]:
    """The meeting's stored agenda, or the one drawn from the data (as of its basis, if
    locked), as the session's user may see it."""
    if meeting.agenda is not None:
        stored = [agenda.AgendaItem.from_dict(item) for item in meeting.agenda]
        # Drawn for whoever prepared it: a reader sees the items about their projects.
        return agenda.readable_items(stored, filters.readable())
    chosen = Filters(readable=filters.readable())
    return data.cached(agenda.propose)(chosen, today=data.today(), version=meeting.basis_version)


def act(key: str, what: str, action: Callable[[Actor], Any], success: str) -> None:
    """Run a write as the person acting (a callback), and keep its outcome under `key`:
    `success` formatted with the write's result as `done`, or the refusal in Norwegian (a
    missing name in local mode, a missing role, a busy or refusing store)."""
    state = st.session_state
    actor = auth.acting()
    if actor is None:
        state[key] = ("warn", auth.NO_NAME.format(what=what))
        return
    try:
        done = action(actor)
    except access.Forbidden as error:
        state[key] = ("error", escape(str(error)))
    except (StoreBusy, StoreError) as error:
        state[key] = ("warn", escape(str(error)))
    else:
        state[key] = ("ok", escape(success.format(done=done)))


def show_message(key: str) -> None:
    """The last action's outcome, kept under `key` as ("ok" | "warn" | "error", text)."""
    if key in st.session_state:
        kind, text = st.session_state.pop(key)
        {"ok": st.success, "error": st.error}.get(kind, st.warning)(text)

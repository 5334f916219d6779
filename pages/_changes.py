""" "Endringer siden sist møte" for the Oversikt page, and what Last opp and Historikk share.

`show_changes_since_last_meeting(filters)` is called by the Oversikt page inside its section
of that name. The rest are small helpers for the upload and history pages: the name of the
person at the keyboard (remembered across pages), and cached history reads.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib import history
from lib.store import Snapshot
from pages import _ui

#: Session-state key of the name a person gave; survives page changes (widget keys do not).
NAME_KEY = "ditt_navn"
_NAME_WIDGET = "_ditt_navn_felt"
NAME_MAX = 100
#: Up to this many changes are shown at full height; more scroll inside the table.
FULL_TABLE_ROWS = 60


# --- Who is at the keyboard --------------------------------------------------------------------


def your_name(help_text: str = "Lagres i historikken sammen med versjonen.") -> str:
    """The "Ditt navn" field, remembered in session state while the app is open."""
    if _NAME_WIDGET not in st.session_state:
        st.session_state[_NAME_WIDGET] = st.session_state.get(NAME_KEY, "")
    value = st.text_input(
        "Ditt navn",
        key=_NAME_WIDGET,
        max_chars=NAME_MAX,
        placeholder="Fornavn Etternavn",
        help=help_text + " Huskes mens du har appen åpen (innlogging er ikke satt opp her).",
        icon=":material/person:",
    )
    name = " ".join(str(value or "").split())
    st.session_state[NAME_KEY] = name
    return name


def current_name() -> str:
    """The name in the "Ditt navn" field now (callbacks run before the field is drawn)."""
    value = st.session_state.get(_NAME_WIDGET, st.session_state.get(NAME_KEY, ""))
    return " ".join(str(value or "").split())


# --- Cached reads ------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=16)
def _version_overview(path: str, stamp: tuple[int, int]) -> pd.DataFrame:
    return history.version_overview(path)


def version_overview() -> pd.DataFrame:
    return _version_overview(str(_ui.db_path()), _ui.data_stamp())


@st.cache_data(show_spinner=False, max_entries=16)
def _snapshots(path: str, stamp: tuple[int, int]) -> list[Snapshot]:
    return history.snapshots(path)


def snapshots() -> list[Snapshot]:
    return _snapshots(str(_ui.db_path()), _ui.data_stamp())


@st.cache_data(show_spinner=False, max_entries=32)
def _row_counts(path: str, stamp: tuple[int, int], version: int) -> dict[str, int]:
    return history.row_counts_as_of(path, version)


def row_counts(version: int) -> dict[str, int]:
    return _row_counts(str(_ui.db_path()), _ui.data_stamp(), version)


@st.cache_data(show_spinner=False, max_entries=32)
def _meeting_changes(
    path: str,
    stamp: tuple[int, int],
    version: int | None,
    projects: tuple[str, ...],
    today: dt.date,
) -> history.MeetingChanges | None:
    return history.changes_since_last_meeting(path, version, projects, today)


# --- Endringer siden sist møte -----------------------------------------------------------------


def _chosen(filters: object) -> tuple[int | None, tuple[str, ...]]:
    """The version and projects of a Filters-like object, read defensively."""
    version = getattr(filters, "version", None)
    try:
        version = int(version) if version is not None else None
    except (TypeError, ValueError):
        version = None
    projects = getattr(filters, "projects", ()) or ()
    if isinstance(projects, str):
        projects = (projects,)
    try:
        chosen = tuple(sorted({str(project) for project in projects}))
    except TypeError:
        chosen = ()
    return version, chosen


#: At most this many figures side by side: more would cut labels, and even numbers
#: (15 shown as «1»), on a 1280-pixel projector screen.
FIGURES_PER_ROW = 6


def _rows_of_boxes(
    groups: tuple[tuple[str, tuple[str, ...]], ...],
) -> list[list[tuple[str, tuple[str, ...]]]]:
    """The headline boxes in rows of at most FIGURES_PER_ROW figures (a box counts two at
    least), in order."""
    rows: list[list[tuple[str, tuple[str, ...]]]] = [[]]
    used = 0
    for title, keys in groups:
        width = max(len(keys), 2)
        if rows[-1] and used + width > FIGURES_PER_ROW:
            rows.append([])
            used = 0
        rows[-1].append((title, keys))
        used += width
    return rows


def show_changes_since_last_meeting(filters: object) -> None:
    """What changed since the version last locked for a meeting, for the chosen projects.

    Compares the version shown (`filters.version`, None = latest) with the last version locked
    for a meeting before it: new, closed and removed risks, risks whose score rose or fell,
    benefits measured, new, removed or given a new target, decisions made, evaluations done or
    newly overdue, and milestones that slipped.
    """
    version, projects = _chosen(filters)
    day = _ui.status_day(version)
    found = _meeting_changes(str(_ui.db_path()), _ui.data_stamp(), version, projects, day)
    if found is None:
        locked = snapshots()
        if not locked:
            _ui.empty(
                "Ingen versjon er låst for et møte ennå. Lås versjonen dere behandler i møtet "
                "på siden Historikk («Lås versjon for møte»); da viser denne delen hva som er "
                "endret siden."
            )
        else:
            _ui.empty(
                "Ingen versjon før denne er låst for et møte, så det er ingenting å "
                "sammenligne med ennå."
            )
        st.page_link("pages/historikk.py", label="Til Historikk", icon=":material/history:")
        return

    scope = ", ".join(projects) if projects else "alle prosjekter"
    locked_by = f", låst av {found.base.created_by}" if found.base.created_by else ""
    st.caption(_ui.escape(f"Endringer {found.describe()}{locked_by} · {scope}"))
    counts = found.counts()
    groups = history.HEADLINE_GROUPS
    for row in _rows_of_boxes(groups):
        # Room for each box's figures, and at least for two, so that a one-figure box keeps
        # its title whole on a narrow projector screen.
        boxes = st.columns([max(len(keys), 2) for _title, keys in row], border=True)
        for box, (title, keys) in zip(boxes, row, strict=True):
            with box:
                st.markdown(f"**{title}**")
                for column, key in zip(st.columns(len(keys)), keys, strict=True):
                    column.metric(history.CATEGORIES_BY_KEY[key].short, counts[key])
    if found.empty:
        st.success("Ingen endringer siden møtet.", icon=":material/check_circle:")
        return
    shown = found.table.drop(columns=["kind"])
    # Before and now are the point: they come before the title, which may be cut on a
    # narrow screen (the command line's CSV keeps its documented order).
    shown = shown[["Endring", "Prosjekt-ID", "ID", "Før", "Nå", "Tittel"]]
    _ui.table(
        shown,
        "Endringer siden sist møte",
        key="endringer_siden_mote",
        # The whole list on the page, read top to bottom in the meeting; a long one scrolls.
        height="content" if len(shown) <= FULL_TABLE_ROWS else "auto",
        column_config={
            "Endring": st.column_config.TextColumn("Endring", width="medium"),
            "Tittel": st.column_config.TextColumn("Tittel", width="large"),
        },
    )

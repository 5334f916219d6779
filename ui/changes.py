""" "Endringer siden sist møte": the section of that name on the Oversikt page.

`show_changes_since_last_meeting(filters)` compares the version shown with the last version
locked for a meeting before it, for the chosen projects.
"""

from __future__ import annotations

import streamlit as st

from lib import history
from ui import data, figures, layout, router
from ui.figures import Box, Figure
from ui.text import escape

#: Up to this many changes are shown at full height; more scroll inside the table.
FULL_TABLE_ROWS = 60


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


def show_changes_since_last_meeting(filters: object) -> None:
    """What changed since the version last locked for a meeting, for the chosen projects of
    those the user may read (`filters.readable`).

    Compares the version shown (`filters.version`, None = latest) with the last version locked
    for a meeting before it: new, closed, reopened and removed risks, risks whose score rose
    or fell, benefits measured, new, removed or given a new target, measurements removed,
    decisions made, evaluations done or newly overdue, and milestones that slipped. The
    headline boxes count every kind the table lists (lib.meeting_changes.HEADLINE_GROUPS).
    """
    version, projects = _chosen(filters)
    readable = getattr(filters, "readable", None)
    day = data.status_day(version)
    # Asked once for every project the user may read and narrowed to the chosen ones here:
    # picking a project in the sidebar then costs no new comparison of two versions.
    every = data.cached(history.changes_since_last_meeting)(version, (), day, readable=readable)
    found = every.for_projects(projects) if every is not None else None
    if found is None:
        locked = data.cached(history.snapshots)()
        if not locked:
            layout.empty(
                "Ingen versjon er låst for et møte ennå. Lås versjonen dere behandler i møtet "
                "på siden Historikk («Lås versjon for møte»); da viser denne delen hva som er "
                "endret siden."
            )
        else:
            layout.empty(
                "Ingen versjon før denne er låst for et møte, så det er ingenting å "
                "sammenligne med ennå."
            )
        st.page_link(router.HISTORIKK, label="Til Historikk", icon=":material/history:")
        return

    everything = "alle prosjekter" if readable is None else "alle prosjektene du har tilgang til"
    scope = ", ".join(projects) if projects else everything
    locked_by = f", låst av {found.base.created_by}" if found.base.created_by else ""
    st.caption(escape(f"Endringer {found.describe()}{locked_by} · {scope}"))
    counts = found.counts()
    # Every box in one element; a box takes room for its figures (and for two at least, so
    # a one-figure box keeps its title whole), and they wrap on a narrow projector screen.
    figures.show(
        [
            Box(title, [Figure(history.CATEGORIES_BY_KEY[key].short, counts[key]) for key in keys])
            for title, keys in history.HEADLINE_GROUPS
        ]
    )
    if found.empty:
        st.success("Ingen endringer siden møtet.", icon=":material/check_circle:")
        return
    shown = found.table.drop(columns=["kind"])
    # Before and now are the point: they come before the title, which may be cut on a
    # narrow screen (the command line's CSV keeps its documented order).
    shown = shown[["Endring", "Prosjekt-ID", "ID", "Før", "Nå", "Tittel"]]
    layout.table(
        shown,
        "Endringer siden sist møte",
        key="endringer_siden_mote",
        # The whole list on the page, read top to bottom in the meeting; a long one scrolls.
        height="content" if len(shown) <= FULL_TABLE_ROWS else "auto",
        # Every column, in widths that fit a 1280-pixel projector screen.
        first={"Endring": 150, "Prosjekt-ID": 105, "ID": 70, "Før": 120, "Nå": 140}
        | {"Tittel": 165},
    )

"""The shared sidebar filters, bound to the URL.

The filters are widgets bound to the URL's query parameters (prosjekt, enhet, ansvarlig,
status, tekst, versjon), created by the router before the page runs: they survive page
changes, and a copied link opens the same view. Pages read them with `current()`.
"""

from __future__ import annotations

import streamlit as st

from lib import access, queries
from lib.queries import Filters
from ui import auth, data
from ui.text import escape

#: Query parameter (and session-state key) of each filter. Historikk links to ?versjon=N.
FILTER_KEYS = {
    "projects": "prosjekt",
    "units": "enhet",
    "owners": "ansvarlig",
    "statuses": "status",
    "text": "tekst",
    "version": "versjon",
}


#: Session-state key (no widget has it, so no browser can set it): the projects the user may
#: read, as `auth.permissions()` said at the start of this run (None: every project).
_READABLE = "_lesbare_prosjekter"


def _ask_who_may_read() -> frozenset[str] | None:
    """The projects the session's user may read, asked once per run (by `sidebar`, which the
    router runs before the page): a grant given or taken shows on the next run."""
    readable = auth.permissions().readable
    st.session_state[_READABLE] = readable
    return readable


def readable() -> frozenset[str] | None:
    """The projects the session's user may read (None: every project; empty: none)."""
    if _READABLE not in st.session_state:
        return _ask_who_may_read()
    return st.session_state[_READABLE]


def current() -> Filters:
    """The active sidebar filters (the router creates the widgets before the page runs),
    narrowed to the projects the user may read: every read in lib/ applies that in its SQL."""
    state = st.session_state
    version = state.get(FILTER_KEYS["version"])
    return Filters(
        projects=tuple(state.get(FILTER_KEYS["projects"]) or ()),
        units=tuple(state.get(FILTER_KEYS["units"]) or ()),
        owners=tuple(state.get(FILTER_KEYS["owners"]) or ()),
        statuses=tuple(state.get(FILTER_KEYS["statuses"]) or ()),
        text=str(state.get(FILTER_KEYS["text"]) or "").strip(),
        version=int(version) if version is not None else None,
        readable=readable(),
    )


def show_version(number: int | None) -> None:
    """Make every page show version `number` (None: the latest).

    Only from a callback or before the router draws the filters: the version filter is a
    widget, whose state can be set only before it is drawn in a run. The URL follows.
    """
    st.session_state[FILTER_KEYS["version"]] = number


def _clear_filters() -> None:
    for key in ("projects", "units", "owners", "statuses"):
        st.session_state[FILTER_KEYS[key]] = []
    st.session_state[FILTER_KEYS["text"]] = ""
    show_version(None)


def _project_label(project: str, names: dict[str, str]) -> str:
    """`ASK-TM · Ask tjenestemodell`: a project's ID and name (the ID alone if it has none)."""
    name = names.get(project)
    return f"{project} · {name}" if name and name != project else project


def sidebar() -> None:
    """The shared filters, bound to the URL. Called by the router before the page runs."""
    allowed = _ask_who_may_read()
    # Only the projects the user may read: no other project's ID, name, unit or people.
    options = data.cached(queries.filter_options)(allowed)
    known_versions = data.versions(allowed)
    numbers = [int(number) for number in known_versions["version"]]
    bind = "query-params"
    # What the address asks for, read before the widgets drop what they do not offer.
    asked = {key: st.query_params.get_all(name) for key, name in FILTER_KEYS.items()}
    # Prosjekt and Status show a label (ID and name; the list a status belongs to), and a bound
    # widget would write that label into the address: they keep the values in it by hand.
    _from_the_address("projects", options.projects)
    _from_the_address("statuses", queries.STATUS_OPTIONS)
    # No «Select all» (English, and choosing every value is the same as choosing none) in the
    # lists: select_all=False on each.
    with st.sidebar:
        st.header("Filtre", anchor=False)
        st.multiselect(
            "Prosjekt",
            options.projects,
            key=FILTER_KEYS["projects"],
            select_all=False,
            # ID and name in the list; the address keeps the ID.
            format_func=lambda project: _project_label(project, options.project_names),
            placeholder="Alle prosjekter",
            help="Prosjekt-ID og navn. Flere prosjekter gir porteføljen samlet.",
        )
        st.multiselect(
            "Enhet",
            options.units,
            key=FILTER_KEYS["units"],
            bind=bind,
            select_all=False,
            placeholder="Alle enheter",
        )
        st.multiselect(
            "Ansvarlig / eier",
            options.owners,
            key=FILTER_KEYS["owners"],
            bind=bind,
            select_all=False,
            placeholder="Alle",
            help="Ansvarlig for risiko, anbefaling og milepæl; gevinsteier for gevinster.",
        )
        st.multiselect(
            "Status",
            queries.STATUS_OPTIONS,
            key=FILTER_KEYS["statuses"],
            select_all=False,
            # Grouped by the list each belongs to, in the pages' order: «Risiko: Åpen».
            format_func=queries.status_label,
            placeholder="Alle (risiko: åpne og under arbeid)",
            help=(
                "Hver side bruker statusene som gjelder den: risikostatus, gevinststatus, "
                "vedtak, evalueringsstatus og milepælstatus."
            ),
        )
        st.text_input(
            "Fritekst",
            key=FILTER_KEYS["text"],
            bind=bind,
            placeholder="Søk i ID, tittel, tiltak …",
            icon=":material/search:",
        )
        st.selectbox(
            "Versjon (per)",
            numbers,
            index=None,
            key=FILTER_KEYS["version"],
            bind=bind,
            placeholder=f"Siste ({numbers[0]})" if numbers else "Siste",
            help="Vis dataene slik de var i en tidligere versjon.",
        )
        chosen = current()
        shown = chosen.version if chosen.version is not None else (numbers[0] if numbers else 0)
        row = known_versions[known_versions["version"] == shown]
        if not row.empty and not chosen.reads_nothing:
            version = row.iloc[0]
            by = f" · {version.created_by}" if isinstance(version.created_by, str) else ""
            st.caption(escape(f"Versjon {shown} · {version.created_at:%d.%m.%Y}{by}"))
        st.button(
            "Nullstill filtre",
            on_click=_clear_filters,
            icon=":material/filter_alt_off:",
            disabled=not (chosen.narrowed or chosen.version is not None),
        )
    _to_the_address("projects", chosen.projects)
    _to_the_address("statuses", chosen.statuses)
    _say_what_the_link_lost(asked, chosen)


#: Session-state key: the filters whose value came from the address in this session.
_SEEDED = "filtre_fra_adressen"


def _from_the_address(key: str, offered: tuple[str, ...]) -> None:
    """On a session's first run, a hand-bound filter takes the values the address asks for
    (those it offers; the rest are reported by `_say_what_the_link_lost`)."""
    seeded = st.session_state.setdefault(_SEEDED, set())
    if key in seeded:
        return
    seeded.add(key)
    asked = st.query_params.get_all(FILTER_KEYS[key])
    st.session_state[FILTER_KEYS[key]] = [value for value in asked if value in offered]


def _to_the_address(key: str, values: tuple[str, ...]) -> None:
    """The address holds a hand-bound filter's values (IDs, statuses), not their labels."""
    name = FILTER_KEYS[key]
    if list(values) != st.query_params.get_all(name):
        if values:
            st.query_params[name] = list(values)
        else:
            del st.query_params[name]


def no_such_project(projects: list[str]) -> str:
    """«Prosjektet B finnes ikke, eller du har ikke tilgang.»: the same words whether the
    project does not exist or the user may not read it, so nobody learns that it exists."""
    if len(projects) == 1:
        return f"Prosjektet {projects[0]} {access.NO_ACCESS}."
    return f"Prosjektene {', '.join(projects)} {access.NO_ACCESS}."


def _say_what_the_link_lost(asked: dict[str, list[str]], chosen: Filters) -> None:
    """A copied link whose project, version … no longer exists (or, for a project, is not
    the user's to read) must not pass for that view."""
    kept = {
        "projects": set(chosen.projects),
        "units": set(chosen.units),
        "owners": set(chosen.owners),
        "statuses": set(chosen.statuses),
        "version": {str(chosen.version)} if chosen.version is not None else set(),
    }
    lost = {
        key: [value for value in values if value and value not in kept[key]]
        for key, values in asked.items()
        if key in kept
    }
    others = [
        f"{FILTER_KEYS[key]} «{value}»"
        for key, values in lost.items()
        if key != "projects"
        for value in values
    ]
    sentences = []
    if others:
        sentences.append("Lenken ba om " + ", ".join(others) + ", som ikke finnes her.")
    if lost.get("projects"):
        sentences.append(no_such_project(lost["projects"]))
    if sentences:
        sentences.append("Det filteret er tatt bort; visningen under gjelder uten det.")
        st.warning(
            escape(" ".join(sentences)),
            icon=":material/link_off:",
        )


def summary(chosen: Filters) -> str:
    """The active filters in one line, for a caption (plain text: escape before markdown)."""
    parts = []
    if chosen.projects:
        parts.append("prosjekt " + ", ".join(chosen.projects))
    if chosen.units:
        parts.append("enhet " + ", ".join(chosen.units))
    if chosen.owners:
        parts.append("ansvarlig " + ", ".join(chosen.owners))
    if chosen.statuses:
        parts.append("status " + ", ".join(chosen.statuses))
    if chosen.text:
        parts.append(f"tekst «{chosen.text}»")
    if chosen.version is not None:
        parts.append(f"versjon {chosen.version}")
    if parts:
        return "Filtre: " + "; ".join(parts)
    if chosen.readable is not None:  # not every project: only those the user may read
        return "Prosjektene du har tilgang til, siste versjon"
    return "Hele porteføljen, siste versjon"

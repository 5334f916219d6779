"""What every page shares: the filters, cached reads, tables with downloads, charts with tables.

Reads are cached per data stamp (the database file's size and modification time) and per
filter set, so a version stored by the command line while the app runs shows up on the next
rerun, without a restart and without opening the database to ask.

The sidebar filters are widgets bound to the URL's query parameters (prosjekt, enhet,
ansvarlig, status, tekst, versjon), created by the router before the page runs: they survive
page changes, and a copied link opens the same view. Pages read them with `filters()`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from lib import charts, clock, queries, wording
from lib.contract import SHEETS_BY_KEY
from lib.exports import XLSX_MIME, frame_to_xlsx
from lib.queries import Filters
from lib.store import default_db_path

#: Query parameter (and session-state key) of each filter. Historikk links to ?versjon=N.
FILTER_KEYS = {
    "projects": "prosjekt",
    "units": "enhet",
    "owners": "ansvarlig",
    "statuses": "status",
    "text": "tekst",
    "version": "versjon",
}
#: Shown in empty table cells instead of "None".
EMPTY_CELL = "–"
DATE_FORMAT = "DD.MM.YYYY"


def db_path() -> Path:
    return default_db_path()


def data_stamp() -> tuple[int, int]:
    """Changes whenever the database file does (DuckDB checkpoints on close)."""
    stamp = (0, 0)
    for path in (db_path(), Path(str(db_path()) + ".wal")):
        if path.exists():
            stat = path.stat()
            stamp = (stamp[0] + stat.st_mtime_ns, stamp[1] + stat.st_size)
    return stamp


def today() -> dt.date:
    """Today, or the day in $STYRINGSROM_TODAY (YYYY-MM-DD) to show a meeting as of a date."""
    override = os.environ.get("STYRINGSROM_TODAY")
    if override:
        try:
            return dt.date.fromisoformat(override)
        except ValueError:
            pass
    return clock.today()


_demo_lock = threading.Lock()


def ensure_database() -> None:
    """On a fresh clone there is no database yet: build the demo so the app shows content.

    Only for the default path: a database named by STYRINGSROM_DB that does not exist yet is
    a new, empty one (the contract), never filled with demo data.
    """
    if os.environ.get("STYRINGSROM_DB") or db_path().exists():
        return
    from lib.demo import build_demo_database

    with _demo_lock:  # two first visitors at once must not both build it
        if db_path().exists():
            return
        with st.spinner("Bygger demodatabasen …"):
            build_demo_database(db_path())


# --- Cached reads ----------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=256)
def _read(query: str, path: str, stamp: tuple[int, int], args: tuple, options: tuple) -> Any:
    """Every cached read: `lib.queries.<query>(path, *args, **options)`, per data stamp."""
    return getattr(queries, query)(path, *args, **dict(options))


def _cached(query: str, *args: object, **options: object) -> Any:
    return _read(query, str(db_path()), data_stamp(), args, tuple(sorted(options.items())))


def sheet(key: str, version: int | None = None) -> pd.DataFrame:
    return _cached("sheet_rows", key, version)


def versions() -> pd.DataFrame:
    return _cached("versions")


def status_day(version: int | None) -> dt.date:
    """The day statuses are judged on: today, or the day an older version shown was stored."""
    return _cached("status_day", version, today())


def day_label(day: dt.date) -> str:
    """What a timeline's day line says: «I dag», or the day an older version shows."""
    return "I dag" if day == today() else f"Per {day:%d.%m.%Y}"


def day_note(day: dt.date) -> str:
    """The sentence under a timeline that says which day its statuses are judged on."""
    if day == today():
        return f"I dag: {day:%d.%m.%Y}."
    return f"Statusene er slik de var {day:%d.%m.%Y}, da versjonen ble lagret."


def filter_options() -> queries.FilterOptions:
    return _cached("filter_options")


def overview(filters: Filters) -> pd.DataFrame:
    return _cached("overview", filters, status_day(filters.version))


def risk_view(
    filters: Filters, *, after: bool, compare_with: int | None, cell: tuple[int, int] | None
) -> queries.RiskView:
    return _cached("risk_view", filters, after=after, compare_with=compare_with, cell=cell)


def benefits(filters: Filters) -> pd.DataFrame:
    return _cached("benefits", filters, status_day(filters.version))


def measurements(project: str, benefit: str, version: int | None) -> pd.DataFrame:
    return _cached("measurements", project, benefit, version)


def recommendations(filters: Filters) -> queries.RecommendationView:
    return _cached("recommendations", filters)


def evaluations(filters: Filters) -> pd.DataFrame:
    return _cached("evaluations", filters, status_day(filters.version))


def milestones(filters: Filters) -> pd.DataFrame:
    return _cached("milestones", filters, status_day(filters.version))


# --- Filters ---------------------------------------------------------------------------------


def require_router() -> None:
    """Make sure the page runs inside the router (app.py), with the shared filters.

    On a freshly started server, Streamlit's old multipage mode (a `pages/` folder next to the
    main script) runs the first deep link it is asked for, e.g. `/risiko?prosjekt=OU2`, as a
    page on its own: no router, no sidebar filters, and the URL's filters are lost.
    st.navigation switches that mode off for the whole server, but only once the router has
    run. This does what st.navigation does, then reruns: the router runs with the same URL.
    A no-op everywhere else (the router has already switched the mode off).
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the old mode
        return
    if getattr(PagesManager, "uses_pages_directory", None):
        PagesManager.uses_pages_directory = False
        st.rerun()


def filters() -> Filters:
    """The active sidebar filters (the router creates the widgets before the page runs)."""
    require_router()
    state = st.session_state
    version = state.get(FILTER_KEYS["version"])
    return Filters(
        projects=tuple(state.get(FILTER_KEYS["projects"]) or ()),
        units=tuple(state.get(FILTER_KEYS["units"]) or ()),
        owners=tuple(state.get(FILTER_KEYS["owners"]) or ()),
        statuses=tuple(state.get(FILTER_KEYS["statuses"]) or ()),
        text=str(state.get(FILTER_KEYS["text"]) or "").strip(),
        version=int(version) if version is not None else None,
    )


def _clear_filters() -> None:
    for key in ("projects", "units", "owners", "statuses"):
        st.session_state[FILTER_KEYS[key]] = []
    st.session_state[FILTER_KEYS["text"]] = ""
    st.session_state[FILTER_KEYS["version"]] = None


def sidebar_filters() -> None:
    """The shared filters, bound to the URL. Called by the router before the page runs."""
    options = filter_options()
    known_versions = versions()
    numbers = [int(number) for number in known_versions["version"]]
    bind = "query-params"
    # What the address asks for, read before the widgets drop what they do not offer.
    asked = {key: st.query_params.get_all(name) for key, name in FILTER_KEYS.items()}
    with st.sidebar:
        st.header("Filtre", anchor=False)
        st.multiselect(
            "Prosjekt",
            options.projects,
            key=FILTER_KEYS["projects"],
            bind=bind,
            placeholder="Alle prosjekter",
            help="Prosjekt-ID. Flere prosjekter gir porteføljen samlet.",
        )
        st.multiselect(
            "Enhet", options.units, key=FILTER_KEYS["units"], bind=bind, placeholder="Alle enheter"
        )
        st.multiselect(
            "Ansvarlig / eier",
            options.owners,
            key=FILTER_KEYS["owners"],
            bind=bind,
            placeholder="Alle",
            help="Ansvarlig for risiko, anbefaling og milepæl; gevinsteier for gevinster.",
        )
        st.multiselect(
            "Status",
            queries.STATUS_OPTIONS,
            key=FILTER_KEYS["statuses"],
            bind=bind,
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
        chosen = filters()
        shown = chosen.version if chosen.version is not None else (numbers[0] if numbers else 0)
        row = known_versions[known_versions["version"] == shown]
        if not row.empty:
            version = row.iloc[0]
            by = f" · {version.created_by}" if isinstance(version.created_by, str) else ""
            st.caption(escape(f"Versjon {shown} · {version.created_at:%d.%m.%Y}{by}"))
        st.button(
            "Nullstill filtre",
            on_click=_clear_filters,
            icon=":material/filter_alt_off:",
            disabled=not (chosen.narrowed or chosen.version is not None),
        )
    _say_what_the_link_lost(asked, chosen)


def _say_what_the_link_lost(asked: dict[str, list[str]], chosen: Filters) -> None:
    """A copied link whose project, version … no longer exists must not pass for that view."""
    kept = {
        "projects": set(chosen.projects),
        "units": set(chosen.units),
        "owners": set(chosen.owners),
        "statuses": set(chosen.statuses),
        "version": {str(chosen.version)} if chosen.version is not None else set(),
    }
    lost = [
        f"{FILTER_KEYS[key]} «{value}»"
        for key, values in asked.items()
        if key in kept
        for value in values
        if value and value not in kept[key]
    ]
    if lost:
        st.warning(
            escape(
                "Lenken ba om " + ", ".join(lost) + ", som ikke finnes her. Det filteret er "
                "tatt bort; visningen under gjelder uten det."
            ),
            icon=":material/link_off:",
        )


def filter_summary(chosen: Filters) -> str:
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
    return "Filtre: " + "; ".join(parts) if parts else "Hele porteføljen, siste versjon"


# --- Layout helpers --------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape(text: object) -> str:
    """User text made safe for st.markdown and labels: every markdown character escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def header(title: str, chosen: Filters) -> None:
    st.title(title, anchor=False)
    st.caption(escape(filter_summary(chosen)))
    older_version_banner(chosen)


def _show_latest() -> None:
    st.session_state[FILTER_KEYS["version"]] = None


def older_version_banner(chosen: Filters) -> None:
    """On a shared screen an older version must not pass for today's data: say so plainly."""
    if chosen.version is None:
        return
    known = versions()
    latest = int(known["version"].max()) if not known.empty else 0
    if chosen.version >= latest:
        return
    day = status_day(chosen.version)
    text, button = st.columns([3, 1], vertical_alignment="center")
    text.warning(
        f"Du ser versjon {chosen.version} fra {day:%d.%m.%Y}, ikke siste versjon "
        f"({latest}). Tallene og statusene er slik de var da.",
        icon=":material/history:",
    )
    button.button(
        "Siste versjon",
        on_click=_show_latest,
        icon=":material/update:",
        key="vis_siste",
        help="Vis dataene slik de er nå.",
        width="stretch",
    )


def metric_row(
    figures: Sequence[tuple[str, int] | tuple[str, int, str | None]],
    widths: Sequence[float] | None = None,
) -> None:
    """Counts side by side in one bordered box: (label, value[, help]) each.

    One box around them all, not one per figure, leaves each label the room to be read whole
    on a narrow projector screen.
    """
    with st.container(border=True):
        columns = st.columns(list(widths) if widths else len(figures))
        for column, (label, value, *more) in zip(columns, figures, strict=True):
            column.metric(label, value, help=more[0] if more else None)


def empty(message: str) -> None:
    """A friendly Norwegian note where a view has nothing to show."""
    st.info(message, icon=":material/info:")


def shown_columns(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The columns a list shows, in order, renamed to their Norwegian headings."""
    return frame[list(columns)].rename(columns=columns)


def labelled(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Columns renamed to the contract's Norwegian headings."""
    names = {column.db: column.name for column in SHEETS_BY_KEY[key].columns}
    return frame.rename(columns=names)


def contract_name(key: str, db: str) -> str:
    """A column's heading from the contract."""
    return SHEETS_BY_KEY[key].column(db).name


def _column_config(frame: pd.DataFrame) -> dict[str, object]:
    config: dict[str, object] = {}
    for column in frame.columns:
        dtype = frame[column].dtype
        if pd.api.types.is_datetime64_any_dtype(dtype):
            config[column] = st.column_config.DateColumn(column, format=DATE_FORMAT)
        elif pd.api.types.is_float_dtype(dtype):
            config[column] = st.column_config.NumberColumn(column, format="localized")
    return config


def _slug(name: str) -> str:
    folded = name.lower().translate({ord("æ"): "ae", ord("ø"): "o", ord("å"): "a"})
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "tabell"


def table(
    frame: pd.DataFrame,
    name: str,
    *,
    key: str,
    height: int | str = "auto",
    column_config: dict[str, object] | None = None,
) -> None:
    """A list, and under it the Excel download of exactly the rows and columns shown.

    The workbook is built only when the button is pressed; text that Excel could run as a
    formula is written as text (lib.exports.frame_to_xlsx).
    """
    config = {**_column_config(frame), **(column_config or {})}
    st.dataframe(
        frame,
        hide_index=True,
        column_config=config,
        placeholder=EMPTY_CELL,
        height=height,
        key=f"{key}_tabell",
        alt=name,
    )
    download(frame, name, key=key)


def download(frame: pd.DataFrame, name: str, *, key: str) -> None:
    st.download_button(
        f"Last ned som Excel ({wording.rows(len(frame))})",
        data=_xlsx_builder(frame, name),
        file_name=f"{_slug(name)}-{today():%Y-%m-%d}.xlsx",
        mime=XLSX_MIME,
        icon=":material/download:",
        on_click="ignore",
        key=f"{key}_xlsx",
    )


def _xlsx_builder(frame: pd.DataFrame, name: str) -> Callable[[], bytes]:
    def build() -> bytes:
        return frame_to_xlsx(frame, name)

    return build


@st.cache_data(show_spinner=False, max_entries=128)
def _chart_spec(kind: str, data: pd.DataFrame, options: tuple[tuple[str, object], ...]) -> dict:
    figure = getattr(charts, kind)(data, **dict(options))
    # Validated in tests/test_charts.py; validating on every render costs more than drawing.
    spec = figure.to_dict(validate=False)
    view = spec.get("config", {}).get("view", {})
    for default_size in ("continuousWidth", "continuousHeight"):  # Altair's default theme
        view.pop(default_size, None)
    return spec


def chart_spec(kind: str, data: pd.DataFrame, **options: object) -> dict:
    """The Vega-Lite spec of `lib.charts.<kind>(data, **options)`, cached per data and options.

    Building an Altair chart and turning it into a spec takes tens of milliseconds; a
    rerun with the same numbers (a click elsewhere on the page) reuses the spec.
    """
    return _chart_spec(kind, data, tuple(sorted(options.items())))


def chart(
    spec: dict,
    numbers: pd.DataFrame,
    *,
    description: str,
    name: str,
    key: str,
    selectable: bool = False,
) -> object:
    """A chart, its text alternative under it, and the table of its numbers one click away.

    Returns the selection state when `selectable`.
    """
    state = st.vega_lite_chart(
        spec,
        width="stretch",
        key=key,
        alt=description,
        on_select="rerun" if selectable else "ignore",
    )
    st.caption(escape(description))
    with st.expander("Tallene bak figuren", icon=":material/table:"):
        table(numbers, name, key=f"{key}_tall")
    return state


def page_link(page: str, label: str, icon: str) -> None:
    """A link to the page that explains a figure; the filters travel in the URL."""
    st.page_link(page, label=label, icon=icon)

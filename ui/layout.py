"""Layout every page shares: headers, banners, figures, tables with downloads, charts with
their numbers, and the Norwegian headings of the columns a list shows."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from lib import numbers, wording
from lib.contract import SHEETS_BY_KEY
from lib.db import StoreUnavailable
from lib.exports import XLSX_MIME, frame_to_xlsx
from lib.queries import Filters
from ui import auth, data, filters
from ui.figures import Figure, show_row
from ui.text import escape

#: Shown in empty table cells instead of "None".
EMPTY_CELL = "–"
DATE_FORMAT = "DD.MM.YYYY"


# --- Headings --------------------------------------------------------------------------------


def heading(sheets: str | Sequence[str], column: str) -> str:
    """A column's Norwegian heading: the contract's, for the first of `sheets` that has the
    column, else lib.wording.HEADINGS for the columns the views derive."""
    for key in (sheets,) if isinstance(sheets, str) else sheets:
        for defined in SHEETS_BY_KEY[key].columns:
            if defined.db == column:
                return defined.name
    return wording.HEADINGS[column]


def headed(
    frame: pd.DataFrame,
    sheets: str | Sequence[str],
    columns: Sequence[str],
    renamed: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The `columns` a list shows, in that order, under their Norwegian headings.

    Headings come from the contract (`heading`); `renamed` is for the few that depend on the
    view, such as the version a change is counted from.
    """
    names = {column: (renamed or {}).get(column) or heading(sheets, column) for column in columns}
    return frame[list(columns)].rename(columns=names)


# --- Page furniture --------------------------------------------------------------------------


def header(title: str, chosen: Filters) -> None:
    st.title(title, anchor=False)
    st.caption(escape(filters.summary(chosen)))
    older_version_banner(chosen)


def _show_latest() -> None:
    filters.show_version(None)


def older_version_banner(chosen: Filters) -> None:
    """On a shared screen an older version must not pass for today's data: say so plainly."""
    if chosen.version is None:
        return
    latest = data.latest_version_number(chosen.readable)
    if chosen.version >= latest:
        return
    day = data.status_day(chosen.version)
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


def day_label(day: dt.date) -> str:
    """What a timeline's day line says: «I dag», or the day an older version shows."""
    return "I dag" if day == data.today() else f"Per {day:%d.%m.%Y}"


def day_note(day: dt.date) -> str:
    """The sentence under a timeline that says which day its statuses are judged on."""
    if day == data.today():
        return f"I dag: {day:%d.%m.%Y}."
    return f"Statusene er slik de var {day:%d.%m.%Y}, da versjonen ble lagret."


def metric_row(figures: Sequence[tuple[str, int] | tuple[str, int, str | None]]) -> None:
    """Counts side by side in one bordered box: (label, value[, help]) each.

    One box around them all, not one per figure, leaves each label the room to be read whole
    on a narrow projector screen; drawn as one element (ui/figures.py says why).
    """
    show_row([Figure(label, value, more[0] if more else None) for label, value, *more in figures])


def empty(message: str) -> None:
    """A friendly Norwegian note where a view has nothing to show."""
    st.info(message, icon=":material/info:")


#: What a page says to a signed-in user who may read no project yet.
NO_PROJECTS = "Du har ikke tilgang til noen prosjekter ennå. Be en administrator om tilgang."
#: What a page says before anyone has signed in (sign-in set up).
NOT_SIGNED_IN = "Du er ikke logget inn. Logg inn for å se prosjektene du har tilgang til."


def nothing_readable(chosen: Filters) -> bool:
    """When the user may read no project: say so (instead of the page) and return True.

    The page's reads would return nothing anyway (lib narrows every read to
    `chosen.readable`); this says why, rather than «Ingen … passer med filtrene»."""
    if not chosen.reads_nothing:
        return False
    if auth.actor() is None:
        st.info(NOT_SIGNED_IN, icon=":material/login:")
    else:
        st.info(NO_PROJECTS, icon=":material/lock:")
    return True


def database_unavailable(error: StoreUnavailable) -> None:
    """Instead of the page: the database file cannot be used (lib.db.StoreUnavailable)."""
    st.title("Databasen kan ikke brukes", anchor=False)
    st.error(escape(f"Databasefilen «{error.path}» {error.problem}"), icon=":material/error:")
    st.info(escape(error.advice), icon=":material/build:")


def page_link(page: str, label: str, icon: str) -> None:
    """A link to the page that explains a figure; the filters travel in the URL."""
    st.page_link(page, label=label, icon=icon)


# --- Tables ----------------------------------------------------------------------------------


def _column_config(frame: pd.DataFrame) -> dict[str, object]:
    config: dict[str, object] = {}
    for column in frame.columns:
        dtype = frame[column].dtype
        if pd.api.types.is_datetime64_any_dtype(dtype):
            config[column] = st.column_config.DateColumn(column, format=DATE_FORMAT)
    return config


def _left_to_the_browser(setting: object) -> bool:
    """Whether a column's setting lets the browser's language format its numbers: none, or a
    NumberColumn without a format of its own (a page's "%.0f %%" has no decimal mark)."""
    if setting is None:
        return True
    if not isinstance(setting, Mapping):
        return False
    kind = setting.get("type_config") or {}
    # A plain Column (a width or a heading only) has no type: the browser formats it too.
    return kind.get("type") in (None, "number") and kind.get("format") in (None, "localized")


def _norwegian_numbers(
    frame: pd.DataFrame, config: dict[str, object]
) -> tuple[pd.DataFrame, dict[str, object]]:
    """The numbers the browser would write in its own language (`88.5` in English) as
    Norwegian text instead (`88,5`, `12 345`), right-aligned; lib.numbers keeps them sortable.
    The page's own label, width and help for such a column are kept."""
    shown, settings = frame, dict(config)
    for column in frame.columns:
        setting = config.get(column)
        if not numbers.wants_text(frame[column]) or not _left_to_the_browser(setting):
            continue
        if shown is frame:
            shown = frame.copy()
        shown[column] = numbers.column_text(frame[column])
        kept = dict(setting) if isinstance(setting, Mapping) else {}
        settings[column] = st.column_config.TextColumn(
            kept.get("label") or column,
            width=kept.get("width"),
            help=kept.get("help"),
            pinned=kept.get("pinned"),
            alignment="right",
        )
    return shown, settings


def _slug(name: str) -> str:
    folded = name.lower().translate({ord("æ"): "ae", ord("ø"): "o", ord("å"): "a"})
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "tabell"


#: The toggle under a list whose other columns are one click away.
ALL_COLUMNS = "Vis alle kolonner"


def table(
    frame: pd.DataFrame,
    name: str,
    *,
    key: str,
    height: int | str = "auto",
    column_config: dict[str, object] | None = None,
    first: Mapping[str, int] | None = None,
    short: Mapping[str, str] | None = None,
    most: int | None = None,
) -> None:
    """A list, and under it the Excel download of its rows with every column.

    `most`: at most this many rows on screen, the first ones, said in a line above the list;
    the download keeps every row. (A list of 27,000 findings was sent to the browser on every
    rerun, inside a folded panel, and made a filter change 100 ms slower.)

    `first`: the headings that carry the message, in order, each with its width in pixels, so
    that together they fit a 1280-pixel projector screen; the other columns are shown after a
    click on «Vis alle kolonner» (a table wider than the screen hides its right-hand columns
    behind a scroll bar nobody sees from the back of the room). `short`: shorter headings on
    screen (the full one is the column's help, and the download keeps it).
    The workbook is built only when the button is pressed; text that Excel could run as a
    formula is written as text (lib.exports.frame_to_xlsx). The workbook keeps the numbers as
    numbers; the screen shows them the Norwegian way (`_norwegian_numbers`).
    """
    config: dict[str, object] = _column_config(frame)
    for column, width in (first or {}).items():
        label = (short or {}).get(column, column)
        help_text = column if label != column else None
        config[column] = _merged(
            config.get(column), st.column_config.Column(label, width=width, help=help_text)
        )
    for column, given in (column_config or {}).items():
        # A width or heading given here keeps the column's type (a date stays a date).
        config[column] = _merged(config.get(column), given)
    rest = [column for column in frame.columns if first is not None and column not in first]
    order = list(first or ()) if rest and not st.session_state.get(f"{key}_alle") else None
    on_screen = frame if most is None else frame.head(most)
    if len(on_screen) < len(frame):
        st.caption(
            f"Viser de første {numbers.number(len(on_screen))} av "
            f"{numbers.number(len(frame))} rader; Excel-filen under listen har alle."
        )
    shown, config = _norwegian_numbers(on_screen, config)
    st.dataframe(
        shown,
        hide_index=True,
        column_config=config,
        column_order=order,
        placeholder=EMPTY_CELL,
        height=height,
        key=f"{key}_tabell",
        alt=name,
    )
    if not rest:
        download(frame, name, key=key)
        return
    toggle, button = st.columns([1, 1], vertical_alignment="center")
    toggle.toggle(
        ALL_COLUMNS,
        key=f"{key}_alle",
        help="Også " + ", ".join(f"«{column}»" for column in rest) + ".",
    )
    with button:
        download(frame, name, key=key)


def _merged(default: object, given: object) -> object:
    if not isinstance(default, Mapping) or not isinstance(given, Mapping):
        return given
    return {**default, **{name: value for name, value in given.items() if value is not None}}


def download(frame: pd.DataFrame, name: str, *, key: str) -> None:
    st.download_button(
        f"Last ned som Excel ({wording.rows(len(frame))})",
        data=_xlsx_builder(frame, name),
        file_name=f"{_slug(name)}-{data.today():%Y-%m-%d}.xlsx",
        mime=XLSX_MIME,
        icon=":material/download:",
        on_click="ignore",
        key=f"{key}_xlsx",
    )


def _xlsx_builder(frame: pd.DataFrame, name: str) -> Callable[[], bytes]:
    def build() -> bytes:
        return frame_to_xlsx(frame, name)

    return build


# --- Charts ----------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=128)
def _chart_spec(
    _draw: Callable[..., Any],
    name: str,
    numbers: pd.DataFrame,
    options: tuple[tuple[str, object], ...],
) -> dict:
    """`_draw` is not hashed (leading underscore): `name` keys it."""
    figure = _draw(numbers, **dict(options))
    # Validated in tests/test_charts.py; validating on every render costs more than drawing.
    spec = figure.to_dict(validate=False)
    view = spec.get("config", {}).get("view", {})
    for default_size in ("continuousWidth", "continuousHeight"):  # Altair's default theme
        view.pop(default_size, None)
    return spec


def chart_spec(
    draw: Callable[..., alt.TopLevelMixin], numbers: pd.DataFrame, **options: object
) -> dict:
    """The Vega-Lite spec of `draw(numbers, **options)` (a chart of lib.charts), cached per
    data and options: building an Altair chart and its spec takes tens of milliseconds, and a
    rerun with the same numbers (a click elsewhere on the page) reuses the spec."""
    name = f"{draw.__module__}.{draw.__qualname__}"
    return _chart_spec(draw, name, numbers, tuple(sorted(options.items())))


def chart(
    spec: dict,
    numbers: pd.DataFrame,
    *,
    description: str,
    name: str,
    key: str,
    selectable: bool | Callable[[], None] = False,
) -> object:
    """A chart, its text alternative under it, and the table of its numbers one click away.

    Returns the selection state when `selectable`; a callable is called when it changes (the
    state is then in st.session_state[key]).
    """
    state = st.vega_lite_chart(
        spec,
        width="stretch",
        key=key,
        alt=description,
        on_select=selectable if callable(selectable) else ("rerun" if selectable else "ignore"),
    )
    st.caption(escape(description))
    with st.expander("Tallene bak figuren", icon=":material/table:"):
        table(numbers, name, key=f"{key}_tall")
    return state

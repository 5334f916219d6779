"""Risiko: the 5×5 matrix (before or after tiltak) and the list, highest score first.

Clicking a cell narrows the list to that cell; with several projects the matrix shows the
portfolio. Each risk's score is compared with an earlier version (default: the one locked for
the last meeting, else the one before); that version and the clicked cell are kept in the URL.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from lib import charts, history, queries, wording
from lib.contract import RISK_BANDS, RISK_DOWN, RISK_NEW, RISK_SAME, RISK_STATUSES, RISK_UP
from lib.queries import Filters
from ui import data, filters, layout

MOVEMENT_TEXT = {RISK_UP: "▲ Opp", RISK_DOWN: "▼ Ned", RISK_NEW: "● Ny", RISK_SAME: "= Uendret"}


def main() -> None:
    chosen = filters.current()
    layout.header("Risiko", chosen)
    if layout.nothing_readable(chosen):
        return
    known = data.versions(chosen.readable)
    if known.empty:
        layout.empty("Databasen er tom. Last opp et risikoregister under «Last opp».")
        return
    current = chosen.version if chosen.version is not None else int(known["version"].max())
    after, compare_with = choose_view([int(v) for v in known["version"] if int(v) < current], known)
    view = data.per_project(queries.risk_view)(chosen, after=after, compare_with=compare_with)
    if int(view.matrix["antall"].sum()) == 0:
        layout.empty(
            "Ingen risikoer passer med filtrene. Lukkede risikoer vises når du velger "
            "status «Lukket» i sidepanelet."
        )
        return
    cell = show_matrix(view.matrix, after, cell_in_address())
    rows = view.rows if cell is None else view.in_cell(cell)
    show_list(rows, chosen, cell=cell, after=after, compare_with=compare_with)


def choose_view(earlier: list[int], known: pd.DataFrame) -> tuple[bool, int | None]:
    """Before or after tiltak, and the version to compare scores with: by default the one
    locked for the last meeting, else the one before. Both are kept in the address."""
    # The version's name is long («v6 · Styringsgruppemøte september 2026 24.09.2026»): the
    # select box gets the room to show it whole at 1280 pixels.
    switch, compare = st.columns([1, 2], vertical_alignment="bottom")
    after = switch.toggle(
        "Vis etter tiltak",
        key="etter_tiltak",
        bind="query-params",  # a copied link shows the same side of the matrix
        help="Sannsynlighet og konsekvens etter tiltak. Risikoer uten vurdering etter tiltak "
        "står med vurderingen før tiltak.",
    )
    meetings = {s.version: s for s in data.cached(history.snapshots)()}
    stored = known.set_index("version")["created_at"]

    def label(number: int) -> str:
        """`v6 · Styringsgruppemøte september 2026 24.09.2026`, or when it was stored."""
        if number in meetings:
            meeting = meetings[number]
            return f"v{number} · {meeting.name} {meeting.meeting_date:%d.%m.%Y}"
        return f"v{number} · lastet opp {pd.Timestamp(stored[number]):%d.%m.%Y}"

    locked = [number for number in earlier if number in meetings]
    default = max(locked) if locked else (earlier[0] if earlier else None)
    asked = st.query_params.get(COMPARE, "")
    if asked.isdigit() and int(asked) in earlier:
        default = int(asked)  # a copied link compares with the same version
    # Kept in the address by hand, not with bind="query-params": a bound select box writes
    # its label («v6 · Styringsgruppemøte …») into the address, this writes «6».
    compare_with = compare.selectbox(
        "Sammenlign med versjon",
        earlier,
        index=earlier.index(default) if default is not None else None,
        format_func=label,
        key=COMPARE,
        on_change=remember_comparison,
        placeholder="Ingen tidligere versjon",
        help="Endringskolonnen viser om scoren har gått opp eller ned siden denne versjonen. "
        "Først foreslått: versjonen som ble låst for siste møte.",
    )
    return after, compare_with


#: The select box's key and the address's parameter for the version compared with.
COMPARE = "sammenlign"


def remember_comparison() -> None:
    chosen = st.session_state.get(COMPARE)
    if chosen is None:
        st.query_params.pop(COMPARE, None)
    else:
        st.query_params[COMPARE] = str(chosen)


def _when(after: bool) -> str:
    return "etter tiltak" if after else "før tiltak"


def show_matrix(
    matrix: pd.DataFrame, after: bool, cell: tuple[int, int] | None
) -> tuple[int, int] | None:
    """The matrix and its numbers, `cell` (from the address) marked; returns it."""
    when = _when(after)
    figure = layout.chart_spec(
        charts.risk_matrix,
        matrix,
        bands=RISK_BANDS,
        title=f"Risikomatrise – {when}",
        selected=cell,
    )
    numbers = layout.headed(
        charts.matrix_table(matrix).query("antall > 0"),
        "risiko",
        ["sannsynlighet_tekst", "konsekvens_tekst", "score", "band", "antall"],
        {
            "sannsynlighet_tekst": layout.heading("risiko", "sannsynlighet"),
            "konsekvens_tekst": layout.heading("risiko", "konsekvens"),
        },
    )
    layout.chart(
        figure,
        numbers,
        description=charts.describe_matrix(matrix, RISK_BANDS, f"Risikomatrise {when}"),
        name=f"Risikomatrise {when}",
        key=MATRIX,
        selectable=remember_cell,
    )
    return cell


#: The matrix's key, and the address's parameter for its clicked cell: «3-4» is
#: sannsynlighet 3, konsekvens 4.
MATRIX = "risikomatrise"
CELL = "celle"


def cell_in_address() -> tuple[int, int] | None:
    """The cell a copied link (or the last click) names, if it is one of the 25."""
    found = re.fullmatch(r"([1-5])-([1-5])", st.query_params.get(CELL) or "")
    return (int(found[1]), int(found[2])) if found else None


def remember_cell() -> None:
    """When the matrix's selection changes: the clicked cell into the address, or out."""
    cell = selected_cell(st.session_state.get(MATRIX))
    if cell is not None:
        st.query_params[CELL] = f"{cell[0]}-{cell[1]}"
    elif CELL in st.query_params:
        del st.query_params[CELL]


def selected_cell(event: object) -> tuple[int, int] | None:
    """The clicked cell, from the chart's selection state."""
    try:
        points = event.selection["celle"]  # type: ignore[attr-defined]
    except (AttributeError, KeyError, TypeError):
        return None
    if isinstance(points, dict):
        points = [points]
    for point in points or []:
        try:
            return int(point["sannsynlighet"]), int(point["konsekvens"])
        except (KeyError, TypeError, ValueError):
            continue
    return None


def show_list(
    rows: pd.DataFrame,
    chosen: Filters,
    *,
    cell: tuple[int, int] | None,
    after: bool,
    compare_with: int | None,
) -> None:
    """The risks, highest score first, with how each score moved since `compare_with`."""
    statuses = chosen.statuses_in(RISK_STATUSES)
    shown_statuses = ", ".join(statuses) if statuses else "åpne og under arbeid"
    st.subheader("Risikoer", anchor=False)
    if cell is not None:
        st.caption(
            f"Cellen sannsynlighet {cell[0]}, konsekvens {cell[1]}: {len(rows)} risikoer "
            f"(status: {shown_statuses}). Dobbeltklikk i matrisen for å vise alle."
        )
    else:
        st.caption(
            f"{len(rows)} risikoer (status: {shown_statuses}), høyest score først. "
            "Klikk en celle i matrisen for å vise bare den."
        )
    if rows.empty:
        layout.empty("Ingen risikoer i den valgte cellen.")
        return
    columns = ["prosjekt_id", "risiko_id", "risiko", "score", "band"]
    columns += ["sannsynlighet", "konsekvens", "endring_tekst", "tiltak", "ansvarlig", "frist"]
    columns += ["status"]
    if compare_with is None:
        columns.remove("endring_tekst")
        movement = None
    else:
        movement = rows["endring"].map(MOVEMENT_TEXT)
        moved = rows["endring"].isin([RISK_UP, RISK_DOWN])
        movement[moved] += " (fra " + rows.loc[moved, "forrige_score"].astype(str) + ")"
    shown = layout.headed(
        rows.assign(endring_tekst=movement),
        "risiko",
        columns,
        {**wording.SHORT_HEADINGS, "endring_tekst": f"Endring siden versjon {compare_with}"},
    )
    when = _when(after)
    short = wording.SHORT_HEADINGS
    # What the group reads on a 1280-pixel screen; Nivå (the score's band), S, K, Tiltak and
    # Status (the caption says which statuses are listed) are one click away.
    heading = dict(zip(columns, shown.columns, strict=True))
    widths = {"prosjekt_id": 110, "risiko_id": 45, "risiko": 200, "score": 55}
    widths |= {"endring_tekst": 110, "ansvarlig": 120, "frist": 95}
    layout.table(
        shown,
        f"Risikoer {when}",
        key="risikoliste",
        first={heading[column]: width for column, width in widths.items() if column in heading},
        short={heading["risiko_id"]: "ID", heading.get("endring_tekst", ""): "Endring"},
        column_config={
            heading["tiltak"]: st.column_config.TextColumn(heading["tiltak"], width=300),
            heading["score"]: st.column_config.NumberColumn(help="S × K (1–25)"),
            short["sannsynlighet"]: st.column_config.NumberColumn(
                short["sannsynlighet"], help=f"Sannsynlighet {when} (1–5)"
            ),
            short["konsekvens"]: st.column_config.NumberColumn(
                short["konsekvens"], help=f"Konsekvens {when} (1–5)"
            ),
        },
    )


main()

"""Risiko: the 5×5 matrix (before or after tiltak) and the list, highest score first.

Clicking a cell narrows the list to that cell; with several projects the matrix shows the
portfolio. Each risk's score is compared with an earlier version (default: the one before).
"""

from __future__ import annotations

import streamlit as st

from lib import charts
from lib.contract import RISK_BANDS, RISK_DOWN, RISK_NEW, RISK_SAME, RISK_STATUSES, RISK_UP
from pages import _ui

chosen = _ui.filters()
_ui.header("Risiko", chosen)

known = _ui.versions()
if known.empty:
    _ui.empty("Databasen er tom. Last opp et risikoregister under «Last opp».")
    st.stop()

current = chosen.version if chosen.version is not None else int(known["version"].max())
earlier = [int(v) for v in known["version"] if int(v) < current]

switch, compare = st.columns([1, 1], vertical_alignment="bottom")
after = switch.toggle(
    "Vis etter tiltak",
    key="etter_tiltak",
    bind="query-params",  # a copied link shows the same side of the matrix
    help="Sannsynlighet og konsekvens etter tiltak. Risikoer uten vurdering etter tiltak "
    "står med vurderingen før tiltak.",
)
compare_with = compare.selectbox(
    "Sammenlign med versjon",
    earlier,
    index=0 if earlier else None,
    key="sammenlign",
    placeholder="Ingen tidligere versjon",
    help="Endringskolonnen viser om scoren har gått opp eller ned siden denne versjonen.",
)

view = _ui.risk_view(chosen, after=after, compare_with=compare_with, cell=None)
if int(view.matrix["antall"].sum()) == 0:
    _ui.empty(
        "Ingen risikoer passer med filtrene. Lukkede risikoer vises når du velger "
        "status «Lukket» i sidepanelet."
    )
    st.stop()

when = "etter tiltak" if after else "før tiltak"
figure = _ui.chart_spec(
    "risk_matrix", view.matrix, bands=RISK_BANDS, title=f"Risikomatrise – {when}"
)
numbers = _ui.shown_columns(
    charts.matrix_table(view.matrix).query("antall > 0"),
    {
        "sannsynlighet_tekst": "Sannsynlighet",
        "konsekvens_tekst": "Konsekvens",
        "score": "Score",
        "band": "Nivå",
        "antall": "Antall",
    },
)
state = _ui.chart(
    figure,
    numbers,
    description=charts.describe_matrix(view.matrix, RISK_BANDS, f"Risikomatrise {when}"),
    name=f"Risikomatrise {when}",
    key="risikomatrise",
    selectable=True,
)


def _selected_cell(event: object) -> tuple[int, int] | None:
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


cell = _selected_cell(state)
rows = view.rows
if cell is not None:
    rows = _ui.risk_view(chosen, after=after, compare_with=compare_with, cell=cell).rows

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
    _ui.empty("Ingen risikoer i den valgte cellen.")
    st.stop()

MOVEMENT_TEXT = {RISK_UP: "▲ Opp", RISK_DOWN: "▼ Ned", RISK_NEW: "● Ny", RISK_SAME: "= Uendret"}
columns = {
    "prosjekt_id": "Prosjekt-ID",
    "risiko_id": "Risiko-ID",
    "risiko": "Risiko",
    "score": "Score",
    "band": "Nivå",
    "sannsynlighet": "S",
    "konsekvens": "K",
    "endring_tekst": f"Endring siden versjon {compare_with}",
    "tiltak": "Tiltak",
    "ansvarlig": "Ansvarlig",
    "frist": "Frist",
    "status": "Status",
}
if compare_with is None:
    del columns["endring_tekst"]
    movement = None
else:
    movement = rows["endring"].map(MOVEMENT_TEXT)
    moved = rows["endring"].isin([RISK_UP, RISK_DOWN])
    movement[moved] += " (fra " + rows.loc[moved, "forrige_score"].astype(str) + ")"
shown = _ui.shown_columns(rows.assign(endring_tekst=movement), columns)
_ui.table(
    shown,
    f"Risikoer {when}",
    key="risikoliste",
    column_config={
        "S": st.column_config.NumberColumn("S", help=f"Sannsynlighet {when} (1–5)"),
        "K": st.column_config.NumberColumn("K", help=f"Konsekvens {when} (1–5)"),
        "Score": st.column_config.NumberColumn("Score", help="S × K (1–25)"),
    },
)

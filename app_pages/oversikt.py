"""Oversikt: the meeting's first screen. Each project's traffic lights from its latest status
report (worst first, stale and greener-than-the-data marked), the figures per project and for
the whole selection, each linking to the page that explains it, and what changed since the
last meeting."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import quality, queries, status
from lib.charts import GREENER_MARK as GREENER
from lib.contract import DECISIONS, EVALUATION_SOON, EVALUATION_SOON_DAYS, RED, RISK_BANDS
from lib.queries import OVERVIEW_FIGURES, Filters, decision_column, high_risk_from
from ui import data, figures, filters, layout, router
from ui import status as lights
from ui.changes import show_changes_since_last_meeting
from ui.figures import Box, Figure
from ui.text import escape


def main() -> None:
    chosen = filters.current()
    layout.header("Oversikt", chosen)
    if layout.nothing_readable(chosen):
        return
    if data.versions(chosen.readable).empty:
        layout.empty(
            "Databasen er tom. Last opp en arbeidsbok under «Last opp», "
            "eller kjør `python -m lib.cli demo` for demodata."
        )
        return
    figures = data.per_project(queries.overview)(chosen, data.status_day(chosen.version))
    if figures.empty:
        layout.empty("Ingen prosjekter passer med filtrene. Prøv å fjerne et filter i sidepanelet.")
        return
    total = figures[list(OVERVIEW_FIGURES)].sum()
    if chosen.narrowed and int(total.sum()) == 0:
        layout.empty(
            "Ingen risikoer, gevinster, vedtak, evalueringer eller milepæler passer med "
            "filtrene. Prøv å fjerne et filter i sidepanelet."
        )
    show_scope(figures)
    show_status_board(chosen)
    show_figures(total)
    show_per_project(figures)
    st.subheader("Endringer siden sist møte", anchor=False)
    show_changes_since_last_meeting(chosen)
    show_quality(chosen)


def show_scope(figures: pd.DataFrame) -> None:
    """One project by name, or the size of the portfolio."""
    if len(figures) == 1 and isinstance(figures.iloc[0].prosjektnavn, str):
        only = figures.iloc[0]
        st.subheader(escape(f"{only.prosjekt_id} – {only.prosjektnavn}"), anchor=False)
    else:
        st.subheader(f"Porteføljen: {len(figures)} prosjekter", anchor=False)


def show_status_board(chosen: Filters) -> None:
    """The lights of every project's latest report, worst first: what is red, what is stale,
    and where a report is greener than its own data (⚠, the reason one click away)."""
    board = data.per_project(status.status_board)(chosen, data.today())
    if board.empty:
        return
    if board["rapportdato"].isna().all():
        # A group that does not (yet) use status reports gets one line, not a table of gaps.
        st.caption(
            "Ingen statusrapporter ennå: skriv en på siden Status, eller last opp arket Status."
        )
        return
    day = data.status_day(chosen.version)
    meeting_day = data.cached(status.last_meeting_day)(day)
    st.markdown("**Status fra prosjektene**")
    red = board[board["verste"] == RED]["prosjekt_id"].tolist()
    greener = board[board["avvik"] > 0]["prosjekt_id"].tolist()
    missing = board[board["rapportdato"].isna()]["prosjekt_id"].tolist()
    stale = board[board["utdatert"] & board["rapportdato"].notna()]["prosjekt_id"].tolist()
    # The message in one line, each part led by its name in bold.
    parts = [
        f"**Rødt lys:** {escape(', '.join(red))}" if red else "**Ingen røde lys**",
        f"**{GREENER} grønnere enn dataene:** {escape(', '.join(greener))}"
        if greener
        else "**Ingen rapport er grønnere enn dataene**",
    ]
    if stale:
        parts.append(f"**{lights.STALE}:** {escape(', '.join(stale))}")
    if missing:
        parts.append(f"**{lights.NO_REPORT}:** {escape(', '.join(missing))}")
    st.markdown(" · ".join(parts))
    st.html(lights.board_html(board, meeting_day))
    when = (
        f"eldre enn siste møte ({meeting_day:%d.%m.%Y})"
        if meeting_day is not None
        else "ingen rapport"
    )
    st.caption(
        f"Lysene fra hvert prosjekts siste statusrapport. {lights.STALE}: {when}. "
        f"{GREENER} data: lyset prosjektets egne data gir, når rapporten er grønnere "
        "(pek på merket for grunnen)."
    )
    found = lights.greener_lines(board)
    if found:
        with st.expander(f"Hvorfor {GREENER} ({len(found)})", icon=":material/info:"):
            st.markdown("\n".join("- " + escape(line) for line in found))
    layout.page_link(router.STATUS, "Til statusrapportene", ":material/traffic:")


def show_figures(total: pd.Series) -> None:
    """The selection's figures, each box linking to the page that explains it."""
    high_from = high_risk_from(RISK_BANDS)
    high_name = max(RISK_BANDS)[1].lower()
    # Two boxes a row: four in one row cut labels and links («Bak skj…», «Til milep…») on a
    # 1280-pixel projector screen. Each box's figures are one element (ui/figures.py).
    risk, benefit = st.columns(2, border=True)
    evaluation, milestone = st.columns(2, border=True)
    with risk:
        high = Figure(
            "Høye risikoer",
            int(total.hoye_risikoer),
            f"Åpne risikoer og risikoer under arbeid med score {high_from} eller mer "
            f"(nivå {high_name}), før tiltak.",
        )
        of_all = f"av {int(total.aktive_risikoer)} risikoer i utvalget"
        figures.show([Box("Risiko", [high], of_all)], framed=False)
        layout.page_link(router.RISIKO, "Til matrisen", ":material/warning:")
    with benefit:
        on_track = Figure("På sporet", int(total.gevinster_pa_sporet))
        behind = Figure("Bak skjema", int(total.gevinster_bak_skjema))
        not_measured, no_target = int(total.gevinster_ikke_malt), int(total.gevinster_mangler_mal)
        note = f"{not_measured} ikke målt, {no_target} mangler mål"
        figures.show([Box("Gevinster", [on_track, behind], note)], framed=False)
        layout.page_link(router.GEVINSTER, "Til gevinstene", ":material/trending_up:")
    with evaluation:
        overdue = Figure("Forfalt", int(total.evalueringer_forfalt))
        soon = Figure(
            EVALUATION_SOON,
            int(total.evalueringer_snart),
            f"Frist innen {EVALUATION_SOON_DAYS} dager, ikke gjennomført.",
        )
        note = "av de støttede anbefalingene"
        figures.show([Box("Evalueringer", [overdue, soon], note)], framed=False)
        layout.page_link(router.EVALUERING, "Til planen", ":material/event_available:")
    with milestone:
        late = Figure(
            "Forsinket",
            int(total.milepaeler_forsinket),
            "Ikke fullført, og prognosen (eller dagens dato) er etter planlagt dato.",
        )
        note = "ikke fullført og etter plan"
        figures.show([Box("Milepæler", [late], note)], framed=False)
        layout.page_link(router.MILEPAELER, "Til milepælene", ":material/flag:")
    with st.container(border=True):
        decided = [
            Figure(decision, int(total[decision_column(decision)])) for decision in DECISIONS
        ]
        figures.show([Box("Vedtak på anbefalingene", decided)], framed=False)
        layout.page_link(router.ANBEFALINGER, "Til anbefalingene", ":material/gavel:")


def show_per_project(figures: pd.DataFrame) -> None:
    """The figures and the decisions, one row per project."""
    st.subheader("Per prosjekt", anchor=False)
    layout.table(
        layout.headed(
            figures,
            "prosjekter",
            [
                "prosjekt_id",
                "prosjektnavn",
                "hoye_risikoer",
                "gevinster_pa_sporet",
                "gevinster_bak_skjema",
                "gevinster_ikke_malt",
                "evalueringer_forfalt",
                "evalueringer_snart",
                "milepaeler_forsinket",
            ],
        ),
        "Oversikt per prosjekt",
        key="oversikt",
        # What needs the group's attention, under short headings that fit 1280 pixels; the
        # rest is one click away.
        first=fitted(
            {
                "prosjekt_id": 110,
                "prosjektnavn": 170,
                "hoye_risikoer": 110,
                "gevinster_bak_skjema": 125,
                "evalueringer_forfalt": 100,
                "milepaeler_forsinket": 120,
            }
        ),
        short={
            layout.heading("prosjekter", "gevinster_bak_skjema"): "Gev. bak skjema",
            layout.heading("prosjekter", "evalueringer_forfalt"): "Eval. forfalt",
            layout.heading("prosjekter", "milepaeler_forsinket"): "Milep. forsinket",
        },
    )
    st.markdown("**Vedtak per prosjekt**")
    decisions = {decision_column(decision): decision for decision in DECISIONS}
    layout.table(
        layout.headed(
            figures, "prosjekter", ["prosjekt_id", "prosjektnavn", *decisions], decisions
        ),
        "Vedtak per prosjekt",
        key="vedtak_per_prosjekt",
        # The names are in the table above: the six decisions fit 1280 pixels without them.
        first={layout.heading("prosjekter", "prosjekt_id"): 110}
        | {decision: 105 if len(decision) > 7 else 70 for decision in DECISIONS},
    )


def fitted(widths: dict[str, int]) -> dict[str, int]:
    """The headings of the overview's columns, with their widths on screen."""
    return {layout.heading("prosjekter", column): width for column, width in widths.items()}


#: The findings listed on the page; the download has them all (40 projects had 27,069).
QUALITY_ROWS_SHOWN = 200


def show_quality(chosen: Filters) -> None:
    """At the bottom, folded: what must be filled in or updated (lib.quality's rules)."""
    found = data.per_project(quality.findings)(chosen, today=data.status_day(chosen.version))
    with st.expander(f"Datakvalitet ({len(found)} funn)", expanded=False):
        if not found:
            st.caption("Ingen funn: alt som sjekkes, er fylt ut og oppdatert.")
            return
        table = quality.findings_frame(found).drop(columns="Regel")
        table.columns = ["Prosjekt", "Ark", "ID", "Hva må rettes"]
        layout.table(
            table,
            "datakvalitet",
            key="oversikt_datakvalitet",
            # as wide as the tables above: 1280 pixels with the sidebar open
            first={"Prosjekt": 110, "Ark": 100, "ID": 50, "Hva må rettes": 480},
            most=QUALITY_ROWS_SHOWN,
        )


main()

"""Oversikt: the meeting's first screen. The figures per project and for the whole selection,
each linking to the page that explains it, and what changed since the last meeting."""

from __future__ import annotations

import streamlit as st

from lib.contract import DECISIONS, EVALUATION_SOON, EVALUATION_SOON_DAYS, RISK_BANDS
from lib.queries import OVERVIEW_FIGURES, decision_column, high_risk_from
from pages import _changes, _ui

chosen = _ui.filters()
_ui.header("Oversikt", chosen)

if _ui.versions().empty:
    _ui.empty(
        "Databasen er tom. Last opp en arbeidsbok under «Last opp», "
        "eller kjør `python -m lib.cli demo` for demodata."
    )
    st.stop()

figures = _ui.overview(chosen)
if figures.empty:
    _ui.empty("Ingen prosjekter passer med filtrene. Prøv å fjerne et filter i sidepanelet.")
    st.stop()

total = figures[list(OVERVIEW_FIGURES)].sum()
if chosen.narrowed and int(total.sum()) == 0:
    _ui.empty(
        "Ingen risikoer, gevinster, vedtak, evalueringer eller milepæler passer med filtrene. "
        "Prøv å fjerne et filter i sidepanelet."
    )
high_from = high_risk_from(RISK_BANDS)
high_name = max(RISK_BANDS)[1].lower()

if len(figures) == 1 and isinstance(figures.iloc[0].prosjektnavn, str):
    only = figures.iloc[0]
    st.subheader(_ui.escape(f"{only.prosjekt_id} – {only.prosjektnavn}"), anchor=False)
else:
    st.subheader(f"Porteføljen: {len(figures)} prosjekter", anchor=False)

risk, benefit, evaluation, milestone = st.columns(4, border=True)
with risk:
    st.markdown("**Risiko**")
    st.metric(
        "Høye risikoer",
        int(total.hoye_risikoer),
        help=f"Åpne risikoer og risikoer under arbeid med score {high_from} eller mer "
        f"(nivå {high_name}), før tiltak.",
    )
    st.caption(f"av {int(total.aktive_risikoer)} risikoer i utvalget")
    _ui.page_link("pages/risiko.py", "Til matrisen", ":material/warning:")
with benefit:
    st.markdown("**Gevinster**")
    left, right = st.columns(2)
    left.metric("På sporet", int(total.gevinster_pa_sporet))
    right.metric("Bak skjema", int(total.gevinster_bak_skjema))
    not_measured, no_target = int(total.gevinster_ikke_malt), int(total.gevinster_mangler_mal)
    st.caption(f"{not_measured} ikke målt, {no_target} mangler mål")
    _ui.page_link("pages/gevinster.py", "Til gevinstene", ":material/trending_up:")
with evaluation:
    st.markdown("**Evalueringer**")
    left, right = st.columns(2)
    left.metric("Forfalt", int(total.evalueringer_forfalt))
    right.metric(
        EVALUATION_SOON,
        int(total.evalueringer_snart),
        help=f"Frist innen {EVALUATION_SOON_DAYS} dager, ikke gjennomført.",
    )
    st.caption("av de støttede anbefalingene")
    _ui.page_link("pages/evaluering.py", "Til planen", ":material/event_available:")
with milestone:
    st.markdown("**Milepæler**")
    st.metric(
        "Forsinket",
        int(total.milepaeler_forsinket),
        help="Ikke fullført, og prognosen (eller dagens dato) er etter planlagt dato.",
    )
    st.caption("ikke fullført og etter plan")
    _ui.page_link("pages/milepaeler.py", "Til milepælene", ":material/flag:")

with st.container(border=True):
    st.markdown("**Vedtak på anbefalingene**")
    for column, decision in zip(st.columns(len(DECISIONS)), DECISIONS, strict=True):
        column.metric(decision, int(total[decision_column(decision)]))
    _ui.page_link("pages/anbefalinger.py", "Til anbefalingene", ":material/gavel:")

st.subheader("Per prosjekt", anchor=False)
_ui.table(
    _ui.shown_columns(
        figures,
        {
            "prosjekt_id": "Prosjekt-ID",
            "prosjektnavn": "Prosjektnavn",
            "hoye_risikoer": "Høye risikoer",
            "gevinster_pa_sporet": "Gevinster på sporet",
            "gevinster_bak_skjema": "Gevinster bak skjema",
            "gevinster_ikke_malt": "Gevinster ikke målt",
            "evalueringer_forfalt": "Evalueringer forfalt",
            "evalueringer_snart": "Evalueringer innen 30 dager",
            "milepaeler_forsinket": "Milepæler forsinket",
        },
    ),
    "Oversikt per prosjekt",
    key="oversikt",
)
st.markdown("**Vedtak per prosjekt**")
_ui.table(
    _ui.shown_columns(
        figures,
        {
            "prosjekt_id": "Prosjekt-ID",
            "prosjektnavn": "Prosjektnavn",
            **{decision_column(decision): decision for decision in DECISIONS},
        },
    ),
    "Vedtak per prosjekt",
    key="vedtak_per_prosjekt",
)

st.subheader("Endringer siden sist møte", anchor=False)
_changes.show_changes_since_last_meeting(chosen)

"""Status: one project's status reports. The latest report's lights beside what the project's
own data says (and where the report is greener), the overall text, who reported and when, the
economy, the lights over time; and, for whoever may upload for the project, a form that writes
the next report (prefilled from the previous one) as a new version, as an upload would."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib import access, charts, ingest, numbers, status
from lib.contract import LIGHT_ORDER, RISK_LIGHT_PHRASES, STATUS
from lib.db import StoreBusy, StoreError
from lib.queries import Filters
from ui import auth, data, filters, layout, person
from ui import status as lights
from ui.text import escape

#: The select box's key and the address's parameter for the project shown.
PROJECT_PARAM = "statusprosjekt"
#: Session-state key of the last store's outcome: ("ok" | "warn" | "error", text).
OUTCOME = "_statusrapport_lagret"
#: The form's choice for an empty light cell.
NOT_ASSESSED = charts.NOT_ASSESSED


def main() -> None:
    chosen = filters.current()
    layout.header("Status", chosen)
    if layout.nothing_readable(chosen):
        return
    if data.versions(chosen.readable).empty:
        layout.empty(
            "Databasen er tom. Last opp en arbeidsbok under «Last opp», "
            "eller kjør `python -m lib.cli demo` for demodata."
        )
        return
    board = data.per_project(status.status_board)(chosen, data.today())
    if board.empty:
        layout.empty("Ingen prosjekter passer med filtrene. Prøv å fjerne et filter i sidepanelet.")
        return
    project = choose_project(board, chosen)
    row = board[board["prosjekt_id"] == project].iloc[0].to_dict()
    name = row.get("prosjektnavn")
    st.subheader(escape(f"{project} – {name}" if isinstance(name, str) else project), anchor=False)
    show_outcome()
    history = data.cached(status.report_history)(project, chosen.version, chosen.readable)
    show_report(row, chosen)
    if not history.empty:
        show_economy_and_history(row, history)
    show_form(project, chosen)


def choose_project(board: pd.DataFrame, chosen: Filters) -> str:
    """The sidebar's project when it names one; else the select box's (kept in the address)."""
    projects = board["prosjekt_id"].tolist()
    if len(chosen.projects) == 1 and chosen.projects[0] in projects:
        st.caption("Prosjektet er valgt i sidepanelet.")
        return chosen.projects[0]
    names = dict(zip(board["prosjekt_id"], board["prosjektnavn"], strict=True))
    asked = st.query_params.get(PROJECT_PARAM, "")
    if st.session_state.get(PROJECT_PARAM) not in projects:
        # A copied link opens the same project; else the one that needs attention most
        # (worst first, as on Oversikt).
        worst = lights.worst_first(board)["prosjekt_id"].iloc[0]
        st.session_state[PROJECT_PARAM] = asked if asked in projects else worst
    # Kept in the address by hand: a bound select box would write its label there.
    project = st.selectbox(
        "Prosjekt",
        projects,
        key=PROJECT_PARAM,
        format_func=lambda pid: f"{pid} – {names[pid]}" if isinstance(names[pid], str) else pid,
        on_change=remember_project,
    )
    return project


def remember_project() -> None:
    st.query_params[PROJECT_PARAM] = st.session_state[PROJECT_PARAM]


def show_outcome() -> None:
    if OUTCOME in st.session_state:
        kind, text = st.session_state.pop(OUTCOME)
        {"ok": st.success, "error": st.error}.get(kind, st.warning)(text)


def show_report(row: dict, chosen: Filters) -> None:
    """Who reported when (stale marked), the overall text, and the lights beside the data."""
    if lights.is_missing(row.get("rapportdato")):
        layout.empty(
            "Prosjektet har ingen statusrapport i denne versjonen. Skriv den første under, "
            "eller last opp arket Status."
        )
        return
    who = row.get("rapportert_av")
    said = f"Rapport {lights.report_day(row['rapportdato'])}"
    said += f" · rapportert av {who}" if isinstance(who, str) else ""
    st.markdown(f"**{escape(said)}**")
    if row.get("utdatert"):
        meeting_day = data.cached(status.last_meeting_day)(data.status_day(chosen.version))
        st.warning(f"{lights.STALE}: {lights.stale_note(meeting_day)}", icon=":material/schedule:")
    if int(row.get("avvik") or 0):
        st.warning(
            f"{charts.GREENER_MARK} Rapporten er grønnere enn dataene på "
            + ", ".join(
                heading
                for dimension, heading in status.DIMENSIONS
                if row.get(f"{dimension}_gronnere")
            )
            + "."
        )
    st.html(lights.dimensions_html(row))
    st.caption(
        "«Dataene sier»: lyset prosjektets egne data gir (risikomatrisen, gevinstene, "
        "milepælene og rapportens egne tall), med grunnen. Kvalitet har ingen mål i dataene."
    )
    overall = row.get("overordnet_status")
    if isinstance(overall, str) and overall.strip():
        with st.container(border=True):
            st.markdown("**Overordnet status**")
            st.markdown(escape(overall))


def show_economy_and_history(row: dict, history: pd.DataFrame) -> None:
    economy = charts.economy_data(row)
    over_time = charts.lights_over_time_data(history)
    st.subheader("Økonomi og lysene over tid", anchor=False)
    money, strip = st.columns([2, 3], gap="medium")
    with money:
        if economy["kroner"].notna().any():
            layout.chart(
                layout.chart_spec(charts.economy_chart, economy),
                economy[["post", "tekst"]].rename(columns={"post": "Post", "tekst": "Kroner"}),
                description=charts.describe_economy(economy),
                name="Økonomi",
                key="status_okonomi",
            )
        else:
            st.caption("Rapporten har ikke budsjett, påløpt eller prognose.")
    with strip:
        layout.chart(
            layout.chart_spec(charts.lights_over_time_chart, over_time),
            over_time[["rapportdato", "omrade", "lys", "kommentar"]].rename(
                columns={
                    "rapportdato": "Rapportdato",
                    "omrade": "Område",
                    "lys": "Lys",
                    "kommentar": "Kommentar",
                }
            ),
            description=charts.describe_lights_over_time(over_time),
            name="Lysene over tid",
            key="status_over_tid",
        )


# --- The form ----------------------------------------------------------------------------------

#: The form's date field (outside the form: choosing a stored date says so at once).
DATE_KEY = "status_rapportdato"


def light_options(dimension: str) -> list[str]:
    """The contract's lights, and «Ikke vurdert» (an empty cell)."""
    return [*LIGHT_ORDER, NOT_ASSESSED]


def _light_of(value: object) -> str:
    if value in LIGHT_ORDER:
        return str(value)
    for light, phrases in RISK_LIGHT_PHRASES.items():
        if value in phrases:
            return light
    return NOT_ASSESSED


def _text_of(report: dict, column: str) -> str:
    """A stored text for a field: "" for none (pandas gives NaN for an empty cell)."""
    value = report.get(column)
    return value if isinstance(value, str) else ""


def _number_text(value: object) -> str:
    return (
        "" if lights.is_missing(value) else numbers.number(float(value), 2).rstrip("0").rstrip(",")
    )


def show_form(project: str, chosen: Filters) -> None:
    """The next report, prefilled from the previous one; only for an uploader of the project,
    and only on the latest version (an older one is history)."""
    allowed = auth.permissions()
    if not allowed.can(access.OPPLASTER, project):
        st.caption(
            "Du kan lese rapportene. For å skrive en statusrapport trengs rollen opplaster "
            "for prosjektet."
        )
        return
    st.subheader("Skriv ny statusrapport", anchor=False)
    if chosen.version is not None and chosen.version != data.latest_version_number(chosen.readable):
        st.caption(
            "Du ser en eldre versjon. Velg siste versjon i sidepanelet for å skrive en rapport."
        )
        return
    latest = data.cached(status.report_history)(project, None, chosen.readable)
    st.caption(
        "Fylt ut fra forrige rapport. Lagres som en ny versjon, som en opplasting av arket "
        "Status: den vises i Historikk, og feil gir samme melding som ved opplasting."
    )
    who = person.who_acts("Lagres i historikken sammen med rapporten.")
    day = st.date_input(
        "Rapportdato", value=data.today(), format="DD.MM.YYYY", key=f"{DATE_KEY}_{project}"
    )
    stored_days = {
        pd.Timestamp(value).date(): index for index, value in enumerate(latest["rapportdato"])
    }
    same = stored_days.get(day) if isinstance(day, dt.date) else None
    if same is not None:
        st.warning(
            f"Det finnes en rapport datert {day:%d.%m.%Y}. Lagrer du, erstattes den "
            "(skjemaet viser den nå).",
            icon=":material/edit_note:",
        )
    previous = (
        latest.iloc[same].to_dict()
        if same is not None
        else latest.iloc[-1].to_dict()
        if not latest.empty
        else {}
    )
    source = "ny" if not previous else f"{pd.Timestamp(previous['rapportdato']):%Y%m%d}"
    prefix = f"statusskjema_{project}_{source}"
    with st.form(f"statusskjema_{project}", border=True):
        reporter = st.text_input(
            STATUS.column("rapportert_av").name,
            value=who or _text_of(previous, "rapportert_av"),
            # Follows the person acting: a name typed in «Ditt navn» fills it in.
            key=f"{prefix}_rapportert_av_{who}",
        )
        overall = st.text_area(
            STATUS.column("overordnet_status").name,
            value=_text_of(previous, "overordnet_status"),
            key=f"{prefix}_overordnet",
            help=STATUS.column("overordnet_status").help,
            height=100,
        )
        values: dict[str, object] = {}
        for dimension, heading in status.DIMENSIONS:
            light_column, comment_column = st.columns([1, 3])
            options = light_options(dimension)
            values[dimension] = light_column.selectbox(
                heading,
                options,
                index=options.index(_light_of(previous.get(dimension))),
                key=f"{prefix}_{dimension}",
            )
            values[f"{dimension}_kommentar"] = comment_column.text_area(
                f"{heading} kommentar",
                value=_text_of(previous, f"{dimension}_kommentar"),
                key=f"{prefix}_{dimension}_kommentar",
                height=68,
            )
        for column, (figure, heading) in zip(st.columns(3), charts.ECONOMY_FIGURES, strict=True):
            values[figure] = column.text_input(
                f"{heading} (kr)",
                value=_number_text(previous.get(figure)),
                key=f"{prefix}_{figure}",
                help=STATUS.column(figure).help,
            )
        submitted = st.form_submit_button(
            "Erstatt rapporten" if same is not None else "Lagre statusrapport",
            type="primary",
            icon=":material/save:",
        )
    if submitted:
        values["rapportdato"] = day
        values["overordnet_status"] = overall
        values["rapportert_av"] = reporter
        store(project, values)


def store(project: str, values: dict[str, object]) -> None:
    """Store the report as the person acting; the outcome shows after the rerun."""
    cleaned = {
        column: (
            None
            if value == NOT_ASSESSED or (isinstance(value, str) and not value.strip())
            else value
        )
        for column, value in values.items()
    }
    actor = auth.acting()
    if actor is None:
        st.warning(auth.NO_NAME.format(what="lagrer en statusrapport"))
        return
    try:
        result = ingest.store_status_report(
            data.db_path(),
            project,
            cleaned,
            actor=actor,
            configured_admins=auth.configured_admins(),
        )
    except ingest.StatusReportInvalid as error:
        st.error(escape(str(error)))
        return
    except access.Forbidden as error:
        st.error(escape(str(error)))
        return
    except (StoreBusy, StoreError) as error:
        st.warning(escape(str(error)))
        return
    assert result.stored is not None
    day = values["rapportdato"]
    st.session_state[OUTCOME] = (
        "ok",
        escape(
            f"Statusrapporten for {project} datert {day:%d.%m.%Y} er lagret som versjon "
            f"{result.stored.version}."
        ),
    )
    st.rerun()


main()

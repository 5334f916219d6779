"""Møter: the steering group's meetings. Create one, lock its basis version, prepare the agenda
drawn from the data (reorder, drop, add), open meeting mode, close it and read the minutes.

Creating, locking, saving the agenda and closing need the role `møteleder` (lib/ checks it
again inside each write; a refusal shows as an error, never a traceback).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib import access, agenda, exports, meetings
from lib.db import StoreBusy, StoreError
from lib.meetings import Meeting
from lib.pack import download as pack
from ui import auth, data, filters, layout, router
from ui import meeting as meeting_view
from ui.person import who_acts
from ui.text import escape

# Session-state keys of this page, one meaning each.
MESSAGE = "moter_melding"  # ("ok" | "warn" | "error", text): the last action's outcome
CHOSEN = meeting_view.CHOSEN_MEETING  # the meeting chosen (a widget bound to ?mote=ID)
NEW_NAME = "moter_nytt_navn"  # the «Nytt møte» form's fields (widgets)
NEW_DATE = "moter_ny_dato"
NEW_PEOPLE = "moter_nye_deltakere"
EDITOR = "moter_saksliste"  # the agenda editor (a widget)
EXTRA = "moter_ny_sak"  # the «Legg til sak» field (a widget)
FILTERS_BEFORE = meeting_view.FILTERS_BEFORE  # the filters kept for meeting mode's way back
TO_MEETING_MODE = "moter_til_motemodus"  # set by «Start møtemodus»: go there on the next run

STATES = {"planned": "Planlagt", "locked": "Grunnlag låst", "closed": "Avsluttet"}


def state_of(meeting: Meeting) -> str:
    if meeting.closed_at is not None:
        return STATES["closed"]
    return STATES["locked"] if meeting.basis_version is not None else STATES["planned"]


def main() -> None:
    if TO_MEETING_MODE in st.session_state:
        # From a callback Streamlit cannot change page: the next run does.
        chosen = str(st.session_state.pop(TO_MEETING_MODE))
        st.switch_page(router.MOTEMODUS, query_params={router.MEETING_MODE_PARAM: chosen})
    st.title("Møter", anchor=False)
    st.caption(
        "Styringsgruppens møter: lås grunnlaget, sett opp sakslisten fra dataene, før vedtak i "
        "møtemodus og avslutt møtet med referat."
    )
    allowed = auth.permissions()
    name, _rest = st.columns(2)
    with name:
        who_acts("Lagres med møtet, sakslisten og vedtakene du registrerer.")
    meeting_view.show_message(MESSAGE)
    found = meetings.meetings(data.db_path())
    show_meeting_lists(found)
    show_new_meeting_form(allowed, opened=not found)
    if not found:
        return
    meeting = choose_meeting(found)
    if meeting is not None:
        show_meeting(meeting, allowed)


def _version_text(version: int | None) -> str:
    return "–" if version is None else str(version)


def _listed(found: list[Meeting]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Møte": [meeting.name for meeting in found],
            "Dato": [meeting.meeting_date for meeting in found],
            "Status": [state_of(meeting) for meeting in found],
            "Grunnlag": [_version_text(meeting.basis_version) for meeting in found],
            "Utfall": [_version_text(meeting.outcome_version) for meeting in found],
        }
    )


def show_meeting_lists(found: list[Meeting]) -> None:
    """One list: the coming meetings first (the nearest first), then the past ones (the latest
    first). One table over the page's width, so every column fits a 1280-pixel screen."""
    today = data.today()
    upcoming = sorted(
        (m for m in found if m.closed_at is None and m.meeting_date >= today),
        key=lambda m: m.meeting_date,
    )
    past = [m for m in found if m not in upcoming]
    st.subheader("Møteoversikt", anchor=False)
    listed = _listed([*upcoming, *past])
    listed.insert(2, "Når", ["Kommende"] * len(upcoming) + ["Tidligere"] * len(past))
    st.dataframe(
        listed,
        hide_index=True,
        key="moter_liste",
        column_config={
            "Møte": st.column_config.TextColumn("Møte", width=300),
            "Dato": st.column_config.DateColumn("Dato", format="DD.MM.YYYY", width=100),
            "Når": st.column_config.TextColumn("Når", width=90),
            "Status": st.column_config.TextColumn("Status", width=110),
            "Grunnlag": st.column_config.TextColumn(
                "Grunnlag", width=70, help="Versjonen som er låst for møtet"
            ),
            "Utfall": st.column_config.TextColumn(
                "Utfall", width=70, help="Versjonen etter siste vedtak i møtet"
            ),
        },
    )


def show_new_meeting_form(allowed: access.Permissions, *, opened: bool) -> None:
    refused = access.refusal(allowed, access.MOTELEDER, (), named=False)
    with st.expander("Nytt møte", expanded=opened, icon=":material/add:"):
        if refused:
            st.caption(escape(f"Krever rollen «{access.MOTELEDER}»: {refused}"))
        with st.form("moter_nytt", border=False):
            name, day = st.columns([2, 1])
            name.text_input(
                "Møtets navn",
                max_chars=200,
                placeholder="Styringsgruppemøte mars",
                key=NEW_NAME,
            )
            day.date_input("Møtedato", value=data.today(), format="DD.MM.YYYY", key=NEW_DATE)
            st.text_area(
                "Deltakere (valgfritt)",
                placeholder="Navn, rolle – én per linje",
                key=NEW_PEOPLE,
                height=100,
            )
            st.form_submit_button(
                "Opprett møtet",
                icon=":material/event:",
                type="primary",
                on_click=create,
                disabled=refused is not None,
            )


def create() -> None:
    state = st.session_state
    actor = auth.acting()
    if actor is None:
        state[MESSAGE] = ("warn", auth.NO_NAME.format(what="oppretter et møte"))
        return
    day = state.get(NEW_DATE)
    try:
        made = meetings.create_meeting(
            data.db_path(),
            state.get(NEW_NAME, ""),
            day if isinstance(day, dt.date) else data.today(),
            actor=actor,
            participants=state.get(NEW_PEOPLE, ""),
            configured_admins=auth.configured_admins(),
        )
    except access.Forbidden as error:
        state[MESSAGE] = ("error", escape(str(error)))
    except (StoreBusy, StoreError) as error:
        state[MESSAGE] = ("warn", escape(str(error)))
    else:
        state[CHOSEN] = made.id
        state[MESSAGE] = ("ok", escape(f"Møtet {made.label()} er opprettet."))


def choose_meeting(found: list[Meeting]) -> Meeting | None:
    by_id = {meeting.id: meeting for meeting in found}
    if st.session_state.get(CHOSEN) not in by_id:
        # The nearest meeting not yet closed, else the latest.
        today = data.today()
        open_ones = sorted(
            (m for m in found if m.closed_at is None),
            key=lambda m: (m.meeting_date < today, abs((m.meeting_date - today).days)),
        )
        st.session_state[CHOSEN] = (open_ones or found)[0].id
    chosen = st.selectbox(
        "Møte",
        list(by_id),
        format_func=lambda number: f"{by_id[number].label()} · {state_of(by_id[number])}",
        key=CHOSEN,
        bind="query-params",
    )
    return by_id.get(chosen)


def show_meeting(meeting: Meeting, allowed: access.Permissions) -> None:
    st.header(escape(meeting.label()), anchor=False)
    facts, actions = st.columns([3, 2], border=True)
    with facts:
        rows = {
            "Dato": f"{meeting.meeting_date:%d.%m.%Y}",
            "Status": state_of(meeting),
            "Grunnlag": (
                f"versjon {meeting.basis_version}" if meeting.basis_version else "ikke låst ennå"
            ),
            "Utfall": f"versjon {meeting.outcome_version}" if meeting.outcome_version else "–",
            "Deltakere": " · ".join(meeting.participants.split("\n")) or "–",
            "Opprettet av": meeting.created_by or "–",
        }
        st.table(
            pd.DataFrame({"Felt": list(rows), "Verdi": [escape(v) for v in rows.values()]}),
            hide_index=True,
            hide_header=True,
        )
    refused = access.refusal(allowed, access.MOTELEDER, (), named=False)
    with actions:
        show_actions(meeting, refused)
    show_pack(meeting)
    items = meeting_view.agenda_of(meeting)
    show_agenda(meeting, items, refused)
    show_minutes(meeting)


def show_actions(meeting: Meeting, refused: str | None) -> None:
    if refused:
        st.caption(escape(f"Krever rollen «{access.MOTELEDER}»: {refused}"))
    if meeting.closed_at is not None:
        st.success(
            escape(f"Avsluttet {meeting.closed_at:%d.%m.%Y %H:%M} av {meeting.closed_by or '–'}."),
            icon=":material/task_alt:",
        )
        return
    if meeting.basis_version is None:
        latest = data.latest_version_number()
        st.caption("Lås versjonen møtet skal behandle. En låst versjon kan ikke endres.")
        st.button(
            f"Lås grunnlaget (versjon {latest})",
            icon=":material/lock:",
            type="primary",
            on_click=lock,
            args=(meeting.id,),
            disabled=refused is not None or latest == 0,
            key="moter_las",
        )
        return
    st.button(
        "Start møtemodus",
        icon=":material/slideshow:",
        type="primary",
        on_click=open_meeting_mode,
        args=(meeting.id,),
        key="moter_start",
    )
    st.button(
        "Avslutt møtet",
        icon=":material/task_alt:",
        on_click=close,
        args=(meeting.id,),
        disabled=refused is not None,
        key="moter_avslutt",
        help="Lagrer utfallet (versjonen etter siste vedtak) og viser referatet.",
    )


def show_pack(meeting: Meeting) -> None:
    """The meeting pack, one click each: made only when a button is clicked (the file is built
    then, not on every run of the page), as of the meeting's basis (the latest while it is not
    locked), with the projects the reader may read; each download gets an audit line."""
    version = meeting.basis_version or data.latest_version_number()
    if not version:
        return
    # Half the page each: «… (PowerPoint)» is cut in a third of a 1280-pixel screen.
    pdf_column, slides_column = st.columns(2, vertical_alignment="center")
    for column, kind, label in (
        (pdf_column, "pdf", "Last ned møtepakken (PDF)"),
        (slides_column, "pptx", "Last ned møtepakken (PowerPoint)"),
    ):
        suffix, mime, _word = pack.FORMATS[kind]
        column.download_button(
            label,
            # A callable: Streamlit calls it when the button is clicked, outside the page's
            # run, so everything it needs is taken now.
            data=_pack_builder(kind, meeting.name, version),
            file_name=f"motepakke-{meeting.meeting_date:%Y-%m-%d}-v{version}{suffix}",
            mime=mime,
            icon=":material/download:",
            on_click="ignore",
            key=f"moter_pakke_{kind}",
            help=f"Versjon {version}: forside, saksliste, status med trafikklys, risikomatrisen, "
            "saker til vedtak, evalueringer, milepæler, gevinster, datakvalitet og referatet.",
        )


def _pack_builder(kind: str, name: str, version: int):  # type: ignore[no-untyped-def]
    path, readable, who, today = data.db_path(), filters.readable(), auth.actor(), data.today()

    def build() -> bytes:
        return pack.pack_download(
            path, kind, actor=who, meeting=name, version=version, readable=readable, today=today
        )

    return build


def lock(meeting_id: int) -> None:
    meeting_view.act(
        MESSAGE,
        "låser grunnlaget",
        lambda actor: meetings.lock_basis(
            data.db_path(), meeting_id, actor=actor, configured_admins=auth.configured_admins()
        ),
        "Versjon {done.basis_version} er låst som grunnlag for {done.name}.",
    )


def close(meeting_id: int) -> None:
    meeting_view.act(
        MESSAGE,
        "avslutter møtet",
        lambda actor: meetings.close_meeting(
            data.db_path(), meeting_id, actor=actor, configured_admins=auth.configured_admins()
        ),
        "Møtet er avsluttet. Utfallet er versjon {done.outcome_version}; referatet står under.",
    )


def open_meeting_mode(meeting_id: int) -> None:
    """Remember the filters for the way back, then go to meeting mode (on the next run).

    Meeting mode draws no filters, so Streamlit forgets their values: they are kept here and
    given back by «Avslutt møtemodus». (As session state: the filters are bound to the address,
    and Streamlit refuses to set a bound parameter through the address.)"""
    state = st.session_state
    state[FILTERS_BEFORE] = {
        key: state[key] for key in filters.FILTER_KEYS.values() if state.get(key) is not None
    }
    st.session_state[TO_MEETING_MODE] = meeting_id


def show_agenda(meeting: Meeting, items: list[agenda.AgendaItem], refused: str | None) -> None:
    st.subheader("Saksliste", anchor=False)
    if meeting.agenda is None:
        st.caption(
            "Forslag trukket fra dataene siden forrige møte: endre rekkefølgen, fjern saker og "
            "legg til egne, og lagre. Lagret saksliste følger møtet."
        )
    frame = pd.DataFrame(
        {
            "Nr": range(1, len(items) + 1),
            "Sak": [item.title for item in items],
            "Merknad": [item.note for item in items],
            "Ta med": [True] * len(items),
        }
    )
    closed = meeting.closed_at is not None
    edited = st.data_editor(
        frame,
        hide_index=True,
        key=f"{EDITOR}_{meeting.id}",
        disabled=closed or refused is not None,
        column_config={
            # Pixel widths that add up to the page's width at 1280: no column off-screen.
            "Nr": st.column_config.NumberColumn(
                "Nr", help="Endre tallet for å flytte saken", min_value=1, step=1, width=50
            ),
            "Sak": st.column_config.TextColumn("Sak", disabled=True, width=390),
            "Merknad": st.column_config.TextColumn("Merknad", width=230),
            "Ta med": st.column_config.CheckboxColumn("Ta med", width=70),
        },
        num_rows="fixed",
    )
    if closed:
        return
    extra, button = st.columns([3, 1], vertical_alignment="bottom")
    extra.text_input("Ny sak", max_chars=200, key=EXTRA, placeholder="F.eks. Budsjett 2027")
    button.button(
        "Legg til og lagre",
        icon=":material/playlist_add:",
        on_click=save,
        args=(meeting.id, items, edited, True),
        disabled=refused is not None,
        key="moter_legg_til",
    )
    st.button(
        "Lagre sakslisten",
        icon=":material/save:",
        type="primary",
        on_click=save,
        args=(meeting.id, items, edited, False),
        disabled=refused is not None,
        key="moter_lagre",
    )


def save(meeting_id: int, items: list[agenda.AgendaItem], edited: pd.DataFrame, add: bool) -> None:
    extra = st.session_state.get(EXTRA, "") if add else ""
    chosen = agenda.arranged(
        items,
        list(edited[["Nr", "Merknad", "Ta med"]].itertuples(index=False, name=None)),
        extra,
    )
    meeting_view.act(
        MESSAGE,
        "lagrer sakslisten",
        lambda actor: meetings.save_agenda(
            data.db_path(),
            meeting_id,
            [item.to_dict() for item in chosen],
            actor=actor,
            configured_admins=auth.configured_admins(),
        ),
        f"Sakslisten er lagret ({len(chosen)} saker).",
    )
    if add:
        st.session_state[EXTRA] = ""


def show_minutes(meeting: Meeting) -> None:
    decided = meetings.minutes(data.db_path(), meeting.id, filters.readable())
    title = "Referat" if meeting.closed_at is not None else "Vedtak i møtet så langt"
    st.subheader(title, anchor=False)
    if decided.empty:
        layout.empty("Ingen vedtak er registrert i dette møtet.")
        return
    # What was decided fits a 1280-pixel screen; who recorded it, when and the version are in
    # the Excel file.
    widths = {
        "Sak": 45,
        "Prosjekt-ID": 95,
        "Anbefaling-ID": 60,
        "Anbefaling": 190,
        "Vedtak": 110,
        "Vedtakstekst": 140,
        "Ansvarlig": 100,
    }
    st.dataframe(
        decided,
        hide_index=True,
        key="moter_referat",
        column_order=list(widths),
        column_config={
            name: st.column_config.Column(name if name != "Anbefaling-ID" else "ID", width=px)
            for name, px in widths.items()
        },
    )
    st.caption("Hvem som registrerte hvert vedtak, når og i hvilken versjon, står i Excel-filen.")
    st.download_button(
        "Last ned referatet (Excel)",
        data=exports.minutes_workbook(decided, meeting.name, meeting.meeting_date),
        file_name=f"referat-{meeting.meeting_date:%Y-%m-%d}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="moter_referat_last_ned",
    )


main()

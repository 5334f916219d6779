"""The pages Møter and Møtemodus in AppTest: a meeting created, its basis locked, the agenda
drawn from the data and edited, meeting mode item by item without a sidebar, a decision
recorded as a version, the way back with the filters, closing and the minutes."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import agenda, decisions, meetings, queries
from lib.access import Actor
from lib.db import latest_version
from lib.demo import TODAY
from ui import person

ROOT = Path(__file__).resolve().parent.parent
MOTER = "app_pages/moter.py"
MOTEMODUS = "app_pages/motemodus.py"
CHAIR = "Kari Nordmann"


@pytest.fixture
def db(demo_database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_database, path)
    monkeypatch.setenv("STYRINGSROM_DB", str(path))
    monkeypatch.setenv("STYRINGSROM_TODAY", TODAY.isoformat())
    return path


def run(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, app.exception
    return app


def open_meetings() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    run(app)
    app.switch_page(MOTER)
    run(app)
    app.text_input(key=person.NAME_FIELD_KEY).input(CHAIR)
    return run(app)


def texts(app: AppTest) -> str:
    found = [*app.title, *app.header, *app.subheader, *app.caption, *app.markdown]
    found += [*app.info, *app.success, *app.warning, *app.error]
    return "\n".join(str(element.value) for element in found).replace("\\", "")


def click(app: AppTest, label: str) -> AppTest:
    next(button for button in app.button if button.label == label).click()
    return run(app)


def create(app: AppTest, name: str, day: dt.date) -> AppTest:
    app.text_input(key="moter_nytt_navn").input(name)
    app.date_input(key="moter_ny_dato").set_value(day)
    app.text_area(key="moter_nye_deltakere").input("Rådmann\nKommunalsjef")
    return click(app, "Opprett møtet")


def test_a_meeting_is_created_locked_and_gets_its_agenda(db: Path) -> None:
    app = create(open_meetings(), "Styringsgruppemøte desember", dt.date(2026, 12, 10))
    assert "er opprettet" in texts(app)
    made = meetings.meeting_named(db, "Styringsgruppemøte desember")
    assert made is not None and made.created_by == CHAIR
    assert made.participants.splitlines() == ["Rådmann", "Kommunalsjef"]
    # The new meeting is chosen, planned, and offers to lock the latest version.
    assert app.selectbox(key="mote").value == made.id
    lock_label = f"Lås grunnlaget (versjon {latest_version(db)})"
    app = click(app, lock_label)
    locked = meetings.meeting(db, made.id)
    assert locked is not None and locked.basis_version is not None
    assert "Start møtemodus" in [button.label for button in app.button]
    # The agenda is proposed from the data as of the basis: the editor lists every item.
    proposed = agenda.propose(db, today=TODAY, version=locked.basis_version)
    editor = next(frame for frame in app.dataframe if "Sak" in frame.value.columns)
    assert list(editor.value["Sak"]) == [item.title for item in proposed]
    assert proposed[-1].kind == "eventuelt"


def test_the_agenda_is_reordered_shortened_extended_and_stored(db: Path) -> None:
    app = create(open_meetings(), "Møte med saksliste", dt.date(2026, 12, 10))
    app = click(app, next(b.label for b in app.button if b.label.startswith("Lås grunnlaget")))
    made = meetings.meeting_named(db, "Møte med saksliste")
    assert made is not None
    proposed = agenda.propose(db, today=TODAY, version=made.basis_version)
    assert len(proposed) >= 3
    app.text_input(key="moter_ny_sak").input("Budsjett 2027")
    app = click(app, "Legg til og lagre")
    stored = meetings.meeting(db, made.id)
    assert stored is not None and stored.agenda is not None
    titles = [item["title"] for item in stored.agenda]
    # The chair's own item comes before «Eventuelt», which stays last.
    assert titles[-2:] == ["Budsjett 2027", proposed[-1].title]
    assert titles[:-2] == [item.title for item in proposed[:-1]]
    assert "Sakslisten er lagret" in texts(app)


def meeting_with_agenda(db: Path, name: str = "Møte i møtemodus") -> meetings.Meeting:
    chair = Actor.on_this_machine(CHAIR)
    made = meetings.create_meeting(db, name, dt.date(2026, 12, 10), actor=chair)
    made = meetings.lock_basis(db, made.id, actor=chair)
    items = agenda.propose(db, today=TODAY, version=made.basis_version)
    return meetings.save_agenda(db, made.id, [item.to_dict() for item in items], actor=chair)


def open_meeting_mode(db: Path, meeting: meetings.Meeting, item: int | None = None) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.session_state[person.NAME_KEY] = CHAIR
    app.query_params["moteid"] = str(meeting.id)
    if item is not None:
        app.query_params["sak"] = str(item)
    run(app)
    app.switch_page(MOTEMODUS)
    return run(app)


def test_meeting_mode_shows_one_item_at_a_time_without_a_sidebar(db: Path) -> None:
    meeting = meeting_with_agenda(db)
    assert meeting.agenda is not None
    count = len(meeting.agenda)
    app = open_meeting_mode(db, meeting)
    assert f"Sak 1 av {count}" in texts(app)
    assert [title.value.replace("\\", "") for title in app.title] == [meeting.agenda[0]["title"]]
    assert not app.sidebar.multiselect and not app.sidebar.selectbox  # no filters
    for position in range(2, count + 1):
        app = click(app, "Neste sak →")
        assert f"Sak {position} av {count}" in texts(app)
        assert app.title[0].value.replace("\\", "") == meeting.agenda[position - 1]["title"]
    assert next(b for b in app.button if b.label == "Neste sak →").disabled
    app = click(app, "← Forrige sak")
    assert f"Sak {count - 1} av {count}" in texts(app)


def test_a_decision_is_recorded_in_meeting_mode_as_a_new_version(db: Path) -> None:
    meeting = meeting_with_agenda(db)
    assert meeting.agenda is not None
    position, item = next(
        (index, item)
        for index, item in enumerate(meeting.agenda, start=1)
        if item["kind"] == "anbefaling"
    )
    project, recommendation = item["refs"][0]
    before = queries.versions(db)
    app = open_meeting_mode(db, meeting, position)
    assert f"Sak {position} av" in texts(app)
    app.radio(key=f"motemodus_vedtak_{project}_{recommendation}").set_value("Støttes")
    app.text_area(key=f"motemodus_tekst_{project}_{recommendation}").input("Vedtatt i møtet.")
    app.text_input(key=f"motemodus_ansvarlig_{project}_{recommendation}").input("Rådmannen")
    app = click(app, "Lagre vedtaket")
    assert "Vedtaket er lagret som versjon" in texts(app)
    after = queries.versions(db)
    assert len(after) == len(before) + 1
    recorded = decisions.recorded_decisions(db, meeting_id=meeting.id)
    assert [(d.anbefaling_id, d.vedtak, d.ansvarlig) for d in recorded] == [
        (recommendation, "Støttes", "Rådmannen")
    ]
    # The item now shows the decision as stored.
    assert "Støttes" in str(app.table[0].value.to_dict())


def test_leaving_meeting_mode_returns_to_meetings_with_the_filters(db: Path) -> None:
    meeting = meeting_with_agenda(db)
    app = open_meetings()
    app.selectbox(key="mote").set_value(meeting.id)
    app.sidebar.multiselect(key="prosjekt").set_value(["ASK-TM"])
    app.sidebar.text_input(key="tekst").input("leder")
    run(app)
    app = click(app, "Start møtemodus")
    assert not app.sidebar.multiselect
    # AppTest reruns the page it was told to open, not one a st.switch_page chose: tell it.
    app.query_params["moteid"] = str(meeting.id)
    app.switch_page(MOTEMODUS)
    run(app)
    assert "Sak 1 av" in texts(app)
    app = click(app, "Avslutt møtemodus")
    assert [title.value for title in app.title] == ["Møter"]
    assert app.selectbox(key="mote").value == meeting.id
    assert app.sidebar.multiselect(key="prosjekt").value == ["ASK-TM"]
    assert app.sidebar.text_input(key="tekst").value == "leder"


def test_closing_shows_the_minutes_with_an_excel_download(db: Path) -> None:
    meeting = meeting_with_agenda(db, "Møte som avsluttes")
    awaiting = next(item for item in meeting.agenda or [] if item["kind"] == "anbefaling")
    project, recommendation = awaiting["refs"][0]
    decisions.record_decision(
        db,
        recommendation,
        "Utredes videre",
        actor=Actor.on_this_machine(CHAIR),
        project=project,
        meeting_id=meeting.id,
    )
    app = open_meetings()
    app.selectbox(key="mote").set_value(meeting.id)
    run(app)
    app = click(app, "Avslutt møtet")
    closed = meetings.meeting(db, meeting.id)
    assert closed is not None and closed.closed_at is not None
    assert "Referat" in [header.value for header in app.subheader]
    minutes = app.dataframe[-1].value
    assert list(minutes["Anbefaling-ID"]) == [recommendation]
    assert app.get("download_button")[-1].proto.label == "Last ned referatet (Excel)"


def test_the_editor_order_numbers_notes_and_ticks_arrange_the_agenda() -> None:
    items = [
        agenda.AgendaItem(kind="status", title="Status A", project="A"),
        agenda.AgendaItem(kind="risiko", title="Risikoer"),
        agenda.AgendaItem(kind="gevinst", title="Gevinster"),
        agenda.AgendaItem(kind="eventuelt", title="Eventuelt"),
    ]
    rows = [(3, None, True), (1, "  Ta denne først ", True), (2, "", False), (None, None, True)]
    chosen = agenda.arranged(items, rows, "  Budsjett   2027 ")
    assert [item.title for item in chosen] == ["Risikoer", "Status A", "Budsjett 2027", "Eventuelt"]
    assert chosen[0].note == "Ta denne først"
    assert chosen[2].kind == "egen"
    # A tie keeps the earlier order; nothing added without a title.
    tied = agenda.arranged(items[:2], [(1, None, True), (1, None, True)])
    assert [item.title for item in tied] == ["Status A", "Risikoer"]


def test_a_reader_sees_only_the_stored_items_about_their_projects() -> None:
    items = [
        agenda.AgendaItem(kind="status", title="Status A", project="A", refs=(("A", "A"),)),
        agenda.AgendaItem(kind="status", title="Status B", project="B", refs=(("B", "B"),)),
        agenda.AgendaItem(kind="risiko", title="Risikoer", refs=(("A", "R1"), ("B", "R2"))),
        agenda.AgendaItem(kind="gevinst", title="Gevinster", refs=(("B", "G1"),)),
        agenda.AgendaItem(kind="eventuelt", title="Eventuelt"),
    ]
    assert agenda.readable_items(items, None) == items
    shown = agenda.readable_items(items, frozenset({"A"}))
    assert [item.title for item in shown] == ["Status A", "Risikoer", "Eventuelt"]
    assert shown[1].refs == (("A", "R1"),)
    assert [item.title for item in agenda.readable_items(items, frozenset())] == ["Eventuelt"]


def test_the_second_to_record_the_same_decision_sees_the_first(db: Path) -> None:
    meeting = meeting_with_agenda(db)
    position, item = next(
        (index, item)
        for index, item in enumerate(meeting.agenda or [], start=1)
        if item["kind"] == "anbefaling"
    )
    project, recommendation = item["refs"][0]
    app = open_meeting_mode(db, meeting, position)  # the form is drawn: the chair is looking
    # Meanwhile the secretary records a decision on the same recommendation.
    decisions.record_decision(
        db,
        recommendation,
        "Til orientering",
        actor=Actor.on_this_machine("Sekretær Sara"),
        project=project,
        meeting_id=meeting.id,
    )
    app.radio(key=f"motemodus_vedtak_{project}_{recommendation}").set_value("Støttes")
    app = click(app, "Lagre vedtaket")
    said = texts(app)
    assert "Sekretær Sara" in said and "Til orientering" in said
    recorded = decisions.recorded_decisions(db, meeting_id=meeting.id)
    assert [d.vedtak for d in recorded] == ["Til orientering"]  # nothing lost, nothing overwritten
    # Seen now: recording again stores the chair's decision on top.
    app.radio(key=f"motemodus_vedtak_{project}_{recommendation}").set_value("Støttes")
    app = click(app, "Lagre vedtaket")
    assert "Vedtaket er lagret som versjon" in texts(app)
    assert [d.vedtak for d in decisions.recorded_decisions(db, meeting_id=meeting.id)] == [
        "Til orientering",
        "Støttes",
    ]

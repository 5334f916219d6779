"""The minutes of a meeting (lib.meetings.minutes): the decisions recorded in it, in agenda
order; and as an Excel file (lib.exports.minutes_workbook) read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from lib import meetings
from lib.decisions import record_decision
from lib.exports import minutes_workbook
from lib.meetings import MINUTES_COLUMNS
from tests.fixtures import PROJECTS, TESTER, load, local

DAY = dt.date(2026, 9, 18)


def recommendation(rec_id: str, project: str = "P1", title: str | None = None) -> dict:
    return {
        "anbefaling_id": rec_id,
        "prosjekt_id": project,
        "anbefaling": title or f"Anbefaling {rec_id}",
        "vedtak": "Ikke behandlet",
    }


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "referat.duckdb"
    recs = [recommendation(f"A{n}") for n in range(1, 5)] + [recommendation("B1", "P2")]
    assert load(path, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "anbefalinger": recs}).ok
    return path


def item(kind: str, title: str, *refs: tuple[str, str]) -> dict:
    return {"kind": kind, "title": title, "project": None, "refs": [list(r) for r in refs]}


def test_the_minutes_follow_the_agenda_and_then_the_order_recorded(db: Path) -> None:
    made = meetings.create_meeting(db, "Styringsgruppemøte", DAY, actor=TESTER)
    meetings.lock_basis(db, made.id, actor=TESTER)
    agenda = [
        item("status", "Status P1", ("P1", "A1")),  # not a recommendation item: no place
        item("anbefaling", "Anbefalinger til vedtak", ("P2", "B1"), ("P1", "A3")),
        item("risiko", "Høye risikoer"),
        item("anbefaling", "A1", ("P1", "A1")),
        item("eventuelt", "Eventuelt"),
    ]
    meetings.save_agenda(db, made.id, agenda, actor=TESTER)
    for rec_id, decision, who in [
        ("A4", "Til orientering", "Kari"),  # not on the agenda
        ("A1", "Støttes", "Ola"),
        ("A2", "Utsatt", "Kari"),  # not on the agenda
        ("A3", "Avslått", "Ola"),
        ("B1", "Støttes delvis", "Per"),
    ]:
        record_decision(db, rec_id, decision, actor=local(who), meeting_id=made.id)
    # Recorded again (a correction): listed once, with the last decision.
    last = record_decision(db, "A1", "Støttes delvis", actor=local("Ola"), meeting_id=made.id)
    # A decision outside the meeting is not in its minutes.
    record_decision(db, "A2", "Støttes", actor=TESTER)
    meetings.close_meeting(db, made.id, actor=TESTER)

    frame = meetings.minutes(db, made.id)
    assert list(frame.columns) == list(MINUTES_COLUMNS)
    shown = frame[["Sak", "Anbefaling-ID", "Vedtak", "Registrert av"]].astype(object)
    assert shown.where(shown.notna(), None).values.tolist() == [
        [2, "B1", "Støttes delvis", "Per"],
        [2, "A3", "Ikke støttet", "Ola"],
        [4, "A1", "Støttes delvis", "Ola"],
        [None, "A4", "Til orientering", "Kari"],
        [None, "A2", "Ikke behandlet", "Kari"],
    ]
    assert frame["Prosjekt-ID"].tolist() == ["P2", "P1", "P1", "P1", "P1"]
    assert frame["Anbefaling"].tolist()[0] == "Anbefaling B1"
    assert frame["Vedtaksdato"].tolist() == [DAY] * 5
    assert frame["Versjon"].tolist()[2] == last.version
    assert all(isinstance(moment, dt.datetime | pd.Timestamp) for moment in frame["Registrert"])


def test_the_title_is_as_of_the_outcome(db: Path, tmp_path: Path) -> None:
    made = meetings.create_meeting(db, "Møte", DAY, actor=TESTER)
    record_decision(db, "A3", "Støttes", actor=TESTER, meeting_id=made.id)
    meetings.close_meeting(db, made.id, actor=TESTER)
    renamed = recommendation("A3", title="Nytt navn") | {"vedtak": "Støttes"}
    load(db, tmp_path, "2.xlsx", {"anbefalinger": [renamed]}, project="P1")
    assert meetings.minutes(db, made.id)["Anbefaling"].tolist() == ["Anbefaling A3"]


def test_a_meeting_without_decisions_has_empty_minutes_with_the_columns(db: Path) -> None:
    made = meetings.create_meeting(db, "Møte", DAY, actor=TESTER)
    for meeting_id in (made.id, 999):
        frame = meetings.minutes(db, meeting_id)
        assert frame.empty and list(frame.columns) == list(MINUTES_COLUMNS)


def test_the_minutes_as_excel_have_a_title_dates_and_safe_text(db: Path) -> None:
    made = meetings.create_meeting(db, "Styringsgruppemøte æøå", DAY, actor=TESTER)
    meetings.save_agenda(db, made.id, [item("anbefaling", "A1", ("P1", "A1"))], actor=TESTER)
    record_decision(
        db, "A1", "Støttes", actor=local("Åse Ørn"), meeting_id=made.id,
        vedtakstekst="=HYPERLINK(\"http://x\") og blåbær", ansvarlig="Øyvind",
    )  # fmt: skip
    record_decision(db, "A2", "Avslått", actor=TESTER, meeting_id=made.id)
    frame = meetings.minutes(db, made.id)
    data = minutes_workbook(frame, made.name, made.meeting_date)

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet.title == "Møtereferat"
    assert sheet["A1"].value == "Møtereferat: Styringsgruppemøte æøå 18.09.2026"
    headings = [cell.value for cell in sheet[3]]
    assert headings == list(MINUTES_COLUMNS)
    first = {heading: cell for heading, cell in zip(headings, sheet[4], strict=True)}
    assert first["Sak"].value == 1
    assert first["Vedtakstekst"].value == '=HYPERLINK("http://x") og blåbær'
    assert first["Vedtakstekst"].data_type == "s" and first["Vedtakstekst"].quotePrefix
    assert first["Registrert av"].value == "Åse Ørn" and first["Ansvarlig"].value == "Øyvind"
    assert first["Vedtaksdato"].value == dt.datetime(2026, 9, 18)  # a real Excel date
    assert first["Vedtaksdato"].number_format == "DD.MM.YYYY"
    assert isinstance(first["Registrert"].value, dt.datetime)
    assert first["Registrert"].number_format == "DD.MM.YYYY HH:MM"
    second = [cell.value for cell in sheet[5]]
    assert second[0] is None and second[2] == "A2" and second[4] == "Ikke støttet"
    assert sheet.max_row == 5


def test_a_reader_sees_only_the_decisions_on_projects_they_may_read(db: Path) -> None:
    meeting = meetings.create_meeting(db, "Møte", DAY, actor=TESTER)
    for project, chosen in (("P1", "A1"), ("P2", "B1")):
        record_decision(db, chosen, "Støttes", actor=TESTER, project=project, meeting_id=meeting.id)
    assert list(meetings.minutes(db, meeting.id)["Anbefaling-ID"]) == ["A1", "B1"]
    assert list(meetings.minutes(db, meeting.id, frozenset({"P1"}))["Anbefaling-ID"]) == ["A1"]
    assert meetings.minutes(db, meeting.id, frozenset()).empty

"""The agenda drawn from the data (lib/agenda.py): the running order, worst project first, one
item per recommendation awaiting a decision, what changed since the last meeting, the 30-day
window for evaluations, «Eventuelt» last, and the rows of each item."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from lib.agenda import (
    EVALUATION_DAYS,
    KINDS,
    AgendaItem,
    agenda_text,
    item_rows,
    propose,
)
from lib.snapshots import lock_for_meeting
from lib.view_sql import Filters
from tests.fixtures import TESTER, load, risk

D = dt.date
TODAY = D(2025, 3, 1)

PROJECTS = [
    {"prosjekt_id": pid, "prosjektnavn": f"Prosjekt {pid}", "startdato": D(2024, 1, 1)}
    for pid in ("P1", "P2", "P3")
]
RISKS_V1 = [
    risk("R1", 3, 4, tiltak="T", ansvarlig="A"),  # 12
    risk("R2", 2, 3, tiltak="T", ansvarlig="A"),  # 6
    risk("R1", 4, 5, "P2", tiltak="T", ansvarlig="A"),  # 20, unchanged later
    *(risk(f"R{n}", 5, 5, "P3") for n in range(1, 5)),  # four high risks: the worst project
]
RISKS_P1_V2 = [
    risk("R1", 3, 5, tiltak="T", ansvarlig="A"),  # 12 -> 15
    risk("R2", 2, 5, tiltak="T", ansvarlig="A"),  # 6 -> 10: now high, and rose
    risk("R3", 4, 4, tiltak="T", ansvarlig="A"),  # new, 16
    risk("R4", 2, 2),  # new, but 4
]


def recommendation(rec_id: str, project: str, decision: str, **values: object) -> dict:
    return {
        "anbefaling_id": rec_id,
        "prosjekt_id": project,
        "anbefaling": f"Tiltak {rec_id}",
        "beskrivelse": f"Beskrivelse av {rec_id}",
        "vedtak": decision,
        "ansvarlig": "Kari",
        **values,
    }


RECOMMENDATIONS_P1 = [
    recommendation("A1", "P1", "Ikke behandlet"),
    recommendation("A2", "P1", "Til orientering", vedtaksdato=D(2025, 1, 10)),
    recommendation("A3", "P1", "Til orientering"),
]
RECOMMENDATIONS_P1_V2 = [
    RECOMMENDATIONS_P1[0],
    recommendation("A2", "P1", "Utredes videre", vedtaksdato=D(2025, 2, 1)),
    RECOMMENDATIONS_P1[2],
]
RECOMMENDATIONS_P2 = [  # evaluated 6 months after Iverksatt
    recommendation("A1", "P2", "Støttes", iverksatt=D(2024, 7, 1), evaluering=[6]),  # 1 Jan
    recommendation("A2", "P2", "Støttes", iverksatt=D(2024, 9, 30), evaluering=[6]),  # 30 Mar
    recommendation("A3", "P2", "Støttes", iverksatt=D(2024, 10, 1), evaluering=[6]),  # 1 Apr
]
MILESTONES_V1 = [
    {"milepael_id": "M1", "prosjekt_id": "P1", "milepael": "Kontrakt", "planlagt": D(2025, 1, 15)},
    {
        "milepael_id": "M1",
        "prosjekt_id": "P2",
        "milepael": "Pilot",
        "planlagt": D(2025, 6, 1),
        "prognose": D(2025, 4, 1),
    },
]
BENEFITS = [
    {
        "gevinst_id": "G1",
        "prosjekt_id": "P2",
        "gevinst": "Færre klager",
        "type": "Kvantitativ",
        "nullpunkt": 0,
        "nullpunktdato": D(2024, 1, 1),
        "malverdi": 100,
        "maldato": D(2025, 12, 31),
    }
]
MEASUREMENTS = [{"gevinst_id": "G1", "prosjekt_id": "P2", "dato": D(2025, 1, 1), "verdi": 10}]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("agenda")
    path = folder / "agenda.duckdb"
    first = load(
        path,
        folder,
        "1.xlsx",
        {
            "prosjekter": PROJECTS,
            "risiko": RISKS_V1,
            "anbefalinger": RECOMMENDATIONS_P1 + RECOMMENDATIONS_P2,
            "milepaeler": MILESTONES_V1,
            "gevinster": BENEFITS,
            "malinger": MEASUREMENTS,
        },
        created_at=dt.datetime(2025, 1, 1, 9),
    )
    assert first.ok, first.upload.errors
    lock_for_meeting(path, 1, "Møte 1", D(2025, 1, 10), actor=TESTER)
    second = load(
        path,
        folder,
        "2.xlsx",
        {"risiko": RISKS_P1_V2, "anbefalinger": RECOMMENDATIONS_P1_V2},
        project="P1",
        created_at=dt.datetime(2025, 2, 1, 9),
    )
    assert second.ok, second.upload.errors
    slipped = [{**MILESTONES_V1[1], "prognose": D(2025, 5, 1)}]  # later, still before Planlagt
    third = load(
        path,
        folder,
        "3.xlsx",
        {"milepaeler": slipped},
        project="P2",
        created_at=dt.datetime(2025, 2, 2, 9),
    )
    assert third.ok, third.upload.errors
    return path


def kinds(items: list[AgendaItem]) -> list[str]:
    return list(dict.fromkeys(item.kind for item in items))


def only(items: list[AgendaItem], kind: str) -> AgendaItem:
    (item,) = [item for item in items if item.kind == kind]
    return item


def test_running_order_and_eventuelt_last(db):
    items = propose(db, today=TODAY)
    assert kinds(items) == [
        "status",
        "risiko",
        "anbefaling",
        "evaluering",
        "milepael",
        "gevinst",
        "kvalitet",
        "eventuelt",
    ]
    assert items[-1] == AgendaItem("eventuelt", "Eventuelt")
    assert set(KINDS) == {*kinds(items), "egen"}


def test_status_one_item_per_project_worst_first(db):
    status = [item for item in propose(db, today=TODAY) if item.kind == "status"]
    # P3: four high risks; P1: three; P2: one, and a benefit behind
    assert [item.project for item in status] == ["P3", "P1", "P2"]
    assert status[0].title == "Status: Prosjekt P3 (P3)"
    assert status[0].note == "4 høye risikoer"
    assert "1 gevinst bak skjema" in status[2].note


def test_new_and_increased_high_risks_since_the_last_meeting(db):
    item = only(propose(db, today=TODAY), "risiko")
    # R1 rose 12 -> 15, R2 6 -> 10, R3 is new at 16; R4 is new but low; P2 and P3 unchanged
    assert set(item.refs) == {("P1", "R1"), ("P1", "R2"), ("P1", "R3")}
    assert item.title == "Nye og økte høye risikoer (3)"
    assert item.note == ("1 ny og 2 med økt score siden møtet «Møte 1» (10.01.2025, versjon 1).")
    rows = item_rows(db, item, today=TODAY)
    assert list(rows.columns[:6]) == [
        "Prosjekt-ID",
        "Risiko-ID",
        "Risiko",
        "Score",
        "Forrige score",
        "Endring",
    ]
    moved = {row["Risiko-ID"]: (row["Forrige score"], row["Endring"]) for _, row in rows.iterrows()}
    assert moved["R1"] == (12, "Opp") and moved["R2"] == (6, "Opp")
    assert moved["R3"][1] == "Ny"


def test_since_the_beginning_without_a_meeting_before(db):
    # Version 1 is the meeting's own basis: nothing is locked before it.
    item = only(propose(db, today=TODAY, version=1), "risiko")
    assert ("P3", "R4") in item.refs and ("P2", "R1") in item.refs
    assert item.note.endswith("siden starten.")
    explicit = only(propose(db, today=TODAY, since=0), "risiko")
    assert ("P3", "R1") in explicit.refs


def test_one_item_per_recommendation_awaiting_a_decision(db):
    items = [item for item in propose(db, today=TODAY) if item.kind == "anbefaling"]
    assert [item.refs for item in items] == [(("P1", "A1"),), (("P1", "A2"),)]
    assert items[0].title == "Anbefaling A1 «Tiltak A1» – venter på vedtak"
    assert items[0].project == "P1"
    rows = item_rows(db, items[1], today=TODAY)
    assert len(rows) == 1
    assert list(rows.columns) == [
        "Prosjekt-ID",
        "Anbefaling-ID",
        "Anbefaling",
        "Beskrivelse",
        "Vedtak",
        "Vedtakstekst",
        "Ansvarlig",
        "Tidligere vedtak",
    ]
    assert rows.loc[0, "Vedtak"] == "Utredes videre"
    assert rows.loc[0, "Tidligere vedtak"] == "Til orientering (10.01.2025)"


def test_evaluations_overdue_or_due_within_30_days(db):
    assert EVALUATION_DAYS == 30
    # 1 March: A1 (1 January) overdue, A2 (30 March) in 29 days, A3 (1 April) in 31
    item = only(propose(db, today=TODAY), "evaluering")
    assert set(item.refs) == {("P2", "A1"), ("P2", "A2")}
    # 2 March: A3 is due in 30 days
    later = only(propose(db, today=D(2025, 3, 2)), "evaluering")
    assert set(later.refs) == {("P2", "A1"), ("P2", "A2"), ("P2", "A3")}
    rows = item_rows(db, item, today=TODAY)
    assert list(rows["Anbefaling-ID"]) == ["A1", "A2"]
    assert list(rows["Status"]) == ["Forfalt", "Snart"]
    assert "Frist" in rows.columns


def test_milestones_late_or_moved_later_since_the_meeting(db):
    item = only(propose(db, today=TODAY), "milepael")
    assert set(item.refs) == {("P1", "M1"), ("P2", "M1")}  # P2's M1 is not late, but slipped
    rows = item_rows(db, item, today=TODAY).set_index("Prosjekt-ID")
    assert rows.loc["P2", "Forventet ved forrige møte"] == pd_day(D(2025, 4, 1))
    assert rows.loc["P1", "Status"] == "Forsinket"


def pd_day(day: dt.date):
    import pandas as pd

    return pd.Timestamp(day)


def test_benefits_behind_and_quality_findings(db):
    items = propose(db, today=TODAY)
    assert only(items, "gevinst").refs == (("P2", "G1"),)
    rows = item_rows(db, only(items, "gevinst"), today=TODAY)
    assert list(rows["Gevinst-ID"]) == ["G1"] and rows.loc[0, "Status"] == "Bak skjema"
    quality = only(items, "kvalitet")
    assert ("P3", "R1") in quality.refs  # a high risk without tiltak
    found = item_rows(db, quality, today=TODAY)
    assert list(found.columns) == ["Prosjekt-ID", "Ark", "ID", "Melding"]
    assert "Risiko R1" in " ".join(found["Melding"])


def test_status_rows_and_empty_frames(db):
    items = propose(db, today=TODAY)
    rows = item_rows(db, items[0], today=TODAY)
    assert list(rows["Prosjekt-ID"]) == ["P3"] and rows.loc[0, "Høye risikoer"] == 4
    assert item_rows(db, items[-1], today=TODAY).empty
    assert item_rows(db, AgendaItem("egen", "Budsjett 2026"), today=TODAY).empty


def test_empty_categories_are_left_out(db):
    items = propose(db, Filters(projects=("P3",)), today=TODAY)
    assert kinds(items) == ["status", "kvalitet", "eventuelt"]
    nothing = propose(db, Filters(readable=frozenset()), today=TODAY)
    assert nothing == [AgendaItem("eventuelt", "Eventuelt")]


def test_narrowed_to_readable_projects(db):
    items = propose(db, Filters(readable=frozenset({"P2"})), today=TODAY)
    assert {item.project for item in items if item.project} == {"P2"}
    assert all(project == "P2" for item in items for project, _row in item.refs)


def test_to_dict_from_dict_round_trip():
    item = AgendaItem("risiko", "Nye og økte høye risikoer (2)", None, (("P1", "R1"),), "1 ny")
    data = json.loads(json.dumps(item.to_dict()))
    assert data["refs"] == [["P1", "R1"]]
    assert AgendaItem.from_dict(data) == item
    own = AgendaItem("egen", "Budsjett")
    assert AgendaItem.from_dict(json.loads(json.dumps(own.to_dict()))) == own


def test_agenda_text_is_numbered_with_notes_indented():
    text = agenda_text(
        [
            AgendaItem("status", "Status: A (A)", "A", note="2 høye risikoer"),
            AgendaItem("eventuelt", "Eventuelt"),
        ]
    )
    assert text == "1. Status: A (A)\n   2 høye risikoer\n2. Eventuelt"

"""Decisions recorded in a meeting (lib/decisions.py): each one a version that changes only
Vedtak, Vedtakstekst, Ansvarlig and Vedtaksdato of one recommendation; by a møteleder of its
project; never lost when two people record at once; undone by a restore; and treated like an
upload by the history, `changes` and `export`."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import duckdb
import pytest

from lib import access, clock, history, meetings, store
from lib.access import LESER, MOTELEDER, OPPLASTER, Actor, Forbidden
from lib.contract import DECISIONS
from lib.db import StoreError, latest_version
from lib.decisions import DECISION_KIND, DecisionConflict, record_decision, recorded_decisions
from lib.exports import write_export
from lib.ingest import load_file
from lib.meeting_changes import changes_since_last_meeting
from lib.queries import dump_rows, sheet_rows
from lib.snapshots import lock_for_meeting
from tests.fixtures import PROJECTS, TESTER, load, local

OPERATOR = local("Driftsansvarlig")
DAY = dt.date(2026, 9, 18)


def person(name: str) -> Actor:
    email = f"{name.lower()}@kommune.no"
    return Actor(subject=f"sub-{name.lower()}", name=f"{name} Nordmann", email=email)


KARI, OLA = person("Kari"), person("Ola")


def recommendation(rec_id: str, project: str = "P1", **extra: object) -> dict:
    return {
        "anbefaling_id": rec_id,
        "prosjekt_id": project,
        "anbefaling": f"Anbefaling {rec_id}",
        "beskrivelse": f"Beskrivelse av {rec_id}",
        "vedtak": "Ikke behandlet",
        "vedtakstekst": "Gammel tekst",
        "ansvarlig": "Gammel ansvarlig",
        "iverksatt": dt.date(2026, 1, 15),
        "evaluering": [3, 9],
        **extra,
    }


RECOMMENDATIONS = [
    recommendation("A1"),
    recommendation("A2"),
    recommendation("A3", vedtak="Utredes videre"),
    recommendation("B1", "P2"),
    recommendation("A1", "P2"),  # the same ID in another project
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "vedtak.duckdb"
    tables = {"prosjekter": PROJECTS, "anbefalinger": RECOMMENDATIONS}
    assert load(path, tmp_path, "1.xlsx", tables, actor=OPERATOR).ok
    return path


@pytest.fixture
def meeting(db: Path) -> meetings.Meeting:
    made = meetings.create_meeting(db, "Styringsgruppemøte", DAY, actor=TESTER)
    return meetings.lock_basis(db, made.id, actor=TESTER)


def give(db: Path, who: Actor, role: str, project: str | None = None) -> None:
    access.grant(db, OPERATOR, who.email or who.subject, role, project)


def rows(db: Path, version: int | None = None) -> list[dict]:
    """The current rows of Anbefalinger, in order, as plain values (month lists as lists)."""
    frame = sheet_rows(db, "anbefalinger", version)
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [
        {key: list(value) if hasattr(value, "tolist") else value for key, value in record.items()}
        for record in records
    ]


def row(db: Path, rec_id: str, project: str = "P1", version: int | None = None) -> dict:
    return next(
        r for r in rows(db, version) if (r["anbefaling_id"], r["prosjekt_id"]) == (rec_id, project)
    )


def state(db: Path) -> tuple:
    with duckdb.connect(str(db), read_only=True) as connection:
        return tuple(
            connection.execute(query).fetchall()
            for query in (
                "SELECT version, kind FROM versions ORDER BY version",
                "SELECT * FROM decisions ORDER BY version",
                "SELECT anbefaling_id, prosjekt_id, vedtak, valid_from, valid_to FROM anbefalinger "
                "ORDER BY ALL",
                "SELECT id, action FROM audit ORDER BY id",
            )
        )


# --- A decision is a version that changes four fields ---------------------------------------


def test_a_decision_changes_only_its_four_fields_of_one_row(
    db: Path, meeting: meetings.Meeting
) -> None:
    before = rows(db)
    stored = record_decision(
        db,
        "A2",
        "Støttes",
        actor=local("Kari"),
        project="P1",
        vedtakstekst="Styringsgruppen støtter =anbefalingen",
        ansvarlig="Ola Nordmann",
        meeting_id=meeting.id,
    )
    assert stored.version == 2 == latest_version(db)
    assert stored.changes["anbefalinger"].changed == 1
    after = rows(db)
    decided = {
        "vedtak": "Støttes",
        "vedtakstekst": "Styringsgruppen støtter =anbefalingen",
        "ansvarlig": "Ola Nordmann",
        "vedtaksdato": pd_day(DAY),
    }
    expected = [
        {**r, **decided} if (r["anbefaling_id"], r["prosjekt_id"]) == ("A2", "P1") else r
        for r in before
    ]
    assert after == expected  # the same rows, in the same order; only A2's four fields
    assert rows(db, 1) == before  # the earlier version reads as it did

    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute(
            "SELECT kind, created_by, file_name FROM versions WHERE version = 2"
        ).fetchall() == [(DECISION_KIND, "Kari", None)]
        assert connection.execute(
            "SELECT version, meeting_id, prosjekt_id, anbefaling_id, vedtak, vedtakstekst, "
            "ansvarlig, vedtaksdato, recorded_by FROM decisions"
        ).fetchall() == [
            (2, meeting.id, "P1", "A2", "Støttes", decided["vedtakstekst"], "Ola Nordmann",
             DAY, "Kari"),
        ]  # fmt: skip
        line = connection.execute(
            "SELECT name, prosjekt_id, version, detail FROM audit WHERE action = 'vedtak'"
        ).fetchall()
        touched = connection.execute(
            "SELECT prosjekt_id FROM version_projects WHERE version = 2"
        ).fetchall()
    assert touched == [("P1",)]
    [(name, project, version, detail)] = line
    assert (name, project, version) == ("Kari", "P1", 2)
    assert json.loads(detail) == {
        "møte": "Styringsgruppemøte",
        "møtedato": "2026-09-18",
        "anbefaling": "A2",
        "vedtak": "Støttes",
    }


def pd_day(day: dt.date) -> object:
    import pandas as pd

    return pd.Timestamp(day)


def test_left_out_text_and_responsible_keep_theirs_and_empty_ones_clear(db: Path) -> None:
    record_decision(db, "A1", "Utredes videre", actor=TESTER, project="P1")
    kept = row(db, "A1")
    assert (kept["vedtakstekst"], kept["ansvarlig"]) == ("Gammel tekst", "Gammel ansvarlig")
    assert kept["vedtaksdato"] == pd_day(clock.today())  # no meeting: today
    record_decision(db, "A1", "Støttes", actor=TESTER, project="P1", vedtakstekst="", ansvarlig="")
    cleared = row(db, "A1")
    assert (cleared["vedtak"], cleared["vedtakstekst"], cleared["ansvarlig"]) == (
        "Støttes",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("phrase", "decision"),
    [
        ("Vedtatt", "Støttes"),
        ("anbefaling støttes.", "Støttes"),
        ("Støttes med endringer", "Støttes delvis"),
        ("Til utredning", "Utredes videre"),
        ("Tatt til orientering", "Til orientering"),
        ("AVSLÅTT", "Ikke støttet"),
        ("Utsatt", "Ikke behandlet"),
    ],
)
def test_the_decision_is_read_with_the_contracts_phrases(
    db: Path, phrase: str, decision: str
) -> None:
    record_decision(db, "A3", phrase, actor=TESTER)
    assert row(db, "A3")["vedtak"] == decision


@pytest.mark.parametrize("phrase", ["Kanskje", "", "   "])
def test_an_unknown_decision_is_refused_naming_the_six(db: Path, phrase: str) -> None:
    before = state(db)
    with pytest.raises(StoreError) as refused:
        record_decision(db, "A3", phrase, actor=TESTER)
    assert all(f"«{decision}»" in str(refused.value) for decision in DECISIONS)
    assert state(db) == before


def test_an_id_in_two_projects_needs_the_project_and_an_unknown_id_is_named(db: Path) -> None:
    before = state(db)
    with pytest.raises(StoreError, match=r"finnes i flere prosjekter \(P1, P2\).*--project"):
        record_decision(db, "A1", "Støttes", actor=TESTER)
    with pytest.raises(StoreError, match="Anbefaling «A9» finnes ikke"):
        record_decision(db, "A9", "Støttes", actor=TESTER)
    with pytest.raises(StoreError, match="Anbefaling «B1» i prosjekt «P1» finnes ikke"):
        record_decision(db, "B1", "Støttes", actor=TESTER, project="P1")
    assert state(db) == before
    record_decision(db, "A1", "Støttes", actor=TESTER, project="P2")
    assert (row(db, "A1", "P2")["vedtak"], row(db, "A1", "P1")["vedtak"]) == (
        "Støttes",
        "Ikke behandlet",
    )
    record_decision(db, "B1", "Støttes", actor=TESTER)  # one project has it: found
    assert row(db, "B1", "P2")["vedtak"] == "Støttes"


# --- Who may record -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [LESER, OPPLASTER])
def test_readers_and_uploaders_cannot_record_a_decision(db: Path, role: str) -> None:
    give(db, KARI, role)
    before = state(db)
    with pytest.raises(Forbidden, match="møteleder"):
        record_decision(db, "A2", "Støttes", actor=KARI)
    assert state(db) == before


def test_a_chair_records_for_their_own_project_only(db: Path) -> None:
    give(db, OLA, MOTELEDER, "P1")
    record_decision(db, "A2", "Støttes", actor=OLA)
    before = state(db)
    with pytest.raises(Forbidden, match="P2"):
        record_decision(db, "B1", "Støttes", actor=OLA)
    assert state(db) == before
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("SELECT created_by FROM versions WHERE version = 2").fetchall()[
            0
        ] == ("Ola Nordmann",)


def test_a_closed_meeting_takes_no_decision(db: Path, meeting: meetings.Meeting) -> None:
    meetings.close_meeting(db, meeting.id, actor=TESTER)
    before = state(db)
    with pytest.raises(StoreError, match="er avsluttet; vedtak kan ikke registreres"):
        record_decision(db, "A2", "Støttes", actor=TESTER, meeting_id=meeting.id)
    with pytest.raises(StoreError, match="Møte 999 finnes ikke"):
        record_decision(db, "A2", "Støttes", actor=TESTER, meeting_id=999)
    assert state(db) == before


# --- Two people at once ---------------------------------------------------------------------


def test_the_second_decision_on_the_same_recommendation_sees_the_first(
    db: Path, meeting: meetings.Meeting
) -> None:
    seen = latest_version(db)  # both open the recommendation at version 1
    first = record_decision(
        db,
        "A2",
        "Støttes",
        actor=KARI_LOCAL,
        vedtakstekst="Gjennomføres i høst",
        ansvarlig="Per",
        meeting_id=meeting.id,
        seen_version=seen,
    )
    before = state(db)
    with pytest.raises(DecisionConflict) as conflict:
        record_decision(
            db, "A2", "Ikke støttet", actor=OLA_LOCAL, meeting_id=meeting.id, seen_version=seen
        )
    message = str(conflict.value)
    assert "Kari registrerte vedtaket «Støttes» for anbefaling A2" in message
    assert f"versjon {first.version}" in message and "«Gjennomføres i høst»" in message
    assert "Ingenting er lagret" in message
    assert (conflict.value.by, conflict.value.vedtak, conflict.value.version) == (
        "Kari",
        "Støttes",
        first.version,
    )
    assert state(db) == before and row(db, "A2")["vedtak"] == "Støttes"
    # Having seen it, Ola may record again.
    again = record_decision(
        db, "A2", "Ikke støttet", actor=OLA_LOCAL, meeting_id=meeting.id, seen_version=first.version
    )
    assert row(db, "A2")["vedtak"] == "Ikke støttet" and again.version == first.version + 1


KARI_LOCAL, OLA_LOCAL = local("Kari"), local("Ola")


def test_an_upload_that_changed_the_decision_is_named_too(db: Path, tmp_path: Path) -> None:
    load(db, tmp_path, "2.xlsx", {"anbefalinger": [recommendation("A3", vedtak="Avslått")]},
         project="P1", actor=local("Per"))  # fmt: skip
    with pytest.raises(DecisionConflict, match="Per endret vedtaket til «Ikke støttet»"):
        record_decision(db, "A3", "Støttes", actor=TESTER, seen_version=1)


def test_a_change_to_another_field_is_no_conflict(db: Path, tmp_path: Path) -> None:
    changed = recommendation("A3", vedtak="Utredes videre", beskrivelse="Ny beskrivelse")
    load(db, tmp_path, "2.xlsx", {"anbefalinger": [changed]}, project="P1")
    record_decision(db, "A3", "Støttes", actor=TESTER, seen_version=1)
    assert (row(db, "A3")["vedtak"], row(db, "A3")["beskrivelse"]) == ("Støttes", "Ny beskrivelse")


def test_decisions_on_different_recommendations_at_once_both_stand(
    db: Path, meeting: meetings.Meeting
) -> None:
    seen = latest_version(db)
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def decide(rec_id: str, decision: str, who: Actor) -> None:
        start.wait()
        try:
            record_decision(
                db, rec_id, decision, actor=who, project="P1", meeting_id=meeting.id,
                seen_version=seen,
            )  # fmt: skip
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [
        threading.Thread(target=decide, args=("A1", "Støttes", KARI_LOCAL)),
        threading.Thread(target=decide, args=("A2", "Ikke støttet", OLA_LOCAL)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert latest_version(db) == seen + 2
    assert (row(db, "A1")["vedtak"], row(db, "A2")["vedtak"]) == ("Støttes", "Ikke støttet")
    assert len(meetings.minutes(db, meeting.id)) == 2
    recorded = recorded_decisions(db, meeting_id=meeting.id)
    assert sorted((d.anbefaling_id, d.vedtak, d.recorded_by) for d in recorded) == [
        ("A1", "Støttes", "Kari"),
        ("A2", "Ikke støttet", "Ola"),
    ]


# --- History, restore, changes, export ------------------------------------------------------


def test_a_restore_undoes_a_decision(db: Path, meeting: meetings.Meeting) -> None:
    stored = record_decision(
        db, "A2", "Støttes", actor=TESTER, vedtakstekst="Ja", meeting_id=meeting.id
    )
    assert row(db, "A2")["vedtak"] == "Støttes"
    undone = store.rollback(db, stored.version - 1, actor=TESTER)
    old = row(db, "A2")
    assert (old["vedtak"], old["vedtakstekst"], old["vedtaksdato"]) == (
        "Ikke behandlet",
        "Gammel tekst",
        None,
    )
    assert rows(db) == rows(db, 1) and undone.version == stored.version + 1


def test_history_and_changes_show_a_decision_as_a_version(
    db: Path, meeting: meetings.Meeting
) -> None:
    stored = record_decision(
        db, "A2", "Støttes", actor=local("Kari"), meeting_id=meeting.id, vedtakstekst="Ja"
    )
    overview = history.version_overview(db)
    line = overview[overview["Versjon"] == stored.version].iloc[0]
    assert line["Lastet opp av"] == "Kari" and line["Gjelder"] == "P1"
    found = changes_since_last_meeting(db)
    assert found is not None
    decided = found.rows("decision")
    assert decided[["Prosjekt-ID", "ID", "Nå"]].values.tolist() == [
        ["P1", "A2", "Støttes (18.09.2026)"]
    ]


def test_the_export_carries_the_decision_and_loads_into_an_empty_database(
    db: Path, tmp_path: Path
) -> None:
    record_decision(db, "A3", "Godkjent", actor=TESTER, vedtakstekst="Æøå", ansvarlig="Kari")
    workbook = tmp_path / "eksport.xlsx"
    write_export(workbook, {key: sheet_rows(db, key) for key in ("prosjekter", "anbefalinger")})
    fresh = tmp_path / "ny.duckdb"
    assert load_file(fresh, workbook, actor=TESTER).ok
    assert dump_rows(fresh, "anbefalinger").equals(dump_rows(db, "anbefalinger"))
    assert row(fresh, "A3")["vedtakstekst"] == "Æøå"


def test_a_decision_needs_no_locked_basis_and_a_lock_after_it_still_works(db: Path) -> None:
    made = meetings.create_meeting(db, "Møte", DAY, actor=TESTER)
    stored = record_decision(db, "A2", "Støttes", actor=TESTER, meeting_id=made.id)
    locked = meetings.lock_basis(db, made.id, actor=TESTER, version=1)
    assert locked.basis_version == 1
    assert lock_for_meeting(db, stored.version, "Neste", DAY, actor=TESTER).version == 2

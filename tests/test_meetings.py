"""Meetings (lib/meetings.py): made, listed, their basis locked, their agenda stored, closed;
by whom (roles), and what a closed meeting refuses. Also: the schema-5 file migrated to
meetings, and the `snapshot` command and meetings agreeing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from lib import access, meetings
from lib.access import LESER, MOTELEDER, OPPLASTER, Actor, Forbidden
from lib.db import StoreError, latest_version
from lib.decisions import record_decision
from lib.schema import SCHEMA_VERSION
from lib.snapshots import lock_for_meeting, snapshots
from tests.fixtures import PROJECTS, TESTER, cli, load, local, risk

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
        "vedtak": "Ikke behandlet",
        **extra,
    }


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "moter.duckdb"
    tables = {
        "prosjekter": PROJECTS,
        "risiko": [risk("R1", 2, 2), risk("R2", 3, 3, "P2")],
        "anbefalinger": [recommendation("A1"), recommendation("A2", "P2")],
    }
    assert load(path, tmp_path, "1.xlsx", tables, actor=OPERATOR).ok
    return path


def give(db: Path, who: Actor, role: str, project: str | None = None) -> None:
    access.grant(db, OPERATOR, who.email or who.subject, role, project)


def audit_lines(db: Path, action: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(
            "SELECT name, detail, version FROM audit WHERE action = ? ORDER BY id", [action]
        ).fetchall()


# --- Making and listing -------------------------------------------------------------------


def test_a_meeting_is_made_listed_newest_first_and_found_by_name(db: Path) -> None:
    older = meetings.create_meeting(db, "Styringsgruppemøte", DAY, actor=TESTER)
    newer = meetings.create_meeting(
        db, "  Styringsgruppemøte   desember ", dt.date(2026, 12, 4), actor=TESTER,
        participants="Kari, Ola",
    )  # fmt: skip
    assert newer.name == "Styringsgruppemøte desember"
    assert newer.participants == "Kari, Ola" and newer.created_by == "Test"
    assert not newer.is_locked and not newer.is_closed and newer.agenda is None
    assert [m.id for m in meetings.meetings(db)] == [newer.id, older.id]
    assert meetings.meeting(db, older.id) == older
    assert meetings.meeting(db, 999) is None
    assert meetings.meeting_named(db, "STYRINGSGRUPPEMØTE") == older
    assert meetings.meeting_named(db, "Ukjent") is None
    again = meetings.create_meeting(db, "Styringsgruppemøte", dt.date(2027, 1, 8), actor=TESTER)
    assert meetings.meeting_named(db, "styringsgruppemøte") == again  # the latest of the name
    assert audit_lines(db, "møte")[0][0] == "Test"
    assert json.loads(audit_lines(db, "møte")[0][1])["hendelse"] == "opprettet"


def test_the_label_adds_the_date_only_when_the_name_lacks_it(db: Path) -> None:
    plain = meetings.create_meeting(db, "Styringsgruppemøte", DAY, actor=TESTER)
    assert plain.label() == "Styringsgruppemøte 18.09.2026"
    for name in ("Møte 18.09.2026", "Møte 18. september", "Møte 2026-09-18", "Møte 18.9.26"):
        assert meetings.create_meeting(db, name, DAY, actor=TESTER).label() == name


def test_upcoming_is_open_and_today_or_later(db: Path) -> None:
    found = meetings.create_meeting(db, "Møte", DAY, actor=TESTER)
    assert found.is_upcoming(DAY) and found.is_upcoming(DAY - dt.timedelta(days=1))
    assert not found.is_upcoming(DAY + dt.timedelta(days=1))
    closed = meetings.close_meeting(db, found.id, actor=TESTER)
    assert not closed.is_upcoming(DAY)


@pytest.mark.parametrize(
    ("name", "day", "message"),
    [("  ", DAY, "navn"), ("x" * 201, DAY, "for langt"), ("Møte", None, "Møtedatoen mangler")],
)
def test_a_meeting_needs_a_name_and_a_date(db: Path, name: str, day, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        meetings.create_meeting(db, name, day, actor=TESTER)
    assert meetings.meetings(db) == []


# --- Roles ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [LESER, OPPLASTER])
def test_readers_and_uploaders_cannot_make_or_change_meetings(db: Path, role: str) -> None:
    give(db, KARI, role)
    with pytest.raises(Forbidden, match="møteleder"):
        meetings.create_meeting(db, "Møte", DAY, actor=KARI)
    assert meetings.meetings(db) == []
    made = meetings.create_meeting(db, "Møte", DAY, actor=TESTER)
    for refused in (
        lambda: meetings.save_agenda(db, made.id, [{"kind": "x", "title": "Sak"}], actor=KARI),
        lambda: meetings.lock_basis(db, made.id, actor=KARI),
        lambda: meetings.close_meeting(db, made.id, actor=KARI),
    ):
        with pytest.raises(Forbidden):
            refused()
    assert meetings.meeting(db, made.id) == made
    assert snapshots(db) == []


def test_a_chair_of_one_project_makes_meetings_but_locks_only_what_they_chair(db: Path) -> None:
    give(db, OLA, MOTELEDER, "P1")
    made = meetings.create_meeting(db, "Møte", DAY, actor=OLA)
    assert made.created_by == "Ola Nordmann"
    with pytest.raises(Forbidden, match="1 annet prosjekt"):  # version 1 holds P2 too
        meetings.lock_basis(db, made.id, actor=OLA)
    assert not meetings.meeting(db, made.id).is_locked
    give(db, OLA, MOTELEDER, "P2")
    assert meetings.lock_basis(db, made.id, actor=OLA).basis_version == 1


# --- Locking the basis ----------------------------------------------------------------------


def test_locking_the_basis_is_a_snapshot_named_and_dated_as_the_meeting(
    db: Path, tmp_path: Path
) -> None:
    made = meetings.create_meeting(db, "Styringsgruppemøte", DAY, actor=TESTER)
    load(db, tmp_path, "2.xlsx", {"risiko": [risk("R1", 4, 4)]}, project="P1")
    locked = meetings.lock_basis(db, made.id, actor=TESTER, version=1)
    assert locked.basis_version == 1
    [snapshot] = snapshots(db)
    assert (snapshot.version, snapshot.name, snapshot.meeting_date) == (1, made.name, DAY)
    with pytest.raises(StoreError, match="allerede låst"):
        meetings.lock_basis(db, made.id, actor=TESTER)
    other = meetings.create_meeting(db, "Et annet møte", DAY, actor=TESTER)
    with pytest.raises(StoreError, match="allerede låst for møtet «Styringsgruppemøte»"):
        meetings.lock_basis(db, other.id, actor=TESTER, version=1)
    assert meetings.lock_basis(db, other.id, actor=TESTER).basis_version == 2  # the latest
    assert len(audit_lines(db, "låsing")) == 2


def test_a_closed_meeting_refuses_a_lock_an_agenda_and_a_second_close(db: Path) -> None:
    made = meetings.create_meeting(db, "Møte", DAY, actor=TESTER)
    closed = meetings.close_meeting(db, made.id, actor=TESTER)
    assert closed.is_closed and closed.closed_by == "Test"
    with pytest.raises(StoreError, match=r"avsluttet \(.*\); grunnlaget kan ikke endres"):
        meetings.lock_basis(db, made.id, actor=TESTER)
    with pytest.raises(StoreError, match="; dagsordenen kan ikke endres"):
        meetings.save_agenda(
            db, made.id, [{"kind": "eventuelt", "title": "Eventuelt"}], actor=TESTER
        )
    with pytest.raises(StoreError, match="; det kan bare avsluttes én gang"):
        meetings.close_meeting(db, made.id, actor=TESTER)
    assert meetings.meeting(db, made.id) == closed
    assert snapshots(db) == []
    with pytest.raises(StoreError, match="finnes ikke"):
        meetings.close_meeting(db, 999, actor=TESTER)


# --- The agenda -----------------------------------------------------------------------------


def test_the_agenda_is_stored_as_given_and_replaced_by_the_next(db: Path) -> None:
    made = meetings.create_meeting(db, "Møte", DAY, actor=TESTER)
    items = [
        {"kind": "anbefaling", "title": "Vedta A1", "project": "P1", "refs": [("P1", "A1")],
         "note": "æøå"},
        {"kind": "eventuelt", "title": "Eventuelt", "project": None, "refs": [], "note": ""},
    ]  # fmt: skip
    saved = meetings.save_agenda(db, made.id, items, actor=TESTER)
    assert saved.agenda == [{**items[0], "refs": [["P1", "A1"]]}, items[1]]
    assert meetings.meeting(db, made.id).agenda == saved.agenda
    shorter = meetings.save_agenda(db, made.id, items[1:], actor=TESTER)
    assert shorter.agenda == [items[1]]
    assert [json.loads(d)["hendelse"] for _n, d, _v in audit_lines(db, "møte")] == [
        "opprettet",
        "dagsorden lagret",
        "dagsorden lagret",
    ]


@pytest.mark.parametrize(
    ("items", "message"),
    [("Sak 1", "liste"), (["Sak 1"], "Sak 1 på dagsordenen"), ([{"kind": "x"}], "mangler tittel")],
)
def test_an_agenda_of_the_wrong_shape_is_refused(db: Path, items, message: str) -> None:
    made = meetings.create_meeting(db, "Møte", DAY, actor=TESTER)
    with pytest.raises(StoreError, match=message):
        meetings.save_agenda(db, made.id, items, actor=TESTER)
    assert meetings.meeting(db, made.id).agenda is None


# --- Closing ------------------------------------------------------------------------------


def test_the_outcome_is_the_last_decision_else_the_basis(db: Path, tmp_path: Path) -> None:
    made = meetings.create_meeting(db, "Møte", DAY, actor=TESTER)
    meetings.lock_basis(db, made.id, actor=TESTER)
    first = record_decision(db, "A1", "Støttes", actor=TESTER, meeting_id=made.id)
    last = record_decision(db, "A2", "Avslått", actor=TESTER, meeting_id=made.id)
    # An upload after the last decision is not the meeting's outcome.
    load(db, tmp_path, "3.xlsx", {"risiko": [risk("R1", 5, 5)]}, project="P1")
    assert first.version < last.version < latest_version(db)
    closed = meetings.close_meeting(db, made.id, actor=TESTER)
    assert closed.outcome_version == last.version
    assert audit_lines(db, "møte")[-1][2] == last.version

    quiet = meetings.create_meeting(db, "Stille møte", DAY, actor=TESTER)
    meetings.lock_basis(db, quiet.id, actor=TESTER, version=2)
    assert meetings.close_meeting(db, quiet.id, actor=TESTER).outcome_version == 2
    unlocked = meetings.create_meeting(db, "Uten grunnlag", DAY, actor=TESTER)
    assert meetings.close_meeting(db, unlocked.id, actor=TESTER).outcome_version == 4


# --- The snapshot command and meetings ------------------------------------------------------


def test_a_snapshot_by_name_makes_a_meeting_or_locks_the_unlocked_one(db: Path) -> None:
    locked = lock_for_meeting(db, 1, "Første møte", DAY, actor=TESTER)
    [made] = meetings.meetings(db)
    assert (made.name, made.meeting_date, made.basis_version) == ("Første møte", DAY, 1)
    assert made.created_by == "Test" and not made.is_closed
    assert locked.name == made.name

    planned = meetings.create_meeting(db, "Andre møte", dt.date(2026, 10, 30), actor=TESTER)
    result = cli("snapshot", "andre MØTE", "--by", "Kari", db=db)
    assert result.returncode == 1, result.stderr  # version 1 is locked already
    assert "allerede låst" in result.stderr
    assert not meetings.meeting(db, planned.id).is_locked


def test_the_snapshot_command_locks_the_planned_meeting_with_its_date(
    db: Path, tmp_path: Path
) -> None:
    planned = meetings.create_meeting(db, "Andre møte", dt.date(2026, 10, 30), actor=TESTER)
    result = cli("snapshot", "andre MØTE", "--by", "Kari", db=db)
    assert result.returncode == 0, result.stderr
    assert "«Andre møte» (30.10.2026, versjon 1)" in result.stdout
    assert meetings.meeting(db, planned.id).basis_version == 1
    assert len(meetings.meetings(db)) == 1  # no second meeting
    # Every snapshot is a meeting's basis, and the two agree on name and date.
    load(db, tmp_path, "2.xlsx", {"risiko": [risk("R1", 4, 4)]}, project="P1")
    assert cli("snapshot", "Tredje møte", "--date", "2026-11-27", db=db).returncode == 0
    pairs = {(m.basis_version, m.name, m.meeting_date) for m in meetings.meetings(db)}
    assert pairs == {(s.version, s.name, s.meeting_date) for s in snapshots(db)}


# --- Migration from schema 5 ----------------------------------------------------------------


def _as_schema_5(db: Path) -> None:
    """Turn a schema-6 file back into what schema 5 wrote: no meetings, no decisions."""
    with duckdb.connect(str(db)) as connection:
        connection.execute("DROP TABLE decisions")
        connection.execute("DROP TABLE meetings")
        connection.execute("DROP SEQUENCE meeting_ids")
        connection.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")


def _layout(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = 'main' ORDER BY ALL"
        ).fetchall()


def test_a_schema_5_file_gets_a_meeting_for_every_snapshot(db: Path, tmp_path: Path) -> None:
    load(db, tmp_path, "2.xlsx", {"risiko": [risk("R1", 4, 4)]}, project="P1")
    past, future = dt.date(2025, 3, 1), dt.date(2099, 1, 1)
    lock_for_meeting(db, 1, "Mars-møtet", past, actor=local("Kari"))
    lock_for_meeting(db, 2, "Framtidsmøtet", future, actor=local("Per"))
    _as_schema_5(db)
    with duckdb.connect(str(db), read_only=True) as connection:
        tables = {row[0] for row in connection.execute("SHOW TABLES").fetchall()}
    assert "meetings" not in tables and "snapshots" in tables

    found = {m.name: m for m in meetings.meetings(db)}  # opening migrates it
    assert set(found) == {"Mars-møtet", "Framtidsmøtet"}
    march, coming = found["Mars-møtet"], found["Framtidsmøtet"]
    assert (march.meeting_date, march.basis_version, march.created_by) == (past, 1, "Kari")
    assert (coming.meeting_date, coming.basis_version, coming.created_by) == (future, 2, "Per")
    assert march.is_closed and march.outcome_version is None and march.closed_by is None
    assert not coming.is_closed  # still to be held: decisions may be recorded in it
    assert march.created_at == {s.version: s for s in snapshots(db)}[1].created_at
    new = tmp_path / "ny.duckdb"
    latest_version(new)
    assert _layout(db) == _layout(new)
    # The migrated file works as a new one: a meeting, a decision in the open one.
    made = meetings.create_meeting(db, "Nytt møte", DAY, actor=TESTER)
    assert made.id > max(march.id, coming.id)
    record_decision(db, "A1", "Støttes", actor=TESTER, meeting_id=coming.id)
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchall() == [(str(SCHEMA_VERSION),)]


def test_the_demo_may_date_a_meeting_its_decisions_and_its_close(db: Path) -> None:
    made_at, decided_at, closed_at = (dt.datetime(2099, 9, 18, hour) for hour in (9, 10, 11))
    made = meetings.create_meeting(db, "Møte", DAY, actor=TESTER, created_at=made_at)
    stored = record_decision(
        db, "A1", "Støttes", actor=TESTER, meeting_id=made.id, created_at=decided_at
    )
    closed = meetings.close_meeting(db, made.id, actor=TESTER, closed_at=closed_at)
    assert (made.created_at, closed.closed_at) == (made_at, closed_at)
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute(
            "SELECT v.created_at, d.recorded_at FROM versions v JOIN decisions d USING (version) "
            "WHERE version = ?",
            [stored.version],
        ).fetchall() == [(decided_at, decided_at)]

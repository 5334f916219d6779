"""`python -m lib.cli kvalitet` and `agenda` on a database of their own: output and exit codes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from lib.snapshots import lock_for_meeting
from tests.fixtures import PROJECTS, TESTER, cli, load, risk


def recommendation(rec_id: str, title: str) -> dict:
    return {
        "anbefaling_id": rec_id,
        "prosjekt_id": "P1",
        "anbefaling": title,
        "vedtak": "Ikke behandlet",
    }


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli_agenda")
    path = folder / "cli.duckdb"
    first = load(
        path,
        folder,
        "1.xlsx",
        {
            "prosjekter": PROJECTS,
            "risiko": [risk("R1", 4, 4, risiko="=Nøkkelpersoner slutter"), risk("R1", 1, 1, "P2")],
            "anbefalinger": [recommendation("A1", "Felles ledermøter")],
        },
        created_at=dt.datetime(2025, 1, 1, 9),
    )
    assert first.ok, first.upload.errors
    lock_for_meeting(path, 1, "Januarmøtet", dt.date(2025, 1, 10), actor=TESTER)
    second = load(
        path,
        folder,
        "2.xlsx",
        {
            "anbefalinger": [
                recommendation("A1", "Felles ledermøter"),
                recommendation("A2", "Nytt intranett"),
            ]
        },
        project="P1",
        created_at=dt.datetime(2025, 2, 1, 9),
    )
    assert second.ok, second.upload.errors
    return path


def test_kvalitet_lists_findings_by_project(db):
    done = cli("kvalitet", "--today", "2025-02-15", db=db)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # R1: no tiltak, ansvarlig, after-tiltak; P1 and P2: no status report since the meeting
    assert lines[0] == "Datakvalitet: 5 funn."
    assert "P1" in lines
    assert any(
        "Risiko R1 «=Nøkkelpersoner slutter» har score 16, men ingen tiltak" in line
        for line in lines
    )


def test_kvalitet_csv_has_the_contract_header_and_one_row_per_finding(db):
    done = cli("kvalitet", "--today", "2025-03-15", "--csv", db=db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "Prosjekt-ID,Ark,ID,Regel,Melding"
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    rules = {(row["Prosjekt-ID"], row["ID"], row["Regel"]) for row in rows}
    # 15 March: P1 and P2 have had no version since 1 January (73 days), P1 since 1 February
    assert ("P1", "R1", "risiko_uten_tiltak") in rules
    assert ("P2", "P2", "prosjekt_uten_opplasting") in rules
    assert ("P1", "P1", "prosjekt_uten_opplasting") not in rules


def test_kvalitet_without_findings(tmp_path):
    done = cli("kvalitet", db=tmp_path / "tom.duckdb")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Ingen funn."


def test_agenda_prints_the_proposed_running_order(db):
    done = cli("agenda", "--today", "2025-02-15", db=db)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("1. Status: Prosjekt én (P1)")
    assert lines[-1].endswith(". Eventuelt")
    assert any("Anbefaling A2 «Nytt intranett» – venter på vedtak" in line for line in lines)
    assert "5. Datakvalitet (5 funn)" in lines  # with P1 and P2 lacking a status report
    assert "Nye og økte høye risikoer" not in done.stdout  # R1 is as it was at the meeting


def test_agenda_for_a_meeting_is_as_of_its_locked_version(db):
    done = cli("agenda", "--meeting", "Januarmøtet", "--today", "2025-01-10", db=db)
    assert done.returncode == 0, done.stderr
    assert "Anbefaling A1 «Felles ledermøter»" in done.stdout
    assert "Nytt intranett" not in done.stdout  # uploaded after the meeting's version
    assert "siden starten" in done.stdout  # no meeting before it


def test_agenda_for_a_meeting_is_judged_on_its_date(db):
    done = cli("agenda", "--meeting", "Januarmøtet", db=db)
    assert done.returncode == 0, done.stderr
    # 10 January 2025: no project has gone 60 days without data yet
    assert "Datakvalitet (3 funn)" in done.stdout
    today = cli("agenda", "--meeting", "Januarmøtet", "--today", "2025-03-15", db=db)
    # and, the meeting held, P1 and P2 have no status report since it
    assert "Datakvalitet (7 funn)" in today.stdout


def test_agenda_for_an_unknown_meeting_fails_in_norwegian(db):
    done = cli("agenda", "--meeting", "Finnes ikke", db=db)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Fant ikke møtet «Finnes ikke»" in done.stderr
    assert "«Januarmøtet»" in done.stderr


def test_agenda_for_a_meeting_prints_its_stored_agenda(tmp_path: Path, db: Path) -> None:
    from lib import meetings
    from tests.fixtures import copy_database

    copy = copy_database(db, tmp_path / "lagret.duckdb")
    made = meetings.create_meeting(copy, "Marsmøtet", dt.date(2025, 3, 10), actor=TESTER)
    before = cli("agenda", "--meeting", "Marsmøtet", db=copy)
    assert before.returncode == 0 and "Budsjett 2026" not in before.stdout
    items = [
        {"kind": "egen", "title": "Budsjett 2026", "project": None, "refs": [], "note": ""},
        {"kind": "eventuelt", "title": "Eventuelt", "project": None, "refs": [], "note": ""},
    ]
    meetings.save_agenda(copy, made.id, items, actor=TESTER)
    stored = cli("agenda", "--meeting", "Marsmøtet", db=copy)
    assert stored.returncode == 0, stored.stderr
    lines = [line for line in stored.stdout.splitlines() if line.strip()]
    assert lines == ["1. Budsjett 2026", "2. Eventuelt"]

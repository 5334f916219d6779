"""`python -m lib.cli vedtak` (a decision as a new version) and `motereferat` (the minutes):
exit codes, one-line Norwegian messages, and what is stored."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from lib import meetings
from lib.contract import DECISIONS
from lib.db import latest_version
from lib.queries import sheet_rows
from tests.fixtures import PROJECTS, TESTER, cli, load

DAY = dt.date(2026, 9, 18)


def recommendation(rec_id: str, project: str = "P1") -> dict:
    return {
        "anbefaling_id": rec_id,
        "prosjekt_id": project,
        "anbefaling": f"Anbefaling {rec_id}",
        "vedtak": "Ikke behandlet",
        "ansvarlig": "Gammel ansvarlig",
    }


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cli.duckdb"
    recs = [recommendation("A1"), recommendation("A2"), recommendation("A1", "P2")]
    assert load(path, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "anbefalinger": recs}).ok
    return path


def vedtak_of(db: Path, rec_id: str, project: str = "P1") -> dict:
    frame = sheet_rows(db, "anbefalinger")
    found = frame[(frame["anbefaling_id"] == rec_id) & (frame["prosjekt_id"] == project)]
    return found.iloc[0].to_dict()


def test_help_lists_the_meeting_commands() -> None:
    done = cli("--help")
    assert "vedtak" in done.stdout and "motereferat" in done.stdout
    assert "Vedtakstekst" in cli("vedtak", "--help").stdout


def test_vedtak_stores_a_version_in_the_meeting(db: Path) -> None:
    made = meetings.create_meeting(db, "Styringsgruppemøte", DAY, actor=TESTER)
    done = cli(
        "vedtak", "A2", "--vedtak", "vedtatt", "--tekst", "Gjennomføres i høst",
        "--ansvarlig", "Kari", "--meeting", "styringsgruppemøte", "--by", "Ola Nordmann", db=db,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "Vedtak «Støttes» for anbefaling A2 (P1) i møtet «Styringsgruppemøte 18.09.2026» "
        "er lagret som versjon 2."
    )
    stored = vedtak_of(db, "A2")
    assert (stored["vedtak"], stored["vedtakstekst"], stored["ansvarlig"]) == (
        "Støttes",
        "Gjennomføres i høst",
        "Kari",
    )
    assert stored["vedtaksdato"].date() == DAY
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute(
            "SELECT kind, created_by FROM versions WHERE version = 2"
        ).fetchall() == [("vedtak", "Ola Nordmann")]
        assert connection.execute("SELECT meeting_id FROM decisions").fetchall() == [(made.id,)]
    listed = cli("versions", db=db)
    assert listed.returncode == 0 and "\tOla Nordmann\tvedtak\t" in listed.stdout


def test_vedtak_without_a_meeting_is_dated_today_and_keeps_what_is_left_out(db: Path) -> None:
    done = cli("vedtak", "A1", "--vedtak", "Utredes", "--project", "P2", db=db)
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.strip()
        == "Vedtak «Utredes videre» for anbefaling A1 (P2) er lagret som versjon 2."
    )
    stored = vedtak_of(db, "A1", "P2")
    assert stored["vedtak"] == "Utredes videre" and stored["ansvarlig"] == "Gammel ansvarlig"
    assert vedtak_of(db, "A1")["vedtak"] == "Ikke behandlet"
    cleared = cli(
        "vedtak", "A1", "--vedtak", "Støttes", "--project", "P2", "--ansvarlig", "", db=db
    )
    assert cleared.returncode == 0 and pd.isna(vedtak_of(db, "A1", "P2")["ansvarlig"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["A2", "--vedtak", "Kanskje"], "«Kanskje» er ikke et vedtak"),
        (["A1", "--vedtak", "Støttes"], "finnes i flere prosjekter (P1, P2)"),
        (["A9", "--vedtak", "Støttes"], "Anbefaling «A9» finnes ikke"),
        (
            ["A2", "--vedtak", "Støttes", "--meeting", "Ukjent møte"],
            "Møtet «Ukjent møte» finnes ikke",
        ),
    ],
)
def test_vedtak_refuses_with_a_norwegian_message_and_stores_nothing(
    db: Path, args: list[str], message: str
) -> None:
    done = cli("vedtak", *args, db=db)
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr
    assert latest_version(db) == 1


def test_an_unknown_decision_lists_the_six(db: Path) -> None:
    done = cli("vedtak", "A2", "--vedtak", "Kanskje", db=db)
    assert all(f"«{decision}»" in done.stderr for decision in DECISIONS)


def test_vedtak_in_a_closed_meeting_is_refused(db: Path) -> None:
    made = meetings.create_meeting(db, "Møte", DAY, actor=TESTER)
    meetings.close_meeting(db, made.id, actor=TESTER)
    done = cli("vedtak", "A2", "--vedtak", "Støttes", "--meeting", "Møte", db=db)
    assert done.returncode == 1 and "er avsluttet" in done.stderr
    assert latest_version(db) == 1


def test_motereferat_prints_text_csv_and_excel(db: Path, tmp_path: Path) -> None:
    made = meetings.create_meeting(db, "Møte", DAY, actor=TESTER)
    agenda = [{"kind": "anbefaling", "title": "A2", "refs": [["P1", "A2"]]}]
    meetings.save_agenda(db, made.id, agenda, actor=TESTER)
    assert cli("vedtak", "A1", "--vedtak", "Avslått", "--project", "P1", "--meeting", "Møte",
               "--tekst", "=1+1", db=db).returncode == 0  # fmt: skip
    assert cli("vedtak", "A2", "--vedtak", "Støttes", "--meeting", "Møte", db=db).returncode == 0

    text = cli("motereferat", "--meeting", "møte", db=db)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].startswith("Møtereferat: «Møte 18.09.2026»")
    assert lines[1].startswith("Sak 1: P1 A2 Anbefaling A2 – Støttes")
    assert lines[2].startswith("P1 A1 Anbefaling A1 – Ikke støttet: =1+1")

    table = list(
        csv.reader(io.StringIO(cli("motereferat", "--meeting", "Møte", "--csv", db=db).stdout))
    )
    assert table[0][:5] == ["Sak", "Prosjekt-ID", "Anbefaling-ID", "Anbefaling", "Vedtak"]
    assert [row[2] for row in table[1:]] == ["A2", "A1"]
    assert table[2][5] == "'=1+1"  # formula-guarded for Excel
    assert table[1][7] == "2026-09-18"

    target = tmp_path / "referat.xlsx"
    written = cli("motereferat", "--meeting", "Møte", "--xlsx", target, db=db)
    assert written.returncode == 0 and str(target) in written.stdout
    sheet = openpyxl.load_workbook(target).active
    assert sheet["A1"].value == "Møtereferat: Møte 18.09.2026"
    assert sheet["C4"].value == "A2"

    missing = cli("motereferat", "--meeting", "Ukjent", db=db)
    assert missing.returncode == 1 and "finnes ikke" in missing.stderr

"""Status reports in the rules that use them: the data-quality rule «status_mangler» at its
boundary (the meeting's own day and the day after), Oversikt's «Utdatert» on the same day, and
the agenda's status items (a red reported light first, the lights in the note)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lib import agenda, quality, status
from lib.ingest import store_status_report
from lib.queries import Filters
from tests.fixtures import TESTER

D = dt.date
#: The demo's coming meeting (data/demo/møter.csv); the one before it was 24.09.2026.
MEETING = D(2026, 12, 10)
PROJECTS = {"AMOT-ORG", "ASK-TM", "NTNU-BEVISST", "NTNU-BOTT", "OTK-OU2"}


def missing(db: Path, today: dt.date) -> dict[str, str]:
    return {
        finding.prosjekt_id: finding.melding
        for finding in quality.findings(db, today=today)
        if finding.regel == "status_mangler"
    }


def report(day: dt.date, **lights: str) -> dict[str, object]:
    return {"rapportdato": day, "rapportert_av": "Prosjektleder", **lights}


def test_no_report_since_the_last_meeting_from_the_day_after_it(demo_db_copy: Path) -> None:
    # The meeting's own day: the last meeting held is 24.09; only NTNU-BOTT (16.09) lacks one.
    on_the_day = missing(demo_db_copy, MEETING)
    assert set(on_the_day) == {"NTNU-BOTT"}
    assert on_the_day["NTNU-BOTT"] == (
        "Prosjekt NTNU-BOTT «BOTT ØL – innføring ved MH» har ingen statusrapport siden møtet "
        "24.09.2026 (siste rapport 16.09.2026): skriv en rapport på siden Status, eller last "
        "opp arket Status."
    )
    # The day after, the meeting of 10.12 is held: every project needs a report from it on.
    assert set(missing(demo_db_copy, MEETING + dt.timedelta(days=1))) == PROJECTS
    # A report dated the meeting's day counts; one the day before does not.
    store_status_report(demo_db_copy, "OTK-OU2", report(MEETING), actor=TESTER)
    store_status_report(
        demo_db_copy, "AMOT-ORG", report(MEETING - dt.timedelta(days=1)), actor=TESTER
    )
    after = missing(demo_db_copy, MEETING + dt.timedelta(days=1))
    assert set(after) == PROJECTS - {"OTK-OU2"}
    assert "siden møtet 10.12.2026 (siste rapport 09.12.2026)" in after["AMOT-ORG"]

    # Oversikt's «Utdatert» follows the same day.
    def stale(today: dt.date) -> set[str]:
        board = status.status_board(demo_db_copy, Filters(), today)
        return set(board[board["utdatert"]]["prosjekt_id"])

    assert stale(MEETING) == {"NTNU-BOTT"}
    assert stale(MEETING + dt.timedelta(days=1)) == PROJECTS - {"OTK-OU2"}
    # As of a version before these reports, both were missing.
    assert {"OTK-OU2", "AMOT-ORG"} <= set(
        {
            finding.prosjekt_id
            for finding in quality.findings(
                demo_db_copy, today=MEETING + dt.timedelta(days=1), version=7
            )
            if finding.regel == "status_mangler"
        }
    )


def test_a_project_without_any_report_is_named(empty_database: Path, tmp_path: Path) -> None:
    from lib.meetings import create_meeting
    from tests.fixtures import copy_database, load

    db = copy_database(empty_database, tmp_path / "db.duckdb")
    loaded = load(
        db,
        tmp_path,
        "p.xlsx",
        {"prosjekter": [{"prosjekt_id": "P1", "prosjektnavn": "Prosjekt én"}]},
    )
    assert loaded.ok, loaded.upload.errors
    create_meeting(db, "Møte", D(2026, 3, 1), actor=TESTER)
    assert missing(db, D(2026, 3, 1)) == {}
    assert missing(db, D(2026, 3, 2)) == {
        "P1": "Prosjekt P1 «Prosjekt én» har ingen statusrapport (siste møte 01.03.2026): skriv "
        "en rapport på siden Status, eller last opp arket Status."
    }


def status_items(db: Path, today: dt.date) -> list[agenda.AgendaItem]:
    return [item for item in agenda.propose(db, today=today) if item.kind == "status"]


def test_a_red_reported_light_puts_the_project_first_with_its_lights_in_the_note(
    demo_db_copy: Path,
) -> None:
    today = D(2026, 11, 26)
    before = status_items(demo_db_copy, today)
    assert before[0].project == "OTK-OU2"  # the only red report, and the most high risks
    assert before[0].note.startswith(
        "Status 16.11.2026: Fremdrift Rød, Økonomi Gul, Kvalitet Grønn, Risiko Rød, "
        "Gevinster Gul · 4 høye risikoer"
    )
    last = before[-1].project
    assert last != "OTK-OU2"
    store_status_report(demo_db_copy, last, report(D(2026, 11, 25), okonomi="Rød"), actor=TESTER)
    after = status_items(demo_db_copy, today)
    assert [item.project for item in after[:2]] in ([last, "OTK-OU2"], ["OTK-OU2", last])
    assert after[-1].project != last
    note = next(item.note for item in after if item.project == last)
    assert note.startswith(
        "Status 25.11.2026: Fremdrift ikke vurdert, Økonomi Rød, Kvalitet ikke vurdert, "
        "Risiko ikke vurdert, Gevinster ikke vurdert · "
    )
    rows = agenda.item_rows(demo_db_copy, after[0], today=today)
    assert {"Rapportdato", "Fremdrift", "Økonomi", "Kvalitet", "Risiko", "Gevinster"} <= set(
        rows.columns
    )

"""A status report written in the app (lib.ingest.store_status_report): stored as a version
through the same validation and store as an uploaded Status sheet, audited, replacing a report
of the same date and keeping the others; a bad value refused with the upload's message."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from lib import access, history, status
from lib.access import LESER, OPPLASTER, Actor, Forbidden
from lib.contract import RED, YELLOW
from lib.db import StoreError, latest_version
from lib.demo import TODAY
from lib.ingest import (
    STATUS_FORM_FILE,
    StatusReportInvalid,
    store_status_report,
)
from lib.queries import Filters
from tests.fixtures import local

PROJECT = "OTK-OU2"
OPERATOR = local("Driftsansvarlig")
KARI = Actor(subject="sub-kari", name="Kari Nordmann", email="kari@kommune.no")


def report(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "rapportdato": dt.date(2026, 11, 25),
        "overordnet_status": "Omstillingen går etter planen; to stillinger er fortsatt ubesatt.",
        "fremdrift": "Gul",
        "fremdrift_kommentar": "Én milepæl er forsinket.",
        "okonomi": "Grønn",
        "kvalitet": None,
        "risiko": "Høy",
        "gevinster": "Gul",
        "budsjett": 2_500_000,
        "palopt": 1_250_000.5,
        "prognose": 2_400_000,
        "rapportert_av": "Kari Nordmann",
    }
    values.update(changes)
    return values


def rows(db: Path, project: str = PROJECT) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(
            """SELECT rapportdato, fremdrift, risiko, kvalitet, budsjett, palopt, rapportert_av
            FROM status WHERE valid_to IS NULL AND prosjekt_id = ? ORDER BY rapportdato""",
            [project],
        ).fetchall()


def test_a_report_is_stored_as_a_new_version_with_an_audit_line(demo_db_copy: Path) -> None:
    before = latest_version(demo_db_copy)
    earlier = rows(demo_db_copy)
    result = store_status_report(demo_db_copy, PROJECT, report(), actor=OPERATOR)
    assert result.stored is not None and result.stored.version == before + 1
    stored = rows(demo_db_copy)
    # The new date is added; the reports of other dates stay (the sheet accumulates).
    assert stored[:-1] == earlier
    assert stored[-1] == (
        dt.date(2026, 11, 25),
        YELLOW,
        RED,  # «Høy» in Risiko is the red light
        None,  # not assessed
        2_500_000,
        1_250_000.5,
        "Kari Nordmann",
    )
    with duckdb.connect(str(demo_db_copy), read_only=True) as connection:
        version = connection.execute(
            "SELECT created_by, file_name, kind FROM versions WHERE version = ?",
            [result.stored.version],
        ).fetchone()
    assert version == ("Driftsansvarlig", STATUS_FORM_FILE, "statusrapport")
    listed = history.version_overview(demo_db_copy).iloc[0].to_dict()  # newest first
    assert "Statusrapport skrevet i appen" in listed.values()
    line = access.audit_trail(demo_db_copy, actions=["opplasting"], limit=1).iloc[0]
    assert (line["version"], line["prosjekt_id"], line["name"]) == (
        result.stored.version,
        PROJECT,
        "Driftsansvarlig",
    )
    assert STATUS_FORM_FILE in json.dumps(line.to_dict(), default=str, ensure_ascii=False)
    # The board shows it as the project's latest report.
    board = status.status_board(demo_db_copy, Filters(projects=(PROJECT,)), TODAY)
    assert board.iloc[0]["rapportdato"] == dt.datetime(2026, 11, 25)
    assert board.iloc[0]["risiko"] == RED


def test_a_report_of_a_stored_date_replaces_it(demo_db_copy: Path) -> None:
    latest = rows(demo_db_copy)[-1]
    count = len(rows(demo_db_copy))
    store_status_report(
        demo_db_copy, PROJECT, report(rapportdato=latest[0], fremdrift="Grønn"), actor=OPERATOR
    )
    stored = rows(demo_db_copy)
    assert len(stored) == count
    assert stored[-1][:2] == (latest[0], "Grønn")


def test_a_bad_value_is_refused_naming_sheet_row_column_and_value(demo_db_copy: Path) -> None:
    before = latest_version(demo_db_copy)
    with pytest.raises(StatusReportInvalid) as refused:
        store_status_report(
            demo_db_copy, PROJECT, report(fremdrift="Blå", budsjett="mye"), actor=OPERATOR
        )
    message = str(refused.value)
    assert message.startswith("Statusrapporten ble ikke lagret: ark «Status», rad 2, kolonne")
    assert "kolonne «Fremdrift»: fant «Blå» – forventet et trafikklys" in message
    assert "kolonne «Budsjett»: fant «mye»" in message
    assert {(p.sheet, p.row, p.column) for p in refused.value.problems} == {
        ("Status", 2, "Fremdrift"),
        ("Status", 2, "Budsjett"),
    }
    assert latest_version(demo_db_copy) == before


def test_a_report_needs_a_date(demo_db_copy: Path) -> None:
    with pytest.raises(StatusReportInvalid, match="kolonne «Rapportdato»"):
        store_status_report(demo_db_copy, PROJECT, report(rapportdato=None), actor=OPERATOR)


def test_only_an_uploader_of_the_project_may_store_and_unknown_projects_are_refused(
    demo_db_copy: Path,
) -> None:
    before = latest_version(demo_db_copy)
    access.grant(demo_db_copy, OPERATOR, KARI.email, LESER, PROJECT)
    access.grant(demo_db_copy, OPERATOR, KARI.email, OPPLASTER, "AMOT-ORG")
    after_grants = latest_version(demo_db_copy)
    with pytest.raises(Forbidden):
        store_status_report(demo_db_copy, PROJECT, report(), actor=KARI)
    assert latest_version(demo_db_copy) == after_grants == before
    stored = store_status_report(demo_db_copy, "AMOT-ORG", report(), actor=KARI)
    assert stored.stored is not None
    with pytest.raises(StoreError, match="finnes ikke, eller du har ikke tilgang"):
        store_status_report(demo_db_copy, "FINNES-IKKE", report(), actor=OPERATOR)
    with pytest.raises(ValueError):
        store_status_report(demo_db_copy, PROJECT, {"farge": "Blå"}, actor=OPERATOR)

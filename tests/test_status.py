"""The Status sheet end to end (upload, accumulation per date, template, export, dump) and
lib/status.py's rules at their boundaries: reported beside what the data says."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import status
from lib.contract import GREEN, LIGHT_ORDER, RED, STATUS, YELLOW
from lib.db import latest_version
from lib.ingest import load_file
from lib.queries import Filters, sheet_rows
from tests.fixtures import PROJECTS, TESTER, cli, load, make_workbook, risk

D = dt.date
TODAY = D(2026, 11, 26)


def report(day: dt.date, project: str = "P1", **values: object) -> dict:
    return {"prosjekt_id": project, "rapportdato": day, **values}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "status.duckdb"


def _board(db: Path, today: dt.date = TODAY, **filters: object) -> dict[str, dict]:
    board = status.status_board(db, Filters(**filters), today)
    return {row["prosjekt_id"]: row for row in board.to_dict("records")}


# ---------------------------------------------------------------------------------------------
# The sheet


HEADINGS = [
    "Prosjekt",
    "Statusdato",
    "Sammendrag",
    "Tid",
    "Budsjett status",
    "Omfang",
    "Usikkerhet",
    "Gevinstoppnåelse",
    "Budsjett totalt",
    "Regnskap",
    "Prognose sluttkostnad",
    "Prosjektleder",
]


def test_prosjektportalens_wording_uploads_under_another_sheet_name(
    db: Path, tmp_path: Path
) -> None:
    path = make_workbook(
        tmp_path / "status.xlsx",
        {
            "Prosjekter": [["Prosjekt-ID", "Prosjektnavn"], ["P1", "Prosjekt én"]],
            "Prosjektstatus": [
                HEADINGS,
                [
                    "P1",
                    "18.09.2026",
                    "Godt i gang; æøå",
                    "Mindre forsinkelser",
                    "Under budsjett",
                    "Større avvik fra spesifikasjon",
                    "Høy",
                    "",
                    "1 800 000",
                    1_250_000.5,
                    "1 900 000",
                    "Kari Nordmann",
                ],
            ],
        },
    )
    result = load_file(db, path, actor=TESTER)
    assert result.ok, result.upload.errors
    stored = sheet_rows(db, "status").to_dict("records")
    assert len(stored) == 1
    row = stored[0]
    assert (row["fremdrift"], row["okonomi"], row["kvalitet"], row["risiko"]) == (
        YELLOW,
        GREEN,
        RED,
        RED,
    )
    assert row["gevinster"] is None or row["gevinster"] != row["gevinster"]  # not assessed
    assert (row["budsjett"], row["palopt"], row["prognose"]) == (1_800_000, 1_250_000.5, 1_900_000)
    assert row["overordnet_status"] == "Godt i gang; æøå"
    assert row["rapportert_av"] == "Kari Nordmann"


def test_a_bad_light_names_sheet_row_column_value_and_what_was_expected(
    db: Path, tmp_path: Path
) -> None:
    path = make_workbook(
        tmp_path / "feil.xlsx",
        {
            "Prosjekter": [["Prosjekt-ID", "Prosjektnavn"], ["P1", "Prosjekt én"]],
            "Status": [
                ["Prosjekt-ID", "Rapportdato", "Fremdrift", "Risiko"],
                ["P1", "18.09.2026", "Grønn", "Lav"],
                ["P1", "18.10.2026", "Lilla", "Middels"],
            ],
        },
    )
    result = load_file(db, path, actor=TESTER)
    assert not result.ok and (not db.exists() or latest_version(db) == 0)
    (problem,) = result.upload.errors
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "Status",
        3,
        "Fremdrift",
        "Lilla",
    )
    assert "trafikklys" in problem.expected and "Grønn, Gul, Rød" in problem.expected


def test_reports_with_other_dates_stay_and_a_date_sent_again_is_replaced(
    db: Path, tmp_path: Path
) -> None:
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "status": [report(D(2026, 9, 1))]})
    later = report(D(2026, 10, 1), fremdrift=GREEN)
    load(db, tmp_path, "2.xlsx", {"status": [later]}, project="P1")
    assert sheet_rows(db, "status")["rapportdato"].dt.date.tolist() == [
        D(2026, 9, 1),
        D(2026, 10, 1),
    ]
    load(db, tmp_path, "3.xlsx", {"status": [{**later, "fremdrift": RED}]}, project="P1")
    rows = sheet_rows(db, "status")
    assert rows["fremdrift"].tolist()[-1] == RED and len(rows) == 2
    # Version 2 still reads as it was.
    assert sheet_rows(db, "status", 2)["fremdrift"].tolist()[-1] == GREEN


def test_two_reports_for_one_project_and_date_in_one_upload_are_refused(
    db: Path, tmp_path: Path
) -> None:
    day = D(2026, 9, 1)
    result = load(db, tmp_path, "dobbel.xlsx", {"status": [report(day), report(day)]})
    assert not result.ok
    assert any(problem.sheet == "Status" for problem in result.upload.errors)


def test_template_has_light_drop_downs_and_the_export_loads_into_an_empty_database(
    db: Path, tmp_path: Path
) -> None:
    template = tmp_path / "mal.xlsx"
    assert cli("template", template).returncode == 0
    sheet = openpyxl.load_workbook(template)[STATUS.name]
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert any("Grønn" in formula and "Rød" in formula for formula in lists)

    reports = [
        report(D(2026, 9, 1), fremdrift=GREEN, risiko=YELLOW, budsjett=1e6, prognose=1.2e6),
        report(D(2026, 10, 1), overordnet_status="=1+1 er ikke en formel", okonomi=RED),
    ]
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "status": reports})
    exported = tmp_path / "eksport.xlsx"
    assert cli("export", exported, db=db).returncode == 0
    fresh = tmp_path / "ny.duckdb"
    assert cli("load", exported, db=fresh).returncode == 0
    before = cli("dump", "status", db=db).stdout
    assert cli("dump", "status", db=fresh).stdout == before
    lines = before.splitlines()
    assert lines[0].startswith("Prosjekt-ID,Rapportdato,Overordnet status,Fremdrift,")
    assert lines[1].startswith("P1,2026-09-01,,Grønn,")


def test_a_schema_6_file_gets_the_status_table_on_first_open(db: Path, tmp_path: Path) -> None:
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 2)]})
    with duckdb.connect(str(db)) as connection:
        connection.execute("DROP TABLE status")
        connection.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    load(db, tmp_path, "2.xlsx", {"status": [report(D(2026, 9, 1))]}, project="P1")
    assert len(sheet_rows(db, "status")) == 1
    assert sheet_rows(db, "risiko")["risiko_id"].tolist() == ["R1"]


# ---------------------------------------------------------------------------------------------
# The rules


def test_severity_greener_and_worst() -> None:
    assert [status.severity(light) for light in LIGHT_ORDER] == [0, 1, 2]
    assert status.severity(None) is None
    assert status.greener(GREEN, YELLOW) and status.greener(YELLOW, RED)
    assert not status.greener(RED, YELLOW) and not status.greener(YELLOW, YELLOW)
    assert not status.greener(None, RED) and not status.greener(GREEN, None)
    assert status.worst([GREEN, None, YELLOW]) == YELLOW and status.worst([None]) is None


@given(st.sampled_from([*LIGHT_ORDER, None]), st.sampled_from([*LIGHT_ORDER, None]))
def test_greener_means_a_better_light_than_the_data(said: str | None, shown: str | None) -> None:
    expected = (
        said is not None
        and shown is not None
        and (LIGHT_ORDER.index(said) < LIGHT_ORDER.index(shown))
    )
    assert status.greener(said, shown) == expected


def test_every_rule_is_explained_in_norwegian_once_per_measured_dimension() -> None:
    assert [rule.dimension for rule in status.RULES] == [
        "fremdrift",
        "okonomi",
        "risiko",
        "gevinster",
    ]
    for rule in status.RULES:
        assert all(text and text[0].islower() for text in (rule.red, rule.yellow, rule.green))


@pytest.mark.parametrize(
    ("forecast", "spent", "light"),
    [
        (1_000_000, None, GREEN),
        (1_000_001, None, YELLOW),
        (1_099_999, None, YELLOW),
        (1_100_000, None, RED),
        (900_000, 1_000_001, RED),
    ],
)
def test_economy_from_the_reports_own_figures(forecast, spent, light) -> None:
    assert status.economy_light(1_000_000, spent, forecast)[0] == light


def test_economy_without_budget_or_forecast_is_not_measured() -> None:
    assert status.economy_light(None, 10, 10)[0] is None
    assert status.economy_light(1_000, 10, None)[0] is None


def _milestone(mid: str, planned: dt.date, **extra: object) -> dict:
    return {"milepael_id": mid, "prosjekt_id": "P1", "milepael": mid, "planlagt": planned, **extra}


@pytest.mark.parametrize(
    ("days_late", "light"),
    [(0, GREEN), (1, YELLOW), (status.RED_LATE_DAYS - 1, YELLOW), (status.RED_LATE_DAYS, RED)],
)
def test_progress_from_the_most_late_milestone(db, tmp_path, days_late, light) -> None:
    milestones = [
        _milestone("M1", TODAY - dt.timedelta(days=days_late)),
        _milestone("M2", D(2020, 1, 1), fullfort=D(2021, 1, 1)),  # done late: not counted
    ]
    if days_late == 0:
        milestones[0]["planlagt"] = TODAY + dt.timedelta(days=10)
    load(db, tmp_path, "m.xlsx", {"prosjekter": PROJECTS, "milepaeler": milestones})
    assert _board(db)["P1"]["fremdrift_malt"] == light
    assert _board(db)["P2"]["fremdrift_malt"] is None  # no milestones: the data cannot say


@pytest.mark.parametrize(
    ("risks", "light"),
    [
        ([risk("R1", 3, 3)], GREEN),  # 9: not high
        ([risk("R1", 2, 5)], YELLOW),  # 10: high
        ([risk("R1", 4, 4), risk("R2", 5, 4, status="Lukket")], YELLOW),  # closed: not counted
        ([risk("R1", 4, 5, status="Under arbeid")], RED),  # 20
    ],
)
def test_risk_from_the_highest_active_score(db, tmp_path, risks, light) -> None:
    load(db, tmp_path, "r.xlsx", {"prosjekter": PROJECTS, "risiko": risks})
    assert _board(db)["P1"]["risiko_malt"] == light
    assert _board(db)["P2"]["risiko_malt"] is None


def _benefit(gid: str, measured: float) -> tuple[dict, dict]:
    benefit = {
        "gevinst_id": gid,
        "prosjekt_id": "P1",
        "gevinst": gid,
        "type": "Kvantitativ",
        "nullpunkt": 0,
        "nullpunktdato": D(2026, 1, 1),
        "malverdi": 100,
        "maldato": D(2027, 1, 1),
    }
    return benefit, {"gevinst_id": gid, "prosjekt_id": "P1", "dato": TODAY, "verdi": measured}


@pytest.mark.parametrize(
    ("values", "light"),
    [([95, 95], GREEN), ([10, 95], YELLOW), ([10, 10, 95, 95], YELLOW), ([10, 10, 95], RED)],
)
def test_benefits_from_the_share_behind(db, tmp_path, values, light) -> None:
    pairs = [_benefit(f"G{index}", value) for index, value in enumerate(values)]
    load(
        db,
        tmp_path,
        "g.xlsx",
        {
            "prosjekter": PROJECTS,
            "gevinster": [benefit for benefit, _ in pairs],
            "malinger": [measurement for _, measurement in pairs],
        },
    )
    assert _board(db)["P1"]["gevinster_malt"] == light


def test_the_board_marks_greener_reports_stale_ones_and_projects_without_a_report(
    db: Path, tmp_path: Path
) -> None:
    load(
        db,
        tmp_path,
        "1.xlsx",
        {
            "prosjekter": PROJECTS,
            "risiko": [risk("R1", 2, 5)],
            "status": [report(D(2026, 11, 1), risiko=GREEN, kvalitet=RED, fremdrift=YELLOW)],
        },
    )
    board = _board(db)
    assert board["P1"]["risiko_gronnere"] and board["P1"]["avvik"] == 1
    assert "1 høy risiko" in board["P1"]["risiko_grunn"]
    assert board["P1"]["verste"] == RED and not board["P1"]["utdatert"]
    assert board["P2"]["rapportdato"] is None and board["P2"]["utdatert"]
    assert board["P2"]["avvik"] == 0


def test_a_report_older_than_the_last_meeting_is_stale_from_the_day_after(
    db: Path, tmp_path: Path
) -> None:
    load(
        db,
        tmp_path,
        "1.xlsx",
        {"prosjekter": PROJECTS, "status": [report(D(2026, 9, 24))]},
    )
    assert cli("snapshot", "Styringsgruppemøte", "--date", "2026-09-24", db=db).returncode == 0
    assert not _board(db)["P1"]["utdatert"]  # a report on the meeting's day is not stale
    load(db, tmp_path, "2.xlsx", {"status": [report(D(2026, 9, 23))]}, project="P1")
    # The latest report is still the 24th: the 23rd's adds to the history.
    assert not _board(db)["P1"]["utdatert"]
    assert cli("snapshot", "Neste møte", "--date", "2026-09-25", db=db).returncode == 0
    assert _board(db)["P1"]["utdatert"]
    # A meeting after the day the board is read for does not count yet.
    assert not _board(db, today=D(2026, 9, 24))["P1"]["utdatert"]


def test_as_of_an_older_version_and_narrowed_to_what_the_actor_may_read(
    db: Path, tmp_path: Path
) -> None:
    load(
        db,
        tmp_path,
        "1.xlsx",
        {"prosjekter": PROJECTS, "status": [report(D(2026, 9, 1), fremdrift=GREEN)]},
    )
    load(
        db,
        tmp_path,
        "2.xlsx",
        {"status": [report(D(2026, 10, 1), fremdrift=RED, project="P2")]},
        project="P2",
    )
    assert _board(db, version=1)["P2"]["fremdrift"] is None
    assert _board(db)["P2"]["fremdrift"] == RED
    assert set(_board(db, readable=frozenset({"P1"}))) == {"P1"}
    history = status.report_history(db, "P1")
    assert history["fremdrift"].tolist() == [GREEN]
    assert status.report_history(db, "P2", readable=frozenset({"P1"})).empty


def test_the_demo_shows_greener_reports_and_a_stale_one(demo_db: Path) -> None:
    board = _board(demo_db)
    assert board["NTNU-BOTT"]["utdatert"]  # no report since September's meeting
    assert not board["OTK-OU2"]["utdatert"] and board["OTK-OU2"]["verste"] == RED
    assert board["ASK-TM"]["avvik"] >= 2  # all green, the data says otherwise
    assert len(status.report_history(demo_db, "OTK-OU2")) == 3


def test_changes_since_the_meeting_list_new_reports_with_the_lights_that_changed(
    db: Path, tmp_path: Path
) -> None:
    from lib import history

    first = report(D(2026, 9, 1), fremdrift=GREEN, risiko=YELLOW, overordnet_status="Alt går " * 20)
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "status": [first]})
    assert cli("snapshot", "Møtet", "--date", "2026-09-02", db=db).returncode == 0
    reports = [
        report(D(2026, 10, 1), fremdrift=RED, risiko=YELLOW, overordnet_status="Forsinket"),
        report(D(2026, 10, 2), project="P2", okonomi=GREEN),
    ]
    load(db, tmp_path, "2.xlsx", {"status": reports})
    found = history.changes_since_last_meeting(db, today=TODAY)
    assert found is not None
    assert found.rows("status_report").values.tolist() == [
        ["P1", "01.10.2026", "Forsinket", "01.09.2026: Fremdrift Grønn", "Fremdrift Rød"],
        ["P2", "02.10.2026", "", "Ingen rapport", "Økonomi Grønn"],
    ]
    assert found.counts()["status_report"] == 2
    # A report with an earlier date than the meeting's newest is history, not news.
    load(db, tmp_path, "3.xlsx", {"status": [report(D(2026, 8, 1))]}, project="P1")
    assert history.changes_since_last_meeting(db, today=TODAY).counts()["status_report"] == 2

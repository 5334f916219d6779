"""The data-quality rules (lib/quality.py), each at its boundary: the day before and the day
after, score 9 and 10, 59 and 60 days; narrowed by what the actor may read; as of a version."""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.contract import SHEETS_BY_KEY
from lib.quality import (
    FINDING_COLUMNS,
    HIGH_RISK,
    IDLE_DAYS,
    RULES,
    RULES_BY_CODE,
    STALE_MONTHS,
    findings,
    findings_frame,
    rule_params,
)
from lib.view_sql import Filters
from tests.fixtures import load, risk

D = dt.date
QUANT, QUAL = "Kvantitativ", "Kvalitativ"

PROJECTS = [
    {"prosjekt_id": "P1", "prosjektnavn": "Prosjekt én", "startdato": D(2024, 1, 1)},
    {"prosjekt_id": "P2", "prosjektnavn": "Prosjekt to", "startdato": D(2024, 1, 1)},
]
RISKS = [
    risk("R1", 3, 3),  # score 9: below high, nothing asked of it
    risk("R2", 2, 5, ansvarlig="Kari"),  # score 10, no tiltak, no after-tiltak scores
    risk("R3", 2, 5, tiltak="Opplæring", sannsynlighet_etter=1, konsekvens_etter=5),
    risk("R4", 4, 4, status="Lukket"),  # closed: never a finding
    risk("R5", 3, 4, status="Under arbeid", ansvarlig="Ola", sannsynlighet_etter=2),
    risk("R6", 1, 1, frist=D(2025, 6, 1)),
    risk("R7", 1, 1, status="Lukket", frist=D(2025, 1, 1)),
    risk("R1", 4, 4, "P2", ansvarlig="Per", sannsynlighet_etter=1, konsekvens_etter=1),
]


def benefit(benefit_id: str, kind: str, **values: object) -> dict:
    return {
        "gevinst_id": benefit_id,
        "prosjekt_id": "P1",
        "gevinst": f"Gevinst {benefit_id}",
        "type": kind,
        **values,
    }


BENEFITS = [
    benefit("G1", QUANT, malverdi=10, maldato=D(2030, 1, 1)),
    benefit("G2", QUANT, nullpunkt=5, maldato=D(2030, 1, 1)),
    benefit("G3", QUAL),  # qualitative: no baseline or target asked for
    benefit("G4", QUANT, nullpunkt=0, nullpunktdato=D(2024, 12, 1), malverdi=10),
    benefit("G5", QUANT, nullpunkt=0, nullpunktdato=D(2024, 12, 1), malverdi=10),
    benefit("G6", QUANT, nullpunkt=10, nullpunktdato=D(2024, 6, 1), malverdi=20),
    benefit("G7", QUANT, nullpunkt=10, nullpunktdato=D(2024, 6, 1), malverdi=20),
    benefit("G8", QUANT, nullpunkt=100, nullpunktdato=D(2024, 6, 1), malverdi=50),
    benefit("G9", QUANT, nullpunkt=100, nullpunktdato=D(2024, 6, 1), malverdi=50),
    benefit("G10", QUANT, nullpunkt=1, nullpunktdato=D(2025, 6, 1), malverdi=2),
]
for row in BENEFITS[3:5]:
    row["maldato"] = D(2026, 12, 31)
for row in BENEFITS[5:]:
    row["maldato"] = D(2025, 6, 30)


def measured(benefit_id: str, day: dt.date, value: float) -> dict:
    return {"gevinst_id": benefit_id, "prosjekt_id": "P1", "dato": day, "verdi": value}


MEASUREMENTS = [
    measured("G4", D(2025, 1, 31), 3),  # stale from 1 August 2025
    measured("G5", D(2025, 8, 31), 3),  # + 6 months = 28 February 2026: stale from 1 March
    measured("G6", D(2025, 6, 15), 19),  # higher is better, below 20
    measured("G7", D(2025, 6, 15), 20),  # reached
    measured("G8", D(2025, 6, 15), 60),  # lower is better, above 50
    measured("G9", D(2025, 6, 15), 45),  # beyond the target
]


def recommendation(rec_id: str, decision: str, **values: object) -> dict:
    return {
        "anbefaling_id": rec_id,
        "prosjekt_id": "P1",
        "anbefaling": f"Anbefaling {rec_id}",
        "vedtak": decision,
        **values,
    }


RECOMMENDATIONS = [
    recommendation("A1", "Støttes", iverksatt=D(2025, 1, 1)),
    recommendation("A2", "Støttes delvis", ansvarlig="Kari"),
    recommendation("A3", "Utredes videre"),
    recommendation("A4", "Støttes", ansvarlig="Kari", iverksatt=D(2025, 1, 1)),
]


def milestone(ms_id: str, **values: object) -> dict:
    return {
        "milepael_id": ms_id,
        "prosjekt_id": "P1",
        "milepael": f"Milepæl {ms_id}",
        "planlagt": D(2025, 6, 1),
        **values,
    }


MILESTONES = [
    milestone("M1"),
    milestone("M2", prognose=D(2025, 9, 1)),
    milestone("M3", fullfort=D(2025, 6, 10)),
]

FIRST = dt.datetime(2025, 1, 1, 10, 0)  # version 1: both projects
SECOND = dt.datetime(2025, 2, 1, 10, 0)  # version 2: P2 only, its risk gets a tiltak


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("quality")
    path = folder / "quality.duckdb"
    tables = {
        "prosjekter": PROJECTS,
        "risiko": RISKS,
        "gevinster": BENEFITS,
        "malinger": MEASUREMENTS,
        "anbefalinger": RECOMMENDATIONS,
        "milepaeler": MILESTONES,
    }
    first = load(path, folder, "1.xlsx", tables, created_at=FIRST)
    assert first.ok, first.upload.errors
    fixed = [{**RISKS[-1], "tiltak": "Ny leverandør"}]
    second = load(path, folder, "2.xlsx", {"risiko": fixed}, project="P2", created_at=SECOND)
    assert second.ok, second.upload.errors
    return path


def hits(db: Path, today: dt.date, code: str, **options: object) -> set[tuple[str, str]]:
    """(project, ID) of the findings of one rule."""
    return {
        (finding.prosjekt_id, finding.id)
        for finding in findings(db, today=today, **options)  # type: ignore[arg-type]
        if finding.regel == code
    }


def test_rules_live_in_one_place_with_their_thresholds():
    assert len(RULES_BY_CODE) == len(RULES)
    assert all(rule.sheet in SHEETS_BY_KEY for rule in RULES)
    assert HIGH_RISK == 10 and STALE_MONTHS == 6 and IDLE_DAYS == 60
    assert RULES_BY_CODE["risiko_uten_tiltak"].min_score == 10
    assert RULES_BY_CODE["gevinst_ikke_malt"].months == 6
    assert RULES_BY_CODE["prosjekt_uten_opplasting"].days == 60
    assert RULES_BY_CODE["risiko_uten_tiltak"].ark == "Risiko"
    assert rule_params()["min_score_risiko_uten_tiltak"] == 10
    assert rule_params()["days_prosjekt_uten_opplasting"] == 60


def test_the_sql_reads_its_thresholds_from_rules(db, monkeypatch):
    """A threshold changed in RULES changes what is found: the SQL has no number of its own."""
    from dataclasses import replace

    from lib import quality

    today = D(2025, 3, 1)
    assert hits(db, today, "risiko_uten_tiltak") == {("P1", "R2"), ("P1", "R5")}
    assert hits(db, today, "prosjekt_uten_opplasting") == set()
    changed = tuple(
        replace(rule, min_score=12)
        if rule.code == "risiko_uten_tiltak"
        else replace(rule, days=59)
        if rule.code == "prosjekt_uten_opplasting"
        else rule
        for rule in quality.RULES
    )
    monkeypatch.setattr(quality, "RULES", changed)
    assert hits(db, today, "risiko_uten_tiltak") == {("P1", "R5")}  # 12; R2 scores 10
    assert hits(db, today, "prosjekt_uten_opplasting") == {("P1", "P1")}


def test_open_risks_from_score_10_without_tiltak_or_ansvarlig(db):
    today = D(2025, 3, 1)
    # R1 scores 9, R4 is closed; R5 is "Under arbeid", which counts as open.
    assert hits(db, today, "risiko_uten_tiltak") == {("P1", "R2"), ("P1", "R5")}
    assert hits(db, today, "risiko_uten_ansvarlig") == {("P1", "R3")}


def test_high_risks_without_both_after_tiltak_scales(db):
    # R3 has both, R5 only Sannsynlighet etter tiltak, R1 (9) is not high.
    assert hits(db, D(2025, 3, 1), "risiko_uten_etter_tiltak") == {("P1", "R2"), ("P1", "R5")}


def test_open_risk_past_its_frist_from_the_day_after(db):
    assert hits(db, D(2025, 6, 1), "risiko_frist_passert") == set()
    assert hits(db, D(2025, 6, 2), "risiko_frist_passert") == {("P1", "R6")}  # not closed R7


def test_supported_recommendations_without_ansvarlig_or_iverksatt(db):
    today = D(2025, 3, 1)
    assert hits(db, today, "anbefaling_uten_ansvarlig") == {("P1", "A1")}
    assert hits(db, today, "anbefaling_uten_iverksatt") == {("P1", "A2")}  # not Utredes videre


def test_quantitative_benefits_without_nullpunkt_or_malverdi(db):
    today = D(2025, 3, 1)
    assert hits(db, today, "gevinst_uten_nullpunkt") == {("P1", "G1")}
    assert hits(db, today, "gevinst_uten_malverdi") == {("P1", "G2")}


def test_benefit_not_measured_for_six_calendar_months_before_its_maldato(db):
    code = "gevinst_ikke_malt"
    assert ("P1", "G4") not in hits(db, D(2025, 7, 31), code)
    assert ("P1", "G4") in hits(db, D(2025, 8, 1), code)
    # 31 August + 6 months is 28 February (no 31st): stale from 1 March
    assert ("P1", "G5") not in hits(db, D(2026, 2, 28), code)
    assert ("P1", "G5") in hits(db, D(2026, 3, 1), code)
    # on its Måldato it still counts; the day after, the target rule takes over
    assert ("P1", "G4") in hits(db, D(2026, 12, 31), code)
    assert ("P1", "G4") not in hits(db, D(2027, 1, 1), code)


def test_benefit_never_measured_is_stale_from_its_baseline_date(db):
    code = "gevinst_ikke_malt"
    # G10: no measurement; Nullpunktdato 1 June 2025, Måldato 30 June 2025
    assert ("P1", "G10") not in hits(db, D(2025, 6, 30), code)
    # G1: no measurement and no Nullpunktdato: the project's Startdato, 1 January 2024
    assert ("P1", "G1") not in hits(db, D(2024, 7, 1), code)
    assert ("P1", "G1") in hits(db, D(2024, 7, 2), code)
    found = findings(db, today=D(2024, 7, 2))
    message = next(f.melding for f in found if f.id == "G1" and f.regel == code)
    assert "nullpunktet 01.01.2024" in message


def test_benefit_past_maldato_below_target_either_direction(db):
    code = "gevinst_under_mal"
    assert hits(db, D(2025, 6, 30), code) == set()
    # G6 (19 of 20) and G8 (60, target 50 from 100) fell short; G7 and G9 reached it;
    # G10 was never measured
    assert hits(db, D(2025, 7, 1), code) == {("P1", "G6"), ("P1", "G8"), ("P1", "G10")}
    messages = {f.id: f.melding for f in findings(db, today=D(2025, 7, 1)) if f.regel == code}
    assert "siste måling er 60" in messages["G8"] and "nådd 50" in messages["G8"]
    assert "uten måling" in messages["G10"]


def test_late_milestone_without_prognose_from_the_day_after_planlagt(db):
    code = "milepael_uten_prognose"
    assert hits(db, D(2025, 6, 1), code) == set()
    assert hits(db, D(2025, 6, 2), code) == {("P1", "M1")}  # M2 has a prognose, M3 is done


def test_project_without_a_version_for_60_days(db):
    code = "prosjekt_uten_opplasting"
    # P1's last version is 1 January: 59 days on 1 March, 60 on 2 March; P2 had one 1 February
    assert hits(db, D(2025, 3, 1), code) == set()
    assert hits(db, D(2025, 3, 2), code) == {("P1", "P1")}
    message = next(f.melding for f in findings(db, today=D(2025, 3, 2)) if f.regel == code)
    assert message.startswith("Prosjekt P1 «Prosjekt én» har ikke fått nye data på 60 dager")


def test_as_of_a_version(db):
    today = D(2025, 3, 2)
    # In version 1, P2's risk had no tiltak and P2's last version was 1 January.
    assert ("P2", "R1") in hits(db, today, "risiko_uten_tiltak", version=1)
    assert ("P2", "R1") not in hits(db, today, "risiko_uten_tiltak")
    assert ("P2", "P2") in hits(db, today, "prosjekt_uten_opplasting", version=1)
    assert ("P2", "R1") in hits(db, today, "risiko_uten_tiltak", filters=Filters(version=1))


def test_narrowed_to_what_the_actor_may_read_and_the_chosen_projects(db):
    today = D(2025, 3, 2)
    mine = findings(db, Filters(readable=frozenset({"P2"})), today=today, version=1)
    assert mine and {f.prosjekt_id for f in mine} == {"P2"}
    assert findings(db, Filters(readable=frozenset()), today=today) == []
    chosen = findings(db, Filters(projects=("P2",)), today=today, version=1)
    assert {f.prosjekt_id for f in chosen} == {"P2"}
    # the status and owner filters do not hide a finding
    every = findings(db, today=today)
    assert findings(db, Filters(statuses=("Lukket",), owners=("Kari",)), today=today) == every


def test_sorted_by_project_sheet_and_id_one_sentence_naming_the_row(db):
    found = findings(db, today=D(2025, 8, 1))
    sheets = ["Prosjekter", "Risiko", "Gevinster", "Anbefalinger", "Milepæler"]
    keys = [(f.prosjekt_id, sheets.index(f.ark)) for f in found]
    assert keys == sorted(keys)
    risks = [f.id for f in found if f.prosjekt_id == "P1" and f.ark == "Risiko"]
    assert risks == sorted(risks, key=lambda text: int(text[1:]))
    benefits = [f.id for f in found if f.ark == "Gevinster"]
    assert benefits.index("G4") < benefits.index("G10")  # G4 before G10, not after
    for finding in found:
        assert finding.melding.count(". ") == 0 and finding.melding.endswith(".")
        assert f" {finding.id} " in finding.melding
    frame = findings_frame(found)
    assert (
        list(frame.columns)
        == list(FINDING_COLUMNS)
        == ["Prosjekt-ID", "Ark", "ID", "Regel", "Melding"]
    )
    assert len(frame) == len(found)
    first = next(f for f in found if f.regel == "risiko_uten_ansvarlig")
    assert first.melding == (
        "Risiko R3 «Risiko R3» har score 10, men ingen ansvarlig: sett en ansvarlig."
    )


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return D(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(today=st.dates(min_value=D(2025, 5, 1), max_value=D(2026, 4, 1)))
def test_date_boundaries_hold_on_every_day(db, today):
    """Past = after the day; six months = calendar months; idle = 60 days or more."""
    found = {(f.regel, f.id) for f in findings(db, today=today)}
    assert (("risiko_frist_passert", "R6") in found) == (today > D(2025, 6, 1))
    assert (("milepael_uten_prognose", "M1") in found) == (today > D(2025, 6, 1))
    for benefit_id, day in (("G4", D(2025, 1, 31)), ("G5", D(2025, 8, 31))):
        stale = today > add_months(day, STALE_MONTHS)
        assert (("gevinst_ikke_malt", benefit_id) in found) == stale
    assert (("gevinst_under_mal", "G6") in found) == (today > D(2025, 6, 30))
    idle = (today - FIRST.date()).days >= IDLE_DAYS
    assert (("prosjekt_uten_opplasting", "P1") in found) == idle


@pytest.mark.parametrize(
    "number", [0.0, 6.0, 19.0, -3.0, 9999.0, 10000.0, 1234567.0, 2.5, 1234.5, -0.25, 0.1]
)
def test_numbers_in_sentences_read_as_everywhere_else(number):
    """The SQL that writes a number into a sentence writes it as lib.preview does."""
    import duckdb

    from lib.preview import format_value
    from lib.quality import _number_sql

    written = duckdb.sql(f"SELECT {_number_sql('x')} FROM (SELECT {number}::DOUBLE AS x)")
    assert written.fetchall()[0][0] == format_value(None, number)


def test_findings_sort_projects_as_the_filters_list_them():
    """The SQL's order of projects is lib.queries.norwegian_key's: æ ø å after z."""
    import duckdb

    from lib.quality import _ORDER
    from lib.queries import norwegian_key

    names = ["Åmot", "Ørsta", "Ås", "Bø", "ærlig", "Zeta", "alfa", "OTK-OU2", "ask-tm"]
    ordered = duckdb.sql(
        f"SELECT prosjekt_id FROM (SELECT unnest($names) AS prosjekt_id, 'R1' AS id, "
        f"'risiko_uten_tiltak' AS regel) {_ORDER}",
        params={"names": names, "rule_codes": ["risiko_uten_tiltak"], "rule_sheets": [1]},
    ).fetchall()
    assert [row[0] for row in ordered] == sorted(names, key=norwegian_key)

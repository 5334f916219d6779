"""The audit trail as people see it (Historikk's Revisjonslogg, `revisjon`): who sees which
lines, the filters, the detail in Norwegian words, and the demo's trail."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from lib import access, store
from lib.access import ADMIN, LESER, MOTELEDER, OPPLASTER, Actor
from lib.queries import versions
from lib.snapshots import lock_for_meeting
from tests.fixtures import PROJECTS, load, local, risk

OPERATOR = local("Driftsansvarlig")
KARI = Actor("sub-kari", "Kari Nordmann", "kari@kommune.no")
OLA = Actor("sub-ola", "Ola Nordmann", "ola@kommune.no")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Version 1 (P1 and P2) by the operator; P1 upload by Kari (2); P2 upload by Ola (3);
    a lock of version 3; Kari's and Ola's sign-ins; grants."""
    path = tmp_path / "revisjon.duckdb"
    first = {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 2), risk("R2", 3, 3, "P2")]}
    assert load(path, tmp_path, "alle.xlsx", first, actor=OPERATOR).ok
    access.grant(path, OPERATOR, "kari@kommune.no", OPPLASTER, "P1")
    access.grant(path, OPERATOR, "ola@kommune.no", OPPLASTER, "P2")
    access.grant(path, OPERATOR, "ola@kommune.no", MOTELEDER)
    access.signed_in(path, KARI)
    access.signed_in(path, OLA)
    assert load(path, tmp_path, "kari.xlsx", {"risiko": [risk("R1", 5, 5)]}, actor=KARI).ok
    ola = {"risiko": [risk("R2", 1, 1, "P2")]}
    assert load(path, tmp_path, "=ola.xlsx", ola, actor=OLA).ok
    lock_for_meeting(path, 3, "Styringsgruppemøte mars", dt.date(2026, 3, 12), actor=OLA)
    return path


def seen(db: Path, actor: Actor, **filters: object) -> list[tuple]:
    allowed = access.permissions(db, actor)
    lines = access.audit_lines(db, allowed, **filters)  # type: ignore[arg-type]
    return [
        (row.action, row.name, None if pd.isna(row.version) else int(row.version))
        for row in lines.itertuples()
    ]


def test_an_admin_sees_every_line_newest_first(db: Path) -> None:
    lines = seen(db, OPERATOR)
    assert lines[0] == ("låsing", "Ola Nordmann", 3)
    assert [action for action, _who, _v in lines] == [
        "låsing",
        "opplasting",
        "opplasting",
        "innlogging",
        "innlogging",
        "tilgang_gitt",
        "tilgang_gitt",
        "tilgang_gitt",
        "opplasting",
    ]


def test_a_reader_sees_the_lines_of_their_projects_and_their_own_sign_in(db: Path) -> None:
    access.grant(db, OPERATOR, "kari@kommune.no", LESER, "P1")
    lines = seen(db, KARI)
    assert lines == [
        ("tilgang_gitt", "Driftsansvarlig", None),  # leser for P1
        ("låsing", "Ola Nordmann", 3),  # about P1 and P2: shown, naming only P1
        ("opplasting", "Kari Nordmann", 2),
        ("innlogging", "Kari Nordmann", None),  # her own; not Ola's
        ("tilgang_gitt", "Driftsansvarlig", None),  # her grant for P1; not Ola's for P2 or all
        ("opplasting", "Driftsansvarlig", 1),
    ]
    allowed = access.permissions(db, KARI)
    table = access.audit_table(access.audit_lines(db, allowed), allowed)
    assert table["Prosjekt"].tolist() == ["P1", "P1", "P1", "", "P1", "P1"]
    assert not table["Detaljer"].str.contains("P2").any()


def test_someone_with_no_role_sees_only_their_own_sign_in(db: Path) -> None:
    nobody = Actor("sub-x", "Xavier", "x@kommune.no")
    access.signed_in(db, nobody)
    assert seen(db, nobody) == [("innlogging", "Xavier", None)]


def test_the_filters_narrow_by_action_person_project_and_date(db: Path) -> None:
    assert seen(db, OPERATOR, actions=["opplasting"], who="ola") == [
        ("opplasting", "Ola Nordmann", 3)
    ]
    assert seen(db, OPERATOR, who="KARI@KOMMUNE") == [
        ("opplasting", "Kari Nordmann", 2),
        ("innlogging", "Kari Nordmann", None),
    ]
    by_project = seen(db, OPERATOR, project="P2")  # a line about several counts for each
    assert [action for action, *_ in by_project] == [
        "låsing",
        "opplasting",
        "tilgang_gitt",
        "opplasting",
    ]
    assert seen(db, OPERATOR, since=dt.date.today() + dt.timedelta(days=2)) == []
    assert len(seen(db, OPERATOR, since=dt.date(2000, 1, 1))) == 9
    assert len(seen(db, OPERATOR, limit=2)) == 2


def test_the_table_says_it_in_norwegian_words(db: Path) -> None:
    allowed = access.permissions(db, OPERATOR)
    table = access.audit_table(access.audit_lines(db, allowed), allowed)
    assert list(table.columns) == list(access.AUDIT_COLUMNS)
    rows = table.set_index("Handling", drop=False)
    assert rows.loc["Låste for møte", "Detaljer"] == "møtet «Styringsgruppemøte mars» 12.03.2026"
    assert rows.loc["Låste for møte", "Prosjekt"] == "P1, P2"
    uploads = table[table["Handling"] == "Lastet opp"]
    assert uploads["Detaljer"].tolist() == ["fil «=ola.xlsx»", "fil «kari.xlsx»", "fil «alle.xlsx»"]
    assert uploads["Prosjekt"].tolist() == ["P2", "P1", "P1, P2"]
    assert uploads["SHA-256"].tolist() == versions(db)["sha256"].tolist()
    given = table[table["Handling"] == "Ga tilgang"]["Detaljer"].tolist()
    assert given == [
        "ola@kommune.no fikk rollen «møteleder» for alle prosjekter",
        "ola@kommune.no fikk rollen «opplaster» for P2",
        "kari@kommune.no fikk rollen «opplaster» for P1",
    ]
    assert table["E-post"].iloc[0] == "ola@kommune.no"


def test_a_revoked_grant_and_a_restore_have_their_lines(db: Path) -> None:
    assert access.revoke(db, OPERATOR, "kari@kommune.no", OPPLASTER, "P1")
    access.grant(db, OPERATOR, "randi@kommune.no", ADMIN, "P1")  # admin: every project
    randi = Actor("sub-randi", "Randi", "randi@kommune.no")
    store.rollback(db, 1, actor=randi)
    allowed = access.permissions(db, OPERATOR)
    table = access.audit_table(access.audit_lines(db, allowed, limit=3), allowed)
    assert table["Handling"].tolist() == ["Gjenopprettet", "Ga tilgang", "Fjernet tilgang"]
    assert table["Detaljer"].tolist() == [
        "versjon 1 gjenopprettet",
        "randi@kommune.no fikk rollen «admin» for alle prosjekter",
        "kari@kommune.no mistet rollen «opplaster» for P1",
    ]
    assert (table["Hvem"].iloc[0], table["Versjon"].iloc[0]) == ("Randi", 4)


def test_details_of_other_kinds_are_words_too() -> None:
    assert access.describe_detail("nedlasting", '{"fil": "pakke.zip", "ark_antall": 3}') == (
        "fil «pakke.zip»; ark antall: 3"
    )
    assert access.describe_detail("vedtak", None) == ""
    assert access.describe_detail("vedtak", "ikke json") == "detaljer: ikke json"
    assert access.action_named("lastet OPP") == "opplasting"
    assert access.action_named("låsing") == "låsing" and access.action_named("x") is None


def test_the_demo_has_its_trail_on_the_days_of_its_story(demo_db: Path) -> None:
    """The demo's uploads and its meeting's lock are in the trail under the names and at the
    times its versions have, so the Revisjonslogg tells the same year."""
    with duckdb.connect(str(demo_db), read_only=True) as connection:
        trail = connection.execute(
            "SELECT version, name, happened_at, sha256 FROM audit WHERE action = 'opplasting' "
            "ORDER BY version"
        ).fetchall()
        stored = connection.execute(
            "SELECT version, created_by, created_at, sha256 FROM versions ORDER BY version"
        ).fetchall()
        locks = connection.execute(
            "SELECT a.version, a.name, a.happened_at FROM audit a WHERE action = 'låsing'"
        ).fetchall()
        snapshots = connection.execute(
            "SELECT version, created_by, created_at FROM snapshots"
        ).fetchall()
    assert trail == stored
    assert locks == snapshots

"""`python -m lib.cli tilgang` (roles) and `revisjon` (the audit trail) as an operator runs
them, and the name the command line's writes are stored under (--av / --by)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from lib import access
from lib.access import Actor
from lib.queries import versions
from lib.snapshots import snapshots
from tests.fixtures import PROJECTS, cli, load, local, risk


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "kommandolinje.duckdb"
    tables = {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 2), risk("R2", 3, 3, "P2")]}
    assert load(path, tmp_path, "første.xlsx", tables, actor=local("Kari")).ok
    return path


def test_give_list_and_take_a_role(db: Path) -> None:
    given = cli(
        "tilgang", "gi", "Ola@Kommune.no", "opplaster", "--prosjekt", "P1", "--av", "Drift", db=db
    )
    assert given.returncode == 0, given.stderr
    assert given.stdout.strip() == "ola@kommune.no har fått rollen «opplaster» for P1."
    meeting = cli("tilgang", "gi", "sub-123", "moteleder", db=db)  # without ø, for every project
    assert meeting.stdout.strip() == "sub-123 har fått rollen «møteleder» for alle prosjekter."
    ola, per = access.grants(db)
    assert (ola.principal, ola.role, ola.scope, ola.granted_by) == (
        "ola@kommune.no",
        "opplaster",
        "P1",
        "Drift",
    )
    assert (per.principal, per.role, per.scope) == ("sub-123", "møteleder", "*")

    access.signed_in(db, Actor("sub-123", "Per Hansen", "per@kommune.no"))
    listing = cli("tilgang", db=db)  # without a step: `vis`
    assert listing.returncode == 0
    lines = listing.stdout.splitlines()
    assert lines[0] == "Tilganger (hvem, rolle, prosjekt, gitt):"
    assert lines[1].split("\t")[:3] == ["  ola@kommune.no", "opplaster", "P1"]
    assert lines[1].endswith(" av Drift")
    assert lines[2].split("\t")[:3] == ["  sub-123", "møteleder", "alle prosjekter"]
    assert "Brukere som har logget inn" in listing.stdout
    assert "  Per Hansen\tper@kommune.no\tsub-123\t" in listing.stdout

    taken = cli("tilgang", "fjern", "ola@kommune.no", "opplaster", "--prosjekt", "P1", db=db)
    assert taken.returncode == 0
    assert taken.stdout.strip() == "ola@kommune.no har ikke lenger rollen «opplaster» for P1."
    again = cli("tilgang", "fjern", "ola@kommune.no", "opplaster", "--prosjekt", "P1", db=db)
    assert again.returncode == 1
    assert "har ikke rollen «opplaster» for P1; ingenting er endret" in again.stderr
    assert [g.principal for g in access.grants(db)] == ["sub-123"]

    trail = access.audit_lines(db, access.permissions(db, local("x")))
    assert trail["action"].tolist()[:3] == ["tilgang_fjernet", "innlogging", "tilgang_gitt"]
    first_grant = trail.iloc[-2]
    assert (first_grant["name"], first_grant["subject"]) == ("Drift", "lokal:Drift")


def test_an_unknown_role_or_a_missing_argument_is_a_norwegian_usage_error(db: Path) -> None:
    unknown = cli("tilgang", "gi", "ola@kommune.no", "sjef", db=db)
    assert unknown.returncode == 2
    assert "Feil i kommandoen: ROLLE: 'sjef' er ikke et av valgene" in unknown.stderr
    missing = cli("tilgang", "gi", "ola@kommune.no", db=db)
    assert missing.returncode == 2 and "dette mangler: ROLLE" in missing.stderr
    assert access.grants(db) == []


def test_admin_is_always_for_every_project(db: Path) -> None:
    done = cli("tilgang", "gi", "randi@kommune.no", "admin", "--prosjekt", "P1", db=db)
    assert done.returncode == 0
    assert "admin gjelder alltid alle prosjekter" in done.stderr
    assert done.stdout.strip() == "randi@kommune.no har fått rollen «admin» for alle prosjekter."


def test_the_help_names_the_roles_and_why_the_command_line_may_do_everything() -> None:
    done = cli("tilgang", "--help")
    assert done.returncode == 0 and done.stdout.startswith("bruk: ")
    text = " ".join(done.stdout.split())
    for words in ("leser", "opplaster", "møteleder", "admin", "kan også åpne databasefilen"):
        assert words in text
    assert "revisjon" in cli("--help").stdout and "tilgang" in cli("--help").stdout


def test_the_command_lines_writes_are_stored_under_the_name_given(db: Path, tmp_path: Path) -> None:
    from lib.exports import write_export
    from tests.fixtures import frame

    path = tmp_path / "to.xlsx"
    write_export(path, {"risiko": frame("risiko", [risk("R1", 5, 5)])})
    assert cli("load", path, "--av", "Ola Driftsen", db=db).returncode == 0
    assert cli("snapshot", "Møtet", "--date", "2026-03-12", "--by", "Per", db=db).returncode == 0
    assert cli("rollback", "1", "--av", "Randi", db=db).returncode == 0
    assert versions(db).created_by.tolist() == ["Randi", "Ola Driftsen", "Kari"]
    assert snapshots(db)[0].created_by == "Per"
    trail = access.audit_lines(db, access.permissions(db, local("x")))
    assert trail["name"].tolist() == ["Randi", "Per", "Ola Driftsen", "Kari"]
    assert trail["subject"].tolist()[0] == "lokal:Randi"


def test_revisjon_lists_the_trail_and_filters_it(db: Path, tmp_path: Path) -> None:
    from lib.exports import write_export
    from tests.fixtures import frame

    path = tmp_path / "p2.xlsx"
    write_export(path, {"risiko": frame("risiko", [risk("R2", 5, 5, "P2")])})
    assert cli("load", path, "--av", "Ola\x1b[2J", db=db).returncode == 0
    assert (
        cli("tilgang", "gi", "kari@kommune.no", "leser", "--prosjekt", "P1", db=db).returncode == 0
    )

    everything = cli("revisjon", db=db)
    assert everything.returncode == 0, everything.stderr
    lines = everything.stdout.splitlines()
    assert len(lines) == 3
    assert "\x1b" not in everything.stdout and "Ola\\x1b[2J" in lines[1]  # shown, not run
    fields = lines[1].split("\t")
    assert fields[2:5] == ["Lastet opp", "P2", "versjon 2"]
    assert fields[5] == "fil «p2.xlsx»" and fields[6].startswith("SHA-256 ")
    assert lines[0].split("\t")[2:] == [
        "Ga tilgang",
        "P1",
        "",
        "kari@kommune.no fikk rollen «leser» for P1",
    ]
    assert dt.datetime.strptime(lines[0].split("\t")[0], "%Y-%m-%d %H:%M:%S")

    uploads = cli("revisjon", "--handling", "Lastet opp", db=db).stdout.splitlines()
    assert [line.split("\t")[4] for line in uploads] == ["versjon 2", "versjon 1"]
    assert (
        len(
            cli("revisjon", "--handling", "opplasting", "--hvem", "kari", db=db).stdout.splitlines()
        )
        == 1
    )
    assert len(cli("revisjon", "--prosjekt", "P1", db=db).stdout.splitlines()) == 2
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    none = cli("revisjon", "--fra", tomorrow, db=db)
    assert (
        none.returncode == 0
        and none.stdout.strip() == "Ingen linjer i revisjonsloggen passer til valgene."
    )
    wrong = cli("revisjon", "--handling", "sletting", db=db)
    assert wrong.returncode == 2 and "ukjent handling «sletting»" in wrong.stderr


def test_revisjon_csv_is_safe_to_open_in_excel(db: Path, tmp_path: Path) -> None:
    from lib.exports import write_export
    from tests.fixtures import frame

    path = tmp_path / "p1.xlsx"
    write_export(path, {"risiko": frame("risiko", [risk("R1", 5, 5)])})
    assert cli("load", path, "--av", '=HYPERLINK("http://x")', db=db).returncode == 0
    done = cli("revisjon", "--csv", db=db)
    assert done.returncode == 0
    records = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(records[0]) == list(access.AUDIT_COLUMNS)
    assert records[0]["Hvem"] == '\'=HYPERLINK("http://x")'  # a formula made text
    assert records[0]["Versjon"] == "2" and records[1]["Versjon"] == "1"
    assert len(records[0]["SHA-256"]) == 64
    assert dt.datetime.strptime(records[0]["Tidspunkt"], "%Y-%m-%d %H:%M:%S")

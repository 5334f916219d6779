"""Every write in lib/ takes the acting user and checks their role, per project, before it
changes anything: upload (`opplaster` for each project written), lock for a meeting
(`møteleder` for each project the version holds), restore (`admin`). A refused write raises
Forbidden and leaves the database as it was, audit trail included."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from lib import access, ingest, store
from lib.access import ADMIN, LESER, MOTELEDER, OPPLASTER, Actor, Forbidden
from lib.db import latest_version
from lib.queries import versions
from lib.snapshots import lock_for_meeting, projects_in_version, snapshots
from tests.fixtures import PROJECTS, frame, load, local, risk

OPERATOR = local("Driftsansvarlig")  # the command line's actor: every role


def person(name: str) -> Actor:
    """A signed-in user (from a token), with no roles of their own."""
    email = f"{name.lower()}@kommune.no"
    return Actor(subject=f"sub-{name.lower()}", name=f"{name} Nordmann", email=email)


KARI, OLA, PER, RANDI = person("Kari"), person("Ola"), person("Per"), person("Randi")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """P1 and P2 with a risk each, stored by the operator (version 1)."""
    path = tmp_path / "tilgang.duckdb"
    tables = {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 2), risk("R2", 3, 3, "P2")]}
    assert load(path, tmp_path, "1.xlsx", tables, actor=OPERATOR).ok
    return path


def give(db: Path, who: Actor, role: str, project: str | None = None) -> None:
    access.grant(db, OPERATOR, who.email or who.subject, role, project)


def state(db: Path) -> tuple:
    """What a refused write must leave as it was: versions, locks, rows, the audit trail."""
    with duckdb.connect(str(db), read_only=True) as connection:
        return tuple(
            connection.execute(query).fetchall()
            for query in (
                "SELECT version, created_by FROM versions ORDER BY version",
                "SELECT version, name FROM snapshots ORDER BY version",
                "SELECT risiko_id, prosjekt_id, sannsynlighet, valid_from, valid_to FROM risiko "
                "ORDER BY ALL",
                "SELECT id, action, subject FROM audit ORDER BY id",
            )
        )


def audit_of(db: Path, action: str) -> list[dict]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return (
            connection.execute("SELECT * FROM audit WHERE action = ? ORDER BY id", [action])
            .df()
            .to_dict("records")
        )


def upload_risk(db: Path, tmp_path: Path, actor: Actor, *projects: str, name: str = "r.xlsx"):
    rows = [risk(f"R{n}", 4, 4, project) for n, project in enumerate(projects, start=5)]
    return load(db, tmp_path, name, {"risiko": rows}, actor=actor)


# --- Upload ----------------------------------------------------------------------------------


def test_a_reader_cannot_upload_and_nothing_is_stored(db: Path, tmp_path: Path) -> None:
    give(db, KARI, LESER)
    before = state(db)
    with pytest.raises(Forbidden, match="Kari Nordmann har ikke tilgang til å laste opp for P1"):
        upload_risk(db, tmp_path, KARI, "P1")
    assert state(db) == before


def test_someone_without_any_role_cannot_upload(db: Path, tmp_path: Path) -> None:
    before = state(db)
    with pytest.raises(Forbidden, match="opplaster"):
        upload_risk(db, tmp_path, RANDI, "P1")
    assert state(db) == before


def test_an_uploader_for_a_uploads_a_but_not_b(db: Path, tmp_path: Path) -> None:
    give(db, KARI, OPPLASTER, "P1")
    before = state(db)
    with pytest.raises(Forbidden, match=r"laste opp for P2 \(trenger rollen «opplaster»"):
        upload_risk(db, tmp_path, KARI, "P2")
    with pytest.raises(Forbidden, match="laste opp for P2") as refused:
        upload_risk(db, tmp_path, KARI, "P1", "P2")  # one project refused: nothing stored
    assert "P1" not in str(refused.value).split("for", 1)[1]  # names only the refused one
    with pytest.raises(Forbidden, match="P3"):
        new = {"prosjekter": [{"prosjekt_id": "P3", "prosjektnavn": "Tre"}]}
        load(db, tmp_path, "ny.xlsx", new, actor=KARI)  # a new project needs the role too
    assert state(db) == before

    stored = upload_risk(db, tmp_path, KARI, "P1", name="kari.xlsx").stored
    assert stored.version == 2
    assert versions(db).iloc[0].created_by == "Kari Nordmann"  # the token's name


def test_an_upload_records_who_the_file_hash_the_version_and_the_project(
    db: Path, tmp_path: Path
) -> None:
    give(db, KARI, OPPLASTER, "P1")
    result = upload_risk(db, tmp_path, KARI, "P1", name="kari.xlsx")
    line = audit_of(db, "opplasting")[-1]
    assert (line["subject"], line["email"], line["name"]) == (
        "sub-kari",
        "kari@kommune.no",
        "Kari Nordmann",
    )
    assert (
        line["sha256"] == store.file_sha256(tmp_path / "kari.xlsx") == versions(db).iloc[0].sha256
    )
    assert (line["version"], line["prosjekt_id"]) == (result.stored.version, "P1")
    assert '"fil": "kari.xlsx"' in line["detail"]
    assert line["happened_at"] == versions(db).iloc[0].created_at


def test_an_upload_of_several_projects_is_one_line_listing_them(db: Path, tmp_path: Path) -> None:
    upload_risk(db, tmp_path, OPERATOR, "P1", "P2")
    lines = audit_of(db, "opplasting")
    assert len(lines) == 2  # version 1 and this one
    assert lines[-1]["prosjekt_id"] is None
    assert '"prosjekter": ["P1", "P2"]' in lines[-1]["detail"]


def test_store_checked_refuses_what_the_preview_showed_when_the_role_is_missing(
    db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "p2.xlsx"
    from lib.exports import write_export

    write_export(path, {"risiko": frame("risiko", [risk("R2", 5, 5, "P2")])})
    checked = ingest.check_upload(db, path)
    assert checked.ok and ingest.projects_written(checked.upload) == {"P2"}
    give(db, KARI, OPPLASTER, "P1")
    before = state(db)
    with pytest.raises(Forbidden, match="P2"):
        ingest.store_checked(db, checked, actor=KARI)
    assert state(db) == before
    give(db, KARI, OPPLASTER, "P2")
    assert ingest.store_checked(db, checked, actor=KARI).version == 2


def test_token_roles_and_first_admins_count(db: Path, tmp_path: Path) -> None:
    """A token's `roles` claim gives the role for every project; a first admin named in
    the secrets (configured_admins) may do everything."""
    uploader = Actor("sub-t", "Tone", "tone@kommune.no", token_roles=(OPPLASTER,))
    assert upload_risk(db, tmp_path, uploader, "P1", "P2").ok
    with pytest.raises(Forbidden):
        store.rollback(db, 1, actor=OLA)
    restored = store.rollback(db, 1, actor=OLA, configured_admins=["OLA@kommune.no"])
    assert restored.version == 3


# --- Restore ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [LESER, OPPLASTER, MOTELEDER])
def test_only_an_admin_may_restore(db: Path, tmp_path: Path, role: str) -> None:
    upload_risk(db, tmp_path, OPERATOR, "P1")
    give(db, PER, role)  # for every project: still no restore
    before = state(db)
    with pytest.raises(Forbidden, match="Per Nordmann har ikke rollen «admin»"):
        store.rollback(db, 1, actor=PER)
    assert state(db) == before


def test_an_admin_restores_and_the_trail_says_which_version_from_which(
    db: Path, tmp_path: Path
) -> None:
    upload_risk(db, tmp_path, OPERATOR, "P1")
    give(db, RANDI, ADMIN)
    restored = store.rollback(db, 1, actor=RANDI, expected_latest=2)
    assert restored.version == 3
    assert versions(db).iloc[0].created_by == "Randi Nordmann"
    line = audit_of(db, "gjenoppretting")[-1]
    assert (line["subject"], line["version"], line["prosjekt_id"]) == ("sub-randi", 3, "P1")
    assert '"fra_versjon": 1' in line["detail"]
    assert line["happened_at"] == versions(db).iloc[0].created_at


# --- Lock for a meeting ----------------------------------------------------------------------


def test_an_uploader_cannot_lock(db: Path) -> None:
    give(db, KARI, OPPLASTER)
    before = state(db)
    with pytest.raises(Forbidden, match="lede møter for P1, P2"):
        lock_for_meeting(db, 1, "Styringsgruppemøte", dt.date(2026, 3, 1), actor=KARI)
    assert state(db) == before


def test_a_meeting_leader_locks_but_cannot_restore(db: Path) -> None:
    give(db, OLA, MOTELEDER)
    locked = lock_for_meeting(db, 1, "Styringsgruppemøte mars", dt.date(2026, 3, 12), actor=OLA)
    assert locked.created_by == "Ola Nordmann" == snapshots(db)[0].created_by
    line = audit_of(db, "låsing")[-1]
    assert (line["subject"], line["version"], line["prosjekt_id"]) == ("sub-ola", 1, None)
    assert '"møte": "Styringsgruppemøte mars"' in line["detail"]
    assert '"møtedato": "2026-03-12"' in line["detail"]
    assert '"prosjekter": ["P1", "P2"]' in line["detail"]
    with pytest.raises(Forbidden, match="admin"):
        store.rollback(db, 1, actor=OLA)


def test_a_meeting_leader_for_some_projects_cannot_lock_a_version_with_others(
    db: Path, tmp_path: Path
) -> None:
    """A lock fixes every project the version holds, so it needs the role for each."""
    give(db, OLA, MOTELEDER, "P1")
    assert projects_in_version(db, 1) == {"P1", "P2"}
    before = state(db)
    # P2, which Ola may not read, is counted, not named.
    with pytest.raises(Forbidden, match=r"lede møter for 1 annet prosjekt \("):
        lock_for_meeting(db, 1, "Møte", dt.date(2026, 3, 12), actor=OLA)
    assert state(db) == before
    give(db, OLA, MOTELEDER, "P2")
    assert lock_for_meeting(db, 1, "Møte", dt.date(2026, 3, 12), actor=OLA).version == 1


def test_a_revoked_role_is_refused_at_once(db: Path, tmp_path: Path) -> None:
    give(db, KARI, OPPLASTER, "P1")
    assert access.revoke(db, OPERATOR, "kari@kommune.no", OPPLASTER, "P1")
    with pytest.raises(Forbidden):
        upload_risk(db, tmp_path, KARI, "P1")
    assert latest_version(db) == 1


def test_local_actors_have_every_role(db: Path, tmp_path: Path) -> None:
    """Without sign-in (the app on one machine, the command line) whoever acts holds the
    database file anyway: every write is allowed, under the name given."""
    somebody = local("Hvem Som Helst")
    new = {"prosjekter": [{"prosjekt_id": "P9", "prosjektnavn": "Ni"}]}
    assert load(db, tmp_path, "ny.xlsx", new, actor=somebody).ok
    assert lock_for_meeting(db, 2, "Møte", dt.date(2026, 3, 12), actor=somebody).version == 2
    assert store.rollback(db, 1, actor=somebody).version == 3
    assert versions(db).created_by.tolist()[:2] == ["Hvem Som Helst", "Hvem Som Helst"]

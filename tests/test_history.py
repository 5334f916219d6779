"""History on real DuckDB files: the schema 1 -> 2 migration, meeting snapshots, restoring,
the version table, and "Endringer siden sist møte" in lib and on the command line."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from lib import history, ingest, store
from lib.contract import SHEETS
from lib.db import latest_version
from lib.exports import write_export
from lib.queries import sheet_rows
from tests.fixtures import PROJECTS, TESTER, frame, local, risk

ROOT = Path(__file__).resolve().parent.parent
#: The last commit whose store wrote schema version 1.
V1_COMMIT = "bc2a347"
#: The sheets of contract version 1: the stores of those commits knew no others (Status came
#: with schema 7).
V1_SHEETS = tuple(sheet for sheet in SHEETS if sheet.key != "status")
V1_TABLES = {"meta", "versions", *(sheet.table for sheet in V1_SHEETS)}
#: Schema 5's tables: users, roles per project and the audit trail.
ACCESS_TABLES = {"users", "grants", "audit"}
MEETING_TABLES = {"meetings", "decisions"}  # schema 6
#: The last commit whose store wrote schema version 2 (row keys and hashes: md5 over JSON).
V2_COMMIT = "3619bae"
#: The last commit whose store wrote schema version 3 (row keys and hashes as text).
V3_COMMIT = "d150e24"


def load(db: Path, tmp_path: Path, name: str, tables: dict[str, list[dict]], **kwargs):
    path = tmp_path / name
    write_export(path, {key: frame(key, rows) for key, rows in tables.items()})
    result = ingest.load_file(db, path, **{"actor": TESTER, **kwargs})
    assert result.ok, result.upload.errors
    return result.stored


def tables_in(db: Path) -> set[str]:
    with duckdb.connect(str(db)) as connection:
        return {
            row[0]
            for row in connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        }


def touched(db: Path) -> list[tuple[int, str]]:
    with duckdb.connect(str(db)) as connection:
        return connection.execute(
            "SELECT version, prosjekt_id FROM version_projects ORDER BY ALL"
        ).fetchall()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "history.duckdb"


# ---------------------------------------------------------------------------------------------
# The schema migration


def _history_of_three_versions(db: Path, tmp_path: Path) -> None:
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 2)]})
    load(db, tmp_path, "2.xlsx", {"risiko": [risk("R1", 5, 5, "P2")]}, project="P2")
    store.rollback(db, 1, actor=local("Ola"))


def test_a_version_1_file_is_migrated_in_place(db: Path, tmp_path: Path) -> None:
    _history_of_three_versions(db, tmp_path)
    recorded = touched(db)
    assert recorded == [(1, "P1"), (1, "P2"), (2, "P2"), (3, "P2")]
    # Make it exactly a version-1 file: version 2 only added two tables.
    with duckdb.connect(str(db)) as connection:
        connection.execute("DROP TABLE decisions; DROP TABLE meetings; DROP TABLE status")
        connection.execute("DROP SEQUENCE meeting_ids")
        connection.execute("DROP TABLE version_projects; DROP TABLE snapshots")
        connection.execute("DROP TABLE users; DROP TABLE grants; DROP TABLE audit")
        connection.execute("DROP SEQUENCE audit_ids")
        connection.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    assert tables_in(db) == V1_TABLES

    with store.connect(db) as connection:
        assert connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchall() == [(str(store.SCHEMA_VERSION),)]
    assert tables_in(db) == V1_TABLES | {
        "version_projects",
        "snapshots",
    } | ACCESS_TABLES | MEETING_TABLES | {"status"}
    assert touched(db) == recorded  # rebuilt from the rows
    assert history.snapshots(db) == []
    assert sheet_rows(db, "risiko", version=2).prosjekt_id.tolist() == ["P1", "P2"]
    # The migrated file works as any other: lock, upload, compare.
    store.lock_for_meeting(db, 3, "Møte", dt.date(2025, 1, 1), actor=TESTER)
    load(db, tmp_path, "4.xlsx", {"risiko": [risk("R1", 5, 5)]}, project="P1")
    changes = history.changes_since_last_meeting(db)
    assert changes is not None and changes.table["ID"].tolist() == ["R1"]


def _old_store(monkeypatch: pytest.MonkeyPatch, commit: str = V1_COMMIT):
    """lib/store.py as it was at `commit` (schema version 1), from git; None without git."""
    git = shutil.which("git")
    if git is None:
        return None
    shown = subprocess.run(
        [git, "show", f"{commit}:lib/store.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if shown.returncode != 0:
        return None
    name = f"store_{commit}"
    spec = importlib.util.spec_from_loader(name, loader=None)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)  # dataclasses look their module up
    exec(compile(shown.stdout, f"{name}.py", "exec"), module.__dict__)
    if "SHEETS" in module.__dict__:
        module.SHEETS = V1_SHEETS  # the old code imports today's contract
    return module


def test_a_file_written_by_the_version_1_store_opens_and_migrates(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _old_store(monkeypatch)
    if old is None:
        pytest.skip("git history with the version-1 store is not available")
    assert old.SCHEMA_VERSION == 1
    projects = frame("prosjekter", PROJECTS)
    old.store_upload(
        db,
        {"prosjekter": projects, "risiko": frame("risiko", [risk("R1", 3, 3, status="Åpen")])},
        {"prosjekter": {"P1", "P2"}, "risiko": {"P1"}},
        by="Kari",
    )
    old.store_upload(
        db,
        {"risiko": frame("risiko", [risk("R1", 4, 4, status="Åpen")])},
        {"risiko": {"P1"}},
        by="Per",
    )
    assert tables_in(db) == V1_TABLES

    assert latest_version(db) == 2  # opening it migrates it
    assert touched(db) == [(1, "P1"), (1, "P2"), (2, "P1")]
    store.lock_for_meeting(db, 1, "Første møte", dt.date(2025, 3, 1), actor=TESTER)
    changes = history.changes_since_last_meeting(db)
    assert changes.table[["Endring", "ID", "Før", "Nå"]].values.tolist() == [
        ["Risiko økt", "R1", "9 (Middels)", "16 (Høy)"]
    ]
    assert _layout(db) == _layout_of_a_new_file(tmp_path)


def _layout(db: Path) -> list[tuple]:
    """Every column of every table with its type, nullability and default, and the meta keys."""
    with duckdb.connect(str(db)) as connection:
        columns = connection.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = 'main' ORDER BY ALL"
        ).fetchall()
        keys = connection.execute("SELECT key FROM meta ORDER BY key").fetchall()
    return columns + keys


def _layout_of_a_new_file(tmp_path: Path) -> list[tuple]:
    """A new file gets today's schema directly, not by migrating: it must come out the same."""
    new = tmp_path / "ny.duckdb"
    latest_version(new)
    return _layout(new)


def _unchanged(stored: store.StoredVersion) -> bool:
    return all(c.added == c.changed == c.removed == 0 for c in stored.changes.values())


def _two_projects() -> tuple[dict, dict]:
    tables = {
        "prosjekter": frame("prosjekter", PROJECTS),
        "risiko": frame(
            "risiko", [risk("R1", 3, 3, status="Åpen"), risk("R2", 2, 4, "P2", frist=None)]
        ),
    }
    return tables, {"prosjekter": {"P1", "P2"}, "risiko": {"P1", "P2"}}


def _stored_by_the_old_store(
    db: Path, monkeypatch: pytest.MonkeyPatch, commit: str, version: int
) -> tuple[dict, dict]:
    """The two projects stored by lib/store.py as it was at `commit` (schema `version`)."""
    old = _old_store(monkeypatch, commit)
    if old is None:
        pytest.skip(f"git history with the version-{version} store is not available")
    assert version == old.SCHEMA_VERSION
    tables, scope = _two_projects()
    old.store_upload(db, tables, scope, by="Kari")
    return tables, scope


def _schema_version_in(db: Path) -> str:
    with duckdb.connect(str(db)) as connection:
        query = "SELECT value FROM meta WHERE key = 'schema_version'"
        return connection.execute(query).fetchall()[0][0]


def test_a_file_written_by_the_version_2_store_is_rehashed(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Since schema 3, rows are keyed and hashed by DuckDB's hash: opening a version-2 file
    recomputes them, so storing the same rows again finds nothing changed."""
    tables, scope = _stored_by_the_old_store(db, monkeypatch, V2_COMMIT, 2)
    with duckdb.connect(str(db)) as connection:
        md5_hashes = connection.execute("SELECT row_hash FROM risiko ORDER BY 1").fetchall()

    again = store.store_upload(db, tables, scope, actor=local("Per"))
    assert _unchanged(again), again.changes
    assert _schema_version_in(db) == str(store.SCHEMA_VERSION)
    with duckdb.connect(str(db)) as connection:
        hashes = connection.execute("SELECT row_hash FROM risiko ORDER BY 1").fetchall()
    assert len(hashes) == 2 and hashes != md5_hashes
    assert all(isinstance(value, int) for (value,) in hashes)
    changed = tables["risiko"].assign(sannsynlighet=[4, 2])
    stored = store.store_upload(db, {"risiko": changed}, {"risiko": {"P1", "P2"}}, actor=TESTER)
    assert stored.changes["risiko"].changed == 1


def test_a_file_written_by_the_version_3_store_keeps_its_keys_as_numbers(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Schema 4 keeps keys and hashes as numbers: the text a version-3 file holds becomes
    the same numbers, so nothing reads as changed, and every earlier version still reads."""
    tables, scope = _stored_by_the_old_store(db, monkeypatch, V3_COMMIT, 3)
    with duckdb.connect(str(db)) as connection:
        as_text = connection.execute("SELECT row_key, row_hash FROM risiko ORDER BY 1").fetchall()
        assert connection.execute(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = 'risiko' AND column_name = 'row_hash'"
        ).fetchall() == [("VARCHAR",)]

    again = store.store_upload(db, tables, scope, actor=local("Per"))
    assert _unchanged(again), again.changes
    assert _schema_version_in(db) == str(store.SCHEMA_VERSION)
    with duckdb.connect(str(db)) as connection:
        types = connection.execute(
            "SELECT DISTINCT data_type FROM information_schema.columns "
            "WHERE column_name IN ('row_key', 'row_hash')"
        ).fetchall()
        as_numbers = connection.execute(
            "SELECT row_key, row_hash FROM risiko WHERE valid_to IS NULL ORDER BY 1"
        ).fetchall()
    assert types == [("UBIGINT",)]
    assert _layout(db) == _layout_of_a_new_file(tmp_path)
    assert sorted((int(key), int(value)) for key, value in as_text) == sorted(as_numbers)
    assert sheet_rows(db, "risiko", 1)["risiko_id"].tolist() == ["R1", "R2"]


def test_rows_are_rehashed_when_duckdb_hashes_differently(db: Path) -> None:
    """DuckDB does not promise its hash across versions: the file keeps a probe value, and a
    DuckDB that hashes it differently computes every row's key and hash again."""
    tables, scope = _two_projects()
    store.store_upload(db, tables, scope, actor=TESTER)
    with duckdb.connect(str(db)) as connection:  # as if written by another DuckDB
        connection.execute("UPDATE risiko SET row_key = row_key // 2, row_hash = 7")
        connection.execute("UPDATE meta SET value = 'another hash' WHERE key = 'hash_probe'")
    again = store.store_upload(db, tables, scope, actor=TESTER)
    assert _unchanged(again), again.changes
    with duckdb.connect(str(db)) as connection:
        assert connection.execute("SELECT count(*) FROM risiko WHERE row_hash = 7").fetchall() == [
            (0,)
        ]


def test_a_failed_migration_leaves_the_file_at_version_1(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _history_of_three_versions(db, tmp_path)
    with duckdb.connect(str(db)) as connection:
        connection.execute("DROP TABLE decisions; DROP TABLE meetings; DROP TABLE status")
        connection.execute("DROP SEQUENCE meeting_ids")
        connection.execute("DROP TABLE version_projects; DROP TABLE snapshots")
        connection.execute("DROP TABLE users; DROP TABLE grants; DROP TABLE audit")
        connection.execute("DROP SEQUENCE audit_ids")
        connection.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    real = store.MIGRATIONS[2]

    def half_way(connection: duckdb.DuckDBPyConnection) -> None:
        real(connection)
        raise RuntimeError("power cut during the migration")

    monkeypatch.setitem(store.MIGRATIONS, 2, half_way)
    with pytest.raises(RuntimeError):
        latest_version(db)
    assert tables_in(db) == V1_TABLES
    monkeypatch.undo()
    assert latest_version(db) == 3 and "snapshots" in tables_in(db)


def test_threads_opening_a_version_1_file_at_once_migrate_it_once(db: Path, tmp_path: Path) -> None:
    _history_of_three_versions(db, tmp_path)
    recorded = touched(db)
    with duckdb.connect(str(db)) as connection:
        connection.execute("DROP TABLE decisions; DROP TABLE meetings; DROP TABLE status")
        connection.execute("DROP SEQUENCE meeting_ids")
        connection.execute("DROP TABLE version_projects; DROP TABLE snapshots")
        connection.execute("DROP TABLE users; DROP TABLE grants; DROP TABLE audit")
        connection.execute("DROP SEQUENCE audit_ids")
        connection.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            latest_version(db)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert touched(db) == recorded


# ---------------------------------------------------------------------------------------------
# Meeting snapshots


def test_lock_a_version_for_a_meeting(db: Path, tmp_path: Path) -> None:
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 2)]})
    load(db, tmp_path, "2.xlsx", {"risiko": [risk("R1", 3, 3)]}, project="P1")
    locked = store.lock_for_meeting(
        db, None, "  Styringsgruppemøte   mars ", dt.date(2025, 3, 12), actor=TESTER
    )
    assert (locked.version, locked.name) == (2, "Styringsgruppemøte mars")
    assert locked.label() == "«Styringsgruppemøte mars» (12.03.2025, versjon 2)"
    store.lock_for_meeting(db, 1, "Oppstart", dt.date(2025, 1, 10), actor=local("Kari"))
    assert [(s.version, s.name, s.created_by) for s in history.snapshots(db)] == [
        (2, "Styringsgruppemøte mars", "Test"),
        (1, "Oppstart", "Kari"),
    ]
    assert history.snapshot_of(db, 1).meeting_date == dt.date(2025, 1, 10)
    assert history.snapshot_of(db, 3) is None


@pytest.mark.parametrize(
    ("version", "name", "message"),
    [
        (1, "Nytt navn", "allerede låst for møtet «Første»"),
        (9, "Møte", "Versjon 9 finnes ikke"),
        (0, "Møte", "Versjon 0 finnes ikke"),
        (1, "   ", "Gi møtet et navn"),
        (1, "x" * 201, "for langt"),
    ],
)
def test_locking_refuses_with_a_norwegian_reason(
    db: Path, tmp_path: Path, version: int, name: str, message: str
) -> None:
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS})
    store.lock_for_meeting(db, 1, "Første", dt.date(2025, 1, 1), actor=TESTER)
    with pytest.raises(store.StoreError, match=message):
        store.lock_for_meeting(db, version, name, dt.date(2025, 2, 1), actor=TESTER)
    assert [s.name for s in history.snapshots(db)] == ["Første"]  # unchanged


def test_locking_an_empty_database_is_refused(db: Path) -> None:
    with pytest.raises(store.StoreError, match="ingen versjoner"):
        store.lock_for_meeting(db, None, "Møte", dt.date(2025, 1, 1), actor=TESTER)


def test_a_locked_version_cannot_be_removed(db: Path, tmp_path: Path) -> None:
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS})
    store.lock_for_meeting(db, 1, "Møte", dt.date(2025, 1, 1), actor=TESTER)
    with store.connect(db) as connection, pytest.raises(duckdb.ConstraintException):
        connection.execute("DELETE FROM versions WHERE version = 1")
    assert latest_version(db) == 1


def test_a_locked_version_reads_the_same_after_reordering_uploads_and_a_restore(
    db: Path, tmp_path: Path
) -> None:
    rows = [risk("R1", 2, 2), risk("R2", 3, 3), risk("R3", 4, 4)]
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "risiko": rows})
    store.lock_for_meeting(db, 1, "Møte", dt.date(2025, 1, 1), actor=TESTER)
    locked = sheet_rows(db, "risiko", version=1)
    # The same rows in another order, then a changed row, then a restore.
    load(db, tmp_path, "2.xlsx", {"risiko": rows[::-1]}, project="P1")
    assert sheet_rows(db, "risiko").risiko_id.tolist() == ["R3", "R2", "R1"]
    load(db, tmp_path, "3.xlsx", {"risiko": [risk("R2", 5, 5), rows[0]]}, project="P1")
    store.rollback(db, 2, actor=TESTER)
    assert sheet_rows(db, "risiko", version=1).equals(locked)
    assert sorted(sheet_rows(db, "risiko").risiko_id) == ["R1", "R2", "R3"]
    assert history.diff_counts(db, 1, 4)["risiko"] == store.SheetChange(0, 0, 0, 3)


def test_moved_rows_are_copied_so_every_version_keeps_its_order(db: Path, tmp_path: Path) -> None:
    rows = [risk("R1", 2, 2), risk("R2", 3, 3)]
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "risiko": rows})
    load(db, tmp_path, "2.xlsx", {"risiko": rows[::-1]}, project="P1")
    with duckdb.connect(str(db)) as connection:
        assert connection.execute("SELECT count(*) FROM risiko").fetchall() == [(4,)]


# ---------------------------------------------------------------------------------------------
# Restoring and the version table


def test_restore_records_its_projects_and_refuses_a_stale_confirmation(
    db: Path, tmp_path: Path
) -> None:
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 2)]})
    load(
        db,
        tmp_path,
        "2.xlsx",
        {"risiko": [risk("R1", 5, 5, "P2")]},
        project="P2",
        actor=local("Per"),
    )
    with pytest.raises(store.ConcurrentUpload, match="versjon 2 \\(lagret av Per\\)"):
        store.rollback(db, 1, actor=local("Kari"), expected_latest=1)
    assert latest_version(db) == 2
    restored = store.rollback(db, 1, actor=local("Kari"), expected_latest=2)
    assert restored.version == 3
    assert touched(db)[-1] == (3, "P2")
    table = history.version_table(db)
    assert table.projects.tolist() == [["P2"], ["P2"], ["P1", "P2"]]


def test_version_overview_shows_what_a_meeting_needs(db: Path, tmp_path: Path) -> None:
    load(
        db,
        tmp_path,
        "1.xlsx",
        {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 2)]},
        actor=local("Kari"),
    )
    store.lock_for_meeting(db, 1, "Oppstart", dt.date(2025, 1, 10), actor=TESTER)
    store.rollback(db, 1, actor=local("Ola"))
    overview = history.version_overview(db)
    assert overview.columns.tolist()[:8] == [
        "Versjon",
        "Tidspunkt",
        "Lastet opp av",
        "Fil",
        "Låst for møte",
        "Gjelder",
        "Endringer",
        "Type",
    ]
    first, second = overview.iloc[1], overview.iloc[0]
    assert (first["Versjon"], first["Lastet opp av"], first["Fil"]) == (1, "Kari", "1.xlsx")
    assert first["Låst for møte"] == "Oppstart (10.01.2025)"
    assert first["Gjelder"] == "P1, P2" and first["Endringer"] == "3 nye, 0 endret, 0 fjernet"
    assert (first["Prosjekter"], first["Risiko"]) == (2, 1)
    assert len(first["SHA-256"]) == 64
    assert second["Type"] == "Gjenoppretting av versjon 1" and second["SHA-256"] == ""
    assert history.row_counts_as_of(db, 1) == {
        sheet.key: {"prosjekter": 2, "risiko": 1}.get(sheet.key, 0) for sheet in SHEETS
    }


# ---------------------------------------------------------------------------------------------
# Endringer siden sist møte

BASE_DAY = dt.date(2024, 12, 1)
TODAY = dt.date(2025, 2, 1)


def _recommendation(rec_id: str, decision: str, **extra: object) -> dict:
    return {
        "anbefaling_id": rec_id,
        "prosjekt_id": "P1",
        "anbefaling": f"Anbefaling {rec_id}",
        "vedtak": decision,
        **extra,
    }


def _milestone(milestone_id: str, planned: dt.date, **extra: object) -> dict:
    return {
        "milepael_id": milestone_id,
        "prosjekt_id": "P1",
        "milepael": f"Milepæl {milestone_id}",
        "planlagt": planned,
        **extra,
    }


@pytest.fixture
def meeting_db(db: Path, tmp_path: Path) -> Path:
    """Version 1 is locked for a meeting on 1 Dec 2024; version 2 changes a bit of everything."""
    implemented = {"iverksatt": dt.date(2024, 1, 1), "evaluering": (6, 12)}
    load(
        db,
        tmp_path,
        "1.xlsx",
        {
            "prosjekter": PROJECTS,
            "risiko": [
                risk("R1", 3, 3),
                risk("R2", 4, 4),
                risk("R3", 2, 2),
                risk("R4", 2, 3, status="Lukket"),
                risk("R5", 5, 5),
                risk("R6", 1, 1),
                risk("R7", 1, 1, status="Lukket"),
                risk("R1", 2, 2, "P2"),
            ],
            "anbefalinger": [
                _recommendation("A1", "Ikke behandlet"),
                _recommendation("A2", "Støttes", **implemented),
            ],
            "milepaeler": [
                _milestone("M1", dt.date(2025, 3, 1)),
                _milestone("M2", dt.date(2025, 5, 1)),
                _milestone("M3", dt.date(2025, 6, 1)),
            ],
        },
    )
    store.lock_for_meeting(db, 1, "Desembermøtet", BASE_DAY, actor=local("Sekretær"))
    load(
        db,
        tmp_path,
        "2.xlsx",
        {
            "risiko": [
                risk("R1", 4, 4),  # 9 -> 16
                risk("R2", 2, 4),  # 16 -> 8
                risk("R3", 2, 2, status="Lukket"),
                risk("R4", 3, 3, status="Åpen"),  # reopened
                risk("R6", 1, 1),
                risk("R8", 3, 5),  # new; R5 open and gone; R7 closed and gone
                risk("R1", 3, 3, "P2"),  # P2: 4 -> 9
            ],
            "anbefalinger": [
                _recommendation("A1", "Støttes", vedtaksdato=dt.date(2025, 1, 15)),
                _recommendation("A2", "Støttes", **implemented),
            ],
            "evalueringer": [
                {
                    "anbefaling_id": "A2",
                    "prosjekt_id": "P1",
                    "evaluering": 6,
                    "gjennomfort": dt.date(2024, 12, 20),
                    "resultat": "Oppnådd",
                }
            ],
            "milepaeler": [
                _milestone("M1", dt.date(2025, 3, 1), prognose=dt.date(2025, 4, 15)),
                _milestone("M2", dt.date(2025, 5, 1), prognose=dt.date(2025, 4, 1)),
                _milestone(
                    "M3",
                    dt.date(2025, 6, 1),
                    prognose=dt.date(2025, 7, 1),
                    fullfort=dt.date(2025, 1, 20),
                ),
            ],
        },
    )
    return db


EXPECTED = [
    ["Ny risiko", "P1", "R8", "Risiko R8", "", "15 (Høy)"],
    ["Risiko økt", "P1", "R1", "Risiko R1", "9 (Middels)", "16 (Høy)"],
    ["Risiko økt", "P2", "R1", "Risiko R1", "4 (Lav)", "9 (Middels)"],
    ["Risiko redusert", "P1", "R2", "Risiko R2", "16 (Høy)", "8 (Middels)"],
    ["Risiko lukket", "P1", "R3", "Risiko R3", "Åpen, 4 (Lav)", "Lukket"],
    ["Risiko gjenåpnet", "P1", "R4", "Risiko R4", "Lukket", "Åpen, 9 (Middels)"],
    ["Risiko fjernet", "P1", "R5", "Risiko R5", "Åpen, 25 (Høy)", "Fjernet"],
    ["Vedtak fattet", "P1", "A1", "Anbefaling A1", "Ikke behandlet", "Støttes (15.01.2025)"],
    ["Evaluering gjennomført", "P1", "A2 · 6 mnd", "Anbefaling A2", "", "20.12.2024, Oppnådd"],
    [
        "Evaluering forfalt",
        "P1",
        "A2 · 12 mnd",
        "Anbefaling A2",
        "Planlagt",
        "Forfalt (frist 01.01.2025)",
    ],
    ["Milepæl forskjøvet", "P1", "M1", "Milepæl M1", "01.03.2025", "15.04.2025 (+45 dager)"],
]


def test_changes_since_the_last_meeting(meeting_db: Path) -> None:
    found = history.changes_since_last_meeting(meeting_db, today=TODAY)
    assert found is not None and found.meeting
    assert (found.base.version, found.version) == (1, 2)
    assert found.describe() == "fra møtet «Desembermøtet» (01.12.2024, versjon 1) til versjon 2"
    assert found.table.columns.tolist() == history.CHANGE_COLUMNS
    assert found.table.drop(columns="kind").values.tolist() == EXPECTED
    counts = found.counts()
    assert counts["risk_up"] == 2 and counts["milestone_slipped"] == 1
    assert sum(counts.values()) == len(EXPECTED)
    assert found.rows("decision").columns.tolist() == ["Prosjekt-ID", "ID", "Tittel", "Før", "Nå"]


def test_benefit_changes_since_the_last_meeting(db: Path, tmp_path: Path) -> None:
    """New measurements and moved targets are what a steering group follows; new and removed
    benefits are listed too."""

    def benefit(benefit_id: str, target: float | None = None) -> dict:
        return {"gevinst_id": benefit_id, "gevinst": f"Gevinst {benefit_id}", "malverdi": target}

    def measured(benefit_id: str, day: dt.date, value: float) -> dict:
        return {"gevinst_id": benefit_id, "dato": day, "verdi": value}

    by_end = {"maldato": dt.date(2026, 12, 31)}
    first = [benefit("G1", 50.0) | by_end, benefit("G2", 5.0), benefit("G3", 4.0)]
    first.append(benefit("G5", 4.0))
    corrected = dt.date(2025, 3, 1)  # G5's measurement that day is corrected in version 3
    load(db, tmp_path, "0.xlsx", {"prosjekter": PROJECTS})
    load(
        db,
        tmp_path,
        "1.xlsx",
        {
            "gevinster": first,
            "malinger": [measured("G1", dt.date(2025, 1, 1), 40.0), measured("G5", corrected, 2.0)],
        },
        project="P1",
    )
    store.lock_for_meeting(db, 2, "Januarmøtet", dt.date(2025, 1, 10), actor=TESTER)
    later = [benefit("G1", 60.5) | by_end, benefit("G3", 4.0), benefit("G4", 10.0)]
    later.append(benefit("G5", 4.0))
    load(
        db,
        tmp_path,
        "2.xlsx",
        {
            "gevinster": later,
            "malinger": [
                measured("G1", dt.date(2025, 1, 1), 40.0),
                measured("G1", dt.date(2025, 6, 1), 45.5),
                measured("G3", dt.date(2025, 6, 1), 3.0),
                measured("G5", corrected, 3.0),
            ],
        },
        project="P1",
    )
    found = history.changes_since_last_meeting(db, today=TODAY)
    assert found is not None
    assert found.table.drop(columns="kind").values.tolist() == [
        ["Gevinst målt", "P1", "G1", "Gevinst G1", "40 (01.01.2025)", "45,5 (01.06.2025)"],
        ["Gevinst målt", "P1", "G3", "Gevinst G3", "", "3 (01.06.2025)"],
        ["Gevinst målt", "P1", "G5", "Gevinst G5", "2 (01.03.2025)", "3 (01.03.2025)"],
        [
            "Gevinstmål endret",
            "P1",
            "G1",
            "Gevinst G1",
            "50 innen 31.12.2026",
            "60,5 innen 31.12.2026",
        ],
        ["Ny gevinst", "P1", "G4", "Gevinst G4", "", "10"],
        ["Gevinst fjernet", "P1", "G2", "Gevinst G2", "5", "Fjernet"],
    ]
    assert (found.counts()["benefit_measured"], found.counts()["benefit_target"]) == (3, 1)
    # Issue 11: the headline counts every kind the table lists (it showed only these two).
    gevinster = dict(history.HEADLINE_GROUPS)["Gevinster"]
    assert {"benefit_measured", "benefit_target", "benefit_new", "benefit_removed"} <= set(
        gevinster
    )


def test_changes_for_chosen_projects_and_in_iso_dates(meeting_db: Path) -> None:
    only_p2 = history.changes_since_last_meeting(meeting_db, projects=["P2"], today=TODAY)
    assert only_p2.table["Prosjekt-ID"].tolist() == ["P2"]
    iso = history.changes_since_last_meeting(meeting_db, today=TODAY, iso_dates=True)
    assert "Støttes (2025-01-15)" in iso.table["Nå"].tolist()


def test_the_last_meeting_is_the_last_locked_version_before_the_one_shown(
    meeting_db: Path, tmp_path: Path
) -> None:
    # Lock the latest version for today's meeting: the meeting still compares with December.
    store.lock_for_meeting(meeting_db, 2, "Februarmøtet", TODAY, actor=TESTER)
    found = history.changes_since_last_meeting(meeting_db, today=TODAY)
    assert found.base.name == "Desembermøtet" and found.version == 2
    load(meeting_db, tmp_path, "3.xlsx", {"risiko": [risk("R1", 5, 5)]}, project="P1")
    after = history.changes_since_last_meeting(meeting_db, today=TODAY)
    assert after.base.name == "Februarmøtet" and after.version == 3
    assert after.table.drop(columns="kind").values.tolist()[0] == [
        "Risiko økt",
        "P1",
        "R1",
        "Risiko R1",
        "16 (Høy)",
        "25 (Høy)",
    ]
    assert set(after.rows("risk_removed")["ID"]) == {"R2", "R4", "R6", "R8"}
    # As of version 1 nothing was locked before it.
    assert history.changes_since_last_meeting(meeting_db, version=1) is None
    assert history.last_snapshot(meeting_db, before=1) is None


def test_no_meeting_no_changes_and_an_explicit_version_to_compare(db: Path, tmp_path: Path) -> None:
    assert history.changes_since_last_meeting(db) is None  # empty database
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 2)]})
    load(db, tmp_path, "2.xlsx", {"risiko": [risk("R1", 3, 3)]}, project="P1")
    assert history.changes_since_last_meeting(db) is None
    since = history.changes_since_last_meeting(db, since=1)
    assert not since.meeting and since.describe() == "fra versjon 1 til versjon 2"
    assert since.table["Endring"].tolist() == ["Risiko økt"]
    assert history.changes_since_last_meeting(db, since=7) is None


def test_a_meeting_with_nothing_changed_since(db: Path, tmp_path: Path) -> None:
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 2)]})
    store.lock_for_meeting(db, 1, "Møte", dt.date(2025, 1, 1), actor=TESTER)
    load(db, tmp_path, "2.xlsx", {"risiko": [risk("R1", 2, 2)]}, project="P1")
    found = history.changes_since_last_meeting(db)
    assert found.empty and set(found.counts().values()) == {0}


# ---------------------------------------------------------------------------------------------
# The command line: snapshot and changes


def cli(*args: str | Path, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lib.cli", *map(str, args), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_help_lists_snapshot_and_changes(db: Path) -> None:
    done = cli("--help", db=db)
    assert done.returncode == 0
    assert "snapshot" in done.stdout and "changes" in done.stdout


def test_cli_snapshot_then_changes(meeting_db: Path) -> None:
    done = cli("snapshot", "Februarmøtet", "--date", "2025-02-01", "--by", "Kari", db=meeting_db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "Versjon 2 er låst for møtet «Februarmøtet» (01.02.2025, versjon 2)."
    )
    again = cli("snapshot", "Annet navn", "--version", "2", db=meeting_db)
    assert again.returncode == 1 and "allerede låst" in again.stderr

    text = cli("changes", "--today", "2025-02-01", db=meeting_db)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == (
        "Endringer fra møtet «Desembermøtet» (01.12.2024, versjon 1) til versjon 2 "
        "(alle prosjekter):"
    )
    assert "Risikoer med økt risikoverdi (2)" in lines
    assert "  P1  R1  Risiko R1: 9 (Middels) → 16 (Høy)" in lines
    assert "  P1  R8  Risiko R8: 15 (Høy)" in lines

    table = cli("changes", "--csv", "--today", "2025-02-01", db=meeting_db)
    rows = list(csv.reader(io.StringIO(table.stdout)))
    assert rows[0] == ["Endring", "Prosjekt-ID", "ID", "Tittel", "Før", "Nå"]
    assert [row for row in rows[1:] if row[0] == "Vedtak fattet"] == [
        ["Vedtak fattet", "P1", "A1", "Anbefaling A1", "Ikke behandlet", "Støttes (2025-01-15)"]
    ]
    assert len(rows) == len(EXPECTED) + 1

    p2 = cli("changes", "--csv", "--project", "P2", "--today", "2025-02-01", db=meeting_db)
    assert [row[1] for row in csv.reader(io.StringIO(p2.stdout))][1:] == ["P2"]


def test_cli_changes_without_a_meeting_explains_what_to_do(db: Path, tmp_path: Path) -> None:
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 2)]})
    done = cli("changes", db=db)
    assert done.returncode == 1 and "snapshot" in done.stderr and not done.stdout
    assert cli("changes", "--since", "5", db=db).returncode == 1
    assert cli("changes", "--since", "1", db=db).stdout.splitlines() == [
        "Endringer fra versjon 1 til versjon 1 (alle prosjekter):",
        "Ingen endringer.",
    ]


@pytest.mark.parametrize("start", [2, 3])
def test_an_older_file_made_here_migrates_to_numbers_in_one_go(
    db: Path, tmp_path: Path, start: int
) -> None:
    """Without git history: today's file turned back into schema 3 (keys and hashes as
    text) or 2 (text that is not DuckDB's hash, no probe), with rows, opens as schema 4.
    From 2 that is a rehash (UPDATE) and a change of type (ALTER) in one transaction."""
    tables, scope = _two_projects()
    store.store_upload(db, tables, scope, actor=local("Kari"))
    with duckdb.connect(str(db)) as connection:
        for sheet in SHEETS:
            for column in ("row_key", "row_hash"):
                connection.execute(f"ALTER TABLE {sheet.table} ALTER {column} TYPE VARCHAR")
        if start == 2:
            for sheet in SHEETS:
                connection.execute(
                    f"UPDATE {sheet.table} SET row_key = md5(row_key), row_hash = md5(row_hash)"
                )
            connection.execute("DELETE FROM meta WHERE key = 'hash_probe'")
        connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(start)])
    again = store.store_upload(db, tables, scope, actor=local("Per"))
    assert _unchanged(again), again.changes
    assert _schema_version_in(db) == str(store.SCHEMA_VERSION)
    assert _layout(db) == _layout_of_a_new_file(tmp_path)
    assert sheet_rows(db, "risiko", 1)["risiko_id"].tolist() == ["R1", "R2"]


def test_after_a_restore_every_change_is_listed_and_counted_in_the_headline(
    db: Path, tmp_path: Path
) -> None:
    """A restore to a version before the meeting takes risks, benefits and measurements away
    and reopens closed risks: the table lists each, removed measurements included, and the
    headline groups count every kind the table can list."""

    def measured(benefit_id: str, day: dt.date, value: float) -> dict:
        return {"gevinst_id": benefit_id, "dato": day, "verdi": value}

    benefits = [{"gevinst_id": "G1", "gevinst": "Gevinst G1", "malverdi": 10.0}]
    load(
        db,
        tmp_path,
        "1.xlsx",
        {"prosjekter": PROJECTS[:1], "risiko": [risk("R1", 2, 2)], "gevinster": benefits},
        project="P1",
    )
    load(
        db,
        tmp_path,
        "2.xlsx",
        {
            "risiko": [risk("R1", 2, 2, status="Lukket"), risk("R2", 4, 4)],
            "gevinster": [*benefits, {"gevinst_id": "G2", "gevinst": "Gevinst G2"}],
            "malinger": [
                measured("G1", dt.date(2025, 1, 1), 3.0),
                measured("G1", dt.date(2025, 1, 15), 4.5),
            ],
        },
        project="P1",
    )
    store.lock_for_meeting(db, 2, "Januarmøtet", dt.date(2025, 1, 20), actor=TESTER)
    store.rollback(db, 1, actor=local("Kari"), expected_latest=2)

    found = history.changes_since_last_meeting(db, today=TODAY)
    assert found is not None
    rows = found.table.drop(columns="kind").values.tolist()
    assert ["Risiko gjenåpnet", "P1", "R1", "Risiko R1", "Lukket", "Åpen, 4 (Lav)"] in rows
    assert ["Risiko fjernet", "P1", "R2", "Risiko R2", "Åpen, 16 (Høy)", "Fjernet"] in rows
    assert ["Gevinst fjernet", "P1", "G2", "Gevinst G2", "ingen målverdi", "Fjernet"] in rows
    removed = found.rows("measurement_removed").values.tolist()
    assert removed == [
        ["P1", "G1", "Gevinst G1", "3 (01.01.2025)", "Fjernet"],
        ["P1", "G1", "Gevinst G1", "4,5 (15.01.2025)", "Fjernet"],
    ]
    counted = {key for _title, keys in history.HEADLINE_GROUPS for key in keys}
    assert {category.key for category in history.CATEGORIES} == counted
    assert set(found.table["kind"]) <= counted


def test_narrowing_every_projects_changes_equals_asking_for_one_project(demo_db: Path) -> None:
    """The app asks once for every project and narrows when a project is picked: the same
    rows, in the same order, as asking for that project (or those projects) alone."""
    today = dt.date(2026, 11, 26)
    every = history.changes_since_last_meeting(demo_db, None, (), today)
    assert every is not None and not every.empty
    projects = sorted(set(every.table["Prosjekt-ID"]))
    assert len(projects) > 1
    for chosen in [*([p] for p in projects), projects[:2]]:
        asked = history.changes_since_last_meeting(demo_db, None, chosen, today)
        narrowed = every.for_projects(chosen)
        pd.testing.assert_frame_equal(narrowed.table, asked.table)
        assert narrowed.counts() == asked.counts()
    assert every.for_projects([]) is every

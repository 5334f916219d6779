"""The versioned store on real DuckDB files: replace semantics, history, rollback, concurrency."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from lib import db as db_module
from lib import ingest, store
from lib.db import latest_version
from lib.exports import write_export
from lib.history import snapshots
from lib.ingest import load_file
from lib.queries import evaluation_plan, sheet_rows, versions
from tests.fixtures import PROJECTS, TESTER, frame, load, local, risk

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store.duckdb"


def test_new_path_is_an_empty_database_whose_first_upload_is_version_1(db, tmp_path):
    assert latest_version(db) == 0
    result = load(db, tmp_path, "a.xlsx", {"prosjekter": PROJECTS}, actor=local("Kari"))
    assert result.ok and result.stored.version == 1
    first = versions(db).iloc[0]
    assert first.created_by == "Kari" and first.file_name == "a.xlsx"
    assert len(first.sha256) == 64 and first.row_counts == {"prosjekter": 2}


def test_upload_replaces_per_project_and_sheet_and_keeps_history(db, tmp_path):
    load(
        db,
        tmp_path,
        "1.xlsx",
        {
            "prosjekter": PROJECTS,
            "risiko": [risk("R1", 2, 2), risk("R2", 3, 3), risk("R1", 4, 4, "P2")],
            "milepaeler": [
                {
                    "milepael_id": "M1",
                    "prosjekt_id": "P1",
                    "milepael": "Start",
                    "planlagt": dt.date(2025, 1, 1),
                }
            ],
        },
    )
    # Version 2 touches only P1's risks: R1 changes, R2 is gone, R3 is new.
    result = load(
        db, tmp_path, "2.xlsx", {"risiko": [risk("R1", 4, 4), risk("R3", 1, 1)]}, project="P1"
    )
    assert result.ok, result.upload.errors
    change = result.stored.changes["risiko"]
    assert (change.added, change.changed, change.removed) == (1, 1, 1)

    now = sheet_rows(db, "risiko")
    assert sorted(zip(now.prosjekt_id, now.risiko_id, now.sannsynlighet, strict=True)) == [
        ("P1", "R1", 4),
        ("P1", "R3", 1),
        ("P2", "R1", 4),
    ]
    # Untouched sheets and projects stay; the old version is still readable.
    assert len(sheet_rows(db, "milepaeler")) == 1
    before = sheet_rows(db, "risiko", version=1)
    assert sorted(before.risiko_id[before.prosjekt_id == "P1"]) == ["R1", "R2"]
    with duckdb.connect(str(db)) as connection:  # nothing is ever deleted
        assert connection.execute("SELECT count(*) FROM risiko").fetchall()[0][0] == 5


def test_a_version_given_its_own_time_keeps_the_history_in_order(db, tmp_path):
    """The demo stores its versions on the days of its story; no version may then come
    before the versions already stored, and a failed attempt stores nothing."""
    june, may = dt.datetime(2026, 6, 19, 10, 30), dt.datetime(2026, 5, 2, 9, 0)
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS}, created_at=june)
    assert versions(db).iloc[0].created_at == june
    with pytest.raises(store.StoreError, match="er før siste versjon"):
        load(db, tmp_path, "2.xlsx", {"risiko": [risk("R1", 2, 5)]}, created_at=may)
    assert latest_version(db) == 1 and sheet_rows(db, "risiko").empty
    store.lock_for_meeting(db, 1, "Juni", dt.date(2026, 6, 20), created_at=june, actor=TESTER)
    assert snapshots(db)[0].created_at == june
    load(db, tmp_path, "3.xlsx", {"risiko": [risk("R1", 2, 5)]})  # now: after June
    assert versions(db).iloc[0].created_at > june


def test_a_removed_benefit_takes_its_stored_measurements_with_it(db, tmp_path):
    """G1 goes from P1's Gevinster while its measurements are not in the upload: they go
    with it in the same version (history keeps them), the preview shows it, and the export
    still loads back unchanged. Before, they stayed behind naming an unknown benefit."""
    benefits = [
        {"gevinst_id": "G1", "gevinst": "Tid", "malverdi": 50.0},
        {"gevinst_id": "G2", "gevinst": "Kø", "malverdi": 5.0},
    ]
    measurements = [
        {"gevinst_id": "G1", "dato": dt.date(2025, 1, 1), "verdi": 40.0},
        {"gevinst_id": "G1", "dato": dt.date(2025, 6, 1), "verdi": 45.0},
        {"gevinst_id": "G2", "dato": dt.date(2025, 6, 1), "verdi": 4.0},
    ]
    assert load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS}).ok
    tables = {"gevinster": benefits, "malinger": measurements}
    assert load(db, tmp_path, "2.xlsx", tables, project="P1").ok
    assert load(db, tmp_path, "3.xlsx", tables, project="P2").ok  # P2 keeps its G1

    path = tmp_path / "4.xlsx"
    write_export(path, {"gevinster": frame("gevinster", benefits[1:])})
    checked = ingest.check_upload(db, path, "4.xlsx", "P1")
    assert checked.ok, checked.upload.errors
    shown = checked.preview.sheets["malinger"]
    assert (shown.added, shown.changed, shown.removed) == (0, 0, 2)
    assert len(shown.removed_rows) == 2
    stored = ingest.store_checked(db, checked, actor=local("Kari"))
    assert stored.changes["malinger"].removed == 2 and stored.changes["gevinster"].removed == 1

    rows = sheet_rows(db, "malinger")
    assert sorted(zip(rows.prosjekt_id, rows.gevinst_id, strict=True)) == [
        ("P1", "G2"),
        ("P2", "G1"),
        ("P2", "G1"),
        ("P2", "G2"),
    ]
    assert len(sheet_rows(db, "malinger", version=3)) == 6  # history keeps them

    exported = tmp_path / "eksport.xlsx"
    exported.write_bytes(ingest.export_bytes(db, None))
    again = load_file(db, exported, actor=TESTER)
    assert again.ok, again.upload.errors
    assert all(not c.added + c.changed + c.removed for c in again.stored.changes.values())


def test_unchanged_upload_changes_no_rows(db, tmp_path):
    tables = {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 5)]}
    load(db, tmp_path, "1.xlsx", tables)
    result = load(db, tmp_path, "2.xlsx", tables)
    assert result.stored.version == 2
    assert all(c.added == c.changed == c.removed == 0 for c in result.stored.changes.values())


def test_rollback_restores_an_old_version_as_a_new_one(db, tmp_path):
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 2)]})
    load(db, tmp_path, "2.xlsx", {"risiko": [risk("R1", 5, 5), risk("R2", 1, 1)]}, project="P1")
    restored = store.rollback(db, 1, actor=local("Ola"))
    assert restored.version == 3
    assert sheet_rows(db, "risiko")[["risiko_id", "sannsynlighet"]].values.tolist() == [["R1", 2]]
    assert sheet_rows(db, "risiko", version=2).risiko_id.tolist() == ["R1", "R2"]
    row = versions(db).iloc[0]
    assert row.kind == "rollback" and row.restored_from == 1 and row.created_by == "Ola"
    with pytest.raises(store.StoreError):
        store.rollback(db, 99, actor=TESTER)


def test_measurements_and_evaluations_use_their_own_keys(db, tmp_path):
    benefit = {
        "gevinst_id": "G1",
        "prosjekt_id": "P1",
        "gevinst": "Færre timer",
        "nullpunkt": 10.0,
        "malverdi": 5.0,
    }
    measure = {"gevinst_id": "G1", "prosjekt_id": "P1", "verdi": 8.0}
    load(
        db,
        tmp_path,
        "1.xlsx",
        {
            "prosjekter": PROJECTS,
            "gevinster": [benefit],
            "malinger": [
                {**measure, "dato": dt.date(2025, 1, 1)},
                {**measure, "dato": dt.date(2025, 2, 1), "verdi": 7.0},
            ],
        },
    )
    rows = sheet_rows(db, "malinger")
    assert rows.verdi.tolist() == [8.0, 7.0]


def test_failed_store_leaves_the_previous_version(db, tmp_path, monkeypatch):
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 2)]})
    real = store._replace_sheet
    calls = {"n": 0}

    def fail_on_second_sheet(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut half-way")
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "_replace_sheet", fail_on_second_sheet)
    with pytest.raises(RuntimeError):
        load(db, tmp_path, "2.xlsx", {"prosjekter": PROJECTS[:1], "risiko": [risk("R9", 5, 5)]})
    monkeypatch.undo()
    assert latest_version(db) == 1
    assert sheet_rows(db, "risiko").risiko_id.tolist() == ["R1"]
    assert sorted(sheet_rows(db, "prosjekter").prosjekt_id) == ["P1", "P2"]


def test_killed_writer_process_leaves_the_previous_version(db, tmp_path):
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 2)]})
    script = f"""
import os, pandas as pd
from lib import store
from lib.access import Actor
real = store._replace_sheet
def die(*a, **k):
    real(*a, **k)
    os._exit(9)  # the process dies mid-transaction, after writing one sheet
store._replace_sheet = die
rows = pd.DataFrame([{{"risiko_id": "R7", "prosjekt_id": "P1", "risiko": "x",
                      "sannsynlighet": 5, "konsekvens": 5}}])
store.store_upload({str(db)!r}, {{"risiko": rows, "prosjekter": rows.iloc[0:0]}},
                   {{"risiko": {{"P1"}}}}, actor=Actor.on_this_machine("t"))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=False)
    assert done.returncode == 9
    assert latest_version(db) == 1
    assert sheet_rows(db, "risiko").risiko_id.tolist() == ["R1"]


def test_cli_loads_while_another_process_holds_the_database(db, tmp_path):
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS})
    path = tmp_path / "2.xlsx"
    write_export(path, {"risiko": frame("risiko", [risk("R1", 3, 4)])})
    holder = _hold(db, 1.5)
    done = subprocess.run(
        [sys.executable, "-m", "lib.cli", "load", str(path), "--project", "P1", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    holder.wait(timeout=10)
    assert done.returncode == 0, done.stderr
    assert latest_version(db) == 2  # and a reader sees it at once, no restart needed


def test_concurrent_writers_in_one_process_get_distinct_versions(db, tmp_path):
    load(db, tmp_path, "0.xlsx", {"prosjekter": PROJECTS})
    errors: list[BaseException] = []

    def upload(n: int) -> None:
        try:
            rows = frame("risiko", [risk(f"R{n}", 1, 1, "P2")])
            store.store_upload(db, {"risiko": rows}, {"risiko": {"P2"}}, actor=local(f"t{n}"))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(versions(db).version) == [1, 2, 3, 4, 5]


def test_schema_version_is_stored_and_a_newer_file_is_refused(db):
    with store.connect(db) as connection:
        assert connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchall() == [(str(store.SCHEMA_VERSION),)]
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(store.StoreError, match="skjemaversjon 99"):
        latest_version(db)


def test_evaluation_plan_due_dates_and_statuses(db, tmp_path):
    recs = [
        {
            "anbefaling_id": "A1",
            "prosjekt_id": "P1",
            "anbefaling": "a",
            "vedtak": "Støttes",
            "iverksatt": dt.date(2024, 8, 31),
            "evaluering": (3, 6, 12),
        },
        {
            "anbefaling_id": "A2",
            "prosjekt_id": "P1",
            "anbefaling": "b",
            "vedtak": "Støttes delvis",
            "iverksatt": dt.date(2023, 8, 31),
            "evaluering": (6,),
        },
        {"anbefaling_id": "A3", "prosjekt_id": "P1", "anbefaling": "c", "vedtak": "Støttes"},
        {
            "anbefaling_id": "A4",
            "prosjekt_id": "P1",
            "anbefaling": "d",
            "vedtak": "Utredes videre",
            "iverksatt": dt.date(2024, 1, 1),
        },
    ]
    done = [
        {
            "anbefaling_id": "A1",
            "prosjekt_id": "P1",
            "evaluering": 3,
            "gjennomfort": dt.date(2024, 12, 1),
        }
    ]
    load(
        db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "anbefalinger": recs, "evalueringer": done}
    )
    plan = evaluation_plan(db, today=dt.date(2025, 2, 28))
    got = [
        (
            r.anbefaling_id,
            None if pd.isna(r.evaluering) else int(r.evaluering),
            None if pd.isna(r.frist) else pd.Timestamp(r.frist).date(),
            r.status,
        )
        for r in plan.itertuples()
    ]
    assert got == [
        ("A1", 3, dt.date(2024, 11, 30), "Gjennomført"),
        ("A1", 6, dt.date(2025, 2, 28), "Snart"),  # due today is not overdue
        ("A1", 12, dt.date(2025, 8, 31), "Planlagt"),
        ("A2", 6, dt.date(2024, 2, 29), "Forfalt"),  # 31 Aug + 6 months in a leap year
        ("A3", None, None, "Mangler iverksettingsdato"),
    ]
    soon = evaluation_plan(db, today=dt.date(2025, 1, 29))
    assert soon.status.tolist()[1] == "Snart"  # 30 days ahead
    later = evaluation_plan(db, today=dt.date(2025, 1, 28))
    assert later.status.tolist()[1] == "Planlagt"


def test_a_reordered_upload_keeps_the_order_of_earlier_versions(db, tmp_path):
    load(
        db,
        tmp_path,
        "1.xlsx",
        {"prosjekter": PROJECTS, "risiko": [risk("R1", 1, 1), risk("R2", 2, 2)]},
    )
    load(db, tmp_path, "2.xlsx", {"risiko": [risk("R2", 2, 2), risk("R1", 1, 1)]})
    assert sheet_rows(db, "risiko", version=1).risiko_id.tolist() == ["R1", "R2"]
    assert sheet_rows(db, "risiko").risiko_id.tolist() == ["R2", "R1"]


def test_a_project_a_rollback_removed_loads_again(db, tmp_path):
    """A rolled-back project has no current rows but a history: loading it again is not a
    concurrent upload."""
    assert load(db, tmp_path, "p2.xlsx", {"prosjekter": PROJECTS[1:]}).ok
    assert load(db, tmp_path, "p1.xlsx", {"prosjekter": PROJECTS[:1]}).ok
    store.rollback(db, 1, actor=TESTER)
    result = load(db, tmp_path, "p1-igjen.xlsx", {"prosjekter": PROJECTS[:1]})
    assert result.ok and result.stored.version == 4, result.upload.errors


def test_storing_leaves_the_app_connections_thread_setting_alone(db, tmp_path):
    """DuckDB shares one instance per file in a process: the store's single-thread setting
    must not outlive the store for the app's other connections."""
    assert load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS}).ok
    with store.connect(db) as reader:
        threads = reader.execute("SELECT current_setting('threads')").fetchall()
        store.store_upload(
            db, {"risiko": frame("risiko", [risk("R1", 2, 2)])}, {"risiko": {"P1"}}, actor=TESTER
        )
        assert reader.execute("SELECT current_setting('threads')").fetchall() == threads


def _hold(db: Path, seconds: float, read_only: bool = False) -> subprocess.Popen:
    """Another process (standing in for the app) that keeps the database open for a while."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(db)!r}, read_only={read_only}); "
            "print('open', flush=True); "
            f"time.sleep({seconds}); c.close()",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "open"
    return holder


def test_a_connection_opened_in_the_background_is_used_and_closed(db, tmp_path):
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS})
    with store.OpeningConnection(db) as opened:
        rows = frame("risiko", [risk("R1", 2, 2)])
        stored = store.store_upload(
            db, {"risiko": rows}, {"risiko": {"P1"}}, opened=opened, actor=TESTER
        )
    assert stored.version == 2
    with pytest.raises(store.StoreError):
        opened.connection()  # closed with its block
    holder = _hold(db, 0.1)  # another process can open the file: it was let go
    holder.wait(timeout=10)
    assert holder.returncode == 0


def test_closing_a_connection_still_being_opened_does_not_wait_for_it(db, tmp_path):
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS})
    holder = _hold(db, 1.5)
    started = time.monotonic()
    opened = store.OpeningConnection(db)  # waits in its thread for the holder
    opened.close()
    assert time.monotonic() - started < 0.5
    holder.wait(timeout=10)
    opened._thread.join(timeout=10)  # it opened once the holder let go, and closed at once
    assert not opened._thread.is_alive()
    assert latest_version(db) == 1  # the file is free again


def test_a_busy_database_is_reported_when_the_connection_is_wanted(db, tmp_path, monkeypatch):
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS})
    monkeypatch.setattr(db_module, "LOCK_WAIT_SECONDS", 0.2)
    holder = _hold(db, 2)
    with store.OpeningConnection(db) as opened, pytest.raises(store.StoreBusy):
        opened.connection()
    holder.wait(timeout=10)


def test_a_load_that_cannot_be_read_leaves_no_thread_holding_the_database(db, tmp_path):
    """The stored state is read while the child parses; when the parse fails, the load waits
    for that reading to end rather than leave it holding (or migrating) the file."""
    from lib.read import UnreadableFile
    from tests.fixtures import raw_copy, sheet_member, write_raw_zip

    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS})
    source = tmp_path / "hel.xlsx"
    rows = [risk(f"R{n}", 3, 4) for n in range(3000)]  # more than the checks look at
    write_export(source, {"risiko": frame("risiko", rows)})
    parts = raw_copy(source, {})
    damaged = sheet_member(source, "Risiko")
    for part in parts:
        if part.name == damaged:  # bytes flipped near the end of the deflate stream
            late = len(part.data) * 9 // 10
            part.data = part.data[:late] + bytes(b ^ 0x5A for b in part.data[late:])
    path = write_raw_zip(tmp_path / "odelagt.xlsx", parts)
    holder = _hold(db, 1.0)  # reading the stored state waits for it; the parse fails first
    with pytest.raises(UnreadableFile):
        load_file(db, path, project="P1", actor=TESTER)
    assert not [t for t in threading.enumerate() if t.name == "load-preparation"]
    holder.wait(timeout=10)
    assert latest_version(db) == 1


# ---------------------------------------------------------------------------------------------
# Read-only connections


def test_reading_a_missing_file_makes_a_new_empty_database(db):
    assert not db.exists()
    assert latest_version(db) == 0
    assert db.exists() and versions(db).empty


def test_reads_are_read_only(db, tmp_path):
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS})
    with db_module.reading(db) as connection, pytest.raises(duckdb.Error, match="read-only"):
        connection.execute("DELETE FROM prosjekter")
    assert len(sheet_rows(db, "prosjekter")) == 2


def test_two_processes_read_at_once_and_a_writer_waits_for_the_reader(db, tmp_path):
    """A read-only connection in another process (a second app server, say) does not stop
    this one reading; a writer waits until it closes, then stores."""
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS})
    holder = _hold(db, 1.0, read_only=True)
    started = time.monotonic()
    assert latest_version(db) == 1 and len(sheet_rows(db, "prosjekter")) == 2
    assert time.monotonic() - started < 0.5  # no waiting for the other reader
    stored = store.store_upload(
        db, {"risiko": frame("risiko", [risk("R1", 2, 2)])}, {"risiko": {"P1"}}, actor=TESTER
    )
    assert stored.version == 2
    holder.wait(timeout=10)
    assert holder.returncode == 0


def test_a_read_while_another_process_writes_waits_for_it(db, tmp_path):
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS})
    holder = _hold(db, 0.5)  # read-write, as the command line's load
    assert latest_version(db) == 1  # waited, then read
    holder.wait(timeout=10)


def test_reads_in_the_thread_of_a_writer_and_alongside_it_share_its_connection(db, tmp_path):
    """In one process DuckDB will not open a file read-only and read-write at once: while this
    process writes, reads join the writing instance instead of failing."""
    load(db, tmp_path, "1.xlsx", {"prosjekter": PROJECTS})
    errors: list[BaseException] = []

    def read_often() -> None:
        try:
            for _ in range(30):
                sheet_rows(db, "prosjekter")
        except BaseException as error:
            errors.append(error)

    with store.connect(db):
        assert latest_version(db) == 1
    readers = [threading.Thread(target=read_often) for _ in range(3)]
    for reader in readers:
        reader.start()
    for n in range(2, 6):
        rows = frame("risiko", [risk("R1", n % 5 + 1, 2)])
        assert (
            store.store_upload(db, {"risiko": rows}, {"risiko": {"P1"}}, actor=TESTER).version == n
        )
    for reader in readers:
        reader.join()
    assert not errors


def _measurements(*rows: tuple[str, dt.date, float]) -> pd.DataFrame:
    return frame(
        "malinger",
        [{"gevinst_id": g, "prosjekt_id": "P1", "dato": d, "verdi": v} for g, d, v in rows],
    )


def test_a_keyed_sheet_replaces_only_the_rows_with_its_keys(db, tmp_path):
    """A sheet in `keyed` (a KommIT workbook's measurements, the coming Status sheet) adds and
    updates the rows with its keys and leaves the project's other rows as they are, after
    which they read in the order they were uploaded; a sheet not keyed is the whole truth."""
    jan, jun, sep = dt.date(2025, 1, 1), dt.date(2025, 6, 1), dt.date(2025, 9, 1)
    benefit = {"gevinst_id": "G1", "prosjekt_id": "P1", "gevinst": "Tid", "malverdi": 5.0}
    scope = {"gevinster": {"P1"}, "malinger": {"P1"}}
    first = {"gevinster": frame("gevinster", [benefit]), "malinger": _measurements(
        ("G1", jan, 40.0), ("G1", jun, 45.0))}  # fmt: skip
    store.store_upload(db, first, scope, actor=TESTER)

    upload = {"malinger": _measurements(("G1", sep, 50.0), ("G1", jun, 46.0))}
    stored = store.store_upload(db, upload, {"malinger": {"P1"}}, keyed={"malinger"}, actor=TESTER)
    change = stored.changes["malinger"]
    assert (change.added, change.changed, change.removed, change.rows) == (1, 1, 0, 2)
    rows = sheet_rows(db, "malinger")
    days = [day.date() for day in rows.dato]
    assert list(zip(days, rows.verdi, strict=True)) == [(jan, 40.0), (sep, 50.0), (jun, 46.0)]
    assert len(sheet_rows(db, "malinger", version=1)) == 2  # the history is as it was

    again = store.store_upload(db, upload, {"malinger": {"P1"}}, keyed={"malinger"}, actor=TESTER)
    assert not again.changes["malinger"].added + again.changes["malinger"].changed
    assert len(sheet_rows(db, "malinger")) == 3  # the same rows again: nothing moves

    whole = store.store_upload(
        db, upload, {"malinger": {"P1"}}, actor=TESTER
    )  # not keyed: the new truth
    assert whole.changes["malinger"].removed == 1
    assert [day.date() for day in sheet_rows(db, "malinger").dato] == [sep, jun]

    restored = store.rollback(db, 2, actor=TESTER)  # whole rows, keyed or not
    assert len(sheet_rows(db, "malinger", version=restored.version)) == 3

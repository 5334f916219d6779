"""The preview before storing, and storing what was previewed: counts, fields, no writes,
and uploads that race for the same project."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import db as db_module
from lib import ingest, store
from lib.db import latest_version
from lib.exports import write_export
from lib.preview import SCORE_HEADING, format_value, preview_upload
from lib.queries import sheet_rows, versions
from lib.validate import ValidatedUpload
from tests.fixtures import PROJECTS, TESTER, copy_database, frame, local, make_workbook, risk

ROOT = Path(__file__).resolve().parent.parent


def workbook(tmp_path: Path, name: str, tables: dict[str, list[dict]]) -> Path:
    path = tmp_path / name
    write_export(path, {key: frame(key, rows) for key, rows in tables.items()})
    return path


def file_state(db: Path) -> str:
    """A fingerprint of the database file and its write-ahead log, byte for byte."""
    digest = hashlib.sha256()
    for path in (db, Path(f"{db}.wal")):
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "preview.duckdb"
    first = workbook(
        tmp_path,
        "1.xlsx",
        {
            "prosjekter": PROJECTS,
            "risiko": [
                risk("R1", 3, 3, tiltak="Ukentlig møte"),
                risk("R2", 2, 2),
                risk("R1", 4, 4, "P2"),
            ],
        },
    )
    assert ingest.load_file(path, first, actor=local("Kari")).ok
    return path


def test_preview_shows_each_changed_field_and_the_score(db: Path, tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        "2.xlsx",
        {"risiko": [risk("R1", 4, 4, tiltak="Ukentlig møte"), risk("R3", 1, 5)]},
    )
    checked = ingest.check_upload(db, path, project="P1")
    assert checked.ok and checked.base_version == 1
    sheet = checked.preview.sheets["risiko"]
    assert (sheet.added, sheet.changed, sheet.removed, sheet.unchanged) == (1, 1, 1, 0)

    changed = sheet.changed_fields
    assert list(changed.columns) == [
        "Rad",
        "Prosjekt-ID",
        "Risiko-ID",
        "Risiko",
        "Felt",
        "Før",
        "Nå",
    ]
    lines = changed[["Risiko-ID", "Felt", "Før", "Nå"]].values.tolist()
    assert lines == [
        ["R1", "Sannsynlighet", "3 - Middels", "4 - Høy"],
        ["R1", "Konsekvens", "3 - Moderat", "4 - Alvorlig"],
        ["R1", SCORE_HEADING, "9", "16"],  # the risk's score 9 -> 16
    ]
    assert changed["Rad"].tolist() == [2, 2, 2]  # the Excel row in the upload
    assert sheet.added_rows["Risiko-ID"].tolist() == ["R3"]
    assert sheet.added_rows["Rad"].tolist() == [3]
    assert sheet.removed_rows["Risiko-ID"].tolist() == ["R2"]
    # P2's R1 is another project: neither compared nor removed.
    assert "P2" not in set(sheet.removed_rows["Prosjekt-ID"])
    assert checked.preview.expected_versions == {"P1": 1}


def test_preview_counts_are_exactly_what_storing_changes(db: Path, tmp_path: Path) -> None:
    path = workbook(
        tmp_path, "2.xlsx", {"risiko": [risk("R1", 4, 4, tiltak="Ukentlig møte"), risk("R3", 1, 5)]}
    )
    checked = ingest.check_upload(db, path, project="P1")
    stored = ingest.store_checked(db, checked, actor=local("Ola"))
    sheet = checked.preview.sheets["risiko"]
    change = stored.changes["risiko"]
    assert (change.added, change.changed, change.removed) == (
        sheet.added,
        sheet.changed,
        sheet.removed,
    )
    assert versions(db).iloc[0].created_by == "Ola"


def test_preview_writes_nothing(db: Path, tmp_path: Path) -> None:
    before = file_state(db)
    path = workbook(tmp_path, "2.xlsx", {"risiko": [risk("R1", 5, 5), risk("R9", 1, 1)]})
    checked = ingest.check_upload(db, path, project="P1")
    assert checked.ok and checked.preview.has_changes
    assert file_state(db) == before
    assert latest_version(db) == 1


def test_an_upload_with_errors_stores_nothing_and_leaves_the_file_unchanged(
    db: Path, tmp_path: Path
) -> None:
    before = file_state(db)
    bad = make_workbook(
        tmp_path / "feil.xlsx",
        {
            "Risiko": [
                ["Risiko-ID", "Prosjekt-ID", "Risiko", "Sannsynlighet", "Konsekvens"],
                ["R1", "P1", "Gyldig rad", 5, 5],
                ["R2", "P1", "Ugyldig rad", "kanskje", 3],
            ]
        },
    )
    checked = ingest.check_upload_bytes(db, bad.read_bytes(), "feil.xlsx")
    assert not checked.ok and checked.preview is None
    assert [(e.sheet, e.row, e.column) for e in checked.upload.errors] == [
        ("Risiko", 3, "Sannsynlighet")
    ]
    assert "1 feil i 1 ark (Risiko: 1)" in ingest.error_summary(checked.upload)
    result = ingest.load_file(db, bad, actor=TESTER)  # the command line's path
    assert not result.ok
    assert file_state(db) == before
    assert latest_version(db) == 1
    assert sheet_rows(db, "risiko")["sannsynlighet"].tolist() == [3, 2, 4]
    with pytest.raises(ValueError):
        ingest.store_checked(db, checked, actor=local("Kari"))


def test_uploaded_bytes_are_parsed_from_a_temporary_file_that_is_removed(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    data = workbook(tmp_path, "2.xlsx", {"risiko": [risk("R1", 5, 5)]}).read_bytes()
    checked = ingest.check_upload_bytes(db, data, "Risiko for P1.xlsx", "P1")
    assert checked.ok and checked.file_name == "Risiko for P1.xlsx"
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert list(scratch.iterdir()) == []
    with pytest.raises(ingest.UnreadableFile, match=r"«tull\.xlsx»"):
        ingest.check_upload_bytes(db, b"not a workbook", "tull.xlsx")
    assert list(scratch.iterdir()) == []


def test_checking_an_upload_opens_one_read_only_connection_and_hashes_the_file_once(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[bool] = []
    real_open = db_module._open

    def counting_open(path: Path, read_only: bool):
        opened.append(read_only)
        return real_open(path, read_only)

    hashed: list[object] = []
    real_hash = ingest.file_sha256
    monkeypatch.setattr(db_module, "_open", counting_open)
    monkeypatch.setattr(ingest, "file_sha256", lambda path: hashed.append(path) or real_hash(path))
    path = workbook(tmp_path, "2.xlsx", {"risiko": [risk("R1", 5, 5)]})
    checked = ingest.check_upload_bytes(db, path.read_bytes(), "2.xlsx", "P1")
    assert checked.ok and checked.preview.has_changes
    assert opened == [True] and hashed == []  # the bytes were hashed, the file not again
    checked = ingest.check_upload(db, path, project="P1")
    assert checked.ok and opened == [True, True] and hashed == [path]


def test_someone_else_storing_the_same_project_stops_the_store(db: Path, tmp_path: Path) -> None:
    mine = workbook(tmp_path, "mine.xlsx", {"risiko": [risk("R1", 5, 5)]})
    checked = ingest.check_upload(db, mine, project="P1")
    # Meanwhile another person stores a version of P1 (the command line, another browser).
    theirs = workbook(tmp_path, "theirs.xlsx", {"risiko": [risk("R1", 1, 1)]})
    assert ingest.load_file(db, theirs, actor=local("Per"), project="P1").stored.version == 2

    with pytest.raises(store.ConcurrentUpload) as raised:
        ingest.store_checked(db, checked, actor=local("Kari"))
    assert raised.value.moved == {"P1": 2}
    assert raised.value.stored_by == {2: "Per"}
    assert "versjon 2 (P1) ble lagret av Per" in str(raised.value)
    assert latest_version(db) == 2  # nothing of mine was stored

    again = ingest.check_upload(db, mine, project="P1")  # the app shows the new preview
    fields = again.preview.sheets["risiko"].changed_fields
    assert fields[fields["Felt"] == SCORE_HEADING][["Før", "Nå"]].values.tolist() == [["1", "25"]]
    assert ingest.store_checked(db, again, actor=local("Kari")).version == 3


def test_another_project_stored_meanwhile_does_not_stop_the_store(db: Path, tmp_path: Path) -> None:
    mine = workbook(tmp_path, "mine.xlsx", {"risiko": [risk("R1", 5, 5)]})
    checked = ingest.check_upload(db, mine, project="P1")
    other = workbook(tmp_path, "p2.xlsx", {"risiko": [risk("R1", 1, 1, "P2")]})
    assert ingest.load_file(db, other, project="P2", actor=TESTER).ok
    assert ingest.store_checked(db, checked, actor=local("Kari")).version == 3


def test_a_new_project_created_by_someone_else_meanwhile_is_caught(
    db: Path, tmp_path: Path
) -> None:
    new = [{"prosjekt_id": "P3", "prosjektnavn": "Nytt"}]
    mine = workbook(tmp_path, "mine.xlsx", {"prosjekter": new})
    checked = ingest.check_upload(db, mine)
    assert checked.preview.expected_versions == {"P3": 0}
    assert ingest.load_file(
        db, workbook(tmp_path, "theirs.xlsx", {"prosjekter": new}), actor=TESTER
    ).ok
    with pytest.raises(store.ConcurrentUpload):
        ingest.store_checked(db, checked, actor=local("Kari"))


def test_two_confirmed_uploads_of_one_project_never_interleave(db: Path, tmp_path: Path) -> None:
    """Both previewed against version 1; storing at the same moment: one wins, one is told."""
    checks = [
        ingest.check_upload(
            db, workbook(tmp_path, f"{n}.xlsx", {"risiko": [risk("R1", n, n)]}), project="P1"
        )
        for n in (4, 5)
    ]
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def confirm(checked: ingest.CheckedUpload) -> None:
        start.wait()
        try:
            outcomes.append(ingest.store_checked(db, checked, actor=local("x")).version)
        except store.ConcurrentUpload as error:
            outcomes.append(error)

    threads = [threading.Thread(target=confirm, args=(c,)) for c in checks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(type, outcomes), key=str) == sorted([int, store.ConcurrentUpload], key=str)
    assert latest_version(db) == 2


CONFIRM = """
import sys, time, pathlib
from lib import ingest, store
from lib.access import Actor
db, path, ready, go = sys.argv[1:5]
checked = ingest.check_upload(db, path, project="P1")
pathlib.Path(ready).touch()
while not pathlib.Path(go).exists():
    time.sleep(0.01)
try:
    print("stored", ingest.store_checked(db, checked, actor=Actor.on_this_machine("p")).version)
except store.ConcurrentUpload:
    print("refused")
"""


def test_two_processes_confirming_the_same_project_store_one_version(
    db: Path, tmp_path: Path
) -> None:
    """Across processes the DuckDB file lock and the in-transaction check decide."""
    go = tmp_path / "go"
    children = []
    for n in (4, 5):
        path = workbook(tmp_path, f"{n}.xlsx", {"risiko": [risk("R1", n, n)]})
        ready = tmp_path / f"ready{n}"
        child = subprocess.Popen(
            [sys.executable, "-c", CONFIRM, str(db), str(path), str(ready), str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ},
        )
        children.append((child, ready))
    for child, ready in children:
        while not ready.exists():
            assert child.poll() is None, child.stderr.read()
    go.touch()
    outputs = sorted(child.communicate(timeout=120)[0].strip() for child, _ in children)
    assert outputs == ["refused", "stored 2"], outputs
    assert latest_version(db) == 2


def test_command_line_load_checks_again_when_the_project_moved(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between its check and its store another upload lands: it validates again and stores."""
    real = ingest.store_upload
    calls = {"n": 0}

    def store_after_someone_else(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            rows = frame("risiko", [risk("R1", 1, 1)])
            real(db, {"risiko": rows}, {"risiko": {"P1"}}, actor=local("Per"))
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest, "store_upload", store_after_someone_else)
    path = workbook(tmp_path, "2.xlsx", {"risiko": [risk("R1", 5, 5)]})
    result = ingest.load_file(db, path, project="P1", actor=local("Kari"))
    assert result.ok and result.stored.version == 3 and calls["n"] == 2
    assert versions(db).created_by.tolist()[:2] == ["Kari", "Per"]
    rows = sheet_rows(db, "risiko")
    assert rows[rows.prosjekt_id == "P1"].sannsynlighet.tolist() == [5]


def test_preview_against_an_older_base_version(db: Path, tmp_path: Path) -> None:
    assert ingest.load_file(
        db, workbook(tmp_path, "2.xlsx", {"risiko": [risk("R1", 5, 5)]}), project="P1", actor=TESTER
    ).ok
    upload = ingest.check_file(
        db, workbook(tmp_path, "3.xlsx", {"risiko": [risk("R1", 5, 5)]}), project="P1"
    )
    assert not preview_upload(db, upload).has_changes
    old = preview_upload(db, upload, base=1)
    assert old.base_version == 1 and old.expected_versions == {"P1": 1}
    assert old.sheets["risiko"].changed == 1 and old.sheets["risiko"].removed == 1


def test_format_value_reads_as_a_person_writes() -> None:
    import datetime as dt

    from lib.contract import RISIKO

    assert format_value(RISIKO.column("sannsynlighet"), 4) == "4 - Høy"
    assert format_value(None, dt.date(2024, 12, 17)) == "17.12.2024"
    assert format_value(None, pd.Timestamp("2024-12-17")) == "17.12.2024"
    assert format_value(None, 1234.5) == "1 234,5"
    assert format_value(None, 12.0) == "12"
    assert format_value(None, [6, 12]) == "6, 12"
    assert format_value(None, None) == ""
    assert format_value(None, float("nan")) == ""
    assert format_value(None, "=SUM(A1)") == "=SUM(A1)"


# ---------------------------------------------------------------------------------------------
# Property: for any stored register and any upload, the preview counts what storing changes.

_risk_rows = st.dictionaries(
    st.sampled_from([f"R{n}" for n in range(1, 7)]),
    st.tuples(st.integers(1, 5), st.integers(1, 5), st.sampled_from(["Åpen", "Lukket"])),
    max_size=6,
)


def _table(rows: dict[str, tuple[int, int, str]]) -> pd.DataFrame:
    return frame(
        "risiko",
        [risk(key, s, k, status=status) for key, (s, k, status) in sorted(rows.items())],
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(first=_risk_rows, second=_risk_rows)
def test_preview_always_matches_the_store(
    tmp_path_factory: pytest.TempPathFactory, empty_database: Path, first: dict, second: dict
) -> None:
    db = copy_database(empty_database, tmp_path_factory.mktemp("prop") / "p.duckdb")
    store.store_upload(db, {"risiko": _table(first)}, {"risiko": {"P1"}}, actor=TESTER)
    upload = ValidatedUpload("x.xlsx", {"risiko": _table(second)}, {"risiko": {"P1"}})
    preview = preview_upload(db, upload)
    sheet = preview.sheets["risiko"]
    stored = store.store_upload(
        db, upload.tables, upload.scope, expected_versions=preview.expected_versions, actor=TESTER
    )
    change = stored.changes["risiko"]
    assert (sheet.added, sheet.changed, sheet.removed) == (
        change.added,
        change.changed,
        change.removed,
    )
    assert sheet.added + sheet.changed + sheet.unchanged == len(second)
    assert set(sheet.changed_fields.get("Risiko-ID", [])) == {
        key for key in set(first) & set(second) if first[key] != second[key]
    }


def test_the_preview_of_a_keyed_sheet_counts_what_storing_changes(db: Path) -> None:
    """A keyed sheet (`ValidatedUpload.keyed_sheets`) is compared only with the stored rows
    with its keys: the others stay, so they are neither removed nor unchanged rows."""
    rows = frame("risiko", [risk("R1", 4, 4, tiltak="Ukentlig møte"), risk("R9", 1, 1)])
    upload = ValidatedUpload("x.xlsx", {"risiko": rows}, {"risiko": {"P1"}})
    upload.keyed_sheets = {"risiko"}
    preview = preview_upload(db, upload)
    sheet = preview.sheets["risiko"]
    assert (sheet.added, sheet.changed, sheet.removed, sheet.unchanged) == (1, 1, 0, 0)
    assert sheet.removed_rows.empty
    stored = store.store_upload(
        db, upload.tables, upload.scope, keyed=upload.keyed_sheets, actor=TESTER
    )
    change = stored.changes["risiko"]
    assert (change.added, change.changed, change.removed) == (1, 1, 0)
    assert sorted(sheet_rows(db, "risiko").query("prosjekt_id == 'P1'").risiko_id) == [
        "R1",
        "R2",
        "R9",
    ]

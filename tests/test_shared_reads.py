"""One read-only connection for a page's run (`lib.db.shared_reads`): reads share it, a write
on the same thread closes it first, and it is closed when the run ends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from lib.db import latest_version, reading, shared_reads
from lib.queries import sheet_rows
from tests.fixtures import PROJECTS, load, risk

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "shared.duckdb"
    load(path, tmp_path, "1.xlsx", {"prosjekter": PROJECTS, "risiko": [risk("R1", 2, 2)]})
    return path


def test_reads_in_the_block_share_one_connection_closed_at_its_end(db: Path) -> None:
    with shared_reads(db):
        with reading(db) as first:
            pass
        with reading(db) as second:
            assert second is first
            assert second.execute("SELECT 1").fetchall() == [(1,)]  # still open
        assert latest_version(db) == 1
    with pytest.raises(duckdb.ConnectionException):
        first.execute("SELECT 1")
    with reading(db) as after:  # outside the block: a connection of its own again
        assert after is not first


def test_another_file_is_not_shared(db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    load(other, tmp_path, "o.xlsx", {"prosjekter": PROJECTS})
    with shared_reads(db), reading(db) as shared, reading(other) as own:
        assert own is not shared


def test_a_write_in_the_block_closes_the_shared_connection_and_is_seen_after(
    db: Path, tmp_path: Path
) -> None:
    with shared_reads(db):
        assert sheet_rows(db, "risiko").risiko_id.tolist() == ["R1"]
        with reading(db) as before:
            pass
        # Without closing it first, the read-write opening would wait for this very thread.
        load(db, tmp_path, "2.xlsx", {"risiko": [risk("R2", 3, 3)]}, project="P1")
        with pytest.raises(duckdb.ConnectionException):
            before.execute("SELECT 1")
        assert latest_version(db) == 2
        assert sheet_rows(db, "risiko").risiko_id.tolist() == ["R2"]


def test_another_process_writes_once_the_block_has_ended(db: Path, tmp_path: Path) -> None:
    script = (
        "from lib.store import connect\n"
        f"with connect({str(db)!r}) as c: c.execute('CHECKPOINT')\n"
        "print('written')"
    )
    with shared_reads(db):
        assert latest_version(db) == 1
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "written" in done.stdout, done.stderr

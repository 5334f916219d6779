"""`backup DIR`: a consistent copy of the database with its whole history (issue 10, item 11).
A backup is restored both ways the README gives (copied into place, or named by
STYRINGSROM_DB) and compared with the original at several versions."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from lib.contract import SHEETS
from lib.db import latest_version
from lib.queries import dump_rows, versions
from lib.snapshots import snapshots
from tests.fixtures import cli, load, risk

ROOT = Path(__file__).resolve().parent.parent


def take_backup(db: Path, folder: Path) -> Path:
    done = cli("backup", folder, "--db", db)
    assert done.returncode == 0, done.stderr
    written = re.fullmatch(
        r"Sikkerhetskopien er skrevet til (.+) \(alle versjoner.*\)\.\n", done.stdout
    )
    assert written, done.stdout
    path = Path(written.group(1))
    assert path.parent == folder and path.exists()
    assert re.fullmatch(rf"{db.stem}-\d{{4}}-\d\d-\d\d-\d{{6}}\.duckdb", path.name)
    return path


def same_data(original: Path, restored: Path) -> None:
    """Versions, meetings and every sheet at every version are the same."""
    pd.testing.assert_frame_equal(versions(original), versions(restored))
    assert snapshots(original) == snapshots(restored)
    latest = latest_version(original)
    assert latest == latest_version(restored) and latest > 2
    for version in sorted({1, latest // 2, latest}):
        for sheet in SHEETS:
            pd.testing.assert_frame_equal(
                dump_rows(original, sheet.key, version), dump_rows(restored, sheet.key, version)
            )


def test_a_backup_restored_in_place_holds_every_version(demo_db: Path, tmp_path: Path) -> None:
    original = tmp_path / "styringsrom.duckdb"
    shutil.copyfile(demo_db, original)
    backup = take_backup(original, tmp_path / "kopier")
    # Restored the first way: copied over the database file (here: to where it would be).
    restored = tmp_path / "gjenopprettet" / "styringsrom.duckdb"
    restored.parent.mkdir()
    shutil.copyfile(backup, restored)
    same_data(original, restored)
    # The restored database takes new uploads as the original does.
    for db in (original, restored):
        new_risk = {"risiko": [risk("R99", 5, 5, project="OTK-OU2")]}
        assert load(db, tmp_path, "ny.xlsx", new_risk).stored
    for sheet in SHEETS:
        pd.testing.assert_frame_equal(
            dump_rows(original, sheet.key), dump_rows(restored, sheet.key)
        )


def test_a_backup_named_by_styringsrom_db_is_read_as_the_database(
    demo_db: Path, tmp_path: Path
) -> None:
    backup = take_backup(demo_db, tmp_path)
    # Restored the second way: STYRINGSROM_DB names the backup, no --db.
    for command in (["versions"], ["dump", "risiko", "--version", "2"], ["dump", "gevinster"]):
        assert (
            cli(*command, env={"STYRINGSROM_DB": str(backup)}).stdout
            == cli(*command, "--db", demo_db).stdout
        )
    # Two backups in the same second get names of their own.
    assert take_backup(demo_db, tmp_path) != backup


def test_a_backup_is_taken_while_another_process_reads(demo_db: Path, tmp_path: Path) -> None:
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nfrom lib.db import reading\n"
            f"with reading({str(demo_db)!r}) as connection:\n"
            "    connection.execute('SELECT count(*) FROM versions').fetchall()\n"
            "    print('leser', flush=True)\n"
            "    sys.stdin.readline()\n",
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline() == "leser\n"
        backup = take_backup(demo_db, tmp_path)
        assert reader.poll() is None  # the reader still holds its connection
    finally:
        assert reader.stdin is not None
        reader.stdin.close()
        reader.wait(timeout=60)
    same_data(demo_db, backup)


def test_nothing_to_back_up_is_said_plainly(tmp_path: Path) -> None:
    done = cli("backup", tmp_path / "kopier", "--db", tmp_path / "finnes-ikke.duckdb")
    assert done.returncode == 1 and "finnes ikke" in done.stderr
    assert not (tmp_path / "finnes-ikke.duckdb").exists()

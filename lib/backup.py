"""Backups: a consistent copy of the database with its whole history, also while the app runs.

The copy is made through DuckDB, not by copying bytes: the database is opened for reading
(lib.db.reading: it waits while another process writes, and holds writers off while it
reads, so the copy is of one state), a new file is attached beside it and `COPY FROM
DATABASE` writes every table, sequence and constraint into it. The copy is compact (no free
blocks), and a damaged source fails with a message instead of being copied as it is. The
file gets its final name only when it is complete, so a backup is never half written.

To restore: copy the backup over the database file while nothing writes to it (stop the app),
or point STYRINGSROM_DB (or --db) at the backup.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from lib import clock
from lib.db import StoreError, default_db_path, latest_version_in, reading

_ALIAS = "styringsrom_sikkerhetskopi"


@dataclass(frozen=True)
class Backup:
    path: Path
    version: int  # the latest version in it


def _quoted(text: str, mark: str) -> str:
    """`text` as an SQL string (mark ') or identifier (mark ")."""
    return mark + text.replace(mark, mark * 2) + mark


def backup_name(source: Path, folder: Path, when: dt.datetime) -> Path:
    """`<database name>-YYYY-MM-DD-HHMMSS.duckdb` in `folder`; `-2`, `-3` … when taken
    within the same second."""
    base = f"{source.stem}-{when:%Y-%m-%d-%H%M%S}"
    target = folder / f"{base}.duckdb"
    number = 1
    while target.exists():
        number += 1
        target = folder / f"{base}-{number}.duckdb"
    return target


def write_backup(
    db: Path | str | None, folder: Path | str, *, when: dt.datetime | None = None
) -> Backup:
    """Copy the database `db` (default: the app's) with every version into `folder`."""
    source = Path(db) if db is not None else default_db_path()
    if not source.is_file():
        raise StoreError(
            f"Databasefilen {source} finnes ikke, så det er ingenting å ta sikkerhetskopi av."
        )
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = backup_name(source, folder, when or clock.now())
    partial = target.with_name(f".{target.name}.delvis")
    try:
        with reading(source) as connection:
            name = connection.execute("SELECT current_database()").fetchall()[0][0]
            version = latest_version_in(connection)
            connection.execute(
                f"ATTACH {_quoted(str(partial), chr(39))} AS {_ALIAS} (READ_ONLY false)"
            )
            try:
                connection.execute(f"COPY FROM DATABASE {_quoted(name, chr(34))} TO {_ALIAS}")
            finally:
                connection.execute(f"DETACH {_ALIAS}")  # writes the copy to its file
        os.replace(partial, target)
    finally:
        for leftover in (partial, partial.with_name(partial.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return Backup(target, version)

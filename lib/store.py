"""The DuckDB file: schema, versions, one transaction per upload, rollback.

Every contract sheet is a table whose rows carry the versions they are valid in
(`valid_from` <= v < `valid_to`, NULL = still current). An upload closes the rows it changes or
removes and inserts the new ones, all in one transaction; nothing is ever deleted, so any
version can be read "as of" and restored as a new version.

DuckDB lets one process write a file at a time, and a process holding a connection locks the
file. So no process keeps a connection: each unit of work opens one, does its work and closes
it, retrying while another process (the command line, or the app) holds the lock. That lets
the command line load while the app runs, and the app sees the new version on its next read.

This module holds the SQL that writes; lib/queries.py holds the SQL that reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from lib.contract import PROJECT_COLUMN, SHEETS, Kind, Sheet

SCHEMA_VERSION = 1
DEFAULT_DB = Path("data/styringsrom.duckdb")
LOCK_WAIT_SECONDS = 30.0
OPEN_VERSION = 2_147_483_647  # valid_to of a current row, for as-of comparisons

SQL_TYPES: dict[Kind, str] = {
    Kind.TEXT: "VARCHAR",
    Kind.ID: "VARCHAR",
    Kind.DATE: "DATE",
    Kind.NUMBER: "DOUBLE",
    Kind.PROBABILITY: "TINYINT",
    Kind.CONSEQUENCE: "TINYINT",
    Kind.DECISION: "VARCHAR",
    Kind.RISK_STATUS: "VARCHAR",
    Kind.BENEFIT_TYPE: "VARCHAR",
    Kind.EVALUATION_RESULT: "VARCHAR",
    Kind.MONTHS: "INTEGER",
    Kind.MONTHS_LIST: "INTEGER[]",
}


class StoreBusy(RuntimeError):
    """Another process held the database longer than we were willing to wait."""


class StoreError(RuntimeError):
    """The database cannot be used (e.g. written by a newer Styringsrom); message in Norwegian."""


def default_db_path() -> Path:
    return Path(os.environ.get("STYRINGSROM_DB") or DEFAULT_DB)


_write_lock = threading.RLock()  # one writer per process; DuckDB's file lock guards across them


def _is_lock_conflict(error: duckdb.Error) -> bool:
    text = str(error).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


@contextmanager
def connect(path: Path | str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection with the schema in place; waits while another process writes."""
    path = Path(path) if path is not None else default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    delay = 0.02
    while True:
        try:
            connection = duckdb.connect(str(path))
            break
        except duckdb.Error as error:
            if not _is_lock_conflict(error) or time.monotonic() > deadline:
                if _is_lock_conflict(error):
                    raise StoreBusy(
                        f"Databasen {path} er opptatt av en annen prosess; prøv igjen om litt."
                    ) from error
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.25)
    try:
        _ensure_schema(connection)
        yield connection
    finally:
        connection.close()


def _table_ddl(sheet: Sheet) -> str:
    columns = ",\n  ".join(f"{column.db} {SQL_TYPES[column.kind]}" for column in sheet.columns)
    return f"""CREATE TABLE IF NOT EXISTS {sheet.table} (
  row_id BIGINT DEFAULT nextval('row_ids'),
  valid_from INTEGER NOT NULL,
  valid_to INTEGER,
  row_key VARCHAR NOT NULL,
  row_hash VARCHAR NOT NULL,
  row_order INTEGER,
  {columns}
)"""


def _ensure_schema(connection: duckdb.DuckDBPyConnection) -> None:
    found = connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchall()[0]
    if found and found[0]:
        row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        version = int(row[0][0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"Databasen har skjemaversjon {version}, men denne versjonen av Styringsrom "
                f"kjenner bare versjon {SCHEMA_VERSION}. Oppdater programmet."
            )
        if version == SCHEMA_VERSION:
            return
    with _write_lock:
        connection.execute("BEGIN TRANSACTION")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)"
        )
        connection.execute(
            """CREATE TABLE IF NOT EXISTS versions (
              version INTEGER PRIMARY KEY,
              created_at TIMESTAMP NOT NULL,
              created_by VARCHAR,
              file_name VARCHAR,
              sha256 VARCHAR,
              kind VARCHAR NOT NULL,
              restored_from INTEGER,
              row_counts VARCHAR,
              changes VARCHAR
            )"""
        )
        connection.execute("CREATE SEQUENCE IF NOT EXISTS row_ids")
        for sheet in SHEETS:
            connection.execute(_table_ddl(sheet))
        # Later schema versions migrate here, step by step, inside this transaction.
        connection.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?), ('contract_version', '1')",
            [str(SCHEMA_VERSION)],
        )
        connection.execute("COMMIT")


# ---------------------------------------------------------------------------------------------
# Writing


@dataclass(frozen=True)
class SheetChange:
    added: int
    changed: int
    removed: int
    rows: int  # rows of this sheet in the upload


@dataclass(frozen=True)
class StoredVersion:
    version: int
    changes: dict[str, SheetChange]

    def summary(self) -> str:
        """One line for the command line and the app, in Norwegian."""
        parts = [
            f"{key}: {change.rows} rader ({change.added} nye, {change.changed} endret, "
            f"{change.removed} fjernet)"
            for key, change in self.changes.items()
        ]
        return f"Versjon {self.version} lagret. " + ("; ".join(parts) or "Ingen ark.")


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _struct(columns: list[str] | tuple[str, ...]) -> str:
    fields = ", ".join(f"'{column}': {column}" for column in columns)
    return f"md5(CAST(to_json({{{fields}}}) AS VARCHAR))"


def _key_expression(sheet: Sheet) -> str:
    """A row's identity: its project and ID columns, folded into one joinable value."""
    return _struct(list(dict.fromkeys((PROJECT_COLUMN, *sheet.id_columns))))


def _hash_expression(sheet: Sheet) -> str:
    """A row's content: equal hashes mean nothing changed."""
    return _struct([column.db for column in sheet.columns])


def _incoming_frame(sheet: Sheet, table: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(index=range(len(table)))
    for column in sheet.columns:
        values = table[column.db].tolist() if column.db in table else [None] * len(table)
        if column.kind is Kind.MONTHS_LIST:
            values = [list(value) if value is not None else None for value in values]
        frame[column.db] = pd.Series(values, dtype="object")
    frame["row_order"] = range(1, len(table) + 1)
    return frame


def _replace_sheet(
    connection: duckdb.DuckDBPyConnection,
    sheet: Sheet,
    table: pd.DataFrame,
    projects: set[str],
    version: int,
) -> SheetChange:
    """Make `table` the truth for `projects` in this sheet, as `version`.

    Rows are matched by single-column keys and hashes so every step is a hash join; a
    multi-column correlated match made a 50,000-row upload quadratic.
    """
    incoming = _incoming_frame(sheet, table)
    casts = ", ".join(
        f"CAST(incoming_frame.{c.db} AS {SQL_TYPES[c.kind]}) AS {c.db}" for c in sheet.columns
    )
    connection.register("incoming_frame", incoming)
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE incoming_typed AS SELECT {casts}, row_order "
        "FROM incoming_frame"
    )
    connection.unregister("incoming_frame")
    connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE incoming AS
        SELECT *, {_key_expression(sheet)} AS row_key, {_hash_expression(sheet)} AS row_hash
        FROM incoming_typed"""
    )
    connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE current_rows AS
        SELECT row_key, row_hash FROM {sheet.table}
        WHERE valid_to IS NULL AND {PROJECT_COLUMN} IN (SELECT unnest($projects::VARCHAR[]))""",
        {"projects": sorted(projects)},
    )
    added, changed, removed = connection.execute(
        """SELECT
          count(*) FILTER (WHERE c.row_key IS NULL),
          count(*) FILTER (WHERE c.row_key IS NOT NULL AND c.row_hash <> i.row_hash),
          (SELECT count(*) FROM current_rows WHERE row_key NOT IN
             (SELECT row_key FROM incoming))
        FROM incoming i LEFT JOIN current_rows c USING (row_key)"""
    ).fetchall()[0]
    connection.execute(
        f"""UPDATE {sheet.table} SET valid_to = $version
        WHERE valid_to IS NULL AND {PROJECT_COLUMN} IN (SELECT unnest($projects::VARCHAR[]))
          AND row_hash NOT IN (SELECT row_hash FROM incoming)""",
        {"version": version, "projects": sorted(projects)},
    )
    # Unchanged rows stay as they are; their place in the workbook may have moved.
    connection.execute(
        f"""UPDATE {sheet.table} AS t SET row_order = i.row_order FROM incoming i
        WHERE t.valid_to IS NULL AND t.row_hash = i.row_hash AND t.row_order <> i.row_order"""
    )
    names = ", ".join(column.db for column in sheet.columns)
    connection.execute(
        f"""INSERT INTO {sheet.table}
          (valid_from, valid_to, row_key, row_hash, row_order, {names})
        SELECT $version, NULL, row_key, row_hash, row_order, {names} FROM incoming
        WHERE row_hash NOT IN (SELECT row_hash FROM current_rows)""",
        {"version": version},
    )
    connection.execute("DROP TABLE incoming; DROP TABLE incoming_typed; DROP TABLE current_rows")
    return SheetChange(int(added), int(changed), int(removed), len(table))


def _next_version(connection: duckdb.DuckDBPyConnection) -> int:
    row = connection.execute("SELECT coalesce(max(version), 0) + 1 FROM versions").fetchall()[0]
    return int(row[0]) if row else 1


def _insert_version(
    connection: duckdb.DuckDBPyConnection,
    version: int,
    kind: str,
    by: str | None,
    file_name: str | None,
    sha256: str | None,
    row_counts: dict[str, int],
    changes: dict[str, SheetChange],
    restored_from: int | None = None,
) -> None:
    connection.execute(
        "INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            version,
            dt.datetime.now().replace(microsecond=0),
            by,
            file_name,
            sha256,
            kind,
            restored_from,
            json.dumps(row_counts, ensure_ascii=False),
            json.dumps({k: vars(v) for k, v in changes.items()}, ensure_ascii=False),
        ],
    )


def store_upload(
    path: Path | str | None,
    tables: dict[str, pd.DataFrame],
    scope: dict[str, set[str]],
    *,
    by: str | None = None,
    file_name: str | None = None,
    sha256: str | None = None,
    kind: str = "upload",
) -> StoredVersion:
    """Store validated tables as one new version, all or nothing."""
    sheets = [sheet for sheet in SHEETS if sheet.key in tables]
    with _write_lock, connect(path) as connection:
        connection.execute("BEGIN TRANSACTION")
        try:
            version = _next_version(connection)
            changes = {
                sheet.key: _replace_sheet(
                    connection, sheet, tables[sheet.key], scope.get(sheet.key, set()), version
                )
                for sheet in sheets
            }
            _insert_version(
                connection,
                version,
                kind,
                by,
                file_name,
                sha256,
                {key: len(table) for key, table in tables.items()},
                changes,
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return StoredVersion(version, changes)


def rollback(path: Path | str | None, target: int, *, by: str | None = None) -> StoredVersion:
    """Make version `target` current again, as a new version."""
    with _write_lock, connect(path) as connection:
        connection.execute("BEGIN TRANSACTION")
        try:
            exists = connection.execute(
                "SELECT count(*) FROM versions WHERE version = ?", [target]
            ).fetchall()[0]
            if not exists or not exists[0]:
                raise StoreError(f"Versjon {target} finnes ikke.")
            version = _next_version(connection)
            changes: dict[str, SheetChange] = {}
            counts: dict[str, int] = {}
            for sheet in SHEETS:
                names = ", ".join(column.db for column in sheet.columns)
                at_target = "valid_from <= ? AND coalesce(valid_to, ?) > ?"
                restored = connection.execute(
                    f"""INSERT INTO {sheet.table}
                      (valid_from, valid_to, row_key, row_hash, row_order, {names})
                    SELECT ?, NULL, row_key, row_hash, row_order, {names} FROM {sheet.table}
                    WHERE {at_target} AND valid_to IS NOT NULL""",
                    [version, target, OPEN_VERSION, target],
                ).fetchall()[0]
                closed = connection.execute(
                    f"""UPDATE {sheet.table} SET valid_to = ?
                    WHERE valid_to IS NULL AND valid_from < ? AND NOT ({at_target})""",
                    [version, version, target, OPEN_VERSION, target],
                ).fetchall()[0]
                total = connection.execute(
                    f"SELECT count(*) FROM {sheet.table} WHERE valid_to IS NULL"
                ).fetchall()[0]
                counts[sheet.key] = int(total[0]) if total else 0
                changes[sheet.key] = SheetChange(
                    int(restored[0]) if restored else 0,
                    0,
                    int(closed[0]) if closed else 0,
                    counts[sheet.key],
                )
            _insert_version(
                connection, version, "rollback", by, None, None, counts, changes, target
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return StoredVersion(version, changes)

"""The DuckDB file: schema, versions, one transaction per upload, rollback.

Every contract sheet is a table whose rows carry the versions they are valid in
(`valid_from` <= v < `valid_to`, NULL = still current). An upload closes the rows it changes or
removes and inserts the new ones, all in one transaction; nothing is ever deleted, so any
version can be read "as of" and restored as a new version.

DuckDB lets one process write a file at a time, and a process holding a connection locks the
file. So no process keeps a connection: each unit of work opens one, does its work and closes
it, retrying while another process (the command line, or the app) holds the lock. That lets
the command line load while the app runs, and the app sees the new version on its next read.

Two more tables (schema version 2): `version_projects` records which projects each version
touched, so an upload can check inside its own transaction that nobody stored the same project
after its preview was made; `snapshots` names versions locked for a steering-group meeting.

This module holds the SQL that writes; lib/queries.py and lib/history.py hold the SQL that
reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from lib import clock
from lib.contract import PROJECT_COLUMN, SHEETS, SHEETS_BY_KEY, Kind, Sheet
from lib.parse import ARROW_TYPES, is_missing

if TYPE_CHECKING:  # a frame comes only from tests and benchmarks; loading never imports pandas
    import pandas as pd

SCHEMA_VERSION = 4
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


class ConcurrentUpload(StoreError):
    """Someone stored a version of the same project after the caller's preview was made.

    Nothing was stored. `moved` maps each such project to the latest version that touched it;
    `stored_by` names who stored those versions. The message (Norwegian) says who and when.
    """

    def __init__(self, message: str, moved: dict[str, int], stored_by: dict[int, str | None]):
        super().__init__(message)
        self.moved = moved
        self.stored_by = stored_by


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
                        "Databasen er opptatt av en annen prosess; prøv igjen om litt."
                    ) from error
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.25)
    try:
        # Every commit checkpoints straight into the file: the connection closes right after,
        # and closing would checkpoint anyway, so a write-ahead log would only write it twice.
        connection.execute("SET checkpoint_threshold = '1KB'")
        _ensure_schema(connection)
        yield connection
    finally:
        connection.close()


class OpeningConnection:
    """A `connect(path)` opened in a thread while the caller does other work; a context
    manager that closes it.

    A load opens the store this way as soon as the parsed cells arrive and validates them
    meanwhile, so opening the file and checking its schema (~15 ms) costs no time. The file
    is held from then on (during the validation, ~40 ms for a 50,000-row register, even when
    it finds errors), not while the workbook is still being parsed. Closing never waits for a
    connection still being opened (another process may hold the file for a while): the
    thread closes it when it gets it.
    """

    def __init__(self, path: Path | str | None) -> None:
        self._stack = ExitStack()
        self._lock = threading.Lock()
        self._closed = False
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._open, args=(path,), daemon=True)
        self._thread.start()

    def _open(self, path: Path | str | None) -> None:
        try:
            connection = self._stack.enter_context(connect(path))
        except BaseException as error:  # raised to the caller by `connection()`
            self._error = error
            return
        with self._lock:
            self._connection = connection
            if self._closed:
                self._stack.close()

    def connection(self) -> duckdb.DuckDBPyConnection:
        """The open connection; waits for it, and raises what opening it raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        if self._connection is None or self._closed:
            raise StoreError("Tilkoblingen til databasen er lukket.")
        return self._connection

    def close(self) -> None:
        with self._lock:
            if not self._closed and self._connection is not None:
                self._stack.close()
            self._closed = True

    def __enter__(self) -> OpeningConnection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _table_ddl(sheet: Sheet) -> str:
    columns = ",\n  ".join(f"{column.db} {SQL_TYPES[column.kind]}" for column in sheet.columns)
    return f"""CREATE TABLE IF NOT EXISTS {sheet.table} (
  row_id BIGINT DEFAULT nextval('row_ids'),
  valid_from INTEGER NOT NULL,
  valid_to INTEGER,
  row_key UBIGINT NOT NULL,
  row_hash UBIGINT NOT NULL,
  row_order INTEGER,
  {columns}
)"""


def _schema_version(connection: duckdb.DuckDBPyConnection) -> int:
    """The schema version a file holds; 0 for a new, empty file. Safe inside a transaction
    (it asks the catalog first, where a failed query would end the transaction)."""
    found = connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchall()[0]
    return _schema_version_quickly(connection) if found and found[0] else 0


def _create_version_1(connection: duckdb.DuckDBPyConnection) -> None:
    """meta, versions, and one table per contract sheet: the tables of schema 1, as they are
    declared today (later migrations change them in files made before)."""
    connection.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
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


def _touched_sql(condition: str) -> str:
    """(version, project) pairs: the projects whose rows a version opened or closed.

    `condition` filters the version, e.g. `= $version`; it is SQL written here, never input.
    """
    parts = []
    for sheet in SHEETS:
        for column in ("valid_from", "valid_to"):
            parts.append(
                f"SELECT {column} AS version, {PROJECT_COLUMN} FROM {sheet.table} "
                f"WHERE {column} {condition} AND {PROJECT_COLUMN} IS NOT NULL"
            )
    return " UNION ".join(parts)


def _migrate_to_2(connection: duckdb.DuckDBPyConnection) -> None:
    """Schema 1 -> 2: which projects each version touched, and meeting snapshots.

    A version-1 file kept no list of touched projects, so it is rebuilt from the rows: the
    projects whose rows a version added, changed or removed. (An upload that changed nothing
    for a project cannot be told apart from one that did not name it; such a version simply
    lists fewer projects, which only makes the concurrency check more lenient for old history.)
    """
    _create_version_2_tables(connection)
    connection.execute(
        "INSERT OR IGNORE INTO version_projects "
        + _touched_sql("IN (SELECT version FROM versions)")
    )


def _create_version_2_tables(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(
        """CREATE TABLE IF NOT EXISTS version_projects (
          version INTEGER NOT NULL REFERENCES versions (version),
          prosjekt_id VARCHAR NOT NULL,
          PRIMARY KEY (version, prosjekt_id)
        )"""
    )
    # The foreign key keeps a locked version's row in `versions` from ever being deleted.
    connection.execute(
        """CREATE TABLE IF NOT EXISTS snapshots (
          version INTEGER PRIMARY KEY REFERENCES versions (version),
          name VARCHAR NOT NULL,
          meeting_date DATE NOT NULL,
          created_at TIMESTAMP NOT NULL,
          created_by VARCHAR
        )"""
    )


def _migrate_to_3(connection: duckdb.DuckDBPyConnection) -> None:
    """Schema 2 -> 3: row keys and hashes by DuckDB's hash instead of md5 over JSON."""
    _rehash(connection)


def _migrate_to_4(connection: duckdb.DuckDBPyConnection) -> None:
    """Schema 3 -> 4: row keys and hashes kept as the 64-bit numbers they are, not as text
    (a third less to write when a version is stored)."""
    for sheet in SHEETS:
        for column in ("row_key", "row_hash"):
            connection.execute(f"ALTER TABLE {sheet.table} ALTER {column} TYPE UBIGINT")


#: Schema version -> the step that brings the previous version up to it. A file is migrated
#: step by step, in one transaction, the first time a newer Styringsrom opens it.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    2: _migrate_to_2,
    3: _migrate_to_3,
    4: _migrate_to_4,
}


def _hashes_current(connection: duckdb.DuckDBPyConnection) -> bool:
    """Whether the stored row hashes were made by the hash this DuckDB computes."""
    row = connection.execute(
        f"SELECT value = {HASH_PROBE} FROM meta WHERE key = 'hash_probe'"
    ).fetchall()
    return bool(row and row[0][0])


def _schema_version_quickly(connection: duckdb.DuckDBPyConnection) -> int:
    """`_schema_version` for a connection outside a transaction: reading `meta` directly
    costs a millisecond, asking the catalog first costs seven, on every connection."""
    try:
        row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    except duckdb.CatalogException:  # no meta table: a new file
        return 0
    return int(row[0][0]) if row else 0


def _ensure_schema(connection: duckdb.DuckDBPyConnection) -> None:
    version = _schema_version_quickly(connection)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"Databasen har skjemaversjon {version}, men denne versjonen av Styringsrom "
            f"kjenner bare versjon {SCHEMA_VERSION}. Oppdater programmet."
        )
    if version == SCHEMA_VERSION and _hashes_current(connection):
        return
    with _write_lock:
        connection.execute("BEGIN TRANSACTION")
        try:
            version = _schema_version(connection)  # another thread may have migrated it
            if version < 1:  # a new file: today's tables, with no rows to migrate
                _create_version_1(connection)
                _create_version_2_tables(connection)
                connection.execute(f"INSERT INTO meta SELECT 'hash_probe', {HASH_PROBE}")
                version = SCHEMA_VERSION
            for step in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[step](connection)
            if not _hashes_current(connection):
                _rehash(connection)
            connection.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?), "
                "('contract_version', '1')",
                [str(SCHEMA_VERSION)],
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise


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
            if change.rows or change.added or change.changed
            else f"{key}: {change.removed} fjernet (hørte til fjernede {_parent_key(key)})"
            for key, change in self.changes.items()
        ]
        return f"Versjon {self.version} lagret. " + ("; ".join(parts) or "Ingen ark.")


def _parent_key(key: str) -> str:
    parent = SHEETS_BY_KEY[key].parent
    return parent[1] if parent else key


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _hash_of(columns: list[str] | tuple[str, ...]) -> str:
    """SQL for one value that stands for these columns of a row (order and NULLs count).

    DuckDB's own hash: 64 bits, and some ten times faster than md5 over JSON, which a
    50,000-row upload felt. DuckDB does not promise the same hash across its versions, so
    the file records a probe value (`HASH_PROBE`) and rehashes its rows when it changes.
    """
    fields = ", ".join(f"'{column}': {column}" for column in columns)
    return f"hash({{{fields}}})"


def _key_expression(sheet: Sheet) -> str:
    """A row's identity: its project and ID columns, folded into one joinable value."""
    return _hash_of(list(dict.fromkeys((PROJECT_COLUMN, *sheet.id_columns))))


def _hash_expression(sheet: Sheet) -> str:
    """A row's content: equal hashes mean nothing changed."""
    return _hash_of([column.db for column in sheet.columns])


#: A value hashed the way rows are, with every type a row holds; stored in `meta`. When a
#: DuckDB upgrade hashes differently, the file's row keys and hashes are computed again.
HASH_PROBE = (
    "CAST(hash({'t': 'Styringsrom æøå', 'n': 1.5::DOUBLE, 'd': DATE '2024-12-17', "
    "'s': 4::TINYINT, 'm': 6::INTEGER, 'l': [6, 12]::INTEGER[], 'z': NULL::VARCHAR}) "
    "AS VARCHAR)"
)


def _rehash(connection: duckdb.DuckDBPyConnection) -> None:
    """Compute every stored row's key and hash again, and record the probe they match."""
    for sheet in SHEETS:
        connection.execute(
            f"UPDATE {sheet.table} SET row_key = {_key_expression(sheet)}, "
            f"row_hash = {_hash_expression(sheet)}"
        )
    connection.execute(f"INSERT OR REPLACE INTO meta SELECT 'hash_probe', {HASH_PROBE}")


def incoming_frame(
    sheet: Sheet,
    table: pa.Table | pd.DataFrame,
    extra: Mapping[str, Iterable[object] | pa.Array | pa.ChunkedArray] | None = None,
) -> pa.Table:
    """Validated rows as an Arrow table DuckDB reads in place: every contract column, and
    `row_order`. SQL (`incoming_sql`) casts them to the stored types.

    `extra` adds pass-through columns (the preview adds the Excel row numbers). A pandas
    frame (tests, benchmarks) is taken as well.
    """
    count = len(table)
    if not isinstance(table, pa.Table):  # a pandas frame
        table = _arrow_from_frame(sheet, table)
    columns: dict[str, pa.Array | pa.ChunkedArray] = {}
    for column in sheet.columns:
        if column.db in table.column_names:
            columns[column.db] = table.column(column.db)
        else:
            columns[column.db] = pa.nulls(count, ARROW_TYPES[column.kind])
    columns["row_order"] = pc.cumulative_sum(pa.repeat(pa.scalar(1, pa.int64()), count))
    for name, values in (extra or {}).items():
        chunked = isinstance(values, pa.Array | pa.ChunkedArray)
        columns[name] = values if chunked else pa.array(list(values))
    return pa.table(columns)


def _arrow_from_frame(sheet: Sheet, frame: pd.DataFrame) -> pa.Table:
    columns = {}
    for column in sheet.columns:
        if column.db in frame:
            values = [None if is_missing(value) else value for value in frame[column.db]]
            if column.kind is Kind.MONTHS_LIST:
                values = [list(value) if value is not None else None for value in values]
            try:
                columns[column.db] = pa.array(values, ARROW_TYPES[column.kind])
            except (pa.ArrowException, TypeError, ValueError):  # e.g. 4.0 for a scale: SQL casts
                columns[column.db] = pa.array(values)
    return pa.table(columns)


def incoming_sql(sheet: Sheet, relation: str, extra: Iterable[str] = ()) -> str:
    """SELECT the rows of a registered `incoming_frame` typed as stored, with key and hash.

    The one definition of how an upload's rows become stored rows: the store and the preview
    (lib/preview.py) both use it, so a preview counts exactly what storing will change.
    """
    casts = ", ".join(
        f"CAST({relation}.{c.db} AS {SQL_TYPES[c.kind]}) AS {c.db}" for c in sheet.columns
    )
    passed = "".join(f", {relation}.{name}" for name in extra)
    return f"""SELECT *, {_key_expression(sheet)} AS row_key, {_hash_expression(sheet)} AS row_hash
        FROM (SELECT {casts}, {relation}.row_order{passed} FROM {relation}) AS typed"""


def _replace_sheet(
    connection: duckdb.DuckDBPyConnection,
    sheet: Sheet,
    table: pa.Table | pd.DataFrame,
    projects: set[str],
    version: int,
) -> SheetChange:
    """Make `table` the truth for `projects` in this sheet, as `version`.

    Rows are matched by single-column keys and hashes so every step is a hash join; a
    multi-column correlated match made a 50,000-row upload quadratic.
    """
    connection.register("incoming_frame", incoming_frame(sheet, table))
    names = ", ".join(column.db for column in sheet.columns)
    stored = connection.execute(
        f"""SELECT count(*) FROM {sheet.table} WHERE valid_to IS NULL
          AND {PROJECT_COLUMN} IN (SELECT unnest($projects::VARCHAR[]))""",
        {"projects": sorted(projects)},
    ).fetchall()[0][0]
    if not stored:  # nothing to compare with (a project's first upload): every row is new
        connection.execute(
            f"""INSERT INTO {sheet.table}
              (valid_from, valid_to, row_key, row_hash, row_order, {names})
            SELECT $version, NULL, row_key, row_hash, row_order, {names}
            FROM ({incoming_sql(sheet, "incoming_frame")})""",
            {"version": version},
        )
        connection.unregister("incoming_frame")
        return SheetChange(len(table), 0, 0, len(table))
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE incoming AS {incoming_sql(sheet, 'incoming_frame')}"
    )
    connection.unregister("incoming_frame")
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
    # Unchanged rows stay as they are, but their place in the workbook may have moved. A moved
    # row is closed and a copy in its new place opens, so every earlier version (locked for a
    # meeting or not) reads exactly as it did, order included.
    moved = """FROM incoming i WHERE t.valid_to IS NULL AND t.row_hash = i.row_hash
          AND t.row_order IS DISTINCT FROM i.row_order"""
    params = {"version": version}
    connection.execute(
        f"""INSERT INTO {sheet.table}
          (valid_from, valid_to, row_key, row_hash, row_order, {names})
        SELECT $version, NULL, t.row_key, t.row_hash, i.row_order,
          {", ".join(f"t.{column.db}" for column in sheet.columns)}
        FROM {sheet.table} AS t, incoming i
        WHERE t.valid_to IS NULL AND t.row_hash = i.row_hash
          AND t.row_order IS DISTINCT FROM i.row_order AND t.valid_from < $version""",
        params,
    )
    connection.execute(
        f"""UPDATE {sheet.table} AS t SET valid_to = $version {moved}
          AND t.valid_from < $version""",
        params,
    )
    connection.execute(
        f"""INSERT INTO {sheet.table}
          (valid_from, valid_to, row_key, row_hash, row_order, {names})
        SELECT $version, NULL, row_key, row_hash, row_order, {names} FROM incoming
        WHERE row_hash NOT IN (SELECT row_hash FROM current_rows)""",
        {"version": version},
    )
    connection.execute("DROP TABLE incoming; DROP TABLE current_rows")
    return SheetChange(int(added), int(changed), int(removed), len(table))


def parent_keys(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """(project, parent id) pairs as one text each, to match with `parent_key_sql`."""
    return [f"{project}\x1f{parent_id}" for project, parent_id in pairs]


def parent_key_sql(sheet: Sheet) -> str:
    """A child row's (project, parent id) as the text `parent_keys` makes."""
    assert sheet.parent is not None
    return f"{PROJECT_COLUMN} || chr(31) || {sheet.parent[0]}"


def _remove_with_parents(
    connection: duckdb.DuckDBPyConnection,
    sheet: Sheet,
    pairs: Iterable[tuple[str, str]],
    version: int,
) -> int:
    """Close the current rows of a child sheet that name the given (project, parent id)."""
    row = connection.execute(
        f"""UPDATE {sheet.table} SET valid_to = $version
        WHERE valid_to IS NULL AND {parent_key_sql(sheet)} IN (SELECT unnest($keys::VARCHAR[]))""",
        {"version": version, "keys": parent_keys(pairs)},
    ).fetchall()
    return int(row[0][0]) if row else 0


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
    created_at: dt.datetime | None = None,
) -> None:
    if created_at is None:
        created_at = clock.now()
    else:
        _refuse_going_back_in_time(connection, created_at)
    connection.execute(
        "INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            version,
            created_at,
            by,
            file_name,
            sha256,
            kind,
            restored_from,
            json.dumps(row_counts, ensure_ascii=False),
            json.dumps({k: vars(v) for k, v in changes.items()}, ensure_ascii=False),
        ],
    )


def _refuse_going_back_in_time(
    connection: duckdb.DuckDBPyConnection, created_at: dt.datetime
) -> None:
    """A version given its own time (the demo's story) may not come before the versions
    already stored: the history reads in order of time as well as of number."""
    row = connection.execute("SELECT max(created_at) FROM versions").fetchall()[0]
    if row[0] is not None and created_at < row[0]:
        raise StoreError(
            f"Tidspunktet {created_at:%d.%m.%Y %H:%M} er før siste versjon "
            f"({row[0]:%d.%m.%Y %H:%M}); historikken må gå fremover i tid."
        )


def _record_projects(
    connection: duckdb.DuckDBPyConnection, version: int, projects: Iterable[str]
) -> None:
    connection.execute(
        "INSERT OR IGNORE INTO version_projects SELECT $version, unnest($projects::VARCHAR[])",
        {"version": version, "projects": sorted(set(projects))},
    )


def project_versions_in(
    connection: duckdb.DuckDBPyConnection, projects: Iterable[str], as_of: int | None = None
) -> dict[str, int]:
    """Project -> the latest version (up to `as_of`) that touched it; 0 when none has."""
    wanted = sorted(set(projects))
    rows = connection.execute(
        """SELECT prosjekt_id, max(version) FROM version_projects
        WHERE prosjekt_id IN (SELECT unnest($projects::VARCHAR[]))
          AND ($as_of IS NULL OR version <= $as_of)
        GROUP BY prosjekt_id""",
        {"projects": wanted, "as_of": as_of},
    ).fetchall()
    found = {str(project): int(version) for project, version in rows}
    return {project: found.get(project, 0) for project in wanted}


def _check_expected(connection: duckdb.DuckDBPyConnection, expected: Mapping[str, int]) -> None:
    """Raise ConcurrentUpload when a project moved past the version the caller saw."""
    now = project_versions_in(connection, expected)
    moved = {
        project: now[project] for project in sorted(expected) if now[project] != expected[project]
    }
    if not moved:
        return
    rows = connection.execute(
        """SELECT version, created_by, created_at FROM versions
        WHERE version IN (SELECT unnest($versions::INTEGER[])) ORDER BY version""",
        {"versions": sorted(set(moved.values()))},
    ).fetchall()
    stored_by = {int(version): by for version, by, _at in rows}
    lines = []
    for version, by, at in rows:
        names = ", ".join(p for p, v in moved.items() if v == version)
        who = f" av {by}" if by else ""
        lines.append(f"versjon {version} ({names}) ble lagret{who} {at:%d.%m.%Y kl. %H:%M}")
    raise ConcurrentUpload(
        "Noen andre har lagret data for de samme prosjektene etter at arbeidsboken ble "
        "kontrollert: " + "; ".join(lines) + ". Ingenting er lagret.",
        moved,
        stored_by,
    )


def store_upload(
    path: Path | str | None,
    tables: dict[str, pa.Table | pd.DataFrame],
    scope: dict[str, set[str]],
    *,
    by: str | None = None,
    file_name: str | None = None,
    sha256: str | None = None,
    kind: str = "upload",
    expected_versions: Mapping[str, int] | None = None,
    opened: OpeningConnection | None = None,
    created_at: dt.datetime | None = None,
    removed_with_parents: Mapping[str, Iterable[tuple[str, str]]] | None = None,
) -> StoredVersion:
    """Store validated tables as one new version, all or nothing.

    `removed_with_parents` ({child sheet key: {(project, parent id)}}, see
    `ValidatedUpload.removed_with_parents`) are stored measurements and evaluations that go
    with the benefits and recommendations this upload removes.

    `created_at` (default: now) is for the demo, whose versions tell a year's story; it may
    not come before the latest version's time.

    `opened` is a connection to `path` opened beforehand (its owner closes it, and `path`
    is then not used); without it, one is opened and closed here.

    `expected_versions` ({project: the latest version touching it when the upload was checked},
    see `project_versions_in`) makes the store refuse, with ConcurrentUpload, when another
    version touched one of those projects since. The check runs inside the storing
    transaction, under the process's write lock and DuckDB's file lock, so two uploads never
    interleave: the second sees the first, or waits for it.
    """
    sheets = [sheet for sheet in SHEETS if sheet.key in tables]
    projects = set().union(*scope.values()) if scope else set()
    opening = nullcontext(opened.connection()) if opened is not None else connect(path)
    with _write_lock, opening as connection:
        # One thread writes a version faster than two here (no parallel plan pays for its
        # buffers at this size) and holds some 25 MB less while doing it.
        connection.execute("SET threads = 1")
        connection.execute("BEGIN TRANSACTION")
        try:
            if expected_versions is not None:
                _check_expected(connection, expected_versions)
            version = _next_version(connection)
            changes = {
                sheet.key: _replace_sheet(
                    connection, sheet, tables[sheet.key], scope.get(sheet.key, set()), version
                )
                for sheet in sheets
            }
            for key, pairs in (removed_with_parents or {}).items():
                removed = _remove_with_parents(connection, SHEETS_BY_KEY[key], pairs, version)
                before = changes.get(key, SheetChange(0, 0, 0, 0))
                changes[key] = SheetChange(
                    before.added, before.changed, before.removed + removed, before.rows
                )
            _insert_version(
                connection,
                version,
                kind,
                by,
                file_name,
                sha256,
                {key: len(table) for key, table in tables.items()},
                changes,
                created_at=created_at,
            )
            _record_projects(connection, version, projects)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        finally:
            # The setting belongs to the database instance, which the app's other
            # connections to the same file share.
            connection.execute("RESET threads")
    return StoredVersion(version, changes)


def rollback(
    path: Path | str | None,
    target: int,
    *,
    by: str | None = None,
    expected_latest: int | None = None,
) -> StoredVersion:
    """Make version `target` current again, as a new version.

    `expected_latest` (the latest version the person confirming saw) makes it refuse, with
    ConcurrentUpload, when a version was stored since.
    """
    with _write_lock, connect(path) as connection:
        connection.execute("BEGIN TRANSACTION")
        try:
            exists = connection.execute(
                "SELECT count(*) FROM versions WHERE version = ?", [target]
            ).fetchall()[0]
            if not exists or not exists[0]:
                raise StoreError(f"Versjon {target} finnes ikke.")
            version = _next_version(connection)
            if expected_latest is not None and version - 1 != expected_latest:
                _raise_newer_versions(connection, expected_latest)
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
            touched = connection.execute(
                f"SELECT DISTINCT {PROJECT_COLUMN} FROM ({_touched_sql('= $version')})",
                {"version": version},
            ).fetchall()
            _record_projects(connection, version, [row[0] for row in touched])
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return StoredVersion(version, changes)


def _raise_newer_versions(connection: duckdb.DuckDBPyConnection, seen: int) -> None:
    rows = connection.execute(
        "SELECT version, created_by FROM versions WHERE version > ? ORDER BY version", [seen]
    ).fetchall()
    described = ", ".join(
        f"versjon {version}" + (f" (lagret av {by})" if by else "") for version, by in rows
    )
    raise ConcurrentUpload(
        f"Det er lagret nye versjoner siden du åpnet siden: {described}. Ingenting er endret; "
        "se over og bekreft på nytt.",
        {},
        {int(version): by for version, by in rows},
    )


# ---------------------------------------------------------------------------------------------
# Meeting snapshots

MAX_MEETING_NAME = 200


@dataclass(frozen=True)
class Snapshot:
    """A version locked for a steering-group meeting."""

    version: int
    name: str
    meeting_date: dt.date
    created_at: dt.datetime
    created_by: str | None

    def label(self) -> str:
        """«name» (dd.mm.yyyy, versjon N), for messages."""
        return f"«{self.name}» ({self.meeting_date:%d.%m.%Y}, versjon {self.version})"


def lock_for_meeting(
    path: Path | str | None,
    version: int | None,
    name: str,
    meeting_date: dt.date,
    *,
    by: str | None = None,
    created_at: dt.datetime | None = None,
) -> Snapshot:
    """Lock a version (default: the latest) for a meeting; raises StoreError in Norwegian.

    `created_at` (default: now) is for the demo, as in `store_upload`.

    A locked version cannot be changed or removed: there is no way to unlock or rename it,
    the database refuses to delete a version a snapshot refers to, and uploads after it never
    rewrite the rows it shows (see `_replace_sheet`).
    """
    name = " ".join(str(name or "").split())
    if not name:
        raise StoreError("Gi møtet et navn, f.eks. «Styringsgruppemøte 12. mars».")
    if len(name) > MAX_MEETING_NAME:
        raise StoreError(f"Møtenavnet er for langt; bruk høyst {MAX_MEETING_NAME} tegn.")
    if not isinstance(meeting_date, dt.date):
        raise StoreError("Møtedatoen mangler.")
    if isinstance(meeting_date, dt.datetime):
        meeting_date = meeting_date.date()
    with _write_lock, connect(path) as connection:
        connection.execute("BEGIN TRANSACTION")
        try:
            latest = _next_version(connection) - 1
            if latest == 0:
                raise StoreError("Databasen har ingen versjoner ennå; last opp data først.")
            version = latest if version is None else int(version)
            if not 1 <= version <= latest:
                raise StoreError(f"Versjon {version} finnes ikke (siste versjon er {latest}).")
            found = connection.execute(
                "SELECT name, meeting_date FROM snapshots WHERE version = ?", [version]
            ).fetchall()
            if found:
                raise StoreError(
                    f"Versjon {version} er allerede låst for møtet «{found[0][0]}» "
                    f"({found[0][1]:%d.%m.%Y}). En låst versjon kan ikke endres."
                )
            if created_at is None:
                created_at = clock.now()
            connection.execute(
                "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?)",
                [version, name, meeting_date, created_at, by],
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return Snapshot(version, name, meeting_date, created_at, by)

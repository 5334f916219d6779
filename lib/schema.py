"""The database's schema: one table per contract sheet, its migrations, and row keys and hashes.

Every contract sheet is a table whose rows carry the versions they are valid in
(`valid_from` <= v < `valid_to`, NULL = still current), with `row_key` (the row's identity:
project and ID columns) and `row_hash` (its content) as 64-bit numbers. Two more tables
(schema version 2): `version_projects` records which projects each version touched;
`snapshots` names versions locked for a steering-group meeting. Schema 5 adds users, roles
and the audit trail; schema 6 the meetings (`meetings`) and the decisions recorded in them
(`decisions`); schema 7 the Status sheet's table (`status`).

lib/db.py opens a file and calls `is_current` / `migrate`; nothing else here opens anything.
DuckDB-specific: `hash()` over a struct for keys and hashes (PostgreSQL would use a digest of
the row's text), `UBIGINT` and `INTEGER[]` columns, `INSERT OR IGNORE/REPLACE`, and the
sequence default on `row_id`.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from lib import clock
from lib.contract import CONTRACT_VERSION, PROJECT_COLUMN, SHEETS, STATUS, Kind, Sheet

SCHEMA_VERSION = 7

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
    Kind.TRAFFIC_LIGHT: "VARCHAR",
    Kind.RISK_LIGHT: "VARCHAR",
}


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
    return stored_version(connection) if found and found[0] else 0


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


def touched_sql(condition: str) -> str:
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
        "INSERT OR IGNORE INTO version_projects " + touched_sql("IN (SELECT version FROM versions)")
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


def _create_version_5_tables(connection: duckdb.DuckDBPyConnection) -> None:
    """Who may do what (`grants`), who has signed in (`users`), and the audit trail.

    `grants.principal` is a token's subject (`oid`/`sub`) or a lower-case e-mail address;
    `grants.scope` a Prosjekt-ID, or `*` for every project. `audit` is append-only: nothing in
    Styringsrom updates or deletes its rows (lib/access.py is the only writer).
    """
    connection.execute(
        """CREATE TABLE IF NOT EXISTS users (
          subject VARCHAR PRIMARY KEY,
          email VARCHAR,
          name VARCHAR,
          first_seen TIMESTAMP NOT NULL,
          last_seen TIMESTAMP NOT NULL
        )"""
    )
    connection.execute(
        """CREATE TABLE IF NOT EXISTS grants (
          principal VARCHAR NOT NULL,
          role VARCHAR NOT NULL,
          scope VARCHAR NOT NULL,
          granted_at TIMESTAMP NOT NULL,
          granted_by VARCHAR,
          PRIMARY KEY (principal, role, scope)
        )"""
    )
    connection.execute("CREATE SEQUENCE IF NOT EXISTS audit_ids")
    connection.execute(
        """CREATE TABLE IF NOT EXISTS audit (
          id BIGINT PRIMARY KEY DEFAULT nextval('audit_ids'),
          happened_at TIMESTAMP NOT NULL,
          subject VARCHAR,
          email VARCHAR,
          name VARCHAR,
          action VARCHAR NOT NULL,
          prosjekt_id VARCHAR,
          version INTEGER,
          sha256 VARCHAR,
          detail VARCHAR
        )"""
    )


def _migrate_to_5(connection: duckdb.DuckDBPyConnection) -> None:
    """Schema 4 -> 5: users, roles per project and the audit trail (nothing to convert)."""
    _create_version_5_tables(connection)


def _create_version_6_tables(connection: duckdb.DuckDBPyConnection) -> None:
    """Steering-group meetings and the decisions recorded in them.

    `meetings.basis_version` is the version locked for the meeting (always a row of
    `snapshots`, whose foreign key keeps the version); it has no foreign key of its own,
    because DuckDB refuses to update a column with an index in a row another table's key
    refers to, and a meeting's basis is set after decisions may name it. `agenda` is the
    agenda as JSON (a list of items; lib/meetings.py stores it as given). `decisions` has one
    row per version a decision stored (lib/decisions.py): which recommendation, what was
    decided, by whom, in which meeting.
    """
    connection.execute("CREATE SEQUENCE IF NOT EXISTS meeting_ids")
    connection.execute(
        """CREATE TABLE IF NOT EXISTS meetings (
          id INTEGER PRIMARY KEY DEFAULT nextval('meeting_ids'),
          name VARCHAR NOT NULL,
          meeting_date DATE NOT NULL,
          participants VARCHAR,
          created_at TIMESTAMP NOT NULL,
          created_by VARCHAR,
          basis_version INTEGER,
          agenda VARCHAR,
          outcome_version INTEGER,
          closed_at TIMESTAMP,
          closed_by VARCHAR
        )"""
    )
    connection.execute(
        """CREATE TABLE IF NOT EXISTS decisions (
          version INTEGER PRIMARY KEY REFERENCES versions (version),
          meeting_id INTEGER REFERENCES meetings (id),
          prosjekt_id VARCHAR NOT NULL,
          anbefaling_id VARCHAR NOT NULL,
          vedtak VARCHAR NOT NULL,
          vedtakstekst VARCHAR,
          ansvarlig VARCHAR,
          vedtaksdato DATE,
          recorded_at TIMESTAMP NOT NULL,
          recorded_by VARCHAR
        )"""
    )


def _migrate_to_6(connection: duckdb.DuckDBPyConnection) -> None:
    """Schema 5 -> 6: meetings and decisions. Every locked version (snapshot) becomes a
    meeting with that version as its basis, so meetings and snapshots agree. A meeting whose
    date has passed is closed (at the migration, by nobody, with no outcome version: no
    decision was recorded in the app); one today or later stays open for its decisions."""
    _create_version_6_tables(connection)
    connection.execute(
        """INSERT INTO meetings (name, meeting_date, participants, created_at, created_by,
          basis_version, closed_at)
        SELECT name, meeting_date, '', created_at, created_by, version,
          CASE WHEN meeting_date < $today THEN $now END
        FROM snapshots ORDER BY version""",
        {"today": clock.today(), "now": clock.now()},
    )


def _migrate_to_7(connection: duckdb.DuckDBPyConnection) -> None:
    """Schema 6 -> 7: the Status sheet's table (contract version 2), empty (`migrate` makes
    it before the first step; this names the step)."""
    connection.execute(_table_ddl(STATUS))


#: Schema version -> the step that brings the previous version up to it. A file is migrated
#: step by step, in one transaction, the first time a newer Styringsrom opens it.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    2: _migrate_to_2,
    3: _migrate_to_3,
    4: _migrate_to_4,
    5: _migrate_to_5,
    6: _migrate_to_6,
    7: _migrate_to_7,
}


def _hashes_current(connection: duckdb.DuckDBPyConnection) -> bool:
    """Whether the stored row hashes were made by the hash this DuckDB computes."""
    row = connection.execute(
        f"SELECT value = {HASH_PROBE} FROM meta WHERE key = 'hash_probe'"
    ).fetchall()
    return bool(row and row[0][0])


def stored_version(connection: duckdb.DuckDBPyConnection) -> int:
    """`_schema_version` for a connection outside a transaction: reading `meta` directly
    costs a millisecond, asking the catalog first costs seven, on every connection."""
    try:
        row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    except duckdb.CatalogException:  # no meta table: a new file
        return 0
    return int(row[0][0]) if row else 0


def _hash_of(columns: list[str] | tuple[str, ...]) -> str:
    """SQL for one value that stands for these columns of a row (order and NULLs count).

    DuckDB's own hash: 64 bits, and some ten times faster than md5 over JSON, which a
    50,000-row upload felt. DuckDB does not promise the same hash across its versions, so
    the file records a probe value (`HASH_PROBE`) and rehashes its rows when it changes.
    """
    fields = ", ".join(f"'{column}': {column}" for column in columns)
    return f"hash({{{fields}}})"


def key_expression(sheet: Sheet) -> str:
    """A row's identity: its project and ID columns, folded into one joinable value."""
    return _hash_of(list(dict.fromkeys((PROJECT_COLUMN, *sheet.id_columns))))


def hash_expression(sheet: Sheet) -> str:
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
            f"UPDATE {sheet.table} SET row_key = {key_expression(sheet)}, "
            f"row_hash = {hash_expression(sheet)}"
        )
    connection.execute(f"INSERT OR REPLACE INTO meta SELECT 'hash_probe', {HASH_PROBE}")


def is_current(connection: duckdb.DuckDBPyConnection, version: int) -> bool:
    """Whether a file at schema `version` (see `stored_version`) needs no migration."""
    return version == SCHEMA_VERSION and _hashes_current(connection)


def migrate(connection: duckdb.DuckDBPyConnection) -> None:
    """Bring a file (new, or of an older schema) up to `SCHEMA_VERSION`, in one transaction.

    The caller holds the process's write lock (lib.db), so two threads never migrate at once;
    the version is read again inside the transaction in case another process just did it.
    """
    connection.execute("BEGIN TRANSACTION")
    try:
        version = _schema_version(connection)
        if version < 1:  # a new file: today's tables, with no rows to migrate
            _create_version_1(connection)
            _create_version_2_tables(connection)
            _create_version_5_tables(connection)
            _create_version_6_tables(connection)
            connection.execute(f"INSERT INTO meta SELECT 'hash_probe', {HASH_PROBE}")
            version = SCHEMA_VERSION
        if version < SCHEMA_VERSION:
            # A sheet newer than the file gets its (empty) table first: every step reads
            # every contract sheet (touched_sql, _rehash).
            for sheet in SHEETS:
                connection.execute(_table_ddl(sheet))
        for step in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[step](connection)
        if not _hashes_current(connection):
            _rehash(connection)
        connection.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?), ('contract_version', ?)",
            [str(SCHEMA_VERSION), str(CONTRACT_VERSION)],
        )
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise

"""Writing versions: one transaction per upload, rollback.

Every contract sheet is a table whose rows carry the versions they are valid in
(`valid_from` <= v < `valid_to`, NULL = still current; lib/schema.py). An upload closes the rows
it changes or removes and inserts the new ones, all in one transaction; nothing is ever
deleted, so any version can be read "as of" and restored as a new version.

`version_projects` records which projects each version touched, so an upload can check inside
its own transaction that nobody stored the same project after its preview was made.

This module holds the SQL that writes rows (lib/snapshots.py locks versions for meetings);
lib/db.py opens the database and holds the basics every read shares.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from lib import access, clock
from lib.access import Actor
from lib.contract import (
    ANBEFALINGER,
    PROJECT_COLUMN,
    PROSJEKTER,
    SHEETS,
    SHEETS_BY_KEY,
    Kind,
    Sheet,
    normalize_heading,
)

# Opening the database and the schema live in lib.db and lib.schema; these names stay
# importable from here for the callers that knew them as lib.store's.
from lib.db import (  # noqa: F401
    DEFAULT_DB,
    LOCK_WAIT_SECONDS,
    OPEN_VERSION,
    OpeningConnection,
    StoreBusy,
    StoreError,
    as_of,
    connect,
    default_db_path,
    latest_version_in,
    project_versions_in,
    version_or_latest,
    write_lock,
)
from lib.parse import ARROW_TYPES, is_missing
from lib.schema import (  # noqa: F401
    MIGRATIONS,
    SCHEMA_VERSION,
    SQL_TYPES,
    hash_expression,
    key_expression,
    touched_sql,
)
from lib.snapshots import MAX_MEETING_NAME, Snapshot, lock_for_meeting  # noqa: F401
from lib.validate.rows import ROW_FIELD
from lib.validate.similar import StoredProjects

if TYPE_CHECKING:  # a frame comes only from tests and benchmarks; loading never imports pandas
    import pandas as pd

#: The version kind of a status report written in the app (versions.kind; an upload is
#: "upload"): stored like an upload, named apart in Historikk.
STATUS_FORM_KIND = "statusrapport"


class ConcurrentUpload(StoreError):
    """Someone stored a version of the same project after the caller's preview was made.

    Nothing was stored. `moved` maps each such project to the latest version that touched it;
    `stored_by` names who stored those versions. The message (Norwegian) says who and when.
    """

    def __init__(self, message: str, moved: dict[str, int], stored_by: dict[int, str | None]):
        super().__init__(message)
        self.moved = moved
        self.stored_by = stored_by


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


def incoming_sql(
    sheet: Sheet,
    relation: str,
    extra: Iterable[str] = (),
    *,
    absent: Iterable[str] = (),
    stored: str | None = None,
) -> str:
    """SELECT the rows of a registered `incoming_frame` typed as stored, with key and hash.

    The one definition of how an upload's rows become stored rows: the store and the preview
    (lib/preview.py) both use it, so a preview counts exactly what storing will change.

    `absent` names the columns the upload's sheet does not have: a row whose key is in
    `stored` (a relation of the current stored rows with `row_key` and those columns) keeps
    its stored values in them; a new row keeps the upload's, which is the column's default.
    So a sheet with only ID, Sannsynlighet and Konsekvens changes the scores, nothing else.
    """
    casts = ", ".join(
        f"CAST({relation}.{c.db} AS {SQL_TYPES[c.kind]}) AS {c.db}" for c in sheet.columns
    )
    passed = "".join(f", {relation}.{name}" for name in extra)
    typed = f"SELECT {casts}, {relation}.row_order{passed} FROM {relation}"
    keys = {PROJECT_COLUMN, *sheet.id_columns}
    kept = [c.db for c in sheet.columns if c.db in set(absent) and c.db not in keys]
    if not kept or stored is None:
        return f"""SELECT *, {key_expression(sheet)} AS row_key,
          {hash_expression(sheet)} AS row_hash FROM ({typed}) AS typed"""
    taken = ", ".join(
        f"CASE WHEN kept.row_key IS NULL THEN typed.{db} ELSE kept.{db} END AS {db}" for db in kept
    )
    return f"""SELECT *, {hash_expression(sheet)} AS row_hash FROM (
        SELECT typed.* REPLACE ({taken}) FROM
          (SELECT *, {key_expression(sheet)} AS row_key FROM ({typed}) AS keyless) AS typed
          LEFT JOIN ({stored}) AS kept ON kept.row_key = typed.row_key) AS merged"""


def rows_not_stored_in(
    connection: duckdb.DuckDBPyConnection,
    sheet: Sheet,
    table: pa.Table,
    projects: Iterable[str],
    version: int | None = None,
) -> list[int]:
    """The Excel rows (`ROW_FIELD`) of validated `table` whose key no stored row of
    `projects` has as of `version` (default: latest): the rows storing would add."""
    frame = incoming_frame(sheet, table, {"excel_row": table.column(ROW_FIELD)})
    connection.register("incoming_frame", frame)
    try:
        rows = connection.execute(
            f"""SELECT excel_row FROM ({incoming_sql(sheet, "incoming_frame", ["excel_row"])})
            WHERE row_key NOT IN (
              SELECT row_key FROM {sheet.table} WHERE {as_of()}
                AND {PROJECT_COLUMN} IN (SELECT unnest($projects::VARCHAR[])))
            ORDER BY row_order""",
            {
                "version": version_or_latest(connection, version),
                "projects": sorted(set(projects)),
            },
        ).fetchall()
    finally:
        connection.unregister("incoming_frame")
    return [int(row[0]) for row in rows]


def stored_projects_in(
    connection: duckdb.DuckDBPyConnection,
    version: int | None = None,
    *,
    recommendations: bool = True,
) -> StoredProjects:
    """The stored projects as of `version` (default: latest), their names and (unless not
    asked for) their recommendations: what lib.validate.similar compares an upload's new
    projects with. Read only when an upload names a project that is not stored."""
    params = {"version": version_or_latest(connection, version)}
    every_table = " UNION ".join(
        f"SELECT {PROJECT_COLUMN} FROM {sheet.table} WHERE {as_of()}" for sheet in SHEETS
    )
    stored = StoredProjects({row[0] for row in connection.execute(every_table, params).fetchall()})
    names = connection.execute(
        f"SELECT {PROJECT_COLUMN}, prosjektnavn FROM {PROSJEKTER.table} WHERE {as_of()}", params
    ).fetchall()
    stored.names = {project: name for project, name in names}
    if recommendations:
        rows = connection.execute(
            f"""SELECT {PROJECT_COLUMN}, anbefaling_id, anbefaling FROM {ANBEFALINGER.table}
            WHERE {as_of()} AND anbefaling IS NOT NULL""",
            params,
        ).fetchall()
        for project, recommendation_id, title in rows:
            stored.recommendations.setdefault(project, set()).add(
                (recommendation_id, normalize_heading(title))
            )
    return stored


def _replace_sheet(
    connection: duckdb.DuckDBPyConnection,
    sheet: Sheet,
    table: pa.Table | pd.DataFrame,
    projects: set[str],
    version: int,
    absent: Iterable[str] = (),
    keyed: bool = False,
    keep_places: bool = False,
) -> SheetChange:
    """Make `table` the truth for `projects` in this sheet, as `version`; the stored rows
    keep their values in the `absent` columns (see `incoming_sql`).

    `keyed` (see `store_upload`) replaces only the stored rows whose keys `table` has: the
    others stay, so a sheet whose rows are dated (measurements, status reports) accumulates.
    `keep_places` (with `keyed`): a replaced row keeps its place in the sheet (a decision
    recorded for one recommendation leaves the list in its order).

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
    absent = sorted(set(absent))
    connection.execute(
        f"""CREATE OR REPLACE TEMP TABLE current_rows AS
        SELECT row_key, row_hash{"".join(f", {db}" for db in absent)} FROM {sheet.table}
        WHERE valid_to IS NULL AND {PROJECT_COLUMN} IN (SELECT unnest($projects::VARCHAR[]))""",
        {"projects": sorted(projects)},
    )
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE incoming AS "
        + incoming_sql(sheet, "incoming_frame", absent=absent, stored="current_rows")
    )
    connection.unregister("incoming_frame")
    # Only the stored rows this upload replaces: with `keyed`, those with its keys.
    replaced = ""
    if keyed:
        connection.execute(
            "DELETE FROM current_rows WHERE row_key NOT IN (SELECT row_key FROM incoming)"
        )
        replaced = " AND row_key IN (SELECT row_key FROM current_rows)"
        _place_after_kept_rows(connection, sheet, projects)
        if keep_places:
            connection.execute(
                f"""UPDATE incoming SET row_order = t.row_order FROM {sheet.table} AS t
                WHERE t.valid_to IS NULL AND t.row_key = incoming.row_key
                  AND t.{PROJECT_COLUMN} IN (SELECT unnest($projects::VARCHAR[]))""",
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
          AND row_hash NOT IN (SELECT row_hash FROM incoming){replaced}""",
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


def _place_after_kept_rows(
    connection: duckdb.DuckDBPyConnection, sheet: Sheet, projects: set[str]
) -> None:
    """Number a keyed upload's rows (temp table `incoming`) after the stored rows it keeps,
    so that the sheet reads in the order its rows were uploaded (March's measurements, then
    June's), and an upload of the latest rows again leaves every row where it was."""
    kept = connection.execute(
        f"""SELECT coalesce(max(row_order), 0) FROM {sheet.table}
        WHERE valid_to IS NULL AND {PROJECT_COLUMN} IN (SELECT unnest($projects::VARCHAR[]))
          AND row_key NOT IN (SELECT row_key FROM incoming)""",
        {"projects": sorted(projects)},
    ).fetchall()[0][0]
    if kept:
        connection.execute("UPDATE incoming SET row_order = row_order + $kept", {"kept": kept})


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


def _insert_version(
    connection: duckdb.DuckDBPyConnection,
    version: int,
    kind: str,
    by: str,
    file_name: str | None,
    sha256: str | None,
    row_counts: dict[str, int],
    changes: dict[str, SheetChange],
    restored_from: int | None = None,
    created_at: dt.datetime | None = None,
) -> dt.datetime:
    """Insert the version's row; returns its time (the audit line gets the same)."""
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
    return created_at


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


def upload_projects(
    scope: Mapping[str, Iterable[str]],
    removed_with_parents: Mapping[str, Iterable[tuple[str, str]]] | None = None,
) -> set[str]:
    """Every project an upload writes rows of: those of its sheets (`scope`) and those whose
    measurements and evaluations go with a removed benefit or recommendation. Storing it
    needs the role `opplaster` for each."""
    found: set[str] = set().union(*scope.values()) if scope else set()
    for pairs in (removed_with_parents or {}).values():
        found.update(project for project, _parent in pairs)
    return found


def store_upload(
    path: Path | str | None,
    tables: dict[str, pa.Table | pd.DataFrame],
    scope: dict[str, set[str]],
    *,
    actor: Actor,
    configured_admins: Iterable[str] = (),
    file_name: str | None = None,
    sha256: str | None = None,
    kind: str = "upload",
    expected_versions: Mapping[str, int] | None = None,
    opened: OpeningConnection | None = None,
    created_at: dt.datetime | None = None,
    removed_with_parents: Mapping[str, Iterable[tuple[str, str]]] | None = None,
    absent: Mapping[str, Iterable[str]] | None = None,
    keyed: Iterable[str] = (),
) -> StoredVersion:
    """Store validated tables as one new version, all or nothing, as `actor`.

    `actor` must have the role `opplaster` for every project the upload writes
    (`upload_projects`, a new one included), else access.Forbidden and nothing is stored;
    `configured_admins` are the first admins named in the secrets (lib.access.admins). The
    version stores `actor.name` as who stored it, and the audit trail gets one line (the
    file's sha256, the version, the project or, for several, the list in its detail) in the
    same transaction.

    For each (project, sheet) in `scope`, the table is the new truth: rows with new keys are
    added, rows with stored keys updated, and stored rows missing from it marked removed.
    A sheet in `keyed` (see `ValidatedUpload.keyed_sheets`) replaces only the stored rows
    with the keys it holds; its project's other stored rows stay (a KommIT workbook's
    measurements of one date leave those of earlier dates as they are).

    `absent` ({sheet key: columns}, see `ValidatedUpload.absent_columns`) names the columns a
    sheet does not have: stored rows keep their values in them, new rows get the default.
    Without it, every table is whole rows (a rollback, a table made by hand).

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
    opening = nullcontext(opened.connection()) if opened is not None else connect(path)
    with write_lock, opening as connection:
        # One thread writes a version faster than two here (no parallel plan pays for its
        # buffers at this size) and holds some 25 MB less while doing it.
        connection.execute("SET threads = 1")
        connection.execute("BEGIN TRANSACTION")
        try:
            stored = store_upload_in(
                connection,
                tables,
                scope,
                actor=actor,
                configured_admins=configured_admins,
                file_name=file_name,
                sha256=sha256,
                kind=kind,
                created_at=created_at,
                removed_with_parents=removed_with_parents,
                absent=absent,
                keyed=keyed,
                expected_versions=expected_versions,
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        finally:
            # The setting belongs to the database instance, which the app's other
            # connections to the same file share.
            connection.execute("RESET threads")
    return stored


def store_upload_in(
    connection: duckdb.DuckDBPyConnection,
    tables: dict[str, pa.Table | pd.DataFrame],
    scope: dict[str, set[str]],
    *,
    actor: Actor,
    configured_admins: Iterable[str] = (),
    file_name: str | None = None,
    sha256: str | None = None,
    kind: str = "upload",
    created_at: dt.datetime | None = None,
    removed_with_parents: Mapping[str, Iterable[tuple[str, str]]] | None = None,
    absent: Mapping[str, Iterable[str]] | None = None,
    keyed: Iterable[str] = (),
    expected_versions: Mapping[str, int] | None = None,
    role: str = access.OPPLASTER,
    action: str = "opplasting",
    detail: Mapping[str, object] | None = None,
    keep_places: bool = False,
) -> StoredVersion:
    """`store_upload` inside the caller's transaction (which the caller commits or rolls
    back), checking that `actor` has `role` for every project written and recording the
    audit line as `action` with `detail` added. A decision recorded in a meeting
    (lib/decisions.py) is stored this way, as a møteleder, with its own line; `keep_places`
    keeps the keyed rows it replaces where they were in their sheets."""
    sheets = [sheet for sheet in SHEETS if sheet.key in tables]
    projects = set().union(*scope.values()) if scope else set()
    writes = upload_projects(scope, removed_with_parents)
    keyed_sheets = set(keyed)
    access.require(connection, actor, role, writes, configured_admins)
    if expected_versions is not None:
        _check_expected(connection, expected_versions)
    version = latest_version_in(connection) + 1
    changes = {
        sheet.key: _replace_sheet(
            connection,
            sheet,
            tables[sheet.key],
            scope.get(sheet.key, set()),
            version,
            (absent or {}).get(sheet.key, ()),
            sheet.key in keyed_sheets,
            keep_places,
        )
        for sheet in sheets
    }
    for key, pairs in (removed_with_parents or {}).items():
        removed = _remove_with_parents(connection, SHEETS_BY_KEY[key], pairs, version)
        before = changes.get(key, SheetChange(0, 0, 0, 0))
        changes[key] = SheetChange(
            before.added, before.changed, before.removed + removed, before.rows
        )
    stored_at = _insert_version(
        connection,
        version,
        kind,
        actor.name,
        file_name,
        sha256,
        {key: len(table) for key, table in tables.items()},
        changes,
        created_at=created_at,
    )
    _record_projects(connection, version, projects)
    line: dict[str, object] = {"fil": file_name} if file_name else {}
    line.update(detail or {})
    if len(writes) > 1:
        line[access.DETAIL_PROJECTS] = sorted(writes)
    access.record_in(
        connection,
        actor,
        action,
        project=next(iter(writes)) if len(writes) == 1 else None,
        version=version,
        sha256=sha256,
        detail=line,
        at=stored_at,
    )
    return StoredVersion(version, changes)


def rollback(
    path: Path | str | None,
    target: int,
    *,
    actor: Actor,
    configured_admins: Iterable[str] = (),
    expected_latest: int | None = None,
) -> StoredVersion:
    """Make version `target` current again, as a new version, as `actor`, who must be an
    admin (else access.Forbidden, and nothing changes). The audit trail gets a line with the
    new version, the target and the projects it changed, in the same transaction.

    `expected_latest` (the latest version the person confirming saw) makes it refuse, with
    ConcurrentUpload, when a version was stored since.
    """
    with write_lock, connect(path) as connection:
        connection.execute("BEGIN TRANSACTION")
        try:
            access.require(connection, actor, access.ADMIN, configured_admins=configured_admins)
            exists = connection.execute(
                "SELECT count(*) FROM versions WHERE version = ?", [target]
            ).fetchall()[0]
            if not exists or not exists[0]:
                raise StoreError(f"Versjon {target} finnes ikke.")
            version = latest_version_in(connection) + 1
            if expected_latest is not None and version - 1 != expected_latest:
                _raise_newer_versions(connection, expected_latest)
            changes: dict[str, SheetChange] = {}
            counts: dict[str, int] = {}
            for sheet in SHEETS:
                names = ", ".join(column.db for column in sheet.columns)
                at_target = as_of(version="target")
                params = {"version": version, "target": target}
                restored = connection.execute(
                    f"""INSERT INTO {sheet.table}
                      (valid_from, valid_to, row_key, row_hash, row_order, {names})
                    SELECT $version, NULL, row_key, row_hash, row_order, {names}
                    FROM {sheet.table}
                    WHERE {at_target} AND valid_to IS NOT NULL""",
                    params,
                ).fetchall()[0]
                closed = connection.execute(
                    f"""UPDATE {sheet.table} SET valid_to = $version
                    WHERE valid_to IS NULL AND valid_from < $version AND NOT ({at_target})""",
                    params,
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
            stored_at = _insert_version(
                connection, version, "rollback", actor.name, None, None, counts, changes, target
            )
            touched = connection.execute(
                f"SELECT DISTINCT {PROJECT_COLUMN} FROM ({touched_sql('= $version')})",
                {"version": version},
            ).fetchall()
            changed = sorted(row[0] for row in touched)
            _record_projects(connection, version, changed)
            access.record_in(
                connection,
                actor,
                "gjenoppretting",
                project=changed[0] if len(changed) == 1 else None,
                version=version,
                detail={
                    "fra_versjon": target,
                    **({access.DETAIL_PROJECTS: changed} if len(changed) > 1 else {}),
                },
                at=stored_at,
            )
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

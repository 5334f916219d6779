"""Reads about history: the versions, what each one changed, and rows per version.

The Historikk page and the command line's `versions` read the version table here; what
changed since the last meeting is lib/meeting_changes.py (its names stay importable from
here), meeting snapshots lib/snapshots.py. The writes (locking, restoring) are lib/store.py's
and lib/snapshots.py's.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from pathlib import Path

import duckdb
import pandas as pd

from lib.contract import PROJECT_COLUMN, SHEETS
from lib.db import as_of, latest_version, reading
from lib.decisions import DECISION_KIND
from lib.meeting_changes import (
    CATEGORIES,
    CATEGORIES_BY_KEY,
    CHANGE_COLUMNS,
    HEADLINE_GROUPS,
    Category,
    MeetingChanges,
    changes_since_last_meeting,
    compare_versions,
)
from lib.parse import is_missing
from lib.snapshots import last_snapshot, snapshot_of, snapshots
from lib.store import STATUS_FORM_KIND, SheetChange
from lib.view_sql import readable_list, readable_sql


def version_table(
    path: Path | str | None = None, readable: Collection[str] | None = None
) -> pd.DataFrame:
    """Every version, newest first: who, when, file, sha256, kind, counts, projects, meeting.

    `row_counts` (rows per sheet in the upload, or in the whole database after a restore) and
    `changes` ({sheet: added/changed/removed}) are dicts; `projects` lists the projects the
    version touched; `meeting` and `meeting_date` are set when the version is locked.

    `readable` (None: every project) keeps the versions that touched a project the actor may
    read, lists only those projects, and counts a version that touched other projects too
    for the readable ones only: their rows as of that version, and what it changed in them.
    """
    with reading(path) as connection:
        frame = connection.execute(
            """SELECT v.version, v.created_at, v.created_by, v.file_name, v.sha256, v.kind,
                      v.restored_from, v.row_counts, v.changes,
                      s.name AS meeting, s.meeting_date, s.created_by AS locked_by
               FROM versions v LEFT JOIN snapshots s USING (version)
               ORDER BY v.version DESC"""
        ).df()
        touched = connection.execute(
            "SELECT version, prosjekt_id FROM version_projects ORDER BY version, prosjekt_id"
        ).fetchall()
    projects = defaultdict(list)
    for version, project in touched:
        projects[int(version)].append(project)
    for column in ("row_counts", "changes"):
        frame[column] = [json.loads(text) if text else {} for text in frame[column]]
    # Inserted after `changes`, where the projects were listed before.
    frame.insert(
        frame.columns.get_loc("changes") + 1,
        "projects",
        [projects.get(int(version), []) for version in frame["version"]],
    )
    if readable is None:
        return frame
    return _readable_versions(path, frame, set(readable))


def _readable_versions(
    path: Path | str | None, frame: pd.DataFrame, readable: set[str]
) -> pd.DataFrame:
    """`version_table`'s rows narrowed to the projects in `readable`."""
    kept = frame[[bool(readable & set(touched)) for touched in frame["projects"]]].copy()
    mixed = [not set(touched) <= readable for touched in kept["projects"]]
    kept["projects"] = [[p for p in touched if p in readable] for touched in kept["projects"]]
    if not any(mixed):
        return kept.reset_index(drop=True)
    counts, changes = list(kept["row_counts"]), list(kept["changes"])
    with reading(path) as connection:
        for place, record in enumerate(kept.itertuples(index=False)):
            if not mixed[place]:
                continue
            counts[place], changes[place] = _counted_for(
                connection, int(record.version), record.projects, record.row_counts
            )
    kept["row_counts"], kept["changes"] = counts, changes
    return kept.reset_index(drop=True)


def _counted_for(
    connection: duckdb.DuckDBPyConnection,
    version: int,
    projects: list[str],
    sheets_in_version: dict[str, int],
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Per sheet of a version, for `projects` only: its rows as of the version, and the rows
    it added, changed and removed (compared with the version before)."""
    counts: dict[str, int] = {}
    changes: dict[str, dict[str, int]] = {}
    for sheet in SHEETS:
        added, changed, removed, rows = connection.execute(
            f"""WITH a AS (SELECT row_key, row_hash FROM {sheet.table}
                           WHERE {as_of(version="old")} AND list_contains($projects, prosjekt_id)),
                b AS (SELECT row_key, row_hash FROM {sheet.table}
                      WHERE {as_of(version="new")} AND list_contains($projects, prosjekt_id))
            SELECT count(*) FILTER (WHERE a.row_key IS NULL),
                   count(*) FILTER (WHERE a.row_key IS NOT NULL AND b.row_key IS NOT NULL
                                      AND a.row_hash <> b.row_hash),
                   count(*) FILTER (WHERE b.row_key IS NULL),
                   count(b.row_key)
            FROM a FULL JOIN b USING (row_key)""",
            {"old": version - 1, "new": version, "projects": projects},
        ).fetchall()[0]
        if sheet.key in sheets_in_version:
            counts[sheet.key] = int(rows)
        if added or changed or removed or sheet.key in sheets_in_version:
            changes[sheet.key] = {
                "added": int(added),
                "changed": int(changed),
                "removed": int(removed),
                "rows": int(rows),
            }
    return counts, changes


def _change_text(changes: dict[str, dict[str, int]]) -> str:
    added = sum(change.get("added", 0) for change in changes.values())
    changed = sum(change.get("changed", 0) for change in changes.values())
    removed = sum(change.get("removed", 0) for change in changes.values())
    return f"{added} nye, {changed} endret, {removed} fjernet"


def version_overview(
    path: Path | str | None = None, readable: Collection[str] | None = None
) -> pd.DataFrame:
    """The version table as the Historikk page shows it, under Norwegian headings; of the
    projects in `readable` (None: every project; see `version_table`).

    Per sheet: the rows of that sheet in the upload (blank when the upload left it out).
    Gjelder: the projects the version touched. Endringer: rows added, changed and removed over
    every sheet.
    """
    table = version_table(path, readable)
    rows = []
    for record in table.itertuples(index=False):
        if record.kind == "rollback" and not is_missing(record.restored_from):
            kind = f"Gjenoppretting av versjon {int(record.restored_from)}"
        elif record.kind == DECISION_KIND:
            kind = "Vedtak i møte"
        elif record.kind == STATUS_FORM_KIND:
            kind = "Statusrapport skrevet i appen"
        else:
            kind = "Opplasting"
        meeting = (
            ""
            if is_missing(record.meeting)
            else f"{record.meeting} ({pd.Timestamp(record.meeting_date):%d.%m.%Y})"
        )
        row = {
            "Versjon": int(record.version),
            "Tidspunkt": record.created_at,
            "Lastet opp av": "" if is_missing(record.created_by) else record.created_by,
            "Fil": "" if is_missing(record.file_name) else record.file_name,
            "Type": kind,
            "Låst for møte": meeting,
            "Gjelder": ", ".join(record.projects),
            "Endringer": _change_text(record.changes),
        }
        for sheet in SHEETS:
            count = record.row_counts.get(sheet.key)
            row[sheet.name] = None if count is None else int(count)
        row["SHA-256"] = "" if is_missing(record.sha256) else record.sha256
        rows.append(row)
    columns = ["Versjon", "Tidspunkt", "Lastet opp av", "Fil", "Låst for møte", "Gjelder"]
    columns += ["Endringer", "Type", *(sheet.name for sheet in SHEETS), "SHA-256"]
    frame = pd.DataFrame(rows, columns=columns)
    for sheet in SHEETS:
        frame[sheet.name] = frame[sheet.name].astype("Int64")
    return frame


def row_counts_as_of(
    path: Path | str | None, version: int, readable: Collection[str] | None = None
) -> dict[str, int]:
    """Rows per sheet in the database as of a version, in the projects in `readable` (None:
    every project)."""
    with reading(path) as connection:
        return {
            sheet.key: int(
                connection.execute(
                    f"SELECT count(*) FROM {sheet.table} WHERE {as_of()} "
                    f"AND {readable_sql(PROJECT_COLUMN)}",
                    {"version": version, "readable": readable_list(readable)},
                ).fetchall()[0][0]
            )
            for sheet in SHEETS
        }


def diff_counts(path: Path | str | None, old: int, new: int) -> dict[str, SheetChange]:
    """Per sheet, what going from version `old` to version `new` adds, changes and removes.

    `rows` is the number of rows in version `new`. Used to show what a restore would do.
    """
    out: dict[str, SheetChange] = {}
    with reading(path) as connection:
        for sheet in SHEETS:
            added, changed, removed, rows = connection.execute(
                f"""WITH a AS (SELECT row_key, row_hash FROM {sheet.table}
                               WHERE {as_of(version="old")}),
                    b AS (SELECT row_key, row_hash FROM {sheet.table} WHERE {as_of(version="new")})
                SELECT count(*) FILTER (WHERE a.row_key IS NULL),
                       count(*) FILTER (WHERE a.row_key IS NOT NULL AND b.row_key IS NOT NULL
                                          AND a.row_hash <> b.row_hash),
                       count(*) FILTER (WHERE b.row_key IS NULL),
                       count(b.row_key)
                FROM a FULL JOIN b USING (row_key)""",
                {"old": old, "new": new},
            ).fetchall()[0]
            out[sheet.key] = SheetChange(int(added), int(changed), int(removed), int(rows))
    return out


__all__ = [
    "CATEGORIES",
    "CATEGORIES_BY_KEY",
    "CHANGE_COLUMNS",
    "HEADLINE_GROUPS",
    "Category",
    "MeetingChanges",
    "changes_since_last_meeting",
    "compare_versions",
    "diff_counts",
    "last_snapshot",
    "latest_version",
    "row_counts_as_of",
    "snapshot_of",
    "snapshots",
    "version_overview",
    "version_table",
]

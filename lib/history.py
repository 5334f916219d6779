"""Reads about history: the versions, what each one changed, and rows per version.

The Historikk page and the command line's `versions` read the version table here; what
changed since the last meeting is lib/meeting_changes.py (its names stay importable from
here), meeting snapshots lib/snapshots.py. The writes (locking, restoring) are lib/store.py's
and lib/snapshots.py's.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pandas as pd

from lib.contract import SHEETS
from lib.db import as_of, latest_version, reading
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
from lib.store import SheetChange


def version_table(path: Path | str | None = None) -> pd.DataFrame:
    """Every version, newest first: who, when, file, sha256, kind, counts, projects, meeting.

    `row_counts` (rows per sheet in the upload, or in the whole database after a restore) and
    `changes` ({sheet: added/changed/removed}) are dicts; `projects` lists the projects the
    version touched; `meeting` and `meeting_date` are set when the version is locked.
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
    return frame


def _change_text(changes: dict[str, dict[str, int]]) -> str:
    added = sum(change.get("added", 0) for change in changes.values())
    changed = sum(change.get("changed", 0) for change in changes.values())
    removed = sum(change.get("removed", 0) for change in changes.values())
    return f"{added} nye, {changed} endret, {removed} fjernet"


def version_overview(path: Path | str | None = None) -> pd.DataFrame:
    """The version table as the Historikk page shows it, under Norwegian headings.

    Per sheet: the rows of that sheet in the upload (blank when the upload left it out).
    Gjelder: the projects the version touched. Endringer: rows added, changed and removed over
    every sheet.
    """
    table = version_table(path)
    rows = []
    for record in table.itertuples(index=False):
        kind = (
            f"Gjenoppretting av versjon {int(record.restored_from)}"
            if record.kind == "rollback" and not is_missing(record.restored_from)
            else "Opplasting"
        )
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


def row_counts_as_of(path: Path | str | None, version: int) -> dict[str, int]:
    """Rows per sheet in the database as of a version."""
    with reading(path) as connection:
        return {
            sheet.key: int(
                connection.execute(
                    f"SELECT count(*) FROM {sheet.table} WHERE {as_of()}",
                    {"version": version},
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

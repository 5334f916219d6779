"""Every read of the store: parameterised SQL returning DataFrames.

Pages, the command line and exports read only through here. "As of" a version means the rows
valid in it: `valid_from <= v < valid_to` (a current row has valid_to NULL).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd

from lib.contract import (
    EVALUATION_DONE,
    EVALUATION_NO_DATE,
    EVALUATION_OVERDUE,
    EVALUATION_PLANNED,
    EVALUATION_SOON,
    EVALUATION_SOON_DAYS,
    GEVINSTER,
    PROJECT_COLUMN,
    SHEETS_BY_KEY,
    SUPPORTED_DECISIONS,
)
from lib.store import OPEN_VERSION, connect
from lib.validate import KnownData

AS_OF = "valid_from <= $version AND coalesce(valid_to, $open) > $version"


def _as_of(connection: duckdb.DuckDBPyConnection, version: int | None) -> dict[str, int]:
    if version is None:
        version = latest_version_in(connection)
    return {"version": version, "open": OPEN_VERSION}


def latest_version_in(connection: duckdb.DuckDBPyConnection) -> int:
    row = connection.execute("SELECT coalesce(max(version), 0) FROM versions").fetchall()[0]
    return int(row[0]) if row else 0


def latest_version(path: Path | str | None = None) -> int:
    with connect(path) as connection:
        return latest_version_in(connection)


def sheet_rows(path: Path | str | None, sheet_key: str, version: int | None = None) -> pd.DataFrame:
    """The rows of one sheet as of a version (default: latest), in workbook order."""
    sheet = SHEETS_BY_KEY[sheet_key]
    names = ", ".join(column.db for column in sheet.columns)
    order = ", ".join((PROJECT_COLUMN, "row_order", *sheet.id_columns))
    with connect(path) as connection:
        return connection.execute(
            f"SELECT {names} FROM {sheet.table} WHERE {AS_OF} ORDER BY {order}",
            _as_of(connection, version),
        ).df()


def versions(path: Path | str | None = None) -> pd.DataFrame:
    """Every version, newest first, with its row counts per sheet."""
    with connect(path) as connection:
        frame = connection.execute(
            """SELECT version, created_at, created_by, file_name, sha256, kind, restored_from,
                      row_counts, changes
               FROM versions ORDER BY version DESC"""
        ).df()
    for column in ("row_counts", "changes"):
        frame[column] = [json.loads(text) if text else {} for text in frame[column]]
    return frame


def known_data(path: Path | str | None = None) -> KnownData:
    """The IDs an upload may refer to without repeating them."""
    with connect(path) as connection:
        params = _as_of(connection, None)
        projects = {
            row[0]
            for row in connection.execute(
                f"SELECT prosjekt_id FROM prosjekter WHERE {AS_OF}", params
            ).fetchall()
        }
        ids = {}
        for key in ("gevinster", "anbefalinger"):
            id_column = SHEETS_BY_KEY[key].id_columns[0]
            ids[key] = {
                (row[0], row[1])
                for row in connection.execute(
                    f"SELECT prosjekt_id, {id_column} FROM {key} WHERE {AS_OF}", params
                ).fetchall()
            }
        benefit_types = {
            (row[0], row[1]): row[2]
            for row in connection.execute(
                f"SELECT prosjekt_id, gevinst_id, type FROM {GEVINSTER.table} WHERE {AS_OF}",
                params,
            ).fetchall()
        }
    return KnownData(projects, ids, benefit_types)


PLAN_COLUMNS = ["prosjekt_id", "anbefaling_id", "evaluering", "frist", "status"]


def evaluation_plan(
    path: Path | str | None = None, today: dt.date | None = None, version: int | None = None
) -> pd.DataFrame:
    """The derived evaluation plan: one row per supported recommendation and month count.

    Due = Iverksatt + months, clamped to the month's last day (DuckDB's date + interval does
    that). Status: Gjennomført, else Forfalt (due before today), else Snart (within 30 days),
    else Planlagt; without an Iverksatt date: Mangler iverksettingsdato and no due date.
    """
    today = today or dt.date.today()
    with connect(path) as connection:
        params = {
            **_as_of(connection, version),
            "today": today,
            "soon": EVALUATION_SOON_DAYS,
            "supported": list(SUPPORTED_DECISIONS),
            "done": EVALUATION_DONE,
            "overdue": EVALUATION_OVERDUE,
            "soon_status": EVALUATION_SOON,
            "planned": EVALUATION_PLANNED,
            "no_date": EVALUATION_NO_DATE,
        }
        return connection.execute(
            f"""
            WITH recommendations AS (
              SELECT prosjekt_id, anbefaling_id, iverksatt, evaluering, row_order
              FROM anbefalinger
              WHERE {AS_OF} AND list_contains($supported, vedtak)
            ),
            points AS (
              SELECT prosjekt_id, anbefaling_id, row_order, unnest(evaluering) AS evaluering,
                     CAST(iverksatt + to_months(unnest(evaluering)) AS DATE) AS frist
              FROM recommendations WHERE iverksatt IS NOT NULL
            ),
            done AS (
              SELECT prosjekt_id, anbefaling_id, evaluering FROM evalueringer
              WHERE {AS_OF} AND gjennomfort IS NOT NULL
            )
            SELECT p.prosjekt_id, p.anbefaling_id, p.evaluering, p.frist, p.row_order,
                   CASE WHEN d.anbefaling_id IS NOT NULL THEN $done
                        WHEN p.frist < $today THEN $overdue
                        WHEN p.frist <= $today + to_days($soon) THEN $soon_status
                        ELSE $planned END AS status
            FROM points p LEFT JOIN done d USING (prosjekt_id, anbefaling_id, evaluering)
            UNION ALL
            SELECT prosjekt_id, anbefaling_id, NULL, NULL, row_order, $no_date
            FROM recommendations WHERE iverksatt IS NULL
            ORDER BY prosjekt_id, row_order, evaluering NULLS LAST
            """,
            params,
        ).df()[PLAN_COLUMNS]

"""Every read the pages, the command line and exports make: parameterised SQL returning
DataFrames, one connection (read-only: lib.db.reading) per call.

The views' SQL (filters, CTEs) is built in lib/view_sql.py; "as of" a version, the latest
version and the stored state an upload is checked against are lib/db.py's, and stay
importable from here for the callers that knew them here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from lib.contract import (
    DECISIONS,
    GEVINSTER,
    PROJECT_COLUMN,
    PROSJEKTER,
    RISK_BANDS,
    SHEETS,
    SHEETS_BY_KEY,
)
from lib.db import as_of, latest_version_in, reading, version_or_latest

# Filters and their status choices are what every view function here takes: part of this
# module's interface, defined beside the SQL that applies them.
from lib.view_sql import STATUS_AREAS as STATUS_AREAS
from lib.view_sql import STATUS_OPTIONS as STATUS_OPTIONS
from lib.view_sql import (
    Bands,
    Filters,
    band_case,
    baseline_date_sql,
    benefits_cte,
    for_projects,
    in_scope,
    milestones_cte,
    plan_cte,
    read_frame,
    readable_list,
    readable_sql,
    recommendations_cte,
    risks_cte,
    scoped,
    scored,
    sheet_columns,
    view_params,
)
from lib.view_sql import readable_by as readable_by
from lib.view_sql import status_label as status_label

if TYPE_CHECKING:  # imported where a frame is made: a load from the command line makes none
    import pandas as pd


def _view_rows(
    connection: duckdb.DuckDBPyConnection,
    ctes: str,
    view: str,
    order: str,
    params: dict[str, object],
) -> pd.DataFrame:
    """The rows of `view` (one of `ctes`) in `order`, without the workbook order they sort
    by (dropped here rather than with DuckDB's `SELECT * EXCLUDE`)."""
    frame = read_frame(connection, f"WITH {ctes} SELECT * FROM {view} ORDER BY {order}", params)
    return frame.drop(columns="row_order")


#: The views a page lists row by row: view -> (its CTEs, its order).
_LISTED = {
    "plan": (plan_cte, "prosjekt_id, row_order, evaluering NULLS LAST"),
    "milestones": (milestones_cte, "planlagt, prosjekt_id, row_order"),
}


def _listed(
    view: str, path: Path | str | None, filters: Filters, today: dt.date | None
) -> pd.DataFrame:
    """The rows of a listed view (`_LISTED`), on a connection of its own."""
    ctes, order = _LISTED[view]
    with reading(path) as connection:
        return _view_rows(connection, ctes(), view, order, view_params(connection, filters, today))


def high_risk_from(bands: Bands = RISK_BANDS) -> int:
    """The lowest score of the highest band: a "high risk" on the overview."""
    return max(lowest for lowest, _name, _colour in bands)


def named_only_projects_sql() -> str:
    """SQL: the projects (`prosjekt_id`) that rows of other sheets name, as of `$version`,
    without a Prosjekter row as of that version: a project only named at upload
    (`load --project X` with a sheet that has no Prosjekt-ID column)."""
    named = " UNION ".join(
        f"SELECT {PROJECT_COLUMN} FROM {sheet.table} WHERE {as_of()}"
        for sheet in SHEETS
        if sheet.key != PROSJEKTER.key
    )
    return f"""SELECT {PROJECT_COLUMN} FROM ({named})
        WHERE {PROJECT_COLUMN} NOT IN (
            SELECT {PROJECT_COLUMN} FROM {PROSJEKTER.table} WHERE {as_of()})"""


def sheet_rows(
    path: Path | str | None,
    sheet_key: str,
    version: int | None = None,
    *,
    readable: Collection[str] | None = None,
) -> pd.DataFrame:
    """The rows of one sheet as of a version (default: latest), in workbook order; only the
    projects in `readable` (None: every project).

    Prosjekter also lists each project only named at upload (`named_only_projects_sql`),
    with its ID as Prosjektnavn (required in the sheet) and nothing else: so the export
    writes a row for it and loads into an empty database, and `dump prosjekter` shows the
    same rows before and after that round trip.
    """
    sheet = SHEETS_BY_KEY[sheet_key]
    names = ", ".join(column.db for column in sheet.columns)
    order = ", ".join((PROJECT_COLUMN, "row_order", *sheet.id_columns))
    rows = f"SELECT {names}, row_order FROM {sheet.table} WHERE {as_of()}"
    if sheet.key == PROSJEKTER.key:
        implied = ", ".join(
            PROJECT_COLUMN
            if column.db in (PROJECT_COLUMN, "prosjektnavn")
            else f"NULL AS {column.db}"
            for column in sheet.columns
        )
        rows += f" UNION ALL SELECT {implied}, NULL FROM ({named_only_projects_sql()})"
    with reading(path) as connection:
        return connection.execute(
            f"SELECT {names} FROM ({rows}) WHERE {readable_sql(PROJECT_COLUMN)} ORDER BY {order}",
            {
                "version": version_or_latest(connection, version),
                "readable": readable_list(readable),
            },
        ).df()


def versions(
    path: Path | str | None = None, readable: Collection[str] | None = None
) -> pd.DataFrame:
    """Every version, newest first, with its row counts per sheet; with `readable` (None:
    every project), only the versions that touched a project in it (so a reader learns
    nothing of uploads for other projects, not even who made them)."""
    with reading(path) as connection:
        frame = connection.execute(
            f"""SELECT version, created_at, created_by, file_name, sha256, kind, restored_from,
                      row_counts, changes
               FROM versions
               WHERE $readable::VARCHAR[] IS NULL OR version IN (
                   SELECT version FROM version_projects WHERE {readable_sql(PROJECT_COLUMN)})
               ORDER BY version DESC""",
            {"readable": readable_list(readable)},
        ).df()
    for column in ("row_counts", "changes"):
        frame[column] = [json.loads(text) if text else {} for text in frame[column]]
    return frame


def dump_rows(
    path: Path | str | None,
    sheet_key: str,
    version: int | None = None,
    *,
    readable: Collection[str] | None = None,
) -> pd.DataFrame:
    """The rows `dump` prints: `sheet_rows`, with Nullpunktdato's default filled in (the
    other defaults are stored with the row; this one depends on other sheets, so it is
    worked out as of the same version, as the benefit views do)."""
    if sheet_key != GEVINSTER.key:
        return sheet_rows(path, sheet_key, version, readable=readable)
    used = baseline_date_sql("g", "m.forste_dato", "p.startdato")
    names = ", ".join(
        f"{used} AS nullpunktdato" if column.db == "nullpunktdato" else f"g.{column.db}"
        for column in GEVINSTER.columns
    )
    with reading(path) as connection:
        return connection.execute(
            f"""SELECT {names} FROM gevinster g
            LEFT JOIN (SELECT prosjekt_id, gevinst_id, min(dato) AS forste_dato
                       FROM malinger WHERE {as_of()}
                       GROUP BY prosjekt_id, gevinst_id) m
              USING (prosjekt_id, gevinst_id)
            LEFT JOIN prosjekter p ON p.prosjekt_id = g.prosjekt_id AND {as_of("p")}
            WHERE {as_of("g")} AND {readable_sql("g.prosjekt_id")}
            ORDER BY g.prosjekt_id, g.row_order, g.gevinst_id""",
            {
                "version": version_or_latest(connection, version),
                "readable": readable_list(readable),
            },
        ).df()


def status_day(path: Path | str | None, version: int | None, today: dt.date) -> dt.date:
    """The day statuses (overdue, due soon, late) are judged on: `today` for the latest data;
    for an older version, the day it was stored, so the app shows it as it was then."""
    if version is None:
        return today
    with reading(path) as connection:
        if int(version) >= latest_version_in(connection):
            return today
        row = connection.execute(
            "SELECT created_at FROM versions WHERE version = $version", {"version": int(version)}
        ).fetchall()
    return min(row[0][0].date(), today) if row else today


# --- Filter choices ---------------------------------------------------------------------------


def norwegian_key(text: str) -> str:
    """Sort key in Norwegian alphabetical order: … x y z æ ø å."""
    return str(text).casefold().translate({ord("æ"): "{", ord("ø"): "|", ord("å"): "}"})


@dataclass(frozen=True)
class FilterOptions:
    """What the sidebar filters offer: every value any version holds, so choices stay stable."""

    projects: tuple[str, ...]
    project_names: dict[str, str]
    units: tuple[str, ...]
    owners: tuple[str, ...]


def filter_options(
    path: Path | str | None = None, readable: Collection[str] | None = None
) -> FilterOptions:
    """The choices of the projects in `readable` (None: every project), so that a reader
    learns no other project's ID, name, unit or people from the sidebar."""
    mine = readable_sql(PROJECT_COLUMN)
    with reading(path) as connection:
        # Also the projects only named at upload, under their ID (as `sheet_rows` lists them).
        named = " UNION ".join(
            f"SELECT {PROJECT_COLUMN} FROM {sheet.table} WHERE {mine}" for sheet in SHEETS
        )
        parameters = {"readable": readable_list(readable)}
        projects = connection.execute(
            f"""SELECT ids.prosjekt_id, coalesce(names.prosjektnavn, ids.prosjekt_id)
               FROM ({named}) ids
               LEFT JOIN (SELECT prosjekt_id, arg_max(prosjektnavn, valid_from) AS prosjektnavn
                          FROM prosjekter GROUP BY prosjekt_id) names USING (prosjekt_id)""",
            parameters,
        ).fetchall()
        units = connection.execute(
            f"SELECT DISTINCT enhet FROM prosjekter WHERE enhet IS NOT NULL AND {mine}",
            parameters,
        ).fetchall()
        owners = connection.execute(
            f"""SELECT ansvarlig FROM risiko WHERE ansvarlig IS NOT NULL AND {mine}
               UNION SELECT gevinsteier FROM gevinster WHERE gevinsteier IS NOT NULL AND {mine}
               UNION SELECT ansvarlig FROM anbefalinger WHERE ansvarlig IS NOT NULL AND {mine}
               UNION SELECT ansvarlig FROM milepaeler WHERE ansvarlig IS NOT NULL AND {mine}""",
            parameters,
        ).fetchall()
    names = {str(row[0]): str(row[1]) for row in projects}
    return FilterOptions(
        projects=tuple(sorted(names, key=norwegian_key)),
        project_names=names,
        units=tuple(sorted((str(row[0]) for row in units), key=norwegian_key)),
        owners=tuple(sorted((str(row[0]) for row in owners), key=norwegian_key)),
    )


# --- Oversikt ---------------------------------------------------------------------------------

#: The overview's figures: column -> (sheet-level entity, what it counts).
OVERVIEW_FIGURES: tuple[str, ...] = (
    "hoye_risikoer",
    "aktive_risikoer",
    "gevinster_pa_sporet",
    "gevinster_bak_skjema",
    "gevinster_ikke_malt",
    "gevinster_mangler_mal",
    *(f"vedtak_{index}" for index in range(len(DECISIONS))),
    "evalueringer_forfalt",
    "evalueringer_snart",
    "milepaeler_forsinket",
)


def decision_column(decision: str) -> str:
    """The overview column that counts one decision."""
    return f"vedtak_{list(DECISIONS).index(decision)}"


def overview(
    path: Path | str | None, filters: Filters, today: dt.date | None = None
) -> pd.DataFrame:
    """One row per project in scope (and readable) with the meeting's figures; same SQL as
    the pages."""
    decision_counts = ", ".join(
        f"count(*) FILTER (WHERE vedtak = $decision_{index}) AS vedtak_{index}"
        for index in range(len(DECISIONS))
    )
    figures = ", ".join(f"coalesce({column}, 0)::BIGINT AS {column}" for column in OVERVIEW_FIGURES)
    sql = f"""
      WITH {risks_cte()}, {benefits_cte()}, {recommendations_cte()}, {plan_cte()},
      {milestones_cte()},
      projects AS (
        SELECT p.prosjekt_id, p.prosjektnavn, p.enhet, p.row_order FROM prosjekter p
        WHERE {as_of("p")} AND {readable_sql("p.prosjekt_id")}
          AND (len($projects::VARCHAR[]) = 0
               OR list_contains($projects::VARCHAR[], p.prosjekt_id))
          AND (len($units::VARCHAR[]) = 0 OR list_contains($units::VARCHAR[], p.enhet))
      ),
      r AS (SELECT prosjekt_id, count(*) FILTER (WHERE score >= $high) AS hoye_risikoer,
                   count(*) AS aktive_risikoer FROM risks GROUP BY prosjekt_id),
      b AS (SELECT prosjekt_id,
                   count(*) FILTER (WHERE status = $on_track) AS gevinster_pa_sporet,
                   count(*) FILTER (WHERE status = $behind) AS gevinster_bak_skjema,
                   count(*) FILTER (WHERE status = $not_measured) AS gevinster_ikke_malt,
                   count(*) FILTER (WHERE status = $no_target) AS gevinster_mangler_mal
            FROM benefits GROUP BY prosjekt_id),
      a AS (SELECT prosjekt_id, {decision_counts} FROM recommendations GROUP BY prosjekt_id),
      e AS (SELECT prosjekt_id,
                   count(*) FILTER (WHERE status = $overdue) AS evalueringer_forfalt,
                   count(*) FILTER (WHERE status = $soon_status) AS evalueringer_snart
            FROM plan GROUP BY prosjekt_id),
      m AS (SELECT prosjekt_id,
                   count(*) FILTER (WHERE status = $ms_late) AS milepaeler_forsinket
            FROM milestones GROUP BY prosjekt_id),
      ids AS (SELECT prosjekt_id FROM projects UNION SELECT prosjekt_id FROM r
              UNION SELECT prosjekt_id FROM b UNION SELECT prosjekt_id FROM a
              UNION SELECT prosjekt_id FROM e UNION SELECT prosjekt_id FROM m)
      SELECT ids.prosjekt_id,
             -- a project only named at upload goes by its ID, as in sheet_rows
             coalesce(projects.prosjektnavn, ids.prosjekt_id) AS prosjektnavn, projects.enhet,
             {figures}
      FROM ids LEFT JOIN projects USING (prosjekt_id) LEFT JOIN r USING (prosjekt_id)
        LEFT JOIN b USING (prosjekt_id) LEFT JOIN a USING (prosjekt_id)
        LEFT JOIN e USING (prosjekt_id) LEFT JOIN m USING (prosjekt_id)
    """
    with reading(path) as connection:
        params = {
            **view_params(connection, filters, today),
            "high": high_risk_from(),
            **{f"decision_{index}": name for index, name in enumerate(DECISIONS)},
        }
        figures_per_project = read_frame(connection, sql, params)
    # By Prosjekt-ID in Norwegian alphabetical order, as the Prosjekt filter lists them: the
    # same order in every version and after every upload (the row order of the Prosjekter
    # sheet changes with whoever uploaded last, and a project uploaded alone has none).
    return figures_per_project.sort_values(
        "prosjekt_id", key=lambda ids: ids.map(norwegian_key), ignore_index=True
    )


# --- Risiko -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskView:
    """The risk page: the 5×5 matrix (every cell, zeros too) and the list below it."""

    matrix: pd.DataFrame  # sannsynlighet, konsekvens, score, band, antall
    rows: pd.DataFrame  # the list, highest score first
    compared_with: int | None  # the version the movement column compares with
    #: Whether `rows` holds every risk the matrix counts (read without `cell` or `min_score`).
    every_row: bool = True

    def for_projects(self, projects: Collection[str]) -> RiskView:
        """The view of these projects only: the list narrowed, the matrix counted again from
        it. Equals `risk_view` read with the projects in its filters (tested)."""
        if not self.every_row:
            raise ValueError("a risk list narrowed to a cell or score has not every row")
        rows = for_projects(self.rows, projects)
        counted = rows.groupby(["sannsynlighet", "konsekvens"]).size()
        cells = zip(self.matrix["sannsynlighet"], self.matrix["konsekvens"], strict=True)
        matrix = self.matrix.assign(antall=[int(counted.get(cell, 0)) for cell in cells])
        matrix["antall"] = matrix["antall"].astype(self.matrix["antall"].dtype)
        return RiskView(matrix, rows, self.compared_with)

    def in_cell(self, cell: tuple[int, int]) -> pd.DataFrame:
        """The list narrowed to one cell (sannsynlighet, konsekvens) of the matrix: equals
        `risk_view(…, cell=cell).rows` (tested), without a second read."""
        probability, consequence = cell
        chosen = (self.rows["sannsynlighet"] == probability) & (
            self.rows["konsekvens"] == consequence
        )
        return self.rows[chosen].reset_index(drop=True)


def risk_view(
    path: Path | str | None,
    filters: Filters,
    *,
    after: bool = False,
    compare_with: int | None = None,
    cell: tuple[int, int] | None = None,
    bands: Bands = RISK_BANDS,
    min_score: int | None = None,
    with_matrix: bool = True,
) -> RiskView:
    """The risk matrix and list, before or after tiltak.

    `cell` = (sannsynlighet, konsekvens) narrows the list (not the matrix) to one cell, and
    `min_score` to the risks scored at least that. `with_matrix=False` leaves the matrix empty
    (the agenda reads the list alone, at 40,000 risks a third of the time).
    `compare_with` is the version each risk's score is compared with (None: no comparison):
    Opp, Ned, Uendret, or Ny when the risk did not exist then.
    """
    band_sql, band_params = band_case("score", bands)
    grid_band, _ = band_case("grid.s * grid.k", bands)
    s, k = scored("q", "sannsynlighet"), scored("q", "konsekvens")
    matrix_sql = f"""
      WITH {risks_cte()},
      grid AS (SELECT s.v AS s, k.v AS k FROM range(1, 6) s(v), range(1, 6) k(v))
      SELECT grid.s::INTEGER AS sannsynlighet, grid.k::INTEGER AS konsekvens,
             (grid.s * grid.k)::INTEGER AS score, {grid_band} AS band,
             count(risks.risiko_id)::INTEGER AS antall
      FROM grid LEFT JOIN risks ON risks.sannsynlighet = grid.s AND risks.konsekvens = grid.k
      GROUP BY grid.s, grid.k ORDER BY grid.s DESC, grid.k
    """
    rows_sql = f"""
      WITH {risks_cte()},
      previous AS (
        SELECT q.prosjekt_id, q.risiko_id, ({s}) * ({k}) AS forrige_score
        FROM risiko q WHERE {as_of("q", "compare")} AND {readable_sql("q.prosjekt_id")}
      )
      SELECT risks.prosjekt_id, risks.risiko_id, risks.risiko, risks.score::INTEGER AS score,
             {band_sql} AS band, risks.sannsynlighet::INTEGER AS sannsynlighet,
             risks.konsekvens::INTEGER AS konsekvens, risks.tiltak, risks.ansvarlig,
             risks.frist, risks.status,
             previous.forrige_score::INTEGER AS forrige_score,
             CASE WHEN NOT $has_compare THEN NULL
                  WHEN previous.forrige_score IS NULL THEN $new
                  WHEN risks.score > previous.forrige_score THEN $up
                  WHEN risks.score < previous.forrige_score THEN $down
                  ELSE $same END AS endring,
             risks.kategori, risks.beskrivelse
      FROM risks LEFT JOIN previous USING (prosjekt_id, risiko_id)
      WHERE ($cell_s IS NULL OR risks.sannsynlighet = $cell_s)
        AND ($cell_k IS NULL OR risks.konsekvens = $cell_k)
        AND ($min_score IS NULL OR risks.score >= $min_score)
      ORDER BY risks.score DESC, risks.prosjekt_id, risks.row_order
    """
    with reading(path) as connection:
        params = {
            **view_params(connection, filters),
            **band_params,
            "after": after,
            "compare": compare_with if compare_with is not None else -1,
            "has_compare": compare_with is not None,
            "cell_s": cell[0] if cell else None,
            "cell_k": cell[1] if cell else None,
        }
        rows = read_frame(connection, rows_sql, {**params, "min_score": min_score})
        # Without the matrix: an empty frame (the list's, with no rows and no columns).
        matrix = read_frame(connection, matrix_sql, params) if with_matrix else rows.iloc[:0, :0]
    return RiskView(matrix, rows, compare_with, every_row=cell is None and min_score is None)


# --- Gevinster --------------------------------------------------------------------------------

BENEFIT_COLUMNS = [
    "prosjekt_id",
    "gevinst_id",
    "gevinst",
    "type",
    "maleindikator",
    "enhet",
    "nullpunkt",
    "nullpunktdato_brukt",
    "malverdi",
    "maldato",
    "siste_verdi",
    "siste_dato",
    "fremdrift_prosent",
    "planlagt_prosent",
    "planlagt_verdi",
    "status",
    "antall_malinger",
    "gevinsteier",
    "effektmal",
]


def benefits(
    path: Path | str | None, filters: Filters, today: dt.date | None = None
) -> pd.DataFrame:
    """Per benefit: baseline, target, latest measurement, progress % and track status."""
    sql = f"""
      WITH {benefits_cte()}
      SELECT *, round(100 * fremdrift, 1) AS fremdrift_prosent,
             round(100 * planlagt_andel, 1) AS planlagt_prosent
      FROM benefits ORDER BY prosjekt_id, row_order
    """
    with reading(path) as connection:
        return read_frame(connection, sql, view_params(connection, filters, today))[BENEFIT_COLUMNS]


def measurements(
    path: Path | str | None,
    project: str,
    benefit_id: str,
    version: int | None = None,
    *,
    readable: Collection[str] | None = None,
) -> pd.DataFrame:
    """The measurements of one benefit, oldest first: dato, verdi, kommentar (none when
    `project` is not in `readable`; None: every project)."""
    with reading(path) as connection:
        return read_frame(
            connection,
            f"""SELECT m.dato, m.verdi, m.kommentar FROM malinger m
                WHERE {as_of("m")} AND m.prosjekt_id = $project AND m.gevinst_id = $benefit
                  AND {readable_sql("m.prosjekt_id")}
                ORDER BY m.dato""",
            {
                "version": version_or_latest(connection, version),
                "project": project,
                "benefit": benefit_id,
                "readable": readable_list(readable),
            },
        )


# --- Anbefalinger -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationView:
    counts: pd.DataFrame  # vedtak, antall: every decision, zeros too, in contract order
    rows: pd.DataFrame

    def for_projects(self, projects: Collection[str]) -> RecommendationView:
        """The view of these projects only: the list narrowed, each decision counted again
        from it. Equals `recommendations` read with the projects in its filters (tested)."""
        rows = for_projects(self.rows, projects)
        if self.counts.empty:
            return RecommendationView(self.counts, rows)
        counted = rows["vedtak"].value_counts()
        counts = self.counts.assign(
            antall=[int(counted.get(decision, 0)) for decision in self.counts["vedtak"]]
        )
        counts["antall"] = counts["antall"].astype(self.counts["antall"].dtype)
        return RecommendationView(counts, rows)


def recommendations(
    path: Path | str | None, filters: Filters, *, with_counts: bool = True
) -> RecommendationView:
    """The recommendations in `filters` and how many got each decision (`with_counts=False`:
    the list alone, the counts empty; the agenda needs no counts)."""
    with reading(path) as connection:
        params = view_params(connection, filters)
        rows = _view_rows(
            connection, recommendations_cte(), "recommendations", "prosjekt_id, row_order", params
        )
        if not with_counts:
            return RecommendationView(rows.iloc[:0, :0], rows)
        counts = read_frame(
            connection,
            f"""WITH {recommendations_cte()},
                decisions AS (SELECT unnest($all_decisions) AS vedtak,
                                     generate_subscripts($all_decisions, 1) AS place)
                SELECT d.vedtak, count(r.anbefaling_id)::INTEGER AS antall
                FROM decisions d LEFT JOIN recommendations r USING (vedtak)
                GROUP BY d.vedtak, d.place ORDER BY d.place""",
            {**params, "all_decisions": list(DECISIONS)},
        )
    return RecommendationView(counts, rows)


# --- Evaluering -------------------------------------------------------------------------------

PLAN_COLUMNS = ["prosjekt_id", "anbefaling_id", "evaluering", "frist", "status"]


def evaluations(
    path: Path | str | None, filters: Filters, today: dt.date | None = None
) -> pd.DataFrame:
    """The derived plan of the filtered recommendations, with their title and owner."""
    return _listed("plan", path, filters, today)


def evaluation_plan(
    path: Path | str | None = None,
    today: dt.date | None = None,
    version: int | None = None,
    *,
    readable: Collection[str] | None = None,
) -> pd.DataFrame:
    """The derived evaluation plan: one row per supported recommendation and month count, of
    the projects in `readable` (None: every project)."""
    chosen = Filters(version=version, readable=None if readable is None else frozenset(readable))
    return evaluations(path, chosen, today)[PLAN_COLUMNS]


# --- Milepæler --------------------------------------------------------------------------------


# --- Status ------------------------------------------------------------------------------------


def status_reports(path: Path | str | None, filters: Filters) -> pd.DataFrame:
    """Every status report as of the filters' version, in the projects they name (and the
    actor may read), oldest first per project, with the project's name and `siste` marking
    each project's latest report. Owner, text and status filters do not narrow reports."""
    sql = f"""
      SELECT {sheet_columns("s", "status")}, p.prosjektnavn,
        s.rapportdato = max(s.rapportdato) OVER (PARTITION BY s.prosjekt_id) AS siste
      FROM status s
      LEFT JOIN (SELECT prosjekt_id, prosjektnavn FROM prosjekter WHERE {as_of()}) p
        USING (prosjekt_id)
      WHERE {as_of("s")} AND {in_scope("s", "rapportert_av", ("prosjekt_id",))}
      ORDER BY s.prosjekt_id, s.rapportdato
    """
    with reading(path) as connection:
        return read_frame(connection, sql, view_params(connection, scoped(filters)))


def milestones(
    path: Path | str | None, filters: Filters, today: dt.date | None = None
) -> pd.DataFrame:
    """Milestones with expected date, slippage in days and status, in plan order."""
    return _listed("milestones", path, filters, today)

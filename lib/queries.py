"""Every read of the store: parameterised SQL returning DataFrames.

Pages, the command line and exports read only through here. "As of" a version means the rows
valid in it: `valid_from <= v < valid_to` (a current row has valid_to NULL).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from lib import clock
from lib.contract import (
    BENEFIT_BEHIND,
    BENEFIT_NO_TARGET,
    BENEFIT_NOT_MEASURED,
    BENEFIT_ON_TRACK,
    BENEFIT_STATUSES,
    DECISIONS,
    EVALUATION_DONE,
    EVALUATION_NO_DATE,
    EVALUATION_OVERDUE,
    EVALUATION_PLANNED,
    EVALUATION_SOON,
    EVALUATION_SOON_DAYS,
    EVALUATION_STATUSES,
    GEVINSTER,
    MILESTONE_DONE,
    MILESTONE_LATE,
    MILESTONE_ON_TRACK,
    MILESTONE_STATUSES,
    PROJECT_COLUMN,
    RISK_ACTIVE_STATUSES,
    RISK_BANDS,
    RISK_DOWN,
    RISK_NEW,
    RISK_SAME,
    RISK_STATUSES,
    RISK_UP,
    SHEETS,
    SHEETS_BY_KEY,
    SUPPORTED_DECISIONS,
)
from lib.store import OPEN_VERSION, connect
from lib.validate import KnownData

if TYPE_CHECKING:  # imported where a frame is made: a load from the command line makes none
    import pandas as pd

Bands = tuple[tuple[int, str, str], ...]
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


def _baseline_date_sql(benefit: str, first_measurement: str, project_start: str) -> str:
    """Nullpunktdato as used (the contract's default when it is empty): the earliest
    measurement, else the project's Startdato."""
    return f"coalesce({benefit}.nullpunktdato, {first_measurement}, {project_start})"


def dump_rows(path: Path | str | None, sheet_key: str, version: int | None = None) -> pd.DataFrame:
    """The rows `dump` prints: `sheet_rows`, with Nullpunktdato's default filled in (the
    other defaults are stored with the row; this one depends on other sheets, so it is
    worked out as of the same version, as the benefit views do)."""
    if sheet_key != GEVINSTER.key:
        return sheet_rows(path, sheet_key, version)
    used = _baseline_date_sql("g", "m.forste_dato", "p.startdato")
    names = ", ".join(
        f"{used} AS nullpunktdato" if column.db == "nullpunktdato" else f"g.{column.db}"
        for column in GEVINSTER.columns
    )
    with connect(path) as connection:
        return connection.execute(
            f"""SELECT {names} FROM gevinster g
            LEFT JOIN (SELECT prosjekt_id, gevinst_id, min(dato) AS forste_dato
                       FROM malinger WHERE {AS_OF} GROUP BY ALL) m
              USING (prosjekt_id, gevinst_id)
            LEFT JOIN prosjekter p ON p.prosjekt_id = g.prosjekt_id AND {_valid("p")}
            WHERE {_valid("g")}
            ORDER BY g.prosjekt_id, g.row_order, g.gevinst_id""",
            _as_of(connection, version),
        ).df()


def status_day(path: Path | str | None, version: int | None, today: dt.date) -> dt.date:
    """The day statuses (overdue, due soon, late) are judged on: `today` for the latest data;
    for an older version, the day it was stored, so the app shows it as it was then."""
    if version is None:
        return today
    with connect(path) as connection:
        row = connection.execute(
            """SELECT created_at FROM versions
               WHERE version = ? AND version < (SELECT max(version) FROM versions)""",
            [int(version)],
        ).fetchall()
    return min(row[0][0].date(), today) if row else today


def known_data(path: Path | str | None = None) -> KnownData:
    """The IDs an upload may refer to without repeating them."""
    with connect(path) as connection:
        return known_data_in(connection)


@dataclass(frozen=True)
class StoredState:
    """What an upload is checked and stored against, read in one snapshot."""

    known: KnownData
    # project -> the latest version that touched it, for every project any version touched
    # (also those whose rows a rollback has since removed); a project not here has none
    project_versions: dict[str, int]


def stored_state(path: Path | str | None = None) -> StoredState:
    with connect(path) as connection:
        touched = connection.execute(
            "SELECT prosjekt_id, max(version) FROM version_projects GROUP BY prosjekt_id"
        ).fetchall()
        return StoredState(
            known_data_in(connection), {str(project): int(version) for project, version in touched}
        )


def known_data_in(connection: duckdb.DuckDBPyConnection) -> KnownData:
    """The IDs an upload may refer to without repeating them, on an open connection."""
    params = _as_of(connection, None)
    # Every project any current row names, not only those in Prosjekter: a project first
    # stored with `load --project X` has rows but no Prosjekter row, and its export must
    # load back unchanged.
    every_table = " UNION ".join(
        f"SELECT prosjekt_id FROM {sheet.table} WHERE {AS_OF}" for sheet in SHEETS
    )
    projects = {row[0] for row in connection.execute(every_table, params).fetchall()}
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
    children = {}
    for child in SHEETS:
        if child.parent is not None:
            parent_column = child.parent[0]
            children[child.key] = {
                (row[0], row[1]): int(row[2])
                for row in connection.execute(
                    f"""SELECT prosjekt_id, {parent_column}, count(*) FROM {child.table}
                        WHERE {AS_OF} GROUP BY ALL""",
                    params,
                ).fetchall()
            }
    return KnownData(projects, ids, benefit_types, children)


# ---------------------------------------------------------------------------------------------
# The steering-group views. Every page reads through one function here, one connection per
# call; the filters become SQL parameters, never SQL text.


@dataclass(frozen=True)
class Filters:
    """The sidebar filters every page shares. Empty means "all"; version None means latest.

    `statuses` may mix vocabularies (risk statuses, decisions, evaluation, benefit and
    milestone statuses): each view applies the ones that belong to it and ignores the rest.
    """

    projects: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    text: str = ""
    version: int | None = None

    def statuses_in(self, vocabulary: Iterable[str]) -> list[str]:
        """The chosen statuses that belong to one vocabulary, in the vocabulary's order."""
        return [status for status in vocabulary if status in self.statuses]

    @property
    def narrowed(self) -> bool:
        """Whether any filter other than the version is set."""
        return bool(self.projects or self.units or self.owners or self.statuses or self.text)


#: Every status the status filter offers, in the order the pages appear.
STATUS_OPTIONS: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            *RISK_STATUSES,
            *BENEFIT_STATUSES,
            *DECISIONS,
            *EVALUATION_STATUSES,
            *MILESTONE_STATUSES,
        )
    )
)


def high_risk_from(bands: Bands = RISK_BANDS) -> int:
    """The lowest score of the highest band: a "high risk" on the overview."""
    return max(lowest for lowest, _name, _colour in bands)


_PARAMETER = re.compile(r"\$([A-Za-z_]\w*)")


@cache
def _nullable_integers() -> dict[pa.DataType, object]:
    """Arrow integer types -> pandas' nullable integers (a column with NULLs stays integer)."""
    import pandas as pd

    return {
        pa.int8(): pd.Int8Dtype(),
        pa.int16(): pd.Int16Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
    }


def _frame(
    connection: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]
) -> pd.DataFrame:
    """Run a query with the parameters it names (DuckDB refuses unused ones).

    Through Arrow: for a list of 40,000 risks this is four times faster than `.df()`. Dates
    become datetime64 columns, as with `.df()`.
    """
    used = set(_PARAMETER.findall(sql))
    table = connection.sql(sql, params={k: v for k, v in params.items() if k in used})
    return table.to_arrow_table().to_pandas(
        date_as_object=False, types_mapper=_nullable_integers().get
    )


def _valid(alias: str, version: str = "version") -> str:
    """`alias` as of the version in parameter `version`."""
    return f"{alias}.valid_from <= ${version} AND coalesce({alias}.valid_to, $open) > ${version}"


def _scope(alias: str, owner: str, searchable: tuple[str, ...]) -> str:
    """The project, unit, owner and free-text filters on one table."""
    text = ", ".join(f"{alias}.{column}" for column in searchable)
    return f"""(len($projects::VARCHAR[]) = 0
          OR list_contains($projects::VARCHAR[], {alias}.prosjekt_id))
      AND (len($units::VARCHAR[]) = 0 OR {alias}.prosjekt_id IN (
          SELECT u.prosjekt_id FROM prosjekter u
          WHERE {_valid("u")} AND list_contains($units::VARCHAR[], u.enhet)))
      AND (len($owners::VARCHAR[]) = 0 OR list_contains($owners::VARCHAR[], {alias}.{owner}))
      AND ($text = '' OR contains(lower(concat_ws(' ', {text})), lower($text)))"""


def _status(parameter: str, expression: str) -> str:
    return (
        f"(len(${parameter}::VARCHAR[]) = 0 "
        f"OR list_contains(${parameter}::VARCHAR[], {expression}))"
    )


def _band(expression: str, bands: Bands) -> tuple[str, dict[str, object]]:
    """A CASE giving the band name of a score, highest band first, and its parameters."""
    ordered = sorted(bands, key=lambda band: band[0], reverse=True)
    params: dict[str, object] = {}
    whens = []
    for index, (lowest, name, _colour) in enumerate(ordered):
        params[f"band_from_{index}"] = lowest
        params[f"band_name_{index}"] = name
        whens.append(f"WHEN {expression} >= $band_from_{index} THEN $band_name_{index}")
    params["band_lowest"] = ordered[-1][1]
    return f"CASE {' '.join(whens)} ELSE $band_lowest END", params


def _params(
    connection: duckdb.DuckDBPyConnection, filters: Filters, today: dt.date | None = None
) -> dict[str, object]:
    """Every parameter the view SQL may name; _frame passes the ones a query uses."""
    risk_statuses = filters.statuses_in(RISK_STATUSES) or list(RISK_ACTIVE_STATUSES)
    return {
        **_as_of(connection, filters.version),
        "projects": list(filters.projects),
        "units": list(filters.units),
        "owners": list(filters.owners),
        "text": filters.text.strip(),
        "today": today or clock.today(),
        "after": False,
        "risk_statuses": risk_statuses,
        "benefit_statuses": filters.statuses_in(BENEFIT_STATUSES),
        "decisions": filters.statuses_in(DECISIONS),
        "plan_statuses": filters.statuses_in(EVALUATION_STATUSES),
        "milestone_statuses": filters.statuses_in(MILESTONE_STATUSES),
        "supported": list(SUPPORTED_DECISIONS),
        "soon": EVALUATION_SOON_DAYS,
        "done": EVALUATION_DONE,
        "overdue": EVALUATION_OVERDUE,
        "soon_status": EVALUATION_SOON,
        "planned": EVALUATION_PLANNED,
        "no_date": EVALUATION_NO_DATE,
        "on_track": BENEFIT_ON_TRACK,
        "behind": BENEFIT_BEHIND,
        "not_measured": BENEFIT_NOT_MEASURED,
        "no_target": BENEFIT_NO_TARGET,
        "ms_done": MILESTONE_DONE,
        "ms_late": MILESTONE_LATE,
        "ms_on_track": MILESTONE_ON_TRACK,
    }


def _columns(alias: str, key: str, *extra: str) -> str:
    sheet = SHEETS_BY_KEY[key]
    return ", ".join([f"{alias}.{column.db}" for column in sheet.columns] + list(extra))


#: The columns the free-text filter searches, per view.
_RISK_TEXT = (
    "prosjekt_id",
    "risiko_id",
    "risiko",
    "beskrivelse",
    "kategori",
    "tiltak",
    "ansvarlig",
)
_BENEFIT_TEXT = (
    "prosjekt_id",
    "gevinst_id",
    "gevinst",
    "effektmal",
    "maleindikator",
    "gevinsteier",
)
_RECOMMENDATION_TEXT = (
    "prosjekt_id",
    "anbefaling_id",
    "anbefaling",
    "beskrivelse",
    "vedtakstekst",
    "ansvarlig",
)
_MILESTONE_TEXT = ("prosjekt_id", "milepael_id", "milepael", "kriterium", "ansvarlig")


def _scored(alias: str, scale: str) -> str:
    """Sannsynlighet or konsekvens, after tiltak when $after (falling back to before)."""
    return (
        f"CASE WHEN $after THEN coalesce({alias}.{scale}_etter, {alias}.{scale}) "
        f"ELSE {alias}.{scale} END"
    )


def _risks_cte() -> str:
    """`risks`: the filtered risks, with S, K and score before or after tiltak."""
    s, k = _scored("r", "sannsynlighet"), _scored("r", "konsekvens")
    return f"""risks AS (
      SELECT r.prosjekt_id, r.risiko_id, r.risiko, r.beskrivelse, r.kategori, r.tiltak,
             r.ansvarlig, r.frist, r.status, r.vurdert_dato, r.row_order,
             {s} AS sannsynlighet, {k} AS konsekvens, ({s}) * ({k}) AS score
      FROM risiko r
      WHERE {_valid("r")} AND {_scope("r", "ansvarlig", _RISK_TEXT)}
        AND {_status("risk_statuses", "r.status")}
    )"""


def _benefits_cte() -> str:
    """`benefits`: each benefit with its latest measurement, progress and status.

    Progress = (latest - Nullpunkt) / (Målverdi - Nullpunkt). The planned path runs straight
    from Nullpunkt at Nullpunktdato (default: the earliest measurement, else the project's
    Startdato) to Målverdi at Måldato; the benefit is on track when its progress at the
    latest measurement is at least the path's share of the time gone by then.
    """
    return f"""benefit_rows AS (
      SELECT {_columns("g", "gevinster", "g.row_order")}, p.startdato
      FROM gevinster g
      LEFT JOIN prosjekter p ON p.prosjekt_id = g.prosjekt_id AND {_valid("p")}
      WHERE {_valid("g")} AND {_scope("g", "gevinsteier", _BENEFIT_TEXT)}
    ),
    benefit_measures AS (
      SELECT m.prosjekt_id, m.gevinst_id, min(m.dato) AS forste_dato,
             max(m.dato) AS siste_dato, arg_max(m.verdi, m.dato) AS siste_verdi,
             count(*) AS antall_malinger
      FROM malinger m
      WHERE {_valid("m")} AND (m.prosjekt_id, m.gevinst_id) IN
        (SELECT (prosjekt_id, gevinst_id) FROM benefit_rows)
      GROUP BY m.prosjekt_id, m.gevinst_id
    ),
    benefit_paths AS (
      SELECT b.*, bm.siste_dato, bm.siste_verdi,
             coalesce(bm.antall_malinger, 0) AS antall_malinger,
             {_baseline_date_sql("b", "bm.forste_dato", "b.startdato")} AS nullpunktdato_brukt
      FROM benefit_rows b LEFT JOIN benefit_measures bm USING (prosjekt_id, gevinst_id)
    ),
    benefit_progress AS (
      SELECT *,
        CASE WHEN siste_verdi IS NOT NULL AND nullpunkt IS NOT NULL AND malverdi IS NOT NULL
                  AND malverdi <> nullpunkt
             THEN (siste_verdi - nullpunkt) / (malverdi - nullpunkt) END AS fremdrift,
        CASE WHEN siste_dato IS NULL OR nullpunktdato_brukt IS NULL OR maldato IS NULL
                  OR nullpunkt IS NULL OR malverdi IS NULL THEN NULL
             WHEN maldato <= nullpunktdato_brukt THEN 1.0
             ELSE least(1.0, greatest(0.0,
               date_diff('day', nullpunktdato_brukt, siste_dato)
               / date_diff('day', nullpunktdato_brukt, maldato))) END AS planlagt_andel
      FROM benefit_paths
    ),
    benefit_status AS (
      SELECT *,
        nullpunkt + planlagt_andel * (malverdi - nullpunkt) AS planlagt_verdi,
        CASE WHEN siste_verdi IS NULL THEN $not_measured
             WHEN fremdrift IS NULL OR planlagt_andel IS NULL THEN $no_target
             WHEN fremdrift >= planlagt_andel - 1e-9 THEN $on_track
             ELSE $behind END AS status
      FROM benefit_progress
    ),
    benefits AS (
      SELECT * FROM benefit_status WHERE {_status("benefit_statuses", "status")}
    )"""


def _recommendations_cte() -> str:
    """`recommendations`: the filtered recommendations; the status filter picks decisions."""
    return f"""recommendations AS (
      SELECT {_columns("a", "anbefalinger", "a.row_order")}
      FROM anbefalinger a
      WHERE {_valid("a")} AND {_scope("a", "ansvarlig", _RECOMMENDATION_TEXT)}
        AND {_status("decisions", "a.vedtak")}
    )"""


def _plan_cte() -> str:
    """`plan`: the derived evaluation plan of the filtered supported recommendations.

    Due = Iverksatt + months, clamped to the month's last day (DuckDB's date + interval does
    that). Status: Gjennomført, else Forfalt (due before today), else Snart (within 30 days),
    else Planlagt; without an Iverksatt date: Mangler iverksettingsdato and no due date.
    """
    return f"""plan_recommendations AS (
      SELECT a.prosjekt_id, a.anbefaling_id, a.anbefaling, a.vedtak, a.ansvarlig, a.iverksatt,
             a.evaluering, a.row_order
      FROM anbefalinger a
      WHERE {_valid("a")} AND list_contains($supported, a.vedtak)
        AND {_scope("a", "ansvarlig", _RECOMMENDATION_TEXT)}
    ),
    plan_points AS (
      SELECT prosjekt_id, anbefaling_id, anbefaling, vedtak, ansvarlig, iverksatt, row_order,
             unnest(evaluering) AS evaluering,
             CAST(iverksatt + to_months(unnest(evaluering)) AS DATE) AS frist
      FROM plan_recommendations WHERE iverksatt IS NOT NULL
    ),
    plan_done AS (
      SELECT e.prosjekt_id, e.anbefaling_id, e.evaluering, e.gjennomfort, e.resultat
      FROM evalueringer e WHERE {_valid("e")} AND e.gjennomfort IS NOT NULL
    ),
    plan_all AS (
      SELECT p.prosjekt_id, p.anbefaling_id, p.anbefaling, p.vedtak, p.ansvarlig, p.iverksatt,
             p.evaluering, p.frist, d.gjennomfort, d.resultat, p.row_order,
             CASE WHEN d.anbefaling_id IS NOT NULL THEN $done
                  WHEN p.frist < CAST($today AS DATE) THEN $overdue
                  WHEN p.frist <= CAST($today AS DATE) + to_days($soon) THEN $soon_status
                  ELSE $planned END AS status
      FROM plan_points p LEFT JOIN plan_done d USING (prosjekt_id, anbefaling_id, evaluering)
      UNION ALL
      SELECT prosjekt_id, anbefaling_id, anbefaling, vedtak, ansvarlig, iverksatt,
             NULL, NULL, NULL, NULL, row_order, $no_date
      FROM plan_recommendations WHERE iverksatt IS NULL
    ),
    plan AS (
      SELECT * FROM plan_all WHERE {_status("plan_statuses", "status")}
    )"""


def _milestones_cte() -> str:
    """`milestones`: the filtered milestones with their expected date, slippage and status.

    Expected = Fullført when done; else Prognose (or Planlagt), but never before today: a
    milestone not done is at least as late as today. Slippage = expected - Planlagt, in days.
    """
    return f"""milestone_rows AS (
      SELECT {_columns("m", "milepaeler", "m.row_order")},
        CASE WHEN m.fullfort IS NOT NULL THEN m.fullfort
             WHEN coalesce(m.prognose, m.planlagt) < CAST($today AS DATE)
               THEN CAST($today AS DATE)
             ELSE coalesce(m.prognose, m.planlagt) END AS forventet
      FROM milepaeler m
      WHERE {_valid("m")} AND {_scope("m", "ansvarlig", _MILESTONE_TEXT)}
    ),
    milestone_status AS (
      SELECT *, date_diff('day', planlagt, forventet) AS avvik_dager,
        CASE WHEN fullfort IS NOT NULL THEN $ms_done
             WHEN forventet > planlagt THEN $ms_late
             ELSE $ms_on_track END AS status
      FROM milestone_rows
    ),
    milestones AS (
      SELECT * FROM milestone_status WHERE {_status("milestone_statuses", "status")}
    )"""


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


def filter_options(path: Path | str | None = None) -> FilterOptions:
    with connect(path) as connection:
        projects = connection.execute(
            """SELECT prosjekt_id, arg_max(prosjektnavn, valid_from) FROM prosjekter
               GROUP BY prosjekt_id"""
        ).fetchall()
        units = connection.execute(
            "SELECT DISTINCT enhet FROM prosjekter WHERE enhet IS NOT NULL"
        ).fetchall()
        owners = connection.execute(
            """SELECT ansvarlig FROM risiko WHERE ansvarlig IS NOT NULL
               UNION SELECT gevinsteier FROM gevinster WHERE gevinsteier IS NOT NULL
               UNION SELECT ansvarlig FROM anbefalinger WHERE ansvarlig IS NOT NULL
               UNION SELECT ansvarlig FROM milepaeler WHERE ansvarlig IS NOT NULL"""
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
    """One row per project in scope with the meeting's figures; same SQL as the pages."""
    decision_counts = ", ".join(
        f"count(*) FILTER (WHERE vedtak = $decision_{index}) AS vedtak_{index}"
        for index in range(len(DECISIONS))
    )
    figures = ", ".join(f"coalesce({column}, 0)::BIGINT AS {column}" for column in OVERVIEW_FIGURES)
    sql = f"""
      WITH {_risks_cte()}, {_benefits_cte()}, {_recommendations_cte()}, {_plan_cte()},
      {_milestones_cte()},
      projects AS (
        SELECT p.prosjekt_id, p.prosjektnavn, p.enhet, p.row_order FROM prosjekter p
        WHERE {_valid("p")}
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
      SELECT ids.prosjekt_id, projects.prosjektnavn, projects.enhet,
             {figures}
      FROM ids LEFT JOIN projects USING (prosjekt_id) LEFT JOIN r USING (prosjekt_id)
        LEFT JOIN b USING (prosjekt_id) LEFT JOIN a USING (prosjekt_id)
        LEFT JOIN e USING (prosjekt_id) LEFT JOIN m USING (prosjekt_id)
      ORDER BY projects.row_order NULLS LAST, ids.prosjekt_id
    """
    with connect(path) as connection:
        params = {
            **_params(connection, filters, today),
            "high": high_risk_from(),
            **{f"decision_{index}": name for index, name in enumerate(DECISIONS)},
        }
        return _frame(connection, sql, params)


# --- Risiko -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskView:
    """The risk page: the 5×5 matrix (every cell, zeros too) and the list below it."""

    matrix: pd.DataFrame  # sannsynlighet, konsekvens, score, band, antall
    rows: pd.DataFrame  # the list, highest score first
    compared_with: int | None  # the version the movement column compares with


def risk_view(
    path: Path | str | None,
    filters: Filters,
    *,
    after: bool = False,
    compare_with: int | None = None,
    cell: tuple[int, int] | None = None,
    bands: Bands = RISK_BANDS,
) -> RiskView:
    """The risk matrix and list, before or after tiltak.

    `cell` = (sannsynlighet, konsekvens) narrows the list (not the matrix) to one cell.
    `compare_with` is the version each risk's score is compared with (None: no comparison):
    Opp, Ned, Uendret, or Ny when the risk did not exist then.
    """
    band_sql, band_params = _band("score", bands)
    grid_band, _ = _band("grid.s * grid.k", bands)
    s, k = _scored("q", "sannsynlighet"), _scored("q", "konsekvens")
    matrix_sql = f"""
      WITH {_risks_cte()},
      grid AS (SELECT s.v AS s, k.v AS k FROM range(1, 6) s(v), range(1, 6) k(v))
      SELECT grid.s::INTEGER AS sannsynlighet, grid.k::INTEGER AS konsekvens,
             (grid.s * grid.k)::INTEGER AS score, {grid_band} AS band,
             count(risks.risiko_id)::INTEGER AS antall
      FROM grid LEFT JOIN risks ON risks.sannsynlighet = grid.s AND risks.konsekvens = grid.k
      GROUP BY grid.s, grid.k ORDER BY grid.s DESC, grid.k
    """
    rows_sql = f"""
      WITH {_risks_cte()},
      previous AS (
        SELECT q.prosjekt_id, q.risiko_id, ({s}) * ({k}) AS forrige_score
        FROM risiko q WHERE {_valid("q", "compare")}
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
      ORDER BY risks.score DESC, risks.prosjekt_id, risks.row_order
    """
    with connect(path) as connection:
        params = {
            **_params(connection, filters),
            **band_params,
            "after": after,
            "compare": compare_with if compare_with is not None else -1,
            "has_compare": compare_with is not None,
            "new": RISK_NEW,
            "up": RISK_UP,
            "down": RISK_DOWN,
            "same": RISK_SAME,
            "cell_s": cell[0] if cell else None,
            "cell_k": cell[1] if cell else None,
        }
        matrix = _frame(connection, matrix_sql, params)
        rows = _frame(connection, rows_sql, params)
    return RiskView(matrix, rows, compare_with)


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
      WITH {_benefits_cte()}
      SELECT *, round(100 * fremdrift, 1) AS fremdrift_prosent,
             round(100 * planlagt_andel, 1) AS planlagt_prosent
      FROM benefits ORDER BY prosjekt_id, row_order
    """
    with connect(path) as connection:
        return _frame(connection, sql, _params(connection, filters, today))[BENEFIT_COLUMNS]


def measurements(
    path: Path | str | None, project: str, benefit_id: str, version: int | None = None
) -> pd.DataFrame:
    """The measurements of one benefit, oldest first: dato, verdi, kommentar."""
    with connect(path) as connection:
        return _frame(
            connection,
            f"""SELECT m.dato, m.verdi, m.kommentar FROM malinger m
                WHERE {_valid("m")} AND m.prosjekt_id = $project AND m.gevinst_id = $benefit
                ORDER BY m.dato""",
            {**_as_of(connection, version), "project": project, "benefit": benefit_id},
        )


# --- Anbefalinger -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationView:
    counts: pd.DataFrame  # vedtak, antall: every decision, zeros too, in contract order
    rows: pd.DataFrame


def recommendations(path: Path | str | None, filters: Filters) -> RecommendationView:
    with connect(path) as connection:
        params = _params(connection, filters)
        rows = _frame(
            connection,
            f"""WITH {_recommendations_cte()}
                SELECT * EXCLUDE (row_order) FROM recommendations
                ORDER BY prosjekt_id, row_order""",
            params,
        )
        counts = _frame(
            connection,
            f"""WITH {_recommendations_cte()},
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
    with connect(path) as connection:
        return _frame(
            connection,
            f"""WITH {_plan_cte()}
                SELECT * EXCLUDE (row_order) FROM plan
                ORDER BY prosjekt_id, row_order, evaluering NULLS LAST""",
            _params(connection, filters, today),
        )


def evaluation_plan(
    path: Path | str | None = None, today: dt.date | None = None, version: int | None = None
) -> pd.DataFrame:
    """The derived evaluation plan: one row per supported recommendation and month count."""
    return evaluations(path, Filters(version=version), today)[PLAN_COLUMNS]


# --- Milepæler --------------------------------------------------------------------------------


def milestones(
    path: Path | str | None, filters: Filters, today: dt.date | None = None
) -> pd.DataFrame:
    """Milestones with expected date, slippage in days and status, in plan order."""
    with connect(path) as connection:
        return _frame(
            connection,
            f"""WITH {_milestones_cte()}
                SELECT * EXCLUDE (row_order) FROM milestones
                ORDER BY planlagt, prosjekt_id, row_order""",
            _params(connection, filters, today),
        )

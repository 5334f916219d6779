"""The SQL the steering-group views are built from: filters as parameters, one CTE per view.

lib/queries.py runs these (one connection per page call); this module only writes SQL text and
its parameters. The filters become parameters, never SQL text; "as of" is lib.db's `as_of`.
Each CTE is named after what it yields (`risks`, `benefits`, `recommendations`, `plan`,
`milestones`) and keeps `row_order`, the workbook order, for sorting.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, TypeVar, cast

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
    MILESTONE_DONE,
    MILESTONE_LATE,
    MILESTONE_ON_TRACK,
    MILESTONE_STATUSES,
    RISK_ACTIVE_STATUSES,
    RISK_DOWN,
    RISK_NEW,
    RISK_SAME,
    RISK_STATUSES,
    RISK_UP,
    SHEETS_BY_KEY,
    SUPPORTED_DECISIONS,
)
from lib.db import as_of, readable_list, readable_sql, version_or_latest

T = TypeVar("T")

if TYPE_CHECKING:  # imported where a frame is made: a load from the command line makes none
    import pandas as pd

    from lib.access import Permissions

Bands = tuple[tuple[int, str, str], ...]


def baseline_date_sql(benefit: str, first_measurement: str, project_start: str) -> str:
    """Nullpunktdato as used (the contract's default when it is empty): the earliest
    measurement, else the project's Startdato."""
    return f"coalesce({benefit}.nullpunktdato, {first_measurement}, {project_start})"


@dataclass(frozen=True)
class Filters:
    """The sidebar filters every page shares. Empty means "all"; version None means latest.

    `statuses` may mix vocabularies (risk statuses, decisions, evaluation, benefit and
    milestone statuses): each view applies the ones that belong to it and ignores the rest.
    `readable` is not a filter a person chooses: the projects the actor may read
    (lib.access.Permissions.readable), None for every project, an empty set for none. Every
    view narrows to it in its SQL, whatever the other filters say (`readable_by`).
    """

    projects: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    text: str = ""
    version: int | None = None
    readable: frozenset[str] | None = None

    def statuses_in(self, vocabulary: Iterable[str]) -> list[str]:
        """The chosen statuses that belong to one vocabulary, in the vocabulary's order."""
        return [status for status in vocabulary if status in self.statuses]

    @property
    def narrowed(self) -> bool:
        """Whether any filter other than the version is set."""
        return bool(self.projects or self.units or self.owners or self.statuses or self.text)

    @property
    def reads_nothing(self) -> bool:
        """Whether the actor may read no project at all (nothing to show)."""
        return self.readable is not None and not self.readable


def scoped(filters: Filters, version: int | None = None) -> Filters:
    """The filters the checks, the agenda and the status lights read with: the projects, units
    and what the actor may read (`readable`), as of `version` (None: the filters' version);
    the owner, text and status filters do not apply (a risk without an owner cannot be found
    by owner, and an "open" risk is the views' own definition)."""
    return Filters(
        projects=filters.projects,
        units=filters.units,
        version=filters.version if version is None else version,
        readable=filters.readable,
    )


def for_projects(found: T, projects: Iterable[str]) -> T:
    """A view's result narrowed to `projects` (none named: all of it, as the filters read).

    For the views whose every row belongs to one project and is the same whichever other
    projects are chosen: a frame with `prosjekt_id`, a list of items with `prosjekt_id`
    (lib.quality's findings), or a view object with its own `for_projects` (RiskView,
    RecommendationView, MeetingChanges). The app reads such a view once for every project and
    narrows here when a project is picked in the sidebar (ui/data.per_project); tests hold
    the narrowed result equal to the view read with the project in its filters.
    """
    chosen = set(projects)
    if not chosen:
        return found
    narrow = getattr(found, "for_projects", None)
    if callable(narrow):
        return cast(T, narrow(chosen))
    if isinstance(found, list):
        return cast(T, [item for item in found if item.prosjekt_id in chosen])
    import pandas as pd  # here: the command line's loads never narrow a frame

    if isinstance(found, pd.DataFrame):
        return cast(T, found[found["prosjekt_id"].isin(chosen)].reset_index(drop=True))
    raise TypeError(f"{type(found).__name__} cannot be narrowed to projects")


def readable_by(filters: Filters, permissions: Permissions) -> Filters:
    """`filters` narrowed to the projects `permissions` may read: what every page reads with.

    Narrowing only ever removes projects: filters already narrowed to a set keep the projects
    of that set the actor may read too."""
    allowed = permissions.readable
    if allowed is not None and filters.readable is not None:
        allowed = allowed & filters.readable
    elif allowed is None:
        allowed = filters.readable
    return replace(filters, readable=None if allowed is None else frozenset(allowed))


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


#: The list each status belongs to, in the order the pages appear: the status filter names it
#: before the status («Risiko: Åpen»), so 21 statuses from five lists read as five groups.
STATUS_AREAS: dict[str, tuple[str, ...]] = {
    "Risiko": RISK_STATUSES,
    "Gevinst": BENEFIT_STATUSES,
    "Vedtak": tuple(DECISIONS),
    "Evaluering": EVALUATION_STATUSES,
    "Milepæl": MILESTONE_STATUSES,
}


def status_label(status: str) -> str:
    """`Risiko: Åpen`: a status as the status filter lists it, after the list it belongs to."""
    areas = [area for area, statuses in STATUS_AREAS.items() if status in statuses]
    return f"{' / '.join(areas)}: {status}" if areas else status


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


def read_frame(
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


def in_scope(alias: str, owner: str, searchable: tuple[str, ...]) -> str:
    """The projects the actor may read, and the project, unit, owner and free-text filters,
    on one table."""
    text = ", ".join(f"{alias}.{column}" for column in searchable)
    return f"""{readable_sql(f"{alias}.prosjekt_id")}
      AND (len($projects::VARCHAR[]) = 0
          OR list_contains($projects::VARCHAR[], {alias}.prosjekt_id))
      AND (len($units::VARCHAR[]) = 0 OR {alias}.prosjekt_id IN (
          SELECT u.prosjekt_id FROM prosjekter u
          WHERE {as_of("u")} AND list_contains($units::VARCHAR[], u.enhet)))
      AND (len($owners::VARCHAR[]) = 0 OR list_contains($owners::VARCHAR[], {alias}.{owner}))
      AND ($text = '' OR contains(lower(concat_ws(' ', {text})), lower($text)))"""


def status_in(parameter: str, expression: str) -> str:
    return (
        f"(len(${parameter}::VARCHAR[]) = 0 "
        f"OR list_contains(${parameter}::VARCHAR[], {expression}))"
    )


def band_case(expression: str, bands: Bands) -> tuple[str, dict[str, object]]:
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


def view_params(
    connection: duckdb.DuckDBPyConnection, filters: Filters, today: dt.date | None = None
) -> dict[str, object]:
    """Every parameter the view SQL may name; _frame passes the ones a query uses."""
    risk_statuses = filters.statuses_in(RISK_STATUSES) or list(RISK_ACTIVE_STATUSES)
    return {
        "version": version_or_latest(connection, filters.version),
        "projects": list(filters.projects),
        "readable": readable_list(filters.readable),
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
        "new": RISK_NEW,
        "up": RISK_UP,
        "down": RISK_DOWN,
        "same": RISK_SAME,
    }


def sheet_columns(alias: str, key: str, *extra: str) -> str:
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


def scored(alias: str, scale: str) -> str:
    """Sannsynlighet or konsekvens, after tiltak when $after (falling back to before)."""
    return (
        f"CASE WHEN $after THEN coalesce({alias}.{scale}_etter, {alias}.{scale}) "
        f"ELSE {alias}.{scale} END"
    )


def risks_cte() -> str:
    """`risks`: the filtered risks, with S, K and score before or after tiltak."""
    s, k = scored("r", "sannsynlighet"), scored("r", "konsekvens")
    return f"""risks AS (
      SELECT r.prosjekt_id, r.risiko_id, r.risiko, r.beskrivelse, r.kategori, r.tiltak,
             r.ansvarlig, r.frist, r.status, r.vurdert_dato, r.row_order,
             r.sannsynlighet_etter, r.konsekvens_etter,
             {s} AS sannsynlighet, {k} AS konsekvens, ({s}) * ({k}) AS score
      FROM risiko r
      WHERE {as_of("r")} AND {in_scope("r", "ansvarlig", _RISK_TEXT)}
        AND {status_in("risk_statuses", "r.status")}
    )"""


def benefits_cte() -> str:
    """`benefits`: each benefit with its latest measurement, progress and status.

    Progress = (latest - Nullpunkt) / (Målverdi - Nullpunkt). The planned path runs straight
    from Nullpunkt at Nullpunktdato (default: the earliest measurement, else the project's
    Startdato) to Målverdi at Måldato; the benefit is on track when its progress at the
    latest measurement is at least the path's share of the time gone by then.
    """
    return f"""benefit_rows AS (
      SELECT {sheet_columns("g", "gevinster", "g.row_order")}, p.startdato
      FROM gevinster g
      LEFT JOIN prosjekter p ON p.prosjekt_id = g.prosjekt_id AND {as_of("p")}
      WHERE {as_of("g")} AND {in_scope("g", "gevinsteier", _BENEFIT_TEXT)}
    ),
    benefit_measures AS (
      SELECT m.prosjekt_id, m.gevinst_id, min(m.dato) AS forste_dato,
             max(m.dato) AS siste_dato, arg_max(m.verdi, m.dato) AS siste_verdi,
             count(*) AS antall_malinger
      FROM malinger m
      WHERE {as_of("m")} AND (m.prosjekt_id, m.gevinst_id) IN
        (SELECT (prosjekt_id, gevinst_id) FROM benefit_rows)
      GROUP BY m.prosjekt_id, m.gevinst_id
    ),
    benefit_paths AS (
      SELECT b.*, bm.siste_dato, bm.siste_verdi,
             coalesce(bm.antall_malinger, 0) AS antall_malinger,
             {baseline_date_sql("b", "bm.forste_dato", "b.startdato")} AS nullpunktdato_brukt
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
      SELECT * FROM benefit_status WHERE {status_in("benefit_statuses", "status")}
    )"""


def recommendations_cte() -> str:
    """`recommendations`: the filtered recommendations; the status filter picks decisions."""
    return f"""recommendations AS (
      SELECT {sheet_columns("a", "anbefalinger", "a.row_order")}
      FROM anbefalinger a
      WHERE {as_of("a")} AND {in_scope("a", "ansvarlig", _RECOMMENDATION_TEXT)}
        AND {status_in("decisions", "a.vedtak")}
    )"""


def plan_cte() -> str:
    """`plan`: the derived evaluation plan of the filtered supported recommendations.

    Due = Iverksatt + months, clamped to the month's last day (DuckDB's date + interval does
    that). Status: Gjennomført, else Forfalt (due before today), else Snart (within 30 days),
    else Planlagt; without an Iverksatt date: Mangler iverksettingsdato and no due date.
    """
    return f"""plan_recommendations AS (
      SELECT a.prosjekt_id, a.anbefaling_id, a.anbefaling, a.vedtak, a.ansvarlig, a.iverksatt,
             a.evaluering, a.row_order
      FROM anbefalinger a
      WHERE {as_of("a")} AND list_contains($supported, a.vedtak)
        AND {in_scope("a", "ansvarlig", _RECOMMENDATION_TEXT)}
    ),
    plan_points AS (
      SELECT prosjekt_id, anbefaling_id, anbefaling, vedtak, ansvarlig, iverksatt, row_order,
             unnest(evaluering) AS evaluering,
             CAST(iverksatt + to_months(unnest(evaluering)) AS DATE) AS frist
      FROM plan_recommendations WHERE iverksatt IS NOT NULL
    ),
    plan_done AS (
      SELECT e.prosjekt_id, e.anbefaling_id, e.evaluering, e.gjennomfort, e.resultat
      FROM evalueringer e WHERE {as_of("e")} AND e.gjennomfort IS NOT NULL
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
      SELECT * FROM plan_all WHERE {status_in("plan_statuses", "status")}
    )"""


def milestones_cte() -> str:
    """`milestones`: the filtered milestones with their expected date, slippage and status.

    Expected = Fullført when done; else Prognose (or Planlagt), but never before today: a
    milestone not done is at least as late as today. Slippage = expected - Planlagt, in days.
    """
    return f"""milestone_rows AS (
      SELECT {sheet_columns("m", "milepaeler", "m.row_order")},
        CASE WHEN m.fullfort IS NOT NULL THEN m.fullfort
             WHEN coalesce(m.prognose, m.planlagt) < CAST($today AS DATE)
               THEN CAST($today AS DATE)
             ELSE coalesce(m.prognose, m.planlagt) END AS forventet
      FROM milepaeler m
      WHERE {as_of("m")} AND {in_scope("m", "ansvarlig", _MILESTONE_TEXT)}
    ),
    milestone_status AS (
      SELECT *, date_diff('day', planlagt, forventet) AS avvik_dager,
        CASE WHEN fullfort IS NOT NULL THEN $ms_done
             WHEN forventet > planlagt THEN $ms_late
             ELSE $ms_on_track END AS status
      FROM milestone_rows
    ),
    milestones AS (
      SELECT * FROM milestone_status WHERE {status_in("milestone_statuses", "status")}
    )"""


def expected_dates_sql() -> str:
    """SQL: each milestone's expected date as of `$version` (Prognose, else Planlagt), of the
    projects the actor may read: what a later version's date is compared with (the agenda's
    «forskjøvet siden forrige møte», as lib.meeting_changes compares them)."""
    return f"""SELECT prosjekt_id, milepael_id, coalesce(prognose, planlagt) AS forrige_dato
        FROM milepaeler WHERE {as_of()} AND {readable_sql("prosjekt_id")}"""


def decision_history_sql() -> str:
    """SQL: one recommendation's (`$project`, `$row`) decision in every stored state up to
    `$version`, oldest first: vedtak, vedtaksdato."""
    return f"""SELECT vedtak, vedtaksdato FROM anbefalinger
        WHERE prosjekt_id = $project AND anbefaling_id = $row AND valid_from <= $version
          AND {readable_sql("prosjekt_id")}
        ORDER BY valid_from"""

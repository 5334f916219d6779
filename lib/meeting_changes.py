"""What changed between two versions, for "Endringer siden sist møte".

The data as of one version (by default the latest) is compared with the last version locked
for a meeting before it: new, closed, reopened and removed risks, risks whose score rose or
fell, benefits measured, retargeted, new or removed, measurements removed, decisions made,
evaluations done or newly overdue, milestones whose expected date slipped, and new status
reports with the lights that changed. The command
line (`changes`) and the Oversikt page show the same table. The kinds of change (`CATEGORIES`)
come first; then the SQL that finds them, one FULL or LEFT JOIN of a sheet's rows as of the
two versions each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from lib import clock
from lib.contract import (
    ANBEFALINGER,
    DECISION_EMPTY,
    EVALUATION_OVERDUE,
    EVALUERINGER,
    GEVINSTER,
    MILEPAELER,
    PROJECT_COLUMN,
    RISIKO,
    RISK_STATUSES,
    STATUS,
    STATUS_DIMENSIONS,
    risk_band,
)
from lib.db import as_of, latest_version_in, reading
from lib.parse import is_missing
from lib.preview import format_value
from lib.queries import evaluation_plan, status_day
from lib.snapshots import Snapshot, last_snapshot, snapshot_of
from lib.view_sql import readable_list, readable_sql

RISK_CLOSED = RISK_STATUSES[-1]  # "Lukket": the contract's last risk status

NOT_PLANNED = "Ikke i planen"  # an overdue evaluation the meeting's version did not plan yet


@dataclass(frozen=True)
class Category:
    key: str
    label: str  # one row: "Ny risiko"
    heading: str  # the group: "Nye risikoer"
    short: str  # a figure's label on the overview


#: The kinds of change, in the order a meeting reads them.
CATEGORIES: tuple[Category, ...] = (
    Category("risk_new", "Ny risiko", "Nye risikoer", "Nye"),
    Category("risk_up", "Risiko økt", "Risikoer med økt risikoverdi", "Økt"),
    Category("risk_down", "Risiko redusert", "Risikoer med redusert risikoverdi", "Redusert"),
    Category("risk_closed", "Risiko lukket", "Lukkede risikoer", "Lukket"),
    Category("risk_reopened", "Risiko gjenåpnet", "Gjenåpnede risikoer", "Gjenåpnet"),
    Category("risk_removed", "Risiko fjernet", "Risikoer fjernet fra registeret", "Fjernet"),
    Category("benefit_measured", "Gevinst målt", "Gevinster med ny måling", "Ny måling"),
    Category("benefit_target", "Gevinstmål endret", "Gevinster med endret mål", "Nytt mål"),
    Category("benefit_new", "Ny gevinst", "Nye gevinster", "Nye gevinster"),
    Category("benefit_removed", "Gevinst fjernet", "Gevinster fjernet", "Gevinster fjernet"),
    Category("measurement_removed", "Måling fjernet", "Målinger fjernet", "Målinger fjernet"),
    Category("decision", "Vedtak fattet", "Vedtak fattet", "Fattet"),
    Category(
        "evaluation_done", "Evaluering gjennomført", "Evalueringer gjennomført", "Gjennomført"
    ),
    Category(
        "evaluation_overdue",
        "Evaluering forfalt",
        "Evalueringer som har forfalt",
        "Nylig forfalt",
    ),
    Category(
        "milestone_slipped", "Milepæl forskjøvet", "Milepæler som er forskjøvet", "Forskjøvet"
    ),
    Category("status_report", "Ny statusrapport", "Nye statusrapporter", "Nye rapporter"),
)
#: The figures the overview shows, grouped under the contract's names: every kind of change
#: the table can list is counted here, the rare ones (reopened and removed risks, removed
#: measurements after a restore) too, so the boxes never say less than the table.
HEADLINE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        RISIKO.name,
        ("risk_new", "risk_up", "risk_down", "risk_closed", "risk_reopened", "risk_removed"),
    ),
    (
        GEVINSTER.name,
        (
            "benefit_measured",
            "benefit_target",
            "benefit_new",
            "benefit_removed",
            "measurement_removed",
        ),
    ),
    (ANBEFALINGER.column("vedtak").name, ("decision",)),
    (EVALUERINGER.name, ("evaluation_done", "evaluation_overdue")),
    (MILEPAELER.name, ("milestone_slipped",)),
    (STATUS.name, ("status_report",)),
)
CATEGORIES_BY_KEY: dict[str, Category] = {category.key: category for category in CATEGORIES}
#: The comparison's columns: a key for the kind, then what a person reads.
CHANGE_COLUMNS = ["kind", "Endring", "Prosjekt-ID", "ID", "Tittel", "Før", "Nå"]


# ---------------------------------------------------------------------------------------------
# Changes since the last meeting


@dataclass
class MeetingChanges:
    """What changed from a meeting's locked version (`base`) to `version`."""

    base: Snapshot
    version: int
    table: pd.DataFrame  # CHANGE_COLUMNS, in CATEGORIES order
    meeting: bool = True  # False when compared with a version not locked for a meeting

    def describe(self) -> str:
        """`fra møtet «…» (12.03.2026, versjon 5) til versjon 7`, for headings."""
        start = f"møtet {self.base.label()}" if self.meeting else f"versjon {self.base.version}"
        return f"fra {start} til versjon {self.version}"

    def counts(self) -> dict[str, int]:
        """Category key -> number of changes, for every category (zeros included)."""
        found = self.table["kind"].value_counts().to_dict() if len(self.table) else {}
        return {category.key: int(found.get(category.key, 0)) for category in CATEGORIES}

    def rows(self, category: str) -> pd.DataFrame:
        """The changes of one category, without the key and category columns."""
        chosen = self.table[self.table["kind"] == category]
        return chosen.drop(columns=["kind", "Endring"]).reset_index(drop=True)

    @property
    def empty(self) -> bool:
        return self.table.empty

    def for_projects(self, projects: Iterable[str]) -> MeetingChanges:
        """The changes of these projects only (none named: all). Every change belongs to one
        project, so this equals asking `changes_since_last_meeting` for them; the app asks
        once for every project and narrows here when a project is picked in the sidebar."""
        chosen = set(projects)
        if not chosen:
            return self
        rows = self.table[self.table["Prosjekt-ID"].isin(chosen)].reset_index(drop=True)
        return MeetingChanges(self.base, self.version, rows, self.meeting)


def _date(value: object, iso: bool) -> str:
    if is_missing(value):
        return ""
    day = pd.Timestamp(value).date()  # type: ignore[arg-type]
    return day.isoformat() if iso else day.strftime("%d.%m.%Y")


def _score_text(score: object) -> str:
    if is_missing(score):
        return ""
    number = int(score)  # type: ignore[call-overload]
    return f"{number} ({risk_band(number)})"


def _project_filter(alias: str = "") -> str:
    """The chosen projects (none chosen: all), of those the actor may read."""
    prefix = f"{alias}." if alias else ""
    return (
        f"(len($projects) = 0 OR {prefix}{PROJECT_COLUMN} IN (SELECT unnest($projects::VARCHAR[])))"
        f" AND {readable_sql(prefix + PROJECT_COLUMN)}"
    )


def _both(table: str) -> str:
    """CTEs `old` and `new`: a sheet's rows as of $base and $version, for the chosen projects."""
    return f"""old AS (SELECT * FROM {table} WHERE {as_of(version="base")} AND {_project_filter()}),
        new AS (SELECT * FROM {table} WHERE {as_of()} AND {_project_filter()})"""


def _identity(id_column: str, title_column: str) -> str:
    """A row's project, ID, title and place, from `new` or else `old` (a FULL JOIN of both)."""
    return f"""coalesce(n.prosjekt_id, o.prosjekt_id) AS project,
        coalesce(n.{id_column}, o.{id_column}) AS id,
        coalesce(n.{title_column}, o.{title_column}) AS title,
        coalesce(n.row_order, o.row_order) AS row_order"""


def _records(connection: duckdb.DuckDBPyConnection, query: str, params: dict) -> list[dict]:
    cursor = connection.execute(query, params)
    names = [description[0] for description in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def compare_versions(
    path: Path | str | None,
    base: int,
    version: int,
    *,
    projects: Iterable[str] = (),
    base_day: dt.date | None = None,
    today: dt.date | None = None,
    iso_dates: bool = False,
    readable: Collection[str] | None = None,
) -> pd.DataFrame:
    """Every change a steering group follows up, from version `base` to version `version`.

    `projects` limits to those projects (empty: all); `readable` to the projects the actor
    may read (None: every project, empty: none). Evaluations count as newly overdue when
    they are overdue on `today` in `version` but were not on `base_day` in `base` (default:
    both today). Dates read 17.12.2024, or 2024-12-17 with `iso_dates`.
    Returns CHANGE_COLUMNS, in the order of CATEGORIES, then project and workbook order.
    """
    today = today or clock.today()
    base_day = base_day or today
    chosen = sorted(set(projects))
    params = {
        "base": base,
        "version": version,
        "projects": chosen,
        "readable": readable_list(readable),
    }
    lines: list[tuple[str, str, str, str, str, str, int]] = []
    with reading(path) as connection:
        for row in _records(
            connection,
            f"""WITH {_both("risiko")}
            SELECT {_identity("risiko_id", "risiko")},
                   o.sannsynlighet * o.konsekvens AS old_score,
                   n.sannsynlighet * n.konsekvens AS new_score,
                   o.status AS old_status, n.status AS new_status,
                   CASE
                     WHEN o.row_key IS NULL THEN 'risk_new'
                     WHEN n.row_key IS NULL THEN
                       CASE WHEN o.status <> $closed THEN 'risk_removed' END
                     WHEN n.status = $closed AND o.status <> $closed THEN 'risk_closed'
                     WHEN o.status = $closed AND n.status <> $closed THEN 'risk_reopened'
                     WHEN n.status = $closed THEN NULL
                     WHEN new_score > old_score THEN 'risk_up'
                     WHEN new_score < old_score THEN 'risk_down'
                   END AS kind
            FROM old o FULL JOIN new n USING (row_key)
            WHERE kind IS NOT NULL""",
            {**params, "closed": RISK_CLOSED},
        ):
            kind = row["kind"]
            old_score, new_score = _score_text(row["old_score"]), _score_text(row["new_score"])
            before, after = {
                "risk_new": ("", new_score),
                "risk_up": (old_score, new_score),
                "risk_down": (old_score, new_score),
                "risk_closed": (f"{row['old_status']}, {old_score}", row["new_status"]),
                "risk_reopened": (row["old_status"], f"{row['new_status']}, {new_score}"),
                "risk_removed": (f"{row['old_status']}, {old_score}", "Fjernet"),
            }[kind]
            order = row["row_order"] or 0
            lines.append((kind, row["project"], row["id"], row["title"], before, after, order))

        lines += _benefit_changes(connection, params, iso_dates)

        for row in _records(
            connection,
            f"""WITH {_both("anbefalinger")}
            SELECT n.prosjekt_id AS project, n.anbefaling_id AS id, n.anbefaling AS title,
                   n.row_order, o.vedtak AS old_decision, o.vedtaksdato AS old_date,
                   n.vedtak AS new_decision, n.vedtaksdato AS new_date
            FROM new n LEFT JOIN old o USING (row_key)
            WHERE n.vedtak <> $empty AND (o.row_key IS NULL
                  OR o.vedtak IS DISTINCT FROM n.vedtak
                  OR o.vedtaksdato IS DISTINCT FROM n.vedtaksdato)""",
            {**params, "empty": DECISION_EMPTY},
        ):
            before = row["old_decision"] or ""
            if before and row["old_date"] is not None:
                before += f" ({_date(row['old_date'], iso_dates)})"
            after = row["new_decision"]
            if row["new_date"] is not None:
                after += f" ({_date(row['new_date'], iso_dates)})"
            order = row["row_order"] or 0
            lines.append(
                ("decision", row["project"], row["id"], row["title"], before, after, order)
            )

        titles = {
            (project, rec_id): title
            for project, rec_id, title in connection.execute(
                f"""SELECT prosjekt_id, anbefaling_id, anbefaling FROM anbefalinger
                WHERE {as_of()} AND {readable_sql(PROJECT_COLUMN)}""",
                {"version": version, "readable": params["readable"]},
            ).fetchall()
        }
        for row in _records(
            connection,
            f"""WITH {_both("evalueringer")}
            SELECT n.prosjekt_id AS project, n.anbefaling_id AS id, n.evaluering AS months,
                   n.row_order, n.gjennomfort AS done, n.resultat AS result
            FROM new n LEFT JOIN old o USING (row_key)
            WHERE n.gjennomfort IS NOT NULL AND o.gjennomfort IS NULL""",
            params,
        ):
            after = _date(row["done"], iso_dates)
            if row["result"]:
                after += f", {row['result']}"
            lines.append(
                (
                    "evaluation_done",
                    row["project"],
                    f"{row['id']} · {row['months']} mnd",
                    titles.get((row["project"], row["id"]), ""),
                    "",
                    after,
                    row["row_order"] or 0,
                )
            )

        for row in _records(
            connection,
            f"""WITH {_both("milepaeler")}
            SELECT n.prosjekt_id AS project, n.milepael_id AS id, n.milepael AS title,
                   n.row_order, coalesce(o.prognose, o.planlagt) AS old_date,
                   coalesce(n.prognose, n.planlagt) AS new_date
            FROM new n JOIN old o USING (row_key)
            WHERE n.fullfort IS NULL
              AND coalesce(n.prognose, n.planlagt) > coalesce(o.prognose, o.planlagt)""",
            params,
        ):
            days = (pd.Timestamp(row["new_date"]) - pd.Timestamp(row["old_date"])).days
            lines.append(
                (
                    "milestone_slipped",
                    row["project"],
                    row["id"],
                    row["title"],
                    _date(row["old_date"], iso_dates),
                    f"{_date(row['new_date'], iso_dates)} (+{days} dager)",
                    row["row_order"] or 0,
                )
            )

        lines += _status_reports(connection, params, iso_dates)

    lines += _newly_overdue(
        path, base, version, chosen, base_day, today, titles, iso_dates, readable
    )
    order = {category.key: index for index, category in enumerate(CATEGORIES)}
    lines.sort(key=lambda line: (order[line[0]], line[1], line[6], line[2]))
    frame = pd.DataFrame(
        [
            (kind, CATEGORIES_BY_KEY[kind].label, project, row_id, title or "", before, after)
            for kind, project, row_id, title, before, after, _order in lines
        ],
        columns=CHANGE_COLUMNS,
    )
    return frame


def _benefit_changes(
    connection: duckdb.DuckDBPyConnection, params: dict, iso_dates: bool
) -> list[tuple[str, str, str, str, str, str, int]]:
    """New and removed benefits, changed targets (Målverdi, Måldato), new measurements, and
    measurements that went away (a row of Målinger in the meeting's version, gone now)."""
    lines = []
    for row in _records(
        connection,
        f"""WITH {_both("gevinster")}
        SELECT {_identity("gevinst_id", "gevinst")},
               o.malverdi AS old_target, o.maldato AS old_date,
               n.malverdi AS new_target, n.maldato AS new_date,
               CASE
                 WHEN o.row_key IS NULL THEN 'benefit_new'
                 WHEN n.row_key IS NULL THEN 'benefit_removed'
                 WHEN o.malverdi IS DISTINCT FROM n.malverdi
                   OR o.maldato IS DISTINCT FROM n.maldato THEN 'benefit_target'
               END AS kind
        FROM old o FULL JOIN new n USING (row_key)
        WHERE kind IS NOT NULL""",
        params,
    ):
        old_target = _target_text(row["old_target"], row["old_date"], iso_dates)
        new_target = _target_text(row["new_target"], row["new_date"], iso_dates)
        before, after = {
            "benefit_new": ("", new_target),
            "benefit_removed": (old_target, "Fjernet"),
            "benefit_target": (old_target, new_target),
        }[row["kind"]]
        order = row["row_order"] or 0
        lines.append((row["kind"], row["project"], row["id"], row["title"], before, after, order))
    for row in _records(
        connection,
        f"""WITH {_both("malinger")},
        latest_old AS (SELECT prosjekt_id, gevinst_id, max(dato) AS dato,
                              arg_max(verdi, dato) AS verdi FROM old
                       GROUP BY prosjekt_id, gevinst_id),
        latest_new AS (SELECT prosjekt_id, gevinst_id, max(dato) AS dato,
                              arg_max(verdi, dato) AS verdi FROM new
                       GROUP BY prosjekt_id, gevinst_id),
        benefits AS (SELECT prosjekt_id, gevinst_id, gevinst, row_order FROM gevinster
                     WHERE {as_of()})
        SELECT n.prosjekt_id AS project, n.gevinst_id AS id, b.gevinst AS title,
               b.row_order, o.verdi AS old_value, o.dato AS old_date,
               n.verdi AS new_value, n.dato AS new_date
        FROM latest_new n
        LEFT JOIN latest_old o USING (prosjekt_id, gevinst_id)
        LEFT JOIN benefits b USING (prosjekt_id, gevinst_id)
        WHERE o.dato IS NULL OR n.dato > o.dato
           OR (n.dato = o.dato AND n.verdi IS DISTINCT FROM o.verdi)""",
        params,
    ):
        before = _measured_text(row["old_value"], row["old_date"], iso_dates)
        after = _measured_text(row["new_value"], row["new_date"], iso_dates)
        order = row["row_order"] or 0
        lines.append(
            ("benefit_measured", row["project"], row["id"], row["title"], before, after, order)
        )
    for row in _records(
        connection,
        f"""WITH {_both("malinger")},
        benefits AS (SELECT prosjekt_id, gevinst_id, gevinst, row_order FROM gevinster
                     WHERE {as_of(version="base")})
        SELECT o.prosjekt_id AS project, o.gevinst_id AS id, b.gevinst AS title,
               b.row_order, o.verdi AS old_value, o.dato AS old_date
        FROM old o LEFT JOIN new n ON n.row_key = o.row_key
        LEFT JOIN benefits b ON b.prosjekt_id = o.prosjekt_id AND b.gevinst_id = o.gevinst_id
        WHERE n.row_key IS NULL
        ORDER BY o.dato""",
        params,
    ):
        before = _measured_text(row["old_value"], row["old_date"], iso_dates)
        line = (row["project"], row["id"], row["title"], before, "Fjernet", row["row_order"] or 0)
        lines.append(("measurement_removed", *line))
    return lines


#: A new report's overall text is cut to this many characters in the change list's title.
REPORT_TITLE_CHARACTERS = 80


def _lights_text(row: dict, prefix: str, dimensions: list[str]) -> str:
    """`Fremdrift Gul, Risiko Rød`: the lights of one report (`prefix` new or old)."""
    headings = dict(STATUS_DIMENSIONS)
    return ", ".join(
        f"{headings[db]} {row[f'{prefix}_{db}'] or 'ikke vurdert'}" for db in dimensions
    )


def _status_reports(
    connection: duckdb.DuckDBPyConnection, params: dict, iso_dates: bool
) -> list[tuple[str, str, str, str, str, str, int]]:
    """Each project's newest report that the meeting's version did not have, with the lights
    that differ from the newest report the meeting had (every light for a first report)."""
    lights = [db for db, _heading in STATUS_DIMENSIONS]
    picked = ", ".join(
        f"{alias}.{db} AS {prefix}_{db}"
        for db in lights
        for alias, prefix in (("n", "new"), ("o", "old"))
    )
    lines = []
    for row in _records(
        connection,
        f"""WITH {_both("status")},
        newest_new AS (SELECT * FROM new QUALIFY row_number() OVER
                         (PARTITION BY prosjekt_id ORDER BY rapportdato DESC) = 1),
        newest_old AS (SELECT * FROM old QUALIFY row_number() OVER
                         (PARTITION BY prosjekt_id ORDER BY rapportdato DESC) = 1)
        SELECT n.prosjekt_id AS project, n.rapportdato AS day, n.overordnet_status AS title,
               o.rapportdato AS old_day, {picked}
        FROM newest_new n LEFT JOIN newest_old o USING (prosjekt_id)
        WHERE o.rapportdato IS NULL OR n.rapportdato > o.rapportdato
           OR (n.rapportdato = o.rapportdato AND n.row_hash <> o.row_hash)
        ORDER BY n.prosjekt_id""",
        params,
    ):
        changed = [db for db in lights if row[f"new_{db}"] != row[f"old_{db}"]]
        first = row["old_day"] is None

        if first:
            before = "Ingen rapport"
            after = _lights_text(row, "new", [db for db in lights if row[f"new_{db}"]])
            after = after or "Ingen lys satt"
        elif changed:
            before = f"{_date(row['old_day'], iso_dates)}: {_lights_text(row, 'old', changed)}"
            after = _lights_text(row, "new", changed)
        else:
            before, after = _date(row["old_day"], iso_dates), "Lysene er uendret"
        title = " ".join(str(row["title"] or "").split())
        if len(title) > REPORT_TITLE_CHARACTERS:
            title = title[: REPORT_TITLE_CHARACTERS - 1].rstrip() + "…"
        lines.append(
            ("status_report", row["project"], _date(row["day"], iso_dates), title, before, after, 0)
        )
    return lines


def _target_text(target: object, day: object, iso: bool) -> str:
    """`50 innen 31.12.2026`; `ingen målverdi` without one."""
    text = format_value(None, target) or "ingen målverdi"
    return f"{text} innen {_date(day, iso)}" if not is_missing(day) else text


def _measured_text(value: object, day: object, iso: bool) -> str:
    """`45 (01.06.2025)`."""
    if is_missing(day):
        return ""
    return f"{format_value(None, value)} ({_date(day, iso)})"


def _newly_overdue(
    path: Path | str | None,
    base: int,
    version: int,
    projects: list[str],
    base_day: dt.date,
    today: dt.date,
    titles: dict[tuple[str, str], str],
    iso_dates: bool,
    readable: Collection[str] | None,
) -> list[tuple[str, str, str, str, str, str, int]]:
    """Planned evaluations overdue now that were not overdue at the meeting."""
    now = evaluation_plan(path, today, version, readable=readable)
    then = evaluation_plan(path, base_day, base, readable=readable)
    if projects:
        now = now[now[PROJECT_COLUMN].isin(projects)]
    keys = ["prosjekt_id", "anbefaling_id", "evaluering"]
    then = then.dropna(subset=["evaluering"])
    before = {
        (r.prosjekt_id, r.anbefaling_id, int(r.evaluering)): r.status
        for r in then.itertuples(index=False)
    }
    lines = []
    for position, r in enumerate(now[now["status"] == EVALUATION_OVERDUE].itertuples(index=False)):
        key = tuple(getattr(r, k) for k in keys)
        key = (key[0], key[1], int(key[2]))
        old_status = before.get(key)
        if old_status == EVALUATION_OVERDUE:
            continue
        lines.append(
            (
                "evaluation_overdue",
                r.prosjekt_id,
                f"{r.anbefaling_id} · {int(r.evaluering)} mnd",
                titles.get((r.prosjekt_id, r.anbefaling_id), ""),
                old_status or NOT_PLANNED,
                f"{EVALUATION_OVERDUE} (frist {_date(r.frist, iso_dates)})",
                position,
            )
        )
    return lines


def changes_since_last_meeting(
    path: Path | str | None = None,
    version: int | None = None,
    projects: Iterable[str] = (),
    today: dt.date | None = None,
    *,
    since: int | None = None,
    iso_dates: bool = False,
    readable: Collection[str] | None = None,
) -> MeetingChanges | None:
    """Changes from the last meeting snapshot before `version` (default: latest) to it, in
    the projects the actor may read (`readable`; None: every project).

    `since` compares with that version instead of the last snapshot. None when there is no
    version to compare with. `today` (for newly overdue evaluations) defaults to today for the
    latest version, and to the day a version was stored when looking at an older one.
    """
    with reading(path) as connection:
        latest = latest_version_in(connection)
        created = dict(connection.execute("SELECT version, created_at FROM versions").fetchall())
    if latest == 0:
        return None
    version = latest if version is None else min(int(version), latest)
    meeting = True
    if since is not None:
        if since not in created:
            return None
        locked = snapshot_of(path, since)
        meeting = locked is not None
        base = locked or Snapshot(
            since, f"versjon {since}", created[since].date(), created[since], None
        )
    else:
        found = last_snapshot(path, version)
        if found is None:
            return None
        base = found
    if today is None:
        today = status_day(path, version, clock.today())
    table = compare_versions(
        path,
        base.version,
        version,
        projects=projects,
        base_day=base.meeting_date,
        today=today,
        iso_dates=iso_dates,
        readable=readable,
    )
    return MeetingChanges(base, version, table, meeting)

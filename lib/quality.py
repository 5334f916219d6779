"""Data-quality checks: what a steering group needs filled in or updated before it can trust the
data (issue 12, item 5).

Every rule and its threshold is in `RULES`, here and nowhere else. The rows are found by one
SQL query over the views' own CTEs (lib/view_sql.py): an "open" risk, a benefit's latest
measurement and progress, a supported recommendation without Iverksatt and a late milestone
are what those CTEs say they are, never a second definition. Each finding names its project,
sheet and row and says in one Norwegian sentence what to fix.

Dates are judged on `today`: a date is *past* the day after it (a Frist of 1 June is past on
2 June). Six months is calendar months (1 January + 6 months = 1 July; the last day of a month
when the day does not exist, as the evaluation plan counts), and a benefit is stale the day
after that. A project is idle when its latest version is 60 or more days old.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from lib.contract import (
    ANBEFALINGER,
    GEVINSTER,
    MILEPAELER,
    PROSJEKTER,
    QUALITATIVE,
    RISIKO,
    SHEETS,
    SHEETS_BY_KEY,
)
from lib.db import as_of, reading, shared_reads
from lib.preview import format_value
from lib.queries import high_risk_from, norwegian_key
from lib.view_sql import (
    Filters,
    benefits_cte,
    in_scope,
    milestones_cte,
    plan_cte,
    risks_cte,
    view_params,
)

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Rule:
    """One data-quality rule: its code, the sheet it checks (contract `Sheet.key`), its
    Norwegian name, and its threshold (the field that applies; None where none does)."""

    code: str
    sheet: str
    name: str
    min_score: int | None = None  # a risk counts from this score (S × K) up
    months: int | None = None  # calendar months without a measurement
    days: int | None = None  # days without a version touching the project

    @property
    def ark(self) -> str:
        """The sheet's name as the contract gives it (Risiko, Gevinster, …)."""
        return SHEETS_BY_KEY[self.sheet].name


#: A high risk: the lowest score of the highest band (10 with the contract's default bands).
HIGH_RISK = high_risk_from()
#: A benefit not measured for this many calendar months while before its Måldato is stale.
STALE_MONTHS = 6
#: A project no version has touched for this many days is idle.
IDLE_DAYS = 60

#: Every rule, in the order the findings of one row are listed.
RULES: tuple[Rule, ...] = (
    Rule("prosjekt_uten_opplasting", PROSJEKTER.key, "Ingen nye data på lenge", days=IDLE_DAYS),
    Rule("risiko_uten_tiltak", RISIKO.key, "Høy risiko uten tiltak", min_score=HIGH_RISK),
    Rule("risiko_uten_ansvarlig", RISIKO.key, "Høy risiko uten ansvarlig", min_score=HIGH_RISK),
    Rule("risiko_frist_passert", RISIKO.key, "Åpen risiko med passert frist"),
    Rule(
        "risiko_uten_etter_tiltak",
        RISIKO.key,
        "Høy risiko uten vurdering etter tiltak",
        min_score=HIGH_RISK,
    ),
    Rule("gevinst_uten_nullpunkt", GEVINSTER.key, "Kvantitativ gevinst uten nullpunkt"),
    Rule("gevinst_uten_malverdi", GEVINSTER.key, "Kvantitativ gevinst uten målverdi"),
    Rule("gevinst_ikke_malt", GEVINSTER.key, "Gevinst ikke målt på lenge", months=STALE_MONTHS),
    Rule("gevinst_under_mal", GEVINSTER.key, "Gevinst under målverdi etter måldato"),
    Rule("anbefaling_uten_ansvarlig", ANBEFALINGER.key, "Støttet anbefaling uten ansvarlig"),
    Rule("anbefaling_uten_iverksatt", ANBEFALINGER.key, "Støttet anbefaling uten iverksatt dato"),
    Rule("milepael_uten_prognose", MILEPAELER.key, "Forsinket milepæl uten prognose"),
    # Once the Status sheet exists (another issue): «status_mangler», a project with no status
    # report (Rapportdato) since the last meeting (lib.snapshots.last_snapshot's meeting_date).
)
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def rule_params() -> dict[str, int]:
    """Each rule's thresholds as SQL parameters, `$<field>_<code>` (`$min_score_risiko_uten_
    tiltak`): the SQL reads them from `RULES`, never a number of its own."""
    return {
        f"{field}_{rule.code}": value
        for rule in RULES
        for field in ("min_score", "months", "days")
        if (value := getattr(rule, field)) is not None
    }


#: No filter: every project (the actor may read).
EVERY_PROJECT = Filters()

#: The columns of `findings_frame` (and `kvalitet --csv`).
FINDING_COLUMNS: tuple[str, ...] = ("Prosjekt-ID", "Ark", "ID", "Regel", "Melding")


@dataclass(frozen=True)
class Finding:
    prosjekt_id: str
    ark: str  # the sheet's name as the contract gives it
    id: str  # the row's ID (the Prosjekt-ID for a project rule)
    regel: str  # Rule.code
    melding: str  # one Norwegian sentence: what to fix, naming the row


def _empty(column: str) -> str:
    return f"nullif(trim({column}), '') IS NULL"


def _rules_sql() -> str:
    """One SELECT per rule over the views' CTEs, in the shape
    (regel, prosjekt_id, id, tittel, tall, tall2, dato, tekst)."""

    def select(code: str, source: str, id_col: str, title: str, where: str, **values: str) -> str:
        tall = values.get("tall", "NULL")
        tall2 = values.get("tall2", "NULL")
        dato = values.get("dato", "NULL")
        tekst = values.get("tekst", "NULL")
        return f"""SELECT '{code}' AS regel, prosjekt_id, {id_col} AS id, {title} AS tittel,
               CAST({tall} AS DOUBLE) AS tall, CAST({tall2} AS DOUBLE) AS tall2,
               CAST({dato} AS DATE) AS dato, CAST({tekst} AS VARCHAR) AS tekst
        FROM {source} WHERE {where}"""

    last_known = "coalesce(siste_dato, nullpunktdato_brukt)"
    quantitative = "coalesce(type, '') <> $qualitative"
    parts = [
        select(
            "prosjekt_uten_opplasting",
            "idle_projects",
            "prosjekt_id",
            "prosjektnavn",
            "sist IS NOT NULL"
            " AND date_diff('day', sist, CAST($today AS DATE)) >= $days_prosjekt_uten_opplasting",
            tall="date_diff('day', sist, CAST($today AS DATE))",
            dato="sist",
        ),
        select(
            "risiko_uten_tiltak",
            "risks",
            "risiko_id",
            "risiko",
            f"score >= $min_score_risiko_uten_tiltak AND {_empty('tiltak')}",
            tall="score",
        ),
        select(
            "risiko_uten_ansvarlig",
            "risks",
            "risiko_id",
            "risiko",
            f"score >= $min_score_risiko_uten_ansvarlig AND {_empty('ansvarlig')}",
            tall="score",
        ),
        select(
            "risiko_frist_passert",
            "risks",
            "risiko_id",
            "risiko",
            "frist < CAST($today AS DATE)",
            dato="frist",
            tekst="status",
        ),
        select(
            "risiko_uten_etter_tiltak",
            "risks",
            "risiko_id",
            "risiko",
            "score >= $min_score_risiko_uten_etter_tiltak"
            " AND (sannsynlighet_etter IS NULL OR konsekvens_etter IS NULL)",
            tall="score",
        ),
        select(
            "gevinst_uten_nullpunkt",
            "benefits",
            "gevinst_id",
            "gevinst",
            f"{quantitative} AND nullpunkt IS NULL",
        ),
        select(
            "gevinst_uten_malverdi",
            "benefits",
            "gevinst_id",
            "gevinst",
            f"{quantitative} AND malverdi IS NULL",
        ),
        select(
            "gevinst_ikke_malt",
            "benefits",
            "gevinst_id",
            "gevinst",
            f"""{last_known} IS NOT NULL
              AND CAST({last_known} + to_months($months_gevinst_ikke_malt) AS DATE)
                  < CAST($today AS DATE)
              AND (maldato IS NULL OR CAST($today AS DATE) <= maldato)""",
            dato=last_known,
            tekst="CASE WHEN siste_dato IS NULL THEN 'nullpunkt' END",
        ),
        select(
            "gevinst_under_mal",
            "benefits",
            "gevinst_id",
            "gevinst",
            # Progress runs from Nullpunkt to Målverdi either way, so a target below the
            # baseline ("lower is better") is judged the right way round.
            """maldato < CAST($today AS DATE) AND malverdi IS NOT NULL
              AND (siste_verdi IS NULL OR fremdrift < 1 - 1e-9)""",
            tall="siste_verdi",
            tall2="malverdi",
            dato="maldato",
        ),
        select(
            "anbefaling_uten_ansvarlig",
            "plan_recommendations",
            "anbefaling_id",
            "anbefaling",
            _empty("ansvarlig"),
            tekst="vedtak",
        ),
        select(
            "anbefaling_uten_iverksatt",
            "plan",
            "anbefaling_id",
            "anbefaling",
            "status = $no_date",
            tekst="vedtak",
        ),
        select(
            "milepael_uten_prognose",
            "milestones",
            "milepael_id",
            "milepael",
            "status = $ms_late AND prognose IS NULL",
            dato="planlagt",
        ),
    ]
    idle = f"""idle_projects AS (
      SELECT p.prosjekt_id, p.prosjektnavn, CAST(max(v.created_at) AS DATE) AS sist
      FROM prosjekter p
      LEFT JOIN version_projects vp
        ON vp.prosjekt_id = p.prosjekt_id AND vp.version <= $version
      LEFT JOIN versions v ON v.version = vp.version
      WHERE {as_of("p")} AND {in_scope("p", "prosjekteier", ("prosjekt_id", "prosjektnavn"))}
      GROUP BY p.prosjekt_id, p.prosjektnavn
    )"""
    ctes = ", ".join((risks_cte(), benefits_cte(), plan_cte(), milestones_cte(), idle))
    return f"WITH {ctes}\n" + "\nUNION ALL\n".join(parts)


def scoped(filters: Filters, version: int | None = None) -> Filters:
    """The filters the checks and the agenda read with: the projects, units and what the
    actor may read (`readable`), as of `version` (None: the filters' version); the owner,
    text and status filters do not apply (a risk without an owner cannot be found by owner,
    and an "open" risk is the views' own definition)."""
    return Filters(
        projects=filters.projects,
        units=filters.units,
        version=filters.version if version is None else version,
        readable=filters.readable,
    )


def _number(value: object) -> str:
    return format_value(None, float(value)) if value is not None else ""  # type: ignore[arg-type]


_NOUN = {
    PROSJEKTER.key: "Prosjekt",
    RISIKO.key: "Risiko",
    GEVINSTER.key: "Gevinst",
    ANBEFALINGER.key: "Anbefaling",
    MILEPAELER.key: "Milepæl",
}


def _message(rule: Rule, row: dict, today: dt.date) -> str:
    """The finding's one sentence: the row, what is wrong, what to do."""
    title = row["tittel"]
    named = f"{_NOUN[rule.sheet]} {row['id']}" + (f" «{title}»" if title else "")
    code = rule.code
    if code == "prosjekt_uten_opplasting":
        return (
            f"{named} har ikke fått nye data på {int(row['tall'])} dager (siste versjon "
            f"{row['dag']}): last opp oppdaterte data."
        )
    if code == "risiko_uten_tiltak":
        return f"{named} har score {int(row['tall'])}, men ingen tiltak: beskriv tiltak."
    if code == "risiko_uten_ansvarlig":
        return f"{named} har score {int(row['tall'])}, men ingen ansvarlig: sett en ansvarlig."
    if code == "risiko_frist_passert":
        return (
            f"{named} har status {row['tekst']}, men fristen {row['dag']} er passert: "
            "sett ny frist, eller lukk risikoen."
        )
    if code == "risiko_uten_etter_tiltak":
        return (
            f"{named} har høy score {int(row['tall'])}, men ingen vurdering etter tiltak: "
            "fyll inn sannsynlighet og konsekvens etter tiltak."
        )
    if code == "gevinst_uten_nullpunkt":
        return f"{named} er kvantitativ, men mangler nullpunkt: fyll inn Nullpunkt."
    if code == "gevinst_uten_malverdi":
        return f"{named} er kvantitativ, men mangler målverdi: fyll inn Målverdi."
    if code == "gevinst_ikke_malt":
        since = "nullpunktet" if row["tekst"] == "nullpunkt" else "siste måling"
        return (
            f"{named} er ikke målt på over {rule.months} måneder ({since} "
            f"{row['dag']}): legg inn en ny måling."
        )
    if code == "gevinst_under_mal":
        if row["tall"] is None:
            return (
                f"{named} har passert måldatoen {row['dag']} uten måling: legg inn en "
                "måling, eller sett ny måldato."
            )
        return (
            f"{named} skulle nådd {_number(row['tall2'])} innen {row['dag']}, men siste "
            f"måling er {_number(row['tall'])}: legg inn en ny måling, eller vurder målet."
        )
    if code == "anbefaling_uten_ansvarlig":
        return (
            f"{named} har vedtaket {row['tekst']}, men ingen ansvarlig: sett hvem som gjennomfører."
        )
    if code == "anbefaling_uten_iverksatt":
        return (
            f"{named} har vedtaket {row['tekst']}, men ingen iverksatt dato: fyll inn "
            "Iverksatt, så evalueringene kan planlegges."
        )
    if code == "milepael_uten_prognose":
        return (
            f"{named} var planlagt {row['dag']} og er ikke fullført, men har ingen "
            "prognose: sett ny prognose, eller fyll inn Fullført."
        )
    raise AssertionError(code)


_DIGITS = re.compile(r"(\d+)")


@cache
def _project_key(project: str) -> str:
    return norwegian_key(project)


@cache
def _natural(text: str) -> tuple:
    """R2 before R10."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, norwegian_key(part))
        for part in _DIGITS.split(text)
    )


def findings(
    path: Path | str | None,
    filters: Filters = EVERY_PROJECT,
    *,
    today: dt.date,
    version: int | None = None,
) -> list[Finding]:
    """Every finding of every rule in `RULES`, as of `version` (None: the filters' version,
    else the latest), for the projects in `filters` the actor may read; sorted by project
    (Norwegian order), sheet (contract order), ID and rule."""
    with shared_reads(path):
        return findings_in(path, filters, today=today, version=version)


def _run_rules(
    path: Path | str | None,
    filters: Filters,
    today: dt.date,
    version: int | None,
    select: str = "*",
    order: str = "",
) -> tuple[list[str], list[tuple]]:
    """The rules' rows (`select` of them, in `order`): column names and rows."""
    chosen = scoped(filters, version)
    if chosen.reads_nothing:
        return [], []
    sql = f"SELECT {select} FROM ({_rules_sql()}) {order}"
    with reading(path) as connection:
        params = {
            **view_params(connection, chosen, today),
            **rule_params(),
            "qualitative": QUALITATIVE,
        }
        used = set(re.findall(r"\$([A-Za-z_]\w*)", sql))
        rows = connection.execute(sql, {k: v for k, v in params.items() if k in used})
        names = [description[0] for description in rows.description]
        return names, rows.fetchall()


def finding_rows(
    path: Path | str | None,
    filters: Filters = EVERY_PROJECT,
    *,
    today: dt.date,
    version: int | None = None,
) -> list[dict]:
    """The rows the rules find, unsorted and without their sentences (regel, prosjekt_id, id,
    tittel and the values the sentence names); on the connection a caller shares
    (lib.db.shared_reads), or its own."""
    # dd.mm.yyyy in SQL: for 20,000 findings, a third of the time strftime takes in Python
    names, rows = _run_rules(path, filters, today, version, "*, strftime(dato, '%d.%m.%Y') AS dag")
    return [dict(zip(names, values, strict=True)) for values in rows]


def finding_refs(
    path: Path | str | None,
    filters: Filters = EVERY_PROJECT,
    *,
    today: dt.date,
    version: int | None = None,
) -> list[tuple[str, str]]:
    """(Prosjekt-ID, ID) of every finding (one per finding, so a row may come twice), by
    project and ID: what the agenda counts and points to, without the sentences."""
    _names, rows = _run_rules(
        path, filters, today, version, "prosjekt_id, CAST(id AS VARCHAR)", "ORDER BY 1, 2"
    )
    return [(str(project), str(row_id)) for project, row_id in rows]


_SHEET_ORDER = {sheet.key: index for index, sheet in enumerate(SHEETS)}
_RULE_ORDER = {rule.code: index for index, rule in enumerate(RULES)}


def sort_key(project: str, rule: Rule, row_id: str) -> tuple:
    """Findings' order: project (Norwegian order), sheet (contract order), ID (R2 before
    R10), rule."""
    return (
        _project_key(project),
        _SHEET_ORDER[rule.sheet],
        _natural(row_id),
        _RULE_ORDER[rule.code],
    )


def findings_in(
    path: Path | str | None,
    filters: Filters = EVERY_PROJECT,
    *,
    today: dt.date,
    version: int | None = None,
) -> list[Finding]:
    """`findings` on the connection a caller shares (lib.db.shared_reads), or its own."""
    records = finding_rows(path, filters, today=today, version=version)
    keyed = []
    for record in records:
        rule = RULES_BY_CODE[record["regel"]]
        keyed.append((sort_key(record["prosjekt_id"], rule, str(record["id"])), rule, record))
    keyed.sort(key=lambda entry: entry[0])
    return [
        Finding(
            record["prosjekt_id"],
            rule.ark,
            str(record["id"]),
            rule.code,
            _message(rule, record, today),
        )
        for _key, rule, record in keyed
    ]


def findings_frame(found: Sequence[Finding]) -> pd.DataFrame:
    """The findings as a table: Prosjekt-ID, Ark, ID, Regel, Melding."""
    import pandas as pd

    return pd.DataFrame(
        [(f.prosjekt_id, f.ark, f.id, f.regel, f.melding) for f in found],
        columns=list(FINDING_COLUMNS),
    )

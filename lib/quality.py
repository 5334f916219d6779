"""Data-quality checks: what a steering group needs filled in or updated before it can trust the
data (issue 12, item 5).

Every rule and its threshold is in `RULES`, here and nowhere else (the SQL reads the
thresholds from it as parameters, `rule_params`). The rows are found by one SQL query over the
views' own CTEs (lib/view_sql.py): an "open" risk (Åpen or Under arbeid), a benefit's latest
measurement and progress, a supported recommendation without Iverksatt and a late milestone
are what those CTEs say they are, never a second definition. Each finding names its project,
sheet and row and says in one Norwegian sentence what to fix (`MESSAGES`, filled in by the
same query, so 20,000 findings cost no Python per row).

Dates are judged on `today`: a date is *past* the day after it (a Frist of 1 June is past on
2 June). Six months is calendar months (1 January + 6 months = 1 July; the last day of a month
when the day does not exist, as the evaluation plan counts), and a benefit is stale the day
after that. A project is idle when its latest version is 60 or more days old. A meeting is
*held* the day after its date, as a date is past: from then on, a project needs a status report
dated on or after the meeting's day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
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
    STATUS,
)
from lib.db import as_of, reading, shared_reads
from lib.queries import high_risk_from
from lib.view_sql import (
    Filters,
    benefits_cte,
    in_scope,
    milestones_cte,
    plan_cte,
    risks_cte,
    view_params,
)
from lib.view_sql import scoped as scoped  # the checks' and the agenda's scope

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
    # A project with no status report (Rapportdato) on or after the day of the last meeting
    # held (one whose date is before today; the meetings table).
    Rule("status_mangler", STATUS.key, "Ingen statusrapport siden siste møte"),
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


#: Each rule's sentence, `{}` for the values the SQL puts in (DuckDB's `format`): first the
#: row («Risiko R7 «Nøkkelpersoner slutter»»), then what the rule names. A rule with two
#: cases has a second sentence under `<code>/<case>`.
MESSAGES: dict[str, str] = {
    "prosjekt_uten_opplasting": (
        "{} har ikke fått nye data på {} dager (siste versjon {}): last opp oppdaterte data."
    ),
    "risiko_uten_tiltak": "{} har score {}, men ingen tiltak: beskriv tiltak.",
    "risiko_uten_ansvarlig": "{} har score {}, men ingen ansvarlig: sett en ansvarlig.",
    "risiko_frist_passert": (
        "{} har status {}, men fristen {} er passert: sett ny frist, eller lukk risikoen."
    ),
    "risiko_uten_etter_tiltak": (
        "{} har høy score {}, men ingen vurdering etter tiltak: fyll inn sannsynlighet og "
        "konsekvens etter tiltak."
    ),
    "gevinst_uten_nullpunkt": "{} er kvantitativ, men mangler nullpunkt: fyll inn Nullpunkt.",
    "gevinst_uten_malverdi": "{} er kvantitativ, men mangler målverdi: fyll inn Målverdi.",
    "gevinst_ikke_malt": (
        "{} er ikke målt på over {} måneder (siste måling {}): legg inn en ny måling."
    ),
    "gevinst_ikke_malt/nullpunkt": (
        "{} er ikke målt på over {} måneder (nullpunktet {}): legg inn en ny måling."
    ),
    "gevinst_under_mal": (
        "{} skulle nådd {} innen {}, men siste måling er {}: legg inn en ny måling, eller "
        "vurder målet."
    ),
    "gevinst_under_mal/uten_maling": (
        "{} har passert måldatoen {} uten måling: legg inn en måling, eller sett ny måldato."
    ),
    "anbefaling_uten_ansvarlig": (
        "{} har vedtaket {}, men ingen ansvarlig: sett hvem som gjennomfører."
    ),
    "anbefaling_uten_iverksatt": (
        "{} har vedtaket {}, men ingen iverksatt dato: fyll inn Iverksatt, så evalueringene "
        "kan planlegges."
    ),
    "milepael_uten_prognose": (
        "{} var planlagt {} og er ikke fullført, men har ingen prognose: sett ny prognose, "
        "eller fyll inn Fullført."
    ),
    "status_mangler": (
        "{} har ingen statusrapport siden møtet {} (siste rapport {}): skriv en rapport på "
        "siden Status, eller last opp arket Status."
    ),
    "status_mangler/ingen": (
        "{} har ingen statusrapport (siste møte {}): skriv en rapport på siden Status, eller "
        "last opp arket Status."
    ),
}

#: How a sentence names a row of each sheet: «Risiko R7 …».
NOUNS: dict[str, str] = {
    PROSJEKTER.key: "Prosjekt",
    RISIKO.key: "Risiko",
    GEVINSTER.key: "Gevinst",
    ANBEFALINGER.key: "Anbefaling",
    MILEPAELER.key: "Milepæl",
    STATUS.key: "Prosjekt",
}


def _message_param(code: str) -> str:
    return "message_" + code.replace("/", "_")


def _say(code: str, *values: str) -> str:
    """SQL: the sentence `MESSAGES[code]` with `values` (SQL expressions) put in."""
    return f"format(${_message_param(code)}, row_name, {', '.join(values)})"


def _day_sql(expression: str) -> str:
    return f"strftime({expression}, '%d.%m.%Y')"


def _number_sql(expression: str) -> str:
    """SQL: a number as lib.preview.format_value writes it (`1 234,5`; whole numbers without
    decimals, with spaces from 10 000)."""
    x = expression
    return f"""CASE WHEN {x} = trunc({x}) AND abs({x}) < 10000
          THEN CAST(CAST({x} AS BIGINT) AS VARCHAR)
        WHEN {x} = trunc({x}) THEN replace(format('{{:,}}', CAST({x} AS BIGINT)), ',', ' ')
        ELSE replace(replace(format('{{:,}}', {x}), ',', ' '), '.', ',') END"""


def _rules_sql() -> str:
    """One SELECT per rule over the views' CTEs, in the shape (regel, prosjekt_id, id,
    melding): the rows each rule finds, with their sentence."""

    def select(code: str, source: str, id_col: str, title: str, where: str, says: str) -> str:
        sheet = RULES_BY_CODE[code].sheet
        row_name = f"""concat(${"noun_" + sheet}, ' ', {id_col},
            CASE WHEN nullif({title}, '') IS NULL THEN '' ELSE concat(' «', {title}, '»') END)"""
        return f"""SELECT '{code}' AS regel, prosjekt_id, CAST({id_col} AS VARCHAR) AS id,
               {says} AS melding
        FROM (SELECT *, {row_name} AS row_name FROM {source} WHERE {where})"""

    last_known = "coalesce(siste_dato, nullpunktdato_brukt)"
    quantitative = "coalesce(type, '') <> $qualitative"
    today = "CAST($today AS DATE)"
    idle_days = f"date_diff('day', sist, {today})"
    parts = [
        select(
            "prosjekt_uten_opplasting",
            "idle_projects",
            "prosjekt_id",
            "prosjektnavn",
            f"sist IS NOT NULL AND {idle_days} >= $days_prosjekt_uten_opplasting",
            _say("prosjekt_uten_opplasting", idle_days, _day_sql("sist")),
        ),
        select(
            "risiko_uten_tiltak",
            "risks",
            "risiko_id",
            "risiko",
            f"score >= $min_score_risiko_uten_tiltak AND {_empty('tiltak')}",
            _say("risiko_uten_tiltak", "CAST(score AS BIGINT)"),
        ),
        select(
            "risiko_uten_ansvarlig",
            "risks",
            "risiko_id",
            "risiko",
            f"score >= $min_score_risiko_uten_ansvarlig AND {_empty('ansvarlig')}",
            _say("risiko_uten_ansvarlig", "CAST(score AS BIGINT)"),
        ),
        select(
            "risiko_frist_passert",
            "risks",
            "risiko_id",
            "risiko",
            f"frist < {today}",
            _say("risiko_frist_passert", "status", _day_sql("frist")),
        ),
        select(
            "risiko_uten_etter_tiltak",
            "risks",
            "risiko_id",
            "risiko",
            "score >= $min_score_risiko_uten_etter_tiltak"
            " AND (sannsynlighet_etter IS NULL OR konsekvens_etter IS NULL)",
            _say("risiko_uten_etter_tiltak", "CAST(score AS BIGINT)"),
        ),
        select(
            "gevinst_uten_nullpunkt",
            "benefits",
            "gevinst_id",
            "gevinst",
            f"{quantitative} AND nullpunkt IS NULL",
            f"format(${_message_param('gevinst_uten_nullpunkt')}, row_name)",
        ),
        select(
            "gevinst_uten_malverdi",
            "benefits",
            "gevinst_id",
            "gevinst",
            f"{quantitative} AND malverdi IS NULL",
            f"format(${_message_param('gevinst_uten_malverdi')}, row_name)",
        ),
        select(
            "gevinst_ikke_malt",
            "benefits",
            "gevinst_id",
            "gevinst",
            f"""{last_known} IS NOT NULL
              AND CAST({last_known} + to_months($months_gevinst_ikke_malt) AS DATE) < {today}
              AND (maldato IS NULL OR {today} <= maldato)""",
            f"""CASE WHEN siste_dato IS NULL
                THEN {
                _say(
                    "gevinst_ikke_malt/nullpunkt", "$months_gevinst_ikke_malt", _day_sql(last_known)
                )
            }
                ELSE {
                _say("gevinst_ikke_malt", "$months_gevinst_ikke_malt", _day_sql(last_known))
            } END""",
        ),
        select(
            "gevinst_under_mal",
            "benefits",
            "gevinst_id",
            "gevinst",
            # Progress runs from Nullpunkt to Målverdi either way, so a target below the
            # baseline ("lower is better") is judged the right way round.
            f"""maldato < {today} AND malverdi IS NOT NULL
              AND (siste_verdi IS NULL OR fremdrift < 1 - 1e-9)""",
            f"""CASE WHEN siste_verdi IS NULL
                THEN {_say("gevinst_under_mal/uten_maling", _day_sql("maldato"))}
                ELSE {
                _say(
                    "gevinst_under_mal",
                    _number_sql("malverdi"),
                    _day_sql("maldato"),
                    _number_sql("siste_verdi"),
                )
            } END""",
        ),
        select(
            "anbefaling_uten_ansvarlig",
            "plan_recommendations",
            "anbefaling_id",
            "anbefaling",
            _empty("ansvarlig"),
            _say("anbefaling_uten_ansvarlig", "vedtak"),
        ),
        select(
            "anbefaling_uten_iverksatt",
            "plan",
            "anbefaling_id",
            "anbefaling",
            "status = $no_date",
            _say("anbefaling_uten_iverksatt", "vedtak"),
        ),
        select(
            "milepael_uten_prognose",
            "milestones",
            "milepael_id",
            "milepael",
            "status = $ms_late AND prognose IS NULL",
            _say("milepael_uten_prognose", _day_sql("planlagt")),
        ),
        select(
            "status_mangler",
            "status_missing",
            "prosjekt_id",
            "prosjektnavn",
            "siste IS NULL OR siste < mote",
            f"""CASE WHEN siste IS NULL
                THEN {_say("status_mangler/ingen", _day_sql("mote"))}
                ELSE {_say("status_mangler", _day_sql("mote"), _day_sql("siste"))} END""",
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
    # The last meeting held: its date is before today (on its own day, the reports made for it
    # are not missing yet).
    status_missing = f"""status_missing AS (
      SELECT p.prosjekt_id, p.prosjektnavn, m.mote, max(s.rapportdato) AS siste
      FROM prosjekter p
      CROSS JOIN (SELECT max(meeting_date) AS mote FROM meetings WHERE meeting_date < {today}) m
      LEFT JOIN {STATUS.table} s ON s.prosjekt_id = p.prosjekt_id AND {as_of("s")}
      WHERE m.mote IS NOT NULL AND {as_of("p")}
        AND {in_scope("p", "prosjekteier", ("prosjekt_id", "prosjektnavn"))}
      GROUP BY p.prosjekt_id, p.prosjektnavn, m.mote
    )"""
    ctes = ", ".join(
        (risks_cte(), benefits_cte(), plan_cte(), milestones_cte(), idle, status_missing)
    )
    return f"WITH {ctes}\n" + "\nUNION ALL\n".join(parts)


def _text_params() -> dict[str, str]:
    return {
        **{_message_param(code): text for code, text in MESSAGES.items()},
        **{f"noun_{sheet}": noun for sheet, noun in NOUNS.items()},
    }


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
            **_text_params(),
            "rule_codes": [rule.code for rule in RULES],
            "rule_sheets": [[sheet.key for sheet in SHEETS].index(rule.sheet) for rule in RULES],
            "qualitative": QUALITATIVE,
        }
        used = set(re.findall(r"\$([A-Za-z_]\w*)", sql))
        rows = connection.execute(sql, {k: v for k, v in params.items() if k in used})
        names = [description[0] for description in rows.description]
        return names, rows.fetchall()


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


#: The findings' order in SQL: project in Norwegian order (as lib.queries.norwegian_key: case
#: folded, then æ ø å after z), sheet in contract order, ID (R2 before R10), rule.
_ORDER = """ORDER BY translate(lower(prosjekt_id), 'æøå', '{|}'),
    list_extract($rule_sheets, list_position($rule_codes, regel)),
    lower(regexp_extract(id, '^[^0-9]*')), TRY_CAST(regexp_extract(id, '[0-9]+') AS BIGINT),
    id, list_position($rule_codes, regel)"""


def findings_in(
    path: Path | str | None,
    filters: Filters = EVERY_PROJECT,
    *,
    today: dt.date,
    version: int | None = None,
) -> list[Finding]:
    """`findings` on the connection a caller shares (lib.db.shared_reads), or its own."""
    _names, rows = _run_rules(
        path, filters, today, version, "prosjekt_id, id, regel, melding", _ORDER
    )
    ark = {rule.code: rule.ark for rule in RULES}
    return [
        Finding(project, ark[code], row_id, code, message)
        for project, row_id, code, message in rows
    ]


def findings_frame(found: Sequence[Finding]) -> pd.DataFrame:
    """The findings as a table: Prosjekt-ID, Ark, ID, Regel, Melding."""
    import pandas as pd

    return pd.DataFrame(
        [(f.prosjekt_id, f.ark, f.id, f.regel, f.melding) for f in found],
        columns=list(FINDING_COLUMNS),
    )

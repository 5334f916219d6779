"""Status reports beside what the data says: each project's latest report (Status sheet), the
traffic light its own data implies for fremdrift, økonomi, risiko and gevinster, and where the
report is greener than that.

The rules live here, once (`RULES`, with their thresholds): the pages, the meeting pack, the
agenda and the guide all read them from here. Kvalitet has no measure in the data; its light is
the report's alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lib import clock, meetings, queries
from lib.contract import (
    GREEN,
    LIGHT_ORDER,
    MILESTONE_LATE,
    RED,
    STATUS_DIMENSIONS,
    YELLOW,
)
from lib.queries import Filters, high_risk_from
from lib.view_sql import scoped
from lib.wording import count

#: A high risk (the lowest score of the highest band: 10 with the contract's bands).
HIGH_RISK = high_risk_from()
#: An active risk scored this or more (4 × 5 and up: the matrix's corner) makes the data's
#: risk light red.
RED_RISK_SCORE = 20
#: A milestone not done this many days or more behind its planned date makes progress red.
RED_LATE_DAYS = 90
#: More than this share of the measured benefits behind their path makes benefits red.
RED_BEHIND_SHARE = 0.5
#: A cost forecast this share or more over budget makes the economy red (any overrun: yellow).
RED_OVERRUN_SHARE = 0.10


@dataclass(frozen=True)
class Rule:
    """How the data sets one dimension's light, in words a steering group reads."""

    dimension: str  # the light's column in the Status sheet
    heading: str
    red: str
    yellow: str
    green: str
    none: str  # when the data cannot say


RULES: tuple[Rule, ...] = (
    Rule(
        "fremdrift",
        "Fremdrift",
        f"en milepæl som ikke er fullført, er {RED_LATE_DAYS} dager eller mer forsinket",
        "en milepæl er forsinket (prognosen, eller i dag, er etter planlagt dato)",
        "ingen milepæl er forsinket",
        "prosjektet har ingen milepæler",
    ),
    Rule(
        "okonomi",
        "Økonomi",
        f"prognosen er {RED_OVERRUN_SHARE:.0%} eller mer over budsjettet, eller påløpt er "
        "over budsjettet".replace("%", " %"),
        "prognosen er over budsjettet",
        "prognosen er innenfor budsjettet",
        "rapporten har ikke både budsjett og prognose",
    ),
    Rule(
        "risiko",
        "Risiko",
        f"en aktiv risiko har score {RED_RISK_SCORE} eller mer (4 × 5 og over)",
        f"en aktiv risiko er høy (score {HIGH_RISK} eller mer)",
        "ingen aktiv risiko er høy",
        "prosjektet har ingen aktive risikoer",
    ),
    Rule(
        "gevinster",
        "Gevinster",
        f"mer enn {RED_BEHIND_SHARE:.0%} av de målte gevinstene er bak skjema".replace("%", " %"),
        "en målt gevinst er bak skjema",
        "alle målte gevinster er på sporet",
        "ingen gevinst er målt mot et mål",
    ),
)
RULES_BY_DIMENSION: dict[str, Rule] = {rule.dimension: rule for rule in RULES}
#: The dimensions a report assesses, in the sheet's order: (column, heading).
DIMENSIONS: tuple[tuple[str, str], ...] = STATUS_DIMENSIONS


def severity(light: object) -> int | None:
    """0 for Grønn, 1 for Gul, 2 for Rød; None for a light not assessed."""
    return LIGHT_ORDER.index(light) if light in LIGHT_ORDER else None


def greener(reported: object, measured: object) -> bool:
    """Whether a report's light is better than the one its data implies."""
    said, shown = severity(reported), severity(measured)
    return said is not None and shown is not None and said < shown


def worst(lights: list[object]) -> str | None:
    """The worst of some lights (None when none is assessed)."""
    ranked = [severity(light) for light in lights if severity(light) is not None]
    return LIGHT_ORDER[max(ranked)] if ranked else None


def _light(red: bool, yellow: bool, green: bool) -> str | None:
    return RED if red else YELLOW if yellow else GREEN if green else None


def _nb(number: float) -> str:
    return f"{number:.0f}"


def measured_lights(
    path: Path | str | None,
    filters: Filters,
    today: dt.date | None = None,
    *,
    figures: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per project in scope: the light its data implies for each measured dimension
    (`<dimension>_malt`) and why, in Norwegian (`<dimension>_grunn`). Økonomi is measured
    from the report's own figures (see `status_board`), not here. `figures`: the overview of
    the same scope and day, when the caller has read it already."""
    scope = scoped(filters)
    day = queries.status_day(path, scope.version, today or clock.today())
    if figures is None:
        figures = queries.overview(path, scope, day)
    high = queries.risk_view(path, scope, min_score=HIGH_RISK, with_matrix=False).rows
    top_score = high.groupby("prosjekt_id")["score"].max()
    milestones = queries.milestones(path, scope, day)
    late = milestones[(milestones["status"] == MILESTONE_LATE) & milestones["fullfort"].isna()]
    most_late = late.groupby("prosjekt_id")["avvik_dager"].max()
    milestones_per_project = milestones.groupby("prosjekt_id").size()

    rows = []
    for project in figures.to_dict("records"):
        pid = project["prosjekt_id"]
        row: dict[str, object] = {"prosjekt_id": pid}

        late_count = int(project["milepaeler_forsinket"])
        days = most_late.get(pid)
        has_milestones = int(milestones_per_project.get(pid, 0)) > 0
        row["fremdrift_malt"] = _light(
            days is not None and days >= RED_LATE_DAYS, late_count > 0, has_milestones
        )
        row["fremdrift_grunn"] = (
            f"{count(late_count, 'milepæl', 'milepæler')} forsinket"
            + (f", den mest forsinkede {_nb(days)} dager" if days is not None else "")
            if late_count
            else RULES_BY_DIMENSION["fremdrift"].green
            if has_milestones
            else RULES_BY_DIMENSION["fremdrift"].none
        )

        high_count = int(project["hoye_risikoer"])
        score = top_score.get(pid)
        active = int(project["aktive_risikoer"])
        row["risiko_malt"] = _light(
            score is not None and score >= RED_RISK_SCORE, high_count > 0, active > 0
        )
        row["risiko_grunn"] = (
            f"{count(high_count, 'høy risiko', 'høye risikoer')}, høyeste score {int(score)}"
            if high_count and score is not None
            else RULES_BY_DIMENSION["risiko"].green
            if active
            else RULES_BY_DIMENSION["risiko"].none
        )

        behind = int(project["gevinster_bak_skjema"])
        measured = behind + int(project["gevinster_pa_sporet"])
        row["gevinster_malt"] = _light(
            measured > 0 and behind / measured > RED_BEHIND_SHARE, behind > 0, measured > 0
        )
        row["gevinster_grunn"] = (
            f"{behind} av {count(measured, 'målt gevinst', 'målte gevinster')} bak skjema"
            if behind
            else RULES_BY_DIMENSION["gevinster"].green
            if measured
            else RULES_BY_DIMENSION["gevinster"].none
        )
        rows.append(row)
    columns = ["prosjekt_id"] + [
        f"{dimension}_{part}"
        for dimension in ("fremdrift", "risiko", "gevinster")
        for part in ("malt", "grunn")
    ]
    return pd.DataFrame(rows, columns=columns)


def economy_light(budget: object, spent: object, forecast: object) -> tuple[str | None, str]:
    """The economy's light from a report's own figures, and why."""
    rule = RULES_BY_DIMENSION["okonomi"]
    if pd.isna(budget) or pd.isna(forecast) or not budget:
        return None, rule.none
    budget, forecast = float(budget), float(forecast)
    overrun = (forecast - budget) / budget
    over_spent = not pd.isna(spent) and float(spent) > budget
    if overrun >= RED_OVERRUN_SHARE or over_spent:
        why = f"prognosen er {overrun:.0%} over budsjettet".replace("%", " %")
        return RED, ("påløpt er over budsjettet" if over_spent and overrun < 0 else why)
    if overrun > 0:
        return YELLOW, f"prognosen er {overrun:.0%} over budsjettet".replace("%", " %")
    return GREEN, rule.green


def last_meeting_day(path: Path | str | None, day: dt.date) -> dt.date | None:
    """The day of the latest meeting held before `day`: a meeting is held the day after its
    date (as lib.quality's dates are past), so on its own day the reports made for it are not
    stale yet."""
    held = [found.meeting_date for found in meetings.meetings(path) if found.meeting_date < day]
    return max(held) if held else None


#: The columns of `status_board`, in order.
BOARD_COLUMNS: list[str] = [
    "prosjekt_id",
    "prosjektnavn",
    "rapportdato",
    "utdatert",
    "rapportert_av",
    "overordnet_status",
    *(
        f"{dimension}{part}"
        for dimension, _ in DIMENSIONS
        for part in ("", "_kommentar", "_malt", "_grunn", "_gronnere")
    ),
    "budsjett",
    "palopt",
    "prognose",
    "verste",
    "avvik",
]


def status_board(
    path: Path | str | None, filters: Filters, today: dt.date | None = None
) -> pd.DataFrame:
    """One row per project in scope, reported or not (BOARD_COLUMNS).

    Each dimension: the latest report's light and comment, the data's light (`_malt`) and why
    (`_grunn`), and `_gronnere` when the report is greener than its data. `utdatert` when the
    latest report is older than the last meeting held (or there is none); `verste` the worst
    reported light; `avvik` how many dimensions are reported greener than their data.
    """
    day = queries.status_day(path, filters.version, today or clock.today())
    scope = scoped(filters)
    figures = queries.overview(path, scope, day)
    reports = queries.status_reports(path, scope)
    latest = reports[reports["siste"]].drop(columns=["siste", "prosjektnavn"])
    board = figures[["prosjekt_id", "prosjektnavn"]].merge(latest, on="prosjekt_id", how="left")
    measured = measured_lights(path, scope, day, figures=figures)
    board = board.merge(measured, on="prosjekt_id", how="left")
    economy = [
        economy_light(row["budsjett"], row["palopt"], row["prognose"])
        for row in board.to_dict("records")
    ]
    board["okonomi_malt"] = [light for light, _ in economy]
    board["okonomi_grunn"] = [why for _, why in economy]
    board["kvalitet_malt"] = None
    board["kvalitet_grunn"] = None
    for dimension, _ in DIMENSIONS:
        board[f"{dimension}_gronnere"] = [
            greener(said, shown)
            for said, shown in zip(board[dimension], board[f"{dimension}_malt"], strict=True)
        ]
    meeting_day = last_meeting_day(path, day)
    board["utdatert"] = [
        pd.isna(reported) or (meeting_day is not None and reported < pd.Timestamp(meeting_day))
        for reported in board["rapportdato"]
    ]
    board["verste"] = [
        worst([row[dimension] for dimension, _ in DIMENSIONS]) for row in board.to_dict("records")
    ]
    board["avvik"] = board[[f"{dimension}_gronnere" for dimension, _ in DIMENSIONS]].sum(axis=1)
    board = board.astype({"avvik": int, "utdatert": bool})
    return board[BOARD_COLUMNS].astype(object).where(board[BOARD_COLUMNS].notna(), None)


def report_history(
    path: Path | str | None,
    project: str,
    version: int | None = None,
    readable: frozenset[str] | None = None,
) -> pd.DataFrame:
    """One project's reports as of a version, oldest first (the Status sheet's columns)."""
    reports = queries.status_reports(
        path, Filters(projects=(project,), version=version, readable=readable)
    )
    return reports.drop(columns=["siste"]).reset_index(drop=True)

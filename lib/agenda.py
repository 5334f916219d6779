"""The steering group's agenda drawn from the data (issue 12, item 2): a proposed running order
since the last meeting, and the rows each item concerns, for the presenter's screen.

The order (`KINDS`): status per project, worst first; new and increased high risks; one item
per recommendation awaiting a decision; evaluations overdue or due soon; milestones that
slipped; benefits behind their planned path; data-quality findings; «Eventuelt» last. An
empty category is left out (Eventuelt never is). Everything is read through the views
(lib.queries) and the checks (lib.quality), with the same filters and the same "as of".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from lib import queries, wording
from lib.contract import (
    ANBEFALINGER,
    BENEFIT_BEHIND,
    DECISION_EMPTY,
    EVALUATION_DONE,
    EVALUATION_OVERDUE,
    GEVINSTER,
    MILEPAELER,
    MILESTONE_LATE,
    RED,
    RISIKO,
    RISK_NEW,
    RISK_UP,
    STATUS,
    STATUS_DIMENSIONS,
)
from lib.db import reading, shared_reads, version_or_latest
from lib.quality import (
    EVERY_PROJECT,
    HIGH_RISK,
    finding_refs,
    findings_frame,
    findings_in,
    scoped,
)
from lib.snapshots import last_snapshot, snapshot_of
from lib.view_sql import Filters, decision_history_sql, expected_dates_sql, readable_list

#: Kind code -> the Norwegian heading of its part of the agenda, in the running order.
KINDS: dict[str, str] = {
    "status": "Status per prosjekt",
    "risiko": "Høye risikoer",
    "anbefaling": "Anbefalinger til vedtak",
    "evaluering": "Evalueringer",
    "milepael": "Milepæler",
    "gevinst": "Gevinster",
    "kvalitet": "Datakvalitet",
    "eventuelt": "Eventuelt",
    "egen": "Egen sak",  # an item the chair added
}

#: Evaluations due within this many days (or overdue) come up at the meeting.
EVALUATION_DAYS = 30
#: The decisions that leave a recommendation awaiting one.
AWAITING_DECISIONS: tuple[str, ...] = (DECISION_EMPTY, "Utredes videre")


@dataclass(frozen=True)
class AgendaItem:
    kind: str  # a key of KINDS
    title: str
    project: str | None = None  # the Prosjekt-ID when the item is about one project
    refs: tuple[tuple[str, str], ...] = ()  # (Prosjekt-ID, row ID) pairs the item concerns
    note: str = ""  # a short line under the title

    def to_dict(self) -> dict:
        """JSON-safe: refs as lists of two strings."""
        return {
            "kind": self.kind,
            "title": self.title,
            "project": self.project,
            "refs": [[project, row] for project, row in self.refs],
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> AgendaItem:
        return cls(
            kind=str(data["kind"]),
            title=str(data["title"]),
            project=None if data.get("project") is None else str(data["project"]),
            refs=tuple((str(project), str(row)) for project, row in data.get("refs") or ()),
            note=str(data.get("note") or ""),
        )


def base_version(path: Path | str | None, version: int | None, since: int | None) -> int:
    """The version the agenda compares with: `since`, else the last meeting's snapshot before
    `version` (None: the latest); 0 (before the first version) when there is none."""
    if since is not None:
        return since
    found = last_snapshot(path, version)
    return found.version if found else 0


def _since_text(path: Path | str | None, base: int) -> str:
    if base == 0:
        return "siden starten"
    meeting = snapshot_of(path, base)
    return f"siden møtet {meeting.label()}" if meeting else f"siden versjon {base}"


def _pairs(frame: pd.DataFrame, id_column: str) -> Iterable[tuple[str, str]]:
    """(Prosjekt-ID, row ID) of each row. Through plain lists: `astype(str)` on an Arrow
    column of 40,000 IDs took ten times as long."""
    projects, ids = frame["prosjekt_id"].tolist(), frame[id_column].tolist()
    return zip(map(str, projects), map(str, ids), strict=True)


def _refs(frame: pd.DataFrame, id_column: str) -> tuple[tuple[str, str], ...]:
    return tuple(dict.fromkeys(_pairs(frame, id_column)))


def _among(frame: pd.DataFrame, id_column: str, refs: Iterable[tuple[str, str]]) -> pd.Series:
    chosen = set(refs)
    inside = [pair in chosen for pair in _pairs(frame, id_column)]
    return pd.Series(inside, index=frame.index, dtype=bool)


# --- What each part reads ----------------------------------------------------------------------


def _status_rows(path: Path | str | None, filters: Filters, today: dt.date) -> pd.DataFrame:
    """The overview's figures of the projects in `filters`, with their latest status report's
    lights, worst first."""
    return _worst_first(_with_lights(path, filters, queries.overview(path, filters, today)))


#: The latest report's columns a status item shows (Rapportdato, then the five lights).
_LIGHT_COLUMNS: tuple[str, ...] = (
    "rapportdato",
    *(dimension for dimension, _heading in STATUS_DIMENSIONS),
)


def _with_lights(path: Path | str | None, filters: Filters, figures: pd.DataFrame) -> pd.DataFrame:
    """`figures` with each project's latest status report (Rapportdato and the five lights;
    empty for a project without one), as of the filters' version."""
    reports = queries.status_reports(path, filters)
    latest = reports[reports["siste"]][["prosjekt_id", *_LIGHT_COLUMNS]]
    return figures.merge(latest, on="prosjekt_id", how="left")


def _reported_red(row: Mapping) -> bool:
    return any(row.get(dimension) == RED for dimension, _heading in STATUS_DIMENSIONS)


def _worst_first(figures: pd.DataFrame) -> pd.DataFrame:
    """Projects worst first: a red light in the latest status report before any count; then
    most high open risks, benefits behind, late milestones, overdue evaluations; then
    Norwegian order of the ID."""
    worst = [column for column, _one, _many in _STATUS_FIGURES]
    red = [_reported_red(row) for row in figures.to_dict("records")]
    figures = figures.assign(_red=red, _key=figures["prosjekt_id"].map(queries.norwegian_key))
    return figures.sort_values(
        ["_red", *worst, "_key"], ascending=[False] * (len(worst) + 1) + [True], ignore_index=True
    ).drop(columns=["_red", "_key"])


#: The overview's figures a project's status item counts, worst first, with their wording.
_STATUS_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("hoye_risikoer", "høy risiko", "høye risikoer"),
    ("gevinster_bak_skjema", "gevinst bak skjema", "gevinster bak skjema"),
    ("milepaeler_forsinket", "forsinket milepæl", "forsinkede milepæler"),
    ("evalueringer_forfalt", "forfalt evaluering", "forfalte evalueringer"),
)


def _lights_note(row: Mapping) -> str | None:
    """`Status 16.11.2026: Fremdrift Rød, Økonomi Gul, Kvalitet ikke vurdert, …`; None
    without a report."""
    day = row.get("rapportdato")
    if day is None or pd.isna(day):
        return None
    lights = ", ".join(
        f"{heading} {row[dimension]}"
        if isinstance(row.get(dimension), str)
        else f"{heading} ikke vurdert"
        for dimension, heading in STATUS_DIMENSIONS
    )
    return f"Status {pd.Timestamp(day):%d.%m.%Y}: {lights}"


def _status_note(row: Mapping) -> str:
    shown = [
        wording.count(int(row[column]), one, many)
        for column, one, many in _STATUS_FIGURES
        if int(row[column])
    ]
    lights = _lights_note(row)
    if not shown:
        counts = (
            "Ingen høye risikoer, gevinster bak skjema, forsinkede milepæler eller forfalte "
            "evalueringer."
        )
        return f"{lights} · {counts}" if lights else counts
    return " · ".join([lights, *shown] if lights else shown)


def _awaiting_rows(path: Path | str | None, filters: Filters) -> pd.DataFrame:
    chosen = replace(filters, statuses=AWAITING_DECISIONS)
    rows = queries.recommendations(path, chosen, with_counts=False).rows
    rows["_key"] = rows["prosjekt_id"].map(queries.norwegian_key)
    return rows.sort_values("_key", kind="stable", ignore_index=True).drop(columns="_key")


def _evaluation_rows(path: Path | str | None, filters: Filters, today: dt.date) -> pd.DataFrame:
    plan = queries.evaluations(path, filters, today)
    last_day = pd.Timestamp(today + dt.timedelta(days=EVALUATION_DAYS))
    due = (plan["status"] != EVALUATION_DONE) & (plan["frist"] <= last_day)
    chosen = plan[(plan["status"] == EVALUATION_OVERDUE) | due.fillna(False).astype(bool)]
    return chosen.sort_values("frist", kind="stable", ignore_index=True)


def _milestone_rows(
    path: Path | str | None, filters: Filters, today: dt.date, base: int
) -> pd.DataFrame:
    """Late milestones, and milestones not done whose expected date (Prognose, else Planlagt)
    moved later since version `base`, with that earlier date (`forrige_dato`)."""
    rows = queries.milestones(path, filters, today)
    earlier = _earlier_milestone_dates(path, filters, base)
    rows = rows.merge(earlier, on=["prosjekt_id", "milepael_id"], how="left")
    current = rows["prognose"].fillna(rows["planlagt"])
    slipped = rows["fullfort"].isna() & (current > rows["forrige_dato"]).fillna(False)
    return rows[(rows["status"] == MILESTONE_LATE) | slipped.astype(bool)].reset_index(drop=True)


def _earlier_milestone_dates(path: Path | str | None, filters: Filters, base: int) -> pd.DataFrame:
    with reading(path) as connection:
        frame = connection.execute(
            expected_dates_sql(),
            {"version": base, "readable": readable_list(filters.readable)},
        ).df()
    frame["forrige_dato"] = pd.to_datetime(frame["forrige_dato"])
    return frame


def _benefit_rows(path: Path | str | None, filters: Filters, today: dt.date) -> pd.DataFrame:
    return queries.benefits(path, replace(filters, statuses=(BENEFIT_BEHIND,)), today)


# --- The proposal ------------------------------------------------------------------------------


def propose(
    path: Path | str | None,
    filters: Filters = EVERY_PROJECT,
    *,
    today: dt.date,
    version: int | None = None,
    since: int | None = None,
) -> list[AgendaItem]:
    """The proposed running order as of `version` (None: the filters' version, else the latest)
    since version `since` (None: the last meeting's snapshot before it; none: the beginning),
    for the projects in `filters` the actor may read."""
    with shared_reads(path):  # one connection for the dozen reads
        return _propose(path, filters, today=today, version=version, since=since)


def _propose(
    path: Path | str | None,
    filters: Filters,
    *,
    today: dt.date,
    version: int | None,
    since: int | None,
) -> list[AgendaItem]:
    chosen = scoped(filters, version)
    items: list[AgendaItem] = []
    if not chosen.reads_nothing:
        with reading(path) as connection:
            chosen = replace(chosen, version=version_or_latest(connection, chosen.version))
        base = base_version(path, chosen.version, since)
        # Each view is read once: the status items count the rows the other items list.
        # Only the high risks count here (the status items, new and increased ones).
        risks = queries.risk_view(
            path, chosen, compare_with=base, min_score=HIGH_RISK, with_matrix=False
        ).rows
        evaluations = _evaluation_rows(path, chosen, today)
        milestones = _milestone_rows(path, chosen, today, base)
        benefits = _benefit_rows(path, chosen, today)
        items += _status_items(path, chosen, risks, benefits, milestones, evaluations)
        items += _risk_items(path, _risen(risks), base)
        items += _recommendation_items(path, chosen)
        items += _evaluation_items(evaluations, today)
        items += _milestone_items(path, milestones, base)
        items += _benefit_items(benefits)
        items += _quality_items(path, chosen, today)
    items.append(AgendaItem("eventuelt", KINDS["eventuelt"]))
    return items


def _status_items(
    path: Path | str | None,
    filters: Filters,
    risks: pd.DataFrame,
    benefits: pd.DataFrame,
    milestones: pd.DataFrame,
    evaluations: pd.DataFrame,
) -> list[AgendaItem]:
    """One item per project, worst first (`_worst_first`), counted from the rows read."""
    projects = queries.sheet_rows(path, "prosjekter", filters.version, readable=filters.readable)
    if filters.projects:
        projects = projects[projects["prosjekt_id"].isin(filters.projects)]
    if filters.units:
        projects = projects[projects["enhet"].isin(filters.units)]
    counted = {
        "hoye_risikoer": risks[risks["score"] >= HIGH_RISK],
        "gevinster_bak_skjema": benefits,
        "milepaeler_forsinket": milestones[milestones["status"] == MILESTONE_LATE],
        "evalueringer_forfalt": evaluations[evaluations["status"] == EVALUATION_OVERDUE],
    }
    figures = projects[["prosjekt_id", "prosjektnavn"]].reset_index(drop=True)
    for column, rows in counted.items():
        per_project = rows.groupby("prosjekt_id").size()
        figures[column] = figures["prosjekt_id"].map(per_project).fillna(0).astype(int)
    figures = _with_lights(path, filters, figures)
    return [
        AgendaItem(
            "status",
            f"Status: {row['prosjektnavn']} ({row['prosjekt_id']})",
            project=str(row["prosjekt_id"]),
            note=_status_note(row),
        )
        for row in _worst_first(figures).to_dict("records")
    ]


def _risen(risks: pd.DataFrame) -> pd.DataFrame:
    """The high risks that are new or whose score rose (`risk_view`'s comparison)."""
    return risks[(risks["score"] >= HIGH_RISK) & risks["endring"].isin((RISK_NEW, RISK_UP))]


def _risk_items(path: Path | str | None, rows: pd.DataFrame, base: int) -> list[AgendaItem]:
    if rows.empty:
        return []
    new = int((rows["endring"] == RISK_NEW).sum())
    counted = [f"{new} nye" if new > 1 else f"{new} ny"] if new else []
    if len(rows) > new:
        counted.append(f"{len(rows) - new} med økt score")
    note = f"{' og '.join(counted)} {_since_text(path, base)}"
    return [
        AgendaItem(
            "risiko",
            f"Nye og økte høye risikoer ({len(rows)})",
            refs=_refs(rows, "risiko_id"),
            note=note[0].upper() + note[1:] + ".",
        )
    ]


def _recommendation_items(path: Path | str | None, filters: Filters) -> list[AgendaItem]:
    rows = _awaiting_rows(path, filters)
    return [
        AgendaItem(
            "anbefaling",
            f"Anbefaling {rec_id} «{title}» – venter på vedtak",
            project=str(project),
            refs=((str(project), str(rec_id)),),
            note=f"{project} · Vedtak nå: {decision}",
        )
        for project, rec_id, title, decision in zip(
            rows["prosjekt_id"],
            rows["anbefaling_id"],
            rows["anbefaling"],
            rows["vedtak"],
            strict=True,
        )
    ]


def _evaluation_items(rows: pd.DataFrame, today: dt.date) -> list[AgendaItem]:
    if rows.empty:
        return []
    overdue = int((rows["status"] == EVALUATION_OVERDUE).sum())
    soon = len(rows) - overdue
    last_day = f"{today + dt.timedelta(days=EVALUATION_DAYS):%d.%m.%Y}"
    return [
        AgendaItem(
            "evaluering",
            f"Evalueringer som har forfalt eller forfaller innen {EVALUATION_DAYS} dager "
            f"({len(rows)})",
            refs=_refs(rows, "anbefaling_id"),
            note=" og ".join(
                part
                for number, part in (
                    (overdue, f"{overdue} forfalt"),
                    (soon, f"{soon} med frist innen {EVALUATION_DAYS} dager (til {last_day})"),
                )
                if number
            )
            + ".",
        )
    ]


def _milestone_items(path: Path | str | None, rows: pd.DataFrame, base: int) -> list[AgendaItem]:
    if rows.empty:
        return []
    late = int((rows["status"] == MILESTONE_LATE).sum())
    return [
        AgendaItem(
            "milepael",
            f"Forsinkede og forskjøvne milepæler ({len(rows)})",
            refs=_refs(rows, "milepael_id"),
            note=f"{late} forsinket."
            + (
                f" {len(rows) - late} til er forskjøvet {_since_text(path, base)}."
                if len(rows) > late
                else ""
            ),
        )
    ]


def _benefit_items(rows: pd.DataFrame) -> list[AgendaItem]:
    if rows.empty:
        return []
    return [
        AgendaItem(
            "gevinst",
            f"Gevinster bak skjema ({len(rows)})",
            refs=_refs(rows, "gevinst_id"),
            note="Siste måling ligger under den planlagte veien fra nullpunkt til målverdi.",
        )
    ]


def _quality_items(path: Path | str | None, filters: Filters, today: dt.date) -> list[AgendaItem]:
    found = finding_refs(path, filters, today=today)
    if not found:
        return []
    projects = len({project for project, _row in found})
    return [
        AgendaItem(
            "kvalitet",
            f"Datakvalitet ({len(found)} funn)",
            refs=tuple(dict.fromkeys(found)),
            note=f"I {wording.count(projects, 'prosjekt', 'prosjekter')}: data som må rettes "
            "eller oppdateres.",
        )
    ]


# --- The rows of one item ----------------------------------------------------------------------


def _headings(sheet_columns: Mapping[str, str], frame: pd.DataFrame) -> pd.DataFrame:
    return frame[list(sheet_columns)].rename(columns=dict(sheet_columns)).reset_index(drop=True)


def _named(sheet, *columns: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """db column -> the contract's heading, for these columns of `sheet`."""
    return {column: sheet.column(column).name for column in columns}


def item_rows(
    path: Path | str | None,
    item: AgendaItem,
    *,
    today: dt.date,
    version: int | None = None,
    filters: Filters = EVERY_PROJECT,
    since: int | None = None,
) -> pd.DataFrame:
    """Exactly the rows `item` concerns, with Norwegian headings, for the presenter's screen
    (empty for «Eventuelt» and an item the chair added). `since` as in `propose`."""
    with shared_reads(path):
        return _item_rows(path, item, today=today, version=version, filters=filters, since=since)


def _item_rows(
    path: Path | str | None,
    item: AgendaItem,
    *,
    today: dt.date,
    version: int | None,
    filters: Filters,
    since: int | None,
) -> pd.DataFrame:
    chosen = scoped(filters, version)
    if item.kind in ("eventuelt", "egen") or chosen.reads_nothing:
        return pd.DataFrame()
    with reading(path) as connection:
        chosen = replace(chosen, version=version_or_latest(connection, chosen.version))
    if item.kind == "status":
        rows = _status_rows(path, replace(chosen, projects=(item.project or "",)), today)
        return _headings(
            {
                "prosjekt_id": "Prosjekt-ID",
                "prosjektnavn": "Prosjektnavn",
                "hoye_risikoer": "Høye risikoer",
                "aktive_risikoer": "Aktive risikoer",
                "gevinster_bak_skjema": "Gevinster bak skjema",
                "gevinster_pa_sporet": "Gevinster på sporet",
                "milepaeler_forsinket": "Forsinkede milepæler",
                "evalueringer_forfalt": "Forfalte evalueringer",
                "evalueringer_snart": "Evalueringer innen 30 dager",
                **_named(STATUS, *_LIGHT_COLUMNS),
            },
            rows,
        )
    if item.kind == "risiko":
        base = base_version(path, chosen.version, since)
        rows = queries.risk_view(path, chosen, compare_with=base).rows
        rows = rows[_among(rows, "risiko_id", item.refs)]
        return _headings(
            {
                "prosjekt_id": "Prosjekt-ID",
                "risiko_id": "Risiko-ID",
                "risiko": "Risiko",
                "score": "Score",
                "forrige_score": "Forrige score",
                "endring": "Endring",
                **_named(RISIKO, "sannsynlighet", "konsekvens", "tiltak", "ansvarlig", "frist"),
                "status": "Status",
            },
            rows,
        )
    if item.kind == "anbefaling":
        rows = queries.recommendations(path, chosen, with_counts=False).rows
        rows = rows[_among(rows, "anbefaling_id", item.refs)].copy()
        rows["tidligere"] = [
            _earlier_decisions(path, chosen, project, row)
            for project, row in zip(rows["prosjekt_id"], rows["anbefaling_id"], strict=True)
        ]
        return _headings(
            {
                "prosjekt_id": "Prosjekt-ID",
                **_named(
                    ANBEFALINGER,
                    "anbefaling_id",
                    "anbefaling",
                    "beskrivelse",
                    "vedtak",
                    "vedtakstekst",
                    "ansvarlig",
                ),
                "tidligere": "Tidligere vedtak",
            },
            rows,
        )
    if item.kind == "evaluering":
        rows = _evaluation_rows(path, chosen, today)
        rows = rows[_among(rows, "anbefaling_id", item.refs)]
        return _headings(
            {
                "prosjekt_id": "Prosjekt-ID",
                "anbefaling_id": "Anbefaling-ID",
                "anbefaling": "Anbefaling",
                "evaluering": "Evaluering (mnd)",
                "frist": "Frist",
                "status": "Status",
                "ansvarlig": "Ansvarlig",
            },
            rows,
        )
    if item.kind == "milepael":
        base = base_version(path, chosen.version, since)
        rows = _milestone_rows(path, chosen, today, base)
        rows = rows[_among(rows, "milepael_id", item.refs)]
        return _headings(
            {
                "prosjekt_id": "Prosjekt-ID",
                **_named(MILEPAELER, "milepael_id", "milepael", "planlagt", "prognose"),
                "forrige_dato": "Forventet ved forrige møte",
                "forventet": "Forventet",
                "avvik_dager": "Avvik (dager)",
                "status": "Status",
                "ansvarlig": "Ansvarlig",
            },
            rows,
        )
    if item.kind == "gevinst":
        rows = _benefit_rows(path, chosen, today)
        rows = rows[_among(rows, "gevinst_id", item.refs)]
        return _headings(
            {
                "prosjekt_id": "Prosjekt-ID",
                **_named(GEVINSTER, "gevinst_id", "gevinst", "nullpunkt", "malverdi", "maldato"),
                "siste_verdi": "Siste måling",
                "siste_dato": "Målt",
                "fremdrift_prosent": "Fremdrift %",
                "planlagt_prosent": "Planlagt %",
                "status": "Status",
                "gevinsteier": "Gevinsteier",
            },
            rows,
        )
    if item.kind == "kvalitet":
        frame = findings_frame(findings_in(path, chosen, today=today))
        frame = frame[_among(frame.rename(columns={"Prosjekt-ID": "prosjekt_id"}), "ID", item.refs)]
        return frame.drop(columns="Regel").reset_index(drop=True)
    raise ValueError(f"Ukjent sakstype: {item.kind}")


def _earlier_decisions(path: Path | str | None, filters: Filters, project: str, row: str) -> str:
    """The recommendation's earlier decisions, oldest first: «Utredes videre (12.03.2025)»,
    from the versions before `filters.version` (the current decision is not repeated)."""
    with reading(path) as connection:
        found = connection.execute(
            decision_history_sql(),
            {
                "project": project,
                "row": row,
                "version": filters.version,
                "readable": readable_list(filters.readable),
            },
        ).fetchall()
    texts = [
        decision + (f" ({day:%d.%m.%Y})" if day is not None else "")
        for decision, day in found
        if decision != DECISION_EMPTY
    ]
    current = texts[-1] if found and found[-1][0] != DECISION_EMPTY else None
    shown = [text for index, text in enumerate(texts) if index == 0 or texts[index - 1] != text]
    return "; ".join(text for text in shown if text != current)


def agenda_text(items: Sequence[AgendaItem]) -> str:
    """The agenda as numbered Norwegian text: «1. …», each note indented below its title."""
    lines = []
    for number, item in enumerate(items, start=1):
        lines.append(f"{number}. {item.title}")
        if item.note:
            lines.append(f"   {item.note}")
    return "\n".join(lines)


def arranged(
    items: Sequence[AgendaItem],
    rows: Sequence[tuple[object, object, object]],
    extra: str = "",
) -> list[AgendaItem]:
    """The agenda as the chair left it in the editor: `rows` holds, per item in `items`, its
    number (the new place; empty: where it was), its note and whether to keep it.

    Kept items in the order of their numbers (a tie keeps the earlier order), with the notes
    as edited, and `extra` (a title) as an item of the chair's own before «Eventuelt», which
    stays last when it is kept.
    """
    kept: list[tuple[float, int, AgendaItem]] = []
    for position, (item, (number, note, keep)) in enumerate(zip(items, rows, strict=True)):
        if not keep or pd.isna(keep):
            continue
        place = float(number) if number is not None and not pd.isna(number) else position + 1
        text = "" if note is None or pd.isna(note) else " ".join(str(note).split())
        kept.append((place, position, replace(item, note=text)))
    result = [item for _place, _position, item in sorted(kept, key=lambda entry: entry[:2])]
    title = " ".join(extra.split())
    if title:
        own = AgendaItem(kind="egen", title=title)
        if result and result[-1].kind == "eventuelt":
            return [*result[:-1], own, result[-1]]
        return [*result, own]
    return result


def readable_items(
    items: Sequence[AgendaItem], readable: Collection[str] | None
) -> list[AgendaItem]:
    """The items a reader may see (`readable`: Filters.readable; None: every project).

    A stored agenda was drawn for whoever prepared it; a reader of some projects sees only the
    items about them: an item about one project they may not read goes, an item over several
    keeps the rows of the projects they may read (and goes when none is left). Items about no
    project (Eventuelt, the chair's own) stay.
    """
    if readable is None:
        return list(items)
    shown = []
    for item in items:
        if item.project is not None and item.project not in readable:
            continue
        refs = tuple(ref for ref in item.refs if ref[0] in readable)
        if item.refs and not refs:
            continue
        shown.append(replace(item, refs=refs))
    return shown

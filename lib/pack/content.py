"""What the meeting pack says, once: both renderers (lib.pack.pdf, lib.pack.pptx) draw this,
so the PDF and the slides say the same.

Everything is read as of one version (a meeting's locked basis, else the latest; or any
version asked for) through the views the pages use (lib.queries, lib.status, lib.agenda,
lib.quality, lib.meetings), with the statuses judged on that version's day
(`queries.status_day`). Values are written here as the reader sees them: dates `18.09.2026`,
numbers `1 800 000` (lib.numbers), lights as their words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lib import agenda, clock, meetings, queries, status
from lib.contract import (
    BENEFIT_BEHIND,
    EVALUATION_OVERDUE,
    EVALUATION_SOON,
    MILESTONE_LATE,
    RISK_DOWN,
    RISK_NEW,
    RISK_UP,
    STATUS_DIMENSIONS,
)
from lib.db import StoreError, latest_version, shared_reads
from lib.meetings import Meeting
from lib.numbers import number
from lib.quality import HIGH_RISK, findings, findings_frame
from lib.queries import Filters
from lib.snapshots import snapshot_of
from lib.wording import count

#: An empty value in a table.
EMPTY = "–"
#: A project without a status report.
NO_REPORT = "Ingen rapport"
#: A section lists at most this many rows, the most pressing first: a pack is read in a
#: meeting, and the pages of the app (and their Excel downloads) hold the whole list.
MOST_ROWS = 30
#: A run of agenda items of one kind (one per recommendation awaiting a decision) shows at
#: most this many, then one line saying how many more.
MOST_ITEMS_OF_A_KIND = 10


class PackError(StoreError):
    """No such meeting or version: the message, in Norwegian, says which."""


@dataclass(frozen=True)
class Light:
    """One traffic light of a status report: the reported word (None: not assessed), what the
    data says, and whether the report is greener than its data."""

    reported: str | None
    measured: str | None = None
    greener: bool = False

    @property
    def word(self) -> str:
        return self.reported or "Ikke vurdert"

    @property
    def mark(self) -> str:
        """The short line under the word when the report is greener than its data."""
        return f"Data: {self.measured}" if self.greener and self.measured else ""


Cell = str | Light


@dataclass(frozen=True)
class Table:
    """One section of the pack as a table: headings, rows of text (or lights), the sentence
    shown when it has no rows, and each column's relative width."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    empty: str
    widths: tuple[float, ...]
    note: str = ""


@dataclass(frozen=True)
class ProjectPage:
    """One project's page: its report's lights, comments and economy, and its risk matrix."""

    id: str
    name: str
    reported: str  # «16.11.2026» or «Ingen rapport»
    stale: bool
    reporter: str
    overall: str
    lights: tuple[tuple[str, Light, str], ...]  # (heading, light, the report's comment)
    economy: tuple[tuple[str, str], ...]  # (Budsjett | Påløpt | Prognose, amount)
    matrix: tuple[tuple[int, ...], ...]  # counts, rows sannsynlighet 5..1, columns konsekvens 1..5
    bands: tuple[tuple[str, ...], ...]  # the band name of each cell, same shape
    high_risks: int

    @property
    def about(self) -> str:
        """«Rapport 16.11.2026 av Gudrun Fodstad», with «utdatert» when older than the last
        meeting; «Ingen statusrapport» when there is none."""
        if self.reported == NO_REPORT:
            return "Ingen statusrapport"
        about = f"Rapport {self.reported}" + (
            f" av {self.reporter}" if self.reporter != EMPTY else ""
        )
        return about + (" · utdatert: eldre enn forrige møte" if self.stale else "")


@dataclass(frozen=True)
class PackContent:
    meeting: Meeting | None
    version: int
    latest: int
    locked: bool
    made_on: dt.date
    as_of: dt.date
    compared_with: int
    since: str  # «siden møtet «…» (18.09.2026, versjon 6)» | «siden starten»
    cover: tuple[tuple[str, str], ...]
    agenda: tuple[tuple[str, str, str], ...]  # (number, title, note)
    status: Table
    matrix: pd.DataFrame  # the portfolio's 5×5 (lib.queries.RiskView.matrix)
    matrix_text: str
    movement: str
    projects: tuple[ProjectPage, ...]
    sections: tuple[Table, ...]  # high risks, awaiting, evaluations, milestones, benefits, quality
    minutes: Table | None
    project_ids: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        return f"Møtepakke – {self.meeting.label()}" if self.meeting else "Møtepakke"

    @property
    def subtitle(self) -> str:
        state = "låst" if self.locked else "ikke låst"
        return f"Versjon {self.version} ({state}) · data per {day(self.as_of)}"


def day(value: object) -> str:
    """`18.09.2026`; empty: «–»."""
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return EMPTY
    return f"{pd.Timestamp(value):%d.%m.%Y}"


def text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return EMPTY
    shown = " ".join(str(value).split())
    return shown or EMPTY


def amount(value: object) -> str:
    if value is None or pd.isna(value):
        return EMPTY
    return number(float(value))


def _chosen(
    path: Path | str | None, meeting: str | None, version: int | None
) -> tuple[Meeting | None, int, int]:
    latest = latest_version(path)
    found = None
    if meeting is not None:
        found = meetings.meeting_named(path, meeting)
        if found is None:
            known = ", ".join(f"«{m.name}»" for m in meetings.meetings(path)) or "ingen ennå"
            raise PackError(f"Fant ikke møtet «{meeting}». Møter: {known}.")
    if version is not None:
        if not 1 <= version <= latest:
            raise PackError(f"Versjon {version} finnes ikke (siste er versjon {latest}).")
        return found, version, latest
    if latest == 0:
        raise PackError("Databasen har ingen versjoner ennå: last opp en arbeidsbok først.")
    chosen = found.basis_version if found is not None and found.basis_version else latest
    return found, chosen, latest


def pack_content(
    path: Path | str | None,
    *,
    meeting: str | None = None,
    version: int | None = None,
    projects: tuple[str, ...] = (),
    readable: Collection[str] | None = None,
    today: dt.date | None = None,
) -> PackContent:
    """The pack of `meeting` (by name; None: no meeting) as of `version` (None: the meeting's
    locked basis, else the latest), for the projects in `projects` (empty: all) that a reader
    of `readable` may read (None: every project). Raises PackError for an unknown meeting or
    version."""
    with shared_reads(path):  # one connection for the two dozen reads
        return _pack_content(path, meeting, version, tuple(projects), readable, today)


def _pack_content(
    path: Path | str | None,
    meeting: str | None,
    version: int | None,
    projects: tuple[str, ...],
    readable: Collection[str] | None,
    today: dt.date | None,
) -> PackContent:
    found, chosen, latest = _chosen(path, meeting, version)
    made_on = today or clock.today()
    as_of = queries.status_day(path, chosen, made_on)
    filters = Filters(
        projects=tuple(projects),
        version=chosen,
        readable=None if readable is None else frozenset(readable),
    )
    base = agenda.base_version(path, chosen, None)
    since = _since(path, base)
    board = _worst_first(status.status_board(path, filters, made_on))
    risks = queries.risk_view(path, filters, compare_with=base)
    project_ids = tuple(board["prosjekt_id"])
    locked = snapshot_of(path, chosen) is not None
    return PackContent(
        meeting=found,
        version=chosen,
        latest=latest,
        locked=locked,
        made_on=made_on,
        as_of=as_of,
        compared_with=base,
        since=since,
        cover=_cover(found, chosen, latest, locked, made_on, as_of, since, board),
        agenda=_agenda(path, found, filters, as_of, base),
        status=_status_table(board),
        matrix=risks.matrix,
        matrix_text=_matrix_text(risks.matrix),
        movement=_movement(risks.rows, since),
        projects=_project_pages(board, risks),
        sections=(
            _high_risks(risks.rows, since),
            _awaiting(path, filters),
            _evaluations(path, filters, as_of),
            _milestones(path, filters, as_of),
            _benefits(path, filters, as_of),
            _findings(path, filters, as_of),
        ),
        minutes=_minutes(path, found, filters),
        project_ids=project_ids,
    )


def _worst_first(board: pd.DataFrame) -> pd.DataFrame:
    """The message first: the worst reported light, then the most lights greener than their
    data, then unreported, then Norwegian order of the ID."""
    keys = board.assign(
        _worst=[-(status.severity(light) if light else -1) for light in board["verste"]],
        _avvik=-board["avvik"].astype(int),
        _id=board["prosjekt_id"].map(queries.norwegian_key),
    )
    return board.loc[keys.sort_values(["_worst", "_avvik", "_id"]).index].reset_index(drop=True)


def _since(path: Path | str | None, base: int) -> str:
    if base == 0:
        return "siden starten"
    before = snapshot_of(path, base)
    return f"siden møtet {before.label()}" if before else f"siden versjon {base}"


def _cover(
    found: Meeting | None,
    chosen: int,
    latest: int,
    locked: bool,
    made_on: dt.date,
    as_of: dt.date,
    since: str,
    board: pd.DataFrame,
) -> tuple[tuple[str, str], ...]:
    state = "låst som møtegrunnlag" if locked else "ikke låst"
    shown = f"{chosen} av {latest}, {state}" if chosen < latest else f"{chosen} (siste), {state}"
    facts = []
    if found is not None:
        facts += [("Møte", found.name), ("Møtedato", day(found.meeting_date))]
    facts += [
        ("Versjon", shown),
        ("Data per", day(as_of)),
        ("Endringer", since[0].upper() + since[1:]),
        ("Prosjekter", count(len(board), "prosjekt", "prosjekter")),
        ("Laget", day(made_on)),
    ]
    return tuple(facts)


def _agenda(
    path: Path | str | None,
    found: Meeting | None,
    filters: Filters,
    as_of: dt.date,
    base: int,
) -> tuple[tuple[str, str, str], ...]:
    if found is not None and found.agenda is not None:
        items = [agenda.AgendaItem.from_dict(item) for item in found.agenda]
        items = agenda.readable_items(items, filters.readable)
        if filters.projects:
            items = agenda.readable_items(items, frozenset(filters.projects))
    else:
        items = agenda.propose(path, filters, today=as_of, version=filters.version, since=base)
    shown: list[tuple[str, str, str]] = []
    run_kind, run_length, left_out = None, 0, 0
    for place, item in enumerate(items, start=1):
        run_length = run_length + 1 if item.kind == run_kind else 1
        run_kind = item.kind
        if run_length > MOST_ITEMS_OF_A_KIND:
            left_out += 1
            continue
        if left_out:
            shown.append(("…", f"og {number(left_out)} saker til av samme slag", ""))
            left_out = 0
        shown.append((str(place), text(item.title), " ".join(item.note.split())))
    if left_out:
        shown.append(("…", f"og {number(left_out)} saker til av samme slag", ""))
    return tuple(shown)


def _status_table(board: pd.DataFrame) -> Table:
    rows = []
    for row in board.to_dict("records"):
        reported = day(row["rapportdato"]) if row["rapportdato"] is not None else NO_REPORT
        if row["utdatert"] and row["rapportdato"] is not None:
            reported += " (utdatert)"
        lights = [
            Light(row[key], row[f"{key}_malt"], bool(row[f"{key}_gronnere"]))
            for key, _heading in STATUS_DIMENSIONS
        ]
        rows.append((f"{row['prosjekt_id']}\n{text(row['prosjektnavn'])}", reported, *lights))
    return Table(
        key="status",
        title="Status per prosjekt",
        columns=("Prosjekt", "Rapport", *(heading for _key, heading in STATUS_DIMENSIONS)),
        rows=tuple(rows),
        empty="Ingen prosjekter.",
        widths=(3.2, 1.6, *([1.25] * len(STATUS_DIMENSIONS))),
        note=(
            "Lysene er prosjektenes egen rapport. «Data: …» under et lys: rapporten er grønnere "
            "enn det prosjektets egne data sier. «Utdatert»: rapporten er eldre enn forrige møte."
        ),
    )


def _capped(frame: pd.DataFrame, order: str, page: str) -> tuple[pd.DataFrame, str]:
    """The first MOST_ROWS rows, and a sentence saying so when there are more."""
    if len(frame) <= MOST_ROWS:
        return frame, ""
    return frame.head(MOST_ROWS), (
        f"Viser de {MOST_ROWS} første av {number(len(frame))} ({order}); hele listen står på "
        f"siden {page} i appen{' (under «Datakvalitet»)' if page == 'Oversikt' else ''}."
    )


def _joined(*notes: str) -> str:
    return " ".join(note for note in notes if note)


def _matrix_text(matrix: pd.DataFrame) -> str:
    from lib.charts import describe_matrix

    return describe_matrix(matrix, name="Risikomatrisen for porteføljen")


def _movement(rows: pd.DataFrame, since: str) -> str:
    high = rows[rows["score"] >= HIGH_RISK]
    parts = [
        f"{int((high['endring'] == word).sum())} {label}"
        for word, label in ((RISK_NEW, "nye"), (RISK_UP, "økt"), (RISK_DOWN, "redusert"))
    ]
    return f"Høye risikoer {since}: {', '.join(parts)}."


def _project_pages(board: pd.DataFrame, risks: queries.RiskView) -> tuple[ProjectPage, ...]:
    grid = risks.matrix.set_index(["sannsynlighet", "konsekvens"])
    counted = (
        risks.rows.groupby(["prosjekt_id", "sannsynlighet", "konsekvens"]).size().to_dict()
        if not risks.rows.empty
        else {}
    )
    bands = tuple(
        tuple(str(grid.loc[(s, k), "band"]) for k in range(1, 6)) for s in range(5, 0, -1)
    )
    high = risks.rows[risks.rows["score"] >= HIGH_RISK]["prosjekt_id"].value_counts().to_dict()
    pages = []
    for row in board.to_dict("records"):
        project = row["prosjekt_id"]
        pages.append(
            ProjectPage(
                id=str(project),
                name=text(row["prosjektnavn"]),
                reported=day(row["rapportdato"]) if row["rapportdato"] is not None else NO_REPORT,
                stale=bool(row["utdatert"]),
                reporter=text(row["rapportert_av"]),
                overall=text(row["overordnet_status"]),
                lights=tuple(
                    (
                        heading,
                        Light(row[key], row[f"{key}_malt"], bool(row[f"{key}_gronnere"])),
                        text(row[f"{key}_kommentar"]) if row[f"{key}_kommentar"] else "",
                    )
                    for key, heading in STATUS_DIMENSIONS
                ),
                economy=(
                    ("Budsjett", amount(row["budsjett"])),
                    ("Påløpt", amount(row["palopt"])),
                    ("Prognose", amount(row["prognose"])),
                ),
                matrix=tuple(
                    tuple(int(counted.get((project, s, k), 0)) for k in range(1, 6))
                    for s in range(5, 0, -1)
                ),
                bands=bands,
                high_risks=int(high.get(project, 0)),
            )
        )
    return tuple(pages)


def _high_risks(rows: pd.DataFrame, since: str) -> Table:
    high, more = _capped(rows[rows["score"] >= HIGH_RISK], "høyest score først", "Risiko")
    return Table(
        key="risiko",
        title="Høye risikoer",
        columns=("Prosjekt", "ID", "Risiko", "Score", "Endring", "Ansvarlig"),
        rows=tuple(
            (
                text(r["prosjekt_id"]),
                text(r["risiko_id"]),
                text(r["risiko"]),
                f"{int(r['score'])} ({int(r['sannsynlighet'])}×{int(r['konsekvens'])})",
                _moved(r["endring"], r["forrige_score"]),
                text(r["ansvarlig"]),
            )
            for r in high.to_dict("records")
        ),
        empty="Ingen aktive høye risikoer.",
        widths=(1.4, 0.8, 4.2, 1.1, 1.4, 1.6),
        note=_joined(f"Aktive risikoer med score {HIGH_RISK} eller mer. Endring {since}.", more),
    )


def _moved(movement: object, before: object) -> str:
    if movement in (RISK_UP, RISK_DOWN) and before is not None and not pd.isna(before):
        return f"{movement} (fra {int(before)})"
    return text(movement)


def _awaiting(path: Path | str | None, filters: Filters) -> Table:
    rows = queries.recommendations(path, filters, with_counts=False).rows
    rows, more = _capped(
        rows[rows["vedtak"].isin(agenda.AWAITING_DECISIONS)], "etter prosjekt", "Anbefalinger"
    )
    return Table(
        key="anbefaling",
        title="Anbefalinger til vedtak",
        columns=("Prosjekt", "ID", "Anbefaling", "Vedtak nå", "Ansvarlig"),
        rows=tuple(
            (
                text(r["prosjekt_id"]),
                text(r["anbefaling_id"]),
                text(r["anbefaling"]),
                text(r["vedtak"]),
                text(r["ansvarlig"]),
            )
            for r in rows.to_dict("records")
        ),
        empty="Ingen anbefalinger venter på vedtak.",
        widths=(1.4, 0.8, 4.6, 1.5, 1.6),
        note=more,
    )


def _evaluations(path: Path | str | None, filters: Filters, as_of: dt.date) -> Table:
    plan = queries.evaluations(path, filters, as_of)
    plan = plan[plan["status"].isin((EVALUATION_OVERDUE, EVALUATION_SOON))]
    plan = plan.assign(_first=plan["status"] != EVALUATION_OVERDUE).sort_values(
        ["_first", "frist"], kind="stable"
    )
    plan, more = _capped(plan, "forfalte først, eldste frist først", "Evaluering")
    return Table(
        key="evaluering",
        title="Evalueringer som har forfalt eller forfaller snart",
        columns=("Prosjekt", "ID", "Anbefaling", "Evaluering", "Frist", "Status"),
        rows=tuple(
            (
                text(r["prosjekt_id"]),
                text(r["anbefaling_id"]),
                text(r["anbefaling"]),
                f"{int(r['evaluering'])} mnd",
                day(r["frist"]),
                text(r["status"]),
            )
            for r in plan.to_dict("records")
        ),
        empty="Ingen evalueringer har forfalt eller forfaller snart.",
        widths=(1.4, 0.8, 3.6, 1.3, 1.3, 1.1),
        note=_joined(
            f"Forfalt: fristen er passert. Snart: frist innen {agenda.EVALUATION_DAYS} dager.",
            more,
        ),
    )


def _milestones(path: Path | str | None, filters: Filters, as_of: dt.date) -> Table:
    rows = queries.milestones(path, filters, as_of)
    rows = rows[rows["status"] == MILESTONE_LATE].sort_values(
        "avvik_dager", ascending=False, kind="stable"
    )
    rows, more = _capped(rows, "mest forsinket først", "Milepæler")
    return Table(
        key="milepael",
        title="Forsinkede milepæler",
        columns=("Prosjekt", "ID", "Milepæl", "Planlagt", "Forventet", "Avvik (dager)"),
        rows=tuple(
            (
                text(r["prosjekt_id"]),
                text(r["milepael_id"]),
                text(r["milepael"]),
                day(r["planlagt"]),
                day(r["forventet"]),
                EMPTY if pd.isna(r["avvik_dager"]) else number(float(r["avvik_dager"])),
            )
            for r in rows.to_dict("records")
        ),
        empty="Ingen forsinkede milepæler.",
        widths=(1.4, 0.8, 4.0, 1.3, 1.3, 1.2),
        note=more,
    )


def _benefits(path: Path | str | None, filters: Filters, as_of: dt.date) -> Table:
    rows = queries.benefits(path, filters, as_of)
    rows = rows[rows["status"] == BENEFIT_BEHIND]
    rows = rows.assign(_gap=rows["planlagt_prosent"] - rows["fremdrift_prosent"]).sort_values(
        "_gap", ascending=False, kind="stable"
    )
    rows, more = _capped(rows, "lengst bak planen først", "Gevinster")
    return Table(
        key="gevinst",
        title="Gevinster bak skjema",
        columns=("Prosjekt", "ID", "Gevinst", "Fremdrift", "Planlagt", "Siste måling"),
        rows=tuple(
            (
                text(r["prosjekt_id"]),
                text(r["gevinst_id"]),
                text(r["gevinst"]),
                _percent(r["fremdrift_prosent"]),
                _percent(r["planlagt_prosent"]),
                day(r["siste_dato"]),
            )
            for r in rows.to_dict("records")
        ),
        empty="Ingen gevinster ligger bak skjema.",
        widths=(1.4, 0.8, 4.2, 1.2, 1.2, 1.4),
        note=_joined(
            "Siste måling ligger under den planlagte veien fra nullpunkt til målverdi.", more
        ),
    )


def _percent(value: object) -> str:
    if value is None or pd.isna(value):
        return EMPTY
    return f"{number(float(value), 1 if float(value) % 1 else 0)} %"


def _findings(path: Path | str | None, filters: Filters, as_of: dt.date) -> Table:
    frame, more = _capped(
        findings_frame(findings(path, filters, today=as_of)), "etter prosjekt", "Oversikt"
    )
    return Table(
        key="kvalitet",
        title="Datakvalitet",
        columns=("Prosjekt", "Ark", "ID", "Hva må rettes"),
        rows=tuple(
            (text(r["Prosjekt-ID"]), text(r["Ark"]), text(r["ID"]), text(r["Melding"]))
            for r in frame.to_dict("records")
        ),
        empty="Ingen funn.",
        widths=(1.4, 1.2, 0.9, 6.0),
        note=more,
    )


def _minutes(path: Path | str | None, found: Meeting | None, filters: Filters) -> Table | None:
    if found is None:
        return None
    frame = meetings.minutes(path, found.id, filters.readable)
    if filters.projects:
        frame = frame[frame["Prosjekt-ID"].isin(filters.projects)]
    if frame.empty and not found.is_closed:
        return None  # before the meeting: no minutes yet
    return Table(
        key="referat",
        title="Referat" if found.is_closed else "Vedtak i møtet så langt",
        columns=("Sak", "Prosjekt", "ID", "Anbefaling", "Vedtak", "Vedtakstekst", "Ansvarlig"),
        rows=tuple(
            (
                EMPTY if pd.isna(r["Sak"]) else str(int(r["Sak"])),
                text(r["Prosjekt-ID"]),
                text(r["Anbefaling-ID"]),
                text(r["Anbefaling"]),
                text(r["Vedtak"]),
                text(r["Vedtakstekst"]),
                text(r["Ansvarlig"]),
            )
            for r in frame.to_dict("records")
        ),
        empty="Ingen vedtak er registrert i møtet.",
        widths=(0.6, 1.3, 0.8, 3.0, 1.4, 3.0, 1.4),
        note=f"Vedtakene registrert i møtet {found.label()}, i sakslistens rekkefølge.",
    )

"""Decisions recorded in a meeting: each one a new version, like an upload.

A decision names one recommendation and sets its Vedtak, Vedtakstekst, Ansvarlig and
Vedtaksdato (the meeting's date, else today); nothing else changes. It is stored through
lib.store's upload path (one row of Anbefalinger, keyed, the other columns absent), so the
history, restore, `changes` and `export` treat it as any upload; the version's kind is
`vedtak`, and a `decisions` row says who recorded what in which meeting. Undo is a restore
(lib.store.rollback) of the version before.

Two people recording at once: decisions on different recommendations both stand (each
version replaces only its own row). For the same recommendation, the version the person was
looking at (`seen_version`) makes the store refuse, with the decision the other person stored,
when the recommendation's decision changed since; the person then sees it and may record
again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from lib import access, clock
from lib.access import Actor
from lib.contract import ANBEFALINGER, DECISIONS, EXCEL_TEXT_LIMIT, PROJECT_COLUMN
from lib.db import StoreError, as_of, connect, reading, write_lock
from lib.meetings import meeting_in
from lib.parse import ParseError, parse_decision
from lib.store import StoredVersion, store_upload_in

if TYPE_CHECKING:
    import pandas as pd

#: The version kind of a recorded decision (versions.kind).
DECISION_KIND = "vedtak"
#: The Anbefalinger columns a decision writes; every other column keeps its stored value.
DECISION_FIELDS: tuple[str, ...] = ("vedtak", "vedtakstekst", "ansvarlig", "vedtaksdato")


class DecisionConflict(StoreError):
    """Someone changed the recommendation's decision after the version the person saw.
    Nothing was stored. The message (Norwegian) shows the decision stored since; the
    attributes hold it for a page to show."""

    def __init__(
        self,
        message: str,
        *,
        version: int,
        by: str | None,
        vedtak: str | None,
        vedtakstekst: str | None,
        ansvarlig: str | None,
    ) -> None:
        super().__init__(message)
        self.version = version
        self.by = by
        self.vedtak = vedtak
        self.vedtakstekst = vedtakstekst
        self.ansvarlig = ansvarlig


def decision_named(text: object) -> str:
    """The canonical decision a phrase means (the contract's vocabulary: «Vedtatt» is
    «Støttes»); StoreError in Norwegian listing the six for an unknown or empty one."""
    listed = ", ".join(f"«{decision}»" for decision in DECISIONS)
    if not str(text or "").strip():
        raise StoreError(f"Velg et vedtak: {listed}.")
    try:
        return parse_decision(text)
    except ParseError:
        raise StoreError(
            f"«{str(text).strip()}» er ikke et vedtak; forventet et av: {listed}."
        ) from None


def _text(value: str | None, column: str) -> str | None:
    """None stays None (keep the stored value); text is trimmed, and "" clears the value."""
    if value is None:
        return None
    cleaned = str(value).strip()
    if len(cleaned) > EXCEL_TEXT_LIMIT:
        raise StoreError(
            f"{column} er for lang ({len(cleaned)} tegn); en Excel-celle rommer høyst "
            f"{EXCEL_TEXT_LIMIT} tegn."
        )
    return cleaned


def _find_project(
    connection: duckdb.DuckDBPyConnection, recommendation: str, project: str | None
) -> str:
    rows = connection.execute(
        f"""SELECT DISTINCT {PROJECT_COLUMN} FROM {ANBEFALINGER.table}
        WHERE valid_to IS NULL AND anbefaling_id = $id
          AND ($project IS NULL OR {PROJECT_COLUMN} = $project)
        ORDER BY 1""",
        {"id": recommendation, "project": project},
    ).fetchall()
    found = [row[0] for row in rows]
    if not found:
        where = f" i prosjekt «{project}»" if project else ""
        raise StoreError(f"Anbefaling «{recommendation}»{where} {access.NO_ACCESS}.")
    if len(found) > 1:
        raise StoreError(
            f"Anbefaling-ID «{recommendation}» finnes i flere prosjekter ({', '.join(found)}); "
            "oppgi prosjektet (--project ID på kommandolinjen)."
        )
    return found[0]


def _refuse_if_changed_since(
    connection: duckdb.DuckDBPyConnection, project: str, recommendation: str, seen: int
) -> None:
    """DecisionConflict when the recommendation's decision fields differ between version
    `seen` and now."""
    params = {"project": project, "id": recommendation}
    then = connection.execute(
        f"""SELECT {", ".join(DECISION_FIELDS)} FROM {ANBEFALINGER.table}
        WHERE {as_of()} AND {PROJECT_COLUMN} = $project AND anbefaling_id = $id""",
        {**params, "version": int(seen)},
    ).fetchall()
    now = connection.execute(
        f"""SELECT {", ".join(DECISION_FIELDS)}, valid_from FROM {ANBEFALINGER.table}
        WHERE valid_to IS NULL AND {PROJECT_COLUMN} = $project AND anbefaling_id = $id""",
        params,
    ).fetchall()
    if not then or not now or tuple(then[0]) == tuple(now[0][:4]):
        return
    vedtak, text, responsible, _date, version = now[0]
    # The version that last changed the decision: the latest decision row, else the row's.
    recorded = connection.execute(
        """SELECT d.version, d.recorded_by, d.recorded_at FROM decisions AS d
        WHERE d.prosjekt_id = $project AND d.anbefaling_id = $id AND d.version > $seen
        ORDER BY d.version DESC LIMIT 1""",
        {**params, "seen": int(seen)},
    ).fetchall()
    if recorded:
        version, by, at = recorded[0]
        verb = "registrerte vedtaket"
    else:
        by, at = connection.execute(
            "SELECT created_by, created_at FROM versions WHERE version = ?", [version]
        ).fetchall()[0]
        verb = "endret vedtaket til"
    said = f": «{text}»" if text else ""
    who_does = f"; ansvarlig: {responsible}" if responsible else ""
    raise DecisionConflict(
        f"{by or 'Noen'} {verb} «{vedtak}» for anbefaling {recommendation} ({project}) "
        f"i versjon {version} kl. {at:%H:%M}, etter at du åpnet den{said}{who_does}. "
        "Ingenting er lagret: se vedtaket, og registrer på nytt om det skal endres.",
        version=int(version),
        by=by,
        vedtak=vedtak,
        vedtakstekst=text,
        ansvarlig=responsible,
    )


def record_decision(
    path: Path | str | None,
    anbefaling_id: str,
    vedtak: str,
    *,
    actor: Actor,
    project: str | None = None,
    vedtakstekst: str | None = None,
    ansvarlig: str | None = None,
    meeting_id: int | None = None,
    seen_version: int | None = None,
    configured_admins: Iterable[str] = (),
    created_at: dt.datetime | None = None,
) -> StoredVersion:
    """Record a decision on one recommendation as a new version, as `actor`.

    `vedtak` is any phrase of the contract's vocabulary («Vedtatt», «Avslått», …).
    `vedtakstekst`, `ansvarlig`: None keeps the stored value, "" clears it (as a column left
    out of an upload, or an empty cell). Vedtaksdato is the meeting's date, else today.
    `project` None: the recommendation is found by its ID (refused when two projects have
    it). `actor` needs `møteleder` for the recommendation's project, else access.Forbidden
    and nothing is stored. Refused for a closed meeting, and (DecisionConflict) when the
    recommendation's decision changed after `seen_version`. The version, its `decisions`
    row and an audit line (`vedtak`) are stored in one transaction. `created_at` (default:
    now) is for the demo, as in `lib.store.store_upload`.
    """
    decision = decision_named(vedtak)
    recommendation = " ".join(str(anbefaling_id or "").split())
    if not recommendation:
        raise StoreError("Oppgi Anbefaling-ID.")
    project = (project or "").strip() or None
    text = _text(vedtakstekst, "Vedtakstekst")
    responsible = _text(ansvarlig, "Ansvarlig")
    with write_lock, connect(path) as connection:
        connection.execute("BEGIN TRANSACTION")
        try:
            found = None
            if meeting_id is not None:
                found = meeting_in(connection, meeting_id)
                if found is None:
                    raise StoreError(f"Møte {meeting_id} finnes ikke.")
                if found.is_closed:
                    raise StoreError(
                        f"Møtet «{found.label()}» er avsluttet; vedtak kan ikke registreres "
                        "i det. Et vedtak som skal endres, registreres i et nytt møte."
                    )
            owner = _find_project(connection, recommendation, project)
            access.require(connection, actor, access.MOTELEDER, {owner}, configured_admins)
            if seen_version is not None:
                _refuse_if_changed_since(connection, owner, recommendation, seen_version)
            day = found.meeting_date if found is not None else clock.today()
            row: dict[str, object] = {
                "anbefaling_id": recommendation,
                PROJECT_COLUMN: owner,
                "vedtak": decision,
                "vedtaksdato": day,
            }
            if text is not None:
                row["vedtakstekst"] = text or None
            if responsible is not None:
                row["ansvarlig"] = responsible or None
            absent = [column.db for column in ANBEFALINGER.columns if column.db not in row]
            stored = store_upload_in(
                connection,
                {ANBEFALINGER.key: _one_row(row)},
                {ANBEFALINGER.key: {owner}},
                actor=actor,
                configured_admins=configured_admins,
                kind=DECISION_KIND,
                created_at=created_at,
                absent={ANBEFALINGER.key: absent},
                keyed=[ANBEFALINGER.key],
                keep_places=True,
                role=access.MOTELEDER,
                action="vedtak",
                detail={
                    **(
                        {"møte": found.name, "møtedato": found.meeting_date.isoformat()}
                        if found is not None
                        else {}
                    ),
                    "anbefaling": recommendation,
                    "vedtak": decision,
                },
            )
            _insert_decision(connection, stored.version, meeting_id, owner, recommendation)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return stored


def _one_row(row: dict[str, object]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame([row])


def _insert_decision(
    connection: duckdb.DuckDBPyConnection,
    version: int,
    meeting_id: int | None,
    project: str,
    recommendation: str,
) -> None:
    """The `decisions` row: the values as stored (kept ones included), who and when."""
    connection.execute(
        f"""INSERT INTO decisions (version, meeting_id, prosjekt_id, anbefaling_id, vedtak,
          vedtakstekst, ansvarlig, vedtaksdato, recorded_at, recorded_by)
        SELECT v.version, $meeting, a.{PROJECT_COLUMN}, a.anbefaling_id, a.vedtak,
          a.vedtakstekst, a.ansvarlig, a.vedtaksdato, v.created_at, v.created_by
        FROM versions AS v, {ANBEFALINGER.table} AS a
        WHERE v.version = $version AND a.valid_to IS NULL
          AND a.{PROJECT_COLUMN} = $project AND a.anbefaling_id = $id""",
        {"version": version, "meeting": meeting_id, "project": project, "id": recommendation},
    )


@dataclass(frozen=True)
class RecordedDecision:
    """A `decisions` row: what was decided, for which recommendation, by whom, where."""

    version: int
    meeting_id: int | None
    prosjekt_id: str
    anbefaling_id: str
    vedtak: str
    vedtakstekst: str | None
    ansvarlig: str | None
    vedtaksdato: dt.date | None
    recorded_at: dt.datetime
    recorded_by: str | None


_DECISION_COLUMNS = (
    "version, meeting_id, prosjekt_id, anbefaling_id, vedtak, vedtakstekst, ansvarlig, "
    "vedtaksdato, recorded_at, recorded_by"
)


def recorded_decisions(
    path: Path | str | None, *, meeting_id: int | None = None, version: int | None = None
) -> list[RecordedDecision]:
    """The decisions recorded (in a meeting, or stored as a version), in recorded order."""
    with reading(path) as connection:
        rows = connection.execute(
            f"""SELECT {_DECISION_COLUMNS} FROM decisions
            WHERE ($meeting IS NULL OR meeting_id = $meeting)
              AND ($version IS NULL OR version = $version)
            ORDER BY version""",
            {"meeting": meeting_id, "version": version},
        ).fetchall()
    return [RecordedDecision(*row) for row in rows]

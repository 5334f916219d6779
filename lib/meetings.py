"""Steering-group meetings: make one, lock its basis, store its agenda, close it, its minutes.

A meeting has a name, a date and free-text participants. Its **basis** is the version locked
for it (a snapshot, lib/snapshots.py: every snapshot is a meeting's basis). Its **agenda** is
stored as given (JSON: a list of items shaped like lib.agenda.AgendaItem.to_dict; this module
does not read lib.agenda). Decisions recorded in it are versions (lib/decisions.py). Closing
it records its **outcome**: the version of its last decision (no decision: its basis).

Roles: making, changing and closing a meeting needs the role `møteleder` for at least one
project (the meeting belongs to the group, not to one project); locking its basis needs it for
every project the version holds, as any lock does. Each change gets an audit line (action
`møte`, or `låsing` for the lock) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from lib import access, clock
from lib.access import Actor
from lib.contract import ANBEFALINGER, EXCEL_TEXT_LIMIT, PROJECT_COLUMN
from lib.db import (
    StoreError,
    connect,
    latest_version_in,
    readable_list,
    readable_sql,
    reading,
    write_lock,
)
from lib.parse import MONTHS_NB
from lib.snapshots import clean_meeting_date, clean_meeting_name, lock_for_meeting_in

if TYPE_CHECKING:
    import pandas as pd

#: The agenda item kind a recommendation's item has (lib.agenda's), for the minutes' order.
RECOMMENDATION_ITEM = "anbefaling"

#: The minutes' columns, in order.
MINUTES_COLUMNS: tuple[str, ...] = (
    "Sak",
    "Prosjekt-ID",
    "Anbefaling-ID",
    "Anbefaling",
    "Vedtak",
    "Vedtakstekst",
    "Ansvarlig",
    "Vedtaksdato",
    "Registrert av",
    "Registrert",
    "Versjon",
)

_MONTH_NAMES = {number: name for name, number in MONTHS_NB.items()}


@dataclass(frozen=True)
class Meeting:
    """A steering-group meeting as stored."""

    id: int
    name: str
    meeting_date: dt.date
    participants: str
    created_at: dt.datetime
    created_by: str | None
    basis_version: int | None
    agenda: list[dict] | None
    outcome_version: int | None
    closed_at: dt.datetime | None
    closed_by: str | None

    def label(self) -> str:
        """«Styringsgruppemøte 18.09.2026»: the name, with the date when the name lacks it."""
        if _names_date(self.name, self.meeting_date):
            return self.name
        return f"{self.name} {self.meeting_date:%d.%m.%Y}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_locked(self) -> bool:
        """Whether its basis version is locked."""
        return self.basis_version is not None

    def is_upcoming(self, today: dt.date | None = None) -> bool:
        """Open, and today or later: a meeting still to be held (or being held today)."""
        return not self.is_closed and self.meeting_date >= (today or clock.today())

    def describe(self) -> str:
        """One line for messages: «Styringsgruppemøte 18.09.2026» (grunnlag versjon N,
        avsluttet)."""
        parts = [f"grunnlag versjon {self.basis_version}" if self.is_locked else "ikke låst"]
        if self.is_closed:
            outcome = f", utfall versjon {self.outcome_version}" if self.outcome_version else ""
            parts.append(f"avsluttet{outcome}")
        return f"«{self.label()}» ({', '.join(parts)})"


def _names_date(name: str, day: dt.date) -> bool:
    """Whether a meeting's name already says its date (18.09.2026, 18.9.26, 2026-09-18,
    18. september)."""
    text = " ".join(name.lower().split())
    forms = (
        f"{day:%d.%m.%Y}",
        f"{day.day}.{day.month}.{day.year}",
        f"{day:%d.%m.%y}",
        f"{day.day}.{day.month}.{day:%y}",
        day.isoformat(),
        f"{day.day}. {_MONTH_NAMES[day.month]}",
        f"{day.day}. {_MONTH_NAMES[day.month][:3]}",
    )
    return any(form in text for form in forms)


_COLUMNS = (
    "id, name, meeting_date, participants, created_at, created_by, basis_version, agenda, "
    "outcome_version, closed_at, closed_by"
)


def _meeting(row: tuple) -> Meeting:
    (id_, name, day, participants, at, by, basis, agenda, outcome, closed_at, closed_by) = row
    return Meeting(
        int(id_),
        name,
        day,
        participants or "",
        at,
        by,
        None if basis is None else int(basis),
        None if agenda is None else json.loads(agenda),
        None if outcome is None else int(outcome),
        closed_at,
        closed_by,
    )


def meeting_in(connection: duckdb.DuckDBPyConnection, meeting_id: int) -> Meeting | None:
    rows = connection.execute(
        f"SELECT {_COLUMNS} FROM meetings WHERE id = ?", [int(meeting_id)]
    ).fetchall()
    return _meeting(rows[0]) if rows else None


def meetings(path: Path | str | None = None) -> list[Meeting]:
    """Every meeting, newest date first (the latest made first on one day)."""
    with reading(path) as connection:
        rows = connection.execute(
            f"SELECT {_COLUMNS} FROM meetings ORDER BY meeting_date DESC, id DESC"
        ).fetchall()
    return [_meeting(row) for row in rows]


def meeting(path: Path | str | None, meeting_id: int) -> Meeting | None:
    with reading(path) as connection:
        return meeting_in(connection, meeting_id)


def meeting_named(path: Path | str | None, name: str) -> Meeting | None:
    """The meeting with this name (case-insensitive, spaces as one); the latest if several."""
    wanted = " ".join(str(name or "").split()).lower()
    return next((found for found in meetings(path) if found.name.lower() == wanted), None)


@contextmanager
def _writing(path: Path | str | None) -> Iterator[duckdb.DuckDBPyConnection]:
    with write_lock, connect(path) as connection:
        connection.execute("BEGIN TRANSACTION")
        try:
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise


def _record(
    connection: duckdb.DuckDBPyConnection,
    actor: Actor,
    found: Meeting,
    event: str,
    *,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> None:
    access.record_in(
        connection,
        actor,
        "møte",
        version=version,
        detail={"møte": found.name, "møtedato": found.meeting_date.isoformat(), "hendelse": event},
        at=at,
    )


def _participants(text: object) -> str:
    cleaned = str(text or "").strip()
    if len(cleaned) > EXCEL_TEXT_LIMIT:
        raise StoreError(f"Deltakerlisten er for lang; bruk høyst {EXCEL_TEXT_LIMIT} tegn.")
    return cleaned


def create_meeting(
    path: Path | str | None,
    name: str,
    meeting_date: dt.date,
    *,
    actor: Actor,
    participants: str = "",
    configured_admins: Iterable[str] = (),
    created_at: dt.datetime | None = None,
) -> Meeting:
    """Make a meeting as `actor`, who needs the role `møteleder` for at least one project.
    `created_at` (default: now) is for the demo, whose meetings tell a year's story."""
    name, meeting_date = clean_meeting_name(name), clean_meeting_date(meeting_date)
    participants = _participants(participants)
    with _writing(path) as connection:
        access.require(connection, actor, access.MOTELEDER, configured_admins=configured_admins)
        now = created_at or clock.now()
        row = connection.execute(
            """INSERT INTO meetings (name, meeting_date, participants, created_at, created_by)
            VALUES (?, ?, ?, ?, ?) RETURNING id""",
            [name, meeting_date, participants, now, actor.name],
        ).fetchall()
        made = meeting_in(connection, int(row[0][0]))
        assert made is not None
        _record(connection, actor, made, "opprettet", at=now)
    return made


def _open_meeting(connection: duckdb.DuckDBPyConnection, meeting_id: int, doing: str) -> Meeting:
    """The meeting, refusing (StoreError) when there is none or it is closed."""
    found = meeting_in(connection, meeting_id)
    if found is None:
        raise StoreError(f"Møte {meeting_id} finnes ikke.")
    if found.is_closed:
        raise StoreError(
            f"Møtet «{found.label()}» er avsluttet"
            + (f" ({found.closed_at:%d.%m.%Y kl. %H:%M})" if found.closed_at else "")
            + f"; {doing}."
        )
    return found


def lock_basis(
    path: Path | str | None,
    meeting_id: int,
    *,
    actor: Actor,
    version: int | None = None,
    configured_admins: Iterable[str] = (),
) -> Meeting:
    """Lock `version` (default: the latest) as the meeting's basis (a snapshot named and dated
    as the meeting), as `actor`, who needs `møteleder` for every project the version holds.
    Refused when the meeting's basis is locked already or the meeting is closed, or the
    version is locked for another meeting."""
    with _writing(path) as connection:
        _open_meeting(connection, meeting_id, "grunnlaget kan ikke endres")
        lock_for_meeting_in(
            connection,
            version,
            "",
            None,
            actor=actor,
            configured_admins=configured_admins,
            meeting_id=meeting_id,
        )
        locked = meeting_in(connection, meeting_id)
    assert locked is not None
    return locked


def _agenda_text(items: object) -> str:
    """The agenda as JSON, after checking its shape: a list of items, each a dict with a
    kind and a title (text)."""
    if not isinstance(items, list | tuple):
        raise StoreError("Dagsordenen må være en liste med saker.")
    checked = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise StoreError(f"Sak {number} på dagsordenen er ikke en sak (mangler tittel).")
        title = str(item.get("title") or "").strip()
        if not title:
            raise StoreError(f"Sak {number} på dagsordenen mangler tittel.")
        checked.append({**item, "title": title, "kind": str(item.get("kind") or "")})
    try:
        text = json.dumps(checked, ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise StoreError(f"Dagsordenen kan ikke lagres: {error}.") from error
    if len(text) > 1_000_000:
        raise StoreError("Dagsordenen er for lang.")
    return text


def save_agenda(
    path: Path | str | None,
    meeting_id: int,
    items: list[dict],
    *,
    actor: Actor,
    configured_admins: Iterable[str] = (),
) -> Meeting:
    """Store the meeting's agenda (replacing the one stored) as `actor`, who needs
    `møteleder` for at least one project; refused once the meeting is closed."""
    text = _agenda_text(items)
    with _writing(path) as connection:
        access.require(connection, actor, access.MOTELEDER, configured_admins=configured_admins)
        found = _open_meeting(connection, meeting_id, "dagsordenen kan ikke endres")
        connection.execute("UPDATE meetings SET agenda = ? WHERE id = ?", [text, meeting_id])
        _record(connection, actor, found, "dagsorden lagret")
        saved = meeting_in(connection, meeting_id)
    assert saved is not None
    return saved


def close_meeting(
    path: Path | str | None,
    meeting_id: int,
    *,
    actor: Actor,
    configured_admins: Iterable[str] = (),
    closed_at: dt.datetime | None = None,
) -> Meeting:
    """Close the meeting as `actor` (`møteleder` for at least one project): its outcome is
    the version of its last decision; with no decision, its basis; with neither, the latest
    version (None in an empty database). Refused when closed already. `closed_at` (default:
    now) is for the demo."""
    with _writing(path) as connection:
        access.require(connection, actor, access.MOTELEDER, configured_admins=configured_admins)
        found = _open_meeting(connection, meeting_id, "det kan bare avsluttes én gang")
        last = connection.execute(
            "SELECT max(version) FROM decisions WHERE meeting_id = ?", [meeting_id]
        ).fetchall()[0][0]
        outcome = last if last is not None else found.basis_version
        if outcome is None:
            outcome = latest_version_in(connection) or None
        now = closed_at or clock.now()
        connection.execute(
            """UPDATE meetings SET outcome_version = ?, closed_at = ?, closed_by = ?
            WHERE id = ?""",
            [outcome, now, actor.name, meeting_id],
        )
        _record(connection, actor, found, "avsluttet", version=outcome, at=now)
        closed = meeting_in(connection, meeting_id)
    assert closed is not None
    return closed


def _agenda_places(agenda: list[dict] | None) -> dict[tuple[str, str], tuple[int, int]]:
    """(Prosjekt-ID, Anbefaling-ID) -> (the number, 1-based, of the first recommendation item
    on the agenda that names it, its place among that item's refs)."""
    places: dict[tuple[str, str], tuple[int, int]] = {}
    for number, item in enumerate(agenda or [], start=1):
        if not isinstance(item, dict) or item.get("kind") != RECOMMENDATION_ITEM:
            continue
        for place, ref in enumerate(item.get("refs") or []):
            if isinstance(ref, list | tuple) and len(ref) == 2:
                places.setdefault((str(ref[0]), str(ref[1])), (number, place))
    return places


def minutes(
    path: Path | str | None, meeting_id: int, readable: Collection[str] | None = None
) -> pd.DataFrame:
    """The decisions recorded in the meeting, in agenda order, under `MINUTES_COLUMNS`;
    with `readable` (Filters.readable), only those on projects the reader may read.

    Sak is the number of the agenda item (kind `anbefaling`) whose refs name the
    recommendation (within one item, in the order of its refs); decisions on recommendations
    not on the agenda come after, in the order they were recorded. A recommendation decided
    twice in the meeting (recorded again after a correction) is listed once, with its last
    decision. Anbefaling is its title as of the
    outcome version (the latest while the meeting is open). Empty (with the columns) for a
    meeting without decisions or one that does not exist.
    """
    import pandas as pd

    with reading(path) as connection:
        found = meeting_in(connection, meeting_id)
        if found is None:
            return pd.DataFrame(columns=list(MINUTES_COLUMNS))
        as_of = found.outcome_version or latest_version_in(connection)
        rows = connection.execute(
            f"""SELECT d.prosjekt_id, d.anbefaling_id,
              (SELECT a.anbefaling FROM {ANBEFALINGER.table} AS a
               WHERE a.{PROJECT_COLUMN} = d.prosjekt_id AND a.anbefaling_id = d.anbefaling_id
                 AND a.valid_from <= $as_of
               ORDER BY a.valid_from DESC LIMIT 1) AS title,
              d.vedtak, d.vedtakstekst, d.ansvarlig, d.vedtaksdato, d.recorded_by,
              d.recorded_at, d.version
            FROM decisions AS d
            WHERE d.meeting_id = $meeting AND {readable_sql("d.prosjekt_id")}
            QUALIFY row_number() OVER (
              PARTITION BY d.prosjekt_id, d.anbefaling_id ORDER BY d.version DESC) = 1
            ORDER BY d.version""",
            {"meeting": meeting_id, "as_of": as_of, "readable": readable_list(readable)},
        ).fetchall()
    places = _agenda_places(found.agenda)
    unplaced = (len(found.agenda or []) + 1, 0)
    # Sorted by place on the agenda; the sort is stable, so the rest stay in recorded order.
    ordered = sorted(rows, key=lambda row: places.get((row[0], row[1]), unplaced))
    frame = pd.DataFrame(
        [
            [places.get((row[0], row[1]), (None,))[0], *row[:2], row[2] or "", *row[3:]]
            for row in ordered
        ],
        columns=list(MINUTES_COLUMNS),
    )
    frame["Sak"] = frame["Sak"].astype("Int64")
    frame["Versjon"] = frame["Versjon"].astype("int64")
    for column in ("Vedtakstekst", "Ansvarlig", "Registrert av"):
        frame[column] = frame[column].fillna("")
    return frame

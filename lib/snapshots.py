"""Meeting snapshots: versions locked for a steering-group meeting; locking one, and reading them.

Every snapshot is the basis of a meeting (lib/meetings.py): locking for a meeting by name
makes the meeting when there is none to lock yet, in the same transaction.

A locked version cannot be changed or removed: there is no way to unlock or rename it, the
database refuses to delete a version a snapshot refers to (a foreign key), and uploads after it
never rewrite the rows it shows (lib/store.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from lib import access, clock
from lib.access import Actor
from lib.contract import PROJECT_COLUMN, SHEETS
from lib.db import (
    StoreError,
    as_of,
    connect,
    latest_version_in,
    reading,
    version_or_latest,
    write_lock,
)

MAX_MEETING_NAME = 200


@dataclass(frozen=True)
class Snapshot:
    """A version locked for a steering-group meeting."""

    version: int
    name: str
    meeting_date: dt.date
    created_at: dt.datetime
    created_by: str | None

    def label(self) -> str:
        """«name» (dd.mm.yyyy, versjon N), for messages."""
        return f"«{self.name}» ({self.meeting_date:%d.%m.%Y}, versjon {self.version})"


def clean_meeting_name(name: object) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise StoreError("Gi møtet et navn, f.eks. «Styringsgruppemøte 12. mars».")
    if len(name) > MAX_MEETING_NAME:
        raise StoreError(f"Møtenavnet er for langt; bruk høyst {MAX_MEETING_NAME} tegn.")
    return name


def clean_meeting_date(meeting_date: object) -> dt.date:
    if not isinstance(meeting_date, dt.date):
        raise StoreError("Møtedatoen mangler.")
    if isinstance(meeting_date, dt.datetime):
        return meeting_date.date()
    return meeting_date


def lock_for_meeting(
    path: Path | str | None,
    version: int | None,
    name: str,
    meeting_date: dt.date | None,
    *,
    actor: Actor,
    configured_admins: Iterable[str] = (),
    created_at: dt.datetime | None = None,
) -> Snapshot:
    """Lock a version (default: the latest) for a meeting as `actor`; raises StoreError in
    Norwegian.

    The meeting (lib/meetings.py) is the open one named `name` (case-insensitive) on
    `meeting_date` whose basis is not locked yet; without one, a new meeting is made. So a
    snapshot is always a meeting's basis. `meeting_date` None: the date of the open, unlocked
    meeting of that name, else today.

    A lock fixes what the meeting sees of every project the version holds, so `actor` must
    have the role `møteleder` for each of them (`projects_in_version`; a møteleder for every
    project always may), else access.Forbidden and nothing is locked. The snapshot stores
    `actor.name`, and the audit trail gets a line (the meeting, its date, the version and its
    projects) in the same transaction.

    `created_at` (default: now) is for the demo, as in `lib.store.store_upload`.

    A locked version cannot be changed or removed: there is no way to unlock or rename it,
    the database refuses to delete a version a snapshot refers to, and uploads after it never
    rewrite the rows it shows (see `lib.store._replace_sheet`).
    """
    name = clean_meeting_name(name)
    if meeting_date is not None:
        meeting_date = clean_meeting_date(meeting_date)
    with write_lock, connect(path) as connection:
        connection.execute("BEGIN TRANSACTION")
        try:
            locked = lock_for_meeting_in(
                connection,
                version,
                name,
                meeting_date,
                actor=actor,
                configured_admins=configured_admins,
                created_at=created_at,
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return locked


def lock_for_meeting_in(
    connection: duckdb.DuckDBPyConnection,
    version: int | None,
    name: str,
    meeting_date: dt.date | None,
    *,
    actor: Actor,
    configured_admins: Iterable[str] = (),
    created_at: dt.datetime | None = None,
    meeting_id: int | None = None,
) -> Snapshot:
    """`lock_for_meeting` inside the caller's transaction. With `meeting_id`, that meeting's
    basis is locked (its name and date are the snapshot's; `name` and `meeting_date` are not
    used); it must be open and not locked yet."""
    latest = latest_version_in(connection)
    if latest == 0:
        raise StoreError("Databasen har ingen versjoner ennå; last opp data først.")
    version = latest if version is None else int(version)
    if not 1 <= version <= latest:
        raise StoreError(f"Versjon {version} finnes ikke (siste versjon er {latest}).")
    found = connection.execute(
        "SELECT name, meeting_date FROM snapshots WHERE version = ?", [version]
    ).fetchall()
    if found:
        raise StoreError(
            f"Versjon {version} er allerede låst for møtet «{found[0][0]}» "
            f"({found[0][1]:%d.%m.%Y}). En låst versjon kan ikke endres."
        )
    if meeting_id is None:
        meeting_id, name, meeting_date = _unlocked_meeting_named(connection, name, meeting_date)
    else:
        name, meeting_date = _lockable_meeting(connection, meeting_id)
    held = projects_in_version_in(connection, version)
    access.require(connection, actor, access.MOTELEDER, held, configured_admins, named=False)
    if created_at is None:
        created_at = clock.now()
    connection.execute(
        "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?)",
        [version, name, meeting_date, created_at, actor.name],
    )
    if meeting_id is None:
        connection.execute(
            """INSERT INTO meetings (name, meeting_date, participants, created_at, created_by,
              basis_version) VALUES (?, ?, '', ?, ?, ?)""",
            [name, meeting_date, created_at, actor.name, version],
        )
    else:
        connection.execute(
            "UPDATE meetings SET basis_version = ? WHERE id = ?", [version, meeting_id]
        )
    access.record_in(
        connection,
        actor,
        "låsing",
        project=next(iter(held)) if len(held) == 1 else None,
        version=version,
        detail={
            "møte": name,
            "møtedato": meeting_date.isoformat(),
            **({access.DETAIL_PROJECTS: sorted(held)} if len(held) > 1 else {}),
        },
        at=created_at,
    )
    return Snapshot(version, name, meeting_date, created_at, actor.name)


def _unlocked_meeting_named(
    connection: duckdb.DuckDBPyConnection, name: str, meeting_date: dt.date | None
) -> tuple[int | None, str, dt.date]:
    """The open meeting named `name` (case-insensitive) on `meeting_date` (None: any date,
    the latest) whose basis is not locked: (its id, name, date); else (None, name, the date
    or today) for a new meeting."""
    rows = connection.execute(
        """SELECT id, name, meeting_date FROM meetings
        WHERE lower(name) = lower($name) AND basis_version IS NULL AND closed_at IS NULL
          AND ($date IS NULL OR meeting_date = $date)
        ORDER BY meeting_date DESC, id DESC LIMIT 1""",
        {"name": name, "date": meeting_date},
    ).fetchall()
    if rows:
        return int(rows[0][0]), rows[0][1], rows[0][2]
    return None, name, meeting_date or clock.today()


def _lockable_meeting(
    connection: duckdb.DuckDBPyConnection, meeting_id: int
) -> tuple[str, dt.date]:
    rows = connection.execute(
        """SELECT name, meeting_date, basis_version, closed_at FROM meetings WHERE id = ?""",
        [meeting_id],
    ).fetchall()
    if not rows:
        raise StoreError(f"Møte {meeting_id} finnes ikke.")
    name, meeting_date, basis, closed_at = rows[0]
    if closed_at is not None:
        raise StoreError(
            f"Møtet «{name}» ({meeting_date:%d.%m.%Y}) er avsluttet; grunnlaget kan ikke endres."
        )
    if basis is not None:
        raise StoreError(
            f"Grunnlaget for møtet «{name}» ({meeting_date:%d.%m.%Y}) er allerede låst "
            f"(versjon {basis}). En låst versjon kan ikke endres."
        )
    return name, meeting_date


def projects_in_version_in(connection: duckdb.DuckDBPyConnection, version: int) -> set[str]:
    """The projects with rows in any sheet as of `version`: what locking it fixes."""
    every_sheet = " UNION ".join(
        f"SELECT {PROJECT_COLUMN} FROM {sheet.table} WHERE {as_of()}" for sheet in SHEETS
    )
    rows = connection.execute(every_sheet, {"version": version}).fetchall()
    return {row[0] for row in rows if row[0] is not None}


def projects_in_version(path: Path | str | None, version: int | None = None) -> set[str]:
    """`projects_in_version_in` for a version (default: the latest) of the database at `path`."""
    with reading(path) as connection:
        return projects_in_version_in(connection, version_or_latest(connection, version))


_COLUMNS = "version, name, meeting_date, created_at, created_by"


def snapshots(path: Path | str | None = None) -> list[Snapshot]:
    """Every version locked for a meeting, newest version first."""
    with reading(path) as connection:
        rows = connection.execute(
            f"SELECT {_COLUMNS} FROM snapshots ORDER BY version DESC"
        ).fetchall()
    return [Snapshot(int(v), name, day, at, by) for v, name, day, at, by in rows]


def snapshot_of(path: Path | str | None, version: int) -> Snapshot | None:
    """The meeting a version is locked for, if any."""
    return next((s for s in snapshots(path) if s.version == version), None)


def last_snapshot(path: Path | str | None = None, before: int | None = None) -> Snapshot | None:
    """The last version locked for a meeting strictly before version `before` (default: latest).

    Strictly before: when the latest version is itself locked for today's meeting, the meeting
    wants to see what changed since the meeting before.
    """
    with reading(path) as connection:
        rows = connection.execute(
            f"""SELECT {_COLUMNS} FROM snapshots
            WHERE version < $before ORDER BY version DESC LIMIT 1""",
            {"before": version_or_latest(connection, before)},
        ).fetchall()
    if not rows:
        return None
    version, name, day, at, by = rows[0]
    return Snapshot(int(version), name, day, at, by)

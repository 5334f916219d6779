"""Who is acting, what they may do, and the audit trail of what was done.

Every write in lib/ takes the acting user (`Actor`) and checks (`require`) before it changes
anything; every read of sheet rows is narrowed to the projects the actor may read
(`Permissions.readable`). The actor's identity comes from the sign-in token (ui/auth.py) or,
without sign-in, from the machine itself: never from a name typed into a field.

Roles (`ROLES`), each for one project or for every project (`ALL_PROJECTS`):
- `leser`: reads the project;
- `opplaster`: uploads for it (and reads it);
- `møteleder`: runs meetings: locks versions, agenda, decisions (and reads);
- `admin`: everything, for every project: roles, restore.

Where a role comes from: a grant stored in the database (`grants`, managed on the admin page
and by `python -m lib.cli tilgang`), the token's `roles` claim (app roles in Entra ID, for every
project), or the first admins named in the secrets or in $STYRINGSROM_ADMIN (`admins`).

The audit trail (`audit` table) is append-only: `record` is its only writer, and nothing
updates or deletes its rows.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from lib import clock, wording
from lib.db import StoreError, connect, reading

if TYPE_CHECKING:  # a load from the command line checks access without importing pandas
    import pandas as pd

LESER, OPPLASTER, MOTELEDER, ADMIN = "leser", "opplaster", "møteleder", "admin"
#: Every role, from least to most.
ROLES: tuple[str, ...] = (LESER, OPPLASTER, MOTELEDER, ADMIN)
#: What each role may do besides its own name: every role reads; admin may do everything.
IMPLIES: dict[str, frozenset[str]] = {
    LESER: frozenset({LESER}),
    OPPLASTER: frozenset({LESER, OPPLASTER}),
    MOTELEDER: frozenset({LESER, MOTELEDER}),
    ADMIN: frozenset(ROLES),
}
#: A grant's scope for every project.
ALL_PROJECTS = "*"
#: The roles a token's `roles` claim may name (Entra app role values are ASCII; a prefix
#: such as `Styringsrom.` is ignored).
TOKEN_ROLES: dict[str, str] = {
    "leser": LESER,
    "reader": LESER,
    "opplaster": OPPLASTER,
    "uploader": OPPLASTER,
    "moteleder": MOTELEDER,
    "møteleder": MOTELEDER,
    "admin": ADMIN,
}
#: Environment variable naming the first admins: e-mail addresses or subjects, comma-separated.
ADMIN_ENV = "STYRINGSROM_ADMIN"

#: Audit actions (the `action` column), with how Historikk and `revisjon` name them.
ACTIONS: dict[str, str] = {
    "innlogging": "Logget inn",
    "opplasting": "Lastet opp",
    "gjenoppretting": "Gjenopprettet",
    "låsing": "Låste for møte",
    "møte": "Møte",
    "vedtak": "Registrerte vedtak",
    "tilgang_gitt": "Ga tilgang",
    "tilgang_fjernet": "Fjernet tilgang",
    "nedlasting": "Lastet ned",
}

NO_ACCESS = "finnes ikke, eller du har ikke tilgang"


class Forbidden(StoreError):
    """The actor may not do this; the message, in Norwegian, says what and which role it needs."""


@dataclass(frozen=True)
class Actor:
    """The user behind an action.

    `subject`: the token's `oid` (Entra ID) or `sub`; for local use, `lokal:<name>`.
    `local`: no sign-in at all (the app on one machine, or the command line run by whoever
    holds the database file): every role, since that person can open the file anyway.
    """

    subject: str
    name: str
    email: str | None = None
    token_roles: tuple[str, ...] = ()
    local: bool = False

    @classmethod
    def on_this_machine(cls, name: str | None = None) -> Actor:
        """The user at this machine without sign-in (local mode, or the command line)."""
        who = " ".join(str(name or "").split()) or _machine_user()
        return cls(subject=f"lokal:{who}", name=who, local=True)

    def principals(self) -> tuple[str, ...]:
        """What a grant may name this actor by: the subject, or the e-mail in lower case."""
        found = [self.subject]
        if self.email:
            found.append(self.email.strip().lower())
        return tuple(found)


def _machine_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a container without a passwd entry
        return "ukjent"


def admins(configured: Iterable[str] = ()) -> frozenset[str]:
    """The first admins: those `configured` (the secrets) and those in $STYRINGSROM_ADMIN."""
    named = [*configured, *os.environ.get(ADMIN_ENV, "").split(",")]
    return frozenset(entry.strip().lower() for entry in named if entry and entry.strip())


def roles_from_token(claim: object) -> tuple[str, ...]:
    """Our roles named in a token's `roles` claim (a list of strings, or one string)."""
    values = [claim] if isinstance(claim, str) else list(claim or [])  # type: ignore[arg-type]
    found: list[str] = []
    for value in values:
        name = str(value).strip().lower().rsplit(".", 1)[-1]
        role = TOKEN_ROLES.get(name)
        if role and role not in found:
            found.append(role)
    return tuple(found)


@dataclass(frozen=True)
class Permissions:
    """What one actor may do: per role, the projects (`ALL_PROJECTS` for all)."""

    actor: Actor
    scopes: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def can(self, role: str, project: str | None = None) -> bool:
        """Whether the actor has `role` (or one implying it) for `project` (None: for any one
        project at all, e.g. to show an upload page)."""
        granted = self.scopes.get(role, frozenset())
        if ALL_PROJECTS in granted:
            return True
        return bool(granted) if project is None else project in granted

    def can_everywhere(self, role: str) -> bool:
        return ALL_PROJECTS in self.scopes.get(role, frozenset())

    @property
    def readable(self) -> frozenset[str] | None:
        """The projects the actor may read; None for every project."""
        granted = self.scopes.get(LESER, frozenset())
        return None if ALL_PROJECTS in granted else granted

    def may_read(self, project: str) -> bool:
        return self.can(LESER, project)

    @property
    def is_admin(self) -> bool:
        return self.can_everywhere(ADMIN)


def _scopes(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {role: set() for role in ROLES}
    for role, scope in pairs:
        for implied in IMPLIES.get(role, ()):
            found[implied].add(scope)
    return {role: frozenset(scopes) for role, scopes in found.items()}


def permissions_in(
    connection: duckdb.DuckDBPyConnection, actor: Actor, configured_admins: Iterable[str] = ()
) -> Permissions:
    """The actor's permissions: local means every role; else grants, token roles, first admins."""
    if actor.local:
        return Permissions(actor, _scopes([(ADMIN, ALL_PROJECTS)]))
    principals = list(actor.principals())
    placeholders = ", ".join("?" for _ in principals)
    pairs: list[tuple[str, str]] = [
        (role, scope)
        for role, scope in connection.execute(
            f"SELECT role, scope FROM grants WHERE principal IN ({placeholders})", principals
        ).fetchall()
    ]
    pairs += [(role, ALL_PROJECTS) for role in actor.token_roles]
    if admins(configured_admins) & set(principals):
        pairs.append((ADMIN, ALL_PROJECTS))
    return Permissions(actor, _scopes(pairs))


def permissions(
    path: Path | str | None, actor: Actor, configured_admins: Iterable[str] = ()
) -> Permissions:
    if actor.local:  # every role: nothing to look up (and no file to open on every run)
        return Permissions(actor, _scopes([(ADMIN, ALL_PROJECTS)]))
    with reading(path) as connection:
        return permissions_in(connection, actor, configured_admins)


#: How a refusal names what the role allows.
_ROLE_WORK = {
    LESER: "lese",
    OPPLASTER: "laste opp for",
    MOTELEDER: "lede møter for",
    ADMIN: "administrere",
}


def require(
    connection: duckdb.DuckDBPyConnection,
    actor: Actor,
    role: str,
    projects: Collection[str] = (),
    configured_admins: Iterable[str] = (),
    *,
    named: bool = True,
) -> Permissions:
    """Refuse (Forbidden) unless the actor has `role` for every one of `projects` (for the
    role at all when none are named; for every project when the role is admin). `named`: see
    `refusal`."""
    allowed = permissions_in(connection, actor, configured_admins)
    refused = refusal(allowed, role, projects, named=named)
    if refused:
        raise Forbidden(refused)
    return allowed


def refusal(
    allowed: Permissions, role: str, projects: Collection[str] = (), *, named: bool = True
) -> str | None:
    """Why `require` would refuse (its Norwegian message), or None when it would not: for the
    app to say so before the person tries (a disabled button, a preview of an upload).

    `named=False` when the projects come from the database rather than from the person (the
    projects of a version to lock): those the person may not read are then only counted, so
    a refusal never tells a reader of one project which other projects exist."""
    name = allowed.actor.name
    if role == ADMIN and not allowed.is_admin:
        return f"{name} har ikke rollen «{ADMIN}», som trengs for dette."
    if not projects and not allowed.can(role):
        return f"{name} har ikke rollen «{role}» for noe prosjekt."
    refused = sorted(project for project in projects if not allowed.can(role, project))
    if refused:
        shown = [project for project in refused if named or allowed.may_read(project)]
        hidden = len(refused) - len(shown)
        if hidden:
            shown.append(wording.count(hidden, "annet prosjekt", "andre prosjekter"))
        listed = ", ".join(shown)
        return (
            f"{name} har ikke tilgang til å {_ROLE_WORK[role]} {listed} "
            f"(trenger rollen «{role}» for prosjektet)."
        )
    return None


# --- Grants ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    principal: str
    role: str
    scope: str
    granted_at: dt.datetime
    granted_by: str | None


def _principal(who: str) -> str:
    text = " ".join(str(who or "").split())
    if not text:
        raise StoreError("Oppgi hvem tilgangen gjelder: e-postadresse eller bruker-ID (oid/sub).")
    return text.lower() if "@" in text else text


def _checked_role(role: str) -> str:
    if role not in ROLES:
        raise StoreError(
            f"Ukjent rolle «{role}»; forventet en av " + ", ".join(f"«{r}»" for r in ROLES) + "."
        )
    return role


def grant(
    path: Path | str | None,
    actor: Actor,
    who: str,
    role: str,
    project: str | None = None,
    configured_admins: Iterable[str] = (),
) -> Grant:
    """Give `who` (e-mail or subject) `role` for `project` (None: every project); admin only.
    Admin is always for every project."""
    principal, role, scope = _grant_key(who, role, project)
    with _transaction(path) as connection:
        require(connection, actor, ADMIN, configured_admins=configured_admins)
        now = clock.now()
        connection.execute(
            "INSERT OR REPLACE INTO grants VALUES (?, ?, ?, ?, ?)",
            [principal, role, scope, now, actor.name],
        )
        _record_grant(connection, actor, "tilgang_gitt", principal, role, scope)
    return Grant(principal, role, scope, now, actor.name)


def revoke(
    path: Path | str | None,
    actor: Actor,
    who: str,
    role: str,
    project: str | None = None,
    configured_admins: Iterable[str] = (),
) -> bool:
    """Take a grant back; admin only. False when there was no such grant."""
    principal, role, scope = _grant_key(who, role, project)
    with _transaction(path) as connection:
        require(connection, actor, ADMIN, configured_admins=configured_admins)
        removed = connection.execute(
            "DELETE FROM grants WHERE principal = ? AND role = ? AND scope = ? RETURNING 1",
            [principal, role, scope],
        ).fetchall()
        if removed:
            _record_grant(connection, actor, "tilgang_fjernet", principal, role, scope)
    return bool(removed)


def _grant_key(who: str, role: str, project: str | None) -> tuple[str, str, str]:
    """(principal, role, scope) of a grant; admin is always for every project."""
    role = _checked_role(role)
    scope = ALL_PROJECTS if role == ADMIN or not project else project.strip()
    return _principal(who), role, scope


def _record_grant(
    connection: duckdb.DuckDBPyConnection,
    actor: Actor,
    action: str,
    principal: str,
    role: str,
    scope: str,
) -> None:
    record_in(
        connection,
        actor,
        action,
        project=None if scope == ALL_PROJECTS else scope,
        detail={"hvem": principal, "rolle": role, "omfang": scope},
    )


@contextmanager
def _transaction(path: Path | str | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A write connection inside one transaction: committed at the end, rolled back on error."""
    with connect(path) as connection:
        connection.execute("BEGIN TRANSACTION")
        try:
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise


def grants(path: Path | str | None = None) -> list[Grant]:
    """Every stored grant, by principal, role and scope."""
    with reading(path) as connection:
        rows = connection.execute(
            "SELECT principal, role, scope, granted_at, granted_by FROM grants "
            "ORDER BY principal, role, scope"
        ).fetchall()
    return [Grant(*row) for row in rows]


# --- Users and the audit trail ---------------------------------------------------------------


def record_in(
    connection: duckdb.DuckDBPyConnection,
    actor: Actor,
    action: str,
    *,
    project: str | None = None,
    version: int | None = None,
    sha256: str | None = None,
    detail: Mapping[str, object] | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Append one line to the audit trail, inside the caller's transaction (so a refused or
    failed write leaves no line, and a stored one always has its line). `at` (default: now)
    is the time of what is recorded: the demo's versions and locks tell a year's story."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    connection.execute(
        "INSERT INTO audit (happened_at, subject, email, name, action, prosjekt_id, version, "
        "sha256, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            at or clock.now(),
            actor.subject,
            actor.email,
            actor.name,
            action,
            project,
            version,
            sha256,
            json.dumps(dict(detail), ensure_ascii=False, default=str) if detail else None,
        ],
    )


def record(path: Path | str | None, actor: Actor, action: str, **details: object) -> None:
    """Append one line to the audit trail in its own transaction (sign-in, a download)."""
    with connect(path) as connection:
        record_in(connection, actor, action, **details)  # type: ignore[arg-type]


def signed_in(path: Path | str | None, actor: Actor) -> None:
    """Remember the user (subject, e-mail, name) and record the sign-in."""
    now = clock.now()
    with connect(path) as connection:
        connection.execute("BEGIN TRANSACTION")
        try:
            connection.execute(
                """INSERT INTO users VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (subject) DO UPDATE
                   SET email = excluded.email, name = excluded.name,
                       last_seen = excluded.last_seen""",
                [actor.subject, actor.email, actor.name, now, now],
            )
            record_in(connection, actor, "innlogging")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise


def users(path: Path | str | None = None) -> pd.DataFrame:
    """Everyone who has signed in: subject, email, name, first and last seen."""
    with reading(path) as connection:
        return connection.execute(
            "SELECT subject, email, name, first_seen, last_seen FROM users ORDER BY name"
        ).df()


def audit_trail(
    path: Path | str | None = None,
    *,
    actions: Collection[str] = (),
    who: str = "",
    projects: Collection[str] | None = None,
    since: dt.date | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The audit trail, newest first, optionally narrowed by action, person (name, e-mail or
    subject contains `who`), projects (lines about other projects left out; lines about no
    project kept) and date."""
    conditions, parameters = ["TRUE"], []
    if actions:
        conditions.append("action IN (" + ", ".join("?" for _ in actions) + ")")
        parameters += list(actions)
    if who.strip():
        conditions.append(
            "(contains(lower(name), ?) OR contains(lower(email), ?) OR contains(lower(subject), ?))"
        )
        parameters += [who.strip().lower()] * 3
    if projects is not None:
        conditions.append("(prosjekt_id IS NULL OR prosjekt_id IN (SELECT unnest(?::VARCHAR[])))")
        parameters.append(sorted(projects))
    if since is not None:
        conditions.append("happened_at >= ?")
        parameters.append(dt.datetime.combine(since, dt.time()))
    bound = f" LIMIT {int(limit)}" if limit else ""
    with reading(path) as connection:
        return connection.execute(
            "SELECT id, happened_at, name, email, subject, action, prosjekt_id, version, sha256, "
            f"detail FROM audit WHERE {' AND '.join(conditions)} ORDER BY id DESC{bound}",
            parameters,
        ).df()


# --- The audit trail as a person may see it -------------------------------------------------

#: The detail key naming the projects of a line about several (an upload, a restore, a lock).
DETAIL_PROJECTS = "prosjekter"

#: The projects a line is about: its Prosjekt-ID, or the detail's list of several.
_LINE_PROJECTS = f"""CASE WHEN prosjekt_id IS NOT NULL THEN [prosjekt_id]
  ELSE coalesce(json_extract_string(detail, '$.{DETAIL_PROJECTS}[*]'), []::VARCHAR[]) END"""

#: The audit trail's columns as Historikk and `revisjon --csv` show them.
AUDIT_COLUMNS: tuple[str, ...] = (
    "Tidspunkt",
    "Hvem",
    "E-post",
    "Handling",
    "Prosjekt",
    "Versjon",
    "Detaljer",
    "SHA-256",
)


def action_named(text: str) -> str | None:
    """The action a person names, by its key (`opplasting`) or its Norwegian name («Lastet
    opp»), in any case; None when there is no such action."""
    wanted = " ".join(str(text or "").split()).lower()
    for action, name in ACTIONS.items():
        if wanted in (action, name.lower()):
            return action
    return None


def audit_lines(
    path: Path | str | None,
    allowed: Permissions,
    *,
    actions: Collection[str] = (),
    who: str = "",
    project: str | None = None,
    since: dt.date | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The audit trail as `allowed`'s actor may see it, newest first.

    An admin sees every line. Anyone else sees the lines about projects they may read (a
    line about several names only those: see `audit_table`) and their own lines about no
    project (their sign-ins); lines about no project (grants for every project, others'
    sign-ins) and about projects they may not read are left out, so the trail never names a
    project or a person's access they could not see anyway.

    Narrowed by action, person (name, e-mail or subject contains `who`), one project
    (a line about several counts for each) and date. Columns as `audit_trail`'s, and
    `projects`: the list of projects each line is about.
    """
    conditions, parameters = ["TRUE"], []
    if actions:
        conditions.append("action IN (SELECT unnest(?::VARCHAR[]))")
        parameters.append(sorted(actions))
    if who.strip():
        conditions.append(
            "(contains(lower(name), ?) OR contains(lower(coalesce(email, '')), ?) "
            "OR contains(lower(subject), ?))"
        )
        parameters += [who.strip().lower()] * 3
    if project is not None and project.strip():
        conditions.append("list_contains(projects, ?)")
        parameters.append(project.strip())
    if since is not None:
        conditions.append("happened_at >= ?")
        parameters.append(dt.datetime.combine(since, dt.time()))
    if not allowed.is_admin:
        readable = allowed.readable
        about_readable = (
            "len(projects) > 0" if readable is None else "list_has_any(projects, ?::VARCHAR[])"
        )
        conditions.append(f"({about_readable} OR (len(projects) = 0 AND subject = ?))")
        parameters += ([] if readable is None else [sorted(readable)]) + [allowed.actor.subject]
    bound = f" LIMIT {int(limit)}" if limit else ""
    with reading(path) as connection:
        return connection.execute(
            "SELECT * FROM (SELECT id, happened_at, name, email, subject, action, prosjekt_id, "
            f"version, sha256, detail, {_LINE_PROJECTS} AS projects FROM audit) "
            f"WHERE {' AND '.join(conditions)} ORDER BY id DESC{bound}",
            parameters,
        ).df()


def _detail(text: object) -> dict[str, object]:
    if not isinstance(text, str) or not text:
        return {}
    try:
        found = json.loads(text)
    except ValueError:
        return {"detaljer": text}
    return found if isinstance(found, dict) else {"detaljer": found}


def _scope_words(scope: object) -> str:
    return "alle prosjekter" if scope in (None, "", ALL_PROJECTS) else str(scope)


def describe_detail(action: str, detail: object) -> str:
    """A line's detail (JSON) in plain Norwegian, for Historikk and `revisjon`: «fil
    «status.xlsx»», «ola@kommune.no fikk rollen «opplaster» for P1». The list of projects is
    left out: the table's Prosjekt column shows it, narrowed to those the reader may see."""
    found = dict(_detail(detail))
    found.pop(DETAIL_PROJECTS, None)
    parts: list[str] = []
    if action in ("tilgang_gitt", "tilgang_fjernet") and "hvem" in found:
        verb = "fikk" if action == "tilgang_gitt" else "mistet"
        parts.append(
            f"{found.pop('hvem')} {verb} rollen «{found.pop('rolle', '')}» for "
            f"{_scope_words(found.pop('omfang', None))}"
        )
    if "fil" in found:
        parts.append(f"fil «{found.pop('fil')}»")
    if "fra_versjon" in found:
        parts.append(f"versjon {found.pop('fra_versjon')} gjenopprettet")
    if "møte" in found:
        day = found.pop("møtedato", None)
        when = ""
        if day:
            try:
                when = f" {dt.date.fromisoformat(str(day)):%d.%m.%Y}"
            except ValueError:
                when = f" {day}"
        parts.append(f"møtet «{found.pop('møte')}»{when}")
    for key, item in found.items():
        shown_item = ", ".join(map(str, item)) if isinstance(item, list) else item
        parts.append(f"{str(key).replace('_', ' ')}: {shown_item}")
    return "; ".join(parts)


def audit_table(lines: pd.DataFrame, allowed: Permissions) -> pd.DataFrame:
    """`audit_lines` for people: the columns `AUDIT_COLUMNS`, the action by its Norwegian
    name, the detail in words; a line about several projects names only those the reader may
    see. Text stays text (the pages show it in tables, never as Markdown or HTML)."""
    import pandas as pd

    shown = None if allowed.is_admin else allowed.readable

    def visible(projects: object) -> str:
        listed = [str(p) for p in (list(projects) if projects is not None else [])]
        return ", ".join(p for p in listed if shown is None or p in shown)

    return pd.DataFrame(
        {
            "Tidspunkt": lines["happened_at"],
            "Hvem": lines["name"].fillna(""),
            "E-post": lines["email"].fillna(""),
            "Handling": [ACTIONS.get(action, action) for action in lines["action"]],
            "Prosjekt": [visible(projects) for projects in lines["projects"]],
            "Versjon": lines["version"].astype("Int64"),
            "Detaljer": [
                describe_detail(action, detail)
                for action, detail in zip(lines["action"], lines["detail"], strict=True)
            ],
            "SHA-256": lines["sha256"].fillna(""),
        },
        columns=list(AUDIT_COLUMNS),
    )

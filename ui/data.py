"""The database the pages read, and cached reads that name the query they run.

`cached(queries.risk_view)(filters, after=…)` runs `queries.risk_view(db, filters, after=…)`
once per database state and arguments: the page names the query function itself, so a search
for `risk_view` finds the page, and a type checker sees the query's own parameters and return
type. The cache is keyed by the database file's size and modification time, so a version stored
by the command line while the app runs shows on the next rerun, without a restart and without
opening the database to ask.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

import pandas as pd
import streamlit as st

from lib import clock, queries
from lib.db import default_db_path
from lib.view_sql import Filters, for_projects

P = ParamSpec("P")
R = TypeVar("R")
#: What changes whenever the database file does: (sum of mtimes in ns, sum of sizes).
Stamp = tuple[int, int]


def db_path() -> Path:
    return default_db_path()


def data_stamp() -> Stamp:
    """Changes whenever the database file does (DuckDB checkpoints on close)."""
    stamp = (0, 0)
    for path in (db_path(), Path(str(db_path()) + ".wal")):
        if path.exists():
            stat = path.stat()
            stamp = (stamp[0] + stat.st_mtime_ns, stamp[1] + stat.st_size)
    return stamp


def today() -> dt.date:
    """Today, or the day in $STYRINGSROM_TODAY (YYYY-MM-DD) to show a meeting as of a date."""
    override = os.environ.get("STYRINGSROM_TODAY")
    if override:
        try:
            return dt.date.fromisoformat(override)
        except ValueError:
            pass
    return clock.today()


_demo_lock = threading.Lock()


def ensure_database() -> None:
    """On a fresh clone there is no database yet: build the demo so the app shows content.

    Only for the default path: a database named by STYRINGSROM_DB that does not exist yet is
    a new, empty one (the contract), never filled with demo data.
    """
    if os.environ.get("STYRINGSROM_DB") or db_path().exists():
        return
    from lib.demo import build_demo_database

    with _demo_lock:  # two first visitors at once must not both build it
        if db_path().exists():
            return
        with st.spinner("Bygger demodatabasen …"):
            build_demo_database(db_path())


# --- Cached reads ----------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=256)
def _read(
    _query: Callable[..., Any],
    name: str,
    path: str,
    stamp: Stamp,
    args: tuple[object, ...],
    options: tuple[tuple[str, object], ...],
) -> Any:
    """One cached read. `_query` is not hashed (leading underscore): `name` keys it.

    Kept as the object itself, not pickled and unpickled on every use as st.cache_data does
    (that was 10–20 ms a rerun, most of it rebuilding pandas' Arrow-backed strings); each
    caller gets `_own_copy` of it instead."""
    return _query(path, *args, **dict(options))


def _own_copy(found: R) -> R:
    """A read's result the caller may change without changing the cached one.

    pandas copies on write (pandas 3), so a frame's shallow copy is the caller's own: any
    change to it copies the data first. A frozen dataclass (RiskView, MeetingChanges, …) is
    rebuilt around copies of its frames, a list is copied (its items are frozen), and what
    cannot be changed (text, numbers, tuples, frozen dataclasses without frames) is shared."""
    if isinstance(found, pd.DataFrame | pd.Series):
        return cast(R, found.copy(deep=False))
    if isinstance(found, list):
        return cast(R, [_own_copy(item) for item in found])
    if isinstance(found, dict):
        return cast(R, {key: _own_copy(value) for key, value in found.items()})
    if is_dataclass(found) and not isinstance(found, type):
        frames = {
            item.name: _own_copy(getattr(found, item.name))
            for item in fields(found)
            if isinstance(getattr(found, item.name), pd.DataFrame | pd.Series | list | dict)
        }
        return replace(found, **frames) if frames else found
    return found


def cached(query: Callable[Concatenate[str, P], R]) -> Callable[P, R]:
    """`query` without its database argument, cached per database state and arguments.

    `query` is any read in lib whose first parameter is the database path
    (`lib.queries.*`, `lib.history.*`); the result is read once for every session, and each
    caller gets a copy of its own (`_own_copy`).
    """
    name = f"{query.__module__}.{query.__qualname__}"

    def read(*args: P.args, **options: P.kwargs) -> R:
        found = _read(
            query, name, str(db_path()), data_stamp(), args, tuple(sorted(options.items()))
        )
        return cast(R, _own_copy(found))

    # Not functools.wraps: that would give `read` the query's signature, database and all.
    read.__name__, read.__doc__ = query.__name__, query.__doc__
    return read


Q = TypeVar("Q")


def per_project(
    query: Callable[Concatenate[str, Filters, P], Q],
) -> Callable[Concatenate[Filters, P], Q]:
    """`cached(query)` read for every project the other filters allow, and narrowed to the
    chosen projects in memory (lib.view_sql.for_projects).

    Picking a project in the sidebar was a new read of the database on every page (a third
    to two thirds of the round trip's time, benchmarks/filter_round_trip.py): now it narrows
    the result read when the page was first shown. Only for views whose every row belongs
    to one project and is the same whichever other projects are chosen.
    """
    read = cached(query)

    def narrowed(filters: Filters, *args: P.args, **options: P.kwargs) -> Q:
        every = read(replace(filters, projects=()), *args, **options)
        return for_projects(every, filters.projects)

    narrowed.__name__, narrowed.__doc__ = query.__name__, query.__doc__
    return narrowed


def versions(readable: frozenset[str] | None = None) -> pd.DataFrame:
    """Every stored version, newest first (used by the sidebar and the banners); with
    `readable` (Filters.readable), those that touched a project the user may read."""
    return cached(queries.versions)(readable)


def status_day(version: int | None) -> dt.date:
    """The day statuses are judged on: today, or the day an older version shown was stored."""
    return cached(queries.status_day)(version, today())


def latest_version_number(readable: frozenset[str] | None = None) -> int:
    """The newest version's number (of those touching `readable`); 0 for an empty database."""
    known = versions(readable)
    return int(known["version"].max()) if not known.empty else 0

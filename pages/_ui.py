"""What every page shares: the database path, cached reads, and Norwegian labels.

Reads are cached per data stamp (the database file's size and modification time), so a
version stored by the command line while the app runs shows up on the next rerun, without a
restart and without opening the database to ask.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from lib import queries
from lib.contract import SHEETS_BY_KEY
from lib.store import default_db_path


def db_path() -> Path:
    return default_db_path()


def data_stamp() -> tuple[int, int]:
    """Changes whenever the database file does (DuckDB checkpoints on close)."""
    stamp = (0, 0)
    for path in (db_path(), Path(str(db_path()) + ".wal")):
        if path.exists():
            stat = path.stat()
            stamp = (stamp[0] + stat.st_mtime_ns, stamp[1] + stat.st_size)
    return stamp


def ensure_database() -> None:
    """On a fresh clone there is no database yet: build the demo so the app shows content."""
    if db_path().exists():
        return
    from lib.demo import build_demo_database

    with st.spinner("Bygger demodatabasen …"):
        build_demo_database(db_path())


@st.cache_data(show_spinner=False, max_entries=64)
def _sheet(path: str, stamp: tuple[int, int], key: str, version: int | None) -> pd.DataFrame:
    return queries.sheet_rows(path, key, version)


def sheet(key: str, version: int | None = None) -> pd.DataFrame:
    return _sheet(str(db_path()), data_stamp(), key, version)


@st.cache_data(show_spinner=False, max_entries=16)
def _versions(path: str, stamp: tuple[int, int]) -> pd.DataFrame:
    return queries.versions(path)


def versions() -> pd.DataFrame:
    return _versions(str(db_path()), data_stamp())


@st.cache_data(show_spinner=False, max_entries=16)
def _plan(path: str, stamp: tuple[int, int], today: dt.date, version: int | None) -> pd.DataFrame:
    return queries.evaluation_plan(path, today, version)


def evaluation_plan(version: int | None = None) -> pd.DataFrame:
    return _plan(str(db_path()), data_stamp(), dt.date.today(), version)


def labelled(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Columns renamed to the contract's Norwegian headings."""
    names = {column.db: column.name for column in SHEETS_BY_KEY[key].columns}
    return frame.rename(columns=names)

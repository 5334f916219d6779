"""Storage basics: opening the database, "as of version N", the latest version, the versions
per project, and the stored state an upload is checked against.

Every module that touches the database (store, snapshots, queries, history, preview, ingest)
opens it here and spells these basics only through here.

Opening. DuckDB lets one process write a file at a time, and a process holding a connection
locks the file. So no process keeps a connection: each unit of work opens one, does its work
and closes it, waiting while another process holds the file. That lets the command line load
while the app runs, and the app sees the new version on its next read.

- `connect` opens for writing (and creates a missing file as a new, empty database, or brings
  an older file's schema up to date: lib/schema.py).
- `reading` opens read-only. Several processes may read one file at once (two app servers, or
  `dump` while the app reads), but a read-only opening waits while another process writes, as a
  writer waits while any other process reads. Inside one process DuckDB shares one instance per
  file and refuses to open it read-only and read-write at the same time; so while this process
  writes (or waits to), `reading` joins the writing instance instead, and a writer waits for the
  process's read-only connections (each a few milliseconds) to close. A missing file, or one
  whose schema is older, is opened by `connect` once, which creates or migrates it.

A file that cannot be used raises StoreUnavailable (a StoreError) with a Norwegian message
naming the file, what is wrong and what to do: damaged (a bad header, a block whose checksum
fails, cut short) or not a database, found when it is opened or when a read meets the damaged
part; or read-only where writing is needed. A read-only file, or one in a read-only folder,
opens for reading as any other; writing to it is refused before DuckDB is asked, for root
too (for whom the system would allow it), so a file made read-only on purpose stays so.

SQL lives in the storage and query modules only: lib/schema.py (tables, migrations), this
module, lib/store.py and lib/snapshots.py (writing), lib/view_sql.py, lib/queries.py,
lib/history.py, lib/meeting_changes.py and lib/preview.py (reading). Parameters are named
(`$version`) and lists are passed as lists. Still DuckDB-specific, for a PostgreSQL store to
replace: the `$name` parameter style (psycopg spells it `%(name)s`); list parameters
(`unnest($x::VARCHAR[])`, `list_contains`, `len`); `arg_max`; `hash()` over a struct for row
keys and hashes, kept as `UBIGINT`; `date_diff`, `to_months`, `to_days`; `INSERT OR
IGNORE/REPLACE` and `CREATE OR REPLACE TEMP TABLE`; the `threads` and `checkpoint_threshold`
settings; Arrow
tables registered as views (the store and the preview); `range()` and `generate_subscripts`
(the risk matrix, the decision counts); `list_filter` with a lambda (the preview's changed
fields); `contains`; and the one-instance-per-file rules above. The rest (`count(*) FILTER`,
`coalesce`, `IS DISTINCT FROM`, `FULL JOIN`, CTEs, `GROUP BY` by name) is standard SQL.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from lib import schema
from lib.contract import GEVINSTER, PROJECT_COLUMN, SHEETS, SHEETS_BY_KEY

if TYPE_CHECKING:  # made where it is read: a page's read never imports the validator
    from lib.validate import KnownData

DEFAULT_DB = Path("data/styringsrom.duckdb")
LOCK_WAIT_SECONDS = 30.0
OPEN_VERSION = 2_147_483_647  # valid_to of a current row, for as-of comparisons


class StoreBusy(RuntimeError):
    """Another process held the database longer than we were willing to wait."""


class StoreError(RuntimeError):
    """The database cannot be used (e.g. written by a newer Styringsrom); message in Norwegian."""


class StoreUnavailable(StoreError):
    """The database file cannot be opened, read or written: damaged (a bad header, a block
    whose checksum fails, cut short), not a database, or read-only (the file or its folder)
    where writing is needed. The message, in Norwegian, names the file, what is wrong and
    what to do; the command line exits 2 on it, the app shows it instead of the page."""

    def __init__(self, path: Path, problem: str, advice: str) -> None:
        self.path, self.problem, self.advice = path, problem, advice
        super().__init__(f"Databasefilen {path} {problem} {advice}")


#: What to do with a damaged database file.
_RESTORE_ADVICE = (
    "Gjenopprett den fra en sikkerhetskopi (se README: «Sikkerhetskopi»), eller pek "
    "STYRINGSROM_DB (eller --db) på en annen databasefil. Ta vare på den skadede filen."
)
#: The DuckDB errors a damaged or unreadable file gives; a corrupt block may surface as a
#: plain `duckdb.Error` whose text says so.
_DAMAGE_TYPES = (
    duckdb.IOException,
    duckdb.InternalException,
    duckdb.FatalException,
    duckdb.SerializationException,
)
_DAMAGE_WORDS = ("corrupt", "checksum", "not a valid duckdb", "could not read", "invalidated")


def _unavailable(path: Path, error: duckdb.Error) -> StoreUnavailable | None:
    """The Norwegian StoreUnavailable for a DuckDB error that means the file cannot be used,
    or None for any other error (a bug, to be raised as it is)."""
    text = str(error).lower()
    if "permission denied" in text:
        return StoreUnavailable(
            path,
            "kan ikke åpnes: systemet nekter tilgang (filen eller mappen er "
            "skrivebeskyttet eller tilhører en annen bruker).",
            "Gi brukeren som kjører Styringsrom lesetilgang til filen, og skrivetilgang til "
            "filen og mappen den ligger i for å lagre.",
        )
    if not (isinstance(error, _DAMAGE_TYPES) or any(word in text for word in _DAMAGE_WORDS)):
        return None
    if "not a valid duckdb" in text:
        problem = "er ikke en Styringsrom-database: starten av filen (hodet) er ødelagt."
    elif "could not read enough bytes" in text:
        problem = "er skadet: filen er kortere enn den skal være (avkortet)."
    elif "checksum" in text or "corrupt" in text:
        problem = "er skadet: en del av filen har feil innhold (sjekksummen stemmer ikke)."
    else:
        problem = f"kan ikke leses ({str(error).splitlines()[0][:200]})."
    return StoreUnavailable(path, problem, _RESTORE_ADVICE)


@contextmanager
def _translated(path: Path) -> Iterator[None]:
    """DuckDB's errors for a file that cannot be used, as StoreUnavailable."""
    try:
        yield
    except duckdb.Error as error:
        unavailable = _unavailable(path, error)
        if unavailable is None:
            raise
        raise unavailable from error


def _may_write(path: Path) -> bool:
    """Whether `path` may be written: the system allows it (a read-only mount does not) and
    it is not marked read-only. The mark is respected for every user, root too, for whom the
    system itself would allow it: a file or folder made read-only on purpose stays so."""
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)


def refuse_writing_if_read_only(path: Path) -> None:
    """Raise StoreUnavailable when `path`, or the folder DuckDB writes its log into beside
    it, is read-only."""
    folder = path.parent
    if path.exists() and not _may_write(path):
        raise StoreUnavailable(
            path,
            "er skrivebeskyttet, så ingenting kan lagres.",
            "Visningene, `versions`, `dump`, `export` og `backup` virker. For å lagre: gi "
            f"skrivetilgang til filen (f.eks. `chmod u+w {path}`).",
        )
    if folder.exists() and not _may_write(folder):
        raise StoreUnavailable(
            path,
            f"ligger i en skrivebeskyttet mappe ({folder}), så ingenting kan lagres"
            + (" (og filen kan ikke opprettes)." if not path.exists() else "."),
            "Visningene, `versions`, `dump`, `export` og `backup` virker for en fil som "
            "finnes. For å lagre: gi skrivetilgang til mappen (DuckDB skriver en loggfil "
            "ved siden av databasen), eller flytt filen til en mappe med skrivetilgang.",
        )


def default_db_path() -> Path:
    return Path(os.environ.get("STYRINGSROM_DB") or DEFAULT_DB)


#: One writer per process; DuckDB's file lock guards across processes.
write_lock = threading.RLock()

_writing: Counter[str] = Counter()  # file -> read-write connections open or opening here
_writing_lock = threading.Lock()


def _is_lock_conflict(error: duckdb.Error) -> bool:
    text = str(error).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def _is_other_mode(error: duckdb.Error) -> bool:
    """This process has the file open read-write while a read-only opening is wanted, or the
    other way round (DuckDB keeps one instance per file per process)."""
    return "different configuration" in str(error).lower()


def _is_closing(error: duckdb.Error) -> bool:
    """This process's previous instance of the file is still being closed by another thread."""
    return "unique file handle conflict" in str(error).lower()


class _WritingHere(Exception):
    """A read-only opening met this process's read-write instance of the file."""


def _open(path: Path, read_only: bool, key: str | None = None) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, waiting (up to LOCK_WAIT_SECONDS) while the file is held elsewhere.

    A read-only opening that meets this process's read-write instance raises _WritingHere
    at once (the caller joins that instance instead); a read-write opening that meets
    read-only connections waits for them to close.
    """
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    delay = 0.002
    while True:
        if key is not None:
            # This process's shared read-only connections (`shared_reads`) would keep a
            # read-write opening waiting: each is closed as soon as no read is using it.
            _close_idle_shared(key)
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as error:
            if read_only and _is_other_mode(error):
                raise _WritingHere from error
            if not (_is_lock_conflict(error) or _is_other_mode(error) or _is_closing(error)):
                raise
            if time.monotonic() > deadline:
                raise StoreBusy(
                    "Databasen er opptatt av en annen prosess; prøv igjen om litt."
                ) from error
            time.sleep(delay)
            # Start short: a conflict inside this process ends within milliseconds.
            delay = min(delay * 2, 0.25)


def _check_not_newer(version: int) -> None:
    if version > schema.SCHEMA_VERSION:
        raise StoreError(
            f"Databasen har skjemaversjon {version}, men denne versjonen av Styringsrom "
            f"kjenner bare versjon {schema.SCHEMA_VERSION}. Oppdater programmet."
        )


@contextmanager
def connect(path: Path | str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-write connection with the schema in place; a missing file becomes
    a new, empty database. Waits while another process holds the file. A file that cannot
    be used (damaged, read-only, in a read-only folder) raises StoreUnavailable, also when a
    read in the caller's block finds a damaged part."""
    path = Path(path) if path is not None else default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    refuse_writing_if_read_only(path)
    key = str(path.resolve())
    with _writing_lock:
        _writing[key] += 1
    try:
        with _translated(path):
            connection = _open(path, read_only=False, key=key)
            try:
                # Every commit checkpoints straight into the file: the connection closes
                # right after, and closing would checkpoint anyway, so a write-ahead log
                # would only write it twice.
                connection.execute("SET checkpoint_threshold = '1KB'")
                version = schema.stored_version(connection)
                _check_not_newer(version)
                if not schema.is_current(connection, version):
                    with write_lock:
                        schema.migrate(connection)
                yield connection
            finally:
                connection.close()
    finally:
        with _writing_lock:
            _writing[key] -= 1
            if not _writing[key]:
                del _writing[key]


@contextmanager
def reading(path: Path | str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection for reading only: read-only where it can be (see the module
    docstring), read-write when this process is writing the file, when the file is missing
    (it becomes a new, empty database) or when its schema must be brought up to date.

    A read-only file, or one in a read-only folder, opens for reading as any other; a file
    that cannot be used raises StoreUnavailable (see `connect`)."""
    path = Path(path) if path is not None else default_db_path()
    with _writing_lock:
        writing = bool(_writing.get(str(path.resolve())))
    slot = _shared_slot(path)
    if slot is not None and slot.connection is None and not writing and path.exists():
        opened = _open_current(path)
        with _shared_lock:
            slot.connection = opened
    if slot is not None and slot.take():
        try:
            with _translated(path):
                yield slot.connection  # type: ignore[misc]
        finally:
            slot.release()
        return
    connection = None
    if not writing and path.exists():
        with suppress(_WritingHere), _translated(path):
            connection = _open(path, read_only=True)
    if connection is None:
        with connect(path) as joined:
            yield joined
        return
    try:
        with _translated(path):
            version = schema.stored_version(connection)
            _check_not_newer(version)
            current = schema.is_current(connection, version)
    except BaseException:
        connection.close()
        raise
    if not current:
        connection.close()
        with connect(path) as migrated:
            yield migrated
        return
    try:
        with _translated(path):
            yield connection
    finally:
        connection.close()


@dataclass(eq=False)
class _SharedReads:
    """One thread's shared read-only connection to one file (`shared_reads`)."""

    key: str
    connection: duckdb.DuckDBPyConnection | None = None
    in_use: int = 0

    def take(self) -> bool:
        """Mark the connection in use; False when there is none (closed for a writer)."""
        with _shared_lock:
            if self.connection is None:
                return False
            self.in_use += 1
            return True

    def release(self) -> None:
        with _shared_lock:
            self.in_use -= 1

    def close(self) -> None:
        with _shared_lock:
            connection, self.connection = self.connection, None
        if connection is not None:
            connection.close()


_shared = threading.local()
_shared_lock = threading.Lock()
#: Every thread's shared reads, per file: a writer closes the idle ones.
_all_shared: defaultdict[str, set[_SharedReads]] = defaultdict(set)


def _close_idle_shared(key: str) -> None:
    with _shared_lock:
        idle = [slot for slot in _all_shared.get(key, ()) if slot.connection and not slot.in_use]
        connections = [slot.connection for slot in idle]
        for slot in idle:
            slot.connection = None
    for connection in connections:
        connection.close()  # type: ignore[union-attr]


def _shared_slot(path: Path) -> _SharedReads | None:
    slot = getattr(_shared, "slot", None)
    return slot if slot is not None and slot.key == str(path.resolve()) else None


def _open_current(path: Path) -> duckdb.DuckDBPyConnection | None:
    """A read-only connection to a file whose schema is current; None when it cannot be had
    that way (this process writes the file, or it needs migrating): `reading` then opens as
    it always does."""
    connection = None
    with suppress(_WritingHere), _translated(path):
        connection = _open(path, read_only=True)
    if connection is None:
        return None
    try:
        with _translated(path):
            version = schema.stored_version(connection)
            _check_not_newer(version)
            if schema.is_current(connection, version):
                return connection
    except BaseException:
        connection.close()
        raise
    connection.close()
    return None


@contextmanager
def shared_reads(path: Path | str | None = None) -> Iterator[None]:
    """Within this block, every `reading(path)` on this thread uses one read-only connection,
    opened at the first read and closed at the end.

    For one run of a page: opening the file costs tens of milliseconds, and a page whose
    filters changed makes a dozen reads. The file is held only for the block (a run takes a
    fraction of a second), so another process that wants to write waits at most that long.
    A write in this process (`connect`, on any thread) closes the shared connection as soon
    as no read is using it; the block's next read joins the writer's instance instead.
    """
    path = Path(path) if path is not None else default_db_path()
    outer = getattr(_shared, "slot", None)
    slot = _SharedReads(str(path.resolve()))
    with _shared_lock:
        _all_shared[slot.key].add(slot)
    _shared.slot = slot
    try:
        yield
    finally:
        _shared.slot = outer
        with _shared_lock:
            _all_shared[slot.key].discard(slot)
            if not _all_shared[slot.key]:
                del _all_shared[slot.key]
        slot.close()


class OpeningConnection:
    """A `connect(path)` opened in a thread while the caller does other work; a context
    manager that closes it.

    A load opens the store this way as soon as the parsed cells arrive and validates them
    meanwhile, so opening the file and checking its schema (~15 ms) costs no time. The file
    is held from then on (during the validation, ~40 ms for a 50,000-row register, even when
    it finds errors), not while the workbook is still being parsed. Closing never waits for a
    connection still being opened (another process may hold the file for a while): the
    thread closes it when it gets it.
    """

    def __init__(self, path: Path | str | None) -> None:
        self._stack = ExitStack()
        self._lock = threading.Lock()
        self._closed = False
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._error: BaseException | None = None
        # Not a daemon: a process that ends while the thread is inside duckdb.connect would
        # abort ("exception not rethrown"); the interpreter waits for the opening instead
        # (bounded by LOCK_WAIT_SECONDS), and the thread closes what it opened.
        self._thread = threading.Thread(target=self._open, args=(path,), daemon=False)
        self._thread.start()

    def _open(self, path: Path | str | None) -> None:
        try:
            connection = self._stack.enter_context(connect(path))
        except BaseException as error:  # raised to the caller by `connection()`
            self._error = error
            return
        with self._lock:
            self._connection = connection
            if self._closed:
                self._stack.close()

    def connection(self) -> duckdb.DuckDBPyConnection:
        """The open connection; waits for it, and raises what opening it raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        if self._connection is None or self._closed:
            raise StoreError("Tilkoblingen til databasen er lukket.")
        return self._connection

    def close(self) -> None:
        with self._lock:
            if not self._closed and self._connection is not None:
                self._stack.close()
            self._closed = True

    def __enter__(self) -> OpeningConnection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# ---------------------------------------------------------------------------------------------
# Versions


def readable_list(readable: Collection[str] | None) -> list[str] | None:
    """`readable` as the `$readable` parameter: a sorted list, or None for every project."""
    return None if readable is None else sorted(readable)


def readable_sql(column: str, parameter: str = "readable") -> str:
    """SQL: `column` names a project the actor may read (`$readable` NULL: every project;
    an empty list: none)."""
    return f"(${parameter}::VARCHAR[] IS NULL OR list_contains(${parameter}::VARCHAR[], {column}))"


def as_of(alias: str = "", version: str = "version") -> str:
    """SQL: the rows of table `alias` valid in the version in parameter `$version`.

    A row is valid from `valid_from` up to (not including) `valid_to`; a current row has
    valid_to NULL. The one spelling of "as of version N" for every read.
    """
    prefix = f"{alias}." if alias else ""
    return (
        f"{prefix}valid_from <= ${version} "
        f"AND coalesce({prefix}valid_to, {OPEN_VERSION}) > ${version}"
    )


def latest_version_in(connection: duckdb.DuckDBPyConnection) -> int:
    """The newest version number; 0 for an empty database."""
    row = connection.execute("SELECT coalesce(max(version), 0) FROM versions").fetchall()[0]
    return int(row[0]) if row else 0


def latest_version(path: Path | str | None = None) -> int:
    with reading(path) as connection:
        return latest_version_in(connection)


def version_or_latest(connection: duckdb.DuckDBPyConnection, version: int | None) -> int:
    """`version`, or the latest one when None."""
    return latest_version_in(connection) if version is None else version


def project_versions_in(
    connection: duckdb.DuckDBPyConnection, projects: Iterable[str], as_of: int | None = None
) -> dict[str, int]:
    """Project -> the latest version (up to `as_of`) that touched it; 0 when none has."""
    wanted = sorted(set(projects))
    rows = connection.execute(
        """SELECT prosjekt_id, max(version) FROM version_projects
        WHERE prosjekt_id IN (SELECT unnest($projects::VARCHAR[]))
          AND ($as_of IS NULL OR version <= $as_of)
        GROUP BY prosjekt_id""",
        {"projects": wanted, "as_of": as_of},
    ).fetchall()
    found = {str(project): int(version) for project, version in rows}
    return {project: found.get(project, 0) for project in wanted}


def every_project_version_in(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Project -> the latest version that touched it, for every project any version touched
    (also those whose rows a rollback has since removed)."""
    rows = connection.execute(
        "SELECT prosjekt_id, max(version) FROM version_projects GROUP BY prosjekt_id"
    ).fetchall()
    return {str(project): int(version) for project, version in rows}


# ---------------------------------------------------------------------------------------------
# What the write path checks an upload against


@dataclass(frozen=True)
class StoredState:
    """What an upload is checked and stored against, read in one snapshot."""

    known: KnownData
    # project -> the latest version that touched it, for every project any version touched
    # (also those whose rows a rollback has since removed); a project not here has none
    project_versions: dict[str, int]


def known_data_in(connection: duckdb.DuckDBPyConnection, version: int | None = None) -> KnownData:
    """The IDs an upload may refer to without repeating them, as of `version` (default:
    latest), on an open connection."""
    from lib.validate import KnownData

    params = {"version": version_or_latest(connection, version)}
    # Every project any current row names, not only those in Prosjekter: a project first
    # stored with `load --project X` has rows but no Prosjekter row, and its export must
    # load back unchanged.
    every_table = " UNION ".join(
        f"SELECT {PROJECT_COLUMN} FROM {sheet.table} WHERE {as_of()}" for sheet in SHEETS
    )
    projects = {row[0] for row in connection.execute(every_table, params).fetchall()}
    ids = {}
    for key in ("gevinster", "anbefalinger"):
        id_column = SHEETS_BY_KEY[key].id_columns[0]
        ids[key] = set(
            connection.execute(
                f"SELECT {PROJECT_COLUMN}, {id_column} FROM {key} WHERE {as_of()}", params
            ).fetchall()
        )
    benefit_types = {
        (row[0], row[1]): row[2]
        for row in connection.execute(
            f"SELECT prosjekt_id, gevinst_id, type FROM {GEVINSTER.table} WHERE {as_of()}",
            params,
        ).fetchall()
    }
    children = {}
    for child in SHEETS:
        if child.parent is not None:
            parent_column = child.parent[0]
            children[child.key] = {
                (row[0], row[1]): int(row[2])
                for row in connection.execute(
                    f"""SELECT {PROJECT_COLUMN}, {parent_column}, count(*) FROM {child.table}
                        WHERE {as_of()} GROUP BY {PROJECT_COLUMN}, {parent_column}""",
                    params,
                ).fetchall()
            }
    return KnownData(projects, ids, benefit_types, children)


def known_data(path: Path | str | None = None) -> KnownData:
    """The IDs an upload may refer to without repeating them."""
    with reading(path) as connection:
        return known_data_in(connection)


def stored_state_in(connection: duckdb.DuckDBPyConnection) -> StoredState:
    return StoredState(known_data_in(connection), every_project_version_in(connection))


def stored_state(path: Path | str | None = None) -> StoredState:
    with reading(path) as connection:
        return stored_state_in(connection)

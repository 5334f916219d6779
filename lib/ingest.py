"""One workbook file -> a new version: read, validate against what is stored, preview, store.

Two ways in:

- the command line (`load_file`): check and store in one go; if someone else stores the same
  project between the check and the store, it checks again against the new data (a few times);
- the app (`check_upload_bytes`, then `store_checked`): the uploaded bytes go to a temporary
  file that lib.read parses in a child process; the check and its preview are shown; only when
  the person confirms is it stored, and only if nobody stored the same projects meanwhile
  (otherwise lib.store.ConcurrentUpload, and the app checks and previews again).
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import threading
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from lib import wording
from lib.access import Actor
from lib.contract import PROJECT_COLUMN, SHEETS, SHEETS_BY_KEY, STATUS
from lib.db import (
    OpeningConnection,
    StoredState,
    StoreError,
    known_data,
    known_data_in,
    latest_version_in,
    reading,
    stored_state,
)
from lib.queries import sheet_rows
from lib.read import (
    SUFFIXES,
    PendingRead,
    RawSheet,
    RawWorkbook,
    UnreadableFile,
    start_reading,
    yield_to_the_parse,
)
from lib.store import STATUS_FORM_KIND as STATUS_FORM_KIND
from lib.store import (
    ConcurrentUpload,
    StoredVersion,
    file_sha256,
    rows_not_stored_in,
    store_upload,
    stored_projects_in,
    upload_projects,
)
from lib.validate import Problem, ValidatedUpload, validate
from lib.validate.similar import SimilarProject, new_projects, similar_projects

if TYPE_CHECKING:  # the preview is the app's; a load from the command line never imports pandas
    import datetime as dt

    from lib.preview import UploadPreview

# Arrow's default allocator (mimalloc) keeps the scratch memory of validation resident; the
# system allocator gives it back, which keeps a 50,000-row load some 35 MB smaller.
pa.set_memory_pool(pa.system_memory_pool())

#: How often the command line checks again when others keep storing the same project.
STORE_ATTEMPTS = 3


@dataclass
class LoadResult:
    upload: ValidatedUpload
    stored: StoredVersion | None = None
    notices: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.stored is not None


@dataclass
class CheckedUpload:
    """A file read and validated against version `base_version`; previewed when valid."""

    upload: ValidatedUpload
    sha256: str
    base_version: int
    preview: UploadPreview | None = None

    @property
    def ok(self) -> bool:
        return self.upload.ok and self.preview is not None

    @property
    def file_name(self) -> str:
        return self.upload.file_name


def _raw(path: Path | str, file_name: str | None, pending: PendingRead | RawWorkbook | None):
    if pending is None:
        pending = start_reading(path, file_name)
    return pending


def check_file(
    db: Path | str | None,
    path: Path | str,
    file_name: str | None = None,
    project: str | None = None,
    pending: PendingRead | RawWorkbook | None = None,
) -> ValidatedUpload:
    """Read and validate a file against the stored data; raises UnreadableFile.

    `pending` is a parse already started with lib.read.start_reading.
    """
    pending = _raw(path, file_name, pending)
    known = known_data(db)  # while the child parses
    raw = pending if isinstance(pending, RawWorkbook) else pending.result()
    upload = validate(raw, known, project)
    if upload.ok and upload.required_absent:
        with reading(db) as connection:
            check_new_rows(connection, upload)
    return upload


def check_upload(
    db: Path | str | None,
    path: Path | str,
    file_name: str | None = None,
    project: str | None = None,
    *,
    sha256: str | None = None,
    renamed_projects: dict[str, str] | None = None,
) -> CheckedUpload:
    """Read, validate and (when valid) preview a file, without storing; raises UnreadableFile.

    The stored data is read once the file is parsed, on one read-only connection and in one
    transaction: the version the check is made against (`base_version`), what an upload may
    refer to as of it, and the preview against it. If anything is stored afterwards, storing
    the result refuses rather than trusting a stale check. `sha256` is the file's, when the
    caller has it already (the app hashes the bytes it received). `renamed_projects` loads a
    project of the workbook onto a stored one (see lib.validate.validate).
    """
    pending = start_reading(path, file_name)
    sha256 = sha256 or file_sha256(path)  # while the child parses
    raw = pending.result()
    with reading(db) as connection:
        connection.execute("BEGIN TRANSACTION")
        try:
            base = latest_version_in(connection)
            upload = validate(raw, known_data_in(connection, base), project, renamed_projects)
            del raw
            checked = CheckedUpload(upload, sha256, base)
            if upload.ok:
                check_new_rows(connection, upload, base)
            if upload.ok:
                from lib.preview import preview_in

                checked.preview = preview_in(connection, upload, base)
        finally:
            connection.execute("ROLLBACK")
    return checked


def check_upload_bytes(
    db: Path | str | None,
    data: bytes,
    file_name: str,
    project: str | None = None,
    renamed_projects: dict[str, str] | None = None,
) -> CheckedUpload:
    """Check an uploaded file's bytes: written to a temporary file, parsed in a child process.

    The temporary file is removed before this returns, whatever happens.
    """
    suffix = Path(file_name).suffix.lower()
    suffix = suffix if suffix in SUFFIXES else ".bin"  # the reader refuses it by `file_name`
    sha256 = hashlib.sha256(data).hexdigest()
    with tempfile.TemporaryDirectory(prefix="styringsrom-opplasting-") as folder:
        path = Path(folder) / f"opplasting{suffix}"
        path.write_bytes(data)
        return check_upload(
            db, path, file_name, project, sha256=sha256, renamed_projects=renamed_projects
        )


def store_checked(
    db: Path | str | None,
    checked: CheckedUpload,
    *,
    actor: Actor,
    configured_admins: Iterable[str] = (),
) -> StoredVersion:
    """Store a checked, valid upload as previewed, as `actor` (who needs the role
    `opplaster` for every project it writes: `projects_written`); raises ConcurrentUpload
    if it went stale, lib.access.Forbidden if the actor may not."""
    if not checked.ok or checked.preview is None:
        raise ValueError("only a valid, previewed upload can be stored")
    return store_upload(
        db,
        checked.upload.tables,
        checked.upload.scope,
        actor=actor,
        configured_admins=configured_admins,
        file_name=checked.upload.file_name,
        sha256=checked.sha256,
        expected_versions=checked.preview.expected_versions,
        removed_with_parents=checked.upload.removed_with_parents,
        absent=checked.upload.absent_columns(),
        keyed=checked.upload.keyed_sheets,
    )


def load_file(
    db: Path | str | None,
    path: Path | str,
    *,
    actor: Actor,
    configured_admins: Iterable[str] = (),
    pending: PendingRead | RawWorkbook | None = None,
    created_at: dt.datetime | None = None,
    project: str | None = None,
    file_name: str | None = None,
) -> LoadResult:
    """Validate a file and, when it has no errors, store it as a new version (stored at
    `created_at`, default now: see `store_upload`) as `actor`, who needs the role
    `opplaster` for every project it writes (else lib.access.Forbidden, nothing stored).

    If another process stores the same project between the check and the store, the file is
    read and validated again against the new data, and stored then. (The parsed cells are not
    kept for that rare case: a 50,000-row register's cells are ~40 MB held during the store.)
    """
    pending = _raw(path, file_name, pending)
    for attempt in range(1, STORE_ATTEMPTS + 1):
        preparing = _Preparation(db, path)  # while the child parses
        try:
            raw = pending if isinstance(pending, RawWorkbook) else pending.result()
        except BaseException:
            preparing.wait()  # never leave it holding (or migrating) the database
            raise
        stored, sha256 = preparing.result()
        try:
            # The store's connection opens while the cells are validated (and then holds the
            # file for the validation's few tens of milliseconds).
            with OpeningConnection(db) as opened:
                upload = validate(raw, stored.known, project)
                del raw
                result = LoadResult(upload, notices=upload.notices)
                if upload.ok and upload.required_absent:
                    check_new_rows(opened.connection(), upload)
                if not upload.ok:
                    return result
                seen = stored.project_versions
                similar = _similar_projects(opened, upload, stored.known.projects)
                result.stored = store_upload(
                    db,
                    upload.tables,
                    upload.scope,
                    actor=actor,
                    configured_admins=configured_admins,
                    file_name=upload.file_name,
                    sha256=sha256,
                    expected_versions={p: seen.get(p, 0) for p in upload.touched_projects()},
                    opened=opened,
                    created_at=created_at,
                    removed_with_parents=upload.removed_with_parents,
                    absent=upload.absent_columns(),
                    keyed=upload.keyed_sheets,
                )
                result.notices.extend(found.notice() for found in similar)
        except ConcurrentUpload:
            if attempt == STORE_ATTEMPTS:
                raise
            pending = start_reading(path, file_name)
            continue
        return result
    raise AssertionError("unreachable")


#: At most this many row numbers are named in an error about new rows.
NAMED_ROWS = 10


def projects_written(upload: ValidatedUpload) -> set[str]:
    """Every project storing `upload` writes rows of (lib.store.upload_projects)."""
    return upload_projects(upload.scope, upload.removed_with_parents)


def check_new_rows(
    connection: duckdb.DuckDBPyConnection, upload: ValidatedUpload, version: int | None = None
) -> None:
    """An error for each required column a sheet leaves out while it has new rows: a stored
    row keeps its value, a new row has none (see `ValidatedUpload.required_absent`)."""
    for key, columns in upload.required_absent.items():
        sheet = SHEETS_BY_KEY[key]
        table = upload.tables.get(key)
        if table is None:
            continue
        new = rows_not_stored_in(connection, sheet, table, upload.scope[key], version)
        if not new:
            continue
        shown = ", ".join(str(row) for row in new[:NAMED_ROWS])
        shown += ", …" if len(new) > NAMED_ROWS else ""
        for column in sheet.columns:
            if column.db not in columns:
                continue
            rows = wording.count(len(new), "ny rad", "nye rader")
            upload.errors.append(
                Problem(
                    upload.sheet_names.get(key, sheet.name),
                    new[0],
                    column.name,
                    "",
                    f"kolonnen i arket: arket har {rows} (rad {shown}) som ikke er lagret fra "
                    f"før, og en ny rad må ha {column.name}. Ta med kolonnen, eller bare rader "
                    "som er lagret (de beholder verdiene sine)",
                )
            )


def _similar_projects(
    opened: OpeningConnection, upload: ValidatedUpload, stored_projects: set[str]
) -> list[SimilarProject]:
    """The upload's new projects that are likely stored ones; read only when it has one."""
    if not stored_projects or not new_projects(upload, stored_projects):
        return []
    stored = stored_projects_in(
        opened.connection(), recommendations="anbefalinger" in upload.tables
    )
    return similar_projects(upload, stored)


class _Preparation:
    """What storing needs besides the cells (what is stored, the file's sha256), read while
    the child parses in a thread that gives way to the parse (lib.read.yield_to_the_parse):
    on two cores it does not slow the parse, and it is usually done well before the parse
    (not when it must wait for a busy database, or migrate an older file first)."""

    def __init__(self, db: Path | str | None, path: Path | str) -> None:
        self._result: tuple[StoredState, str] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(db, path), name="load-preparation", daemon=True
        )
        self._thread.start()

    def _run(self, db: Path | str | None, path: Path | str) -> None:
        yield_to_the_parse(10)
        try:
            self._result = (stored_state(db), file_sha256(path))
        except BaseException as error:  # raised to the caller by `result()`
            self._error = error

    def wait(self) -> None:
        self._thread.join()

    def result(self) -> tuple[StoredState, str]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


#: The file name a report written in the app is stored under (versions.file_name, Historikk).
STATUS_FORM_FILE = "Statusrapport skrevet i appen"


class StatusReportInvalid(StoreError):
    """A report written in the app has values the contract does not accept; nothing stored.
    The message (Norwegian) lists every problem as an upload's error list would; `problems`
    holds them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(
            "Statusrapporten ble ikke lagret: "
            + "; ".join(problem.as_text() for problem in problems)
            + "."
        )


def status_report_sheet(project: str, values: dict[str, object]) -> RawSheet:
    """One report as the Status sheet of a workbook: the contract's headings and one row, the
    cells as a person would type them (`values` by column, db names: `rapportdato`,
    `fremdrift`, …; a column not given is an empty cell)."""
    from lib.read.csv_file import sheet_from_rows

    columns = {column.db for column in STATUS.columns}
    unknown = sorted(set(values) - columns)
    if unknown:
        raise ValueError(f"not columns of the Status sheet: {unknown}")
    headings = [column.name for column in STATUS.columns]
    row = [
        project if column.db == PROJECT_COLUMN else values.get(column.db)
        for column in STATUS.columns
    ]
    return sheet_from_rows(STATUS.name, [headings, row])


def store_status_report(
    db: Path | str | None,
    project: str,
    values: dict[str, object],
    *,
    actor: Actor,
    configured_admins: Iterable[str] = (),
    created_at: dt.datetime | None = None,
) -> LoadResult:
    """Store one status report written in the app as a new version, as an upload of a Status
    sheet with one row would be: the same validation (lib.validate) and store
    (lib.store.store_upload), so it is audited (`opplasting`, with the file name
    `STATUS_FORM_FILE`), shows in Historikk, and a report with the same Rapportdato replaces
    the stored one (the sheet's key) while the others stay.

    `values`: the Status sheet's columns by db name (`rapportdato`, `overordnet_status`,
    `fremdrift`, `fremdrift_kommentar`, …, `budsjett`, `palopt`, `prognose`,
    `rapportert_av`); a light is a phrase of the contract (None: not assessed). Raises
    StatusReportInvalid with every problem (naming sheet, row, column and value) when the
    contract refuses a value, StoreError for a project not stored or not readable,
    lib.access.Forbidden when `actor` may not upload for `project`: nothing is stored then.
    """
    sheet = status_report_sheet(project, values)
    for attempt in range(1, STORE_ATTEMPTS + 1):
        stored = stored_state(db)
        if project not in stored.known.projects:
            from lib.access import NO_ACCESS

            raise StoreError(f"Prosjektet {project} {NO_ACCESS}.")
        upload = validate(RawWorkbook(STATUS_FORM_FILE, [sheet]), stored.known, project)
        if not upload.ok:
            raise StatusReportInvalid(upload.errors)
        try:
            version = store_upload(
                db,
                upload.tables,
                upload.scope,
                actor=actor,
                configured_admins=configured_admins,
                file_name=STATUS_FORM_FILE,
                kind=STATUS_FORM_KIND,
                expected_versions={
                    touched: stored.project_versions.get(touched, 0)
                    for touched in upload.touched_projects()
                },
                created_at=created_at,
                absent=upload.absent_columns(),
                keyed=upload.keyed_sheets,
            )
        except ConcurrentUpload:
            if attempt == STORE_ATTEMPTS:
                raise
            continue
        return LoadResult(upload, version, upload.notices)
    raise AssertionError("unreachable")


def error_summary(upload: ValidatedUpload) -> str:
    """`«fil.xlsx» har 12 feil i 2 ark (Risiko: 10, Milepæler: 2).` — for the top of a list."""
    per_sheet = Counter(problem.sheet or "arbeidsboken" for problem in upload.errors)
    count = len(upload.errors)
    where = ", ".join(f"{sheet}: {n}" for sheet, n in per_sheet.items())
    # "feil" and "ark" are the same in singular and plural.
    return f"«{upload.file_name}» har {count} feil i {len(per_sheet)} ark ({where})."


def stored_summary(stored: StoredVersion) -> str:
    """`Risiko: 1 nye, 2 endret, 0 fjernet.` for the sheets a stored version changed."""
    names = {sheet.key: sheet.name for sheet in SHEETS}
    parts = [
        f"{names[key]}: {change.added} nye, {change.changed} endret, {change.removed} fjernet"
        for key, change in stored.changes.items()
        if change.added or change.changed or change.removed
    ]
    return ("; ".join(parts) or "Ingen rader ble endret") + "."


def template_bytes() -> bytes:
    """The empty template as .xlsx bytes, for a download."""
    from lib.exports import write_export  # openpyxl: imported only when a workbook is written

    buffer = io.BytesIO()
    write_export(buffer, {})
    return buffer.getvalue()


def export_bytes(
    db: Path | str | None,
    project: str | None = None,
    version: int | None = None,
    readable: Collection[str] | None = None,
) -> bytes:
    """The stored data (one project, or all) as a filled-in template, for editing and uploading.
    `readable`: only these projects (the reader's; None: every project).

    Loading it back unchanged changes nothing.
    """
    from lib.exports import write_export  # openpyxl: imported only when a workbook is written

    tables = {}
    for sheet in SHEETS:
        rows = sheet_rows(db, sheet.key, version)
        if project is not None:
            rows = rows[rows[PROJECT_COLUMN] == project].reset_index(drop=True)
        if readable is not None:
            rows = rows[rows[PROJECT_COLUMN].isin(list(readable))].reset_index(drop=True)
        tables[sheet.key] = rows
    buffer = io.BytesIO()
    write_export(buffer, tables)
    return buffer.getvalue()


__all__ = [
    "STATUS_FORM_FILE",
    "STATUS_FORM_KIND",
    "CheckedUpload",
    "LoadResult",
    "StatusReportInvalid",
    "UnreadableFile",
    "check_file",
    "check_upload",
    "check_upload_bytes",
    "error_summary",
    "export_bytes",
    "load_file",
    "projects_written",
    "status_report_sheet",
    "store_checked",
    "store_status_report",
    "stored_summary",
    "template_bytes",
]

"""One workbook file -> a new version: read, validate against what is stored, store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lib.queries import known_data
from lib.read import PendingRead, RawWorkbook, start_reading
from lib.store import StoredVersion, file_sha256, store_upload
from lib.validate import Problem, ValidatedUpload, validate


@dataclass
class LoadResult:
    upload: ValidatedUpload
    stored: StoredVersion | None = None
    notices: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.stored is not None


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
    if pending is None:
        pending = start_reading(path, file_name)
    known = known_data(db)  # while the child parses
    raw = pending if isinstance(pending, RawWorkbook) else pending.result()
    return validate(raw, known, project)


def load_file(
    db: Path | str | None,
    path: Path | str,
    *,
    by: str | None = None,
    project: str | None = None,
    file_name: str | None = None,
    pending: PendingRead | RawWorkbook | None = None,
) -> LoadResult:
    """Validate a file and, when it has no errors, store it as a new version."""
    upload = check_file(db, path, file_name, project, pending)
    result = LoadResult(upload, notices=upload.notices)
    if upload.ok:
        result.stored = store_upload(
            db,
            upload.tables,
            upload.scope,
            by=by,
            file_name=upload.file_name,
            sha256=file_sha256(path),
        )
    return result

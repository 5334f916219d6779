"""The demo portfolio: five projects from the seed documents, uploaded as several versions.

The content is drawn from the five public documents the product was designed from (Østre Toten's
OU project part 2, Askøy's Tillitsmodellen, NTNU's BOTT ØL roll-out and BEVISST plan, Åmot's
reorganisation), with their dates moved into 2025–2027 so that the demo is live on
`TODAY` (2026-11-26): evaluations are overdue, due soon and planned; milestones are done, late
and ahead; risks rise, fall, close and appear between uploads.

The content is data, not code: `data/demo/` holds one folder per upload with one CSV file per
sheet, as a leader saves them from Excel (see its README.md), the list of uploads
(`opplastinger.csv`) and the meeting that locked one of them (`møter.csv`). This module only
loads them: each upload's CSV files go through the real reader (lib.read, one sheet per CSV
file), and the sheets, together as one workbook, are validated and stored by
lib.ingest.load_file, the command line's upload, on the day the upload was filled in. So the
demo is validated exactly like an upload from a person.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from lib import meetings
from lib.access import Actor
from lib.contract import PROJECT_COLUMN, SHEETS, Kind, sheet_for_name
from lib.db import StoreError, default_db_path, latest_version
from lib.ingest import load_file
from lib.parse import parse_date
from lib.read import RawWorkbook, read_workbook
from lib.snapshots import lock_for_meeting
from lib.validate import KnownData, ValidatedUpload, validate

if TYPE_CHECKING:
    import pyarrow as pa

#: The demo's files: found next to the code, whatever the working directory.
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
#: The day the demo is made to be shown on: every status of the evaluation plan occurs then.
TODAY = dt.date(2026, 11, 26)

#: An upload: (file name, uploaded by, the day it was filled in, its projects).
Upload = tuple[str, str, dt.date, tuple[str, ...]]
#: A meeting: (name, day, the file name of the upload it locked).
Meeting = tuple[str, dt.date, str]


def _records(path: Path) -> list[dict[str, str]]:
    """The rows of one of the demo's own lists (semicolons, a heading row), by heading."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            {heading: (value or "").strip() for heading, value in row.items()}
            for row in csv.DictReader(handle, delimiter=";")
        ]


def _day(text: str, where: Path) -> dt.date:
    day = parse_date(text)
    if day is None:
        raise ValueError(f"{where.name}: en rad mangler dato")
    return day


def _read_uploads() -> tuple[Upload, ...]:
    path = DATA_DIR / "opplastinger.csv"
    return tuple(
        (
            row["Filnavn"],
            row["Lastet opp av"],
            _day(row["Dato"], path),
            tuple(project.strip() for project in row["Prosjekter"].split(",")),
        )
        for row in _records(path)
    )


def _read_meetings() -> tuple[Meeting, ...]:
    path = DATA_DIR / "møter.csv"
    return tuple((row["Møte"], _day(row["Dato"], path), row["Grunnlag"]) for row in _records(path))


#: The uploads in order, from data/demo/opplastinger.csv.
UPLOADS: tuple[Upload, ...] = _read_uploads()
#: The steering-group meetings, from data/demo/møter.csv: each past one locked the upload it was
#: based on (the September status), which gives "Endringer siden sist møte" something to show,
#: and was closed on its day; one without a basis is the next meeting, planned and not locked.
MEETINGS: tuple[Meeting, ...] = _read_meetings()
_LOCKED = [meeting for meeting in MEETINGS if meeting[2]]
#: The last meeting held (name, day) and the file name of the upload it locked.
MEETING: tuple[str, dt.date] = _LOCKED[-1][:2]
MEETING_UPLOAD: str = _LOCKED[-1][2]
#: Who plans and closes the demo's meetings.
SECRETARIAT = "Porteføljekontoret"


def _upload_folder(file_name: str, day: dt.date) -> Path:
    """The folder of one upload's CSV files: `2026-09-18 Porteføljestatus 2026-09`."""
    return DATA_DIR / f"{day:%Y-%m-%d} {Path(file_name).stem}"


def _sheet_files(folder: Path) -> list[Path]:
    """The folder's CSV files in the template's sheet order (unknown names last)."""
    order = {sheet.key: index for index, sheet in enumerate(SHEETS)}

    def position(path: Path) -> tuple[int, str]:
        sheet = sheet_for_name(path.stem)
        return (order[sheet.key] if sheet else len(order), path.name)

    files = sorted(folder.glob("*.csv"), key=position)
    if not files:
        raise FileNotFoundError(f"Demodataene mangler mappen «{folder.name}» med CSV-filer.")
    return files


def _read_upload(file_name: str, day: dt.date) -> RawWorkbook:
    """One upload's CSV files, each read by lib.read, as one workbook named `file_name`."""
    workbook = RawWorkbook(file_name=file_name)
    for path in _sheet_files(_upload_folder(file_name, day)):
        raw = read_workbook(path)
        workbook.sheets.extend(raw.sheets)
        workbook.ignored_sheets.extend(raw.ignored_sheets)
    return workbook


def _require_clean(upload: ValidatedUpload, day: dt.date, projects: tuple[str, ...]) -> None:
    """Demo data loads without a single error or notice, with the projects the list names."""
    folder = _upload_folder(upload.file_name, day).name
    problems = upload.errors + upload.notices
    if problems:
        lines = "\n".join(problem.as_text() for problem in problems)
        raise RuntimeError(f"Demodataene i mappen «{folder}» ble avvist:\n{lines}")
    found = tuple(upload.tables["prosjekter"].column(PROJECT_COLUMN).to_pylist())
    if found != projects:
        raise RuntimeError(
            f"Demodataene i mappen «{folder}»: opplastinger.csv nevner prosjektene "
            f"{', '.join(projects)}, men Prosjekter.csv har {', '.join(found)}."
        )


# ---------------------------------------------------------------------------------------------
# The uploads as typed tables


def demo_workbooks() -> list[tuple[str, str, dict[str, pd.DataFrame]]]:
    """The demo uploads in order: (file name, uploaded by, sheet key -> rows with db names).

    Each upload as the pipeline reads and validates it on its own; the values are Python's
    (dates as dt.date, scales as int, months as a tuple of int, numbers as float, empty None).
    """
    return [
        (file_name, by, {key: _frame(columns) for key, columns in tables.items()})
        for file_name, by, tables in _validated_uploads()
    ]


@cache  # the files are read once per process: tests ask for the workbooks many times
def _validated_uploads() -> tuple[tuple[str, str, dict[str, dict[str, list]]], ...]:
    validated = []
    for file_name, by, day, projects in UPLOADS:
        upload = validate(_read_upload(file_name, day), KnownData())
        _require_clean(upload, day, projects)
        tables = {}
        for sheet in SHEETS:
            table = upload.tables.get(sheet.key)
            tables[sheet.key] = {
                column.db: [] if table is None else _python(column.kind, table[column.db])
                for column in sheet.columns
            }
        validated.append((file_name, by, tables))
    return tuple(validated)


def _python(kind: Kind, values: pa.ChunkedArray) -> list[object]:
    cells = values.to_pylist()
    if kind is Kind.MONTHS_LIST:
        return [None if months is None else tuple(months) for months in cells]
    return cells


def _frame(columns: dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame({db: list(values) for db, values in columns.items()}, dtype=object)


# ---------------------------------------------------------------------------------------------
# Building the database


def build_demo_database(db: Path | str | None = None, *, replace: bool = False) -> int:
    """Build a fresh demo database at `db` through the real pipeline; returns the last version.

    The uploads are built in a scratch database next to `db` and moved into place only when
    all of them loaded, so a failed build never leaves a half-filled database behind. A
    database that already holds versions is replaced only with `replace=True`: real uploads
    must never vanish under demo data by accident.
    """
    target = Path(db) if db is not None else default_db_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    _refuse_to_overwrite(target, replace)
    scratch = Path(tempfile.mkdtemp(prefix=".demo-", dir=target.parent))
    try:
        built = scratch / target.name
        version = 0
        for file_name, by, day, projects in UPLOADS:
            raw = _read_upload(file_name, day)
            # The person the list names, as on their own machine: the demo's stored names are
            # theirs, and building it needs no sign-in (whoever builds it holds the file).
            actor = Actor.on_this_machine(by)
            # Stored on the day it was filled in, so the history reads as the year it tells.
            result = load_file(
                built,
                _fingerprint_file(scratch, file_name, day),
                actor=actor,
                pending=raw,
                created_at=_during_office_hours(day),
            )
            _require_clean(result.upload, day, projects)
            assert result.stored is not None  # a clean upload is stored
            version = result.stored.version
            for name, meeting_day, basis in MEETINGS:
                if basis == file_name:
                    locked_at = _during_office_hours(meeting_day, hour=15)
                    lock_for_meeting(
                        built, version, name, meeting_day, actor=actor, created_at=locked_at
                    )
        _plan_and_close_meetings(built)
        _refuse_to_overwrite(target, replace)  # again: someone may have loaded meanwhile
        for stale in (target, _wal(target)):
            stale.unlink(missing_ok=True)
        os.replace(built, target)
        if _wal(built).exists():
            os.replace(_wal(built), _wal(target))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return version


def _plan_and_close_meetings(built: Path) -> None:
    """The meetings held are closed on their day (no decision was recorded in the app: the
    outcome is the basis); the next one is planned a week before today, not locked yet."""
    secretariat = Actor.on_this_machine(SECRETARIAT)
    for name, meeting_day, basis in MEETINGS:
        if not basis:
            meetings.create_meeting(
                built,
                name,
                meeting_day,
                actor=secretariat,
                created_at=_during_office_hours(TODAY - dt.timedelta(days=6)),
            )
        elif meeting_day < TODAY:
            held = meetings.meeting_named(built, name)
            assert held is not None  # locked above
            meetings.close_meeting(
                built,
                held.id,
                actor=secretariat,
                closed_at=_during_office_hours(meeting_day, hour=16),
            )


def _fingerprint_file(scratch: Path, file_name: str, day: dt.date) -> Path:
    """The upload's CSV files one after the other, in one file, for load_file to hash: the
    version's sha256 (the same for every build, and changed by any edit of the files)."""
    path = scratch / "opplasting.fingeravtrykk"
    path.write_bytes(
        b"".join(part.read_bytes() for part in _sheet_files(_upload_folder(file_name, day)))
    )
    return path


def _during_office_hours(day: dt.date, hour: int | None = None) -> dt.datetime:
    """A plausible time on `day` for an upload or a lock (the same for every build)."""
    if hour is None:
        hour = 9 + day.toordinal() % 6
    return dt.datetime.combine(day, dt.time(hour, day.toordinal() * 7 % 60))


def _refuse_to_overwrite(target: Path, replace: bool) -> None:
    if replace or not target.exists():
        return
    versions = latest_version(target)
    if versions:
        raise StoreError(
            f"Databasen {target.name} har allerede {versions} versjoner. Demodataene erstatter "
            "den bare når du ber om det (python -m lib.cli demo --force), eller bruk en annen "
            "fil med --db."
        )


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")

"""Builders the test modules share: workbooks, register rows, hand-written zips, database copies.

Test modules import these from here (`from tests.fixtures import frame, risk`), never from one
another; tests/test_architecture.py holds them to that. Pytest fixtures built on them live in
tests/conftest.py.

`make_workbook(path, {"Risiko": [[headings...], [cells...], ...]})` writes one sheet per entry,
rows top to bottom from A1. Optional rows above the header (a title, a date) go in `above`,
either one list for every sheet or a dict per sheet name; `start_column` shifts the table
right (1 = column A). Cells are written as given: str, int, float, date, datetime, bool or
None (an empty cell); a str starting with "=" is a formula (openpyxl stores no cached value).
The helper is also available as the `make_workbook` fixture.
"""

from __future__ import annotations

import base64
import html
import io
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from lib.access import Actor
from lib.contract import SHEETS_BY_KEY
from lib.exports import write_export
from lib.ingest import LoadResult, load_file

Rows = Sequence[Sequence[object]]

# ---------------------------------------------------------------------------------------------
# Workbooks written cell by cell


def make_workbook(
    path: Path | str,
    sheets: Mapping[str, Rows],
    *,
    above: Rows | Mapping[str, Rows] | None = None,
    start_column: int = 1,
) -> Path:
    """Write an .xlsx (or .xlsm-named) workbook: sheet name -> rows; returns the path.

    `above` rows are written first (per sheet when a mapping), so the first row of `rows`
    lands on Excel row `len(above) + 1`.
    """
    path = Path(path)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        prefix = above.get(name, ()) if isinstance(above, Mapping) else (above or ())
        for row_number, row in enumerate([*prefix, *rows], start=1):
            for column_offset, value in enumerate(row):
                if value is not None:
                    sheet.cell(row_number, start_column + column_offset, value)
    if not workbook.worksheets:
        workbook.create_sheet("Ark1")
    workbook.save(path)
    return path


RELATIONSHIPS = "xl/_rels/workbook.xml.rels"


def without_sheet_names_for_the_checks(relationships: bytes) -> bytes:
    """The workbook's relationships padded past lib.read.MAX_INDEX_BYTES with a comment of
    noise (which compresses badly, as a real large index does): the checks then cannot tie
    sheet parts to their names, while calamine still can."""
    from lib.read import MAX_INDEX_BYTES

    noise = base64.b64encode(random.Random(7).randbytes(MAX_INDEX_BYTES))
    return relationships.replace(b"</Relationships>", b"<!--" + noise + b"--></Relationships>")


def with_unnamed_sheet_parts(path: Path) -> Path:
    """Rewrite the .xlsx at `path` in place with `without_sheet_names_for_the_checks`."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[RELATIONSHIPS] = without_sheet_names_for_the_checks(parts[RELATIONSHIPS])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


# ---------------------------------------------------------------------------------------------
# Register rows, and uploads of them through the real pipeline


def frame(key: str, rows: list[dict]) -> pd.DataFrame:
    columns = [column.db for column in SHEETS_BY_KEY[key].columns]
    return pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)


def risk(risk_id: str, s: int, k: int, project: str = "P1", **extra: object) -> dict:
    return {
        "risiko_id": risk_id,
        "prosjekt_id": project,
        "risiko": f"Risiko {risk_id}",
        "sannsynlighet": s,
        "konsekvens": k,
        **extra,
    }


PROJECTS = [
    {"prosjekt_id": "P1", "prosjektnavn": "Prosjekt én", "enhet": "Helse"},
    {"prosjekt_id": "P2", "prosjektnavn": "Prosjekt to", "enhet": "Oppvekst"},
]


def local(name: str) -> Actor:
    """Someone at this machine without sign-in (every role): what the app's «Ditt navn» and
    the command line's --av give lib/'s writes."""
    return Actor.on_this_machine(name)


#: Who the tests' writes are done by when the test is not about who: every role.
TESTER = local("Test")


def load(
    db: Path, tmp_path: Path, name: str, tables: dict[str, list[dict]], **kwargs
) -> LoadResult:
    """Write `tables` as a workbook and load it (as `TESTER` unless `actor` is given)."""
    path = tmp_path / name
    write_export(path, {key: frame(key, rows) for key, rows in tables.items()})
    kwargs.setdefault("actor", TESTER)
    return load_file(db, path, **kwargs)


# ---------------------------------------------------------------------------------------------
# Zips written by hand, so that their headers may lie


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def sheet_member(path: Path, name: str) -> str:
    """The zip member of sheet `name` (openpyxl numbers sheets in order)."""
    with zipfile.ZipFile(path) as archive:
        names = openpyxl.load_workbook(path, read_only=True).sheetnames
        member = f"xl/worksheets/sheet{names.index(name) + 1}.xml"
        assert member in archive.namelist()
        return member


@dataclass
class RawMember:
    """A zip member written by hand, so that its headers may lie."""

    name: str
    data: bytes  # as stored (compressed)
    crc: int
    size: int  # the true unpacked size
    method: int = zipfile.ZIP_DEFLATED
    declared_size: int | None = None  # what the headers say, when they lie
    flags: int = 0
    offset: int | None = None  # central directory's offset of the local header, when it lies

    @classmethod
    def deflated(cls, name: str, data: bytes) -> RawMember:
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = packer.compress(data) + packer.flush()
        return cls(name, packed, zlib.crc32(data), len(data))


def write_raw_zip(path: Path, parts: list[RawMember]) -> Path:
    out = io.BytesIO()
    directory = []
    for part in parts:
        offset = out.tell()
        size = part.size if part.declared_size is None else part.declared_size
        name = part.name.encode()
        fields = (20, part.flags, part.method, 0, 0x21, part.crc, len(part.data), size, len(name))
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, 0) + name + part.data)
        directory.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                *fields,
                0,
                0,
                0,
                0,
                0,
                offset if part.offset is None else part.offset,
            )
            + name
        )
    start = out.tell()
    central = b"".join(directory)
    out.write(central)
    out.write(
        struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central), start, 0)
    )
    path.write_bytes(out.getvalue())
    return path


def raw_copy(path: Path, changes: dict[str, RawMember]) -> list[RawMember]:
    """The members of a zip as RawMembers, with some replaced."""
    return [
        changes.get(name) or RawMember.deflated(name, data) for name, data in members(path).items()
    ]


# ---------------------------------------------------------------------------------------------
# Database files


@dataclass(frozen=True)
class DemoBuild:
    """A demo database and what `lib.demo.build_demo_database` returned for it (the version
    of its last upload). The `demo_build` fixture builds one per test session."""

    path: Path
    version: int


def copy_database(source: Path, target: Path) -> Path:
    """Copy a DuckDB file to `target`, with its write-ahead log when it has one (a file closed
    by its last connection has none: closing checkpoints it)."""
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    return target


ROOT = Path(__file__).resolve().parent.parent


def cli(
    *args: str | Path, db: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m lib.cli ARGS [--db DB]` from the repository root, its output as text."""
    command = [sys.executable, "-m", "lib.cli", *map(str, args)]
    if db is not None:
        command += ["--db", str(db)]
    return subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


_FIGURE = re.compile(r'data-tall="([^"]*)" data-verdi="(-?\d+)"')


def figures_shown(app: Any) -> dict[str, int]:
    """Every count an AppTest page shows, label -> value: its st.metric figures and the boxes
    ui/figures.py draws as HTML."""
    found = {metric.label: int(metric.value) for metric in app.metric}
    for element in app.get("html"):
        for label, value in _FIGURE.findall(element.proto.body):
            found[html.unescape(label)] = int(value)
    return found

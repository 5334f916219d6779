"""Shared test helpers: build real workbooks with openpyxl.

`make_workbook(path, {"Risiko": [[headings...], [cells...], ...]})` writes one sheet per entry,
rows top to bottom from A1. Optional rows above the header (a title, a date) go in `above`,
either one list for every sheet or a dict per sheet name; `start_column` shifts the table
right (1 = column A). Cells are written as given: str, int, float, date, datetime, bool or
None (an empty cell); a str starting with "=" is a formula (openpyxl stores no cached value).
The helper is also available as the `make_workbook` fixture.
"""

from __future__ import annotations

import base64
import random
import sys
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `pytest` run without `python -m` still imports lib
    sys.path.insert(0, str(ROOT))

Rows = Sequence[Sequence[object]]


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


@pytest.fixture(name="make_workbook")
def make_workbook_fixture():
    """The `make_workbook` helper, for tests that prefer a fixture to an import."""
    return make_workbook

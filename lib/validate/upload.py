"""What validation takes and gives: the stored data an upload may refer to, the validated
upload, and its problems, each with everything a person needs to find and fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa

from lib.contract import PROJECT_COLUMN, SHEETS, SHEETS_BY_KEY
from lib.parse import is_empty
from lib.read import KnownTemplate

if TYPE_CHECKING:  # pandas only for problems_frame: a load from the command line never needs it
    import pandas as pd

REQUIRED_VALUE = "en verdi; feltet må fylles ut"


@dataclass(frozen=True)
class Problem:
    """One finding, with everything a person needs to find and fix it."""

    sheet: str
    row: int | None
    column: str
    value: str
    expected: str

    def as_text(self) -> str:
        where = [f"ark «{self.sheet}»"] if self.sheet else []
        if self.row is not None:
            where.append(f"rad {self.row}")
        if self.column:
            where.append(f"kolonne «{self.column}»")
        found = f"fant «{self.value}»" if self.value else ""
        head = ": ".join(part for part in (", ".join(where), found) if part)  # may name no sheet
        return f"{head} – forventet {self.expected}" if head else f"forventet {self.expected}"


PROBLEM_HEADINGS = {"sheet": "Ark", "row": "Rad", "column": "Kolonne", "value": "Verdi"}
PROBLEM_HEADINGS["expected"] = "Forventet"


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """Problems as a table with Norwegian headings (ark, rad, kolonne, verdi, forventet)."""
    import pandas as pd

    rows = [
        {PROBLEM_HEADINGS[name]: getattr(problem, name) for name in PROBLEM_HEADINGS}
        for problem in problems
    ]
    return pd.DataFrame(rows, columns=list(PROBLEM_HEADINGS.values()))


def cell_text(value: object) -> str:
    """A cell's value as a problem shows it: whole numbers without .0, long texts cut short."""
    if is_empty(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


@dataclass
class KnownData:
    """What is already stored, for references an upload may make without repeating them."""

    projects: set[str] = field(default_factory=set)
    # sheet key -> {(project, id)}, for the sheets other rows refer to
    ids: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    # (project, gevinst_id) -> benefit type, to check qualitative measurements
    benefit_types: dict[tuple[str, str], str] = field(default_factory=dict)
    # child sheet key -> {(project, parent id): stored rows naming it}, e.g. the measurements
    # of each benefit, so that they go when an upload removes their benefit
    children: dict[str, dict[tuple[str, str], int]] = field(default_factory=dict)


@dataclass
class ValidatedUpload:
    file_name: str
    tables: dict[str, pa.Table] = field(default_factory=dict)  # sheet key -> typed rows
    # sheet key -> the projects whose rows of that sheet this upload replaces (all of them,
    # or in a sheet of `keyed_sheets` those with the keys it holds)
    scope: dict[str, set[str]] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    # child sheet key -> {(project, parent id)}: stored measurements (evaluations) that go
    # with the benefits (recommendations) this upload removes; see
    # lib.validate.references.removed_with_parents
    removed_with_parents: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    # sheet key -> {db name: heading as written}: the columns each stored sheet has. A column
    # a sheet does not have leaves the stored values as they are (see `absent_columns`).
    headings: dict[str, dict[str, str]] = field(default_factory=dict)
    # sheet key -> the sheet's name as written in the workbook
    sheet_names: dict[str, str] = field(default_factory=dict)
    # sheet key -> required columns (without a default) the sheet does not have: fine for
    # rows that are stored (they keep their values), an error for a new row. Whether a row
    # is stored is looked up where the upload is previewed or stored (lib.ingest).
    required_absent: dict[str, set[str]] = field(default_factory=dict)
    template: KnownTemplate | None = None  # the known template the upload was read from
    # Sheet keys whose rows replace only the stored rows with the same keys, per project:
    # stored rows with other keys stay. Every sheet that `accumulates` (Status: "reports with
    # other dates stay"), and measurements read from a known template (each upload adds its
    # «Dato:»). Storing (lib.store.store_upload's `keyed`) and the preview (lib.preview) both
    # honour it; a child sheet here still loses the rows of the parents the upload removes
    # (`removed_with_parents`).
    keyed_sheets: set[str] = field(
        default_factory=lambda: {sheet.key for sheet in SHEETS if sheet.accumulates}
    )

    @property
    def ok(self) -> bool:
        return not self.errors

    def row_counts(self) -> dict[str, int]:
        return {key: len(table) for key, table in self.tables.items()}

    def absent_columns(self) -> dict[str, set[str]]:
        """Sheet key -> the columns its sheet does not have (never the row's key: the project
        is filled in and the IDs are required). Storing keeps the stored values of these in
        every row it matches, and gives new rows the column's default."""
        absent = {}
        for key in self.tables:
            sheet = SHEETS_BY_KEY[key]
            keys = {PROJECT_COLUMN, *sheet.id_columns}
            present = self.headings.get(key)
            if present is None:  # not recorded (a table made by hand): whole rows
                continue
            missing = {c.db for c in sheet.columns if c.db not in present and c.db not in keys}
            if missing:
                absent[key] = missing
        return absent

    def touched_projects(self) -> set[str]:
        """The projects whose rows storing this upload replaces (in at least one sheet)."""
        return set().union(*self.scope.values()) if self.scope else set()

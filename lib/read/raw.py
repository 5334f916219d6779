"""What reading hands on: raw sheets of cells, or a Norwegian reason why a file cannot be read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lib import wording

if TYPE_CHECKING:  # imported where they are used: the command line forks sooner without them
    import pyarrow as pa


class UnreadableFile(Exception):
    """The file cannot be read as a workbook; the message is Norwegian and says why."""


@dataclass
class RawSheet:
    """One contract sheet as read: its heading row, and the cells below it column by column.

    `columns` holds one Arrow array per sheet column, from the row under the headings to the
    last row. A column whose cells are all of one kind keeps Excel's type (numbers, dates);
    a column that mixes kinds holds text, each cell as calamine renders it.
    """

    name: str  # as written in the workbook
    headings: list[str | None] | None  # the heading row's cells; None: no heading row found
    columns: list[pa.Array] = field(default_factory=list)
    header_row: int = 1  # Excel row of the headings (with none: of the first row with content)
    empty: bool = False  # nothing at all in the sheet
    # A sheet made from a known template's sheets: where each column's cells are in the file
    # (None: as read), and where each row is (for problems with the row as a whole).
    origins: list[CellOrigin | None] | None = None
    row_origin: CellOrigin | None = None

    def locate(self, row: int | None, column: str) -> tuple[str, int | None, str]:
        """Where a person finds the cell of Excel row `row` (as counted from `header_row`) in
        the column headed `column`: (sheet, row, heading), in the file's own terms."""
        origin = self.row_origin
        if self.origins is not None and self.headings is not None and column in self.headings:
            origin = self.origins[self.headings.index(column)] or origin
        if origin is None:
            return self.name, row, column
        heading = column if origin is self.row_origin else origin.heading
        if row is None:
            return origin.sheet, None, heading
        index = row - self.header_row - 1
        found = origin.rows[index] if 0 <= index < len(origin.rows) else None
        return origin.sheet, found, heading


@dataclass(frozen=True)
class CellOrigin:
    """Where a made-up sheet's column comes from: a sheet of the file, its heading as written,
    and the Excel row there of each of the column's cells."""

    sheet: str
    heading: str
    rows: tuple[int | None, ...]  # None: no such cell (a benefit the sheet does not have)


@dataclass(frozen=True)
class KnownTemplate:
    """A known template recognised in a workbook, read as the contract says (see
    lib.read.kommit): which sheets were used, which ignored, and what they held."""

    name: str  # "KommIT Gevinstverktøy"
    project_name: str | None  # the project's name as the template's front page gives it
    project_cell: tuple[str, int, str] | None  # (sheet, Excel row, label) of that name
    used_sheets: tuple[str, ...]
    ignored_sheets: tuple[str, ...]
    benefits: int
    measurements: int
    # The contract sheets (keys) whose rows replace only the stored rows with the same keys:
    # see lib.validate.upload.ValidatedUpload.keyed_sheets.
    keyed_sheets: tuple[str, ...] = ()

    def summary(self) -> str:
        """`KommIT Gevinstverktøy gjenkjent: 6 gevinster, 4 målinger.`"""
        benefits = wording.count(self.benefits, "gevinst", "gevinster")
        measurements = wording.count(self.measurements, "måling", "målinger")
        return f"{self.name} gjenkjent: {benefits}, {measurements}."

    def sheets_text(self) -> str:
        """`Lest fra arkene «…», «…».`"""
        return "Lest fra arkene " + ", ".join(f"«{name}»" for name in self.used_sheets) + "."


@dataclass
class FrontPageProject:
    """A known template's project as its front page describes it, for a project that is not
    stored yet: a Prosjekter sheet of one row without Prosjekt-ID (the project chosen at
    upload gives it), and the front page's cells left out because they hold no date
    (sheet, Excel row, label, value as written)."""

    sheet: RawSheet
    unread: list[tuple[str, int, str, str]] = field(default_factory=list)


@dataclass
class RawWorkbook:
    file_name: str
    sheets: list[RawSheet] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)
    template: KnownTemplate | None = None  # the known template the sheets were made from
    # The template's Prosjekter row, which validation adds only for a project not stored
    # (a stored project keeps its name): see lib.validate.templates.
    template_project: FrontPageProject | None = None


def row_has_content(row: list[object]) -> bool:
    """Whether a row of Python cells holds anything: a value that is not empty or only blanks."""
    return any(cell is not None and (type(cell) is not str or cell.strip()) for cell in row)


def content_mask(columns: list[pa.Array], length: int) -> pa.BooleanArray:
    """Which rows hold anything: a value that is not empty or only blanks."""
    import pyarrow as pa
    import pyarrow.compute as pc

    mask = pa.repeat(False, length) if length else pa.array([], pa.bool_())
    for column in columns:
        if pa.types.is_null(column.type):
            continue
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            filled = pc.and_not(pc.greater(pc.binary_length(column), 0), pc.utf8_is_space(column))
        else:
            filled = pc.is_valid(column)
        mask = pc.or_(mask, pc.fill_null(filled, False))
    return mask

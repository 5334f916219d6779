"""What reading hands on: raw sheets of cells, or a Norwegian reason why a file cannot be read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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


@dataclass
class RawWorkbook:
    file_name: str
    sheets: list[RawSheet] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)


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

"""Columns whose calamine typing loses what the cells were, made exact cell by cell.

A column that mixes types comes as text: numbers rounded to 9 decimals with a decimal point
(a real 1.234 would read as the ambiguous text «1.234»), date-times with a time, TRUE as
«true». A column of numbers with a TRUE/FALSE in it comes as 1 and 0. For such columns, a
second load, as a type no cell has, reports each cell's own type and value, and each cell is
written back as text that its parser reads as it reads the cell itself. Only columns whose
kind makes the difference are loaded again, and only when a cell shows it, so a register of
IDs, scales and dates never pays for this.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from lib.contract import Kind, Sheet, column_for_heading, heading_index
from lib.read.messages import say_reading
from lib.read.raw import RawSheet

if TYPE_CHECKING:
    import pyarrow as pa

#: calamine's text for cells of other types in a column that mixes types: a date-time, a
#: TRUE/FALSE, a number with a fraction (rounded to 9 decimals).
_DATE_TIME = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?"
_RENDERED_NON_TEXT = rf"^(?:{_DATE_TIME}|true|false|-?\d+\.\d+)$"
_RENDERED_DATE_TIME = re.compile(_DATE_TIME)
_CELL_TYPE = re.compile(r"got '(Float|Int|Bool)\(([^)]*)\)'")
#: The first bytes `_RENDERED_NON_TEXT` can match: a digit, a minus, t(rue) or f(alse).
_RENDERED_FIRST_BYTES = tuple(bytes([byte]) for byte in b"0123456789-tf")


def cell_by_cell(
    reader: object, raw: RawSheet, sheet: Sheet, names: list[str], with_booleans: bool
) -> list[pa.Array]:
    """The sheet's columns, those whose typing lost what the cells were made exact.

    `names` are fastexcel's names for the sheet's columns; `with_booleans` says whether the
    sheet holds a TRUE/FALSE cell anywhere.
    """
    kinds = _columns_to_make_exact(raw, sheet, with_booleans)
    if not kinds:
        return raw.columns
    typed, reported = _cells_by_type(reader, raw, names, kinds)
    columns = list(raw.columns)
    for position in kinds:
        columns[position] = _exact_column(columns[position], typed[position], reported[position])
    return columns


def _columns_to_make_exact(raw: RawSheet, sheet: Sheet, with_booleans: bool) -> dict[int, Kind]:
    """Position -> kind, of the columns whose kind makes the difference and a cell shows it."""
    import pyarrow as pa

    index = heading_index(sheet)
    kinds: dict[int, Kind] = {}
    for position, heading in enumerate(raw.headings or []):
        column = column_for_heading(index, heading) if heading is not None else None
        if column is None:
            continue
        array = raw.columns[position]
        if pa.types.is_string(array.type):
            if column.kind is Kind.NUMBER or (
                column.kind in (Kind.TEXT, Kind.ID) and _has_rendered_non_text(array)
            ):
                kinds[position] = column.kind
        elif with_booleans and (
            pa.types.is_floating(array.type) or pa.types.is_integer(array.type)
        ):
            kinds[position] = column.kind
    return kinds


def _cells_by_type(
    reader: object, raw: RawSheet, names: list[str], kinds: dict[int, Kind]
) -> tuple[dict[int, dict[int, str]], dict[int, set[int]]]:
    """Load the columns again as a type no cell has: each cell's error tells its own type.

    Returns, per column, row -> the cell as text its parser reads (numbers and TRUE/FALSE),
    and the rows reported at all (the others that are not empty are dates).
    """
    probed = [names[position] for position in kinds]
    say_reading(raw.name)
    probe = reader.load_sheet(  # type: ignore[attr-defined]
        raw.name,
        header_row=raw.header_row - 1,
        schema_sample_rows=None,
        use_columns=probed,
        dtypes=dict.fromkeys(probed, "duration"),
    )
    _, errors = probe.to_arrow_with_errors()
    typed: dict[int, dict[int, str]] = {position: {} for position in kinds}
    reported: dict[int, set[int]] = {position: set() for position in kinds}
    for error in errors.errors if errors is not None else []:
        row, position = error.offset_position
        if position not in kinds:
            continue
        reported[position].add(row)
        if match := _CELL_TYPE.search(error.detail):
            typed[position][row] = _cell_as_text(match[1], match[2], kinds[position])
    return typed, reported


def _exact_column(array: pa.Array, typed: dict[int, str], reported: set[int]) -> pa.Array:
    import pyarrow as pa

    values = array.to_pylist()
    for row, value in enumerate(values):
        if row in typed:
            values[row] = typed[row]
        elif value is not None and row not in reported and isinstance(value, str):
            values[row] = _date_time_as_text(value)  # not text, not a number: a date
    return pa.array(values, pa.string())


def _has_rendered_non_text(array: pa.Array) -> bool:
    """Whether a text column holds cells calamine rendered from other types. Such a cell
    starts with a digit, a minus, t or f, which few texts do: the regex (costly per cell)
    runs on those alone."""
    import pyarrow as pa
    import pyarrow.compute as pc

    as_bytes = array.view(pa.binary())  # the same buffers, sliced by byte
    first = pc.binary_slice(as_bytes, 0, 1)
    maybe = pc.fill_null(pc.is_in(first, value_set=pa.array(_RENDERED_FIRST_BYTES)), False)
    if not pc.any(maybe).as_py():
        return False
    candidates = pc.filter(array, maybe)
    return bool(pc.any(pc.match_substring_regex(candidates, _RENDERED_NON_TEXT)).as_py())


def _cell_as_text(cell_type: str, value: str, kind: Kind) -> str:
    """A number or TRUE/FALSE, as calamine prints it, as text its column's parser reads as
    it reads the cell: every digit (with a decimal comma for a number column), or True."""
    if cell_type == "Bool":
        return "True" if value == "true" else "False"
    try:
        number = float(value)
    except ValueError:
        return value
    if not math.isfinite(number):
        return value
    if kind is Kind.NUMBER:
        import decimal

        return format(decimal.Decimal(repr(number)), "f").replace(".", ",")
    return str(int(number)) if number.is_integer() else repr(number)


def _date_time_as_text(rendered: str) -> str:
    """A date-time cell in a text column, as parse_text writes it: the date alone at midnight."""
    if _RENDERED_DATE_TIME.fullmatch(rendered) and rendered.endswith(" 00:00:00"):
        return rendered[: -len(" 00:00:00")]
    return rendered

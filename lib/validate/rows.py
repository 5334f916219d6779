"""One sheet at a time: its headings mapped to the contract's columns, every cell parsed, and
the cells that do not parse or are left empty where required reported.

This is the one place text cells are parsed: invisible direction overrides are removed here
from every cell (with a notice per column), and text longer than an Excel cell holds is
refused (through lib.parse.parse_text)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from lib import wording
from lib.contract import (
    EXCEL_TEXT_LIMIT,
    HEADER_SEARCH_ROWS,
    PROJECT_COLUMN,
    Column,
    Kind,
    Sheet,
    column_for_heading,
    heading_index,
)
from lib.parse import (
    ARROW_TYPES,
    DIRECTION_CONTROL_RANGES,
    DIRECTION_CONTROLS,
    FIRST_DATE,
    PARSERS,
    ParseError,
)
from lib.read import RawSheet, content_mask
from lib.validate.upload import REQUIRED_VALUE, Problem, ValidatedUpload, cell_text

ROW_FIELD = "_excel_row"

#: (index, expected, cell) of each cell that does not parse
BadCells = list[tuple[int, str, object]]
#: (Excel row, heading) -> (sheet, row, heading) a person finds the cell at: RawSheet.locate
Locate = Callable[[int | None, str], tuple[str, int | None, str]]


class SheetRows:
    """One sheet's data rows: parsed columns as Arrow, and as Python lists where the checks
    across rows need them (project, keys, references)."""

    def __init__(
        self,
        sheet: Sheet,
        name: str,
        arrays: dict[str, pa.Array],
        row_numbers: pa.Array,
        headings: dict[str, str],
        locate: Locate | None = None,
    ) -> None:
        self.sheet = sheet
        self.name = name  # as written
        self.locate: Locate = locate or (lambda row, column: (name, row, column))
        self.arrays = arrays  # db name -> parsed values
        self.row_numbers = row_numbers  # Excel row numbers (int64)
        self.headings = headings  # db name -> heading as written
        self._lists: dict[str, list[object]] = {}
        self._rows: list[int] | None = None

    @property
    def rows(self) -> list[int]:
        """Excel row numbers as a list, for messages."""
        if self._rows is None:
            self._rows = self.row_numbers.to_pylist()
        return self._rows

    def values(self, db: str) -> list[object]:
        """The column as a list; changes made to it are kept (see `table`)."""
        if db not in self._lists:
            self._lists[db] = self.arrays[db].to_pylist()
        return self._lists[db]

    def array(self, db: str) -> pa.Array:
        """The column as Arrow, with any changes made through `values`."""
        column = self.sheet.column(db)
        if db in self._lists:
            return pa.array(self._lists[db], ARROW_TYPES[column.kind])
        return self.arrays[db]

    def table(self) -> pa.Table:
        columns = {column.db: self.array(column.db) for column in self.sheet.columns}
        return pa.table({**columns, ROW_FIELD: self.row_numbers})

    def heading(self, db: str) -> str:
        """The column's heading as written in the sheet, else the contract's."""
        return self.headings.get(db) or self.sheet.column(db).name

    def problem(self, index: int, column: str, value: str, expected: str) -> Problem:
        """A problem in data row `index` (0 for the first row under the headings)."""
        return Problem(*self.locate(self.rows[index], column), value, expected)


def parse_sheet(raw: RawSheet, sheet: Sheet, upload: ValidatedUpload) -> SheetRows | None:
    """The sheet's rows with content, every column parsed; problems go to `upload`.

    None when the sheet has no heading row (then it is skipped, with a notice or an error).
    """
    mapping = _map_headings(raw, sheet, upload)
    if mapping is None:
        return None
    height = len(raw.columns[0]) if raw.columns else 0
    has_content = content_mask(raw.columns, height)
    row_numbers = pc.add(pc.indices_nonzero(has_content).cast(pa.int64()), raw.header_row + 1)
    count = len(row_numbers)
    every_row = count == height

    def parse(position: int, column: Column) -> Parsed:
        if position >= len(raw.columns):
            return _parse_counting(pa.nulls(count), column.kind)
        cells = raw.columns[position]
        return _parse_counting(cells if every_row else pc.filter(cells, has_content), column.kind)

    # Arrow's kernels release the GIL, so columns parse side by side on a second core.
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(parse, mapping.keys(), mapping.values()))
    parsed: dict[str, pa.Array] = {}
    headings: dict[str, str] = {}
    for (position, column), (values, bad, cleaned) in zip(mapping.items(), results, strict=True):
        heading = str(raw.headings[position]).strip()
        headings[column.db] = heading
        if cleaned:
            sheet_name, _, written = raw.locate(None, heading)  # a template's own terms
            upload.notices.append(_direction_controls_removed(sheet_name, written, cleaned))
        _report_cells(upload, raw.locate, row_numbers, heading, column, values, bad)
        parsed[column.db] = values
    for column in sheet.columns:
        if column.db not in parsed:
            parsed[column.db] = pa.nulls(count, ARROW_TYPES[column.kind])
        if column.default is not None:
            parsed[column.db] = pc.fill_null(parsed[column.db], column.default)
    return SheetRows(sheet, raw.name, parsed, row_numbers, headings, raw.locate)


def _map_headings(raw: RawSheet, sheet: Sheet, upload: ValidatedUpload) -> dict[int, Column] | None:
    """Heading position -> contract column; notices for unknown headings, errors for
    required columns that are missing. None when the sheet has no heading row."""
    if raw.headings is None:
        if raw.empty:
            upload.notices.append(
                Problem(raw.name, None, "", "", "data; arket er tomt og ble hoppet over")
            )
            return None
        upload.errors.append(
            Problem(
                raw.name,
                raw.header_row,
                "",
                "",
                f"en overskriftsrad blant de {HEADER_SEARCH_ROWS} første radene med minst to "
                f"kjente kolonner, f.eks. {', '.join(c.name for c in sheet.columns[:3])}",
            )
        )
        return None
    mapping, unknown = _column_mapping(raw.headings, sheet)
    for heading in unknown:
        upload.notices.append(
            Problem(raw.name, raw.header_row, heading, "", "en kjent kolonne; denne ble ignorert")
        )
    present = {column.db for column in mapping.values()}
    for column in sheet.columns:
        if column.required and column.db not in present and column.db != PROJECT_COLUMN:
            upload.errors.append(
                Problem(raw.name, raw.header_row, column.name, "", "kolonnen må finnes i arket")
            )
    return mapping


def _column_mapping(
    headings: list[str | None], sheet: Sheet
) -> tuple[dict[int, Column], list[str]]:
    """Heading position -> contract column, and the headings that name none (or a taken one)."""
    index = heading_index(sheet)
    mapping: dict[int, Column] = {}
    unknown: list[str] = []
    taken: set[str] = set()
    for position, heading in enumerate(headings):
        if heading is None or not heading.strip():
            continue
        heading = heading.strip()
        column = column_for_heading(index, heading)
        if column is None:
            unknown.append(heading)
        elif column.db in taken:
            unknown.append(heading + " (kolonnen finnes allerede)")
        else:
            taken.add(column.db)
            mapping[position] = column
    return mapping, unknown


def _report_cells(
    upload: ValidatedUpload,
    locate: Locate,
    row_numbers: pa.Array,
    heading: str,
    column: Column,
    values: pa.Array,
    bad: BadCells,
) -> None:
    """Errors for a column's cells that do not parse, and for its required cells left empty."""
    for index, expected, cell in bad:
        where = locate(row_numbers[index].as_py(), heading)
        upload.errors.append(Problem(*where, cell_text(cell), expected))
    if not column.required or column.db == PROJECT_COLUMN:
        return
    missing = pc.is_null(values)
    if bad:
        failed = pa.array([index for index, _, _ in bad], pa.int64())
        everywhere = pa.array(range(len(row_numbers)))
        missing = pc.and_(missing, pc.invert(pc.is_in(everywhere, failed)))
    for index in pc.indices_nonzero(missing).to_pylist():
        where = locate(row_numbers[index].as_py(), heading)
        upload.errors.append(Problem(*where, "", REQUIRED_VALUE))


def _direction_controls_removed(sheet: str, heading: str, cells: int) -> Problem:
    return Problem(
        sheet,
        None,
        heading,
        "",
        "tekst uten usynlige tegn som snur skriveretningen (U+202A–U+202E, U+2066–U+2069); "
        f"de er fjernet fra {wording.count(cells, 'celle', 'celler')}",
    )


# A text cell that Python's strip() would change, that holds a control character or a
# direction override, or that may be longer than Excel holds (see below) goes through
# parse_text; every other non-empty text cell is already what parse_text returns.
_TEXT_NEEDS_PARSING = r"[\x00-\x1f\x7f-\x9f" + DIRECTION_CONTROL_RANGES + r"]|^[\s\p{Z}]|[\s\p{Z}]$"


class Parsed(NamedTuple):
    """One column parsed: the typed values, the cells that do not parse, and how many cells
    held an invisible direction override (removed before parsing)."""

    values: pa.Array
    bad: BadCells
    cleaned: int = 0


def _parse_column(array: pa.Array, kind: Kind) -> tuple[pa.Array, BadCells]:
    """`_parse_counting`'s typed values and (index, expected, cell) per bad cell."""
    values, bad, _cleaned = _parse_counting(array, kind)
    return values, bad


def _parse_counting(array: pa.Array, kind: Kind) -> Parsed:
    """Parse one column: the typed values, (index, expected, cell) per bad cell, and how many
    cells held a direction override.

    Each distinct cell is parsed once, by the one parser of its kind (lib.parse), and the
    results are spread back over the rows; text that needs no parsing and dates Excel
    already typed skip even that.
    """
    parsed = _parse_cells(array, kind)
    empty = PARSERS[kind](None)  # an empty cell may mean something (Vedtak: not yet treated)
    if empty is not None and parsed.values.null_count:
        values = pc.fill_null(parsed.values, pa.scalar(empty, ARROW_TYPES[kind]))
        return parsed._replace(values=values)
    return parsed


def _parse_cells(array: pa.Array, kind: Kind) -> Parsed:
    target = ARROW_TYPES[kind]
    if pa.types.is_null(array.type):
        return Parsed(pa.nulls(len(array), target), [])
    if kind is Kind.DATE and (pa.types.is_timestamp(array.type) or pa.types.is_date(array.type)):
        days = pc.cast(array, pa.date32(), safe=False)
        earliest = pc.min(days).as_py()
        if earliest is None or earliest >= FIRST_DATE:
            return Parsed(days, [])
    if kind in (Kind.TEXT, Kind.ID) and pa.types.is_string(array.type):
        needs_parsing = pc.match_substring_regex(array, _TEXT_NEEDS_PARSING)
        # UTF-8 takes at least as many bytes as Excel counts characters: only a cell of more
        # bytes than the limit may be too long.
        lengths = pc.binary_length(array)
        if (pc.max(lengths).as_py() or 0) > EXCEL_TEXT_LIMIT:
            needs_parsing = pc.or_(needs_parsing, pc.greater(lengths, EXCEL_TEXT_LIMIT))
        needs_parsing = pc.fill_null(needs_parsing, False)
        plain = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
        if not pc.any(needs_parsing).as_py():
            return Parsed(plain, [])
        parsed = _parse_distinct(pc.filter(array, needs_parsing), kind)
        where = pc.indices_nonzero(needs_parsing).to_pylist()
        values = pc.replace_with_mask(plain, needs_parsing, parsed.values)
        bad = [(where[index], expected, cell) for index, expected, cell in parsed.bad]
        return Parsed(values, bad, parsed.cleaned)
    return _parse_distinct(array, kind)


def _parse_distinct(array: pa.Array, kind: Kind) -> Parsed:
    parser = PARSERS[kind]
    encoded = array.dictionary_encode()
    dictionary, cleaned = _without_direction_controls(encoded)
    distinct = dictionary.to_pylist()
    parsed: list[object] = []
    failed: dict[int, str] = {}
    for position, cell in enumerate(distinct):
        try:
            parsed.append(parser(cell))
        except ParseError as error:
            parsed.append(None)
            failed[position] = error.expected
    values = pa.array(parsed, ARROW_TYPES[kind]).take(encoded.indices)
    bad: BadCells = []
    for position, expected in failed.items():
        for index in pc.indices_nonzero(pc.equal(encoded.indices, position)).to_pylist():
            bad.append((index, expected, distinct[position]))
    bad.sort(key=lambda found: found[0])
    return Parsed(values, bad, cleaned)


def _without_direction_controls(encoded: pa.DictionaryArray) -> tuple[pa.Array, int]:
    """The distinct cells without invisible direction overrides, and how many cells (rows)
    held one. Looked for among the distinct cells only: the rows repeat them."""
    dictionary = encoded.dictionary
    if not (pa.types.is_string(dictionary.type) or pa.types.is_large_string(dictionary.type)):
        return dictionary, 0
    held = pc.match_substring_regex(dictionary, DIRECTION_CONTROLS)
    if not pc.any(held).as_py():
        return dictionary, 0
    cells = pc.sum(pc.take(held, encoded.indices)).as_py() or 0
    return pc.replace_substring_regex(dictionary, DIRECTION_CONTROLS, ""), cells

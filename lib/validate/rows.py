"""One sheet at a time: its headings mapped to the contract's columns, every cell parsed, and
the cells that do not parse or are left empty where required reported."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.compute as pc

from lib.contract import (
    HEADER_SEARCH_ROWS,
    PROJECT_COLUMN,
    Column,
    Kind,
    Sheet,
    column_for_heading,
    heading_index,
)
from lib.parse import ARROW_TYPES, FIRST_DATE, PARSERS, ParseError
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

    def parse(position: int, column: Column) -> tuple[pa.Array, BadCells]:
        if position >= len(raw.columns):
            return _parse_column(pa.nulls(count), column.kind)
        cells = raw.columns[position]
        return _parse_column(cells if every_row else pc.filter(cells, has_content), column.kind)

    # Arrow's kernels release the GIL, so columns parse side by side on a second core.
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(parse, mapping.keys(), mapping.values()))
    parsed: dict[str, pa.Array] = {}
    headings: dict[str, str] = {}
    for (position, column), (values, bad) in zip(mapping.items(), results, strict=True):
        heading = str(raw.headings[position]).strip()
        headings[column.db] = heading
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


# A text cell that Python's strip() would change, or that holds a control character, goes
# through parse_text; every other non-empty text cell is already what parse_text returns.
_TEXT_NEEDS_PARSING = r"[\x00-\x1f\x7f-\x9f]|^[\s\p{Z}]|[\s\p{Z}]$"


def _parse_column(array: pa.Array, kind: Kind) -> tuple[pa.Array, BadCells]:
    """Parse one column; returns the typed values and (index, expected, cell) per bad cell.

    Each distinct cell is parsed once, by the one parser of its kind (lib.parse), and the
    results are spread back over the rows; text that needs no parsing and dates Excel
    already typed skip even that.
    """
    values, bad = _parse_cells(array, kind)
    empty = PARSERS[kind](None)  # an empty cell may mean something (Vedtak: not yet treated)
    if empty is not None and values.null_count:
        values = pc.fill_null(values, pa.scalar(empty, ARROW_TYPES[kind]))
    return values, bad


def _parse_cells(array: pa.Array, kind: Kind) -> tuple[pa.Array, BadCells]:
    target = ARROW_TYPES[kind]
    if pa.types.is_null(array.type):
        return pa.nulls(len(array), target), []
    if kind is Kind.DATE and (pa.types.is_timestamp(array.type) or pa.types.is_date(array.type)):
        days = pc.cast(array, pa.date32(), safe=False)
        earliest = pc.min(days).as_py()
        if earliest is None or earliest >= FIRST_DATE:
            return days, []
    if kind in (Kind.TEXT, Kind.ID) and pa.types.is_string(array.type):
        needs_parsing = pc.fill_null(pc.match_substring_regex(array, _TEXT_NEEDS_PARSING), False)
        plain = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
        if not pc.any(needs_parsing).as_py():
            return plain, []
        parsed, bad = _parse_distinct(pc.filter(array, needs_parsing), kind)
        where = pc.indices_nonzero(needs_parsing).to_pylist()
        values = pc.replace_with_mask(plain, needs_parsing, parsed)
        return values, [(where[index], expected, cell) for index, expected, cell in bad]
    return _parse_distinct(array, kind)


def _parse_distinct(array: pa.Array, kind: Kind) -> tuple[pa.Array, BadCells]:
    parser = PARSERS[kind]
    encoded = array.dictionary_encode()
    distinct = encoded.dictionary.to_pylist()
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
    return values, bad

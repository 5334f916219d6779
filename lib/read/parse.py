"""The workbook parse: calamine (through fastexcel) reads the contract's sheets into Arrow.

Only ever called in a disposable process (the parse child, see lib.read.child): a hostile
file can make calamine abort the whole process. The parse hands back at most limits.MAX_ROWS
rows and limits.MAX_CELLS cells, all sheets together.
"""

from __future__ import annotations

import re
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lib.contract import (
    HEADER_SEARCH_ROWS,
    INSTRUCTIONS_SHEET,
    Sheet,
    find_header_row,
    normalize_name,
    sheet_for_name,
)
from lib.read import kommit, limits
from lib.read.cells import cell_by_cell
from lib.read.checks import sheet_parts
from lib.read.lean import import_pyarrow_lean, yield_to_the_parse
from lib.read.messages import (
    corrupt,
    encrypted,
    say_reading,
    too_large_sheet,
    too_large_upload,
    upload_limit,
)
from lib.read.raw import RawSheet, RawWorkbook, content_mask, row_has_content
from lib.read.verify import Verification

if TYPE_CHECKING:
    import pyarrow as pa


def parse_workbook_in_this_process(
    path: Path,
    max_rows: int | None = None,
    max_cells: int | None = None,
    *,
    import_pyarrow_meanwhile: bool = False,
) -> RawWorkbook | str:
    """Read the contract's sheets with calamine (fastexcel). Only call this in a disposable process.

    `import_pyarrow_meanwhile` (the parse child) imports pyarrow without numpy and pandas
    (`import_pyarrow_lean`) beside the parse.

    Returns the sheets, or a Norwegian message in which "{file_name}" stands for the file.
    """
    import fastexcel

    budget = _Budget(
        limits.MAX_ROWS if max_rows is None else max_rows,
        limits.MAX_CELLS if max_cells is None else max_cells,
    )
    try:
        reader = fastexcel.read_excel(str(path))
        names = reader.sheet_names
    except MemoryError:
        raise
    except BaseException as error:  # calamine's errors, and pyo3's PanicException
        if isinstance(error, KeyboardInterrupt | SystemExit):
            raise
        if "password" in str(error).lower():
            return encrypted("{file_name}")
        return corrupt("{file_name}")
    if kommit.recognise(names) is not None:  # a known template: read as the contract says
        verified = Verification(path)
        read = kommit.read_template(reader, path, names, budget)
        problem = verified.result()
        return problem if problem is not None else read
    hints = _sheet_hints(path)
    # calamine unpacks a zip member to its end, whatever size the zip declares, so the sizes
    # checked before parsing could be lies: verify them (and the checksums) while it parses.
    verified = Verification(path)
    if import_pyarrow_meanwhile:
        # pyarrow (for the hand-over and the checks after it) imports while calamine
        # parses, which releases the GIL; started only now, so it never slows the steps above.
        threading.Thread(target=_import_pyarrow, daemon=True).start()
    raw = _read_sheets(reader, names, hints, budget, verified)
    problem = verified.result()
    return problem if problem is not None else raw


def _import_pyarrow() -> None:
    yield_to_the_parse(5)
    import_pyarrow_lean()


def _read_sheets(
    reader: object,
    names: list[str],
    hints: dict[str, _SheetHint],
    budget: _Budget,
    verified: Verification,
) -> RawWorkbook | str:
    raw = RawWorkbook(file_name="")
    wanted = _contract_sheets(names, raw.ignored_sheets)
    # The largest sheet first: calamine parses it without holding the GIL, while pyarrow,
    # which handing over the first sheet needs, finishes importing in another thread.
    largest_first = sorted(wanted, key=lambda item: -hints.get(item[0], _NO_HINT).size)
    loaded: dict[str, tuple[RawSheet, Sheet, list[str]]] = {}
    for name, sheet in largest_first:
        read = _read_sheet_or_say_why(reader, name, sheet, hints.get(name, _NO_HINT), budget)
        if isinstance(read, str):
            return read
        loaded[name] = (read[0], sheet, read[1])
    raw.sheets = [loaded[name][0] for name, _ in wanted]  # in the workbook's order
    # After every sheet is parsed, when the checksum thread (which also looks for TRUE/FALSE
    # cells) is done, make the columns whose typing lost what the cells were exact.
    for read_sheet, sheet, fastexcel_names in loaded.values():
        if read_sheet.headings is not None:
            with_booleans = verified.has_booleans(read_sheet.name)
            read_sheet.columns = cell_by_cell(
                reader, read_sheet, sheet, fastexcel_names, with_booleans
            )
    return raw


def _contract_sheets(names: list[str], ignored: list[str]) -> list[tuple[str, Sheet]]:
    """The contract's sheets among `names`, in their order; the others (but the instructions)
    are added to `ignored`. Those are never parsed, so a hostile unknown sheet cannot hurt."""
    wanted: list[tuple[str, Sheet]] = []
    for name in names:
        sheet = sheet_for_name(name)
        if sheet is not None:
            wanted.append((name, sheet))
        elif normalize_name(name) != normalize_name(INSTRUCTIONS_SHEET):
            ignored.append(name)
    return wanted


def _read_sheet_or_say_why(
    reader: object, name: str, sheet: Sheet, hint: _SheetHint, budget: _Budget
) -> tuple[RawSheet, list[str]] | str:
    """`_read_sheet`, with calamine's failure as a Norwegian message."""
    say_reading(name)
    try:
        return _read_sheet(reader, name, sheet, hint.first_row, budget)
    except MemoryError:
        raise
    except BaseException as error:
        if isinstance(error, KeyboardInterrupt | SystemExit):
            raise
        # calamine's cell limit: an .ods row repeated a million times
        if "limit" in str(error).lower():
            return (
                "«{file_name}» har et ark som er større enn Styringsrom leser. Slett tomme "
                "rader og kolonner utenfor tabellen, lagre og last opp på nytt."
            )
        return corrupt("{file_name}", f"arket «{name}» kan ikke leses")


@dataclass
class _Budget:
    """What a parse may still hand back, all sheets together."""

    rows: int
    cells: int
    rows_used: int = 0
    cells_used: int = 0

    def check(self, name: str, height: int, width: int) -> str | None:
        """A Norwegian message when a sheet this size is more than the upload may still hold."""
        rows, cells = self.rows_used + height, self.cells_used + height * width
        if rows <= self.rows and cells <= self.cells:
            return None
        limit = upload_limit(self.rows, self.cells)
        if height <= self.rows and height * width <= self.cells:  # too much only together
            return too_large_upload("{file_name}", name, height, width, rows, cells, limit)
        return too_large_sheet("{file_name}", name, height, width, limit)

    def take(self, height: int, width: int) -> None:
        self.rows_used += height
        self.cells_used += height * width


_UNNAMED = re.compile(r"__UNNAMED__\d+")
_RENAMED = re.compile(r"(.*)_\d+")
_COLUMN_IN_ERROR = re.compile(r"could not determine dtype for column (.*)$", re.MULTILINE)


def _read_sheet(
    reader: object, name: str, sheet: Sheet, first_row: int | None, budget: _Budget
) -> tuple[RawSheet, list[str]] | str:
    """Find the heading row, then load the sheet typed by the cells below it.

    Every load parses the whole sheet, so the common case takes one: the heading row is the
    first row with a value (as the template writes it), which the sheet's XML tells before
    parsing. Otherwise a first load finds the heading row and a second loads from it. Returns the
    sheet and fastexcel's names for its columns.
    """
    if first_row is not None:
        loaded = _load(reader, name, budget, count=False, header_row=first_row - 1)
        if isinstance(loaded, str):
            return loaded
        top = [_headings(loaded.schema.names), *_head_rows(loaded, HEADER_SEARCH_ROWS - 1)]
        base = first_row  # Excel row of top[0]
    else:
        # From row 1 (skip_rows=0), so that row numbers are Excel's.
        loaded = _load(reader, name, budget, count=False, header_row=None, skip_rows=0)
        if isinstance(loaded, str):
            return loaded
        base = _first_row_with_content(loaded)
        if base is None:
            return RawSheet(name, None, empty=True), []
        top = _head_rows(loaded, HEADER_SEARCH_ROWS, start=base - 1)
    offset = find_header_row(top, sheet)
    if offset is None:
        empty = not row_has_content(top[0]) and _first_row_with_content(loaded) is None
        return RawSheet(name, None, header_row=base, empty=empty), []
    header_row = base + offset
    if first_row is None or offset > 0:
        loaded = _load(reader, name, budget, header_row=header_row - 1)
        if isinstance(loaded, str):
            return loaded
    else:
        budget.take(loaded.num_rows + 1, loaded.num_columns)
    names = loaded.schema.names
    return RawSheet(name, _headings(names), list(loaded.columns), header_row), names


def _load(
    reader: object, name: str, budget: _Budget, *, count: bool = True, **where: object
) -> pa.RecordBatch | str:
    """One parse of a sheet into Arrow, every column typed by all of its cells.

    calamine refuses some mixes (a time of day among dates and text); such a column is
    loaded as text instead.
    """
    import fastexcel

    as_text: dict[str | int, str] = {}
    while True:
        try:
            loaded = reader.load_sheet(  # type: ignore[attr-defined]
                name, schema_sample_rows=None, dtypes=as_text or None, **where
            )
            break
        except fastexcel.UnsupportedColumnTypeCombinationError as error:
            column = _COLUMN_IN_ERROR.search(str(error))
            if column is None or column[1] in as_text or len(as_text) >= 64:
                raise
            as_text[column[1]] = "string"
    # Counted with the heading row, as the sheet's extent; a search load is only checked.
    height = loaded.total_height + (where.get("header_row") is not None)
    problem = budget.check(name, height, loaded.width)
    if problem is not None:
        return problem
    if count:
        budget.take(height, loaded.width)
    return loaded.to_arrow()


def _headings(names: list[str]) -> list[str | None]:
    """The heading row as written, from the column names fastexcel gives (it names an empty
    heading __UNNAMED__n and a repeated one Name_1)."""
    headings: list[str | None] = []
    seen: set[str] = set()
    for name in names:
        if _UNNAMED.fullmatch(name):
            headings.append(None)
            continue
        renamed = _RENAMED.fullmatch(name)
        if renamed and renamed[1] in seen:
            name = renamed[1]
        seen.add(name)
        headings.append(name)
    return headings


def _head_rows(loaded: pa.RecordBatch, count: int, start: int = 0) -> list[list[object]]:
    columns = [column.slice(start, count).to_pylist() for column in loaded.columns]
    return [list(row) for row in zip(*columns, strict=True)]


def _first_row_with_content(loaded: pa.RecordBatch) -> int | None:
    """1 + the index of the first row with content, if any (the Excel row, when the sheet was
    loaded from row 1)."""
    import pyarrow.compute as pc

    found = pc.indices_nonzero(content_mask(list(loaded.columns), loaded.num_rows))
    return int(found[0].as_py()) + 1 if len(found) else None


_ROW_WITH_CELLS = re.compile(
    rb"<(?:[\w.-]+:)?row\b[^>]*?\br\s*=\s*[\"'](\d+)[\"'][^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?row>)",
    re.DOTALL,
)
_VALUE = re.compile(rb"<(?:[\w.-]+:)?(?:v|t)\b[^>]*>\s*[^<\s]")


@dataclass(frozen=True)
class _SheetHint:
    """What a sheet's zip member tells before parsing: its declared unpacked size, and the
    Excel row of its first row holding a value (None: not seen in the prolog)."""

    size: int = 0
    first_row: int | None = None


_NO_HINT = _SheetHint()


def _sheet_hints(path: Path) -> dict[str, _SheetHint]:
    """Sheet name -> its hint, from the zip directory and the start of each sheet's XML.

    Only hints: a wrong one costs time, never a wrong result (the reader checks the row).
    """
    found: dict[str, _SheetHint] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            by_name = {member.filename.lower(): member for member in archive.infolist()}
            if "xl/workbook.xml" not in by_name:
                return found
            for part, name in sheet_parts(archive, by_name).items():
                if not name or sheet_for_name(name) is None or part not in by_name:
                    continue
                with archive.open(by_name[part]) as stream:
                    prolog = stream.read(limits.PROLOG_BYTES)
                first_row = None
                for row in _ROW_WITH_CELLS.finditer(prolog):
                    if row[2] and _VALUE.search(row[2]):
                        first_row = int(row[1])
                        break
                found[name] = _SheetHint(by_name[part].file_size, first_row)
    except Exception:  # without hints the reader finds the heading rows itself
        return {}
    return found

"""CSV: one contract sheet, named by the file, read in this process (text cannot hurt calamine)."""

from __future__ import annotations

import io
from itertools import zip_longest
from pathlib import Path

from lib.contract import EXCEL_TEXT_LIMIT, find_header_row, sheet_for_name
from lib.read import limits
from lib.read.checks import OLE2_SIGNATURE, ZIP_SIGNATURE
from lib.read.messages import thousands, upload_limit
from lib.read.raw import RawSheet, RawWorkbook, UnreadableFile, row_has_content


def read_csv(path: Path, file_name: str) -> RawWorkbook:
    """The CSV file's sheet (the file's name without .csv names it); raises UnreadableFile."""
    rows = _rows(path, file_name)
    stem = Path(file_name).stem
    raw = RawWorkbook(file_name=file_name)
    if sheet_for_name(stem) is None:
        raw.ignored_sheets.append(stem)
    else:
        raw.sheets.append(sheet_from_rows(stem, rows))
    return raw


def _rows(path: Path, file_name: str) -> list[list[object]]:
    import csv

    text = _text(path, file_name)
    sample = text[:20_000]
    delimiter = max(";,\t", key=sample.count)
    rows: list[list[object]] = []
    cells = 0
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            cells += max(len(row), 1)
            if len(rows) >= limits.MAX_ROWS or cells > limits.MAX_CELLS:
                raise UnreadableFile(
                    f"«{file_name}» har flere rader eller celler enn Styringsrom leser (høyst "
                    f"{upload_limit(limits.MAX_ROWS, limits.MAX_CELLS)}). Fjern tomme og "
                    "overflødige rader, eller del filen, og last opp på nytt."
                )
            rows.append(list(row))
    except csv.Error as error:
        if "field limit" in str(error):
            # A cell over csv's limit (128 Ki characters) is four times what an Excel cell
            # holds: almost always a quote that never closes, which makes the rest of the file
            # one cell. (A long cell under the limit is refused by validation, where it is.)
            raise UnreadableFile(
                f"«{file_name}» er ikke en gyldig CSV-fil: rad {len(rows) + 1} har en celle med "
                f"mer enn {thousands(csv.field_size_limit())} tegn, og en Excel-celle rommer "
                f"høyst {thousands(EXCEL_TEXT_LIMIT)}. Som oftest mangler et avsluttende "
                'anførselstegn ("), så resten av filen leses som én celle. Rett det i filen og '
                "last opp på nytt."
            ) from None
        raise UnreadableFile(
            f"«{file_name}» er ikke en gyldig CSV-fil (feil i rad {len(rows) + 1}). Åpne "
            "den i Excel og lagre som «Excel-arbeidsbok (.xlsx)» eller «CSV UTF-8», og last "
            "opp på nytt."
        ) from None
    return rows


def _text(path: Path, file_name: str) -> str:
    """The file as text: UTF-8 (with or without a BOM), else Windows' cp1252."""
    data = path.read_bytes()
    if data.startswith((ZIP_SIGNATURE, OLE2_SIGNATURE)):
        raise UnreadableFile(
            f"«{file_name}» er en Excel-arbeidsbok, ikke en CSV-fil. Gi den endelsen .xlsx "
            "(eller lagre den som CSV fra Excel) og last opp på nytt."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1252 leaves five bytes undefined
        raise UnreadableFile(
            f"«{file_name}» har en tegnkoding som ikke kan leses. Lagre den som «CSV UTF-8» "
            "fra Excel og last opp på nytt."
        )
    if "\x00" in text:
        raise UnreadableFile(
            f"«{file_name}» er ikke en tekstfil (CSV). Last opp en CSV-fil eller en "
            "Excel-arbeidsbok (.xlsx)."
        )
    return text


def sheet_from_rows(name: str, rows: list[list[object]], first_row: int = 1) -> RawSheet:
    """A contract sheet from rows of cells (a CSV's text), `rows[0]` being Excel row `first_row`.

    A column whose cells are not all of one type holds their text, as a workbook's would.
    """
    import pyarrow as pa

    sheet = sheet_for_name(name)
    offset = find_header_row(rows, sheet) if sheet is not None else None
    if offset is None:
        empty = not any(row_has_content(row) for row in rows)
        return RawSheet(name, None, header_row=first_row, empty=empty)
    width = max((len(row) for row in rows[offset:]), default=0)
    headings = [
        str(cell).strip() if cell is not None and str(cell).strip() else None
        for cell in [*rows[offset], *[None] * (width - len(rows[offset]))]
    ]
    body = rows[offset + 1 :]
    columns = []
    for cells in zip_longest(*body, fillvalue=None) if body else [[]] * width:
        try:
            columns.append(pa.array(list(cells)))
        except (pa.ArrowException, TypeError, ValueError):
            columns.append(pa.array([None if cell is None else str(cell) for cell in cells]))
    return RawSheet(name, headings, columns, first_row + offset)

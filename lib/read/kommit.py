"""The KommIT Gevinstverktøy, read as it is (the contract's *Known templates*).

The benefits workbook KS/KommIT publishes has no IDs, and most of its cells are formulas that
copy a benefit's text from sheet to sheet. It is recognised by its sheets' names and read into
the raw form every upload takes, a «Gevinster» and a «Målinger» sheet, so that validation,
storing, the preview and the export are the usual ones:

- each benefit is a slot (a row under the heading) of «PLANLEGGE - Oppfølgingsplan», with ID
  `G` + the slot's number, so a later upload of the same workbook updates the same benefits;
- the other sheets are matched to it by the benefit's text (folded like headings);
- every made-up column remembers where its cells are (lib.read.raw.CellOrigin), so that every
  problem names the template's own sheet, row and column.

Formula cells are read by the values Excel or LibreOffice saved with them. A file written by a
program that does not calculate has formulas without such values: the sheet XML is scanned for
them first (which also unpacks each sheet to its end and so checks its zip checksum, as
lib.read.verify does for the contract's sheets), and such a file is refused with a message that
says what to do. Like lib.read.parse, this only ever runs in the parse child.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zipfile
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

from lib import clock
from lib.contract import (
    GEVINSTER,
    MALINGER,
    PROSJEKTER,
    QUALITATIVE,
    QUANTITATIVE,
    Column,
    Kind,
    Sheet,
    column_for_heading,
    heading_index,
    normalize_heading,
    normalize_name,
)
from lib.read.cells import cell_by_cell
from lib.read.checks import sheet_parts
from lib.read.messages import corrupt, say_reading, zip_problem
from lib.read.raw import CellOrigin, FrontPageProject, KnownTemplate, RawSheet, RawWorkbook

if TYPE_CHECKING:
    import pyarrow as pa

    from lib.read.parse import _Budget

TEMPLATE_NAME = "KommIT Gevinstverktøy"

FRONT_PAGE = "Forside"
ANALYSIS = "KONSEPT - Gevinstanalyse"
PLAN = "PLANLEGGE - Gevinstreal.plan"
FOLLOW_UP = "PLANLEGGE - Oppfølgingsplan"
RESULTS = "REALISERE - Resultatoppfølging"
#: The sheets read, in the order they are reported; FOLLOW_UP, which holds the slots, is required.
USED_SHEETS = (FRONT_PAGE, ANALYSIS, PLAN, FOLLOW_UP, RESULTS)
#: How far down a sheet its heading row (or the front page's project name) is looked for.
SEARCH_ROWS = 40

BENEFIT_ID_PREFIX = "G"
#: The label beside the project's name on the front page, folded, and the results' date label.
PROJECT_NAME_LABEL = "forelopig navn / prosjektnavn"
DATE_LABEL = "dato"
#: What else the front page says about the project: its label (folded) -> Prosjekter column.
FRONT_PAGE_FIELDS = (
    ("planlagt startdato", "startdato"),
    ("planlagt sluttdato", "sluttdato"),
    ("prosjekteier", "prosjekteier"),
    ("prosjektleder", "prosjektleder"),
)


def _template_column(sheet: Sheet, db: str, heading: str, *aliases: str) -> Column:
    """A contract column (its kind and parser) under the heading the template gives it."""
    return dataclasses.replace(sheet.column(db), name=heading, aliases=aliases, required=False)


def _gevinst(sheet: Sheet = GEVINSTER) -> Column:
    return _template_column(sheet, "gevinst", "Gevinst")


#: What is read from each template sheet: its columns, by the headings the template writes,
#: each standing for the contract column it fills.
TEMPLATE_SHEETS: dict[str, Sheet] = {
    FOLLOW_UP: Sheet(
        FOLLOW_UP,
        "kommit_oppfolgingsplan",
        (
            _gevinst(),
            _template_column(GEVINSTER, "maleindikator", "Måleindikator"),
            _template_column(GEVINSTER, "enhet", "Måleenhet"),
            _template_column(GEVINSTER, "nullpunkt", "Dagens verdi"),
            _template_column(GEVINSTER, "malverdi", "Ønsket verdi"),
        ),
    ),
    PLAN: Sheet(
        PLAN,
        "kommit_gevinstrealiseringsplan",
        (
            _gevinst(),
            _template_column(GEVINSTER, "maldato", "Når blir gevinsten realisert?"),
            _template_column(
                GEVINSTER, "gevinsteier", "Gevinst-ansvarlig", "Gevinst- ansvarlig", "Ansvarlig"
            ),
        ),
    ),
    ANALYSIS: Sheet(
        ANALYSIS,
        "kommit_gevinstanalyse",
        (_gevinst(), _template_column(GEVINSTER, "type", "Gevinsttype")),
    ),
    RESULTS: Sheet(
        RESULTS,
        "kommit_resultatoppfolging",
        (_gevinst(), _template_column(MALINGER, "verdi", "Dagens måling")),
    ),
}

#: Gevinsttype as the template's list writes it (folded start) -> the contract's Type.
BENEFIT_TYPES = {"direkte": QUANTITATIVE, "indirekte": QUANTITATIVE, "kvalitativ": QUALITATIVE}


def recognise(names: list[str]) -> dict[str, str] | None:
    """Template sheet -> its name in the workbook, when the sheets are the KommIT
    Gevinstverktøy's: its Oppfølgingsplan and at least one more of the sheets it is read from."""
    found: dict[str, str] = {}
    wanted = {normalize_name(sheet): sheet for sheet in USED_SHEETS}
    for name in names:
        sheet = wanted.get(normalize_name(name))
        if sheet is not None and sheet not in found:
            found[sheet] = name
    if FOLLOW_UP in found and len(found) >= 2:
        return found
    return None


# --- Formula cells without a saved value -------------------------------------------------------

_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c>)", re.DOTALL)
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f\b")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?v>)", re.DOTALL)
_TYPE = re.compile(rb"""\bt\s*=\s*["']([^"']*)["']""")
_REFERENCE = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{1,3})(\d{1,7})["']""")
_CHUNK = 1 << 20
#: A cell longer than this (Excel's cell holds 32,767 characters) ends the scan of its sheet.
_MAX_CELL_BYTES = 4 << 20


def formulas_without_values(path: Path, sheets: dict[str, str]) -> dict[str, list[tuple[str, int]]]:
    """Workbook sheet name -> (cell, Excel row) of each formula cell without a saved value.

    Excel saves a formula's result with it: `<f>…</f><v>12</v>`, or `t="str"` and an empty
    `<v/>` for an empty text. A program that does not calculate writes no `<v>`, or an empty
    one with no type (openpyxl). Each sheet is streamed to its end, so zipfile also checks its
    checksum: a sheet whose zip entry lies about its size fails here, before calamine reads it.
    """
    found: dict[str, list[tuple[str, int]]] = {}
    with zipfile.ZipFile(path) as archive:
        by_name = {member.filename.lower(): member for member in archive.infolist()}
        for part, name in sheet_parts(archive, by_name).items():
            if name not in sheets.values() or part not in by_name:
                continue
            with archive.open(by_name[part]) as stream:
                found[name] = _scan(stream)
    return found


def _scan(stream: object) -> list[tuple[str, int]]:
    cells: list[tuple[str, int]] = []
    tail = b""
    while chunk := stream.read(_CHUNK):  # type: ignore[attr-defined]
        text = tail + chunk
        end = 0
        for cell in _CELL.finditer(text):
            end = cell.end()
            inner = cell[2]
            if inner is None or not _FORMULA.search(inner):
                continue
            value = _VALUE.search(inner)
            kind = _TYPE.search(cell[1])
            empty = value is None or not (value[1] or b"").strip()
            if value is None or (empty and (kind is None or kind[1] == b"n")):
                where = _REFERENCE.search(cell[1])
                if where is not None:
                    cells.append((where[1].decode().upper() + where[2].decode(), int(where[2])))
        tail = text[end:]
        if len(tail) > _MAX_CELL_BYTES:
            break
    return cells


def uncalculated_message(sheet: str, cells: list[tuple[str, int]]) -> str:
    """The Norwegian message for formulas without saved values ("{file_name}": the file)."""
    cell, row = cells[0]
    letters = cell.rstrip("0123456789")
    others = len(cells) - 1
    more = f", og det samme gjelder {others} andre celler i arket" if others > 1 else ""
    more = ", og det samme gjelder 1 annen celle i arket" if others == 1 else more
    return (
        f"«{{file_name}}» er {TEMPLATE_NAME}, men formlene i den er ikke regnet ut: celle "
        f"{cell} i arket «{sheet}» (rad {row}, kolonne {letters}) er en formel uten lagret "
        f"verdi{more}. Filen er trolig laget av et program som ikke regner ut formler. Åpne "
        "den i Excel eller LibreOffice, lagre den der, og last opp på nytt."
    )


# --- Reading ------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Read:
    """One template sheet as read: its rows under the heading, column by contract db name."""

    name: str  # as written in the workbook
    raw: RawSheet
    columns: dict[str, int]  # db -> position in raw.columns
    headings: dict[str, str]  # db -> heading as written (line breaks folded)
    height: int  # data rows, up to the next heading row

    def excel_row(self, index: int) -> int:
        return self.raw.header_row + 1 + index

    def values(self, db: str) -> list[object]:
        return self.raw.columns[self.columns[db]].slice(0, self.height).to_pylist()


def read_template(
    reader: object, path: Path, sheet_names: list[str], budget: _Budget
) -> RawWorkbook | str:
    """Read a KommIT Gevinstverktøy (`recognise` knows it by its `sheet_names`) into Gevinster
    and Målinger; or a Norwegian message in which "{file_name}" stands for the file."""
    names = recognise(sheet_names)
    assert names is not None
    try:
        uncalculated = formulas_without_values(path, names)
    except zipfile.BadZipFile as error:  # a checksum that fails: the sheet is not what it says
        return corrupt("{file_name}", zip_problem(error))
    except Exception:  # zlib.error, EOFError: a broken zip
        return corrupt("{file_name}")
    tops: dict[str, list[list[object]]] = {}
    read: dict[str, _Read] = {}
    for template_sheet, name in names.items():
        top = _top_rows(reader, name, budget)
        if isinstance(top, str):
            return top
        tops[template_sheet] = top
        if template_sheet not in TEMPLATE_SHEETS:
            continue
        sheet_read = _read_table(reader, name, TEMPLATE_SHEETS[template_sheet], top, budget)
        if isinstance(sheet_read, str):
            return sheet_read
        if sheet_read is not None:
            read[template_sheet] = sheet_read
    if FOLLOW_UP not in read:
        headings = ", ".join(column.name for column in TEMPLATE_SHEETS[FOLLOW_UP].columns)
        return (
            f"«{{file_name}}» ser ut som {TEMPLATE_NAME}, men arket «{names[FOLLOW_UP]}» "
            f"mangler overskriftsraden ({headings}). Sjekk at arket er slik malen har det, "
            "og last opp på nytt."
        )
    for sheet_read in read.values():  # the cells read: those under the heading rows
        cells = uncalculated.get(sheet_read.name, [])
        cells = [cell for cell in cells if cell[1] > sheet_read.raw.header_row]
        if cells:
            return uncalculated_message(sheet_read.name, cells)
    project = _project_name(tops.get(FRONT_PAGE), names.get(FRONT_PAGE))
    measured_on = _measured_on(tops.get(RESULTS), read.get(RESULTS))
    benefits, slots = _benefits(read)
    measurements = _measurements(read, slots, measured_on)
    sheets = [benefits] if measurements is None else [benefits, measurements]
    workbook = RawWorkbook(file_name="", sheets=sheets)
    if project is not None:
        workbook.template_project = _front_page_project(tops[FRONT_PAGE], project)
    used = tuple(
        names[sheet] for sheet in USED_SHEETS if sheet in read or (sheet == FRONT_PAGE and project)
    )
    workbook.template = KnownTemplate(
        name=TEMPLATE_NAME,
        project_name=project[0] if project else None,
        project_cell=project[1] if project else None,
        used_sheets=used,
        ignored_sheets=tuple(name for name in sheet_names if name not in used),
        benefits=len(slots),
        measurements=_count(measurements),
        # «Dagens måling» is one date's measurements: those of other dates stay stored, so
        # a leader who updates Resultatoppfølging each quarter builds up the history.
        keyed_sheets=(MALINGER.key,),
    )
    return workbook


def _top_rows(reader: object, name: str, budget: _Budget) -> list[list[object]] | str:
    """The sheet's first SEARCH_ROWS rows from row 1, as Python values."""
    from lib.read.parse import _head_rows, _load

    say_reading(name)
    loaded = _load(reader, name, budget, count=False, header_row=None, skip_rows=0)
    if isinstance(loaded, str):
        return loaded
    return _head_rows(loaded, SEARCH_ROWS)


def _read_table(
    reader: object, name: str, sheet: Sheet, top: list[list[object]], budget: _Budget
) -> _Read | str | None:
    """A template sheet's table, typed as the contract reads it; None without a heading row."""
    from lib.read.parse import _read_sheet

    index = heading_index(sheet)
    header_row = None
    for offset, row in enumerate(top):
        known = {
            column.db
            for cell in row
            if isinstance(cell, str) and (column := column_for_heading(index, cell)) is not None
        }
        if len(known) >= 2:
            header_row = offset + 1
            break
    if header_row is None:
        return None
    loaded = _read_sheet(reader, name, sheet, header_row, budget)
    if isinstance(loaded, str):
        return loaded
    raw, fastexcel_names = loaded
    if raw.headings is None:
        return None
    raw.columns = cell_by_cell(reader, raw, sheet, fastexcel_names, False)
    columns: dict[str, int] = {}
    headings: dict[str, str] = {}
    for position, heading in enumerate(raw.headings):
        column = column_for_heading(index, heading) if heading else None
        if column is not None and column.db not in columns:
            columns[column.db] = position
            headings[column.db] = " ".join(str(heading).split())
    height = len(raw.columns[0]) if raw.columns else 0
    if "gevinst" in columns:  # the table ends where another one's heading row starts
        texts = raw.columns[columns["gevinst"]].to_pylist()
        for row, text in enumerate(texts):
            if isinstance(text, str) and normalize_heading(text) == normalize_heading("Gevinst"):
                height = row
                break
    return _Read(name, raw, columns, headings, height)


def _fold(text: object) -> str:
    """A benefit's text as matched between sheets: trimmed, spaces folded, any case."""
    return " ".join(str(text).split()).casefold() if text is not None else ""


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _matches(sheet_read: _Read | None, texts: list[str]) -> list[int | None]:
    """For each benefit text (in slot order), the index of its row in `sheet_read`: the k-th
    benefit with a text matches the k-th row with that text."""
    if sheet_read is None or "gevinst" not in sheet_read.columns:
        return [None] * len(texts)
    rows: dict[str, deque[int]] = {}
    for index, text in enumerate(sheet_read.values("gevinst")):
        if not _is_empty(text):
            rows.setdefault(_fold(text), deque()).append(index)
    return [rows[text].popleft() if rows.get(text) else None for text in texts]


def _benefits(read: dict[str, _Read]) -> tuple[RawSheet, list[tuple[int, str]]]:
    """The Gevinster sheet, and (slot index, folded text) of each filled slot.

    Its rows stand where the slots stand in the Oppfølgingsplan (an empty slot is an empty
    row, which validation skips), so that a row's number is the slot's Excel row there.
    """
    follow_up = read[FOLLOW_UP]
    used = list(follow_up.columns)
    by_column = {db: follow_up.values(db) for db in used}
    slots = [
        (index, _fold(by_column["gevinst"][index]) if "gevinst" in by_column else "")
        for index in range(follow_up.height)
        if any(not _is_empty(by_column[db][index]) for db in used)
    ]
    height = slots[-1][0] + 1 if slots else 0
    own: list[int | None] = [None] * height  # row -> the slot's row in the follow-up plan
    for index, _ in slots:
        own[index] = index
    own_rows = tuple(follow_up.excel_row(index) for index in range(height))
    headings: list[str | None] = ["Gevinst-ID"]
    ids = [f"{BENEFIT_ID_PREFIX}{index + 1}" if index is not None else None for index in own]
    columns: list[pa.Array] = [_array(ids)]
    origins: list[CellOrigin | None] = [None]
    for db in used:
        headings.append(GEVINSTER.column(db).name)
        columns.append(_take(follow_up, db, own))
        origins.append(CellOrigin(follow_up.name, follow_up.headings[db], own_rows))
    for sheet_key, dbs in ((PLAN, ("maldato", "gevinsteier")), (ANALYSIS, ("type",))):
        other = read.get(sheet_key)
        matched: list[int | None] = [None] * height
        for (index, _), row in zip(slots, _matches(other, [t for _, t in slots]), strict=True):
            matched[index] = row
        for db in dbs:
            if other is None or db not in other.columns:
                continue  # a column the upload does not have leaves the stored values be
            headings.append(GEVINSTER.column(db).name)
            values = _take(other, db, matched)
            if db == "maldato":
                values = _array([_year_end(value) for value in values.to_pylist()])
            elif db == "type":
                values = _array([_benefit_type(value) for value in values.to_pylist()])
            columns.append(values)
            rows = tuple(other.excel_row(row) if row is not None else None for row in matched)
            origins.append(CellOrigin(other.name, other.headings[db], rows))
    raw = RawSheet(GEVINSTER.name, headings, columns, header_row=follow_up.raw.header_row)
    raw.origins = origins
    raw.row_origin = CellOrigin(follow_up.name, follow_up.headings.get("gevinst", ""), own_rows)
    return raw, slots


def _measurements(
    read: dict[str, _Read],
    slots: list[tuple[int, str]],
    measured_on: tuple[object, CellOrigin | None] | None,
) -> RawSheet | None:
    """The Målinger sheet: one row per benefit with a «Dagens måling» in the results, where
    it stands there (so that a row's number is its Excel row); None without the results sheet
    (then stored measurements are left as they are)."""
    results = read.get(RESULTS)
    if results is None or "verdi" not in results.columns:
        return None
    values = results.values("verdi")
    matched = _matches(results, [text for _, text in slots])
    slot_of_row = {
        row: slot
        for (slot, _), row in zip(slots, matched, strict=True)
        if row is not None and not _is_empty(values[row])
    }
    height = max(slot_of_row) + 1 if slot_of_row else 0
    here: list[int | None] = [row if row in slot_of_row else None for row in range(height)]
    day, day_origin = measured_on if measured_on is not None else (clock.today(), None)
    ids = [
        f"{BENEFIT_ID_PREFIX}{slot_of_row[row] + 1}" if row is not None else None for row in here
    ]
    columns = [
        _array(ids),
        _array([day if row is not None else None for row in here]),
        _take(results, "verdi", here),
    ]
    own_rows = tuple(results.excel_row(row) for row in range(height))
    gevinst = CellOrigin(results.name, results.headings.get("gevinst", ""), own_rows)
    dato = None
    if day_origin is not None:
        dato = CellOrigin(day_origin.sheet, day_origin.heading, (day_origin.rows[0],) * height)
    raw = RawSheet(
        MALINGER.name, ["Gevinst-ID", "Dato", "Verdi"], columns, header_row=results.raw.header_row
    )
    raw.origins = [gevinst, dato, CellOrigin(results.name, results.headings["verdi"], own_rows)]
    raw.row_origin = gevinst
    return raw


def _count(sheet: RawSheet | None) -> int:
    """The rows of a made-up sheet (its first column, the ID, is set on every row)."""
    return len(sheet.columns[0]) - sheet.columns[0].null_count if sheet is not None else 0


def _take(sheet_read: _Read, db: str, rows: list[int | None]) -> pa.Array:
    """The column's cells at `rows` (None: an empty cell), keeping the type they were read as."""
    import pyarrow as pa

    column = sheet_read.raw.columns[sheet_read.columns[db]]
    return column.take(pa.array(rows, pa.int64()))


def _array(values: list[object]) -> pa.Array:
    """Python values as a column: of one type if they have one, else as text (as a column
    that mixes kinds is read)."""
    import pyarrow as pa

    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([_as_text(value) for value in values], pa.string())


def _as_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace(".", ",") if isinstance(value, float) else str(value)


_YEAR = re.compile(r"\s*(\d{4})(?:[.,]0+)?\s*")
_FIRST_YEAR, _LAST_YEAR = 1900, 2200


def _year_end(value: object) -> object:
    """«Når blir gevinsten realisert?» as a date: a year alone means 31.12 that year."""
    year = None
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        year = int(value)
    elif isinstance(value, str) and (match := _YEAR.fullmatch(value)):
        year = int(match[1])
    if year is not None and _FIRST_YEAR <= year <= _LAST_YEAR:
        return dt.date(year, 12, 31)
    return value


def _benefit_type(value: object) -> object:
    """The template's Gevinsttype as the contract's Type; anything else as it is (and then
    reported, if it is no type)."""
    if isinstance(value, str):
        folded = normalize_name(value)
        for start, benefit_type in BENEFIT_TYPES.items():
            if folded.startswith(start):
                return benefit_type
    return value


def _label_and_value(
    top: list[list[object]], label: str
) -> tuple[int, int, str, object | None] | None:
    """The first cell (row, column) whose folded text starts with `label`, its text, and what
    follows the label: the rest of that cell after a colon, else the next cell on the right
    (blank lines ____ are nothing)."""
    for row_index, row in enumerate(top):
        for column_index, cell in enumerate(row):
            if not isinstance(cell, str) or not normalize_name(cell).startswith(label):
                continue
            text, _, rest = cell.partition(":")
            rest = rest.strip(" _\t")
            label = " ".join(text.split()) + ":"
            if rest:
                return row_index + 1, column_index, label, rest
            for value in row[column_index + 1 :]:
                if not _is_empty(value) and not (isinstance(value, str) and not value.strip("_ ")):
                    return row_index + 1, column_index, label, value
            return row_index + 1, column_index, label, None
    return None


def _project_name(
    top: list[list[object]] | None, sheet: str | None
) -> tuple[str, tuple[str, int, str]] | None:
    """The project's name on the front page, and (sheet, row, label) of it."""
    if top is None or sheet is None:
        return None
    found = _label_and_value(top, PROJECT_NAME_LABEL)
    if found is None or _is_empty(found[3]):
        return None
    row, _, label, value = found
    return " ".join(_as_text(value).split()), (sheet, row, label)  # type: ignore[union-attr]


_RENDERED_DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2}) 00:00:00")


def _front_page_project(
    top: list[list[object]], project: tuple[str, tuple[str, int, str]]
) -> FrontPageProject:
    """The Prosjekter row the front page gives: the project's name, and its planned start
    and end and its owner and leader where they are filled in (a date only if it is one)."""
    name, (sheet, row, label) = project
    headings: list[str | None] = [PROSJEKTER.column("prosjektnavn").name]
    columns = [_array([name])]
    origins: list[CellOrigin | None] = [CellOrigin(sheet, label, (row,))]
    unread: list[tuple[str, int, str, str]] = []
    for field_label, db in FRONT_PAGE_FIELDS:
        found = _label_and_value(top, field_label)
        if found is None or _is_empty(found[3]):
            continue
        field_row, _, written, value = found
        if PROSJEKTER.column(db).kind is Kind.DATE:
            day = _as_date(value)
            if day is None:
                unread.append((sheet, field_row, written, " ".join(_as_text(value).split())))
                continue
            value = day
        else:
            value = " ".join(_as_text(value).split())  # type: ignore[union-attr]
        headings.append(PROSJEKTER.column(db).name)
        columns.append(_array([value]))
        origins.append(CellOrigin(sheet, written, (field_row,)))
    raw = RawSheet(PROSJEKTER.name, headings, columns, header_row=1)
    raw.origins = origins
    raw.row_origin = origins[0]
    return FrontPageProject(raw, unread)


def _as_date(value: object) -> dt.date | None:
    """A front page's date cell as a date, or None when it holds none (a text such as
    «høsten 2026»)."""
    # lib.parse imports pyarrow, which must come lean in this process (lib.read.lean).
    from lib.parse import ParseError, parse_date

    if isinstance(value, str) and (match := _RENDERED_DATE_TIME.fullmatch(value.strip())):
        value = match[1]
    try:
        return parse_date(value)
    except ParseError:
        return None


def _measured_on(
    top: list[list[object]] | None, results: _Read | None
) -> tuple[object, CellOrigin | None] | None:
    """The date of «Dagens måling»: the results sheet's «Dato:» above its table, and where it
    is; None when it is not filled in (then the measurements are dated the upload's day)."""
    if top is None or results is None:
        return None
    found = _label_and_value(top[: results.raw.header_row - 1], DATE_LABEL)
    if found is None or found[3] is None:
        return None
    row, _, label, value = found
    if isinstance(value, str) and (match := _RENDERED_DATE_TIME.fullmatch(value.strip())):
        value = match[1]
    if isinstance(value, dt.datetime):
        value = value.date()
    return value, CellOrigin(results.name, label, (row,))

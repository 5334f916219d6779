"""Raw sheets -> typed tables, and every problem found, at once.

Errors stop an upload; notices (unknown sheets and columns, …) are only reported. Every
problem names the sheet, the Excel row a person sees, the column, the value found and, in
Norwegian, what was expected.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from lib import wording
from lib.contract import (
    GEVINSTER,
    HEADER_SEARCH_ROWS,
    PROJECT_COLUMN,
    PROSJEKTER,
    SHEETS,
    SHEETS_BY_KEY,
    Column,
    Kind,
    Sheet,
    column_for_heading,
    heading_index,
    sheet_for_name,
)
from lib.parse import ARROW_TYPES, FIRST_DATE, PARSERS, ParseError, is_empty
from lib.read import RawSheet, RawWorkbook, content_mask

if TYPE_CHECKING:  # pandas only for problems_frame: a load from the command line never needs it
    import pandas as pd

REQUIRED_VALUE = "en verdi; feltet må fylles ut"
ROW_FIELD = "_excel_row"


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
        found = f": fant «{self.value}»" if self.value else ""
        return f"{', '.join(where)}{found} – forventet {self.expected}"


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
    # sheet key -> the projects whose rows of that sheet this upload replaces
    scope: dict[str, set[str]] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    # child sheet key -> {(project, parent id)}: stored measurements (evaluations) that go
    # with the benefits (recommendations) this upload removes; see `_removed_with_parents`
    removed_with_parents: dict[str, set[tuple[str, str]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def row_counts(self) -> dict[str, int]:
        return {key: len(table) for key, table in self.tables.items()}

    def touched_projects(self) -> set[str]:
        """The projects whose rows storing this upload replaces (in at least one sheet)."""
        return set().union(*self.scope.values()) if self.scope else set()


def _cell_text(value: object) -> str:
    if is_empty(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


class _SheetRows:
    """One sheet's data rows: parsed columns as Arrow, and as Python lists where the checks
    across rows need them (project, keys, references)."""

    def __init__(
        self,
        sheet: Sheet,
        name: str,
        arrays: dict[str, pa.Array],
        row_numbers: pa.Array,
        headings: dict[str, str],
    ) -> None:
        self.sheet = sheet
        self.name = name  # as written
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


# A text cell that Python's strip() would change, or that holds a control character, goes
# through parse_text; every other non-empty text cell is already what parse_text returns.
_TEXT_NEEDS_PARSING = r"[\x00-\x1f\x7f-\x9f]|^[\s\p{Z}]|[\s\p{Z}]$"


def _parse_column(array: pa.Array, kind: Kind) -> tuple[pa.Array, list[tuple[int, str, object]]]:
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


def _parse_cells(array: pa.Array, kind: Kind) -> tuple[pa.Array, list[tuple[int, str, object]]]:
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


def _parse_distinct(array: pa.Array, kind: Kind) -> tuple[pa.Array, list[tuple[int, str, object]]]:
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
    bad: list[tuple[int, str, object]] = []
    for position, expected in failed.items():
        for index in pc.indices_nonzero(pc.equal(encoded.indices, position)).to_pylist():
            bad.append((index, expected, distinct[position]))
    bad.sort(key=lambda found: found[0])
    return values, bad


def _parse_sheet(raw: RawSheet, sheet: Sheet, upload: ValidatedUpload) -> _SheetRows | None:
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

    height = len(raw.columns[0]) if raw.columns else 0
    has_content = content_mask(raw.columns, height)
    row_numbers = pc.add(pc.indices_nonzero(has_content).cast(pa.int64()), raw.header_row + 1)
    count = len(row_numbers)
    every_row = count == height

    def parse(position: int, column: Column) -> tuple[pa.Array, list[tuple[int, str, object]]]:
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
        for index, expected, cell in bad:
            upload.errors.append(
                Problem(raw.name, row_numbers[index].as_py(), heading, _cell_text(cell), expected)
            )
        if column.required and column.db != PROJECT_COLUMN:
            missing = pc.is_null(values)
            if bad:
                failed = pa.array([index for index, _, _ in bad], pa.int64())
                missing = pc.and_(missing, pc.invert(pc.is_in(pa.array(range(count)), failed)))
            for index in pc.indices_nonzero(missing).to_pylist():
                upload.errors.append(
                    Problem(raw.name, row_numbers[index].as_py(), heading, "", REQUIRED_VALUE)
                )
        parsed[column.db] = values
    for column in sheet.columns:
        if column.db not in parsed:
            parsed[column.db] = pa.nulls(count, ARROW_TYPES[column.kind])
        if column.default is not None:
            parsed[column.db] = pc.fill_null(parsed[column.db], column.default)
    return _SheetRows(sheet, raw.name, parsed, row_numbers, headings)


def _heading(rows: _SheetRows, db: str) -> str:
    return rows.headings.get(db) or rows.sheet.column(db).name


def validate(
    workbook: RawWorkbook, known: KnownData | None = None, project: str | None = None
) -> ValidatedUpload:
    """Check a whole workbook against the contract; every problem is reported at once."""
    known = known or KnownData()
    upload = ValidatedUpload(workbook.file_name)
    for name in workbook.ignored_sheets:
        upload.notices.append(
            Problem(
                name,
                None,
                "",
                "",
                "et kjent ark (" + ", ".join(s.name for s in SHEETS) + "); arket ble ignorert",
            )
        )
    found: dict[str, _SheetRows] = {}
    for raw in workbook.sheets:
        sheet = sheet_for_name(raw.name)
        if sheet is None:
            continue
        if sheet.key in found:
            upload.notices.append(
                Problem(raw.name, None, "", "", f"bare ett ark «{sheet.name}»; dette ble ignorert")
            )
            continue
        rows = _parse_sheet(raw, sheet, upload)
        if rows is not None:
            found[sheet.key] = rows

    _check_dates_in_order(found, upload)
    _assign_projects(found, known, project, upload)
    _check_keys_and_references(found, known, upload)
    _removed_with_parents(found, known, upload)
    _check_benefits(found, known, upload)

    for key, rows in found.items():
        if not len(rows.row_numbers):
            # A sheet left empty (as in the template) means "not touched", never "remove all":
            # losing a project's rows because a leader skipped a sheet would be far worse.
            but = (
                ", bortsett fra radene som fjernes sammen med det de gjelder (se over)"
                if key in upload.removed_with_parents
                else ""
            )
            upload.notices.append(
                Problem(
                    rows.name,
                    None,
                    "",
                    "",
                    f"rader; arket er tomt, og lagrede rader i dette arket er ikke endret{but}",
                )
            )
            continue
        upload.tables[key] = rows.table()
        # The (project, sheet) pairs this upload replaces: the projects its rows name.
        projects = upload.tables[key].column(PROJECT_COLUMN)
        upload.scope[key] = set(pc.unique(projects).drop_null().to_pylist())
    # Read as a person reads the workbook: sheet by sheet, row by row (stable: within a row,
    # the columns stay in the order they were checked).
    sheet_order = {raw.name: position for position, raw in enumerate(workbook.sheets)}
    upload.errors.sort(key=lambda p: (sheet_order.get(p.sheet, len(sheet_order)), p.row or 0))
    return upload


def _check_dates_in_order(found: dict[str, _SheetRows], upload: ValidatedUpload) -> None:
    pairs = [
        (PROSJEKTER.key, "startdato", "sluttdato"),
        (GEVINSTER.key, "nullpunktdato", "maldato"),
    ]
    for key, first, last in pairs:
        rows = found.get(key)
        if rows is None:
            continue
        for number, start, end in zip(
            rows.rows, rows.values(first), rows.values(last), strict=True
        ):
            if start is not None and end is not None and end < start:
                # A notice, not an error: the contract accepts the row; a person should look.
                upload.notices.append(
                    Problem(
                        rows.name,
                        number,
                        _heading(rows, last),
                        end.strftime("%d.%m.%Y"),
                        f"en dato etter {_heading(rows, first)} ({start.strftime('%d.%m.%Y')})",
                    )
                )


def _assign_projects(
    found: dict[str, _SheetRows], known: KnownData, project: str | None, upload: ValidatedUpload
) -> set[str]:
    """Fill in each row's project; returns the projects the upload's Prosjekter sheet holds."""
    project_rows = found.get(PROSJEKTER.key)
    if project_rows is not None:
        # In Prosjekter the ID is the row's own key: left out, it is the project chosen at
        # upload; without one it must be filled in.
        ids = project_rows.values(PROJECT_COLUMN)
        for index, value in enumerate(ids):
            if value is None and project:
                ids[index] = project
            elif value is None:
                upload.errors.append(
                    Problem(
                        project_rows.name,
                        project_rows.rows[index],
                        _heading(project_rows, PROJECT_COLUMN),
                        "",
                        REQUIRED_VALUE,
                    )
                )
    upload_projects = (
        {p for p in project_rows.values(PROJECT_COLUMN) if p is not None} if project_rows else set()
    )
    if project and project_rows and upload_projects - {project}:
        for number, value in zip(
            project_rows.rows, project_rows.values(PROJECT_COLUMN), strict=True
        ):
            if value is not None and value != project:
                upload.errors.append(
                    Problem(
                        project_rows.name,
                        number,
                        _heading(project_rows, PROJECT_COLUMN),
                        value,
                        f"prosjektet opplastingen gjelder ({project})",
                    )
                )
    default = project
    if default is None and project_rows is not None and len(project_rows.rows) == 1:
        default = next(iter(upload_projects), None)
    all_projects = known.projects | upload_projects | ({project} if project else set())

    known_projects = pa.array([p for p in all_projects if p is not None], pa.string())
    for key, rows in found.items():
        if key == PROSJEKTER.key:
            continue
        if project is None and _all_in(rows.array(PROJECT_COLUMN), known_projects):
            continue  # every row names a known project: nothing to fill in or report
        values = rows.values(PROJECT_COLUMN)
        heading = _heading(rows, PROJECT_COLUMN)
        for index, value in enumerate(values):
            if value is None:
                if default is None and rows.sheet.parent is None:
                    upload.errors.append(
                        Problem(
                            rows.name,
                            rows.rows[index],
                            heading,
                            "",
                            "en Prosjekt-ID; den kan bare utelates når arbeidsboken gjelder "
                            "ett prosjekt (én rad i Prosjekter, eller prosjekt valgt ved "
                            "opplasting)",
                        )
                    )
                values[index] = default
            elif project and value != project:
                upload.errors.append(
                    Problem(
                        rows.name,
                        rows.rows[index],
                        heading,
                        value,
                        f"prosjektet opplastingen gjelder ({project})",
                    )
                )
            elif value not in all_projects:
                upload.errors.append(
                    Problem(
                        rows.name,
                        rows.rows[index],
                        heading,
                        value,
                        "en Prosjekt-ID som finnes i arket Prosjekter eller er lagret fra før",
                    )
                )
    return upload_projects


def _ids_available(found: dict[str, _SheetRows], known: KnownData, key: str) -> dict[str, set[str]]:
    """id -> projects that have it, after this upload: the upload replaces its own projects."""
    available: dict[str, set[str]] = defaultdict(set)
    rows = found.get(key)
    replaced = set(rows.values(PROJECT_COLUMN)) if rows else set()
    id_column = SHEETS_BY_KEY[key].id_columns[0]
    if rows:
        for project, row_id in zip(
            rows.values(PROJECT_COLUMN), rows.values(id_column), strict=True
        ):
            if project is not None and row_id is not None:
                available[row_id].add(project)
    for project, row_id in known.ids.get(key, set()):
        if project not in replaced:
            available[row_id].add(project)
    return available


def _check_keys_and_references(
    found: dict[str, _SheetRows], known: KnownData, upload: ValidatedUpload
) -> None:
    for rows in found.values():
        sheet = rows.sheet
        if sheet.parent is not None:
            parent_column, parent_key = sheet.parent
            available = _ids_available(found, known, parent_key)
            parent_name = SHEETS_BY_KEY[parent_key].name
            projects = rows.values(PROJECT_COLUMN)
            for index, parent_id in enumerate(rows.values(parent_column)):
                if parent_id is None:
                    continue
                owners = available.get(parent_id, set())
                project = projects[index]
                heading = _heading(rows, parent_column)
                if project is not None and project not in owners:
                    removed_here = (project, parent_id) in known.ids.get(parent_key, set())
                    upload.errors.append(
                        Problem(
                            rows.name,
                            rows.rows[index],
                            heading,
                            parent_id,
                            f"en ID som finnes i arket {parent_name} for prosjekt {project}; "
                            f"{parent_id} er lagret, men er ikke med i arket {parent_name} i "
                            "denne opplastingen. Ta den med der, eller fjern denne raden"
                            if removed_here
                            else f"en ID som finnes i arket {parent_name} for prosjekt "
                            f"{project}, i opplastingen eller lagret fra før",
                        )
                    )
                elif project is None and len(owners) == 1:
                    projects[index] = next(iter(owners))
                elif project is None and not owners:
                    upload.errors.append(
                        Problem(
                            rows.name,
                            rows.rows[index],
                            heading,
                            parent_id,
                            f"en ID som finnes i arket {parent_name}, i opplastingen eller "
                            "lagret fra før",
                        )
                    )
                elif project is None:
                    upload.errors.append(
                        Problem(
                            rows.name,
                            rows.rows[index],
                            _heading(rows, PROJECT_COLUMN),
                            "",
                            f"en Prosjekt-ID: {parent_id} finnes i flere prosjekter "
                            f"({', '.join(sorted(owners))})",
                        )
                    )
        if _keys_complete_and_unique(rows):
            continue  # nothing to report (the common case)
        seen: dict[tuple, int] = {}
        key_columns = [rows.values(column) for column in sheet.id_columns]
        keys = list(zip(rows.values(PROJECT_COLUMN), *key_columns, strict=True))
        for index, values in enumerate(keys):
            if None in values[1:]:
                continue
            first = seen.setdefault(values, rows.rows[index])
            if first != rows.rows[index]:
                shown = " / ".join(_show_key(value) for value in values[1:])
                upload.errors.append(
                    Problem(
                        rows.name,
                        rows.rows[index],
                        " / ".join(_heading(rows, column) for column in sheet.id_columns),
                        shown,
                        f"en unik nøkkel i prosjektet; den samme står også i rad {first}",
                    )
                )


def _removed_with_parents(
    found: dict[str, _SheetRows], known: KnownData, upload: ValidatedUpload
) -> None:
    """Measurements (evaluations) belong to the benefit (recommendation) they name: when the
    upload removes it, its stored children go with it, unless the upload replaces the
    project's children itself. Left behind, they would name an unknown ID and the export
    would no longer load back. Each such removal is a notice, and shows in the preview."""
    for child in SHEETS:
        if child.parent is None:
            continue
        parent_column, parent_key = child.parent
        parents = found.get(parent_key)
        stored_children = known.children.get(child.key, {})
        if parents is None or not len(parents.row_numbers) or not stored_children:
            continue  # a parent sheet left out or empty removes nothing
        replaced = set(parents.values(PROJECT_COLUMN)) - {None}
        kept = set(zip(parents.values(PROJECT_COLUMN), parents.values(parent_column), strict=True))
        children = found.get(child.key)
        children_replaced = set(children.values(PROJECT_COLUMN)) if children else set()
        for (project, parent_id), count in sorted(stored_children.items()):
            if project not in replaced or (project, parent_id) in kept:
                continue
            if project in children_replaced:
                continue  # the upload's own children are the new truth (and checked)
            upload.removed_with_parents.setdefault(child.key, set()).add((project, parent_id))
            rows = wording.count(count, "lagret rad", "lagrede rader")
            upload.notices.append(
                Problem(
                    parents.name,
                    None,
                    _heading(parents, parent_column),
                    "",
                    f"{parent_id} (prosjekt {project}): den er ikke med i arket, så {rows} i "
                    f"arket {child.name} som gjelder den, fjernes også",
                )
            )


def _all_in(values: pa.Array, allowed: pa.Array) -> bool:
    """Whether every value is set and one of `allowed`."""
    return not values.null_count and bool(pc.all(pc.is_in(values, value_set=allowed)).as_py())


def _keys_complete_and_unique(rows: _SheetRows) -> bool:
    """Whether every row has its ID columns filled in and no two rows share project and IDs.

    Each key column becomes its dictionary codes, folded into one integer per row; equal
    integers are equal keys. (Rows without a project all fold to NULL, so two of them send
    the sheet to the row-by-row check, which decides.)"""
    id_arrays = [rows.array(column) for column in rows.sheet.id_columns]
    if not id_arrays or any(array.null_count for array in id_arrays):
        return False
    combined = pa.repeat(pa.scalar(0, pa.int64()), len(id_arrays[0]))
    span = 1  # the combined codes are below this
    for array in (rows.array(PROJECT_COLUMN), *id_arrays):
        encoded = array.dictionary_encode()
        if span * max(len(encoded.dictionary), 1) >= 2**62:  # number them again from 0
            numbered = combined.dictionary_encode()
            combined, span = numbered.indices.cast(pa.int64()), len(numbered.dictionary)
        width = max(len(encoded.dictionary), 1)
        combined = pc.add(pc.multiply(combined, width), encoded.indices.cast(pa.int64()))
        span *= width
    return len(pc.unique(combined)) == len(combined)


def _show_key(value: object) -> str:
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")  # type: ignore[union-attr]
    return str(value)


def _check_benefits(
    found: dict[str, _SheetRows], known: KnownData, upload: ValidatedUpload
) -> None:
    """Type defaults to Kvantitativ when Målverdi is a number; qualitative values are 1–5."""
    types = dict(known.benefit_types)
    defaulted: set[tuple[str, str]] = set()  # this upload's benefits whose Type was left empty
    benefits = found.get(GEVINSTER.key)
    if benefits is not None:
        replaced = set(benefits.values(PROJECT_COLUMN))
        types = {k: v for k, v in types.items() if k[0] not in replaced}
        columns = {db: benefits.values(db) for db in (PROJECT_COLUMN, "gevinst_id", "type")}
        columns.update({db: benefits.values(db) for db in ("nullpunkt", "malverdi")})
        for index, benefit_type in enumerate(columns["type"]):
            key = (columns[PROJECT_COLUMN][index], columns["gevinst_id"][index])
            if benefit_type is None:
                benefit_type = _default_benefit_type(
                    columns["nullpunkt"][index], columns["malverdi"][index]
                )
                columns["type"][index] = benefit_type
                defaulted.add(key)
            types[key] = benefit_type
            if benefit_type == "Kvalitativ":
                for db in ("nullpunkt", "malverdi"):
                    _check_quality_scale(
                        benefits, index, db, columns[db][index], upload, key in defaulted
                    )
    measurements = found.get("malinger")
    if measurements is not None:
        columns = {db: measurements.values(db) for db in (PROJECT_COLUMN, "gevinst_id", "verdi")}
        for index, value in enumerate(columns["verdi"]):
            key = (columns[PROJECT_COLUMN][index], columns["gevinst_id"][index])
            if types.get(key) == "Kvalitativ":
                _check_quality_scale(measurements, index, "verdi", value, upload, key in defaulted)


def _default_benefit_type(baseline: object, target: object) -> str:
    """Kvantitativ when Målverdi is a number (the contract); without one, a baseline off the
    1–5 scale still says the benefit is counted, not rated."""
    if target is not None:
        return "Kvantitativ"
    if isinstance(baseline, float) and not (baseline.is_integer() and 1 <= baseline <= 5):
        return "Kvantitativ"
    return "Kvalitativ"


def _check_quality_scale(
    rows: _SheetRows,
    index: int,
    db: str,
    value: object,
    upload: ValidatedUpload,
    defaulted: bool = False,
) -> None:
    if value is not None and not (
        isinstance(value, float) and value.is_integer() and 1 <= value <= 5
    ):
        why = (
            "gevinsten regnes som kvalitativ fordi Type og Målverdi er tomme; fyll inn "
            "Målverdi eller Type «Kvantitativ» i arket Gevinster hvis den måles i tall"
            if defaulted
            else "gevinsten er kvalitativ"
        )
        upload.errors.append(
            Problem(
                rows.name,
                rows.rows[index],
                _heading(rows, db),
                _cell_text(value),
                f"en verdi på skalaen 1–5 ({why})",
            )
        )


__all__ = [
    "HEADER_SEARCH_ROWS",
    "KnownData",
    "Problem",
    "ValidatedUpload",
    "problems_frame",
    "validate",
]

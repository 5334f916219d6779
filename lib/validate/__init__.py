"""Raw sheets -> typed tables, and every problem found, at once.

Errors stop an upload; notices (unknown sheets and columns, …) are only reported. Every
problem names the sheet, the Excel row a person sees, the column, the value found and, in
Norwegian, what was expected.

`rows` parses one sheet and checks its cells; `across` makes the checks that look beyond one
cell (projects, keys, references, benefits); `upload` holds what validation takes and gives.
"""

from __future__ import annotations

import pyarrow.compute as pc

from lib.contract import HEADER_SEARCH_ROWS, PROJECT_COLUMN, SHEETS, sheet_for_name
from lib.read import RawWorkbook
from lib.validate.across import (
    assign_projects,
    check_benefits,
    check_dates_in_order,
    check_keys_and_references,
    removed_with_parents,
)
from lib.validate.rows import ROW_FIELD, SheetRows, parse_sheet
from lib.validate.templates import check_template
from lib.validate.upload import (
    PROBLEM_HEADINGS,
    KnownData,
    Problem,
    ValidatedUpload,
    problems_frame,
)


def validate(
    workbook: RawWorkbook, known: KnownData | None = None, project: str | None = None
) -> ValidatedUpload:
    """Check a whole workbook against the contract; every problem is reported at once."""
    known = known or KnownData()
    upload = ValidatedUpload(workbook.file_name)
    upload.template = workbook.template
    if workbook.template is not None and not check_template(workbook.template, project, upload):
        return upload  # without a project, its rows could only repeat that error
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
    found = _parse_sheets(workbook, upload)
    check_dates_in_order(found, upload)
    assign_projects(found, known, project, upload)
    check_keys_and_references(found, known, upload)
    removed_with_parents(found, known, upload)
    check_benefits(found, known, upload)
    _keep_tables(found, upload)
    # Read as a person reads the workbook: sheet by sheet, row by row (stable: within a row,
    # the columns stay in the order they were checked).
    sheet_order = {raw.name: position for position, raw in enumerate(workbook.sheets)}
    # One cell of a known template can stand for many rows (its «Dato:»): say it once.
    upload.errors = list(dict.fromkeys(upload.errors))
    upload.errors.sort(key=lambda p: (sheet_order.get(p.sheet, len(sheet_order)), p.row or 0))
    return upload


def _parse_sheets(workbook: RawWorkbook, upload: ValidatedUpload) -> dict[str, SheetRows]:
    """Sheet key -> its parsed rows; a second sheet of the same kind is ignored."""
    found: dict[str, SheetRows] = {}
    for raw in workbook.sheets:
        sheet = sheet_for_name(raw.name)
        if sheet is None:
            continue
        if sheet.key in found:
            upload.notices.append(
                Problem(raw.name, None, "", "", f"bare ett ark «{sheet.name}»; dette ble ignorert")
            )
            continue
        rows = parse_sheet(raw, sheet, upload)
        if rows is not None:
            found[sheet.key] = rows
    return found


def _keep_tables(found: dict[str, SheetRows], upload: ValidatedUpload) -> None:
    """The sheets' typed tables, and the projects each replaces; an empty sheet is left alone."""
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


__all__ = [
    "HEADER_SEARCH_ROWS",
    "PROBLEM_HEADINGS",
    "ROW_FIELD",
    "KnownData",
    "Problem",
    "ValidatedUpload",
    "problems_frame",
    "validate",
]

"""Raw sheets -> typed tables, and every problem found, at once.

Errors stop an upload; notices (unknown sheets and columns, …) are only reported. Every
problem names the sheet, the Excel row a person sees, the column, the value found and, in
Norwegian, what was expected.

`rows` parses one sheet and checks its cells; `across` makes the checks that look beyond one
cell (projects, keys, references, benefits); `upload` holds what validation takes and gives.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import pyarrow.compute as pc

from lib.contract import (
    GEVINSTER,
    HEADER_SEARCH_ROWS,
    PROJECT_COLUMN,
    PROSJEKTER,
    SHEETS,
    sheet_for_name,
)
from lib.parse import ParseError, parse_id
from lib.read import RawWorkbook
from lib.validate.across import (
    assign_projects,
    check_benefits,
    check_dates_in_order,
    check_keys_and_references,
    removed_with_parents,
)
from lib.validate.rows import ROW_FIELD, SheetRows, parse_sheet
from lib.validate.templates import check_template, front_page_project
from lib.validate.upload import (
    PROBLEM_HEADINGS,
    KnownData,
    Problem,
    ValidatedUpload,
    cell_text,
    problems_frame,
)


def validate(
    workbook: RawWorkbook,
    known: KnownData | None = None,
    project: str | None = None,
    renamed_projects: Mapping[str, str] | None = None,
) -> ValidatedUpload:
    """Check a whole workbook against the contract; every problem is reported at once.

    `renamed_projects` ({Prosjekt-ID in the workbook: stored Prosjekt-ID}) loads the rows of
    a project onto another, e.g. a stored project that a similar one in the workbook means
    (lib.validate.similar); see `assign_projects`.
    """
    known = known or KnownData()
    upload = ValidatedUpload(workbook.file_name)
    upload.template = workbook.template
    if project is not None:
        project = _chosen_project(project, upload)
        if not upload.ok:
            return upload
    if workbook.template is not None:
        upload.keyed_sheets.update(workbook.template.keyed_sheets)
        if not check_template(workbook.template, project, upload):
            return upload  # without a project, its rows could only repeat that error
        own = front_page_project(workbook, known, project, renamed_projects, upload)
        if own is not None:
            workbook = dataclasses.replace(workbook, sheets=[own, *workbook.sheets])
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
    assign_projects(found, known, project, upload, renamed_projects)
    _allow_required_columns_for_stored_rows(found, known, upload)
    check_keys_and_references(found, known, upload)
    removed_with_parents(found, known, upload)
    _stored_types_where_type_is_absent(found, known)
    check_benefits(found, known, upload)
    _keep_tables(found, upload)
    # Read as a person reads the workbook: sheet by sheet, row by row (stable: within a row,
    # the columns stay in the order they were checked).
    sheet_order = {raw.name: position for position, raw in enumerate(workbook.sheets)}
    # One cell of a known template can stand for many rows (its «Dato:»): say it once.
    upload.errors = list(dict.fromkeys(upload.errors))
    upload.errors.sort(key=lambda p: (sheet_order.get(p.sheet, len(sheet_order)), p.row or 0))
    return upload


def _chosen_project(project: str, upload: ValidatedUpload) -> str | None:
    """The project chosen at upload (`load --project`, the upload page) read as any
    Prosjekt-ID cell is: trimmed, on one line; an error when it is no ID."""
    try:
        return parse_id(project)
    except ParseError as error:
        upload.errors.append(
            Problem(
                "",
                None,
                PROSJEKTER.column(PROJECT_COLUMN).name,
                cell_text(project),
                f"{error.expected} (prosjektet valgt ved opplasting)",
            )
        )
        return None


def _parse_sheets(workbook: RawWorkbook, upload: ValidatedUpload) -> dict[str, SheetRows]:
    """Sheet key -> its parsed rows.

    Two sheets that mean the same contract sheet (`Risiko`, `Risiko `, `RISIKO`) are an error
    naming them all: which one holds the leader's edits cannot be guessed. A workbook with no
    rows in any sheet Styringsrom knows is an error too: storing it would make an empty version.
    """
    by_sheet: dict[str, list[str]] = {}
    for raw in workbook.sheets:
        sheet = sheet_for_name(raw.name)
        if sheet is not None:
            by_sheet.setdefault(sheet.key, []).append(raw.name)
    found: dict[str, SheetRows] = {}
    repeated: set[str] = set()
    for raw in workbook.sheets:
        sheet = sheet_for_name(raw.name)
        if sheet is None:
            continue
        names = by_sheet[sheet.key]
        if len(names) > 1:
            if sheet.key not in repeated:  # one error for them all
                repeated.add(sheet.key)
                upload.errors.append(_same_sheet_twice(sheet.name, names))
            continue
        rows = parse_sheet(raw, sheet, upload)
        if rows is not None:
            found[sheet.key] = rows
    if not upload.errors and not any(len(rows.row_numbers) for rows in found.values()):
        upload.errors.append(_nothing_to_store(workbook))
    return found


def _allow_required_columns_for_stored_rows(
    found: dict[str, SheetRows], known: KnownData, upload: ValidatedUpload
) -> None:
    """A required column a sheet does not have leaves the stored values as they are, so a
    sheet of stored rows may leave it out (a leader's Risiko with only ID, Sannsynlighet and
    Konsekvens). When every row's project is stored, the reader's "the column must be in
    the sheet" is taken back here, and the rows that are new (which must have it) are found
    where the upload is previewed or stored (`ValidatedUpload.required_absent`). An ID
    column, and a column of a project that is not stored, stay required."""
    for key, rows in found.items():
        keys = {PROJECT_COLUMN, *rows.sheet.id_columns}
        missing = {
            column.name: column.db
            for column in rows.sheet.columns
            if column.required
            and column.default is None
            and column.db not in keys
            and column.db not in rows.headings
        }
        if not missing or not len(rows.row_numbers):
            continue
        projects = set(rows.values(PROJECT_COLUMN))
        if None in projects or not projects <= known.projects:
            continue
        data_rows = set(rows.rows)
        upload.errors = [
            error
            for error in upload.errors
            if not (
                error.sheet == rows.name
                and error.column in missing
                and not error.value
                and error.row not in data_rows
            )
        ]
        upload.required_absent[key] = set(missing.values())


def _stored_types_where_type_is_absent(found: dict[str, SheetRows], known: KnownData) -> None:
    """A Gevinster sheet without a Type column keeps each stored benefit's type (the store
    keeps it too: a column the sheet does not have is untouched), so the checks of its
    values and measurements go by the stored type, not by a default from Målverdi."""
    benefits = found.get(GEVINSTER.key)
    if benefits is None or "type" in benefits.headings or not known.benefit_types:
        return
    types = benefits.values("type")
    keys = zip(benefits.values(PROJECT_COLUMN), benefits.values("gevinst_id"), strict=True)
    for index, key in enumerate(keys):
        stored = known.benefit_types.get(key)  # type: ignore[arg-type]
        if stored is not None:
            types[index] = stored


def _same_sheet_twice(name: str, names: list[str]) -> Problem:
    return Problem(
        names[0],
        None,
        "",
        ", ".join(f'"{written}"' for written in names),  # quoted: a trailing space shows
        f"bare ett ark som betyr «{name}» (Styringsrom skiller ikke mellom store og små "
        "bokstaver, mellomrom eller æ og ae); samle radene i ett av de "
        f"{len(names)} arkene og slett de andre",
    )


def _nothing_to_store(workbook: RawWorkbook) -> Problem:
    """The error for a workbook without rows in any known sheet, naming the sheets it has."""
    seen = [f"{raw.name} (ingen rader)" for raw in workbook.sheets]
    seen += [f"{name} (ukjent ark)" for name in workbook.ignored_sheets]
    known = ", ".join(sheet.name for sheet in SHEETS)
    return Problem(
        "",
        None,
        "",
        ", ".join(seen),
        f"rader i ark som Styringsrom kjenner igjen ({known}); arbeidsboken har ingen, så det "
        "er ingenting å lagre",
    )


def _keep_tables(found: dict[str, SheetRows], upload: ValidatedUpload) -> None:
    """The sheets' typed tables, the columns each has, and the projects each replaces; an
    empty sheet is left alone."""
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
        upload.headings[key] = dict(rows.headings)
        upload.sheet_names[key] = rows.name
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

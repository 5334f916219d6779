"""The checks that look beyond one cell: each row's project, unique keys, references to other
sheets and to what is stored, stored rows that go with their parent, benefit types and the
qualitative scale (1–5, decimals included), and dates in order.

Each takes the sheets parsed so far (sheet key -> SheetRows) and adds its problems to the
upload; some fill in what a row may leave out (its project, a benefit's type).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

from lib import wording
from lib.contract import (
    GEVINSTER,
    PROJECT_COLUMN,
    PROSJEKTER,
    QUALITATIVE,
    QUALITY_SCALE,
    QUANTITATIVE,
    SHEETS,
    SHEETS_BY_KEY,
    on_quality_scale,
)
from lib.validate.rows import SheetRows
from lib.validate.upload import REQUIRED_VALUE, KnownData, Problem, ValidatedUpload, cell_text

Found = dict[str, SheetRows]


def check_dates_in_order(found: Found, upload: ValidatedUpload) -> None:
    pairs = [
        (PROSJEKTER.key, "startdato", "sluttdato"),
        (GEVINSTER.key, "nullpunktdato", "maldato"),
    ]
    for key, first, last in pairs:
        rows = found.get(key)
        if rows is None:
            continue
        starts, ends = rows.values(first), rows.values(last)
        for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
            if start is not None and end is not None and end < start:
                # A notice, not an error: the contract accepts the row; a person should look.
                upload.notices.append(
                    rows.problem(
                        index,
                        rows.heading(last),
                        end.strftime("%d.%m.%Y"),
                        f"en dato etter {rows.heading(first)} ({start.strftime('%d.%m.%Y')})",
                    )
                )


def _other_project(project: str) -> str:
    return f"prosjektet opplastingen gjelder ({project})"


def assign_projects(
    found: Found,
    known: KnownData,
    project: str | None,
    upload: ValidatedUpload,
    renamed: Mapping[str, str] | None = None,
) -> set[str]:
    """Fill in each row's project; returns the projects the upload's Prosjekter sheet holds.

    `renamed` ({Prosjekt-ID in the workbook: the ID to store it as}) moves a project's rows
    onto another first. A project chosen at upload does that by itself for a workbook whose
    rows all name one other project that is not stored: the person chose where it goes.
    """
    renamed = dict(renamed or {})
    if project is not None:
        project = renamed.get(project, project)
        renamed.update(_chosen_instead(found, known, project))
    if renamed:
        _rename_projects(found, renamed, upload)
    project_rows = found.get(PROSJEKTER.key)
    upload_projects = (
        _own_projects(project_rows, project, upload) if project_rows is not None else set()
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
        _fill_in_projects(rows, project, default, all_projects, upload)
    return upload_projects


def _named_projects(found: Found) -> set[str]:
    """Every Prosjekt-ID the workbook's rows name."""
    named: set[str] = set()
    for rows in found.values():
        named.update(pc.unique(rows.array(PROJECT_COLUMN)).drop_null().to_pylist())
    return named


def _chosen_instead(found: Found, known: KnownData, project: str) -> dict[str, str]:
    """{the one other project the workbook names: the project chosen at upload}, when the
    workbook's rows name exactly one project, it is not the chosen one and it is not stored
    (a stored project's rows are never moved onto another by a choice at upload)."""
    named = _named_projects(found)
    if len(named) != 1:
        return {}
    other = next(iter(named))
    if other == project or other in known.projects:
        return {}
    return {other: project}


def _rename_projects(found: Found, renamed: Mapping[str, str], upload: ValidatedUpload) -> None:
    """Store the rows of each project in `renamed` as the project it maps to, with a notice."""
    moved: dict[str, list[str]] = defaultdict(list)
    for rows in found.values():
        values = rows.values(PROJECT_COLUMN)
        names = set(values)
        for old in renamed:
            if old in names:
                moved[old].append(rows.name)
        if names & renamed.keys():
            values[:] = [renamed.get(value, value) for value in values]  # type: ignore[arg-type]
    for old, sheets in moved.items():
        upload.notices.append(
            Problem(
                ", ".join(sheets),
                None,
                PROSJEKTER.column(PROJECT_COLUMN).name,
                old,
                f"«{renamed[old]}»: radene lagres på prosjektet {renamed[old]}, som valgt ved "
                "opplasting",
            )
        )


def _own_projects(rows: SheetRows, project: str | None, upload: ValidatedUpload) -> set[str]:
    """The projects of the Prosjekter sheet. There the ID is the row's own key: left out, it
    is the project chosen at upload; without one it must be filled in. With a project
    chosen, no row may name another."""
    ids = rows.values(PROJECT_COLUMN)
    heading = rows.heading(PROJECT_COLUMN)
    for index, value in enumerate(ids):
        if value is None and project:
            ids[index] = project
        elif value is None:
            upload.errors.append(rows.problem(index, heading, "", REQUIRED_VALUE))
    projects = {p for p in ids if p is not None}
    if project and projects - {project}:
        for index, value in enumerate(ids):
            if value is not None and value != project:
                upload.errors.append(rows.problem(index, heading, value, _other_project(project)))
    return projects


def _fill_in_projects(
    rows: SheetRows,
    project: str | None,
    default: str | None,
    all_projects: set[str],
    upload: ValidatedUpload,
) -> None:
    """A row without a project gets `default`; one with a project must name a known one
    (the one chosen at upload, if any)."""
    values = rows.values(PROJECT_COLUMN)
    heading = rows.heading(PROJECT_COLUMN)
    for index, value in enumerate(values):
        if value is None:
            if default is None and rows.sheet.parent is None:
                upload.errors.append(
                    rows.problem(
                        index,
                        heading,
                        "",
                        "en Prosjekt-ID; den kan bare utelates når arbeidsboken gjelder "
                        "ett prosjekt (én rad i Prosjekter, eller prosjekt valgt ved "
                        "opplasting)",
                    )
                )
            values[index] = default
        elif project and value != project:
            upload.errors.append(rows.problem(index, heading, value, _other_project(project)))
        elif value not in all_projects:
            expected = "en Prosjekt-ID som finnes i arket Prosjekter eller er lagret fra før"
            upload.errors.append(rows.problem(index, heading, value, expected))


def _ids_available(found: Found, known: KnownData, key: str) -> dict[str, set[str]]:
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


def check_keys_and_references(found: Found, known: KnownData, upload: ValidatedUpload) -> None:
    for rows in found.values():
        if rows.sheet.parent is not None:
            _check_references(rows, rows.sheet.parent, found, known, upload)
        if not _keys_complete_and_unique(rows):
            _report_repeated_keys(rows, upload)


def _check_references(
    rows: SheetRows,
    parent: tuple[str, str],
    found: Found,
    known: KnownData,
    upload: ValidatedUpload,
) -> None:
    """Each row's parent ID (a measurement's benefit, …) must be its project's, in the upload
    or stored; a row without a project takes the one project that has the ID. `parent` is
    the sheet's (parent ID column, parent sheet key)."""
    parent_column, parent_key = parent
    available = _ids_available(found, known, parent_key)
    parent_name = SHEETS_BY_KEY[parent_key].name
    stored = known.ids.get(parent_key, set())
    projects = rows.values(PROJECT_COLUMN)
    heading = rows.heading(parent_column)
    for index, parent_id in enumerate(rows.values(parent_column)):
        if parent_id is None:
            continue
        owners = available.get(parent_id, set())
        project = projects[index]
        if project is not None and project not in owners:
            expected = (
                f"en ID som finnes i arket {parent_name} for prosjekt {project}; "
                f"{parent_id} er lagret, men er ikke med i arket {parent_name} i "
                "denne opplastingen. Ta den med der, eller fjern denne raden"
                if (project, parent_id) in stored
                else f"en ID som finnes i arket {parent_name} for prosjekt "
                f"{project}, i opplastingen eller lagret fra før"
            )
            upload.errors.append(rows.problem(index, heading, parent_id, expected))
        elif project is None and len(owners) == 1:
            projects[index] = next(iter(owners))
        elif project is None and not owners:
            expected = (
                f"en ID som finnes i arket {parent_name}, i opplastingen eller lagret fra før"
            )
            upload.errors.append(rows.problem(index, heading, parent_id, expected))
        elif project is None:
            expected = (
                f"en Prosjekt-ID: {parent_id} finnes i flere prosjekter "
                f"({', '.join(sorted(owners))})"
            )
            upload.errors.append(rows.problem(index, rows.heading(PROJECT_COLUMN), "", expected))


def _report_repeated_keys(rows: SheetRows, upload: ValidatedUpload) -> None:
    """An error for each row whose project and IDs an earlier row has already."""
    id_columns = rows.sheet.id_columns
    seen: dict[tuple, int] = {}
    key_columns = [rows.values(column) for column in id_columns]
    keys = list(zip(rows.values(PROJECT_COLUMN), *key_columns, strict=True))
    for index, values in enumerate(keys):
        if None in values[1:]:
            continue
        first = seen.setdefault(values, rows.rows[index])
        if first != rows.rows[index]:
            upload.errors.append(
                rows.problem(
                    index,
                    " / ".join(rows.heading(column) for column in id_columns),
                    " / ".join(_show_key(value) for value in values[1:]),
                    f"en unik nøkkel i prosjektet; den samme står også i rad {first}",
                )
            )


def removed_with_parents(found: Found, known: KnownData, upload: ValidatedUpload) -> None:
    """Measurements (evaluations) belong to the benefit (recommendation) they name: when the
    upload removes it, its stored children go with it, unless the upload replaces the
    project's children itself (all of them: a sheet in `upload.keyed_sheets` replaces only
    the rows with its own keys, so the removed parent's other children go here). Left
    behind, they would name an unknown ID and the export would no longer load back. Each
    such removal is a notice, and shows in the preview."""
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
            if project in children_replaced and child.key not in upload.keyed_sheets:
                continue  # the upload's own children are the new truth (and checked)
            # (A keyed child sheet replaces only the rows with its own keys: the stored
            # children of the removed parent would stay, so they go with it here.)
            upload.removed_with_parents.setdefault(child.key, set()).add((project, parent_id))
            rows = wording.count(count, "lagret rad", "lagrede rader")
            upload.notices.append(
                Problem(
                    parents.name,
                    None,
                    parents.heading(parent_column),
                    "",
                    f"{parent_id} (prosjekt {project}): den er ikke med i arket, så {rows} i "
                    f"arket {child.name} som gjelder den, fjernes også",
                )
            )


def _all_in(values: pa.Array, allowed: pa.Array) -> bool:
    """Whether every value is set and one of `allowed`."""
    return not values.null_count and bool(pc.all(pc.is_in(values, value_set=allowed)).as_py())


def _keys_complete_and_unique(rows: SheetRows) -> bool:
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


def check_benefits(found: Found, known: KnownData, upload: ValidatedUpload) -> None:
    """Type defaults to Kvantitativ when Målverdi is a number; a qualitative benefit's values
    (Nullpunkt, Målverdi, measurements) are on the quality scale, decimals included."""
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
            if benefit_type == QUALITATIVE:
                for db in ("nullpunkt", "malverdi"):
                    _check_quality_scale(
                        benefits, index, db, columns[db][index], upload, key in defaulted
                    )
    measurements = found.get("malinger")
    if measurements is not None:
        columns = {db: measurements.values(db) for db in (PROJECT_COLUMN, "gevinst_id", "verdi")}
        for index, value in enumerate(columns["verdi"]):
            key = (columns[PROJECT_COLUMN][index], columns["gevinst_id"][index])
            if types.get(key) == QUALITATIVE:
                _check_quality_scale(measurements, index, "verdi", value, upload, key in defaulted)


def _default_benefit_type(baseline: object, target: object) -> str:
    """Kvantitativ when Målverdi is a number (the contract); without one, a baseline off the
    quality scale still says the benefit is counted, not rated."""
    if target is not None:
        return QUANTITATIVE
    if isinstance(baseline, float) and not on_quality_scale(baseline):
        return QUANTITATIVE
    return QUALITATIVE


#: The quality scale as a message writes it: 1–5.
_SCALE = "–".join(f"{end:g}" for end in QUALITY_SCALE)


def _check_quality_scale(
    rows: SheetRows,
    index: int,
    db: str,
    value: object,
    upload: ValidatedUpload,
    defaulted: bool = False,
) -> None:
    if isinstance(value, float) and not on_quality_scale(value):
        why = (
            "gevinsten regnes som kvalitativ fordi Type og Målverdi er tomme; fyll inn "
            f"Målverdi eller Type «{QUANTITATIVE}» i arket Gevinster hvis den måles i tall"
            if defaulted
            else "gevinsten er kvalitativ"
        )
        shown = cell_text(value).replace(".", ",")  # as a Norwegian writes it: 5,5
        expected = f"en verdi på skalaen {_SCALE}, desimaler tillatt ({why})"
        upload.errors.append(rows.problem(index, rows.heading(db), shown, expected))

"""What validation says about a known template (lib.read.kommit): the sheets its reading
ignored, in one notice, and that it needs a project chosen at upload, as it has no
Prosjekt-ID; the Prosjekter row its front page gives a project that is not stored yet; and
the lines the upload page and the command line show about it."""

from __future__ import annotations

from collections.abc import Mapping

from lib.contract import PROSJEKTER, normalize_heading, normalize_name
from lib.parse import DATE_EXPECTED
from lib.read import KnownTemplate, RawSheet, RawWorkbook
from lib.validate.upload import KnownData, Problem, ValidatedUpload


def check_template(template: KnownTemplate, project: str | None, upload: ValidatedUpload) -> bool:
    """Add the template's notice and, without a project, its error; whether to go on."""
    if template.ignored_sheets:
        count = len(template.ignored_sheets)
        upload.notices.append(
            Problem(
                ", ".join(template.ignored_sheets),
                None,
                "",
                "",
                f"et ark {template.name} leses fra ({', '.join(template.used_sheets)}); "
                f"disse {count} arkene ble ignorert",
            )
        )
    if project:
        return True
    sheet, row, label = template.project_cell or ("", None, "")
    upload.errors.append(
        Problem(
            sheet,
            row,
            label,
            template.project_name or "",
            f"et prosjekt valgt ved opplasting: {template.name} har ingen Prosjekt-ID. Oppgi "
            "prosjektet med --project ID på kommandolinjen, eller velg det under «Arbeidsboken "
            "gjelder» i appen",
        )
    )
    return False


def template_lines(
    template: KnownTemplate, project: str | None, stored_names: dict[str, str]
) -> list[str]:
    """What the upload shows about a recognised template: what was read and from where, and,
    with no project chosen, the project's name on the front page and any stored project of
    that name (`stored_names`: project ID -> Prosjektnavn)."""
    lines = [f"{template.summary()} {template.sheets_text()}"]
    if project is None and template.project_name:
        line = f"Prosjektnavnet på forsiden er «{template.project_name}»."
        same = [
            project_id
            for project_id, name in sorted(stored_names.items())
            if name and normalize_name(name) == normalize_name(template.project_name)
        ]
        if same:
            line += f" Det lagrede prosjektet {', '.join(same)} har samme navn."
        lines.append(line + " Velg prosjektet arbeidsboken gjelder.")
    return lines


def front_page_project(
    workbook: RawWorkbook,
    known: KnownData,
    project: str | None,
    renamed_projects: Mapping[str, str] | None,
    upload: ValidatedUpload,
) -> RawSheet | None:
    """The template's Prosjekter row (its front page's name, dates, owner and leader) when the
    upload goes to a project that is not stored: the new project gets its real name. A stored
    project gets none, so its stored name never changes. A front-page date that is no date is
    left out, with a notice."""
    found = workbook.template_project
    if found is None or project is None:
        return None
    target = (renamed_projects or {}).get(project, project)
    if target in known.projects:
        return None
    for sheet, row, label, value in found.unread:
        upload.notices.append(
            Problem(
                sheet,
                row,
                label,
                value,
                f"{DATE_EXPECTED}; verdien er ikke tatt med i prosjektet {target} "
                f"({PROSJEKTER.name})",
            )
        )
    return found.sheet


def stored_project_named(name: str | None, stored_names: Mapping[str, str]) -> str | None:
    """The stored project (ID) whose Prosjektnavn is `name`, compared like headings; the
    first by ID if several are. What the upload page preselects for a template's front page."""
    if not name:
        return None
    wanted = normalize_heading(name)
    for project_id, stored_name in sorted(stored_names.items()):
        if stored_name and normalize_heading(stored_name) == wanted:
            return project_id
    return None

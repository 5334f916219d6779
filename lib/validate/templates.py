"""What validation says about a known template (lib.read.kommit): the sheets its reading
ignored, in one notice, and that it needs a project chosen at upload, as it has no
Prosjekt-ID; and the lines the upload page and the command line show about it."""

from __future__ import annotations

from lib.contract import normalize_name
from lib.read import KnownTemplate
from lib.validate.upload import Problem, ValidatedUpload


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

"""A project in the upload that is likely a stored one under another ID.

An upload that names a Prosjekt-ID that is not stored creates a new project. When a stored
project has the same Prosjektnavn (compared like headings), or the same recommendations (IDs
and titles), the leader usually meant that one: the preview warns, names the stored project
and offers to load the sheet onto it (`validate(..., renamed_projects=...)`); the command
line prints the warning as a notice. What is stored is read by lib.store.stored_projects_in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from lib.contract import ANBEFALINGER, PROJECT_COLUMN, PROSJEKTER, normalize_heading
from lib.validate.rows import ROW_FIELD
from lib.validate.upload import Problem, ValidatedUpload

#: (Anbefaling-ID, title folded like a heading)
Recommendation = tuple[str, str]


@dataclass
class StoredProjects:
    """What is stored to tell projects apart: their names and their recommendations."""

    projects: set[str] = field(default_factory=set)  # every project any current row names
    names: dict[str, str] = field(default_factory=dict)  # project -> Prosjektnavn
    recommendations: dict[str, set[Recommendation]] = field(default_factory=dict)


@dataclass(frozen=True)
class SimilarProject:
    """`upload_id` (not stored) is likely `stored_id`, for `reasons`."""

    upload_id: str
    stored_id: str
    stored_name: str | None
    reasons: tuple[str, ...]  # `samme prosjektnavn`, `de samme anbefalingene (A1, A2)`
    sheet: str = ""  # where the upload names it (sheet as written, Excel row), for the notice
    row: int | None = None

    @property
    def stored_label(self) -> str:
        """`OTK-OU2 («OU-prosjektet del 2»)`."""
        return self.stored_id + (f" («{self.stored_name}»)" if self.stored_name else "")

    def warning(self) -> str:
        """The preview's warning, in Norwegian."""
        return (
            f"Prosjekt-ID «{self.upload_id}» er ikke lagret fra før, men det lagrede prosjektet "
            f"{self.stored_label} har {' og '.join(self.reasons)}. Lagres arbeidsboken slik den "
            f"er, blir {self.upload_id} et nytt prosjekt ved siden av {self.stored_id}."
        )

    def notice(self) -> Problem:
        """The command line's notice, after «{upload_id}» was stored as a new project."""
        return Problem(
            self.sheet,
            self.row,
            PROSJEKTER.column(PROJECT_COLUMN).name,
            self.upload_id,
            f"en Prosjekt-ID som er lagret: det lagrede prosjektet {self.stored_label} har "
            f"{' og '.join(self.reasons)}, men {self.upload_id} ble lagret som et nytt prosjekt "
            f"ved siden av. Gjaldt arbeidsboken {self.stored_id}: gjenopprett forrige versjon "
            f"(rollback) og last den inn igjen med --project {self.stored_id} (eller rett "
            f"Prosjekt-ID til {self.stored_id} i arbeidsboken)",
        )


def _column(table: pa.Table, db: str) -> list[object]:
    return table.column(db).to_pylist()


def upload_recommendations(upload: ValidatedUpload) -> dict[str, set[Recommendation]]:
    """Project -> its (Anbefaling-ID, folded title) in the upload."""
    table = upload.tables.get(ANBEFALINGER.key)
    found: dict[str, set[Recommendation]] = {}
    if table is None:
        return found
    projects = _column(table, PROJECT_COLUMN)
    ids, titles = _column(table, "anbefaling_id"), _column(table, "anbefaling")
    for project, recommendation_id, title in zip(projects, ids, titles, strict=True):
        if project is not None and recommendation_id is not None and title is not None:
            found.setdefault(str(project), set()).add(
                (str(recommendation_id), normalize_heading(str(title)))
            )
    return found


def new_projects(upload: ValidatedUpload, stored_projects: set[str]) -> set[str]:
    """The projects the upload names that are not stored."""
    return upload.touched_projects() - stored_projects


def similar_projects(upload: ValidatedUpload, stored: StoredProjects) -> list[SimilarProject]:
    """For each project of the upload that is not stored, the stored projects it likely is:
    the same Prosjektnavn (compared like headings), or the same recommendations (one
    project's (ID, title) pairs all among the other's)."""
    new = new_projects(upload, stored.projects)
    if not new or not stored.projects:
        return []
    names: dict[str, tuple[str, int | None]] = {}
    table = upload.tables.get(PROSJEKTER.key)
    if table is not None:
        rows = _column(table, ROW_FIELD)
        for project, name, row in zip(
            _column(table, PROJECT_COLUMN), _column(table, "prosjektnavn"), rows, strict=True
        ):
            if project in new and name is not None:
                names[str(project)] = (str(name), row)
    recommendations = upload_recommendations(upload)
    stored_names = {
        project: normalize_heading(name) for project, name in stored.names.items() if name
    }
    found = []
    for project in sorted(new):
        name, row = names.get(project, (None, None))
        folded = normalize_heading(name) if name else None
        ours = recommendations.get(project, set())
        for other in sorted(stored.projects):
            reasons = []
            if folded and stored_names.get(other) == folded:
                reasons.append("samme prosjektnavn")
            theirs = stored.recommendations.get(other, set())
            if ours and theirs and (ours <= theirs or theirs <= ours):
                shown = ", ".join(sorted(i for i, _ in ours & theirs)[:5])
                reasons.append(f"de samme anbefalingene ({shown})")
            if reasons:
                sheet = upload.sheet_names.get(PROSJEKTER.key if name else ANBEFALINGER.key, "")
                found.append(
                    SimilarProject(
                        project,
                        other,
                        stored.names.get(other),
                        tuple(reasons),
                        sheet,
                        row if name else None,
                    )
                )
    return found

"""A similar project is flagged: an upload naming a Prosjekt-ID that is not stored, while a
stored project has the same Prosjektnavn (compared like headings) or the same recommendations,
gets a warning naming the stored project, and can be loaded onto it instead."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lib import ingest
from lib.db import latest_version
from lib.queries import sheet_rows
from lib.read import read_workbook
from lib.validate import KnownData, validate
from lib.validate.similar import StoredProjects, similar_projects
from tests.fixtures import TESTER, local, make_workbook

ROOT = Path(__file__).resolve().parent.parent
RECOMMENDATIONS = ["Anbefaling-ID", "Anbefaling", "Vedtak"]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "similar.duckdb"
    first = make_workbook(
        tmp_path / "first.xlsx",
        {
            "Prosjekter": [
                ["Prosjekt-ID", "Prosjektnavn", "Enhet"],
                ["OTK-OU2", "OU-prosjektet del 2", "Levekår"],
                ["ASK-TM", "Tillitsmodellen", "Helse"],
            ],
            "Anbefalinger": [
                ["Prosjekt-ID", *RECOMMENDATIONS],
                ["ASK-TM", "A1", "Innføre tillitsmodell i hjemmetjenesten", "Støttes"],
                ["ASK-TM", "A2", "Færre vedtak per bruker", "Utredes"],
            ],
        },
    )
    assert ingest.load_file(path, first, actor=local("Kari")).ok
    return path


def renamed_project(tmp_path: Path, name: str = "OU-PROSJEKTET  DEL 2 ") -> Path:
    """The OU2 project under a new ID, its name written in another case and spacing."""
    return make_workbook(
        tmp_path / "ou.xlsx",
        {
            "Prosjekter": [["Prosjekt-ID", "Prosjektnavn"], ["OU-2", name]],
            "Risiko": [
                ["Risiko-ID", "Risiko", "Sannsynlighet", "Konsekvens"],
                ["R1", "Sykefravær", 3, 3],
            ],
        },
    )


def test_the_preview_names_the_stored_project_with_the_same_name(db: Path, tmp_path: Path) -> None:
    checked = ingest.check_upload(db, renamed_project(tmp_path))
    assert checked.ok and checked.preview is not None
    [found] = checked.preview.similar
    assert (found.upload_id, found.stored_id) == ("OU-2", "OTK-OU2")
    assert found.warning() == (
        "Prosjekt-ID «OU-2» er ikke lagret fra før, men det lagrede prosjektet OTK-OU2 "
        "(«OU-prosjektet del 2») har samme prosjektnavn. Lagres arbeidsboken slik den er, "
        "blir OU-2 et nytt prosjekt ved siden av OTK-OU2."
    )


def test_a_different_name_is_not_flagged(db: Path, tmp_path: Path) -> None:
    checked = ingest.check_upload(db, renamed_project(tmp_path, "OU-prosjektet del 3"))
    assert checked.preview is not None and checked.preview.similar == []


def test_a_stored_project_is_never_flagged(db: Path, tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "same.xlsx",
        {"Prosjekter": [["Prosjekt-ID", "Prosjektnavn"], ["OTK-OU2", "OU-prosjektet del 2"]]},
    )
    checked = ingest.check_upload(db, path)
    assert checked.preview is not None and checked.preview.similar == []


def test_the_same_recommendations_flag_a_project_without_a_name(db: Path, tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "tm.xlsx",
        {
            "Anbefalinger": [
                RECOMMENDATIONS,
                ["A1", "Innføre tillitsmodell i  hjemmetjenesten", "Støttes"],
                ["A2", "færre vedtak per bruker", "Støttes"],
                ["A3", "En ny anbefaling", "Utredes"],
            ]
        },
    )
    checked = ingest.check_upload(db, path, project="TM")
    assert checked.ok and checked.preview is not None
    [found] = checked.preview.similar
    assert (found.upload_id, found.stored_id) == ("TM", "ASK-TM")
    assert found.reasons == ("de samme anbefalingene (A1, A2)",)


def test_other_titles_under_the_same_ids_are_not_flagged(db: Path, tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "other.xlsx",
        {"Anbefalinger": [RECOMMENDATIONS, ["A1", "Noe helt annet", "Støttes"]]},
    )
    checked = ingest.check_upload(db, path, project="NYTT")
    assert checked.preview is not None and checked.preview.similar == []


def test_loading_onto_the_stored_project_stores_no_second_project(db: Path, tmp_path: Path) -> None:
    path = renamed_project(tmp_path)
    checked = ingest.check_upload(db, path, renamed_projects={"OU-2": "OTK-OU2"})
    assert checked.ok and checked.preview is not None
    assert checked.preview.similar == []
    assert checked.preview.projects == ["OTK-OU2"]
    assert any(n.value == "OU-2" and "OTK-OU2" in n.expected for n in checked.upload.notices)
    ingest.store_checked(db, checked, actor=local("Per"))
    projects = sheet_rows(db, "prosjekter")
    assert sorted(projects.prosjekt_id) == ["ASK-TM", "OTK-OU2"]
    ou2 = projects[projects.prosjekt_id == "OTK-OU2"].iloc[0]
    assert ou2.enhet == "Levekår"  # the sheet has no Enhet column: kept
    risks = sheet_rows(db, "risiko")
    assert list(risks.prosjekt_id) == ["OTK-OU2"]


def test_command_line_load_prints_the_warning(db: Path, tmp_path: Path) -> None:
    path = renamed_project(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "lib.cli", "load", str(path), "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Versjon 2 lagret" in result.stdout
    assert (
        "Merk: ark «Prosjekter», rad 2, kolonne «Prosjekt-ID»: fant «OU-2» – forventet en "
        "Prosjekt-ID som er lagret: det lagrede prosjektet OTK-OU2 («OU-prosjektet del 2») "
        "har samme prosjektnavn, men OU-2 ble lagret som et nytt prosjekt ved siden av."
    ) in result.stderr
    assert "--project OTK-OU2" in result.stderr


def test_load_with_the_stored_project_chosen_maps_a_one_project_workbook(
    db: Path, tmp_path: Path
) -> None:
    """`load --project STORED` on a workbook whose rows all name one project that is not
    stored loads it onto STORED (the choice the warning suggests)."""
    result = ingest.load_file(db, renamed_project(tmp_path), project="OTK-OU2", actor=TESTER)
    assert result.ok, result.upload.errors
    assert sorted(sheet_rows(db, "prosjekter").prosjekt_id) == ["ASK-TM", "OTK-OU2"]
    assert list(sheet_rows(db, "risiko").prosjekt_id) == ["OTK-OU2"]
    assert not any("ble lagret som et nytt prosjekt" in n.expected for n in result.notices)


def test_a_chosen_project_never_takes_another_stored_projects_rows(
    db: Path, tmp_path: Path
) -> None:
    path = make_workbook(
        tmp_path / "tm.xlsx",
        {"Prosjekter": [["Prosjekt-ID", "Prosjektnavn"], ["ASK-TM", "Tillitsmodellen"]]},
    )
    before = latest_version(db)
    result = ingest.load_file(db, path, project="OTK-OU2", actor=TESTER)
    assert not result.ok
    [error] = result.upload.errors
    assert (error.value, error.expected) == (
        "ASK-TM",
        "prosjektet opplastingen gjelder (OTK-OU2)",
    )
    assert latest_version(db) == before


def test_a_workbook_with_several_projects_is_not_mapped_by_a_chosen_project(
    tmp_path: Path,
) -> None:
    path = make_workbook(
        tmp_path / "two.xlsx",
        {"Prosjekter": [["Prosjekt-ID", "Prosjektnavn"], ["A", "En"], ["B", "To"]]},
    )
    upload = validate(read_workbook(path), KnownData(projects={"C"}), "C")
    assert [error.value for error in upload.errors] == ["A", "B"]


def test_similar_projects_compares_names_like_headings() -> None:
    path_free = StoredProjects({"P1", "P2"}, {"P1": "Ny organisering", "P2": "Digitalisering"})
    upload = validate_tables({"prosjekter": [("X", "  NY   organisering ")]})
    [found] = similar_projects(upload, path_free)
    assert (found.upload_id, found.stored_id, found.reasons) == ("X", "P1", ("samme prosjektnavn",))
    assert similar_projects(upload, StoredProjects()) == []


def validate_tables(tables: dict[str, list[tuple[str, str]]]):
    """A validated upload of Prosjekter rows (ID, name), through the real pipeline."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        rows = [["Prosjekt-ID", "Prosjektnavn"], *map(list, tables["prosjekter"])]
        path = make_workbook(Path(folder) / "p.xlsx", {"Prosjekter": rows})
        upload = validate(read_workbook(path), KnownData())
    assert upload.ok, upload.errors
    return upload

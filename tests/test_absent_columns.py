"""A column the sheet does not have is untouched (contract v2, *Uploading*): stored rows keep
their values in it, new rows get its default; a column that is there changes the stored value,
and an empty cell in it clears the value, which the preview lists before «Lagre»."""

from __future__ import annotations

from pathlib import Path

import pytest

from lib import ingest, store
from lib.contract import SHEETS_BY_KEY
from lib.db import known_data, latest_version
from lib.parse import is_missing
from lib.preview import preview_upload
from lib.queries import dump_rows, sheet_rows
from lib.read import read_workbook
from lib.validate import KnownData, validate
from tests.fixtures import TESTER, local, make_workbook

RISK_HEADINGS = [
    "Risiko-ID",
    "Risiko",
    "Kategori",
    "Sannsynlighet",
    "Konsekvens",
    "Tiltak",
    "Status",
    "S etter tiltak",
    "K etter tiltak",
]


def dump(db: Path, key: str) -> list[dict[str, str]]:
    """The current rows of a sheet, as `dump` reads them, by canonical heading: whole
    numbers without .0, empty as ""."""
    sheet = SHEETS_BY_KEY[key]

    def plain(value: object) -> str:
        if is_missing(value):
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return [
        {column.name: plain(row[column.db]) for column in sheet.columns}
        for row in dump_rows(db, key).to_dict("records")
    ]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """OU2 with its unit, and two risks with every field filled in."""
    path = tmp_path / "absent.duckdb"
    first = make_workbook(
        tmp_path / "full.xlsx",
        {
            "Prosjekter": [
                ["Prosjekt-ID", "Prosjektnavn", "Enhet", "Prosjektleder"],
                ["OU2", "OU-prosjektet del 2", "Levekår", "Gudrun"],
            ],
            "Risiko": [
                RISK_HEADINGS,
                ["R1", "Sykefravær", "Personell", 3, 3, "Ukemøter", "Under arbeid", "2 - Lav", 2],
                ["R2", "Budsjett", "Økonomi", 2, 2, "Kutt", "Lukket", 1, 1],
            ],
        },
    )
    assert ingest.load_file(path, first, actor=local("Kari")).ok
    return path


def scores_only(tmp_path: Path) -> Path:
    """A leader's sheet with ID, title and the two scores only, and a new risk."""
    return make_workbook(
        tmp_path / "scores.xlsx",
        {
            "Prosjekter": [["Prosjekt-ID", "Prosjektnavn"], ["OU2", "OU-prosjektet del 2"]],
            "Risiko": [
                ["Risiko-ID", "Prosjekt-ID", "Risiko", "Sannsynlighet", "Konsekvens"],
                ["R1", "OU2", "Sykefravær", 4, 4],
                ["R2", "OU2", "Budsjett", 2, 2],
                ["R3", "OU2", "Ny risiko", 1, 2],
            ],
        },
    )


def test_a_sheet_without_a_column_keeps_the_stored_values(db: Path, tmp_path: Path) -> None:
    stored = ingest.load_file(db, scores_only(tmp_path), actor=TESTER)
    assert stored.ok, stored.upload.errors
    assert stored.stored is not None
    # R1's scores changed; R2 is the same row as before (nothing blanked); R3 is new.
    assert stored.stored.changes["risiko"] == store.SheetChange(1, 1, 0, 3)
    assert stored.stored.changes["prosjekter"] == store.SheetChange(0, 0, 0, 1)
    risks = {row["Risiko-ID"]: row for row in dump(db, "risiko")}
    assert risks["R1"]["Sannsynlighet"] == "4" and risks["R1"]["Konsekvens"] == "4"
    assert risks["R1"]["Kategori"] == "Personell"
    assert risks["R1"]["Tiltak"] == "Ukemøter"
    assert risks["R1"]["Status"] == "Under arbeid"
    assert risks["R1"]["Sannsynlighet etter tiltak"] == "2"
    assert risks["R1"]["Konsekvens etter tiltak"] == "2"
    assert risks["R2"]["Status"] == "Lukket"
    # A new row gets each absent column's default (Status: Åpen), else nothing.
    assert risks["R3"]["Status"] == "Åpen"
    assert risks["R3"]["Kategori"] == "" and risks["R3"]["Sannsynlighet etter tiltak"] == ""
    [project] = dump(db, "prosjekter")
    assert (project["Enhet"], project["Prosjektleder"]) == ("Levekår", "Gudrun")


def test_the_preview_shows_only_the_fields_the_sheet_has(db: Path, tmp_path: Path) -> None:
    checked = ingest.check_upload(db, scores_only(tmp_path))
    assert checked.ok and checked.preview is not None
    risks = checked.preview.sheets["risiko"]
    assert (risks.added, risks.changed, risks.unchanged) == (1, 1, 1)
    assert set(risks.changed_fields["Felt"]) == {
        "Sannsynlighet",
        "Konsekvens",
        "Risikoverdi (S × K)",
    }
    assert not checked.preview.sheets["prosjekter"].has_changes
    assert checked.preview.cleared == []
    # …and it counts exactly what storing then does.
    stored = ingest.store_checked(db, checked, actor=local("Per"))
    assert stored.changes["risiko"] == store.SheetChange(1, 1, 0, 3)


def test_an_empty_cell_in_a_present_column_clears_and_the_preview_says_so(
    db: Path, tmp_path: Path
) -> None:
    path = make_workbook(
        tmp_path / "tom.xlsx",
        {
            "Risiko": [
                [
                    *("Risiko-ID", "Prosjekt-ID", "Risiko", "Kategori", "Sannsynlighet"),
                    *("Konsekvens", "Status", "S etter tiltak"),
                ],
                ["R1", "OU2", "Sykefravær", None, 3, 3, None, None],
                ["R2", "OU2", "Budsjett", None, 2, 2, "Lukket", 1],
            ],
            "Prosjekter": [
                ["Prosjekt-ID", "Prosjektnavn", "Enhet"],
                ["OU2", "OU-prosjektet del 2", None],
            ],
        },
    )
    checked = ingest.check_upload(db, path)
    assert checked.ok and checked.preview is not None
    cleared = {(sheet, found.column): found for sheet, found in checked.preview.cleared}
    assert set(cleared) == {
        ("Prosjekter", "Enhet"),
        ("Risiko", "Kategori"),
        ("Risiko", "Sannsynlighet etter tiltak"),
    }
    assert cleared["Risiko", "Kategori"].text() == "Kategori i 2 rader (R1 Personell, R2 Økonomi)"
    assert cleared["Prosjekter", "Enhet"].text() == "Enhet i 1 rad (OU2 Levekår)"
    assert cleared["Risiko", "Sannsynlighet etter tiltak"].examples == ("R1 2 - Lav",)
    ingest.store_checked(db, checked, actor=local("Per"))
    risks = {row["Risiko-ID"]: row for row in dump(db, "risiko")}
    # Present and empty: cleared. Status empty takes its default; Tiltak and K etter tiltak,
    # absent, keep their values.
    assert (risks["R1"]["Kategori"], risks["R1"]["Sannsynlighet etter tiltak"]) == ("", "")
    assert risks["R1"]["Status"] == "Åpen"
    assert risks["R1"]["Tiltak"] == "Ukemøter"
    assert risks["R1"]["Konsekvens etter tiltak"] == "2"
    assert dump(db, "prosjekter")[0]["Enhet"] == ""


def test_many_cleared_rows_are_counted_and_a_few_named(tmp_path: Path) -> None:
    db = tmp_path / "many.duckdb"
    rows = [["Risiko-ID", "Prosjekt-ID", "Risiko", "Kategori", "Sannsynlighet", "Konsekvens"]]
    first = make_workbook(
        tmp_path / "1.xlsx", {"Risiko": rows + [[f"R{i}", "P", "x", "IT", 1, 1] for i in range(9)]}
    )
    assert ingest.load_file(db, first, project="P", actor=TESTER).ok
    second = make_workbook(
        tmp_path / "2.xlsx", {"Risiko": rows + [[f"R{i}", "P", "x", None, 1, 1] for i in range(9)]}
    )
    checked = ingest.check_upload(db, second)
    assert checked.preview is not None
    [(_sheet, found)] = checked.preview.cleared
    assert found.text() == "Kategori i 9 rader (R0 IT, R1 IT, R2 IT, …)"


def test_rollback_restores_whole_rows(db: Path, tmp_path: Path) -> None:
    """A restore writes every column, also those a later upload's sheet did not have."""
    before = dump(db, "risiko")
    path = make_workbook(
        tmp_path / "tom.xlsx",
        {"Risiko": [["Risiko-ID", "Prosjekt-ID", "Risiko", "Kategori", "Sannsynlighet",
                     "Konsekvens"], ["R1", "OU2", "Sykefravær", None, 5, 5]]},
    )  # fmt: skip
    assert ingest.load_file(db, path, actor=TESTER).ok
    assert dump(db, "risiko") != before
    store.rollback(db, 1, actor=TESTER)
    assert dump(db, "risiko") == before


def test_a_store_without_absent_columns_writes_whole_rows(db: Path) -> None:
    """Tables made by hand (rollback-like callers, tests) are whole rows: a missing column
    is empty, as before."""
    from tests.fixtures import frame, risk

    table = frame("risiko", [risk("R1", 3, 3, "OU2", risiko="Sykefravær")])
    store.store_upload(db, {"risiko": table}, {"risiko": {"OU2"}}, actor=TESTER)
    [row] = sheet_rows(db, "risiko").to_dict("records")
    assert row["kategori"] is None or row["kategori"] != row["kategori"]  # NULL or NaN


def test_a_stored_benefit_keeps_its_type_when_the_sheet_has_no_type_column(
    tmp_path: Path,
) -> None:
    """Without a Type column, a stored qualitative benefit stays qualitative: its values are
    checked on the 1–5 scale (not as Kvantitativ, the default from a numeric Målverdi), and
    the type is kept."""
    db = tmp_path / "types.duckdb"
    first = make_workbook(
        tmp_path / "1.xlsx",
        {
            "Gevinster": [
                ["Gevinst-ID", "Prosjekt-ID", "Gevinst", "Type", "Nullpunkt", "Målverdi"],
                ["G1", "P", "Trivsel", "Kvalitativ", 2, 4],
            ]
        },
    )
    assert ingest.load_file(db, first, project="P", actor=TESTER).ok
    headings = ["Gevinst-ID", "Prosjekt-ID", "Gevinst", "Nullpunkt", "Målverdi"]
    off_scale = make_workbook(
        tmp_path / "2.xlsx", {"Gevinster": [headings, ["G1", "P", "Trivsel", 2, 40]]}
    )
    result = ingest.load_file(db, off_scale, actor=TESTER)
    assert not result.ok
    assert [(e.column, e.value) for e in result.upload.errors] == [("Målverdi", "40")]
    assert "gevinsten er kvalitativ" in result.upload.errors[0].expected
    on_scale = make_workbook(
        tmp_path / "3.xlsx", {"Gevinster": [headings, ["G1", "P", "Trivsel", 2, 5]]}
    )
    assert ingest.load_file(db, on_scale, actor=TESTER).ok
    [benefit] = dump(db, "gevinster")
    assert (benefit["Type"], benefit["Målverdi"]) == ("Kvalitativ", "5")


def test_validation_records_which_columns_each_sheet_has(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "a.xlsx",
        {"Risiko": [["Nr", "Tittel", "S", "K"], ["R1", "Sykefravær", 3, 3]]},
    )
    upload = validate(read_workbook(path), KnownData(projects={"OU2"}), "OU2")
    assert upload.ok, upload.errors
    assert upload.headings["risiko"] == {
        "risiko_id": "Nr",
        "risiko": "Tittel",
        "sannsynlighet": "S",
        "konsekvens": "K",
    }
    absent = upload.absent_columns()["risiko"]
    assert "status" in absent and "kategori" in absent
    assert "prosjekt_id" not in absent  # filled in from the project chosen: part of the key


def test_preview_counts_match_the_store_for_absent_columns(db: Path, tmp_path: Path) -> None:
    path = scores_only(tmp_path)
    upload = validate(read_workbook(path), known_data(db))
    preview = preview_upload(db, upload)
    stored = ingest.load_file(db, path, actor=TESTER).stored
    assert stored is not None
    for key, sheet in preview.sheets.items():
        change = stored.changes[key]
        assert (sheet.added, sheet.changed, sheet.removed) == (
            change.added,
            change.changed,
            change.removed,
        )


def test_a_leaders_sheet_with_only_id_and_scores_updates_the_scores(
    db: Path, tmp_path: Path
) -> None:
    """The contract's example: ID, Sannsynlighet and Konsekvens only. Risiko (a required
    column) may be left out for stored rows, which keep their title and everything else."""
    before = {row["Risiko-ID"]: row for row in dump(db, "risiko")}
    path = make_workbook(
        tmp_path / "leder.xlsx",
        {"Risiko": [["Risiko-ID", "Sannsynlighet", "Konsekvens"], ["R1", 5, 4], ["R2", 2, 2]]},
    )
    checked = ingest.check_upload(db, path, project="OU2")
    assert checked.ok, checked.upload.errors
    assert checked.preview is not None
    assert set(checked.preview.sheets["risiko"].changed_fields["Felt"]) == {
        "Sannsynlighet",
        "Konsekvens",
        "Risikoverdi (S × K)",
    }
    ingest.store_checked(db, checked, actor=local("Leder"))
    after = {row["Risiko-ID"]: row for row in dump(db, "risiko")}
    assert (after["R1"]["Sannsynlighet"], after["R1"]["Konsekvens"]) == ("5", "4")
    for field in ("Risiko", "Kategori", "Tiltak", "Status", "Sannsynlighet etter tiltak"):
        assert after["R1"][field] == before["R1"][field]
    assert after["R2"] == before["R2"]


def test_a_new_row_needs_the_required_columns_its_sheet_leaves_out(
    db: Path, tmp_path: Path
) -> None:
    path = make_workbook(
        tmp_path / "ny.xlsx",
        {
            "Risiko": [
                ["Risiko-ID", "Sannsynlighet", "Konsekvens"],
                ["R1", 5, 4],
                ["R9", 1, 1],
                ["R2", 2, 2],
            ]
        },
    )
    for upload in (
        ingest.check_upload(db, path, project="OU2").upload,
        ingest.check_file(db, path, project="OU2"),
        ingest.load_file(db, path, project="OU2", actor=TESTER).upload,
    ):
        [error] = upload.errors
        assert (error.sheet, error.row, error.column, error.value) == ("Risiko", 3, "Risiko", "")
        assert error.expected.startswith(
            "kolonnen i arket: arket har 1 ny rad (rad 3) som ikke er lagret fra før, og en "
            "ny rad må ha Risiko."
        )
    assert latest_version(db) == 1


def test_a_required_column_stays_required_for_a_project_not_stored(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "ny.xlsx",
        {"Risiko": [["Risiko-ID", "Sannsynlighet", "Konsekvens"], ["R1", 5, 4]]},
    )
    upload = validate(read_workbook(path), KnownData(projects={"OU2"}), "NYTT")
    [error] = upload.errors
    assert (error.row, error.column) == (1, "Risiko")
    assert upload.required_absent == {}

"""Real files -> lib.read.read_workbook -> lib.validate.validate, rule by rule of the contract."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.read import RawWorkbook, read_workbook, sheet_from_rows
from lib.validate import KnownData, Problem, ValidatedUpload, problems_frame, validate
from tests.fixtures import make_workbook

PROSJEKTER = [["Prosjekt-ID", "Prosjektnavn"], ["OU2", "Omorganisering"]]
TO_PROSJEKTER = [["Prosjekt-ID", "Prosjektnavn"], ["OU2", "Omorganisering"], ["DIG", "Digital"]]
RISIKO_HEADER = ["Risiko-ID", "Risiko", "Sannsynlighet", "Konsekvens"]


def check(
    tmp_path: Path,
    sheets: dict[str, list[list[object]]],
    *,
    name: str = "bok.xlsx",
    above=None,
    start_column: int = 1,
    known: KnownData | None = None,
    project: str | None = None,
) -> ValidatedUpload:
    path = make_workbook(tmp_path / name, sheets, above=above, start_column=start_column)
    return validate(read_workbook(path), known, project)


def rows_of(upload: ValidatedUpload, key: str) -> list[dict[str, object]]:
    return upload.tables[key].to_pylist()


def only(problems: list[Problem], **fields: object) -> Problem:
    """The one problem with these fields; fails with the full list otherwise."""
    matches = [p for p in problems if all(getattr(p, k) == v for k, v in fields.items())]
    assert len(matches) == 1, problems
    return matches[0]


# ---------------------------------------------------------------------------------------------
# Finding the header row, and Excel row numbers


@pytest.mark.parametrize("titles", range(10))
def test_header_row_is_found_below_title_rows(tmp_path, titles):
    above = [[f"Tittel {n}"] for n in range(titles)]
    upload = check(
        tmp_path,
        {"Risiko": [RISIKO_HEADER, ["R1", "Forsinkelse", 4, 3], ["R2", "Sykefravær", 9, 3]]},
        above=above,
        project="OU2",
        known=KnownData(projects={"OU2"}),
    )
    problem = only(upload.errors)
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "Risiko",
        titles + 3,
        "Sannsynlighet",
        "9",
    )
    assert upload.tables["risiko"]["_excel_row"].to_pylist() == [titles + 2, titles + 3]


def test_header_below_the_first_ten_rows_is_not_found(tmp_path):
    above = [[f"Tittel {n}"] for n in range(10)]
    upload = check(tmp_path, {"Risiko": [RISIKO_HEADER, ["R1", "Forsinkelse", 4, 3]]}, above=above)
    problem = only(upload.errors)
    assert problem.sheet == "Risiko" and "overskriftsrad" in problem.expected


def test_a_title_naming_one_column_is_not_the_header(tmp_path):
    # "Risiko" is a column name, but a header needs at least two known headings.
    upload = check(
        tmp_path,
        {"Risiko": [["Risiko"], [], RISIKO_HEADER, ["R1", "Forsinkelse", "Høy", "Kritisk"]]},
        project="OU2",
    )
    assert upload.ok, upload.errors
    assert rows_of(upload, "risiko")[0]["_excel_row"] == 4


def test_row_numbers_with_empty_rows_and_columns_before_the_table(tmp_path):
    # Rows 1–2 and columns A–B are empty; the title is in C3 and the header in row 5.
    upload = check(
        tmp_path,
        {"Risiko": [RISIKO_HEADER, ["R1", "Forsinkelse", 4, 3], ["R2", "", 2, "nei"]]},
        above=[[], [], ["Risikoregister 2025"], [None]],
        start_column=3,
        project="OU2",
    )
    assert {(p.row, p.column) for p in upload.errors} == {(7, "Risiko"), (7, "Konsekvens")}
    assert rows_of(upload, "risiko")[0]["risiko"] == "Forsinkelse"


def test_column_order_does_not_matter(tmp_path):
    header = ["Konsekvens", "Status", "Risiko", "Prosjekt-ID", "Sannsynlighet", "Risiko-ID"]
    row = ["Kritisk", "Lukket", "Forsinkelse", "OU2", "2 - Lav", "R1"]
    upload = check(tmp_path, {"Prosjekter": PROSJEKTER, "Risiko": [header, row]})
    assert upload.ok, upload.errors
    risk = rows_of(upload, "risiko")[0]
    assert (risk["risiko_id"], risk["prosjekt_id"], risk["risiko"]) == ("R1", "OU2", "Forsinkelse")
    assert (risk["sannsynlighet"], risk["konsekvens"], risk["status"]) == (2, 5, "Lukket")


def test_aliases_and_decorated_headings_are_read(tmp_path):
    header = ["Nr", "Uønsket\nhendelse", "S *", "K (1-5)", "Mitigerende  tiltak", "Dato"]
    row = ["7", "Leverandør går konkurs", "Middels", "Alvorlig", "Avtale", "17.12.2024"]
    upload = check(tmp_path, {"RISIKO ": [header, row]}, project="OU2")
    assert upload.ok, upload.errors
    risk = rows_of(upload, "risiko")[0]
    assert (risk["risiko_id"], risk["sannsynlighet"], risk["konsekvens"]) == ("7", 3, 4)
    assert risk["tiltak"] == "Avtale" and risk["vurdert_dato"] == dt.date(2024, 12, 17)


def test_headings_broken_inside_a_word_are_read(tmp_path):
    header = ["Risiko-\nID", "Risiko", "Sannsynlig-\nhet", "Konse\nkvens", "Vurdert\ndato"]
    row = ["R1", "Forsinkelse", "Høy", 2, "17.12.2024"]
    upload = check(tmp_path, {"Risiko": [header, row]}, project="OU2")
    assert upload.ok, upload.errors
    assert not upload.notices, upload.notices
    risk = rows_of(upload, "risiko")[0]
    assert (risk["risiko_id"], risk["sannsynlighet"], risk["konsekvens"]) == ("R1", 4, 2)
    assert risk["vurdert_dato"] == dt.date(2024, 12, 17)


@given(
    order=st.permutations(range(4)),
    titles=st.lists(st.sampled_from([["Risikoregister"], ["Risiko"], ["", "Dato: 1.1.2025"]])),
    gaps=st.lists(st.integers(0, 2), min_size=3, max_size=3),
    first_row=st.integers(1, 5),
)
def test_header_order_titles_and_gaps_in_any_combination(order, titles, gaps, first_row):
    """Property, on raw cells: the same table and the Excel rows a person sees."""
    titles = titles[:9]
    records = [["R1", "Forsinkelse", 4, 3], ["R2", "Brann", "1 - Svært lav", "Kritisk"]]
    records.append(["R3", "Lekkasje", "2", "Ugyldig"])
    rows: list[list[object]] = [*titles, [RISIKO_HEADER[i] for i in order]]
    expected_rows = []
    for gap, record in zip(gaps, records, strict=True):
        rows.extend([[None, "  ", ""]] * gap)
        rows.append([record[i] for i in order])
        expected_rows.append(first_row + len(rows) - 1)
    raw = RawWorkbook("bok.xlsx", [sheet_from_rows("Risiko", rows, first_row)])
    upload = validate(raw, project="OU2")
    table = upload.tables["risiko"]
    assert table["_excel_row"].to_pylist() == expected_rows
    assert table["risiko_id"].to_pylist() == ["R1", "R2", "R3"]
    assert table["sannsynlighet"].to_pylist()[:2] == [4, 1]
    problem = only(upload.errors)
    assert (problem.row, problem.column, problem.value) == (
        expected_rows[2],
        "Konsekvens",
        "Ugyldig",
    )


def test_all_empty_rows_are_skipped(tmp_path):
    upload = check(
        tmp_path,
        {
            "Risiko": [
                RISIKO_HEADER,
                ["R1", "Forsinkelse", 4, 3],
                [None, None, None, None],
                ["  ", "", None, " "],
                ["R2", "Sykefravær", 2, 2],
                [],
                ["R3", "Ingen konsekvens", 2, None],
            ]
        },
        project="OU2",
    )
    assert rows_of(upload, "risiko")[1]["risiko_id"] == "R2"
    assert upload.tables["risiko"]["_excel_row"].to_pylist() == [2, 5, 7]
    problem = only(upload.errors)
    assert (problem.row, problem.column) == (7, "Konsekvens")


def test_a_sheet_with_only_a_header_is_a_notice_and_leaves_stored_rows_alone(tmp_path):
    # Beside a sheet with rows: a workbook with none at all stores nothing (see below).
    milestones = [["Milepæl-ID", "Milepæl", "Planlagt"], ["M1", "Oppstart", "1.2.2025"]]
    upload = check(
        tmp_path,
        {"Risiko": [RISIKO_HEADER, [None, "", None]], "Milepæler": milestones},
        project="OU2",
    )
    assert upload.ok, upload.errors
    assert "risiko" not in upload.tables and "risiko" not in upload.scope
    assert only(upload.notices, sheet="Risiko").row is None


# ---------------------------------------------------------------------------------------------
# Unknown sheets and columns are notices; required columns and values are errors


def test_unknown_sheets_and_columns_are_notices(tmp_path):
    upload = check(
        tmp_path,
        {
            "Veiledning": [["Slik fyller du ut arbeidsboken"]],
            "Notater": [["Hva som helst"]],
            "Risiko": [
                [*RISIKO_HEADER, "Risikoscore", "Kommentar fra PL"],
                ["R1", "Forsinkelse", 4, 3, 12, "Følges opp"],
            ],
        },
        project="OU2",
    )
    assert upload.ok, upload.errors
    assert only(upload.notices, sheet="Notater").row is None
    assert only(upload.notices, column="Risikoscore").row == 1
    assert only(upload.notices, column="Kommentar fra PL").sheet == "Risiko"
    assert not [p for p in upload.notices if p.sheet == "Veiledning"]
    assert "risikoscore" not in upload.tables["risiko"].column_names


def test_a_second_sheet_of_the_same_kind_is_an_error(tmp_path):
    # Contract version 2: which of the two holds the leader's edits cannot be guessed.
    upload = check(
        tmp_path,
        {
            "Milepæler": [["Milepæl-ID", "Milepæl", "Planlagt"], ["M1", "Oppstart", "1.2.2025"]],
            "Milepaeler": [["Milepæl-ID", "Milepæl", "Planlagt"], ["M9", "Annet", "1.3.2025"]],
        },
        project="OU2",
    )
    problem = only(upload.errors)
    assert (problem.sheet, problem.value) == ("Milepæler", '"Milepæler", "Milepaeler"')
    assert "bare ett ark som betyr «Milepæler»" in problem.expected
    assert not upload.tables


def test_a_second_heading_for_the_same_column_is_a_notice():
    rows = [["Risiko-ID", "Risiko", "Tittel", "S", "K"], ["R1", "Forsinkelse", "Annet", 1, 2]]
    upload = validate(RawWorkbook("bok.xlsx", [sheet_from_rows("Risiko", rows)]), project="OU2")
    assert upload.ok, upload.errors
    assert only(upload.notices).column.startswith("Tittel")
    assert upload.tables["risiko"]["risiko"].to_pylist() == ["Forsinkelse"]


def test_missing_required_columns_are_errors(tmp_path):
    upload = check(
        tmp_path,
        {"Risiko": [["Risiko-ID", "Risiko", "Sannsynlighet"], ["R1", "Forsinkelse", 4]]},
        project="OU2",
    )
    problem = only(upload.errors)
    assert (problem.sheet, problem.row, problem.column) == ("Risiko", 1, "Konsekvens")
    assert "må finnes" in problem.expected


@pytest.mark.parametrize(
    ("sheet", "header", "row", "column"),
    [
        ("Risiko", RISIKO_HEADER, ["R1", " ", 4, 3], "Risiko"),
        ("Risiko", RISIKO_HEADER, [None, "Forsinkelse", 4, 3], "Risiko-ID"),
        ("Milepæler", ["Milepæl-ID", "Milepæl", "Planlagt"], ["M1", "Oppstart", None], "Planlagt"),
        ("Prosjekter", ["Prosjekt-ID", "Prosjektnavn"], ["OU2", None], "Prosjektnavn"),
        ("Gevinster", ["Gevinst-ID", "Gevinst"], ["G1", ""], "Gevinst"),
    ],
)
def test_empty_required_values_are_errors(tmp_path, sheet, header, row, column):
    upload = check(tmp_path, {sheet: [header, row]}, project="OU2")
    problem = only(upload.errors)
    assert (problem.sheet, problem.row, problem.column) == (sheet, 2, column)
    assert "må fylles ut" in problem.expected


def test_every_error_is_reported_at_once(tmp_path):
    upload = check(
        tmp_path,
        {
            "Prosjekter": [
                ["Prosjekt-ID", "Prosjektnavn", "Startdato"],
                ["OU2", "Omorganisering", "31.02.2024"],
            ],
            "Risiko": [
                [*RISIKO_HEADER, "Frist", "Status"],
                ["R1", "Forsinkelse", 6, "Høy", "snart", "Ferdig"],
                ["R2", "", "2 - Høy", 3, None, None],
            ],
            "Anbefalinger": [
                ["Anbefaling-ID", "Anbefaling", "Vedtak", "Evaluering"],
                ["A1", "Felles rutiner", "Kanskje", "seks"],
            ],
        },
    )
    found = {(p.sheet, p.row, p.column, p.value) for p in upload.errors}
    assert found == {
        ("Prosjekter", 2, "Startdato", "31.02.2024"),
        ("Risiko", 2, "Sannsynlighet", "6"),
        ("Risiko", 2, "Frist", "snart"),
        ("Risiko", 2, "Status", "Ferdig"),
        ("Risiko", 3, "Risiko", ""),
        ("Risiko", 3, "Sannsynlighet", "2 - Høy"),
        ("Anbefalinger", 2, "Vedtak", "Kanskje"),
        ("Anbefalinger", 2, "Evaluering", "seks"),
    }
    assert all(p.expected for p in upload.errors)
    assert not upload.ok


def test_a_bad_value_message_is_norwegian_and_names_everything(tmp_path):
    upload = check(
        tmp_path,
        {"Risiko": [RISIKO_HEADER, ["R1", "Forsinkelse", 4, 3], ["R2", "Brann", "9", 3]]},
        above=[["Risikoregister"]],
        project="OU2",
    )
    problem = only(upload.errors)
    assert problem == Problem("Risiko", 4, "Sannsynlighet", "9", problem.expected), (
        "sheet, Excel row, column and value"
    )
    assert problem.expected.startswith("et tall fra 1 til 5 eller en etikett")
    assert "4 - Høy" in problem.expected
    text = problem.as_text()
    assert text.startswith("ark «Risiko», rad 4, kolonne «Sannsynlighet»: fant «9» – forventet ")
    assert "et tall fra 1 til 5" in text
    frame = problems_frame(upload.errors)
    assert list(frame.columns) == ["Ark", "Rad", "Kolonne", "Verdi", "Forventet"]
    assert frame.iloc[0].tolist()[:4] == ["Risiko", 4, "Sannsynlighet", "9"]


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("Frist", "i morgen", "en dato"),
        ("Sannsynlighet", "Enorm", "et tall fra 1 til 5"),
        ("Status", "Ferdig", "en av: Åpen, Under arbeid, Lukket"),
    ],
)
def test_expected_texts_are_norwegian(tmp_path, header, value, expected):
    row = {"Risiko-ID": "R1", "Risiko": "X", "Sannsynlighet": 1, "Konsekvens": 1, header: value}
    upload = check(tmp_path, {"Risiko": [list(row), list(row.values())]}, project="OU2")
    problem = only(upload.errors)
    assert (problem.column, problem.value) == (header, value)
    assert problem.expected.startswith(expected)


# ---------------------------------------------------------------------------------------------
# Keys and references


def test_duplicate_ids_within_a_project_are_errors(tmp_path):
    upload = check(
        tmp_path,
        {
            "Risiko": [
                RISIKO_HEADER,
                ["R1", "Forsinkelse", 4, 3],
                ["R2", "Brann", 1, 5],
                ["R1", "Forsinkelse igjen", 4, 3],
            ]
        },
        project="OU2",
    )
    problem = only(upload.errors)
    assert (problem.sheet, problem.row, problem.value) == ("Risiko", 4, "R1")
    assert "rad 2" in problem.expected


def test_the_same_id_in_two_projects_is_fine(tmp_path):
    header = ["Prosjekt-ID", *RISIKO_HEADER]
    upload = check(
        tmp_path,
        {
            "Prosjekter": TO_PROSJEKTER,
            "Risiko": [header, ["OU2", "R1", "A", 4, 3], ["DIG", "R1", "B", 4, 3]],
        },
    )
    assert upload.ok, upload.errors
    assert {(r["prosjekt_id"], r["risiko_id"]) for r in rows_of(upload, "risiko")} == {
        ("OU2", "R1"),
        ("DIG", "R1"),
    }


def test_duplicate_projects_are_errors(tmp_path):
    upload = check(tmp_path, {"Prosjekter": [*TO_PROSJEKTER, ["OU2", "Kopi"]]})
    assert only(upload.errors).row == 4


GEVINSTER = [["Gevinst-ID", "Gevinst", "Nullpunkt", "Målverdi"], ["G1", "Mindre tid", 10, 5]]
ANBEFALINGER = [["Anbefaling-ID", "Anbefaling", "Vedtak"], ["A1", "Felles rutiner", "Støttes"]]


def test_measurement_key_is_benefit_and_date(tmp_path):
    upload = check(
        tmp_path,
        {
            "Gevinster": [*GEVINSTER, ["G2", "Færre feil", 4, 1]],
            "Målinger": [
                ["Gevinst-ID", "Dato", "Verdi"],
                ["G1", "17.12.2024", 9],
                ["G1", "17.01.2025", 8],
                ["G2", "17.12.2024", 3],
                ["G1", dt.datetime(2024, 12, 17), 7],
            ],
        },
        project="OU2",
    )
    problem = only(upload.errors)
    assert (problem.sheet, problem.row, problem.value) == ("Målinger", 5, "G1 / 17.12.2024")


def test_evaluation_key_is_recommendation_and_months(tmp_path):
    upload = check(
        tmp_path,
        {
            "Anbefalinger": ANBEFALINGER,
            "Evalueringer": [
                ["Anbefaling-ID", "Evaluering", "Gjennomført"],
                ["A1", 6, "1.3.2025"],
                ["A1", "12 måneder", "1.9.2025"],
                ["A1", "6 mnd", "2.3.2025"],
            ],
        },
        project="OU2",
    )
    problem = only(upload.errors)
    assert (problem.sheet, problem.row) == ("Evalueringer", 4)
    assert rows_of(upload, "evalueringer")[1]["evaluering"] == 12


def test_unknown_references_are_errors(tmp_path):
    upload = check(
        tmp_path,
        {
            "Gevinster": GEVINSTER,
            "Anbefalinger": ANBEFALINGER,
            "Målinger": [
                ["Gevinst-ID", "Dato", "Verdi"],
                ["G1", "1.1.2025", 9],
                ["G7", "1.1.2025", 1],
            ],
            "Evalueringer": [["Anbefaling-ID", "Evaluering"], ["A1", 6], ["A9", 6]],
        },
        project="OU2",
    )
    assert {(p.sheet, p.row, p.column, p.value) for p in upload.errors} == {
        ("Målinger", 3, "Gevinst-ID", "G7"),
        ("Evalueringer", 3, "Anbefaling-ID", "A9"),
    }
    assert all("finnes i arket" in p.expected for p in upload.errors)


def test_references_to_stored_ids_are_fine(tmp_path):
    known = KnownData(
        projects={"OU2"},
        ids={"gevinster": {("OU2", "G7")}, "anbefalinger": {("OU2", "A9")}},
        benefit_types={("OU2", "G7"): "Kvantitativ"},
    )
    upload = check(
        tmp_path,
        {
            "Målinger": [["Gevinst-ID", "Dato", "Verdi"], ["G7", "1.1.2025", 1200]],
            "Evalueringer": [["Anbefaling-ID", "Evaluering"], ["A9", "1 år"]],
        },
        known=known,
    )
    assert upload.ok, upload.errors
    assert rows_of(upload, "malinger")[0]["prosjekt_id"] == "OU2"
    assert rows_of(upload, "evalueringer")[0]["prosjekt_id"] == "OU2"


def test_a_stored_id_of_another_project_is_not_a_reference(tmp_path):
    known = KnownData(projects={"OU2", "DIG"}, ids={"gevinster": {("DIG", "G7")}})
    upload = check(
        tmp_path,
        {
            "Målinger": [
                ["Gevinst-ID", "Prosjekt-ID", "Dato", "Verdi"],
                ["G7", "OU2", "1.1.2025", 1],
            ]
        },
        known=known,
    )
    assert only(upload.errors).column == "Gevinst-ID"


def test_stored_ids_this_upload_replaces_cannot_be_referred_to(tmp_path):
    # The upload's Gevinster is the new truth for OU2: G7 is no longer there.
    known = KnownData(projects={"OU2"}, ids={"gevinster": {("OU2", "G7")}})
    upload = check(
        tmp_path,
        {
            "Gevinster": GEVINSTER,
            "Målinger": [["Gevinst-ID", "Dato", "Verdi"], ["G7", "1.1.2025", 1]],
        },
        known=known,
        project="OU2",
    )
    assert only(upload.errors).value == "G7"


def test_an_empty_sheet_of_benefits_leaves_the_stored_ones(tmp_path):
    known = KnownData(projects={"OU2"}, ids={"gevinster": {("OU2", "G7")}})
    upload = check(
        tmp_path,
        {
            "Gevinster": [GEVINSTER[0]],
            "Målinger": [["Gevinst-ID", "Dato", "Verdi"], ["G7", "1.1.2025", 1]],
        },
        known=known,
        project="OU2",
    )
    assert upload.ok, upload.errors
    assert "gevinster" not in upload.scope
    assert upload.scope["malinger"] == {"OU2"}


STORED_CHILDREN = KnownData(
    projects={"OU2", "DIG"},
    ids={
        "gevinster": {("OU2", "G1"), ("OU2", "G7"), ("DIG", "G7")},
        "anbefalinger": {("OU2", "A1"), ("OU2", "A9")},
    },
    benefit_types={("OU2", "G1"): "Kvantitativ", ("OU2", "G7"): "Kvantitativ"},
    children={
        "malinger": {("OU2", "G7"): 2, ("DIG", "G7"): 1},
        "evalueringer": {("OU2", "A9"): 1},
    },
)


def test_stored_children_go_with_the_parent_the_upload_removes(tmp_path):
    """OU2's Gevinster and Anbefalinger no longer hold G7 and A9: their stored measurements
    and evaluation go with them (each a notice); DIG's G7 is another project's, untouched."""
    upload = check(
        tmp_path,
        {
            "Gevinster": [["Gevinst-ID", "Gevinst"], ["G1", "Tid"]],
            "Anbefalinger": [["Anbefaling-ID", "Anbefaling", "Vedtak"], ["A1", "Mer", "Støttes"]],
        },
        known=STORED_CHILDREN,
        project="OU2",
    )
    assert upload.ok, upload.errors
    assert upload.removed_with_parents == {
        "malinger": {("OU2", "G7")},
        "evalueringer": {("OU2", "A9")},
    }
    benefit = only(upload.notices, sheet="Gevinster")
    assert (benefit.row, benefit.column, benefit.value) == (None, "Gevinst-ID", "")
    assert benefit.as_text() == (
        "ark «Gevinster», kolonne «Gevinst-ID» – forventet G7 (prosjekt OU2): den er ikke med i "
        "arket, så 2 lagrede rader i arket Målinger som gjelder den, fjernes også"
    )
    recommendation = only(upload.notices, sheet="Anbefalinger").as_text()
    assert "så 1 lagret rad i arket Evalueringer som gjelder den, fjernes også" in recommendation


def test_errors_are_listed_sheet_by_sheet_and_row_by_row(tmp_path):
    upload = check(
        tmp_path,
        {
            "Målinger": [["Gevinst-ID", "Dato", "Verdi"], ["G9", "1.1.2025", 3]],
            "Risiko": [
                [*RISIKO_HEADER, "Frist"],
                ["R1", "Forsinkelse", 4, 3, "31.02.2026"],
                ["R2", "Brann", 2, 7, None],
                ["R3", "Lekkasje", "Veldig høy", 2, None],
            ],
        },
        project="OU2",
        known=KnownData(projects={"OU2"}),
    )
    assert [(p.sheet, p.row, p.column) for p in upload.errors] == [
        ("Målinger", 2, "Gevinst-ID"),
        ("Risiko", 2, "Frist"),
        ("Risiko", 3, "Konsekvens"),
        ("Risiko", 4, "Sannsynlighet"),
    ]


def test_a_child_naming_a_parent_this_upload_removes_is_told_so(tmp_path):
    upload = check(
        tmp_path,
        {
            "Gevinster": [["Gevinst-ID", "Gevinst"], ["G1", "Tid"]],
            "Målinger": [["Gevinst-ID", "Dato", "Verdi"], ["G7", "1.1.2025", 3]],
        },
        known=STORED_CHILDREN,
        project="OU2",
    )
    problem = only(upload.errors)
    assert (problem.sheet, problem.row, problem.value) == ("Målinger", 2, "G7")
    assert "G7 er lagret, men er ikke med i arket Gevinster i denne opplastingen" in (
        problem.expected
    )


def test_measurements_left_behind_by_an_earlier_removal_go_with_the_next_upload(tmp_path):
    """Before measurements went with their benefit, a removal could leave them naming an
    unknown benefit (G5 here); the project's next Gevinster upload takes them away."""
    known = KnownData(
        projects={"OU2"},
        ids={"gevinster": {("OU2", "G1")}},
        children={"malinger": {("OU2", "G5"): 3}},
    )
    upload = check(
        tmp_path,
        {"Gevinster": [["Gevinst-ID", "Gevinst"], ["G1", "Tid"]]},
        known=known,
        project="OU2",
    )
    assert upload.ok, upload.errors
    assert upload.removed_with_parents == {"malinger": {("OU2", "G5")}}


def test_an_empty_child_sheet_says_which_of_its_rows_still_go(tmp_path):
    upload = check(
        tmp_path,
        {
            "Gevinster": [["Gevinst-ID", "Gevinst"], ["G1", "Tid"]],
            "Målinger": [["Gevinst-ID", "Dato", "Verdi"]],
        },
        known=STORED_CHILDREN,
        project="OU2",
    )
    assert upload.ok and upload.removed_with_parents == {"malinger": {("OU2", "G7")}}
    empty = only(upload.notices, sheet="Målinger")
    assert "ikke endret, bortsett fra radene som fjernes sammen med det de gjelder" in (
        empty.expected
    )


@pytest.mark.parametrize(
    "sheets",
    [
        # G7 kept
        {"Gevinster": [["Gevinst-ID", "Gevinst"], ["G1", "Tid"], ["G7", "Kø"]]},
        # G7 removed with OU2's measurements replaced by the upload's
        {
            "Gevinster": [["Gevinst-ID", "Gevinst"], ["G1", "Tid"]],
            "Målinger": [["Gevinst-ID", "Dato", "Verdi"], ["G1", "1.1.2025", 3]],
        },
        # an empty Gevinster sheet removes nothing (beside a sheet with rows: a workbook
        # without any stores nothing)
        {
            "Gevinster": [["Gevinst-ID", "Gevinst"]],
            "Milepæler": [["Milepæl-ID", "Milepæl", "Planlagt"], ["M1", "Oppstart", "1.2.2025"]],
        },
    ],
    ids=["kept", "children-replaced", "empty-sheet"],
)
def test_no_stored_child_goes_when_its_parent_stays_or_the_upload_replaces_it(tmp_path, sheets):
    upload = check(tmp_path, sheets, known=STORED_CHILDREN, project="OU2")
    assert upload.ok, upload.errors
    assert upload.removed_with_parents == {}
    assert not [n for n in upload.notices if "fjernes" in n.expected]


def test_benefits_of_a_project_without_rows_are_left_alone(tmp_path):
    # Prosjekter lists OU2 and DIG; Gevinster has rows for OU2 only, so DIG's are untouched.
    known = KnownData(projects={"OU2", "DIG"}, ids={"gevinster": {("DIG", "G7")}})
    upload = check(
        tmp_path,
        {
            "Prosjekter": TO_PROSJEKTER,
            "Gevinster": [["Prosjekt-ID", *GEVINSTER[0]], ["OU2", *GEVINSTER[1]]],
            "Målinger": [
                ["Gevinst-ID", "Prosjekt-ID", "Dato", "Verdi"],
                ["G7", "DIG", "1.1.2025", 1],
                ["G1", "DIG", "1.1.2025", 1],
            ],
        },
        known=known,
    )
    assert upload.scope["gevinster"] == {"OU2"}
    problem = only(upload.errors)
    assert (problem.row, problem.value) == (3, "G1")


# ---------------------------------------------------------------------------------------------
# Projects


def test_project_id_may_be_omitted_with_one_project_row(tmp_path):
    upload = check(
        tmp_path,
        {
            "Prosjekter": PROSJEKTER,
            "Risiko": [RISIKO_HEADER, ["R1", "Forsinkelse", 4, 3]],
            "Milepæler": [
                ["Milepæl-ID", "Prosjekt-ID", "Milepæl", "Planlagt"],
                ["M1", None, "Oppstart", "1.2.2025"],
            ],
        },
    )
    assert upload.ok, upload.errors
    assert rows_of(upload, "risiko")[0]["prosjekt_id"] == "OU2"
    assert rows_of(upload, "milepaeler")[0]["prosjekt_id"] == "OU2"
    assert upload.scope["risiko"] == {"OU2"}


def test_project_id_may_be_omitted_with_the_project_chosen_at_upload(tmp_path):
    upload = check(
        tmp_path,
        {"Risiko": [RISIKO_HEADER, ["R1", "Forsinkelse", 4, 3]]},
        known=KnownData(projects={"OU2"}),
        project="OU2",
    )
    assert upload.ok, upload.errors
    assert rows_of(upload, "risiko")[0]["prosjekt_id"] == "OU2"
    assert upload.scope["risiko"] == {"OU2"}


def test_project_id_is_required_with_several_projects(tmp_path):
    header = ["Prosjekt-ID", *RISIKO_HEADER]
    upload = check(
        tmp_path,
        {
            "Prosjekter": TO_PROSJEKTER,
            "Risiko": [header, ["OU2", "R1", "A", 4, 3], [None, "R2", "B", 4, 3]],
        },
    )
    problem = only(upload.errors)
    assert (problem.sheet, problem.row, problem.column) == ("Risiko", 3, "Prosjekt-ID")
    assert "Prosjekt-ID" in problem.expected


def test_project_id_is_required_without_projects_even_if_one_is_stored(tmp_path):
    upload = check(
        tmp_path,
        {"Risiko": [RISIKO_HEADER, ["R1", "Forsinkelse", 4, 3]]},
        known=KnownData(projects={"OU2"}),
    )
    problem = only(upload.errors)
    assert (problem.row, problem.column) == (2, "Prosjekt-ID")


def test_unknown_project_ids_are_errors(tmp_path):
    header = ["Prosjekt-ID", *RISIKO_HEADER]
    upload = check(
        tmp_path,
        {"Risiko": [header, ["OU2", "R1", "A", 4, 3], ["XYZ", "R2", "B", 4, 3]]},
        known=KnownData(projects={"OU2"}),
    )
    problem = only(upload.errors)
    assert (problem.row, problem.column, problem.value) == (3, "Prosjekt-ID", "XYZ")


def test_a_project_id_other_than_the_chosen_one_is_an_error(tmp_path):
    header = ["Prosjekt-ID", *RISIKO_HEADER]
    upload = check(
        tmp_path,
        {"Risiko": [header, ["DIG", "R1", "A", 4, 3]]},
        known=KnownData(projects={"OU2", "DIG"}),
        project="OU2",
    )
    assert only(upload.errors).value == "DIG"


def test_a_project_row_needs_its_id(tmp_path):
    upload = check(
        tmp_path,
        {"Prosjekter": [["Prosjekt-ID", "Prosjektnavn"], [None, "Omorganisering"]]},
    )
    problem = only(upload.errors)
    assert (problem.sheet, problem.row, problem.column) == ("Prosjekter", 2, "Prosjekt-ID")


def test_a_project_row_takes_the_chosen_project(tmp_path):
    upload = check(
        tmp_path,
        {"Prosjekter": [["Prosjektnavn", "Enhet"], ["Omorganisering", "Oppvekst"]]},
        project="OU2",
    )
    assert upload.ok, upload.errors
    assert rows_of(upload, "prosjekter")[0]["prosjekt_id"] == "OU2"


def test_a_project_sheet_without_ids_is_an_error_without_a_chosen_project(tmp_path):
    upload = check(
        tmp_path, {"Prosjekter": [["Prosjektnavn", "Enhet"], ["Omorganisering", "Oppvekst"]]}
    )
    assert only(upload.errors).column == "Prosjekt-ID"


def test_measurements_take_the_project_of_their_benefit(tmp_path):
    known = KnownData(projects={"OU2", "DIG", "HR"}, ids={"gevinster": {("HR", "G9")}})
    upload = check(
        tmp_path,
        {
            "Prosjekter": TO_PROSJEKTER,
            "Gevinster": [
                ["Prosjekt-ID", *GEVINSTER[0]],
                ["OU2", "G1", "Mindre tid", 10, 5],
                ["DIG", "G2", "Færre feil", 4, 1],
            ],
            "Målinger": [
                ["Gevinst-ID", "Dato", "Verdi"],
                ["G1", "1.1.2025", 9],
                ["G2", "1.1.2025", 3],
                ["G9", "1.1.2025", 3],
            ],
        },
        known=known,
    )
    assert upload.ok, upload.errors
    projects = {row["gevinst_id"]: row["prosjekt_id"] for row in rows_of(upload, "malinger")}
    assert projects == {"G1": "OU2", "G2": "DIG", "G9": "HR"}


def test_evaluations_take_the_project_of_their_recommendation(tmp_path):
    upload = check(
        tmp_path,
        {
            "Prosjekter": TO_PROSJEKTER,
            "Anbefalinger": [
                ["Prosjekt-ID", *ANBEFALINGER[0]],
                ["DIG", "A1", "Felles rutiner", "Støttes"],
            ],
            "Evalueringer": [["Anbefaling-ID", "Evaluering"], ["A1", "6 mnd"]],
        },
    )
    assert upload.ok, upload.errors
    assert rows_of(upload, "evalueringer")[0]["prosjekt_id"] == "DIG"


def test_with_one_project_a_blank_project_means_that_one_even_for_measurements(tmp_path):
    # G9 is HR's; taking HR here would make this OU2 workbook replace HR's measurements.
    known = KnownData(projects={"OU2", "HR"}, ids={"gevinster": {("HR", "G9")}})
    upload = check(
        tmp_path,
        {
            "Prosjekter": PROSJEKTER,
            "Målinger": [["Gevinst-ID", "Dato", "Verdi"], ["G9", "1.1.2025", 3]],
        },
        known=known,
    )
    problem = only(upload.errors)
    assert (problem.column, problem.value) == ("Gevinst-ID", "G9")
    assert "OU2" in problem.expected


def test_a_reference_found_in_several_projects_needs_a_project(tmp_path):
    upload = check(
        tmp_path,
        {
            "Prosjekter": TO_PROSJEKTER,
            "Gevinster": [
                ["Prosjekt-ID", *GEVINSTER[0]],
                ["OU2", "G1", "Mindre tid", 10, 5],
                ["DIG", "G1", "Færre feil", 4, 1],
            ],
            "Målinger": [["Gevinst-ID", "Dato", "Verdi"], ["G1", "1.1.2025", 9]],
        },
    )
    problem = only(upload.errors)
    assert (problem.sheet, problem.row, problem.column) == ("Målinger", 2, "Prosjekt-ID")


# ---------------------------------------------------------------------------------------------
# Defaults and values


def test_defaults_status_decision_evaluation_and_type(tmp_path):
    upload = check(
        tmp_path,
        {
            "Risiko": [[*RISIKO_HEADER, "Status"], ["R1", "Forsinkelse", 4, 3, None]],
            "Anbefalinger": [
                ["Anbefaling-ID", "Anbefaling", "Vedtak", "Evaluering (måneder)"],
                ["A1", "Felles rutiner", None, None],
                ["A2", "Ny rutine", "Vedtatt.", "3, 6 og 12 måneder"],
            ],
            "Gevinster": [
                ["Gevinst-ID", "Gevinst", "Målverdi", "Type"],
                ["G1", "Mindre tid", "1 234,5", None],
                ["G2", "Bedre trivsel", 4, "kvalitativ"],
            ],
        },
        project="OU2",
    )
    assert upload.ok, upload.errors
    assert rows_of(upload, "risiko")[0]["status"] == "Åpen"
    recommendations = rows_of(upload, "anbefalinger")
    assert [r["vedtak"] for r in recommendations] == ["Ikke behandlet", "Støttes"]
    assert [tuple(r["evaluering"]) for r in recommendations] == [(6, 12), (3, 6, 12)]
    benefits = rows_of(upload, "gevinster")
    assert [b["type"] for b in benefits] == ["Kvantitativ", "Kvalitativ"]
    assert benefits[0]["malverdi"] == 1234.5


def test_the_decision_column_is_required_but_its_cells_may_be_empty(tmp_path):
    upload = check(
        tmp_path,
        {"Anbefalinger": [["Anbefaling-ID", "Anbefaling"], ["A1", "Felles rutiner"]]},
        project="OU2",
    )
    assert only(upload.errors).column == "Vedtak"


def test_defaults_apply_when_the_column_is_absent(tmp_path):
    upload = check(
        tmp_path,
        {
            "Risiko": [RISIKO_HEADER, ["R1", "Forsinkelse", 4, 3]],
            "Gevinster": [["Gevinst-ID", "Gevinst", "Målverdi"], ["G1", "Mindre tid", 5]],
        },
        project="OU2",
    )
    assert upload.ok, upload.errors
    assert rows_of(upload, "risiko")[0]["status"] == "Åpen"
    assert rows_of(upload, "gevinster")[0]["type"] == "Kvantitativ"


def test_typed_values_of_every_kind(tmp_path):
    upload = check(
        tmp_path,
        {
            "Prosjekter": [
                ["Prosjekt-ID", "Prosjektnavn", "Start", "Slutt", "Kommunalområde"],
                [
                    2.0,
                    "  Omorganisering ",
                    dt.datetime(2024, 1, 15, 8, 30),
                    "17. des 2025",
                    "Helse",
                ],
            ],
            "Risiko": [
                [*RISIKO_HEADER, "S etter tiltak", "K etter tiltak", "Frist"],
                ["R1", "Forsinkelse", "4 – Høy", "Svært alvorlig", "Lav", 2.0, "17/12/24"],
            ],
        },
    )
    assert upload.ok, upload.errors
    project = rows_of(upload, "prosjekter")[0]
    assert project["prosjekt_id"] == "2" and project["prosjektnavn"] == "Omorganisering"
    assert (project["startdato"], project["sluttdato"]) == (
        dt.date(2024, 1, 15),
        dt.date(2025, 12, 17),
    )
    assert project["enhet"] == "Helse"
    risk = rows_of(upload, "risiko")[0]
    assert risk["prosjekt_id"] == "2"
    assert (risk["sannsynlighet"], risk["konsekvens"]) == (4, 5)
    assert (risk["sannsynlighet_etter"], risk["konsekvens_etter"]) == (2, 2)
    assert risk["frist"] == dt.date(2024, 12, 17)


def test_qualitative_benefits_are_measured_on_the_scale(tmp_path):
    upload = check(
        tmp_path,
        {
            "Gevinster": [
                ["Gevinst-ID", "Gevinst", "Type", "Nullpunkt", "Målverdi"],
                ["G1", "Trivsel", "Kvalitativ", 2, 4],
                ["G2", "Mestring", "Kvalitativ", 2, 80],
            ],
            "Målinger": [
                ["Gevinst-ID", "Dato", "Verdi"],
                ["G1", "1.1.2025", 3],
                ["G1", "1.2.2025", 7],
            ],
        },
        project="OU2",
    )
    assert {(p.sheet, p.row, p.column, p.value) for p in upload.errors} == {
        ("Gevinster", 3, "Målverdi", "80"),
        ("Målinger", 3, "Verdi", "7"),
    }
    assert {p.expected for p in upload.errors} == {
        "en verdi på skalaen 1–5, desimaler tillatt (gevinsten er kvalitativ)"
    }


def test_a_benefit_counted_as_qualitative_by_default_says_how_to_count_it(tmp_path):
    """Without Type and Målverdi a benefit is qualitative (the contract's default); a
    measurement off the scale is refused with the way to say it is counted."""
    upload = check(
        tmp_path,
        {
            "Gevinster": [["Gevinst-ID", "Gevinst"], ["G1", "Tid"]],
            "Målinger": [["Gevinst-ID", "Dato", "Verdi"], ["G1", "1.3.2024", 37]],
        },
        project="OU2",
    )
    problem = only(upload.errors)
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "Målinger",
        2,
        "Verdi",
        "37",
    )
    assert "fordi Type og Målverdi er tomme" in problem.expected
    assert "Type «Kvantitativ»" in problem.expected


def test_end_dates_before_start_dates_are_notices(tmp_path):
    # The contract accepts such a row; a person is told to look, nothing is refused.
    upload = check(
        tmp_path,
        {
            "Prosjekter": [
                ["Prosjekt-ID", "Prosjektnavn", "Startdato", "Sluttdato"],
                ["OU2", "Omorganisering", "1.6.2025", "1.1.2025"],
            ]
        },
    )
    assert upload.ok
    problem = only(upload.notices)
    assert (problem.row, problem.column, problem.value) == (2, "Sluttdato", "01.01.2025")


# ---------------------------------------------------------------------------------------------
# Files: formulas, .xlsm, .csv


def set_cached_values(path: Path, sheet_number: int, values: dict[str, object]) -> None:
    """Give formula cells the cached values Excel would have saved (openpyxl writes none)."""
    member = f"xl/worksheets/sheet{sheet_number}.xml"
    with zipfile.ZipFile(path) as archive:
        contents = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = contents[member].decode()
    for cell, value in values.items():
        kind = ' t="str"' if isinstance(value, str) else ""
        xml, count = re.subn(
            # An empty value is `<v/>`, or `<v></v>` when openpyxl writes with lxml.
            rf'<c r="{cell}"([^>]*)><f>(.*?)</f>(?:<v\s*/>|<v>\s*</v>)',
            rf'<c r="{cell}"\1{kind}><f>\2</f><v>{value}</v>',
            xml,
        )
        assert count == 1, cell
    contents[member] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)


def test_a_formula_cell_reads_as_its_cached_value(tmp_path):
    path = make_workbook(
        tmp_path / "formler.xlsx",
        {
            "Risiko": [
                RISIKO_HEADER,
                ['="R"&1', "Forsinkelse", "=2*2", '=IF(TRUE,"Kritisk","")'],
            ]
        },
    )
    set_cached_values(path, 1, {"A2": "R1", "C2": 4, "D2": "Kritisk"})
    upload = validate(read_workbook(path), project="OU2")
    assert upload.ok, upload.errors
    risk = rows_of(upload, "risiko")[0]
    assert (risk["risiko_id"], risk["sannsynlighet"], risk["konsekvens"]) == ("R1", 4, 5)


def test_xlsm_is_read_for_its_values(tmp_path):
    path = make_workbook(
        tmp_path / "bok.xlsx", {"Risiko": [RISIKO_HEADER, ["R1", "Forsinkelse", 4, 3]]}
    )
    macro = tmp_path / "bok.xlsm"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(macro, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
                )
            target.writestr(info, data)
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really a macro")
    upload = validate(read_workbook(macro), project="OU2")
    assert upload.file_name == "bok.xlsm"
    assert upload.ok, upload.errors
    assert rows_of(upload, "risiko")[0]["sannsynlighet"] == 4


def test_csv_is_one_sheet_named_by_its_stem(tmp_path):
    path = tmp_path / "risiko.csv"
    path.write_text(
        "Risiko-ID;Risiko;Sannsynlighet;Konsekvens;Frist\n"
        "R1;Forsinkelse;4 - Høy;Kritisk;17.12.2024\n"
        ";;;;\n"
        "R2;Sykefravær;2;9;\n",
        encoding="utf-8-sig",
    )
    upload = validate(read_workbook(path), project="OU2")
    assert list(upload.tables) == ["risiko"]
    risk = rows_of(upload, "risiko")[0]
    assert (risk["sannsynlighet"], risk["konsekvens"], risk["frist"]) == (
        4,
        5,
        dt.date(2024, 12, 17),
    )
    problem = only(upload.errors)
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "risiko",
        4,
        "Konsekvens",
        "9",
    )


def test_csv_in_windows_encoding_with_a_norwegian_stem(tmp_path):
    path = tmp_path / "Målinger.csv"
    path.write_bytes("Gevinst-ID;Dato;Verdi\nG1;17.12.2024;1 234,5\n".encode("cp1252"))
    known = KnownData(projects={"OU2"}, ids={"gevinster": {("OU2", "G1")}})
    upload = validate(read_workbook(path), known, "OU2")
    assert upload.ok, upload.errors
    assert rows_of(upload, "malinger")[0]["verdi"] == 1234.5


def test_a_csv_of_an_unknown_sheet_is_a_notice_and_nothing_to_store(tmp_path):
    path = tmp_path / "notater.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    upload = validate(read_workbook(path))
    assert only(upload.notices, sheet="notater")
    assert only(upload.errors).value == "notater (ukjent ark)"
    assert not upload.tables


def test_a_complete_workbook_validates(tmp_path):
    """A realistic workbook: every sheet, titles above headers, defaults and references."""
    upload = check(
        tmp_path,
        {
            "Prosjekter": [
                ["Prosjekt-ID*", "Prosjektnavn*", "Enhet", "Startdato", "Sluttdato"],
                ["OU2", "Omorganisering", "Oppvekst", "1.1.2024", "31.12.2026"],
            ],
            "Risiko": [
                ["Risiko-ID*", "Risiko*", "Sannsynlighet*\n(1-5)", "Konsekvens*\n(1-5)", "Status"],
                ["R1", "Forsinkelse", "4 - Høy", "3 - Moderat", "Under arbeid"],
            ],
            "Gevinster": [
                ["Gevinst-ID*", "Gevinst*", "Nullpunkt (timer/uke)", "Målverdi", "Måldato"],
                ["G1", "Mindre tid", "12,5", "8", "1.1.2026"],
            ],
            "Målinger": [["Gevinst-ID*", "Dato*", "Verdi*"], ["G1", "1.6.2024", "11"]],
            "Anbefalinger": [
                ["Anbefaling-ID*", "Anbefaling*", "Vedtak*", "Iverksatt"],
                ["A1", "Felles rutiner", "Anbefaling støttes", "31.08.2024"],
            ],
            "Evalueringer": [["Anbefaling-ID*", "Evaluering*", "Resultat"], ["A1", "6", "oppnådd"]],
            "Milepæler": [["Milepæl-ID*", "Milepæl*", "Planlagt*"], ["M1", "Oppstart", "1.2.2024"]],
        },
        above={"Risiko": [["Risikoregister"], ["Sist oppdatert: 17.12.2024"]]},
    )
    assert upload.ok, upload.errors
    assert set(upload.tables) == {
        "prosjekter",
        "risiko",
        "gevinster",
        "malinger",
        "anbefalinger",
        "evalueringer",
        "milepaeler",
    }
    assert all(set(scope) == {"OU2"} for scope in upload.scope.values())
    assert rows_of(upload, "risiko")[0]["_excel_row"] == 4
    assert rows_of(upload, "evalueringer")[0]["resultat"] == "Oppnådd"


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["P1", "P2", None]),
            st.sampled_from(["G1", "G2", "G3", None]),
            st.sampled_from([dt.date(2024, 1, 31), dt.date(2024, 2, 29), None]),
        ),
        max_size=12,
    )
)
def test_the_vectorised_key_check_agrees_with_comparing_rows(
    rows: list[tuple[str | None, str | None, dt.date | None]],
) -> None:
    """`_keys_complete_and_unique` (dictionary codes folded into integers) says yes exactly
    when every ID is filled in and no two rows share project and IDs; a missing project
    only sends the sheet to the row-by-row check."""
    import pyarrow as pa

    from lib.contract import SHEETS_BY_KEY
    from lib.validate.across import _keys_complete_and_unique
    from lib.validate.rows import SheetRows

    projects, benefits, dates = ([row[i] for row in rows] for i in range(3))
    arrays = {
        "prosjekt_id": pa.array(projects, pa.string()),
        "gevinst_id": pa.array(benefits, pa.string()),
        "dato": pa.array(dates, pa.date32()),
    }
    sheet_rows = SheetRows(
        SHEETS_BY_KEY["malinger"], "Målinger", arrays, pa.array(range(len(rows)), pa.int64()), {}
    )
    ids_complete = all(b is not None and d is not None for _, b, d in rows)
    unique = len(set(rows)) == len(rows)
    answer = _keys_complete_and_unique(sheet_rows)
    if None not in projects:
        assert answer == (ids_complete and unique)
    else:
        assert not answer or (ids_complete and unique)


def test_a_stored_row_without_a_project_does_not_stop_validation(tmp_path):
    """Rows stored directly (tests, an old file) may lack a project: the set of known
    projects then holds None, which the check of project IDs must pass over."""
    rows = [["Prosjekt-ID", *RISIKO_HEADER], ["OU2", "R1", "Forsinkelse", 4, 3]]
    upload = check(tmp_path, {"Risiko": rows}, known=KnownData(projects={None, "OU2"}))
    assert upload.ok, upload.errors
    unknown = check(
        tmp_path,
        {"Risiko": [rows[0], ["XX", "R1", "Forsinkelse", 4, 3]]},
        known=KnownData(projects={None, "OU2"}),
    )
    assert only(unknown.errors).value == "XX"

"""Contract version 2, the input side: what an upload may hold and how it is read.

- Qualitative benefits take any number from 1 to 5, decimals included, and their progress and
  «på sporet» are computed as for quantitative ones.
- Text longer than an Excel cell holds is refused, naming sheet, row, column and value.
- Two sheets that mean the same contract sheet refuse the upload, naming them all.
- Invisible direction overrides are removed from text at upload, with a notice per column.
- A workbook with no rows in a known sheet stores nothing (exit 1 on the command line).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import ingest, queries
from lib.contract import (
    BENEFIT_BEHIND,
    BENEFIT_ON_TRACK,
    EXCEL_TEXT_LIMIT,
    PROJECT_COLUMN,
    QUALITATIVE,
    QUALITY_SCALE,
    QUANTITATIVE,
    SHEETS,
    Kind,
    Sheet,
)
from lib.db import latest_version
from lib.parse import ParseError, excel_length, parse_text
from lib.queries import Filters
from lib.read import RawWorkbook, UnreadableFile, read_workbook, sheet_from_rows
from lib.validate import KnownData, Problem, ValidatedUpload, validate
from tests.fixtures import TESTER, cli, make_workbook, sheet_member

ROOT = Path(__file__).resolve().parent.parent
LOW, HIGH = QUALITY_SCALE


def only(problems: list[Problem], **fields: object) -> Problem:
    matches = [p for p in problems if all(getattr(p, k) == v for k, v in fields.items())]
    assert len(matches) == 1, problems
    return matches[0]


def rewrite_members(path: Path, target: Path, replace: dict[str, tuple[bytes, bytes]]) -> Path:
    """A copy of the .xlsx with `old` replaced by `new` in the named zip members."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        assert set(replace) <= set(source.namelist()), source.namelist()
        for info in source.infolist():
            data = source.read(info)
            if info.filename in replace:
                old, new = replace[info.filename]
                assert old in data, (info.filename, old)
                data = data.replace(old, new)
            out.writestr(info.filename, data)
    return target


# ---------------------------------------------------------------------------------------------
# 1. Qualitative benefits: any number from 1 to 5, decimals included

BENEFIT_HEADINGS = ["Gevinst-ID", "Gevinst", "Type", "Nullpunkt", "Målverdi"]
MEASUREMENT_HEADINGS = ["Gevinst-ID", "Dato", "Verdi"]


def qualitative_upload(baseline: object, target: object, measured: object) -> ValidatedUpload:
    """One qualitative benefit and one measurement of it, cells as given."""
    sheets = [
        sheet_from_rows(
            "Gevinster", [BENEFIT_HEADINGS, ["G1", "Trivsel", QUALITATIVE, baseline, target]]
        ),
        sheet_from_rows("Målinger", [MEASUREMENT_HEADINGS, ["G1", "1.3.2025", measured]]),
    ]
    return validate(RawWorkbook("bok.xlsx", sheets), project="OU2")


def as_typed(number: float) -> str:
    """A number as a Norwegian types it: all its digits, no exponent, a decimal comma."""
    return format(Decimal(repr(number)), "f").replace(".", ",")


on_scale = st.floats(min_value=LOW, max_value=HIGH, allow_nan=False)
off_scale = st.one_of(
    st.floats(max_value=LOW, exclude_max=True, allow_nan=False, allow_infinity=False),
    st.floats(min_value=HIGH, exclude_min=True, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=150, deadline=None)
@given(on_scale, on_scale, on_scale, st.booleans())
def test_every_number_on_the_scale_is_accepted_and_kept(baseline, target, measured, typed):
    """Numbers as Excel stores them, or text with a decimal comma, anywhere from 1 to 5."""
    cell = as_typed if typed else float
    upload = qualitative_upload(cell(baseline), cell(target), cell(measured))
    assert upload.ok, upload.errors
    benefit = upload.tables["gevinster"].to_pylist()[0]
    assert (benefit["nullpunkt"], benefit["malverdi"]) == (baseline, target)
    assert upload.tables["malinger"]["verdi"].to_pylist() == [measured]


@settings(max_examples=150, deadline=None)
@given(off_scale, st.sampled_from(["Nullpunkt", "Målverdi", "Verdi"]), st.booleans())
def test_a_number_off_the_scale_is_refused_where_it_is(value, column, typed):
    cells = {"Nullpunkt": 2.0, "Målverdi": 4.0, "Verdi": 3.0}
    cells[column] = as_typed(value) if typed else value
    upload = qualitative_upload(cells["Nullpunkt"], cells["Målverdi"], cells["Verdi"])
    problem = only(upload.errors)
    assert problem.column == column
    assert (problem.sheet, problem.row) == (("Målinger" if column == "Verdi" else "Gevinster"), 2)
    assert problem.expected.startswith("en verdi på skalaen 1–5, desimaler tillatt")
    assert "." not in problem.value  # shown with a decimal comma, as it was typed


def test_decimals_in_a_real_workbook_as_a_leader_types_them(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "gevinster.xlsx",
        {
            "Gevinster": [BENEFIT_HEADINGS, ["G1", "Trivsel", "Kvalitativ", "2,5", 4.5]],
            "Målinger": [MEASUREMENT_HEADINGS, ["G1", "1.3.2025", "4,5"], ["G1", "1.6.25", 3.75]],
        },
    )
    upload = validate(read_workbook(path), project="OU2")
    assert upload.ok, upload.errors
    benefit = upload.tables["gevinster"].to_pylist()[0]
    assert (benefit["type"], benefit["nullpunkt"], benefit["malverdi"]) == (QUALITATIVE, 2.5, 4.5)
    assert upload.tables["malinger"]["verdi"].to_pylist() == [4.5, 3.75]


@pytest.mark.parametrize(
    ("baseline", "expected"),
    [(2.5, QUALITATIVE), (4, QUALITATIVE), (5.5, QUANTITATIVE), (0.5, QUANTITATIVE)],
)
def test_without_type_and_target_a_baseline_on_the_scale_means_qualitative(baseline, expected):
    """The default follows the scale: 2,5 is a rating now, as 2 always was."""
    rows = [["Gevinst-ID", "Gevinst", "Nullpunkt"], ["G1", "Trivsel", baseline]]
    upload = validate(RawWorkbook("bok.xlsx", [sheet_from_rows("Gevinster", rows)]), project="OU2")
    assert upload.ok, upload.errors
    assert upload.tables["gevinster"]["type"].to_pylist() == [expected]


def test_progress_and_on_track_of_qualitative_decimals_in_duckdb(tmp_path: Path) -> None:
    """Stored in a real DuckDB file through the command line's upload, read by the views."""
    path = make_workbook(
        tmp_path / "trivsel.xlsx",
        {
            "Prosjekter": [["Prosjekt-ID", "Prosjektnavn"], ["OU2", "Omorganisering"]],
            "Gevinster": [
                [*BENEFIT_HEADINGS, "Nullpunktdato", "Måldato"],
                # 2,5 -> 4,5 over 2025: on 2 July, half the time (182 of 364 days) has gone
                ["G1", "Trivsel", "Kvalitativ", "2,5", "4,5", "1.1.2025", "31.12.2025"],
                ["G2", "Mestring", "Kvalitativ", "2,5", "4,5", "1.1.2025", "31.12.2025"],
            ],
            "Målinger": [
                MEASUREMENT_HEADINGS,
                ["G1", "1.3.2025", "2,9"],
                ["G1", "2.7.2025", "3,6"],  # 55 % of the way: on track
                ["G2", "2.7.2025", "3,2"],  # 35 %: behind
            ],
        },
    )
    db = tmp_path / "styringsrom.duckdb"
    result = ingest.load_file(db, path, actor=TESTER)
    assert result.ok, result.upload.errors
    stored = queries.sheet_rows(db, "gevinster")
    assert stored[["nullpunkt", "malverdi"]].values.tolist() == [[2.5, 4.5], [2.5, 4.5]]

    benefits = queries.benefits(db, Filters(), today=dt.date(2025, 7, 3)).set_index("gevinst_id")
    assert benefits.loc["G1", "siste_verdi"] == 3.6
    assert benefits.loc["G1", "fremdrift_prosent"] == pytest.approx(55.0)
    assert benefits.loc["G1", "planlagt_prosent"] == pytest.approx(50.0)
    assert benefits.loc["G1", "planlagt_verdi"] == pytest.approx(3.5)
    assert benefits.loc["G1", "status"] == BENEFIT_ON_TRACK
    assert benefits.loc["G2", "fremdrift_prosent"] == pytest.approx(35.0)
    assert benefits.loc["G2", "status"] == BENEFIT_BEHIND
    assert queries.measurements(db, "OU2", "G1")["verdi"].tolist() == [2.9, 3.6]


def test_the_template_does_not_hold_benefit_values_to_whole_numbers(tmp_path: Path) -> None:
    path = tmp_path / "mal.xlsx"
    path.write_bytes(ingest.template_bytes())
    book = openpyxl.load_workbook(path)
    for sheet_name, headings in (("Gevinster", {"Nullpunkt", "Målverdi"}), ("Målinger", {"Verdi"})):
        sheet = book[sheet_name]
        letters = {
            cell.column_letter for cell in sheet[1] if str(cell.value).rstrip("*") in headings
        }
        assert len(letters) == len(headings)
        for validation in sheet.data_validations.dataValidation:
            covered = {
                str(area).rstrip("0123456789:").rstrip("0123456789")
                for area in str(validation.sqref).split()
            }
            assert validation.type != "whole" or not covered & letters, validation


# ---------------------------------------------------------------------------------------------
# 5. Text longer than an Excel cell holds


def test_text_up_to_the_limit_is_kept_and_longer_text_is_refused() -> None:
    assert parse_text("x" * EXCEL_TEXT_LIMIT) == "x" * EXCEL_TEXT_LIMIT
    assert parse_text("  " + "x" * EXCEL_TEXT_LIMIT + "  \r\n") == "x" * EXCEL_TEXT_LIMIT
    with pytest.raises(ParseError, match=r"høyst 32 767 tegn.*denne har 32 768 tegn"):
        parse_text("x" * (EXCEL_TEXT_LIMIT + 1))
    # Excel counts an emoji as two: 16 384 of them do not fit, 16 383 and a letter do.
    with pytest.raises(ParseError, match="emoji"):
        parse_text("😀" * 16_384)
    assert excel_length(parse_text("😀" * 16_383 + "x")) == EXCEL_TEXT_LIMIT


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=40), st.integers(0, 3))
def test_excel_length_counts_utf16_code_units(text: str, repeat: int) -> None:
    text = text * repeat
    assert excel_length(text) == len(text.encode("utf-16-le")) // 2


def _text_columns() -> list[tuple[Sheet, str]]:
    return [
        (sheet, column.db)
        for sheet in SHEETS
        for column in sheet.columns
        if column.kind in (Kind.TEXT, Kind.ID) and column.db != PROJECT_COLUMN
    ]


_VALID_CELL = {
    Kind.ID: "X1",
    Kind.TEXT: "Tekst",
    Kind.DATE: "1.1.2025",
    Kind.NUMBER: 3,
    Kind.PROBABILITY: 3,
    Kind.CONSEQUENCE: 3,
    Kind.DECISION: "Støttes",
    Kind.MONTHS: 6,
}
_KNOWN = KnownData(
    projects={"OU2"},
    ids={"gevinster": {("OU2", "X1")}, "anbefalinger": {("OU2", "X1")}},
    benefit_types={("OU2", "X1"): QUANTITATIVE},
)


@pytest.mark.parametrize(
    ("sheet", "db"), _text_columns(), ids=[f"{s.key}-{db}" for s, db in _text_columns()]
)
def test_every_text_column_refuses_text_longer_than_a_cell(sheet: Sheet, db: str) -> None:
    """Each text and ID column of every sheet: one error, naming sheet, row, column, value."""
    columns = [c for c in sheet.columns if c.required or c.db == db]
    long_text = "Lang tekst " * 3_000 + "slutt"  # 33 005 characters
    row = [long_text if c.db == db else _VALID_CELL[c.kind] for c in columns]
    raw = sheet_from_rows(sheet.name, [[c.name for c in columns], row])
    upload = validate(RawWorkbook("bok.xlsx", [raw]), _KNOWN, "OU2")
    heading = sheet.column(db).name
    problem = only([p for p in upload.errors if "Excel-celle" in p.expected])
    assert (problem.sheet, problem.row, problem.column) == (sheet.name, 2, heading)
    assert problem.value == long_text[:200] + "…"
    assert "høyst 32 767 tegn" in problem.expected and "33 005 tegn" in problem.expected


def test_a_long_cell_in_a_real_workbook_is_refused_and_the_limit_kept(tmp_path: Path) -> None:
    """openpyxl cuts text at the limit, so the long cell is written into the XML by hand."""
    source = make_workbook(
        tmp_path / "kilde.xlsx",
        {
            "Risiko": [
                ["Risiko-ID", "Risiko", "S", "K", "Beskrivelse", "Tiltak"],
                ["R1", "Forsinkelse", 3, 3, "LANG", "ø" * EXCEL_TEXT_LIMIT],
                ["R2", "Sykefravær", 2, 2, "Kort", None],
            ]
        },
    )
    too_long = "Æ" * (EXCEL_TEXT_LIMIT - 1) + "😀"  # 32 768 as Excel counts
    path = rewrite_members(
        source,
        tmp_path / "lang.xlsx",
        {sheet_member(source, "Risiko"): (b">LANG<", f">{too_long}<".encode())},
    )
    upload = validate(read_workbook(path), project="OU2")
    problem = only(upload.errors)
    assert (problem.sheet, problem.row, problem.column) == ("Risiko", 2, "Beskrivelse")
    assert problem.value == "Æ" * 200 + "…"
    assert "32 768 tegn (Excel teller en emoji som to tegn)" in problem.expected
    # The cell at the limit (two bytes a character in UTF-8) is not refused.
    assert not [p for p in upload.errors if p.column == "Tiltak"]


def test_a_long_cell_in_a_csv_file_is_refused_where_it_is(tmp_path: Path) -> None:
    path = tmp_path / "Risiko.csv"
    long_text = "Beskrivelse " * 4_000  # 48 000 characters
    path.write_text(
        "Risiko-ID;Risiko;S;K;Beskrivelse\n"
        "R1;Forsinkelse;3;3;Kort\n"
        f"R2;Sykefravær;2;2;{long_text}\n",
        encoding="utf-8",
    )
    upload = validate(read_workbook(path), project="OU2")
    problem = only(upload.errors)
    assert (problem.sheet, problem.row, problem.column) == ("Risiko", 3, "Beskrivelse")
    assert "Excel-celle" in problem.expected


def test_a_csv_cell_over_csvs_own_limit_is_named_with_its_likely_cause(tmp_path: Path) -> None:
    """Four times what Excel holds: almost always a quote that never closes."""
    path = tmp_path / "Risiko.csv"
    path.write_text(
        'Risiko-ID;Risiko;S;K\nR1;Forsinkelse;3;3\nR2;"Sykefravær;2;2\n' + "x;1;1\n" * 30_000,
        encoding="utf-8",
    )
    with pytest.raises(UnreadableFile) as refused:
        read_workbook(path)
    message = str(refused.value)
    assert "«Risiko.csv» er ikke en gyldig CSV-fil: rad 3 har en celle" in message
    assert "avsluttende anførselstegn" in message and "last opp på nytt" in message


def test_text_at_the_limit_is_exported_and_loaded_back_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "styringsrom.duckdb"
    at_limit = "Å" * (EXCEL_TEXT_LIMIT - 1) + "."
    path = tmp_path / "Risiko.csv"
    path.write_text(f"Risiko-ID;Risiko;S;K;Beskrivelse\nR1;Forsinkelse;3;3;{at_limit}\n")
    assert ingest.load_file(db, path, project="OU2", actor=TESTER).ok
    exported = tmp_path / "eksport.xlsx"
    exported.write_bytes(ingest.export_bytes(db))
    again = ingest.load_file(db, exported, actor=TESTER)
    assert again.ok, again.upload.errors
    assert {key: change.changed for key, change in again.stored.changes.items()}["risiko"] == 0
    assert queries.sheet_rows(db, "risiko")["beskrivelse"].tolist() == [at_limit]


# ---------------------------------------------------------------------------------------------
# 6. Two sheets that mean the same contract sheet


RISKS = [["Risiko-ID", "Risiko", "S", "K"], ["R1", "Forsinkelse", 3, 3]]


def test_sheets_that_mean_the_same_sheet_refuse_the_upload_naming_them_all(
    tmp_path: Path,
) -> None:
    source = make_workbook(
        tmp_path / "kilde.xlsx",
        {
            "Prosjekter": [["Prosjekt-ID", "Prosjektnavn"], ["OU2", "Omorganisering"]],
            "Risiko": RISKS,
            "Risiko ": [RISKS[0], ["R1", "Forsinkelse (rettet av leder)", 4, 4]],
            "RISIKO1": [RISKS[0], ["R2", "Sykefravær", 2, 2]],
            "Risko": RISKS,  # a typo names no sheet: ignored with a notice, as before
        },
    )
    # openpyxl renames RISIKO (a name Excel holds unique regardless of case); a workbook may
    # still hold it beside «Risiko » and «Risiko».
    path = rewrite_members(
        source, tmp_path / "tre.xlsx", {"xl/workbook.xml": (b'name="RISIKO1"', b'name="RISIKO"')}
    )
    raw = read_workbook(path)
    assert [sheet.name for sheet in raw.sheets] == ["Prosjekter", "Risiko", "Risiko ", "RISIKO"]
    upload = validate(raw)
    problem = only(upload.errors)
    assert (problem.sheet, problem.row) == ("Risiko", None)
    assert problem.value == '"Risiko", "Risiko ", "RISIKO"'
    assert "bare ett ark som betyr «Risiko»" in problem.expected
    assert "3 arkene" in problem.expected
    assert only(upload.notices, sheet="Risko")

    db = tmp_path / "styringsrom.duckdb"
    done = cli("load", path, "--db", db)
    assert done.returncode == 1, done.stderr
    assert '«"Risiko", "Risiko ", "RISIKO"»' in done.stderr and "Traceback" not in done.stderr
    assert latest_version(db) == 0


# ---------------------------------------------------------------------------------------------
# 8. Invisible direction overrides

OVERRIDES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_direction_overrides_are_removed_with_one_notice_per_column(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "retning.xlsx",
        {
            "Risiko": [
                ["Risiko-ID", "Risiko", "S", "K", "Beskrivelse", "Frist", "Status"],
                ["R1", "\u202eteknisk gjeld", 3, 3, "Vanlig", "\u202a1.3.2025", "Åpen"],
                [
                    "R2\u2066",
                    "Sykefravær\u2069",
                    2,
                    2,
                    "\u2067Se \u202dnotat",
                    None,
                    "\u202bLukket",
                ],
                ["R3", "Vanlig", 1, 1, None, None, None],
            ]
        },
    )
    upload = validate(read_workbook(path), project="OU2")
    assert upload.ok, upload.errors
    risks = upload.tables["risiko"].to_pylist()
    assert [r["risiko_id"] for r in risks] == ["R1", "R2", "R3"]
    assert [r["risiko"] for r in risks] == ["teknisk gjeld", "Sykefravær", "Vanlig"]
    assert risks[1]["beskrivelse"] == "Se notat"
    assert (risks[0]["frist"], risks[1]["status"]) == (dt.date(2025, 3, 1), "Lukket")
    cleaned = {p.column: p.expected for p in upload.notices if "snur skriveretningen" in p.expected}
    assert set(cleaned) == {"Risiko-ID", "Risiko", "Beskrivelse", "Frist", "Status"}
    assert cleaned["Risiko"].endswith("fjernet fra 2 celler")
    assert cleaned["Frist"].endswith("fjernet fra 1 celle")
    assert all(p.sheet == "Risiko" and p.row is None for p in upload.notices)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.text(max_size=8), st.sampled_from(OVERRIDES)), max_size=6))
def test_a_text_with_overrides_reads_as_the_text_without_them(pieces):
    text = "".join(piece + override for piece, override in pieces)
    plain = "".join(piece for piece, _ in pieces)
    assert parse_text(text) == parse_text(plain)
    column = sheet_from_rows("Risiko", [["Risiko-ID", "Risiko", "S", "K"], ["R1", text, 1, 1]])
    upload = validate(RawWorkbook("bok.xlsx", [column]), project="OU2")
    stored = upload.tables["risiko"]["risiko"].to_pylist() if upload.ok else None
    if parse_text(plain) is not None:
        assert stored == [parse_text(plain)]
    notices = [p for p in upload.notices if "snur skriveretningen" in p.expected]
    assert len(notices) == (1 if pieces else 0)


# ---------------------------------------------------------------------------------------------
# 10. Nothing recognised: nothing stored


def test_a_workbook_without_known_sheets_stores_nothing_and_says_what_it_saw(
    tmp_path: Path,
) -> None:
    path = make_workbook(
        tmp_path / "annet.xlsx",
        {"Budsjett": [["Post", "Beløp"], ["Lønn", 1000]], "Notater": [["Hva som helst"]]},
    )
    db = tmp_path / "styringsrom.duckdb"
    done = cli("load", path, "--db", db)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "ingenting er lagret" in done.stderr
    assert "fant «Budsjett (ukjent ark), Notater (ukjent ark)»" in done.stderr
    assert "ingenting å lagre" in done.stderr and "Milepæler" in done.stderr
    assert "Ingen ark" not in done.stdout
    assert latest_version(db) == 0


def test_known_sheets_without_rows_store_nothing(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "tom.xlsx",
        {"Risiko": [RISKS[0]], "Milepæler": [], "Notater": [["Hva som helst"]]},
    )
    upload = validate(read_workbook(path), project="OU2")
    problem = only(upload.errors)
    assert problem.sheet == "" and problem.row is None
    assert problem.value == "Risiko (ingen rader), Milepæler (ingen rader), Notater (ukjent ark)"
    assert problem.as_text().startswith("fant «Risiko (ingen rader)")
    assert not upload.tables
    db = tmp_path / "styringsrom.duckdb"
    done = cli("load", path, "--db", db, "--project", "OU2")
    assert done.returncode == 1 and "Risiko (ingen rader)" in done.stderr, done.stderr
    assert latest_version(db) == 0


def test_another_error_is_not_buried_under_nothing_to_store() -> None:
    """A sheet without a heading row is the error to fix; «nothing to store» would only add
    noise."""
    raw = sheet_from_rows("Risiko", [["Hva"], ["R1"]])
    upload = validate(RawWorkbook("bok.xlsx", [raw]), project="OU2")
    assert "overskriftsrad" in only(upload.errors).expected

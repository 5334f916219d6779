"""The steering-group views in a real browser: every page, the filters, copied links,
the risk matrix, and the downloads."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.e2e.browser import StreamlitServer, screenshot, wait_for_app, wait_for_layout

PAGES = {
    "": "Oversikt",
    "status": "Status",
    "risiko": "Risiko",
    "gevinster": "Gevinster",
    "anbefalinger": "Anbefalinger",
    "evaluering": "Evaluering",
    "milepaeler": "Milepæler",
}


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    wait_for_layout(page)  # Vega draws after the script has finished


def sidebar(page):
    return page.locator("[data-testid='stSidebar']")


def choose(page, label: str, option: str) -> None:
    """Pick an option in a sidebar multiselect, as a person does: click, type, Enter."""
    box = sidebar(page).locator("[data-testid='stMultiSelect']").filter(has_text=label)
    box.click()
    page.keyboard.type(option)
    # The lists show «ASK-TM · name» for a project and «Vedtak: Støttes» for a status.
    label = re.compile(rf"^({re.escape(option)}( · .+)?|[^:]+: {re.escape(option)})$")
    page.get_by_role("option", name=label).click()
    page.keyboard.press("Escape")
    # The run the choice starts may not have begun yet: wait for what it draws first, the
    # filter line under the title, then for the run to end.
    summary = (
        page.get_by_test_id("stMain")
        .get_by_test_id("stCaptionContainer")
        .filter(has_text=re.compile("^(Filtre|Hele porteføljen)"))
    )
    expect(summary.first).to_contain_text(option, timeout=60_000)
    wait_for_app(page)


def metric(page, label: str) -> int:
    """The figure under `label` as the page shows it (ui/figures.py's boxes), `3 206` read as
    3206."""
    figure = page.locator(".tall").filter(
        has=page.locator(".tall-etikett", has_text=re.compile(f"^{label}$"))
    )
    shown = figure.first.locator(".tall-verdi").inner_text()
    return int(re.sub(r"\D", "", shown))


def filter_summary(page) -> str:
    return (
        page.locator("[data-testid='stCaptionContainer']")
        .filter(has_text=re.compile("^(Filtre|Hele porteføljen)"))
        .first.inner_text()
    )


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_opens(server, page, path: str) -> None:
    open_page(page, f"{server.url}/{path}")
    page.get_by_role("heading", name=PAGES[path]).first.wait_for()
    assert page.locator("[data-testid='stException']").count() == 0
    assert "None" not in page.locator("[data-testid='stMain']").inner_text()
    screenshot(page, PAGES[path].lower().replace("æ", "ae"))


def test_a_filter_lives_in_the_url_and_survives_a_page_change(server, page) -> None:
    open_page(page, server.url)
    everything = metric(page, "Høye risikoer")
    choose(page, "Prosjekt", "ASK-TM")
    assert parse_qs(urlparse(page.url).query)["prosjekt"] == ["ASK-TM"]
    one = metric(page, "Høye risikoer")
    assert one < everything
    assert "prosjekt ASK-TM" in filter_summary(page)

    # The link under a figure opens the page that explains it, with the same filter.
    page.get_by_role("link", name="Til matrisen").click()
    page.wait_for_url(re.compile(r"/risiko(\?|$)"))
    wait_for_app(page)
    wait_for_layout(page)
    assert urlparse(page.url).path.endswith("/risiko")
    assert parse_qs(urlparse(page.url).query)["prosjekt"] == ["ASK-TM"]
    assert "prosjekt ASK-TM" in filter_summary(page)
    shown = page.locator("[data-testid='stCaptionContainer']").filter(has_text="risikoer (status")
    assert shown.first.inner_text().startswith(f"{one_or_more(page)} risikoer")
    screenshot(page, "risiko-filtrert")

    # The sidebar's own navigation keeps it too.
    sidebar(page).get_by_role("link", name="Milepæler").click()
    wait_for_app(page)
    assert parse_qs(urlparse(page.url).query)["prosjekt"] == ["ASK-TM"]
    assert "prosjekt ASK-TM" in filter_summary(page)


def one_or_more(page) -> int:
    """The number of rows the risk list says it has."""
    text = page.locator("[data-testid='stDownloadButton']").last.inner_text()
    return int(re.search(r"\((\d+) rad(?:er)?\)", text).group(1))


def test_a_copied_link_opens_the_same_view(server, page, browser) -> None:
    open_page(page, f"{server.url}/anbefalinger")
    choose(page, "Prosjekt", "OTK-OU2")
    choose(page, "Status", "Støttes")
    copied = page.url
    expected = metric(page, "Støttes")
    rows = page.locator("[data-testid='stDownloadButton']").first.inner_text()

    other = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="nb-NO")
    try:
        fresh = other.new_page()
        open_page(fresh, copied)
        assert metric(fresh, "Støttes") == expected
        assert metric(fresh, "Utredes videre") == 0  # the status filter came along
        assert fresh.locator("[data-testid='stDownloadButton']").first.inner_text() == rows
        assert "prosjekt OTK-OU2" in filter_summary(fresh)
        screenshot(fresh, "anbefalinger-fra-kopiert-lenke")
    finally:
        other.close()


def test_a_deep_link_works_on_a_freshly_started_server(demo_db: Path, page) -> None:
    """The first visit to a fresh server may be a copied link to a page other than the first."""
    fresh = StreamlitServer(demo_db)
    try:
        open_page(page, f"{fresh.url}/anbefalinger?prosjekt=ASK-TM&versjon=6")
        assert "prosjekt ASK-TM; versjon 6" in filter_summary(page)
        assert sidebar(page).get_by_text("Versjon 6 ·").count() == 1
        assert sidebar(page).get_by_role("link", name="Risiko").count() == 1
    finally:
        fresh.stop()


def test_clicking_a_matrix_cell_narrows_the_list(server, page) -> None:
    open_page(page, f"{server.url}/risiko")
    caption = page.locator("[data-testid='stCaptionContainer']").filter(has_text="risikoer (status")
    everything = int(caption.first.inner_text().split()[0])
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    box = chart.locator("canvas, svg").first.bounding_box()
    assert box is not None
    # The cells span the plot area; click the middle one (sannsynlighet 3, konsekvens 3).
    plot = chart.locator("canvas, svg").first
    plot.click(position={"x": box["width"] * 0.47, "y": box["height"] * 0.47})
    wait_for_app(page)
    narrowed = page.locator("[data-testid='stCaptionContainer']").filter(
        has_text=re.compile("^Cellen sannsynlighet")
    )
    narrowed.first.wait_for(timeout=15_000)
    text = narrowed.first.inner_text()
    match = re.search(r"sannsynlighet (\d), konsekvens (\d): (\d+) risikoer", text)
    assert match, text
    assert 0 < int(match.group(3)) < everything
    # The cell is kept in the address: a copied link shows the same cell.
    page.wait_for_url(re.compile(rf"celle={match.group(1)}-{match.group(2)}"), timeout=15_000)
    screenshot(page, "risiko-celle-valgt")


def test_a_link_keeps_the_compared_version_and_the_cell(server, page) -> None:
    open_page(page, f"{server.url}/risiko")
    # By default the version locked for the last meeting, named by its meeting.
    compare = page.get_by_role("combobox", name="Sammenlign med versjon")
    expect(compare).to_have_value("v6 · Styringsgruppemøte september 2026 24.09.2026")
    open_page(page, f"{server.url}/risiko?sammenlign=4&celle=3-4")
    expect(compare).to_have_value(re.compile(r"^v4 · lastet opp \d\d\.\d\d\.\d{4}$"))
    narrowed = page.locator("[data-testid='stCaptionContainer']").filter(
        has_text=re.compile("^Cellen sannsynlighet 3, konsekvens 4:")
    )
    expect(narrowed).to_have_count(1, timeout=15_000)
    # Another version chosen: the address follows.
    compare.click()
    page.get_by_role("option", name=re.compile(r"^v5 · ")).click()
    page.wait_for_url(re.compile(r"sammenlign=5"), timeout=15_000)


def test_the_excel_download_is_what_the_list_shows(server, page) -> None:
    open_page(page, f"{server.url}/milepaeler?status=Forsinket")
    button = page.locator("[data-testid='stDownloadButton']").filter(has_text="Excel").last
    rows = int(re.search(r"\((\d+) rad(?:er)?\)", button.inner_text()).group(1))
    with page.expect_download() as download:
        button.click()
    content = Path(download.value.path()).read_bytes()
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = list(sheet.values)
    assert values[0][:3] == ("Prosjekt-ID", "Milepæl-ID", "Milepæl")
    assert len(values) - 1 == rows > 0
    status = values[0].index("Status")
    assert {row[status] for row in values[1:]} == {"Forsinket"}


def test_the_calendar_download(server, page) -> None:
    open_page(page, f"{server.url}/evaluering")
    with page.expect_download() as download:
        page.get_by_text("Last ned fristene som kalender").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in text
    assert download.value.suggested_filename.endswith(".ics")

"""The app in a real browser: it starts on the demo database and the first screen shows content."""

from __future__ import annotations

import re

from tests.e2e.browser import screenshot, wait_for_app


def test_overview_shows_the_demo_portfolio(server, page) -> None:
    page.goto(server.url)
    wait_for_app(page)
    page.get_by_role("heading", name="Oversikt").first.wait_for()
    page.get_by_text("Porteføljen: 5 prosjekter").first.wait_for()
    page.get_by_text("Høye risikoer", exact=True).first.wait_for()
    page.get_by_text("Endringer siden sist møte").first.wait_for()
    screenshot(page, "smoke-oversikt")


PAGE_HEADINGS = {
    "risiko": "Risiko",
    "gevinster": "Gevinster",
    "anbefalinger": "Anbefalinger",
    "evaluering": "Evaluering",
    "milepaeler": "Milepæler",
    "last_opp": "Last opp",
    "historikk": "Historikk",
}


def test_every_page_opens_from_a_typed_address(server, page) -> None:
    for url_path, heading in PAGE_HEADINGS.items():
        page.goto(f"{server.url}/{url_path}")
        wait_for_app(page)
        page.get_by_role("heading", name=heading).first.wait_for()
        assert page.get_by_text("Page not found").count() == 0, url_path


def test_a_table_has_no_csv_download_of_its_own(server, page) -> None:
    """Streamlit's «Download as CSV» writes =HYPERLINK(…) and the like raw, for Excel to run:
    it is turned off (client.disableDataExport); the list's own Excel download is there."""
    page.goto(f"{server.url}/risiko")
    wait_for_app(page)
    table = page.locator("[data-testid=stDataFrame]:visible").first  # not in an expander
    table.wait_for()
    table.hover()
    page.get_by_role("button", name="Search").first.wait_for()  # the toolbar is shown
    assert page.get_by_role("button", name="Download as CSV").count() == 0
    page.get_by_role("button", name=re.compile("Last ned som Excel")).first.wait_for()

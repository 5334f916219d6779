"""The app in a real browser: it starts on the demo database and the first screen shows content."""

from __future__ import annotations

from tests.e2e.browser import screenshot, wait_for_app


def test_overview_shows_the_demo_portfolio(server, page) -> None:
    page.goto(server.url)
    wait_for_app(page)
    page.get_by_role("heading", name="Oversikt").first.wait_for()
    page.get_by_text("Porteføljen: 5 prosjekter").first.wait_for()
    page.get_by_text("Høye risikoer").first.wait_for()
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

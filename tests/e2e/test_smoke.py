"""The app in a real browser: it starts on the demo database and every page shows content."""

from __future__ import annotations

from tests.e2e.conftest import screenshot, wait_for_app


def test_overview_shows_the_demo_portfolio(server, page) -> None:
    page.goto(server.url)
    wait_for_app(page)
    page.get_by_text("Styringsrom").first.wait_for()
    page.get_by_text("Evalueringsplan").first.wait_for()
    page.get_by_text("Siste versjoner").first.wait_for()
    screenshot(page, "oversikt")


def test_sheet_page_lists_rows(server, page) -> None:
    page.goto(f"{server.url}/ark")
    wait_for_app(page)
    page.get_by_text("rader").first.wait_for()
    screenshot(page, "ark")

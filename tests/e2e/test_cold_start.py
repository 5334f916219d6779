"""A freshly started server's very first request, to any address, shows the app's own
navigation in Norwegian; an address no page has gets a Norwegian page that says so.

Streamlit decides per server process whether a `pages/` folder's file names make the
navigation, before any app code runs; so each address here is the first request of its own,
newly started server.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import APP_IDLE, StreamlitServer, screenshot
from ui.router import OPENED_FROM_ELSEWHERE, SECTIONS

#: The menu: every page but those opened from another page (meeting mode, from Møter).
TITLES = [
    entry.title
    for entries in SECTIONS.values()
    for entry in entries
    if entry.file not in OPENED_FROM_ELSEWHERE
]
#: What Streamlit's legacy `pages/` navigation would show instead: file names.
FILE_NAMES = {"app", "ui", "changes", "oversikt", "risiko", "last opp", "milepaeler"}
HEADINGS = {
    "/": "Oversikt",
    "/risiko": "Risiko",
    "/status": "Status",
    "/ui": "Fant ikke siden",
    "/changes": "Fant ikke siden",
    "/finnes-ikke": "Fant ikke siden",
}


@pytest.fixture
def cold_server(demo_db_copy: Path):
    server = StreamlitServer(demo_db_copy)
    yield server
    server.stop()


def wait_until_idle(page) -> None:
    """The script has run to the end, and the status widget is gone."""
    expect(page.locator(APP_IDLE)).to_have_count(1, timeout=60_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)


def navigation_labels(page) -> list[str]:
    links = page.get_by_test_id("stSidebarNav").get_by_test_id("stSidebarNavLink")
    # Each link reads "<icon name>\n<title>"; the title is the last line.
    return [text.strip().splitlines()[-1] for text in links.all_inner_texts()]


@pytest.mark.parametrize("address", list(HEADINGS))
def test_the_first_request_to_a_new_server_shows_the_norwegian_navigation(
    cold_server: StreamlitServer, page, address: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(cold_server.url + address)
    heading = page.get_by_role("heading", name=HEADINGS[address], exact=True)
    expect(heading).to_be_visible(timeout=60_000)
    wait_until_idle(page)

    expect(page.get_by_test_id("stSidebarNav")).to_contain_text("Styringsgruppen")
    labels = navigation_labels(page)
    assert labels == TITLES, labels
    assert not FILE_NAMES & set(labels)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    assert page.url.endswith(address)  # the address stays as typed
    if HEADINGS[address] == "Fant ikke siden":
        message = f"Adressen «{address}» finnes ikke i Styringsrom."
        expect(page.get_by_test_id("stMain")).to_contain_text(message)
        screenshot(page, f"ukjent-adresse{address.replace('/', '-')}")


def test_from_the_unknown_page_the_navigation_leads_on(cold_server: StreamlitServer, page) -> None:
    page.goto(cold_server.url + "/finnes-ikke?prosjekt=ASK-TM")
    expect(page.get_by_role("heading", name="Fant ikke siden")).to_be_visible(timeout=60_000)
    wait_until_idle(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Risiko").click()
    expect(page.get_by_role("heading", name="Risiko", exact=True)).to_be_visible(timeout=60_000)
    wait_until_idle(page)
    assert page.url.split("?")[0].endswith("/risiko")
    # The filters are the router's: they survive the detour.
    main = page.get_by_test_id("stMain")
    expect(main.get_by_test_id("stCaptionContainer").first).to_contain_text("prosjekt ASK")

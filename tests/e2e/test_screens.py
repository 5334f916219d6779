"""Every page on the two screens a meeting room has (1280×720 and 1920×1080): nothing runs
off the side, no figure's label is cut, and a screenshot of each for a person to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import APP_IDLE, screenshot, wait_for_layout

PAGES = {
    "": "oversikt",
    "risiko": "risiko",
    "gevinster": "gevinster",
    "anbefalinger": "anbefalinger",
    "evaluering": "evaluering",
    "milepaeler": "milepaeler",
    "last_opp": "last-opp",
    "historikk": "historikk",
}
SIZES = [(1280, 720), (1920, 1080)]

#: Text cut short with "…" (an element that ellipsizes and is too narrow for its text), and
#: whether the page is wider than the window. Tables and charts draw on a canvas: their own
#: scrolling and shortened labels are by design, and are not counted here.
CUT = """() => {
    const cut = [...document.querySelectorAll('body *')]
        .filter(element => getComputedStyle(element).textOverflow === 'ellipsis')
        .filter(element => element.scrollWidth > element.clientWidth + 1)
        .map(element => element.innerText.trim())
        .filter(text => text);
    const main = document.querySelector('[data-testid="stMain"]');
    return {cut, wide: main.scrollWidth > main.clientWidth + 1};
}"""


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

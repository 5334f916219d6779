"""Numbers in Norwegian whatever the browser's language: an English (en-US) browser sees
`88,5` in the tables, as in the captions, not `88.5`."""

from __future__ import annotations

import re

from tests.e2e.browser import screenshot, wait_for_app, wait_for_layout


def test_an_english_browser_sees_decimal_commas_in_the_tables(server, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
    page = context.new_page()
    try:
        assert page.evaluate("() => navigator.language") == "en-US"
        page.goto(f"{server.url}/gevinster")
        wait_for_app(page)
        wait_for_layout(page)
        # «Nullpunkt» is one of the columns behind the toggle under the list.
        page.locator(".st-key-gevinstliste_alle").get_by_text("Vis alle kolonner").click()
        wait_for_app(page)
        table = page.locator("[data-testid=stDataFrame]:visible").last
        # The grid draws on a canvas; for screen readers it keeps the cells in view in a table
        # inside it (role=grid), which is what is read here: «Nullpunkt».
        heading = table.locator("th[role=columnheader]", has_text=re.compile("^Nullpunkt$"))
        heading.first.wait_for(state="attached")
        column = heading.first.get_attribute("aria-colindex")
        cells = table.locator(f"td[role=gridcell][aria-colindex='{column}']")
        cells.first.wait_for(state="attached")
        shown = [text.strip() for text in cells.all_text_contents() if text.strip()]
        assert shown, "no values in «Nullpunkt»"
        norwegian = re.compile(r"-?\d{1,3}(\u00a0\d{3})*(,\d+)?")
        assert all(norwegian.fullmatch(text) for text in shown), shown
        assert "88,5" in shown, shown  # the demo's one baseline with a decimal
        screenshot(page, "gevinster-en-US")
    finally:
        context.close()

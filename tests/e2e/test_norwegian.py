"""Streamlit's own English kept off the meeting screen: no «Select all» in the filter lists,
and the file uploader says «Velg fil» and «Høyst 50 MB per fil», not «Upload» and «50MB per
file»."""

from __future__ import annotations

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.browser import screenshot, wait_for_app

FILTER_LISTS = ["Prosjekt", "Enhet", "Ansvarlig / eier", "Status"]


def test_the_filter_lists_offer_no_select_all(server, page) -> None:
    page.goto(f"{server.url}/risiko")
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    for label in FILTER_LISTS:
        box = sidebar.get_by_test_id("stMultiSelect").filter(
            has=page.get_by_test_id("stWidgetLabel").filter(has_text=re.compile(f"^{label}$"))
        )
        options = page.get_by_role("listbox", name=label).get_by_role("option")
        # A click that lands while the list of the previous box is still closing can leave
        # this one focused but shut: click again until the list is open.
        for attempt in range(3):
            box.click()
            try:
                options.first.wait_for(timeout=10_000)
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise
        names = options.all_inner_texts()
        assert not any(re.search("select", name, re.IGNORECASE) for name in names), (label, names)
        page.keyboard.press("Escape")


def test_the_uploader_speaks_norwegian(server, page) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server.url}/last_opp")
    wait_for_app(page)
    zone = page.get_by_test_id("stFileUploaderDropzone")
    expect(zone.get_by_role("button", name="Velg fil", exact=True)).to_be_visible()
    assert zone.get_by_role("button", name=re.compile("Upload")).count() == 0
    instructions = zone.get_by_test_id("stFileUploaderDropzoneInstructions").locator("div")
    shown = instructions.first.evaluate("e => getComputedStyle(e, '::after').content")
    assert shown == '"Høyst 50 MB per fil · .xlsx, .xlsm, .ods, .csv"'
    assert "Upload" not in zone.inner_text() and "per file" not in zone.inner_text()
    screenshot(page, "last-opp-1280")

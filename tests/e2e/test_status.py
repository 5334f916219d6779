"""A status report written in the browser: the form on Status, prefilled from the previous
report, stores a new version, and Oversikt's lights change with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lib.db import latest_version
from lib.demo import TODAY
from tests.e2e.browser import StreamlitServer, screenshot, wait_for_app, wait_for_layout

PROJECT = "ASK-TM"  # every light green in its latest report


@pytest.fixture
def writable_server(demo_db_copy: Path):
    server = StreamlitServer(demo_db_copy)
    yield server
    server.stop()


def board_row(page):
    """Oversikt's row of the project in the lights' table."""
    return page.locator("table.lys-tabell tr", has=page.locator("strong", has_text=PROJECT))


def test_a_report_written_in_the_form_changes_the_lights_on_oversikt(
    writable_server: StreamlitServer, demo_db_copy: Path, page
) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(writable_server.url)
    wait_for_app(page)
    row = board_row(page)
    expect(row).to_contain_text("17.11.2026")
    expect(row).not_to_contain_text("▲ Rød")  # «⚠ data: Rød» is the data's, not the report's

    page.goto(f"{writable_server.url}/status?statusprosjekt={PROJECT}")
    wait_for_app(page)
    expect(page.get_by_text("Skriv ny statusrapport")).to_be_visible(timeout=60_000)
    page.get_by_role("textbox", name="Ditt navn").fill("Kari Nordmann")
    page.keyboard.press("Tab")
    form = page.get_by_test_id("stForm")
    # The rerun the name starts fills it in as the reporter: wait for it before clicking on.
    expect(form.get_by_role("textbox", name="Rapportert av")).to_have_value(
        "Kari Nordmann", timeout=60_000
    )
    wait_for_app(page)
    # Prefilled from the previous report: every light green.
    progress = form.get_by_role("combobox", name="Fremdrift", exact=True)
    expect(progress).to_have_value("Grønn")
    wait_for_layout(page)  # the charts above have drawn: the form no longer moves
    progress.click()
    page.keyboard.type("Rød")
    page.keyboard.press("Enter")
    expect(progress).to_have_value("Rød")
    form.get_by_role("textbox", name="Fremdrift kommentar").fill("To milepæler er forsinket.")
    before = latest_version(demo_db_copy)
    form.get_by_role("button", name="Lagre statusrapport").click()
    expect(
        page.get_by_text(
            f"Statusrapporten for {PROJECT} datert {TODAY:%d.%m.%Y} er lagret som versjon "
            f"{before + 1}."
        )
    ).to_be_visible(timeout=60_000)
    wait_for_app(page)
    assert latest_version(demo_db_copy) == before + 1
    lights = page.locator("table.lys-tabell").first
    expect(lights.locator("tr", has_text="Fremdrift")).to_contain_text("▲ Rød")
    expect(lights.locator("tr", has_text="Fremdrift")).to_contain_text("To milepæler er forsinket.")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Oversikt").click()
    wait_for_app(page)
    row = board_row(page)
    expect(row).to_contain_text(f"{TODAY:%d.%m.%Y}", timeout=60_000)
    expect(row).to_contain_text("▲ Rød")
    expect(page.get_by_test_id("stMain")).to_contain_text(re.compile(rf"Rødt lys: [^·]*{PROJECT}"))
    wait_for_layout(page)
    screenshot(page, "oversikt-etter-statusrapport")

"""Fixtures of the browser tests: one app server on the shared demo database, one headless
Chromium, and a fresh page per test. The harness they use is tests/e2e/browser.py.

Every test collected under tests/e2e is marked `browser`, so `-m "not browser"` leaves them out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, StreamlitServer

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A `pytestmark` in a conftest marks nothing, so the marker is set here.
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server(demo_database: Path) -> Iterator[StreamlitServer]:
    running = StreamlitServer(demo_database)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (bash .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1600, "height": 1000}, locale="nb-NO"
    )
    opened = context.new_page()
    yield opened
    context.close()

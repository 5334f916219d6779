"""A whole steering-group meeting in Chromium at 1280×720 (a projector): create it, lock its
basis, store the agenda, go through every item in meeting mode, record two decisions, close it;
then check what was stored (versions, decisions, `changes`) and the minutes. Meeting mode is
checked as the back of the room sees it: no sidebar, large type, nothing wider than the screen.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lib import decisions, meetings
from lib.db import latest_version
from tests.e2e.browser import ROOT, StreamlitServer, screenshot, wait_for_app, wait_for_layout
from tests.fixtures import copy_database

CHAIR = "Kari Nordmann"
#: How long an expectation waits (ms): a run that stores a version can take seconds on a busy
#: machine, beyond Playwright's 5-second default.
WAIT = 30_000
MEETING = "Styringsgruppemøte desember"

#: What meeting mode must measure up to on a 1280×720 projector, in CSS pixels.
SIZES = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const px = element => element ? parseFloat(getComputedStyle(element).fontSize) : 0;
  const body = [...main.querySelectorAll('[data-testid="stMarkdownContainer"] p')]
    .filter(p => !p.closest('[data-testid="stCaptionContainer"]'));
  return {
    title: px(main.querySelector('h1')),
    body: Math.min(...body.map(px)),
    caption: px(main.querySelector('[data-testid="stCaptionContainer"] p')),
    figure: px(main.querySelector('[data-testid="stMetricValue"]')),
    overflow: Math.max(main.scrollWidth - main.clientWidth,
                       document.documentElement.scrollWidth - window.innerWidth),
    sidebar: (side => !!side && side.getAttribute('aria-expanded') !== 'false'
                      && side.getBoundingClientRect().right > 0)(
      document.querySelector('[data-testid="stSidebar"]')),
  };
}"""


@pytest.fixture
def server(demo_database: Path, tmp_path: Path) -> Iterator[StreamlitServer]:
    """A server of its own: the meeting writes to its database."""
    running = StreamlitServer(copy_database(demo_database, tmp_path / "demo.duckdb"))
    yield running
    running.stop()


@pytest.fixture
def projector(browser: object) -> Iterator[object]:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1280, "height": 720}, locale="nb-NO"
    )
    yield context.new_page()
    context.close()


def both_sizes(page, name: str) -> None:
    """Screenshots at the projector's 1280×720 and at 1920×1080, for a person to look at."""
    for width, height in ((1920, 1080), (1280, 720)):
        page.set_viewport_size({"width": width, "height": height})
        wait_for_layout(page)
        screenshot(page, f"{name}-{width}x{height}")
        assert page.evaluate(SIZES)["overflow"] <= 0, f"{name} is wider than {width} px"


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def position(page) -> tuple[int, int]:
    caption = page.get_by_text(re.compile(r"Sak \d+ av \d+")).first
    expect(caption).to_be_visible(timeout=WAIT)
    found = re.search(r"Sak (\d+) av (\d+)", caption.inner_text())
    assert found
    return int(found[1]), int(found[2])


def test_a_whole_meeting_runs_from_the_screen(server: StreamlitServer, projector) -> None:
    page = projector
    db = server.db
    page.goto(f"{server.url}/moter")
    # The whole first page, its last part (the meeting's agenda) included, before typing: a
    # field typed into while the first run still draws can be drawn anew, empty.
    expect(page.get_by_role("heading", name="Saksliste", exact=True)).to_be_visible(timeout=WAIT)
    wait_for_app(page)
    wait_for_layout(page)
    name = page.get_by_role("textbox", name="Ditt navn", exact=True)
    name.fill(CHAIR)
    name.press("Enter")
    wait_for_app(page)
    expect(name).to_have_value(CHAIR, timeout=WAIT)
    page.get_by_text("Nytt møte", exact=True).click()  # folded: the demo has a meeting
    meeting_name = page.get_by_role("textbox", name="Møtets navn", exact=True)
    meeting_name.fill(MEETING)
    expect(meeting_name).to_have_value(MEETING, timeout=WAIT)
    click(page, "Opprett møtet")
    expect(page.get_by_text("er opprettet")).to_be_visible(timeout=WAIT)
    basis = latest_version(db)
    click(page, f"Lås grunnlaget (versjon {basis})")
    expect(page.get_by_role("button", name="Start møtemodus")).to_be_visible(timeout=WAIT)
    click(page, "Lagre sakslisten")
    saved = page.get_by_text(re.compile(r"Sakslisten er lagret \(\d+ saker\)"))
    expect(saved).to_be_visible(timeout=WAIT)
    count = int(re.search(r"\((\d+) saker\)", saved.inner_text())[1])  # type: ignore[index]
    wait_for_app(page)
    screenshot(page, "moter-1280x720")

    click(page, "Start møtemodus")
    expect(page.get_by_text(f"Sak 1 av {count}")).to_be_visible(timeout=WAIT)
    wait_for_app(page)
    wait_for_layout(page)
    sizes = page.evaluate(SIZES)
    assert not sizes["sidebar"], "meeting mode has no sidebar"
    assert sizes["title"] >= 48 and sizes["body"] >= 24 and sizes["caption"] >= 24, sizes
    assert sizes["overflow"] <= 0, sizes
    if sizes["figure"]:
        assert sizes["figure"] >= 48, sizes
    both_sizes(page, "motemodus-sak-1")

    recorded: list[str] = []
    for number in range(1, count + 1):
        assert position(page) == (number, count)
        assert page.evaluate(SIZES)["overflow"] <= 0, f"item {number} is wider than the screen"
        if page.get_by_role("button", name="Lagre vedtaket").count() and len(recorded) < 2:
            decision = "Støttes" if not recorded else "Utredes videre"
            page.get_by_test_id("stRadioGroup").get_by_text(decision, exact=True).click()
            page.get_by_role("textbox", name="Vedtakstekst", exact=True).fill(
                f"Styringsgruppen: {decision.lower()}."
            )
            page.get_by_role("textbox", name="Ansvarlig", exact=True).fill("Rådmannen")
            click(page, "Lagre vedtaket")
            expect(page.get_by_text("Vedtaket er lagret som versjon")).to_be_visible(timeout=WAIT)
            wait_for_app(page)
            recorded.append(decision)
            if len(recorded) == 1:
                wait_for_layout(page)
                screenshot(page, "motemodus-vedtak-1280x720")
        if number < count:
            click(page, "Neste sak →")
            expect(page.get_by_text(f"Sak {number + 1} av {count}")).to_be_visible(timeout=WAIT)
            wait_for_app(page)
    assert len(recorded) == 2, "the demo's agenda has at least two recommendations to decide"

    click(page, "Avslutt møtemodus")
    expect(page.get_by_role("heading", name="Møter", exact=True)).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("stSidebar")).to_be_visible(timeout=WAIT)
    click(page, "Avslutt møtet")
    expect(page.get_by_role("heading", name="Referat", exact=True)).to_be_visible(timeout=WAIT)
    download = page.get_by_role("button", name="Last ned referatet (Excel)")
    expect(download).to_be_visible(timeout=WAIT)
    wait_for_app(page)
    both_sizes(page, "moter-referat")

    # What was stored: two decisions, each a version after the basis, the meeting closed on
    # the last of them, and `changes` from the basis reports both.
    meeting = meetings.meeting_named(db, MEETING)
    assert meeting is not None and meeting.basis_version == basis
    stored = decisions.recorded_decisions(db, meeting_id=meeting.id)
    assert [decision.vedtak for decision in stored] == recorded
    assert [decision.version for decision in stored] == [basis + 1, basis + 2]
    assert meeting.closed_at is not None and meeting.outcome_version == basis + 2
    minutes = meetings.minutes(db, meeting.id)
    assert list(minutes["Vedtak"]) == recorded
    changes = subprocess.run(
        [sys.executable, "-m", "lib.cli", "changes", "--since", str(basis), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert changes.returncode == 0, changes.stderr
    for decision in stored:
        assert decision.anbefaling_id in changes.stdout

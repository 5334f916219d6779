"""Filter round trip in a real browser: a project picked (or cleared) in the sidebar until the
page has finished running.

    python benchmarks/filter_round_trip.py [--picks 6] [--projects 40] [--seed N] [--elements 150]

Starts `streamlit run app.py` (tests/e2e/browser.py's StreamlitServer) over the demo database
and, with --projects, over a generated portfolio of that many projects × 1,000 risks
(benchmarks/pages.py's generator). In headless Chromium at 1280×720, on each of four pages
(Oversikt, Risiko, Gevinster, Milepæler), --picks times: pick the next project in the sidebar's
«Prosjekt» list, then clear it again. Each round trip is timed in the page itself: from the
press's own event time to the end of the run it started: the later of the last message the
server sent and the moment Streamlit's `data-test-script-state` turns back to `notRunning` (a
MutationObserver and a wrapped WebSocket record both), so Playwright's own latency is not
counted. Prints the median, p90 and max of picks and clears
together, per database, and the ratio of the large portfolio to the demo. For comparison, the
same round trip on a bare Streamlit page (BARE_APP: the same sidebar list, a title, 50 ms of
work): what Streamlit and the browser cost on this machine before our pages draw anything.
With --elements N, also that page with N lines of text, each its own element and all in one
st.html: what each element costs the browser to draw on a rerun.

This is a benchmark, not a test: nothing here asserts a time. Machines are noisy; compare
numbers from one run.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from lib.demo import build_demo_database  # noqa: E402
from tests.e2e.browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    StreamlitServer,
    wait_for_app,
    wait_for_layout,
)

PAGES = {"": "Oversikt", "risiko": "Risiko", "gevinster": "Gevinster", "milepaeler": "Milepæler"}

#: Installed once per page load: records each change of the script state, and each click's
#: event time (the moment the person clicked, before any handler ran).
RECORDER = """() => {
  window.__states = [];
  window.__clicks = [];
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => window.__states.push(
      [app.getAttribute('data-test-script-state'), performance.now()]))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  document.addEventListener('click', event => window.__clicks.push(event.timeStamp), true);
  document.addEventListener('mousedown', event => window.__clicks.push(event.timeStamp), true);
}"""

#: Before the page loads: the time each message from the server arrives.
MESSAGES = """(() => {
  window.__messages = [];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => window.__messages.push(performance.now()));
    }
  };
})()"""

#: Milliseconds from the press (mousedown) to the end of the run it started, or null while it
#: may still be running. The end is the later of the last message the server sent after the
#: press and the state's turn to `notRunning`: a run that takes a few tens of milliseconds
#: can be drawn in one go, and the page then never shows the «running» state at all. The
#: answer waits until no message has come for QUIET ms, so a run still sending is not cut.
FINISHED = """(quiet) => {
  const clicked = window.__clicks[0];
  if (clicked === undefined) return null;
  const app = document.querySelector('[data-testid="stApp"]');
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  const messages = window.__messages.filter(at => at >= clicked);
  if (!messages.length) return null;
  const last = messages[messages.length - 1];
  if (performance.now() - last < quiet) return null;
  const ends = window.__states
    .filter(([state, at]) => state === 'notRunning' && at >= clicked)
    .map(([, at]) => at);
  return Math.max(last, ...ends) - clicked;
}"""
QUIET = 500


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def _round_trip(page, action) -> float:
    page.evaluate("() => { window.__clicks = []; window.__states = []; }")
    action()
    handle = page.wait_for_function(FINISHED, arg=QUIET, timeout=120_000, polling="raf")
    elapsed = float(handle.json_value())
    wait_for_app(page)
    return elapsed


def _open(box, options) -> int:
    """Open a sidebar list and return how many options it shows. A click that lands while the
    previous list is still closing can leave it focused but shut, or shut it again before the
    options are counted: then click again (as the browser tests do)."""
    for attempt in range(5):
        box.click()
        try:
            options.first.wait_for(timeout=10_000)
        except PlaywrightTimeout:
            if attempt == 4:
                raise
            continue
        count = options.count()
        if count:
            return count
    raise RuntimeError("the list did not stay open")


#: Streamlit alone, for comparison: the same sidebar list and the same four addresses, and a
#: page that draws a title and a line after 50 ms of work (about what a rerun of ours spends in
#: Python). The work is needed: a run much shorter than that never shows the «running» state
#: in the page, so there would be nothing to time.
BARE_APP = """
import time
import streamlit as st

def page():
    time.sleep(0.05)  # about a rerun of ours in Python
    st.title("Oversikt")
    st.write(st.session_state.get("prosjekt"))
    picked = str(st.session_state.get("prosjekt"))
    if AS_HTML:  # the same lines as one element
        st.html("".join(f"<div><b>Linje {i}</b> {len(picked)}</div>" for i in range(LINES)))
    else:
        for i in range(LINES):
            st.markdown(f"**Linje {i}** {len(picked)}")

st.sidebar.multiselect("Prosjekt", [f"P{i} · Prosjekt {i}" for i in range(8)], key="prosjekt")
st.navigation(
    [st.Page(page, title=name, url_path=path, default=not path) for path, name in PAGES.items()],
    position="hidden",
).run()
"""


def bare_app(folder: Path, lines: int = 0, as_html: bool = False) -> Path:
    """BARE_APP written into `folder` with our own .streamlit/config.toml; with `lines` lines
    of text under the title, each an element of its own or (`as_html`) all in one."""
    (folder / ".streamlit").mkdir(parents=True, exist_ok=True)
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    (folder / ".streamlit" / "config.toml").write_text(config, encoding="utf-8")
    script = folder / "bare_app.py"
    head = f"PAGES = {PAGES!r}\nLINES = {lines}\nAS_HTML = {as_html}\n"
    script.write_text(head + BARE_APP, encoding="utf-8")
    return script


def measure(db: Path, picks: int, script: Path | None = None) -> dict[str, list[float]]:
    """Round trips in ms per page (picks and clears), over a server on `db` (or `script`)."""
    server = StreamlitServer(db) if script is None else StreamlitServer(db, script=script)
    found: dict[str, list[float]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.add_init_script(MESSAGES)
            for path, name in PAGES.items():
                page.goto(f"{server.url}/{path}")
                wait_for_app(page)
                wait_for_layout(page)
                page.evaluate(RECORDER)
                box = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']")
                projects = box.filter(has_text="Prosjekt").first
                times: list[float] = []
                for pick in range(picks):
                    options = page.get_by_role("listbox", name="Prosjekt").get_by_role("option")
                    chosen = options.nth(pick % _open(projects, options))
                    times.append(_round_trip(page, chosen.click))
                    page.keyboard.press("Escape")
                    remove = projects.locator("button[aria-label^='Remove ']").first
                    times.append(_round_trip(page, remove.click))
                found[name] = times
            browser.close()
    finally:
        server.stop()
    return found


def _summary(times: list[float]) -> str:
    return (
        f"median {statistics.median(times):.0f} ms, p90 {_p90(times):.0f} ms, "
        f"max {max(times):.0f} ms (n={len(times)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--picks", type=int, default=6, help="picks (and clears) per page")
    parser.add_argument("--projects", type=int, default=0, help="also a generated portfolio")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--elements",
        type=int,
        default=0,
        help="also the bare page with this many lines of text, each an element and all in one",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="styringsrom-filter-"))
    databases = {"demo": work / "demo.duckdb"}
    build_demo_database(databases["demo"])
    if args.projects:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from pages import build  # the page benchmark's generator

        databases[f"{args.projects} prosjekter"] = work / "large.duckdb"
        build(databases[f"{args.projects} prosjekter"], args.projects, args.seed)
    cases: dict[str, tuple[Path, Path | None]] = {
        label: (db, None) for label, db in databases.items()
    }
    cases["Streamlit alene (tom side, 50 ms)"] = (databases["demo"], bare_app(work / "bare"))
    if args.elements:
        # What the browser's drawing costs per element: the same text as many elements or one.
        lines = args.elements
        cases[f"Streamlit alene + {lines} linjer, hver et element"] = (
            databases["demo"],
            bare_app(work / "bare-lines", lines),
        )
        cases[f"Streamlit alene + {lines} linjer i ett st.html"] = (
            databases["demo"],
            bare_app(work / "bare-html", lines, as_html=True),
        )
    print(f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    medians: dict[str, float] = {}
    for label, (db, script) in cases.items():
        found = measure(db, args.picks, script)
        every = [time for times in found.values() for time in times]
        medians[label] = statistics.median(every)
        print(f"{label}: {_summary(every)}")
        for name, times in found.items():
            print(f"  {name}: {_summary(times)}")
    for label, median in medians.items():
        if label != "demo":
            print(f"ratio of medians ({label} / demo): {median / medians['demo']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

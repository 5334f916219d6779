"""First start on a fresh clone: from `streamlit run app.py` to the first page with content.

    python benchmarks/first_start.py [--repeat 3]

Each round clones this repository's HEAD into a temporary folder (so there is no demo database
yet, as on a fresh machine), starts `python -m streamlit run app.py` there with the README's
settings, and in headless Chromium (1280×720) opens the app as soon as the server answers its
health check. Measured from starting the process:

- **server up**: the health check answers;
- **first page**: Oversikt's heading and its first figure («Risiko per prosjekt» metrics) are
  on screen and the script has finished (`data-test-script-state="notRunning"`);

and what the sidebar showed meanwhile is checked: never the raw file names of a `pages/`
folder. The demo database is built during the first visit (lib.demo, under a Norwegian
spinner).

A benchmark, not a test: it asserts no time. Compare numbers from one run.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.e2e.browser import APP_IDLE, CHROMIUM, CHROMIUM_ARGS, _free_port  # noqa: E402


def _wait_healthy(url: str, started: float, deadline: float = 120.0) -> float:
    while time.monotonic() - started < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.05)  # polling a server that is starting: no event to wait for
    raise TimeoutError("the server did not answer within two minutes")


def one_start(browser) -> tuple[float, float]:
    """(server up, first page) in seconds, for one fresh clone."""
    work = Path(tempfile.mkdtemp(prefix="styringsrom-first-"))
    clone = work / "styringsrom"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in {"STYRINGSROM_DB"}}
    log = (work / "streamlit.log").open("wb")
    started = time.monotonic()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "streamlit", "run", "app.py"),
            *("--server.port", str(port), "--server.address", "127.0.0.1"),
            *("--server.headless", "true"),
        ],
        cwd=clone,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        up = _wait_healthy(url, started)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(url)
        main = page.get_by_test_id("stMain")
        expect(main.locator("h1", has_text="Oversikt")).to_be_visible(timeout=120_000)
        expect(main.get_by_test_id("stMetric").first).to_be_visible(timeout=120_000)
        expect(page.locator(APP_IDLE)).to_have_count(1, timeout=120_000)
        shown = time.monotonic() - started
        sidebar = page.get_by_test_id("stSidebar").inner_text()
        assert "milepaeler" not in sidebar and "last_opp" not in sidebar, sidebar
        page.close()
        return up, shown
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    ups, pages = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for round_ in range(1, args.repeat + 1):
            up, shown = one_start(browser)
            ups.append(up)
            pages.append(shown)
            print(f"round {round_}: server up {up:.1f} s, first page {shown:.1f} s")
        browser.close()
    print(
        f"median: server up {statistics.median(ups):.1f} s, "
        f"first page {statistics.median(pages):.1f} s (max {max(pages):.1f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

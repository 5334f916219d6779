"""End-to-end harness: a real `streamlit run` on a free port, screenshots, waiting for a run.

The browser tests import these from here; the pytest fixtures built on them (the server, the
browser, a page) are in tests/e2e/conftest.py.

Screenshots go to the folder in $STYRINGSROM_SCREENSHOTS (default test-artifacts/screenshots);
the path is printed so a person can look at them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from lib.demo import TODAY

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(os.environ.get("STYRINGSROM_SCREENSHOTS", ROOT / "test-artifacts/screenshots"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class StreamlitServer:
    """`streamlit run app.py` on a free port over the database `db`, started and healthy.

    `secrets`: the text of a secrets.toml for this server alone (e.g. `[auth]` for sign-in),
    where "{url}" stands for the server's own address; without it the server reads the usual
    secrets files (none in a fresh clone: local mode). `address`: where it listens (None: as
    .streamlit/config.toml says); `host`: the address the browser uses to reach it. `env`: more
    environment variables. `script`: another app to run instead, from its own folder
    (benchmarks/filter_round_trip.py's bare Streamlit page).
    """

    def __init__(
        self,
        db: Path,
        *,
        secrets: str | None = None,
        address: str | None = "127.0.0.1",
        host: str = "127.0.0.1",
        env: Mapping[str, str] | None = None,
        script: Path = ROOT / "app.py",
    ) -> None:
        self.db = db
        self.port = _free_port()
        self.url = f"http://{host}:{self.port}"
        folder = Path(tempfile.mkdtemp(prefix="styringsrom-server-"))
        self.log = folder / "streamlit.log"
        self._log_file = self.log.open("wb")
        options: list[str] = [] if address is None else ["--server.address", address]
        if secrets is not None:
            secrets_file = folder / "secrets.toml"
            secrets_file.write_text(secrets.replace("{url}", self.url), encoding="utf-8")
            options += ["--secrets.files", str(secrets_file)]
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script.name,
                "--server.port",
                str(self.port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                *options,
            ],
            cwd=script.parent,
            # The demo is made to be shown on lib.demo.TODAY: every status occurs then.
            env={
                **os.environ,
                "STYRINGSROM_DB": str(db),
                "STYRINGSROM_TODAY": TODAY.isoformat(),
                **(env or {}),
            },
            # To a file, not a pipe: nobody reads a pipe while the tests run, and a server whose
            # log fills the pipe's buffer blocks on its next write and stops answering.
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("streamlit did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log_file.close()
        said = self.log.read_text(errors="replace")
        if "Traceback" in said or "Error" in said:  # shown with a failing test's output
            print(f"--- {self.log} (the server's output, last part) ---\n{said[-4000:]}")


#: True once the page's content has kept its height for one polling interval and every chart
#: and table has drawn: they draw after the script has run, and grow the page as they do.
LAID_OUT = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const drawings = [...document.querySelectorAll(
        '[data-testid="stVegaLiteChart"], [data-testid="stDataFrame"]'
    )];
    const drawn = drawings.every(element => {
        const figure = element.querySelector('canvas, svg');
        return figure && figure.getBoundingClientRect().height > 0;
    });
    const height = main ? main.scrollHeight : 0;
    const steady = window.__styringsromHeight === height;
    window.__styringsromHeight = height;
    return drawn && steady;
}"""


def wait_for_layout(page: object) -> None:
    """Wait until the charts have drawn and the page has stopped growing."""
    page.wait_for_function(LAID_OUT, polling=700, timeout=30_000)  # type: ignore[attr-defined]


def screenshot(page: object, name: str, folder: Path | None = None) -> Path:
    """Save a screenshot of the whole page and print where it is.

    Streamlit scrolls inside its own container, so a "full page" screenshot would stop at the
    window: the window is made as tall as the content first, then set back.
    """
    folder = folder or SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    wait_for_layout(page)
    viewport = page.viewport_size  # type: ignore[attr-defined]
    height = page.evaluate(  # type: ignore[attr-defined]
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            const block = document.querySelector('[data-testid="stMainBlockContainer"]');
            const side = document.querySelector('[data-testid="stSidebarContent"]');
            return Math.max(
                main ? main.scrollHeight : 0,
                block ? block.scrollHeight + 120 : 0,
                side ? side.scrollHeight : 0,
            );
        }"""
    )
    if viewport and height > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": int(height)})  # type: ignore[attr-defined]
        wait_for_layout(page)
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    if viewport:
        page.set_viewport_size(viewport)  # type: ignore[attr-defined]
    print(f"screenshot: {path}")
    return path


#: The app is connected and its script has run to the end. (Right after a click that asks
#: for a run, the run may not have started yet: wait for what the click produces as well.)
APP_IDLE = (
    "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
    "[data-test-script-state='notRunning']"
)


def wait_for_app(page: object) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector(APP_IDLE, timeout=60_000)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )

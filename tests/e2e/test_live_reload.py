"""The command line loads while the app runs; the app shows the new version without a restart."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lib.exports import write_export
from tests.e2e.browser import ROOT, StreamlitServer, screenshot, wait_for_app
from tests.fixtures import frame, risk


def test_cli_load_while_the_app_runs(demo_db_copy: Path, tmp_path: Path, page) -> None:
    db = demo_db_copy
    server = StreamlitServer(db)
    try:
        page.goto(server.url)
        wait_for_app(page)
        page.get_by_text("Versjon 7 ·").first.wait_for()

        workbook = tmp_path / "ny-risiko.xlsx"
        rows = [risk("R99", 5, 5, "ASK-TM", ansvarlig="Kommunalsjef")]
        write_export(workbook, {"risiko": frame("risiko", rows)})
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "lib.cli",
                "load",
                str(workbook),
                "--db",
                str(db),
                "--by",
                "Kari Nordmann",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr

        page.reload()
        wait_for_app(page)
        page.get_by_text("Versjon 8 ·").first.wait_for()
        page.get_by_text("Kari Nordmann").first.wait_for()
        screenshot(page, "etter-lasting-fra-kommandolinjen")
    finally:
        server.stop()

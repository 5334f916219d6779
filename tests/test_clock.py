"""The clock says Norwegian time whatever the server's zone."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from lib import clock

ROOT = Path(__file__).resolve().parent.parent


def test_now_is_oslo_time_to_the_second_without_a_zone():
    before = dt.datetime.now(ZoneInfo("Europe/Oslo")).replace(tzinfo=None, microsecond=0)
    now = clock.now()
    after = dt.datetime.now(ZoneInfo("Europe/Oslo")).replace(tzinfo=None)
    assert now.tzinfo is None and now.microsecond == 0
    assert before <= now <= after
    assert clock.today() in {before.date(), after.date()}


def test_a_server_in_another_zone_still_stores_oslo_time(tmp_path):
    """A process in UTC−10 (Hawaii) and one in Oslo agree on the time they store."""
    script = "from lib import clock; print(clock.now().isoformat())"
    stamps = []
    for zone in ("Pacific/Honolulu", "Europe/Oslo"):
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**os.environ, "TZ": zone},
            capture_output=True,
            text=True,
            check=True,
        )
        stamps.append(dt.datetime.fromisoformat(done.stdout.strip()))
    assert abs((stamps[1] - stamps[0]).total_seconds()) < 60

"""ui.startup: the imported objects are frozen once per process, not once per run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import gc
from ui import startup
assert gc.get_freeze_count() == 0
startup.freeze_imported_objects()
frozen = gc.get_freeze_count()
assert frozen > 0
[object() for _ in range(10)]
kept = [[] for _ in range(1000)]  # tracked objects made after the first call
startup.freeze_imported_objects()
assert gc.get_freeze_count() == frozen, "a second run must not freeze what it made"
print(frozen)
"""


def test_the_imports_are_frozen_once_per_process() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 1000


def test_the_router_freezes_before_the_first_page() -> None:
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert source.index("startup.freeze_imported_objects()") < source.index("st.set_page_config")

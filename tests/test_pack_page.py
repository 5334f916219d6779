"""Møter offers the meeting pack in one click: two download buttons for the chosen meeting,
the file made only when a button is clicked (never on a run of the page), as of the meeting's
basis version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import access, meetings
from lib.demo import TODAY

ROOT = Path(__file__).resolve().parent.parent
MOTER = "app_pages/moter.py"
LABELS = ["Last ned møtepakken (PDF)", "Last ned møtepakken (PowerPoint)"]


@pytest.fixture
def db(demo_database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_database, path)
    monkeypatch.setenv("STYRINGSROM_DB", str(path))
    monkeypatch.setenv("STYRINGSROM_TODAY", TODAY.isoformat())
    return path


def run(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, app.exception
    return app


def pack_buttons(app: AppTest) -> list:
    return [b for b in app.get("download_button") if b.proto.label in LABELS]


def test_the_chosen_meeting_offers_its_pack_built_only_when_clicked(db: Path) -> None:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    run(app)
    app.switch_page(MOTER)
    run(app)
    september = meetings.meeting_named(db, "Styringsgruppemøte september 2026")
    assert september is not None and september.basis_version == 6
    app.selectbox(key="mote").set_value(september.id)
    run(app)
    buttons = pack_buttons(app)
    assert [button.proto.label for button in buttons] == LABELS
    for button in buttons:
        # Deferred: the file is made by the click, and the click does not rerun the page.
        assert button.proto.deferred_file_id and button.proto.ignore_rerun
        assert button.proto.help.startswith("Versjon 6:")
    run(app)  # another run builds nothing either
    assert access.audit_trail(db, actions=("nedlasting",)).empty

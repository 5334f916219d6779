"""AppTest smoke tests: every page renders, on data and on an empty database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import store
from lib.exports import write_export
from lib.ingest import load_file
from tests.test_store import PROJECTS, frame, risk

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["pages/oversikt.py", "pages/ark.py"]


@pytest.fixture
def loaded_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "app.duckdb"
    path = tmp_path / "data.xlsx"
    write_export(
        path,
        {
            "prosjekter": frame("prosjekter", PROJECTS),
            "risiko": frame("risiko", [risk("R1", 4, 5), risk("R2", 1, 2)]),
        },
    )
    assert load_file(db, path).ok
    monkeypatch.setenv("STYRINGSROM_DB", str(db))
    return db


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "empty.duckdb"
    with store.connect(db):
        pass
    monkeypatch.setenv("STYRINGSROM_DB", str(db))
    return db


def run(page: str | None = None) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    app.run()
    if page:
        app.switch_page(page)
        app.run()
    return app


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_data(loaded_db: Path, page: str) -> None:
    app = run(page)
    assert not app.exception


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_an_empty_database(empty_db: Path, page: str) -> None:
    app = run(page)
    assert not app.exception


def test_overview_counts_equal_the_store(loaded_db: Path) -> None:
    app = run()
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Risiko"] == "2" and metrics["Prosjekter"] == "2"


def test_sheet_page_shows_the_rows_of_the_chosen_sheet(loaded_db: Path) -> None:
    app = run("pages/ark.py")
    table = app.dataframe[0].value
    assert sorted(table["Risiko-ID"]) == ["R1", "R2"]
    app.segmented_control(key="ark").set_value("prosjekter").run()
    assert sorted(app.dataframe[0].value["Prosjekt-ID"]) == ["P1", "P2"]

"""Fixtures every test module may ask for: `make_workbook` and the demo database.

The builders themselves are plain functions in tests/fixtures.py.

The demo database takes seconds to build, so it is built once per test session
(`demo_database`, built on first use). A test that only reads it asks for `demo_db`, which
fails the test if the file changed under it; a test that writes gets its own copy
(`demo_db_copy`).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `pytest` run without `python -m` still imports lib and tests
    sys.path.insert(0, str(ROOT))

from tests.fixtures import DemoBuild, copy_database, make_workbook  # noqa: E402  (ROOT first)

# No time limit per example: a test asserts what is computed, never how fast (a busy machine made
# 0.6 ms examples take 286 ms); the benchmarks under benchmarks/ measure speed.
settings.register_profile("styringsrom", deadline=None)
settings.load_profile("styringsrom")


@pytest.fixture(name="make_workbook")
def make_workbook_fixture():
    """The `make_workbook` helper, for tests that prefer a fixture to an import."""
    return make_workbook


def _digest(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoBuild]:
    """The demo database, built once per session in a folder of its own."""
    from lib.demo import build_demo_database

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    version = build_demo_database(path)
    digest = _digest(path)
    yield DemoBuild(path, version)
    assert _digest(path) == digest, "the shared demo database was changed during the session"


@pytest.fixture(scope="session")
def demo_database(demo_build: DemoBuild) -> Path:
    """The shared demo database, for session-long readers (an app server). Never write to it."""
    return demo_build.path


@pytest.fixture
def demo_db(demo_database: Path) -> Iterator[Path]:
    """The shared demo database for a test that only reads it; the test fails if it wrote."""
    before = _digest(demo_database)
    yield demo_database
    assert _digest(demo_database) == before, "a reading test changed the shared demo database"


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new database with its schema and no upload, to copy for a test that needs many
    (copying the file is quicker than creating the schema). Never write to it."""
    from lib import store

    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    with store.connect(path):
        pass
    return path


@pytest.fixture
def demo_db_copy(demo_database: Path, tmp_path: Path) -> Path:
    """A copy of the demo database of this test's own, to write to."""
    return copy_database(demo_database, tmp_path / "demo.duckdb")

"""A broken database never shows a traceback (issue 10, item 9).

The damaged files are made here from a small real database: a bad header, flipped bytes in
every block, a file cut short. A read-only file or folder still opens for reading; writing
to it is refused with a message. Tests may run as root, for whom the system would allow the
write: Styringsrom respects the read-only mark itself (lib.db.refuse_writing_if_read_only),
so the same cases are tested for every user.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.demo import TODAY
from lib.exports import write_export
from tests.fixtures import cli, frame, load, risk

ROOT = Path(__file__).resolve().parent.parent
BLOCK = 262_144  # DuckDB's block size; the file starts with three 4 KiB headers


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real database: two versions of a project with risks."""
    folder = tmp_path_factory.mktemp("small")
    db = folder / "small.duckdb"
    projects = [{"prosjekt_id": "P1", "prosjektnavn": "Prosjekt én"}]
    assert load(db, folder, "en.xlsx", {"prosjekter": projects, "risiko": [risk("R1", 2, 3)]})
    assert load(db, folder, "to.xlsx", {"risiko": [risk("R1", 4, 5), risk("R2", 1, 1)]})
    return db


def bad_header(path: Path) -> None:
    with path.open("r+b") as file:
        file.write(b"IKKE EN DATABASE" * 4)


def flipped_blocks(path: Path) -> None:
    """Invert bytes inside every block, past each block's checksum."""
    size = path.stat().st_size
    with path.open("r+b") as file:
        for offset in range(3 * 4096 + 100, size, BLOCK):
            file.seek(offset)
            chunk = file.read(64)
            file.seek(offset)
            file.write(bytes(byte ^ 0xFF for byte in chunk))


def truncated(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 3)


def cut_to_a_header(path: Path) -> None:
    os.truncate(path, 100)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "bad header": bad_header,
    "flipped blocks": flipped_blocks,
    "truncated": truncated,
    "cut to a header": cut_to_a_header,
}


@pytest.fixture(params=list(DAMAGE))
def damaged(request: pytest.FixtureRequest, small_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "skadet.duckdb"
    path.write_bytes(small_db.read_bytes())
    DAMAGE[request.param](path)
    return path


@pytest.mark.parametrize(
    "command",
    [["versions"], ["dump", "risiko"], ["export", "ut.xlsx"], ["rollback", "1"], ["changes"]],
)
def test_a_damaged_database_exits_2_with_a_norwegian_message(
    damaged: Path, command: list[str], tmp_path: Path
) -> None:
    args = [tmp_path / part if part.endswith(".xlsx") else part for part in command]
    done = cli(*args, db=damaged)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Error" not in done.stderr
    assert str(damaged) in done.stderr  # which file
    assert "skadet" in done.stderr or "ødelagt" in done.stderr  # what is wrong
    assert "sikkerhetskopi" in done.stderr  # what to do


@pytest.fixture
def read_only_file(small_db: Path, tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "skrivebeskyttet.duckdb"
    path.write_bytes(small_db.read_bytes())
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    yield path
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)


@pytest.fixture
def in_read_only_folder(small_db: Path, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "skrivebeskyttet"
    folder.mkdir()
    path = folder / "db.duckdb"
    path.write_bytes(small_db.read_bytes())
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    yield path
    folder.chmod(stat.S_IRWXU)


@pytest.mark.parametrize("where", ["read_only_file", "in_read_only_folder"])
def test_a_read_only_database_reads_and_refuses_writes_with_a_message(
    where: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    db: Path = request.getfixturevalue(where)
    before = db.read_bytes()
    versions = cli("versions", db=db)
    assert versions.returncode == 0 and versions.stdout.startswith("2\t"), versions.stderr
    assert "R2" in cli("dump", "risiko", db=db).stdout
    exported = tmp_path / "eksport.xlsx"
    assert cli("export", exported, db=db).returncode == 0 and exported.exists()
    workbook = tmp_path / "ny.xlsx"
    write_export(workbook, {"risiko": frame("risiko", [risk("R3", 3, 3)])})
    for command in (["rollback", "1"], ["snapshot", "Møte"], ["load", workbook]):
        done = cli(*command, db=db)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert str(db) in done.stderr and "skrivebeskyttet" in done.stderr
        assert "Traceback" not in done.stderr
    assert db.read_bytes() == before  # nothing written


def run_app(db: Path, page: str | None, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("STYRINGSROM_DB", str(db))
    monkeypatch.setenv("STYRINGSROM_TODAY", TODAY.isoformat())
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    if page:
        app.switch_page(page)
        app.run()
    return app


@pytest.mark.parametrize(
    "page", [None, "app_pages/risiko.py", "app_pages/last_opp.py", "app_pages/historikk.py"]
)
def test_the_app_says_in_norwegian_that_a_damaged_database_cannot_be_used(
    small_db: Path, tmp_path: Path, page: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "skadet.duckdb"
    db.write_bytes(small_db.read_bytes())
    flipped_blocks(db)
    app = run_app(db, page, monkeypatch)
    assert not app.exception, [error.value for error in app.exception]
    assert [title.value for title in app.title] == ["Databasen kan ikke brukes"]
    message = app.error[0].value.replace("\\", "")  # shown as Markdown, escaped
    assert "er skadet" in message and str(db) in message
    assert "sikkerhetskopi" in app.info[0].value


def test_the_app_shows_a_read_only_database(
    read_only_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for page in (None, "app_pages/historikk.py"):
        app = run_app(read_only_file, page, monkeypatch)
        assert not app.exception, [error.value for error in app.exception]
        assert "Databasen kan ikke brukes" not in [title.value for title in app.title]


def test_the_app_says_why_a_read_only_database_does_not_store(
    read_only_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = read_only_file.read_bytes()
    app = run_app(read_only_file, "app_pages/historikk.py", monkeypatch)
    app.text_input(key="_ditt_navn_felt").input("Kari Nordmann").run()
    app.text_input(key="historikk_motenavn").input("Styringsgruppemøte")  # in the form
    lock = next(button for button in app.button if "Lås versjon" in str(button.label))
    lock.click().run()
    assert not app.exception, [error.value for error in app.exception]
    shown = " ".join(str(element.value) for element in app.warning).replace("\\", "")
    assert "skrivebeskyttet" in shown and str(read_only_file) in shown, shown
    assert read_only_file.read_bytes() == before

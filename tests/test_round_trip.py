"""`export` is a complete backup: the workbook loads into a new, empty database, and `dump` of
every sheet there is identical to `dump` of the original (issue 10, item 3)."""

from __future__ import annotations

import datetime as dt
import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from lib import cli
from lib.contract import SHEETS
from lib.db import latest_version
from lib.exports import write_export
from lib.ingest import load_file
from lib.queries import filter_options, sheet_rows
from tests.fixtures import TESTER, copy_database, load, risk


def dump(db: Path, sheet: str, version: int | None = None) -> str:
    args = ["dump", sheet, "--db", str(db)]
    if version is not None:
        args += ["--version", str(version)]
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(args) == cli.EXIT_OK
    return out.getvalue()


def dumps(db: Path, version: int | None = None) -> dict[str, str]:
    return {sheet.key: dump(db, sheet.key, version) for sheet in SHEETS}


def round_trip(db: Path, folder: Path, version: int | None = None) -> Path:
    """Export `db` (as of `version`), load the workbook into a new, empty database."""
    exported = folder / f"eksport-{version or 'siste'}.xlsx"
    write_export(exported, {sheet.key: sheet_rows(db, sheet.key, version) for sheet in SHEETS})
    target = folder / f"ny-{version or 'siste'}.duckdb"
    result = load_file(target, exported, actor=TESTER)
    assert result.stored is not None, [error.as_text() for error in result.upload.errors]
    return target


def test_the_demo_exports_and_loads_into_an_empty_database_unchanged(
    demo_db: Path, tmp_path: Path
) -> None:
    source = copy_database(demo_db, tmp_path / "demo.duckdb")
    before = dumps(source)
    assert all(text.count("\n") > 1 for text in before.values()), "every sheet has rows"
    assert dumps(round_trip(source, tmp_path)) == before
    # An older version as well: `export --version N` is that version, whole.
    older = latest_version(source) // 2
    assert dumps(round_trip(source, tmp_path, older)) == dumps(source, older)


def test_a_project_only_named_at_upload_gets_a_prosjekter_row_named_by_its_id(
    tmp_path: Path,
) -> None:
    db = tmp_path / "navngitt.duckdb"
    sheet_without_project = {k: v for k, v in risk("R1", 3, 4).items() if k != "prosjekt_id"}
    assert load(db, tmp_path, "r.xlsx", {"risiko": [sheet_without_project]}, project="X").stored
    before = dumps(db)
    assert before["prosjekter"].splitlines()[1].startswith("X,X,")
    # The app's project list agrees with `dump`: the project is there, under its ID.
    assert filter_options(db).project_names == {"X": "X"}
    assert dumps(round_trip(db, tmp_path)) == before


LONG = "Lang tekst. " * 2730  # 32,760 characters: near Excel's limit of 32,767


@pytest.mark.parametrize("tricky", ['=HYPERLINK("http://x","Ola")', "+1", "-2", "@SUM(A1)"])
def test_defaults_order_long_and_formula_like_text_survive_the_round_trip(
    tmp_path: Path, tricky: str
) -> None:
    db = tmp_path / "laget.duckdb"
    tables = {
        "prosjekter": [
            {"prosjekt_id": "P2", "prosjektnavn": tricky, "startdato": dt.date(2024, 8, 1)},
            {"prosjekt_id": "P1", "prosjektnavn": LONG},
        ],
        # Row order differs from ID order, the status default (Åpen) is filled in.
        "risiko": [risk("R9", 1, 2, tiltak=tricky), risk("R1", 5, 5, tiltak=LONG)],
        "gevinster": [
            # Type and Nullpunktdato left empty: their defaults are filled in.
            {"prosjekt_id": "P2", "gevinst_id": "G1", "gevinst": tricky, "malverdi": 10.0},
            {"prosjekt_id": "P2", "gevinst_id": "G2", "gevinst": "Gitt", "malverdi": 4.5},
        ],
        "malinger": [
            {"prosjekt_id": "P2", "gevinst_id": "G1", "dato": dt.date(2025, 3, 1), "verdi": 4.0},
            {"prosjekt_id": "P2", "gevinst_id": "G1", "dato": dt.date(2025, 1, 1), "verdi": -3.0},
        ],
        "anbefalinger": [
            # Evaluering left empty: the default `6, 12`.
            {
                "prosjekt_id": "P1",
                "anbefaling_id": "A2",
                "anbefaling": tricky,
                "vedtak": "Støttes",
                "iverksatt": dt.date(2024, 8, 31),
            },
            {"prosjekt_id": "P1", "anbefaling_id": "A1", "anbefaling": "Med plan"},
        ],
    }
    assert load(db, tmp_path, "laget.xlsx", tables).stored
    before = dumps(db)
    assert ",Åpen," in before["risiko"] and '"6, 12"' in before["anbefalinger"]
    assert before["risiko"].index("R9") < before["risiko"].index("R1")
    assert dumps(round_trip(db, tmp_path)) == before

"""The command line as a user runs it: commands, output formats and exit codes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from lib.contract import SHEETS
from lib.exports import write_export
from tests.fixtures import PROJECTS, cli, frame, risk

ROOT = Path(__file__).resolve().parent.parent


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "portefolje.xlsx"
    recs = [
        {
            "anbefaling_id": "A1",
            "prosjekt_id": "P1",
            "anbefaling": "Felles ledermøter",
            "vedtak": "Støttes",
            "iverksatt": dt.date(2024, 8, 31),
            "evaluering": (6, 12),
        }
    ]
    write_export(
        path,
        {
            "prosjekter": frame("prosjekter", PROJECTS),
            "risiko": frame("risiko", [risk("R1", 4, 5, tiltak="=SUM(A1:A2)"), risk("R2", 1, 2)]),
            "anbefalinger": frame("anbefalinger", recs),
        },
    )
    return path


def test_help_lists_every_command() -> None:
    done = cli("--help")
    assert done.returncode == 0
    for command in (
        "template",
        "load",
        "export",
        "dump",
        "evalueringsplan",
        "versions",
        "rollback",
        "demo",
    ):
        assert command in done.stdout


def test_dump_fills_in_nullpunktdato_as_the_contract_says(tmp_path: Path) -> None:
    """Empty Nullpunktdato: the earliest measurement, else the project's Startdato; a date
    given stays. The export keeps what was written, so it still loads back unchanged."""
    db, path = tmp_path / "d.duckdb", tmp_path / "gevinster.xlsx"
    projects = [{"prosjekt_id": "P1", "prosjektnavn": "En", "startdato": dt.date(2024, 8, 1)}]
    benefits = [
        {"gevinst_id": "G1", "gevinst": "Målt", "malverdi": 10.0},
        {"gevinst_id": "G2", "gevinst": "Ikke målt", "malverdi": 10.0},
        {
            "gevinst_id": "G3",
            "gevinst": "Gitt",
            "malverdi": 10.0,
            "nullpunktdato": dt.date(2024, 1, 2),
        },
    ]
    measured = [
        {"gevinst_id": "G1", "dato": dt.date(2025, 3, 1), "verdi": 4.0},
        {"gevinst_id": "G1", "dato": dt.date(2025, 1, 15), "verdi": 3.0},
    ]
    write_export(
        path,
        {
            "prosjekter": frame("prosjekter", projects),
            "gevinster": frame("gevinster", [b | {"prosjekt_id": "P1"} for b in benefits]),
            "malinger": frame("malinger", [m | {"prosjekt_id": "P1"} for m in measured]),
        },
    )
    assert cli("load", path, db=db).returncode == 0
    dumped = {
        row["Gevinst-ID"]: row["Nullpunktdato"]
        for row in rows(cli("dump", "gevinster", db=db).stdout)
    }
    assert dumped == {"G1": "2025-01-15", "G2": "2024-08-01", "G3": "2024-01-02"}
    exported = tmp_path / "eksport.xlsx"
    assert cli("export", exported, db=db).returncode == 0
    again = cli("load", exported, db=db)
    assert again.returncode == 0
    counts = re.findall(r"(\d+) (?:nye|endret|fjernet)", again.stdout)
    assert counts and set(counts) == {"0"}, again.stdout


def test_load_dump_export_round_trip(tmp_path: Path, workbook: Path) -> None:
    db = tmp_path / "cli.duckdb"
    done = cli("load", workbook, "--by", "Kari Nordmann", db=db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Versjon 1 lagret.") and done.stdout.count("\n") == 1

    dumped = rows(cli("dump", "risiko", db=db).stdout)
    assert [r["Risiko-ID"] for r in dumped] == ["R1", "R2"]
    assert dumped[0]["Prosjekt-ID"] == "P1" and dumped[0]["Sannsynlighet"] == "4"
    assert dumped[0]["Tiltak"] == "=SUM(A1:A2)" and dumped[0]["Status"] == "Åpen"
    header = cli("dump", "anbefalinger", db=db).stdout.splitlines()[0]
    assert header.split(",")[:2] == ["Anbefaling-ID", "Prosjekt-ID"]

    exported = tmp_path / "eksport.xlsx"
    assert cli("export", exported, db=db).returncode == 0
    cell = openpyxl.load_workbook(exported)["Risiko"]["H2"]
    assert cell.data_type == "s" and cell.value == "=SUM(A1:A2)" and cell.quotePrefix
    before = {sheet.key: cli("dump", sheet.key, db=db).stdout for sheet in SHEETS}
    assert cli("load", exported, db=db).returncode == 0
    after = {sheet.key: cli("dump", sheet.key, db=db).stdout for sheet in SHEETS}
    assert before == after  # loading the export back changes nothing

    listing = cli("versions", db=db).stdout.splitlines()
    assert listing[0].startswith("2\t") and "Kari Nordmann" in listing[1]


def test_dump_version_and_rollback(tmp_path: Path, workbook: Path) -> None:
    db = tmp_path / "cli.duckdb"
    cli("load", workbook, db=db)
    second = tmp_path / "to.xlsx"
    write_export(second, {"risiko": frame("risiko", [risk("R1", 5, 5)])})
    assert cli("load", second, "--project", "P1", db=db).returncode == 0
    assert [r["Risiko-ID"] for r in rows(cli("dump", "risiko", db=db).stdout)] == ["R1"]
    old = rows(cli("dump", "risiko", "--version", "1", db=db).stdout)
    assert [r["Risiko-ID"] for r in old] == ["R1", "R2"]
    done = cli("rollback", "1", db=db)
    assert done.returncode == 0 and "versjon 3" in done.stdout
    assert len(rows(cli("dump", "risiko", db=db).stdout)) == 2


def test_evaluation_plan_csv(tmp_path: Path, workbook: Path) -> None:
    db = tmp_path / "cli.duckdb"
    cli("load", workbook, db=db)
    done = cli("evalueringsplan", "--today", "2025-02-28", db=db)
    assert done.stdout.splitlines() == [
        "Prosjekt-ID,Anbefaling-ID,Evaluering,Frist,Status",
        "P1,A1,6,2025-02-28,Snart",
        "P1,A1,12,2025-08-31,Planlagt",
    ]


def test_invalid_workbook_exits_1_lists_every_error_and_stores_nothing(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    path = tmp_path / "feil.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Risiko"
    sheet.append(["Risiko-ID", "Prosjekt-ID", "Risiko", "Sannsynlighet", "Konsekvens", "Frist"])
    sheet.append(["R1", "P1", "Forsinkelse", "7", "Høy", "31.02.2025"])
    sheet.append(["R1", "P1", "Dobbel", 2, 2, None])
    book.save(path)
    done = cli("load", path, db=db)
    assert done.returncode == 1
    assert "ingenting er lagret" in done.stderr
    for expected in ("rad 2", "«Sannsynlighet»", "«7»", "«Frist»", "rad 3", "unik"):
        assert expected in done.stderr
    assert "Traceback" not in done.stderr
    assert cli("versions", db=db).stdout.strip() == "Ingen versjoner ennå."


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "ikke-excel.xlsx"
    path.write_text("Risiko-ID;Risiko\nR1;x\n")
    done = cli("load", path, db=tmp_path / "cli.duckdb")
    assert done.returncode == 2 and "ikke en Excel-arbeidsbok" in done.stderr
    assert "Traceback" not in done.stderr


def test_template_has_every_sheet_and_drop_downs(tmp_path: Path) -> None:
    path = tmp_path / "mal.xlsx"
    assert cli("template", path).returncode == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Veiledning", *(sheet.name for sheet in SHEETS)]
    lists = [v.formula1 for v in book["Risiko"].data_validations.dataValidation]
    assert any("3 - Middels" in formula for formula in lists)
    decisions = [v.formula1 for v in book["Anbefalinger"].data_validations.dataValidation]
    assert any("Utredes videre" in formula for formula in decisions)
    assert book["Risiko"]["J2"].number_format == "DD.MM.YYYY"
    # The empty template reads cleanly, but has nothing to store: refused (exit 1) rather than
    # stored as an empty version (contract version 2).
    done = cli("load", path, db=tmp_path / "cli.duckdb")
    assert done.returncode == 1 and "ingenting å lagre" in done.stderr, done.stderr


def test_a_version_that_does_not_exist_is_refused(tmp_path: Path, workbook: Path) -> None:
    db = tmp_path / "cli.duckdb"
    cli("load", workbook, db=db)
    for version in ("0", "99"):
        done = cli("dump", "risiko", "--version", version, db=db)
        assert done.returncode == 1 and f"Versjon {version} finnes ikke" in done.stderr
    assert cli("export", tmp_path / "x.xlsx", "--version", "99", db=db).returncode == 1


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_a_load_imports_neither_numpy_nor_pandas(tmp_path: Path, workbook: Path) -> None:
    """They are a quarter of a load's CPU when imported; reading and storing rows needs
    neither (lib.read.import_pyarrow_lean)."""
    db = tmp_path / "db.duckdb"
    done = _python(
        "import sys\nfrom lib import cli\n"
        f"code = cli.main(['load', {str(workbook)!r}, '--db', {str(db)!r}])\n"
        "print(code, 'numpy' in sys.modules, 'pandas' in sys.modules)"
    )
    assert done.stdout.splitlines()[-1] == "0 False False", done.stdout + done.stderr
    assert "Versjon 1 lagret" in done.stdout


def test_the_parse_child_imports_neither_numpy_nor_pandas(workbook: Path) -> None:
    done = _python(
        "import sys\nfrom pathlib import Path\nfrom lib import read\n"
        "read.import_pyarrow_lean()\n"
        f"parsed = read.parse_workbook_in_this_process(Path({str(workbook)!r}))\n"
        "print(len(parsed.sheets), 'numpy' in sys.modules, 'pandas' in sys.modules)"
    )
    assert done.stdout.splitlines()[-1] == f"{len(SHEETS)} False False", done.stdout + done.stderr


def test_pyarrow_imported_lean_converts_and_keeps_numpy_and_pandas_out_safely() -> None:
    """Without numpy, pyarrow crashes converting to pandas: a lean process refuses both with
    an ImportError instead, and exits normally."""
    done = _python(
        "import sys\nfrom lib.read import import_pyarrow_lean\n"
        "import_pyarrow_lean()\n"
        "import pyarrow as pa, pyarrow.compute as pc\n"
        "values = pa.array(['b', None, 'a'])\n"
        "print(pc.sort_indices(values).to_pylist(), pa.repeat(True, 2).to_pylist())\n"
        "print('numpy' in sys.modules, 'pandas' in sys.modules)\n"
        "for attempt in (lambda: __import__('pandas'), lambda: pa.table({'n': [1]}).to_pandas()):\n"
        "    try:\n        attempt()\n    except ImportError:\n        print('refused')\n"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "[2, 0, 1] [True, True]",
        "False False",
        "refused",
        "refused",
    ], done.stdout + done.stderr


def test_pyarrow_is_imported_as_usual_where_numpy_is_loaded_already() -> None:
    done = _python(
        "import numpy\nfrom lib.read import import_pyarrow_lean\n"
        "import_pyarrow_lean()\n"
        "import pyarrow as pa\n"
        "print(pa.table({'n': [1, 2]}).to_pandas()['n'].tolist())"
    )
    assert done.stdout.splitlines() == ["[1, 2]"], done.stdout + done.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread priority and CPUs are Linux's")
def test_a_thread_that_yields_to_the_parse_runs_later_and_off_the_first_cpu() -> None:
    import os
    import threading

    from lib.read import yield_to_the_parse

    seen: dict[str, object] = {}

    def helper() -> None:
        before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        yield_to_the_parse(7)
        seen["niceness"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) - before
        seen["cpus"] = os.sched_getaffinity(0)

    cpus = os.sched_getaffinity(0)
    thread = threading.Thread(target=helper)
    thread.start()
    thread.join()
    assert seen["niceness"] == min(7, 19 - os.getpriority(os.PRIO_PROCESS, 0))
    assert seen["cpus"] == (cpus - {min(cpus)} if len(cpus) > 1 else cpus)
    assert os.sched_getaffinity(0) == cpus  # the calling thread is untouched


ESC_TITLE = "\x1b]0;overtatt\x07"  # sets the terminal window's title
ESC_CLEAR = "\x1b[2J\x1b[H"  # clears the screen


def no_raw_controls(text: str) -> bool:
    """No control character but line feed and tab, none of the C1 set (0x9b is CSI on its
    own), and no direction override."""
    return not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)


def test_the_terminal_never_gets_control_characters_from_the_data(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    folder = tmp_path / "opplasting"
    folder.mkdir()
    (folder / "Prosjekter.csv").write_text(
        "Prosjekt-ID;Prosjektnavn\nP1;Navn\x9b2J\x7f\n", encoding="utf-8"
    )
    (folder / "Risiko.csv").write_text(
        "Risiko-ID;Prosjekt-ID;Risiko;Sannsynlighet;Konsekvens\n"
        "R1;P1;Tittel\x9b2J\u202eomvendt;2;2\n",
        encoding="utf-8",
    )
    assert cli("load", folder / "Prosjekter.csv", db=db).returncode == 0
    # A file name from the data (shown by `versions`) with an escape sequence in it.
    named = tmp_path / f"rapport{ESC_CLEAR}.xlsx"
    write_export(named, {"risiko": frame("risiko", [risk("R9", 1, 1)])})
    assert cli("load", named, "--project", "P1", db=db).returncode == 0
    assert cli("snapshot", f"Møte{ESC_TITLE}", "--date", "2025-01-01", db=db).returncode == 0
    assert cli("load", folder / "Risiko.csv", db=db).returncode == 0
    # A cell an upload refuses is named in the error list.
    (folder / "Milepæler.csv").write_text(
        f"Milepæl-ID;Prosjekt-ID;Milepæl;Planlagt\nM1;P1;x;{ESC_CLEAR}\n", encoding="utf-8"
    )
    outputs = {
        "versions": cli("versions", db=db),
        "changes": cli("changes", db=db),
        "snapshot": cli("snapshot", f"Nytt{ESC_CLEAR}", db=db),
        "load errors": cli("load", folder / "Milepæler.csv", db=db),
        "changes --csv": cli("changes", "--csv", db=db),
    }
    for command, done in outputs.items():
        assert no_raw_controls(done.stdout + done.stderr), (command, done.stdout + done.stderr)
    assert "rapport\\x1b[2J\\x1b[H.xlsx" in outputs["versions"].stdout
    # The upload may drop some of these; what is stored is shown visibly, never obeyed.
    assert "Tittel" in outputs["changes"].stdout
    assert "Nytt\\x1b[2J" in outputs["snapshot"].stdout
    assert "\\x1b[2J" in outputs["load errors"].stderr and outputs["load errors"].returncode == 1
    # `dump` is exact data for machines: to a pipe or a file, the text as stored.
    from lib.queries import sheet_rows

    stored = sheet_rows(db, "prosjekter")["prosjektnavn"].tolist()
    assert [row["Prosjektnavn"] for row in rows(cli("dump", "prosjekter", db=db).stdout)] == stored


def test_dump_to_a_terminal_shows_control_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lib import cli as command_line

    db = tmp_path / "cli.duckdb"
    path = tmp_path / "Prosjekter.csv"
    path.write_text('Prosjekt-ID;Prosjektnavn\nP1;"To\nlinjer\x9b2J"\n', encoding="utf-8")
    assert cli("load", path, db=db).returncode == 0

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    assert command_line.main(["dump", "prosjekter", "--db", str(db)]) == 0
    shown = screen.getvalue()
    assert no_raw_controls(shown) and shown.count("\n") == 2
    assert "To\\nlinjer" in shown
    # To a pipe, the same cell is exact and CSV-quoted: a line break stays inside its cell.
    assert rows(cli("dump", "prosjekter", db=db).stdout)[0]["Prosjektnavn"].startswith("To\nlinjer")


def test_changes_csv_is_guarded_for_excel(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    first = tmp_path / "en.xlsx"
    write_export(first, {"prosjekter": frame("prosjekter", PROJECTS)})
    assert cli("load", first, db=db).returncode == 0
    assert cli("snapshot", "Møte", "--date", "2025-01-01", db=db).returncode == 0
    hostile = '\x01=HYPERLINK("http://x","Ola")'
    second = tmp_path / "Risiko.csv"
    quoted = '"' + hostile.replace('"', '""') + '"'
    second.write_text(
        f"Risiko-ID;Prosjekt-ID;Risiko;Sannsynlighet;Konsekvens\nR1;P1;{quoted};2;2\n",
        encoding="utf-8",
    )
    assert cli("load", second, db=db).returncode == 0
    table = rows(cli("changes", "--csv", db=db).stdout)
    assert [row["Tittel"] for row in table] == ["'" + hostile[1:]]


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (("load",), "dette mangler: FIL"),
        (("dump", "x"), "'x' er ikke et av valgene"),
        (("rollback", "x"), "'x' er ikke et gyldig tall"),
        (("versions", "ekstra"), "ukjent i kommandoen: ekstra"),
    ],
)
def test_usage_errors_and_help_are_norwegian(
    tmp_path: Path, arguments: tuple[str, ...], said: str
) -> None:
    done = cli(*arguments, "--db", str(tmp_path / "s.duckdb"))
    assert done.returncode == 2
    assert said in done.stderr
    assert "bruk: python -m lib.cli" in done.stderr
    assert "usage" not in done.stderr and "argument" not in done.stderr
    helped = cli(arguments[0], "--help")
    assert "vis denne hjelpen og avslutt" in helped.stdout
    assert "show this help" not in helped.stdout and "usage:" not in helped.stdout

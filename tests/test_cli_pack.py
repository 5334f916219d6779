"""`python -m lib.cli motepakke`: the format from the file's suffix, the meeting's basis or any
version, one project or several; exit 1 with a Norwegian message for an unknown meeting,
version or suffix."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
from pptx import Presentation

from lib.cli import main
from lib.demo import TODAY
from tests.fixtures import cli

SEPTEMBER = "Styringsgruppemøte september 2026"


def test_the_pack_as_a_pdf_from_a_whole_process(demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "pakke.pdf"
    done = cli("motepakke", target, "--meeting", SEPTEMBER, db=demo_db)
    assert done.returncode == 0, done.stderr
    assert "Møtepakken (PDF, versjon 6, 5 prosjekter) er skrevet til" in done.stdout
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(target).pages)
    assert SEPTEMBER in text and "Side 1 av" in text


def test_the_pack_as_slides_for_one_version_and_chosen_projects(
    demo_db: Path, tmp_path: Path, capsys
) -> None:
    target = tmp_path / "pakke.PPTX"
    code = main(
        [
            "motepakke",
            str(target),
            "--version",
            "6",
            "--project",
            "ASK-TM",
            "--project",
            "OTK-OU2",
            "--today",
            TODAY.isoformat(),
            "--db",
            str(demo_db),
        ]
    )
    assert code == 0
    assert "PowerPoint, versjon 6, 2 prosjekter" in capsys.readouterr().out
    deck = Presentation(io.BytesIO(target.read_bytes()))
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert "ASK-TM – Tillitsmodellen – Askøy" in titles
    assert "OTK-OU2 – OU del 2 – Østre Toten" in titles
    assert not any(title.startswith(("AMOT-ORG", "NTNU")) for title in titles)


def test_unknown_meeting_version_or_suffix_exit_1_in_norwegian(
    demo_db: Path, tmp_path: Path, capsys
) -> None:
    cases = [
        (["motepakke", str(tmp_path / "a.pdf"), "--meeting", "Ukjent"], "Fant ikke møtet «Ukjent»"),
        (["motepakke", str(tmp_path / "a.pdf"), "--version", "99"], "Versjon 99 finnes ikke"),
        (["motepakke", str(tmp_path / "a.docx")], "må slutte på .pdf eller .pptx"),
        (["motepakke", str(tmp_path / "a")], "ingen filendelse"),
    ]
    for args, message in cases:
        assert main([*args, "--db", str(demo_db)]) == 1
        assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())

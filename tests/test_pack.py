"""The meeting pack read back: the PDF's text (pypdf) and the slides' text (python-pptx)
compared with the data: every high risk, recommendation awaiting a decision, overdue
evaluation and decision; each project's lights; æøå, dates and numbers as Norwegians write
them; an older version's own data; PDF/A-2b; hostile text printed as it is; a reader's scope."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from pathlib import Path

import pypdf
import pytest
from pptx import Presentation
from pptx.util import Emu

from lib import agenda, decisions, meetings, queries, status
from lib.contract import EVALUATION_OVERDUE, STATUS_DIMENSIONS
from lib.demo import TODAY
from lib.pack import pdf as pack_pdf
from lib.pack import pptx as pack_pptx
from lib.pack.charts import LIGHT_COLOURS
from lib.pack.content import PackError, pack_content
from lib.pack.download import pack_download
from lib.quality import HIGH_RISK
from lib.queries import Filters
from tests.fixtures import TESTER, load, risk

SEPTEMBER = "Styringsgruppemøte september 2026"
LIGHT_WORDS = "Grønn|Gul|Rød|Ikke vurdert"


def normalised(text: str) -> str:
    """Extracted text with every kind of space as one space and no zero-width spaces."""
    text = text.replace("\u200b", "")
    text = "".join(" " if unicodedata.category(c) == "Zs" else c for c in text)
    return re.sub(r"\s+", " ", text)


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return normalised(" ".join(pdf_pages(data)))


def shape_texts(shape) -> list[str]:  # type: ignore[no-untyped-def]
    if shape.has_table:
        return [cell.text for row in shape.table.rows for cell in row.cells]
    return [shape.text_frame.text] if shape.has_text_frame else []


def slide_texts(data: bytes) -> list[str]:
    deck = Presentation(io.BytesIO(data))
    return [
        normalised(" ".join(text for shape in slide.shapes for text in shape_texts(shape)))
        for slide in deck.slides
    ]


@pytest.fixture(scope="module")
def latest(demo_database: Path):
    content = pack_content(demo_database, today=TODAY)
    return content, pack_pdf.pack_pdf(content), pack_pptx.pack_pptx(content)


def high_risk_titles(path: Path, version: int | None = None) -> list[str]:
    rows = queries.risk_view(path, Filters(version=version), min_score=HIGH_RISK).rows
    assert len(rows) > 5
    return list(rows["risiko"])


def awaiting_titles(path: Path) -> list[str]:
    rows = queries.recommendations(path, Filters(), with_counts=False).rows
    titles = list(rows[rows["vedtak"].isin(agenda.AWAITING_DECISIONS)]["anbefaling"])
    assert titles
    return titles


def overdue_titles(path: Path) -> list[str]:
    plan = queries.evaluations(path, Filters(), TODAY)
    titles = list(plan[plan["status"] == EVALUATION_OVERDUE]["anbefaling"])
    assert titles
    return titles


def test_the_pdf_holds_every_high_risk_recommendation_and_overdue_evaluation(
    latest, demo_database: Path
) -> None:
    _content, made, _slides = latest
    text = pdf_text(made)
    expected = [
        *high_risk_titles(demo_database),
        *awaiting_titles(demo_database),
        *overdue_titles(demo_database),
    ]
    missing = [title for title in expected if normalised(title) not in text]
    assert not missing


def test_the_slides_hold_every_high_risk_recommendation_and_overdue_evaluation(
    latest, demo_database: Path
) -> None:
    _content, _made, slides = latest
    text = " ".join(slide_texts(slides))
    expected = [
        *high_risk_titles(demo_database),
        *awaiting_titles(demo_database),
        *overdue_titles(demo_database),
    ]
    missing = [title for title in expected if normalised(title) not in text]
    assert not missing


def test_each_projects_page_shows_its_reported_lights(latest, demo_database: Path) -> None:
    _content, made, slides = latest
    board = status.status_board(demo_database, Filters(), TODAY)
    pages = [normalised(page) for page in pdf_pages(made)]
    deck = Presentation(io.BytesIO(slides))
    for row in board.to_dict("records"):
        heading = f"{row['prosjekt_id']} – {row['prosjektnavn']}"
        [page] = [page for page in pages if page.startswith(heading)]
        for key, name in STATUS_DIMENSIONS:
            found = re.search(rf"{name} ({LIGHT_WORDS})", page)
            assert found is not None and found.group(1) == (row[key] or "Ikke vurdert"), name
        # On the project's slide: one coloured shape per dimension, with the word on it.
        [slide] = [s for s in deck.slides if s.shapes.title.text == heading]
        lights = [
            shape
            for shape in slide.shapes
            if shape.has_text_frame and shape.text_frame.text in ("Grønn", "Gul", "Rød")
        ]
        assert [shape.text_frame.text for shape in lights] == [
            row[key] for key, _name in STATUS_DIMENSIONS if row[key]
        ]
        for shape in lights:
            assert f"#{shape.fill.fore_color.rgb}" == LIGHT_COLOURS[shape.text_frame.text]


def test_norwegian_letters_dates_and_numbers(latest) -> None:
    _content, made, slides = latest
    for text in (pdf_text(made), " ".join(slide_texts(slides))):
        assert "Økonomi" in text and "Tillitsmodellen – Askøy" in text
        assert "Ny administrativ organisering – Åmot" in text
        assert "16.11.2026" in text  # OTK-OU2's November report
        assert not re.search(r"\b2026-\d\d-\d\d\b", text)
        assert "1 800 000" in text  # OTK-OU2's budget, spaces between thousands
        assert "1800000" not in text and "1,800,000" not in text
        assert "85,7 %" in text  # a benefit's progress, with a decimal comma


def test_the_pdf_is_pdf_a_2b_with_page_numbers(latest) -> None:
    _content, made, _slides = latest
    reader = pypdf.PdfReader(io.BytesIO(made))
    metadata = reader.xmp_metadata
    assert metadata is not None
    assert (metadata.pdfaid_part, metadata.pdfaid_conformance) == ("2", "B")
    pages = pdf_pages(made)
    for number, page in enumerate(pages, start=1):
        assert f"Side {number} av {len(pages)}" in page


def test_the_slides_are_16_9_with_page_numbers_and_few_rows(latest) -> None:
    _content, _made, slides = latest
    deck = Presentation(io.BytesIO(slides))
    assert (deck.slide_width, deck.slide_height) == (Emu(12_192_000), Emu(6_858_000))
    texts = slide_texts(slides)
    for number, text in enumerate(texts, start=1):
        assert f"Side {number} av {len(texts)}" in text
    for slide in deck.slides:
        for shape in slide.shapes:
            assert shape.left + shape.width <= deck.slide_width, slide.shapes.title.text
            assert shape.top + shape.height <= deck.slide_height, slide.shapes.title.text
            if shape.has_table:
                assert len(shape.table.rows) <= pack_pptx.ROWS_PER_SLIDE + 1
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert "Høye risikoer (forts.)" in titles  # 13 high risks: more than one slide


def test_an_older_version_shows_its_own_data(latest, demo_database: Path) -> None:
    content, made, _slides = latest
    september = pack_content(demo_database, meeting=SEPTEMBER, today=TODAY)
    assert september.version == 6 and september.locked and content.version == 7
    old = pdf_text(pack_pdf.pack_pdf(september))
    new = pdf_text(made)
    # OTK-OU2 reported on 14.09.2026 for September, on 16.11.2026 for November.
    assert "14.09.2026" in old and "16.11.2026" not in old
    assert "16.11.2026" in new
    assert "Versjon 6 av 7, låst som møtegrunnlag" in old
    assert "Møtedato 24.09.2026" in old and SEPTEMBER in old
    # As of September the statuses are judged on the version's day.
    assert september.as_of == dt.date(2026, 9, 18)
    assert set(high_risk_titles(demo_database, 6)) <= {
        title for title in high_risk_titles(demo_database, 6) if normalised(title) in old
    }


def test_unknown_meeting_or_version_is_refused_in_norwegian(demo_database: Path) -> None:
    with pytest.raises(PackError, match="Fant ikke møtet «Finnes ikke»"):
        pack_content(demo_database, meeting="Finnes ikke", today=TODAY)
    with pytest.raises(PackError, match="Versjon 99 finnes ikke"):
        pack_content(demo_database, version=99, today=TODAY)


def test_a_reader_of_one_project_gets_only_that_project(demo_database: Path) -> None:
    content = pack_content(demo_database, readable={"ASK-TM"}, today=TODAY)
    assert content.project_ids == ("ASK-TM",)
    for made in (
        pdf_text(pack_pdf.pack_pdf(content)),
        " ".join(slide_texts(pack_pptx.pack_pptx(content))),
    ):
        assert "ASK-TM" in made
        for other in ("OTK-OU2", "AMOT-ORG", "NTNU-BOTT", "NTNU-BEVISST", "Østre Toten"):
            assert other not in made
    narrowed = pack_content(demo_database, projects=("OTK-OU2",), today=TODAY)
    assert narrowed.project_ids == ("OTK-OU2",)


def test_the_minutes_list_every_decision_of_the_meeting(demo_db_copy: Path) -> None:
    meeting = meetings.meeting_named(demo_db_copy, "Styringsgruppemøte desember 2026")
    assert meeting is not None
    rows = queries.recommendations(demo_db_copy, Filters(), with_counts=False).rows
    waiting = rows[rows["vedtak"].isin(agenda.AWAITING_DECISIONS)].head(2)
    texts = ["Vedtatt med tillegg: «budsjett» & 50 % – se vedlegg", "Utsettes til mars 2027"]
    for (project, recommendation), said in zip(
        waiting[["prosjekt_id", "anbefaling_id"]].itertuples(index=False), texts, strict=True
    ):
        decisions.record_decision(
            demo_db_copy,
            recommendation,
            "Støttes",
            actor=TESTER,
            project=project,
            vedtakstekst=said,
            meeting_id=meeting.id,
        )
    content = pack_content(demo_db_copy, meeting=meeting.name, today=TODAY)
    assert content.minutes is not None and content.minutes.title == "Vedtak i møtet så langt"
    for text in (
        pdf_text(pack_pdf.pack_pdf(content)),
        " ".join(slide_texts(pack_pptx.pack_pptx(content))),
    ):
        for said, title in zip(texts, waiting["anbefaling"], strict=True):
            assert said in text and title in text


HOSTILE = [
    '#let x = 1 #x *fet* _kursiv_ $a^2$ <etikett> @ref \\ ] [ } { // "sitat"',
    "=1+1",
    '=HYPERLINK("http://example.com","Ola")',
    '#import "/etc/passwd" ]) #panic("nei")',
]


def test_hostile_text_prints_literally_and_a_long_title_stays_on_the_page(
    tmp_path: Path,
) -> None:
    db = tmp_path / "fiendtlig.duckdb"
    long_title = "Svært lang risiko " + "uten-mellomrom-" * 20 + " og " + "ord " * 60
    project_name = "Prosjekt #æøå* $x$ <y> @z"
    loaded = load(
        db,
        tmp_path,
        "fiendtlig.xlsx",
        {
            "prosjekter": [{"prosjekt_id": "P1", "prosjektnavn": project_name}],
            "risiko": [
                *(risk(f"R{n}", 5, 4, risiko=text) for n, text in enumerate(HOSTILE, 1)),
                risk("R9", 5, 5, risiko=long_title.strip()),
            ],
        },
    )
    assert loaded.ok, loaded
    meetings.create_meeting(db, "Møte #1 *viktig* ] \\", dt.date(2026, 12, 1), actor=TESTER)
    content = pack_content(db, meeting="Møte #1 *viktig* ] \\", today=TODAY)
    made = pack_pdf.pack_pdf(content)
    text = pdf_text(made)
    for hostile in [*HOSTILE, project_name, "Møte #1 *viktig* ] \\"]:
        assert normalised(hostile) in text, hostile
    # Wrapped over lines (a break may fall inside the run without spaces): whole, in order.
    assert "".join(long_title.split()) in "".join(text.split())
    # The long title wraps within its cell: every line of text stays inside the page.
    reader = pypdf.PdfReader(io.BytesIO(made))
    width = float(reader.pages[0].mediabox.width)
    for page in reader.pages:
        right_edges: list[float] = []

        def visit(text, cm, tm, font, size, edges=right_edges):  # type: ignore[no-untyped-def]
            if text.strip():
                edges.append(tm[4] * cm[0] + cm[4])

        page.extract_text(visitor_text=visit)
        assert all(0 <= x < width for x in right_edges)
    slides = " ".join(slide_texts(pack_pptx.pack_pptx(content)))
    for hostile in [*HOSTILE, project_name]:
        assert normalised(hostile) in slides, hostile
    assert normalised(long_title)[: pack_pptx.LONGEST_CELL - 1].strip() in slides


def test_a_download_is_recorded_in_the_audit_trail(demo_db_copy: Path) -> None:
    from lib import access

    made = pack_download(
        demo_db_copy,
        "pdf",
        actor=TESTER,
        meeting=SEPTEMBER,
        readable={"ASK-TM", "OTK-OU2"},
        today=TODAY,
    )
    assert made.startswith(b"%PDF")
    lines = access.audit_trail(demo_db_copy, actions=("nedlasting",))
    assert len(lines) == 1
    line = lines.iloc[0]
    assert line["version"] == 6
    assert "motepakke-2026-09-24-v6.pdf" in line["detail"]
    assert "ASK-TM" in line["detail"] and "AMOT-ORG" not in line["detail"]


def test_a_long_section_shows_the_most_pressing_rows_and_says_how_many_more(
    tmp_path: Path,
) -> None:
    from lib.pack.content import MOST_ROWS

    db = tmp_path / "mange.duckdb"
    scores = [(5, 5), (5, 4), (4, 4), (4, 3), (3, 4)]
    loaded = load(
        db,
        tmp_path,
        "mange.xlsx",
        {
            "prosjekter": [{"prosjekt_id": "P1", "prosjektnavn": "Mange risikoer"}],
            "risiko": [
                risk(f"R{n}", *scores[n % len(scores)], risiko=f"Risiko nummer {n}")
                for n in range(1, MOST_ROWS + 8)
            ],
        },
    )
    assert loaded.ok, loaded
    content = pack_content(db, today=TODAY)
    [high] = [table for table in content.sections if table.key == "risiko"]
    assert len(high.rows) == MOST_ROWS
    assert f"Viser de {MOST_ROWS} første av {MOST_ROWS + 7} (høyest score først)" in high.note
    assert [row[3] for row in high.rows][:7] == ["25 (5×5)"] * 7  # the highest first
    text = pdf_text(pack_pdf.pack_pdf(content))
    assert f"Viser de {MOST_ROWS} første av {MOST_ROWS + 7}" in text

"""The meeting pack as slides: python-pptx on our 16:9 template (data/pakkemal.pptx, made by
lib/pack/template.py), for reading from the back of the room: large titles, few rows per
slide (a long table goes on over slides titled «(forts.)»), a page number on every slide, and
each light a coloured shape with its word on it, never colour alone."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence

from lib.charts import band_colours
from lib.pack import charts
from lib.pack.charts import LIGHT_COLOURS, NOT_ASSESSED
from lib.pack.content import Light, PackContent, ProjectPage, Table
from lib.pack.template import TEMPLATE

# Geometry, in inches, on a 13.333 × 7.5 slide.
LEFT = 0.6
WIDTH = 12.13
BODY_TOP = 1.45
BODY_BOTTOM = 6.85
TABLE_SIZE = 16  # points
NOTE_SIZE = 14
#: How many lines of table text fit under a slide's title (header row included).
LINES_PER_SLIDE = 13
#: At most this many rows on one slide, however short.
ROWS_PER_SLIDE = 8
#: Characters of 16-point text per inch of column (a conservative average).
CHARS_PER_INCH = 8.5
#: A cell's text is cut here on a slide (with «…»); the PDF has it whole.
LONGEST_CELL = 240
CONTINUED = " (forts.)"
LAYOUT_COVER, LAYOUT_TITLE_ONLY = 0, 5


def _inches(value: float) -> int:
    from pptx.util import Inches

    return int(Inches(value))


def _rgb(colour: str):  # type: ignore[no-untyped-def]
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(colour.lstrip("#").upper())


def shortened(text: str, longest: int = LONGEST_CELL) -> str:
    return text if len(text) <= longest else text[: longest - 1].rstrip() + "…"


def _lines(text: str, width_inches: float) -> int:
    per_line = max(1, int(width_inches * CHARS_PER_INCH))
    return sum(max(1, -(-len(part) // per_line)) for part in str(text).split("\n"))


def row_chunks(table: Table, widths: Sequence[float]) -> list[list[tuple]]:
    """The table's rows in slide-sized chunks: at most ROWS_PER_SLIDE rows and LINES_PER_SLIDE
    lines each (a row taller than that still gets a slide of its own), spread evenly over the
    slides they need (9 rows: 5 and 4, not 8 and 1)."""
    chunks = list(_greedy(table, widths, ROWS_PER_SLIDE))
    if len(chunks) > 1:
        even = list(_greedy(table, widths, -(-len(table.rows) // len(chunks))))
        if len(even) == len(chunks):
            return even
    return chunks


def _greedy(table: Table, widths: Sequence[float], most_rows: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    used = _lines(" ".join(table.columns), sum(widths))
    header = used
    for row in table.rows:
        height = max(
            _lines(shortened(cell.word if isinstance(cell, Light) else cell), width)
            for cell, width in zip(row, widths, strict=True)
        )
        if chunk and (len(chunk) >= most_rows or used + height > LINES_PER_SLIDE):
            yield chunk
            chunk, used = [], header
        chunk.append(row)
        used += height
    if chunk:
        yield chunk


class _Deck:
    """The presentation being drawn, with its slides' footer and numbers added at the end."""

    def __init__(self, content: PackContent) -> None:
        from pptx import Presentation

        self.content = content
        self.deck = Presentation(str(TEMPLATE))

    def slide(self, title: str, layout: int = LAYOUT_TITLE_ONLY):  # type: ignore[no-untyped-def]
        slide = self.deck.slides.add_slide(self.deck.slide_layouts[layout])
        slide.shapes.title.text = title
        if layout == LAYOUT_TITLE_ONLY:
            from pptx.util import Inches

            holder = slide.shapes.title
            holder.left, holder.top = Inches(LEFT), Inches(0.3)
            holder.width, holder.height = Inches(WIDTH), Inches(1.0)
            frame = holder.text_frame
            frame.word_wrap = True
            _fit_title(frame, title)
        return slide

    def text(  # type: ignore[no-untyped-def]
        self,
        slide,
        text: str,
        left: float,
        top: float,
        width: float,
        height: float,
        *,
        size: int = 18,
        bold: bool = False,
        colour: str = "111111",
    ):
        box = slide.shapes.add_textbox(_inches(left), _inches(top), _inches(width), _inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        for number, line in enumerate(text.split("\n")):
            paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = line
            _style(run, size, bold, colour)
        return box

    def finish(self) -> bytes:
        """Every slide gets the footer and «Side n av N»."""
        slides = list(self.deck.slides)
        footer = f"{self.content.title} · versjon {self.content.version}"
        for number, slide in enumerate(slides, start=1):
            self.text(slide, shortened(footer, 120), LEFT, 7.0, 9.0, 0.4, size=12, colour="555555")
            box = self.text(slide, f"Side {number} av {len(slides)}", 10.3, 7.0, 2.43, 0.4, size=14)
            from pptx.enum.text import PP_ALIGN

            box.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
        out = io.BytesIO()
        self.deck.save(out)
        return out.getvalue()


def _fit_title(frame, title: str) -> None:  # type: ignore[no-untyped-def]
    """A long title in smaller type, so it stays within its two lines."""
    from pptx.util import Pt

    size = 34 if len(title) <= 42 else 28 if len(title) <= 55 else 22 if len(title) <= 80 else 18
    shown = shortened(title, 150)
    frame.paragraphs[0].runs[0].text = shown
    frame.paragraphs[0].runs[0].font.size = Pt(size)


def _style(run, size: int, bold: bool, colour: str) -> None:  # type: ignore[no-untyped-def]
    from pptx.util import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = _rgb(colour)


def _light_shape(deck: _Deck, slide, light: Light, left: float, top: float, width: float) -> None:  # type: ignore[no-untyped-def]
    """A rounded shape in the light's colour with the word on it; «▲ Data: Rød» under it when
    the report is greener than its data."""
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN

    shape = slide.shapes.add_shape(
        MSO_SHAPE.ROUNDED_RECTANGLE, _inches(left), _inches(top), _inches(width), _inches(0.42)
    )
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(LIGHT_COLOURS.get(light.reported or "", NOT_ASSESSED))
    shape.line.color.rgb = _rgb("111111")
    frame = shape.text_frame
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.margin_left = frame.margin_right = 0
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.CENTER
    run = paragraph.add_run()
    run.text = light.word
    _style(run, 16 if light.reported else 12, True, "000000")
    if light.mark:
        deck.text(
            slide,
            "▲ " + light.mark,
            left - 0.05,
            top + 0.42,
            width + 0.3,
            0.3,
            size=11,
            bold=True,
            colour="8B2500",
        )


def _cover(deck: _Deck) -> None:
    from pptx.util import Inches, Pt

    content = deck.content
    slide = deck.slide(shortened(content.title, 120), LAYOUT_COVER)
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    title.left, title.top, title.width, title.height = (
        Inches(LEFT),
        Inches(1.0),
        Inches(WIDTH),
        Inches(1.6),
    )
    title.text_frame.word_wrap = True
    title.text_frame.paragraphs[0].runs[0].font.size = Pt(40 if len(content.title) <= 50 else 28)
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
        Inches(LEFT),
        Inches(2.7),
        Inches(WIDTH),
        Inches(0.7),
    )
    subtitle.text = content.subtitle
    for paragraph in subtitle.text_frame.paragraphs:
        paragraph.alignment = 1  # left
        for run in paragraph.runs:
            _style(run, 24, False, "444444")
    top = 3.7
    for label, value in content.cover:
        deck.text(slide, label, LEFT, top, 2.4, 0.45, size=18, bold=True)
        deck.text(slide, shortened(value, 110), LEFT + 2.4, top, WIDTH - 2.4, 0.45, size=18)
        top += 0.45


def _agenda(deck: _Deck) -> None:
    items = deck.content.agenda
    per_slide = 7
    for start in range(0, len(items), per_slide):
        title = "Saksliste" + (CONTINUED if start else "")
        slide = deck.slide(title)
        top = BODY_TOP
        # The widest number on the slide sets where the titles start: «2053.» needs an inch.
        numbers = [number for number, _title, _note in items[start : start + per_slide]]
        indent = 0.25 + 0.2 * max(len(number) for number in numbers)
        for number, item_title, note in items[start : start + per_slide]:
            deck.text(
                slide,
                number if number == "…" else f"{number}.",
                LEFT,
                top,
                indent,
                0.45,
                size=20,
                bold=True,
            )
            deck.text(
                slide,
                shortened(item_title, 110),
                LEFT + indent,
                top,
                WIDTH - indent,
                0.45,
                size=20,
                bold=True,
            )
            if note:
                deck.text(
                    slide,
                    shortened(note, 140),
                    LEFT + indent,
                    top + 0.38,
                    WIDTH - indent,
                    0.35,
                    size=14,
                    colour="444444",
                )
            top += 0.77


def _status(deck: _Deck) -> None:
    table = deck.content.status
    per_slide = 6
    name_width, date_width, light_width = 3.5, 1.75, 1.3
    gap = (WIDTH - name_width - date_width - 5 * light_width) / 5
    for start in range(0, max(len(table.rows), 1), per_slide):
        slide = deck.slide(table.title + (CONTINUED if start else ""))
        top = BODY_TOP
        x = LEFT + name_width + date_width
        for heading in table.columns[2:]:
            deck.text(slide, heading, x - 0.1, top, light_width + 0.3, 0.4, size=15, bold=True)
            x += light_width + gap
        deck.text(slide, "Prosjekt", LEFT, top, name_width, 0.4, size=15, bold=True)
        deck.text(slide, "Rapport", LEFT + name_width, top, date_width, 0.4, size=15, bold=True)
        top += 0.5
        if not table.rows:
            deck.text(slide, table.empty, LEFT, top, WIDTH, 0.5, size=18)
        for row in table.rows[start : start + per_slide]:
            project, reported, *lights = row
            deck.text(slide, shortened(str(project), 90), LEFT, top, name_width, 0.8, size=15)
            deck.text(slide, str(reported), LEFT + name_width, top, date_width, 0.8, size=14)
            x = LEFT + name_width + date_width
            for light in lights:
                _light_shape(deck, slide, light, x, top + 0.05, light_width)
                x += light_width + gap
            top += 0.85
        deck.text(slide, table.note, LEFT, 6.35, WIDTH, 0.55, size=12, colour="444444")


def _matrix(deck: _Deck) -> None:
    content = deck.content
    slide = deck.slide("Risikomatrise for porteføljen")
    picture = charts.matrix_image(content.matrix, "Alle prosjekter", "png")
    slide.shapes.add_picture(
        io.BytesIO(picture), _inches(LEFT), _inches(BODY_TOP), height=_inches(5.3)
    )
    deck.text(slide, content.movement, 7.6, BODY_TOP + 0.2, 5.1, 1.6, size=20, bold=True)
    deck.text(slide, content.matrix_text, 7.6, BODY_TOP + 2.0, 5.1, 2.0, size=16)


def _table(deck: _Deck, table: Table) -> None:
    scale = WIDTH / sum(table.widths)
    widths = [width * scale for width in table.widths]
    chunks = row_chunks(table, widths) or [[]]
    for number, rows in enumerate(chunks):
        slide = deck.slide(table.title + (CONTINUED if number else ""))
        top = BODY_TOP
        if table.note and number == 0:
            lines = _lines(table.note, WIDTH * 16 / NOTE_SIZE)  # smaller type: more per line
            deck.text(
                slide,
                table.note,
                LEFT,
                top - 0.1,
                WIDTH,
                0.3 * lines + 0.1,
                size=NOTE_SIZE,
                colour="444444",
            )
            top += 0.3 * lines + 0.1
        if not rows:
            deck.text(slide, table.empty, LEFT, top, WIDTH, 0.6, size=20)
            continue
        shape = slide.shapes.add_table(
            len(rows) + 1,
            len(table.columns),
            _inches(LEFT),
            _inches(top),
            _inches(WIDTH),
            _inches(0.4 * (len(rows) + 1)),
        )
        grid = shape.table
        for index, width in enumerate(widths):
            grid.columns[index].width = _inches(width)
        for column, heading in enumerate(table.columns):
            _cell_text(grid.cell(0, column), heading, bold=True)
        for line, row in enumerate(rows, start=1):
            for column, cell in enumerate(row):
                text = cell.word if isinstance(cell, Light) else cell
                _cell_text(grid.cell(line, column), shortened(str(text)))


def _cell_text(cell, text: str, *, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    cell.text = ""
    run = cell.text_frame.paragraphs[0].add_run()
    run.text = text
    _style(run, TABLE_SIZE, bold, "FFFFFF" if bold else "111111")
    cell.margin_top = cell.margin_bottom = _inches(0.04)


def _project(deck: _Deck, page: ProjectPage) -> None:
    slide = deck.slide(f"{page.id} – {page.name}")
    deck.text(slide, shortened(page.about, 120), LEFT, 1.25, 8.0, 0.4, size=14, colour="444444")
    if page.overall != "–":
        deck.text(slide, shortened(page.overall, 260), LEFT, 1.65, 8.1, 1.0, size=15)
    top = 2.75
    for heading, light, comment in page.lights:
        deck.text(slide, heading, LEFT, top + 0.03, 1.6, 0.45, size=16, bold=True)
        _light_shape(deck, slide, light, LEFT + 1.65, top, 1.3)
        said = comment
        if light.measured and light.measured != light.reported:
            said = f"{comment} (Data: {light.measured})" if comment else f"Data: {light.measured}"
        deck.text(slide, shortened(said, 110), LEFT + 3.15, top, 5.0, 0.75, size=13)
        top += 0.8
    _small_matrix(deck, slide, page)


def _small_matrix(deck: _Deck, slide, page: ProjectPage) -> None:  # type: ignore[no-untyped-def]
    names, colours = band_colours()
    colour_of = dict(zip(names, colours, strict=True))
    left, top = 9.0, 1.75
    deck.text(
        slide,
        f"Risikomatrise ({page.high_risks} høye)"
        if page.high_risks != 1
        else "Risikomatrise (1 høy)",
        left,
        top - 0.5,
        3.7,
        0.4,
        size=15,
        bold=True,
    )
    shape = slide.shapes.add_table(6, 6, _inches(left), _inches(top), _inches(3.6), _inches(3.0))
    grid = shape.table
    for column in range(6):
        grid.columns[column].width = _inches(0.6)
    for place, (counts, bands) in enumerate(zip(page.matrix, page.bands, strict=True)):
        _cell_text(grid.cell(place, 0), str(5 - place))
        for column, (number, band) in enumerate(zip(counts, bands, strict=True), start=1):
            cell = grid.cell(place, column)
            _cell_text(cell, str(number) if number else "", bold=False)
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(colour_of[band])
    _cell_text(grid.cell(5, 0), "")
    for column in range(1, 6):
        _cell_text(grid.cell(5, column), str(column))
    deck.text(
        slide,
        "Sannsynlighet opp, konsekvens bortover.",
        left,
        top + 3.05,
        3.7,
        0.35,
        size=11,
        colour="444444",
    )
    economy = "\n".join(f"{label}: {amount}" for label, amount in page.economy)
    deck.text(slide, economy, left, top + 3.5, 3.7, 1.2, size=15)


def pack_pptx(content: PackContent) -> bytes:
    """The pack as a .pptx file's bytes."""
    deck = _Deck(content)
    _cover(deck)
    _agenda(deck)
    _status(deck)
    _matrix(deck)
    _table(deck, content.sections[0])
    for page in content.projects:
        _project(deck, page)
    for table in content.sections[1:]:
        _table(deck, table)
    if content.minutes is not None:
        _table(deck, content.minutes)
    return deck.finish()

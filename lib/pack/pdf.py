"""The meeting pack as a PDF: lib/pack/pakke.typ compiled by typst, PDF/A-2b (fonts embedded,
text searchable), the data handed over as JSON (`sys.inputs`), never as markup."""

from __future__ import annotations

import json
import re
from pathlib import Path

from lib.charts import band_colours
from lib.pack import charts
from lib.pack.charts import LIGHT_COLOURS, NOT_ASSESSED
from lib.pack.content import Light, PackContent, ProjectPage, Table

TEMPLATE = Path(__file__).with_name("pakke.typ")
#: Sans-serif first, for reading at a distance; typst's own embedded fonts last, so a machine
#: without these still makes the PDF (offline: nothing is fetched).
FONTS = ["Liberation Sans", "DejaVu Sans", "Arial", "Libertinus Serif"]
#: Longer runs without a space get a break opportunity (a zero-width space) every this many
#: characters, so a long ID or address wraps inside its cell instead of running off the page.
LONGEST_RUN = 30
_LONG_RUN = re.compile(rf"\S{{{LONGEST_RUN + 1},}}")
ZERO_WIDTH_SPACE = "\u200b"


def breakable(text: str) -> str:
    return _LONG_RUN.sub(
        lambda run: ZERO_WIDTH_SPACE.join(
            run.group()[i : i + LONGEST_RUN] for i in range(0, len(run.group()), LONGEST_RUN)
        ),
        text,
    )


def _light(cell: Light) -> dict:
    return {
        "light": cell.word,
        "colour": LIGHT_COLOURS.get(cell.reported or "", NOT_ASSESSED),
        "mark": cell.mark,
    }


def _cell(cell: object) -> object:
    return _light(cell) if isinstance(cell, Light) else breakable(str(cell))


def _table(table: Table) -> dict:
    return {
        "title": table.title,
        "columns": list(table.columns),
        "rows": [[_cell(cell) for cell in row] for row in table.rows],
        "empty": table.empty,
        "widths": list(table.widths),
        "note": table.note,
    }


def _project(page: ProjectPage, colour_of: dict[str, str]) -> dict:
    about = page.about
    lights = []
    for heading, light, comment in page.lights:
        said = comment
        if light.measured and light.measured != light.reported:
            said = (
                f"{comment} (Data: {light.measured})".strip()
                if comment
                else f"Data: {light.measured}"
            )
        lights.append([heading, _light(light), breakable(said)])
    return {
        "id": breakable(page.id),
        "name": breakable(page.name),
        "about": about,
        "overall": breakable(page.overall) if page.overall != "–" else "",
        "lights": lights,
        "economy": [list(pair) for pair in page.economy],
        "grid": [
            {
                "label": str(5 - place),
                "cells": [
                    {"n": str(n) if n else "", "colour": colour_of[band]}
                    for n, band in zip(counts, bands, strict=True)
                ],
            }
            for place, (counts, bands) in enumerate(zip(page.matrix, page.bands, strict=True))
        ],
        "high": f"{page.high_risks} høye" if page.high_risks != 1 else "1 høy",
    }


def document_data(content: PackContent) -> dict:
    """What the template reads, as JSON-ready values."""
    names, colours = band_colours()
    return {
        "fonts": FONTS,
        "title": breakable(content.title),
        "subtitle": content.subtitle,
        "footer": breakable(f"{content.title} · versjon {content.version}"),
        "cover": [[label, breakable(value)] for label, value in content.cover],
        "agenda": [[n, breakable(title), breakable(note)] for n, title, note in content.agenda],
        "status": _table(content.status),
        "matrix_text": content.matrix_text,
        "movement": content.movement,
        "sections": [_table(table) for table in content.sections],
        "projects": [
            _project(page, dict(zip(names, colours, strict=True))) for page in content.projects
        ],
        "minutes": None if content.minutes is None else _table(content.minutes),
    }


def pack_pdf(content: PackContent) -> bytes:
    """The pack as PDF/A-2b bytes."""
    import typst

    matrix = charts.matrix_image(content.matrix, "Alle prosjekter", "svg").decode()
    return typst.compile(
        TEMPLATE.read_bytes(),
        format="pdf",
        pdf_standards="a-2b",
        sys_inputs={
            "data": json.dumps(document_data(content), ensure_ascii=False),
            "matrix": matrix,
        },
    )

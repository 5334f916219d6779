"""Counted figures in boxes, drawn as one HTML element (st.html) instead of a metric each.

Why: the browser's work on a rerun grows with the number of elements the page sends. A
Streamlit page of 150 short elements took 176 ms longer per filter change than the same page
with one (benchmarks/filter_round_trip.py's bare page, measured side by side), and Oversikt's
boxes were 90 of its 154 elements: a metric, a column and a row each. Drawn here, a row of
boxes is one element, its labels wrap instead of being cut, and the numbers are written the
Norwegian way (`3 206`), which st.metric does not do.

Every label and title is escaped: the text may come from the data.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from lib.numbers import number

#: Large figures on the projector (the theme's metricValueFontSize), labels that wrap, the
#: theme's border colour; boxes side by side that wrap to the next line on a narrow screen.
STYLE = """<style>
.tall-boksene {display: flex; flex-wrap: wrap; gap: 1rem; margin: 0 0 0.5rem 0;}
.tall-boks {flex: var(--bredde, 2) 1 calc(var(--bredde, 2) * 6.5rem); min-width: 0;
  box-sizing: border-box; border: 1px solid #8A96A3; border-radius: 0.5rem; padding: 0.75rem 1rem;}
.tall-boks.uten-ramme {border: none; padding: 0;}
.tall-tittel {font-weight: 700; margin: 0 0 0.4rem 0; font-size: 1rem;}
.tall-rad {display: flex; flex-wrap: wrap; gap: 0.4rem 1rem;}
/* A label on two lines keeps its number on the line of the others. */
.tall {flex: 1 1 5rem; min-width: 5rem; display: flex; flex-direction: column;
  justify-content: space-between;}
.tall-etikett {font-size: 0.875rem; line-height: 1.3; color: #111111;}
.tall[title] .tall-etikett {text-decoration: underline dotted; cursor: help;}
.tall-verdi {font-size: 3rem; font-weight: 700; line-height: 1.15; color: #111111;
  font-variant-numeric: tabular-nums; white-space: nowrap;}
.tall-merknad {font-size: 0.85rem; color: #333333; margin: 0.3rem 0 0 0;}
</style>"""


@dataclass(frozen=True)
class Figure:
    """One count: its label, its value, and what it counts (shown when pointed at; the label
    is then underlined with dots)."""

    label: str
    value: int
    help: str | None = None


@dataclass(frozen=True)
class Box:
    """A titled box of figures with a note under them; `width` is its share of a row."""

    title: str | None
    figures: Sequence[Figure]
    note: str | None = None
    width: int = 0  # 0: as many as its figures, two at least


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def figure_html(figure: Figure) -> str:
    """One figure: its label over its value. `data-tall`/`data-verdi` name them for tests."""
    hint = f' title="{_text(figure.help)}"' if figure.help else ""
    return (
        f'<div class="tall" data-tall="{_text(figure.label)}" data-verdi="{int(figure.value)}"'
        f"{hint}>"
        f'<div class="tall-etikett">{_text(figure.label)}</div>'
        f'<div class="tall-verdi">{_text(number(int(figure.value)))}</div></div>'
    )


def box_html(box: Box, *, framed: bool = True) -> str:
    """A box: title, figures side by side, note. Unframed inside a bordered Streamlit column."""
    width = box.width or max(len(box.figures), 2)
    title = f'<div class="tall-tittel">{_text(box.title)}</div>' if box.title else ""
    note = f'<p class="tall-merknad">{_text(box.note)}</p>' if box.note else ""
    figures = "".join(figure_html(figure) for figure in box.figures)
    label = f' role="group" aria-label="{_text(box.title)}"' if box.title else ""
    return (
        f'<section class="tall-boks{"" if framed else " uten-ramme"}" '
        f'style="--bredde: {width}"{label}>{title}<div class="tall-rad">{figures}</div>'
        f"{note}</section>"
    )


def show(boxes: Sequence[Box], *, framed: bool = True) -> None:
    """Boxes side by side (wrapping on a narrow screen), as one element."""
    inner = "".join(box_html(box, framed=framed) for box in boxes)
    st.html(f'{STYLE}<div class="tall-boksene">{inner}</div>')


def show_row(figures: Sequence[Figure], title: str | None = None) -> None:
    """Counts side by side in one bordered box (layout.metric_row draws with this)."""
    show([Box(title, figures, width=len(figures))])

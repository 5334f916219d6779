"""ui/figures.py: counted figures drawn as HTML. Data text is escaped, numbers are written the
Norwegian way, and tests can read each figure back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lib.numbers import number
from ui.figures import Box, Figure, box_html, figure_html


def test_a_label_from_the_data_is_text_never_markup() -> None:
    shown = box_html(
        Box('<img src=x onerror="alert(1)">', [Figure("<script>alert(1)</script>", 3, 'a"b')])
    )
    assert "<script>" not in shown and "<img" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert 'title="a&quot;b"' in shown


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_a_figure_is_written_the_norwegian_way(value: int) -> None:
    shown = figure_html(Figure("Antall", value))
    assert f'data-verdi="{value}"' in shown
    assert f'<div class="tall-verdi">{number(value)}</div>' in shown


def test_thousands_are_grouped_with_a_space_that_does_not_break() -> None:
    assert ">3\u00a0206<" in figure_html(Figure("Rader", 3206))


def test_a_box_is_as_wide_as_its_figures_and_at_least_two() -> None:
    one = box_html(Box("Vedtak", [Figure("Fattet", 1)]))
    six = box_html(Box("Risiko", [Figure(str(index), index) for index in range(6)]))
    assert "--bredde: 2" in one and "--bredde: 6" in six
    assert 'aria-label="Vedtak"' in one
    assert "uten-ramme" in box_html(Box(None, [Figure("A", 1)]), framed=False)

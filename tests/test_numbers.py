"""lib.numbers: numbers written the Norwegian way, and sortable as text."""

from __future__ import annotations

import numpy as np
import pandas as pd
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from lib import numbers


def test_a_number_has_a_decimal_comma_and_spaces_between_thousands() -> None:
    assert numbers.number(88.5, 1) == "88,5"
    assert numbers.number(1234567.891, 2) == "1\u00a0234\u00a0567,89"
    assert numbers.number(-1500, 0) == "-1\u00a0500"


@given(
    value=st.one_of(
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
        st.integers(min_value=-(10**15), max_value=10**15),
        st.sampled_from([0.5, 1.5, 2.5, -0.5, 2.675, 0.125, 1e-9, -0.0, 999.995]),
    ),
    decimals=st.integers(min_value=0, max_value=numbers.MOST_DECIMALS),
)
def test_a_number_is_written_as_babel_writes_it_for_bokmal(value: float, decimals: int) -> None:
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    assert numbers.number(value, decimals) == format_decimal(
        value, format=pattern, locale=numbers.LOCALE
    )


def test_numbers_from_a_table_are_written_like_python_numbers() -> None:
    # A column's values come from numpy: float64, int64 and pandas' nullable integers.
    assert numbers.number(np.float64(1234.5), 1) == "1\u00a0234,5"
    assert numbers.number(np.int64(-20000)) == "-20\u00a0000"
    assert numbers.number(pd.array([12345], dtype="Int64")[0]) == "12\u00a0345"


def test_a_column_uses_the_decimals_it_needs_and_no_more() -> None:
    assert numbers.decimals_needed(pd.Series([1.0, 2.0, None])) == 0
    assert numbers.decimals_needed(pd.Series([1.5, 2.0])) == 1
    assert numbers.decimals_needed(pd.Series([1.25, 2.123456])) == 2


def test_sorting_the_text_sorts_the_numbers() -> None:
    values = pd.Series([88.5, 1234.25, None, 9.0, 10.5, 0.0, 12000.0])
    texts = numbers.column_text(values)
    shown = [text for text in texts if text is not None]
    assert len({len(text) for text in shown}) == 1  # one width: the text sorts as the numbers
    # The table compares text as the browser does (localeCompare), which puts every space
    # before every digit, as U+0020 is before them in code points.
    spaces_first = {ord(numbers.FIGURE_SPACE): " ", ord(numbers.GROUP_SEPARATOR): " "}
    ordered = sorted(shown, key=lambda text: text.translate(spaces_first))
    assert ordered == [texts[i] for i in values.dropna().sort_values().index]
    assert texts[2] is None
    assert [numbers.parse(text) for text in shown] == [88.5, 1234.25, 9.0, 10.5, 0.0, 12000.0]


def test_only_numbers_a_language_would_write_differently_become_text() -> None:
    assert numbers.wants_text(pd.Series([1.5]))
    assert numbers.wants_text(pd.Series([12_000, 3]))
    assert not numbers.wants_text(pd.Series([1, 25, 9_999]))
    assert not numbers.wants_text(pd.Series([True, False]))
    assert not numbers.wants_text(pd.Series(["88.5"]))

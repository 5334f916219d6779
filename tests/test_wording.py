"""Norwegian counts: singular for one, plural otherwise."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lib import wording


def test_one_row_and_many_rows():
    assert [wording.rows(n) for n in (0, 1, 2, 40)] == ["0 rader", "1 rad", "2 rader", "40 rader"]


@given(st.integers(min_value=0, max_value=10**9))
def test_a_count_is_the_number_and_the_right_form(number):
    text = wording.count(number, "risiko", "risikoer")
    assert text == f"{number} " + ("risiko" if number == 1 else "risikoer")

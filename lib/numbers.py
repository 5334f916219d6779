"""Numbers written the Norwegian way, whatever the reader's browser language: `1 234,5`.

Streamlit's tables format numbers in the browser's locale (`88.5` in an English browser) and
offer no fixed locale, so the tables show such columns as text made here. The text is padded
on the left with figure spaces (as wide as a digit) to one width per column, so that sorting
the text, as the table does, sorts the numbers: a space sorts before every digit.
"""

from __future__ import annotations

import math

import pandas as pd
from babel.numbers import format_decimal

#: The locale every number is written in, whatever the reader's browser says.
LOCALE = "nb_NO"
#: Between thousands: a space that never breaks a number over two lines.
GROUP_SEPARATOR = "\u00a0"
DECIMAL_MARK = ","
#: As wide as a digit: pads a column's numbers to one width.
FIGURE_SPACE = "\u2007"
#: The most decimals a table shows.
MOST_DECIMALS = 2


def number(value: float, decimals: int = 0) -> str:
    """`1 234,5` for (1234.5, 1): Norwegian bokmål as CLDR writes it (babel), the group
    separator a no-break space, a decimal comma."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def decimals_needed(values: pd.Series, most: int = MOST_DECIMALS) -> int:
    """The fewest decimals (at most `most`) that show every value as it is to `most` places."""
    finite = [float(value) for value in values.dropna() if math.isfinite(float(value))]
    for decimals in range(most):
        if all(round(value, decimals) == round(value, most) for value in finite):
            return decimals
    return most


def column_text(values: pd.Series) -> pd.Series:
    """A column of numbers as Norwegian text, one width for the whole column; empty stays
    empty (None). Sorting the text sorts the numbers, negative ones excepted."""
    decimals = decimals_needed(values)
    texts = [
        None if pd.isna(value) or not math.isfinite(float(value)) else number(value, decimals)
        for value in values
    ]
    width = max((len(text) for text in texts if text is not None), default=0)
    padded = [None if text is None else text.rjust(width, FIGURE_SPACE) for text in texts]
    return pd.Series(padded, index=values.index, dtype=object, name=values.name)


def wants_text(values: pd.Series) -> bool:
    """Whether a table must show the column as Norwegian text: decimals, or thousands (from
    10 000, as Norwegian leaves four-digit numbers whole)."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        return False
    if pd.api.types.is_float_dtype(dtype):
        return True
    largest = values.abs().max()
    return bool(pd.notna(largest) and largest >= 10_000)


def parse(text: str | None) -> float | None:
    """The number a `column_text` cell shows (None for an empty one): the way back, for
    tests and for reading a copied cell."""
    if text is None:
        return None
    plain = text.replace(FIGURE_SPACE, "").replace(GROUP_SEPARATOR, "").replace(DECIMAL_MARK, ".")
    return float(plain)

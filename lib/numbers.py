"""Numbers written the Norwegian way, whatever the reader's browser language: `1 234,5`.

Streamlit's tables format numbers in the browser's locale (`88.5` in an English browser) and
offer no fixed locale, so the tables show such columns as text made here. The text is padded
on the left with figure spaces (as wide as a digit) to one width per column, so that sorting
the text, as the table does, sorts the numbers: a space sorts before every digit.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
from babel.numbers import get_decimal_symbol, get_group_symbol

#: The locale every number is written in, whatever the reader's browser says.
LOCALE = "nb_NO"
#: Between thousands: a space that never breaks a number over two lines (CLDR's, via babel).
GROUP_SEPARATOR = get_group_symbol(LOCALE)
DECIMAL_MARK = get_decimal_symbol(LOCALE)
#: Python's own grouped format ("1,234.5") into the locale's symbols.
_TO_LOCALE = str.maketrans({",": GROUP_SEPARATOR, ".": DECIMAL_MARK})
#: As wide as a digit: pads a column's numbers to one width.
FIGURE_SPACE = "\u2007"
#: The most decimals a table shows.
MOST_DECIMALS = 2


def number(value: float, decimals: int = 0) -> str:
    """`1 234,5` for (1234.5, 1): Norwegian bokmål as CLDR writes it, the group separator a
    no-break space, a decimal comma.

    The same text as babel's `format_decimal(value, "#,##0.0…", locale=LOCALE)` (a property
    test holds them equal), rounded half to even from the decimal the value prints as, but
    made by Python's own formatting: a table of 20,000 numbers is written on every rerun,
    and babel's pattern engine took some 50 µs per number, a quarter of a second per page.
    """
    return format(Decimal(str(value)), f",.{decimals}f").translate(_TO_LOCALE)


def _as_floats(values: pd.Series) -> np.ndarray:
    """The column as float64, NaN where it is empty (NaN, None, pd.NA)."""
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def decimals_needed(values: pd.Series, most: int = MOST_DECIMALS) -> int:
    """The fewest decimals (at most `most`) that show every value as it is to `most` places."""
    floats = _as_floats(values)
    finite = floats[np.isfinite(floats)]
    rounded = np.round(finite, most)
    for decimals in range(most):
        if np.array_equal(np.round(finite, decimals), rounded):
            return decimals
    return most


def column_text(values: pd.Series) -> pd.Series:
    """A column of numbers as Norwegian text, one width for the whole column; empty stays
    empty (None). Sorting the text sorts the numbers, negative ones excepted."""
    decimals = decimals_needed(values)
    shown = np.isfinite(_as_floats(values)).tolist()
    # Each value as it is (an integer beyond 2**53 stays exact), the empty ones skipped.
    texts = [
        number(value, decimals) if ok else None
        for value, ok in zip(values.tolist(), shown, strict=True)
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

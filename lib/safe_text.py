"""Text from the data made safe where it leaves the app: in a spreadsheet (the formula guard)
and on a terminal (control characters shown, never obeyed).

Data is stored exactly as uploaded; these functions are applied only on the way out, so
`dump` (exact data for machines) can leave them out.
"""

from __future__ import annotations

import re

#: What Excel (and LibreOffice) may take for the start of a formula; tab and carriage return
#: too, since some import a cell's leading tab or CR and then read what follows.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Control characters: C0 (but tab, line feed and carriage return), DEL and C1. A terminal may
#: obey them (ESC starts an escape sequence, 0x9B is CSI on its own); a spreadsheet may skip
#: them when it decides whether a cell is a formula.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

#: Invisible characters that change how a line reads but not what it says: zero widths,
#: direction marks, embeddings, overrides and isolates, and the byte-order mark.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")

#: Direction embeddings, overrides and isolates: they reverse how the text after them reads.
_DIRECTION = re.compile("[\u202a-\u202e\u2066-\u2069]")

#: On a terminal every control character is shown, tab and line breaks too (a line break in
#: a cell would pass for a new line of output), and so are the invisible ones.
_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")

#: A plain number Excel reads as a number, never a formula: `-3`, `+2,5`, `-1 234.5`.
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d\u00a0 ]*(?:[.,]\d+)?")


def strip_controls(text: str) -> str:
    """`text` without control characters (tab and line breaks stay)."""
    return _CONTROL.sub("", text)


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could run `text` as a formula.

    Judged on the text as a spreadsheet may see it: control and invisible characters and
    leading spaces dropped first, so `\\x01=HYPERLINK(…)` or ` =1+1` is caught too.
    """
    seen = _INVISIBLE.sub("", strip_controls(text)).lstrip(" \u00a0\n")
    return seen.startswith(FORMULA_PREFIXES)


def csv_cell(value: object) -> object:
    """One value for a CSV file meant to be opened in Excel: control characters and direction
    overrides dropped, and text that could run as a formula prefixed with `'`, so it shows as
    typed and never runs. A plain number such as `-3` is left as it is (Excel reads it as the
    number)."""
    if not isinstance(value, str):
        return value
    text = _DIRECTION.sub("", strip_controls(value))
    if looks_like_formula(text) and not _PLAIN_NUMBER.fullmatch(text.strip()):
        return "'" + text
    return text


_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _visible(match: re.Match[str]) -> str:
    character = match.group()
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_text(text: object, *, keep_lines: bool = False) -> str:
    """`text` for a terminal: every control or invisible character shown as an escape
    (`\\x1b`, `\\u202e`), so data cannot clear the screen, set the window title, hide or
    reverse what follows. `keep_lines` keeps line feeds and tabs (the command line's own
    multi-line messages); a value from the data keeps none."""
    text = str(text)
    if keep_lines:
        return "".join(
            part if part in ("\n", "\t") else _TERMINAL.sub(_visible, part)
            for part in re.split(r"([\n\t])", text)
        )
    return _TERMINAL.sub(_visible, text)

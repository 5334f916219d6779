"""Small pieces of Norwegian wording shared by the command line, the exports and the pages."""

from __future__ import annotations


def count(number: int, one: str, many: str) -> str:
    """`1 rad`, `2 rader`: a number with the word in singular or plural."""
    return f"{number} {one if number == 1 else many}"


def rows(number: int) -> str:
    """`1 rad`, `40 rader`."""
    return count(number, "rad", "rader")

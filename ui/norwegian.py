"""Streamlit's own English, in Norwegian where Streamlit has no setting for it.

The file uploader writes «Upload» on its button and «50MB per file • XLSX, …» under it, with no
option to change either. A style sheet (st.html with only a <style>, which Streamlit puts on
the page without taking room) hides those words, from the screen and from screen readers, and
shows Norwegian ones in their place. What cannot be reached this way is listed in the report
«English that remains» in the README.
"""

from __future__ import annotations

import streamlit as st

from lib.read.limits import MAX_FILE_BYTES

UPLOAD_BUTTON = "Velg fil"


def upload_limit(types: list[str]) -> str:
    """`Høyst 50 MB per fil · .xlsx, .csv`: what the uploader accepts, in Norwegian."""
    megabytes = MAX_FILE_BYTES // (1024 * 1024)
    return f"Høyst {megabytes} MB per fil · " + ", ".join(f".{kind}" for kind in types)


def _css_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def file_uploader_text(types: list[str]) -> None:
    """Norwegian words on every file uploader on this page (call once, before them)."""
    zone = "[data-testid='stFileUploaderDropzone']"
    button = f"{zone} [data-testid='stBaseButton-secondary'] [data-testid='stMarkdownContainer']"
    limit = f"{zone} [data-testid='stFileUploaderDropzoneInstructions'] > div"
    # The English is not drawn (display: none also hides it from screen readers); the
    # Norwegian is generated content of its container, which is shown and read.
    st.html(
        "<style>"
        f"{button} > p {{ display: none; }}"
        f"{button}::after {{ content: {_css_text(UPLOAD_BUTTON)}; }}"
        f"{limit} > span {{ display: none; }}"
        f"{limit}::after {{ content: {_css_text(upload_limit(types))}; }}"
        "</style>"
    )

"""User text made safe for Streamlit's markdown."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape(text: object) -> str:
    """User text made safe for st.markdown and labels: every markdown character escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))

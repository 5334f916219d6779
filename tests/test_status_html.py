"""The lights drawn as HTML (ui/status.py) never let text from the data become markup."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from lib import status
from ui import status as lights

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & «æøå»'


def _row() -> dict:
    row: dict[str, object] = {column: None for column in status.BOARD_COLUMNS}
    row.update(
        prosjekt_id="P<1>",
        prosjektnavn=HOSTILE,
        rapportdato=pd.Timestamp("2026-11-16"),
        utdatert=False,
        rapportert_av=HOSTILE,
        overordnet_status=HOSTILE,
        avvik=1,
        verste="Rød",
    )
    for dimension, _heading in status.DIMENSIONS:
        row.update(
            {
                dimension: "Grønn",
                f"{dimension}_kommentar": HOSTILE,
                f"{dimension}_malt": "Rød",
                f"{dimension}_grunn": HOSTILE,
                f"{dimension}_gronnere": True,
            }
        )
    return row


def test_board_and_dimensions_escape_every_value_from_the_data() -> None:
    board = pd.DataFrame([_row()], columns=status.BOARD_COLUMNS)
    for drawn in (
        lights.board_html(board, dt.date(2026, 9, 24)),
        lights.dimensions_html(_row()),
    ):
        assert "<script" not in drawn and "<img" not in drawn
        assert "&lt;script&gt;" in drawn and "æøå" in drawn
    assert "P&lt;1&gt;" in lights.board_html(board, None)

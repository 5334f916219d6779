"""A list longer than a page needs: its first rows on screen, said so, every row downloadable
(ui/layout.table's `most`)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page() -> None:
    import pandas as pd

    from ui import layout

    rows = pd.DataFrame({"ID": [f"F{index}" for index in range(1, 2501)], "Tekst": "x"})
    layout.table(rows, "funn", key="lang", most=200)
    layout.table(rows.head(150), "kort", key="kort", most=200)


def test_a_long_list_shows_its_first_rows_and_says_so() -> None:
    app = AppTest.from_function(_page, default_timeout=60).run()
    assert not app.exception
    long, short = (table.value for table in app.dataframe)
    assert long["ID"].tolist() == [f"F{index}" for index in range(1, 201)]
    assert len(short) == 150
    said = [caption.value for caption in app.caption]
    assert said == ["Viser de første 200 av 2\u00a0500 rader; Excel-filen under listen har alle."]
    # The download counts every row of the list, not those on screen.
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels == ["Last ned som Excel (2500 rader)", "Last ned som Excel (150 rader)"]

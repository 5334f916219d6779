"""The pages' own Altair charts (lib.charts), rendered without a browser by vl-convert: SVG for
the PDF, PNG for the slides.

vl-convert runs Vega in an embedded JavaScript engine and draws text with the fonts it finds on
the machine (it fetches nothing: `allowed_base_urls=[]` also forbids any data URL). Its engine
takes most of a second to start, once per process; `warm_up` starts it on a thread while the
data is read (the conversion releases the GIL).
"""

from __future__ import annotations

import threading

import altair as alt
import pandas as pd

from lib import charts
from lib.contract import GREEN, RED, YELLOW

#: The width of the portfolio matrix in the pack (pixels at 1×; the page's is its container's).
MATRIX_WIDTH = 560
MATRIX_HEIGHT = 420
#: The slides' picture resolution: twice the chart's pixels, sharp on a projector.
PNG_SCALE = 2

#: The lights' colours: the colour-blind-safe kin of the risk bands' (lib.charts), always drawn
#: with the word (Grønn, Gul, Rød) on them.
LIGHT_COLOURS = {
    GREEN: charts.BAND_COLOURS["green"],
    YELLOW: charts.BAND_COLOURS["yellow"],
    RED: charts.BAND_COLOURS["red"],
}
#: A light not assessed: white, with «Ikke vurdert».
NOT_ASSESSED = "#FFFFFF"

_warming: threading.Thread | None = None


def _tiny() -> dict:
    return {
        "data": {"values": [{"a": 1}]},
        "mark": "point",
        "encoding": {"x": {"field": "a", "type": "quantitative"}},
    }


def warm_up() -> None:
    """Start vl-convert's engine on a thread (idempotent); the first render then waits less."""
    global _warming
    if _warming is None:
        import vl_convert

        _warming = threading.Thread(target=vl_convert.vegalite_to_svg, args=(_tiny(),), daemon=True)
        _warming.start()


def _spec(chart: alt.TopLevelMixin) -> dict:
    return chart.to_dict(validate=False)


def matrix_chart(matrix: pd.DataFrame, title: str = "Risikomatrise") -> alt.TopLevelMixin:
    """The risk page's matrix (lib.charts.risk_matrix), sized for a page instead of a screen's
    container."""
    return charts.risk_matrix(matrix, title=title).properties(
        width=MATRIX_WIDTH, height=MATRIX_HEIGHT
    )


def to_svg(chart: alt.TopLevelMixin) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(_spec(chart), allowed_base_urls=[])


def to_png(chart: alt.TopLevelMixin) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(_spec(chart), scale=PNG_SCALE, allowed_base_urls=[])

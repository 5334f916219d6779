"""The pages' own Altair charts (lib.charts), rendered without a browser by vl-convert: SVG for
the PDF, PNG for the slides.

vl-convert runs Vega in an embedded JavaScript engine and draws text with the fonts installed
on the machine; it fetches nothing (`allowed_base_urls=[]` also refuses any data URL). Its
engine takes about half a second to start, once per process, and holds the interpreter while
it does: starting it on a thread gains nothing, and a helper process that drew the chart
while the data was read was slower on a busy two-core machine (benchmarks/pack.py), so the
chart is drawn in this process, after the data is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lib.charts import BAND_COLOURS
from lib.contract import GREEN, RED, YELLOW

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

#: The width of the portfolio matrix in the pack (pixels at 1×; the page's is its container's).
MATRIX_WIDTH = 560
MATRIX_HEIGHT = 420
#: The slides' picture resolution: twice the chart's pixels, sharp on a projector.
PNG_SCALE = 2
#: The lights' colours: the colour-blind-safe kin of the risk bands', always drawn with the word
#: (Grønn, Gul, Rød) on them.
LIGHT_COLOURS = {
    GREEN: BAND_COLOURS["green"],
    YELLOW: BAND_COLOURS["yellow"],
    RED: BAND_COLOURS["red"],
}
#: A light not assessed: white, with «Ikke vurdert».
NOT_ASSESSED = "#FFFFFF"


def matrix_chart(matrix: pd.DataFrame, title: str = "Risikomatrise") -> alt.TopLevelMixin:
    """The risk page's matrix (lib.charts.risk_matrix), sized for a page instead of a screen's
    container."""
    from lib import charts

    return charts.risk_matrix(matrix, title=title).properties(
        width=MATRIX_WIDTH, height=MATRIX_HEIGHT
    )


def _render(spec: dict, kind: str) -> bytes:
    import vl_convert

    if kind == "svg":
        return vl_convert.vegalite_to_svg(spec, allowed_base_urls=[]).encode()
    return vl_convert.vegalite_to_png(spec, scale=PNG_SCALE, allowed_base_urls=[])


def matrix_image(matrix: pd.DataFrame, title: str, kind: str) -> bytes:
    """The portfolio matrix as SVG (`kind` "svg") or PNG ("png") bytes."""
    return _render(matrix_chart(matrix, title).to_dict(validate=False), kind)

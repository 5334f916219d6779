"""The pages' own Altair charts (lib.charts), rendered without a browser by vl-convert: SVG for
the PDF, PNG for the slides.

vl-convert runs Vega in an embedded JavaScript engine and draws text with the fonts installed
on the machine; it fetches nothing (`allowed_base_urls=[]` also refuses any data URL). Where
its engine runs (a child started early, or this process) is lib/pack/engine.py's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lib.charts import BAND_COLOURS
from lib.contract import GREEN, RED, YELLOW
from lib.pack import engine

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


def matrix_image(matrix: pd.DataFrame, title: str, kind: str) -> bytes:
    """The portfolio matrix as SVG (`kind` "svg") or PNG ("png") bytes."""
    spec = matrix_chart(matrix, title).to_dict(validate=False)
    return engine.draw(spec, kind, PNG_SCALE)

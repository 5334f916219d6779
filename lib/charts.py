"""DataFrames in, Altair charts and their text alternatives out. No I/O, no Streamlit.

Every chart is made for a shared screen: large type, the colour-blind-safe Okabe–Ito palette,
and meaning never carried by colour alone (counts are written in the cells, statuses also
differ in shape, series also differ in dash). Each chart has a `describe_*` sentence in
Norwegian, used as its text alternative, and the page shows the frame it was drawn from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import altair as alt
import pandas as pd

from lib.contract import (
    BENEFIT_TYPES,
    CONSEQUENCE_LABELS,
    DECISIONS,
    EVALUATION_DONE,
    EVALUATION_OVERDUE,
    EVALUATION_PLANNED,
    EVALUATION_SOON,
    GREEN,
    LIGHT_ORDER,
    MILESTONE_DONE,
    MILESTONE_LATE,
    MILESTONE_ON_TRACK,
    PROBABILITY_LABELS,
    RED,
    RISK_BANDS,
    STATUS_DIMENSIONS,
    YELLOW,
)
from lib.numbers import number
from lib.wording import count

Bands = tuple[tuple[int, str, str], ...]

#: Okabe–Ito, distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#6B6B6B",
}
#: The contract names band colours plainly; on screen they become their colour-blind-safe kin.
BAND_COLOURS = {
    "green": OKABE_ITO["bluish_green"],
    "yellow": OKABE_ITO["yellow"],
    "red": OKABE_ITO["vermillion"],
    "orange": OKABE_ITO["orange"],
    "blue": OKABE_ITO["blue"],
}
EVALUATION_STYLE: dict[str, tuple[str, str]] = {  # status -> (colour, shape)
    EVALUATION_OVERDUE: (OKABE_ITO["vermillion"], "triangle-up"),
    EVALUATION_SOON: (OKABE_ITO["orange"], "diamond"),
    EVALUATION_PLANNED: (OKABE_ITO["blue"], "circle"),
    EVALUATION_DONE: (OKABE_ITO["bluish_green"], "square"),
}
MILESTONE_STYLE: dict[str, tuple[str, str]] = {
    MILESTONE_LATE: (OKABE_ITO["vermillion"], "triangle-up"),
    MILESTONE_ON_TRACK: (OKABE_ITO["blue"], "circle"),
    MILESTONE_DONE: (OKABE_ITO["bluish_green"], "square"),
}
#: A traffic light on screen: its colour and its mark (the worst with the triangle, as a late
#: milestone); the word is always written beside them, so colour never carries it alone.
LIGHT_STYLE: dict[str, tuple[str, str]] = {
    GREEN: (OKABE_ITO["bluish_green"], "●"),
    YELLOW: (OKABE_ITO["yellow"], "◆"),
    RED: (OKABE_ITO["vermillion"], "▲"),
}
#: A light not assessed (an empty cell in the Status sheet).
NOT_ASSESSED = "Ikke vurdert"
NOT_ASSESSED_STYLE: tuple[str, str] = ("#FFFFFF", "–")
#: The mark of a report greener than its own data.
GREENER_MARK = "⚠"
#: The three dates of a milestone, each with its own shape.
MILESTONE_DATES: dict[str, str] = {
    "Planlagt": "circle",
    "Prognose": "diamond",
    "Fullført": "square",
}
#: Where a milestone not done is expected (its line ends there; no point is drawn).
EXPECTED = "Forventet"
#: The series of a benefit's trend: (colour, dash).
TREND_STYLE: dict[str, tuple[str, list[int]]] = {
    "Målt": (OKABE_ITO["blue"], [1, 0]),
    "Planlagt bane": (OKABE_ITO["orange"], [10, 6]),
    "Nullpunkt": (OKABE_ITO["grey"], [2, 4]),
    "Mål": (OKABE_ITO["bluish_green"], [6, 3]),
}
_MONTHS = "['jan','feb','mar','apr','mai','jun','jul','aug','sep','okt','nov','des']"
#: Time-axis labels in Norwegian: "mai 2026" on the first of a month, else "15. mai".
DATE_LABEL_EXPR = (
    f"date(datum.value) == 1 ? {_MONTHS}[month(datum.value)] + ' ' + year(datum.value)"
    f" : date(datum.value) + '. ' + {_MONTHS}[month(datum.value)]"
)
FONT_SIZE = 16
#: The longest timeline a screen can show legibly; the rest is in the list below it.
MAX_TIMELINE_ROWS = 40
#: How strongly a completed milestone shows: present, but behind what is late or upcoming.
DONE_OPACITY = 0.35


def _date_axis() -> alt.Axis:
    return alt.Axis(labelExpr=DATE_LABEL_EXPR, labelAngle=0, labelOverlap=True)


#: Large type and plain axes for the back of a meeting room. Built once and set as the chart's
#: config: Altair's `configure_*` methods each deep-copy the whole chart, which took some
#: 100 ms of a timeline's 170 on every filter change.
_SCREEN_CONFIG = alt.Config(
    axis=alt.AxisConfig(
        labelFontSize=FONT_SIZE,
        titleFontSize=FONT_SIZE + 2,
        labelColor="#111111",
        titleColor="#111111",
        labelLimit=360,
    ),
    legend=alt.LegendConfig(
        labelFontSize=FONT_SIZE,
        titleFontSize=FONT_SIZE,
        labelColor="#111111",
        titleColor="#111111",
        symbolSize=200,
        labelLimit=320,
    ),
    title=alt.TitleConfig(fontSize=FONT_SIZE + 4, anchor="start", color="#111111"),
    view=alt.ViewConfig(strokeWidth=0),
)


def _shared_screen(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart (just made by its caller, so set in place) with the meeting-room config."""
    chart.config = _SCREEN_CONFIG
    return chart


# --- Risk matrix ------------------------------------------------------------------------------


def band_colours(bands: Bands = RISK_BANDS) -> tuple[list[str], list[str]]:
    """Band names in order and their screen colours, for a colour scale."""
    ordered = sorted(bands, key=lambda band: band[0])
    return [name for _, name, _ in ordered], [
        BAND_COLOURS.get(colour, colour) for _, _, colour in ordered
    ]


def band_legend(bands: Bands = RISK_BANDS) -> list[str]:
    """`Lav (1–4)`, `Middels (5–9)`, `Høy (10–25)`."""
    ordered = sorted(bands, key=lambda band: band[0])
    labels = []
    for index, (lowest, name, _colour) in enumerate(ordered):
        highest = ordered[index + 1][0] - 1 if index + 1 < len(ordered) else 25
        labels.append(f"{name} ({lowest}–{highest})")
    return labels


def matrix_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """The matrix's numbers with readable axis labels, for the chart and its table."""
    frame = matrix.copy()
    frame["sannsynlighet_tekst"] = [
        f"{value} {PROBABILITY_LABELS[int(value)][0]}" for value in frame["sannsynlighet"]
    ]
    frame["konsekvens_tekst"] = [
        f"{value} {CONSEQUENCE_LABELS[int(value)][0]}" for value in frame["konsekvens"]
    ]
    return frame


def risk_matrix(
    matrix: pd.DataFrame,
    *,
    bands: Bands = RISK_BANDS,
    title: str = "Risikomatrise",
    selected: tuple[int, int] | None = None,
) -> alt.LayerChart:
    """A 5×5 matrix: konsekvens across, sannsynlighet up, the count written in every cell.

    Clicking a cell selects it (selection parameter `celle`, fields sannsynlighet and
    konsekvens), so the page can narrow its list to that cell.
    """
    data = matrix_table(matrix)
    names, colours = band_colours(bands)
    legend_labels = dict(zip(names, band_legend(bands), strict=True))
    x_order = [f"{v} {CONSEQUENCE_LABELS[v][0]}" for v in range(1, 6)]
    y_order = [f"{v} {PROBABILITY_LABELS[v][0]}" for v in range(5, 0, -1)]
    cell = alt.selection_point(
        name="celle",
        fields=["sannsynlighet", "konsekvens"],
        on="click",
        clear="dblclick",
        value=[{"sannsynlighet": selected[0], "konsekvens": selected[1]}] if selected else None,
    )
    x = alt.X(
        "konsekvens_tekst:O",
        sort=x_order,
        title="Konsekvens",
        # The number over its label, and never a label dropped: on a narrow projector screen
        # Vega-Lite would otherwise hide every other consequence.
        axis=alt.Axis(
            labelAngle=0,
            orient="bottom",
            labelFontWeight="bold",
            labelOverlap=False,
            labelExpr="[slice(datum.label, 0, 1), slice(datum.label, 2)]",
        ),
    )
    y = alt.Y(
        "sannsynlighet_tekst:O",
        sort=y_order,
        title="Sannsynlighet",
        axis=alt.Axis(labelFontWeight="bold"),
    )
    tooltip = [
        alt.Tooltip("sannsynlighet_tekst:N", title="Sannsynlighet"),
        alt.Tooltip("konsekvens_tekst:N", title="Konsekvens"),
        alt.Tooltip("score:Q", title="Score"),
        alt.Tooltip("band:N", title="Nivå"),
        alt.Tooltip("antall:Q", title="Antall risikoer"),
    ]
    label_expr = " : ".join(f"datum.label == '{name}' ? '{legend_labels[name]}'" for name in names)
    base = alt.Chart(data).encode(x=x, y=y, tooltip=tooltip)
    cells = base.mark_rect(stroke="#111111", cursor="pointer").encode(
        color=alt.Color(
            "band:N",
            scale=alt.Scale(domain=names, range=colours),
            title="Nivå (score = S × K)",
            # Above the matrix, not beside it: the cells get the width, and the consequence
            # labels under them («Ubetydelig», «Liten») stay apart on a 1280-pixel screen.
            legend=alt.Legend(
                orient="top", direction="horizontal", labelExpr=f"{label_expr} : datum.label"
            ),
        ),
        strokeWidth=alt.condition(cell, alt.value(5), alt.value(1)),
        opacity=alt.condition(cell, alt.value(1.0), alt.value(0.45)),
    )
    counts = base.mark_text(fontSize=30, fontWeight="bold", color="#000000").encode(
        text=alt.Text("antall:Q")
    )
    chart = (cells + counts).add_params(cell).properties(title=title, height=520)
    return _shared_screen(chart)


def describe_matrix(
    matrix: pd.DataFrame, bands: Bands = RISK_BANDS, name: str = "Risikomatrise"
) -> str:
    """The matrix in one Norwegian sentence: how many risks, per band, and the fullest cell."""
    total = int(matrix["antall"].sum())
    if total == 0:
        return f"{name}: tom, ingen risikoer med de valgte filtrene."
    names, _ = band_colours(bands)
    per_band = matrix.groupby("band")["antall"].sum()
    parts = [f"{int(per_band.get(name, 0))} {name.lower()}" for name in reversed(names)]
    fullest = matrix.sort_values(["antall", "score"], ascending=False).iloc[0]
    return (
        f"{name} med {count(total, 'risiko', 'risikoer')}: {', '.join(parts)}. "
        f"Flest i cellen sannsynlighet {int(fullest.sannsynlighet)}, "
        f"konsekvens {int(fullest.konsekvens)} ({int(fullest.antall)})."
    )


# --- Benefits ---------------------------------------------------------------------------------


def benefit_trend_data(benefit: pd.Series | dict, measured: pd.DataFrame) -> pd.DataFrame:
    """The trend's numbers, long: serie, dato, verdi.

    Målt: every measurement. Planlagt bane: a straight line from Nullpunkt at the baseline
    date to Målverdi at Måldato. Nullpunkt and Mål: horizontal lines over the whole period.
    """
    get = benefit.get
    rows: list[dict[str, object]] = [
        {"serie": "Målt", "dato": row.dato, "verdi": float(row.verdi)}
        for row in measured.itertuples(index=False)
    ]
    start, end = _date(get("nullpunktdato_brukt")), _date(get("maldato"))
    baseline, target = _number(get("nullpunkt")), _number(get("malverdi"))
    dates = [d for d in (start, end, *(_date(r["dato"]) for r in rows)) if d is not None]
    first, last = (min(dates), max(dates)) if dates else (None, None)
    if start is not None and end is not None and baseline is not None and target is not None:
        rows += [
            {"serie": "Planlagt bane", "dato": start, "verdi": baseline},
            {"serie": "Planlagt bane", "dato": end, "verdi": target},
        ]
    if first is not None and last is not None:
        for name, value in (("Nullpunkt", baseline), ("Mål", target)):
            if value is not None:
                rows += [
                    {"serie": name, "dato": first, "verdi": value},
                    {"serie": name, "dato": last, "verdi": value},
                ]
    frame = pd.DataFrame(rows, columns=["serie", "dato", "verdi"])
    frame["dato"] = pd.to_datetime(frame["dato"])
    return frame


def benefit_trend(
    data: pd.DataFrame, *, title: str, unit: str | None = None, qualitative: bool = False
) -> alt.LayerChart:
    """Measurements as a line with points, against the planned path, baseline and target."""
    series = [name for name in TREND_STYLE if name in set(data["serie"])]
    colour = alt.Color(
        "serie:N",
        scale=alt.Scale(domain=series, range=[TREND_STYLE[name][0] for name in series]),
        title=None,
        legend=alt.Legend(orient="top"),
    )
    dash = alt.StrokeDash(
        "serie:N",
        scale=alt.Scale(domain=series, range=[TREND_STYLE[name][1] for name in series]),
        legend=None,
    )
    y_title = "Verdi (skala 1–5)" if qualitative else (f"Verdi ({unit})" if unit else "Verdi")
    y_scale = alt.Scale(domain=[1, 5]) if qualitative else alt.Scale(zero=False)
    x = alt.X("dato:T", title="Dato", axis=_date_axis())
    y = alt.Y("verdi:Q", title=y_title, scale=y_scale)
    tooltip = [
        alt.Tooltip("serie:N", title="Serie"),
        _date_tooltip("dato", "Dato"),
        alt.Tooltip("verdi:Q", title="Verdi", format=",.1f"),
    ]
    lines = (
        alt.Chart(data)
        .mark_line(strokeWidth=4)
        .encode(x=x, y=y, color=colour, strokeDash=dash, tooltip=tooltip)
    )
    points = (
        alt.Chart(data)
        .transform_filter(alt.datum.serie == "Målt")
        .mark_point(size=180, filled=True, shape="circle", color=TREND_STYLE["Målt"][0])
        .encode(x=x, y=y, tooltip=tooltip)
    )
    chart = (lines + points).properties(title=title, height=380)
    return _shared_screen(chart)


def describe_trend(benefit: pd.Series | dict) -> str:
    get = benefit.get
    name = str(get("gevinst") or get("gevinst_id"))
    latest = _number(get("siste_verdi"))
    if latest is None:
        return f"Gevinsten «{name}» er ikke målt ennå."
    parts = [f"Gevinsten «{name}»: siste måling {_fmt(latest)}"]
    latest_date = _date(get("siste_dato"))
    if latest_date:
        parts[-1] += f" ({latest_date:%d.%m.%Y})"
    if _number(get("nullpunkt")) is not None:
        parts.append(f"nullpunkt {_fmt(_number(get('nullpunkt')))}")
    if _number(get("malverdi")) is not None:
        parts.append(f"mål {_fmt(_number(get('malverdi')))}")
    if _number(get("planlagt_verdi")) is not None:
        parts.append(f"planlagt nå {_fmt(_number(get('planlagt_verdi')))}")
    return ", ".join(parts) + f". Status: {get('status')}."


# --- Decisions --------------------------------------------------------------------------------


def decision_bars(counts: pd.DataFrame) -> alt.LayerChart:
    """One bar per decision, in the contract's order, the count written at the bar's end."""
    order = list(DECISIONS)
    y = alt.Y("vedtak:N", sort=order, title=None, axis=alt.Axis(labelFontWeight="bold"))
    x = alt.X("antall:Q", title="Antall anbefalinger", axis=alt.Axis(tickMinStep=1))
    bars = alt.Chart(counts).mark_bar(color=OKABE_ITO["blue"]).encode(x=x, y=y)
    text = (
        alt.Chart(counts)
        .mark_text(align="left", dx=6, fontSize=FONT_SIZE + 2, fontWeight="bold")
        .encode(x=x, y=y, text="antall:Q")
    )
    return _shared_screen((bars + text).properties(title="Vedtak", height=300))


def describe_decisions(counts: pd.DataFrame) -> str:
    total = int(counts["antall"].sum())
    if total == 0:
        return "Ingen anbefalinger med de valgte filtrene."
    parts = [f"{row.vedtak}: {int(row.antall)}" for row in counts.itertuples(index=False)]
    return f"{count(total, 'anbefaling', 'anbefalinger')}. " + "; ".join(parts) + "."


# --- Timelines --------------------------------------------------------------------------------


def _today_rule(today: dt.date, label: str) -> alt.LayerChart:
    frame = pd.DataFrame({"dato": [pd.Timestamp(today)], "tekst": [label]})
    rule = (
        alt.Chart(frame)
        .mark_rule(color="#111111", strokeWidth=3, strokeDash=[8, 4])
        .encode(x="dato:T")
    )
    label = (
        alt.Chart(frame)
        # Above the plot, not in its first row: a marker there would cover it.
        .mark_text(
            align="left", baseline="bottom", dx=6, dy=-4, fontSize=FONT_SIZE, fontWeight="bold"
        )
        .encode(x="dato:T", y=alt.value(0), text="tekst:N")
    )
    return rule + label


def timeline_rows(frame: pd.DataFrame, urgent: Sequence[str], date_column: str) -> pd.DataFrame:
    """At most MAX_TIMELINE_ROWS rows, urgent statuses first, then by date; in list order."""
    if len(frame) <= MAX_TIMELINE_ROWS:
        return frame
    rank = frame["status"].map({status: index for index, status in enumerate(urgent)})
    ordered = frame.assign(_rank=rank.fillna(len(urgent))).sort_values(["_rank", date_column])
    return ordered.head(MAX_TIMELINE_ROWS).drop(columns="_rank").sort_index()


def evaluation_timeline_data(plan: pd.DataFrame) -> pd.DataFrame:
    """The timeline's rows: one per planned evaluation with a due date."""
    dated = plan[plan["frist"].notna()]
    dated = timeline_rows(dated, (EVALUATION_OVERDUE, EVALUATION_SOON), "frist")
    return pd.DataFrame(
        {
            "rad": [
                _label(f"{p} · {a} {t}", 48)
                for p, a, t in zip(
                    dated["prosjekt_id"], dated["anbefaling_id"], dated["anbefaling"], strict=True
                )
            ],
            "frist": pd.to_datetime(dated["frist"]),
            "evaluering": [f"{int(m)} mnd" for m in dated["evaluering"]],
            "status": dated["status"],
        }
    )


def evaluation_timeline(
    data: pd.DataFrame, today: dt.date, today_label: str = "I dag"
) -> alt.LayerChart:
    """Due dates on a time axis, one row per recommendation, status as colour and shape."""
    statuses = _statuses_shown(data, EVALUATION_STYLE)
    points = (
        alt.Chart(data)
        .mark_point(size=320, filled=True, opacity=1)
        .encode(
            x=alt.X("frist:T", title="Frist", axis=_date_axis()),
            y=_TIMELINE_ROW,
            color=_status_colour(statuses, EVALUATION_STYLE),
            shape=_shapes("status", {s: EVALUATION_STYLE[s][1] for s in statuses}, "Status"),
            tooltip=[
                alt.Tooltip("rad:N", title="Anbefaling"),
                alt.Tooltip("evaluering:N", title="Evaluering"),
                _date_tooltip("frist", "Frist"),
                alt.Tooltip("status:N", title="Status"),
            ],
        )
    )
    return _timeline(points, data, today, today_label, "Evalueringsplan")


def describe_statuses(frame: pd.DataFrame, what: str, order: Sequence[str]) -> str:
    """`12 evalueringer: 3 Forfalt, 2 Snart, …` in the vocabulary's order."""
    if frame.empty:
        return f"Ingen {what} med de valgte filtrene."
    counts = frame["status"].value_counts()
    parts = [f"{int(counts[s])} {s.lower()}" for s in order if s in counts.index]
    return f"{len(frame)} {what}: " + ", ".join(parts) + "."


def milestones_in_meeting_order(milestones: pd.DataFrame) -> pd.DataFrame:
    """Late first, then on track, then completed; within each by the date that matters
    (expected for those not done, completed for the done ones, the latest first)."""
    rank = (
        milestones["status"]
        .map({MILESTONE_LATE: 0, MILESTONE_ON_TRACK: 1, MILESTONE_DONE: 2})
        .fillna(1)
    )
    done = milestones["status"] == MILESTONE_DONE
    ordered = milestones.assign(
        _rank=rank,
        _expected=pd.to_datetime(milestones["forventet"]).where(~done),
        # The done ones latest first: what was just finished matters more than last year's.
        _done=pd.to_datetime(milestones["fullfort"]).where(done),
    ).sort_values(
        ["_rank", "_expected", "_done"],
        ascending=[True, True, False],
        na_position="last",
        kind="stable",
    )
    return ordered.drop(columns=["_rank", "_expected", "_done"])


def milestone_timeline_data(milestones: pd.DataFrame) -> pd.DataFrame:
    """The timeline's rows, long: one per milestone and date kind (Planlagt, Prognose, Fullført),
    late milestones first, then those on track, then the completed ones."""
    shown = timeline_rows(milestones, (MILESTONE_LATE, MILESTONE_ON_TRACK), "planlagt")
    shown = milestones_in_meeting_order(shown)
    rows = []
    for row in shown.itertuples(index=False):
        label = _label(f"{row.prosjekt_id} · {row.milepael_id} {row.milepael}", 48)
        dates = [row.planlagt, row.prognose, row.fullfort]
        kinds = list(MILESTONE_DATES)
        # Not done: the line runs on to the expected date (never before today).
        if pd.isna(row.fullfort) and not any(row.forventet == d for d in dates if not pd.isna(d)):
            dates.append(row.forventet)
            kinds.append(EXPECTED)
        for kind, value in zip(kinds, dates, strict=True):
            if not pd.isna(value):
                rows.append(
                    {
                        "rad": label,
                        "dato": value,
                        "dato_type": kind,
                        "status": row.status,
                        "avvik_dager": row.avvik_dager,
                    }
                )
    frame = pd.DataFrame(rows, columns=["rad", "dato", "dato_type", "status", "avvik_dager"])
    frame["dato"] = pd.to_datetime(frame["dato"])
    return frame


def milestone_timeline(
    data: pd.DataFrame, today: dt.date, today_label: str = "I dag"
) -> alt.LayerChart:
    """Planned, forecast and done dates per milestone, joined by a line; status as colour."""
    colour = _status_colour(_statuses_shown(data, MILESTONE_STYLE), MILESTONE_STYLE)
    kinds = list(MILESTONE_DATES)
    x = alt.X("dato:T", title="Dato", axis=_date_axis())
    # Completed milestones faded: they are the record, not what the meeting acts on.
    faded = alt.condition(
        alt.datum.status == MILESTONE_DONE, alt.value(DONE_OPACITY), alt.value(1.0)
    )
    spans = (
        alt.Chart(data)
        .mark_line(strokeWidth=4)
        .encode(x=x, y=_TIMELINE_ROW, color=colour, detail="rad:N", opacity=faded)
    )
    points = (
        alt.Chart(data)
        .transform_filter(alt.FieldOneOfPredicate(field="dato_type", oneOf=kinds))
        .mark_point(size=300, filled=True, stroke="#111111", strokeWidth=1)
        .encode(
            x=x,
            y=_TIMELINE_ROW,
            color=colour,
            opacity=faded,
            # Below the plot: the status legend is above it, and both in one row are cut.
            shape=_shapes("dato_type", MILESTONE_DATES, "Dato", orient="bottom"),
            tooltip=[
                alt.Tooltip("rad:N", title="Milepæl"),
                alt.Tooltip("dato_type:N", title="Dato"),
                _date_tooltip("dato", "Dato"),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("avvik_dager:Q", title="Avvik (dager)"),
            ],
        )
    )
    return _timeline(spans + points, data, today, today_label, "Milepæler")


# --- Timelines ---------------------------------------------------------------------------------

_TIMELINE_ROW = alt.Y("rad:N", title=None, sort=None)


def _statuses_shown(data: pd.DataFrame, style: dict[str, tuple[str, str]]) -> list[str]:
    """The statuses present, in the style's order (all of them for an empty chart's legend)."""
    present = set(data["status"])
    return [status for status in style if status in present] or list(style)


def _status_colour(statuses: list[str], style: dict[str, tuple[str, str]]) -> alt.Color:
    return alt.Color(
        "status:N",
        scale=alt.Scale(domain=statuses, range=[style[s][0] for s in statuses]),
        title="Status",
        legend=alt.Legend(orient="top"),
    )


def _shapes(field: str, shape_of: dict[str, str], title: str, orient: str = "top") -> alt.Shape:
    """A shape per value of `field`, in the order of `shape_of`; the legend above or below the
    plot (beside it, it takes the width a 1280-pixel screen needs for the dates)."""
    return alt.Shape(
        f"{field}:N",
        scale=alt.Scale(domain=list(shape_of), range=list(shape_of.values())),
        title=title,
        legend=alt.Legend(orient=orient),
    )


def _date_tooltip(field: str, title: str) -> alt.Tooltip:
    return alt.Tooltip(f"{field}:T", title=title, format="%d.%m.%Y")


def _timeline(
    marks: alt.TopLevelMixin, data: pd.DataFrame, today: dt.date, today_label: str, title: str
) -> alt.LayerChart:
    """A timeline's marks with the today rule, one readable row per entry."""
    height = max(220, 34 * data["rad"].nunique())
    chart = (marks + _today_rule(today, today_label)).properties(
        title=title,
        height=height,
        # The width follows the page, the height is the plot's own: fitted into a fixed height
        # with the legends and title, rows would be squeezed until Vega drops every other
        # row's name.
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )
    return _shared_screen(chart)


# --- Helpers ----------------------------------------------------------------------------------


def _label(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _date(value: object) -> dt.date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def _number(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def _fmt(value: float | None) -> str:
    """A number the Norwegian way: 1 234,5."""
    if value is None:
        return "–"
    text = f"{value:,.1f}" if value != int(value) else f"{int(value):,}"
    return text.replace(",", " ").replace(".", ",")


def is_qualitative(benefit_type: object) -> bool:
    return benefit_type == BENEFIT_TYPES[1]


# --- Status reports ---------------------------------------------------------------------------


def light_text(light: object) -> str:
    """`▲ Rød`: a light's mark and word (`– Ikke vurdert` when it is not assessed)."""
    if light in LIGHT_STYLE:
        return f"{LIGHT_STYLE[str(light)][1]} {light}"
    return f"{NOT_ASSESSED_STYLE[1]} {NOT_ASSESSED}"


def _day(value: object) -> str:
    return f"{pd.Timestamp(value):%d.%m.%Y}"


def lights_over_time_data(history: pd.DataFrame) -> pd.DataFrame:
    """One row per report and dimension (the Status sheet's rows of one project, oldest
    first): the report's date, the dimension's heading, the light (or «Ikke vurdert»), its
    mark and word, and the comment."""
    rows = []
    for report in history.to_dict("records"):
        for order, (dimension, heading) in enumerate(STATUS_DIMENSIONS):
            light = report.get(dimension)
            assessed = light in LIGHT_STYLE
            comment = report.get(f"{dimension}_kommentar")
            rows.append(
                {
                    "rapportdato": _day(report["rapportdato"]),
                    "dato": pd.Timestamp(report["rapportdato"]),
                    "omrade": heading,
                    "rekkefolge": order,
                    "lys": light if assessed else NOT_ASSESSED,
                    "tekst": light_text(light),
                    "kommentar": comment if isinstance(comment, str) else "",
                }
            )
    columns = ["rapportdato", "dato", "omrade", "rekkefolge", "lys", "tekst", "kommentar"]
    return pd.DataFrame(rows, columns=columns)


def lights_over_time_chart(data: pd.DataFrame) -> alt.LayerChart:
    """A heat strip: one column per report (by date), one row per dimension, each cell in the
    light's colour with its mark and word written in it; the comment in the tooltip."""
    dates = list(dict.fromkeys(data.sort_values("dato")["rapportdato"]))
    order = [heading for _, heading in STATUS_DIMENSIONS]
    lights = [*LIGHT_ORDER, NOT_ASSESSED]
    colours = [*(LIGHT_STYLE[light][0] for light in LIGHT_ORDER), NOT_ASSESSED_STYLE[0]]
    x = alt.X(
        "rapportdato:O",
        sort=dates,
        title=None,
        axis=alt.Axis(labelAngle=0, orient="top"),
    )
    y = alt.Y("omrade:N", sort=order, title=None)
    tooltip = [
        alt.Tooltip("rapportdato:N", title="Rapportdato"),
        alt.Tooltip("omrade:N", title="Område"),
        alt.Tooltip("lys:N", title="Lys"),
        alt.Tooltip("kommentar:N", title="Kommentar"),
    ]
    cells = (
        alt.Chart(data)
        .mark_rect(stroke="#6B6B6B", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color("lys:N", scale=alt.Scale(domain=lights, range=colours), legend=None),
            tooltip=tooltip,
        )
    )
    words = (
        alt.Chart(data)
        .mark_text(fontSize=FONT_SIZE, color="#111111")
        .encode(x=x, y=y, text="tekst:N", tooltip=tooltip)
    )
    return _shared_screen(
        (cells + words).properties(
            height=46 * len(order),
            title="Lysene over tid",
            # The width follows the page, the height is the rows' own (as a timeline's).
            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        )
    )


def describe_lights_over_time(data: pd.DataFrame) -> str:
    """`3 rapporter, 18.06.2026–18.11.2026. Siste (18.11.2026): Fremdrift Grønn, …`"""
    if data.empty:
        return "Ingen statusrapporter."
    dates = list(dict.fromkeys(data.sort_values("dato")["rapportdato"]))
    latest = data[data["rapportdato"] == dates[-1]]
    lights = ", ".join(f"{row.omrade} {row.lys}" for row in latest.itertuples(index=False))
    span = dates[0] if len(dates) == 1 else f"{dates[0]}–{dates[-1]}"
    return f"{count(len(dates), 'rapport', 'rapporter')}, {span}. Siste ({dates[-1]}): {lights}."


#: The economy of a report: (column, heading) in the order a reader compares them.
ECONOMY_FIGURES: tuple[tuple[str, str], ...] = (
    ("budsjett", "Budsjett"),
    ("palopt", "Påløpt"),
    ("prognose", "Prognose"),
)


def kroner(value: object) -> str:
    """`2 500 000 kr`; `–` when there is no figure."""
    found = _number(value)
    return "–" if found is None else f"{number(found)} kr"


def economy_data(report: dict | pd.Series) -> pd.DataFrame:
    """Budsjett, Påløpt and Prognose of one report: heading, kroner, and the text written."""
    rows = [
        {
            "post": heading,
            "kroner": _number(report.get(column)),
            "tekst": kroner(report.get(column)),
        }
        for column, heading in ECONOMY_FIGURES
    ]
    return pd.DataFrame(rows, columns=["post", "kroner", "tekst"])


def economy_chart(data: pd.DataFrame) -> alt.LayerChart:
    """Three bars (budget, spent, forecast), the amount written at each bar's end; a forecast
    over budget in vermillion, with the budget's end marked as a rule across."""
    order = [heading for _, heading in ECONOMY_FIGURES]
    figures = dict(zip(data["post"], data["kroner"], strict=True))
    budget, forecast = figures.get("Budsjett"), figures.get("Prognose")
    over = budget is not None and forecast is not None and not pd.isna(budget) and forecast > budget
    colours = [
        OKABE_ITO["blue"],
        OKABE_ITO["sky_blue"],
        OKABE_ITO["vermillion"] if over else OKABE_ITO["bluish_green"],
    ]
    top = max(
        [value for value in figures.values() if value is not None and not pd.isna(value)] or [1]
    )
    y = alt.Y("post:N", sort=order, title=None, axis=alt.Axis(labelFontWeight="bold"))
    x = alt.X(
        "kroner:Q",
        title=None,
        # Room at the right for the longest amount written after its bar.
        scale=alt.Scale(domain=[0, top * 2.1]),
        axis=None,  # the amounts are written at the bars' ends, the Norwegian way
    )
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=alt.Color("post:N", scale=alt.Scale(domain=order, range=colours), legend=None),
            tooltip=[alt.Tooltip("post:N", title="Post"), alt.Tooltip("tekst:N", title="Kroner")],
        )
    )
    text = (
        alt.Chart(data)
        .mark_text(align="left", dx=6, fontSize=FONT_SIZE, fontWeight="bold", color="#111111")
        .encode(x=x, y=y, text="tekst:N")
    )
    return _shared_screen(
        (bars + text).properties(
            height=150,
            title="Økonomi",
            autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        )
    )


def describe_economy(data: pd.DataFrame) -> str:
    """`Budsjett 2 500 000 kr, påløpt 1 250 000 kr, prognose 2 400 000 kr.`"""
    parts = [f"{row.post.lower()} {row.tekst}" for row in data.itertuples(index=False)]
    text = ", ".join(parts)
    return text[:1].upper() + text[1:] + "."

"""Traffic lights on a page: each light as a coloured mark WITH its word (never colour alone),
a report's date with «Utdatert» or «Ingen rapport», and the mark of a report greener than its
own data (⚠, with the data's light and why). Oversikt and Status draw them with these.

The lights are HTML (st.html): a table of lights whose cells wrap fits the projector screen,
where a data grid would cut or scroll them. Every value from the data is escaped.
"""

from __future__ import annotations

import html

import pandas as pd

from lib import status
from lib.charts import GREENER_MARK, LIGHT_STYLE, NOT_ASSESSED, NOT_ASSESSED_STYLE, light_text
from lib.contract import RED

STALE = "Utdatert"
NO_REPORT = "Ingen rapport"
#: Said of a dimension the data does not measure (Kvalitet).
NOT_MEASURED = "Måles ikke i dataene"

#: The lights' look: readable on a projector (large, bold, dark text on the Okabe–Ito colours).
STYLE = """<style>
.lys-tabell {border-collapse: collapse; width: 100%; font-size: 0.95rem; line-height: 1.35;}
.lys-tabell th {text-align: left; font-weight: 600; padding: 0.3rem 0.4rem;
  border-bottom: 2px solid #6B6B6B;}
.lys-tabell td {padding: 0.35rem 0.4rem; border-bottom: 1px solid #D0D0D0; vertical-align: top;}
.lys {display: inline-block; padding: 0.05rem 0.5rem; border-radius: 0.8rem; font-weight: 700;
  color: #111111; border: 1px solid #6B6B6B; white-space: nowrap;}
.lys-gronnere {display: block; margin-top: 0.2rem; font-weight: 700; color: #111111;
  white-space: nowrap;}
.lys-dato {white-space: nowrap;}
.lys-utdatert {display: inline-block; font-weight: 700; color: #111111; background: #FFFFFF;
  border: 2px dashed #D55E00; border-radius: 0.3rem; padding: 0 0.3rem; margin-top: 0.15rem;}
.lys-navn {color: #444444; font-size: 0.85rem;}
.lys-grunn {color: #333333; font-size: 0.9rem;}
</style>"""


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def is_missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def badge(light: object) -> str:
    """A light as a pill in its colour with its mark and word: `▲ Rød`."""
    colour = LIGHT_STYLE[str(light)][0] if light in LIGHT_STYLE else NOT_ASSESSED_STYLE[0]
    word = light if light in LIGHT_STYLE else NOT_ASSESSED
    return (
        f'<span class="lys" style="background:{colour}" title="{_text(word)}">'
        f"{_text(light_text(light))}</span>"
    )


def greener_text(measured: object) -> str:
    """`⚠ data: Rød`: the mark of a report greener than its data."""
    return f"{GREENER_MARK} data: {measured}"


def light_cell(row: dict, dimension: str) -> str:
    """A reported light; when greener than the data, under it the data's light, why in the
    tooltip."""
    cell = badge(row.get(dimension))
    if row.get(f"{dimension}_gronnere"):
        reason = row.get(f"{dimension}_grunn") or ""
        cell += (
            f'<span class="lys-gronnere" title="Dataene sier {_text(row.get(dimension + "_malt"))}:'
            f' {_text(reason)}">{_text(greener_text(row.get(dimension + "_malt")))}</span>'
        )
    return cell


def report_day(value: object) -> str:
    """`18.11.2026`, or «Ingen rapport»."""
    return NO_REPORT if is_missing(value) else f"{pd.Timestamp(value):%d.%m.%Y}"


def date_cell(row: dict, meeting_note: str) -> str:
    """The report's date, and «Utdatert» when it is older than the last meeting (or missing)."""
    cell = f'<span class="lys-dato">{_text(report_day(row.get("rapportdato")))}</span>'
    if row.get("utdatert") and not is_missing(row.get("rapportdato")):
        cell += f'<br><span class="lys-utdatert" title="{_text(meeting_note)}">{STALE}</span>'
    return cell


def stale_note(meeting_day: object) -> str:
    """Why a report is stale, for its tooltip and the page's caption."""
    if is_missing(meeting_day):
        return "Ingen rapport er levert."
    return f"Rapporten er eldre enn siste møte ({pd.Timestamp(meeting_day):%d.%m.%Y})."


def worst_first(board: pd.DataFrame) -> pd.DataFrame:
    """Red before yellow before green before none; then more red lights, more lights greener
    than the data; then by ID."""
    ranked = board.assign(
        _rank=[
            -(status.severity(light) if status.severity(light) is not None else -1)
            for light in board["verste"]
        ],
        _red=[
            -sum(row[dimension] == RED for dimension, _ in status.DIMENSIONS)
            for row in board.to_dict("records")
        ],
        _avvik=-board["avvik"].astype(int),
    )
    return ranked.sort_values(["_rank", "_red", "_avvik", "prosjekt_id"]).drop(
        columns=["_rank", "_red", "_avvik"]
    )


def board_html(board: pd.DataFrame, meeting_day: object) -> str:
    """Oversikt's lights: one row per project, worst first."""
    headings = ["Prosjekt", "Rapport", *(heading for _, heading in status.DIMENSIONS)]
    head = "".join(f"<th>{_text(heading)}</th>" for heading in headings)
    note = stale_note(meeting_day)
    body = []
    for row in worst_first(board).to_dict("records"):
        name = row.get("prosjektnavn")
        project = f"<strong>{_text(row['prosjekt_id'])}</strong>" + (
            f'<br><span class="lys-navn">{_text(name)}</span>' if isinstance(name, str) else ""
        )
        cells = [project, date_cell(row, note)]
        if is_missing(row.get("rapportdato")):
            cells.append(
                f'<td colspan="{len(status.DIMENSIONS)}"><span class="lys-utdatert">'
                f"{NO_REPORT}</span></td>"
            )
            body.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells[:2]) + cells[2])
            continue
        cells += [light_cell(row, dimension) for dimension, _ in status.DIMENSIONS]
        body.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    return (
        f'{STYLE}<table class="lys-tabell" aria-label="Trafikklys per prosjekt">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def dimensions_html(row: dict) -> str:
    """One report's lights (Status page): reported beside measured, the reason, the comment."""
    head = "".join(
        f"<th>{heading}</th>" for heading in ("Område", "Rapportert", "Dataene sier", "Kommentar")
    )
    body = []
    for dimension, heading in status.DIMENSIONS:
        measured = row.get(f"{dimension}_malt")
        reason = row.get(f"{dimension}_grunn")
        if dimension in status.RULES_BY_DIMENSION:
            said = badge(measured) if not is_missing(measured) else ""
            said += f'<br><span class="lys-grunn">{_text(reason or "")}</span>'
        else:
            said = f'<span class="lys-grunn">{NOT_MEASURED}</span>'
        reported = badge(row.get(dimension))
        if row.get(f"{dimension}_gronnere"):
            reported += f'<span class="lys-gronnere">{GREENER_MARK} grønnere enn dataene</span>'
        comment = row.get(f"{dimension}_kommentar")
        comment = _text(comment) if isinstance(comment, str) else ""
        body.append(
            f"<tr><td><strong>{heading}</strong></td><td>{reported}</td><td>{said}</td>"
            f"<td>{comment}</td></tr>"
        )
    return (
        f'{STYLE}<table class="lys-tabell" aria-label="Trafikklysene i rapporten">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def greener_lines(board: pd.DataFrame) -> list[str]:
    """`OTK-OU2 · Fremdrift: rapportert Grønn, dataene sier Rød – 3 milepæler forsinket.`"""
    lines = []
    for row in worst_first(board).to_dict("records"):
        for dimension, heading in status.DIMENSIONS:
            if row.get(f"{dimension}_gronnere"):
                lines.append(
                    f"{row['prosjekt_id']} · {heading}: rapportert {row.get(dimension)}, "
                    f"dataene sier {row.get(dimension + '_malt')} – "
                    f"{row.get(dimension + '_grunn')}."
                )
    return lines

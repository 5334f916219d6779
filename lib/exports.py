"""Files out: the template, the export of current data, table downloads and calendars.

The template and the export share one writer, so an exported workbook is a filled-in template
and loading it back changes nothing. Text that Excel could take for a formula (it begins with
=, +, -, @, tab or CR, also after control characters: lib.safe_text.looks_like_formula) is
written as a text cell with Excel's quote prefix: it shows and round-trips exactly as typed,
and Excel never evaluates it, not even after editing the cell.
CSV meant for Excel goes through lib.safe_text.csv_cell.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from lib.contract import (
    EVALUATION_DONE,
    INSTRUCTIONS_SHEET,
    SCALE_LABELS,
    SHEETS,
    Column,
    Kind,
    Sheet,
    choices,
    scale_label,
)
from lib.parse import is_missing
from lib.safe_text import FORMULA_PREFIXES as FORMULA_PREFIXES
from lib.safe_text import looks_like_formula

DATE_FORMAT = "DD.MM.YYYY"
TEMPLATE_ROWS = 500  # rows below the heading that get drop-down lists and date checks
HEADER_FILL = PatternFill("solid", fgColor="1F3B57")
HEADER_FONT = Font(bold=True, color="FFFFFF")
KIND_HINTS: dict[Kind, str] = {
    Kind.DATE: "dato (17.12.2024)",
    Kind.NUMBER: "tall",
    Kind.PROBABILITY: "skala 1–5",
    Kind.CONSEQUENCE: "skala 1–5",
    Kind.DECISION: "vedtak fra listen",
    Kind.RISK_STATUS: "status fra listen",
    Kind.BENEFIT_TYPE: "type fra listen",
    Kind.EVALUATION_RESULT: "resultat fra listen",
    Kind.MONTHS: "måneder (6 eller 12)",
    Kind.MONTHS_LIST: "måneder (6, 12)",
    Kind.TRAFFIC_LIGHT: "trafikklys fra listen",
    Kind.RISK_LIGHT: "trafikklys fra listen",
    Kind.ID: "ID",
    Kind.TEXT: "tekst",
}


def xml_safe(text: str) -> str:
    """Text without the control characters a workbook cannot hold (tab and line breaks stay).

    Excel's XML has no way to store them: openpyxl refuses them, or in streaming mode writes a
    file that cannot be opened.
    """
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def set_cell(cell: Cell, value: object) -> None:
    """Write a value so that Excel shows it and never runs it as a formula."""
    if is_missing(value):
        return
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, str):
        value = xml_safe(value)
    if isinstance(value, str) and looks_like_formula(value):
        cell._value = value
        cell.data_type = "s"
        cell.quotePrefix = True
        return
    cell.value = value
    if isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT


def cell_value(column: Column, value: object) -> object:
    """A stored value as the workbook shows it: scales with labels, months as `6, 12`."""
    if is_missing(value):
        return None
    if column.kind in SCALE_LABELS:
        number = int(value)  # type: ignore[arg-type]
        return f"{number} - {scale_label(column.kind, number)}"
    if column.kind is Kind.MONTHS_LIST:
        return ", ".join(str(int(month)) for month in value)  # type: ignore[union-attr]
    if column.kind is Kind.MONTHS:
        return int(value)  # type: ignore[call-overload]
    return value


def _heading(column: Column) -> str:
    return column.name + ("*" if column.required else "")


def _write_sheet(worksheet: Worksheet, sheet: Sheet, rows: pd.DataFrame | None) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        cell = worksheet.cell(row=1, column=index, value=_heading(column))
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if column.help:
            cell.comment = Comment(column.help, "Styringsrom")
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = max(12, min(45, len(column.name) + 6))
        if column.kind in (Kind.TEXT,) and column.db in (
            "risiko",
            "tiltak",
            "gevinst",
            "anbefaling",
            "beskrivelse",
            "vedtakstekst",
            "milepael",
        ):
            worksheet.column_dimensions[letter].width = 45
    worksheet.freeze_panes = "A2"
    count = 0 if rows is None else len(rows)
    if rows is not None:
        for row_number, record in enumerate(rows.itertuples(index=False), start=2):
            values = record._asdict()
            for index, column in enumerate(sheet.columns, start=1):
                set_cell(
                    worksheet.cell(row=row_number, column=index),
                    cell_value(column, values.get(column.db)),
                )
    last_row = count + TEMPLATE_ROWS + 1
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        area = f"{letter}2:{letter}{last_row}"
        options = choices(column.kind)
        if options:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(options) + '"',
                allow_blank=True,
                showErrorMessage=column.kind is not Kind.MONTHS,
                errorTitle="Ugyldig verdi",
                error="Velg en verdi fra listen.",
            )
        elif column.kind is Kind.DATE:
            validation = DataValidation(
                type="date",
                operator="greaterThan",
                formula1="1",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Ugyldig dato",
                error="Skriv en dato, f.eks. 17.12.2024.",
            )
            for row_number in range(2, last_row + 1):
                worksheet.cell(row=row_number, column=index).number_format = DATE_FORMAT
        else:
            continue
        validation.add(area)
        worksheet.add_data_validation(validation)


def _write_instructions(worksheet: Worksheet) -> None:
    lines: list[tuple[str, ...]] = [
        ("Styringsrom – arbeidsbok for styringsgruppen",),
        ("Fyll ut arkene du trenger; ark du ikke tar med, blir ikke endret ved opplasting.",),
        (
            "Kolonner merket * må fylles ut. Prosjekt-ID kan utelates når boken gjelder "
            "ett prosjekt.",
        ),
        (
            "Rekkefølgen på kolonnene spiller ingen rolle. Rader som mangler i et ark du "
            "laster opp, markeres som fjernet for det prosjektet (historikken beholdes). "
            "Et tomt ark endrer ingenting.",
        ),
        (
            "Datoer: 17.12.2024, 2024-12-17 eller 17. desember 2024. Tall: 1 234,5. "
            "Skala 1–5: tall, etikett eller begge (4 - Høy).",
        ),
        (),
        ("Ark", "Kolonne", "Må fylles ut", "Type", "Forklaring", "Også godtatt som overskrift"),
    ]
    for sheet in SHEETS:
        for column in sheet.columns:
            lines.append(
                (
                    sheet.name,
                    column.name,
                    "Ja" if column.required else "",
                    KIND_HINTS[column.kind],
                    column.help,
                    ", ".join(column.aliases),
                )
            )
    for line in lines:
        worksheet.append(list(line))
    worksheet["A1"].font = Font(bold=True, size=14)
    for cell in worksheet[7]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for letter, width in zip("ABCDEF", (16, 28, 13, 22, 50, 45), strict=True):
        worksheet.column_dimensions[letter].width = width


def build_workbook(tables: dict[str, pd.DataFrame] | None = None) -> Workbook:
    """The template, filled with `tables` (sheet key -> rows) when given."""
    workbook = Workbook()
    _write_instructions(workbook.active)
    workbook.active.title = INSTRUCTIONS_SHEET
    for sheet in SHEETS:
        _write_sheet(workbook.create_sheet(sheet.name), sheet, (tables or {}).get(sheet.key))
    workbook.active = 1
    return workbook


def write_template(path: Path | str) -> None:
    build_workbook().save(path)


def write_export(path: Path | str | io.BytesIO, tables: dict[str, pd.DataFrame]) -> None:
    build_workbook(tables).save(path)


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def frame_to_xlsx(frame: pd.DataFrame, sheet_name: str = "Data") -> bytes:
    """A table as an .xlsx download, formulas neutralised, dates as dates.

    Written in openpyxl's streaming mode, so a list of 40,000 rows takes seconds, not
    tens of seconds; cells that need a format or a quote prefix are styled one by one.
    """
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(_sheet_title(sheet_name))
    for index, heading in enumerate(frame.columns, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = max(
            12, min(60, len(str(heading)) + 4)
        )
    worksheet.freeze_panes = "A2"
    headings = []
    for heading in frame.columns:
        cell = WriteOnlyCell(worksheet, str(heading))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        headings.append(cell)
    worksheet.append(headings)
    for record in frame.itertuples(index=False):
        worksheet.append([_out(worksheet, value) for value in _plain(record)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(name: str) -> str:
    """Excel refuses []:*?/\\ in sheet names and more than 31 characters."""
    cleaned = "".join(" " if character in "[]:*?/\\" else character for character in name)
    return cleaned.strip()[:31] or "Data"


def _out(worksheet: object, value: object) -> object:
    """A value for a streaming row: plain values as they are, the rest as styled cells."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str) and not looks_like_formula(value):
        return xml_safe(value)
    cell = WriteOnlyCell(worksheet)
    set_cell(cell, value)
    return cell


def _plain(values: Iterable[object]) -> list[object]:
    out: list[object] = []
    for value in values:
        if isinstance(value, list | tuple):
            value = ", ".join(str(item) for item in value)
        elif is_missing(value):
            value = None
        out.append(value)
    return out


MINUTES_SHEET = "Møtereferat"
DATE_TIME_FORMAT = "DD.MM.YYYY HH:MM"


def minutes_workbook(frame: pd.DataFrame, meeting: str, date: dt.date) -> bytes:
    """The minutes of a meeting (lib.meetings.minutes) as an .xlsx download.

    Row 1 is the title («Møtereferat: name dd.mm.yyyy»), row 3 the headings, the decisions
    below. Dates are Excel dates shown dd.mm.yyyy (a time of recording with its hour); text
    that looks like a formula is written as text (`set_cell`).
    """
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = MINUTES_SHEET
    title = worksheet.cell(row=1, column=1)
    set_cell(title, f"{MINUTES_SHEET}: {meeting} {date:%d.%m.%Y}")
    title.font = Font(bold=True, size=14)
    for index, heading in enumerate(frame.columns, start=1):
        cell = worksheet.cell(row=3, column=index, value=str(heading))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        wide = heading in ("Anbefaling", "Vedtakstekst")
        worksheet.column_dimensions[get_column_letter(index)].width = (
            50 if wide else max(12, min(30, len(str(heading)) + 6))
        )
    worksheet.freeze_panes = "A4"
    for row_number, record in enumerate(frame.itertuples(index=False), start=4):
        for index, item in enumerate(_plain(record), start=1):
            cell = worksheet.cell(row=row_number, column=index)
            set_cell(cell, item)
            if isinstance(cell.value, dt.datetime):
                cell.number_format = DATE_TIME_FORMAT
            if isinstance(cell.value, str):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Calendar

ICS_MIME = "text/calendar"


def evaluations_to_ics(
    plan: pd.DataFrame, *, stamp: dt.datetime | None = None, calendar_name: str = "Evalueringer"
) -> bytes:
    """The due dates of the evaluation plan as an iCalendar file of all-day events.

    One event per planned evaluation that has a due date and is not done yet. `plan` has the
    columns of lib.queries.evaluations. Each event's UID is stable (project, recommendation,
    months), so importing a newer file updates the events instead of duplicating them.
    """
    from icalendar import Calendar, Event

    stamp = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", "-//Styringsrom//Evalueringsplan//NO")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", calendar_name)
    for row in plan.itertuples(index=False):
        if is_missing(row.frist) or row.status == EVALUATION_DONE:
            continue
        due = pd.Timestamp(row.frist).date()
        months = int(row.evaluering)
        event = Event()
        key = (row.prosjekt_id, row.anbefaling_id, months)
        uid = "/".join(quote(str(part), safe="") for part in key)
        event.add("uid", f"{uid}@styringsrom")
        event.add("dtstamp", stamp)
        event.add("dtstart", due)
        event.add("dtend", due + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        event.add(
            "summary",
            f"Evaluering {months} mnd: {row.anbefaling_id} {row.anbefaling} ({row.prosjekt_id})",
        )
        lines = [
            f"Anbefaling: {row.anbefaling_id} {row.anbefaling}",
            f"Prosjekt: {row.prosjekt_id}",
            f"Vedtak: {row.vedtak}",
            f"Iverksatt: {pd.Timestamp(row.iverksatt):%d.%m.%Y}",
            f"Evaluering: {months} måneder etter iverksetting",
            f"Status: {row.status}",
        ]
        if not is_missing(row.ansvarlig):
            lines.append(f"Ansvarlig: {row.ansvarlig}")
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return calendar.to_ical()

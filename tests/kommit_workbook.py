"""A KommIT Gevinstverktøy, built for the tests as Excel saves it.

The template's sheet names, heading rows and formula cells, each formula with its cached value
(`<c r="A5" t="str"><f>…</f><v>text</v></c>`), which openpyxl cannot write: the sheet XML is
written here with zipfile. With `cached=False` the formulas have no values, as a program that
does not calculate writes them. The real template is never part of the repository.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

SLOTS = 14
ENDRING = "KONSEPT - Endringsanalyse"
ANALYSE = "KONSEPT - Gevinstanalyse"
PLAN = "PLANLEGGE - Gevinstreal.plan"
OPPFOLGING = "PLANLEGGE - Oppfølgingsplan"
RESULTAT = "REALISERE - Resultatoppfølging"
SHEET_NAMES = (
    "Forside",
    "Meny for verktøyet",
    "KONSEPT - Interessentliste",
    "KONSEPT - Prosessanalyse (1)",
    "KONSEPT - Prosessanalyse (2)",
    ENDRING,
    "KONSEPT - Interessentanalyse",
    ANALYSE,
    PLAN,
    OPPFOLGING,
    "GJENNOMFØRE - Statusrapport",
    "OVERLEVERE - Overleveringsrapp.",
    RESULTAT,
    "støtteark",
)
USED = ("Forside", ANALYSE, PLAN, OPPFOLGING, RESULTAT)
DIREKTE = "Direkte (økonomiske - NOK)"
INDIREKTE = "Indirekte (frigjort tid - årsverk)"
KVALITATIVE = "Kvalitative (f.eks. omdømme)"


@dataclass
class Benefit:
    """One benefit as a leader fills it in across the template's sheets."""

    text: str
    indicator: str | None = None
    unit: str | None = None
    baseline: object = None
    target: object = None
    realised: object = None  # «Når blir gevinsten realisert?»: a year, a date or a text
    owner: str | None = None
    type: str | None = None
    measurement: object = None  # «Dagens måling»


def example_benefits() -> list[Benefit | None]:
    """Six benefits in seven slots (slot 3 empty), four of them measured."""
    return [
        Benefit("Redusert saksbehandlingstid", "Dager per sak", "dager", 20, 10, 2026,
                "Kari Nordmann", INDIREKTE, 15),
        Benefit("Færre telefoner til servicetorget", "Telefoner per uke", "antall", 400, 250,
                dt.date(2026, 6, 30), "Ola Hansen", DIREKTE, 380),
        None,
        Benefit("Mer fornøyde brukere", "Brukertilfredshet", "skala 1-5", 3, 4, "2027",
                "Kari Nordmann", KVALITATIVE, 3),
        Benefit("Lavere portokostnader", "Kroner per år", "kr", 120000, 40000, 2025,
                "Per Olsen", DIREKTE, 90000),
        Benefit("Bedre datakvalitet", "Feil per 100 saker", "antall", 12, 3, 2026,
                "Ola Hansen", INDIREKTE, None),
        Benefit("Økt digital kompetanse", "Andel ansatte kurset", "%", 10, 90, 2027,
                "Per Olsen", INDIREKTE, None),
    ]  # fmt: skip


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _serial(day: dt.date) -> float:
    return float((day - dt.date(1899, 12, 30)).days)


class _Sheet:
    """The cells of one sheet, written as Excel writes them."""

    def __init__(self, cached: bool) -> None:
        self.cells: dict[int, dict[int, str]] = {}
        self.cached = cached

    def _put(self, ref: str, xml: str) -> None:
        letters = ref.rstrip("0123456789")
        row = int(ref[len(letters) :])
        self.cells.setdefault(row, {})[_column(letters)] = xml

    def value(self, ref: str, value: object) -> None:
        """A typed-in value: text, a number or a date (None: nothing)."""
        if value is None:
            return
        if isinstance(value, str):
            inline = f'<is><t xml:space="preserve">{escape(value)}</t></is>'
            xml = f'<c r="{ref}" t="inlineStr">{inline}</c>'
        elif isinstance(value, dt.date):
            xml = f'<c r="{ref}" s="1"><v>{_serial(value)}</v></c>'
        else:
            xml = f'<c r="{ref}"><v>{value}</v></c>'
        self._put(ref, xml)

    def formula(self, ref: str, formula: str, result: object) -> None:
        """A formula with its cached result, as Excel saves it: text as t="str" (an empty text
        as an empty <v/>), a number as a plain <v>; without `cached`, no <v> at all."""
        body = f"<f>{escape(formula)}</f>"
        if not self.cached:
            self._put(ref, f'<c r="{ref}" t="str">{body}</c>')
        elif isinstance(result, str) or result is None:
            value = f"<v>{escape(result)}</v>" if result else "<v/>"
            self._put(ref, f'<c r="{ref}" t="str">{body}{value}</c>')
        else:
            self._put(ref, f'<c r="{ref}">{body}<v>{result}</v></c>')

    def xml(self) -> str:
        rows = []
        for row in sorted(self.cells):
            cells = "".join(self.cells[row][column] for column in sorted(self.cells[row]))
            rows.append(f'<row r="{row}">{cells}</row>')
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
        )


def _copy(source_cell: str) -> str:
    return f"IF('{ENDRING}'!{source_cell}=0,\"\",'{ENDRING}'!{source_cell})"


def kommit_workbook(
    path: Path,
    benefits: list[Benefit | None] | None = None,
    *,
    project_name: str | None = "Digital hjemmetjeneste",
    date_cell: object = None,
    date_beside: object = None,
    cached: bool = True,
    leave_out: tuple[str, ...] = (),
    start: object = None,
    end: object = None,
    owner: str | None = None,
    leader: str | None = None,
) -> Path:
    """Write a filled-in KommIT Gevinstverktøy to `path`.

    `date_cell` fills in «Dato: ____» of Resultatoppfølging (F1) as text after the label;
    `date_beside` puts a value in the cell beside it (G1) instead. `leave_out` drops sheets.
    `start`, `end`, `owner` and `leader` fill in the front page's planned start and end date,
    Prosjekteier and Prosjektleder (column B beside their labels, as the template has them).
    """
    benefits = example_benefits() if benefits is None else benefits
    slots = (benefits + [None] * SLOTS)[:SLOTS]
    sheets = {name: _Sheet(cached) for name in SHEET_NAMES if name not in leave_out}

    def text(benefit: Benefit | None) -> str:
        return benefit.text if benefit else ""

    if front := sheets.get("Forside"):
        front.value("A1", "Prosjektkort")
        front.value("A4", "Foreløpig navn / prosjektnavn:")
        front.value("B4", project_name)
        for row, label, value in (
            (10, "Planlagt startdato:", start),
            (11, "Planlagt sluttdato:", end),
            (15, "Prosjektroller:", None),
            (17, "Prosjekteier:", owner),
            (18, "Prosjektleder:", leader),
        ):
            front.value(f"A{row}", label)
            front.value(f"B{row}", value)
    title = project_name or ""
    if change := sheets.get(ENDRING):
        change.formula("A1", '" Endringsanalyse - "&Forside!B4', " Endringsanalyse - " + title)
        for ref, heading in zip("ABC", ("Prosess", "Endring", "Gevinst"), strict=True):
            change.value(f"{ref}4", heading)
        for slot, benefit in enumerate(slots):
            change.value(f"C{5 + slot}", benefit.text if benefit else None)
    if analysis := sheets.get(ANALYSE):
        analysis.formula("A1", '"Gevinstanalyse - "&Forside!B4', "Gevinstanalyse - " + title)
        analysis.value("B4", "GEVINSTER:")
        analysis.value("B5", "Gevinst\n(kopieres automatisk fra endringsanalysen):")
        analysis.value("C5", "Gevinsttype\n(velg fra listen):")
        analysis.value("D5", "Gevinstbudsjett \n(direkte - NOK, indirekte - årsverk)")
        analysis.value("D6", "År")
        for slot, benefit in enumerate(slots):
            analysis.formula(f"B{7 + slot}", _copy(f"C{5 + slot}"), text(benefit))
            analysis.value(f"C{7 + slot}", benefit.type if benefit else None)
    if plan := sheets.get(PLAN):
        plan.formula("A1", '"Gevinstrealiseringsplan - "&Forside!B4', "Gevinstreal - " + title)
        plan.value("E1", "Oppdatert: ____")
        headings = (
            "Gevinst\n(kopieres automatisk)",
            "Tiltak for å få gevinster realisert",
            "Frist for tiltak",
            'Hvordan skal gevinsten "omsettes"?',
            "Måleindikator for gevinsten",
            "Når blir gevinsten realisert?",
            "Gevinst-   ansvarlig",
        )
        for ref, heading in zip("ABCDEFG", headings, strict=True):
            plan.value(f"{ref}4", heading)
        for slot, benefit in enumerate(slots):
            row = 5 + 2 * slot  # each benefit takes two rows
            plan.formula(f"A{row}", _copy(f"C{5 + slot}"), text(benefit))
            if benefit:
                plan.value(f"B{row}", "Opplæring")
                plan.value(f"B{row + 1}", "Nye rutiner")  # a second measure, one row down
                plan.value(f"E{row}", benefit.indicator)
                plan.value(f"F{row}", benefit.realised)
                plan.value(f"G{row}", benefit.owner)
    if follow_up := sheets.get(OPPFOLGING):
        follow_up.formula("A1", '"Oppfølgingsplan - "&Forside!B4', "Oppfølgingsplan - " + title)
        follow_up.value("C1", "Oppdatert: _____")
        headings = (
            "Gevinst\n(kopieres automatisk)",
            "Måleindikator\n(kopieres automatisk)",
            "Måleenhet",
            "Dagens verdi",
            "Ønsket verdi",
            "Målemetode",
        )
        for ref, heading in zip("ABCDEF", headings, strict=True):
            follow_up.value(f"{ref}4", heading)
        for slot, benefit in enumerate(slots):
            row = 5 + slot
            follow_up.formula(f"A{row}", _copy(f"C{5 + slot}"), text(benefit))
            indicator = benefit.indicator if benefit else None
            name = f"Måleindikator{slot + 1}"
            follow_up.formula(f"B{row}", f'IF({name}=0,"",{name})', indicator or "")
            if benefit:
                follow_up.value(f"C{row}", benefit.unit)
                follow_up.value(f"D{row}", benefit.baseline)
                follow_up.value(f"E{row}", benefit.target)
                follow_up.value(f"F{row}", "Telling i fagsystemet")
    if results := sheets.get(RESULTAT):
        results.formula("A1", '"Resultatoppfølging - "&Forside!B4', "Resultatoppfølging - " + title)
        label = "Dato: _____________________"
        if date_cell is not None:
            label = f"Dato: {date_cell}"
        results.value("F1", label)
        results.value("G1", date_beside)
        results.value("B5", "Status gevinstrealisering")
        results.value("B12", "Status per gevinst")
        headings = (
            "Gevinst\n(kopieres automatisk):",
            "Måleindikator\n(kopieres automatisk):",
            "Dagens måling:",
            "Mål-oppnåelse\n(beregnes automatisk):",
            "Status:",
        )
        for ref, heading in zip("BCDEF", headings, strict=True):
            results.value(f"{ref}13", heading)
        results.value("H13", "Gevinst-ansvarlig\n(kopieres automatisk):")
        for slot, benefit in enumerate(slots):
            row = 14 + slot
            results.formula(f"B{row}", f"'{ANALYSE}'!B{7 + slot}", text(benefit))
            indicator = benefit.indicator if benefit else ""
            results.formula(f"C{row}", f'IF(Måleindikator{slot + 1}=0,"",1)', indicator or "")
            measured = benefit.measurement if benefit else None
            results.value(f"D{row}", measured)
            results.formula(f"E{row}", f'IF(D{row}=0,"",0.5)', 0.5 if measured else "")
            owner = benefit.owner if benefit else ""
            results.formula(f"H{row}", f'IF(Ansvarlig{slot + 1}=0,"",1)', owner or "")
        results.value("B29", "Tiltak for å forbedre måloppnåelse")
        results.value("B30", "Gevinst\n(kopieres automatisk):")
        results.value("C30", "Tiltak for å forbedre måloppnåelse:")
        for slot, benefit in enumerate(slots):
            results.formula(f"B{31 + slot}", f"B{14 + slot}", text(benefit))
    for name, sheet in sheets.items():
        if not sheet.cells:
            sheet.value("A1", name)
    _write(path, sheets)
    return path


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs></styleSheet>"
)


HIDDEN = ' state="hidden"'


def _write(path: Path, sheets: dict[str, _Sheet]) -> None:
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{number}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for number in range(1, len(names) + 1)
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    sheet_tags = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{number}" r:id="rId{number}"'
        f"{HIDDEN if name == 'støtteark' else ''}/>"
        for number, name in enumerate(names, start=1)
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheet_tags}</sheets></workbook>"
    )
    relationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{number}" Type="{relationship}/worksheet" '
            f'Target="worksheets/sheet{number}.xml"/>'
            for number in range(1, len(names) + 1)
        )
        + f'<Relationship Id="rId{len(names) + 1}" Type="{relationship}/styles" '
        'Target="styles.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/styles.xml", _STYLES)
        for number, name in enumerate(names, start=1):
            archive.writestr(f"xl/worksheets/sheet{number}.xml", sheets[name].xml())

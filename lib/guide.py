"""The user guide to the workbook format, generated from the contract so it cannot drift.

`render_guide()` returns the guide as Markdown in Norwegian bokmål for the leaders who fill in
the workbook. Every sheet, column, alias, label, phrase and number comes from lib.contract (and
the few parsing facts from lib.parse and lib.validate); only the connecting prose is written
here. The examples below are checked against the parsers by tests/test_guide.py.

    python -m lib.guide > docs/arbeidsbok.md
    python -m lib.guide --write            # writes docs/arbeidsbok.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from lib import access, agenda, contract, quality, status
from lib.contract import Column, Kind, Sheet
from lib.pack import content as pack_content
from lib.parse import FIRST_DATE, MONTHS_NB, add_months
from lib.read import kommit
from lib.validate import HEADER_SEARCH_ROWS, PROBLEM_HEADINGS
from lib.wording import thousands

GUIDE_PATH = Path(__file__).resolve().parent.parent / "docs" / "arbeidsbok.md"
REGENERATE = "python -m lib.guide --write"
REQUIRED_WITH_DEFAULT = "Kolonnen må finnes"

# Examples shown to the reader; tests/test_guide.py checks that the parsers read each one as
# the guide says.
SHEET_NAME_EXAMPLES: tuple[str, ...] = ("Milepæler", "MILEPÆLER", "Milepaeler", "Milepaler")
HEADING_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("Nullpunkt (antall)", "Nullpunkt"),
    ("Gevinsttype (velg fra liste)", "Type"),
    ("Risiko-ID *", "Risiko-ID"),
)
EXAMPLE_DATE = dt.date(2024, 12, 17)
DATE_EXAMPLES: tuple[str, ...] = (
    "17.12.2024",
    "17.12.24",
    "17/12/2024",
    "2024-12-17",
    "17. desember 2024",
    "17. des 2024",
)
NUMBER_EXAMPLES: tuple[tuple[str, float], ...] = (
    ("1 234,5", 1234.5),
    ("1234,5", 1234.5),
    ("1.234,5", 1234.5),
    ("87 %", 87.0),
)
SCALE_EXAMPLES: tuple[str, ...] = ("4", "Høy", "4 - Høy", "4 – Høy")
MONTHS_EXAMPLES: tuple[tuple[str, int], ...] = (
    ("6", 6),
    ("6 mnd", 6),
    ("12 måneder", 12),
    ("1 år", 12),
)
MONTHS_LIST_EXAMPLES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("6, 12", (6, 12)),
    ("3, 6 og 12 måneder", (3, 6, 12)),
)
MONTH_END_EXAMPLE = (dt.date(2024, 8, 31), 6)
# Progress example: (Nullpunkt, Målverdi, latest measurement, unit) — a target below baseline.
PROGRESS_EXAMPLE = (40, 30, 35, "timer/uke")

COLOURS_NB = {"green": "grønn", "yellow": "gul", "red": "rød", "orange": "oransje"}

EVALUATION_STATUS_MEANING: dict[str, str] = {
    contract.EVALUATION_DONE: (
        "Evalueringen er registrert i arket {evalueringer} med dato i kolonnen {gjennomfort}."
    ),
    contract.EVALUATION_OVERDUE: "Fristen er passert, og evalueringen er ikke registrert.",
    contract.EVALUATION_SOON: "Fristen er innen {soon} dager.",
    contract.EVALUATION_PLANNED: "Fristen er mer enn {soon} dager fram i tid.",
    contract.EVALUATION_NO_DATE: (
        "Anbefalingen er støttet, men {iverksatt} er ikke fylt ut. Da kan ingen frist beregnes."
    ),
}


# ---------------------------------------------------------------------------------------------
# Small helpers


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(headings: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(headings) + " |", "|" + "---|" * len(headings)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return lines


def _join(words: Sequence[str], last: str = "og") -> str:
    """`a`, `a og b`, `a, b og c` — the Norwegian list."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


def _quoted(words: Iterable[str]) -> list[str]:
    return [f"«{word}»" for word in words]


def _code(words: Iterable[str]) -> list[str]:
    return [f"`{word}`" for word in words]


def _date_nb(day: dt.date) -> str:
    month = list(MONTHS_NB)[day.month - 1]
    return f"{day.day}. {month} {day.year}"


def _name(sheet: Sheet, db: str) -> str:
    return sheet.column(db).name


def _all_columns() -> list[Column]:
    return [column for sheet in contract.SHEETS for column in sheet.columns]


def _scale_range() -> tuple[int, int]:
    values = [value for labels in contract.SCALE_LABELS.values() for value in labels]
    return min(values), max(values)


def _scale_text() -> str:
    low, high = _scale_range()
    return f"{low}–{high}"


def _max_score() -> int:
    return max(contract.PROBABILITY_LABELS) * max(contract.CONSEQUENCE_LABELS)


def _months_text(months: Iterable[int]) -> str:
    return _join([str(month) for month in months])


# ---------------------------------------------------------------------------------------------
# Sections


def _intro() -> list[str]:
    sheets = _join(_quoted(sheet.name for sheet in contract.SHEETS))
    return [
        "# Arbeidsboken i Styringsrom – slik fyller du den ut",
        "",
        f"<!-- Generert fra lib/contract.py. Ikke rediger for hånd; kjør `{REGENERATE}`. -->",
        "",
        "Styringsrom henter tallene sine fra en arbeidsbok i Excel. Arbeidsboken har ett ark for "
        f"hvert tema: {sheets}. Denne veiledningen forklarer hva som skal stå i hvert ark, og "
        "hvilke skrivemåter appen forstår.",
        "",
        "## Kort fortalt",
        "",
        "1. **Last ned malen** fra siden «Last opp» i appen, eller kjør "
        "`python -m lib.cli template mal.xlsx`.",
        "2. **Fyll ut** de arkene du trenger. Du trenger ikke bruke alle.",
        "3. **Last opp** filen på siden «Last opp».",
        "4. **Er noe feil**, får du en liste over alt som må rettes. Ingenting lagres før hele "
        "filen er i orden.",
        "",
        "Filen kan være `.xlsx` (anbefalt), `.xlsm` (bare verdiene leses; makroer kjøres aldri), "
        "`.ods` eller `.csv`. En CSV-fil er ett ark, og filnavnet sier hvilket (for eksempel "
        "`risiko.csv`).",
        "",
    ]


#: The contract's example of a sheet that updates only the scores and loses nothing else.
SCORES_ONLY = ("risiko_id", "sannsynlighet", "konsekvens")


def _uploading() -> list[str]:
    error_columns = _join(list(PROBLEM_HEADINGS.values()))
    return [
        "## Slik virker en opplasting",
        "",
        "- **Ta med de arkene du vil.** En arbeidsbok kan inneholde hvilke som helst av arkene.",
        "- **Det du laster opp, blir den nye fasiten** for hvert prosjekt og hvert ark som er med "
        "i filen: nye rader legges til, rader som finnes fra før oppdateres, og rader som mangler "
        "markeres som fjernet. Ark og prosjekter som ikke er med i filen, blir ikke rørt.",
        "- **Last derfor opp alle radene i arket for prosjektet**, ikke bare radene du har "
        "endret. Det enkleste er å ta utgangspunkt i dagens data: "
        "`python -m lib.cli export data.xlsx` lager en arbeidsbok i samme format som malen.",
        "- **Kolonner du ikke tar med, endres ikke.** Mangler en kolonne i arket, beholder "
        "lagrede rader verdiene sine i den, og nye rader får standardverdien. Finnes kolonnen, "
        "endrer den verdien, og en tom celle tømmer den. Et ark med bare "
        f"{_join([_name(contract.RISIKO, db) for db in SCORES_ONLY])} "
        "oppdaterer altså bare vurderingen og mister ingenting annet. En påkrevd kolonne, som "
        f"{_name(contract.RISIKO, 'risiko')}, kan utelates når alle radene finnes fra før; en ny "
        "rad må ha den. Før du lagrer, viser forhåndsvisningen hvilke lagrede verdier som "
        "tømmes.",
        "- **Et prosjekt som ligner et lagret prosjekt.** Har arbeidsboken en "
        f"{_name(contract.PROSJEKTER, contract.PROJECT_COLUMN)} som ikke er lagret, mens et "
        f"lagret prosjekt har samme {_name(contract.PROSJEKTER, 'prosjektnavn')} eller de samme "
        "anbefalingene, får du en advarsel med knappen «Last inn på … i stedet»: som regel var "
        "det det lagrede prosjektet du mente. På kommandolinjen skrives advarselen som en "
        "merknad, og `load --project ID` legger en arbeidsbok som gjelder ett prosjekt som "
        "ikke er lagret, på prosjektet ID.",
        "- **En fil uten rader lagres ikke.** Har arbeidsboken ingen rader i ark appen kjenner "
        "igjen, får du en feil som lister arkene i filen, og ingenting lagres "
        "(kommandolinjen avslutter med kode 1).",
        "- **Målinger hører til gevinsten sin, evalueringer til anbefalingen sin.** Tar du bort "
        "en gevinst fra arket Gevinster, fjernes også de lagrede målingene av den (og tilsvarende "
        "evalueringene av en anbefaling du tar bort), med mindre arket Målinger (Evalueringer) "
        "i filen har rader for prosjektet; da er det arket fasiten. Forhåndsvisningen viser hva "
        "som fjernes.",
        "- **Ingenting slettes.** Hver opplasting blir en ny versjon. Historikken tas vare på, og "
        "enhver tidligere versjon kan vises og gjenopprettes.",
        "- **Alt eller ingenting.** Er det en feil i én eneste rad, lagres ingenting. Du får da "
        f"en liste over alle feilene på én gang, med {error_columns}. Radnummeret er det samme "
        "som du ser i Excel.",
        "- **Merknader** stopper ikke opplastingen. Du får for eksempel en merknad når et ark "
        "eller en kolonne ikke gjenkjennes og derfor hoppes over.",
        "",
    ]


def _finding() -> list[str]:
    examples = _join(_code(SHEET_NAME_EXAMPLES))
    headings = _join([f"`{written}` leses som {name}" for written, name in HEADING_EXAMPLES])
    lines = [
        "## Ark, overskrifter og kolonner",
        "",
        "- **Arknavn.** Arket gjenkjennes på navnet. Store og små bokstaver spiller ingen rolle, "
        f"og æ, ø og å kan skrives ae, o og a: {examples} er samme ark. Andre ark hoppes over "
        f"med en merknad. Arket «{contract.INSTRUCTIONS_SHEET}» i malen hoppes over uten "
        "merknad.",
        "- **Samme ark to ganger.** To ark som betyr det samme arket (for eksempel `Risiko`, "
        "`Risiko ` og `RISIKO`) stopper opplastingen med en feil som nevner alle: appen kan "
        "ikke vite hvilket av dem som har de siste endringene. Samle radene i ett ark og slett "
        "de andre.",
        f"- **Overskriftsraden** er den første raden blant de {HEADER_SEARCH_ROWS} øverste der "
        "minst to celler er kjente kolonnenavn. Rader over den (en tittel, en logo, en dato) "
        "blir ikke lest.",
        "- **Rekkefølgen** på kolonnene spiller ingen rolle.",
        "- **Overskriftene** kan være kolonnenavnet eller et av navnene under «Også godtatt som» "
        "i tabellene nedenfor. Som for arknavn spiller store og små bokstaver og æ/ø/å ingen "
        "rolle. En `*` og en forklaring i parentes på slutten av overskriften blir ignorert, "
        f"det samme gjør linjeskift og doble mellomrom: {headings}.",
        "- **Ukjente kolonner** hoppes over med en merknad. **Tomme rader** hoppes over.",
        "- **Må fylles ut: Ja** betyr at kolonnen må finnes i arket og ha en verdi i hver rad.",
    ]
    if any(column.required and column.default is not None for column in _all_columns()):
        lines.append(
            f"- **Må fylles ut: {REQUIRED_WITH_DEFAULT}** betyr at kolonnen må være med, men at "
            "en tom celle er lov og betyr det som står under «Forklaring»."
        )
    return [*lines, ""]


def _values() -> list[str]:
    lines = ["## Slik skriver du verdier", ""]
    lines += [
        "Tekst kan skrives fritt; mellomrom før og etter fjernes. En celle med en formel leses "
        "som verdien formelen sist viste. En celle kan ha høyst "
        f"{thousands(contract.EXCEL_TEXT_LIMIT)} tegn, så mye en Excel-celle rommer (Excel "
        "teller en emoji som to tegn); lengre tekst gir en feil, slik at alt som lagres kan "
        "eksporteres og lastes opp igjen uendret. Usynlige tegn som snur skriveretningen "
        "(U+202A–U+202E og U+2066–U+2069) fjernes, med en merknad per kolonne om hvor mange "
        "celler som ble renset: de kan få en tittel til å vises baklengs.",
        "",
    ]
    lines += _dates() + _numbers() + _scales() + _decisions() + _traffic_lights()
    lines += _vocabularies() + _months()
    return lines


def _dates() -> list[str]:
    months = list(MONTHS_NB)
    short = [month[:3] for month in months]
    return [
        "### Datoer",
        "",
        "En ekte Excel-dato er best (malen er satt opp for det). Som tekst forstår appen "
        f"{_join(_code(DATE_EXAMPLES), 'og')}. Månedene skrives {_join(months)}, eller med de "
        f"tre første bokstavene ({', '.join(short)}); store og små bokstaver spiller ingen "
        "rolle. Står det et klokkeslett i cellen, brukes bare datoen; et klokkeslett alene "
        f"er ingen dato (Excels første dato er {_date_nb(FIRST_DATE)}).",
        "",
    ]


def _numbers() -> list[str]:
    examples = _join(_code(text for text, _ in NUMBER_EXAMPLES[:-1]), "eller")
    percent, percent_value = NUMBER_EXAMPLES[-1]
    return [
        "### Tall",
        "",
        "Et ekte tall er best. Som tekst skrives tall med desimalkomma og gjerne mellomrom "
        f"som tusenskille: {examples}. Et prosenttegn på slutten fjernes: `{percent}` leses "
        f"som {percent_value:g}.",
        "",
    ]


def _scales() -> list[str]:
    low, high = _scale_range()
    probability = contract.PROBABILITY_LABELS
    consequence = contract.CONSEQUENCE_LABELS

    def label(entry: tuple[str, tuple[str, ...]]) -> str:
        name, others = entry
        return f"**{name}**" + (f" (også {_join(others, 'eller')})" if others else "")

    rows = [
        (str(value), label(probability[value]), label(consequence[value]))
        for value in range(low, high + 1)
    ]
    choice = contract.scale_choices(Kind.PROBABILITY)[-2]
    return [
        f"### Skala {_scale_text()}: Sannsynlighet og Konsekvens",
        "",
        f"Skriv tallet, etiketten eller begge: {_join(_code(SCALE_EXAMPLES), 'eller')} betyr "
        f"det samme. Skriver du begge, må de stemme overens. Nedtrekkslisten i malen viser "
        f"`{choice}`. Etiketten i fet skrift er den appen viser; de andre skrivemåtene godtas "
        "også.",
        "",
        *_table(("Verdi", "Sannsynlighet", "Konsekvens"), rows),
        "",
    ]


def _decisions() -> list[str]:
    rows = []
    for decision, phrases in contract.DECISIONS.items():
        also = list(phrases) + (["tom celle"] if decision == contract.DECISION_EMPTY else [])
        rows.append((f"**{decision}**", ", ".join(also)))
    supported = _join(_quoted(contract.SUPPORTED_DECISIONS))
    vedtak = _name(contract.ANBEFALINGER, "vedtak")
    return [
        "### Vedtak",
        "",
        f"Kolonnen {vedtak} i arket {contract.ANBEFALINGER.name} tar ett av vedtakene i "
        "tabellen. Alle skrivemåtene i samme rad betyr det samme. Store og små bokstaver og et "
        "punktum til slutt spiller ingen rolle.",
        "",
        *_table(("Vedtak", "Også godtatt som"), rows),
        "",
        f"Bare anbefalinger med vedtak {supported} får en evalueringsplan.",
        "",
    ]


def _traffic_lights() -> list[str]:
    rows = [
        (f"**{light}**", ", ".join(phrases)) for light, phrases in contract.TRAFFIC_LIGHTS.items()
    ]
    risk = ", ".join(
        f"«{phrase}» betyr {light}"
        for light, phrases in contract.RISK_LIGHT_PHRASES.items()
        for phrase in phrases
    )
    areas = _join([heading for _db, heading in contract.STATUS_DIMENSIONS])
    return [
        "### Trafikklys",
        "",
        f"Arket {contract.STATUS.name} har et trafikklys for hvert område: {areas}. Alle "
        "skrivemåtene i samme rad betyr det samme, også ordene fra Prosjektportalens "
        "prosjektstatus. En tom celle betyr at området ikke er vurdert.",
        "",
        *_table(("Lys", "Også godtatt som"), rows),
        "",
        f"Bare i kolonnen {_name(contract.STATUS, 'risiko')}: {risk}.",
        "",
    ]


def _vocabularies() -> list[str]:
    risiko, gevinster = contract.RISIKO, contract.GEVINSTER
    quantitative, qualitative = contract.BENEFIT_TYPES
    malverdi = _name(gevinster, "malverdi")
    scaled = _join([_name(gevinster, "nullpunkt"), malverdi])
    verdi = _name(contract.MALINGER, "verdi")
    quality_low, quality_high = contract.QUALITY_SCALE
    return [
        "### Status for risiko",
        "",
        f"Kolonnen {_name(risiko, 'status')} i arket {risiko.name} tar "
        f"{_join(_quoted(contract.RISK_STATUSES), 'eller')}. Tom celle betyr "
        f"«{contract.RISK_STATUS_DEFAULT}».",
        "",
        "### Gevinsttype",
        "",
        f"Kolonnen {_name(gevinster, 'type')} i arket {gevinster.name} tar «{quantitative}» "
        f"(målt i tall) eller «{qualitative}» (vurdert på skalaen {_scale_text()}). Står cellen "
        f"tom, blir gevinsten {quantitative.lower()} når {malverdi} er fylt ut, ellers "
        f"{qualitative.lower()}. For en {qualitative.lower()} gevinst må {scaled}, og "
        f"{verdi} i arket {contract.MALINGER.name}, være tall fra {quality_low:g} til "
        f"{quality_high:g}; desimaler er lov (`4,5` kan være snittet av en "
        "spørreundersøkelse). Fremdrift og «på sporet» regnes ut på samme måte som for "
        f"{quantitative.lower()} gevinster.",
        "",
        "### Resultat av evaluering",
        "",
        f"Kolonnen {_name(contract.EVALUERINGER, 'resultat')} i arket "
        f"{contract.EVALUERINGER.name} tar "
        f"{_join(_quoted(contract.EVALUATION_RESULTS), 'eller')}.",
        "",
    ]


def _months() -> list[str]:
    one = _join(_code(text for text, _ in MONTHS_EXAMPLES), "eller")
    many = _join(_code(text for text, _ in MONTHS_LIST_EXAMPLES), "eller")
    anbefalinger, evalueringer = contract.ANBEFALINGER, contract.EVALUERINGER
    return [
        "### Måneder",
        "",
        f"Kolonnen {_name(evalueringer, 'evaluering')} i arket {evalueringer.name} tar ett "
        f"antall måneder etter iverksetting: {one}. Kolonnen "
        f"{_name(anbefalinger, 'evaluering')} i arket {anbefalinger.name} kan ta flere: {many}. "
        f"Tom celle der betyr {_months_text(contract.DEFAULT_EVALUATION_MONTHS)} måneder.",
        "",
    ]


def _risk_score() -> list[str]:
    risiko = contract.RISIKO
    bands = contract.RISK_BANDS
    rows = []
    for index, (lowest, name, colour) in enumerate(bands):
        highest = bands[index + 1][0] - 1 if index + 1 < len(bands) else _max_score()
        scores = f"{lowest}–{highest}" if highest > lowest else str(lowest)
        rows.append((scores, name, COLOURS_NB.get(colour, colour)))
    s_name, k_name = _name(risiko, "sannsynlighet"), _name(risiko, "konsekvens")
    return [
        "## Risikoscore",
        "",
        f"Risikoscore = {s_name} × {k_name}, altså et tall fra 1 til {_max_score()}. Appen "
        "deler scoren inn i nivåer. Dette er standardinndelingen; den kan være justert i "
        "innstillingene.",
        "",
        *_table(("Score", "Nivå", "Farge"), rows),
        "",
        f"Fyller du ut {_name(risiko, 'sannsynlighet_etter')} og "
        f"{_name(risiko, 'konsekvens_etter')}, brukes de samme skalaene for vurderingen etter "
        "tiltak.",
        "",
    ]


def _progress() -> list[str]:
    gevinster, malinger = contract.GEVINSTER, contract.MALINGER
    nullpunkt, malverdi = _name(gevinster, "nullpunkt"), _name(gevinster, "malverdi")
    baseline, target, latest, unit = PROGRESS_EXAMPLE
    percent = round(100 * (latest - baseline) / (target - baseline))
    return [
        "## Fremdrift for gevinster",
        "",
        f"Fremdrift = (siste måling − {nullpunkt}) / ({malverdi} − {nullpunkt})",
        "",
        f"Siste måling er {_name(malinger, 'verdi')} med den nyeste {_name(malinger, 'dato')} i "
        f"arket {malinger.name}. Formelen virker også når målet er lavere enn nullpunktet. "
        f"Eksempel: {nullpunkt} {baseline} {unit}, {malverdi} {target} {unit} og siste måling "
        f"{latest} {unit} gir {percent} % fremdrift.",
        "",
    ]


def _evaluation_plan() -> list[str]:
    anbefalinger, evalueringer = contract.ANBEFALINGER, contract.EVALUERINGER
    iverksatt = _name(anbefalinger, "iverksatt")
    evaluering = _name(anbefalinger, "evaluering")
    start, months = MONTH_END_EXAMPLE
    due = add_months(start, months)
    leap_start = start.replace(year=start.year - 1)
    leap_due = add_months(leap_start, months)
    fields = {
        "evalueringer": evalueringer.name,
        "gjennomfort": _name(evalueringer, "gjennomfort"),
        "soon": contract.EVALUATION_SOON_DAYS,
        "iverksatt": iverksatt,
    }
    rows = [
        (f"**{status}**", EVALUATION_STATUS_MEANING[status].format(**fields))
        for status in contract.EVALUATION_STATUSES
    ]
    points = _months_text(int(choice) for choice in contract.choices(Kind.MONTHS))
    return [
        "## Evalueringsplanen",
        "",
        "Evalueringsplanen fyller du ikke ut selv; appen regner den ut fra arket "
        f"{anbefalinger.name}. Hver anbefaling med vedtak "
        f"{_join(_quoted(contract.SUPPORTED_DECISIONS), 'eller')} og en dato i {iverksatt} får "
        f"én evaluering for hvert antall måneder i {evaluering} (tom celle: "
        f"{_months_text(contract.DEFAULT_EVALUATION_MONTHS)}; vanlige valg er {points} "
        "måneder).",
        "",
        f"Fristen er {iverksatt} pluss så mange måneder. Finnes ikke dagen i den måneden, blir "
        f"fristen siste dag i måneden: {_date_nb(start)} + {months} måneder = {_date_nb(due)} "
        f"({_date_nb(leap_due)} i skuddår).",
        "",
        *_table(("Status", "Betyr"), rows),
        "",
        f"Når en evaluering er gjort, registrerer du den i arket {evalueringer.name}: samme "
        f"{_name(evalueringer, 'anbefaling_id')}, antall måneder i "
        f"{_name(evalueringer, 'evaluering')} og datoen i {fields['gjennomfort']}.",
        "",
    ]


# ---------------------------------------------------------------------------------------------
# One section per sheet


def _content(column: Column) -> str:
    """What a column holds, in a few words."""
    kind = column.kind
    if kind is Kind.TEXT:
        return "Tekst"
    if kind is Kind.ID:
        return "Kort ID"
    if kind is Kind.DATE:
        return "Dato"
    if kind is Kind.NUMBER:
        return "Tall"
    if kind is Kind.PROBABILITY:
        return f"Skala {_scale_text()} (se Sannsynlighet)"
    if kind is Kind.CONSEQUENCE:
        return f"Skala {_scale_text()} (se Konsekvens)"
    if kind is Kind.DECISION:
        return "Vedtak (se Vedtak)"
    if kind in (Kind.RISK_STATUS, Kind.BENEFIT_TYPE, Kind.EVALUATION_RESULT):
        return _join(contract.choices(kind), "eller")
    if kind is Kind.MONTHS:
        return "Antall måneder"
    if kind is Kind.MONTHS_LIST:
        return "Antall måneder, ett eller flere"
    if kind is Kind.TRAFFIC_LIGHT:
        return "Trafikklys (se Trafikklys)"
    if kind is Kind.RISK_LIGHT:
        return "Trafikklys, eller Lav, Middels, Høy (se Trafikklys)"
    raise ValueError(f"the guide has no description for {kind}")  # a new Kind needs one


def _required(sheet: Sheet, column: Column) -> str:
    if column.db == contract.PROJECT_COLUMN and sheet is not contract.PROSJEKTER:
        return "Nei" if sheet.parent is not None else "Ved flere prosjekter"
    if column.required and column.default is not None:
        return REQUIRED_WITH_DEFAULT  # an empty cell has a meaning, given in Forklaring
    return "Ja" if column.required else "Nei"


def _explanation(sheet: Sheet, column: Column) -> str:
    parts = [column.help.rstrip(".")] if column.help else []
    if column.db == contract.PROJECT_COLUMN and sheet.parent is not None:
        parent = contract.SHEETS_BY_KEY[sheet.parent[1]]
        parent_id = _name(sheet, sheet.parent[0])
        parts.append(
            f"Prosjektet hentes fra {parent.name}. Fyll ut bare hvis samme {parent_id} finnes "
            "i flere prosjekter"
        )
    default = column.default
    if isinstance(default, tuple):
        parts.append(f"Tom celle: {_months_text(default)}")
    elif default is not None:
        parts.append(f"Tom celle: {default}")
    return ". ".join(parts) + ("." if parts else "")


def _sheet_section(sheet: Sheet) -> list[str]:
    keys = [f"**{_name(sheet, db)}**" for db in sheet.id_columns]
    lines = [f"### {sheet.name}", ""]
    if sheet.help:
        lines += [sheet.help, ""]
    if sheet.aliases:
        lines += [f"Arket kan også hete {_join(_quoted(sheet.aliases), 'eller')}.", ""]
    if sheet is contract.PROSJEKTER:
        rule = f"Hver rad er ett prosjekt, og {keys[0]} må være unik."
    elif len(keys) == 1:
        rule = f"Hver rad kjennes igjen på {keys[0]}, som må være unik i prosjektet."
    else:
        rule = (
            f"Hver rad kjennes igjen på kombinasjonen av {_join(keys)}, som må være unik i "
            "prosjektet."
        )
    lines += [rule]
    if sheet.parent is not None:
        parent_column, parent_key = sheet.parent
        parent = contract.SHEETS_BY_KEY[parent_key]
        lines[-1] += (
            f" {_name(sheet, parent_column)} må finnes i arket {parent.name}, i samme fil "
            "eller lastet opp tidligere."
        )
    lines += [""]
    rows = [
        (
            f"**{column.name}**",
            _required(sheet, column),
            _content(column),
            ", ".join(column.aliases),
            _explanation(sheet, column),
        )
        for column in sheet.columns
    ]
    headings = ("Kolonne", "Må fylles ut", "Innhold", "Også godtatt som", "Forklaring")
    return [*lines, *_table(headings, rows), ""]


def _sheets() -> list[str]:
    project = contract.PROSJEKTER.column(contract.PROJECT_COLUMN).name
    lines = [
        "## Arkene",
        "",
        f"{project} kobler radene til riktig prosjekt. Den kan stå tom, eller kolonnen kan "
        "mangle, når filen gjelder ett prosjekt: enten har arket "
        f"{contract.PROSJEKTER.name} nøyaktig én rad, eller du har valgt prosjektet ved "
        "opplasting. Gjelder filen flere prosjekter, må den fylles ut.",
    ]
    children = [
        f"{sheet.name} (prosjektet hentes fra {contract.SHEETS_BY_KEY[sheet.parent[1]].name})"
        for sheet in contract.SHEETS
        if sheet.parent is not None
    ]
    if children:
        lines[-1] += f" {project} kan også stå tom i {_join(children)}."
    lines.append("")
    for sheet in contract.SHEETS:
        lines += _sheet_section(sheet)
    return lines


def _export_and_backup() -> list[str]:
    prosjekter = contract.PROSJEKTER
    return [
        "## Eksport, nedlastinger og sikkerhetskopi",
        "",
        "- **Eksport** (`python -m lib.cli export data.xlsx`, eller «Last ned» i appen) gir "
        "dataene slik de står i én versjon, som en utfylt mal. Den kan lastes opp igjen uten at "
        "noe endres, og i en ny, tom database gir den nøyaktig de samme arkene. Et prosjekt som "
        "bare ble valgt ved opplasting (arket hadde ingen "
        f"{_name(prosjekter, contract.PROJECT_COLUMN)}), står i eksporten med en rad i "
        f"{prosjekter.name} der {_name(prosjekter, 'prosjektnavn')} er prosjekt-ID-en. Gi det et "
        "ordentlig navn der og last opp igjen.",
        "- **Formler slipper aldri ut.** Tekst som begynner med `=`, `+`, `-` eller `@` (også "
        "etter usynlige tegn) lagres som tekst i alle nedlastede lister, i eksporten og i "
        "`changes --csv`, aldri som en formel Excel regner ut. Tabellenes egen «Download as "
        "CSV» og kopiering med Ctrl+C er slått av; bruk «Last ned som Excel» under listen.",
        "- **`dump` er for maskiner**: nøyaktige data uten slik beskyttelse. Skrives de til et "
        "terminalvindu, vises kontrolltegn synlig (`\\x1b`), slik kommandolinjen alltid viser "
        "data.",
        "- **Sikkerhetskopi med hele historikken:** `python -m lib.cli backup MAPPE` skriver en "
        "sammenhengende kopi av databasen, med alle versjoner og møtelåser, også mens appen "
        "kjører. README forklarer hvordan en kopi tas i bruk igjen.",
        "",
    ]


def _roles() -> list[str]:
    work = {
        access.LESER: "ser prosjektet: tall, lister, figurer og nedlastinger",
        access.OPPLASTER: "laster opp arbeidsbøker for prosjektet (og ser det)",
        access.MOTELEDER: "leder møter: låser versjoner (for alle prosjektene i versjonen), "
        "setter opp sakslisten, registrerer vedtak og avslutter møtet",
        access.ADMIN: "alt, for alle prosjekter: gir roller og gjenoppretter versjoner",
    }
    return [
        "## Innlogging og roller",
        "",
        "Når appen er satt opp med innlogging, logger du inn med organisasjonskontoen din, og "
        "det du lagrer, står i historikken og revisjonsloggen med navnet fra innloggingen. "
        "Hva du kan gjøre, avhenger av rollene dine, for ett prosjekt eller for alle:",
        "",
        *(f"- **{role}**: {work[role]}." for role in access.ROLES),
        "",
        f"Du ser bare prosjektene du har tilgang til. En lenke til et annet prosjekt gir "
        f"«Prosjektet X {access.NO_ACCESS}.» Last opp bare prosjekter du har rollen "
        f"«{access.OPPLASTER}» for: ellers lagres ingenting, og siden sier hvilket prosjekt det "
        "gjelder. Mangler du en rolle, spør en administrator (siden «Tilgang»). Uten innlogging "
        "(«Lokal modus – ingen innlogging») kan den som sitter ved maskinen, alt.",
        "",
    ]


def _rule_text(rule: quality.Rule) -> str:
    """What a quality rule looks for, in plain words, with its threshold from `quality.RULES`."""
    words = {
        "prosjekt_uten_opplasting": f"ingen opplasting har rørt prosjektet på {rule.days} dager "
        "eller mer",
        "risiko_uten_tiltak": f"åpen risiko med score {rule.min_score} eller mer uten tiltak",
        "risiko_uten_ansvarlig": f"åpen risiko med score {rule.min_score} eller mer uten ansvarlig",
        "risiko_frist_passert": "åpen risiko der fristen er passert (fra dagen etter)",
        "risiko_uten_etter_tiltak": f"høy risiko (score {rule.min_score} eller mer) uten "
        "sannsynlighet og konsekvens etter tiltak",
        "gevinst_uten_nullpunkt": "kvantitativ gevinst uten nullpunkt",
        "gevinst_uten_malverdi": "kvantitativ gevinst uten målverdi",
        "gevinst_ikke_malt": f"gevinst som ikke er målt på over {rule.months} måneder (fra "
        "siste måling, ellers fra nullpunktet) mens måldatoen ikke er passert",
        "gevinst_under_mal": "gevinst som har passert måldatoen uten å ha nådd målverdien "
        "(også når lavere er bedre), eller uten måling",
        "anbefaling_uten_ansvarlig": "anbefaling med vedtak "
        f"{_join(contract.SUPPORTED_DECISIONS, 'eller')} uten ansvarlig",
        "anbefaling_uten_iverksatt": "anbefaling med vedtak "
        f"{_join(contract.SUPPORTED_DECISIONS, 'eller')} uten iverksatt dato",
        "milepael_uten_prognose": "milepæl som skulle vært nådd, ikke er fullført og mangler "
        "prognose",
        "status_mangler": "prosjekt uten statusrapport datert på eller etter dagen for siste "
        "møte (fra dagen etter møtet)",
    }
    return words.get(rule.code, rule.name.lower())


def _meetings() -> list[str]:
    kinds = agenda.KINDS
    return [
        "## Møter, saksliste og vedtak",
        "",
        "Siden **Møter** samler styringsgruppens møter. Et møte har navn, dato og eventuelt "
        "deltakere. Slik går et møte:",
        "",
        "1. **Opprett møtet** og **lås grunnlaget**: versjonen møtet skal behandle, låses og kan "
        "aldri endres eller slettes (det samme som «Lås versjon for møte» på Historikk og "
        "`python -m lib.cli snapshot NAVN`).",
        "2. **Sakslisten** foreslås fra dataene, for det som har skjedd siden forrige møte. "
        "Møtelederen endrer rekkefølgen (tallet i «Nr»), fjerner saker («Ta med»), skriver "
        "merknader og legger til egne saker, og lagrer. Den lagrede sakslisten følger møtet "
        "(`python -m lib.cli agenda --meeting NAVN`).",
        "3. **Møtemodus** viser én sak per skjerm, «Sak 3 av 9», med store bokstaver for "
        "projektoren og uten sidepanel. «Avslutt møtemodus» går tilbake med de samme filtrene.",
        "4. **Vedtak** registreres i saken om anbefalingen: ett av vedtakene "
        f"({_join(list(contract.DECISIONS))}), vedtaksteksten og hvem som er ansvarlig. Det "
        "lagres med én gang som en ny versjon, akkurat som en opplasting: bare Vedtak, "
        "Vedtakstekst, Ansvarlig og Vedtaksdato (møtets dato) endres, og alle sidene viser det "
        "straks. Registrerer to samtidig, går ingenting tapt: har noen nettopp lagret et vedtak "
        "om samme anbefaling, får du se det vedtaket før du lagrer på nytt. Et feil vedtak "
        "angres ved å gjenopprette versjonen før (Historikk). På kommandolinjen: "
        '`python -m lib.cli vedtak A3 --vedtak Støttes --tekst "…" --ansvarlig "…" '
        "--meeting NAVN`.",
        "5. **Avslutt møtet** lagrer utfallet (versjonen etter siste vedtak) og viser referatet: "
        "vedtakene i sakslistens rekkefølge, som kan lastes ned som Excel "
        "(`python -m lib.cli motereferat --meeting NAVN --xlsx referat.xlsx`).",
        "",
        "Den foreslåtte sakslisten har denne rekkefølgen (tomme saker utelates, Eventuelt står "
        "alltid sist):",
        "",
        f"1. **{kinds['status']}**, verst først: rødt lys i siste statusrapport først, så "
        "flest høye risikoer, gevinster bak skjema, forsinkede milepæler og forfalte "
        "evalueringer. Saken viser lysene fra siste statusrapport.",
        f"2. **{kinds['risiko']}** som er nye eller har fått høyere score siden forrige møte.",
        f"3. **{kinds['anbefaling']}**: én sak per anbefaling som venter på vedtak "
        f"({_join(agenda.AWAITING_DECISIONS, 'eller')}).",
        f"4. **{kinds['evaluering']}** som har forfalt eller forfaller innen "
        f"{agenda.EVALUATION_DAYS} dager.",
        f"5. **{kinds['milepael']}** som er forsinket eller forskjøvet siden forrige møte.",
        f"6. **{kinds['gevinst']}** bak skjema.",
        f"7. **{kinds['kvalitet']}** (se under).",
        f"8. **{kinds['eventuelt']}**.",
        "",
        "Møtelederen kan i tillegg legge til egne saker. Å opprette, låse, lagre sakslisten, "
        f"registrere vedtak og avslutte krever rollen «{access.MOTELEDER}».",
        "",
        "## Datakvalitet",
        "",
        "Appen sjekker dataene og sier hva som må rettes før møtet: nederst på Oversikt "
        "(«Datakvalitet»), som en sak i sakslisten og med `python -m lib.cli kvalitet` "
        "(`--csv` for Excel). Hvert funn nevner prosjekt, ark og ID og sier i én setning hva "
        "som må gjøres. Reglene:",
        "",
        *(f"- **{rule.name}** ({rule.ark}): {_rule_text(rule)}." for rule in quality.RULES),
        "",
    ]


def _status_reports() -> list[str]:
    lights = _join(list(contract.TRAFFIC_LIGHTS), "eller")
    areas = _join([heading.lower() for _db, heading in contract.STATUS_DIMENSIONS])
    rules = [
        f"- **{rule.heading}**: Rød når {rule.red}; Gul når {rule.yellow}; Grønn når "
        f"{rule.green}. Ikke vurdert: {rule.none}."
        for rule in status.RULES
    ]
    return [
        "## Statusrapporter og trafikklys",
        "",
        f"Før hvert møte skriver prosjektlederen en statusrapport i arket "
        f"{contract.STATUS.name}: en overordnet status og et trafikklys ({lights}) med kommentar "
        f"for {areas}, og gjerne budsjett, påløpt og prognose. Rapporten kan lastes opp i "
        "arbeidsboken, eller skrives i skjemaet «Skriv ny statusrapport» på siden **Status** "
        f"(rollen «{access.OPPLASTER}», «{access.MOTELEDER}» eller «{access.ADMIN}» for "
        "prosjektet). Skjemaet er fylt ut fra forrige rapport; rapportdatoen er i dag, og "
        "«Rapportert av» er den som skriver. Begge deler lagres som en ny versjon, vises likt "
        "og står i Historikk og revisjonsloggen, og en ugyldig verdi gir samme melding som ved "
        "opplasting. Hver rapport har en rapportdato: en ny dato legger en rapport til "
        "prosjektets historikk, og en rapport med samme dato som en lagret erstatter den "
        "(skjemaet sier fra før du lagrer).",
        "",
        "**Oversikt** viser hvert prosjekts siste rapport, verst først, med dato og hvert lys "
        "med farge, tegn og ord. Rapporten merkes **utdatert** når den er eldre enn siste "
        "styringsgruppemøte (et møte regnes som holdt dagen etter møtedatoen), eller når "
        "prosjektet ikke har noen rapport. Siden **Status** viser ett prosjekt: lysene med "
        "kommentarer, den overordnede statusen, økonomien og lysene over tid.",
        "",
        "Ved siden av hvert rapporterte lys viser appen hva prosjektets egne data sier, og "
        "**merker rapporten når den er grønnere enn dataene**. Slik settes lyset fra dataene "
        "(kvalitet har ingen måling i dataene, så der gjelder bare rapporten):",
        "",
        *rules,
        "",
        "«⚠ data: Rød» ved et lys betyr at rapporten er grønnere enn dataene; grunnen står når "
        "du peker på merket, og under «Hvorfor ⚠» på Oversikt.",
        "",
        "## Møtepakken",
        "",
        "Møtepakken samler det styringsgruppen skal lese før møtet, i én PDF eller PowerPoint: "
        "forside (møte, dato, versjon, låst eller ikke), saksliste, status per prosjekt med "
        "trafikklysene (og «▲ Data: …» der rapporten er grønnere enn dataene, «utdatert» når "
        "rapporten er eldre enn forrige møte), risikomatrisen for porteføljen og for hvert "
        "prosjekt med endringer siden forrige møte (Ny, Opp, Ned), høye risikoer, anbefalinger "
        f"som venter på vedtak, evalueringer som har forfalt eller forfaller innen "
        f"{contract.EVALUATION_SOON_DAYS} dager, forsinkede milepæler, gevinster bak skjema, "
        "datakvalitet og, etter møtet, referatet. Alt er slik dataene var i møtets låste "
        "grunnlag (ellers siste versjon). Hver liste viser høyst "
        f"{pack_content.MOST_ROWS} rader, det viktigste først; hele listen står på siden i "
        "appen. Lysene vises alltid med ordet (Grønn, Gul, Rød), ikke bare med farge.",
        "",
        "På siden **Møter**: velg møtet og klikk «Last ned møtepakken (PDF)» eller «Last ned "
        "møtepakken (PowerPoint)». Filen lages når du klikker, med prosjektene du har tilgang "
        "til, og nedlastingen står i revisjonsloggen. På kommandolinjen: "
        "`python -m lib.cli motepakke pakke.pdf --meeting NAVN` (eller `pakke.pptx`, "
        "`--version N`, `--project ID`).",
        "",
    ]


def _known_templates() -> list[str]:
    gevinster = contract.GEVINSTER
    rows = [
        (
            f"{sheet_name}" if position == 0 else "",
            column.name,
            f"{contract.SHEETS_BY_KEY[_sheet_of(column)].name}: "
            f"{contract.SHEETS_BY_KEY[_sheet_of(column)].column(column.db).name}",
        )
        for sheet_name, sheet in kommit.TEMPLATE_SHEETS.items()
        for position, column in enumerate(
            [c for c in sheet.columns if c.db != "gevinst" or sheet_name == kommit.FOLLOW_UP]
        )
    ]
    return [
        f"## Kjente maler: {kommit.TEMPLATE_NAME}",
        "",
        "Bruker dere Gevinstverktøyet fra KS/KommIT (`Gevinstverktøy_KommIT.xlsx`, også i "
        "Prosjektportalens malbibliotek), kan du laste opp arbeidsboken slik den er. Du trenger "
        "ikke skrive gevinstene inn på nytt.",
        "",
        f"- **Gjenkjennes på arkene.** Arbeidsboken kjennes igjen på arket «{kommit.FOLLOW_UP}» "
        "sammen med minst ett av arkene "
        f"{_join(_quoted(n for n in kommit.USED_SHEETS if n != kommit.FOLLOW_UP), 'og')}. "
        f"Forhåndsvisningen sier da for eksempel «{kommit.TEMPLATE_NAME} gjenkjent: 6 "
        "gevinster, 4 målinger» og hvilke ark som ble lest. De andre arkene hoppes over med "
        "én samlet merknad.",
        f"- **Velg prosjektet.** Gevinstverktøyet har ingen "
        f"{_name(gevinster, contract.PROJECT_COLUMN)}. Velg prosjektet under «Arbeidsboken "
        "gjelder», eller skriv `python -m lib.cli load Gevinstverktøy.xlsx --project ID`. "
        f"Har et lagret prosjekt samme navn som på «{kommit.FRONT_PAGE}», er det valgt på "
        "forhånd. Gjelder verktøyet et nytt prosjekt, velger du «Et nytt prosjekt» og skriver "
        "en kort prosjekt-ID; prosjektet får da navnet fra "
        f"«{kommit.FRONT_PAGE}», og planlagt start- og sluttdato, prosjekteier og prosjektleder "
        "når de er fylt ut der (en dato som ikke kan leses, tas ikke med, med en merknad). Et "
        "lagret prosjekt beholder navnet og opplysningene det har.",
        "- **Lagre i Excel eller LibreOffice først.** De fleste cellene i verktøyet er formler "
        "som kopierer teksten mellom arkene. Styringsrom leser verdien Excel eller LibreOffice "
        "lagret sammen med formelen. Er filen laget av et program som ikke regner ut formler, "
        "får du beskjed om å åpne og lagre den i Excel eller LibreOffice.",
        "",
        *_table(("Ark i malen", "Kolonne", "Blir"), rows),
        "",
        f"- **{_name(gevinster, 'gevinst_id')} er plassen i «{kommit.FOLLOW_UP}».** "
        "Gevinsten i første rad under overskriften blir "
        f"{kommit.BENEFIT_ID_PREFIX}1, den neste {kommit.BENEFIT_ID_PREFIX}2 og så videre. Tomme "
        "rader hoppes over. Laster du opp samme arbeidsbok senere, oppdateres de samme "
        "gevinstene. La derfor en gevinst bli stående på plassen sin.",
        "- **Arkene kobles på gevinstens tekst**, slik verktøyet selv kopierer den. Store og små "
        "bokstaver og ekstra mellomrom spiller ingen rolle.",
        f"- **{_name(gevinster, 'maldato')}:** står det bare et årstall, blir det 31.12 det året. "
        f"**{_name(gevinster, 'type')}:** «Direkte …» og «Indirekte …» blir "
        f"{contract.QUANTITATIVE}, «Kvalitative …» blir {contract.QUALITATIVE}.",
        f"- **Dato for målingene:** skriv datoen etter «Dato:» øverst i «{kommit.RESULTS}» "
        "(for eksempel `Dato: 15.03.2026`), eller i cellen ved siden av. Står det ingen dato, "
        "dateres målingene med opplastingsdagen.",
        "- **Målingene samles opp.** Hver opplasting legger til målingene for sin dato; "
        "målinger med andre datoer blir stående, så kvartalsvise opplastinger gir en "
        "målehistorikk. Laster du opp igjen med samme dato, oppdateres målingene for den "
        f"datoen. Tar du en gevinst ut av «{kommit.FOLLOW_UP}», fjernes også alle målingene "
        "av den, uansett dato (de finnes fortsatt i historikken).",
        f"- **Feil vises der du retter dem:** med verktøyets eget ark, rad og kolonne, for "
        f"eksempel ark «{kommit.PLAN}», rad 9, kolonne «Når blir gevinsten realisert?». "
        "Radnumrene i forhåndsvisningen er også verktøyets egne.",
        f"- Mangler arket «{kommit.PLAN}» eller «{kommit.ANALYSIS}», blir de lagrede verdiene i "
        f"kolonnene de gir, stående. Uten «{kommit.RESULTS}» blir de lagrede målingene ikke "
        "endret.",
        "- `python -m lib.cli export` skriver dataene i Styringsroms eget format, som kan lastes "
        "opp igjen.",
        "",
    ]


def _sheet_of(column: Column) -> str:
    """The contract sheet a template column fills (its db name is that sheet's)."""
    return contract.MALINGER.key if column.db == "verdi" else contract.GEVINSTER.key


def render_guide() -> str:
    """The workbook guide as Markdown (Norwegian bokmål), generated from lib.contract."""
    lines = [
        *_intro(),
        *_uploading(),
        *_finding(),
        *_values(),
        *_risk_score(),
        *_progress(),
        *_evaluation_plan(),
        *_sheets(),
        *_export_and_backup(),
        *_roles(),
        *_meetings(),
        *_status_reports(),
        *_known_templates(),
    ]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lib.guide",
        description="Skriv veiledningen til arbeidsboken (Markdown) til standard ut.",
    )
    parser.add_argument(
        "--write",
        nargs="?",
        const=GUIDE_PATH,
        type=Path,
        metavar="FIL",
        help=f"skriv til fil i stedet (standard: {GUIDE_PATH.relative_to(GUIDE_PATH.parents[1])})",
    )
    args = parser.parse_args(argv)
    text = render_guide()
    if args.write is not None:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8", newline="\n")
        print(f"Veiledningen er skrevet til {args.write}.", file=sys.stderr)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

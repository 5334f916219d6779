"""The workbook contract: every sheet, column, alias, scale and vocabulary, defined once.

The reader matches headings by these aliases, the validator parses by each column's kind,
the store derives its tables from them, the template and export write them, and the UI
labels with them. Adding a column is one edit here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

CONTRACT_VERSION = 2


class Kind(Enum):
    """How a cell is parsed and stored."""

    TEXT = "text"
    ID = "id"  # text key; a whole number typed into Excel (1.0) reads as "1"
    DATE = "date"
    NUMBER = "number"
    PROBABILITY = "probability"  # 1–5 scale with Sannsynlighet labels
    CONSEQUENCE = "consequence"  # 1–5 scale with Konsekvens labels
    DECISION = "decision"
    RISK_STATUS = "risk_status"
    BENEFIT_TYPE = "benefit_type"
    EVALUATION_RESULT = "evaluation_result"
    MONTHS = "months"  # one month count: 6, "6 mnd", "1 år"
    MONTHS_LIST = "months_list"  # several: "6, 12"
    TRAFFIC_LIGHT = "traffic_light"  # Grønn, Gul, Rød (a status report's assessment)
    RISK_LIGHT = "risk_light"  # a traffic light that also reads Lav, Middels, Høy


@dataclass(frozen=True)
class Column:
    name: str  # canonical heading, as the template writes it
    db: str  # column name in the store and in SQL
    kind: Kind = Kind.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""
    default: object = None  # stored when the cell is empty
    identity: bool = False  # part of the row's key (with the project)


@dataclass(frozen=True)
class Sheet:
    name: str  # canonical sheet name
    key: str  # lower-case ASCII name used by the command line and as the table name
    columns: tuple[Column, ...]
    help: str = ""
    # (db column, sheet key) — a reference that must exist, in the upload or already stored;
    # the referenced row also decides the row's project.
    parent: tuple[str, str] | None = None
    aliases: tuple[str, ...] = field(default=())
    # Rows are dated reports that accumulate: an upload replaces only the stored rows with the
    # keys it holds, and stored rows with other keys stay (a project's history grows).
    accumulates: bool = False

    def column(self, db: str) -> Column:
        for column in self.columns:
            if column.db == db:
                return column
        raise KeyError(db)

    @property
    def table(self) -> str:
        return self.key

    @cached_property
    def id_columns(self) -> tuple[str, ...]:
        """The db names that, with the project, make a row's key."""
        return tuple(column.db for column in self.columns if column.identity)


# ---------------------------------------------------------------------------------------------
# Vocabularies

#: Scale labels: value -> (label shown, other accepted spellings).
PROBABILITY_LABELS: dict[int, tuple[str, tuple[str, ...]]] = {
    1: ("Svært lav", ("Svært liten", "Meget liten")),
    2: ("Lav", ("Liten",)),
    3: ("Middels", ()),
    4: ("Høy", ("Stor",)),
    5: ("Svært høy", ("Svært stor",)),
}
CONSEQUENCE_LABELS: dict[int, tuple[str, tuple[str, ...]]] = {
    1: ("Ubetydelig", ()),
    2: ("Liten", ("Lav",)),
    3: ("Moderat", ("Middels",)),
    4: ("Alvorlig", ("Høy", "Stor")),
    5: ("Svært alvorlig", ("Kritisk", "Svært høy", "Svært stor")),
}
SCALE_LABELS: dict[Kind, dict[int, tuple[str, tuple[str, ...]]]] = {
    Kind.PROBABILITY: PROBABILITY_LABELS,
    Kind.CONSEQUENCE: CONSEQUENCE_LABELS,
}

#: Decisions: canonical -> phrases that mean it.
DECISIONS: dict[str, tuple[str, ...]] = {
    "Støttes": (
        "Anbefaling støttes",
        "Anbefalingene støttes",
        "Innspill godtatt",
        "Vedtatt",
        "Godkjent",
    ),
    "Støttes delvis": ("Delvis støttet", "Støttes med endringer"),
    "Utredes videre": ("Utredes", "Til utredning", "Skal utredes"),
    "Til orientering": ("Er orientert", "Orientert", "Tatt til orientering"),
    "Ikke støttet": ("Avslått", "Støttes ikke"),
    "Ikke behandlet": ("Utsatt",),
}
DECISION_EMPTY = "Ikke behandlet"
#: Decisions whose measures are carried out and therefore evaluated.
SUPPORTED_DECISIONS: tuple[str, ...] = ("Støttes", "Støttes delvis")

RISK_STATUSES: tuple[str, ...] = ("Åpen", "Under arbeid", "Lukket")
RISK_STATUS_DEFAULT = "Åpen"
QUANTITATIVE = "Kvantitativ"
QUALITATIVE = "Kvalitativ"
BENEFIT_TYPES: tuple[str, ...] = (QUANTITATIVE, QUALITATIVE)
#: A qualitative benefit is rated on this scale (Nullpunkt, Målverdi, every measurement): any
#: number from the lowest to the highest, decimals included (4,5 is a survey's average).
QUALITY_SCALE: tuple[float, float] = (1.0, 5.0)
EVALUATION_RESULTS: tuple[str, ...] = ("Oppnådd", "Delvis oppnådd", "Ikke oppnådd")
DEFAULT_EVALUATION_MONTHS: tuple[int, ...] = (6, 12)

#: The most characters an Excel cell holds, counted as Excel counts them (UTF-16 code units:
#: a character outside the Basic Multilingual Plane, such as an emoji, counts as two). Longer
#: text is refused at upload: an export could not hold it, so it would not load back unchanged.
EXCEL_TEXT_LIMIT = 32_767

#: Statuses of the derived evaluation plan, in the order a meeting reads them.
EVALUATION_DONE = "Gjennomført"
EVALUATION_OVERDUE = "Forfalt"
EVALUATION_SOON = "Snart"
EVALUATION_PLANNED = "Planlagt"
EVALUATION_NO_DATE = "Mangler iverksettingsdato"
EVALUATION_STATUSES: tuple[str, ...] = (
    EVALUATION_DONE,
    EVALUATION_OVERDUE,
    EVALUATION_SOON,
    EVALUATION_PLANNED,
    EVALUATION_NO_DATE,
)
#: "Snart" means due within this many days.
EVALUATION_SOON_DAYS = 30

#: Default risk score bands (score = S × K): (lowest score, name, colour). A setting.
RISK_BANDS: tuple[tuple[int, str, str], ...] = (
    (1, "Lav", "green"),
    (5, "Middels", "yellow"),
    (10, "Høy", "red"),
)


def risk_band(score: int, bands: tuple[tuple[int, str, str], ...] = RISK_BANDS) -> str:
    """The band name of a risk score (1–25)."""
    name = bands[0][1]
    for lowest, band_name, _colour in bands:
        if score >= lowest:
            name = band_name
    return name


#: Risk statuses that count as active: the matrix and the overview show these unless the
#: status filter asks for others.
RISK_ACTIVE_STATUSES: tuple[str, ...] = ("Åpen", "Under arbeid")

#: How a risk's score moved since the version it is compared with.
RISK_NEW = "Ny"
RISK_UP = "Opp"
RISK_DOWN = "Ned"
RISK_SAME = "Uendret"
RISK_MOVEMENTS: tuple[str, ...] = (RISK_UP, RISK_NEW, RISK_DOWN, RISK_SAME)

#: A benefit's latest measurement against the straight planned path from the baseline
#: (Nullpunkt at Nullpunktdato) to the target (Målverdi at Måldato).
BENEFIT_ON_TRACK = "På sporet"
BENEFIT_BEHIND = "Bak skjema"
BENEFIT_NOT_MEASURED = "Ikke målt"
#: Measured, but without Nullpunkt, Målverdi or Måldato there is no path to compare with.
BENEFIT_NO_TARGET = "Mangler mål"
BENEFIT_STATUSES: tuple[str, ...] = (
    BENEFIT_ON_TRACK,
    BENEFIT_BEHIND,
    BENEFIT_NOT_MEASURED,
    BENEFIT_NO_TARGET,
)

#: Traffic lights of a status report: canonical -> phrases that mean it (Prosjektportalen
#: 365's Prosjektstatus wording included). An empty cell means «not assessed».
GREEN = "Grønn"
YELLOW = "Gul"
RED = "Rød"
TRAFFIC_LIGHTS: dict[str, tuple[str, ...]] = {
    GREEN: (
        "Grønt",
        "G",
        "OK",
        "På plan",
        "Foran plan",
        "På budsjett",
        "Under budsjett",
        "Ihht. spesifikasjon",
        "I henhold til spesifikasjon",
        "Bedre enn spesifikasjon",
    ),
    YELLOW: (
        "Gult",
        "Y",
        "Mindre forsinkelser",
        "Mindre overskridelser",
        "Mindre avvik fra spesifikasjon",
        "Vet ikke",
        "Ikke påbegynt",
    ),
    RED: ("Rødt", "R", "Forsinket", "Over budsjett", "Større avvik fra spesifikasjon"),
}
#: In the Risiko column only, the risk level also names a light.
RISK_LIGHT_PHRASES: dict[str, tuple[str, ...]] = {
    GREEN: ("Lav",),
    YELLOW: ("Middels", "Medium"),
    RED: ("Høy",),
}
#: Lights from best to worst: a light's index is its severity.
LIGHT_ORDER: tuple[str, ...] = (GREEN, YELLOW, RED)
#: The dimensions a status report assesses: (db column of the light, heading).
STATUS_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("fremdrift", "Fremdrift"),
    ("okonomi", "Økonomi"),
    ("kvalitet", "Kvalitet"),
    ("risiko", "Risiko"),
    ("gevinster", "Gevinster"),
)

#: A milestone: done, late (its expected date is after the planned one), or on track.
MILESTONE_DONE = "Fullført"
MILESTONE_LATE = "Forsinket"
MILESTONE_ON_TRACK = "I rute"
MILESTONE_STATUSES: tuple[str, ...] = (MILESTONE_LATE, MILESTONE_ON_TRACK, MILESTONE_DONE)


# ---------------------------------------------------------------------------------------------
# Sheets

_PROJECT = Column("Prosjekt-ID", "prosjekt_id", Kind.ID, aliases=("Prosjekt", "ProsjektID"))
_ID_ALIASES = ("ID", "Nr")


def _key(
    name: str, db: str, kind: Kind = Kind.ID, aliases: tuple[str, ...] = _ID_ALIASES, help: str = ""
) -> Column:
    """A required column of the row's key: with the project, it names one row."""
    return Column(name, db, kind, True, aliases, help, identity=True)


PROSJEKTER = Sheet(
    name="Prosjekter",
    key="prosjekter",
    help="Ett prosjekt per rad. Prosjekt-ID er en kort nøkkel, f.eks. OU2.",
    columns=(
        _key(
            "Prosjekt-ID",
            "prosjekt_id",
            aliases=(*_PROJECT.aliases, "ID"),
            help="Kort nøkkel, f.eks. OU2",
        ),
        Column("Prosjektnavn", "prosjektnavn", Kind.TEXT, True, ("Navn",)),
        Column("Program", "program"),
        Column(
            "Enhet",
            "enhet",
            aliases=("Kommunalområde", "Fakultet", "Avdeling"),
            help="Organisatorisk enhet, brukes til filtrering",
        ),
        Column("Prosjekteier", "prosjekteier", aliases=("Eier",)),
        Column("Prosjektleder", "prosjektleder"),
        Column("Startdato", "startdato", Kind.DATE, aliases=("Start",)),
        Column("Sluttdato", "sluttdato", Kind.DATE, aliases=("Slutt",)),
    ),
)

RISIKO = Sheet(
    name="Risiko",
    key="risiko",
    help="Risikoregister: sannsynlighet og konsekvens på skala 1–5, risiko = S × K.",
    columns=(
        _key("Risiko-ID", "risiko_id", help="Unik i prosjektet"),
        _PROJECT,
        Column(
            "Risiko",
            "risiko",
            Kind.TEXT,
            True,
            ("Tittel", "Hendelse", "Uønsket hendelse", "Mulig hendelse", "Usikkerhet"),
            "Hva kan gå galt",
        ),
        Column("Beskrivelse", "beskrivelse"),
        Column("Kategori", "kategori"),
        Column("Sannsynlighet", "sannsynlighet", Kind.PROBABILITY, True, ("S",), "Skala 1–5"),
        Column("Konsekvens", "konsekvens", Kind.CONSEQUENCE, True, ("K",), "Skala 1–5"),
        Column("Tiltak", "tiltak", aliases=("Mitigerende tiltak", "Risikoreduserende tiltak")),
        Column("Ansvarlig", "ansvarlig", aliases=("Eier", "Tiltaksansvarlig")),
        Column("Frist", "frist", Kind.DATE),
        Column("Status", "status", Kind.RISK_STATUS, default=RISK_STATUS_DEFAULT),
        Column(
            "Sannsynlighet etter tiltak",
            "sannsynlighet_etter",
            Kind.PROBABILITY,
            aliases=("S etter tiltak",),
            help="Skala 1–5, valgfri",
        ),
        Column(
            "Konsekvens etter tiltak",
            "konsekvens_etter",
            Kind.CONSEQUENCE,
            aliases=("K etter tiltak",),
            help="Skala 1–5, valgfri",
        ),
        Column("Vurdert dato", "vurdert_dato", Kind.DATE, aliases=("Dato",)),
    ),
)

GEVINSTER = Sheet(
    name="Gevinster",
    key="gevinster",
    help="Gevinstrealisering: nullpunkt, målverdi og måledato for hver gevinst.",
    columns=(
        _key("Gevinst-ID", "gevinst_id"),
        _PROJECT,
        Column("Gevinst", "gevinst", Kind.TEXT, True, ("Beskrivelse",)),
        Column("Effektmål", "effektmal"),
        Column(
            "Type",
            "type",
            Kind.BENEFIT_TYPE,
            aliases=("Gevinsttype",),
            help="Kvantitativ eller Kvalitativ (skala 1–5)",
        ),
        Column("Måleindikator", "maleindikator", aliases=("Indikator",)),
        Column("Enhet", "enhet", aliases=("Måleenhet",), help="F.eks. timer/uke eller %"),
        Column(
            "Nullpunkt",
            "nullpunkt",
            Kind.NUMBER,
            aliases=("Baseline", "Utgangsverdi", "Startverdi", "Dagens verdi"),
        ),
        Column(
            "Nullpunktdato",
            "nullpunktdato",
            Kind.DATE,
            aliases=("Dato for nullpunkt", "Nullpunktsmåling"),
        ),
        Column("Målverdi", "malverdi", Kind.NUMBER, aliases=("Mål", "Ønsket verdi")),
        Column("Måldato", "maldato", Kind.DATE),
        Column(
            "Gevinsteier",
            "gevinsteier",
            aliases=("Ansvarlig", "Eier", "Gevinstansvarlig"),
        ),
    ),
)

MALINGER = Sheet(
    name="Målinger",
    key="malinger",
    parent=("gevinst_id", "gevinster"),
    help="Målinger av gevinstene: én rad per gevinst og dato.",
    columns=(
        _key("Gevinst-ID", "gevinst_id", aliases=(), help="Må finnes i Gevinster"),
        _PROJECT,
        _key("Dato", "dato", Kind.DATE, ("Måledato", "Dato for måling")),
        Column("Verdi", "verdi", Kind.NUMBER, True, ("Måling", "Målt verdi")),
        Column("Kommentar", "kommentar", aliases=("Kommentar til måling",)),
    ),
)

ANBEFALINGER = Sheet(
    name="Anbefalinger",
    key="anbefalinger",
    help="Anbefalinger og styringsgruppens vedtak.",
    columns=(
        _key("Anbefaling-ID", "anbefaling_id"),
        _PROJECT,
        Column("Anbefaling", "anbefaling", Kind.TEXT, True, ("Tittel",)),
        Column("Beskrivelse", "beskrivelse"),
        Column(
            "Vedtak",
            "vedtak",
            Kind.DECISION,
            True,
            ("Status", "Beslutning"),
            "Støttes, Støttes delvis, Utredes videre, Til orientering, Ikke støttet, "
            "Ikke behandlet",
            default=DECISION_EMPTY,
        ),
        Column("Vedtaksdato", "vedtaksdato", Kind.DATE, aliases=("Møtedato",)),
        Column("Vedtakstekst", "vedtakstekst", aliases=("Vedtak tekst", "Merknad")),
        Column("Ansvarlig", "ansvarlig", help="Hvem som gjennomfører"),
        Column(
            "Iverksatt",
            "iverksatt",
            Kind.DATE,
            aliases=("Iverksatt dato", "Implementert"),
            help="Dato tiltaket ble iverksatt",
        ),
        Column(
            "Evaluering",
            "evaluering",
            Kind.MONTHS_LIST,
            aliases=("Evaluering (måneder)",),
            help="Måneder etter iverksetting, f.eks. 6, 12",
            default=DEFAULT_EVALUATION_MONTHS,
        ),
    ),
)

EVALUERINGER = Sheet(
    name="Evalueringer",
    key="evalueringer",
    parent=("anbefaling_id", "anbefalinger"),
    help="Gjennomførte evalueringer. Planen beregnes fra Anbefalinger.",
    columns=(
        _key("Anbefaling-ID", "anbefaling_id", aliases=(), help="Må finnes i Anbefalinger"),
        _PROJECT,
        _key(
            "Evaluering",
            "evaluering",
            Kind.MONTHS,
            ("Tidspunkt",),
            "Måneder etter iverksetting: 3, 6 eller 12",
        ),
        Column("Gjennomført", "gjennomfort", Kind.DATE, aliases=("Dato", "Evaluert dato")),
        Column("Resultat", "resultat", Kind.EVALUATION_RESULT),
        Column("Evaluert av", "evaluert_av", aliases=("Ansvarlig",)),
        Column("Kommentar", "kommentar", aliases=("Funn",)),
    ),
)

MILEPAELER = Sheet(
    name="Milepæler",
    key="milepaeler",
    help="Milepæler med planlagt dato, prognose og fullført dato.",
    columns=(
        _key("Milepæl-ID", "milepael_id", help="F.eks. M1"),
        _PROJECT,
        Column("Milepæl", "milepael", Kind.TEXT, True, ("Beskrivelse",)),
        Column("Kriterium", "kriterium"),
        Column("Planlagt", "planlagt", Kind.DATE, True, ("Planlagt dato", "Frist", "Dato")),
        Column("Prognose", "prognose", Kind.DATE, aliases=("Prognose dato",)),
        Column("Fullført", "fullfort", Kind.DATE, aliases=("Fullført dato", "Faktisk dato")),
        Column("Ansvarlig", "ansvarlig"),
    ),
)

LIGHT_HELP = "Grønn, Gul eller Rød (tom = ikke vurdert)"


def _light(name: str, db: str, aliases: tuple[str, ...], kind: Kind = Kind.TRAFFIC_LIGHT) -> Column:
    return Column(name, db, kind, aliases=aliases, help=LIGHT_HELP)


STATUS = Sheet(
    name="Status",
    key="status",
    aliases=("Statusrapport", "Statusrapporter", "Prosjektstatus"),
    accumulates=True,
    help="Statusrapport per prosjekt og rapportdato, med trafikklys for hvert område.",
    columns=(
        _PROJECT,
        _key(
            "Rapportdato",
            "rapportdato",
            Kind.DATE,
            ("Dato", "Statusdato", "Rapport dato"),
            "Datoen rapporten gjelder",
        ),
        Column(
            "Overordnet status",
            "overordnet_status",
            aliases=("Sammendrag", "Statuskommentar"),
            help="Hva er oppnådd, hva kommer, hva er vanskelig",
        ),
        _light("Fremdrift", "fremdrift", ("Tid", "Status fremdrift")),
        Column("Fremdrift kommentar", "fremdrift_kommentar", aliases=("Kommentar fremdrift",)),
        _light("Økonomi", "okonomi", ("Budsjett status", "Status økonomi")),
        Column("Økonomi kommentar", "okonomi_kommentar", aliases=("Kommentar økonomi",)),
        _light("Kvalitet", "kvalitet", ("Omfang", "Status kvalitet")),
        Column("Kvalitet kommentar", "kvalitet_kommentar", aliases=("Kommentar kvalitet",)),
        _light("Risiko", "risiko", ("Usikkerhet", "Status risiko"), Kind.RISK_LIGHT),
        Column("Risiko kommentar", "risiko_kommentar", aliases=("Kommentar risiko",)),
        _light("Gevinster", "gevinster", ("Gevinstoppnåelse", "Status gevinster")),
        Column("Gevinster kommentar", "gevinster_kommentar", aliases=("Kommentar gevinster",)),
        Column("Budsjett", "budsjett", Kind.NUMBER, aliases=("Budsjett totalt",), help="Kroner"),
        Column(
            "Påløpt",
            "palopt",
            Kind.NUMBER,
            aliases=("Kostnader", "Påløpte kostnader", "Regnskap"),
            help="Kroner",
        ),
        Column(
            "Prognose",
            "prognose",
            Kind.NUMBER,
            aliases=("Prognose sluttkostnad",),
            help="Forventet sluttkostnad i kroner",
        ),
        Column("Rapportert av", "rapportert_av", aliases=("Prosjektleder", "Ansvarlig")),
    ),
)

SHEETS: tuple[Sheet, ...] = (
    PROSJEKTER,
    RISIKO,
    GEVINSTER,
    MALINGER,
    ANBEFALINGER,
    EVALUERINGER,
    MILEPAELER,
    STATUS,
)
#: The template's first sheet; readers skip it without a notice.
INSTRUCTIONS_SHEET = "Veiledning"
SHEETS_BY_KEY: dict[str, Sheet] = {sheet.key: sheet for sheet in SHEETS}
PROJECT_COLUMN = "prosjekt_id"


# ---------------------------------------------------------------------------------------------
# Name matching


def normalize_name(text: str) -> str:
    """Fold a sheet or column name for matching.

    Case-insensitive, trimmed, repeated spaces and line breaks folded, and æ/ø/å also accepted
    as ae/o/a: "Milepæler", "MILEPÆLER", "Milepaeler" and "Milepaler" all fold alike.
    """
    text = unicodedata.normalize("NFC", str(text)).lower()
    text = text.replace("æ", "a").replace("ø", "o").replace("å", "a").replace("ae", "a")
    return " ".join(text.split())


_HEADING_HINT = re.compile(r"\s*\([^)]*\)\s*$")


def normalize_heading(text: str) -> str:
    """Fold a column heading: like names, also ignoring a trailing `*` and a trailing (hint)."""
    text = " ".join(str(text).split())
    previous = None
    while previous != text:
        previous = text
        text = text.rstrip(" *:")
        text = _HEADING_HINT.sub("", text)
    return normalize_name(text)


def sheet_for_name(name: str) -> Sheet | None:
    """The contract sheet a workbook sheet name means, if any."""
    folded = normalize_name(name)
    for sheet in SHEETS:
        if folded in {normalize_name(sheet.name), sheet.key, *map(normalize_name, sheet.aliases)}:
            return sheet
    return None


def heading_index(sheet: Sheet) -> dict[str, Column]:
    """Folded heading -> column, canonical names first so they win over aliases."""
    index: dict[str, Column] = {}
    for column in sheet.columns:
        index.setdefault(normalize_heading(column.name), column)
    for column in sheet.columns:
        for alias in column.aliases:
            index.setdefault(normalize_heading(alias), column)
    return index


_LINE_BREAK = re.compile(r"[ \t]*[\r\n]+[ \t]*")
_HYPHENATION = re.compile(r"-[ \t]*[\r\n]+[ \t]*")


def column_for_heading(index: dict[str, Column], heading: str) -> Column | None:
    """The column a heading cell names (`index` from `heading_index`), if any.

    A line break inside the cell is read as a space (`Sannsynlighet⏎etter tiltak`); when that
    names no column, as nothing (`Måle⏎indikator`, `Risiko-⏎ID`), and then as a hyphenation
    (`Sannsynlig-⏎het`): Excel users break headings to fit narrow columns.
    """
    column = index.get(normalize_heading(heading))
    if column is None and ("\n" in heading or "\r" in heading):
        for joined in (_LINE_BREAK.sub("", heading), _HYPHENATION.sub("", heading)):
            column = index.get(normalize_heading(joined))
            if column is not None:
                break
    return column


def on_quality_scale(value: float) -> bool:
    """Whether a qualitative benefit's value is on its scale (QUALITY_SCALE, decimals too)."""
    low, high = QUALITY_SCALE
    return low <= value <= high


def scale_label(kind: Kind, value: int) -> str:
    return SCALE_LABELS[kind][value][0]


def scale_choices(kind: Kind) -> list[str]:
    """The drop-down entries of a scale: `4 - Høy`."""
    return [f"{value} - {label}" for value, (label, _) in SCALE_LABELS[kind].items()]


def choices(kind: Kind) -> list[str]:
    """Every canonical value a column of this kind accepts, for drop-down lists."""
    if kind in SCALE_LABELS:
        return scale_choices(kind)
    return {
        Kind.DECISION: list(DECISIONS),
        Kind.RISK_STATUS: list(RISK_STATUSES),
        Kind.BENEFIT_TYPE: list(BENEFIT_TYPES),
        Kind.EVALUATION_RESULT: list(EVALUATION_RESULTS),
        Kind.MONTHS: ["3", "6", "12"],
        Kind.TRAFFIC_LIGHT: list(TRAFFIC_LIGHTS),
        Kind.RISK_LIGHT: list(TRAFFIC_LIGHTS),
    }.get(kind, [])


#: The heading row is looked for among this many rows from the first row with content.
HEADER_SEARCH_ROWS = 10


def find_header_row(rows: list[list[object]], sheet: Sheet) -> int | None:
    """Index of the heading row among `rows` (the first HEADER_SEARCH_ROWS count).

    The heading row is the first row in which at least two text cells name columns of
    `sheet` (by name or alias); None when no row does.
    """
    index = heading_index(sheet)
    for offset, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        known = sum(
            1
            for cell in row
            if isinstance(cell, str) and cell.strip() and column_for_heading(index, cell)
        )
        if known >= 2:
            return offset
    return None

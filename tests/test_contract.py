"""The contract module against the written contract (workbook.md), and name matching."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.contract import (
    ANBEFALINGER,
    BENEFIT_TYPES,
    CONSEQUENCE_LABELS,
    DECISION_EMPTY,
    DECISIONS,
    DEFAULT_EVALUATION_MONTHS,
    EVALUATION_RESULTS,
    EVALUATION_SOON_DAYS,
    EVALUATION_STATUSES,
    MILEPAELER,
    PROBABILITY_LABELS,
    PROJECT_COLUMN,
    RISIKO,
    RISK_STATUS_DEFAULT,
    RISK_STATUSES,
    SHEETS,
    SHEETS_BY_KEY,
    STATUS,
    SUPPORTED_DECISIONS,
    Kind,
    choices,
    column_for_heading,
    heading_index,
    normalize_heading,
    normalize_name,
    risk_band,
    sheet_for_name,
)
from lib.parse import ParseError, parse_value

# The tables of workbook.md, transcribed: sheet -> [(column, required, aliases)].
SPEC_COLUMNS: dict[str, list[tuple[str, bool, tuple[str, ...]]]] = {
    "Prosjekter": [
        ("Prosjekt-ID", True, ("Prosjekt", "ProsjektID", "ID")),
        ("Prosjektnavn", True, ("Navn",)),
        ("Program", False, ()),
        ("Enhet", False, ("Kommunalområde", "Fakultet", "Avdeling")),
        ("Prosjekteier", False, ("Eier",)),
        ("Prosjektleder", False, ()),
        ("Startdato", False, ("Start",)),
        ("Sluttdato", False, ("Slutt",)),
    ],
    "Risiko": [
        ("Risiko-ID", True, ("ID", "Nr")),
        ("Prosjekt-ID", False, ()),
        (
            "Risiko",
            True,
            ("Tittel", "Hendelse", "Uønsket hendelse", "Mulig hendelse", "Usikkerhet"),
        ),
        ("Beskrivelse", False, ()),
        ("Kategori", False, ()),
        ("Sannsynlighet", True, ("S",)),
        ("Konsekvens", True, ("K",)),
        ("Tiltak", False, ("Mitigerende tiltak", "Risikoreduserende tiltak")),
        ("Ansvarlig", False, ("Eier", "Tiltaksansvarlig")),
        ("Frist", False, ()),
        ("Status", False, ()),
        ("Sannsynlighet etter tiltak", False, ("S etter tiltak",)),
        ("Konsekvens etter tiltak", False, ("K etter tiltak",)),
        ("Vurdert dato", False, ("Dato",)),
    ],
    "Gevinster": [
        ("Gevinst-ID", True, ("ID", "Nr")),
        ("Prosjekt-ID", False, ()),
        ("Gevinst", True, ("Beskrivelse",)),
        ("Effektmål", False, ()),
        ("Type", False, ("Gevinsttype",)),
        ("Måleindikator", False, ("Indikator",)),
        ("Enhet", False, ("Måleenhet",)),
        ("Nullpunkt", False, ("Baseline", "Utgangsverdi", "Startverdi", "Dagens verdi")),
        ("Nullpunktdato", False, ("Dato for nullpunkt", "Nullpunktsmåling")),
        ("Målverdi", False, ("Mål", "Ønsket verdi")),
        ("Måldato", False, ()),
        ("Gevinsteier", False, ("Ansvarlig", "Eier", "Gevinstansvarlig")),
    ],
    "Målinger": [
        ("Gevinst-ID", True, ()),
        ("Prosjekt-ID", False, ()),
        ("Dato", True, ("Måledato", "Dato for måling")),
        ("Verdi", True, ("Måling", "Målt verdi")),
        ("Kommentar", False, ("Kommentar til måling",)),
    ],
    "Anbefalinger": [
        ("Anbefaling-ID", True, ("ID", "Nr")),
        ("Prosjekt-ID", False, ()),
        ("Anbefaling", True, ("Tittel",)),
        ("Beskrivelse", False, ()),
        ("Vedtak", True, ("Status", "Beslutning")),
        ("Vedtaksdato", False, ("Møtedato",)),
        ("Vedtakstekst", False, ("Vedtak tekst", "Merknad")),
        ("Ansvarlig", False, ()),
        ("Iverksatt", False, ("Iverksatt dato", "Implementert")),
        ("Evaluering", False, ("Evaluering (måneder)",)),
    ],
    "Evalueringer": [
        ("Anbefaling-ID", True, ()),
        ("Prosjekt-ID", False, ()),
        ("Evaluering", True, ("Tidspunkt",)),
        ("Gjennomført", False, ("Dato", "Evaluert dato")),
        ("Resultat", False, ()),
        ("Evaluert av", False, ("Ansvarlig",)),
        ("Kommentar", False, ("Funn",)),
    ],
    "Milepæler": [
        ("Milepæl-ID", True, ("ID", "Nr")),
        ("Prosjekt-ID", False, ()),
        ("Milepæl", True, ("Beskrivelse",)),
        ("Kriterium", False, ()),
        ("Planlagt", True, ("Planlagt dato", "Frist", "Dato")),
        ("Prognose", False, ("Prognose dato",)),
        ("Fullført", False, ("Fullført dato", "Faktisk dato")),
        ("Ansvarlig", False, ()),
    ],
    "Status": [
        ("Prosjekt-ID", False, ()),
        ("Rapportdato", True, ("Dato", "Statusdato", "Rapport dato")),
        ("Overordnet status", False, ("Sammendrag", "Statuskommentar")),
        ("Fremdrift", False, ("Tid", "Status fremdrift")),
        ("Fremdrift kommentar", False, ("Kommentar fremdrift",)),
        ("Økonomi", False, ("Budsjett status", "Status økonomi")),
        ("Økonomi kommentar", False, ("Kommentar økonomi",)),
        ("Kvalitet", False, ("Omfang", "Status kvalitet")),
        ("Kvalitet kommentar", False, ("Kommentar kvalitet",)),
        ("Risiko", False, ("Usikkerhet", "Status risiko")),
        ("Risiko kommentar", False, ("Kommentar risiko",)),
        ("Gevinster", False, ("Gevinstoppnåelse", "Status gevinster")),
        ("Gevinster kommentar", False, ("Kommentar gevinster",)),
        ("Budsjett", False, ("Budsjett totalt",)),
        ("Påløpt", False, ("Kostnader", "Påløpte kostnader", "Regnskap")),
        ("Prognose", False, ("Prognose sluttkostnad",)),
        ("Rapportert av", False, ("Prosjektleder", "Ansvarlig")),
    ],
}
SPEC_KEYS = {
    "Prosjekter": "prosjekter",
    "Risiko": "risiko",
    "Gevinster": "gevinster",
    "Målinger": "malinger",
    "Anbefalinger": "anbefalinger",
    "Evalueringer": "evalueringer",
    "Milepæler": "milepaeler",
    "Status": "status",
}
SPEC_LIGHTS = {
    "Grønn": {
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
    },
    "Gul": {
        "Gult",
        "Y",
        "Mindre forsinkelser",
        "Mindre overskridelser",
        "Mindre avvik fra spesifikasjon",
        "Vet ikke",
        "Ikke påbegynt",
    },
    "Rød": {"Rødt", "R", "Forsinket", "Over budsjett", "Større avvik fra spesifikasjon"},
}
SPEC_DECISIONS = {
    "Støttes": {
        "Anbefaling støttes",
        "Anbefalingene støttes",
        "Innspill godtatt",
        "Vedtatt",
        "Godkjent",
    },
    "Støttes delvis": {"Delvis støttet", "Støttes med endringer"},
    "Utredes videre": {"Utredes", "Til utredning", "Skal utredes"},
    "Til orientering": {"Er orientert", "Orientert", "Tatt til orientering"},
    "Ikke støttet": {"Avslått", "Støttes ikke"},
    "Ikke behandlet": {"Utsatt"},
}
SPEC_PROBABILITY = {
    1: ("Svært lav", {"Svært liten", "Meget liten"}),
    2: ("Lav", {"Liten"}),
    3: ("Middels", set()),
    4: ("Høy", {"Stor"}),
    5: ("Svært høy", {"Svært stor"}),
}
SPEC_CONSEQUENCE = {
    1: ("Ubetydelig", set()),
    2: ("Liten", {"Lav"}),
    3: ("Moderat", {"Middels"}),
    4: ("Alvorlig", {"Høy", "Stor"}),
    5: ("Svært alvorlig", {"Kritisk", "Svært høy", "Svært stor"}),
}

ALL_COLUMN_NAMES = [
    pytest.param(sheet, column, name, id=f"{sheet.key}:{name}")
    for sheet in SHEETS
    for column in sheet.columns
    for name in (column.name, *column.aliases)
]


# ---------------------------------------------------------------------------------------------
# The contract module says what the written contract says


def test_sheets_and_keys_are_the_contracts():
    assert [sheet.name for sheet in SHEETS] == list(SPEC_COLUMNS)
    assert {sheet.name: sheet.key for sheet in SHEETS} == SPEC_KEYS
    assert set(SHEETS_BY_KEY) == set(SPEC_KEYS.values())


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda sheet: sheet.key)
def test_columns_required_and_aliases_are_the_contracts(sheet):
    spec = SPEC_COLUMNS[sheet.name]
    assert [column.name for column in sheet.columns] == [name for name, _, _ in spec]
    for column, (name, required, aliases) in zip(sheet.columns, spec, strict=True):
        if column.db != PROJECT_COLUMN or sheet.name == "Prosjekter":
            assert column.required == required, name
        # The app may accept more spellings than the contract; it must accept all of these.
        assert set(aliases) <= set(column.aliases), name


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda sheet: sheet.key)
def test_every_sheet_has_a_project_column_and_a_required_key(sheet):
    dbs = [column.db for column in sheet.columns]
    assert PROJECT_COLUMN in dbs
    assert len(set(dbs)) == len(dbs)
    for db in sheet.id_columns:
        assert sheet.column(db).required


def test_keys_of_measurements_and_evaluations():
    assert SHEETS_BY_KEY["malinger"].id_columns == ("gevinst_id", "dato")
    assert SHEETS_BY_KEY["evalueringer"].id_columns == ("anbefaling_id", "evaluering")
    assert SHEETS_BY_KEY["malinger"].parent == ("gevinst_id", "gevinster")
    assert SHEETS_BY_KEY["evalueringer"].parent == ("anbefaling_id", "anbefalinger")


def test_column_kinds_follow_the_meaning_column():
    kinds = {(sheet.key, column.name): column.kind for sheet in SHEETS for column in sheet.columns}
    for key, name in [
        ("prosjekter", "Startdato"),
        ("prosjekter", "Sluttdato"),
        ("risiko", "Frist"),
        ("risiko", "Vurdert dato"),
        ("gevinster", "Nullpunktdato"),
        ("gevinster", "Måldato"),
        ("malinger", "Dato"),
        ("anbefalinger", "Vedtaksdato"),
        ("anbefalinger", "Iverksatt"),
        ("evalueringer", "Gjennomført"),
        ("milepaeler", "Planlagt"),
        ("milepaeler", "Prognose"),
        ("milepaeler", "Fullført"),
    ]:
        assert kinds[(key, name)] is Kind.DATE, name
    for key, name in [("gevinster", "Nullpunkt"), ("gevinster", "Målverdi"), ("malinger", "Verdi")]:
        assert kinds[(key, name)] is Kind.NUMBER, name
    assert kinds[("risiko", "Sannsynlighet")] is Kind.PROBABILITY
    assert kinds[("risiko", "Sannsynlighet etter tiltak")] is Kind.PROBABILITY
    assert kinds[("risiko", "Konsekvens")] is Kind.CONSEQUENCE
    assert kinds[("risiko", "Konsekvens etter tiltak")] is Kind.CONSEQUENCE
    assert kinds[("risiko", "Status")] is Kind.RISK_STATUS
    assert kinds[("gevinster", "Type")] is Kind.BENEFIT_TYPE
    assert kinds[("anbefalinger", "Vedtak")] is Kind.DECISION
    assert kinds[("anbefalinger", "Evaluering")] is Kind.MONTHS_LIST
    assert kinds[("evalueringer", "Evaluering")] is Kind.MONTHS
    assert kinds[("evalueringer", "Resultat")] is Kind.EVALUATION_RESULT


def test_vocabularies_are_the_contracts():
    assert {decision: set(others) for decision, others in DECISIONS.items()} == SPEC_DECISIONS
    assert DECISION_EMPTY == "Ikke behandlet"
    assert SUPPORTED_DECISIONS == ("Støttes", "Støttes delvis")
    assert {k: (label, set(others)) for k, (label, others) in PROBABILITY_LABELS.items()} == (
        SPEC_PROBABILITY
    )
    assert {k: (label, set(others)) for k, (label, others) in CONSEQUENCE_LABELS.items()} == (
        SPEC_CONSEQUENCE
    )
    assert RISK_STATUSES == ("Åpen", "Under arbeid", "Lukket")
    assert RISK_STATUS_DEFAULT == "Åpen"
    assert BENEFIT_TYPES == ("Kvantitativ", "Kvalitativ")
    assert EVALUATION_RESULTS == ("Oppnådd", "Delvis oppnådd", "Ikke oppnådd")
    assert DEFAULT_EVALUATION_MONTHS == (6, 12)
    assert EVALUATION_SOON_DAYS == 30
    assert set(EVALUATION_STATUSES) == {
        "Gjennomført",
        "Forfalt",
        "Snart",
        "Planlagt",
        "Mangler iverksettingsdato",
    }


def test_defaults_of_status_decision_and_evaluation():
    assert RISIKO.column("status").default == "Åpen"
    assert ANBEFALINGER.column("vedtak").default == "Ikke behandlet"
    assert ANBEFALINGER.column("evaluering").default == (6, 12)


def test_choices_are_the_canonical_values():
    assert choices(Kind.PROBABILITY) == [
        "1 - Svært lav",
        "2 - Lav",
        "3 - Middels",
        "4 - Høy",
        "5 - Svært høy",
    ]
    assert choices(Kind.CONSEQUENCE)[-1] == "5 - Svært alvorlig"
    assert choices(Kind.DECISION) == list(SPEC_DECISIONS)
    assert choices(Kind.RISK_STATUS) == list(RISK_STATUSES)
    assert choices(Kind.TEXT) == []


@pytest.mark.parametrize(
    ("score", "band"),
    [(1, "Lav"), (4, "Lav"), (5, "Middels"), (9, "Middels"), (10, "Høy"), (25, "Høy")],
)
def test_default_risk_bands(score, band):
    assert risk_band(score) == band


def test_risk_bands_are_a_setting():
    bands = ((1, "Grønn", "green"), (13, "Rød", "red"))
    assert risk_band(12, bands) == "Grønn"
    assert risk_band(13, bands) == "Rød"


# ---------------------------------------------------------------------------------------------
# Sheet names


@pytest.mark.parametrize(
    "name", ["Milepæler", "MILEPÆLER", "Milepaeler", "Milepaler", "  milepæler ", "MILEPAELER"]
)
def test_milestone_sheet_spellings(name):
    assert sheet_for_name(name) is MILEPAELER


def _ascii(text: str) -> str:
    return text.replace("æ", "ae").replace("Æ", "AE").replace("ø", "o").replace("å", "a")


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda sheet: sheet.key)
def test_every_sheet_name_is_found_in_its_spellings(sheet):
    for name in (sheet.name, sheet.name.upper(), sheet.name.lower(), _ascii(sheet.name), sheet.key):
        assert sheet_for_name(name) is sheet, name
        assert sheet_for_name(f" \t{name}  ") is sheet, name


@given(
    index=st.integers(0, len(SHEETS) - 1),
    flips=st.lists(st.booleans(), min_size=20, max_size=20),
    left=st.sampled_from(["", " ", "  ", "\t"]),
    right=st.sampled_from(["", " ", "  "]),
)
def test_sheet_names_match_in_any_case(index, flips, left, right):
    sheet = SHEETS[index]
    name = "".join(
        char.upper() if flip else char.lower()
        for char, flip in zip(sheet.name, flips + [False] * len(sheet.name), strict=False)
    )
    assert sheet_for_name(left + name + right) is sheet


@pytest.mark.parametrize("name", ["Ark1", "Veiledning", "Risikoanalyse", "Prosjekt", ""])
def test_unknown_sheet_names(name):
    assert sheet_for_name(name) is None


def test_normalize_name_folds_norwegian_letters():
    assert normalize_name("Måldato") == normalize_name("Maldato") == normalize_name("MÅLDATO")
    assert normalize_name("Uønsket  hendelse") == normalize_name("uonsket hendelse")
    assert normalize_name("Nullpunkt\ndato") == normalize_name("nullpunkt dato")


# ---------------------------------------------------------------------------------------------
# Column headings


@pytest.mark.parametrize(("sheet", "column", "name"), ALL_COLUMN_NAMES)
def test_every_name_and_alias_maps_to_its_column(sheet, column, name):
    index = heading_index(sheet)
    variants = [
        name,
        name.upper(),
        name.lower(),
        f"  {name} ",
        f"{name}*",
        f"{name} *",
        f"{name} (velg fra liste)",
        f"{name} (antall) *",
        f"{name}\n(hint)",
        _ascii(name),
        name.replace(" ", "  "),
        name.replace(" ", "\n"),
    ]
    for variant in variants:
        assert index.get(normalize_heading(variant)) is sheet.column(column.db), repr(variant)


@pytest.mark.parametrize(
    ("sheet", "heading", "db"),
    [
        (SHEETS_BY_KEY["gevinster"], "Nullpunkt (antall)", "nullpunkt"),
        (SHEETS_BY_KEY["gevinster"], "Gevinsttype (velg fra liste)", "type"),
        (SHEETS_BY_KEY["gevinster"], "Målverdi*\n(antall)", "malverdi"),
        (SHEETS_BY_KEY["anbefalinger"], "Evaluering (måneder)", "evaluering"),
        (SHEETS_BY_KEY["risiko"], "Uønsket\nhendelse *", "risiko"),
        (SHEETS_BY_KEY["risiko"], "Sannsynlighet  etter   tiltak", "sannsynlighet_etter"),
        (SHEETS_BY_KEY["risiko"], "RISIKO-ID*", "risiko_id"),
        (SHEETS_BY_KEY["malinger"], "Maledato", "dato"),
        (SHEETS_BY_KEY["milepaeler"], "Milepael-ID", "milepael_id"),
        (SHEETS_BY_KEY["milepaeler"], "Milepal", "milepael"),
    ],
)
def test_headings_with_hints_stars_and_line_breaks(sheet, heading, db):
    assert heading_index(sheet)[normalize_heading(heading)] is sheet.column(db)
    assert column_for_heading(heading_index(sheet), heading) is sheet.column(db)


@pytest.mark.parametrize(
    ("sheet", "heading", "db"),
    [
        (SHEETS_BY_KEY["gevinster"], "Måle\nindikator", "maleindikator"),
        (SHEETS_BY_KEY["risiko"], "Risiko-\nID*", "risiko_id"),
        (SHEETS_BY_KEY["risiko"], "Sannsynlighet\r\netter tiltak", "sannsynlighet_etter"),
        (SHEETS_BY_KEY["prosjekter"], "Prosjekt-\n ID", PROJECT_COLUMN),
        (SHEETS_BY_KEY["milepaeler"], "Milepæl\n-ID", "milepael_id"),
        (SHEETS_BY_KEY["risiko"], "Sannsynlig-\nhet etter tiltak", "sannsynlighet_etter"),
    ],
)
def test_a_line_break_is_a_space_or_nothing(sheet, heading, db):
    """Excel users break a heading between words and inside one (Alt+Enter)."""
    assert column_for_heading(heading_index(sheet), heading) is sheet.column(db)


def test_a_line_break_never_joins_words_into_another_column():
    assert column_for_heading(heading_index(RISIKO), "Risiko\nbeskrivelse") is None


def test_canonical_names_win_over_aliases():
    # "Beskrivelse" is a column of its own in Risiko but an alias of Gevinst in Gevinster.
    assert heading_index(RISIKO)["beskrivelse"].db == "beskrivelse"
    assert heading_index(SHEETS_BY_KEY["gevinster"])["beskrivelse"].db == "gevinst"
    # "Dato" is Målinger's own column, but Vurdert dato in Risiko and Planlagt in Milepæler.
    assert heading_index(SHEETS_BY_KEY["malinger"])["dato"].db == "dato"
    assert heading_index(RISIKO)["dato"].db == "vurdert_dato"
    assert heading_index(MILEPAELER)["dato"].db == "planlagt"


def test_unknown_headings_are_not_columns():
    index = heading_index(RISIKO)
    for heading in ("Kommentar", "Risikoscore", "S x K", ""):
        assert normalize_heading(heading) not in index


@pytest.mark.parametrize(
    ("light", "phrase"),
    [(light, phrase) for light, phrases in SPEC_LIGHTS.items() for phrase in (light, *phrases)],
)
def test_every_traffic_light_phrase_of_the_contract_reads_as_its_light(light, phrase):
    for written in (phrase, phrase.upper(), f" {phrase.lower()}. "):
        assert parse_value(Kind.TRAFFIC_LIGHT, written) == light
        assert parse_value(Kind.RISK_LIGHT, written) == light


@pytest.mark.parametrize(
    ("phrase", "light"),
    [("Lav", "Grønn"), ("Middels", "Gul"), ("Medium", "Gul"), ("Høy", "Rød"), ("HOY", "Rød")],
)
def test_the_risk_light_alone_also_reads_a_risk_level(phrase, light):
    assert parse_value(Kind.RISK_LIGHT, phrase) == light
    with pytest.raises(ParseError, match="trafikklys"):
        parse_value(Kind.TRAFFIC_LIGHT, phrase)


def test_an_empty_light_is_not_assessed_and_an_unknown_one_is_refused():
    assert parse_value(Kind.TRAFFIC_LIGHT, "") is None
    assert parse_value(Kind.TRAFFIC_LIGHT, None) is None
    with pytest.raises(ParseError, match="Grønn, Gul, Rød"):
        parse_value(Kind.TRAFFIC_LIGHT, "Lilla")


def test_the_status_sheet_is_found_by_its_other_names_and_its_rows_accumulate():
    for name in ("Status", "Statusrapport", "STATUSRAPPORTER", "Prosjektstatus"):
        assert sheet_for_name(name) is STATUS
    assert STATUS.accumulates and STATUS.id_columns == ("rapportdato",)
    assert [sheet.key for sheet in SHEETS if sheet.accumulates] == ["status"]
    assert choices(Kind.TRAFFIC_LIGHT) == ["Grønn", "Gul", "Rød"]

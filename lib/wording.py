"""Small pieces of Norwegian wording shared by the command line, the exports and the pages."""

from __future__ import annotations

from lib.contract import EVALUATION_SOON_DAYS


def count(number: int, one: str, many: str) -> str:
    """`1 rad`, `2 rader`: a number with the word in singular or plural."""
    return f"{number} {one if number == 1 else many}"


def thousands(number: int) -> str:
    """`32 767`: a whole number with a space between thousands."""
    return f"{number:,}".replace(",", " ")


def rows(number: int) -> str:
    """`1 rad`, `40 rader`."""
    return count(number, "rad", "rader")


#: Headings of the columns the pages derive, which lib/contract.py does not define (the
#: contract's columns take their heading from it: ui.layout.headed looks there first).
HEADINGS: dict[str, str] = {
    # Risiko
    "score": "Score",
    "band": "Nivå",
    "antall": "Antall",
    # Gevinster
    "nullpunktdato_brukt": "Nullpunktdato",
    "siste_verdi": "Siste måling",
    "siste_dato": "Målt dato",
    "fremdrift_prosent": "Fremdrift %",
    "planlagt_prosent": "Planlagt %",
    "serie": "Serie",
    # Evaluering and Milepæler
    "frist": "Frist",
    "dato": "Dato",
    "dato_type": "Dato gjelder",
    "avvik_dager": "Avvik (dager)",
    # Every view's derived status
    "status": "Status",
    # Oversikt, one row per project
    "hoye_risikoer": "Høye risikoer",
    "gevinster_pa_sporet": "Gevinster på sporet",
    "gevinster_bak_skjema": "Gevinster bak skjema",
    "gevinster_ikke_malt": "Gevinster ikke målt",
    "evalueringer_forfalt": "Evalueringer forfalt",
    "evalueringer_snart": f"Evalueringer innen {EVALUATION_SOON_DAYS} dager",
    "milepaeler_forsinket": "Milepæler forsinket",
}

#: Narrow headings for the risk list's scale columns, spelled as the template's aliases.
SHORT_HEADINGS: dict[str, str] = {"sannsynlighet": "S", "konsekvens": "K"}

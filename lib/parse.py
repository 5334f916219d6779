"""One cell -> a typed value, or a reason (in Norwegian) why it is not one.

Every parser takes what the Excel reader hands over (str, float, int, bool, date, datetime)
and returns the typed value, or None for an empty cell. A value that cannot be read raises
ParseError whose text says what was expected. Text parsing is cached: a register repeats the
same few scale labels, decisions and date strings thousands of times.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections.abc import Callable
from functools import cache, lru_cache

import pyarrow as pa

from lib.contract import (
    BENEFIT_TYPES,
    DECISION_EMPTY,
    DECISIONS,
    EVALUATION_RESULTS,
    EXCEL_TEXT_LIMIT,
    RISK_LIGHT_PHRASES,
    RISK_STATUSES,
    SCALE_LABELS,
    TRAFFIC_LIGHTS,
    Kind,
    normalize_name,
)
from lib.wording import thousands


class ParseError(ValueError):
    """A cell that cannot be read; the message says what was expected."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def is_missing(value: object) -> bool:
    """A stored value that is absent: None, NaN, or pandas' NA/NaT."""
    pandas = sys.modules.get("pandas")  # never imported for this: no pandas value without it
    if value is None or (pandas is not None and (value is pandas.NA or value is pandas.NaT)):
        return True
    return isinstance(value, float) and math.isnan(value)


def is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


# ---------------------------------------------------------------------------------------------
# Text and IDs


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: The invisible characters that override or isolate the direction of text (U+202A–U+202E,
#: U+2066–U+2069): one in a title turns it around wherever it is shown. Removed from every
#: text cell at upload (lib.validate.rows counts the cells for a notice). A regular
#: expression that Python and Arrow (RE2) read alike.
DIRECTION_CONTROL_RANGES = "\u202a-\u202e\u2066-\u2069"  # inside [...]
DIRECTION_CONTROLS = f"[{DIRECTION_CONTROL_RANGES}]"
_DIRECTION_CONTROL = re.compile(DIRECTION_CONTROLS)


def text_too_long(text: str) -> str:
    """What a text over EXCEL_TEXT_LIMIT is refused with: the limit and the text's length."""
    length = excel_length(text)
    counted = " (Excel teller en emoji som to tegn)" if length != len(text) else ""
    return (
        f"en tekst på høyst {thousands(EXCEL_TEXT_LIMIT)} tegn, så mye en Excel-celle rommer; "
        f"denne har {thousands(length)} tegn{counted}. Kort den ned"
    )


def excel_length(text: str) -> int:
    """The length of a text as Excel counts it: UTF-16 code units (an emoji counts as two)."""
    return len(text) + sum(1 for character in text if ord(character) > 0xFFFF)


def parse_text(value: object) -> str | None:
    """A text cell trimmed, without control characters; raises ParseError when Excel could not
    hold it (longer than EXCEL_TEXT_LIMIT)."""
    if is_empty(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    # Line ends as \n, and no control characters a workbook cannot hold, so that an export
    # loads back unchanged; no direction overrides, which would turn the text around.
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _DIRECTION_CONTROL.sub("", _CONTROL.sub("", text)).strip()
    if len(text) > EXCEL_TEXT_LIMIT // 2 and excel_length(text) > EXCEL_TEXT_LIMIT:
        raise ParseError(text_too_long(text))
    return text or None


def parse_id(value: object) -> str | None:
    text = parse_text(value)
    if text is not None and "\n" in text:
        raise ParseError("en kort ID på én linje, f.eks. R1")
    return text


# ---------------------------------------------------------------------------------------------
# Dates

MONTHS_NB: dict[str, int] = {
    "januar": 1,
    "februar": 2,
    "mars": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "desember": 12,
}
_MONTH_BY_NAME = {**MONTHS_NB, **{name[:3]: number for name, number in MONTHS_NB.items()}}
_MONTH_BY_NAME["sept"] = 9

DATE_EXPECTED = "en dato, f.eks. 17.12.2024, 2024-12-17 eller 17. desember 2024"

# Matched against lower-cased text: a date-time's "T" and "Z" arrive as "t" and "z".
_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"
)
_DMY = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})(?: \d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?")
# "17. desember 2024", "17. des. 2024", and Excel's d.mmm.yyyy display "17.des.2024"
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})\.?\s*([a-zæøå]+)(?:\.\s*|\s+)(\d{4})")


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # 17.12.24 is 2024; like strptime's %y
        year += 2000 if year < 69 else 1900
    return year


@lru_cache(maxsize=4096)
def _parse_date_text(text: str) -> dt.date:
    folded = " ".join(text.strip().lower().split())
    try:
        if match := _ISO.fullmatch(folded):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DMY.fullmatch(folded):
            return dt.date(_year(match[3]), int(match[2]), int(match[1]))
        if (match := _DAY_MONTH_NAME.fullmatch(folded)) and match[2] in _MONTH_BY_NAME:
            return dt.date(int(match[3]), _MONTH_BY_NAME[match[2]], int(match[1]))
    except ValueError:
        raise ParseError(f"en dato som finnes i kalenderen ({DATE_EXPECTED})") from None
    raise ParseError(DATE_EXPECTED)


#: Excel's first date. What reads as earlier is a time of day (Excel counts it from
#: 1899-12-31 00:00) or not a date at all.
FIRST_DATE = dt.date(1900, 1, 1)


def parse_date(value: object) -> dt.date | None:
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        day = _parse_date_text(value)
    else:
        raise ParseError(DATE_EXPECTED)
    if day < FIRST_DATE:
        raise ParseError(f"{DATE_EXPECTED} (et klokkeslett alene er ikke en dato)")
    return day


# ---------------------------------------------------------------------------------------------
# Numbers

NUMBER_EXPECTED = "et tall, f.eks. 1 234,5"
_SPACES = str.maketrans("", "", " \u00a0\u2009\u202f")
_NUMBER = re.compile(r"[-+−]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
# Dots group thousands only where nothing else fits: 1.234,5 (a decimal comma follows) or
# 1.234.567 (several groups). A lone 1.234 could be either, so it is refused, not guessed.
_DOT_THOUSANDS = re.compile(r"[-+−]?[1-9]\d{0,2}(?:(?:\.\d{3})+,\d*|(?:\.\d{3}){2,})")
_AMBIGUOUS_DOT = re.compile(r"[-+−]?[1-9]\d{0,2}\.\d{3}")


@lru_cache(maxsize=4096)
def _parse_number_text(text: str) -> float:
    compact = text.strip().translate(_SPACES)
    if compact.endswith("%"):
        compact = compact[:-1]
    if _DOT_THOUSANDS.fullmatch(compact):
        compact = compact.replace(".", "")
    elif _AMBIGUOUS_DOT.fullmatch(compact):
        raise ParseError(
            NUMBER_EXPECTED + " – «" + text.strip() + "» kan bety både tusen og desimaler; "
            "skriv 1234 eller 1,234"
        )
    if not _NUMBER.fullmatch(compact):
        raise ParseError(NUMBER_EXPECTED)
    return float(compact.replace(",", ".").replace("−", "-"))


def parse_number(value: object) -> float | None:
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ParseError(NUMBER_EXPECTED)
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise ParseError(NUMBER_EXPECTED)
        return number
    if isinstance(value, str):
        return _parse_number_text(value)
    raise ParseError(NUMBER_EXPECTED)


# ---------------------------------------------------------------------------------------------
# Scales 1–5


def scale_expected(kind: Kind) -> str:
    labels = ", ".join(f"{value} - {label}" for value, (label, _) in SCALE_LABELS[kind].items())
    return f"et tall fra 1 til 5 eller en etikett ({labels})"


@cache
def _scale_words(kind: Kind) -> dict[str, int]:
    words: dict[str, int] = {}
    for value, (label, others) in SCALE_LABELS[kind].items():
        for word in (label, *others):
            words[normalize_name(word)] = value
    return words


_SCALE_TEXT = re.compile(r"(?:(\d+(?:[.,]0+)?)\s*(?:[-–—:.]\s*)?)?(.*)")


@lru_cache(maxsize=1024)
def _parse_scale_text(kind: Kind, text: str) -> int:
    match = _SCALE_TEXT.fullmatch(text.strip())
    number_text, label = (match[1], match[2].strip()) if match else (None, text)
    number = int(float(number_text.replace(",", "."))) if number_text else None
    from_label = _scale_words(kind).get(normalize_name(label)) if label else None
    if label and from_label is None:
        raise ParseError(scale_expected(kind))
    if number is not None and not 1 <= number <= 5:
        raise ParseError(scale_expected(kind))
    if number is not None and from_label is not None and number != from_label:
        raise ParseError(f"tall og etikett som stemmer overens ({scale_expected(kind)})")
    result = number if number is not None else from_label
    if result is None:
        raise ParseError(scale_expected(kind))
    return result


def parse_scale(kind: Kind, value: object) -> int | None:
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ParseError(scale_expected(kind))
    if isinstance(value, int | float):
        if float(value).is_integer() and 1 <= value <= 5:
            return int(value)
        raise ParseError(scale_expected(kind))
    if isinstance(value, str):
        return _parse_scale_text(kind, value)
    raise ParseError(scale_expected(kind))


# ---------------------------------------------------------------------------------------------
# Vocabularies


def _fold_phrase(text: str) -> str:
    return normalize_name(text).rstrip(". ")


@lru_cache(maxsize=1)
def _decision_phrases() -> dict[str, str]:
    phrases: dict[str, str] = {}
    for decision, others in DECISIONS.items():
        for phrase in (decision, *others):
            phrases[_fold_phrase(phrase)] = decision
    return phrases


DECISION_EXPECTED = "et vedtak: " + ", ".join(DECISIONS)


def parse_decision(value: object) -> str:
    """A decision in canonical form; an empty cell is `Ikke behandlet`."""
    if is_empty(value):
        return DECISION_EMPTY
    decision = _decision_phrases().get(_fold_phrase(str(value)))
    if decision is None:
        raise ParseError(DECISION_EXPECTED)
    return decision


def _vocabulary_parser(words: tuple[str, ...]) -> Callable[[object], str | None]:
    folded = {_fold_phrase(word): word for word in words}
    expected = "en av: " + ", ".join(words)

    def parse(value: object) -> str | None:
        if is_empty(value):
            return None
        word = folded.get(_fold_phrase(str(value)))
        if word is None:
            raise ParseError(expected)
        return word

    return parse


parse_risk_status = _vocabulary_parser(RISK_STATUSES)


def _light_parser(*vocabularies: dict[str, tuple[str, ...]]) -> Callable[[object], str | None]:
    phrases: dict[str, str] = {}
    for vocabulary in vocabularies:
        for light, others in vocabulary.items():
            for phrase in (light, *others):
                phrases[_fold_phrase(phrase)] = light
    expected = "et trafikklys: " + ", ".join(TRAFFIC_LIGHTS) + " (eller tomt)"
    if len(vocabularies) > 1:
        expected += ", eller Lav, Middels, Høy"

    def parse(value: object) -> str | None:
        if is_empty(value):
            return None  # not assessed
        light = phrases.get(_fold_phrase(str(value)))
        if light is None:
            raise ParseError(expected)
        return light

    return parse


parse_traffic_light = _light_parser(TRAFFIC_LIGHTS)
#: The Risiko light of a status report also reads a risk level (Lav, Middels, Høy).
parse_risk_light = _light_parser(TRAFFIC_LIGHTS, RISK_LIGHT_PHRASES)
parse_benefit_type = _vocabulary_parser(BENEFIT_TYPES)
parse_evaluation_result = _vocabulary_parser(EVALUATION_RESULTS)


# ---------------------------------------------------------------------------------------------
# Months after Iverksatt

MONTHS_EXPECTED = "antall måneder, f.eks. 6, 6 mnd, 12 måneder eller 1 år"
_MONTHS = re.compile(r"(\d+)\s*(mnd\.?|md\.?|m|måned|måneder|maned|maneder|år|ar|aar)?")
_LIST_SEPARATORS = re.compile(r"\s*(?:,|;|/|\bog\b|\+)\s*")


def _months_of(text: str, default_unit: str | None = None) -> int:
    match = _MONTHS.fullmatch(text.strip().lower())
    if not match:
        raise ParseError(MONTHS_EXPECTED)
    count = int(match[1])
    unit = match[2] or default_unit
    months = count * 12 if unit in {"år", "ar", "aar"} else count
    if not 1 <= months <= 120:
        raise ParseError(MONTHS_EXPECTED + " (mellom 1 og 120 måneder)")
    return months


def parse_months(value: object) -> int | None:
    if is_empty(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer():
            return _months_of(str(int(value)))
        raise ParseError(MONTHS_EXPECTED)
    return _months_of(str(value))


@lru_cache(maxsize=256)
def _parse_months_list_text(text: str) -> tuple[int, ...]:
    parts = [part for part in _LIST_SEPARATORS.split(text.strip().lower()) if part]
    if not parts:
        raise ParseError(MONTHS_EXPECTED)
    # A unit written once at the end ("1 og 2 år") applies to the bare numbers before it when
    # that keeps the points in the order written; otherwise a bare number is months
    # ("6, 1 år" is 6 and 12 months, not 72).
    matches = [_MONTHS.fullmatch(part) for part in parts]
    units = [match[2] for match in matches if match and match[2]]
    unit = None
    if len(units) == 1 and matches[-1] and matches[-1][2]:
        try:
            spread = [_months_of(part, units[0]) for part in parts]
        except ParseError:
            spread = []
        if spread == sorted(spread):
            unit = units[0]
    try:
        months = {_months_of(part, unit) for part in parts}
    except ParseError:
        raise ParseError("en liste med " + MONTHS_EXPECTED + ", f.eks. 6, 12") from None
    return tuple(sorted(months))


def parse_months_list(value: object) -> tuple[int, ...] | None:
    if is_empty(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        months = parse_months(value)
        return (months,) if months is not None else None
    return _parse_months_list_text(str(value))


# ---------------------------------------------------------------------------------------------

PARSERS: dict[Kind, Callable[[object], object]] = {
    Kind.TEXT: parse_text,
    Kind.ID: parse_id,
    Kind.DATE: parse_date,
    Kind.NUMBER: parse_number,
    Kind.PROBABILITY: lambda value: parse_scale(Kind.PROBABILITY, value),
    Kind.CONSEQUENCE: lambda value: parse_scale(Kind.CONSEQUENCE, value),
    Kind.DECISION: parse_decision,
    Kind.RISK_STATUS: parse_risk_status,
    Kind.BENEFIT_TYPE: parse_benefit_type,
    Kind.EVALUATION_RESULT: parse_evaluation_result,
    Kind.MONTHS: parse_months,
    Kind.MONTHS_LIST: parse_months_list,
    Kind.TRAFFIC_LIGHT: parse_traffic_light,
    Kind.RISK_LIGHT: parse_risk_light,
}

#: The Arrow type of what each parser returns: validated columns travel to the store as Arrow.
ARROW_TYPES: dict[Kind, pa.DataType] = {
    Kind.TEXT: pa.string(),
    Kind.ID: pa.string(),
    Kind.DATE: pa.date32(),
    Kind.NUMBER: pa.float64(),
    Kind.PROBABILITY: pa.int8(),
    Kind.CONSEQUENCE: pa.int8(),
    Kind.DECISION: pa.string(),
    Kind.RISK_STATUS: pa.string(),
    Kind.BENEFIT_TYPE: pa.string(),
    Kind.EVALUATION_RESULT: pa.string(),
    Kind.MONTHS: pa.int32(),
    Kind.MONTHS_LIST: pa.list_(pa.int32()),
    Kind.TRAFFIC_LIGHT: pa.string(),
    Kind.RISK_LIGHT: pa.string(),
}


def parse_value(kind: Kind, value: object) -> object:
    """Parse one cell by its column kind; raises ParseError."""
    return PARSERS[kind](value)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus calendar months; a day the target month lacks becomes its last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last_day))

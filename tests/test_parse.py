"""One cell -> a typed value: properties over generated values, for every format the contract
names."""

from __future__ import annotations

import calendar
import datetime as dt
import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lib.contract import (
    DECISIONS,
    SCALE_LABELS,
    Kind,
    choices,
)
from lib.parse import (
    MONTHS_NB,
    ParseError,
    add_months,
    is_empty,
    is_missing,
    parse_benefit_type,
    parse_date,
    parse_decision,
    parse_evaluation_result,
    parse_id,
    parse_months,
    parse_months_list,
    parse_number,
    parse_risk_status,
    parse_scale,
    parse_text,
    parse_value,
)

dates = st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2099, 12, 31))
two_digit_year_dates = st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2068, 12, 31))
cases = st.sampled_from([str.lower, str.upper, str.title, str.capitalize, lambda text: text])
SCALE_KINDS = [Kind.PROBABILITY, Kind.CONSEQUENCE]
MONTH_NAMES = list(MONTHS_NB)


def _random_case(text: str, flips: list[bool]) -> str:
    flips = [*flips, *[False] * len(text)]
    return "".join(
        char.upper() if flip else char.lower()
        for char, flip in zip(text, flips[: len(text)], strict=True)
    )


# ---------------------------------------------------------------------------------------------
# Empty cells and text


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("value", [None, "", "   ", "\n", float("nan")])
def test_empty_cells_are_none_except_decisions(kind, value):
    expected = "Ikke behandlet" if kind is Kind.DECISION else None
    assert parse_value(kind, value) == expected


def test_is_empty_and_is_missing():
    assert is_empty(None) and is_empty(" ") and is_empty(float("nan"))
    assert not is_empty(0) and not is_empty("0") and not is_empty(0.0)
    assert is_missing(None) and is_missing(float("nan"))
    assert not is_missing("") and not is_missing(0)


def test_text_is_trimmed():
    assert parse_text("  Ola Nordmann \n") == "Ola Nordmann"
    assert parse_text(12.0) == "12"
    assert parse_text(12.5) == "12.5"
    assert parse_text(dt.date(2024, 12, 17)) == "2024-12-17"


@pytest.mark.parametrize(
    ("value", "expected"), [(1.0, "1"), (1, "1"), (" R1 ", "R1"), ("OU2", "OU2")]
)
def test_ids(value, expected):
    assert parse_id(value) == expected


def test_an_id_on_two_lines_is_refused():
    with pytest.raises(ParseError):
        parse_id("R1\nR2")


# ---------------------------------------------------------------------------------------------
# Dates


@given(dates)
def test_real_dates_and_datetimes_keep_their_date(day):
    assert parse_date(day) == day
    moment = dt.datetime.combine(day, dt.time(13, 45, 7))
    assert parse_date(moment) == day


@given(
    dates,
    st.sampled_from(
        [
            "",
            " 00:00",
            " 13:45",
            " 13:45:07",
            "T08:30:00",
            "t08:30",
            "T08:30:00.000Z",
            "T08:30:00+01:00",
        ]
    ),
)
def test_iso_dates_round_trip(day, time):
    text = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    assert parse_date(text) == day
    assert parse_date(f"  {text}{time} ") == day


@given(dates, st.sampled_from([".", "/"]), st.booleans())
def test_day_month_year_round_trips(day, separator, padded):
    day_text = f"{day.day:02d}" if padded else str(day.day)
    month_text = f"{day.month:02d}" if padded else str(day.month)
    assert parse_date(f"{day_text}{separator}{month_text}{separator}{day.year:04d}") == day


@given(two_digit_year_dates)
def test_two_digit_years_round_trip(day):
    assert parse_date(f"{day.day:02d}.{day.month:02d}.{day.year % 100:02d}") == day


def test_two_digit_year_examples():
    assert parse_date("17.12.24") == dt.date(2024, 12, 17)
    assert parse_date("1.1.99") == dt.date(1999, 1, 1)


@given(
    dates,
    st.booleans(),
    st.lists(st.booleans(), max_size=12),
    st.sampled_from(["{d}. {m} {y}", "{d} {m} {y}", "{d}.{m} {y}", "{d}. {m}. {y}", "{d}.{m}.{y}"]),
)
def test_norwegian_month_names_round_trip(day, short, flips, pattern):
    name = MONTH_NAMES[day.month - 1]
    name = _random_case(name[:3] if short else name, flips)
    assert parse_date(pattern.format(d=day.day, m=name, y=day.year)) == day


def test_the_contracts_date_examples():
    expected = dt.date(2024, 12, 17)
    for text in ["2024-12-17", "17.12.2024", "17.12.24", "17/12/2024", "17. desember 2024"]:
        assert parse_date(text) == expected, text
    for text in ["17. des 2024", "17. DESEMBER 2024", "17. Des 2024"]:
        assert parse_date(text) == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "31.02.2024",
        "29.02.2023",
        "31.04.2024",
        "2024-02-30",
        "2024-13-01",
        "00.01.2024",
        "32. januar 2024",
        "30. februar 2024",
        "31/06/2024",
        "17.13.24",
    ],
)
def test_dates_not_in_the_calendar_are_refused(text):
    with pytest.raises(ParseError, match="kalenderen"):
        parse_date(text)


@pytest.mark.parametrize(
    "value", ["i morgen", "17. decembre 2024", "2024/12", "17-12-2024x", "desember", 45000.0, True]
)
def test_non_dates_are_refused_with_a_norwegian_reason(value):
    with pytest.raises(ParseError) as caught:
        parse_date(value)
    assert "en dato" in caught.value.expected


@given(
    st.integers(min_value=1900, max_value=2100),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=3),
)
def test_generated_impossible_dates_are_refused(year, month, past_end):
    # A day just past the month's last day (29–31 Feb, 31 Apr, …) is never a date.
    day = calendar.monthrange(year, month)[1] + past_end
    if day > 31:
        return
    with pytest.raises(ParseError):
        parse_date(f"{day}.{month}.{year}")


# ---------------------------------------------------------------------------------------------
# Numbers

SEPARATORS = [" ", "\u00a0", "\u2009", "\u202f"]


def _group(digits: str, separator: str) -> str:
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return separator.join(groups)


@given(
    st.integers(0, 10**12),
    st.text("0123456789", max_size=4),
    st.sampled_from(["", *SEPARATORS]),
    st.booleans(),
    st.sampled_from(["", "%", " %", "\u00a0%"]),
    st.sampled_from(["", " ", "  "]),
)
def test_numbers_with_decimal_comma_and_thousands_separators(
    whole, fraction, separator, negative, percent, padding
):
    expected = float(f"{'-' if negative else ''}{whole}.{fraction or '0'}")
    text = _group(str(whole), separator) + (f",{fraction}" if fraction else "")
    text = f"{padding}{'-' if negative else ''}{text}{percent}{padding}"
    assert parse_number(text) == expected


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_generated_floats_round_trip_through_norwegian_text(number):
    text = f"{number:,.6f}".replace(",", " ").replace(".", ",")
    assert math.isclose(parse_number(text), round(number, 6), rel_tol=0, abs_tol=1e-6)
    assert parse_number(number) == number


@given(st.integers(-(10**9), 10**9))
def test_real_integers_are_numbers(number):
    assert parse_number(number) == float(number)
    assert parse_number(float(number)) == float(number)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,5", 1234.5),
        ("87 %", 87.0),
        ("87%", 87.0),
        ("-12,5", -12.5),
        ("\u22125", -5.0),
        ("0,5", 0.5),
        (",5", 0.5),
        ("1.5", 1.5),
        ("1\u202f000\u202f000", 1_000_000.0),
        ("1.234,5", 1234.5),
    ],
)
def test_number_examples(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "value", ["tolv", "1,2,3", "12 kr 50", "%", "-", "1e", True, float("inf"), dt.date.today()]
)
def test_non_numbers_are_refused(value):
    with pytest.raises(ParseError, match="et tall"):
        parse_number(value)


# ---------------------------------------------------------------------------------------------
# Scales 1–5

SCALE_SPELLINGS = [
    pytest.param(kind, value, word, id=f"{kind.value}:{value}:{word}")
    for kind in SCALE_KINDS
    for value, (label, others) in SCALE_LABELS[kind].items()
    for word in (label, *others)
]


@pytest.mark.parametrize(("kind", "value", "word"), SCALE_SPELLINGS)
def test_every_scale_label_and_alias(kind, value, word):
    for text in (word, word.upper(), word.lower(), f" {word} "):
        assert parse_scale(kind, text) == value
    for dash in ("-", "–", "—"):
        assert parse_scale(kind, f"{value} {dash} {word}") == value
        assert parse_scale(kind, f"{value}{dash}{word.upper()}") == value


@pytest.mark.parametrize("kind", SCALE_KINDS)
def test_drop_down_choices_read_back(kind):
    assert [parse_scale(kind, choice) for choice in choices(kind)] == [1, 2, 3, 4, 5]


@given(
    st.sampled_from(SCALE_KINDS),
    st.integers(1, 5),
    st.sampled_from(["{n}", " {n} ", "{n} - {w}", "{n} – {w}", "{n}-{w}", "{w}"]),
    st.lists(st.booleans(), max_size=20),
    st.data(),
)
def test_scale_number_label_or_both(kind, value, pattern, flips, data):
    label, others = SCALE_LABELS[kind][value]
    word = _random_case(data.draw(st.sampled_from([label, *others])), flips)
    assert parse_scale(kind, pattern.format(n=value, w=word)) == value
    assert parse_scale(kind, float(value)) == value
    assert parse_scale(kind, value) == value


@given(st.sampled_from(SCALE_KINDS), st.integers(1, 5), st.integers(1, 5), st.data())
def test_mismatched_number_and_label_are_refused(kind, number, value, data):
    assume(number != value)
    label, others = SCALE_LABELS[kind][value]
    word = data.draw(st.sampled_from([label, *others]))
    with pytest.raises(ParseError, match="stemmer overens"):
        parse_scale(kind, f"{number} - {word}")


@given(
    st.sampled_from(SCALE_KINDS),
    st.one_of(st.integers(-100, 0), st.integers(6, 1000)),
    st.booleans(),
)
def test_out_of_range_scales_are_refused(kind, number, as_text):
    with pytest.raises(ParseError, match="fra 1 til 5"):
        parse_scale(kind, str(number) if as_text else number)


@pytest.mark.parametrize(
    "value", ["2,5", 2.5, "Veldig høy", "6 - Svært høy", "0 - Svært lav", True, "høy høy"]
)
def test_other_scale_values_are_refused(value):
    with pytest.raises(ParseError):
        parse_scale(Kind.PROBABILITY, value)


def test_the_contracts_scale_examples():
    for text in ("4", "Høy", "4 - Høy", "4 – Høy"):
        assert parse_scale(Kind.PROBABILITY, text) == 4
    assert parse_scale(Kind.CONSEQUENCE, "Høy") == 4
    assert parse_scale(Kind.CONSEQUENCE, "Kritisk") == 5
    assert parse_scale(Kind.CONSEQUENCE, "Lav") == 2
    assert parse_scale(Kind.PROBABILITY, "Meget liten") == 1


# ---------------------------------------------------------------------------------------------
# Decisions and other vocabularies

DECISION_PHRASES = [
    (decision, phrase) for decision, others in DECISIONS.items() for phrase in (decision, *others)
]


@pytest.mark.parametrize(
    ("decision", "phrase"), DECISION_PHRASES, ids=[p for _, p in DECISION_PHRASES]
)
def test_every_decision_phrase(decision, phrase):
    for text in (phrase, phrase.upper(), phrase.lower(), f"{phrase}.", f" {phrase.upper()}. "):
        assert parse_decision(text) == decision


@given(st.sampled_from(DECISION_PHRASES), st.lists(st.booleans()))
def test_decisions_in_any_case(pair, flips):
    decision, phrase = pair
    assert parse_decision(_random_case(phrase, flips)) == decision
    assert parse_decision(_random_case(phrase, flips) + ".") == decision


@pytest.mark.parametrize("value", [None, "", "  ", float("nan")])
def test_an_empty_decision_is_not_yet_handled(value):
    assert parse_decision(value) == "Ikke behandlet"


@pytest.mark.parametrize("value", ["Ja", "Støttes kanskje", "OK", "Støttes!"])
def test_unknown_decisions_are_refused(value):
    with pytest.raises(ParseError) as caught:
        parse_decision(value)
    assert "et vedtak" in caught.value.expected and "Støttes delvis" in caught.value.expected


@pytest.mark.parametrize(
    ("parse", "words"),
    [
        (parse_risk_status, ("Åpen", "Under arbeid", "Lukket")),
        (parse_benefit_type, ("Kvantitativ", "Kvalitativ")),
        (parse_evaluation_result, ("Oppnådd", "Delvis oppnådd", "Ikke oppnådd")),
    ],
)
def test_vocabularies_in_any_case(parse, words):
    for word in words:
        for text in (word, word.upper(), word.lower(), f" {word}. "):
            assert parse(text) == word
    assert parse(None) is None
    with pytest.raises(ParseError, match="en av"):
        parse("Noe annet")


def test_ascii_spellings_of_vocabularies():
    assert parse_risk_status("apen") == "Åpen"
    assert parse_evaluation_result("delvis oppnadd") == "Delvis oppnådd"


# ---------------------------------------------------------------------------------------------
# Months after Iverksatt


@pytest.mark.parametrize(
    ("value", "months"),
    [
        ("6", 6),
        (6, 6),
        (6.0, 6),
        ("6 mnd", 6),
        ("6 mnd.", 6),
        ("6mnd", 6),
        ("12 måneder", 12),
        ("1 måned", 1),
        ("12 MÅNEDER", 12),
        ("1 år", 12),
        ("2 år", 24),
        ("3 maneder", 3),
    ],
)
def test_one_month_count(value, months):
    assert parse_months(value) == months


@given(st.integers(1, 120), st.sampled_from(["", " ", "mnd", " mnd", " måneder", " MND"]))
def test_generated_month_counts(count, unit):
    assert parse_months(f"{count}{unit}") == count


@given(st.integers(1, 10))
def test_years_are_twelve_months(years):
    assert parse_months(f"{years} år") == 12 * years


@pytest.mark.parametrize("value", ["0", "121", "seks", "6 uker", "-6", 6.5, "6, 12"])
def test_bad_month_counts_are_refused(value):
    with pytest.raises(ParseError, match="måneder"):
        parse_months(value)


@pytest.mark.parametrize(
    ("value", "months"),
    [
        ("6, 12", (6, 12)),
        ("6,12", (6, 12)),
        ("6; 12", (6, 12)),
        ("3, 6 og 12 måneder", (3, 6, 12)),
        ("3, 6 og 12 mnd", (3, 6, 12)),
        ("6 mnd og 1 år", (6, 12)),
        ("12, 6", (6, 12)),
        ("6", (6,)),
        (6.0, (6,)),
        ("1 og 2 år", (12, 24)),
    ],
)
def test_month_lists(value, months):
    assert parse_months_list(value) == months


@given(st.lists(st.integers(1, 120), min_size=1, max_size=5), st.sampled_from([", ", ",", " og "]))
def test_generated_month_lists(counts, separator):
    assert parse_months_list(separator.join(map(str, counts))) == tuple(sorted(set(counts)))


@pytest.mark.parametrize("value", ["6, tolv", "6,, x", "og", "0, 6"])
def test_bad_month_lists_are_refused(value):
    with pytest.raises(ParseError, match="måneder"):
        parse_months_list(value)


# ---------------------------------------------------------------------------------------------
# add_months


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2400, 12, 31)),
    st.integers(-240, 240),
)
def test_add_months_properties(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day
    last = calendar.monthrange(result.year, result.month)[1]
    if day.day <= last:
        assert result.day == day.day
    else:
        assert result.day == last


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2024, 8, 31), 6, dt.date(2025, 2, 28)),
        (dt.date(2023, 8, 31), 6, dt.date(2024, 2, 29)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2024, 3, 31), 1, dt.date(2024, 4, 30)),
        (dt.date(2024, 12, 17), 12, dt.date(2025, 12, 17)),
        (dt.date(2024, 7, 15), 6, dt.date(2025, 1, 15)),
        (dt.date(2024, 12, 31), 0, dt.date(2024, 12, 31)),
    ],
)
def test_add_months_examples(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("text", ["0.125", "1.5", "-0.25"])
def test_a_decimal_point_is_read_as_a_decimal(text):
    assert parse_number(text) == float(text)


@pytest.mark.parametrize("text", ["1.234", "12.500", "-100.000"])
def test_a_lone_dot_group_is_ambiguous_and_refused(text):
    with pytest.raises(ParseError, match="tusen og desimaler"):
        parse_number(text)


def test_text_keeps_what_a_workbook_can_hold():
    assert parse_text("linje 1\r\nlinje 2\rlinje 3\x01") == "linje 1\nlinje 2\nlinje 3"


@pytest.mark.parametrize(
    ("text", "months"),
    [("6, 1 år", (6, 12)), ("1 og 2 år", (12, 24)), ("6 og 12 mnd, 2 år", (6, 12, 24))],
)
def test_a_trailing_unit_spreads_only_when_the_order_stays(text, months):
    assert parse_months_list(text) == months


@pytest.mark.parametrize(
    "value", [dt.datetime(1899, 12, 31, 13, 30), dt.date(1899, 12, 30), "1899-12-31", "31.12.1899"]
)
def test_a_time_of_day_or_a_date_before_excels_first_is_not_a_date(value):
    """Excel keeps a time of day as a fraction of a day from 1899-12-31; it is no date."""
    with pytest.raises(ParseError, match="klokkeslett"):
        parse_date(value)
    assert parse_date("1.1.1900") == dt.date(1900, 1, 1)

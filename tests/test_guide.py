"""The workbook guide: generated from the contract, committed, and true to the parsers."""

from __future__ import annotations

import re

import pytest

from lib import contract, guide, status
from lib.contract import Kind, heading_index, normalize_heading, sheet_for_name
from lib.parse import (
    add_months,
    parse_date,
    parse_months,
    parse_months_list,
    parse_number,
    parse_scale,
)

GUIDE = guide.render_guide()


def _sheet_sections(text: str) -> dict[str, str]:
    """Sheet name -> the text of its `### name` section in the sheets part of the guide."""
    sheets_part = text.split("\n## Arkene\n", 1)[1]
    parts = re.split(r"^### (.+)$", sheets_part, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_committed_guide_is_current() -> None:
    committed = guide.GUIDE_PATH.read_text(encoding="utf-8")
    assert committed == GUIDE, (
        f"{guide.GUIDE_PATH.name} is out of date with lib/contract.py; regenerate it with "
        f"`{guide.REGENERATE}` and commit the result"
    )


def test_render_is_deterministic() -> None:
    assert guide.render_guide() == GUIDE


def test_every_sheet_column_and_alias_appears_in_its_section() -> None:
    sections = _sheet_sections(GUIDE)
    assert list(sections) == [sheet.name for sheet in contract.SHEETS]
    for sheet in contract.SHEETS:
        section = sections[sheet.name]
        for alias in sheet.aliases:
            assert alias in section, (sheet.name, alias)
        for column in sheet.columns:
            rows = [
                line for line in section.splitlines() if line.startswith(f"| **{column.name}**")
            ]
            assert len(rows) == 1, (sheet.name, column.name)
            for alias in column.aliases:
                assert alias in rows[0], (sheet.name, column.name, alias)
            if column.help:
                assert " ".join(column.help.split()).rstrip(".") in rows[0]


def test_every_decision_phrase_appears() -> None:
    for decision, phrases in contract.DECISIONS.items():
        rows = [line for line in GUIDE.splitlines() if line.startswith(f"| **{decision}** |")]
        assert len(rows) == 1, decision
        for phrase in phrases:
            assert phrase in rows[0], (decision, phrase)


def test_every_vocabulary_word_and_number_appears() -> None:
    for labels in contract.SCALE_LABELS.values():
        for label, others in labels.values():
            assert label in GUIDE
            for other in others:
                assert other in GUIDE
    words = (
        *contract.RISK_STATUSES,
        *contract.BENEFIT_TYPES,
        *contract.EVALUATION_RESULTS,
        *contract.EVALUATION_STATUSES,
        *contract.SUPPORTED_DECISIONS,
        contract.INSTRUCTIONS_SHEET,
    )
    for word in words:
        assert word in GUIDE, word
    assert f"innen {contract.EVALUATION_SOON_DAYS} dager" in GUIDE
    for lowest, name, _colour in contract.RISK_BANDS:
        assert re.search(rf"^\| {lowest}(–\d+)? \| {name} \|", GUIDE, re.MULTILINE), name


def test_every_kind_has_a_description() -> None:
    for kind in Kind:
        assert guide._content(contract.Column("X", "x", kind))


def test_sheet_name_examples_match() -> None:
    sheets = {sheet_for_name(name) for name in guide.SHEET_NAME_EXAMPLES}
    assert len(sheets) == 1 and None not in sheets


def test_heading_examples_match() -> None:
    for written, name in guide.HEADING_EXAMPLES:
        matches = [
            sheet
            for sheet in contract.SHEETS
            if (column := heading_index(sheet).get(normalize_heading(written)))
            and column.name == name
        ]
        assert matches, written


@pytest.mark.parametrize("text", guide.DATE_EXAMPLES)
def test_date_examples_parse(text: str) -> None:
    assert parse_date(text) == guide.EXAMPLE_DATE


@pytest.mark.parametrize(("text", "value"), guide.NUMBER_EXAMPLES)
def test_number_examples_parse(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", guide.SCALE_EXAMPLES)
def test_scale_examples_parse(text: str) -> None:
    assert parse_scale(Kind.PROBABILITY, text) == 4


@pytest.mark.parametrize(("text", "months"), guide.MONTHS_EXAMPLES)
def test_months_examples_parse(text: str, months: int) -> None:
    assert parse_months(text) == months


@pytest.mark.parametrize(("text", "months"), guide.MONTHS_LIST_EXAMPLES)
def test_months_list_examples_parse(text: str, months: tuple[int, ...]) -> None:
    assert parse_months_list(text) == months


def test_month_end_example() -> None:
    start, months = guide.MONTH_END_EXAMPLE
    assert add_months(start, months).day < start.day  # the example shows the month-end rule


def test_cli_prints_and_writes(tmp_path, capsysbinary) -> None:
    assert guide.main([]) == 0
    assert capsysbinary.readouterr().out.decode("utf-8") == GUIDE
    target = tmp_path / "arbeidsbok.md"
    assert guide.main(["--write", str(target)]) == 0
    assert target.read_bytes() == GUIDE.encode("utf-8")


def test_every_traffic_light_phrase_and_status_rule_appears() -> None:
    for light, phrases in contract.TRAFFIC_LIGHTS.items():
        section = next(line for line in GUIDE.splitlines() if line.startswith(f"| **{light}**"))
        for phrase in phrases:
            assert phrase in section, phrase
    for rule in status.RULES:
        for explanation in (rule.red, rule.yellow, rule.green, rule.none):
            assert explanation in GUIDE, explanation

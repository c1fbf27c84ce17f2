"""Posted strings become exact numbers only when the whole string is one finite number."""

from decimal import Decimal

import pytest

from benchmark_pipeline.lib.trials.results.numbers import (
    EMPTY,
    NOT_A_NUMBER,
    NOT_FINITE,
    parse_count,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12.30", "12.30"),
        ("-1.5", "-1.5"),
        ("0", "0"),
        ("+3", "3"),
        (".5", "0.5"),
        ("1.2E-4", "0.00012"),
        ("84.2", "84.2"),
        (" 7.25 ", "7.25"),
    ],
)
def test_a_plain_number_keeps_its_posted_digits(text: str, number: str) -> None:
    value, why = parse_number(text)
    assert why is None and value == Decimal(number)
    assert str(value) == str(Decimal(text.strip()))  # "12.30" stays 12.30, not 12.3


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("NA", NOT_A_NUMBER),
        ("NR", NOT_A_NUMBER),
        ("--", NOT_A_NUMBER),
        ("", EMPTY),
        ("   ", EMPTY),
        ("12.3 (SD 4)", NOT_A_NUMBER),
        ("<0.001", NOT_A_NUMBER),
        ("1,234", NOT_A_NUMBER),
        ("12.3%", NOT_A_NUMBER),
        ("0x1A", NOT_A_NUMBER),
        ("1_000", NOT_A_NUMBER),
        ("١٢", NOT_A_NUMBER),  # Arabic-Indic digits: Decimal() reads them, a reader may not
        ("1e400", NOT_FINITE),
        ("-1e400", NOT_FINITE),
        ("1e-400", NOT_FINITE),
        ("nan", NOT_FINITE),
        ("NaN", NOT_FINITE),
        ("inf", NOT_FINITE),
        ("-Infinity", NOT_FINITE),
    ],
)
def test_anything_else_stays_text_with_no_number(text: str, why: str) -> None:
    assert parse_number(text) == (None, why)


def test_nothing_posted_is_no_number_and_no_problem() -> None:
    assert parse_number(None) == (None, None)
    assert parse_count(None) == (None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2884", (2884, None)),
        ("0", (0, None)),
        ("12.5", (None, "not a whole number of participants")),
        ("-3", (None, "not a whole number of participants")),
        ("NA", (None, "not a whole number of participants")),
        ("99999999999", (None, "too large for a count")),
        ("١٢", (None, "not a whole number of participants")),
        ("", (None, EMPTY)),
    ],
)
def test_a_denom_count_is_a_whole_number_of_participants(text: str, expected: tuple) -> None:
    assert parse_count(text) == expected

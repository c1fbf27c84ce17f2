"""A value compares with a patient's score only as a mean of the instrument's points, of a
change or an endpoint, posted as a number; otherwise the first reason, in plain words."""

from decimal import Decimal

import pytest

from benchmark_pipeline.lib.trials.results.comparability import (
    measure_reason,
    unit_kind,
    value_reason,
)


@pytest.mark.parametrize(
    ("unit", "instrument", "kind"),
    [
        ("score on a scale", "MADRS", "points"),
        ("Units on a Scale", "MADRS", "points"),
        ("points", "CAPS-5", "points"),
        ("score", "PHQ-9", "points"),
        ("scores on a scale (0-60)", "MADRS", "points"),
        ("MADRS total score", "MADRS", "points"),
        ("percentage of days", "PHDD-TLFB", "points"),
        ("percent", "PHDD-TLFB", "points"),
        ("percentage of days", "MADRS", "percent"),
        ("Participants", "MADRS", "participants"),
        ("percentage of participants", "MADRS", "participants"),
        ("percent change", "MADRS", "percent"),
        ("days", "MADRS", "other"),
        ("T-score", "PHQ-9", "other"),
        ("PHQ-9 score", "MADRS", "other"),  # the unit names another instrument
        ("", "MADRS", "missing"),
        (None, "MADRS", "missing"),
    ],
)
def test_unit_kind(unit, instrument, kind) -> None:
    assert unit_kind(unit, instrument) == kind


def _reason(
    instrument="MADRS",
    quantity="change",
    param="MEAN",
    dispersion="standard_deviation",
    unit="score on a scale",
):
    return measure_reason(
        instrument, quantity, param, dispersion, unit, unit_kind(unit, instrument)
    )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({}, None),
        ({"param": "LEAST_SQUARES_MEAN", "dispersion": "standard_error"}, None),
        ({"quantity": "endpoint"}, None),
        ({"instrument": None}, "no instrument recognised"),
        (
            {"param": "NUMBER", "unit": "percentage of participants"},
            "a percentage of participants, not a mean score",
        ),
        (
            {"param": "COUNT_OF_PARTICIPANTS", "unit": "Participants"},
            "a count of participants, not a mean score",
        ),
        ({"param": "MEDIAN", "dispersion": "full_range"}, "a median with a full range"),
        (
            {"param": "MEDIAN", "dispersion": "inter_quartile_range"},
            "a median with an inter-quartile range",
        ),
        ({"param": "GEOMETRIC_MEAN"}, "a geometric mean, not a mean score"),
        ({"param": None}, "no parameter type posted"),
        ({"unit": "participants"}, "unit 'participants' is not the instrument's points"),
        ({"unit": "percent change"}, "unit 'percent change' is not the instrument's points"),
        ({"unit": None}, "no unit posted"),
        ({"quantity": "unknown"}, "neither a change from baseline nor an endpoint score"),
    ],
)
def test_measure_reason(changes, reason) -> None:
    assert _reason(**changes) == reason


@pytest.mark.parametrize(
    ("text", "value", "reason"),
    [
        ("-12.30", Decimal("-12.30"), None),
        ("NA", None, "value 'NA' is not a number"),
        ("12.3 (SD 4)", None, "value '12.3 (SD 4)' is not a number"),
        (None, None, "no value posted"),
        ("", None, "no value posted"),
    ],
)
def test_value_reason(text, value, reason) -> None:
    assert value_reason(text, value) == reason

"""Posted dispersion texts, in the spec's enum spellings and the live API's display texts, as
one kind each; None when nothing is posted."""

import pytest

from benchmark_pipeline.lib.trials.results.dispersion import KINDS, dispersion_kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("STANDARD_DEVIATION", "standard_deviation"),
        ("Standard Deviation", "standard_deviation"),
        ("Standard Deviation (SD)", "standard_deviation"),
        ("STANDARD_ERROR", "standard_error"),
        ("Standard Error", "standard_error"),
        ("Standard Error of the Mean", "standard_error"),
        ("CONFIDENCE_80", "confidence_interval"),
        ("CONFIDENCE_95", "confidence_interval"),
        ("CONFIDENCE_INTERVAL_90", "confidence_interval"),
        ("CONFIDENCE_INTERVAL_975", "confidence_interval"),
        ("CONFIDENCE_INTERVAL_99", "confidence_interval"),
        ("CONFIDENCE_OTHER", "confidence_interval"),
        ("CONFIDENCE_INTERVAL_OTHER", "confidence_interval"),
        ("95% Confidence Interval", "confidence_interval"),
        ("97.5% Confidence Interval", "confidence_interval"),
        ("90 % CI", "confidence_interval"),
        ("INTER_QUARTILE_RANGE", "inter_quartile_range"),
        ("Inter-Quartile Range", "inter_quartile_range"),
        ("FULL_RANGE", "full_range"),
        ("Full Range", "full_range"),
        ("GEOMETRIC_COEFFICIENT", "geometric_coefficient_of_variation"),
        ("Geometric Coefficient of Variation", "geometric_coefficient_of_variation"),
        ("Mean Absolute Deviation", "other"),
        ("Standard Deviation of the Change", "other"),
        ("NA", None),
        ("", None),
        (None, None),
    ],
)
def test_dispersion_kind(text, kind) -> None:
    assert dispersion_kind(text) == kind
    assert kind is None or kind in KINDS

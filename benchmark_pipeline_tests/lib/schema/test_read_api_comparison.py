"""benchmark_comparison on a worked example per instrument, and every error of the read API."""

from decimal import Decimal

import pytest

from benchmark_pipeline.lib.cohorts.instruments import read_instruments
from benchmark_pipeline.lib.schema.read_api import call_as

from .expected import ok, rule

INSTRUMENTS = {i.name: i for i in read_instruments().instruments}


def expected_label(instrument: str, difference: float) -> str | None:
    scale = INSTRUMENTS[instrument]
    if scale.similar_band is None:
        return None
    if abs(difference) <= scale.similar_band:
        return "similar"
    return "better" if (difference < 0) == scale.lower_is_better else "worse"


# (instrument, baseline, current, modality, what compared, label): worked by hand from the
# benchmark the rule picks, written beside each case.
EXAMPLES = [
    # MAPP2 (N 104 > MAPP1's 90): change -23.7; patient -30; difference -6.3; no CAPS-5 band.
    ("CAPS-5", 60, 30, None, "change", -6.3, None),
    # Goodwin 2022: change -12.0; patient -15; difference -3.
    ("MADRS", 30, 15, None, "change", -3, None),
    # Carhart-Harris 2021: change -8.0; patient -7; difference 1.
    ("QIDS-SR-16", 14, 7, None, "change", 1, None),
    # Davis 2021 reports only an endpoint, 8.5: patient now 10; difference 1.5.
    ("GRID-HAMD-17", 22, 10, None, "endpoint", 1.5, None),
    # Bogenschutz 2022 reports only an endpoint, 9.7 % heavy drinking days: patient 25.
    ("PHDD-TLFB", 50, 25, None, "endpoint", 15.3, None),
    # PHQ-9 change cohort B (the later of two tied on N): change -6.0; band 5 points.
    ("PHQ-9", 15, 8, None, "change", -1, "similar"),
    ("PHQ-9", 20, 5, None, "change", -9, "better"),
    ("PHQ-9", 15, 14, None, "change", 5, "similar"),  # on the band's edge: similar
    ("PHQ-9", 15, 16, None, "change", 7, "worse"),
    # The ketamine PHQ-9 cohort reports only an endpoint, 9.0.
    ("PHQ-9", 22, 9, "ketamine", "endpoint", 0, "similar"),
    ("PHQ-9", 22, 3, "ketamine", "endpoint", -6, "better"),
    ("PHQ-9", 22, 20, "ketamine", "endpoint", 11, "worse"),
]


@pytest.mark.parametrize(
    ("instrument", "baseline", "current", "modality", "compared", "difference", "label"), EXAMPLES
)
def test_comparison_worked_examples(
    loaded, instrument, baseline, current, modality, compared, difference, label
):
    answer = ok(
        loaded.api,
        "benchmark_comparison",
        instrument=instrument,
        baseline_score=baseline,
        current_score=current,
        modality=modality,
    ).value
    benchmark = rule(loaded.rows.cohorts, modality, None, instrument, scored_only=True)
    assert answer["benchmark"]["cohort_name"] == benchmark.cohort_name
    reported = benchmark.change_mean if compared == "change" else benchmark.endpoint_mean
    patient = current - baseline if compared == "change" else current
    assert answer["compared"] == compared
    assert Decimal(str(answer["benchmark_value"])) == Decimal(str(reported))
    assert answer["patient_value"] == patient and answer["patient_change"] == current - baseline
    assert Decimal(str(answer["difference"])) == Decimal(str(difference))
    assert Decimal(str(difference)) == Decimal(str(patient)) - Decimal(str(reported))
    assert answer["direction_label"] == label == expected_label(instrument, difference)
    scale = INSTRUMENTS[instrument]
    assert answer["similar_band"] == scale.similar_band
    if label is None:
        assert answer["label_reason"] == (
            f"No published band of similar difference is known for {instrument}, so no label "
            "is given (benchmark_instruments.notes says why)."
        )
        assert answer["band_source"] is None
    else:
        assert "band of 5 points" in answer["label_reason"]
        assert "doi:10.1097/00005650-200412000-00006" in answer["label_reason"]
        assert answer["band_doi"] == scale.band_doi
    assert answer["benchmark"]["chosen_because"].startswith(
        f"Among cohorts reporting {instrument} as a change or an endpoint: Rule step 2"
    )


@pytest.mark.parametrize(
    ("function", "arguments", "sqlstate", "message"),
    [
        ("benchmark_comparison", {"instrument": "BDI", "baseline_score": 20, "current_score": 10},
         "22023", "unknown instrument 'BDI': no score range in benchmark_instruments"),
        ("benchmark_comparison", {"instrument": "mixed", "baseline_score": 1, "current_score": 1},
         "22023", "unknown instrument 'mixed': no score range in benchmark_instruments"),
        ("benchmark_comparison", {"instrument": "PHQ-9", "baseline_score": 28, "current_score": 9},
         "22023", "baseline_score 28 is outside the PHQ-9 range 0-27"),
        ("benchmark_comparison", {"instrument": "PHQ-9", "baseline_score": 9, "current_score": -1},
         "22023", "current_score -1 is outside the PHQ-9 range 0-27"),
        ("benchmark_comparison", {"instrument": "PHQ-9", "baseline_score": None, "current_score": 9},
         "22023", "instrument, baseline_score and current_score are required"),
        ("benchmark_comparison", {"instrument": "IES-R", "baseline_score": 40, "current_score": 20},
         "P0002", "no benchmark cohort reports IES-R as a change or an endpoint for modality any, "
         "condition any"),
        ("benchmark_comparison", {"instrument": "CAPS-5", "baseline_score": 40, "current_score": 20,
                                  "modality": "ketamine"},
         "P0002", "no benchmark cohort reports CAPS-5 as a change or an endpoint for modality "
         "ketamine, condition any"),
        ("primary_benchmark", {"modality": "dmt"}, "P0002",
         "no benchmark cohort for modality dmt, condition any, instrument any"),
        ("primary_benchmark", {"instrument": "HAM-D"}, "22023", "unknown instrument 'HAM-D'"),
        ("benchmark_cohorts_for", {"instrument": "phq-9"}, "22023", "unknown instrument 'phq-9'"),
        ("benchmark_trials_for", {"page_size": 0}, "22023",
         "page_size must be between 1 and 500, not 0"),
        ("benchmark_trials_for", {"page_size": 501}, "22023",
         "page_size must be between 1 and 500, not 501"),
        ("benchmark_trials_for", {"page": 0}, "22023", "page must be 1 or more, not 0"),
        ("benchmark_trials_for", {"indication_category": "pain"}, "22023",
         "unknown indication_category 'pain'"),
        ("benchmark_trial_count", {"modality": "mdma", "psychiatric_only": None}, "22023",
         "psychiatric_only must be true or false, not null"),
    ],
)  # fmt: skip
def test_bad_arguments_raise_a_clear_error(loaded, function, arguments, sqlstate, message):
    answer = call_as(loaded.api, function, arguments)
    assert answer.sqlstate == sqlstate
    assert answer.error.split("; ")[0] == message


def test_unknown_instrument_errors_list_the_known_ones(loaded):
    answer = call_as(loaded.api, "primary_benchmark", {"instrument": "HAM-D"})
    assert answer.error.endswith(
        "detail: known instruments: CAPS-5, GRID-HAMD-17, IES-R, MADRS, PHDD-TLFB, PHQ-9, "
        "QIDS-SR-16, mixed"
    )

"""The codebook facts: codes, labels (numeric and 2021-style text) and what is not a code."""

import pytest

from benchmark_pipeline.lib.baselines.codebook import VARIABLES, normalize_label, parse_code


@pytest.mark.parametrize(
    ("variable", "raw", "code"),
    [
        ("DISYR", "2019", 2019),
        ("DISYR", "2015", 2015),
        ("AGE", "12", 12),
        ("AGE", "12-14 Years Old", 1),
        ("AGE", "12\u201314 years", 1),  # the 2019 codebook's en dash
        ("AGE", "65 Years And Older", 12),
        ("SEX", "-9", -9),
        ("SEX", " Female ", 2),
        ("SEX", "Missing/Unknown/Not Collected/Invalid", -9),
        ("REGION", "0", 0),
        ("REGION", "U.S. Territories", 0),
        ("SUB1", "None", 1),
        ("SUB1", "Cocaine/Crack", 3),
        ("SUB1", "over-the-counter   medications", 18),
        ("NOPRIOR", "No Prior Treatment Episode", 0),
        ("NOPRIOR", "No prior treatment episodes", 0),
        ("LOS", "30", 30),
        ("LOS", "31 To 45 Days", 31),
        ("LOS", "More Than A Year", 37),
        ("REASON", "Treatment Completed", 1),
    ],
)
def test_codes_and_labels_parse_to_their_code(variable, raw, code):
    assert parse_code(VARIABLES[variable], raw) == code


@pytest.mark.parametrize(
    ("variable", "raw"),
    [
        ("DISYR", "2014"),  # the 2006-2014 coding is another one
        ("DISYR", "20190"),
        ("DISYR", "Twenty nineteen"),
        ("AGE", "0"),
        ("AGE", "13"),
        ("AGE", "-9"),  # no codebook lists AGE -9
        ("SEX", "3"),
        ("SEX", "Other"),
        ("REGION", "5"),
        ("SUB1", "20"),
        ("SUB1", "Ketamine"),
        ("NOPRIOR", "2"),  # the 2006-2014 coding counted episodes 0-5
        ("LOS", "38"),
        ("LOS", "0"),
        ("REASON", "-9"),
        ("REASON", ""),
        ("REASON", None),
    ],
)
def test_values_that_are_no_code_are_refused(variable, raw):
    assert parse_code(VARIABLES[variable], raw) is None


def test_labels_compare_without_case_dash_style_or_repeated_spaces():
    assert normalize_label("  31 To\t45  Days ") == normalize_label("31 to 45 days")
    assert normalize_label("12\u201314") == normalize_label("12-14")


def test_every_variable_codes_missing_as_minus_nine_or_not_at_all():
    for variable in VARIABLES.values():
        labels = dict(variable.codes)
        if -9 in labels:
            assert labels[-9][0] == "Missing/unknown/not collected/invalid"
    assert -9 in VARIABLES["LOS"].codes  # the 2015 codebook lists it
    assert -9 not in VARIABLES["AGE"].codes


def test_sex_is_read_from_gender_or_sex():
    assert VARIABLES["SEX"].column_names == ("GENDER", "SEX")
    assert VARIABLES["REASON"].column_names == ("REASON",)

from datetime import date

import pytest

from benchmark_pipeline.lib.trials.dates import full_date, partial_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", (date(2024, 1, 1), "year")),
        ("2024-12", (date(2024, 12, 1), "month")),
        ("2021-12-28", (date(2021, 12, 28), "day")),
    ],
)
def test_partial_dates_keep_their_precision(text, expected):
    assert partial_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2023-13-45", "'2023-13-45' is not a real date: month must be in 1..12"),
        ("2023-02-30", "'2023-02-30' is not a real date: day is out of range for month"),
        ("bad", "'bad' is not a date in yyyy, yyyy-MM or yyyy-MM-dd form"),
        ("2024/12", "'2024/12' is not a date"),
        ("", "'' is not a date"),
    ],
)
def test_impossible_dates_raise_instead_of_guessing(text, reason):
    with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        partial_date(text)


def test_a_full_date_must_name_its_day():
    assert full_date("2025-06-02") == date(2025, 6, 2)
    with pytest.raises(ValueError, match="not a full yyyy-MM-dd date"):
        full_date("2025-06")

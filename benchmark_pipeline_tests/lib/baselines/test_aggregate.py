"""The aggregation against the same statistics computed in plain Python over the generated rows.

The expected values below use only the generated codes and the table's specified definitions (the
groups written out again here): no code of the aggregation is reused to compute them.
"""

import itertools
import math
from pathlib import Path

import pandas as pd
import pytest

from benchmark_pipeline.lib.baselines.aggregate import COLUMNS, aggregate
from benchmark_pipeline.lib.baselines.reading import read_discharges
from benchmark_pipeline_tests.support import teds

REGIONS = {"National": None, "Northeast": 1, "Midwest": 2, "South": 3, "West": 4}
SUBSTANCES: dict[str, set[int] | None] = {"all": None, **teds.SPECIFIED_SUBSTANCE_GROUPS}
BANDS = "12-14 15-17 18-20 21-24 25-29 30-34 35-39 40-44 45-49 50-54 55-64 65+".split()
DEMOGRAPHICS = {"all": None, "female": ("GENDER", 2), "male": ("GENDER", 1)} | {
    f"age {band}": ("AGE", code) for code, band in enumerate(BANDS, start=1)
}
LOS_RANGES = {
    31: "31 to 45 days",
    32: "46 to 60 days",
    33: "61 to 90 days",
    34: "91 to 120 days",
    35: "121 to 180 days",
    36: "181 to 365 days",
    37: "More than a year",
}
AGE_LABELS = {code: f"{band} years" for code, band in enumerate(BANDS[:-1], start=1)} | {
    12: "65 years and older"
}


def lower_median(values: list[int]) -> int | None:
    """The value at position ceil(n/2) of the sorted values."""
    ordered = sorted(values)
    return ordered[math.ceil(len(ordered) / 2) - 1] if ordered else None


def pct(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def expected_groups(rows: list[dict]) -> dict[tuple, dict]:
    out = {}
    for year in sorted({r["DISYR"] for r in rows}):
        for region, substance, demographic in itertools.product(REGIONS, SUBSTANCES, DEMOGRAPHICS):
            members = [
                r
                for r in rows
                if r["DISYR"] == year
                and (REGIONS[region] is None or r["REGION"] == REGIONS[region])
                and (SUBSTANCES[substance] is None or r["SUB1"] in SUBSTANCES[substance])
                and (
                    DEMOGRAPHICS[demographic] is None
                    or r[DEMOGRAPHICS[demographic][0]] == DEMOGRAPHICS[demographic][1]
                )
            ]
            female = sum(r["GENDER"] == 2 for r in members)
            male = sum(r["GENDER"] == 1 for r in members)
            prior_known = [r for r in members if r["NOPRIOR"] in (0, 1)]
            los = lower_median([r["LOS"] for r in members if r["LOS"] != -9])
            age = lower_median([r["AGE"] for r in members if r["AGE"] != -9])
            out[(year, region, substance, demographic)] = {
                "n_episodes": len(members),
                "n_female": female,
                "n_male": male,
                "pct_female": pct(female, female + male),
                "pct_completed_treatment": pct(
                    sum(r["REASON"] == 1 for r in members), len(members)
                ),
                "pct_with_prior_treatment": pct(
                    sum(r["NOPRIOR"] == 1 for r in prior_known), len(prior_known)
                ),
                "median_los_days": los if los is not None and los <= 30 else None,
                "median_los_range": LOS_RANGES.get(los),
                "median_age_group": AGE_LABELS.get(age),
            }
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("teds")
    frames = [teds.generate(2_500, year=2019, seed=11), teds.generate(1_500, year=2021, seed=12)]
    teds.write_csv(frames[0], folder / "tedsd_puf_2019.csv")
    teds.write_csv(frames[1], folder / "tedsd_puf_2021.csv", labels=True, encoding="latin-1")
    return folder, pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def result(generated):
    folder, _ = generated
    return aggregate(read_discharges(str(folder)).discharges)


def test_every_group_matches_plain_python_over_the_rows(generated, result):
    _, truth = generated
    expected = expected_groups(truth.to_dict("records"))
    groups = result.groups
    assert list(groups.columns) == COLUMNS
    assert len(groups) == len(expected) == 2 * 825
    for row in groups.to_dict("records"):
        want = expected[
            (row["year"], row["region"], row["substance_group"], row["demographic_group"])
        ]
        where = f"{row['year']} {row['region']}/{row['substance_group']}/{row['demographic_group']}"
        for column in ("n_episodes", "n_female", "n_male", "median_los_days"):
            got = None if pd.isna(row[column]) else int(row[column])
            assert got == want[column], f"{where}: {column}"
        for column in ("median_los_range", "median_age_group"):
            got = None if pd.isna(row[column]) else row[column]
            assert got == want[column], f"{where}: {column}"
        for column in ("pct_female", "pct_completed_treatment", "pct_with_prior_treatment"):
            if want[column] is None:
                assert pd.isna(row[column]), f"{where}: {column}"
            else:  # rounded to 2 decimals
                assert abs(row[column] - want[column]) <= 0.005 + 1e-9, f"{where}: {column}"


def test_groups_without_discharges_are_rows_of_zero_with_null_statistics(result):
    empty = result.groups[result.groups["n_episodes"] == 0]
    assert len(empty) > 0  # e.g. a small substance group in one region and age band
    assert empty[["pct_female", "pct_completed_treatment", "median_age_group"]].isna().all().all()


def test_the_remainders_are_the_territories_and_unknown_sex(generated, result):
    _, truth = generated
    remainders = result.remainders.set_index(
        ["year", "region", "substance_group", "demographic_group"]
    )["n_episodes"]
    for year, rows in truth.groupby("DISYR"):
        assert remainders[(year, "U.S. territories", "all", "all")] == (rows["REGION"] == 0).sum()
        assert remainders[(year, "National", "all", "sex unknown")] == (rows["GENDER"] == -9).sum()
    assert set(remainders.index.get_level_values("region")) <= {"U.S. territories", *REGIONS}
    assert result.rows_per_year == {2019: 2_500, 2021: 1_500}


@pytest.mark.parametrize(
    ("los", "days", "range_"),
    [
        ([30, 31], 30, None),  # even count, middle values differ: the lower one
        ([31, 30, 31, 32], None, "31 to 45 days"),
        ([5, 5, 40, 40], 5, None),
        ([1, 37, 37], None, "More than a year"),
        ([-9, -9, 12], 12, None),  # missing left out
        ([-9], None, None),
    ],
)
def test_the_median_length_of_stay_is_an_observed_code(los, days, range_):
    n = len(los)
    frame = pd.DataFrame(
        {
            "year": [2020] * n,
            "age": [3] * n,
            "sex": [2] * n,
            "region": [1] * n,
            "sub1": [2] * n,
            "noprior": [1] * n,
            "los": los,
            "reason": [1] * n,
        }
    )
    groups = aggregate(frame).groups.set_index(
        ["year", "region", "substance_group", "demographic_group"]
    )
    row = groups.loc[(2020, "National", "all", "all")]
    assert (None if pd.isna(row["median_los_days"]) else row["median_los_days"]) == days
    assert (None if pd.isna(row["median_los_range"]) else row["median_los_range"]) == range_
    assert row["median_age_group"] == "18-20 years"

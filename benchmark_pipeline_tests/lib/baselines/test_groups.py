"""Where every SUB1 code goes, and how many rows a year makes."""

from benchmark_pipeline.lib.baselines.codebook import VARIABLES
from benchmark_pipeline.lib.baselines.groups import (
    DEMOGRAPHICS,
    REGIONS,
    SUBSTANCE_GROUPS,
    SUBSTANCES,
    expected_rows,
    groups_per_year,
    sub1_group,
)
from benchmark_pipeline_tests.support import teds

EXPECTED = teds.SPECIFIED_SUBSTANCE_GROUPS


def test_substance_groups_partition_every_sub1_code():
    codes = [code for group in SUBSTANCE_GROUPS for code in group.sub1]
    assert sorted(codes) == sorted(VARIABLES["SUB1"].codes)
    assert len(codes) == len(set(codes))
    assert {g.key: set(g.sub1) for g in SUBSTANCE_GROUPS} == EXPECTED
    assert all(sub1_group(code) == key for key, codes in EXPECTED.items() for code in codes)


def test_a_year_has_every_region_substance_and_demographic_group():
    assert list(REGIONS) == ["National", "Northeast", "Midwest", "South", "West"]
    assert len(SUBSTANCES) == 11 and SUBSTANCES[0].key == "all"
    assert DEMOGRAPHICS[:3] == ("all", "female", "male") and len(DEMOGRAPHICS) == 15
    assert groups_per_year() == 5 * 11 * 15 == 825
    assert expected_rows([2019, 2019, 2021]) == 1650
    assert expected_rows([]) == 0

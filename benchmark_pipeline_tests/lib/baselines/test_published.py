"""The codebooks' published frequencies, as transcribed: each table adds up, and the 2019 ones
are the figures the table's specification quotes from the 2019 codebook."""

import pytest

from benchmark_pipeline.lib.baselines.codebook import VARIABLES
from benchmark_pipeline.lib.baselines.published import PUBLISHED, citation


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_every_variable_sums_to_the_years_discharges(year):
    facts = PUBLISHED[year]
    assert facts.total > 1_000_000
    for variable, frequencies in facts.frequencies.items():
        assert sum(frequencies.values()) == facts.total, variable
        if variable != "DISYR":
            assert set(frequencies) <= set(VARIABLES[variable].codes), variable
        assert facts.pages[variable] > 2
        assert f"{year}" in facts.source(variable) and "PDF page" in facts.source(variable)
    assert f"Discharges, {year}" in facts.citation or f"(TEDS), {year}" in facts.citation


def test_2019_matches_the_figures_quoted_from_the_codebook():
    facts = PUBLISHED[2019].frequencies
    assert facts["DISYR"] == {2019: 1_722_503}
    assert facts["REASON"][1] == 725_929
    assert facts["SEX"][2] == 616_213
    assert [facts["REGION"][c] for c in (1, 2, 3, 4, 0)] == [
        532_413,
        303_497,
        505_555,
        378_260,
        2_778,
    ]
    sub1 = facts["SUB1"]
    assert (sub1[2], sub1[5], sub1[10], sub1[4], sub1[7], sub1[3]) == (
        521_673,
        391_533,
        206_912,
        187_746,
        126_346,
        99_141,
    )


def test_a_year_without_a_codebook_here_is_cited_without_a_release_year():
    assert citation(2019).endswith("Services Administration, 2021.")
    assert citation(2022) == (
        "Substance Abuse and Mental Health Services Administration, Treatment Episode Data Set "
        "(TEDS) Discharges, 2022. Rockville, MD: Substance Abuse and Mental Health Services "
        "Administration."
    )

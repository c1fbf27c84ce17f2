"""The check logic: national totals against published frequencies, groups adding up to their
parents, the row count the groups imply."""

from dataclasses import replace

import pandas as pd
import pytest

from benchmark_pipeline.lib.baselines.aggregate import BaselineAggregate, aggregate
from benchmark_pipeline.lib.baselines.consistency import (
    addup_problems,
    published_comparisons,
    row_count_problems,
)
from benchmark_pipeline.lib.baselines.published import PublishedYear
from benchmark_pipeline.lib.baselines.reading import read_discharges
from benchmark_pipeline_tests.support import teds

# Small "published" frequencies for a synthetic year: 600 discharges.
MARGINALS = {
    "DISYR": {2020: 600},
    "AGE": {code: 50 for code in range(1, 13)},
    "GENDER": {1: 380, 2: 215, -9: 5},
    "REGION": {0: 3, 1: 170, 2: 110, 3: 190, 4: 127},
    "REASON": {1: 250, 2: 150, 3: 40, 4: 110, 5: 20, 6: 5, 7: 25},
    "NOPRIOR": {0: 200, 1: 350, -9: 50},
    "SUB1": {
        **{code: 25 for code in range(1, 20)},
        2: 60,
        5: 50,
        -9: 15,
    },
}
MARGINALS["SUB1"][1] = 600 - sum(v for k, v in MARGINALS["SUB1"].items() if k != 1)
FACTS = PublishedYear(
    2020,
    "synthetic-codebook.pdf",
    "synthetic citation",
    dict.fromkeys(["DISYR", "AGE", "SEX", "REGION", "REASON", "NOPRIOR", "SUB1"], 9),
    {("SEX" if k == "GENDER" else k): v for k, v in MARGINALS.items()},
)


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> BaselineAggregate:
    frame = teds.with_marginals(MARGINALS, year=2020, seed=3)
    path = teds.write_csv(frame, tmp_path_factory.mktemp("teds") / "marginals.csv")
    return aggregate(read_discharges(str(path)).discharges)


def test_a_file_with_the_published_totals_matches_them_all(result):
    comparisons = published_comparisons(result.groups, FACTS)
    assert len(comparisons) == 6 + 4 + 10 + 12
    assert all(c.matches for c in comparisons), [str(c) for c in comparisons if not c.matches]
    assert comparisons[0].source == "synthetic-codebook.pdf, PDF page 9"


def test_one_published_figure_off_by_one_is_the_one_reported(result):
    frequencies = {k: dict(v) for k, v in FACTS.frequencies.items()}
    frequencies["SUB1"][6] += 1  # non-prescription methadone: part of opioids
    comparisons = published_comparisons(result.groups, replace(FACTS, frequencies=frequencies))
    wrong = [c for c in comparisons if not c.matches]
    assert [(c.figure, c.expected - c.actual) for c in wrong] == [("opioids (SUB1 5, 6, 7)", 1)]
    assert "2020 opioids (SUB1 5, 6, 7): table 100, codebook 101" == str(wrong[0])


def test_every_group_adds_up_to_its_parent(result):
    assert addup_problems(result) == []


def _bump(frame: pd.DataFrame, key: tuple, column: str = "n_episodes") -> pd.DataFrame:
    frame = frame.copy()
    match = (
        (frame["year"] == key[0])
        & (frame["region"] == key[1])
        & (frame["substance_group"] == key[2])
        & (frame["demographic_group"] == key[3])
    )
    assert match.sum() == 1
    frame.loc[match, column] += 1
    return frame


def test_a_child_that_does_not_add_up_names_its_parent(result):
    bumped = replace(result, groups=_bump(result.groups, (2020, "South", "cannabis", "age 30-34")))
    problems = addup_problems(bumped)
    assert any(
        p.startswith("2020 National / cannabis / age 30-34: n_episodes") and "region" in p
        for p in problems
    )
    assert any(
        p.startswith("2020 South / all / age 30-34") and "substance_group" in p for p in problems
    )
    assert any(
        p.startswith("2020 South / cannabis / all: n_episodes") and "its age groups" in p
        for p in problems
    )
    assert not any("its sex groups" in p for p in problems)  # an age band is no sex group


def test_a_lost_remainder_or_count_is_caught(result):
    territories = result.remainders["region"] == "U.S. territories"
    assert addup_problems(replace(result, remainders=result.remainders[~territories]))
    bumped = replace(
        result, groups=_bump(result.groups, (2020, "West", "all", "male"), "n_completed")
    )
    assert any("n_completed" in p for p in addup_problems(bumped))
    assert addup_problems(replace(result, rows_per_year={2020: 601})) == [
        "2020: national total 600 but 601 valid discharges read"
    ]


def test_the_row_count_follows_the_groups(result):
    assert row_count_problems(result, 825) == []
    assert row_count_problems(result, None) == []
    assert row_count_problems(result, 826) == ["the table holds 826 rows, the groups 825"]
    short = replace(result, groups=result.groups.iloc[:-1])
    assert row_count_problems(short, 825) == ["the aggregate has 824 rows, the groups 825"]

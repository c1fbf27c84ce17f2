"""What the checks on population_baselines compute: the national totals against the codebook's
published frequencies, every group against its parent, and the row count the groups imply."""

from dataclasses import dataclass

import pandas as pd

from benchmark_pipeline.lib.baselines.aggregate import COUNTS, KEY, BaselineAggregate
from benchmark_pipeline.lib.baselines.groups import (
    AGE_GROUPS,
    AGE_UNKNOWN,
    ALL,
    ALL_SUBSTANCES,
    NATIONAL,
    REGIONS,
    SEX_GROUPS,
    SEX_UNKNOWN,
    SUBSTANCE_GROUPS,
    TERRITORIES,
    expected_rows,
)
from benchmark_pipeline.lib.baselines.published import PublishedYear

MAX_LISTED = 20


@dataclass(frozen=True)
class Comparison:
    """One national figure of the table against the codebook's."""

    year: int
    figure: str
    expected: int
    actual: int
    source: str

    @property
    def matches(self) -> bool:
        return self.expected == self.actual

    def __str__(self) -> str:
        return f"{self.year} {self.figure}: table {self.actual:,}, codebook {self.expected:,}"


def _row(groups: pd.DataFrame, year: int, region: str, substance: str, demographic: str):
    match = groups[
        (groups["year"] == year)
        & (groups["region"] == region)
        & (groups["substance_group"] == substance)
        & (groups["demographic_group"] == demographic)
    ]
    if len(match) != 1:
        raise KeyError(f"{year} {region}/{substance}/{demographic}: {len(match)} rows")
    return match.iloc[0]


def published_comparisons(groups: pd.DataFrame, facts: PublishedYear) -> list[Comparison]:
    """The year's national figures in ``groups`` beside the codebook's frequencies."""
    year, freq = facts.year, facts.frequencies
    everyone = _row(groups, year, NATIONAL, ALL_SUBSTANCES.key, ALL)
    figures = [
        ("discharges", "DISYR", everyone["n_episodes"], freq["DISYR"][year]),
        ("treatment completed (REASON 1)", "REASON", everyone["n_completed"], freq["REASON"][1]),
        ("female (sex 2)", "SEX", everyone["n_female"], freq["SEX"][2]),
        ("male (sex 1)", "SEX", everyone["n_male"], freq["SEX"][1]),
        (
            "one or more prior treatments (NOPRIOR 1)",
            "NOPRIOR",
            everyone["n_with_prior_treatment"],
            freq["NOPRIOR"][1],
        ),
        (
            "prior treatment known (NOPRIOR 0 or 1)",
            "NOPRIOR",
            everyone["n_prior_known"],
            freq["NOPRIOR"][0] + freq["NOPRIOR"][1],
        ),
    ]
    for region, code in REGIONS.items():
        if code is not None:
            row = _row(groups, year, region, ALL_SUBSTANCES.key, ALL)
            figures.append(
                (f"{region} (REGION {code})", "REGION", row["n_episodes"], freq["REGION"][code])
            )
    for group in SUBSTANCE_GROUPS:
        row = _row(groups, year, NATIONAL, group.key, ALL)
        codes = ", ".join(map(str, group.sub1))
        expected = sum(freq["SUB1"].get(code, 0) for code in group.sub1)
        figures.append((f"{group.key} (SUB1 {codes})", "SUB1", row["n_episodes"], expected))
    for code, name in AGE_GROUPS.items():
        row = _row(groups, year, NATIONAL, ALL_SUBSTANCES.key, name)
        figures.append((f"{name} (AGE {code})", "AGE", row["n_episodes"], freq["AGE"][code]))
    return [
        Comparison(year, figure, int(expected), int(actual), facts.source(variable))
        for figure, variable, actual, expected in figures
    ]


# Each dimension: the parent value, and the values that partition it (remainders included).
_HIERARCHY = {
    "region": (NATIONAL, [r for r in REGIONS if r != NATIONAL] + [TERRITORIES]),
    "substance_group": (ALL_SUBSTANCES.key, [g.key for g in SUBSTANCE_GROUPS]),
    "sex": (ALL, [*SEX_GROUPS.values(), SEX_UNKNOWN]),
    "age": (ALL, [*AGE_GROUPS.values(), AGE_UNKNOWN]),
}


def _name(key: dict) -> str:
    return f"{key['year']} {key['region']} / {key['substance_group']} / {key['demographic_group']}"


def addup_problems(result: BaselineAggregate) -> list[str]:
    """Every parent group whose counts differ from the sum of its children's (the remainders,
    territories and unknown sex or age, included), and every year whose national total differs
    from the discharges aggregated; empty when everything adds up."""
    cube = pd.concat([result.groups[KEY + COUNTS], result.remainders], ignore_index=True)
    problems = []
    for dimension, (parent, children) in _HIERARCHY.items():
        column = "demographic_group" if dimension in ("sex", "age") else dimension
        others = [c for c in KEY if c != column]
        parents = cube[cube[column] == parent].set_index(others)[COUNTS]
        summed = cube[cube[column].isin(children)].groupby(others)[COUNTS].sum()
        summed = summed.reindex(parents.index, fill_value=0)
        differs = parents.ne(summed).stack()
        for *key, count in differs[differs].index:
            key = tuple(key)
            where = {**dict(zip(others, key, strict=True)), column: parent}
            problems.append(
                f"{_name(where)}: {count} {parents.loc[key, count]:,}, but its {dimension} "
                f"groups sum to {summed.loc[key, count]:,}"
            )
    for year, rows in result.rows_per_year.items():
        total = _row(result.groups, year, NATIONAL, ALL_SUBSTANCES.key, ALL)["n_episodes"]
        if total != rows:
            problems.append(f"{year}: national total {total:,} but {rows:,} valid discharges read")
    return problems


def row_count_problems(result: BaselineAggregate, table_rows: int | None) -> list[str]:
    """The groups imply ``expected_rows(years)`` rows, in the aggregate and (when given) in the
    table after the load."""
    expected = expected_rows(result.years)
    problems = []
    if len(result.groups) != expected:
        problems.append(f"the aggregate has {len(result.groups):,} rows, the groups {expected:,}")
    if table_rows is not None and table_rows != expected:
        problems.append(f"the table holds {table_rows:,} rows, the groups {expected:,}")
    return problems

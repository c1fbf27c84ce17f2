"""The baselines: valid discharges aggregated by year x region x substance group x demographic.

One DuckDB query computes every group with ``GROUPING SETS`` (year, with or without region,
with or without substance group, and all / by sex / by age band). Besides the table's groups it
keeps the remainders, the discharges that are in a parent group but in none of its table rows
(the U.S. territories, unknown sex), so that every parent can be checked to equal its children.

Statistics per group (missing = -9):

- ``n_episodes``: discharges.
- ``pct_female``: female / (female + male), unknown sex left out; NULL without a known sex.
- ``pct_completed_treatment``: REASON 1 (treatment completed) over every discharge of the group.
- ``pct_with_prior_treatment``: NOPRIOR 1 over NOPRIOR 0 or 1, missing left out.
- ``median_los_days`` / ``median_los_range``: the median LOS code, the exact day count when it is
  1-30, else NULL with the code's range label ("31 to 45 days" ... "More than a year").
- ``median_age_group``: the median AGE band.

Medians are of the codes themselves, never of invented midpoints: the lower median, the value at
position ceil(n/2) of the n known codes in order (DuckDB's ``quantile_disc(x, 0.5)``). With an
even n whose two middle values differ, that is the lower of the two; ties need no rule, since a
median of codes is a code. Percentages are rounded to 2 decimals; the counts beside them give
the exact ratio.
"""

import itertools
from dataclasses import dataclass

import duckdb
import pandas as pd

from benchmark_pipeline.lib.baselines.codebook import LAST_DAY_CODE, MISSING, VARIABLES
from benchmark_pipeline.lib.baselines.groups import (
    AGE_GROUPS,
    AGE_UNKNOWN,
    ALL,
    ALL_SUBSTANCES,
    CONDITION,
    DEMOGRAPHICS,
    NATIONAL,
    REGIONS,
    SEX_GROUPS,
    SEX_UNKNOWN,
    SUBSTANCE_GROUPS,
    SUBSTANCES,
    TERRITORIES,
    TERRITORIES_CODE,
)
from benchmark_pipeline.lib.baselines.published import citation

KEY = ["year", "region", "substance_group", "demographic_group"]
COUNTS = [
    "n_episodes",
    "n_female",
    "n_male",
    "n_completed",
    "n_prior_known",
    "n_with_prior_treatment",
    "n_los_known",
    "n_age_known",
]
COLUMNS = [
    *KEY,
    "source",
    "condition",
    "substance",
    *COUNTS,
    "pct_female",
    "pct_completed_treatment",
    "pct_with_prior_treatment",
    "median_los_days",
    "median_los_range",
    "median_age_group",
]


@dataclass(frozen=True)
class BaselineAggregate:
    """The table's rows (every group of every year, zero counts included) and the remainders:
    discharges of a parent group in none of its table rows (same key columns and counts)."""

    groups: pd.DataFrame
    remainders: pd.DataFrame
    years: tuple[int, ...]
    rows_per_year: dict[int, int]  # valid discharges aggregated


def _grouping_sets() -> str:
    sets = []
    for region, substance, demographic in itertools.product(
        [[], ["region"]], [[], ["sgroup"]], [[], ["sex"], ["age"]]
    ):
        sets.append("(" + ", ".join(["year", *region, *substance, *demographic]) + ")")
    return ", ".join(sets)


_QUERY = f"""
SELECT year, region, sgroup, sex, age,
       GROUPING(region) AS all_regions, GROUPING(sgroup) AS all_substances,
       GROUPING(sex) AS all_sexes, GROUPING(age) AS all_ages,
       count(*) AS n_episodes,
       count(*) FILTER (WHERE sex = 2) AS n_female,
       count(*) FILTER (WHERE sex = 1) AS n_male,
       count(*) FILTER (WHERE reason = 1) AS n_completed,
       count(*) FILTER (WHERE noprior IN (0, 1)) AS n_prior_known,
       count(*) FILTER (WHERE noprior = 1) AS n_with_prior_treatment,
       count(los_known) AS n_los_known,
       quantile_disc(los_known, 0.5) AS median_los_code,
       count(age_known) AS n_age_known,
       quantile_disc(age_known, 0.5) AS median_age_code
FROM (
    SELECT d.*, g.sgroup, NULLIF(d.los, {MISSING}) AS los_known, NULLIF(d.age, {MISSING}) AS age_known
    FROM discharges AS d JOIN sub1_groups AS g ON d.sub1 = g.sub1
)
GROUP BY GROUPING SETS ({_grouping_sets()})
"""


def _labels(cube: pd.DataFrame) -> pd.DataFrame:
    """Key columns from the grouping columns; ``remainder`` marks rows in no table group."""
    regions = {code: name for name, code in REGIONS.items() if code is not None}
    region = cube["region"].map({**regions, TERRITORIES_CODE: TERRITORIES})
    cube["region"] = region.where(cube["all_regions"] == 0, NATIONAL)
    cube["substance_group"] = cube["sgroup"].where(cube["all_substances"] == 0, ALL_SUBSTANCES.key)
    sex = cube["sex"].map({**SEX_GROUPS, MISSING: SEX_UNKNOWN})
    age = cube["age"].map({**AGE_GROUPS, MISSING: AGE_UNKNOWN})
    cube["demographic_group"] = sex.where(
        cube["all_sexes"] == 0, age.where(cube["all_ages"] == 0, ALL)
    )
    cube["remainder"] = cube["region"].eq(TERRITORIES) | cube["demographic_group"].isin(
        [SEX_UNKNOWN, AGE_UNKNOWN]
    )
    return cube


def _grid(years: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        list(itertools.product(years, REGIONS, [s.key for s in SUBSTANCES], DEMOGRAPHICS)),
        columns=KEY,
    )


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (100 * part / whole.where(whole > 0)).round(2).astype("Float64")


def _statistics(rows: pd.DataFrame) -> pd.DataFrame:
    labels = {s.key: s.label for s in SUBSTANCES}
    los = VARIABLES["LOS"]
    age = VARIABLES["AGE"]
    rows["source"] = rows["year"].map(citation)
    rows["condition"] = CONDITION
    rows["substance"] = rows["substance_group"].map(labels)
    rows["pct_female"] = _pct(rows["n_female"], rows["n_female"] + rows["n_male"])
    rows["pct_completed_treatment"] = _pct(rows["n_completed"], rows["n_episodes"])
    rows["pct_with_prior_treatment"] = _pct(rows["n_with_prior_treatment"], rows["n_prior_known"])
    code = rows["median_los_code"]
    rows["median_los_days"] = code.where(code <= LAST_DAY_CODE).astype("Int64")
    rows["median_los_range"] = code.where(code > LAST_DAY_CODE).map(
        lambda c: los.label(int(c)), na_action="ignore"
    )
    rows["median_age_group"] = rows["median_age_code"].map(
        lambda c: age.label(int(c)), na_action="ignore"
    )
    return rows


def aggregate(discharges: pd.DataFrame) -> BaselineAggregate:
    """Every group of every year in ``discharges`` (the reader's frame of valid codes)."""
    years = sorted(set(discharges["year"].tolist()))
    sub1_groups = pd.DataFrame(
        [(code, g.key) for g in SUBSTANCE_GROUPS for code in g.sub1], columns=["sub1", "sgroup"]
    )
    with duckdb.connect() as con:
        con.register("discharges", discharges)
        con.register("sub1_groups", sub1_groups)
        cube = _labels(con.execute(_QUERY).df())
    counts = cube[[*KEY, *COUNTS, "median_los_code", "median_age_code", "remainder"]]
    published = counts[~counts["remainder"]].drop(columns="remainder")
    groups = _grid(years).merge(published, on=KEY, how="left", validate="one_to_one")
    groups[COUNTS] = groups[COUNTS].fillna(0).astype("int64")
    groups = _statistics(groups)[COLUMNS]
    remainders = counts[counts["remainder"]][[*KEY, *COUNTS]].reset_index(drop=True)
    per_year = discharges.groupby("year").size()
    return BaselineAggregate(
        groups=groups,
        remainders=remainders.astype({c: "int64" for c in COUNTS}),
        years=tuple(years),
        rows_per_year={int(y): int(n) for y, n in per_year.items()},
    )

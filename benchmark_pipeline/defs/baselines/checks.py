"""Checks on teds_discharges (invalid codes, a file without a valid row) and population_baselines
(published totals, groups adding up, the row count the groups imply). Without a configured file
the assets are skipped and so are these checks: Dagster shows them skipped, never failed."""

import dagster as dg

from benchmark_pipeline.defs.metadata import check_metadata, check_result, inline_table
from benchmark_pipeline.lib.baselines.consistency import (
    addup_problems,
    published_comparisons,
    row_count_problems,
)
from benchmark_pipeline.lib.baselines.groups import expected_rows, groups_per_year
from benchmark_pipeline.lib.baselines.load import LoadedBaselines
from benchmark_pipeline.lib.baselines.published import CODEBOOK_COPIES, PUBLISHED
from benchmark_pipeline.lib.baselines.reading import TedsDischarges

from .assets import population_baselines, teds_discharges
from .metadata import invalid_json, invalid_table

WARN = dg.AssetCheckSeverity.WARN


@dg.asset_check(
    asset=teds_discharges,
    description=(
        "Every discharge counted in the baselines has values SAMHSA's codebook defines: a row "
        "with an unknown code (e.g. a REASON of 8) is left out rather than guessed, and a "
        "warning lists each such value with how many rows it cost; a file without one valid "
        "row warns too. How: every value of DISYR, AGE, GENDER/SEX, REGION, SUB1, NOPRIOR, LOS "
        "and REASON is compared with the codebook's codes."
    ),
)
def codes_valid(teds_discharges: TedsDischarges) -> dg.AssetCheckResult:
    invalid = teds_discharges.invalid
    valid = len(teds_discharges.discharges)
    problems = (
        [
            f"{teds_discharges.rows_invalid:,} of {teds_discharges.rows_read:,} row(s) left out "
            f"for {len(invalid)} invalid value(s)"
        ]
        if invalid
        else []
    )
    if not valid:
        problems.append(
            f"no valid discharge in {teds_discharges.rows_read:,} row(s) read: the file loads "
            "nothing"
        )
    return dg.AssetCheckResult(
        passed=not problems,
        severity=WARN,
        description="; ".join(problems) or None,
        metadata=check_metadata(
            rows_read=teds_discharges.rows_read,
            rows_valid=valid,
            rows_invalid=teds_discharges.rows_invalid,
            invalid_values=invalid_table(invalid),
            invalid=dg.MetadataValue.json(invalid_json(invalid)) if invalid else None,
        ),
    )


@dg.asset_check(
    asset=population_baselines,
    description=(
        "The baselines count the same discharges SAMHSA itself publishes: for each loaded year "
        "with published figures here (2015-2019), the national totals (discharges, treatment "
        "completed, female, male, prior treatment, each region, each substance group, each age "
        "band) equal the frequencies in SAMHSA's codebook; a difference fails. A year without "
        "published figures warns."
    ),
)
def matches_codebook_totals(population_baselines: LoadedBaselines) -> dg.AssetCheckResult:
    result = population_baselines.aggregate
    comparisons, unpublished = [], []
    for year in result.years:
        if year in PUBLISHED:
            comparisons += published_comparisons(result.groups, PUBLISHED[year])
        else:
            unpublished.append(year)
    mismatches = [str(c) for c in comparisons if not c.matches]
    notes = [
        f"{year}: no published codebook figures here to compare with (known: "
        f"{', '.join(map(str, sorted(PUBLISHED)))})"
        for year in unpublished
    ]
    rows = [
        [
            c.year,
            c.figure,
            c.actual,
            c.expected,
            "yes" if c.matches else "NO",
            c.source,
        ]
        for c in comparisons
    ]
    summary = (
        [
            f"{len(mismatches)} of {len(comparisons)} national figures differ from the codebook "
            f"(all in 'comparisons'), e.g. {'; '.join(mismatches[:3])}"
        ]
        if mismatches
        else []
    )
    return dg.AssetCheckResult(
        passed=not mismatches and not notes,
        severity=dg.AssetCheckSeverity.ERROR if mismatches else WARN,
        description="; ".join(summary + notes) or None,
        metadata=check_metadata(
            comparisons=inline_table(
                ["year", "figure", "table", "codebook", "equal", "source"], rows
            ),
            mismatches=len(mismatches),
            years_without_figures=", ".join(map(str, unpublished)) or None,
            codebook_copies_read=CODEBOOK_COPIES,
        ),
    )


@dg.asset_check(
    asset=population_baselines,
    description=(
        "No discharge is lost or counted twice between groups: each group's counts add up to "
        "its parent's. National = the four regions + U.S. territories; all substances = the "
        "substance groups; all = female + male + unknown sex = the age bands; and each year's "
        "national total = the valid discharges read."
    ),
)
def counts_add_up(population_baselines: LoadedBaselines) -> dg.AssetCheckResult:
    result = population_baselines.aggregate
    problems = addup_problems(result)
    shown = problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else [])
    return check_result(
        shown, problems_total=len(problems), years=", ".join(map(str, result.years))
    )


@dg.asset_check(
    asset=population_baselines,
    description=(
        "Every group a clinician can look up has exactly one row: the table holds one row per "
        f"group of each loaded year ({groups_per_year()} a year: 5 regions x 11 substance "
        "groups x 15 demographic groups), no more, no less."
    ),
)
def row_count_matches_groups(population_baselines: LoadedBaselines) -> dg.AssetCheckResult:
    result, load = population_baselines.aggregate, population_baselines.load
    return check_result(
        row_count_problems(result, load.rows_loaded),
        expected_rows=expected_rows(result.years),
        aggregate_rows=len(result.groups),
        table_rows=load.rows_loaded,
        dry_run=load.dry_run,
    )

"""Checks on teds_discharges (invalid codes) and population_baselines (published totals, groups
adding up, the row count the groups imply). Without a configured file each one warns that nothing
was read and says how to point the pipeline at a file."""

import dagster as dg

from benchmark_pipeline.defs.metadata import check_result, entries, inline_table
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
from .config import NO_FILE
from .metadata import invalid_json, invalid_table

WARN = dg.AssetCheckSeverity.WARN


def _not_checked(**metadata: object) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=False,
        severity=WARN,
        description=f"Not checked: {NO_FILE}",
        metadata={"file_configured": False, **metadata},
    )


@dg.asset_check(
    asset=teds_discharges,
    description=(
        "Every value of the variables used (DISYR, AGE, GENDER/SEX, REGION, SUB1, NOPRIOR, LOS, "
        "REASON) is a code of the codebook; a warning lists each invalid value with its rows."
    ),
)
def codes_valid(teds_discharges: TedsDischarges) -> dg.AssetCheckResult:
    if not teds_discharges.configured:
        return _not_checked()
    invalid = teds_discharges.invalid
    return dg.AssetCheckResult(
        passed=not invalid,
        severity=WARN,
        description=(
            f"{teds_discharges.rows_invalid:,} of {teds_discharges.rows_read:,} row(s) left out "
            f"for {len(invalid)} invalid value(s)"
            if invalid
            else None
        ),
        metadata=entries(
            rows_read=teds_discharges.rows_read,
            rows_invalid=teds_discharges.rows_invalid,
            invalid_values=invalid_table(invalid),
            invalid=dg.MetadataValue.json(invalid_json(invalid)) if invalid else None,
        ),
    )


@dg.asset_check(
    asset=population_baselines,
    description=(
        "For each loaded year with figures here (2015-2019), the table's national totals equal "
        "the frequencies SAMHSA's codebook publishes: discharges, treatment completed, female, "
        "male, prior treatment, each region, each substance group, each age band. A year "
        "without published figures warns."
    ),
)
def national_totals_match_codebook(population_baselines: LoadedBaselines) -> dg.AssetCheckResult:
    result = population_baselines.aggregate
    if result is None:
        return _not_checked()
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
        metadata=entries(
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
        "Every group's counts add up to its parent's: National = the four regions + U.S. "
        "territories; all substances = the substance groups; all = female + male + unknown sex "
        "= the age bands; and each year's national total = the valid discharges read."
    ),
)
def counts_add_up(population_baselines: LoadedBaselines) -> dg.AssetCheckResult:
    result = population_baselines.aggregate
    if result is None:
        return _not_checked()
    problems = addup_problems(result)
    shown = problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else [])
    return check_result(
        shown, problems_total=len(problems), years=", ".join(map(str, result.years))
    )


@dg.asset_check(
    asset=population_baselines,
    description=(
        f"The table holds one row per group of each loaded year ({groups_per_year()} a year: 5 "
        "regions x 11 substance groups x 15 demographic groups), no more, no less."
    ),
)
def row_count_matches_groups(population_baselines: LoadedBaselines) -> dg.AssetCheckResult:
    result, load = population_baselines.aggregate, population_baselines.load
    if result is None or load is None:
        return _not_checked(table_rows=population_baselines.table_rows)
    return check_result(
        row_count_problems(result, load.rows_loaded),
        expected_rows=expected_rows(result.years),
        aggregate_rows=len(result.groups),
        table_rows=load.rows_loaded,
        dry_run=load.dry_run,
    )

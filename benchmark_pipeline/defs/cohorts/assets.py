"""validated_benchmark_cohorts (the verified CSV, row by row) and benchmark_cohorts (the table)."""

import dagster as dg

from benchmark_pipeline.constants import COHORTS_GROUP, OWNERS
from benchmark_pipeline.defs.loads import MirrorLoadConfig, load_failures, load_summary
from benchmark_pipeline.defs.metadata import check_result, entries
from benchmark_pipeline.defs.metapsy.assets import MetapsyPooledEffects
from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.defs.stops import explains_stops
from benchmark_pipeline.lib.cohorts.csv_file import CohortCsvError, append_rows, read_cohort_csv
from benchmark_pipeline.lib.cohorts.load import TABLE, load_cohorts
from benchmark_pipeline.lib.cohorts.validation import CohortValidation, validate_cohorts
from benchmark_pipeline.lib.metapsy.cohort_rows import cohort_csv_text, pooled_cohort_rows
from benchmark_pipeline.resources import PostgresResource

from .config import CohortCsvConfig, resolve_csv_path
from .metadata import (
    LOGGED_ROWS,
    cohort_table_schema,
    preview_table,
    rejections_table,
    shown,
)

MIRROR_CHECK = "mirrors_valid_rows"


@dg.asset(
    group_name=COHORTS_GROUP,
    kinds={"python", "pandas", "csv"},
    owners=OWNERS,
    metadata={"dagster/column_schema": cohort_table_schema()},
    description=(
        "The published cohorts a patient's outcome is compared with, each row checked before "
        "it can be quoted. How: the verified cohort CSV (data/benchmark_cohorts_seed.csv) plus "
        "one row per Metapsy "
        "pooled model recomputed by metapsy_pooled_effects, checked row by row: a DOI in "
        "the citation equal to the doi column, a publication year the citation writes, "
        "N > 0, unique cohort names, known modality, "
        "condition, setting and instrument, means within the instrument's range, SDs > 0, "
        "percentages 0-100, every value one the table can hold. A row that breaks any rule is "
        "left out and listed with all its reasons; the other rows go on to benchmark_cohorts. "
        "Empty reuse terms mean 'not verified' and load as NULL. A file that cannot be read as a "
        "whole (not UTF-8 or the configured encoding, header problems, a line that does not fit "
        "the header, no data row, a cell over 16,000,000 characters, a file over 256 MB) fails "
        "the run naming the file and line."
    ),
)
@explains_stops
def validated_benchmark_cohorts(
    context: dg.AssetExecutionContext,
    config: CohortCsvConfig,
    metapsy_pooled_effects: MetapsyPooledEffects,
) -> dg.MaterializeResult:
    path = resolve_csv_path(config.csv_path)
    try:
        raw = read_cohort_csv(path, encoding=config.encoding)
    except CohortCsvError as exc:
        # A file is refused until it is fixed: retrying would read the same bytes.
        raise dg.Failure(
            description=str(exc),
            metadata={"csv_path": str(path), "encoding": config.encoding},
            allow_retries=False,
        ) from None
    pooled = cohort_csv_text(pooled_cohort_rows(metapsy_pooled_effects.datasets))
    result = validate_cohorts(append_rows(raw, pooled))
    for rejection in result.rejections[:LOGGED_ROWS]:
        context.log.warning(
            f"row {rejection.row} ({shown(rejection.cohort_name) or 'no name'}) rejected: "
            + "; ".join(rejection.reasons)
        )
    if len(result.rejections) > LOGGED_ROWS:
        context.log.warning(
            f"{len(result.rejections) - LOGGED_ROWS:,} more row(s) rejected: see the "
            "rejected_rows check"
        )
    return dg.MaterializeResult(
        value=result,
        metadata=entries(
            csv_path=str(path),
            encoding=config.encoding,
            rows_in=result.rows_in,
            csv_rows=len(raw),
            metapsy_pooled_rows=len(pooled),
            rows_valid=len(result.valid),
            rows_rejected=len(result.rejections),
            rejected=rejections_table(result.rejections),
            preview=preview_table(result.valid),
            **{
                "dagster/row_count": len(result.valid),
                "dagster/column_schema": cohort_table_schema(),
            },
        ),
    )


@dg.asset(
    deps=[benchmark_schema],
    group_name=COHORTS_GROUP,
    kinds={"python", "postgres", "supabase"},
    owners=OWNERS,
    metadata={
        "dagster/column_schema": cohort_table_schema(),
        "dagster/table_name": TABLE,
        "freshness": (
            "none: the table changes only when data/benchmark_cohorts_seed.csv or a pinned "
            "Metapsy release changes, with a new release of this code location; materialize "
            "it after an upgrade"
        ),
    },
    check_specs=[
        dg.AssetCheckSpec(
            MIRROR_CHECK,
            asset="benchmark_cohorts",
            description=(
                "The table the app reads holds exactly the checked cohorts, each once. How: "
                "right after the load, in its transaction, one row per valid cohort (row count "
                "equals the valid row count, no duplicate cohort_name)."
            ),
        )
    ],
    description=(
        "The cohorts the app compares a patient with, as the app reads them. How: "
        "public.benchmark_cohorts in Supabase: exactly the valid rows of "
        "validated_benchmark_cohorts, upserted on cohort_name with rows no longer in the CSV "
        "removed, in one transaction. Re-running changes nothing; a dry run reports and rolls "
        "back. A load that would empty the table, or remove more than half of its rows without "
        "allow_mass_removal, fails the run and leaves the table as it was."
    ),
)
@explains_stops
def benchmark_cohorts(
    context: dg.AssetExecutionContext,
    config: MirrorLoadConfig,
    postgres: PostgresResource,
    validated_benchmark_cohorts: CohortValidation,
) -> dg.MaterializeResult:
    validation = validated_benchmark_cohorts
    frame = validation.valid
    counts = (
        f"The CSV had {validation.rows_in} row(s): {len(frame)} valid, "
        f"{len(validation.rejections)} rejected (listed by the rejected_rows check)."
    )
    with (
        load_failures(TABLE, postgres, input_counts=counts),
        postgres.connect(autocommit=True) as conn,
    ):
        load = load_cohorts(
            conn, frame, dry_run=config.dry_run, allow_mass_removal=config.allow_mass_removal
        )
    return dg.MaterializeResult(
        metadata=load_summary(context, TABLE, postgres, load),
        check_results=[
            check_result(
                load.problems,
                check_name=MIRROR_CHECK,
                valid_rows=len(frame),
                dry_run=config.dry_run,
            )
        ],
    )

"""validated_benchmark_cohorts (the verified CSV, row by row) and benchmark_cohorts (the table)."""

import os
from pathlib import Path

import dagster as dg
from pydantic import Field

from benchmark_pipeline.constants import COHORTS_GROUP, DATA_DIR, OWNERS, REPO_ROOT
from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.lib.cohort_table import KEY, LOADED_COLUMNS, TABLE, mirror_problems
from benchmark_pipeline.lib.cohorts import (
    CohortCsvError,
    CohortValidation,
    read_cohort_csv,
    validate_cohorts,
)
from benchmark_pipeline.lib.loading import (
    delete_not_in_stage,
    stage_frame,
    table_row_count,
    upsert_from_stage,
)
from benchmark_pipeline.resources import PostgresResource

from .metadata import (
    cohort_table_schema,
    preview_markdown,
    rejections_markdown,
)

CSV_ENV_VAR = "BENCHMARK_COHORTS_CSV"
DEFAULT_CSV = DATA_DIR / "benchmark_cohorts_seed.csv"
MIRROR_CHECK = "mirrors_valid_rows"


class CohortCsvConfig(dg.Config):
    csv_path: str | None = Field(
        default=None,
        description=(
            f"Cohort CSV to validate. Empty: ${CSV_ENV_VAR} when set, else "
            "data/benchmark_cohorts_seed.csv. A relative path is taken from the repository root."
        ),
    )


def resolve_csv_path(configured: str | None, environ: dict[str, str] | None = None) -> Path:
    """Run config first, then ``BENCHMARK_COHORTS_CSV``, then the shipped seed file.

    Read when the asset runs, never at import, so a changed variable needs no reload.
    """
    environ = os.environ if environ is None else environ
    chosen = configured or environ.get(CSV_ENV_VAR) or str(DEFAULT_CSV)
    path = Path(chosen).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


@dg.asset(
    group_name=COHORTS_GROUP,
    kinds={"python", "pandas", "csv"},
    owners=OWNERS,
    metadata={"dagster/column_schema": cohort_table_schema()},
    description=(
        "The verified cohort CSV (data/benchmark_cohorts_seed.csv), checked row by row: a DOI in "
        "the citation equal to the doi column, N > 0, unique cohort names, known modality, "
        "condition, setting and instrument, means within the instrument's range, SDs > 0, "
        "percentages 0-100, reuse terms and licence stated. A row that breaks any rule is left "
        "out and listed with all its reasons; the other rows go on to benchmark_cohorts."
    ),
)
def validated_benchmark_cohorts(
    context: dg.AssetExecutionContext, config: CohortCsvConfig
) -> dg.Output[CohortValidation]:
    path = resolve_csv_path(config.csv_path)
    try:
        raw = read_cohort_csv(path)
    except CohortCsvError as exc:
        raise dg.Failure(description=str(exc), metadata={"csv_path": str(path)}) from None
    result = validate_cohorts(raw)
    for rejection in result.rejections:
        context.log.warning(
            f"row {rejection.row} ({rejection.cohort_name or 'no name'}) rejected: "
            + "; ".join(rejection.reasons)
        )
    return dg.Output(
        result,
        metadata={
            "csv_path": str(path),
            "rows_in": result.rows_in,
            "rows_valid": len(result.valid),
            "rows_rejected": len(result.rejections),
            "rejected": dg.MetadataValue.md(rejections_markdown(result.rejections)),
            "preview": dg.MetadataValue.md(preview_markdown(result.valid)),
            "dagster/row_count": len(result.valid),
            "dagster/column_schema": cohort_table_schema(),
        },
    )


class CohortLoadConfig(dg.Config):
    dry_run: bool = Field(
        default=False,
        description="Run the whole load inside a transaction, report it, then roll it back.",
    )


@dg.asset(
    deps=[benchmark_schema],
    group_name=COHORTS_GROUP,
    kinds={"python", "postgres"},
    owners=OWNERS,
    metadata={
        "dagster/column_schema": cohort_table_schema(),
        "dagster/table_name": TABLE,
    },
    check_specs=[
        dg.AssetCheckSpec(
            MIRROR_CHECK,
            asset="benchmark_cohorts",
            description=(
                "Right after the load, in its transaction: the table holds exactly one row per "
                "valid cohort (row count equals the valid row count, no duplicate cohort_name)."
            ),
        )
    ],
    description=(
        "public.benchmark_cohorts in Supabase: exactly the valid rows of "
        "validated_benchmark_cohorts, upserted on cohort_name with rows no longer in the CSV "
        "removed, in one transaction. Re-running changes nothing; a dry run reports and rolls back."
    ),
)
def benchmark_cohorts(
    context: dg.AssetExecutionContext,
    config: CohortLoadConfig,
    postgres: PostgresResource,
    validated_benchmark_cohorts: CohortValidation,
) -> dg.MaterializeResult:
    frame = validated_benchmark_cohorts.valid
    with postgres.connect(autocommit=True) as conn:
        with conn.transaction(force_rollback=config.dry_run):
            stage = stage_frame(conn, TABLE, frame, LOADED_COLUMNS)
            counts = upsert_from_stage(conn, TABLE, stage, key=KEY, columns=LOADED_COLUMNS)
            removed = delete_not_in_stage(conn, TABLE, stage, key=KEY)
            problems = mirror_problems(conn, frame["cohort_name"].tolist())
        rows_now = table_row_count(conn, TABLE)
    verb = "would have" if config.dry_run else "have"
    context.log.info(
        f"{verb} inserted {counts.inserted}, updated {counts.updated}, "
        f"left {counts.unchanged} unchanged, removed {removed} on {postgres.describe()}"
    )
    return dg.MaterializeResult(
        metadata={
            "dry_run": config.dry_run,
            "inserted": counts.inserted,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "removed": removed,
            "dagster/row_count": rows_now,
            "dagster/table_name": TABLE,
            "database": postgres.describe(),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name=MIRROR_CHECK,
                passed=not problems,
                description="; ".join(problems) or None,
                metadata={
                    "valid_rows": len(frame),
                    "problems": dg.MetadataValue.json(problems),
                    "dry_run": config.dry_run,
                },
            )
        ],
    )

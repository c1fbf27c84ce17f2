"""Checks on population_baselines."""

import dagster as dg

from benchmark_pipeline.lib.postgres.staged_upsert import table_row_count
from benchmark_pipeline.resources import PostgresResource

from .assets import TABLE, population_baselines
from .config import BaselineRowsConfig


@dg.asset_check(
    asset=population_baselines,
    description="The table holds the configured number of rows (default 0 until phase 2).",
)
def row_count_matches_expectation(
    config: BaselineRowsConfig, postgres: PostgresResource
) -> dg.AssetCheckResult:
    with postgres.connect() as conn:
        rows = table_row_count(conn, TABLE)
    return dg.AssetCheckResult(
        passed=rows == config.expected_rows,
        description=None
        if rows == config.expected_rows
        else f"{TABLE} holds {rows} row(s), expected {config.expected_rows}",
        metadata={"expected_rows": config.expected_rows, "actual_rows": rows},
    )

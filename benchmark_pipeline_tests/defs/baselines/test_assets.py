"""population_baselines over the live (phase 1: empty) table."""

import dagster as dg
import psycopg

from benchmark_pipeline.defs.baselines.assets import population_baselines
from benchmark_pipeline.defs.baselines.checks import row_count_matches_expectation
from benchmark_pipeline.resources import PostgresResource


def _run(postgres: PostgresResource, expected_rows: int | None = None):
    ops = {}
    if expected_rows is not None:
        ops[row_count_matches_expectation.node_def.name] = {
            "config": {"expected_rows": expected_rows}
        }
    result = dg.materialize(
        [population_baselines, row_count_matches_expectation],
        resources={"postgres": postgres},
        instance=dg.DagsterInstance.ephemeral(),
        run_config={"ops": ops},
    )
    (event,) = result.asset_materializations_for_node("population_baselines")
    (evaluation,) = result.get_asset_check_evaluations()
    return event.metadata, evaluation


def test_empty_table_matches_the_default_expectation(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    metadata, evaluation = _run(postgres)
    assert metadata["dagster/row_count"].value == 0
    assert metadata["dagster/table_name"].value == "public.population_baselines"
    assert evaluation.passed


def test_row_count_differing_from_the_expectation_fails(
    migrated: psycopg.Connection, postgres: PostgresResource
) -> None:
    migrated.execute(
        "INSERT INTO public.population_baselines (source, year, region) VALUES ('TEDS', 2021, 'US')"
    )
    metadata, evaluation = _run(postgres)
    assert metadata["dagster/row_count"].value == 1
    assert not evaluation.passed
    assert evaluation.metadata["actual_rows"].value == 1
    _, configured = _run(postgres, expected_rows=1)
    assert configured.passed

"""Materializing the trials assets in tests, and reading what a run left behind."""

import dagster as dg

from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.defs.trials import checks
from benchmark_pipeline.defs.trials.assets import benchmark_trials, raw_benchmark_trials
from benchmark_pipeline_tests.fakes import fake_resource

CHECKS = [
    checks.nct_ids_valid,
    checks.have_titles,
    checks.no_sharp_drop,
    checks.count_in_expected_range,
    checks.every_modality_found,
    checks.rejected_records,
    checks.non_psychiatric_share,
    checks.search_labelled_trials,
]


def materialize(fake, postgres, instance, *, dry_run=False, raise_on_error=True, max_drop=0.2):
    """Schema, both trials assets and every raw check, against ``fake``."""
    run_config = {
        "ops": {
            "benchmark_trials": {"config": {"dry_run": dry_run}},
            "raw_benchmark_trials_no_sharp_drop": {"config": {"max_drop_fraction": max_drop}},
        }
    }
    return dg.materialize(
        [benchmark_schema, raw_benchmark_trials, benchmark_trials, *CHECKS],
        resources={"postgres": postgres, "ctgov": fake_resource(fake)},
        instance=instance,
        run_config=run_config,
        raise_on_error=raise_on_error,
    )


def rows(postgres) -> dict:
    """nct_id -> (status, modality, missing_since) of every row of the table."""
    with postgres.connect() as conn:
        return {
            r[0]: r[1:]
            for r in conn.execute(
                "SELECT nct_id, status, modality, missing_since FROM public.benchmark_trials"
            ).fetchall()
        }


def snapshot(postgres) -> str:
    """A digest of the whole table: equal means unchanged."""
    with postgres.connect() as conn:
        return conn.execute(
            "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY nct_id), '')) "
            "FROM public.benchmark_trials t"
        ).fetchone()[0]


def failure_text(result) -> str:
    """The step failure's message with its causes (the user's exception is the cause)."""
    error = next(e for e in result.all_events if e.is_step_failure).step_failure_data.error
    parts = []
    while error is not None:
        parts.append(error.message)
        error = error.cause
    return "".join(parts)


def evaluations(result) -> dict:
    """Check evaluations of a run by check name."""
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def observations(result, asset: str) -> list[dg.AssetObservation]:
    """The observations a run recorded on ``asset`` (why it was not materialized)."""
    return [
        e.asset_observation_data.asset_observation
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_OBSERVATION
        and e.asset_key == dg.AssetKey(asset)
    ]

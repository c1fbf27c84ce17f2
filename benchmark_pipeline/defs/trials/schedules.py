"""The weekly refresh of the trials table: its job, with the retries of unattended runs, and its
schedule."""

import dagster as dg

from benchmark_pipeline.defs.schema.assets import benchmark_schema

from .assets import benchmark_trials, raw_benchmark_trials
from .results import benchmark_trial_results, raw_trial_results

# Unattended weekly runs retry a failed step twice, a minute and then about two minutes later;
# materializations from the UI or tests fail at once. The HTTP client has its own retries.
REFRESH_RETRY = dg.RetryPolicy(
    max_retries=2, delay=60, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)

# Every run of the job carries this tag; the instance's run queue (deploy/dagster.yaml) lets one
# run with it proceed at a time. Dagster tags a run with its code location, not its job name.
REFRESH_TAG = {"benchmark_pipeline/refresh": "trials"}

# The job applies pending migrations first: under the daemon nobody materializes benchmark_schema
# by hand, so a fresh database or an upgrade that ships a migration would otherwise meet new code
# with an old schema. Migrations are checksummed, locked and applied once, so a run with nothing
# pending costs one read of the ledger.
trials_refresh_job = dg.define_asset_job(
    name="trials_refresh_job",
    selection=dg.AssetSelection.assets(
        benchmark_schema,
        raw_benchmark_trials,
        benchmark_trials,
        raw_trial_results,
        benchmark_trial_results,
    ),
    op_retry_policy=REFRESH_RETRY,
    tags=REFRESH_TAG,
    description=(
        "Apply the migrations in sql/ not yet applied (benchmark_schema says which, or none), "
        "search ClinicalTrials.gov and load public.benchmark_trials, then read the posted results "
        "of the trials whose record changed into public.benchmark_trial_results, with the "
        "checks of all five. "
        "Set benchmark_trials' dry_run to rehearse without writing."
    ),
)

# Monday 06:00 UTC: the registry refreshes daily, the table weekly. A scheduled run fetches only
# what changed since the cursor stored with the table; the first Monday of each month (and any
# run with no cursor) sweeps every search in full.
weekly_trials_refresh = dg.ScheduleDefinition(
    name="weekly_trials_refresh",
    job=trials_refresh_job,
    run_config={"ops": {"raw_benchmark_trials": {"config": {"incremental": True}}}},
    cron_schedule="0 6 * * 1",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

"""Jobs and schedules: the weekly refresh of the trials table."""

import dagster as dg

from benchmark_pipeline.defs.trials.assets import benchmark_trials, raw_benchmark_trials

trials_refresh_job = dg.define_asset_job(
    name="trials_refresh_job",
    selection=dg.AssetSelection.assets(raw_benchmark_trials, benchmark_trials),
    description=(
        "Search ClinicalTrials.gov and load public.benchmark_trials, with the checks of both. "
        "Set benchmark_trials' dry_run to rehearse without writing."
    ),
)

# Monday 06:00 UTC: the registry refreshes daily, the table weekly.
weekly_trials_refresh = dg.ScheduleDefinition(
    name="weekly_trials_refresh",
    job=trials_refresh_job,
    cron_schedule="0 6 * * 1",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

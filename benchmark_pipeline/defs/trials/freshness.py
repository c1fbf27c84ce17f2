"""How fresh public.benchmark_trials must be, Dagster's way: a ``FreshnessPolicy`` on the asset
(the UI's freshness status, evaluated by the daemon), the ``fresh`` check that says it in words
with the last load's time, and a sensor that runs that check when the table turns late or stale,
so a stale table fails a run and reaches a person through the run-failure alert."""

from datetime import UTC, datetime, timedelta

import dagster as dg

from benchmark_pipeline.constants import sensor_interval
from benchmark_pipeline.defs.metadata import as_text
from benchmark_pipeline.defs.stops import explains_stops
from benchmark_pipeline.defs.tables import last_load
from benchmark_pipeline.lib.freshness import Freshness, LastLoad, State, assess
from benchmark_pipeline.lib.trials.load import TRIALS_TABLE

TRIALS_KEY = dg.AssetKey("benchmark_trials")
# The refresh runs every Monday: a table older than 8 days missed one, and half a day past the
# week the Monday run is late.
FAIL_AFTER = timedelta(days=8)
WARN_AFTER = timedelta(days=7, hours=12)
TRIALS_FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=FAIL_AFTER, warn_window=WARN_AFTER)
FRESHNESS_STATEMENT = (
    "refreshed at least every 8 days (late after 7 days 12 hours): the weekly_trials_refresh "
    "schedule loads it every Monday at 06:00 UTC; its fresh check and trials_freshness_sensor "
    "watch it"
)
FRESH_CHECK = "fresh"
# A stale table is found within this long; the check itself is one query to the instance.
SENSOR_INTERVAL_SECONDS = 300


def trials_freshness(load: LastLoad | None, now: datetime | None = None) -> Freshness:
    """How fresh public.benchmark_trials is at ``now`` (default: the current time), given its
    last load."""
    return assess(
        TRIALS_TABLE,
        load,
        now=now or datetime.now(UTC),
        fail_after=FAIL_AFTER,
        warn_after=WARN_AFTER,
    )


@dg.asset_check(
    asset=TRIALS_KEY,
    name=FRESH_CHECK,
    blocking=True,
    description=(
        "The trial counts the app shows are at most a week old: "
        "public.benchmark_trials was loaded within the last 8 days (the weekly refresh plus a "
        "day): fails when it is older (stale), warns past 7 days 12 hours (the Monday run is "
        "late). Says when it was last loaded and how many rows it held. Run after every load "
        "and by trials_freshness_sensor when the table turns late or stale."
    ),
)
@explains_stops
def benchmark_trials_fresh(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    load = last_load(context.instance, TRIALS_KEY)
    freshness = trials_freshness(load)
    return dg.AssetCheckResult(
        passed=freshness.state is State.FRESH,
        severity=dg.AssetCheckSeverity.ERROR
        if freshness.state is State.STALE
        else dg.AssetCheckSeverity.WARN,
        description=freshness.sentence,
        metadata={
            "state": freshness.state.value,
            "last_loaded": dg.MetadataValue.timestamp(load.at) if load else None,
            "rows_at_last_load": load.rows if load else None,
            "hours_since_last_load": round(freshness.age.total_seconds() / 3600, 1)
            if freshness.age is not None
            else None,
            # Thresholds, not trends: text, or each check page plots a flat line.
            "fail_after_hours": as_text(FAIL_AFTER.total_seconds() / 3600),
            "warn_after_hours": as_text(WARN_AFTER.total_seconds() / 3600),
        },
    )


trials_freshness_job = dg.define_asset_job(
    name="trials_freshness_job",
    selection=dg.AssetSelection.checks(benchmark_trials_fresh),
    description=(
        "Run benchmark_trials' fresh check alone: it fails when the table is stale, so the "
        "run-failure alert tells someone."
    ),
)


@dg.sensor(
    name="trials_freshness_sensor",
    job=trials_freshness_job,
    minimum_interval_seconds=sensor_interval(SENSOR_INTERVAL_SECONDS),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Every 5 minutes, compares public.benchmark_trials' last load with its freshness "
        "window; when the table has turned late (7 days 12 hours) or stale (8 days), runs its "
        "fresh check once for that load: a stale table fails that run, and "
        "alert_on_run_failure sends the check's sentence. A load makes it fresh again."
    ),
)
def trials_freshness_sensor(context: dg.SensorEvaluationContext):
    load = last_load(context.instance, TRIALS_KEY)
    freshness = trials_freshness(load)
    if load is None or freshness.state is State.FRESH:
        return dg.SkipReason(freshness.sentence)
    # One check run per state and load: the run key is never requested twice.
    return dg.RunRequest(
        run_key=f"{freshness.state.value}:{load.at.timestamp():.6f}",
        tags={"benchmark_pipeline/freshness": freshness.state.value},
    )

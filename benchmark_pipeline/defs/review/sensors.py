"""When a run of this code location ends, successful, failed or canceled, its review is recorded
as a materialization of run_review (no run of its own: a runless event carrying the run's link)
and the run is tagged with the review page's address. Materializations from the UI ("Materialize
all") are reviewed like the named jobs."""

import dagster as dg

from benchmark_pipeline.constants import sensor_interval
from benchmark_pipeline.resources import AlertChannelsResource

from .assets import NOTHING_FAILED, RUN_REVIEW, review_metadata, verdict
from .events import ended, run_review

# On the run: where its review is (DAGSTER_WEBSERVER_URL + the asset's page).
REVIEW_TAG = "benchmark_pipeline/review"
DESCRIPTION = (
    "When a run of this code location {ended}, records its review on run_review: every check "
    "the run planned, passed, warned, failed or skipped with its reason, and the counts; the "
    "run gets the tag " + REVIEW_TAG + " with the review's address."
)


def review_page(alerts: AlertChannelsResource) -> str:
    """The run_review asset's page in the UI."""
    return f"{alerts.webserver_url.rstrip('/')}/assets/{RUN_REVIEW.to_user_string()}"


def review_events(
    instance: dg.DagsterInstance, run: dg.DagsterRun
) -> list[dg.AssetMaterialization | dg.AssetCheckEvaluation] | None:
    """The review of ``run`` as the events to record; ``None`` when it planned no check."""
    review = run_review(instance, run)
    if not review.lines:
        return None
    passed, sentence = verdict(review)
    return [
        dg.AssetMaterialization(
            asset_key=RUN_REVIEW,
            description=f"Run {run.run_id.split('-')[0]} ({run.job_name}): {review.counts}.",
            metadata=review_metadata(run, review, ended(run)),
        ),
        dg.AssetCheckEvaluation(
            asset_key=RUN_REVIEW,
            check_name=NOTHING_FAILED,
            passed=passed,
            severity=dg.AssetCheckSeverity.WARN,
            description=sentence,
            metadata={"run": dg.MetadataValue.dagster_run(run.run_id)},
        ),
    ]


def _record(context: dg.RunStatusSensorContext, alerts: AlertChannelsResource):
    run = context.dagster_run
    events = review_events(context.instance, run)
    if events is None:
        return dg.SkipReason(f"run {run.run_id} planned no check")
    context.instance.add_run_tags(run.run_id, {REVIEW_TAG: review_page(alerts)})
    context.log.info(f"Reviewed run {run.run_id}: {events[0].description}")
    return dg.SensorResult(asset_events=events)


@dg.run_status_sensor(
    name="review_succeeded_runs",
    run_status=dg.DagsterRunStatus.SUCCESS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=sensor_interval(30),
    description=DESCRIPTION.format(ended="succeeds"),
)
def review_succeeded_runs(context: dg.RunStatusSensorContext, alerts: AlertChannelsResource):
    return _record(context, alerts)


@dg.run_failure_sensor(
    name="review_failed_runs",
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=sensor_interval(30),
    description=DESCRIPTION.format(ended="fails"),
)
def review_failed_runs(context: dg.RunFailureSensorContext, alerts: AlertChannelsResource):
    return _record(context, alerts)


@dg.run_status_sensor(
    name="review_canceled_runs",
    run_status=dg.DagsterRunStatus.CANCELED,
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=sensor_interval(30),
    description=DESCRIPTION.format(ended="is canceled (by a person, or by run monitoring)"),
)
def review_canceled_runs(context: dg.RunStatusSensorContext, alerts: AlertChannelsResource):
    return _record(context, alerts)

"""The run-failure alert: every failed run of this code location (the weekly refresh, a freshness
check that found a stale table, a materialization from the UI) reaches a person by the channels
the environment configures, with the run's reason, its link and the state of its tables."""

import dagster as dg

from benchmark_pipeline.constants import sensor_interval
from benchmark_pipeline.defs.tables import last_load, left_as_it_was, table_name
from benchmark_pipeline.lib.alerts.message import Alert
from benchmark_pipeline.resources import AlertChannelsResource

from .reasons import run_failure_sentence

# Set by Dagster on a failed run that its run retries will start again.
WILL_RETRY_TAG = "dagster/will_retry"

HOW_TO_TURN_ON = (
    "Channels come from the environment: email with ALERT_SMTP_HOST and ALERT_EMAIL_TO "
    "(also ALERT_SMTP_PORT, ALERT_SMTP_SECURITY, ALERT_SMTP_USER, ALERT_SMTP_PASSWORD, "
    "ALERT_SMTP_FROM), a Slack, Teams or other webhook with ALERT_WEBHOOK_URL, and "
    "DAGSTER_WEBSERVER_URL for the run's link. With none set, each failure is written to this "
    "sensor's log and nothing is sent."
)


def _events(
    context: dg.RunFailureSensorContext, kind: dg.DagsterEventType
) -> list[dg.DagsterEvent]:
    records = context.instance.get_records_for_run(
        run_id=context.dagster_run.run_id, of_type=kind
    ).records
    return [record.event_log_entry.dagster_event for record in records]


def _assets_of(context: dg.RunFailureSensorContext) -> list[dg.AssetKey]:
    """The assets the failed run planned to materialize or check, from its own events (a run
    records them as planned when it is created, however it was launched)."""
    keys = {
        e.asset_key for e in _events(context, dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED)
    }
    keys |= {
        e.event_specific_data.asset_check_key.asset_key
        for e in _events(context, dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED)
    }
    return sorted(keys, key=lambda key: key.to_user_string())


def table_states(context: dg.RunFailureSensorContext) -> tuple[str, ...]:
    """For each table the run concerned: loaded by the run, or left as it was."""
    repository = context.repository_def
    if repository is None:
        return ()
    graph = repository.asset_graph
    written = {e.asset_key for e in _events(context, dg.DagsterEventType.ASSET_MATERIALIZATION)}
    states = []
    for key in _assets_of(context):
        table = table_name(graph, key) if graph.has(key) else None
        if table is None:
            continue
        if key in written:
            load = last_load(context.instance, key)
            rows = f": {load.rows:,} rows" if load and load.rows is not None else ""
            states.append(f"{table} was loaded by this run{rows}")
        else:
            states.append(left_as_it_was(context.instance, table, key))
    return tuple(states)


def _what_failed(run: dg.DagsterRun, assets: list[dg.AssetKey]) -> str:
    if run.job_name.startswith("__"):  # the implicit job of a materialization from the UI
        names = ", ".join(key.to_user_string() for key in assets) or "assets"
        return f"materializing {names} failed"
    return f"{run.job_name} failed"


def run_failure_alert(context: dg.RunFailureSensorContext, alerts: AlertChannelsResource) -> Alert:
    run = context.dagster_run
    reason = run_failure_sentence(
        context.failure_event.event_specific_data,
        [event.event_specific_data.error for event in context.get_step_failure_events()],
        context.failure_event.message or "the run failed",
    )
    return Alert(
        title=_what_failed(run, _assets_of(context)),
        reason=reason,
        url=alerts.run_url(run.run_id),
        tables=table_states(context),
        run_id=run.run_id,
        job=run.job_name,
    )


@dg.run_failure_sensor(
    name="alert_on_run_failure",
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=sensor_interval(30),
    description=(
        "Sends one alert for each failed run of this code location: the run's reason in one "
        "sentence, its link in the UI and the state each of its tables was left in (a stale "
        "trials table fails trials_freshness_job, so it arrives here too). A run that Dagster "
        "will retry is left to its retry. " + HOW_TO_TURN_ON
    ),
)
def alert_on_run_failure(context: dg.RunFailureSensorContext, alerts: AlertChannelsResource):
    run = context.dagster_run
    if run.tags.get(WILL_RETRY_TAG) == "true":
        return dg.SkipReason(f"run {run.run_id} will be retried; its retry is alerted if it fails")
    alert = run_failure_alert(context, alerts)
    channels = alerts.channels()
    if not channels:
        context.log.warning(
            f"No alert channel is configured; not sent: {alert.title}: {alert.reason}"
        )
        return dg.SkipReason(f"no alert channel is configured. {HOW_TO_TURN_ON}")
    # Each channel is tried a few times with growing waits. One that still fails fails this
    # tick (red on the sensor's page, with the channel named); Dagster's run-failure sensor
    # has moved past the run by then, so that channel does not send this alert again.
    delivered = alerts.send(alert)
    context.log.info(f"Alert for run {run.run_id} sent by {', '.join(delivered)}: {alert.title}")
    return None

"""alert_on_run_failure on real failed runs: the run's own sentence, its link and its tables reach
the configured channels; nothing is sent (and nothing fails) when none is configured; a run that
Dagster will retry waits for its retry."""

import socket
from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest

from benchmark_pipeline.definitions import defs as load_defs
from benchmark_pipeline.defs.alerts.sensors import HOW_TO_TURN_ON, alert_on_run_failure
from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.defs.trials.assets import benchmark_trials, raw_benchmark_trials
from benchmark_pipeline.resources import AlertChannelsResource, ClinicalTrialsResource
from benchmark_pipeline_tests.support.instance_events import record_load_at
from benchmark_pipeline_tests.support.smtp_sink import SmtpSink
from benchmark_pipeline_tests.support.webhook_receiver import WebhookReceiver

UI = "http://dagster.clinic.example:3000"


@pytest.fixture
def instance():
    with dg.instance_for_test() as instance:
        yield instance


@pytest.fixture
def unreachable_url() -> str:
    with socket.socket() as probe:  # a port nothing listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/api/v2"


def _failed_refresh(instance, url: str, postgres) -> dg.DagsterRun:
    record_load_at(
        instance,
        benchmark_trials.key,
        datetime.now(UTC) - timedelta(days=2),
        rows=1096,
        table="public.benchmark_trials",
    )
    result = dg.materialize(
        [benchmark_schema, raw_benchmark_trials, benchmark_trials],
        selection=[raw_benchmark_trials, benchmark_trials],
        resources={"postgres": postgres, "ctgov": ClinicalTrialsResource(base_url=url)},
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    return instance.get_run_by_id(result.run_id)


def _evaluate(instance, run: dg.DagsterRun, alerts: AlertChannelsResource):
    (failure,) = [
        record.event_log_entry.dagster_event
        for record in instance.get_records_for_run(
            run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE
        ).records
    ]
    context = dg.build_run_status_sensor_context(
        sensor_name="alert_on_run_failure",
        dagster_event=failure,
        dagster_instance=instance,
        dagster_run=run,
        repository_def=load_defs().get_repository_def(),
        resources={"alerts": alerts},
    ).for_run_failure()
    return alert_on_run_failure(context), failure


def test_a_failed_refresh_sends_its_own_sentence_link_and_table_state(
    instance, unreachable_url, postgres
):
    run = _failed_refresh(instance, unreachable_url, postgres)
    with SmtpSink() as sink, WebhookReceiver() as hook:
        alerts = AlertChannelsResource(
            smtp_host=sink.host,
            smtp_port=sink.port,
            smtp_security="none",
            email_to="oncall@clinic.example",
            webhook_url=hook.url,
            webserver_url=UI,
        )
        outcome, failure = _evaluate(instance, run, alerts)
        (mail,) = sink.wait_for(1, timeout=10)
        (post,) = hook.wait_for(1, timeout=10)
    assert outcome is None
    text = mail.text()
    # The sentence the run shows (its failure's error), without Dagster's class path.
    shown = failure.event_specific_data.error.message
    reason = post.body["reason"]
    assert reason.startswith(
        f"ClinicalTrials.gov at {unreachable_url} could not be reached: ConnectError: "
    )
    assert " ".join(shown.split()).endswith(reason)
    assert post.body["run_url"] == f"{UI}/runs/{run.run_id}"
    assert post.body["tables"] == [
        "public.benchmark_trials was left as it was: 1,096 rows at its last load"
    ]
    assert post.body["title"] == "materializing benchmark_trials, raw_benchmark_trials failed"
    assert "public.benchmark_trials was left as it was: 1,096 rows at its last load" in text
    assert reason in " ".join(text.split())
    assert f"Run: {UI}/runs/{run.run_id}" in text
    assert mail.rcpt_tos == ["oncall@clinic.example"]


def test_unconfigured_it_skips_saying_how_to_turn_it_on(instance, unreachable_url, postgres):
    run = _failed_refresh(instance, unreachable_url, postgres)
    outcome, _ = _evaluate(instance, run, AlertChannelsResource())
    assert isinstance(outcome, dg.SkipReason)
    assert outcome.skip_message == f"no alert channel is configured. {HOW_TO_TURN_ON}"


def test_a_run_that_will_be_retried_waits_for_its_retry(instance, unreachable_url, postgres):
    run = _failed_refresh(instance, unreachable_url, postgres)
    instance.add_run_tags(run.run_id, {"dagster/will_retry": "true"})
    with SmtpSink() as sink:
        alerts = AlertChannelsResource(
            smtp_host=sink.host, smtp_port=sink.port, smtp_security="none", email_to="a@b.c"
        )
        outcome, _ = _evaluate(instance, instance.get_run_by_id(run.run_id), alerts)
    assert isinstance(outcome, dg.SkipReason) and "will be retried" in outcome.skip_message
    assert sink.messages == []


def test_a_channel_that_fails_fails_the_tick_after_trying_the_others(
    instance, unreachable_url, postgres
):
    run = _failed_refresh(instance, unreachable_url, postgres)
    with WebhookReceiver() as hook:
        alerts = AlertChannelsResource(
            smtp_host="127.0.0.1",
            smtp_port=int(unreachable_url.split(":")[2].split("/")[0]),
            smtp_security="none",
            smtp_password="hunter2-secret",
            email_to="a@b.c",
            webhook_url=hook.url,
            retry_wait_seconds=0,
        )
        with pytest.raises(Exception, match="delivered by webhook at http://127.0.0.1") as raised:
            _evaluate(instance, run, alerts)
        assert len(hook.wait_for(1, timeout=10)) == 1
    assert "hunter2" not in str(raised.value)


def test_the_sensor_is_on_by_default_and_says_how_to_turn_it_on():
    sensor = load_defs().resolve_sensor_def("alert_on_run_failure")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert "ALERT_WEBHOOK_URL" in sensor.description and "ALERT_EMAIL_TO" in sensor.description

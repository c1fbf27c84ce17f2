"""The production topology on this machine (deploy/): a code server, the daemon and the
webserver as separate processes, Dagster's runs and events in PostgreSQL through
deploy/dagster.yaml, runs launched through GraphQL and dequeued by the daemon under the
instance's run queue limits, against the fake registry on loopback; a failed run and a stale
table each reach a loopback SMTP server and webhook receiver exactly once."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import dagster as dg
import httpx
import psycopg
import pytest

from benchmark_pipeline_tests.fakes import FakeCtgovServer, Reply
from benchmark_pipeline_tests.support.ctgov import expected_nct_ids
from benchmark_pipeline_tests.support.dagster_runs import TERMINAL
from benchmark_pipeline_tests.support.databases import fresh_database
from benchmark_pipeline_tests.support.instance_events import record_load_at
from benchmark_pipeline_tests.support.processes import wait_for
from benchmark_pipeline_tests.support.smtp_sink import SmtpSink
from benchmark_pipeline_tests.support.topology import Topology, production_topology
from benchmark_pipeline_tests.support.webhook_receiver import WebhookReceiver

JOB = "trials_refresh_job"
TABLE = "public.benchmark_trials"
UI = "https://dagster.clinic.example"  # DAGSTER_WEBSERVER_URL: the address people open
ALERT_SENSOR = "alert_on_run_failure"
# The sensors tick every 2 s here instead of 30 s and 5 minutes; nothing else differs.
SENSOR_SECONDS = 2
Status = dg.DagsterRunStatus
Event = dg.DagsterEventType
# The life of a queued run that succeeds, as its run events record it: queued by the webserver
# (RUN_ENQUEUED), taken out of the queue by the daemon, which writes RUN_STARTING before it asks
# the code server to launch the run, then executed by the code server's run worker.
QUEUED_AND_SUCCEEDED = [Event.RUN_ENQUEUED, Event.RUN_STARTING, Event.RUN_START, Event.RUN_SUCCESS]
RUN_EVENTS = {*QUEUED_AND_SUCCEEDED, Event.RUN_DEQUEUED, Event.RUN_FAILURE, Event.RUN_CANCELED}


@pytest.fixture(scope="module")
def registry(records) -> Iterator[FakeCtgovServer]:
    with FakeCtgovServer(records) as server:
        yield server


@pytest.fixture(scope="module")
def benchmark_db(server_uri) -> Iterator[str]:
    """SUPABASE_DB_URL of the runs: migrated, with no rows yet."""
    with fresh_database(server_uri, "topology", migrate=True) as dsn:
        yield dsn


@pytest.fixture(scope="module")
def instance_db(server_uri) -> Iterator[str]:
    """The database holding Dagster's own tables (schema dagster), beside the benchmark one."""
    with fresh_database(server_uri, "dagster") as dsn:
        yield dsn


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture(scope="module")
def webhook() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(path="/services/T000/B000/token") as receiver:
        yield receiver


@pytest.fixture(scope="module")
def topology(
    instance_db, benchmark_db, registry, smtp, webhook, tmp_path_factory
) -> Iterator[Topology]:
    work = tmp_path_factory.mktemp("topology")
    alerts = {
        "ALERT_SMTP_HOST": smtp.host,
        "ALERT_SMTP_PORT": str(smtp.port),
        "ALERT_SMTP_SECURITY": "none",
        "ALERT_SMTP_FROM": "benchmark-pipeline@clinic.example",
        "ALERT_EMAIL_TO": "oncall@clinic.example",
        "ALERT_WEBHOOK_URL": webhook.url,
        "DAGSTER_WEBSERVER_URL": UI,
        "BENCHMARK_SENSOR_INTERVAL_SECONDS": str(SENSOR_SECONDS),
    }
    with production_topology(
        instance_db, benchmark_db, registry.base_url, work, extra_env=alerts
    ) as running:
        yield running


@pytest.fixture(autouse=True)
def no_run_left_running(topology) -> Iterator[None]:
    yield
    topology.end_unfinished_runs()


def _run_events(topology: Topology, run_id: str) -> list[Event]:
    return [e.dagster_event.event_type for e in topology.events(run_id, *RUN_EVENTS)]


def _first(topology: Topology, run_id: str, event: Event) -> float:
    entries = topology.events(run_id, event)
    assert entries, f"run {run_id} has no {event.value} event:\n{topology.failure_report(run_id)}"
    return entries[0].timestamp


def test_a_queued_refresh_is_launched_by_the_daemon_and_fills_the_table(
    topology, benchmark_db, instance_db, records
):
    # Someone materializes the schema from the UI while the refresh is queued: another job, so
    # only max_concurrent_runs applies between the two.
    schema_run = topology.launch_assets(["benchmark_schema"])
    run_id = topology.submit_job(JOB)
    run = topology.wait_for_run(run_id)
    topology.wait_for_run(schema_run)

    assert run.job_name == JOB
    assert _run_events(topology, run_id) == QUEUED_AND_SUCCEEDED
    with psycopg.connect(benchmark_db) as conn:
        loaded = {row[0] for row in conn.execute("SELECT nct_id FROM public.benchmark_trials")}
    assert loaded == expected_nct_ids(records)
    # Runs and events live in the instance's PostgreSQL, in its own schema; nothing in files.
    with psycopg.connect(instance_db) as conn:
        stored = dict(conn.execute("SELECT run_id, status FROM dagster.runs").fetchall())
        events = conn.execute(
            "SELECT count(*) FROM dagster.event_logs WHERE run_id = %s", (run_id,)
        ).fetchone()[0]
    assert stored == {schema_run: "SUCCESS", run_id: "SUCCESS"}
    assert events == len(topology.events(run_id))
    assert not [p for p in topology.home.rglob("*") if p.suffix in {".db", ".sqlite"}]


class LeftTheQueueEarly(AssertionError):
    """A run was taken out of the queue while a run it must wait for was still in progress."""


def test_a_second_refresh_waits_in_the_queue_until_the_first_has_ended(topology, registry):
    interval = topology.instance.run_coordinator.dequeue_interval_seconds
    # The first run's first request (/version) is answered only after a pause longer than the
    # daemon's interval between two passes over the queue: at least one pass finds the second
    # run queued while the first is in progress, besides the one that launched the first.
    hold = interval + 2
    version = {"apiVersion": registry.api_version, "dataTimestamp": registry.data_timestamp}
    body = json.dumps(version, separators=(",", ":")).encode()
    registry.queue(Reply(200, body, drip_seconds=hold, drip_bytes=len(body)))

    first = topology.submit_job(JOB)
    second = topology.submit_job(JOB)

    def first_ended_while_second_waited() -> bool:
        # The second's status is read before the first's: a second run out of the queue while
        # the first, read afterwards, has not ended is a second run launched too early.
        second_status = topology.run(second).status
        if topology.run(first).status in TERMINAL:
            return True
        if second_status != Status.QUEUED:
            raise LeftTheQueueEarly(
                f"run {second} is {second_status.value} while run {first} has not ended:\n"
                f"{topology.failure_report(first)}"
            )
        return False

    wait_for(
        first_ended_while_second_waited,
        timeout=60 + hold,
        what=f"run {first} to end",
        diagnostics=lambda: f"{topology.failure_report(first)}\n{topology.diagnostics()}",
    )
    topology.wait_for_run(first)
    topology.wait_for_run(second)

    first_record = topology.instance.get_run_record_by_id(first)
    second_record = topology.instance.get_run_record_by_id(second)
    assert second_record.start_time >= first_record.end_time
    first_ended = _first(topology, first, Event.RUN_SUCCESS)
    assert _first(topology, second, Event.RUN_STARTING) >= first_ended
    waited_beside_first = first_ended - max(
        _first(topology, second, Event.RUN_ENQUEUED), _first(topology, first, Event.RUN_STARTING)
    )
    assert waited_beside_first > interval
    assert _run_events(topology, second) == QUEUED_AND_SUCCEEDED


def _one_new_alert(topology: Topology, smtp: SmtpSink, webhook: WebhookReceiver, before: int):
    """The one email and the one webhook post that arrived after ``before`` of each, once a few
    more ticks of the alert sensor have passed without another."""
    mail = smtp.wait_for(before + 1, timeout=60)[before]
    post = webhook.wait_for(before + 1, timeout=60)[before]
    latest = topology.wait_for_sensor_tick(ALERT_SENSOR)["timestamp"]
    topology.wait_for_sensor_tick(ALERT_SENSOR, after=latest + SENSOR_SECONDS)
    assert len(smtp.messages) == len(webhook.posts) == before + 1, [
        m.message["Subject"] for m in smtp.messages
    ]
    assert mail.rcpt_tos == ["oncall@clinic.example"]
    assert mail.text().replace("\r\n", "\n") == post.body["text"].split("\n", 1)[1]
    return mail, post.body


def _shown_reason(topology: Topology, run_id: str) -> str:
    """The run's failure as the UI shows it, in one line."""
    (failure,) = topology.events(run_id, Event.RUN_FAILURE)
    return " ".join(failure.dagster_event.event_specific_data.error.message.split())


def _link_opens_the_run(topology: Topology, url: str, run_id: str) -> None:
    assert url == f"{UI}/runs/{run_id}"
    page = httpx.get(topology.webserver_url + urlsplit(url).path, timeout=30)
    assert page.status_code == 200


def test_an_unreachable_registry_fails_the_run_and_sends_one_alert(
    topology, registry, smtp, webhook, records
):
    # A run status sensor reports the failures after its first tick, which sets its start.
    topology.wait_for_sensor_tick(ALERT_SENSOR)
    before = len(smtp.messages)
    port = registry.port = urlsplit(registry.base_url).port
    registry.stop()  # nothing listens on the registry's port: every connection is refused
    try:
        run_id = topology.launch_assets(["raw_benchmark_trials", "benchmark_trials"])
        topology.wait_for_run(run_id, Status.FAILURE)
    finally:
        registry.port = port
        registry.start()

    mail, alert = _one_new_alert(topology, smtp, webhook, before)
    assert alert["reason"].startswith(
        f"ClinicalTrials.gov at {registry.base_url} could not be reached: ConnectError: "
    )
    assert _shown_reason(topology, run_id).endswith(alert["reason"])
    assert alert["tables"] == [
        f"{TABLE} was left as it was: {len(expected_nct_ids(records)):,} rows at its last load"
    ]
    assert mail.message["Subject"] == (
        "[benchmark_pipeline] materializing benchmark_trials, raw_benchmark_trials failed"
    )
    _link_opens_the_run(topology, alert["run_url"], run_id)
    assert "token" not in mail.text()


def test_a_stale_table_fails_its_freshness_check_and_sends_one_alert(
    topology, smtp, webhook, records
):
    before = len(smtp.messages)
    rows = len(expected_nct_ids(records))
    # The table's last load moved back: its latest materialization is now nine days old.
    record_load_at(
        topology.instance,
        dg.AssetKey("benchmark_trials"),
        datetime.now(UTC) - timedelta(days=9),
        rows=rows,
        table=TABLE,
    )

    mail, alert = _one_new_alert(topology, smtp, webhook, before)
    (check_run,) = topology.instance.get_runs(dg.RunsFilter(job_name="trials_freshness_job"))
    assert check_run.status == Status.FAILURE
    assert alert["reason"].startswith(
        f"benchmark_trials's blocking check fresh failed: {TABLE} was last loaded 9 days ago ("
    )
    assert f"{rows:,} rows); it must be refreshed at least every 8 days" in alert["reason"]
    assert _shown_reason(topology, check_run.run_id).endswith(alert["reason"])
    assert alert["tables"] == [f"{TABLE} was left as it was: {rows:,} rows at its last load"]
    assert mail.message["Subject"] == "[benchmark_pipeline] trials_freshness_job failed"
    _link_opens_the_run(topology, alert["run_url"], check_run.run_id)
    # The sensor asks once per state and load: later ticks launch no second check run.
    latest = topology.wait_for_sensor_tick("trials_freshness_sensor")["timestamp"]
    topology.wait_for_sensor_tick("trials_freshness_sensor", after=latest + SENSOR_SECONDS)
    assert len(topology.instance.get_runs(dg.RunsFilter(job_name="trials_freshness_job"))) == 1

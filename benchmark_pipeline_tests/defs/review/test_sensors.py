"""The review of real runs: a full materialization on the embedded database against the fake
registry, and a run that fails because the registry cannot be reached, reviewed by the sensors
as the daemon would (their events recorded in the instance), one line per planned check."""

import socket

import dagster as dg
import pytest

from benchmark_pipeline.definitions import defs as load_defs
from benchmark_pipeline.defs.review.assets import NOTHING_FAILED, RUN_REVIEW
from benchmark_pipeline.defs.review.sensors import (
    REVIEW_TAG,
    review_failed_runs,
    review_succeeded_runs,
)
from benchmark_pipeline.lib.review.checks import Status, one_sentence
from benchmark_pipeline.resources import AlertChannelsResource
from benchmark_pipeline_tests.fakes import FakeCtgovServer, generate_records
from benchmark_pipeline_tests.support.ctgov import fast_ctgov

UI = "http://dagster.clinic.example:3000"
Event = dg.DagsterEventType


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    return load_defs()


@pytest.fixture
def instance():
    with dg.instance_for_test() as instance:
        yield instance


@pytest.fixture(scope="module")
def registry():
    with FakeCtgovServer(generate_records(300, seed=11)) as server:
        yield server


def _materialize_all(defs, instance, postgres, url: str) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [*defs.assets, *(defs.asset_checks or [])],
        resources={**defs.resources, "postgres": postgres, "ctgov": fast_ctgov(url)},
        instance=instance,
        raise_on_error=False,
    )


def _review(instance, result, sensor, status_event: Event) -> dg.SensorResult:
    """Evaluate ``sensor`` on the run as the daemon does and record what it returns."""
    run = instance.get_run_by_id(result.run_id)
    (event,) = [
        r.event_log_entry.dagster_event
        for r in instance.get_records_for_run(run.run_id, of_type=status_event).records
    ]
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor.name,
        dagster_event=event,
        dagster_instance=instance,
        dagster_run=run,
        resources={"alerts": AlertChannelsResource(webserver_url=UI)},
    )
    if status_event == Event.RUN_FAILURE:
        context = context.for_run_failure()
    returned = sensor(context)
    assert isinstance(returned, dg.SensorResult), returned
    for asset_event in returned.asset_events:
        instance.report_runless_asset_event(asset_event)
    return returned


def _expected(defs, result) -> dict[tuple[str, str], tuple[str, str]]:
    """(asset, check) -> (status, reason) from the run's own results: the run materialized
    every asset, so it planned every check of those assets; skipped when never evaluated."""
    graph = defs.resolve_asset_graph()
    expected = {
        (key.asset_key.to_user_string(), key.name): (Status.SKIPPED.value, None)
        for key in graph.asset_check_keys
        if graph.get(key.asset_key).is_materializable  # run_review is recorded, not run
    }
    for e in result.get_asset_check_evaluations():
        if e.passed:
            status = Status.PASSED
        elif e.severity == dg.AssetCheckSeverity.ERROR:
            status = Status.FAILED
        else:
            status = Status.WARNED
        expected[e.asset_key.to_user_string(), e.check_name] = (
            status.value,
            one_sentence(e.description),
        )
    return expected


def _table(markdown: str) -> dict[tuple[str, str], tuple[str, str]]:
    """The review's markdown table: (asset, check) -> (status, reason)."""
    lines = markdown.splitlines()
    assert lines[0] == "| status | asset | check | reason |"
    table = {}
    for line in lines[2:]:
        status, asset, check, reason = (c.strip() for c in line.strip("|").split(" | ", 3))
        table[asset, check] = (status, reason.replace("\\|", "|"))
    return table


def _latest_review(instance) -> dg.AssetMaterialization:
    event = instance.get_latest_materialization_event(RUN_REVIEW)
    assert event is not None and event.run_id == ""  # recorded by the sensor, no run of its own
    return event.asset_materialization


def _assert_lists_every_check(defs, instance, result) -> dict[tuple[str, str], tuple[str, str]]:
    review = _latest_review(instance)
    assert review.metadata["run"].value == result.run_id
    table = _table(review.metadata["checks"].value)
    expected = _expected(defs, result)
    assert set(table) == set(expected) and expected
    for key, (status, reason) in expected.items():
        assert table[key][0] == status, key
        if reason is not None:
            assert table[key][1] == reason, key
    counts = {s.value: sum(1 for v in table.values() if v[0] == s.value) for s in Status}
    words = review.metadata["counts"].value
    assert words == (
        f"{counts['passed']} passed, {counts['warned']} warned, "
        f"{counts['skipped']} skipped, {counts['failed']} failed"
    )
    assert sum(counts.values()) == len(expected)
    rank = [list(Status).index(Status(v[0])) for v in table.values()]
    assert rank == sorted(rank)  # failed, warned, skipped, passed
    run = instance.get_run_by_id(result.run_id)
    assert run.tags[REVIEW_TAG] == f"{UI}/assets/run_review"
    return table


def test_a_full_run_is_reviewed_check_by_check(defs, instance, postgres, registry):
    result = _materialize_all(defs, instance, postgres, registry.base_url)
    assert result.success
    _review(instance, result, review_succeeded_runs, Event.RUN_SUCCESS)
    table = _assert_lists_every_check(defs, instance, result)
    # The fake's 300 trials are fewer than a real registry has: a warning, listed first.
    assert table["raw_benchmark_trials", "count_in_expected_range"][0] == "warned"
    statuses = {status for status, _ in table.values()}
    assert {"passed", "warned"} <= statuses and "failed" not in statuses
    (verdict,) = instance.event_log_storage.get_asset_check_execution_history(
        dg.AssetCheckKey(RUN_REVIEW, NOTHING_FAILED), limit=1
    )
    assert verdict.evaluation.passed


def test_a_failed_run_is_reviewed_with_what_it_did_not_reach(defs, instance, postgres):
    with socket.socket() as probe:  # a port nothing listens on: every connection is refused
        probe.bind(("127.0.0.1", 0))
        unreachable = f"http://127.0.0.1:{probe.getsockname()[1]}/api/v2"
    result = _materialize_all(defs, instance, postgres, unreachable)
    assert not result.success
    _review(instance, result, review_failed_runs, Event.RUN_FAILURE)
    table = _assert_lists_every_check(defs, instance, result)
    trial_checks = {k: v for k, v in table.items() if k[0] == "benchmark_trials"}
    assert trial_checks and all(status != "passed" for status, _ in trial_checks.values())
    # The cohorts do not depend on the registry: their run went on and their checks ran.
    assert any(k[0] == "benchmark_cohorts" and v[0] == "passed" for k, v in table.items())


def test_a_run_without_checks_is_not_reviewed(instance):
    @dg.op
    def nothing():
        return None

    @dg.job
    def no_checks():
        nothing()

    result = no_checks.execute_in_process(instance=instance)
    run = instance.get_run_by_id(result.run_id)
    (event,) = [
        r.event_log_entry.dagster_event
        for r in instance.get_records_for_run(run.run_id, of_type=Event.RUN_SUCCESS).records
    ]
    context = dg.build_run_status_sensor_context(
        sensor_name="review_succeeded_runs",
        dagster_event=event,
        dagster_instance=instance,
        dagster_run=run,
        resources={"alerts": AlertChannelsResource()},
    )
    assert isinstance(review_succeeded_runs(context), dg.SkipReason)
    assert instance.get_latest_materialization_event(RUN_REVIEW) is None
    assert REVIEW_TAG not in instance.get_run_by_id(run.run_id).tags

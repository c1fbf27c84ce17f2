"""benchmark_trials' freshness: Dagster's policy on the asset, the fresh check in words, and the
sensor that runs the check once when the table turns late or stale."""

from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest

from benchmark_pipeline.definitions import defs as load_defs
from benchmark_pipeline.defs.trials.freshness import (
    FAIL_AFTER,
    TRIALS_KEY,
    benchmark_trials_fresh,
    trials_freshness_job,
    trials_freshness_sensor,
)
from benchmark_pipeline_tests.support.instance_events import record_load_at

TABLE = "public.benchmark_trials"


@pytest.fixture
def instance():
    with dg.instance_for_test() as instance:
        yield instance


def _loaded(instance, age: timedelta, rows: int = 1565) -> None:
    record_load_at(instance, TRIALS_KEY, datetime.now(UTC) - age, rows=rows, table=TABLE)


def _check(instance) -> dg.AssetCheckEvaluation:
    result = (
        load_defs()
        .resolve_job_def(trials_freshness_job.name)
        .execute_in_process(instance=instance, raise_on_error=False)
    )
    (evaluation,) = result.get_asset_check_evaluations()
    return result, evaluation


def test_the_asset_carries_dagsters_freshness_policy():
    spec = next(s for s in load_defs().resolve_all_asset_specs() if s.key == TRIALS_KEY)
    assert spec.freshness_policy == dg.FreshnessPolicy.time_window(
        fail_window=timedelta(days=8), warn_window=timedelta(days=7, hours=12)
    )
    assert "8 days" in spec.metadata["freshness"]


def test_every_table_states_its_freshness():
    for spec in load_defs().resolve_all_asset_specs():
        if "dagster/table_name" in spec.metadata:
            statement = spec.metadata.get("freshness")
            assert statement, spec.key
            assert spec.freshness_policy is not None or str(statement).startswith("none: ")


def test_a_stale_table_fails_the_check_and_its_run_with_the_sentence(instance):
    _loaded(instance, FAIL_AFTER + timedelta(days=1, hours=1), rows=1234)
    result, evaluation = _check(instance)
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert evaluation.description.startswith(f"{TABLE} was last loaded 9 days 1 hour ago (")
    assert "1,234 rows); it must be refreshed at least every 8 days" in evaluation.description
    assert evaluation.metadata["state"].value == "stale"
    assert not result.success  # blocking: the run fails, and the run-failure alert follows
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert evaluation.description in failure.event_specific_data.error.message


def test_a_late_table_warns_and_the_run_succeeds(instance):
    _loaded(instance, timedelta(days=7, hours=13))
    result, evaluation = _check(instance)
    assert (evaluation.passed, evaluation.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert result.success


def test_a_dry_run_is_not_a_load(instance):
    _loaded(instance, timedelta(days=10))
    instance.report_runless_asset_event(
        dg.AssetMaterialization(asset_key=TRIALS_KEY, metadata={"dry_run": True})
    )
    _, evaluation = _check(instance)
    assert evaluation.metadata["state"].value == "stale"


def test_a_fresh_table_passes(instance):
    _loaded(instance, timedelta(hours=2))
    _, evaluation = _check(instance)
    assert evaluation.passed
    assert "was last loaded 2 hours ago" in evaluation.description


def _tick(instance):
    with dg.build_sensor_context(instance=instance) as context:
        return trials_freshness_sensor(context)


def test_the_sensor_asks_once_per_state_and_load(instance):
    assert isinstance(_tick(instance), dg.SkipReason)  # never loaded: nothing to say yet
    _loaded(instance, timedelta(hours=1))
    fresh = _tick(instance)
    assert isinstance(fresh, dg.SkipReason) and "1 hour ago" in fresh.skip_message
    _loaded(instance, timedelta(days=9))  # the latest load is now the older one
    first, again = _tick(instance), _tick(instance)
    assert isinstance(first, dg.RunRequest) and first.run_key.startswith("stale:")
    assert again.run_key == first.run_key  # Dagster launches a run key once per sensor
    _loaded(instance, timedelta(days=7, hours=20))
    late = _tick(instance)
    assert late.run_key.startswith("late:") and late.run_key != first.run_key


def test_the_check_targets_the_trials_table():
    assert benchmark_trials_fresh.check_keys == {dg.AssetCheckKey(TRIALS_KEY, "fresh")}

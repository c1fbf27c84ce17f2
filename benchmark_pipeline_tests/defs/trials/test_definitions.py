import dagster as dg

from benchmark_pipeline.definitions import defs
from benchmark_pipeline.defs.resources import ctgov_resource
from benchmark_pipeline.defs.trials.schedules import REFRESH_RETRY
from benchmark_pipeline.lib.trials.client import DEFAULT_BASE_URL

TRIAL_ASSETS = {dg.AssetKey("raw_benchmark_trials"), dg.AssetKey("benchmark_trials")}


def test_trials_assets_are_described_and_checked():
    definitions = defs()
    graph = definitions.resolve_asset_graph()
    checked = {k.asset_key for k in graph.asset_check_keys}
    for spec in definitions.resolve_all_asset_specs():
        if spec.key in TRIAL_ASSETS:
            assert spec.group_name == "trials" and spec.kinds and spec.owners
            assert len(spec.description) > 100
            assert "dagster/column_schema" in spec.metadata
            assert spec.key in checked
    blocking = {k.name for k in graph.asset_check_keys if graph.get_check_spec(k).blocking}
    assert {
        "nct_ids_valid",
        "have_titles",
        "no_sharp_drop",
        "complete_and_unique",
    } <= blocking
    warn_only = {
        "count_in_expected_range",
        "every_modality_found",
        "rejected_records",
        "non_psychiatric_share",
        "search_labelled_trials",
        "rejected_lookups",
    }
    names = {k.name for k in graph.asset_check_keys}
    assert warn_only <= names and not warn_only & blocking
    trial_checks = {k.name for k in graph.asset_check_keys if k.asset_key in TRIAL_ASSETS}
    # Check names do not repeat their asset's name (the UI shows them under the asset).
    assert not any(a in name for a in ("benchmark_trials", "raw_trials") for name in trial_checks)


def test_scheduled_job_retries_with_backoff_and_jitter_but_assets_do_not():
    assert REFRESH_RETRY.backoff == dg.Backoff.EXPONENTIAL
    assert REFRESH_RETRY.jitter == dg.Jitter.PLUS_MINUS
    job = defs().resolve_job_def("trials_refresh_job")
    assert job.op_retry_policy == REFRESH_RETRY
    # Materializing from the UI or a test fails at once on an unexpected error.
    assert job.graph.node_named("raw_benchmark_trials").definition.retry_policy is None


def test_weekly_schedule_runs_the_trials_job():
    definitions = defs()
    schedule = definitions.resolve_schedule_def("weekly_trials_refresh")
    assert schedule.cron_schedule == "0 6 * * 1" and schedule.execution_timezone == "UTC"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    job = definitions.resolve_job_def("trials_refresh_job")
    assert schedule.job_name == job.name
    steps = {node.name for node in job.graph.nodes}
    assert {"raw_benchmark_trials", "benchmark_trials"} <= steps
    assert "benchmark_schema" in steps  # pending migrations first, under the daemon too


def test_ctgov_url_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("CTGOV_API_URL", raising=False)
    assert ctgov_resource().base_url == DEFAULT_BASE_URL
    monkeypatch.setenv("CTGOV_API_URL", "http://127.0.0.1:8765/api/v2")
    bound = ctgov_resource().base_url
    assert isinstance(bound, dg.EnvVar) and bound.get_value() == "http://127.0.0.1:8765/api/v2"

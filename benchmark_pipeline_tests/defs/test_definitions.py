"""Everything loads; every asset is owned, grouped, typed and checked; jobs and schedules resolve."""

import dagster as dg
import pytest

from benchmark_pipeline.definitions import defs as load_defs


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    return load_defs()


def test_definitions_load_and_validate(defs):
    dg.Definitions.validate_loadable(defs)
    assert defs.resolve_all_asset_keys()


def test_every_asset_has_group_kinds_owners_description_and_a_check(defs):
    specs = list(defs.resolve_all_asset_specs())
    checked = {key.asset_key for key in defs.resolve_asset_graph().asset_check_keys}
    for spec in specs:
        name = spec.key.to_user_string()
        assert spec.group_name and spec.group_name != "default", name
        assert spec.kinds, name
        assert spec.owners, name
        assert spec.description and len(spec.description) > 40, name
        assert spec.key in checked, f"{name} has no asset check"


def test_every_job_and_schedule_resolves(defs):
    jobs = {job.name for job in defs.resolve_all_job_defs()}
    for schedule in defs.schedules or []:
        resolved = defs.resolve_schedule_def(schedule.name)
        assert resolved.job_name in jobs


def test_resources_are_bound(defs):
    assert "postgres" in defs.resources


def test_every_table_asset_names_its_table_schema_and_kinds(defs):
    tables = [s for s in defs.resolve_all_asset_specs() if "dagster/table_name" in s.metadata]
    assert {s.key.to_user_string() for s in tables} >= {
        "benchmark_trials",
        "benchmark_cohorts",
        "metapsy_effect_sizes",
        "population_baselines",
    }
    for spec in tables:
        name = spec.key.to_user_string()
        assert str(spec.metadata["dagster/table_name"]).startswith("public."), name
        assert isinstance(spec.metadata["dagster/column_schema"], dg.TableSchema), name
        assert {"postgres", "supabase"} <= set(spec.kinds), name


def test_every_job_runs_its_steps_in_one_process(defs):
    # A step's work is milliseconds to seconds; a process per step would cost more than that.
    for job in defs.resolve_all_job_defs():
        assert job.executor_def is dg.in_process_executor, job.name


def test_every_job_that_writes_a_table_applies_pending_migrations_first(defs):
    graph = defs.resolve_asset_graph()
    schema = dg.AssetKey("benchmark_schema")
    for job in defs.resolve_all_job_defs():
        selected = job.asset_layer.selected_asset_keys
        if any("dagster/table_name" in graph.get(key).metadata for key in selected):
            assert schema in selected, job.name


def test_every_ended_run_is_reviewed_by_default(defs):
    sensors = {sensor.name: sensor for sensor in defs.sensors or []}
    for name in ("review_succeeded_runs", "review_failed_runs", "review_canceled_runs"):
        assert sensors[name].default_status == dg.DefaultSensorStatus.RUNNING, name
    review = next(s for s in defs.resolve_all_asset_specs() if s.key.path == ["run_review"])
    assert review.group_name == "review"

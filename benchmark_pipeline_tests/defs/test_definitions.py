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

"""An asset materialized alone on an instance that never stored its upstream value (one click in a
fresh UI) fails with one sentence saying what to materialize first, not an IO manager's trace."""

import dagster as dg
import pytest

from benchmark_pipeline.definitions import defs


def _definitions() -> dg.Definitions:
    return defs() if callable(defs) else defs


def _assets_with_upstream_values() -> list[tuple[str, list[str]]]:
    """Every executable asset with an input its IO manager loads (not a mere ``deps`` order),
    with the upstream assets of those inputs: from the definitions, so a new one is covered."""
    found = []
    for assets_def in _definitions().resolve_asset_graph().assets_defs:
        if not assets_def.is_executable or not assets_def.keys:
            continue
        node = assets_def.node_def
        upstream = sorted(
            key.to_user_string()
            for name, key in assets_def.keys_by_input_name.items()
            if not node.input_def_named(name).dagster_type.is_nothing
        )
        for key in assets_def.keys:
            if upstream:
                found.append((key.to_user_string(), upstream))
    return sorted(found)


ASSETS = _assets_with_upstream_values()


def test_the_list_is_derived_from_the_definitions():
    names = dict(ASSETS)
    # The assets that read a value another asset stored.
    assert names["population_baselines"] == ["teds_discharges"]
    assert names["benchmark_trials"] == ["raw_benchmark_trials"]
    assert names["benchmark_cohorts"] == ["validated_benchmark_cohorts"]
    assert "benchmark_schema" not in names  # its ops pass values inside one step's graph


@pytest.mark.parametrize(("asset", "upstream"), ASSETS, ids=[a for a, _ in ASSETS])
def test_an_asset_alone_on_a_fresh_instance_says_what_to_materialize_first(
    asset, upstream, tmp_path
):
    job = _definitions().resolve_implicit_global_asset_job_def()
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        result = job.execute_in_process(
            instance=instance,
            asset_selection=[dg.AssetKey.from_user_string(asset)],
            raise_on_error=False,
        )
    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
    error = failure.step_failure_data.error
    first = upstream[0]
    sentence = (
        f"`{first}` has no stored value in this Dagster instance: materialize it "
        f"(or `*{asset}`) first"
    )
    assert error.message.strip().splitlines() == [
        f"dagster._core.definitions.events.Failure: {sentence}"
    ]
    assert failure.step_failure_data.user_failure_data.description == sentence
    assert error.cause is None and error.context is None  # no FileNotFoundError behind it
    assert "FileNotFoundError" not in str(error)
    assert not list(tmp_path.rglob(first))  # nothing was written in its place

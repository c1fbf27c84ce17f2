"""Every job the code location defines applies pending migrations before it writes a table, so
it succeeds under the daemon on a fresh database and on one a migration behind (an upgrade that
shipped a new file in sql/), and says which migrations its run applied."""

from datetime import UTC, datetime

import dagster as dg
import pytest

from benchmark_pipeline.constants import SQL_DIR
from benchmark_pipeline.definitions import defs as load_defs
from benchmark_pipeline.lib.schema.migrations import apply_migrations, discover, read_ledger
from benchmark_pipeline_tests.support.ctgov import fast_ctgov
from benchmark_pipeline_tests.support.instance_events import record_load_at

SCHEMA = dg.AssetKey("benchmark_schema")
DEFS = load_defs()
JOBS = sorted(job.name for job in DEFS.resolve_all_job_defs())
assert "trials_refresh_job" in JOBS
MIGRATIONS = discover(SQL_DIR)
NOTHING_PENDING = "none: every migration was already applied"


def _tables(job: dg.JobDefinition) -> set[dg.AssetKey]:
    """The table assets the job materializes."""
    graph = job.asset_layer.asset_graph
    return {
        key
        for key in job.asset_layer.selected_asset_keys
        if "dagster/table_name" in graph.get(key).metadata
    }


def _recently_loaded(instance: dg.DagsterInstance) -> None:
    """A job that only runs checks reads what loads recorded: give it a load from just now."""
    record_load_at(
        instance,
        dg.AssetKey("benchmark_trials"),
        datetime.now(UTC),
        rows=1,
        table="public.benchmark_trials",
    )


@pytest.mark.parametrize("behind", [False, True], ids=["fresh_database", "a_migration_behind"])
@pytest.mark.parametrize("name", JOBS)
def test_every_job_succeeds_and_applies_what_is_pending_first(
    name, behind, postgres, conn, fake_api
):
    if behind:
        apply_migrations(conn, MIGRATIONS[:-1])
    pending = MIGRATIONS[-1:] if behind else MIGRATIONS
    job = DEFS.resolve_job_def(name)
    instance = dg.DagsterInstance.ephemeral()
    if not job.asset_layer.selected_asset_keys:
        _recently_loaded(instance)

    result = job.execute_in_process(
        instance=instance,
        resources={"postgres": postgres, "ctgov": fast_ctgov(fake_api.base_url)},
        raise_on_error=False,
    )

    failures = [e.event_specific_data.error.message for e in result.get_step_failure_events()]
    assert result.success, failures
    if not _tables(job):
        return
    # A table with nothing to load (an opt-in source switched off) records no materialization.
    order = [e.asset_key for e in result.get_asset_materialization_events()]
    loaded = [order.index(key) for key in _tables(job) if key in order]
    assert loaded and order.index(SCHEMA) < min(loaded), order
    (schema,) = result.asset_materializations_for_node("benchmark_schema")
    applied = schema.metadata["applied_this_run"].value
    assert applied == ", ".join(m.path.name for m in pending)
    assert [row.version for row in read_ledger(conn)] == [m.version for m in MIGRATIONS]

    again = job.execute_in_process(
        instance=instance,
        resources={"postgres": postgres, "ctgov": fast_ctgov(fake_api.base_url)},
    )
    (schema,) = again.asset_materializations_for_node("benchmark_schema")
    assert schema.metadata["applied_this_run"].value == NOTHING_PENDING

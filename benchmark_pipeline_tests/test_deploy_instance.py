"""deploy/dagster.yaml gives a working Dagster instance whose tables stay out of `public`."""

import shutil
from urllib.parse import quote

import dagster as dg
import psycopg
import pytest

from benchmark_pipeline.constants import REPO_ROOT


@dg.asset
def probe() -> int:
    return 1


@pytest.fixture
def dagster_pg_url(database_url, conn, monkeypatch) -> str:
    conn.execute("CREATE SCHEMA IF NOT EXISTS dagster")
    info = psycopg.conninfo.conninfo_to_dict(database_url)
    url = (
        f"postgresql://{info.get('user', 'postgres')}@/{info['dbname']}"
        f"?host={quote(str(info['host']), safe='')}&options={quote('-csearch_path=dagster', safe='')}"
    )
    monkeypatch.setenv("DAGSTER_PG_URL", url)
    return url


def test_deploy_instance_stores_runs_in_the_dagster_schema(dagster_pg_url, conn, tmp_path):
    shutil.copy(REPO_ROOT / "deploy" / "dagster.yaml", tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        queue = instance.get_concurrency_config().run_queue_config
        assert queue.max_concurrent_runs == 4
        assert [(r["key"], r["value"], r["limit"]) for r in queue.tag_concurrency_limits] == [
            ("benchmark_pipeline/refresh", "trials", 1)
        ]
        result = dg.materialize([probe], instance=instance)
        assert result.success
        assert instance.get_run_by_id(result.run_id) is not None

    tables = conn.execute(
        "SELECT table_schema, table_name FROM information_schema.tables"
        " WHERE table_name IN ('runs', 'event_logs', 'jobs')"
    ).fetchall()
    assert {schema for schema, _ in tables} == {"dagster"}
    assert {name for _, name in tables} == {"runs", "event_logs", "jobs"}
    runs = conn.execute("SELECT count(*) FROM dagster.runs").fetchone()[0]
    assert runs == 1


def test_the_refresh_limit_names_a_tag_the_refresh_job_puts_on_its_runs():
    import yaml

    from benchmark_pipeline.definitions import defs

    config = yaml.safe_load((REPO_ROOT / "deploy" / "dagster.yaml").read_text())
    (limit,) = config["concurrency"]["runs"]["tag_concurrency_limits"]
    job = defs().resolve_job_def("trials_refresh_job")
    # Dagster tags a run with its code location and the tags its job gives, not its job's name.
    assert job.tags.get(limit["key"]) == limit["value"]

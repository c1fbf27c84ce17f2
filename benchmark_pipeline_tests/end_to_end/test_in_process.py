"""The whole pipeline in-process (``materialize``) on the embedded server, under faults."""

import threading
import time

import dagster as dg
import psycopg
import pytest

from benchmark_pipeline.definitions import defs as load_defs
from benchmark_pipeline_tests.fakes import Faults
from benchmark_pipeline_tests.support.ctgov import (
    expected_indications,
    expected_nct_ids,
    fast_ctgov,
)
from benchmark_pipeline_tests.support.databases import table_snapshot


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    return load_defs()


def _materialize_all(defs, postgres, ctgov, **kwargs):
    return dg.materialize(
        [*defs.assets, *(defs.asset_checks or [])],
        resources={**defs.resources, "postgres": postgres, "ctgov": ctgov},
        instance=dg.DagsterInstance.ephemeral(),
        **kwargs,
    )


def _trial_ids(postgres) -> list[str]:
    with postgres.connect() as conn:
        return [r[0] for r in conn.execute("SELECT nct_id FROM public.benchmark_trials ORDER BY 1")]


def _failed_checks(result) -> dict[str, str]:
    return {
        e.check_name: e.description
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    }


def test_full_pipeline_from_an_empty_database(defs, postgres, fake_api, records):
    result = _materialize_all(defs, postgres, fast_ctgov(fake_api.base_url))
    assert result.success
    assert _failed_checks(result) == {}
    assert _trial_ids(postgres) == sorted(expected_nct_ids(records))
    with postgres.connect() as conn:
        cohorts = conn.execute("SELECT count(*) FROM public.benchmark_cohorts").fetchone()[0]
        labels = dict(
            conn.execute("SELECT nct_id, indication_category FROM public.benchmark_trials")
        )
        sources = dict(
            conn.execute(
                "SELECT modality_source, count(*) FROM public.benchmark_trials GROUP BY 1"
            ).fetchall()
        )
    assert cohorts > 0
    assert labels == expected_indications(records)
    assert sources == {"interventions": len(labels)}  # every fake trial names its drug


def test_thirty_percent_transient_failures_still_load_exactly_the_right_rows(
    defs, postgres, fake_api, records
):
    fake_api.set_faults(Faults(rate=0.3, retry_after=0, stall_seconds=1.0, seed=3))
    result = _materialize_all(defs, postgres, fast_ctgov(fake_api.base_url))
    assert result.success
    assert sum(fake_api.faults_injected.values()) > 0
    ids = _trial_ids(postgres)
    assert ids == sorted(expected_nct_ids(records))
    assert len(ids) == len(set(ids))


def test_api_down_fails_clearly_and_leaves_the_database_unchanged(defs, postgres, fake_api):
    assert _materialize_all(defs, postgres, fast_ctgov(fake_api.base_url)).success
    with postgres.connect() as conn:
        before = table_snapshot(conn, "benchmark_trials")
    fake_api.set_faults(Faults(down=True))
    result = _materialize_all(
        defs, postgres, fast_ctgov(fake_api.base_url, max_attempts=3), raise_on_error=False
    )
    assert not result.success
    failure = result.failure_data_for_node("raw_benchmark_trials")
    assert failure is not None
    assert "503" in failure.error.to_string()
    with postgres.connect() as conn:
        assert table_snapshot(conn, "benchmark_trials") == before


def _terminate_when_waiting(database_url: str, stop: threading.Event, killed: list[int]) -> None:
    """Terminate the pipeline's backend once it waits on the lock held by the test."""
    with psycopg.connect(database_url, autocommit=True) as watcher:
        while not stop.is_set():
            rows = watcher.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'benchmark_pipeline'"
                " AND wait_event_type = 'Lock' AND datname = current_database()"
            ).fetchall()
            for (pid,) in rows:
                watcher.execute("SELECT pg_terminate_backend(%s)", (pid,))
                killed.append(pid)
                return
            time.sleep(0.05)


def test_connection_killed_during_the_trials_load(defs, postgres, fake_api, records, database_url):
    assert _materialize_all(defs, postgres, fast_ctgov(fake_api.base_url)).success
    changed = sorted(expected_nct_ids(records))[0]
    records.set_status(
        changed, "COMPLETED" if "RECRUITING" in str(records.get(changed)) else "RECRUITING"
    )
    with postgres.connect() as conn:
        before = table_snapshot(conn, "benchmark_trials")

    # Hold a lock that the load's upsert must wait for, then kill the waiting backend:
    # the kill lands mid-transaction, after the staging COPY, at a known point.
    stop, killed = threading.Event(), []
    with psycopg.connect(database_url) as blocker:
        blocker.execute("LOCK TABLE public.benchmark_trials IN SHARE MODE")
        watcher = threading.Thread(
            target=_terminate_when_waiting, args=(database_url, stop, killed)
        )
        watcher.start()
        try:
            result = _materialize_all(
                defs, postgres, fast_ctgov(fake_api.base_url), raise_on_error=False
            )
        finally:
            stop.set()
            watcher.join(timeout=30)
        blocker.rollback()

    assert killed, "the load never waited on the lock"
    assert not result.success
    assert result.failure_data_for_node("benchmark_trials") is not None
    with postgres.connect() as conn:
        assert table_snapshot(conn, "benchmark_trials") == before

    result = _materialize_all(defs, postgres, fast_ctgov(fake_api.base_url))
    assert result.success
    with postgres.connect() as conn:
        status = conn.execute(
            "SELECT status FROM public.benchmark_trials WHERE nct_id = %s", (changed,)
        ).fetchone()[0]
    assert status == records.get(changed)["protocolSection"]["statusModule"]["overallStatus"]


def test_weekly_job_from_the_schedule_runs_the_trials_refresh_and_its_results_only(
    defs, postgres, fake_api, records, migrated
):
    schedule = defs.resolve_schedule_def("weekly_trials_refresh")
    assert schedule.cron_schedule == "0 6 * * 1"
    assert schedule.execution_timezone == "UTC"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    job = defs.resolve_job_def(schedule.job_name)
    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        resources={"postgres": postgres, "ctgov": fast_ctgov(fake_api.base_url)},
    )
    assert result.success
    materialized = {
        event.asset_key.to_user_string() for event in result.get_asset_materialization_events()
    }
    assert materialized == {
        "benchmark_schema",
        "raw_benchmark_trials",
        "benchmark_trials",
        "raw_trial_results",
        "benchmark_trial_results",
    }
    assert _trial_ids(postgres) == sorted(expected_nct_ids(records))
    with postgres.connect() as conn:
        assert conn.execute("SELECT count(*) FROM public.benchmark_cohorts").fetchone()[0] == 0

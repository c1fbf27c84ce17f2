"""The pipeline through its command-line entry point, as `make materialize` and scripts run it."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from benchmark_pipeline.constants import REPO_ROOT
from benchmark_pipeline_tests.support.ctgov import expected_nct_ids

DAGSTER = Path(sys.executable).parent / "dagster"


def _materialize(select: str, env: dict[str, str], *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(DAGSTER),
            "asset",
            "materialize",
            "--select",
            select,
            "-m",
            "benchmark_pipeline",
            *extra,
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(process: subprocess.Popen) -> str:
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output[-4000:]
    assert "RUN_SUCCESS" in output, output[-4000:]
    return output


@pytest.fixture
def cli_env(database_url, fake_api, tmp_path) -> dict[str, str]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    # Create the instance's storage once, as `make dev` would have: two processes creating a
    # fresh SQLite storage at the same moment would race on its schema.
    with dg.DagsterInstance.from_config(str(home)):
        pass
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAGSTER_", "PYTEST_"))}
    env.update(
        DAGSTER_HOME=str(home),
        SUPABASE_DB_URL=database_url,
        CTGOV_API_URL=fake_api.base_url,
    )
    return env


def _rows(database_url: str) -> dict[str, tuple]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT nct_id, status, updated_at FROM public.benchmark_trials ORDER BY nct_id"
        ).fetchall()
    return {nct: (status, updated_at) for nct, status, updated_at in rows}


def test_cli_fills_the_table_and_a_status_change_updates_exactly_that_row(
    cli_env, database_url, fake_api, records
):
    output = _finish(_materialize("*", cli_env))
    assert "Asset check 'citation_completeness'" in output
    first = _rows(database_url)
    assert sorted(first) == sorted(expected_nct_ids(records))
    assert fake_api.request_count("/api/v2/version") == 1

    changed = next(nct for nct, (status, _) in first.items() if status == "RECRUITING")
    records.set_status(changed, "ACTIVE_NOT_RECRUITING")
    _finish(_materialize("raw_benchmark_trials+", cli_env))
    second = _rows(database_url)
    assert sorted(second) == sorted(first)
    differing = {nct for nct in first if first[nct] != second[nct]}
    assert differing == {changed}
    assert second[changed][0] == "ACTIVE_NOT_RECRUITING"


def test_two_full_runs_started_at_once_both_end_correctly(cli_env, database_url, records):
    runs = [_materialize("*", cli_env) for _ in range(2)]
    outputs = [_finish(run) for run in runs]
    assert not any("LockNotAvailable" in out or "deadlock" in out for out in outputs)
    with psycopg.connect(database_url) as conn:
        total, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT nct_id) FROM public.benchmark_trials"
        ).fetchone()
        cohorts, cohort_names = conn.execute(
            "SELECT count(*), count(DISTINCT cohort_name) FROM public.benchmark_cohorts"
        ).fetchone()
        ledger = conn.execute(
            "SELECT version, count(*) FROM benchmark_pipeline.schema_migrations GROUP BY 1 HAVING count(*) > 1"
        ).fetchall()
    assert total == distinct == len(expected_nct_ids(records))
    assert cohorts == cohort_names > 0
    assert ledger == []

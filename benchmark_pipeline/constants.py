"""Paths and names shared by the whole code location."""

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
DATA_DIR = REPO_ROOT / "data"
SQL_DIR = REPO_ROOT / "sql"
STATE_DIR = REPO_ROOT / ".benchmark_pipeline"
EMBEDDED_PG_DIR = STATE_DIR / "postgres"

SCHEMA_GROUP = "schema"
TRIALS_GROUP = "trials"
COHORTS_GROUP = "cohorts"
BASELINES_GROUP = "baselines"
METAPSY_GROUP = "metapsy"
REVIEW_GROUP = "review"

OWNERS = ["team:benchmark-data"]


def sensor_interval(default_seconds: int) -> int:
    """A sensor's minimum interval: ``default_seconds``, or ``BENCHMARK_SENSOR_INTERVAL_SECONDS``
    when set (read when the code location loads, as Dagster reads its own daemon intervals), so
    a test of the deployed processes need not wait minutes for a tick."""
    return int(os.environ.get("BENCHMARK_SENSOR_INTERVAL_SECONDS") or default_seconds)

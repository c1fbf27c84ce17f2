"""Mirroring the valid cohorts into ``public.benchmark_cohorts`` in one transaction.

``load_cohorts`` owns its transaction (rolled back on a dry run): COPY to a staging table, upsert
on ``cohort_name``, delete the rows no longer valid, and compare the table with the valid rows
before anything is committed.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
import psycopg

from benchmark_pipeline.lib.cohorts.contract import COLUMNS
from benchmark_pipeline.lib.postgres.staged_upsert import (
    delete_not_in_stage,
    stage_frame,
    table_row_count,
    upsert_from_stage,
)

TABLE = "public.benchmark_cohorts"
KEY = ["cohort_name"]
LOADED_COLUMNS = COLUMNS


@dataclass(frozen=True)
class CohortLoad:
    """What one load did (or, on a dry run, would have done)."""

    inserted: int
    updated: int
    unchanged: int
    removed: int
    row_count: int  # rows in the table once the transaction ended (committed or rolled back)
    dry_run: bool
    problems: list[str] = field(default_factory=list)  # mirror check, before commit


def mirror_problems(conn: psycopg.Connection, expected_names: Sequence[str]) -> list[str]:
    """Differences between the table and ``expected_names`` (count, duplicates, missing,
    extra); empty when the table holds exactly one row per expected cohort."""
    names = [r[0] for r in conn.execute("SELECT cohort_name FROM public.benchmark_cohorts")]
    problems = []
    if len(names) != len(expected_names):
        problems.append(f"table has {len(names)} row(s), expected {len(expected_names)}")
    if duplicated := sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"duplicate cohort_name in the table: {', '.join(duplicated)}")
    if missing := sorted(set(expected_names) - set(names)):
        problems.append(f"missing from the table: {', '.join(missing)}")
    if extra := sorted(set(names) - set(expected_names)):
        problems.append(f"in the table but not valid in the CSV: {', '.join(extra)}")
    return problems


def load_cohorts(conn: psycopg.Connection, frame: pd.DataFrame, *, dry_run: bool) -> CohortLoad:
    """Make the table hold exactly ``frame`` (``COLUMNS``, one row per cohort_name).

    ``conn`` must be in autocommit mode: the load is one transaction of its own.
    """
    with conn.transaction(force_rollback=dry_run):
        stage = stage_frame(conn, TABLE, frame, LOADED_COLUMNS)
        counts = upsert_from_stage(conn, TABLE, stage, key=KEY, columns=LOADED_COLUMNS)
        removed = delete_not_in_stage(conn, TABLE, stage, key=KEY)
        problems = mirror_problems(conn, frame["cohort_name"].tolist())
    return CohortLoad(
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        removed=removed,
        row_count=table_row_count(conn, TABLE),
        dry_run=dry_run,
        problems=problems,
    )

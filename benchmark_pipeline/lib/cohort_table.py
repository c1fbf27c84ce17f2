"""How ``public.benchmark_cohorts`` compares with the rows that should be in it."""

from collections.abc import Sequence

import psycopg

from benchmark_pipeline.lib.cohort_schema import COLUMNS

TABLE = "public.benchmark_cohorts"
KEY = ["cohort_name"]
LOADED_COLUMNS = COLUMNS


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

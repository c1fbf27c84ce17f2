"""Mirroring the valid cohorts into ``public.benchmark_cohorts`` in one transaction.

``load_cohorts`` owns its transaction (rolled back on a dry run): ``mirror_frame`` stages the
rows, refuses a load that would empty the table or remove most of it (``MassRemovalError``,
before anything is written), upserts on ``cohort_name`` and deletes the rows no longer valid;
then the table is compared with the valid rows before anything is committed.
"""

from collections import Counter
from collections.abc import Sequence

import pandas as pd
import psycopg

from benchmark_pipeline.lib.cohorts.contract import COLUMNS
from benchmark_pipeline.lib.postgres.mirror import MirrorLoad, load_mirror

TABLE = "public.benchmark_cohorts"
KEY = ["cohort_name"]
LOADED_COLUMNS = COLUMNS
_NAMES_LISTED = 20


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_NAMES_LISTED])
    return shown + (f" and {len(names) - _NAMES_LISTED} more" if len(names) > _NAMES_LISTED else "")


def mirror_problems(conn: psycopg.Connection, expected_names: Sequence[str]) -> list[str]:
    """Differences between the table and ``expected_names`` (count, duplicates, missing,
    extra); empty when the table holds exactly one row per expected cohort."""
    names = Counter(r[0] for r in conn.execute("SELECT cohort_name FROM public.benchmark_cohorts"))
    expected = set(expected_names)
    problems = []
    if names.total() != len(expected_names):
        problems.append(f"table has {names.total()} row(s), expected {len(expected_names)}")
    if duplicated := sorted(n for n, count in names.items() if count > 1):
        problems.append(f"duplicate cohort_name in the table: {_listed(duplicated)}")
    if missing := sorted(expected - names.keys()):
        problems.append(f"missing from the table: {_listed(missing)}")
    if extra := sorted(names.keys() - expected):
        problems.append(f"in the table but not valid in the CSV: {_listed(extra)}")
    return problems


def load_cohorts(
    conn: psycopg.Connection,
    frame: pd.DataFrame,
    *,
    dry_run: bool,
    allow_mass_removal: bool = False,
) -> MirrorLoad:
    """Make the table hold exactly ``frame`` (``COLUMNS``, one row per cohort_name), checked by
    ``mirror_problems`` before it commits (see ``load_mirror``)."""
    names = frame["cohort_name"].tolist()
    return load_mirror(
        conn,
        TABLE,
        frame,
        key=KEY,
        columns=LOADED_COLUMNS,
        check=lambda c: mirror_problems(c, names),
        dry_run=dry_run,
        allow_mass_removal=allow_mass_removal,
    )

"""Mirroring every valid comparison row into ``public.benchmark_study_outcomes``.

``load_study_outcomes`` owns its transaction (rolled back on a dry run): the table is made to
hold exactly the rows given, keyed by (dataset, row_id), through ``mirror_frame`` and its guard
against emptying the table or removing most of it; then, before anything is committed, the
table is compared with the rows.
"""

import pandas as pd
import psycopg

from benchmark_pipeline.lib.metapsy.contract import KEY, TABLE_COLUMNS
from benchmark_pipeline.lib.postgres.mirror import MirrorLoad, load_mirror

TABLE = "public.benchmark_study_outcomes"


def mirror_problems(conn: psycopg.Connection, frame: pd.DataFrame) -> list[str]:
    """Differences between the table and ``frame``'s (dataset, row_id) keys; empty when the
    table holds exactly one row per key."""
    rows = conn.execute(
        "SELECT dataset, row_id, count(*) FROM public.benchmark_study_outcomes GROUP BY 1, 2"
    ).fetchall()
    table = {(d, r): n for d, r, n in rows}
    expected = set(zip(frame["dataset"], frame["row_id"], strict=True))
    problems = []
    if sum(table.values()) != len(frame):
        problems.append(f"table has {sum(table.values())} row(s), expected {len(frame)}")
    if twice := sorted(f"{d}/{r}" for (d, r), n in table.items() if n > 1):
        problems.append(f"(dataset, row_id) more than once: {', '.join(twice[:20])}")
    if missing := sorted(f"{d}/{r}" for d, r in expected - set(table)):
        problems.append(f"{len(missing)} row(s) missing from the table: {', '.join(missing[:20])}")
    if extra := sorted(f"{d}/{r}" for d, r in set(table) - expected):
        problems.append(f"{len(extra)} row(s) in the table but not read: {', '.join(extra[:20])}")
    return problems


def load_study_outcomes(
    conn: psycopg.Connection,
    frame: pd.DataFrame,
    *,
    dry_run: bool = False,
    allow_mass_removal: bool = False,
) -> MirrorLoad:
    """Make the table hold exactly ``frame`` (``TABLE_COLUMNS``, unique on dataset + row_id),
    checked by ``mirror_problems`` before it commits (see ``load_mirror``)."""
    return load_mirror(
        conn,
        TABLE,
        frame,
        key=KEY,
        columns=TABLE_COLUMNS,
        check=lambda c: mirror_problems(c, frame),
        dry_run=dry_run,
        allow_mass_removal=allow_mass_removal,
    )

"""Mirroring every valid comparison row into ``public.benchmark_study_outcomes``.

``load_study_outcomes`` owns its transaction (rolled back on a dry run): the table is made to
hold exactly the rows given, keyed by (dataset, row_id), through ``mirror_frame`` and its guard
against emptying the table or removing most of it; then, before anything is committed, the
table is compared with the rows.
"""

from dataclasses import dataclass, field

import pandas as pd
import psycopg

from benchmark_pipeline.lib.metapsy.contract import KEY, TABLE_COLUMNS
from benchmark_pipeline.lib.postgres.mirror import mirror_frame
from benchmark_pipeline.lib.postgres.staged_upsert import table_row_count

TABLE = "public.benchmark_study_outcomes"


@dataclass(frozen=True)
class OutcomesLoad:
    """What one load did (or, on a dry run, would have done)."""

    inserted: int
    updated: int
    unchanged: int
    removed: int
    row_count: int  # rows in the table once the transaction ended (committed or rolled back)
    dry_run: bool
    problems: list[str] = field(default_factory=list)  # mirror check, before commit


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
) -> OutcomesLoad:
    """Make the table hold exactly ``frame`` (``TABLE_COLUMNS``, unique on dataset + row_id).

    ``conn`` must be in autocommit mode: the load is one transaction of its own. Raises
    ``MassRemovalError`` (nothing written) when the load would empty the table or remove more
    than half of its rows without ``allow_mass_removal``.
    """
    with conn.transaction(force_rollback=dry_run):
        counts = mirror_frame(
            conn,
            TABLE,
            frame,
            key=KEY,
            columns=TABLE_COLUMNS,
            allow_mass_removal=allow_mass_removal,
        )
        problems = mirror_problems(conn, frame)
    return OutcomesLoad(
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        removed=counts.removed,
        row_count=table_row_count(conn, TABLE),
        dry_run=dry_run,
        problems=problems,
    )

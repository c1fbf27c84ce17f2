"""Loading trials into public.benchmark_trials: upsert what was found, never delete, mark the gone.

``load_trials`` owns its transaction (rolled back on a dry run), so a load is all-or-nothing and
a rehearsal leaves no trace; the completeness check runs inside it, before any rollback.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import pandas as pd
import psycopg

from benchmark_pipeline.lib import kill_points
from benchmark_pipeline.lib.postgres.binary_copy import TextArrayBinaryDumper
from benchmark_pipeline.lib.postgres.staged_upsert import table_row_count, upsert_frame
from benchmark_pipeline.lib.trials.cursor import CursorUpdate, write_cursor
from benchmark_pipeline.lib.trials.records import TABLE_COLUMNS

TRIALS_TABLE = "public.benchmark_trials"
# Staged along with the content: a trial that arrives again is no longer missing.
LOADED_COLUMNS = [*TABLE_COLUMNS, "missing_since"]


@dataclass(frozen=True)
class TrialsLoad:
    """What one load did (or, on a dry run, would have done)."""

    staged: int
    inserted: int
    updated: int
    newly_missing: int  # first run in which the registry no longer had them
    still_missing: int
    row_count: int  # rows in the table after the load
    dry_run: bool
    problems: list[str] = field(default_factory=list)  # completeness, checked before commit
    cursor_written: bool = False  # the refresh cursor was stored (kept only when committed)

    @property
    def unchanged(self) -> int:
        return self.staged - self.inserted - self.updated


def known_trials(conn: psycopg.Connection) -> dict[str, list[str]]:
    """Every nct_id in the table with its modalities (the primary one first)."""
    rows = conn.execute(
        "SELECT nct_id, modality, coalesce(modalities, ARRAY[]::text[]) FROM public.benchmark_trials"
    ).fetchall()
    return {
        nct_id: list(dict.fromkeys([modality, *modalities]))
        for nct_id, modality, modalities in rows
    }


def _mark_missing(conn: psycopg.Connection, gone: Collection[str]) -> tuple[int, int]:
    """Set ``missing_since`` on gone trials not yet marked; (newly marked, already marked)."""
    if not gone:
        return 0, 0
    newly = conn.execute(
        """
        UPDATE public.benchmark_trials
        SET missing_since = now(), updated_at = now()
        WHERE nct_id = ANY(%s) AND missing_since IS NULL
        """,
        [list(gone)],
    ).rowcount
    return newly, len(gone) - newly


def trials_to_load(*frames: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frames`` in ``TABLE_COLUMNS``; one frame is passed on without a copy."""
    present = [f for f in frames if len(f)] or list(frames[:1])
    if len(present) == 1:
        return present[0][TABLE_COLUMNS]
    return pd.concat([f[TABLE_COLUMNS] for f in present], ignore_index=True)


def load_trials(
    conn: psycopg.Connection,
    frame: pd.DataFrame,
    *,
    gone: Iterable[str] = (),
    dry_run: bool = False,
    cursor: CursorUpdate | None = None,
) -> TrialsLoad:
    """Upsert ``frame`` (one row per nct_id, ``TABLE_COLUMNS``), mark ``gone`` ids missing and
    store the refresh's ``cursor`` (when given).

    New trials are inserted, changed ones updated (``updated_at`` set), identical ones not
    written at all; no row is ever deleted. ``conn`` must be in autocommit mode: the whole load,
    cursor included, is one transaction of its own, rolled back when ``dry_run``.
    """
    if frame["nct_id"].duplicated().any():
        dupes = sorted(frame.loc[frame["nct_id"].duplicated(), "nct_id"].unique())
        raise ValueError(f"refusing to load duplicate nct_id(s): {dupes[:20]}")
    staged = frame.assign(missing_since=None)
    gone = sorted(set(gone) - set(frame["nct_id"]))
    with conn.transaction(force_rollback=dry_run):
        counts = upsert_frame(
            conn, TRIALS_TABLE, staged, key=["nct_id"], columns=LOADED_COLUMNS, touch="updated_at"
        )
        newly, still = _mark_missing(conn, gone)
        rows = table_row_count(conn, TRIALS_TABLE)
        problems = completeness_problems(conn, frame["nct_id"].tolist())
        # An incomplete load keeps the old cursor: the next run fetches from there again.
        cursor_moved = cursor is not None and not problems
        if cursor_moved:
            write_cursor(conn, cursor)
        kill_points.reached(kill_points.BEFORE_COMMIT)
    kill_points.reached(kill_points.COMMITTED)
    return TrialsLoad(
        staged=counts.staged,
        inserted=counts.inserted,
        updated=counts.updated,
        newly_missing=newly,
        still_missing=still,
        row_count=rows,
        dry_run=dry_run,
        problems=problems,
        cursor_written=cursor_moved,
    )


def completeness_problems(conn: psycopg.Connection, nct_ids: list[str]) -> list[str]:
    """Ids of ``nct_ids`` absent from the table, and any nct_id the table holds twice."""
    cursor = conn.cursor()
    # The ids go as one binary text[] (psycopg's own list dumper is far slower for 100k ids).
    cursor.adapters.register_dumper(list, TextArrayBinaryDumper)
    absent = cursor.execute(
        "SELECT w.nct_id FROM unnest(%b::text[]) AS w(nct_id)"
        " WHERE NOT EXISTS (SELECT 1 FROM public.benchmark_trials t WHERE t.nct_id = w.nct_id)"
        " ORDER BY 1",
        [nct_ids],
    ).fetchall()
    twice = conn.execute(
        "SELECT nct_id, count(*) FROM public.benchmark_trials GROUP BY nct_id HAVING count(*) > 1"
    ).fetchall()
    problems = []
    if absent:
        shown = ", ".join(r[0] for r in absent[:20])
        problems.append(f"{len(absent)} trial(s) of this run absent from the table: {shown}")
    if twice:
        problems.append(
            "nct_id more than once in the table: " + ", ".join(f"{k} ({n}x)" for k, n in twice)
        )
    return problems

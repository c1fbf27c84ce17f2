"""Loading trials into public.benchmark_trials: upsert what was found, never delete, mark the gone.

The caller wraps ``load_trials`` in nothing: it opens its own transaction, rolled back on a
dry run, so a load is all-or-nothing and a rehearsal leaves no trace.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import psycopg

from benchmark_pipeline.lib.ctgov_parse import TABLE_COLUMNS, label_row, parse_study, rows_to_frame
from benchmark_pipeline.lib.loading import stage_frame, table_row_count, upsert_from_stage
from benchmark_pipeline.lib.modalities import DEFAULT_VOCABULARY

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


def load_trials(
    conn: psycopg.Connection,
    frame: pd.DataFrame,
    *,
    gone: Iterable[str] = (),
    dry_run: bool = False,
) -> TrialsLoad:
    """Upsert ``frame`` (one row per nct_id, ``TABLE_COLUMNS``) and mark ``gone`` ids missing.

    New trials are inserted, changed ones updated (``updated_at`` set), identical ones not
    written at all; no row is ever deleted. ``conn`` must be in autocommit mode: the whole load
    is one transaction of its own, rolled back when ``dry_run``.
    """
    if frame["nct_id"].duplicated().any():
        dupes = sorted(frame.loc[frame["nct_id"].duplicated(), "nct_id"].unique())
        raise ValueError(f"refusing to load duplicate nct_id(s): {dupes[:20]}")
    staged = frame.assign(missing_since=None)
    gone = sorted(set(gone) - set(frame["nct_id"]))
    with conn.transaction(force_rollback=dry_run):
        stage = stage_frame(conn, TRIALS_TABLE, staged, LOADED_COLUMNS)
        counts = upsert_from_stage(
            conn, TRIALS_TABLE, stage, key=["nct_id"], columns=LOADED_COLUMNS, touch="updated_at"
        )
        newly, still = _mark_missing(conn, gone)
        rows = table_row_count(conn, TRIALS_TABLE)
    return TrialsLoad(
        staged=counts.staged,
        inserted=counts.inserted,
        updated=counts.updated,
        newly_missing=newly,
        still_missing=still,
        row_count=rows,
        dry_run=dry_run,
    )


def refreshed_rows(
    studies: Iterable[dict],
    known: dict[str, list[str]],
    vocabulary: Mapping[str, Sequence[str]] = DEFAULT_VOCABULARY,
) -> pd.DataFrame:
    """Rows for trials looked up by id because the searches no longer returned them.

    Only requested ids are kept. When no intervention names a modality, the row keeps the
    modalities it already has in the table (``modality`` is NOT NULL there).
    """
    rows = {}
    for study in studies:
        row = parse_study(study)
        if row["nct_id"] in known and row["nct_id"] not in rows:
            rows[row["nct_id"]] = label_row(row, known[row["nct_id"]], vocabulary)
    return rows_to_frame(rows.values())

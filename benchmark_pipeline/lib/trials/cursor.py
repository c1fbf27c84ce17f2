"""The trials refresh's cursor: where the last successful load left the registry.

It lives in ``benchmark_pipeline.trials_refresh_cursor`` (migration 073), beside the rows it
describes, and is written by ``write_cursor`` inside the load's own transaction: a load that
rolls back (a failure, a dry run) leaves it where it was, and a restored database brings its own.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import psycopg

from benchmark_pipeline.lib.trials.records import TABLE_COLUMNS

# How a record becomes a row (the classifiers, the decoding, the columns). Raise it with any
# change that would derive another row from an unchanged record: the cursor's searches then
# differ, and the next run sweeps in full, so no row keeps what the earlier rules made of it.
ROWS_VERSION = 1

CURSOR_TABLE = "benchmark_pipeline.trials_refresh_cursor"
TRIALS_TABLE = "public.benchmark_trials"
MODES = ("full", "incremental")


@dataclass(frozen=True)
class RefreshCursor:
    """The stored cursor, as the last successful load wrote it."""

    searches_digest: str
    registry_date: date
    registry_data_timestamp: str | None
    last_mode: str
    last_refresh_at: datetime
    last_full_sweep_at: datetime
    trials_fetched: int


@dataclass(frozen=True)
class CursorUpdate:
    """What a load writes: the searches it ran, the registry date it read, and how."""

    searches_digest: str
    registry_date: date
    registry_data_timestamp: str | None
    mode: str
    trials_fetched: int

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"refresh mode must be one of {MODES}, got {self.mode!r}")


def searches_digest(
    vocabulary: Mapping[str, Sequence[str]], statuses: Sequence[str], condition: str | None
) -> str:
    """A short digest of what the searches ask (the modalities in order with their terms, the
    statuses, the condition) and of how a record becomes a row (``ROWS_VERSION``, the columns).

    A cursor reached with other searches says nothing about these: they need a full sweep.
    """
    asked = {
        # In order: the first modality a trial names is its primary one.
        "vocabulary": [[m, list(terms)] for m, terms in vocabulary.items()],
        "statuses": sorted(statuses),
        "condition": condition or None,
        "rows": [ROWS_VERSION, *TABLE_COLUMNS],
    }
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()[:16]


def read_cursor(conn: psycopg.Connection) -> RefreshCursor | None:
    """The stored cursor of ``public.benchmark_trials``; ``None`` before the first load."""
    row = conn.execute(
        "SELECT searches_digest, registry_date, registry_data_timestamp, last_mode,"
        " last_refresh_at, last_full_sweep_at, trials_fetched"
        f" FROM {CURSOR_TABLE} WHERE table_name = %s",
        [TRIALS_TABLE],
    ).fetchone()
    return None if row is None else RefreshCursor(*row)


def write_cursor(conn: psycopg.Connection, update: CursorUpdate) -> None:
    """Store ``update`` as the cursor. Call it inside the load's transaction: the cursor then
    moves exactly when the rows it describes are committed. A full sweep also sets
    ``last_full_sweep_at``; an incremental run keeps the earlier one."""
    conn.execute(
        f"""
        INSERT INTO {CURSOR_TABLE} AS c (
            table_name, searches_digest, registry_date, registry_data_timestamp, last_mode,
            last_refresh_at, last_full_sweep_at, trials_fetched
        )
        VALUES (%(table)s, %(digest)s, %(registry_date)s, %(data_timestamp)s, %(mode)s,
                now(), now(), %(fetched)s)
        ON CONFLICT (table_name) DO UPDATE SET
            searches_digest = excluded.searches_digest,
            registry_date = excluded.registry_date,
            registry_data_timestamp = excluded.registry_data_timestamp,
            last_mode = excluded.last_mode,
            last_refresh_at = excluded.last_refresh_at,
            last_full_sweep_at = CASE WHEN excluded.last_mode = 'full'
                THEN excluded.last_full_sweep_at ELSE c.last_full_sweep_at END,
            trials_fetched = excluded.trials_fetched
        """,
        {
            "table": TRIALS_TABLE,
            "digest": update.searches_digest,
            "registry_date": update.registry_date,
            "data_timestamp": update.registry_data_timestamp,
            "mode": update.mode,
            "fetched": update.trials_fetched,
        },
    )

"""Loading a frame into a table: lock it, then one COPY straight in when it is empty, otherwise
COPY into a staging table and one ``MERGE`` that writes only the rows that change.

The caller owns the transaction: ``with conn.transaction(force_rollback=dry_run):`` around
``upsert_frame`` (or ``stage_frame`` + ``upsert_from_stage`` + ``delete_not_in_stage``) makes a
load all-or-nothing and a dry run a full rehearsal that leaves nothing behind.

After a load the table's row fingerprints are kept (``fingerprints.py``); the next load stages
and merges only the rows whose key is new or whose fingerprint changed, so an unchanged refresh
sends no row at all. Any write that is not a load drops them: the next load then
compares every row in the database again.

``MERGE`` has no answer to a concurrent insert of the same key (``ON CONFLICT`` has), so every
load first takes ``SHARE ROW EXCLUSIVE`` on its table: readers go on, a second writer waits for
the commit (bounded by the statement timeout). Unlike ``ON CONFLICT``, ``MERGE`` neither locks
nor rewrites a row whose content is unchanged, so an unchanged re-run writes next to nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import psycopg
from psycopg import sql

from benchmark_pipeline.lib import kill_points
from benchmark_pipeline.lib.postgres import binary_copy, fingerprints

# ``MERGE ... RETURNING merge_action()`` exists from PostgreSQL 17; 15 and 16 count otherwise.
MERGE_RETURNING_SINCE = 170000


@dataclass(frozen=True)
class UpsertCounts:
    staged: int  # rows given
    inserted: int
    updated: int
    compared: int | None = None  # rows sent to the database and compared there (None: all)

    @property
    def unchanged(self) -> int:
        return self.staged - self.inserted - self.updated


def _table(table: str) -> sql.Identifier:
    return sql.Identifier(*table.split("."))


def _names(names: Sequence[str], prefix: str = "") -> sql.Composed:
    return sql.SQL(", ").join(sql.SQL(prefix) + sql.Identifier(c) for c in names)


def key_match(key: Sequence[str]) -> sql.Composed:
    """``t.k1 = s.k1 AND ...``: a target row ``t`` and a staged row ``s`` with the same key."""
    return sql.SQL(" AND ").join(sql.SQL("t.{0} = s.{0}").format(sql.Identifier(c)) for c in key)


def lock_for_load(conn: psycopg.Connection, table: str) -> None:
    """Take ``SHARE ROW EXCLUSIVE`` on ``table`` until the transaction ends: plain reads and
    ``SELECT ... FOR UPDATE`` go on, any other writer (another load too) waits."""
    conn.execute(sql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(_table(table)))


def table_is_empty(conn: psycopg.Connection, table: str) -> bool:
    query = sql.SQL("SELECT NOT EXISTS (SELECT FROM {})").format(_table(table))
    return conn.execute(query).fetchone()[0]


def stage_frame(
    conn: psycopg.Connection,
    table: str,
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    name: str | None = None,
) -> sql.Identifier:
    """COPY ``frame[columns]`` into a temporary table shaped like ``table``; return its name
    (``name``, by default ``stage_<schema>_<table>``).

    The staging table takes the target's column types, so a value the table would refuse
    fails here, inside the caller's transaction.
    """
    stage = sql.Identifier(name or f"stage_{table.replace('.', '_')}")
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(stage))
    conn.execute(
        sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
            stage, _names(columns), _table(table)
        )
    )
    binary_copy.copy_frame(conn, stage, frame, columns)
    return stage


def copy_into_empty(
    conn: psycopg.Connection,
    table: str,
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    key: Sequence[str] | None = None,
) -> UpsertCounts:
    """The empty-table fast path: one checked COPY of ``frame[columns]`` straight into ``table``.

    Same values, checks and defaults as staging + ``MERGE`` (every row is new), written once
    instead of twice. Call it only with ``table`` locked (``lock_for_load``) and empty. With
    ``key``, the rows' fingerprints are recorded too.
    """
    if not key:
        copied = binary_copy.copy_frame(conn, _table(table), frame, columns)
        return UpsertCounts(staged=copied, inserted=copied, updated=0, compared=copied)
    # The rows' fingerprints are hashes of the very bytes the COPY sends, taken as it sends them.
    hashes = fingerprints.RowHashes()
    copied = binary_copy.copy_frame(conn, _table(table), frame, columns, keep_rows=hashes)
    keys = fingerprints.row_keys(frame, key)
    fingerprints.record(conn, table, columns, keys, hashes.fingerprints())
    return UpsertCounts(staged=copied, inserted=copied, updated=0, compared=copied)


def _merge(
    table: str, stage: sql.Identifier, key: Sequence[str], columns: Sequence[str], touch: str | None
) -> sql.Composed:
    """``MERGE`` of ``stage`` into ``table``: insert new keys, update rows whose content differs."""
    value_cols = [c for c in columns if c not in key]
    when_matched = sql.SQL("")
    if value_cols:
        assignments = [sql.SQL("{0} = s.{0}").format(sql.Identifier(c)) for c in value_cols]
        if touch:
            assignments.append(sql.SQL("{} = now()").format(sql.Identifier(touch)))
        # ROW(...) so that one value column compares the same way as several.
        when_matched = sql.SQL(
            "WHEN MATCHED AND ROW({current}) IS DISTINCT FROM ROW({incoming}) THEN UPDATE SET {set}"
        ).format(
            current=_names(value_cols, "t."),
            incoming=_names(value_cols, "s."),
            set=sql.SQL(", ").join(assignments),
        )
    return sql.SQL(
        "MERGE INTO {target} AS t USING {stage} AS s ON {on} {when_matched}"
        " WHEN NOT MATCHED THEN INSERT ({cols}) VALUES ({values})"
    ).format(
        target=_table(table),
        stage=stage,
        on=key_match(key),
        when_matched=when_matched,
        cols=_names(columns),
        values=_names(columns, "s."),
    )


def upsert_from_stage(
    conn: psycopg.Connection,
    table: str,
    stage: sql.Identifier,
    *,
    key: Sequence[str],
    columns: Sequence[str],
    touch: str | None = "updated_at",
    server_version_num: int | None = None,
) -> UpsertCounts:
    """Insert new keys, update rows whose content differs, leave identical rows untouched
    (neither rewritten nor locked); return exact counts. Takes ``lock_for_load`` first.

    ``touch`` names a timestamp column set to now() only on rows that really changed.
    ``server_version_num`` picks the counting form as for that server (default: the connected
    one's): ``RETURNING merge_action()`` from 17, the row count of ``MERGE`` before that.
    """
    lock_for_load(conn, table)
    merge = _merge(table, stage, key, columns, touch)
    staged = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(stage)).fetchone()[0]
    if (server_version_num or conn.info.server_version) >= MERGE_RETURNING_SINCE:
        query = sql.SQL(
            "WITH merged AS ({merge} RETURNING merge_action() AS action)"
            " SELECT count(*) FILTER (WHERE action = 'INSERT'),"
            " count(*) FILTER (WHERE action = 'UPDATE') FROM merged"
        ).format(merge=merge)
        inserted, updated = conn.execute(query).fetchone()
        return UpsertCounts(staged=staged, inserted=inserted, updated=updated)
    # PostgreSQL 15/16: the staged keys already in the table, counted under the lock (no other
    # writer can add or remove one before the MERGE), are the rows not inserted; MERGE's row
    # count is inserted + updated, since a matched row whose content is unchanged is skipped.
    matched_query = sql.SQL(
        "SELECT count(*) FROM {stage} AS s WHERE EXISTS (SELECT FROM {target} AS t WHERE {on})"
    ).format(stage=stage, target=_table(table), on=key_match(key))
    matched = conn.execute(matched_query).fetchone()[0]
    inserted = staged - matched
    changed = conn.execute(merge).rowcount
    return UpsertCounts(staged=staged, inserted=inserted, updated=changed - inserted)


def upsert_frame(
    conn: psycopg.Connection,
    table: str,
    frame: pd.DataFrame,
    *,
    key: Sequence[str],
    columns: Sequence[str],
    touch: str | None = "updated_at",
    server_version_num: int | None = None,
) -> UpsertCounts:
    """Load ``frame[columns]`` into ``table`` keyed by ``key``, inside the caller's transaction.

    Locks the table (``lock_for_load``); an empty table gets one checked COPY straight in
    (``copy_into_empty``); into any other, the rows whose fingerprint differs from the last
    load's (all of them when none is kept) are staged and merged (``upsert_from_stage``), and
    the rest are unchanged. Either way the same values and defaults land, the counts are exact
    and the rows' fingerprints are kept for the next load.
    """
    lock_for_load(conn, table)
    watched = fingerprints.watched(conn, table)
    if watched:
        fingerprints.hold_table(conn, table)
    if table_is_empty(conn, table):
        return copy_into_empty(conn, table, frame, columns, key=key if watched else None)
    send, keys, current, previous = slice(None), None, None, None
    if watched:
        keys = fingerprints.row_keys(frame, key)
        current = fingerprints.row_fingerprints(conn, table, frame, columns)
        previous = fingerprints.recorded(conn, table)
        send = fingerprints.changed_rows(previous, columns, keys, current)
    rows = frame[send]
    counts = UpsertCounts(staged=0, inserted=0, updated=0)
    if len(rows):
        stage = stage_frame(conn, table, rows, columns)
        kill_points.reached(kill_points.STAGED)
        counts = upsert_from_stage(
            conn,
            table,
            stage,
            key=key,
            columns=columns,
            touch=touch,
            server_version_num=server_version_num,
        )
    if watched and (len(rows) or previous is None or len(keys) != len(previous.keys)):
        # Unchanged and the same keys: what is kept already says so (no write, no WAL).
        fingerprints.record(conn, table, columns, keys, current)
    return UpsertCounts(
        staged=len(frame), inserted=counts.inserted, updated=counts.updated, compared=len(rows)
    )


def delete_not_in_stage(
    conn: psycopg.Connection, table: str, stage: sql.Identifier, *, key: Sequence[str]
) -> int:
    """Delete the rows of ``table`` whose key is not staged; return how many."""
    query = sql.SQL("DELETE FROM {} AS t WHERE NOT EXISTS (SELECT FROM {} AS s WHERE {})").format(
        _table(table), stage, key_match(key)
    )
    return conn.execute(query).rowcount


def table_row_count(conn: psycopg.Connection, table: str) -> int:
    return conn.execute(sql.SQL("SELECT count(*) FROM {}").format(_table(table))).fetchone()[0]

"""A table that mirrors its input exactly: upsert every staged row, delete every row not staged,
and refuse a load that would empty the table or remove most of it unless one run allows it.
A load may mirror a part of the table only (``Within``: the rows of some trials), leaving the
rest as it is.

Call ``mirror_frame`` inside the caller's transaction (each ``lib/<domain>/load.py`` opens it,
rolled back on a dry run); a refused load raises before anything is written. The load locks the
table first (``lock_for_load``), so the counts and the refusal hold until it commits.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd
import psycopg
from psycopg import sql

from benchmark_pipeline.lib import kill_points
from benchmark_pipeline.lib.postgres.staged_upsert import (
    key_match,
    lock_for_load,
    stage_frame,
    table_row_count,
    upsert_frame,
)

MASS_REMOVAL_SHARE = 0.5


class MassRemovalError(RuntimeError):
    """The load would empty the table or remove more than half of its rows; nothing written."""


@dataclass(frozen=True)
class Within:
    """The part of a table a load mirrors: the rows whose ``column`` is one of ``values``."""

    column: str
    values: Sequence[str]

    def condition(self, alias: str = "t") -> sql.Composable:
        return sql.SQL("{} = ANY({})").format(
            sql.Identifier(alias, self.column), sql.Literal(list(self.values))
        )


@dataclass(frozen=True)
class MirrorCounts:
    staged: int
    inserted: int
    updated: int
    removed: int

    @property
    def unchanged(self) -> int:
        return self.staged - self.inserted - self.updated


def _not_staged(
    table: str, stage: sql.Identifier, key: Sequence[str], within: Within | None
) -> sql.Composable:
    scope = sql.SQL(" AND {}").format(within.condition()) if within else sql.SQL("")
    return sql.SQL("FROM {} AS t WHERE NOT EXISTS (SELECT FROM {} AS s WHERE {}){}").format(
        sql.Identifier(*table.split(".")), stage, key_match(key), scope
    )


def _would_remove(
    conn: psycopg.Connection,
    table: str,
    stage: sql.Identifier,
    key: Sequence[str],
    within: Within | None = None,
) -> int:
    query = sql.SQL("SELECT count(*) {}").format(_not_staged(table, stage, key, within))
    return conn.execute(query).fetchone()[0]


def _outside(conn: psycopg.Connection, table: str, within: Within | None) -> int:
    """Rows of ``table`` outside the part a load mirrors (they stay as they are)."""
    if within is None:
        return 0
    query = sql.SQL("SELECT count(*) FROM {} AS t WHERE NOT ({})").format(
        sql.Identifier(*table.split(".")), within.condition()
    )
    return conn.execute(query).fetchone()[0]


def removal_refusal(
    table: str, rows_before: int, staged: int, removing: int, allowed: bool
) -> str | None:
    """Why this removal is refused, or None. An input with no row never empties a table, even
    when allowed; removing more than half of the rows needs ``allow_mass_removal`` for the run.
    The message says how many rows would go and what to do; nothing has been written."""
    if removing and staged == 0:
        return (
            f"refusing to empty {table}: the input has no row, so mirroring it would remove all "
            f"{rows_before:,} row(s) of the table. Nothing was written. An input without rows "
            "never empties a table, not even with allow_mass_removal: fix the input."
        )
    if removing > rows_before * MASS_REMOVAL_SHARE and not allowed:
        return (
            f"refusing to remove {removing:,} of the {rows_before:,} row(s) of {table} "
            f"({removing / rows_before:.0%}, more than {MASS_REMOVAL_SHARE:.0%}): the input has "
            f"{staged:,} row(s) and {removing:,} of the table's keys are not among them. Nothing "
            "was written. If the removal is intended, run once with allow_mass_removal: true."
        )
    return None


def mirror_frame(
    conn: psycopg.Connection,
    table: str,
    frame: pd.DataFrame,
    *,
    key: Sequence[str],
    columns: Sequence[str],
    allow_mass_removal: bool = False,
    touch: str | None = "updated_at",
    within: Within | None = None,
) -> MirrorCounts:
    """Make ``table`` hold exactly the rows of ``frame[columns]``, keyed by ``key`` (with
    ``within``: make that part of the table hold exactly them, and leave the rest).

    Raises ``MassRemovalError`` (before writing) when the load would remove every row, or more
    than half of them without ``allow_mass_removal``. The keys alone are staged to find the rows
    to remove; the rows themselves go through ``upsert_frame`` (one checked COPY into an empty
    table, otherwise only new and changed rows staged and merged).
    """
    lock_for_load(conn, table)
    rows_before = table_row_count(conn, table)
    keys = None
    if rows_before:
        keys = stage_frame(conn, table, frame, key, name=f"keys_{table.replace('.', '_')}")
        removing = _would_remove(conn, table, keys, key, within)
        staying = len(frame) + _outside(conn, table, within)
        refusal = removal_refusal(table, rows_before, staying, removing, allow_mass_removal)
        if refusal:
            raise MassRemovalError(refusal)
    counts = upsert_frame(conn, table, frame, key=key, columns=columns, touch=touch)
    removed = 0
    if keys is not None:
        removed = conn.execute(
            sql.SQL("DELETE {}").format(_not_staged(table, keys, key, within))
        ).rowcount
    return MirrorCounts(
        staged=counts.staged, inserted=counts.inserted, updated=counts.updated, removed=removed
    )


@dataclass(frozen=True)
class MirrorLoad:
    """What one mirror load did (or, on a dry run, would have done)."""

    inserted: int
    updated: int
    unchanged: int
    removed: int
    rows_loaded: int  # rows in the table at the end of the load, before commit or rollback
    row_count: int  # rows in the table once the transaction ended (committed or rolled back)
    dry_run: bool
    problems: list[str] = field(default_factory=list)  # the table's own check, before commit


def load_mirror(
    conn: psycopg.Connection,
    table: str,
    frame: pd.DataFrame,
    *,
    key: Sequence[str],
    columns: Sequence[str],
    check: Callable[[psycopg.Connection], list[str]],
    dry_run: bool,
    allow_mass_removal: bool = False,
    within: Within | None = None,
) -> MirrorLoad:
    """One load of a mirrored table in a transaction of its own (rolled back on a dry run):
    ``mirror_frame``, then ``check`` (the table against what was loaded) before anything commits.

    ``conn`` must be in autocommit mode. Raises ``MassRemovalError`` (the table unchanged) when
    the load would empty the table, or remove more than half of it without ``allow_mass_removal``.
    """
    with conn.transaction(force_rollback=dry_run):
        counts = mirror_frame(
            conn,
            table,
            frame,
            key=key,
            columns=columns,
            allow_mass_removal=allow_mass_removal,
            within=within,
        )
        problems = check(conn)
        rows_loaded = table_row_count(conn, table)
        kill_points.reached(kill_points.BEFORE_COMMIT)
    kill_points.reached(kill_points.COMMITTED)
    return MirrorLoad(
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        removed=counts.removed,
        rows_loaded=rows_loaded,
        row_count=table_row_count(conn, table),
        dry_run=dry_run,
        problems=problems,
    )

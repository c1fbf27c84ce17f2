"""Loading a frame into a table: COPY into a staging table, then one set-based upsert.

The caller owns the transaction: ``with conn.transaction(force_rollback=dry_run):`` around
``stage_frame`` + ``upsert_from_stage`` (+ ``delete_not_in_stage``) makes a load all-or-nothing
and a dry run a full rehearsal that leaves nothing behind.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import psycopg
from psycopg import sql

from benchmark_pipeline.lib.postgres import binary_copy


@dataclass(frozen=True)
class UpsertCounts:
    staged: int
    inserted: int
    updated: int

    @property
    def unchanged(self) -> int:
        return self.staged - self.inserted - self.updated


# Exact types that ``_cell`` passes through unchanged (a list only as an equal copy). Nearly
# every cell of a frame is one of them, and skipping the call for them halves the time of
# staging a large frame.
_AS_IS = frozenset({str, int, bool, dt.date, dt.datetime, type(None), list})


def _column_cells(values: list[object]) -> list[object]:
    """``_cell`` over one column, calling it only for values it would change."""
    as_is = _AS_IS
    return [v if type(v) in as_is else _cell(v) for v in values]


def _cell(value: object) -> object:
    """pandas' missing markers become NULL; numpy scalars become Python ones.

    A whole float becomes an int: pandas stores an integer column with gaps as float, and
    PostgreSQL's integer input refuses "1.0" (numeric columns take "1" just as well).
    """
    if isinstance(value, list | tuple):
        return list(value)
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
        if isinstance(value, list):
            return value
    if value is None or pd.isna(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def stage_frame(
    conn: psycopg.Connection, table: str, frame: pd.DataFrame, columns: Sequence[str]
) -> sql.Identifier:
    """COPY ``frame[columns]`` into a temporary table shaped like ``table``; return its name.

    The staging table takes the target's column types, so a value the table would refuse
    fails here, inside the caller's transaction.
    """
    stage = sql.Identifier(f"stage_{table.replace('.', '_')}")
    cols = sql.SQL(", ").join(map(sql.Identifier, columns))
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(stage))
    conn.execute(
        sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
            stage, cols, sql.Identifier(*table.split("."))
        )
    )
    oids = [
        c.type_code
        for c in conn.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(stage)).description
    ]
    selected = frame[list(columns)]
    # Column by column: Series.tolist() is far cheaper than itertuples() over extension arrays.
    values = [_column_cells(selected.iloc[:, i].tolist()) for i in range(selected.shape[1])]
    binary = binary_copy.supports(oids)
    if binary:
        # Binary COPY typed by the staging table's own columns is psycopg's fastest path;
        # copy_values checks every value first, since binary dumpers do not.
        values = [
            binary_copy.column_values(c, o, v)
            for c, o, v in zip(columns, oids, values, strict=True)
        ]
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(stage, cols)
    else:
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(stage, cols)
    cursor = conn.cursor()
    if binary:
        cursor.adapters.register_dumper(list, binary_copy.TextArrayBinaryDumper)
    with cursor.copy(copy_sql) as copy:
        if binary:
            copy.set_types(oids)
        for row in zip(*values, strict=True):
            copy.write_row(row)
    return stage


def upsert_from_stage(
    conn: psycopg.Connection,
    table: str,
    stage: sql.Identifier,
    *,
    key: Sequence[str],
    columns: Sequence[str],
    touch: str | None = "updated_at",
) -> UpsertCounts:
    """Insert new keys, update rows whose content differs, leave identical rows untouched.

    ``touch`` names a timestamp column set to now() only on rows that really changed.
    """
    target = sql.Identifier(*table.split("."))
    value_cols = [c for c in columns if c not in key]
    ident = lambda names: sql.SQL(", ").join(map(sql.Identifier, names))  # noqa: E731
    assignments = [
        sql.SQL("{} = EXCLUDED.{}").format(sql.Identifier(c), sql.Identifier(c)) for c in value_cols
    ]
    if touch:
        assignments.append(sql.SQL("{} = now()").format(sql.Identifier(touch)))
    current = sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(c)) for c in value_cols)
    incoming = sql.SQL(", ").join(
        sql.SQL("EXCLUDED.{}").format(sql.Identifier(c)) for c in value_cols
    )
    query = sql.SQL(
        """
        WITH upserted AS (
            INSERT INTO {target} AS t ({cols}) SELECT {cols} FROM {stage}
            ON CONFLICT ({key}) DO UPDATE SET {assignments}
            WHERE ({current}) IS DISTINCT FROM ({incoming})
            RETURNING (xmax = 0) AS inserted
        )
        SELECT (SELECT count(*) FROM {stage}),
               count(*) FILTER (WHERE inserted),
               count(*) FILTER (WHERE NOT inserted)
        FROM upserted
        """
    ).format(
        target=target,
        cols=ident(columns),
        stage=stage,
        key=ident(key),
        assignments=sql.SQL(", ").join(assignments),
        current=sql.SQL("ROW({})").format(current) if len(value_cols) == 1 else current,
        incoming=sql.SQL("ROW({})").format(incoming) if len(value_cols) == 1 else incoming,
    )
    staged, inserted, updated = conn.execute(query).fetchone()
    return UpsertCounts(staged=staged, inserted=inserted, updated=updated)


def delete_not_in_stage(
    conn: psycopg.Connection, table: str, stage: sql.Identifier, *, key: Sequence[str]
) -> int:
    """Delete the rows of ``table`` whose key is not staged; return how many."""
    match = sql.SQL(" AND ").join(
        sql.SQL("s.{} = t.{}").format(sql.Identifier(c), sql.Identifier(c)) for c in key
    )
    query = sql.SQL("DELETE FROM {} AS t WHERE NOT EXISTS (SELECT 1 FROM {} AS s WHERE {})").format(
        sql.Identifier(*table.split(".")), stage, match
    )
    return conn.execute(query).rowcount


def table_row_count(conn: psycopg.Connection, table: str) -> int:
    return conn.execute(
        sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(*table.split(".")))
    ).fetchone()[0]

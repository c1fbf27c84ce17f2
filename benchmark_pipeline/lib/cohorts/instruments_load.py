"""Mirroring the valid instruments into ``public.benchmark_instruments`` in one transaction.

``load_instruments`` owns its transaction (rolled back on a dry run): ``load_mirror`` refuses a
load that would empty the table or remove most of it (``MassRemovalError``, before anything is
written), upserts on ``name`` and deletes the instruments no longer valid; then the table is
compared, value by value, with the rows loaded before anything is committed.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pandas as pd
import psycopg
from psycopg import sql

from benchmark_pipeline.lib.cohorts.instruments import COLUMNS
from benchmark_pipeline.lib.postgres.mirror import MirrorLoad, load_mirror

TABLE = "public.benchmark_instruments"
KEY = ["name"]


def _comparable(value: Any) -> Any:
    """A stored numeric and the CSV's float compare equal when they are the same number."""
    return (
        float(value) if isinstance(value, Decimal | int) and not isinstance(value, bool) else value
    )


def table_rows(conn: psycopg.Connection) -> dict[str, dict[str, Any]]:
    """name -> the row's ``COLUMNS`` as stored."""
    query = sql.SQL("SELECT {} FROM public.benchmark_instruments").format(
        sql.SQL(", ").join(map(sql.Identifier, COLUMNS))
    )
    return {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in conn.execute(query)}


def mirror_problems(conn: psycopg.Connection, rows: Sequence[dict[str, Any]]) -> list[str]:
    """Every instrument missing from the table, extra in it, or stored with another value;
    empty when the table holds exactly ``rows``."""
    stored = table_rows(conn)
    expected = {row["name"]: row for row in rows}
    problems = [f"missing from the table: {n}" for n in expected if n not in stored]
    problems += [f"in the table but not valid in the CSV: {n}" for n in stored if n not in expected]
    for name in sorted(expected.keys() & stored.keys()):
        problems += [
            f"{name}.{column}: table {stored[name][column]!r}, CSV {expected[name][column]!r}"
            for column in COLUMNS
            if _comparable(stored[name][column]) != _comparable(expected[name][column])
        ]
    return problems


def load_instruments(
    conn: psycopg.Connection,
    rows: Sequence[dict[str, Any]],
    *,
    dry_run: bool = False,
    allow_mass_removal: bool = False,
) -> MirrorLoad:
    """Make the table hold exactly ``rows`` (``COLUMNS`` each, one per name), compared value by
    value before it commits (see ``load_mirror``)."""
    return load_mirror(
        conn,
        TABLE,
        pd.DataFrame(list(rows), columns=COLUMNS, dtype=object),
        key=KEY,
        columns=COLUMNS,
        check=lambda c: mirror_problems(c, rows),
        dry_run=dry_run,
        allow_mass_removal=allow_mass_removal,
    )

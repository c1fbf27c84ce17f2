"""The trials table's contents compared column by column: how the tests and the benchmarks tell
that an incremental refresh ended with the table a full sweep gives."""

from benchmark_pipeline.resources import PostgresResource

# Values the database itself assigns: a generated key and the times a row was written.
DATABASE_ASSIGNED = frozenset({"id", "created_at", "updated_at"})


def trials_table(postgres: PostgresResource) -> tuple[list[str], list[tuple]]:
    """Column names and rows (by nct_id) of public.benchmark_trials, without the columns in
    ``DATABASE_ASSIGNED``, plus ``changed_last``: whether the row changed in the latest load
    (its updated_at is the latest one)."""
    with postgres.connect() as conn:
        cursor = conn.execute(
            "SELECT *, updated_at = max(updated_at) OVER () AS changed_last"
            " FROM public.benchmark_trials ORDER BY nct_id"
        )
        names = [c.name for c in cursor.description]
        keep = [i for i, n in enumerate(names) if n not in DATABASE_ASSIGNED]
        return [names[i] for i in keep], [tuple(r[i] for i in keep) for r in cursor.fetchall()]


def table_differences(one: PostgresResource, other: PostgresResource) -> list[str]:
    """Where the two trials tables differ: the columns, the trials, then every column with
    the first trials whose values differ in it. Empty when the tables are identical."""
    (columns, rows), (other_columns, other_rows) = trials_table(one), trials_table(other)
    if columns != other_columns:
        return [f"columns differ: {columns} vs {other_columns}"]
    ids, other_ids = [r[0] for r in rows], [r[0] for r in other_rows]
    if ids != other_ids:
        return [f"trials differ: {sorted(set(ids) ^ set(other_ids))[:10]}"]
    differences = []
    for position, column in enumerate(columns):
        differing = [
            a[0] for a, b in zip(rows, other_rows, strict=True) if a[position] != b[position]
        ]
        if differing:
            differences.append(f"{column} differs for {len(differing)} trial(s): {differing[:5]}")
    return differences

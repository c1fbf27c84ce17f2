"""What the Dagster instance knows of a table asset: its table's name, its last load (time and row
count) and, for a run that did not write it, the state it was left in. Stopped runs, freshness
checks and alerts all word a table's state from here."""

from datetime import UTC, datetime
from typing import Any

import dagster as dg

from benchmark_pipeline.lib.freshness import LastLoad

# Enough recent materializations to get past a run of dry runs, which write nothing.
RECENT_LOADS = 20


def table_name(graph: Any, key: dg.AssetKey) -> str | None:
    """``dagster/table_name`` of the asset ``key`` in ``graph`` (a definitions or job asset
    graph), or None for a non-table asset."""
    table = graph.get(key).metadata.get("dagster/table_name")
    return None if table is None else str(getattr(table, "value", table))


def last_load(instance: dg.DagsterInstance, key: dg.AssetKey) -> LastLoad | None:
    """The latest materialization of ``key`` that wrote its table (a dry run does not), with
    its ``dagster/row_count``; None when there is none."""
    for record in instance.fetch_materializations(key, limit=RECENT_LOADS).records:
        metadata = record.asset_materialization.metadata
        dry_run = metadata.get("dry_run")
        if dry_run is not None and getattr(dry_run, "value", dry_run) is True:
            continue
        rows = metadata.get("dagster/row_count")
        return LastLoad(
            at=datetime.fromtimestamp(record.timestamp, UTC),
            rows=None if rows is None else int(rows.value),
        )
    return None


def left_as_it_was(instance: dg.DagsterInstance, table: str, key: dg.AssetKey) -> str:
    """ "public.t was left as it was: N rows at its last load (when)", or that it was never
    written."""
    load = last_load(instance, key)
    if load is None:
        return f"{table} was not written"
    rows = f": {load.rows:,} rows at its last load" if load.rows is not None else ""
    return f"{table} was left as it was{rows}"

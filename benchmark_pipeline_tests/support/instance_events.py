"""A table's last load moved back in time: a materialization recorded in a Dagster instance with
the timestamp of a load days ago, as if the table had not been refreshed since. Dagster records
runless materializations only at the current time (``report_runless_asset_event``), so this
writes the same event through ``report_dagster_event``, which takes a timestamp."""

from datetime import datetime

import dagster as dg
from dagster._core.events import StepMaterializationData  # no public constructor for it


def record_load_at(
    instance: dg.DagsterInstance, key: dg.AssetKey, at: datetime, *, rows: int, table: str
) -> None:
    """Record a load of ``key`` (``rows`` rows into ``table``) at ``at``."""
    materialization = dg.AssetMaterialization(
        asset_key=key,
        description="a load recorded by a test at an earlier time",
        metadata={"dagster/row_count": rows, "dagster/table_name": table},
    )
    instance.report_dagster_event(
        dg.DagsterEvent(
            event_type_value=dg.DagsterEventType.ASSET_MATERIALIZATION.value,
            event_specific_data=StepMaterializationData(materialization),
            job_name="",  # a runless event, as report_runless_asset_event records it
        ),
        run_id="",
        timestamp=at.timestamp(),
    )

"""population_baselines: the live table of population reference values (filled in phase 2)."""

import dagster as dg

from benchmark_pipeline.constants import BASELINES_GROUP, OWNERS
from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.lib.postgres.staged_upsert import table_row_count
from benchmark_pipeline.resources import PostgresResource

TABLE = "public.population_baselines"

# The columns migration 059 declares, for the UI; the table is not written by this pipeline yet.
COLUMN_SCHEMA = dg.TableSchema(
    columns=[
        dg.TableColumn("id", "uuid", description="Surrogate key"),
        dg.TableColumn("source", "text", description="Publisher of the statistics"),
        dg.TableColumn("year", "integer", description="Reference year"),
        dg.TableColumn("region", "text", description="Country or region"),
        dg.TableColumn("condition", "text"),
        dg.TableColumn("substance", "text"),
        dg.TableColumn("demographic_group", "text"),
        dg.TableColumn("n_episodes", "integer", description="Treatment episodes counted"),
        dg.TableColumn("avg_age", "numeric"),
        dg.TableColumn("pct_female", "numeric"),
        dg.TableColumn("avg_prior_treatments", "numeric"),
        dg.TableColumn("avg_los_days", "numeric", description="Average length of stay, days"),
        dg.TableColumn("pct_completed_treatment", "numeric"),
        dg.TableColumn("created_at", "timestamptz"),
    ]
)


@dg.asset(
    deps=[benchmark_schema],
    group_name=BASELINES_GROUP,
    kinds={"python", "postgres"},
    owners=OWNERS,
    metadata={"dagster/column_schema": COLUMN_SCHEMA, "dagster/table_name": TABLE},
    description=(
        "public.population_baselines in Supabase: population reference values (treatment "
        "episodes by condition, region and year). The table exists and is read-only for "
        "signed-in users; its data arrives in phase 2, so this asset reports what it holds."
    ),
)
def population_baselines(postgres: PostgresResource) -> dg.MaterializeResult:
    with postgres.connect() as conn:
        rows = table_row_count(conn, TABLE)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "dagster/table_name": TABLE,
            "database": postgres.describe(),
        }
    )

"""What every table load shares in Dagster: its run configuration (a dry run, an allowance to
remove most rows) and how a failed load reads (the table and the database it was writing, and
that nothing of it was kept)."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import psycopg
from pydantic import Field

from benchmark_pipeline.lib.postgres.mirror import MassRemovalError, MirrorLoad
from benchmark_pipeline.resources import DatabaseConnectionError, PostgresResource


class DryRunConfig(dg.Config):
    dry_run: bool = Field(
        default=False,
        description="Run the whole load inside its transaction, report it, then roll it back.",
    )


class MirrorLoadConfig(DryRunConfig):
    allow_mass_removal: bool = Field(
        default=False,
        description=(
            "Allow this one run to remove more than half of the table's rows (rows no longer in "
            "the input). Never all of them: an input without a valid row is always refused."
        ),
    )


@contextmanager
def load_failures(
    table: str, postgres: PostgresResource, *, input_counts: str = ""
) -> Iterator[None]:
    """Turn a failure inside the block into the run's failure, naming ``table`` and the
    database (its password masked). A load is one transaction: whatever failed inside it was
    rolled back, so the table is as it was. A refused mass removal is not retried;
    ``input_counts`` (e.g. "The CSV had 3 row(s): ...") follows its message."""
    try:
        yield
    except MassRemovalError as exc:
        raise dg.Failure(
            description=f"{exc} {input_counts}".strip(),
            metadata={"dagster/table_name": table, "database": postgres.describe()},
            allow_retries=False,
        ) from None
    except DatabaseConnectionError as exc:
        raise dg.Failure(
            description=f"{table} was not loaded: {exc}",
            metadata={"table": table},
        ) from None
    except psycopg.Error as exc:
        problem = f"{type(exc).__name__}: {str(exc).strip()}"
        raise dg.Failure(
            description=(
                f"loading {table} on {postgres.describe()} failed and was rolled back, so the "
                f"table is as it was: {problem}"
            ),
            metadata={"table": table, "database": postgres.describe()},
        ) from None


def load_summary(
    context: dg.AssetExecutionContext, table: str, postgres: PostgresResource, load: MirrorLoad
) -> dict[str, object]:
    """Log what a mirror load did in one line and return the metadata every table asset shows
    of it (counts, dry run, row count, table, database)."""
    verb = "would have (dry run, rolled back)" if load.dry_run else "have"
    context.log.info(
        f"{table} on {postgres.describe()}: {verb} inserted {load.inserted}, updated "
        f"{load.updated}, left {load.unchanged} unchanged, removed {load.removed}"
    )
    return {
        "dry_run": load.dry_run,
        "inserted": load.inserted,
        "updated": load.updated,
        "unchanged": load.unchanged,
        "removed": load.removed,
        "database": postgres.describe(),
        "dagster/row_count": load.row_count,
        "dagster/table_name": table,
    }

"""How a failed load reads: the table and the database it was writing, and that nothing of it
was kept."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import psycopg

from benchmark_pipeline.resources import DatabaseConnectionError, PostgresResource


@contextmanager
def load_failures(table: str, postgres: PostgresResource) -> Iterator[None]:
    """Turn a database error inside the block into the run's failure, naming ``table`` and the
    database (its password masked). A load is one transaction: whatever failed inside it was
    rolled back, so the table is as it was."""
    try:
        yield
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

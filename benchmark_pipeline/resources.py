"""Resources: the PostgreSQL connection (Supabase or the embedded server)."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import psycopg
from pydantic import Field

from benchmark_pipeline.constants import EMBEDDED_PG_DIR
from benchmark_pipeline.lib.dsn import password_of, redact
from benchmark_pipeline.lib.embedded_postgres import ensure_server


class DatabaseConnectionError(RuntimeError):
    """A connection failed; the message carries no password."""


class PostgresResource(dg.ConfigurableResource):
    """PostgreSQL through psycopg 3.

    With ``database_url`` (bound to ``SUPABASE_DB_URL``) it connects to Supabase; without it,
    it starts or joins the embedded server whose data lives in ``embedded_pg_dir``.
    """

    database_url: str | None = Field(
        default=None,
        description="Supabase Postgres URL (SUPABASE_DB_URL). Empty: use the embedded server.",
    )
    embedded_pg_dir: str = Field(
        default=str(EMBEDDED_PG_DIR),
        description="Data directory of the embedded server (BENCHMARK_EMBEDDED_PG_DIR).",
    )
    statement_timeout_ms: int = Field(
        default=300_000, description="Per-statement timeout on every connection."
    )
    application_name: str = "benchmark_pipeline"

    @property
    def is_embedded(self) -> bool:
        return not self.database_url

    def dsn(self) -> str:
        """The connection string in use (starts the embedded server when needed)."""
        if self.database_url:
            return self.database_url
        return ensure_server(self.embedded_pg_dir)

    def describe(self) -> str:
        """Where this resource connects, safe to show in logs and metadata."""
        if self.is_embedded:
            return f"embedded PostgreSQL ({self.embedded_pg_dir})"
        return redact(self.database_url or "")

    @contextmanager
    def connect(self, *, autocommit: bool = False) -> Iterator[psycopg.Connection]:
        """A new connection; outside autocommit, the block is one transaction.

        ``prepare_threshold=None`` keeps psycopg from preparing statements, which Supabase's
        transaction pooler (PgBouncer/Supavisor in transaction mode) cannot route.
        """
        dsn = self.dsn()
        try:
            conn = psycopg.connect(
                dsn,
                autocommit=autocommit,
                prepare_threshold=None,
                application_name=self.application_name,
                options=f"-c statement_timeout={int(self.statement_timeout_ms)}",
                connect_timeout=30,
            )
        except psycopg.Error as exc:
            raise DatabaseConnectionError(
                f"could not connect to {self.describe()}: {redact(str(exc), password_of(dsn))}"
            ) from None
        with conn:
            yield conn

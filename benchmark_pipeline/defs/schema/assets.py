"""benchmark_schema: the migrations in sql/, linted then applied, as a step of the asset graph."""

from pathlib import Path

import dagster as dg
import psycopg

from benchmark_pipeline.constants import OWNERS, SCHEMA_GROUP
from benchmark_pipeline.defs.metadata import inline_table
from benchmark_pipeline.defs.stops import explains_stops
from benchmark_pipeline.lib.schema import migrations
from benchmark_pipeline.lib.schema.lint import MigrationLintError
from benchmark_pipeline.resources import DatabaseConnectionError, PostgresResource

from .config import MigrationsConfig


@dg.op(description="Parse every migration with PostgreSQL's parser and enforce the review rules.")
@explains_stops
def lint_migrations(context: dg.OpExecutionContext, config: MigrationsConfig) -> str:
    found = migrations.discover(Path(config.sql_dir))
    try:
        migrations.lint(found)
    except MigrationLintError as exc:
        # A Failure shows every violation in the UI's run view, not only in the stack trace.
        raise dg.Failure(
            description=str(exc),
            metadata={"violations": [str(v) for v in exc.violations]},
            allow_retries=False,
        ) from None
    context.log.info(
        f"{len(found)} migration(s) pass lint: {', '.join(m.path.name for m in found)}"
    )
    return config.sql_dir


def _ledger_table(rows: list[migrations.LedgerRow]) -> dg.MetadataValue | None:
    return inline_table(
        ["version", "name", "checksum", "applied at (UTC)", "ms"],
        [
            [
                f"{r.version:03d}",
                r.name,
                r.checksum[:12],
                f"{r.applied_at:%Y-%m-%d %H:%M:%S}",
                r.duration_ms,
            ]
            for r in rows
        ],  # fmt: skip
    )


def _failed_migration(postgres: PostgresResource, found: list[migrations.Migration]) -> str:
    """The first migration the ledger lacks: each runs in its own transaction, in order, so it
    is the one that failed (and was rolled back)."""
    try:
        with postgres.connect(autocommit=True) as conn:
            recorded = {row.version for row in migrations.read_ledger(conn)}
    except (DatabaseConnectionError, psycopg.Error):
        return "a migration"
    pending = [m.path.name for m in found if m.version not in recorded]
    return pending[0] if pending else "a migration"


@dg.op(description="Apply the migrations not yet in the ledger, one transaction each.")
@explains_stops
def apply_migrations(
    context: dg.OpExecutionContext, postgres: PostgresResource, sql_dir: str
) -> dg.Output[list[int]]:
    found = migrations.discover(Path(sql_dir))
    try:
        with postgres.connect(autocommit=True) as conn:
            applied = migrations.apply_migrations(conn, found)
            ledger = migrations.read_ledger(conn)
    except (migrations.MigrationDriftError, migrations.MigrationVerificationError) as exc:
        # The files or the database must change first: trying again would fail the same way.
        raise dg.Failure(
            description=f"{exc} (database: {postgres.describe()})", allow_retries=False
        ) from None
    except psycopg.Error as exc:
        failed = _failed_migration(postgres, found)
        raise dg.Failure(
            description=(
                f"{failed} (in {sql_dir}) failed on {postgres.describe()} and was rolled back; "
                f"the migrations before it stay applied: {type(exc).__name__}: {str(exc).strip()}"
            ),
            metadata={"migration": failed, "database": postgres.describe()},
        ) from None
    context.log.info(
        f"applied {len(applied)} migration(s) on {postgres.describe()}; {len(ledger)} in the ledger"
    )
    return dg.Output(
        [row.version for row in ledger],
        metadata={
            "applied_this_run": ", ".join(m.path.name for m in applied)
            or "none: every migration was already applied",
            "applied_versions": [row.version for row in ledger],
            "ledger": _ledger_table(ledger) or "no migration recorded",
            "database": postgres.describe(),
        },
    )


@dg.graph_asset(
    group_name=SCHEMA_GROUP,
    kinds={"postgres", "sql", "supabase"},
    owners=OWNERS,
    description=(
        "Where the benchmarks live and who may read them: the tables, the app's read functions "
        "and the rules that let a signed-in user read every benchmark and change none. How: "
        "the migrations in sql/ are linted (no DROP/TRUNCATE, IF NOT EXISTS, RLS on every "
        "table, SELECT-only policies), then applied once each and recorded in "
        "benchmark_pipeline.schema_migrations. Re-running is a no-op."
    ),
)
def benchmark_schema():
    return apply_migrations(lint_migrations())

"""benchmark_schema: the migrations in sql/, linted then applied, as a step of the asset graph."""

from pathlib import Path

import dagster as dg

from benchmark_pipeline.constants import OWNERS, SCHEMA_GROUP
from benchmark_pipeline.lib.schema import migrations
from benchmark_pipeline.lib.schema.lint import MigrationLintError
from benchmark_pipeline.resources import PostgresResource

from .config import MigrationsConfig


@dg.op(description="Parse every migration with PostgreSQL's parser and enforce the review rules.")
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


def _ledger_markdown(rows: list[migrations.LedgerRow]) -> str:
    lines = ["| version | name | checksum | applied at (UTC) | ms |", "|---|---|---|---|---|"]
    lines += [
        f"| {r.version:03d} | {r.name} | `{r.checksum[:12]}` | {r.applied_at:%Y-%m-%d %H:%M:%S} | {r.duration_ms} |"
        for r in rows
    ]
    return "\n".join(lines)


@dg.op(description="Apply the migrations not yet in the ledger, one transaction each.")
def apply_migrations(
    context: dg.OpExecutionContext, postgres: PostgresResource, sql_dir: str
) -> dg.Output[list[int]]:
    found = migrations.discover(Path(sql_dir))
    with postgres.connect(autocommit=True) as conn:
        applied = migrations.apply_migrations(conn, found)
        ledger = migrations.read_ledger(conn)
    context.log.info(
        f"applied {len(applied)} migration(s) on {postgres.describe()}; {len(ledger)} in the ledger"
    )
    return dg.Output(
        [row.version for row in ledger],
        metadata={
            "applied_this_run": [m.path.name for m in applied],
            "applied_versions": [row.version for row in ledger],
            "ledger": dg.MetadataValue.md(_ledger_markdown(ledger)),
            "database": postgres.describe(),
        },
    )


@dg.graph_asset(
    group_name=SCHEMA_GROUP,
    kinds={"postgres", "sql"},
    owners=OWNERS,
    description=(
        "The benchmark tables' schema in Supabase: the migrations in sql/ are linted "
        "(no DROP/TRUNCATE, IF NOT EXISTS, RLS on every table, SELECT-only policies), then applied "
        "once each and recorded in benchmark_pipeline.schema_migrations. Re-running is a no-op."
    ),
)
def benchmark_schema():
    return apply_migrations(lint_migrations())

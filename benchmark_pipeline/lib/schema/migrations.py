"""Migration runner: ordered ``sql/NNN_name.sql`` files, linted, applied once each, recorded.

Each migration runs in one transaction together with its ledger row and a verification of
what it declares; a transaction-scoped advisory lock serialises concurrent runners and works
through Supabase's transaction pooler. A file changed after it was applied is refused.
"""

import hashlib
import re
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg

from benchmark_pipeline.lib.schema.catalog import declared_schema, schema_problems
from benchmark_pipeline.lib.schema.lint import MigrationLintError, lint_files
from benchmark_pipeline.lib.schema.privileges import privilege_problems

LEDGER_SCHEMA = "benchmark_pipeline"
LEDGER_TABLE = f"{LEDGER_SCHEMA}.schema_migrations"
_LOCK_KEY = "benchmark_pipeline.schema_migrations"
_FILE_NAME = re.compile(r"^(?P<version>\d+)_(?P<name>[a-z0-9_]+)\.sql$")
# From this migration on, every benchmark table and function leaves the API roles no more than
# SELECT / EXECUTE (062 brings the tables of 059 there).
LEAST_PRIVILEGE_FROM = 62

_LEDGER_DDL = f"""
CREATE SCHEMA IF NOT EXISTS {LEDGER_SCHEMA};
CREATE TABLE IF NOT EXISTS {LEDGER_TABLE} (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    duration_ms integer NOT NULL
);
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class LedgerRow:
    version: int
    name: str
    checksum: str
    applied_at: datetime
    duration_ms: int


class MigrationDriftError(RuntimeError):
    """An applied migration's file no longer matches the checksum recorded for it."""


class MigrationVerificationError(RuntimeError):
    """A migration ran but the database does not hold what it declares, or an API role holds
    more than it may; rolled back."""


def discover(sql_dir: Path) -> list[Migration]:
    """Migrations in ``sql_dir`` in version order; a misnamed or repeated version is an error."""
    migrations: dict[int, Migration] = {}
    for path in sorted(sql_dir.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if not match:
            raise ValueError(f"{path.name}: migration files are named NNN_lowercase_name.sql")
        version = int(match["version"])
        if version in migrations:
            raise ValueError(
                f"{path.name}: version {version} also used by {migrations[version].path.name}"
            )
        migrations[version] = Migration(version, match["name"], path)
    return [migrations[v] for v in sorted(migrations)]


def lint(migrations: list[Migration]) -> None:
    """Raise ``MigrationLintError`` naming file, line and rule of every violation."""
    violations = lint_files(m.path for m in migrations)
    if violations:
        raise MigrationLintError(violations)


def _lock(conn: psycopg.Connection) -> None:
    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (_LOCK_KEY,))


def read_ledger(conn: psycopg.Connection) -> list[LedgerRow]:
    """The ledger rows in version order; empty when no migration has been recorded."""
    exists = conn.execute("SELECT to_regclass(%s)", (LEDGER_TABLE,)).fetchone()[0]
    if exists is None:
        return []
    rows = conn.execute(
        f"SELECT version, name, checksum, applied_at, duration_ms FROM {LEDGER_TABLE} ORDER BY version"
    ).fetchall()
    return [LedgerRow(*row) for row in rows]


def _check_drift(migrations: list[Migration], ledger: list[LedgerRow]) -> None:
    by_version = {m.version: m for m in migrations}
    drifted = [
        f"{row.version:03d}_{row.name}: recorded {row.checksum[:12]}, file {by_version[row.version].checksum[:12]}"
        for row in ledger
        if row.version in by_version and by_version[row.version].checksum != row.checksum
    ]
    if drifted:
        raise MigrationDriftError(
            "applied migration file(s) changed since they ran; nothing applied. "
            "Write a new migration instead of editing an applied one: " + "; ".join(drifted)
        )


def apply_migrations(conn: psycopg.Connection, migrations: list[Migration]) -> list[Migration]:
    """Apply every migration not yet in the ledger; return the ones this call applied.

    ``conn`` must be in autocommit mode: each migration gets its own transaction.
    """
    lint(migrations)
    with conn.transaction():
        _lock(conn)
        conn.execute(_LEDGER_DDL)
        _check_drift(migrations, read_ledger(conn))
    applied: list[Migration] = []
    for index, migration in enumerate(migrations):
        with conn.transaction():
            _lock(conn)
            # Another runner may have applied it while this one waited for the lock.
            recorded = {row.version: row for row in read_ledger(conn)}
            if migration.version in recorded:
                _check_drift([migration], [recorded[migration.version]])
                continue
            started = time.perf_counter()
            conn.execute(migration.sql)
            problems = schema_problems(conn, declared_schema([migration.sql]))
            if migration.version >= LEAST_PRIVILEGE_FROM:
                so_far = declared_schema(m.sql for m in migrations[: index + 1])
                problems += privilege_problems(conn, so_far.tables, so_far.functions)
            if problems:
                raise MigrationVerificationError(
                    f"{migration.path.name} failed verification and was rolled back: "
                    + "; ".join(problems)
                )
            conn.execute(
                f"INSERT INTO {LEDGER_TABLE} (version, name, checksum, duration_ms) VALUES (%s, %s, %s, %s)",
                (
                    migration.version,
                    migration.name,
                    migration.checksum,
                    round((time.perf_counter() - started) * 1000),
                ),
            )
            # Supabase's API (PostgREST) reloads its schema cache on commit.
            conn.execute("NOTIFY pgrst, 'reload schema'")
        applied.append(migration)
    return applied

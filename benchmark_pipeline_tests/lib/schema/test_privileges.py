"""Least privilege for Supabase's API roles, on the embedded server with Supabase's default
privileges (ALL on every new table in public for anon, authenticated and service_role)."""

import shutil

import psycopg
import pytest

from benchmark_pipeline.constants import SQL_DIR
from benchmark_pipeline.lib.schema import migrations
from benchmark_pipeline.lib.schema.privileges import privilege_problems

TABLES = ["public.benchmark_trials", "public.benchmark_cohorts", "public.population_baselines"]
WRITES = [
    "INSERT INTO {t} DEFAULT VALUES",
    "UPDATE {t} SET created_at = now()",
    "DELETE FROM {t}",
    "TRUNCATE {t}",
]


def _as_role(conn: psycopg.Connection, role: str, statement: str) -> None:
    with conn.transaction(force_rollback=True):
        conn.execute(f"SET LOCAL ROLE {role}")
        conn.execute(statement)


def test_new_tables_get_supabase_default_grants(conn):
    conn.execute("CREATE TABLE public.scratch (a int)")
    problems = privilege_problems(conn, ["public.scratch"])
    assert "anon holds SELECT, INSERT, UPDATE, REFERENCES, DELETE, TRUNCATE, TRIGGER" in problems[0]
    _as_role(conn, "anon", "TRUNCATE public.scratch")  # the hole RLS does not cover


def test_before_062_anon_could_truncate_every_table(conn, tmp_path):
    sql_dir = tmp_path / "sql"
    sql_dir.mkdir()
    for name in ("059", "060", "061"):
        shutil.copy(next(SQL_DIR.glob(f"{name}_*.sql")), sql_dir)
    migrations.apply_migrations(conn, migrations.discover(sql_dir))
    for table in TABLES:
        _as_role(conn, "anon", f"TRUNCATE {table}")
        _as_role(conn, "authenticated", f"TRUNCATE {table}")


@pytest.mark.parametrize("role", ["anon", "authenticated"])
@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("statement", WRITES)
def test_api_roles_cannot_write_or_truncate(migrated, role, table, statement):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _as_role(migrated, role, statement.format(t=table))


@pytest.mark.parametrize("table", TABLES)
def test_authenticated_reads_and_anon_does_not(migrated, table):
    _as_role(migrated, "authenticated", f"SELECT count(*) FROM {table}")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _as_role(migrated, "anon", f"SELECT count(*) FROM {table}")


def test_migrated_database_has_no_privilege_problem(migrated):
    assert privilege_problems(migrated, TABLES) == []


def test_a_migration_that_opens_a_table_fails_inside_its_transaction(conn, tmp_path):
    sql_dir = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql_dir)
    last = max(m.version for m in migrations.discover(sql_dir))
    (sql_dir / f"{last + 1:03d}_open_to_anon.sql").write_text(
        "GRANT TRUNCATE ON public.benchmark_trials TO anon;\n"
        "COMMENT ON TABLE public.benchmark_trials IS 'changed';\n"
    )
    with pytest.raises(migrations.MigrationVerificationError, match="anon holds TRUNCATE"):
        migrations.apply_migrations(conn, migrations.discover(sql_dir))
    assert last + 1 not in {row.version for row in migrations.read_ledger(conn)}
    comment = conn.execute("SELECT obj_description('public.benchmark_trials'::regclass)")
    assert comment.fetchone()[0] is None  # the whole migration rolled back
    assert privilege_problems(conn, TABLES) == []


def test_a_column_grant_is_a_problem_too(migrated):
    migrated.execute("GRANT UPDATE (title) ON public.benchmark_trials TO authenticated")
    assert privilege_problems(migrated, TABLES) == [
        "authenticated holds UPDATE on public.benchmark_trials"
    ]

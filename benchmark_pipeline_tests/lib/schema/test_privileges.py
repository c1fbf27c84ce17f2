"""Least privilege for Supabase's API roles, on the embedded server with Supabase's default
privileges (ALL on every new table in public for anon, authenticated and service_role), each
role reached as PostgREST reaches it: from the ``authenticator`` login (the ``api`` fixture)."""

import shutil

import psycopg
import pytest

from benchmark_pipeline.constants import SQL_DIR
from benchmark_pipeline.lib.schema import migrations
from benchmark_pipeline.lib.schema.privileges import privilege_problems
from benchmark_pipeline_tests.support.databases import as_api_role

TABLES = ["public.benchmark_trials", "public.benchmark_cohorts", "public.population_baselines"]
WRITES = [
    "INSERT INTO {t} DEFAULT VALUES",
    "UPDATE {t} SET created_at = now()",
    "DELETE FROM {t}",
    "TRUNCATE {t}",
]


def test_new_tables_get_supabase_default_grants(conn, api):
    conn.execute("CREATE TABLE public.scratch (a int)")
    problems = privilege_problems(conn, ["public.scratch"])
    assert "anon holds SELECT, INSERT, UPDATE, REFERENCES, DELETE, TRUNCATE, TRIGGER" in problems[0]
    as_api_role(api, "anon", "TRUNCATE public.scratch")  # the hole RLS does not cover


def test_before_062_anon_could_truncate_every_table(conn, api, tmp_path):
    sql_dir = tmp_path / "sql"
    sql_dir.mkdir()
    for name in ("059", "060", "061"):
        shutil.copy(next(SQL_DIR.glob(f"{name}_*.sql")), sql_dir)
    migrations.apply_migrations(conn, migrations.discover(sql_dir))
    for table in TABLES:
        as_api_role(api, "anon", f"TRUNCATE {table}")
        as_api_role(api, "authenticated", f"TRUNCATE {table}")


@pytest.mark.parametrize("role", ["anon", "authenticated"])
@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("statement", WRITES)
def test_api_roles_cannot_write_or_truncate(migrated, api, role, table, statement):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_api_role(api, role, statement.format(t=table))


@pytest.mark.parametrize("table", TABLES)
def test_authenticated_reads_and_anon_does_not(migrated, api, table):
    as_api_role(api, "authenticated", f"SELECT count(*) FROM {table}")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_api_role(api, "anon", f"SELECT count(*) FROM {table}")


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

"""Migrations 067 and 068: what each read function is (volatility, security, search_path,
comment, privileges), that both files run again safely, and that the runner refuses a migration
opening a function to the anonymous role."""

import shutil

import pytest

from benchmark_pipeline.constants import SQL_DIR
from benchmark_pipeline.lib.schema import migrations
from benchmark_pipeline.lib.schema.catalog import declared_schema
from benchmark_pipeline.lib.schema.lint import lint_sql
from benchmark_pipeline.lib.schema.privileges import privilege_problems
from benchmark_pipeline.lib.schema.read_api import READ_FUNCTIONS, call_as

FILES = ["067_benchmark_instruments.sql", "068_read_api.sql"]
DECLARED = declared_schema(m.sql for m in migrations.discover(SQL_DIR))


def test_the_read_functions_are_declared_and_pass_the_lint():
    assert set(READ_FUNCTIONS) <= set(DECLARED.functions)
    assert "public.benchmark_instruments" in DECLARED.tables
    for name in FILES:
        assert lint_sql((SQL_DIR / name).read_text(encoding="utf-8"), name) == []


def test_every_function_is_stable_invoker_pinned_commented_and_for_signed_in_users(migrated):
    rows = migrated.execute(
        "SELECT p.proname, p.provolatile, p.prosecdef, p.proconfig, l.lanname,"
        " obj_description(p.oid, 'pg_proc'),"
        " has_function_privilege('authenticated', p.oid, 'EXECUTE'),"
        " has_function_privilege('anon', p.oid, 'EXECUTE')"
        " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " JOIN pg_language l ON l.oid = p.prolang"
        " WHERE n.nspname = 'public' AND p.proname = ANY(%s) ORDER BY 1",
        [DECLARED.functions],
    ).fetchall()
    assert [r[0] for r in rows] == sorted(DECLARED.functions)  # one function per name
    for name, volatility, definer, config, language, comment, signed_in, anon in rows:
        assert (volatility, definer, config) == ("s", False, ['search_path=""']), name
        assert language in ("sql", "plpgsql") and comment, name
        assert (signed_in, anon) == (True, False), name


def test_067_and_068_run_again_without_changing_anything(migrated, api):
    before = call_as(api, "benchmark_summary").value
    for name in FILES:
        migrated.execute((SQL_DIR / name).read_text(encoding="utf-8"))
    assert privilege_problems(migrated, DECLARED.tables, DECLARED.functions) == []
    assert call_as(api, "benchmark_summary").value == before
    policies = migrated.execute(
        "SELECT policyname FROM pg_policies WHERE tablename = 'benchmark_instruments'"
    ).fetchall()
    assert policies == [("benchmark_instruments_authenticated_select",)]


@pytest.fixture
def sql_dir(tmp_path):
    copy = tmp_path / "sql"
    shutil.copytree(SQL_DIR, copy)
    return copy


def _next(sql_dir) -> int:
    return max(m.version for m in migrations.discover(sql_dir)) + 1


def test_a_migration_granting_anon_execute_is_refused_and_rolled_back(conn, api, sql_dir):
    version = _next(sql_dir)
    (sql_dir / f"{version:03d}_open_summary.sql").write_text(
        "GRANT EXECUTE ON FUNCTION public.benchmark_summary() TO anon;\n"
        "COMMENT ON FUNCTION public.benchmark_summary() IS 'changed';\n"
    )
    with pytest.raises(
        migrations.MigrationVerificationError, match=r"anon may EXECUTE benchmark_summary\(\)"
    ):
        migrations.apply_migrations(conn, migrations.discover(sql_dir))
    assert version not in {row.version for row in migrations.read_ledger(conn)}
    assert call_as(api, "benchmark_summary", role="anon").sqlstate == "42501"
    comment = conn.execute("SELECT obj_description('public.benchmark_summary()'::regprocedure)")
    assert comment.fetchone()[0] != "changed"


def test_a_new_function_left_with_the_default_privileges_is_refused(conn, sql_dir):
    # PostgreSQL grants EXECUTE to PUBLIC, Supabase's defaults to anon: both must be revoked.
    (sql_dir / f"{_next(sql_dir):03d}_forgot_revoke.sql").write_text(
        "CREATE OR REPLACE FUNCTION public.benchmark_answer() RETURNS integer\n"
        "LANGUAGE sql STABLE SET search_path = '' AS $$ SELECT 42 $$;\n"
        "GRANT EXECUTE ON FUNCTION public.benchmark_answer() TO authenticated;\n"
    )
    with pytest.raises(
        migrations.MigrationVerificationError, match=r"anon may EXECUTE benchmark_answer\(\)"
    ):
        migrations.apply_migrations(conn, migrations.discover(sql_dir))
    assert conn.execute("SELECT to_regprocedure('public.benchmark_answer()')").fetchone()[0] is None

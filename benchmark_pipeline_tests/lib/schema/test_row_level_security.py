"""What Supabase's API roles can do with the benchmark tables once migrated, each reached as
PostgREST reaches it: from the ``authenticator`` login (the ``api`` fixture)."""

import psycopg
import pytest

from benchmark_pipeline.lib.schema.catalog import rows_visible_to
from benchmark_pipeline_tests.support.databases import as_api_role

TABLES = ["benchmark_trials", "benchmark_cohorts", "population_baselines"]


@pytest.fixture
def seeded(migrated):
    migrated.execute(
        "INSERT INTO public.benchmark_trials (nct_id, title, modality) VALUES ('NCT00000001', 'T', 'mdma')"
    )
    migrated.execute(
        "INSERT INTO public.benchmark_cohorts (cohort_name, source_citation, modality, condition,"
        " n_participants, instrument) VALUES ('C', 'doi:10.1/x', 'mdma', 'PTSD', 10, 'CAPS-5')"
    )
    migrated.execute(
        "INSERT INTO public.population_baselines (source, year, region) VALUES ('S', 2024, 'R')"
    )
    return migrated


@pytest.mark.parametrize("table", TABLES)
def test_authenticated_reads_every_row(seeded, api, table):
    assert rows_visible_to(api, "authenticated", f"public.{table}") == 1


@pytest.mark.parametrize("table", TABLES)
def test_authenticated_cannot_insert(seeded, api, table):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_api_role(api, "authenticated", f"INSERT INTO public.{table} DEFAULT VALUES")


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize(
    "statement", ["UPDATE public.{t} SET created_at = now()", "DELETE FROM public.{t}"]
)
def test_authenticated_update_and_delete_change_nothing(seeded, api, table, statement):
    try:
        cursor = as_api_role(api, "authenticated", statement.format(t=table))
        assert cursor.rowcount == 0
    except psycopg.errors.InsufficientPrivilege:
        pass  # refused outright: equally safe
    assert seeded.execute(f"SELECT count(*) FROM public.{table}").fetchone()[0] == 1


@pytest.mark.parametrize("table", TABLES)
def test_anon_reads_no_row(seeded, api, table):
    assert rows_visible_to(api, "anon", f"public.{table}") is None


def test_anon_reads_no_row_even_with_supabase_default_grants(seeded, api):
    # Older Supabase projects grant every public table to anon by default; RLS must still hold.
    seeded.execute("GRANT SELECT ON public.benchmark_trials TO anon")
    assert rows_visible_to(api, "anon", "public.benchmark_trials") == 0


def test_supabase_roles_exist_with_their_attributes(conn):
    rows = conn.execute(
        "SELECT rolname, rolcanlogin, rolinherit, rolbypassrls FROM pg_roles"
        " WHERE rolname IN ('anon', 'authenticated', 'service_role') ORDER BY 1"
    ).fetchall()
    # INHERIT since supabase/postgres' 20230529180330_alter_api_roles_for_inherit.sql.
    assert rows == [
        ("anon", False, True, False),
        ("authenticated", False, True, False),
        ("service_role", False, True, True),
    ]

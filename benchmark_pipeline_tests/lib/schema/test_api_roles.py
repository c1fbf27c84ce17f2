"""What Supabase's API roles can do once every migration ran, on the embedded server with
Supabase's default privileges and real rows in every table, as PostgREST reaches them: logged in
as ``authenticator``, then ``SET LOCAL ROLE`` with the request's JWT claims, in a transaction
rolled back."""

import psycopg
import pytest

from benchmark_pipeline.constants import SQL_DIR
from benchmark_pipeline.lib.schema.catalog import declared_schema
from benchmark_pipeline.lib.schema.migrations import discover
from benchmark_pipeline.lib.schema.read_api import call_as
from benchmark_pipeline_tests.support.databases import as_api_role

DECLARED = declared_schema(m.sql for m in discover(SQL_DIR))
TABLES = DECLARED.api_tables  # the tables Supabase's API serves (schema public)
# One valid call of every function sql/ declares: a new function needs its line here.
CALLS = {
    "benchmark_indication_group": {"indication_category": "ptsd"},
    "benchmark_trial_modalities": {"modality": "mdma", "modalities": ["mdma", "ketamine"]},
    "benchmark_require_instrument": {"instrument": "PHQ-9"},
    "benchmark_choose_cohort": {
        "modality": "mdma",
        "condition": "PTSD",
        "instrument": None,
        "scored_only": False,
    },
    "benchmark_summary": {},
    "benchmark_modalities": {},
    "benchmark_trial_count": {"modality": "psilocybin"},
    "benchmark_trials_for": {"modality": "ketamine", "page_size": 2},
    "benchmark_cohorts_for": {"condition": "PTSD"},
    "primary_benchmark": {"modality": "mdma", "condition": "PTSD"},
    "benchmark_comparison": {"instrument": "CAPS-5", "baseline_score": 50, "current_score": 30},
    "benchmark_registry_candidates": {
        "modality": "esketamine",
        "condition": None,
        "instrument": "MADRS",
    },
    "benchmark_trial_results_for": {"nct_id": "NCT90000021"},
}
WRITES = [
    "INSERT INTO {t} DEFAULT VALUES",
    "UPDATE {t} SET updated_at = now()",
    "DELETE FROM {t}",
    "TRUNCATE {t}",
]


def test_every_table_has_rows_and_every_function_a_call(loaded):
    assert set(CALLS) == set(DECLARED.functions)
    for table in TABLES:
        assert loaded.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table


@pytest.mark.parametrize("table", TABLES)
def test_authenticated_reads_every_row(loaded, table):
    owner = loaded.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    rows = as_api_role(loaded.api, "authenticated", f"SELECT count(*) FROM {table}").fetchall()
    assert rows == [(owner,)]


@pytest.mark.parametrize("role", ["anon", "authenticated"])
@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("statement", WRITES)
def test_no_api_role_writes_or_truncates_any_table(loaded, role, table, statement):
    before = loaded.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_api_role(loaded.api, role, statement.format(t=table))
    assert loaded.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == before


@pytest.mark.parametrize("table", TABLES)
def test_anon_reads_nothing(loaded, table):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_api_role(loaded.api, "anon", f"SELECT count(*) FROM {table}")


@pytest.mark.parametrize("function", sorted(CALLS))
def test_authenticated_may_call_every_function(loaded, function):
    answer = call_as(loaded.api, function, CALLS[function])
    assert answer.ok, answer.error
    assert answer.rows


@pytest.mark.parametrize("function", sorted(CALLS))
def test_anon_may_call_no_function(loaded, function):
    answer = call_as(loaded.api, function, CALLS[function], role="anon")
    assert answer.sqlstate == "42501"
    assert answer.error == f"permission denied for function {function}"


def test_a_function_reads_as_its_caller(loaded):
    # SECURITY INVOKER: a caller who may not read the table cannot read it through the API.
    # The API's login sees committed grants only, so the revoke commits and is undone after.
    loaded.conn.execute("REVOKE SELECT ON public.benchmark_cohorts FROM authenticated")
    try:
        answer = call_as(loaded.api, "benchmark_cohorts_for", {})
    finally:
        loaded.conn.execute("GRANT SELECT ON public.benchmark_cohorts TO authenticated")
    assert (answer.sqlstate, answer.error) == (
        "42501",
        "permission denied for table benchmark_cohorts",
    )
    assert call_as(loaded.api, "benchmark_cohorts_for", {}).ok

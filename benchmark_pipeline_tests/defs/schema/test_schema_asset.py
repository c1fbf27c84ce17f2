"""benchmark_schema materialized through Dagster, with its checks read as a reviewer would."""

import dagster as dg

from benchmark_pipeline.defs.schema import checks
from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline_tests.support.metadata import rows_by

SCHEMA_CHECKS = [
    checks.declared_columns_exist,
    checks.rls_enabled,
    checks.select_only_policies,
    checks.declared_indexes_exist,
    checks.anon_reads_no_rows,
    checks.api_roles_least_privilege,
]


def _materialize(postgres, **kwargs):
    return dg.materialize(
        [benchmark_schema, *SCHEMA_CHECKS],
        resources={"postgres": postgres},
        instance=dg.DagsterInstance.ephemeral(),
        **kwargs,
    )


def _evaluations(result) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def test_materializes_and_every_check_passes_twice(postgres):
    for attempt in range(2):
        result = _materialize(postgres)
        assert result.success
        evaluations = _evaluations(result)
        assert set(evaluations) == {c.check_key.name for c in SCHEMA_CHECKS}
        failed = {name: e.metadata for name, e in evaluations.items() if not e.passed}
        assert failed == {}, attempt
        (materialization,) = result.asset_materializations_for_node("benchmark_schema")
        metadata = materialization.metadata
        assert 59 in metadata["applied_versions"].value
        assert "059" in rows_by(metadata["ledger"], "version")
        applied = metadata["applied_this_run"].value
        if attempt == 0:
            assert applied.startswith("059_global_benchmark_tables.sql, 060_")
        else:
            assert applied == "none: every migration was already applied"


def test_checks_catch_a_database_that_drifted(postgres):
    assert _materialize(postgres).success
    with postgres.connect() as conn:
        conn.execute("ALTER TABLE public.benchmark_cohorts DISABLE ROW LEVEL SECURITY")
        conn.execute(
            "CREATE POLICY cohorts_anyone_writes ON public.benchmark_cohorts FOR INSERT TO anon WITH CHECK (true)"
        )
        conn.execute("GRANT SELECT ON public.benchmark_cohorts TO anon")
        conn.execute("GRANT TRUNCATE ON public.benchmark_trials TO authenticated")
        conn.execute(
            "INSERT INTO public.benchmark_cohorts (cohort_name, source_citation, modality, condition,"
            " n_participants, instrument) VALUES ('C', 'doi:10.1/x', 'mdma', 'PTSD', 10, 'CAPS-5')"
        )
        conn.execute("DROP INDEX public.idx_benchmark_trials_status")
    result = _materialize(postgres, raise_on_error=False)
    evaluations = _evaluations(result)
    assert not evaluations["rls_enabled"].passed
    assert "benchmark_cohorts" in evaluations["rls_enabled"].description
    assert not evaluations["select_only_policies"].passed
    assert "cohorts_anyone_writes" in evaluations["select_only_policies"].description
    assert not evaluations["anon_reads_no_rows"].passed
    assert (
        "anon can read 1 row(s) of public.benchmark_cohorts"
        in evaluations["anon_reads_no_rows"].description
    )
    indexes = evaluations["declared_indexes_exist"]
    assert not indexes.passed and indexes.severity == dg.AssetCheckSeverity.WARN
    assert evaluations["declared_columns_exist"].passed
    least = evaluations["api_roles_least_privilege"]
    assert not least.passed
    assert least.description == (
        "anon holds SELECT on public.benchmark_cohorts; "
        "authenticated holds TRUNCATE on public.benchmark_trials"
    )


def test_lint_failure_fails_the_run_and_applies_nothing(postgres, tmp_path):
    (tmp_path / "001_bad.sql").write_text(
        "CREATE TABLE public.no_guard (a int);\nALTER TABLE public.no_guard ENABLE ROW LEVEL SECURITY;\n"
    )
    config = {
        "ops": {
            "benchmark_schema": {"ops": {"lint_migrations": {"config": {"sql_dir": str(tmp_path)}}}}
        }
    }
    result = _materialize(postgres, run_config=config, raise_on_error=False)
    assert not result.success
    failure = result.failure_data_for_node("benchmark_schema.lint_migrations")
    assert failure is not None
    assert "001_bad.sql:1: [create-if-not-exists]" in failure.error.to_string()
    assert failure.user_failure_data.metadata["violations"].value == [
        "001_bad.sql:1: [create-if-not-exists] CREATE TABLE public.no_guard lacks IF NOT EXISTS"
    ]
    with postgres.connect() as conn:
        assert conn.execute("SELECT to_regclass('public.no_guard')").fetchone()[0] is None

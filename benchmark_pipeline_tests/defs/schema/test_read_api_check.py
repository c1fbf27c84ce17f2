"""read_api_answers through Dagster: the app's view of the loaded tables, and a failing call named."""

import dagster as dg
import psycopg
import pytest

from benchmark_pipeline.defs.cohorts.assets import benchmark_cohorts, validated_benchmark_cohorts
from benchmark_pipeline.defs.cohorts.instruments import benchmark_instruments
from benchmark_pipeline.defs.schema.read_api import read_api_answers
from benchmark_pipeline.lib.schema.read_api import READ_FUNCTIONS
from benchmark_pipeline.resources import PostgresResource
from benchmark_pipeline_tests.support.benchmark_rows import load_benchmark_rows
from benchmark_pipeline_tests.support.metapsy import pooled_from_pinned_snapshots


@pytest.fixture
def loaded(migrated: psycopg.Connection) -> psycopg.Connection:
    load_benchmark_rows(migrated)
    return migrated


def _run(postgres: PostgresResource) -> dg.AssetCheckEvaluation:
    result = dg.materialize(
        [
            pooled_from_pinned_snapshots,
            validated_benchmark_cohorts,
            benchmark_cohorts,
            benchmark_instruments,
            read_api_answers,
        ],
        resources={"postgres": postgres},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success  # the check never blocks the run
    (evaluation,) = [
        e for e in result.get_asset_check_evaluations() if e.check_name == "read_api_answers"
    ]
    return evaluation


def test_every_function_answers_as_a_signed_in_user(loaded, postgres):
    evaluation = _run(postgres)
    meta = {k: v.value for k, v in evaluation.metadata.items()}
    assert evaluation.passed, evaluation.description
    assert evaluation.description == f"{meta['calls']} call(s) answered as authenticated"
    assert (meta["role"], meta["failed"], meta["jwt_claims"]["role"]) == (
        "authenticated",
        0,
        "authenticated",
    )
    answers = meta["answers"]
    for function in READ_FUNCTIONS:
        assert f"#### `{function}(" in answers, function
    # The seed's benchmarks, as the app would show them.
    assert '#### `primary_benchmark(modality => "mdma", condition => "PTSD")`' in answers
    assert "Metapsy Pooled MDMA PTSD (Sypres Collaboration 2026)" in answers
    assert '"chosen_because": "Rule step 1: a pooled meta-analysis comes first;' in answers
    assert (
        '#### `benchmark_comparison(instrument => "CAPS-5", baseline_score => 40, '
        "current_score => 20)`" in answers
    )
    assert '"benchmark_value": -23.7' in answers and '"direction_label": null' in answers
    assert "| `benchmark_summary()` | ok | 1 |" in meta["results"]
    assert (
        "| `select name, score_min, score_max, lower_is_better, similar_band from "
        "benchmark_instruments` | ok | 7 |" in meta["results"]
    )
    # The seed has no PHQ-9 cohort, and its IES-R cohort reports neither change nor endpoint.
    assert meta["not_compared"] == ["IES-R", "PHQ-9"]
    assert answers.endswith(
        "Not compared (no cohort reports them as a change or an endpoint): IES-R, PHQ-9"
    )
    # Only the seed's cohorts are left: the PHQ-9 test rows were mirrored away by the load.
    assert "PHQ-9 change cohort" not in answers


def test_a_failing_call_fails_the_check_naming_the_function_and_error(loaded, postgres):
    loaded.execute("REVOKE EXECUTE ON FUNCTION public.benchmark_summary() FROM authenticated")
    evaluation = _run(postgres)
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert evaluation.description == (
        "benchmark_summary() failed: 42501 permission denied for function benchmark_summary"
    )
    assert evaluation.metadata["failed"].value == 1
    assert "| `benchmark_summary()` | failed (42501) |  |" in evaluation.metadata["results"].value

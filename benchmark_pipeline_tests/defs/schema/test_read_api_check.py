"""read_api_answers through Dagster: the app's view of the loaded tables (an empty one with why), in
a run that loads the baselines too, and a failing call named."""

import dagster as dg
import psycopg
import pytest

from benchmark_pipeline.defs.baselines.assets import population_baselines, teds_discharges
from benchmark_pipeline.defs.baselines.config import NO_FILE, TEDS_ENV_VAR
from benchmark_pipeline.defs.cohorts.assets import benchmark_cohorts, validated_benchmark_cohorts
from benchmark_pipeline.defs.cohorts.instruments import benchmark_instruments
from benchmark_pipeline.defs.schema.read_api import NOT_CURRENT, baselines_note, read_api_answers
from benchmark_pipeline.lib.schema.read_api import READ_FUNCTIONS
from benchmark_pipeline.resources import PostgresResource
from benchmark_pipeline_tests.support import teds
from benchmark_pipeline_tests.support.benchmark_rows import load_benchmark_rows
from benchmark_pipeline_tests.support.metapsy import pooled_from_pinned_snapshots

CHECKED = [
    pooled_from_pinned_snapshots,
    validated_benchmark_cohorts,
    benchmark_cohorts,
    benchmark_instruments,
    read_api_answers,
]


@pytest.fixture(autouse=True)
def no_configured_file(monkeypatch):
    monkeypatch.delenv(TEDS_ENV_VAR, raising=False)


@pytest.fixture
def loaded(migrated: psycopg.Connection) -> psycopg.Connection:
    load_benchmark_rows(migrated)
    return migrated


def _run(postgres: PostgresResource, *extra: dg.AssetsDefinition, **ops) -> dg.AssetCheckEvaluation:
    result = dg.materialize(
        [*CHECKED, *extra],
        resources={"postgres": postgres},
        instance=dg.DagsterInstance.ephemeral(),
        run_config={"ops": ops},
    )
    assert result.success  # the check never blocks the run
    (evaluation,) = [
        e for e in result.get_asset_check_evaluations() if e.check_name == "read_api_answers"
    ]
    return evaluation


def _tables(evaluation: dg.AssetCheckEvaluation) -> dict[str, list[str]]:
    """The ``tables`` markdown table as table -> [rows, last changed, note]."""
    lines = evaluation.metadata["tables"].value.splitlines()[2:]
    cells = [[c.strip() for c in line.strip("|").split(" | ")] for line in lines]
    return {row[0]: row[1:] for row in cells}


def test_every_function_answers_as_a_signed_in_user(loaded, postgres):
    evaluation = _run(postgres)
    meta = {k: v.value for k, v in evaluation.metadata.items()}
    assert evaluation.passed, evaluation.description
    assert evaluation.description == f"{meta['calls']} call(s) answered as a signed-in user"
    assert meta["failed"] == "0" and meta["signed_in_as"].startswith("authenticated ")
    answers = meta["answers"]
    for function in READ_FUNCTIONS:
        assert f"<details><summary><code>{function}(" in answers, function
    # Each call collapsed under its outcome; JSON objects as field/value tables.
    assert answers.count("<details>") == answers.count("</details>") == int(meta["calls"])
    assert "```json" not in answers
    assert (
        '<details><summary><code>primary_benchmark(modality => "mdma", condition => "PTSD")'
        "</code>: 1 row(s)</summary>" in answers
    )
    assert "Metapsy Pooled MDMA PTSD (Sypres Collaboration 2026)" in answers
    assert "| chosen_because | Rule step 1: a pooled meta-analysis comes first;" in answers
    assert (
        '<code>benchmark_comparison(instrument => "CAPS-5", baseline_score => 40, '
        "current_score => 20)</code>" in answers
    )
    assert "| benchmark_value | -23.7 |" in answers and "| direction_label |  |" in answers
    assert "| `benchmark_summary()` | ok | 1 |" in meta["results"]
    assert (
        "| `select name, score_min, score_max, lower_is_better, similar_band from "
        "benchmark_instruments` | ok | 7 |" in meta["results"]
    )
    # The seed has no PHQ-9 cohort, and its IES-R cohort reports neither change nor endpoint.
    assert meta["not_compared"] == "IES-R, PHQ-9"
    assert answers.endswith(
        "Not compared (no cohort reports them as a change or an endpoint): IES-R, PHQ-9"
    )
    # Only the seed's cohorts are left: the PHQ-9 test rows were mirrored away by the load.
    assert "PHQ-9 change cohort" not in answers
    # Every table the app reads, with the rows it sees; the baselines say why they are not loaded.
    tables = _tables(evaluation)
    assert set(tables) == {
        "benchmark_trials",
        "benchmark_cohorts",
        "benchmark_study_outcomes",
        "population_baselines",
        "benchmark_instruments",
    }
    assert tables["benchmark_instruments"][0] == "7"
    assert tables["population_baselines"][2] == f"not loaded by this run: {NO_FILE}"


def test_it_runs_when_the_baselines_are_skipped_and_reads_them_after_their_load(
    loaded, postgres, tmp_path
):
    skipped = _run(postgres, teds_discharges, population_baselines)
    assert skipped.passed, skipped.description
    assert f"not loaded by this run: {NO_FILE}" in _tables(skipped)["population_baselines"][2]

    path = teds.write_csv(teds.generate(800, year=2019, seed=1), tmp_path / "2019.csv")
    evaluation = _run(
        postgres,
        teds_discharges,
        population_baselines,
        teds_discharges={"config": {"path": str(path)}},
    )
    assert evaluation.passed, evaluation.description
    rows, last_changed, note = _tables(evaluation)["population_baselines"]
    assert (rows, note) == ("825", "") and last_changed


def test_a_failing_call_fails_the_check_naming_the_function_and_error(loaded, postgres):
    loaded.execute("REVOKE EXECUTE ON FUNCTION public.benchmark_summary() FROM authenticated")
    evaluation = _run(postgres)
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert evaluation.description == (
        "benchmark_summary() failed: 42501 permission denied for function benchmark_summary"
    )
    assert evaluation.metadata["failed"].value == "1"
    assert "| `benchmark_summary()` | failed (42501) |  |" in evaluation.metadata["results"].value


def test_the_baselines_note_says_why_the_table_may_not_be_current():
    assert baselines_note(file_configured=False, planned=True, loaded_this_run=False) == (
        f"not loaded by this run: {NO_FILE}"
    )
    assert baselines_note(file_configured=True, planned=True, loaded_this_run=False) == NOT_CURRENT
    assert baselines_note(file_configured=True, planned=True, loaded_this_run=True) is None
    assert baselines_note(file_configured=True, planned=False, loaded_this_run=False) is None

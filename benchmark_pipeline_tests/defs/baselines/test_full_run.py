"""A full materialization of the code location on a fresh database, without a TEDS-D file: the
baselines are skipped the Dagster way (no materialization, their checks planned and never
evaluated), the opt-in DOI look-up is skipped too, nothing that did not run is reported as failed,
and read_api_answers still runs, saying why the baselines table is not loaded. With a file, the
baselines load before read_api_answers reads the table (it cannot depend on them without being
skipped with them)."""

import threading

import dagster as dg
import pytest

from benchmark_pipeline.definitions import defs as load_defs
from benchmark_pipeline.defs.baselines.config import NO_FILE, TEDS_ENV_VAR
from benchmark_pipeline_tests.fakes import FakeCtgovServer, generate_records
from benchmark_pipeline_tests.support import teds
from benchmark_pipeline_tests.support.ctgov import fast_ctgov

SKIPPED = {
    ("teds_discharges", "codes_valid"),
    ("population_baselines", "mirrors_aggregate"),
    ("population_baselines", "matches_codebook_totals"),
    ("population_baselines", "counts_add_up"),
    ("population_baselines", "row_count_matches_groups"),
    ("validated_benchmark_cohorts", "doi_matches_citation"),
}


# A full run on the fake ends in well under a minute here; a run still going after this spins.
RUN_ENDS_WITHIN_S = 120.0


@pytest.fixture(autouse=True)
def no_configured_file(monkeypatch):
    monkeypatch.delenv(TEDS_ENV_VAR, raising=False)


def _materialize_all(postgres, instance: dg.DagsterInstance, raise_on_error=True, **run_config):
    definitions = load_defs()
    with FakeCtgovServer(generate_records(300, seed=3)) as fake:
        return dg.materialize(
            [*definitions.assets, *(definitions.asset_checks or [])],
            resources={
                **definitions.resources,
                "postgres": postgres,
                "ctgov": fast_ctgov(fake.base_url),
            },
            instance=instance,
            run_config=run_config,
            raise_on_error=raise_on_error,
        )


def _baselines_row(evaluation: dg.AssetCheckEvaluation) -> str:
    (row,) = [
        line
        for line in evaluation.metadata["tables"].value.splitlines()
        if line.startswith("| population_baselines |")
    ]
    return row


def test_a_full_run_without_a_teds_file_skips_what_did_not_run_and_fails_nothing(postgres):
    instance = dg.DagsterInstance.ephemeral()
    result = _materialize_all(postgres, instance)
    assert result.success
    for asset in ("teds_discharges", "population_baselines"):
        assert instance.get_latest_materialization_event(dg.AssetKey(asset)) is None, asset

    evaluated = {
        (e.asset_key.to_user_string(), e.check_name): e
        for e in result.get_asset_check_evaluations()
    }
    planned = {
        (
            e.dagster_event.event_specific_data.asset_key.to_user_string(),
            e.dagster_event.event_specific_data.check_name,
        )
        for e in instance.all_logs(
            result.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED
        )
    }
    # Planned and not evaluated in a successful run: what the UI shows as skipped.
    assert planned - set(evaluated) == SKIPPED
    for key, evaluation in evaluated.items():
        assert evaluation.passed or evaluation.severity == dg.AssetCheckSeverity.WARN, key
        assert not (evaluation.description or "").startswith(("Not run", "Not checked")), key

    # The skip is said once, in the run log, with how to turn the baselines on.
    reasons = [
        e.user_message for e in instance.all_logs(result.run_id) if NO_FILE in e.user_message
    ]
    assert len(reasons) == 1 and TEDS_ENV_VAR in reasons[0]

    answers = evaluated[("benchmark_cohorts", "read_api_answers")]
    assert answers.passed, answers.description
    baselines = _baselines_row(answers)
    assert baselines.startswith("| population_baselines | 0 |")
    assert f"not loaded by this run: {NO_FILE}" in baselines


def test_with_a_file_the_app_view_reads_the_baselines_after_their_load(postgres, tmp_path):
    path = teds.write_csv(teds.generate(800, year=2019, seed=1), tmp_path / "2019.csv")
    result = _materialize_all(
        postgres,
        dg.DagsterInstance.ephemeral(),
        ops={"teds_discharges": {"config": {"path": str(path)}}},
    )
    assert result.success
    (answers,) = [
        e for e in result.get_asset_check_evaluations() if e.check_name == "read_api_answers"
    ]
    assert answers.passed, answers.description
    assert _baselines_row(answers).startswith("| population_baselines | 825 |")
    assert _baselines_row(answers).endswith(" |  |")  # no note: current


def test_a_failed_migration_without_a_teds_file_fails_the_run_instead_of_hanging(
    postgres, tmp_path
):
    # The baselines are skipped (no file) while the schema step fails: the run must end, failed,
    # with the baselines' load neither run nor left pending.
    (tmp_path / "001_bad.sql").write_text("CREATE TABLE public.no_guard (a int);\n")
    config = {
        "benchmark_schema": {"ops": {"lint_migrations": {"config": {"sql_dir": str(tmp_path)}}}}
    }
    instance = dg.DagsterInstance.ephemeral()
    ended: list[dg.ExecuteInProcessResult] = []

    def run() -> None:
        ended.append(_materialize_all(postgres, instance, ops=config, raise_on_error=False))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=RUN_ENDS_WITHIN_S)
    assert ended, f"the run had not ended after {RUN_ENDS_WITHIN_S:.0f} s"
    (result,) = ended
    assert not result.success
    assert result.failure_data_for_node("benchmark_schema.lint_migrations") is not None
    started = {
        e.step_key for e in instance.all_logs(result.run_id, of_type=dg.DagsterEventType.STEP_START)
    }
    assert "population_baselines" not in started
    for asset in ("teds_discharges", "population_baselines"):
        assert instance.get_latest_materialization_event(dg.AssetKey(asset)) is None, asset

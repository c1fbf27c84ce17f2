import dagster as dg
import pytest

from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.defs.trials import checks
from benchmark_pipeline.defs.trials.assets import (
    benchmark_trials,
    raw_benchmark_trials,
)
from benchmark_pipeline_tests.defs.trials.ctgov_api import FakeCtgov, fake_resource, study

CHECKS = [
    checks.nct_ids_valid,
    checks.have_titles,
    checks.no_sharp_drop,
    checks.count_in_expected_range,
    checks.every_modality_found,
]
# The same asset without its step retry policy, whose delays are real minutes.


def registry() -> list[dict]:
    return [
        study("NCT00000001", ["Psilocybin"], status="RECRUITING"),
        study("NCT00000002", ["Esketamine nasal spray"], status="COMPLETED"),
        study("NCT00000003", ["Ketamine"], status="ACTIVE_NOT_RECRUITING"),
        study("NCT00000004", ["MDMA", "Psilocybin"], status="RECRUITING"),
        study("NCT00000005", ["Placebo"], status="RECRUITING"),  # matches no search
        study("NCT00000006", ["LSD"], status="WITHDRAWN"),  # outside the status filter
    ]


def materialize(fake, postgres, instance, *, dry_run=False, raise_on_error=True, max_drop=0.2):
    run_config = {
        "ops": {
            "benchmark_trials": {"config": {"dry_run": dry_run}},
            "raw_benchmark_trials_no_sharp_drop": {"config": {"max_drop_fraction": max_drop}},
        }
    }
    return dg.materialize(
        [benchmark_schema, raw_benchmark_trials, benchmark_trials, *CHECKS],
        resources={"postgres": postgres, "ctgov": fake_resource(fake)},
        instance=instance,
        run_config=run_config,
        raise_on_error=raise_on_error,
    )


def rows(postgres) -> dict:
    with postgres.connect() as conn:
        return {
            r[0]: r[1:]
            for r in conn.execute(
                "SELECT nct_id, status, modality, missing_since FROM public.benchmark_trials"
            ).fetchall()
        }


def snapshot(postgres) -> str:
    with postgres.connect() as conn:
        return conn.execute(
            "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY nct_id), '')) "
            "FROM public.benchmark_trials t"
        ).fetchone()[0]


def failure_text(result) -> str:
    """The step failure's message with its causes (the user's exception is the cause)."""
    error = next(e for e in result.all_events if e.is_step_failure).step_failure_data.error
    parts = []
    while error is not None:
        parts.append(error.message)
        error = error.cause
    return "".join(parts)


def evaluations(result) -> dict:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


@pytest.fixture
def instance():
    with dg.DagsterInstance.ephemeral() as inst:
        yield inst


def test_first_run_loads_every_trial_with_metadata(postgres, instance):
    fake = FakeCtgov(studies=registry(), page_size=2, empty_page_after=1)
    result = materialize(fake, postgres, instance)
    assert result.success
    assert rows(postgres) == {
        "NCT00000001": ("RECRUITING", "psilocybin", None),
        "NCT00000002": ("COMPLETED", "esketamine", None),
        "NCT00000003": ("ACTIVE_NOT_RECRUITING", "ketamine", None),
        "NCT00000004": ("RECRUITING", "psilocybin", None),
    }
    raw_meta = result.asset_materializations_for_node("raw_benchmark_trials")[0].metadata
    assert raw_meta["dagster/row_count"].value == 4
    assert raw_meta["total_count_per_search"].value["ketamine"] == 2  # esketamine trial too
    assert raw_meta["trials_per_modality"].value["mdma"] == 1
    assert raw_meta["api_data_timestamp"].value == "2026-09-04T09:00:06"
    assert raw_meta["requests_made"].value == len(fake.requests)
    table_meta = result.asset_materializations_for_node("benchmark_trials")[0].metadata
    assert table_meta["inserted"].value == 4 and table_meta["dagster/row_count"].value == 4
    assert table_meta["dagster/table_name"].value == "public.benchmark_trials"
    found = evaluations(result)
    assert found["nct_ids_valid"].passed
    assert found["no_sharp_drop"].passed
    assert found["complete_and_unique"].passed
    # 4 trials is far below the real-world range, and most modalities found nothing.
    assert not found["count_in_expected_range"].passed
    assert found["count_in_expected_range"].severity == dg.AssetCheckSeverity.WARN
    assert not found["every_modality_found"].passed
    assert "lsd" in found["every_modality_found"].metadata["modalities_without_trials"].value


def test_second_run_updates_the_changed_status_and_looks_up_the_vanished(postgres, instance):
    studies = registry()
    fake = FakeCtgov(studies=studies)
    materialize(fake, postgres, instance)
    before = rows(postgres)
    # One trial completes; another is terminated (leaves the status filter); one is removed.
    studies[0] = study("NCT00000001", ["Psilocybin"], status="COMPLETED")
    studies[2] = study("NCT00000003", ["Ketamine"], status="TERMINATED")
    del studies[3]
    result = materialize(fake, postgres, instance, max_drop=0.5)  # 4 -> 2 searched trials
    assert result.success
    after = rows(postgres)
    assert after["NCT00000001"][0] == "COMPLETED"
    assert after["NCT00000003"][0] == "TERMINATED"
    assert after["NCT00000004"][0] == "RECRUITING" and after["NCT00000004"][2] is not None
    assert after["NCT00000002"] == before["NCT00000002"]
    meta = result.asset_materializations_for_node("benchmark_trials")[0].metadata
    assert (meta["inserted"].value, meta["updated"].value, meta["unchanged"].value) == (0, 2, 1)
    assert meta["not_seen_this_run"].value == 2 and meta["newly_missing"].value == 1
    lookups = [r.url.params["filter.ids"] for r in fake.requests if "filter.ids" in r.url.params]
    assert lookups == ["NCT00000003|NCT00000004"]


def test_dry_run_reports_changes_and_leaves_the_table_unchanged(postgres, instance):
    studies = registry()
    fake = FakeCtgov(studies=studies)
    materialize(fake, postgres, instance)
    before = snapshot(postgres)
    studies[0] = study("NCT00000001", ["Psilocybin"], status="COMPLETED")
    studies.append(study("NCT00000007", ["Ibogaine"]))
    result = materialize(fake, postgres, instance, dry_run=True)
    assert result.success
    assert snapshot(postgres) == before
    meta = result.asset_materializations_for_node("benchmark_trials")[0].metadata
    assert (meta["inserted"].value, meta["updated"].value, meta["dry_run"].value) == (1, 1, True)
    assert evaluations(result)["complete_and_unique"].passed


def test_persistent_api_failure_fails_clearly_and_leaves_the_table_unchanged(postgres, instance):
    fake = FakeCtgov(studies=registry())
    materialize(fake, postgres, instance)
    before = snapshot(postgres)
    fake.always_fail = 503
    result = dg.materialize(
        [benchmark_schema, raw_benchmark_trials, benchmark_trials, *CHECKS],
        resources={"postgres": postgres, "ctgov": fake_resource(fake, max_attempts=3)},
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    assert "GET /studies" in failure_text(result)
    assert "failed after 3 attempts: HTTP 503" in failure_text(result)
    assert snapshot(postgres) == before


def test_total_count_mismatch_fails_the_run(postgres, instance):
    fake = FakeCtgov(studies=registry(), overcount=2)
    result = dg.materialize(
        [benchmark_schema, raw_benchmark_trials, benchmark_trials],
        resources={"postgres": postgres, "ctgov": fake_resource(fake)},
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    assert "received 2 studies in 1 page(s) but the API announced totalCount=4" in failure_text(
        result
    )
    assert rows(postgres) == {}


def test_sharp_drop_blocks_the_load(postgres, instance):
    many = [study(f"NCT{i:08d}", ["Psilocybin"]) for i in range(1, 11)]
    fake = FakeCtgov(studies=many)
    materialize(fake, postgres, instance)
    fake.studies = many[:7]  # 30% fewer
    result = materialize(fake, postgres, instance, raise_on_error=False)
    drop = evaluations(result)["no_sharp_drop"]
    assert not drop.passed
    assert drop.metadata["previous_rows"].value == 10 and drop.metadata["current_rows"].value == 7
    assert drop.description == "7 trials, 30% fewer than the last run's 10 (at most 20% allowed)"
    assert not result.asset_materializations_for_node("benchmark_trials")
    assert len(rows(postgres)) == 10 and all(r[2] is None for r in rows(postgres).values())

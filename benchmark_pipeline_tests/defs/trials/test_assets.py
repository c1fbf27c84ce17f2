import socket

import dagster as dg
import pytest

from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.defs.trials.assets import (
    benchmark_trials,
    raw_benchmark_trials,
)
from benchmark_pipeline.resources import ClinicalTrialsResource
from benchmark_pipeline_tests.fakes import Faults, fake_resource, study
from benchmark_pipeline_tests.support.ctgov import spec_checked_fake as fake_api
from benchmark_pipeline_tests.support.metadata import rows_by, table_rows
from benchmark_pipeline_tests.support.trials_runs import (
    CHECKS,
    evaluations,
    failure_text,
    materialize,
    observations,
    rows,
    snapshot,
)


def trials() -> list[dict]:
    return [
        study("NCT00000001", ["Psilocybin"], status="RECRUITING"),
        # Registries write esketamine's S-ketamine spelling too: the ketamine search finds it.
        study("NCT00000002", [("Esketamine nasal spray", ["S-ketamine"])], status="COMPLETED"),
        study("NCT00000003", ["Ketamine"], status="ACTIVE_NOT_RECRUITING"),
        study("NCT00000004", ["MDMA", "Psilocybin"], status="RECRUITING"),
        study("NCT00000005", ["Placebo"], status="RECRUITING"),  # matches no search
        study("NCT00000006", ["LSD"], status="WITHDRAWN"),  # outside the status filter
    ]


@pytest.fixture
def instance():
    with dg.DagsterInstance.ephemeral() as inst:
        yield inst


def test_first_run_loads_every_trial_with_metadata(postgres, instance):
    fake = fake_api(trials(), max_page_size=2, faults=Faults(empty_page=True))
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
    by_modality = rows_by(raw_meta["trials_by_modality"], "modality")
    assert by_modality["ketamine"]["registry total"] == 2  # the esketamine trial too
    assert by_modality["mdma"]["trials naming it"] == 1
    assert raw_meta["api_data_timestamp"].value == "2026-09-04T09:00:06"
    assert raw_meta["requests_made"].value == fake.request_count()
    assert by_modality["all"]["depression"] == by_modality["all"]["as primary"] == 4
    assert by_modality["psilocybin"]["as primary"] == by_modality["psilocybin"]["depression"] == 2
    table_meta = result.asset_materializations_for_node("benchmark_trials")[0].metadata
    assert table_meta["inserted"].value == 4 and table_meta["dagster/row_count"].value == 4
    assert table_meta["dagster/table_name"].value == "public.benchmark_trials"
    found = evaluations(result)
    assert found["nct_ids_valid"].passed
    assert found["no_sharp_drop"].passed
    assert found["complete_and_unique"].passed
    assert found["rejected_records"].passed and found["search_labelled_trials"].passed
    assert found["non_psychiatric_share"].passed
    assert found["non_psychiatric_share"].description.startswith("0 of 4 trials (0%)")
    # 4 trials is far below the real-world range, and most modalities found nothing.
    assert not found["count_in_expected_range"].passed
    assert found["count_in_expected_range"].severity == dg.AssetCheckSeverity.WARN
    assert not found["every_modality_found"].passed
    assert "lsd" in found["every_modality_found"].metadata["modalities_without_trials"].value


def test_second_run_updates_the_changed_status_and_looks_up_the_vanished(postgres, instance):
    fake = fake_api(trials())
    materialize(fake, postgres, instance)
    before = rows(postgres)
    # One trial completes; another is terminated (leaves the status filter); one is removed.
    fake.records.add(study("NCT00000001", ["Psilocybin"], status="COMPLETED"))
    fake.records.add(study("NCT00000003", ["Ketamine"], status="TERMINATED"))
    fake.records.remove("NCT00000004")
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
    lookups = [p["filter.ids"] for p in fake.logged_params() if "filter.ids" in p]
    assert lookups == ["NCT00000003|NCT00000004"]


def test_dry_run_reports_changes_and_leaves_the_table_unchanged(postgres, instance):
    fake = fake_api(trials())
    materialize(fake, postgres, instance)
    before = snapshot(postgres)
    fake.records.add(study("NCT00000001", ["Psilocybin"], status="COMPLETED"))
    fake.records.add(study("NCT00000007", ["Ibogaine"]))
    result = materialize(fake, postgres, instance, dry_run=True)
    assert result.success
    assert snapshot(postgres) == before
    meta = result.asset_materializations_for_node("benchmark_trials")[0].metadata
    assert (meta["inserted"].value, meta["updated"].value, meta["dry_run"].value) == (1, 1, True)
    assert evaluations(result)["complete_and_unique"].passed


def test_persistent_api_failure_fails_clearly_and_leaves_the_table_unchanged(postgres, instance):
    fake = fake_api(trials())
    materialize(fake, postgres, instance)
    before = snapshot(postgres)
    fake.set_faults(down=True, paths=("/studies",))
    result = dg.materialize(
        [benchmark_schema, raw_benchmark_trials, benchmark_trials, *CHECKS],
        resources={"postgres": postgres, "ctgov": fake_resource(fake, max_attempts=3)},
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    assert "GET https://clinicaltrials.gov/api/v2/studies" in failure_text(result)
    assert "failed after 3 attempts: HTTP 503" in failure_text(result)
    assert snapshot(postgres) == before


def test_total_count_mismatch_fails_the_run(postgres, instance):
    fake = fake_api(trials(), faults=Faults(overcount=2))
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
    fake = fake_api([study(f"NCT{i:08d}", ["Psilocybin"]) for i in range(1, 11)])
    materialize(fake, postgres, instance)
    for i in range(8, 11):  # 30% fewer
        fake.records.remove(f"NCT{i:08d}")
    result = materialize(fake, postgres, instance, raise_on_error=False)
    drop = evaluations(result)["no_sharp_drop"]
    assert not drop.passed
    assert drop.metadata["previous_rows"].value == 10 and drop.metadata["current_rows"].value == 7
    assert drop.description == "7 trials, 30% fewer than the last run's 10 (at most 20% allowed)"
    assert not result.asset_materializations_for_node("benchmark_trials")
    assert len(rows(postgres)) == 10 and all(r[2] is None for r in rows(postgres).values())
    # The run's failure, the table's latest event and its checks that did not run say why.
    why = f"raw_benchmark_trials's blocking check no_sharp_drop failed: {drop.description}"
    assert failure_text(result) == (
        f"dagster._core.definitions.events.Failure: {why}. Not materialized: benchmark_trials "
        "(public.benchmark_trials was left as it was: 10 rows at its last load).\n"
    )
    (observation,) = observations(result, "benchmark_trials")
    assert observation.description.endswith(
        f"{why}. public.benchmark_trials was left as it was: 10 rows at its last load."
    )
    for name in ("complete_and_unique", "rejected_lookups"):
        skipped = evaluations(result)[name]
        assert (skipped.passed, skipped.severity) == (False, dg.AssetCheckSeverity.WARN)
        assert skipped.description == f"Not run: {why}."


def test_an_unreachable_registry_ends_at_once_naming_its_url_and_what_to_check(postgres, instance):
    with socket.socket() as probe:  # a port nothing listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/api/v2"
    result = dg.materialize(
        [benchmark_schema, raw_benchmark_trials, benchmark_trials, *CHECKS],
        resources={"postgres": postgres, "ctgov": ClinicalTrialsResource(base_url=url)},
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    text = failure_text(result)
    assert f"ClinicalTrials.gov at {url} could not be reached: ConnectError: " in text
    assert f"(GET {url}/version; not retried" in text
    assert "Check the network, or CTGOV_API_URL if the registry should be elsewhere" in text
    assert not [e for e in result.all_events if "attempt 1 of" in (e.message or "")]
    for asset in ("raw_benchmark_trials", "benchmark_trials"):
        (observation,) = observations(result, asset)
        assert (
            f"raw_benchmark_trials failed: ClinicalTrials.gov at {url}" in observation.description
        )
    skipped = evaluations(result)
    assert set(skipped) == {c.check_key.name for c in CHECKS} | {
        "complete_and_unique",
        "rejected_lookups",
    }
    for name, evaluation in skipped.items():
        assert evaluation.severity == dg.AssetCheckSeverity.WARN, name
        assert evaluation.description.startswith("Not run: raw_benchmark_trials failed: "), name
    assert rows(postgres) == {}


def test_indications_and_search_labels_are_reported_for_review(postgres, instance):
    hidden = study("NCT00000013", ["Compound 7"])  # only its description names ketamine
    hidden["protocolSection"]["armsInterventionsModule"]["interventions"][0]["description"] = (
        "A ketamine metabolite"
    )
    fake = fake_api(
        [
            study("NCT00000011", ["Ketamine"], conditions=["Postoperative Pain"], mesh=([], [])),
            study("NCT00000012", ["Ketamine"], conditions=["Anesthesia"], mesh=([], [])),
            hidden,
            study("NCT00000014", ["Psilocybin"]),
        ]
    )
    result = dg.materialize(
        [benchmark_schema, raw_benchmark_trials, benchmark_trials, *CHECKS],
        resources={"postgres": postgres, "ctgov": fake_resource(fake)},
        instance=instance,
        run_config={
            "ops": {"raw_benchmark_trials_non_psychiatric_share": {"config": {"max_share": 0.4}}}
        },
    )
    assert result.success
    found = evaluations(result)
    share = found["non_psychiatric_share"]
    assert not share.passed and share.severity == dg.AssetCheckSeverity.WARN
    assert share.description == (
        "2 of 4 trials (50%) are outside psychiatric indications: "
        "acute_or_perioperative_pain 1, anaesthesia_or_sedation 1; more than the 40% allowed"
    )
    assert share.metadata["by_modality"].value == "ketamine 2"
    labelled = found["search_labelled_trials"]
    assert not labelled.passed and labelled.severity == dg.AssetCheckSeverity.WARN
    assert labelled.metadata["nct_ids"].value == "NCT00000013"
    (listed,) = table_rows(labelled.metadata["trials"])
    assert listed["nct_id"] == "NCT00000013" and listed["interventions"] == "Compound 7"
    assert listed["modality"] == listed["found_by"] == "ketamine"
    with postgres.connect() as conn:
        stored = dict(
            conn.execute(
                "SELECT nct_id, modality_source || '/' || indication_category"
                " FROM public.benchmark_trials"
            ).fetchall()
        )
    assert stored == {
        "NCT00000011": "interventions/acute_or_perioperative_pain",
        "NCT00000012": "interventions/anaesthesia_or_sedation",
        "NCT00000013": "search/depression",
        "NCT00000014": "interventions/depression",
    }

"""A malformed record is left out and named; a malformed answer ends the run at once, leaves the
table as it was, and is not retried by the step, even in the scheduled job that retries."""

import dagster as dg
import pytest

from benchmark_pipeline.definitions import defs
from benchmark_pipeline_tests.fakes import FakeCtgov, Faults, fake_resource, registry, study
from benchmark_pipeline_tests.support.ctgov import spec_checked_fake as fake_api
from benchmark_pipeline_tests.support.metadata import rows_by
from benchmark_pipeline_tests.support.trials_runs import (
    evaluations,
    failure_text,
    materialize,
    rows,
    snapshot,
)


@pytest.fixture
def instance():
    with dg.DagsterInstance.ephemeral() as inst:
        yield inst


def _bad_phases(nct: str) -> dict:
    record = study(nct, ["Psilocybin"])
    record["protocolSection"]["designModule"]["phases"] = "PHASE2"
    return record


def test_one_wrong_typed_record_is_left_out_and_the_rest_load(postgres, instance):
    fake = FakeCtgov(
        registry(
            study("NCT00000001", ["Psilocybin"]),
            _bad_phases("NCT00000002"),
            study("NCT00000003", ["MDMA"], start={"date": "2023-13-45"}),
        )
    )
    result = materialize(fake, postgres, instance)
    assert result.success
    assert set(rows(postgres)) == {"NCT00000001"}
    check = evaluations(result)["rejected_records"]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    detail = {r["nct_id"]: r for r in check.metadata["rejected_detail"].value}
    assert detail["NCT00000002"]["field"] == "protocolSection.designModule.phases"
    assert detail["NCT00000002"]["reason"] == "Expected `array`, got `str`"
    assert detail["NCT00000003"]["field"] == "protocolSection.statusModule.startDateStruct.date"
    assert "month must be in 1..12" in detail["NCT00000003"]["reason"]
    assert "NCT00000002: protocolSection.designModule.phases" in check.description
    meta = result.asset_materializations_for_node("raw_benchmark_trials")[0].metadata
    assert meta["records_rejected"].value == 2
    assert "NCT00000003" in rows_by(meta["rejected"], "nct_id")


@pytest.mark.parametrize(
    ("faults", "expected"),
    [
        (Faults(malformed="html"), ["not JSON", "'text/html;charset=UTF-8'", "<!DOCTYPE html>"]),
        (Faults(malformed="truncated"), ["not JSON", "'application/json;charset=UTF-8'", "{"]),
        (
            Faults(malformed="studies_object"),
            ["not a PagedStudies page: Expected `array`, got `object` at studies"],
        ),
        (Faults(malformed="endless_pages"), ["stopping an endless listing"]),
        (
            Faults(drip_seconds=0.05, drip_bytes=20, paths=("/studies",)),
            ["still arriving when the 1s deadline"],
        ),
    ],
    ids=["html", "truncated", "studies_object", "endless_pages", "dripped"],
)
def test_a_malformed_answer_fails_the_run_at_once_and_changes_nothing(
    postgres, instance, faults, expected
):
    fake = fake_api([study("NCT00000001", ["Psilocybin"]), study("NCT00000002", ["MDMA"])])
    assert materialize(fake, postgres, instance).success
    before = snapshot(postgres)
    fake.set_faults(faults)
    fake.reset_counters()
    job = defs().resolve_job_def("trials_refresh_job")  # retries failed steps, unattended
    ctgov = fake_resource(fake, max_total_seconds=1.0)
    result = job.execute_in_process(
        instance=instance, resources={"postgres": postgres, "ctgov": ctgov}, raise_on_error=False
    )
    assert not result.success
    text = failure_text(result)
    for piece in expected:
        assert piece in text, text
    if faults.malformed in ("html", "truncated", "studies_object"):
        assert "GET https://clinicaltrials.gov/api/v2/studies?query.intr=psilocybin" in text
        assert "answered HTTP 200" in text and "the body starts:" in text
    restarts = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_RESTARTED]
    assert restarts == []
    assert snapshot(postgres) == before


def test_a_looked_up_record_that_is_rejected_keeps_its_row_and_is_reported(postgres, instance):
    fake = fake_api([study("NCT00000001", ["Psilocybin"]), study("NCT00000002", ["MDMA"])])
    assert materialize(fake, postgres, instance).success
    before = rows(postgres)
    terminated = _bad_phases("NCT00000002")
    terminated["protocolSection"]["statusModule"]["overallStatus"] = "TERMINATED"
    fake.validate = None
    fake.records.add(terminated)
    result = materialize(fake, postgres, instance, max_drop=0.6)
    assert result.success
    assert rows(postgres)["NCT00000002"] == before["NCT00000002"]  # not updated, not gone
    lookup = evaluations(result)["rejected_lookups"]
    assert lookup.asset_key == dg.AssetKey("benchmark_trials")
    assert not lookup.passed and lookup.severity == dg.AssetCheckSeverity.WARN
    assert "NCT00000002: protocolSection.designModule.phases" in lookup.description
    assert evaluations(result)["rejected_records"].passed  # the searches rejected nothing
    meta = result.asset_materializations_for_node("benchmark_trials")[0].metadata
    assert meta["rejected_on_lookup"].value == 1 and meta["newly_missing"].value == 0

"""doi_matches_citation through Dagster, with doi.org faked at the HTTP boundary."""

from pathlib import Path

import dagster as dg
import httpx

from benchmark_pipeline.defs.cohorts import checks
from benchmark_pipeline.defs.cohorts.assets import validated_benchmark_cohorts
from benchmark_pipeline.resources import DoiRegistryResource
from benchmark_pipeline_tests.support.metadata import table_rows
from benchmark_pipeline_tests.support.metapsy import no_pooled_effects

CORPUS = Path(__file__).resolve().parents[2] / "data"
MATCHING = "A made-up trial for tests"


def _respond(request: httpx.Request) -> httpx.Response:
    # good one's DOI is registered with its title; good two's with a different paper's title.
    titles = {"/10.5555/test.1": MATCHING, "/10.5555/test.2": "Lithium in bipolar disorder"}
    if request.url.path in titles:
        return httpx.Response(200, json={"title": titles[request.url.path]})
    return httpx.Response(404)


def _unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectTimeout("timed out", request=request)


class FakeDoiRegistry(DoiRegistryResource):
    offline: bool = False

    def client(self) -> httpx.Client:
        handler = _unreachable if self.offline else _respond
        return httpx.Client(base_url=self.base_url, transport=httpx.MockTransport(handler))


def _run(
    enabled: bool, registry: DoiRegistryResource, instance: dg.DagsterInstance | None = None
) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [no_pooled_effects, validated_benchmark_cohorts, checks.doi_matches_citation],
        resources={"doi_registry": registry},
        instance=instance or dg.DagsterInstance.ephemeral(),
        run_config={
            "ops": {
                "validated_benchmark_cohorts": {
                    "config": {"csv_path": str(CORPUS / "cohorts_bom.csv")}
                },
                "validated_benchmark_cohorts_doi_matches_citation": {
                    "config": {"enabled": enabled}
                },
            }
        },
    )


def _evaluate(enabled: bool, registry: DoiRegistryResource) -> dg.AssetCheckEvaluation:
    (evaluation,) = _run(enabled, registry).get_asset_check_evaluations()
    return evaluation


def test_mismatched_title_warns_and_names_the_doi() -> None:
    evaluation = _evaluate(True, FakeDoiRegistry())
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    assert evaluation.metadata["looked_up"].value == "2"
    assert table_rows(evaluation.metadata["problems"]) == [
        {
            "problem": "10.5555/test.2: registered title 'Lithium in bipolar disorder' is not "
            "in the citation"
        }
    ]


def test_unreachable_registry_is_not_a_pass() -> None:
    evaluation = _evaluate(True, FakeDoiRegistry(offline=True))
    assert not evaluation.passed
    problems = table_rows(evaluation.metadata["problems"])
    assert problems and all("registry unreachable" in p["problem"] for p in problems)


def test_disabled_by_default_it_is_skipped_not_failed_and_makes_no_request() -> None:
    instance = dg.DagsterInstance.ephemeral()
    result = _run(False, FakeDoiRegistry(offline=True), instance)
    # Planned and never evaluated in a successful run: the UI shows the check as skipped.
    assert result.success and result.get_asset_check_evaluations() == []
    planned = instance.all_logs(
        result.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED
    )
    assert [e.dagster_event.event_specific_data.check_name for e in planned] == [
        "doi_matches_citation"
    ]
    (reason,) = [
        entry.user_message
        for entry in instance.all_logs(result.run_id)
        if "not run" in entry.user_message
    ]
    assert "opt-in because it needs the network" in reason

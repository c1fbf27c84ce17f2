"""deploy/helm/values.yaml is valid for Dagster's Helm chart of the 1.13 line and sets up what
deploy/dagster.yaml sets up: K8sRunLauncher, the pipeline's Secret on the code location and on
every run, the same run queue and run retries, telemetry off.

The chart's own values.schema.json is read from the reference folder (never copied into the
repository; ``dagster-helm/SOURCES.md`` there says where it comes from) and checked with
jsonschema as JSON Schema draft 2020-12, offline:

- Its Kubernetes ``$ref``s point at a schema on the web, which is not reachable here. They are
  resolved through a ``referencing.Registry`` whose ``retrieve`` builds that document from the
  refs themselves: each target is a permissive schema of the type the chart declares beside the
  ref (an object, or the tolerations' array), so any Kubernetes object of the right kind passes.
- Helm checks the chart's defaults merged with these values, not this file alone. Maps merge
  key by key with the defaults, which hold every key the chart requires (the top-level ``ui``
  block of this schema, say), so a ``required`` error on a map is not one of this file; a list
  replaces its default whole, so an item of a list (a user deployment) must be complete.
"""

import copy
import json
from collections.abc import Iterator
from urllib.parse import urldefrag

import jsonschema
import pytest
import yaml
from referencing import Registry
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from benchmark_pipeline_tests.deploy.kit import HELM_VALUES, INSTANCE
from benchmark_pipeline_tests.support.reference import reference_path

SECRET = "benchmark-pipeline-env"


def _external_refs(node) -> Iterator[tuple[str, str | None]]:
    """Each ``$ref`` to another document, with the type declared beside it."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            yield ref, node.get("type")
        for value in node.values():
            yield from _external_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _external_refs(value)


def offline_registry(schema: dict) -> Registry:
    """A registry answering the schema's external refs with permissive schemas (module docstring)."""
    documents: dict[str, dict] = {}
    for ref, declared in _external_refs(schema):
        url, fragment = urldefrag(ref)
        node = documents.setdefault(url, {})
        *parents, leaf = [part for part in fragment.split("/") if part]
        for part in parents:
            node = node.setdefault(part, {})
        target = {"type": declared} if declared else {}
        node[leaf] = target if node.get(leaf, target) == target else {}

    def retrieve(uri: str):
        if uri not in documents:
            raise NoSuchResource(ref=uri)
        return DRAFT202012.create_resource(documents[uri])

    return Registry(retrieve=retrieve)


def _stands_after_merge(error: jsonschema.ValidationError) -> bool:
    """Whether Helm would still reject the value once the chart's defaults are merged under it."""
    if error.validator == "required":
        return any(isinstance(step, int) for step in error.absolute_path)
    if error.validator in ("anyOf", "oneOf") and error.context:
        branches: dict[int, list[jsonschema.ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        # One alternative missing only keys that the defaults supply is an alternative that fits.
        return all(any(_stands_after_merge(sub) for sub in subs) for subs in branches.values())
    return True


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(reference_path("dagster-helm", "values.schema.json").read_text())


@pytest.fixture(scope="module")
def validator(schema) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema, registry=offline_registry(schema))


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load(HELM_VALUES.read_text())


def problems(validator, values) -> list[str]:
    found = [e for e in validator.iter_errors(values) if _stands_after_merge(e)]
    return [f"{'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in found]


def test_values_validate_against_the_charts_schema(validator, values, schema):
    assert problems(validator, values) == []
    # The schema's top level allows any key, so a misspelt section would pass unseen.
    assert set(values) - set(schema["properties"]) == set()
    deployment_keys = set(schema["$defs"]["UserDeployment"]["properties"])
    for deployment in values["dagster-user-deployments"]["deployments"]:
        assert set(deployment) - deployment_keys == set(), deployment["name"]


def test_only_what_the_defaults_supply_is_left_to_them(validator, values):
    """The relaxation is needed (this file alone leaves whole sections, ``ui`` among them, to the
    chart) and covers nothing but keys missing from maps."""
    relaxed = [e for e in validator.iter_errors(values) if not _stands_after_merge(e)]
    assert any(e.validator == "required" and not e.absolute_path for e in relaxed)
    assert all(e.validator in ("required", "anyOf", "oneOf") for e in relaxed)


def _misspelt_run_launcher(v: dict) -> None:
    v["runLauncher"]["type"] = "K8sRunLaucher"


def _deployment_without_image(v: dict) -> None:
    del v["dagster-user-deployments"]["deployments"][0]["image"]


def _misspelt_queue_limit(v: dict) -> None:
    queue = v["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    queue["maxConcurentRuns"] = queue.pop("maxConcurrentRuns")


def _deployment_port_as_text(v: dict) -> None:
    v["dagster-user-deployments"]["deployments"][0]["port"] = "4000"


@pytest.mark.parametrize(
    "breakage",
    [
        _misspelt_run_launcher,
        _deployment_without_image,
        _misspelt_queue_limit,
        _deployment_port_as_text,
    ],
)
def test_a_broken_values_file_fails(validator, values, breakage):
    broken = copy.deepcopy(values)
    breakage(broken)
    assert problems(validator, broken) != []


def test_every_run_is_a_kubernetes_job_with_the_pipelines_secret(values):
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    launcher = values["runLauncher"]["config"]["k8sRunLauncher"]
    assert {"name": SECRET} in launcher["envSecrets"]

    (deployment,) = values["dagster-user-deployments"]["deployments"]
    assert deployment["name"] == "benchmark-pipeline"
    assert {"name": SECRET} in deployment["envSecrets"]
    assert deployment["codeServerArgs"] == ["-m", "benchmark_pipeline"]
    assert deployment["port"] == 4000
    assert deployment["includeConfigInLaunchedRuns"] == {"enabled": True}
    # Secrets come from the Secret; env holds only what may be read in the values file.
    assert {e["name"] for e in deployment["env"]} <= {"DAGSTER_WEBSERVER_URL", "CTGOV_API_URL"}


def test_instance_password_comes_from_a_secret(values):
    assert values["generatePostgresqlPasswordSecret"] is False
    assert values["global"]["postgresqlSecretName"]
    assert "postgresqlPassword" not in values["postgresql"]


def test_queue_retries_and_telemetry_match_deploy_dagster_yaml(values):
    instance = yaml.safe_load(INSTANCE.read_text())
    runs = instance["concurrency"]["runs"]
    daemon = values["dagsterDaemon"]

    coordinator = daemon["runCoordinator"]
    assert (coordinator["enabled"], coordinator["type"]) == (True, "QueuedRunCoordinator")
    queue = coordinator["config"]["queuedRunCoordinator"]
    assert queue["maxConcurrentRuns"] == runs["max_concurrent_runs"]
    assert queue["tagConcurrencyLimits"] == runs["tag_concurrency_limits"]

    retries = instance["run_retries"]
    assert daemon["runRetries"] == {
        "enabled": retries["enabled"],
        "maxRetries": retries["max_retries"],
        "retryOnAssetOrOpFailure": retries.get("retry_on_asset_or_op_failure", True),
    }
    assert values["telemetry"] == instance["telemetry"] == {"enabled": False}

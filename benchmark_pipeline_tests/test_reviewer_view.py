"""What a reviewer sees: the Dagster UI's GraphQL API, served by dagster-webserver on loopback.

First, benchmark_schema is materialized with its checks, then the webserver is asked for every
asset, every check with its latest result and metadata, every schedule and every job. The answers
must match what ``benchmark_pipeline.definitions.defs()`` declares, so the test follows the code
location as assets are added, and benchmark_schema's checks must show as run, passed, with the
metadata the run recorded.

Then everything is materialized against the fake registry (every check must read green, or yellow
with its explanation), and a refresh is blocked by a sharp drop in trials: the reason must reach
the run's failure, benchmark_trials' latest event and each of its checks that did not run.
"""

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import httpx
import pytest

from benchmark_pipeline.constants import REPO_ROOT
from benchmark_pipeline.definitions import defs
from benchmark_pipeline_tests.fakes import FakeCtgovServer, generate_records
from benchmark_pipeline_tests.support.ctgov import fast_ctgov

WEBSERVER = REPO_ROOT / ".venv" / "bin" / "dagster-webserver"
LOCATION = "benchmark_pipeline"
STARTUP_SECONDS = 180

METADATA = """
metadataEntries {
  __typename label
  ... on JsonMetadataEntry { jsonString }
  ... on TextMetadataEntry { text }
  ... on IntMetadataEntry { intValue }
  ... on FloatMetadataEntry { floatValue }
  ... on BoolMetadataEntry { boolValue }
  ... on MarkdownMetadataEntry { mdStr }
  ... on TableMetadataEntry { table { records } }
}
"""
WORKSPACE_QUERY = """
{ workspaceOrError { __typename
    ... on Workspace { locationEntries { name loadStatus
        locationOrLoadError { __typename ... on PythonError { message stack } } } }
    ... on PythonError { message } } }
"""
REPOSITORIES_QUERY = """
{ repositoriesOrError { __typename
    ... on RepositoryConnection { nodes { name location { name } jobs { name } } }
    ... on PythonError { message } } }
"""
SCHEDULES_QUERY = """
query Schedules($selector: RepositorySelector!) {
  schedulesOrError(repositorySelector: $selector) { __typename
    ... on Schedules { results { name cronSchedule executionTimezone pipelineName } }
    ... on PythonError { message } } }
"""
ASSETS_QUERY = f"""
{{ assetNodes {{
    assetKey {{ path }} groupName kinds description hasAssetChecks
    owners {{ __typename ... on TeamAssetOwner {{ team }} ... on UserAssetOwner {{ email }} }}
    assetMaterializations(limit: 1) {{ runId }}
    assetChecksOrError {{ __typename
      ... on AssetChecks {{ checks {{ name description blocking
          executionForLatestMaterialization {{ runId status
            evaluation {{ success severity description {METADATA} }} }} }} }}
      ... on AssetCheckNeedsMigrationError {{ message }} }} }} }}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _graphql(client: httpx.Client, query: str, variables: dict | None = None) -> dict:
    response = client.post("/graphql", json={"query": query, "variables": variables or {}})
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


@pytest.fixture
def dagster_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> Path:
    """An instance of its own (empty dagster.yaml: local storage), on the test's database."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("", encoding="utf-8")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("SUPABASE_DB_URL", database_url)
    return home


@pytest.fixture
def webserver(dagster_home: Path, pg_server_dir: Path) -> Iterator[tuple[httpx.Client, Path]]:
    """dagster-webserver on a free loopback port; terminated afterwards, whatever happened."""
    port = _free_port()
    log_path = dagster_home / "webserver.log"
    env = {**os.environ, "BENCHMARK_EMBEDDED_PG_DIR": str(pg_server_dir)}
    command = [str(WEBSERVER), "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client, log_path
    finally:
        # The webserver runs the code location in a child process; end the whole group.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait_until_loaded(client: httpx.Client, log_path: Path) -> None:
    """Poll /server_info, then the workspace, until the code location has loaded (bounded)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if client.get("/server_info").status_code == 200:
                entries = _graphql(client, WORKSPACE_QUERY)["workspaceOrError"]["locationEntries"]
                entry = next(e for e in entries if e["name"] == LOCATION)
                if entry["loadStatus"] == "LOADED":
                    loaded = entry["locationOrLoadError"]
                    assert loaded["__typename"] == "RepositoryLocation", loaded
                    return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    log = log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
    raise AssertionError(f"dagster-webserver not ready after {STARTUP_SECONDS}s:\n{log}")


def _metadata_values(entries: list[dict]) -> dict[str, object]:
    values = {}
    for entry in entries:
        if entry["__typename"] == "JsonMetadataEntry":
            values[entry["label"]] = json.loads(entry["jsonString"])
        elif entry["__typename"] == "TableMetadataEntry":
            values[entry["label"]] = [json.loads(r) for r in entry["table"]["records"]]
        else:
            fields = {k: v for k, v in entry.items() if k not in {"__typename", "label"}}
            values[entry["label"]] = next(iter(fields.values()), None)
    return values


def _recorded_values(metadata: dict[str, dg.MetadataValue]) -> dict[str, object]:
    return {
        label: [r.data for r in value.records]
        if isinstance(value, dg.TableMetadataValue)
        else value.value
        for label, value in metadata.items()
    }


def _owner(owner: dict) -> str:
    return f"team:{owner['team']}" if "team" in owner else owner["email"]


def test_reviewer_sees_every_asset_check_schedule_and_job(
    webserver: tuple[httpx.Client, Path],
) -> None:
    client, log_path = webserver
    definitions = defs()
    graph = definitions.resolve_asset_graph()
    schema_key = dg.AssetKey("benchmark_schema")

    with dg.DagsterInstance.get() as instance:
        result = definitions.resolve_implicit_global_asset_job_def().execute_in_process(
            instance=instance, asset_selection=[schema_key]
        )
    assert result.success
    recorded = {e.check_name: e for e in result.get_asset_check_evaluations()}
    schema_checks = {k.name for k in graph.asset_check_keys if k.asset_key == schema_key}
    assert schema_checks and set(recorded) == schema_checks

    _wait_until_loaded(client, log_path)

    repositories = _graphql(client, REPOSITORIES_QUERY)["repositoriesOrError"]
    assert repositories["__typename"] == "RepositoryConnection", repositories
    (repository,) = [r for r in repositories["nodes"] if r["location"]["name"] == LOCATION]
    assert {j["name"] for j in repository["jobs"]} == {
        j.name for j in definitions.resolve_all_job_defs()
    }

    selector = {"repositoryLocationName": LOCATION, "repositoryName": repository["name"]}
    schedules = _graphql(client, SCHEDULES_QUERY, {"selector": selector})["schedulesOrError"]
    assert schedules["__typename"] == "Schedules", schedules
    declared_schedules = [
        definitions.resolve_schedule_def(s.name) for s in definitions.schedules or []
    ]
    assert {
        (s["name"], s["cronSchedule"], s["executionTimezone"], s["pipelineName"])
        for s in schedules["results"]
    } == {(s.name, s.cron_schedule, s.execution_timezone, s.job_name) for s in declared_schedules}

    nodes = {tuple(n["assetKey"]["path"]): n for n in _graphql(client, ASSETS_QUERY)["assetNodes"]}
    specs = {tuple(s.key.path): s for s in definitions.resolve_all_asset_specs()}
    assert set(nodes) == set(specs)
    for path, spec in specs.items():
        node = nodes[path]
        assert node["groupName"] == spec.group_name, path
        assert set(node["kinds"]) == set(spec.kinds), path
        assert node["description"] == spec.description, path
        assert {_owner(o) for o in node["owners"]} == set(spec.owners), path

    seen_checks = set()
    for path, node in nodes.items():
        checks = node["assetChecksOrError"]
        assert checks["__typename"] == "AssetChecks", checks
        for check in checks["checks"]:
            key = dg.AssetCheckKey(dg.AssetKey(list(path)), check["name"])
            declared = graph.get_check_spec(key)
            assert check["blocking"] == declared.blocking, key
            assert check["description"] == declared.description, key
            seen_checks.add(key)
            execution = check["executionForLatestMaterialization"]
            if dg.AssetKey(list(path)) != schema_key:
                assert execution is None, key  # never materialized in this instance
                continue
            assert execution["runId"] == result.run_id, key
            assert execution["status"] == "SUCCEEDED", execution
            evaluation = execution["evaluation"]
            assert evaluation["success"] is True, evaluation
            assert evaluation["metadataEntries"], key
            assert _metadata_values(evaluation["metadataEntries"]) == _recorded_values(
                recorded[check["name"]].metadata
            ), key
            # A passing check lists no problems: nothing is emitted only to say "nothing".
            assert "problems" not in _metadata_values(evaluation["metadataEntries"])
    assert seen_checks == set(graph.asset_check_keys)
    assert nodes[("benchmark_schema",)]["assetMaterializations"][0]["runId"] == result.run_id


RUN_QUERY = """
query Run($runId: ID!) {
  runOrError(runId: $runId) { __typename
    ... on Run { status
      eventConnection { events { __typename
        ... on RunFailureEvent { message error { message } }
        ... on ExecutionStepFailureEvent { stepKey error { message } } } } }
    ... on PythonError { message } } }
"""
ASSET_QUERY = f"""
query Asset($key: AssetKeyInput!) {{
  assetNodes(assetKeys: [$key]) {{
    assetObservations(limit: 1) {{ runId description {METADATA} }}
    assetChecksOrError {{ __typename
      ... on AssetChecks {{ checks {{ name
          executionForLatestMaterialization {{ runId status
            evaluation {{ severity description }} }} }} }} }} }} }}
"""
CHECKS_QUERY = """
{ assetNodes { assetKey { path }
    assetChecksOrError { __typename
      ... on AssetChecks { checks { name
          executionForLatestMaterialization { runId status
            evaluation { success severity description } } } } } } }
"""
# What the blocked refresh must say wherever the reviewer looks: the check and its own words.
BLOCKED_BY = "raw_benchmark_trials's blocking check no_sharp_drop failed"


def _materialize(definitions, fake, **kwargs) -> dg.ExecuteInProcessResult:
    with dg.DagsterInstance.get() as instance:
        return dg.materialize(
            [*definitions.assets, *(definitions.asset_checks or [])],
            resources={**definitions.resources, "ctgov": fast_ctgov(fake.base_url)},
            instance=instance,
            **kwargs,
        )


def test_reviewer_reads_every_check_and_why_a_refresh_was_blocked(
    webserver: tuple[httpx.Client, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEDS_D_PATH", raising=False)  # the baselines stay opt-in: skipped
    client, log_path = webserver
    definitions = defs()
    with FakeCtgovServer(generate_records(1_600, seed=7)) as fake:
        healthy = _materialize(definitions, fake)
    assert healthy.success
    _wait_until_loaded(client, log_path)

    # A healthy run: every check green, or yellow with the explanation a reviewer needs; the
    # opt-in ones (no TEDS-D file, the DOI look-up off) skipped, never failed.
    skipped = set()
    for node in _graphql(client, CHECKS_QUERY)["assetNodes"]:
        path = tuple(node["assetKey"]["path"])
        if path == ("run_review",):  # recorded by the review sensors once a run has ended
            continue
        for check in node["assetChecksOrError"]["checks"]:
            execution = check["executionForLatestMaterialization"]
            assert execution is not None and execution["runId"] == healthy.run_id, (path, check)
            evaluation = execution["evaluation"]
            if execution["status"] == "SKIPPED":
                assert evaluation is None, (path, check)
                skipped.add((path[-1], check["name"]))
            elif execution["status"] != "SUCCEEDED":
                assert execution["status"] == "FAILED", (path, check)
                assert evaluation["severity"] == "WARN", (path, check)
                assert evaluation["description"], (path, check)
    without_teds = {
        (key.asset_key.to_user_string(), key.name)
        for key in definitions.resolve_asset_graph().asset_check_keys
        if key.asset_key.to_user_string() in {"teds_discharges", "population_baselines"}
    }
    assert skipped == without_teds | {("validated_benchmark_cohorts", "doi_matches_citation")}

    # 487 of the 1,096 trials: far more than the 20% drop the check allows.
    with FakeCtgovServer(generate_records(700, seed=7)) as fake:
        blocked = _materialize(
            definitions, fake, selection="raw_benchmark_trials*", raise_on_error=False
        )
    assert not blocked.success
    (drop,) = [e for e in blocked.get_asset_check_evaluations() if e.check_name == "no_sharp_drop"]
    assert not drop.passed and "fewer than the last run's 1,096" in drop.description, drop
    reason = drop.description

    # The run's failure says which check stopped it and why, in its own words.
    run = _graphql(client, RUN_QUERY, {"runId": blocked.run_id})["runOrError"]
    assert run["__typename"] == "Run" and run["status"] == "FAILURE", run
    events = run["eventConnection"]["events"]
    (failure,) = [e for e in events if e["__typename"] == "RunFailureEvent"]
    assert BLOCKED_BY in failure["error"]["message"], failure
    assert reason in failure["error"]["message"], failure
    assert "public.benchmark_trials was left as it was: 1,096 rows" in failure["error"]["message"]

    # The table's latest event says it was not loaded, why, and that it kept its rows.
    (node,) = _graphql(client, ASSET_QUERY, {"key": {"path": ["benchmark_trials"]}})["assetNodes"]
    (observation,) = node["assetObservations"]
    assert observation["runId"] == blocked.run_id
    assert BLOCKED_BY in observation["description"] and reason in observation["description"]
    assert "1,096 rows at its last load" in observation["description"]

    # Each of its checks, which did not run, names the blocking check instead of a bare failure.
    checks = node["assetChecksOrError"]["checks"]
    assert {c["name"] for c in checks} == {"complete_and_unique", "rejected_lookups", "fresh"}
    for check in checks:
        execution = check["executionForLatestMaterialization"]
        assert execution["runId"] == blocked.run_id, check
        assert execution["evaluation"]["severity"] == "WARN", check
        assert execution["evaluation"]["description"].startswith("Not run: " + BLOCKED_BY), check
        assert reason in execution["evaluation"]["description"], check

"""Launching runs on a running Dagster webserver as a person or a script does, and waiting for
them in the instance's storage. Mixed into ``topology.Topology``."""

import contextlib
from collections.abc import Callable, Mapping, Sequence

import dagster as dg
import httpx
from dagster_graphql import DagsterGraphQLClient, DagsterGraphQLClientError

from benchmark_pipeline_tests.support.processes import wait_for

LOCATION = "benchmark_pipeline"
ASSET_JOB = "__ASSET_JOB"  # the implicit job the UI's "Materialize" launches
RUN_WAIT_S = 60.0
TERMINAL = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}
UNFINISHED = [status for status in dg.DagsterRunStatus if status not in TERMINAL]
# What explains a failed run without opening the UI.
FAILURE_EVENTS = {
    dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.RUN_FAILURE,
    dg.DagsterEventType.ENGINE_EVENT,
    dg.DagsterEventType.ASSET_CHECK_EVALUATION,
}

# The UI's own mutation (LaunchAssetExecutionButton -> executionParamsForAssetJob).
LAUNCH_MUTATION = """
mutation LaunchPipelineExecution($executionParams: ExecutionParams!) {
  launchPipelineExecution(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on Error { message }
  }
}
"""
ASSET_NODES_QUERY = """
query LaunchAssetLoaderQuery($assetKeys: [AssetKeyInput!]!) {
  assetNodes(assetKeys: $assetKeys) {
    assetKey { path }
    jobNames
    assetChecksOrError { ... on AssetChecks { checks { name jobNames } } }
    repository { name location { name } }
  }
}
"""
WORKSPACE_QUERY = """
query {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError { __typename ... on PythonError { message causes { message } } }
      }
    }
    ... on PythonError { message }
  }
}
"""
REPOSITORIES_QUERY = """
query { repositoriesOrError { ... on RepositoryConnection { nodes { name location { name } } } } }
"""
SENSOR_TICKS_QUERY = """
query SensorTicks($selector: SensorSelector!, $limit: Int) {
  sensorOrError(sensorSelector: $selector) {
    __typename
    ... on Sensor {
      sensorState { ticks(limit: $limit) { status timestamp runIds skipReason error { message } } }
    }
    ... on Error { message }
  }
}
"""


def _key_path(key: str | Sequence[str]) -> list[str]:
    return key.split("/") if isinstance(key, str) else list(key)


class RunsClient:
    """Needs ``instance``, ``graphql``, ``webserver_url`` and ``diagnostics()`` (the logs to
    show when a wait fails)."""

    instance: dg.DagsterInstance
    graphql: DagsterGraphQLClient
    webserver_url: str
    diagnostics: Callable[[], str]

    def query(self, document: str, variables: Mapping[str, object] | None = None) -> dict:
        """A GraphQL document sent to the webserver; its ``data`` (errors raise)."""
        reply = httpx.post(
            f"{self.webserver_url}/graphql",
            json={"query": document, "variables": dict(variables or {})},
            timeout=60,
        )
        reply.raise_for_status()
        body = reply.json()
        if body.get("errors"):
            raise AssertionError(f"GraphQL errors: {body['errors']}")
        return body["data"]

    def location_loaded(self) -> bool:
        """Whether the webserver has loaded the code location (a load error fails at once)."""
        workspace = self.query(WORKSPACE_QUERY)["workspaceOrError"]
        if workspace["__typename"] != "Workspace":
            raise AssertionError(f"the webserver's workspace failed: {workspace}")
        for entry in workspace["locationEntries"]:
            if entry["name"] != LOCATION or entry["loadStatus"] != "LOADED":
                continue
            loaded = entry["locationOrLoadError"] or {}
            if loaded.get("__typename") == "PythonError":
                causes = "".join(cause["message"] for cause in loaded.get("causes") or [])
                raise AssertionError(f"{LOCATION} failed to load: {loaded['message']}{causes}")
            return loaded.get("__typename") == "RepositoryLocation"
        return False

    def repository_name(self) -> str:
        """The name of the code location's repository (``__repository__`` for ``Definitions``)."""
        nodes = self.query(REPOSITORIES_QUERY)["repositoriesOrError"]["nodes"]
        return next(n["name"] for n in nodes if n["location"]["name"] == LOCATION)

    def sensor_ticks(self, sensor_name: str, limit: int = 10) -> list[dict]:
        """The sensor's latest ticks, newest first: status (SUCCESS, SKIPPED, FAILURE, STARTED),
        timestamp, runIds, skipReason, error. A run status sensor's first tick only sets its
        cursor: runs that ended before it are never reported."""
        selector = {
            "repositoryLocationName": LOCATION,
            "repositoryName": self.repository_name(),
            "sensorName": sensor_name,
        }
        found = self.query(SENSOR_TICKS_QUERY, {"selector": selector, "limit": limit})
        sensor = found["sensorOrError"]
        if sensor["__typename"] != "Sensor":
            raise AssertionError(f"sensor {sensor_name}: {sensor}")
        return sensor["sensorState"]["ticks"]

    def wait_for_sensor_tick(
        self, sensor_name: str, *, after: float = 0.0, timeout: float = RUN_WAIT_S
    ) -> dict:
        """The sensor's newest finished tick (not STARTED) with a timestamp after ``after``."""

        def ticked() -> dict | None:
            for tick in self.sensor_ticks(sensor_name):
                if tick["status"] != "STARTED" and tick["timestamp"] > after:
                    return tick
            return None

        return wait_for(
            ticked,
            timeout=timeout,
            what=f"a tick of sensor {sensor_name} after {after}",
            diagnostics=self.diagnostics,
        )

    def submit_job(
        self,
        job_name: str,
        *,
        run_config: Mapping[str, object] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> str:
        """Queue a run of ``job_name`` through Dagster's GraphQL client; its run id."""
        return self.graphql.submit_job_execution(
            job_name,
            repository_location_name=LOCATION,
            run_config=dict(run_config or {}),
            tags=dict(tags or {}),
        )

    def launch_assets(
        self,
        asset_keys: Sequence[str | Sequence[str]],
        *,
        job_name: str = ASSET_JOB,
        tags: Mapping[str, str] | None = None,
    ) -> str:
        """Materialize ``asset_keys`` ("a/b" or ["a", "b"]) as the UI's Materialize button does:
        ``launchPipelineExecution`` on ``job_name`` with an asset selection and every check of
        those assets that the job holds. Returns the run id."""
        keys = [{"path": _key_path(key)} for key in asset_keys]
        nodes = self.query(ASSET_NODES_QUERY, {"assetKeys": keys})["assetNodes"]
        if len(nodes) != len(keys):
            found = [n["assetKey"]["path"] for n in nodes]
            raise AssertionError(f"asset nodes asked for {keys}, found {found}")
        checks = [
            {"assetKey": node["assetKey"], "name": check["name"]}
            for node in nodes
            for check in (node["assetChecksOrError"] or {}).get("checks", [])
            if not check["jobNames"] or job_name in check["jobNames"]
        ]
        repository = nodes[0]["repository"]
        params = {
            "mode": "default",
            "executionMetadata": {
                "tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]
            },
            "runConfigData": "{}",
            "selector": {
                "repositoryLocationName": repository["location"]["name"],
                "repositoryName": repository["name"],
                "pipelineName": job_name,
                "assetSelection": [node["assetKey"] for node in nodes],
                "assetCheckSelection": checks,
            },
        }
        result = self.query(LAUNCH_MUTATION, {"executionParams": params})
        launched = result["launchPipelineExecution"]
        if launched["__typename"] != "LaunchRunSuccess":
            raise AssertionError(f"launching {keys} failed: {launched}")
        return launched["run"]["runId"]

    def run(self, run_id: str) -> dg.DagsterRun:
        run = self.instance.get_run_by_id(run_id)
        if run is None:
            raise AssertionError(f"no run {run_id} in the instance")
        return run

    def events(self, run_id: str, *types: dg.DagsterEventType) -> list:
        """The run's event log entries, oldest first; only ``types`` when given."""
        return list(self.instance.all_logs(run_id, of_type=set(types) if types else None))

    def failure_report(self, run_id: str) -> str:
        """Status, step failures, failed checks and engine errors of a run, one per line."""
        lines = [f"run {run_id}: {self.run(run_id).status.value}"]
        for entry in self.events(run_id, *FAILURE_EVENTS):
            event = entry.dagster_event
            if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
                if event.event_specific_data.passed:
                    continue
            elif event.event_type == dg.DagsterEventType.ENGINE_EVENT and not (
                event.engine_event_data and event.engine_event_data.error
            ):
                continue
            lines.append(f"  {event.event_type_value} {event.step_key or ''}: {entry.message}")
            if event.event_type == dg.DagsterEventType.STEP_FAILURE:
                error = event.step_failure_data.error
                while error is not None:
                    lines.append(f"    {error.message.strip()}")
                    error = error.cause
        return "\n".join(lines)

    def wait_for_run(
        self,
        run_id: str,
        status: dg.DagsterRunStatus = dg.DagsterRunStatus.SUCCESS,
        timeout: float = RUN_WAIT_S,
    ) -> dg.DagsterRun:
        """The run once it has ``status``; fails at once if it ends otherwise, or after
        ``timeout`` seconds, with the run's failures and the end of the daemon's and the code
        server's logs."""

        def reached() -> dg.DagsterRun | None:
            run = self.run(run_id)
            if run.status == status:
                return run
            if run.status in TERMINAL:
                raise AssertionError(
                    f"run {run_id} ended {run.status.value}, expected {status.value}\n"
                    f"{self.failure_report(run_id)}\n{self.diagnostics()}"
                )
            return None

        return wait_for(
            reached,
            timeout=timeout,
            what=f"run {run_id} to reach {status.value}",
            diagnostics=lambda: f"{self.failure_report(run_id)}\n{self.diagnostics()}",
        )

    def end_unfinished_runs(self, timeout: float = RUN_WAIT_S) -> list[str]:
        """Cancel every queued run (the UI's Terminate) and wait until every run in progress has
        ended by itself, so what a failed test left behind does not hold the queue for the next.
        A running run is not terminated: Dagster turns the interrupt of a step with a retry policy
        into a retry, so a terminated trials refresh would stay CANCELING for a minute or more.
        Returns their run ids."""
        unfinished = [r.run_id for r in self.instance.get_runs(dg.RunsFilter(statuses=UNFINISHED))]
        cancelled: set[str] = set()

        def ended() -> bool:
            statuses = {run_id: self.run(run_id).status for run_id in unfinished}
            for run_id, status in statuses.items():
                if status == dg.DagsterRunStatus.QUEUED and run_id not in cancelled:
                    cancelled.add(run_id)
                    with contextlib.suppress(DagsterGraphQLClientError):  # dequeued meanwhile
                        self.graphql.terminate_run(run_id)
            return all(status in TERMINAL for status in statuses.values())

        wait_for(
            ended,
            timeout=timeout,
            what=f"runs {unfinished} to end",
            diagnostics=self.diagnostics,
        )
        return unfinished

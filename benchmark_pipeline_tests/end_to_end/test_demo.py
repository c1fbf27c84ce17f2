"""`make demo` as a person uses it: the UI against the project's fake registry, "Materialize all"
launched the way the UI launches it succeeds with no network, every asset that read the fake
says so, the run is reviewed on run_review by the daemon, and Ctrl-C stops the UI and the fake
together."""

import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from dagster_graphql import DagsterGraphQLClient

from benchmark_pipeline.constants import REPO_ROOT
from benchmark_pipeline.definitions import defs as load_defs
from benchmark_pipeline.defs.review.assets import RUN_REVIEW
from benchmark_pipeline.defs.review.sensors import REVIEW_TAG
from benchmark_pipeline_tests.support.dagster_runs import RunsClient
from benchmark_pipeline_tests.support.processes import (
    Service,
    free_port,
    start_service,
    stop_services,
    wait_for,
)

FAKE_NOTE = "read from the project's fake ClinicalTrials.gov at http://127.0.0.1:"
READ_THE_REGISTRY = ("raw_benchmark_trials", "benchmark_trials", "raw_trial_results")
START_S = 180.0  # the code location loads in a cold process on a busy 2-core machine
RUN_S = 300.0


class Demo(RunsClient):
    def __init__(self, service: Service, home: Path, port: int) -> None:
        self.service = service
        self.home = home
        self.webserver_url = f"http://127.0.0.1:{port}"
        self.graphql = DagsterGraphQLClient("127.0.0.1", port_number=port, timeout=60)
        self.instance: dg.DagsterInstance | None = None

    def diagnostics(self) -> str:
        return self.service.tail(80)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def demo(tmp_path, database_url) -> Iterator[tuple[Demo, int]]:
    home, port, registry_port = tmp_path / "dagster_home", free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CTGOV_", "DAGSTER_"))}
    env |= {
        "DAGSTER_HOME": str(home),
        "SUPABASE_DB_URL": database_url,
        "BENCHMARK_SENSOR_INTERVAL_SECONDS": "2",
    }
    # -o: the installed .venv counts as current, so nothing is installed from the network.
    argv = ["make", "-o", ".venv/.installed", "demo", f"PORT={port}"]
    argv.append(f"REGISTRY_PORT={registry_port}")
    service = start_service("demo", argv, env=env, cwd=REPO_ROOT, log_dir=tmp_path)
    running = Demo(service, home, port)
    try:
        wait_for(
            lambda: _listening(port) and running.location_loaded(),
            timeout=START_S,
            what="make demo to serve the code location",
            diagnostics=running.diagnostics,
        )
        with dg.DagsterInstance.from_config(str(home)) as instance:
            running.instance = instance
            yield running, registry_port
    finally:
        stop_services([service])


def test_make_demo_materializes_everything_offline_and_says_it_read_the_fake(demo):
    running, registry_port = demo
    assert _listening(registry_port)
    assert (running.home / "dagster.yaml").read_text() == (
        REPO_ROOT / "deploy" / "dev" / "dagster.yaml"
    ).read_text()
    graph = load_defs().resolve_asset_graph()
    keys = [key.to_user_string() for key in graph.materializable_asset_keys]
    run_id = running.launch_assets(keys)  # the UI's "Materialize all"
    running.wait_for_run(run_id, timeout=RUN_S)

    instance = running.instance
    for name in READ_THE_REGISTRY:
        event = instance.get_latest_materialization_event(dg.AssetKey(name))
        assert event.run_id == run_id, name
        note = event.asset_materialization.metadata["registry"].value
        assert note.startswith(FAKE_NOTE) and note.endswith("generated trials, not real ones")
    count = [
        record.event_log_entry.dagster_event.event_specific_data
        for record in instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        ).records
        if record.event_log_entry.dagster_event.event_specific_data.check_name
        == "count_in_expected_range"
    ]
    assert len(count) == 1 and FAKE_NOTE in count[0].description

    def reviewed() -> dg.AssetMaterialization | None:
        event = instance.get_latest_materialization_event(RUN_REVIEW)
        if event is None or event.asset_materialization.metadata["run"].value != run_id:
            return None
        return event.asset_materialization

    review = wait_for(
        reviewed, timeout=60, what="the run's review", diagnostics=running.diagnostics
    )
    assert review.metadata["counts"].value.endswith(" 0 failed")
    assert instance.get_run_by_id(run_id).tags[REVIEW_TAG].endswith("/assets/run_review")

    # Ctrl-C in the terminal: the whole foreground group gets SIGINT; the fake goes with the UI.
    os.killpg(running.service.pid, signal.SIGINT)
    wait_for(
        lambda: running.service.process.poll() is not None and not _listening(registry_port),
        timeout=60,
        what="make demo and its fake registry to stop on Ctrl-C",
        diagnostics=running.diagnostics,
    )

"""The production topology on this machine: a code server, the daemon and the webserver as
separate processes sharing one Dagster instance whose storage is PostgreSQL (deploy/dagster.yaml).

    with fresh_database(uri, "instance") as instance_db, fresh_database(uri, migrate=True) as db:
        with production_topology(instance_db, db, fake.base_url, tmp_path) as topology:
            run_id = topology.submit_job("trials_refresh_job")
            topology.wait_for_run(run_id)

Each process runs in a process group of its own, its output in ``<name>.log`` under the work
folder; every start is waited for with a deadline, and leaving the block stops every process
group (SIGTERM, then SIGKILL), the runs they launched included, whether the block failed or not.
"""

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from urllib.parse import quote

import dagster as dg
import grpc
import psycopg
import yaml
from dagster_graphql import DagsterGraphQLClient
from grpc_health.v1 import health_pb2, health_pb2_grpc

from benchmark_pipeline.constants import REPO_ROOT
from benchmark_pipeline_tests.support.dagster_runs import LOCATION, RunsClient
from benchmark_pipeline_tests.support.processes import (
    Service,
    free_port,
    start_service,
    stop_services,
    wait_for,
)

DEPLOY_INSTANCE = REPO_ROOT / "deploy" / "dagster.yaml"
COMPOSE_WORKSPACE = REPO_ROOT / "deploy" / "compose" / "workspace.yaml"
# What deploy/compose/workspace.yaml holds; used only while that file does not exist.
EXPECTED_WORKSPACE = {
    "load_from": [
        {"grpc_server": {"host": "code-location", "port": 4000, "location_name": LOCATION}}
    ]
}
BIN = Path(sys.executable).parent

# Deadlines. Each start imports Dagster (and the code server the code location): a few seconds
# on an idle machine, several times that on a busy one.
CODE_SERVER_READY_S = 90.0
DAEMON_READY_S = 60.0
WEBSERVER_READY_S = 60.0
STOP_GRACE_S = 5.0
# Variables of the caller that would point a process elsewhere than this topology.
FOREIGN_ENV = ("DAGSTER_", "PYTEST_", "SUPABASE_", "CTGOV_", "BENCHMARK_")


def dagster_pg_url(database_url: str, schema: str = "dagster") -> str:
    """``DAGSTER_PG_URL`` for the database at ``database_url`` in the form deploy/dagster.yaml
    documents (its tables in ``schema``, created here); host and user as in ``database_url``
    (a Unix socket directory for the embedded server)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    info = psycopg.conninfo.conninfo_to_dict(database_url)
    user = quote(str(info.get("user", "postgres")), safe="")
    password = f":{quote(str(info['password']), safe='')}" if info.get("password") else ""
    port = f"&port={info['port']}" if info.get("port") else ""
    return (
        f"postgresql://{user}{password}@/{info['dbname']}?host={quote(str(info['host']), safe='')}"
        f"{port}&options={quote(f'-csearch_path={schema}', safe='')}"
    )


def workspace_for(host: str, port: int) -> dict:
    """deploy/compose/workspace.yaml with its code server's host and port replaced."""
    if COMPOSE_WORKSPACE.exists():
        workspace = yaml.safe_load(COMPOSE_WORKSPACE.read_text())
    else:
        workspace = EXPECTED_WORKSPACE
    entries = []
    for entry in workspace["load_from"]:
        server = {**entry["grpc_server"], "host": host, "port": port}
        entries.append({**entry, "grpc_server": server})
    return {**workspace, "load_from": entries}


def _serving(port: int) -> bool:
    """Whether the code server on ``port`` answers SERVING to gRPC's health check, as
    ``dagster api grpc-health-check`` asks it (the code is loaded before the port opens)."""
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="DagsterApi"), timeout=2.0
        )
    return reply.status == health_pb2.HealthCheckResponse.SERVING


class Topology(RunsClient):
    """The running processes and the ways in: ``instance`` (the same storage the processes
    use), ``graphql`` (Dagster's GraphQL client on the webserver), the run helpers of
    ``RunsClient``, and each process's log (``tail``)."""

    def __init__(
        self, home: Path, instance: dg.DagsterInstance, code_server_port: int, webserver_port: int
    ) -> None:
        self.home = home
        self.instance = instance
        self.code_server_port = code_server_port
        self.webserver_port = webserver_port
        self.webserver_url = f"http://127.0.0.1:{webserver_port}"
        self.graphql = DagsterGraphQLClient("127.0.0.1", port_number=webserver_port, timeout=60)
        self.services: dict[str, Service] = {}
        # Seconds from each process's start until it was seen ready.
        self.ready_after: dict[str, float] = {}
        self._started_at: dict[str, float] = {}

    def tail(self, name: str, lines: int = 40) -> str:
        return self.services[name].tail(lines)

    def diagnostics(self) -> str:
        """The end of the daemon's and the code server's logs (the webserver's if it died)."""
        parts = []
        for name, service in self.services.items():
            if name == "webserver" and service.running():
                continue
            state = "running" if service.running() else f"exited {service.process.returncode}"
            parts.append(f"--- {name} ({state}), {service.log}:\n{service.tail()}")
        return "\n".join(parts)

    def _start(self, name: str, argv: list[str], env: Mapping[str, str], work: Path) -> Service:
        service = start_service(name, argv, env=env, cwd=REPO_ROOT, log_dir=work)
        self.services[name] = service
        self._started_at[name] = time.monotonic()
        return service

    def _ready(self, name: str, probe: Callable[[], bool], timeout: float) -> None:
        service = self.services[name]

        def ready() -> bool:
            if not service.running():
                raise AssertionError(
                    f"{name} exited with {service.process.returncode} while starting:\n"
                    f"{self.diagnostics()}\n--- {name}:\n{service.tail()}"
                )
            try:
                return probe()
            except AssertionError as exc:
                raise AssertionError(f"{exc}\n{self.diagnostics()}") from None

        wait_for(ready, timeout=timeout, what=f"{name} to be ready", diagnostics=self.diagnostics)
        self.ready_after[name] = time.monotonic() - self._started_at[name]


@contextlib.contextmanager
def production_topology(
    instance_db_url: str,
    benchmark_db_url: str,
    ctgov_url: str,
    work_dir: Path,
    *,
    extra_env: Mapping[str, str] | None = None,
    instance_yaml: Path = DEPLOY_INSTANCE,
) -> Iterator[Topology]:
    """Start the code server, then the daemon and the webserver, each waited for; yield the
    ``Topology``; stop them all on leaving.

    ``instance_db_url``: the database for Dagster's own tables (schema ``dagster``);
    ``benchmark_db_url``: ``SUPABASE_DB_URL`` of the runs; ``ctgov_url``: ``CTGOV_API_URL``;
    ``work_dir``: DAGSTER_HOME (``home/``), the workspace file and the logs go there;
    ``extra_env``: added to every process's environment (e.g. alert settings);
    ``instance_yaml``: copied as the instance's dagster.yaml.
    """
    work_dir = Path(work_dir)
    home = work_dir / "home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(instance_yaml, home / "dagster.yaml")
    pg_url = dagster_pg_url(instance_db_url)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_ENV)}
    base_env.update(DAGSTER_HOME=str(home), DAGSTER_PG_URL=pg_url, **(extra_env or {}))
    code_env = {**base_env, "SUPABASE_DB_URL": benchmark_db_url, "CTGOV_API_URL": ctgov_url}
    code_port, web_port = free_port(), free_port()
    workspace = work_dir / "workspace.yaml"
    workspace.write_text(yaml.safe_dump(workspace_for("127.0.0.1", code_port), sort_keys=False))

    with contextlib.ExitStack() as stack:
        # This process reads DAGSTER_PG_URL too, when it loads the instance.
        stack.enter_context(_environ("DAGSTER_PG_URL", pg_url))
        instance = stack.enter_context(dg.DagsterInstance.from_config(str(home)))
        topology = Topology(home, instance, code_port, web_port)
        stack.callback(_stop, topology)
        code_server = [str(BIN / "dagster"), "code-server", "start", "-h", "127.0.0.1"]
        topology._start(
            "code-server", [*code_server, "-p", str(code_port), "-m", LOCATION], code_env, work_dir
        )
        topology._ready("code-server", lambda: _serving(code_port), CODE_SERVER_READY_S)
        started = time.time()
        daemon = [str(BIN / "dagster-daemon"), "run", "-w", str(workspace)]
        topology._start("daemon", daemon, base_env, work_dir)
        webserver = [str(BIN / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(web_port)]
        topology._start("webserver", [*webserver, "-w", str(workspace)], base_env, work_dir)
        topology._ready("webserver", topology.location_loaded, WEBSERVER_READY_S)
        topology._ready("daemon", lambda: _daemons_beating(instance, started), DAEMON_READY_S)
        yield topology


@contextlib.contextmanager
def _environ(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def _daemons_beating(instance: dg.DagsterInstance, since: float) -> bool:
    """Whether every daemon the instance needs has sent a heartbeat since ``since``."""
    beats = instance.get_daemon_heartbeats()
    return all(
        kind in beats and beats[kind].timestamp >= since
        for kind in instance.get_required_daemon_types()
    )


def _stop(topology: Topology) -> None:
    # All at once: each stops in a second or two on SIGTERM; the code server's group holds the
    # run workers it launched.
    survivors = stop_services(list(topology.services.values()), grace_seconds=STOP_GRACE_S)
    if survivors:
        raise AssertionError(f"processes still running after SIGKILL: {survivors}")

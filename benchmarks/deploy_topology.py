"""The deployed topology on this machine: how long a queued run waits for its first step under
the daemon, and what the long-running processes hold in memory while idle.

The processes are those of deploy/compose (``dagster code-server start``, ``dagster-daemon run``,
``dagster-webserver``), started by the tests' harness
(``benchmark_pipeline_tests.support.topology``) on loopback with deploy/dagster.yaml as the
instance: runs and events in a database of the benchmark's PostgreSQL, the benchmark tables in
another, ``CTGOV_API_URL`` at the fake registry (1,600 trials) served from this process. Each
run of ``trials_refresh_job`` is queued through GraphQL once the previous one has ended and a
random pause of up to one dequeue interval has passed (so runs meet the daemon's cycle at random
moments, not all at the same one); its
run events split the wait: the queue (RUN_ENQUEUED to RUN_STARTING, written by the daemon when
it takes the run out of the queue; it looks every ``dequeue_interval_seconds``), the launch
(RUN_STARTING to RUN_START: the code server starts a run worker process, which imports the code
location) and the run's own start (RUN_START to the first STEP_START: resources, the plan).
Memory is VmRSS from /proc summed over each process's tree (the code server's proxy and the gRPC
server it runs as a child), sampled after the processes have settled, before the first run and
again after the last one has ended.
"""

import random
import shutil
import statistics
import time

import dagster as dg

from benchmark_pipeline_tests.fakes import FakeCtgovServer, generate_records
from benchmark_pipeline_tests.support.processes import process_tree, rss_mb
from benchmark_pipeline_tests.support.topology import Topology, production_topology
from benchmarks import common

JOB = "trials_refresh_job"
TRIALS = 1_600
REPEATS = 5
SETTLE_S = 10.0  # after start-up, and after a run, before memory is sampled
SAMPLES = 5
SEED = 0
Event = dg.DagsterEventType
PHASES = (
    ("queue", Event.RUN_ENQUEUED, Event.RUN_STARTING),
    ("launch", Event.RUN_STARTING, Event.RUN_START),
    ("run start", Event.RUN_START, Event.STEP_START),
)


def _first(topology: Topology, run_id: str, event: Event) -> float:
    entries = topology.events(run_id, event)
    if not entries:
        raise RuntimeError(f"run {run_id} has no {event.value}:\n{topology.failure_report(run_id)}")
    return entries[0].timestamp


def one_run(topology: Topology) -> dict[str, float]:
    """Queue one run, wait for its end; the seconds of each phase up to its first step."""
    run_id = topology.submit_job(JOB)
    topology.wait_for_run(run_id, timeout=120)
    times = {}
    for name, start, end in PHASES:
        times[name] = _first(topology, run_id, end) - _first(topology, run_id, start)
    times["queued to first step"] = sum(times.values())
    return times


def idle_memory(topology: Topology) -> dict[str, float]:
    """Median over a few samples of each process tree's summed VmRSS, in MB."""
    samples: dict[str, list[float]] = {name: [] for name in topology.services}
    for _ in range(SAMPLES):
        for name, service in topology.services.items():
            samples[name].append(rss_mb(process_tree(service.pid)))
        time.sleep(1.0)
    return {name: statistics.median(values) for name, values in samples.items()}


def run(uri: str, *, quick: bool, command: str) -> None:
    repeats = 2 if quick else REPEATS
    work = common.WORK_DIR / "deploy_topology"
    shutil.rmtree(work, ignore_errors=True)
    instance_db = common.fresh_database(uri, "deploy_instance", migrate=False)
    benchmark_db = common.fresh_database(uri, "deploy")
    registry = FakeCtgovServer(generate_records(TRIALS, seed=0))
    with instance_db as instance_dsn, benchmark_db as dsn, registry:
        started = time.perf_counter()
        with production_topology(instance_dsn, dsn, registry.base_url, work) as topology:
            up_s = time.perf_counter() - started
            print(f"topology up in {up_s:.1f} s: {topology.ready_after}", flush=True)
            time.sleep(SETTLE_S)
            before = idle_memory(topology)
            interval = topology.instance.run_coordinator.dequeue_interval_seconds
            runs = []
            pause = random.Random(SEED)
            for n in range(repeats):
                # Queued at a random moment of the daemon's cycle: right after a run's end, the
                # next would always meet the same phase of it.
                time.sleep(pause.uniform(0, interval))
                runs.append(one_run(topology))
                print(f"run {n + 1}: {runs[-1]}", flush=True)
            time.sleep(SETTLE_S)
            after = idle_memory(topology)
            trees = {
                name: [rss_mb([pid]) for pid in process_tree(s.pid)]
                for name, s in topology.services.items()
            }
            ready = dict(topology.ready_after)
    shutil.rmtree(work, ignore_errors=True)
    _write(command, runs, before, after, trees, ready, up_s, interval)


def _write(command, runs, before, after, trees, ready, up_s, interval) -> None:
    names = [name for name, _, _ in PHASES] + ["queued to first step"]
    latency = common.md_table(
        ["phase", f"median s (of {len(runs)})", "each run s"],
        [
            [
                name,
                common.fmt_s(statistics.median(r[name] for r in runs)),
                " / ".join(f"{r[name]:.2f}" for r in runs),
            ]
            for name in names
        ],
    )
    memory = common.md_table(
        [
            "process",
            "ready after s",
            "idle RSS MB, before any run",
            "idle RSS MB, after the runs",
            "each process of the tree after the runs, MB",
        ],
        [
            [
                name,
                common.fmt_s(ready[name]),
                f"{before[name]:.0f}",
                f"{after[name]:.0f}",
                " + ".join(f"{mb:.0f}" for mb in trees[name]),
            ]
            for name in ("code-server", "daemon", "webserver")
        ],
    )
    summary = [
        f"- The daemon looks at the queue every {interval} s (`dequeue_interval_seconds`, "
        "Dagster's default; deploy/dagster.yaml leaves it): a run waits between 0 and that long "
        "before the daemon takes it, about half of it on average.",
        f"- Start-up, from the first process started to all three ready: {up_s:.1f} s (the code "
        "server first, as compose orders them; the daemon and the webserver together after it).",
        "- The code server's tree, parent first: `dagster code-server start` (a proxy), the "
        "`dagster api grpc` server it runs as a child and holds the code location, and, once a "
        "run worker has been spawned, multiprocessing's resource tracker; each run adds a worker "
        "process for its length, not counted here.",
    ]
    print("\n" + latency + "\n\n" + memory + "\n\n" + "\n".join(summary) + "\n")
    common.write_section(
        "deploy",
        "\n".join(
            [
                common.section_header(
                    "Deployed topology: queue to first step, idle memory", command
                ),
                "The processes of deploy/compose on loopback (`dagster code-server start`, "
                "`dagster-daemon run`, `dagster-webserver`), deploy/dagster.yaml as the instance "
                "(runs and events in PostgreSQL), the fake registry with 1,600 trials. "
                f"`{JOB}` queued through GraphQL, one run at a time, each after a random pause "
                "of up to one dequeue interval; phases from its run events: "
                "queue (RUN_ENQUEUED to RUN_STARTING, the daemon's dequeue), launch (RUN_STARTING "
                "to RUN_START, the run worker's process start and imports), run start (RUN_START "
                "to the first STEP_START).",
                "",
                latency,
                "",
                "Resident memory (VmRSS, summed over each process's tree), median of "
                f"{SAMPLES} samples 1 s apart, {SETTLE_S:.0f} s after start-up and after the "
                "last run:",
                "",
                memory,
                "",
                *summary,
            ]
        ),
    )


if __name__ == "__main__":
    common.standalone(run, __doc__.splitlines()[0])

"""Peak memory of a 100k-trial run: fetch from the fake, parse and load, in a child process.

The fake API and its 100k records live in this (parent) process, so they are not counted. The
run happens in a grandchild started by a small launcher process: Linux carries the parent's
peak RSS over a fork and exec into the new process's ``ru_maxrss``, so a child forked straight
from this large process would report this process's size, not its own. The launcher reads the
run's ``RUSAGE_CHILDREN`` ``ru_maxrss``; the run also reports its own address space's high-water
mark (``VmHWM``) as a cross-check. A run that only imports the same modules gives the floor.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import common

TRIALS = 100_000
SEED = 0
CLI = "Dagster CLI (dagster asset materialize)"
MODES = ("imports only", "bare library calls", CLI, "Dagster materialize (in process)")
TRIALS_SELECTION = "benchmark_schema,raw_benchmark_trials,benchmark_trials"
TARGET_MB = 300
BEFORE = (
    "Before pages were decoded as they arrive, every search's raw JSON was held until all of "
    "them had been read: the same run peaked at 812 MB bare and 939 MB through Dagster "
    "(ru_maxrss, 2026-11-24)."
)


def _child(mode: str, dsn: str, base_url: str) -> dict[str, object]:
    """Runs in the child: the work for ``mode``; returns what to print as JSON."""
    import time

    import dagster as dg
    import psycopg

    from benchmarks import pipeline

    started = time.perf_counter()
    result: dict[str, object] = {}
    if mode == "bare library calls":
        result = pipeline.bare_run(dsn, base_url)
    elif mode == CLI:
        # How the pipeline runs for real (make materialize, the scheduled refresh): one run
        # worker process; the launcher's RUSAGE_CHILDREN peak covers it.
        with tempfile.TemporaryDirectory() as home:
            done = subprocess.run(
                [str(Path(sys.executable).parent / "dagster"), "asset", "materialize",
                 "--select", TRIALS_SELECTION, "-m", "benchmark_pipeline"],
                cwd=common.REPO_ROOT,
                env={**os.environ, "DAGSTER_HOME": home, "SUPABASE_DB_URL": dsn,
                     "CTGOV_API_URL": base_url},
                capture_output=True,
                text=True,
                check=False,
            )  # fmt: skip
        if done.returncode:
            raise RuntimeError(done.stderr[-4000:])
    elif mode == "Dagster materialize (in process)":
        # dg.materialize keeps every step's output for its caller (result.output_for_node),
        # so the raw value stays alive beside the copy the load step reads back.
        result = pipeline.dagster_run(dsn, base_url, with_checks=False)
    elif mode != "imports only":
        raise ValueError(mode)
    if mode != "imports only":
        with psycopg.connect(dsn) as conn:
            result["rows"] = conn.execute(
                "SELECT count(*) FROM public.benchmark_trials"
            ).fetchone()[0]
    elif mode != "imports only":
        raise ValueError(mode)
    del dg
    result["seconds"] = time.perf_counter() - started
    result["vmhwm_mb"] = common.vmhwm_mb()
    return result


def run(uri: str, *, quick: bool, command: str) -> None:
    from benchmark_pipeline_tests.fakes import FakeCtgovServer, generate_records

    print(f"generating {TRIALS:,} fake records ...", flush=True)
    records = generate_records(TRIALS, seed=SEED)
    rows = []
    with FakeCtgovServer(records) as server:
        for mode in MODES:
            with common.fresh_database(uri, "memory", migrate=False) as dsn:
                done = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "benchmarks.memory",
                        "--launch",
                        mode,
                        dsn,
                        server.base_url,
                    ],
                    cwd=common.REPO_ROOT,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if done.returncode:
                    raise RuntimeError(f"{mode} child failed:\n{done.stderr[-4000:]}")
                reported = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(
                [
                    mode,
                    f"{reported['maxrss_mb']:,.0f}",
                    f"{reported['vmhwm_mb']:,.0f}",
                    common.fmt_int(reported.get("rows", 0)) if "rows" in reported else "-",
                    common.fmt_s(reported["seconds"]),
                ]
            )
            print(f"  {mode}: {reported['maxrss_mb']:,.0f} MB peak RSS", flush=True)
    judged = ("bare library calls", CLI)
    peaks = [float(r[1].replace(",", "")) for r in rows if r[0] in judged]
    verdict = "met" if max(peaks) <= TARGET_MB else "NOT met"
    table = common.md_table(
        [
            "child process",
            "peak RSS MB (ru_maxrss, RUSAGE_CHILDREN)",
            "peak RSS MB (VmHWM)",
            "trials loaded",
            "work s",
        ],
        rows,
    )
    print("\n" + table + "\n")
    common.write_section(
        "memory",
        "\n".join(
            [
                common.section_header(f"Peak memory of a {TRIALS:,}-trial run", command),
                f"{TRIALS:,} fake records served by the loopback fake from the parent process; "
                "each run, in a process of its own started by a small launcher, fetches every "
                "page of every modality search (no pacing), parses and loads into an empty "
                "database; each page is decoded into rows as it arrives, so no page outlives its "
                "turn. Through Dagster two ways: the command `make materialize` and the "
                "scheduled refresh run (`dagster asset materialize`, one run worker process "
                "handing the raw value to the load step through the project's IO manager: "
                "pickled to the instance's storage and read back; the launcher's "
                "RUSAGE_CHILDREN peak covers that process, the VmHWM column is the launching "
                "child's own), and the in-process `dagster.materialize` the tests use, which also "
                "keeps every step's output for its caller, so the raw value stays alive beside "
                "the copy the load step reads back. `ru_maxrss` is the launcher's RUSAGE_CHILDREN "
                "figure for the run; `VmHWM` is the run's own high-water mark from /proc.",
                "",
                table,
                "",
                f"Target: at most {TARGET_MB} MB peak RSS for the bare run and the Dagster run "
                f"as the pipeline runs (the CLI): {verdict}.",
                "",
                BEFORE,
            ]
        ),
    )


def main(argv: list[str]) -> None:
    common.main_with_children(
        "benchmarks.memory", MODES, ["dsn", "base_url"], _child, run, __doc__.splitlines()[0], argv
    )


if __name__ == "__main__":
    main(sys.argv[1:])

"""Every benchmark in one run, on one dedicated embedded PostgreSQL; rewrites RESULTS.md.

.venv/bin/python -m benchmarks.run_all            # 1.6k, 100k and 500k rows (~15 min)
.venv/bin/python -m benchmarks.run_all --quick    # 1.6k and 100k only (~3 min)
"""

import argparse
import time

from benchmarks import (
    cohort_csv,
    common,
    deploy_topology,
    incremental_fetch,
    load_throughput,
    materialize,
    memory,
    parse_throughput,
    pipeline,
    results_decoding,
    teds_aggregate,
)

BENCHMARKS = {
    "load": load_throughput.run,
    "parse": parse_throughput.run,
    "results": results_decoding.run,
    "pipeline": pipeline.run,
    "incremental": incremental_fetch.run,
    "materialize": materialize.run,
    "memory": memory.run,
    "cohort_csv": cohort_csv.run,
    "teds": teds_aggregate.run,
    "deploy": deploy_topology.run,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1.6k and 100k rows only",
    )
    parser.add_argument(
        "--only", choices=list(BENCHMARKS), action="append", help="run only these (repeatable)"
    )
    parser.add_argument(
        "--keep-server", action="store_true", help="leave the benchmark's PostgreSQL running"
    )
    args = parser.parse_args(argv)
    command = common.command_line()
    started = time.perf_counter()
    uri = common.server_uri()
    try:
        info = common.write_machine_section(uri, command)
        print(info.markdown() + "\n", flush=True)
        for name in args.only or BENCHMARKS:
            print(f"== {name} ==", flush=True)
            BENCHMARKS[name](uri, quick=args.quick, command=command)
    finally:
        if not args.keep_server:
            common.stop_server()
    print(f"done in {time.perf_counter() - started:.0f} s; see {common.RESULTS}")


if __name__ == "__main__":
    main()

"""``python -m benchmark_pipeline_tests.fakes serve --port 8765 [--trials N --seed S]``: the fake
ClinicalTrials.gov API on loopback, with generated records, until Ctrl-C."""

import argparse
import signal
import sys
import threading

from .ctgov_records import generate_records
from .ctgov_server import FakeCtgovServer

DEFAULT_TRIALS = 1_600
DEFAULT_SEED = 7


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmark_pipeline_tests.fakes")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the fake API on 127.0.0.1 until Ctrl-C")
    serve.add_argument("--port", type=int, default=8765, help="port (0: any free one)")
    serve.add_argument("--trials", type=int, default=DEFAULT_TRIALS, help="records to serve")
    serve.add_argument("--seed", type=int, default=DEFAULT_SEED, help="record generator seed")
    args = parser.parse_args(argv)

    records = generate_records(args.trials, seed=args.seed)
    stop = threading.Event()
    # Both stop it, even where the shell that started it in the background ignores SIGINT.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with FakeCtgovServer(records, port=args.port) as server:
        print(f"{server.base_url}  ({len(records):,} trials, seed {args.seed}; Ctrl-C stops)")
        sys.stdout.flush()
        stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

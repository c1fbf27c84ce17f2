"""Where one 100k-row load's time goes: staging (Python encoding + COPY) against the upsert.

Prints a table; writes nothing. ``.venv/bin/python -m benchmarks.loader_split``
"""

import time

from benchmark_pipeline.lib.postgres import staged_upsert
from benchmark_pipeline.lib.trials.load import LOADED_COLUMNS, TRIALS_TABLE
from benchmark_pipeline.resources import PostgresResource
from benchmarks import common
from benchmarks.load_throughput import trial_frame

ROWS = 100_000
REPEATS = 3


def main() -> None:
    frame = trial_frame(ROWS).assign(missing_since=None)
    uri = common.server_uri()
    rows = []
    try:
        for attempt in range(1, REPEATS + 1):
            with common.fresh_database(uri, "split") as dsn:
                with PostgresResource(database_url=dsn).connect(autocommit=True) as conn:
                    common.checkpoint(uri)
                    started = time.perf_counter()
                    with conn.transaction():
                        stage = staged_upsert.stage_frame(conn, TRIALS_TABLE, frame, LOADED_COLUMNS)
                        staged = time.perf_counter()
                        staged_upsert.upsert_from_stage(
                            conn, TRIALS_TABLE, stage, key=["nct_id"], columns=LOADED_COLUMNS
                        )
                        upserted = time.perf_counter()
                    done = time.perf_counter()
            rows.append(
                [
                    str(attempt),
                    common.fmt_s(staged - started),
                    common.fmt_s(upserted - staged),
                    common.fmt_s(done - started),
                ]
            )
    finally:
        common.stop_server()
    headers = ["run", "stage s (encode + COPY)", "upsert s", "load s (with commit)"]
    print(common.md_table(headers, rows))


if __name__ == "__main__":
    main()

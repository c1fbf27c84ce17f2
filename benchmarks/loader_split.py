"""Where one 100k-row load's time goes, for a first load and for an unchanged re-run.

First load: lock + emptiness check, one checked binary COPY into the table, its rows hashed as
they are sent, keeping the fingerprints, commit. Re-run: lock + emptiness
check, the rows' fingerprints, the comparison with the last load's, staging and MERGE of the
rows whose fingerprint changed (none), commit. Prints a table; writes nothing.
``.venv/bin/python -m benchmarks.loader_split``
"""

import time

from benchmark_pipeline.lib.postgres import fingerprints, staged_upsert
from benchmark_pipeline.lib.trials.load import LOADED_COLUMNS, TRIALS_TABLE
from benchmark_pipeline.resources import PostgresResource
from benchmarks import common
from benchmarks.load_throughput import trial_frame

ROWS = 100_000
REPEATS = 3
KEY = ["nct_id"]


def _load(conn, frame) -> list[float]:
    """Seconds of: lock + empty check, fingerprints, comparison, COPY or staging + MERGE,
    keeping the fingerprints, commit, and the whole load (the same steps ``upsert_frame``
    takes, timed one by one)."""
    marks = [time.perf_counter()]
    with conn.transaction():
        staged_upsert.lock_for_load(conn, TRIALS_TABLE)
        fingerprints.hold_table(conn, TRIALS_TABLE)
        empty = staged_upsert.table_is_empty(conn, TRIALS_TABLE)
        marks.append(time.perf_counter())
        if empty:
            # The rows are hashed as the COPY sends them (copy_into_empty): one column for both.
            staged_upsert.copy_into_empty(conn, TRIALS_TABLE, frame, LOADED_COLUMNS, key=KEY)
            marks += [marks[-1], marks[-1], time.perf_counter(), time.perf_counter()]
        else:
            keys = fingerprints.row_keys(frame, KEY)
            current = fingerprints.row_fingerprints(conn, TRIALS_TABLE, frame, LOADED_COLUMNS)
            marks.append(time.perf_counter())
            previous = fingerprints.recorded(conn, TRIALS_TABLE)
            send = fingerprints.changed_rows(previous, LOADED_COLUMNS, keys, current)
            marks.append(time.perf_counter())
            if send.any():
                stage = staged_upsert.stage_frame(conn, TRIALS_TABLE, frame[send], LOADED_COLUMNS)
                staged_upsert.upsert_from_stage(
                    conn, TRIALS_TABLE, stage, key=KEY, columns=LOADED_COLUMNS
                )
            marks.append(time.perf_counter())
            if send.any() or previous is None:
                fingerprints.record(conn, TRIALS_TABLE, LOADED_COLUMNS, keys, current)
            marks.append(time.perf_counter())
    marks.append(time.perf_counter())
    return [b - a for a, b in zip(marks, marks[1:], strict=False)] + [marks[-1] - marks[0]]


def main() -> None:
    frame = trial_frame(ROWS).assign(missing_since=None)
    uri = common.server_uri()
    rows = []
    try:
        for attempt in range(1, REPEATS + 1):
            with common.fresh_database(uri, "split") as dsn:
                with PostgresResource(database_url=dsn).connect(autocommit=True) as conn:
                    for step in ("first load", "unchanged re-run"):
                        if step != "first load":
                            conn.execute("VACUUM (ANALYZE) public.benchmark_trials")
                        common.checkpoint(uri)
                        rows.append([str(attempt), step, *map(common.fmt_s, _load(conn, frame))])
    finally:
        common.stop_server()
    headers = [
        "run",
        "step",
        "lock + empty? s",
        "fingerprints s",
        "compare s",
        "COPY, or staging + MERGE s",
        "keep fingerprints s",
        "commit s",
        "load s",
    ]
    print(common.md_table(headers, rows))


if __name__ == "__main__":
    main()

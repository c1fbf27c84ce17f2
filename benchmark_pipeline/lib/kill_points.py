"""Named instants of a run at which a test can stop the process dead, to show that a process
killed there loses nothing (``benchmark_pipeline_tests/end_to_end/test_killed_runs.py``).

``BENCHMARK_KILL_AT=<point>`` (or ``<point>#<n>``: its n-th passing) makes ``reached(point)``
send the process SIGKILL: no handler, no ``finally``, no cleanup, as the kernel's OOM killer or a
lost machine ends it. With ``BENCHMARK_KILL_PAUSE=<file>`` as well, the process instead writes
that file and waits until it is deleted, so a test can act meanwhile (stop the database server).
Unset, as always outside those tests, ``reached`` compares one string and returns. The
variables are read at the first call, so a process forked after importing this reads its own.
"""

import os
import signal
import time
from pathlib import Path

KILL_AT = "BENCHMARK_KILL_AT"
KILL_PAUSE = "BENCHMARK_KILL_PAUSE"

# A load's rows are in its staging table; the MERGE into the table has not run.
STAGED = "staged"
# A load has written everything in its transaction; COMMIT has not been sent.
BEFORE_COMMIT = "before_commit"
# A load has committed; Dagster has not yet recorded the materialization.
COMMITTED = "committed"
# The IO manager has written a value beside its file; the rename into place has not happened.
VALUE_WRITTEN = "value_written"
POINTS = (STAGED, BEFORE_COMMIT, COMMITTED, VALUE_WRITTEN)

_armed: list[str | int] | None = None  # [point, passings left], read on the first call


def reached(point: str) -> None:
    """Kill (or pause) the process if ``point`` is the armed one and this is its armed passing."""
    global _armed
    if _armed is None:
        armed, _, nth = os.environ.get(KILL_AT, "").partition("#")
        _armed = [armed, int(nth or 1)]
    if point != _armed[0]:
        return
    _armed[1] -= 1
    if _armed[1]:
        return
    pause = os.environ.get(KILL_PAUSE)
    if not pause:
        os.kill(os.getpid(), signal.SIGKILL)
    marker = Path(pause)
    marker.write_text(f"{os.getpid()} paused at {point}\n")
    while marker.exists():
        time.sleep(0.05)

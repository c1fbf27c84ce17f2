"""The load's table lock, with real concurrent connections: a second writer waits for the first
to commit, readers (``FOR UPDATE`` too) do not wait. Every wait is bounded by a timeout, so a
wrong lock fails the test in seconds instead of hanging it."""

import threading
import time

import pandas as pd
import psycopg
import pytest

from benchmark_pipeline.lib.postgres.staged_upsert import upsert_frame

TABLE = "public.kv_probe"
BOUND_S = 10


def _other(database_url: str, **settings: str) -> psycopg.Connection:
    """Another session on the test's database, every statement bounded in time."""
    options = {"statement_timeout": f"{BOUND_S}s", **settings}
    return psycopg.connect(
        database_url,
        autocommit=True,
        options=" ".join(f"-c {name}={value}" for name, value in options.items()),
    )


def _load(conn: psycopg.Connection, frame: pd.DataFrame):
    return upsert_frame(conn, TABLE, frame, key=["k"], columns=["k", "v"])


def _waits_for(conn: psycopg.Connection, pid: int) -> list[str]:
    """The locks session ``pid`` is waiting for, as ``locktype:relation``; empty if none."""
    return [
        lock
        for (lock,) in conn.execute(
            "SELECT locktype || ':' || coalesce(relation::regclass::text, '')"
            " FROM pg_locks WHERE pid = %s AND NOT granted",
            [pid],
        )
    ]


FRAME = pd.DataFrame({"k": ["a", "b", "c"], "v": [1, 2, 3]})


@pytest.mark.parametrize("populated", [False, True], ids=["empty-copy", "staged-merge"])
def test_a_second_writer_waits_until_the_first_commits(kv_probe, database_url, populated):
    if populated:
        with kv_probe.transaction():
            _load(kv_probe, FRAME.iloc[:1])
    result: dict[str, object] = {}
    with _other(database_url) as second:

        def write() -> None:
            try:
                with second.transaction():
                    result["counts"] = _load(second, FRAME)
            except Exception as exc:  # handed to the test thread below
                result["error"] = exc

        with kv_probe.transaction():
            first = _load(kv_probe, FRAME)
            writer = threading.Thread(target=write, daemon=True)
            writer.start()
            deadline = time.monotonic() + BOUND_S
            while not (waits := _waits_for(kv_probe, second.info.backend_pid)):
                assert writer.is_alive(), result
                assert time.monotonic() < deadline, "the second writer never waited"
                time.sleep(0.02)
            # On the table itself, not on a row or a key the first writer holds.
            assert waits == ["relation:kv_probe"]
            time.sleep(0.2)
            assert writer.is_alive() and not result  # still waiting while the first is open
        writer.join(BOUND_S)
    assert not writer.is_alive()
    assert "error" not in result, result["error"]
    # It ran after the commit: it saw the first writer's rows, and found nothing to change.
    counts = result["counts"]
    assert (first.inserted, counts.inserted, counts.updated, counts.unchanged) == (
        2 if populated else 3,
        0,
        0,
        3,
    )


def test_a_second_writer_gives_up_at_its_timeout(kv_probe, database_url):
    with _other(database_url, lock_timeout="200ms") as second, kv_probe.transaction():
        _load(kv_probe, FRAME)
        with pytest.raises(psycopg.errors.LockNotAvailable), second.transaction():
            _load(second, FRAME)
    assert kv_probe.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] == 3


def test_readers_and_row_lockers_do_not_wait_for_an_unchanged_load(kv_probe, database_url):
    with kv_probe.transaction():
        _load(kv_probe, FRAME)
    with _other(database_url, lock_timeout="500ms") as reader, kv_probe.transaction():
        counts = _load(kv_probe, FRAME)
        assert counts.unchanged == 3
        # MERGE locked no row it left unchanged, so even FOR UPDATE gets every row at once.
        assert reader.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] == 3
        with reader.transaction():
            locked = reader.execute(f"SELECT k FROM {TABLE} ORDER BY k FOR UPDATE").fetchall()
        assert [k for (k,) in locked] == ["a", "b", "c"]

"""PostgresResource: Supabase-style connections, the embedded default, no leaked password;
the IO manager's whole-file writes."""

import threading

import dagster as dg
import pytest
from upath import UPath

from benchmark_pipeline.lib.postgres.dsn import password_of, redact
from benchmark_pipeline.resources import (
    DatabaseConnectionError,
    PostgresResource,
    ValueFilesIOManager,
)

SECRET = "s3cr3t-Pa55word"


@pytest.mark.parametrize(
    "dsn",
    [
        f"postgresql://postgres.abcd:{SECRET}@aws-0-example.pooler.supabase.com:6543/postgres",
        f"postgres://user:{SECRET}@db.example.supabase.co:5432/postgres?sslmode=require",
        f"host=localhost user=u password={SECRET} dbname=d",
        f"host=localhost user=u password='{SECRET}' dbname=d",
    ],
)
def test_redact_masks_passwords(dsn):
    assert password_of(dsn) == SECRET
    masked = redact(f"could not connect with {dsn}")
    assert SECRET not in masked
    assert "***" in masked


def test_connection_error_never_shows_the_password():
    # Nothing listens on port 1: the connection fails at once, with libpq's own message.
    resource = PostgresResource(
        database_url=f"postgresql://benchmark:{SECRET}@127.0.0.1:1/postgres"
    )
    with pytest.raises(DatabaseConnectionError) as raised:
        with resource.connect():
            pass
    text = str(raised.value) + repr(raised.value)
    assert SECRET not in text
    assert "127.0.0.1" in text
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert SECRET not in resource.describe()


def test_connections_carry_application_name_and_statement_timeout(postgres):
    with postgres.connect() as conn:
        name = conn.execute("SHOW application_name").fetchone()[0]
        timeout = conn.execute("SHOW statement_timeout").fetchone()[0]
        temp_buffers = conn.execute("SHOW temp_buffers").fetchone()[0]
        assert conn.prepare_threshold is None
    assert name == "benchmark_pipeline"
    assert timeout == "5min"
    assert temp_buffers == "64MB"


def test_a_failed_block_rolls_back(postgres):
    with postgres.connect() as conn:
        conn.execute("CREATE TABLE public.scratch (a int)")
    with pytest.raises(RuntimeError), postgres.connect() as conn:
        conn.execute("INSERT INTO public.scratch VALUES (1)")
        raise RuntimeError("failed mid-load")
    with postgres.connect() as conn:
        assert conn.execute("SELECT count(*) FROM public.scratch").fetchone()[0] == 0


def test_embedded_default_starts_and_is_shared(pg_server_dir):
    first = PostgresResource(embedded_pg_dir=str(pg_server_dir))
    second = PostgresResource(embedded_pg_dir=str(pg_server_dir))
    assert first.is_embedded
    with first.connect() as a, second.connect() as b:
        pid_a = a.execute("SELECT pg_backend_pid()").fetchone()[0]
        seen = b.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid_a,)
        ).fetchone()[0]
    assert seen == 1
    assert "embedded PostgreSQL" in first.describe()


class _Paused:
    """Pickles only once ``go`` is set, after the bytes before it have reached the file."""

    def __init__(self, reached: threading.Event, go: threading.Event) -> None:
        self.reached, self.go = reached, go

    def __reduce__(self):
        self.reached.set()
        assert self.go.wait(30)
        return (str, ("written",))


def test_a_value_being_written_is_never_read_half_written(tmp_path):
    files = ValueFilesIOManager(base_dir=str(tmp_path)).create_io_manager(
        dg.build_init_resource_context()
    )
    path = UPath(tmp_path) / "raw_benchmark_trials"
    files.dump_to_path(None, ["previous run", *range(100_000)], path)
    reached, go = threading.Event(), threading.Event()
    writer = threading.Thread(
        target=files.dump_to_path, args=(None, [*range(100_000), _Paused(reached, go)], path)
    )
    writer.start()
    try:
        assert reached.wait(30)  # 100k ints already pickled and flushed, the rest not yet
        assert files.load_from_path(None, path)[0] == "previous run"
    finally:
        go.set()
        writer.join(30)
    assert files.load_from_path(None, path)[-1] == "written"
    assert [p.name for p in tmp_path.iterdir()] == ["raw_benchmark_trials"]

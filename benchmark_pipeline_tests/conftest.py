"""One embedded PostgreSQL per test session; a fresh database for every test that asks."""

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from benchmark_pipeline.lib.embedded_postgres import ensure_server, stop_server
from benchmark_pipeline.resources import PostgresResource

SHARED_REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


@pytest.fixture(scope="session")
def pg_server_dir() -> Iterator[Path]:
    """Data directory of the session's embedded server, outside the repo's own state."""
    base = Path(tempfile.mkdtemp(prefix="bp-pg-"))
    pgdata = base / "postgres"
    previous = os.environ.get("BENCHMARK_EMBEDDED_PG_DIR")
    os.environ["BENCHMARK_EMBEDDED_PG_DIR"] = str(pgdata)
    os.environ.pop("SUPABASE_DB_URL", None)
    ensure_server(pgdata)
    yield pgdata
    stop_server(pgdata)
    shutil.rmtree(base, ignore_errors=True)
    if previous is None:
        os.environ.pop("BENCHMARK_EMBEDDED_PG_DIR", None)
    else:
        os.environ["BENCHMARK_EMBEDDED_PG_DIR"] = previous


@pytest.fixture(scope="session")
def server_uri(pg_server_dir: Path) -> str:
    return ensure_server(pg_server_dir)


def _with_database(uri: str, database: str) -> str:
    conninfo = psycopg.conninfo.conninfo_to_dict(uri)
    conninfo["dbname"] = database
    return psycopg.conninfo.make_conninfo(**conninfo)


@pytest.fixture
def database_url(server_uri: str) -> Iterator[str]:
    """A new, empty database on the session's server; dropped after the test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_uri, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _with_database(server_uri, name)
    with psycopg.connect(server_uri, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres(database_url: str) -> PostgresResource:
    """The project's resource, pointed at the test's own database."""
    return PostgresResource(database_url=database_url)


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(database_url, autocommit=True) as connection:
        yield connection


@pytest.fixture
def migrated(conn: psycopg.Connection) -> psycopg.Connection:
    """``conn`` on a database where every migration in sql/ has been applied."""
    from benchmark_pipeline.constants import SQL_DIR
    from benchmark_pipeline.lib.migrations import apply_migrations, discover

    apply_migrations(conn, discover(SQL_DIR))
    return conn

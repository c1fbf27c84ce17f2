"""Fixtures only: one embedded PostgreSQL per test session, a fresh database for every test that
asks, and the reference folder. Importable helpers live in ``support/``."""

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from benchmark_pipeline.lib.postgres.embedded import ensure_server
from benchmark_pipeline.resources import PostgresResource
from benchmark_pipeline_tests.support.databases import (
    as_authenticator,
    fresh_database,
    session_server,
)
from benchmark_pipeline_tests.support.reference import ReferenceMissing, reference_path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    try:
        return (yield)
    except ReferenceMissing as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    try:
        return (yield)
    except ReferenceMissing as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def reference() -> Path:
    """The reference folder beside the checkout (``BENCHMARK_REFERENCE_DIR``)."""
    return reference_path()


@pytest.fixture(scope="session")
def pg_server_dir() -> Iterator[Path]:
    """Data directory of the session's embedded server, outside the repo's own state."""
    previous = os.environ.get("BENCHMARK_EMBEDDED_PG_DIR")
    with session_server() as pgdata:
        os.environ["BENCHMARK_EMBEDDED_PG_DIR"] = str(pgdata)
        os.environ.pop("SUPABASE_DB_URL", None)
        try:
            yield pgdata
        finally:
            if previous is None:
                os.environ.pop("BENCHMARK_EMBEDDED_PG_DIR", None)
            else:
                os.environ["BENCHMARK_EMBEDDED_PG_DIR"] = previous


@pytest.fixture(scope="session")
def server_uri(pg_server_dir: Path) -> str:
    """The session server's ``postgres`` login (not a superuser, as on hosted Supabase)."""
    return ensure_server(pg_server_dir)


@pytest.fixture
def database_url(server_uri: str) -> Iterator[str]:
    """A new, empty database on the session's server; dropped after the test."""
    with fresh_database(server_uri) as dsn:
        yield dsn


@pytest.fixture
def postgres(database_url: str) -> PostgresResource:
    """The project's resource, pointed at the test's own database."""
    return PostgresResource(database_url=database_url)


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(database_url, autocommit=True) as connection:
        yield connection


@pytest.fixture
def api(database_url: str) -> Iterator[psycopg.Connection]:
    """The test's database as Supabase's API reaches it: logged in as ``authenticator``, which
    may read nothing itself until a request's ``SET LOCAL ROLE`` (autocommit)."""
    with psycopg.connect(as_authenticator(database_url), autocommit=True) as connection:
        yield connection


@pytest.fixture
def migrated(conn: psycopg.Connection) -> psycopg.Connection:
    """``conn`` on a database where every migration in sql/ has been applied."""
    from benchmark_pipeline.constants import SQL_DIR
    from benchmark_pipeline.lib.schema.migrations import apply_migrations, discover

    apply_migrations(conn, discover(SQL_DIR))
    return conn

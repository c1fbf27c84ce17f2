"""Fixtures of the read API's tests: one migrated database per module with real rows in every
benchmark table, which the tests only read (every call as an API role is rolled back)."""

from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from benchmark_pipeline_tests.support.benchmark_rows import LoadedRows, load_benchmark_rows
from benchmark_pipeline_tests.support.databases import as_authenticator, fresh_database


@dataclass(frozen=True)
class Loaded:
    conn: psycopg.Connection  # autocommit, as the owner (the pipeline's role)
    api: psycopg.Connection  # autocommit, as authenticator: the API's login
    rows: LoadedRows


@pytest.fixture(scope="module")
def loaded(server_uri: str) -> Iterator[Loaded]:
    with fresh_database(server_uri, "read_api", migrate=True) as dsn:
        with (
            psycopg.connect(dsn, autocommit=True) as conn,
            psycopg.connect(as_authenticator(dsn), autocommit=True) as api,
        ):
            yield Loaded(conn, api, load_benchmark_rows(conn))

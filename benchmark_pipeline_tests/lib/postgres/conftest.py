"""Fixtures of the loader's tests."""

import psycopg
import pytest


@pytest.fixture
def kv_probe(conn: psycopg.Connection) -> psycopg.Connection:
    """``conn`` with ``public.kv_probe``: a text key, one integer value, an ``updated_at``."""
    conn.execute(
        "CREATE TABLE public.kv_probe (k text PRIMARY KEY, v integer,"
        " updated_at timestamptz NOT NULL DEFAULT now())"
    )
    return conn

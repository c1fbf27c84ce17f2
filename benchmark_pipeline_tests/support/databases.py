"""Databases on the embedded PostgreSQL for tests and benchmarks: one server per session, a fresh
database per test or measured variant, and no server left behind by an interrupted session."""

import contextlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

from benchmark_pipeline.lib.postgres.embedded import ensure_server, stop_server
from benchmark_pipeline.lib.postgres.hosted_supabase import AUTHENTICATOR
from benchmark_pipeline.lib.processes import alive
from benchmark_pipeline.lib.schema.read_api import CLAIMS

SERVER_PREFIX = "bp-pg-"
OWNER_FILE = "owner.pid"


def with_database(uri: str, database: str) -> str:
    """``uri`` pointed at another database on the same server."""
    return psycopg.conninfo.make_conninfo(uri, dbname=database)


def as_authenticator(dsn: str) -> str:
    """``dsn`` with PostgREST's login, ``authenticator``, for its user: the API connects so, then
    ``SET LOCAL ROLE``s to the request's role. No password: the embedded server trusts local
    logins."""
    return psycopg.conninfo.make_conninfo(dsn, user=AUTHENTICATOR)


def as_api_role(api: psycopg.Connection, role: str, statement: str) -> psycopg.Cursor:
    """``statement`` run on ``api`` (an ``authenticator`` connection) as PostgREST runs a
    request for ``role``: ``SET LOCAL ROLE`` and the JWT's claims, in a transaction rolled back.
    Errors raise; the returned cursor holds the rows and the row count."""
    with api.transaction(force_rollback=True):
        api.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
        claims = json.dumps({**CLAIMS, "role": role})
        api.execute("SELECT set_config('request.jwt.claims', %s, true)", [claims])
        return api.execute(statement)


@contextlib.contextmanager
def fresh_database(uri: str, label: str = "test", *, migrate: bool = False) -> Iterator[str]:
    """A new, empty database on the server at ``uri`` (migrated by ``sql/`` when asked);
    dropped afterwards. Yields its connection string."""
    name = f"{label}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    dsn = with_database(uri, name)
    try:
        if migrate:
            from benchmark_pipeline.constants import SQL_DIR
            from benchmark_pipeline.lib.schema.migrations import apply_migrations, discover

            with psycopg.connect(dsn, autocommit=True) as conn:
                apply_migrations(conn, discover(SQL_DIR))
        yield dsn
    finally:
        with psycopg.connect(uri, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reap_orphaned_servers(root: Path | None = None) -> list[Path]:
    """Stop and remove test servers whose owning process is gone (an interrupted session)."""
    root = Path(root or tempfile.gettempdir())
    reaped = []
    for base in root.glob(f"{SERVER_PREFIX}*"):
        owner = base / OWNER_FILE
        try:
            pid = int(owner.read_text())
        except (OSError, ValueError):
            continue
        if alive(pid):
            continue
        with contextlib.suppress(Exception):
            stop_server(base / "postgres")
        shutil.rmtree(base, ignore_errors=True)
        reaped.append(base)
    return reaped


@contextlib.contextmanager
def session_server() -> Iterator[Path]:
    """A private embedded server for one test session; its data directory is yielded.

    Stopped and removed at the end; if the session is killed before that, the next session's
    ``reap_orphaned_servers`` does it.
    """
    reap_orphaned_servers()
    base = Path(tempfile.mkdtemp(prefix=SERVER_PREFIX))
    (base / OWNER_FILE).write_text(str(os.getpid()))
    pgdata = base / "postgres"
    try:
        ensure_server(pgdata)
        yield pgdata
    finally:
        stop_server(pgdata)
        shutil.rmtree(base, ignore_errors=True)


def table_snapshot(conn: psycopg.Connection, table: str) -> list[tuple]:
    """Every row of ``public.<table>`` with every column, in a stable order: equal means
    unchanged."""
    return conn.execute(f"SELECT * FROM public.{table} ORDER BY 1, 2").fetchall()

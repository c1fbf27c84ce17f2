"""Hosted Supabase's roles, grants and event triggers, given to the embedded server.

On a hosted project the cluster's bootstrap superuser is ``supabase_admin``, the only superuser;
the login a project's owner (and this pipeline) uses, ``postgres``, is not one. What follows is
that shape, taken from supabase/postgres (``migrations/db/``), each part from the file named:

- ``init-scripts/00000000000000-initial-schema.sql``: ``anon``, ``authenticated`` and
  ``service_role`` (NOLOGIN, ``service_role`` BYPASSRLS); ``authenticator``, a LOGIN NOINHERIT
  member of the three, which PostgREST connects as and ``SET ROLE``s from; the schema
  ``extensions``; USAGE on ``public`` and ``extensions`` for postgres and the API roles; default
  privileges in ``public`` (for the role creating objects, then postgres, and for
  ``supabase_admin``) granting ALL on tables, functions and sequences to postgres and the API
  roles.
- ``migrations/10000000000000_demote-postgres.sql``: ``postgres`` is ``NOSUPERUSER CREATEDB
  CREATEROLE LOGIN REPLICATION BYPASSRLS`` with ALL on its database and on ``extensions``;
  ``migrate.sh`` makes it the owner of database ``postgres``, so it can create schemas there.
- ``migrations/20221103090837_revoke_admin.sql``: ``authenticator`` is no longer a member of
  ``supabase_admin``; ``20230529180330_alter_api_roles_for_inherit.sql``: the API roles INHERIT.
- ``migrations/20230201083204_grant_auth_roles_to_postgres.sql`` and (PostgreSQL 16 and later)
  ``20250605172253_grant_with_admin_to_postgres_16_and_above.sql``: postgres is a member of the
  API roles WITH ADMIN OPTION; ``20230306081037_grant_pg_monitor_to_postgres.sql`` and
  ``20240606060239_grant_predefined_roles_to_postgres.sql``: of ``pg_monitor``,
  ``pg_read_all_data`` and ``pg_signal_backend`` (which lets it drop a database another login
  is still connected to).
- ``init-scripts/00000000000003-post-setup.sql``: postgres's ``search_path``;
  ``20221028101028_set_authenticator_timeout.sql`` and
  ``20231130133139_set_lock_timeout_to_authenticator_role.sql``: authenticator's 8 s timeouts.
- ``20220126121436_finer-postgrest-triggers.sql``, updated by
  ``20260923021047_update_pgrst_watch_triggers.sql``: the event triggers ``pgrst_ddl_watch``
  (``ddl_command_end``) and ``pgrst_drop_watch`` (``sql_drop``), functions in ``extensions``
  owned by ``supabase_admin``, send ``NOTIFY pgrst, 'reload schema'`` when DDL changes what the
  API could serve. The bodies here are written from that description, not copied.

Default privileges and event triggers belong to one database, so they are set in ``postgres``
and in ``template1``, from which every ``CREATE DATABASE`` copies them.
"""

import psycopg
from psycopg import sql

ADMIN = "supabase_admin"
LOGIN = "postgres"
AUTHENTICATOR = "authenticator"
API_ROLES = ("anon", "authenticated", "service_role")
# Kept as template1's comment once the cluster is shaped; a new text here reshapes it.
SHAPE_MARK = "benchmark_pipeline: hosted Supabase's roles, grants and event triggers (1)"

ROLES_SQL = """
DO $roles$
DECLARE
  name text;
BEGIN
  FOREACH name IN ARRAY ARRAY['postgres', 'anon', 'authenticated', 'service_role', 'authenticator']
  LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) THEN
      EXECUTE format('CREATE ROLE %I', name);
    END IF;
  END LOOP;
END
$roles$;
ALTER ROLE postgres NOSUPERUSER CREATEDB CREATEROLE LOGIN REPLICATION BYPASSRLS INHERIT;
ALTER ROLE postgres SET search_path TO "$user", public, extensions;
ALTER ROLE anon NOLOGIN INHERIT NOBYPASSRLS;
ALTER ROLE authenticated NOLOGIN INHERIT NOBYPASSRLS;
ALTER ROLE service_role NOLOGIN INHERIT BYPASSRLS;
ALTER ROLE authenticator LOGIN NOINHERIT;
ALTER ROLE authenticator SET statement_timeout = '8s';
ALTER ROLE authenticator SET lock_timeout = '8s';
GRANT anon, authenticated, service_role TO authenticator;
GRANT anon, authenticated, service_role TO postgres WITH ADMIN OPTION;
GRANT pg_monitor, pg_read_all_data, pg_signal_backend TO postgres;
"""

POSTGRES_DATABASE_SQL = """
ALTER DATABASE postgres OWNER TO postgres;
GRANT ALL ON DATABASE postgres TO postgres;
"""

PGRST_WATCH_SQL = r"""
CREATE OR REPLACE FUNCTION extensions.pgrst_ddl_watch() RETURNS event_trigger
LANGUAGE plpgsql AS $function$
BEGIN
  -- What PostgREST caches (schemas, relations, functions, types, comments), outside temporary
  -- objects and Supabase's own schemas.
  IF EXISTS (
    SELECT FROM pg_event_trigger_ddl_commands() AS c
    WHERE (c.command_tag IN (
             'CREATE SCHEMA', 'ALTER SCHEMA', 'CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO',
             'ALTER TABLE', 'CREATE FOREIGN TABLE', 'ALTER FOREIGN TABLE', 'CREATE VIEW',
             'ALTER VIEW', 'CREATE MATERIALIZED VIEW', 'ALTER MATERIALIZED VIEW',
             'CREATE FUNCTION', 'ALTER FUNCTION', 'CREATE TYPE', 'ALTER TYPE', 'CREATE RULE',
             'COMMENT')
           AND coalesce(c.schema_name, '') NOT IN
             ('pg_temp', 'auth', 'realtime', '_realtime', 'storage'))
       OR (c.command_tag = 'CREATE TRIGGER' AND c.object_identity NOT LIKE '% pg\_temp.%')
  ) THEN
    NOTIFY pgrst, 'reload schema';
  END IF;
END
$function$;

CREATE OR REPLACE FUNCTION extensions.pgrst_drop_watch() RETURNS event_trigger
LANGUAGE plpgsql AS $function$
BEGIN
  IF EXISTS (
    SELECT FROM pg_event_trigger_dropped_objects() AS o
    WHERE (o.object_type IN (
             'schema', 'table', 'foreign table', 'view', 'materialized view', 'function',
             'type', 'rule')
           AND NOT o.is_temporary
           AND coalesce(o.schema_name, '') NOT IN ('auth', 'realtime', '_realtime', 'storage'))
       OR (o.object_type = 'trigger' AND o.object_identity NOT LIKE '% pg\_temp.%')
  ) THEN
    NOTIFY pgrst, 'reload schema';
  END IF;
END
$function$;

DO $triggers$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_event_trigger WHERE evtname = 'pgrst_ddl_watch') THEN
    CREATE EVENT TRIGGER pgrst_ddl_watch ON ddl_command_end
      EXECUTE FUNCTION extensions.pgrst_ddl_watch();
  END IF;
  IF NOT EXISTS (SELECT FROM pg_event_trigger WHERE evtname = 'pgrst_drop_watch') THEN
    CREATE EVENT TRIGGER pgrst_drop_watch ON sql_drop
      EXECUTE FUNCTION extensions.pgrst_drop_watch();
  END IF;
END
$triggers$;
"""

DATABASE_SQL = f"""
CREATE SCHEMA IF NOT EXISTS extensions;
GRANT ALL ON SCHEMA extensions TO postgres;
GRANT USAGE ON SCHEMA extensions TO anon, authenticated, service_role;
GRANT USAGE ON SCHEMA public TO postgres, anon, authenticated, service_role;
DO $defaults$
DECLARE
  creator text;
  kind text;
BEGIN
  FOREACH creator IN ARRAY ARRAY['postgres', 'supabase_admin'] LOOP
    FOREACH kind IN ARRAY ARRAY['TABLES', 'FUNCTIONS', 'SEQUENCES'] LOOP
      EXECUTE format(
        'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public'
        ' GRANT ALL ON %s TO postgres, anon, authenticated, service_role', creator, kind);
    END LOOP;
  END LOOP;
END
$defaults$;
{PGRST_WATCH_SQL}
"""


def is_shaped(admin: psycopg.Connection) -> bool:
    """Whether the cluster ``admin`` (a ``supabase_admin`` connection) reaches already has this
    version of the shape: ``SHAPE_MARK`` is template1's comment."""
    mark = admin.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = 'template1'"
    ).fetchone()[0]
    return mark == SHAPE_MARK


def shape_cluster(admin_uri: str) -> None:
    """Give the cluster behind ``admin_uri`` (``supabase_admin`` on database ``postgres``) hosted
    Supabase's roles, grants and event triggers; nothing when it has them already.

    Safe to call from several processes at once; it connects to ``template1`` only the first
    time, since a connection there makes a concurrent ``CREATE DATABASE`` fail.
    """
    with psycopg.connect(admin_uri, autocommit=True) as admin:
        # Role changes are cluster-wide: concurrent first starts would race on the same rows.
        admin.execute("SELECT pg_advisory_lock(hashtext('benchmark_pipeline.hosted_supabase'))")
        if is_shaped(admin):
            return
        admin.execute(ROLES_SQL)
        admin.execute(POSTGRES_DATABASE_SQL)
        admin.execute(DATABASE_SQL)
        template_uri = psycopg.conninfo.make_conninfo(admin_uri, dbname="template1")
        with psycopg.connect(template_uri, autocommit=True) as template:
            template.execute(DATABASE_SQL)
        admin.execute(
            sql.SQL("COMMENT ON DATABASE template1 IS {}").format(sql.Literal(SHAPE_MARK))
        )

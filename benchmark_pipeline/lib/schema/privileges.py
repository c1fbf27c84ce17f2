"""What Supabase's API roles may do with the benchmark tables and read functions, and what they
can do on the live database.

``anon`` (the public anon key) may do nothing; ``authenticated`` (a signed-in user) may SELECT a
table and EXECUTE a read function, nothing else. Row level security filters rows but does not
cover TRUNCATE, REFERENCES or TRIGGER, so the privileges themselves must be this narrow.
``service_role`` bypasses RLS by design and is left as Supabase sets it up.
"""

import psycopg

ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    "anon": {"table": frozenset(), "function": frozenset()},
    "authenticated": {"table": frozenset({"SELECT"}), "function": frozenset({"EXECUTE"})},
}
# Privileges a column grant can give as well as a table grant (has_any_column_privilege).
_COLUMN_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "REFERENCES")
_TABLE_ONLY_PRIVILEGES = ("DELETE", "TRUNCATE", "TRIGGER")


def _table_privileges(conn: psycopg.Connection) -> tuple[str, ...]:
    version = conn.execute("SHOW server_version_num").fetchone()[0]
    maintain = ("MAINTAIN",) if int(version) >= 170000 else ()
    return (*_COLUMN_PRIVILEGES, *_TABLE_ONLY_PRIVILEGES, *maintain)


def table_grants(conn: psycopg.Connection, role: str, table: str) -> list[str]:
    """Every privilege ``role`` holds on ``table`` (directly, through PUBLIC, or on a column)."""
    held = []
    for privilege in _table_privileges(conn):
        check = (
            "has_any_column_privilege" if privilege in _COLUMN_PRIVILEGES else "has_table_privilege"
        )
        if conn.execute(
            f"SELECT {check}(%s, %s::regclass, %s)", (role, table, privilege)
        ).fetchone()[0]:
            held.append(privilege)
    return held


def declared_functions(conn: psycopg.Connection, names: list[str]) -> list[str]:
    """The live functions in ``public`` with these names, as ``name(argtypes)``."""
    rows = conn.execute(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = 'public' AND p.proname = ANY(%s) ORDER BY 1",
        [names],
    ).fetchall()
    return [r[0] for r in rows]


def function_grants(conn: psycopg.Connection, role: str, signature: str) -> list[str]:
    held = conn.execute(
        "SELECT has_function_privilege(%s, %s::regprocedure, 'EXECUTE')", (role, signature)
    ).fetchone()[0]
    return ["EXECUTE"] if held else []


def privilege_problems(
    conn: psycopg.Connection, tables: list[str], function_names: list[str] = ()
) -> list[str]:
    """Every privilege an API role holds beyond ``ALLOWED`` on these tables and functions.

    Tables that do not exist (yet) are skipped; the schema checks report those.
    """
    problems = []
    existing = [t for t in tables if conn.execute("SELECT to_regclass(%s)", (t,)).fetchone()[0]]
    for role, allowed in ALLOWED.items():
        for table in existing:
            extra = [p for p in table_grants(conn, role, table) if p not in allowed["table"]]
            if extra:
                problems.append(f"{role} holds {', '.join(extra)} on {table}")
        for signature in declared_functions(conn, list(function_names)):
            extra = [
                p for p in function_grants(conn, role, signature) if p not in allowed["function"]
            ]
            if extra:
                problems.append(f"{role} may EXECUTE {signature}")
    return problems


def privilege_listing(
    conn: psycopg.Connection, tables: list[str], function_names: list[str] = ()
) -> dict[str, dict[str, list[str]]]:
    """role -> object -> privileges held, for the schema check's metadata."""
    existing = [t for t in tables if conn.execute("SELECT to_regclass(%s)", (t,)).fetchone()[0]]
    listing: dict[str, dict[str, list[str]]] = {}
    for role in ALLOWED:
        objects = {t: table_grants(conn, role, t) for t in existing}
        objects |= {
            f: function_grants(conn, role, f)
            for f in declared_functions(conn, list(function_names))
        }
        listing[role] = objects
    return listing

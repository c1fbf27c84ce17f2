"""What the migrations declare (tables, columns, indexes, policies, RLS) and how the live
database compares with it. The schema checks and the runner's post-apply verification use it."""

from collections.abc import Iterable
from dataclasses import dataclass, field

import psycopg
import psycopg.sql
from pglast import ast
from pglast.enums import AlterTableType

from benchmark_pipeline.lib.schema.statements import iter_statements, relation_name


@dataclass(frozen=True)
class Policy:
    name: str
    table: str
    command: str
    roles: tuple[str, ...]


@dataclass
class DeclaredSchema:
    columns: dict[str, list[str]] = field(default_factory=dict)  # "schema.table" -> columns
    indexes: dict[str, str] = field(default_factory=dict)  # index name -> "schema.table"
    policies: dict[str, Policy] = field(default_factory=dict)
    rls_tables: set[str] = field(default_factory=set)
    functions: list[str] = field(default_factory=list)  # names of functions in public

    def add_columns(self, table: str, columns: Iterable[str]) -> None:
        existing = self.columns.setdefault(table, [])
        existing.extend(c for c in columns if c not in existing)

    @property
    def tables(self) -> list[str]:
        return sorted(self.columns)

    @property
    def api_tables(self) -> list[str]:
        """The tables Supabase's API serves (schema public); the pipeline's own schema is not."""
        return [t for t in self.tables if t.startswith("public.")]


def declared_schema(sql_texts: Iterable[str]) -> DeclaredSchema:
    """Fold the statements of migrations, in order, into the schema they declare."""
    schema = DeclaredSchema()
    for sql in sql_texts:
        for stmt in iter_statements(sql):
            node = stmt.node
            if isinstance(node, ast.CreateStmt):
                cols = [e.colname for e in node.tableElts or () if isinstance(e, ast.ColumnDef)]
                schema.add_columns(relation_name(node.relation), cols)
            elif isinstance(node, ast.AlterTableStmt):
                table = relation_name(node.relation)
                for cmd in node.cmds or ():
                    if cmd.subtype == AlterTableType.AT_AddColumn:
                        schema.add_columns(table, [cmd.def_.colname])
                    elif cmd.subtype == AlterTableType.AT_EnableRowSecurity:
                        schema.rls_tables.add(table)
            elif isinstance(node, ast.IndexStmt) and node.idxname:
                schema.indexes[node.idxname] = relation_name(node.relation)
            elif isinstance(node, ast.CreateFunctionStmt):
                *schema_name, name = (part.sval for part in node.funcname)
                if schema_name in ([], ["public"]) and name not in schema.functions:
                    schema.functions.append(name)
            elif isinstance(node, ast.CreatePolicyStmt):
                roles = tuple(r.rolename or "public" for r in node.roles or ())
                schema.policies[node.policy_name] = Policy(
                    node.policy_name, relation_name(node.table), node.cmd_name, roles
                )
    return schema


def _split(table: str) -> tuple[str, str]:
    schema_name, _, name = table.partition(".")
    return schema_name, name


def live_columns(conn: psycopg.Connection, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
        _split(table),
    ).fetchall()
    return [r[0] for r in rows]


def live_rls_enabled(conn: psycopg.Connection, table: str) -> bool | None:
    row = conn.execute(
        "SELECT c.relrowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = %s AND c.relname = %s",
        _split(table),
    ).fetchone()
    return None if row is None else bool(row[0])


def live_policies(conn: psycopg.Connection, table: str) -> list[Policy]:
    rows = conn.execute(
        "SELECT policyname, cmd, roles::text[] FROM pg_policies"
        " WHERE schemaname = %s AND tablename = %s ORDER BY policyname",
        _split(table),
    ).fetchall()
    return [Policy(name, table, cmd.lower(), tuple(roles)) for name, cmd, roles in rows]


def live_indexes(conn: psycopg.Connection, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = %s ORDER BY 1",
        _split(table),
    ).fetchall()
    return [r[0] for r in rows]


def schema_problems(conn: psycopg.Connection, declared: DeclaredSchema) -> list[str]:
    """Everything the live database lacks of ``declared``; empty when it matches."""
    problems: list[str] = []
    for table, columns in declared.columns.items():
        live = live_columns(conn, table)
        if not live:
            problems.append(f"table {table} does not exist")
            continue
        problems += [f"{table} lacks column {c}" for c in columns if c not in live]
    for table in sorted(declared.rls_tables):
        if not live_rls_enabled(conn, table):
            problems.append(f"{table} does not have row level security enabled")
    for name, table in declared.indexes.items():
        if name not in live_indexes(conn, table):
            problems.append(f"index {name} on {table} does not exist")
    for policy in declared.policies.values():
        if policy.name not in {p.name for p in live_policies(conn, policy.table)}:
            problems.append(f"policy {policy.name} on {policy.table} does not exist")
    return problems


def rows_visible_to(conn: psycopg.Connection, role: str, table: str) -> int | None:
    """How many rows ``role`` can read from ``table``; None when it may not read it at all.

    Runs as ``SET LOCAL ROLE`` inside a savepoint, so nothing of it outlives the call.
    """
    try:
        with conn.transaction():
            conn.execute(psycopg.sql.SQL("SET LOCAL ROLE {}").format(psycopg.sql.Identifier(role)))
            schema_name, name = _split(table)
            query = psycopg.sql.SQL("SELECT count(*) FROM {}.{}").format(
                psycopg.sql.Identifier(schema_name), psycopg.sql.Identifier(name)
            )
            return conn.execute(query).fetchone()[0]
    except psycopg.errors.InsufficientPrivilege:
        return None

"""Checks on benchmark_schema: the live database against what sql/ declares."""

import dagster as dg

from benchmark_pipeline.constants import SQL_DIR
from benchmark_pipeline.defs.metadata import check_result, inline_table
from benchmark_pipeline.defs.stops import explains_stops
from benchmark_pipeline.lib.schema import catalog, migrations, privileges
from benchmark_pipeline.resources import PostgresResource

from .assets import benchmark_schema

WRITE_COMMANDS = {"insert", "update", "delete", "all"}


def _declared() -> catalog.DeclaredSchema:
    return catalog.declared_schema(m.sql for m in migrations.discover(SQL_DIR))


@dg.asset_check(
    asset=benchmark_schema,
    blocking=True,
    description=(
        "Every table the app reads has every column it expects: each table sql/ declares "
        "exists with all its columns."
    ),
)
@explains_stops
def declared_columns_exist(postgres: PostgresResource) -> dg.AssetCheckResult:
    declared = _declared()
    with postgres.connect() as conn:
        live = {t: catalog.live_columns(conn, t) for t in declared.tables}
        problems = catalog.schema_problems(conn, catalog.DeclaredSchema(columns=declared.columns))
    return check_result(
        problems,
        columns=inline_table(
            ["table", "columns"], [[t, ", ".join(cols)] for t, cols in live.items()]
        ),
    )


@dg.asset_check(
    asset=benchmark_schema,
    blocking=True,
    description=(
        "No benchmark table can be read past its access rules: row level security is enabled "
        "on every one."
    ),
)
@explains_stops
def rls_enabled(postgres: PostgresResource) -> dg.AssetCheckResult:
    declared = _declared()
    with postgres.connect() as conn:
        enabled = {t: catalog.live_rls_enabled(conn, t) for t in declared.tables}
    problems = [
        f"{t}: RLS {'missing table' if v is None else 'disabled'}"
        for t, v in enabled.items()
        if not v
    ]
    shown = {True: "enabled", False: "disabled", None: "missing table"}
    return check_result(
        problems,
        row_level_security=inline_table(
            ["table", "RLS"], [[t, shown[v]] for t, v in enabled.items()]
        ),
    )


@dg.asset_check(
    asset=benchmark_schema,
    blocking=True,
    description=(
        "A signed-in user can read each table the app serves and change none: exactly one "
        "SELECT policy for authenticated and no write policy."
    ),
)
@explains_stops
def select_only_policies(postgres: PostgresResource) -> dg.AssetCheckResult:
    declared = _declared()
    with postgres.connect() as conn:
        live = {t: catalog.live_policies(conn, t) for t in declared.api_tables}
    problems = []
    for table, policies in live.items():
        readers = [p for p in policies if p.command == "select" and "authenticated" in p.roles]
        if len(readers) != 1:
            problems.append(
                f"{table}: {len(readers)} SELECT policies for authenticated, expected 1"
            )
        problems += [
            f"{table}: write policy {p.name} (FOR {p.command.upper()})"
            for p in policies
            if p.command in WRITE_COMMANDS
        ]
    listing = [
        [t, p.name, p.command.upper(), ", ".join(p.roles)] for t, ps in live.items() for p in ps
    ]
    return check_result(problems, policies=inline_table(["table", "policy", "for", "to"], listing))


@dg.asset_check(
    asset=benchmark_schema,
    description=(
        "The app's look-ups stay fast: every index sql/ declares exists (a missing one slows "
        "reads and loses nothing, so it warns)."
    ),
)
def declared_indexes_exist(postgres: PostgresResource) -> dg.AssetCheckResult:
    declared = _declared()
    with postgres.connect() as conn:
        live = {t: catalog.live_indexes(conn, t) for t in declared.tables}
    problems = [
        f"index {name} on {table} does not exist"
        for name, table in declared.indexes.items()
        if name not in live.get(table, [])
    ]
    # A missing index slows reads; it loses nothing: a person should look, nothing should stop.
    return check_result(
        problems,
        severity=dg.AssetCheckSeverity.WARN,
        declared_indexes=f"{len(declared.indexes)} in sql/",
        indexes=inline_table(["table", "indexes"], [[t, ", ".join(ix)] for t, ix in live.items()]),
    )


@dg.asset_check(
    asset=benchmark_schema,
    blocking=True,
    description=(
        "Nobody who is not signed in can read a benchmark: the anonymous API role (anon) sees "
        "no row of any benchmark table."
    ),
)
@explains_stops
def anon_reads_no_rows(postgres: PostgresResource) -> dg.AssetCheckResult:
    declared = _declared()
    problems, visible = [], {}
    with postgres.connect() as conn:
        for table in declared.tables:
            rows = catalog.rows_visible_to(conn, "anon", table)
            visible[table] = "no privilege" if rows is None else rows
            if rows:
                problems.append(f"anon can read {rows} row(s) of {table}")
            open_policies = [
                p.name
                for p in catalog.live_policies(conn, table)
                if {"anon", "public"} & set(p.roles)
            ]
            if open_policies and rows is not None:
                problems.append(
                    f"{table}: policies open to anon/public: {', '.join(open_policies)}"
                )
        conn.rollback()
    return check_result(
        problems,
        anon_visible_rows=inline_table(
            ["table", "rows anon sees"], [[t, v] for t, v in visible.items()]
        ),
    )


@dg.asset_check(
    asset=benchmark_schema,
    blocking=True,
    description=(
        "The app's users can read and never write: anon holds nothing, authenticated SELECT on "
        "each "
        "benchmark table and EXECUTE on each read function (no INSERT, UPDATE, DELETE, TRUNCATE, "
        "REFERENCES or TRIGGER, which RLS does not cover)."
    ),
)
@explains_stops
def api_roles_least_privilege(postgres: PostgresResource) -> dg.AssetCheckResult:
    declared = _declared()
    with postgres.connect() as conn:
        problems = privileges.privilege_problems(conn, declared.tables, declared.functions)
        listing = privileges.privilege_listing(conn, declared.tables, declared.functions)
    rows = [
        [role, name, ", ".join(held) or "none"]
        for role, objects in listing.items()
        for name, held in objects.items()
    ]
    return check_result(problems, privileges=inline_table(["role", "object", "privileges"], rows))

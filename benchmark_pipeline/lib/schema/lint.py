"""The migration reviewer's rules, as code, over statements parsed by pglast.

A migration may add and loosen (new tables, columns and indexes; ``DROP NOT NULL``, ``DROP
DEFAULT``, ``SET NOT NULL``, which fails rather than loses data when a NULL is there). It may not
do anything that can lose or rewrite stored data or open a table: ``DROP``, ``TRUNCATE``,
``UPDATE``, an upsert or ``MERGE`` that updates or deletes, the destructive ``ALTER TABLE``
subcommands, and any ``DELETE`` except one that only removes extra copies of a key (as 061
does before creating its unique index).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pglast import ast, parser, visitors
from pglast.enums import AlterTableType, BoolExprType, CmdType, OnConflictAction

from benchmark_pipeline.lib.schema.statements import Statement, iter_statements, relation_name

# ALTER TABLE subcommands that destroy data, change it in place or open a table to readers.
_DESTRUCTIVE_ALTERS = {
    AlterTableType.AT_AlterColumnType: "ALTER COLUMN ... TYPE",
    AlterTableType.AT_DropColumn: "ALTER TABLE ... DROP COLUMN",
    AlterTableType.AT_DropConstraint: "ALTER TABLE ... DROP CONSTRAINT",
    AlterTableType.AT_DisableRowSecurity: "ALTER TABLE ... DISABLE ROW LEVEL SECURITY",
    AlterTableType.AT_NoForceRowSecurity: "ALTER TABLE ... NO FORCE ROW LEVEL SECURITY",
    AlterTableType.AT_SetUnLogged: "ALTER TABLE ... SET UNLOGGED",
    AlterTableType.AT_DetachPartition: "ALTER TABLE ... DETACH PARTITION",
}
_DELETE_RULE = (
    "DELETE is allowed only to remove extra copies of a key: DELETE FROM t AS a USING t AS b "
    "WHERE a.key = b.key AND <a's order> < <b's order> (the same expression on both sides)"
)


@dataclass(frozen=True)
class LintViolation:
    file: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: [{self.rule}] {self.message}"


class MigrationLintError(ValueError):
    """One or more migration files break the rules; nothing was applied."""

    def __init__(self, violations: list[LintViolation]):
        self.violations = violations
        lines = "\n".join(f"  {v}" for v in violations)
        super().__init__(
            f"{len(violations)} migration lint violation(s); nothing applied:\n{lines}"
        )


class _DataStatements(visitors.Visitor):
    """Every statement that writes rows, nested ones (in a CTE) included."""

    def __init__(self) -> None:
        self.found: list[ast.Node] = []

    def visit(self, ancestors: object, node: ast.Node) -> None:
        if isinstance(node, ast.DeleteStmt | ast.UpdateStmt | ast.InsertStmt | ast.MergeStmt):
            self.found.append(node)


def _shape(node: object, alias: str | None = None, as_alias: str | None = None) -> object:
    """``node`` without source positions, with column references to ``alias`` renamed, so two
    expressions that differ only in where they were written and which alias they read compare
    equal."""
    if isinstance(node, dict):
        shaped = {k: _shape(v, alias, as_alias) for k, v in node.items() if k != "location"}
        fields = shaped.get("fields")
        if shaped.get("@") == "ColumnRef" and len(fields) > 1 and fields[0].get("sval") == alias:
            shaped["fields"] = ({"@": "String", "sval": as_alias}, *fields[1:])
        return shaped
    if isinstance(node, list | tuple):
        return tuple(_shape(v, alias, as_alias) for v in node)
    return node


def _operator(expr: object) -> str | None:
    if isinstance(expr, ast.A_Expr) and expr.name and len(expr.name) == 1:
        return expr.name[0].sval
    return None


def _aliases(shape: object) -> set[str | None]:
    """The qualifier of every column reference in ``shape`` (None when unqualified)."""
    if isinstance(shape, dict):
        found = set().union(*(_aliases(v) for v in shape.values()))
        if shape.get("@") == "ColumnRef":
            fields = shape["fields"]
            found.add(fields[0].get("sval") if len(fields) > 1 else None)
        return found
    if isinstance(shape, tuple):
        return set().union(set(), *(_aliases(v) for v in shape))
    return set()


def _compares_copies(expr: ast.Node, target: str, other: str, operators: set[str]) -> bool:
    """``expr`` is ``e(one copy) op e(the other copy)``: the same expression on both sides, each
    side reading one alias only, with ``op`` in ``operators``."""
    if _operator(expr) not in operators:
        return False
    left, right = _shape(expr.lexpr(skip_none=True)), _shape(expr.rexpr(skip_none=True))
    for one, two in ((target, other), (other, target)):
        if _aliases(left) == {one} and _aliases(right) == {two}:
            return _shape(left, one, two) == right
    return False


def _keeps_one_copy(node: ast.DeleteStmt) -> bool:
    """True when the DELETE joins the table with itself, matches a key and orders strictly:
    the last row of each key in that order has no later copy, so it always stays."""
    using = node.usingClause or ()
    if node.withClause or len(using) != 1 or not isinstance(using[0], ast.RangeVar):
        return False
    if relation_name(using[0]) != relation_name(node.relation) or node.whereClause is None:
        return False
    target = node.relation.alias.aliasname if node.relation.alias else node.relation.relname
    other = using[0].alias.aliasname if using[0].alias else None
    if other is None or other == target:
        return False
    where = node.whereClause
    is_and = isinstance(where, ast.BoolExpr) and where.boolop == BoolExprType.AND_EXPR
    conjuncts = where.args if is_and else (where,)
    return any(_compares_copies(c, target, other, {"="}) for c in conjuncts) and any(
        _compares_copies(c, target, other, {"<", ">"}) for c in conjuncts
    )


def _write_violations(node: ast.Node) -> Iterator[tuple[str, str]]:
    if isinstance(node, ast.UpdateStmt):
        yield "no-overwrite", "UPDATE is not allowed in a migration: the loads own the rows"
    elif isinstance(node, ast.InsertStmt):
        conflict = node.onConflictClause
        if conflict is not None and conflict.action == OnConflictAction.ONCONFLICT_UPDATE:
            yield "no-overwrite", "INSERT ... ON CONFLICT DO UPDATE is not allowed in a migration"
    elif isinstance(node, ast.MergeStmt):
        commands = {c.commandType for c in node.mergeWhenClauses or ()}
        if commands & {CmdType.CMD_UPDATE, CmdType.CMD_DELETE}:
            yield "no-overwrite", "MERGE that updates or deletes is not allowed in a migration"
    elif isinstance(node, ast.DeleteStmt) and not _keeps_one_copy(node):
        yield "delete-duplicates-only", _DELETE_RULE


def _statement_violations(stmt: Statement) -> Iterable[tuple[str, str]]:
    node = stmt.node
    if type(node).__name__.startswith("Drop"):  # DROP ..., DROP OWNED, DROP DATABASE, ...
        yield "no-drop", "DROP is not allowed in a migration"
    elif isinstance(node, ast.TruncateStmt):
        yield "no-truncate", "TRUNCATE is not allowed in a migration"
    elif isinstance(node, ast.AlterTableStmt):
        for cmd in node.cmds or ():
            if cmd.subtype in _DESTRUCTIVE_ALTERS:
                yield "no-destructive-alter", f"{_DESTRUCTIVE_ALTERS[cmd.subtype]} is not allowed"
    elif isinstance(node, ast.CreateStmt) and not node.if_not_exists:
        yield (
            "create-if-not-exists",
            f"CREATE TABLE {relation_name(node.relation)} lacks IF NOT EXISTS",
        )
    elif isinstance(node, ast.IndexStmt) and not node.if_not_exists:
        yield "create-if-not-exists", f"CREATE INDEX {node.idxname or ''} lacks IF NOT EXISTS"
    elif isinstance(node, ast.CreatePolicyStmt) and node.cmd_name != "select":
        yield (
            "select-only-policy",
            f"policy {node.policy_name} is FOR {node.cmd_name.upper()}; only SELECT policies are allowed",
        )
    writes = _DataStatements()
    writes(node)
    for write in writes.found:
        yield from _write_violations(write)


def _enables_rls(node: ast.Node) -> str | None:
    if isinstance(node, ast.AlterTableStmt) and any(
        cmd.subtype == AlterTableType.AT_EnableRowSecurity for cmd in node.cmds or ()
    ):
        return relation_name(node.relation)
    return None


def lint_sql(sql: str, file: str) -> list[LintViolation]:
    """Every rule violation in one migration's text, in line order."""
    try:
        statements = list(iter_statements(sql))
    except parser.ParseError as exc:
        offset = exc.args[1] if len(exc.args) > 1 else 0
        line = sql.encode()[: max(offset, 0)].count(b"\n") + 1
        return [LintViolation(file, line, "parse", f"not valid SQL: {exc.args[0]}")]
    violations = [
        LintViolation(file, stmt.line, rule, message)
        for stmt in statements
        for rule, message in _statement_violations(stmt)
    ]
    rls_tables = {name for stmt in statements if (name := _enables_rls(stmt.node))}
    for stmt in statements:
        if isinstance(stmt.node, ast.CreateStmt):
            table = relation_name(stmt.node.relation)
            if table not in rls_tables:
                violations.append(
                    LintViolation(
                        file,
                        stmt.line,
                        "rls-enabled",
                        f"{table} is created without ENABLE ROW LEVEL SECURITY",
                    )
                )
    return sorted(violations, key=lambda v: v.line)


def lint_files(paths: Iterable[Path]) -> list[LintViolation]:
    """Every file linted; an empty list means all of them may be applied."""
    return [v for path in paths for v in lint_sql(path.read_text(encoding="utf-8"), path.name)]

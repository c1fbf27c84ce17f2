"""The migration reviewer's rules, as code, over statements parsed by pglast."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pglast import ast, parser
from pglast.enums import AlterTableType

from benchmark_pipeline.lib.schema.statements import Statement, iter_statements, relation_name

# ALTER TABLE subcommands that destroy data or change it in place.
_DESTRUCTIVE_ALTERS = {
    AlterTableType.AT_AlterColumnType: "ALTER COLUMN ... TYPE",
    AlterTableType.AT_DropColumn: "ALTER TABLE ... DROP COLUMN",
    AlterTableType.AT_DropConstraint: "ALTER TABLE ... DROP CONSTRAINT",
    AlterTableType.AT_DisableRowSecurity: "ALTER TABLE ... DISABLE ROW LEVEL SECURITY",
}


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


def _statement_violations(stmt: Statement) -> Iterable[tuple[str, str]]:
    node = stmt.node
    if isinstance(node, ast.DropStmt):
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
    """Lint every file; an empty list means all of them may be applied."""
    return [v for path in paths for v in lint_sql(path.read_text(encoding="utf-8"), path.name)]

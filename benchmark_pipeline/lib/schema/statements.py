"""Statements of a migration file, parsed by PostgreSQL's own parser (pglast).

Statements inside ``DO`` blocks are parsed too, so rules and schema declarations see them.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pglast import ast, parser


@dataclass(frozen=True)
class Statement:
    line: int
    node: ast.Node
    in_do_block: bool = False


def _line_at(sql: str, offset: int) -> int:
    # pglast locations are byte offsets into the UTF-8 text.
    return sql.encode()[:offset].count(b"\n") + 1


def _plpgsql_queries(tree: Any) -> Iterator[tuple[int, str, bool]]:
    """(lineno, query text, dynamic) for every SQL statement of a PL/pgSQL tree."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key == "PLpgSQL_stmt_execsql":
                yield value.get("lineno", 1), value["sqlstmt"]["PLpgSQL_expr"]["query"], False
            elif key == "PLpgSQL_stmt_dynexecute":
                yield value.get("lineno", 1), value["query"]["PLpgSQL_expr"]["query"], True
            else:
                yield from _plpgsql_queries(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from _plpgsql_queries(item)


def _string_constant(expression: str) -> str | None:
    """The text of an ``EXECUTE '...'`` argument when it is a plain string literal."""
    try:
        (raw,) = parser.parse_sql(f"SELECT {expression}")
    except parser.ParseError:
        return None
    targets = raw.stmt.targetList or ()
    if len(targets) == 1 and isinstance(targets[0].val, ast.A_Const):
        value = targets[0].val.val
        if isinstance(value, ast.String):
            return value.sval
    return None


def _do_block_statements(sql: str, do: ast.DoStmt, do_line: int) -> Iterator[Statement]:
    body_arg = next(arg for arg in do.args if arg.defname == "as")
    language = next((arg.arg.sval for arg in do.args if arg.defname == "language"), "plpgsql")
    if language.lower() != "plpgsql":
        return
    body = body_arg.arg.sval
    body_line = _line_at(sql, body_arg.arg_location) if body_arg.arg_location >= 0 else do_line
    wrapper = f"CREATE FUNCTION pg_temp.lint() RETURNS void LANGUAGE plpgsql AS $lint${body}$lint$"
    tree = json.loads(parser.parse_plpgsql_json(wrapper))
    for lineno, query, dynamic in _plpgsql_queries(tree):
        text = _string_constant(query) if dynamic else query
        if text is None:
            continue
        for raw in parser.parse_sql(text):
            yield Statement(body_line + lineno - 1, raw.stmt, in_do_block=True)


def iter_statements(sql: str) -> Iterator[Statement]:
    """Every statement of ``sql`` with its 1-based line, DO-block contents included.

    Raises ``pglast.parser.ParseError`` when the text is not valid SQL.
    """
    for raw in parser.parse_sql(sql):
        # stmt_location points at the end of the previous statement; skip to the first token.
        start = raw.stmt_location
        text = sql.encode()[start:].decode(errors="ignore")
        stripped = _skip_blanks_and_comments(text)
        line = _line_at(sql, start + len(text.encode()) - len(stripped.encode()))
        yield Statement(line, raw.stmt)
        if isinstance(raw.stmt, ast.DoStmt):
            yield from _do_block_statements(sql, raw.stmt, line)


def _skip_blanks_and_comments(text: str) -> str:
    while True:
        stripped = text.lstrip()
        if stripped.startswith("--"):
            newline = stripped.find("\n")
            text = "" if newline < 0 else stripped[newline + 1 :]
        elif stripped.startswith("/*"):
            end = stripped.find("*/")
            text = "" if end < 0 else stripped[end + 2 :]
        else:
            return stripped


def relation_name(rel: ast.RangeVar) -> str:
    """``schema.table`` for a parsed relation, ``public`` when no schema is written."""
    return f"{rel.schemaname or 'public'}.{rel.relname}"

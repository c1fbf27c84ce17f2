"""What a load left in a database, told apart from the state before it and the state a complete
run gives: every row of its tables with the fingerprints kept for them, and what a killed load
could leave behind (a backend still at work, a lock, a staging table)."""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import psycopg

from benchmark_pipeline.lib.postgres.fingerprints import FINGERPRINTS_TABLE
from benchmark_pipeline_tests.support.processes import wait_for

# Written by the trials load in the transaction that writes benchmark_trials (when it exists).
CURSOR_TABLE = "benchmark_pipeline.trials_refresh_cursor"
# Columns whose values come from the clock of the run that wrote them, not from the data.
CLOCK_TYPES = ("timestamp with time zone", "timestamp without time zone")
VOLATILE_DEFAULTS = ("now()", "CURRENT_TIMESTAMP", "gen_random_uuid()", "nextval(")
KEPT, MOVED = "<kept>", "<moved>"


@dataclass(frozen=True)
class TableState:
    """Every row of ``table`` (sorted) and the fingerprints entry kept for it (columns, row keys,
    fingerprints; None when none is kept)."""

    table: str
    columns: tuple[str, ...]
    key: tuple[int, ...]  # positions of the natural key's columns (every data column if none)
    clock: tuple[int, ...]  # positions of the columns the writing run set (clock, random id)
    rows: tuple[tuple, ...]
    fingerprints: tuple | None

    def keyed(self) -> dict[str, tuple]:
        return {self.key_of(row): row for row in self.rows}

    def key_of(self, row: tuple) -> str:
        return repr(tuple(row[i] for i in self.key))  # a JSON value is a dict: not hashable

    def kept(self) -> dict[str, tuple[tuple, int]]:
        """The kept fingerprints by row key: the loaded columns' values of the row with that key
        (None when the table has no such row) and the fingerprint kept for it."""
        if self.fingerprints is None:
            return {}
        columns, keys, values = self.fingerprints
        rows = {"\x00".join(str(row[i]) for i in self.key): row for row in self.rows}
        where = [self.columns.index(c) for c in columns]
        found = {}
        for key, value in zip(json.loads(keys), np.frombuffer(values, "<u8").tolist(), strict=True):
            row = rows.get(key)
            found[key] = (None if row is None else tuple(row[i] for i in where), value)
        return found

    def relative_to(self, before: "TableState") -> tuple:
        """The rows with each clock value read against ``before``: ``<kept>`` when the row had it
        before, ``<moved>`` when this state's run set it (NULL stays NULL). Two runs from the same
        state that wrote the same rows then read alike, whatever their clocks said."""
        earlier = before.keyed()
        read = []
        for row in self.rows:
            old = earlier.get(self.key_of(row))
            values = list(row)
            for i in self.clock:
                if values[i] is not None:
                    values[i] = KEPT if old is not None and old[i] == row[i] else MOVED
            read.append(tuple(values))
        return tuple(sorted(read, key=repr))


def _generated(conn: psycopg.Connection, table: str) -> list[tuple[str, bool]]:
    """Each column of ``table`` and whether its value comes from the run that wrote it (a clock
    type, or a volatile default such as ``gen_random_uuid()``) rather than from the data."""
    return [
        (name, kind in CLOCK_TYPES or any(v in (default or "") for v in VOLATILE_DEFAULTS))
        for name, kind, default in conn.execute(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid)
            FROM pg_attribute a
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """,
            [table],
        ).fetchall()
    ]


def _natural_key(conn: psycopg.Connection, table: str, generated: set[str]) -> list[str]:
    """The columns of the first unique index (the primary key first) made of data columns only."""
    indexes = conn.execute(
        """
        SELECT array_agg(a.attname ORDER BY k.n)
        FROM pg_index i
        CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = %s::regclass AND i.indisunique
        GROUP BY i.indexrelid, i.indisprimary
        ORDER BY i.indisprimary DESC, i.indexrelid
        """,
        [table],
    ).fetchall()
    for (columns,) in indexes:
        if not generated & set(columns):
            return list(columns)
    return []


def table_state(conn: psycopg.Connection, table: str) -> TableState | None:
    """``table``'s state, or None when the table does not exist."""
    if conn.execute("SELECT to_regclass(%s)", [table]).fetchone()[0] is None:
        return None
    described = _generated(conn, table)
    columns = tuple(name for name, _ in described)
    generated = {name for name, is_generated in described if is_generated}
    key_columns = _natural_key(conn, table, generated) or [c for c in columns if c not in generated]
    rows = conn.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608 (a test's own name)
    kept = conn.execute(
        f"SELECT columns, row_keys, fingerprints FROM {FINGERPRINTS_TABLE} WHERE table_name = %s",
        [table],
    ).fetchone()
    return TableState(
        table=table,
        columns=columns,
        key=tuple(columns.index(c) for c in key_columns),
        clock=tuple(i for i, c in enumerate(columns) if c in generated),
        rows=tuple(sorted(rows, key=repr)),
        fingerprints=tuple(bytes(v) if isinstance(v, memoryview) else v for v in kept)
        if kept
        else None,
    )


def database_state(dsn: str, tables: Sequence[str]) -> dict[str, TableState | None]:
    with psycopg.connect(dsn) as conn:
        return {table: table_state(conn, table) for table in tables}


def fingerprint_problems(found: TableState, *known: TableState | None) -> list[str]:
    """Where the fingerprints kept for ``found`` do not describe its rows: a key the table does
    not hold, or a fingerprint other than the one a load recorded (in ``known``, the states
    before and after a complete run) for a row with the same loaded values."""
    recorded = {}
    for state in known:
        for content, value in (state.kept() if state is not None else {}).values():
            if content is not None:
                recorded.setdefault(repr(content), set()).add(value)
    problems = []
    for key, (content, value) in found.kept().items():
        if content is None:
            problems.append(f"{found.table}: a fingerprint is kept for {key!r}, no such row")
        elif value not in recorded.get(repr(content), {value}):
            problems.append(f"{found.table}: the fingerprint kept for {key!r} is another row's")
    return problems


def which_state(
    found: TableState | None, before: TableState | None, complete: TableState | None
) -> set[str]:
    """``{"before"}``, ``{"complete"}``, both (when the run changes nothing in it) or neither:
    whether ``found`` is exactly the state before the run (its rows and kept fingerprints), or
    the state a complete run leaves: its rows, with clock values set on the same rows, and kept
    fingerprints that describe them (a load of part of a table keeps those of the part)."""
    if before is None or found is None:
        return {
            name for name, state in (("before", before), ("complete", complete)) if state == found
        }
    named = set()
    if found.rows == before.rows and found.fingerprints == before.fingerprints:
        named.add("before")
    if (
        complete is not None
        and found.relative_to(before) == complete.relative_to(before)
        and not fingerprint_problems(found, before, complete)
    ):
        named.add("complete")
    return named


def describe_difference(
    found: TableState | None, expected: TableState | None, before: TableState | None = None
) -> str:
    """A few rows that differ, for an assertion message; with ``before``, the rows read against
    it (``relative_to``, as ``which_state`` compares them), the clock values as kept or moved."""
    if found is None or expected is None:
        return f"found {found is not None and 'a table' or 'no table'}, expected " + (
            "a table" if expected is not None else "none"
        )
    found_rows, expected_rows = set(map(repr, found.rows)), set(map(repr, expected.rows))
    if before is not None:
        found_rows = set(map(repr, found.relative_to(before)))
        expected_rows = set(map(repr, expected.relative_to(before)))
    extra = sorted(found_rows - expected_rows)[:3]
    missing = sorted(expected_rows - found_rows)[:3]
    same_fp = found.fingerprints == expected.fingerprints
    return (
        f"{found.table}: {len(found.rows)} rows vs {len(expected.rows)}; only found: {extra}; "
        f"only expected: {missing}; fingerprints {'equal' if same_fp else 'differ'}; "
        f"{fingerprint_problems(found, expected)[:3]}"
    )


def assert_before_or_complete(
    found: Mapping[str, TableState | None],
    before: Mapping[str, TableState | None],
    complete: Mapping[str, TableState | None],
    *,
    together: Sequence[Sequence[str]] = (),
    what: str,
) -> dict[str, set[str]]:
    """Every table is in its state before the run or in its complete state (rows and fingerprints
    together), and the tables of one transaction (``together``) are in the same one. Returns
    each table's ``which_state``."""
    named = {t: which_state(found[t], before[t], complete[t]) for t in found}
    for table, state in found.items():
        if state is not None:
            problems = fingerprint_problems(state, before[table], complete[table])
            assert not problems, f"{what}: {problems}"
    for table, states in named.items():
        assert states, (
            f"{what}: {table} is neither its state before the run nor the complete new one\n"
            f"  vs before: {describe_difference(found[table], before[table])}\n"
            f"  vs complete: {describe_difference(found[table], complete[table], before[table])}"
        )
    for group in together:
        common = set.intersection(*(named[t] for t in group))
        assert common, f"{what}: {group} are not in one state: {[named[t] for t in group]}"
    return named


def leftovers(conn: psycopg.Connection) -> list[str]:
    """What a load that ended leaves on its database (``conn``'s) and must not: another session,
    an advisory lock, a temporary (staging) table."""
    found = []
    sessions = conn.execute(
        "SELECT pid, application_name, state, left(query, 60) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ).fetchall()
    found += [f"session still open: {s}" for s in sessions]
    locks = conn.execute(
        "SELECT locktype, pid, mode FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
        " WHERE d.datname = current_database() AND l.pid <> pg_backend_pid()"
    ).fetchall()
    found += [f"lock still held: {lock}" for lock in locks]
    temp = conn.execute(
        "SELECT n.nspname || '.' || c.relname FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relpersistence = 't'"
    ).fetchall()
    found += [f"temporary table left: {name}" for (name,) in temp]
    return found


def assert_nothing_left(dsn: str, *, what: str, timeout: float = 20.0) -> None:
    """Wait (at most ``timeout`` seconds) until the killed process's sessions have ended; then
    there must be no session, lock or staging table left on the database."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        wait_for(
            lambda: not leftovers(conn),
            timeout=timeout,
            what=f"{what}: nothing left on the database",
            diagnostics=lambda: "\n".join(leftovers(conn)),
        )

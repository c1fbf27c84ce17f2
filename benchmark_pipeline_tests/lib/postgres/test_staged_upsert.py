"""Staged MERGE and the empty-table COPY, on a real table: values arrive exactly, counts are
exact on both counting forms, and an unchanged row is neither rewritten nor locked."""

from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import psycopg
import pytest

from benchmark_pipeline.lib.postgres.binary_copy import StagingValueError
from benchmark_pipeline.lib.postgres.staged_upsert import (
    MERGE_RETURNING_SINCE,
    delete_not_in_stage,
    stage_frame,
    table_row_count,
    upsert_frame,
    upsert_from_stage,
)

TABLE = "public.load_probe"
COLUMNS = ["k", "n", "x", "tags", "names", "d", "flag"]
LONG_AGO = datetime(2001, 1, 1, tzinfo=UTC)
# Both counting forms run on the embedded server (PostgreSQL 18): RETURNING merge_action() as
# on 17+, and the form for PostgreSQL 15 and 16 (pre-counted keys + MERGE's row count).
FORMS = pytest.mark.parametrize(
    "version", [MERGE_RETURNING_SINCE, 160000], ids=["returning-17+", "rowcount-15/16"]
)


@pytest.fixture
def probe(conn: psycopg.Connection) -> psycopg.Connection:
    conn.execute(
        "CREATE TABLE public.load_probe (k text PRIMARY KEY, n integer, x numeric, tags text[],"
        " names text[], d date, flag boolean, source text NOT NULL DEFAULT 'registry',"
        " updated_at timestamptz NOT NULL DEFAULT now())"
    )
    return conn


def _frame(**changes) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "k": ["a", "b", "c"],
            "n": [1, np.nan, 3],  # pandas stores an integer column with a gap as float
            "x": [22.8, -0.91, None],
            "tags": [["psilocybin", "mdma"], [], None],
            "names": [['é, "quoted" {braces}', None], ["a b"], [None]],
            "d": [date(2024, 12, 1), None, date(2001, 1, 31)],
            "flag": [True, False, None],
        }
    )
    for column, values in changes.items():
        frame[column] = values
    return frame


def _staged_merge(conn, frame, *, version=None, delete=False):
    """Staging + MERGE, whatever the table holds (the general path)."""
    with conn.transaction():
        stage = stage_frame(conn, TABLE, frame, COLUMNS)
        counts = upsert_from_stage(
            conn, TABLE, stage, key=["k"], columns=COLUMNS, server_version_num=version
        )
        removed = delete_not_in_stage(conn, TABLE, stage, key=["k"]) if delete else 0
    return counts, removed


def _load(conn, frame, *, version=None):
    with conn.transaction():
        return upsert_frame(
            conn, TABLE, frame, key=["k"], columns=COLUMNS, server_version_num=version
        )


def _counts(counts) -> tuple[int, int, int, int]:
    return counts.staged, counts.inserted, counts.updated, counts.unchanged


def _touched(conn) -> dict[str, datetime]:
    return dict(conn.execute(f"SELECT k, updated_at FROM {TABLE}").fetchall())


def _locked(conn) -> int:
    """Visible rows whose xmax is set: rewritten-then-locked or locked by the load."""
    return conn.execute(f"SELECT count(*) FROM {TABLE} WHERE xmax::text <> '0'").fetchone()[0]


def _exact(conn) -> list[tuple]:
    """Every row with its physical place and inserting transaction: equal means untouched."""
    return conn.execute(f"SELECT ctid::text, xmin::text, * FROM {TABLE} ORDER BY k").fetchall()


EXPECTED = [
    (
        "a",
        1,
        Decimal("22.8"),
        ["psilocybin", "mdma"],
        ['é, "quoted" {braces}', None],
        date(2024, 12, 1),
        True,
    ),
    ("b", None, Decimal("-0.91"), [], ["a b"], None, False),
    ("c", 3, None, None, [None], date(2001, 1, 31), None),
]


def test_values_arrive_exactly_through_staging_and_merge(probe):
    counts, _ = _staged_merge(probe, _frame())
    assert _counts(counts) == (3, 3, 0, 0)
    assert probe.execute(f"SELECT {', '.join(COLUMNS)} FROM {TABLE} ORDER BY k").fetchall() == (
        EXPECTED
    )


def test_an_empty_table_gets_one_copy_with_the_same_values_and_defaults(probe):
    def landed(load) -> list[tuple]:
        with probe.transaction(force_rollback=True):
            counts = load()
            staged = probe.execute("SELECT to_regclass('pg_temp.stage_public_load_probe')")
            rows = probe.execute(
                f"SELECT *, updated_at = now() AS stamped FROM {TABLE} ORDER BY k"
            ).fetchall()
            return (
                _counts(counts),
                staged.fetchone()[0] is not None,
                [r[:-2] + r[-1:] for r in rows],
            )

    def general():
        stage = stage_frame(probe, TABLE, _frame(), COLUMNS)
        return upsert_from_stage(probe, TABLE, stage, key=["k"], columns=COLUMNS)

    def fast():
        return upsert_frame(probe, TABLE, _frame(), key=["k"], columns=COLUMNS)

    merged, fast_path = landed(general), landed(fast)
    assert merged[1] is True and fast_path[1] is False  # the fast path stages nothing
    assert fast_path[0] == merged[0] == (3, 3, 0, 0)
    assert fast_path[2] == merged[2]
    assert [r[:7] for r in fast_path[2]] == EXPECTED
    assert {r[7:] for r in fast_path[2]} == {("registry", True)}  # defaults filled in


@FORMS
def test_counts_are_exact_for_new_changed_and_identical_rows(probe, version):
    _load(probe, _frame())
    probe.execute(f"UPDATE {TABLE} SET updated_at = %s", [LONG_AGO])
    frame = _frame(k=["a", "b", "d"], tags=[["psilocybin", "mdma"], ["lsd"], None])
    counts = _load(probe, frame, version=version)
    # a identical, b changed, d new; c is not staged and stays (an upsert removes nothing).
    assert _counts(counts) == (3, 1, 1, 1)
    touched = _touched(probe)
    assert sorted(k for k, at in touched.items() if at != LONG_AGO) == ["b", "d"]
    assert probe.execute(f"SELECT tags FROM {TABLE} WHERE k = 'b'").fetchone()[0] == ["lsd"]
    assert _locked(probe) == 0  # the identical row a was matched but not locked


@FORMS
def test_an_unchanged_rerun_rewrites_and_locks_no_row(probe, version):
    _load(probe, _frame())
    probe.execute(f"UPDATE {TABLE} SET updated_at = %s", [LONG_AGO])
    before = _exact(probe)
    counts = _load(probe, _frame(), version=version)
    assert _counts(counts) == (3, 0, 0, 3)
    assert _exact(probe) == before  # same tuples: same ctid, same xmin, same updated_at
    assert _locked(probe) == 0


@FORMS
def test_counts_when_every_row_is_new_to_a_populated_table(probe, version):
    _load(probe, _frame().iloc[:1])
    counts = _load(probe, _frame(k=["x", "y", "z"]), version=version)
    assert _counts(counts) == (3, 3, 0, 0)
    assert table_row_count(probe, TABLE) == 4


def test_rows_no_longer_staged_can_be_removed(probe):
    _staged_merge(probe, _frame())
    _, removed = _staged_merge(probe, _frame().iloc[:2], delete=True)
    assert removed == 1
    assert table_row_count(probe, TABLE) == 2


@pytest.mark.parametrize("populated", [False, True], ids=["empty-copy", "staged-merge"])
def test_a_value_the_table_refuses_fails_the_whole_load_with_its_place(probe, populated):
    if populated:
        _load(probe, _frame())
    before = _exact(probe)
    bad = _frame(k=["a", "b", "z"], n=[10, 20, 2**40])  # 2**40 does not fit an integer
    with pytest.raises(
        StagingValueError, match=r"column .n., row 2: 1099511627776 \(int\) is not a valid integer"
    ):
        _load(probe, bad)
    assert _exact(probe) == before


@pytest.mark.parametrize("populated", [False, True], ids=["empty-copy", "staged-merge"])
def test_a_dry_run_leaves_the_table_exactly_as_it_was(probe, populated):
    if populated:
        _load(probe, _frame(k=["a", "b", "q"]))
    before = _exact(probe)
    with probe.transaction(force_rollback=True):
        counts = upsert_frame(
            probe, TABLE, _frame(tags=[[], ["lsd"], None]), key=["k"], columns=COLUMNS
        )
        assert table_row_count(probe, TABLE) == (4 if populated else 3)
    assert counts.inserted == (1 if populated else 3)
    assert _exact(probe) == before


@pytest.mark.parametrize("populated", [False, True], ids=["empty-copy", "staged-merge"])
def test_a_key_twice_in_the_input_fails_the_load(probe, populated):
    if populated:
        _load(probe, _frame(k=["x", "y", "z"]))
    before = _exact(probe)
    # The COPY into the table or the MERGE's insert refuses it; the error comes back whole.
    with pytest.raises(psycopg.errors.UniqueViolation, match="load_probe_pkey"):
        _load(probe, _frame(k=["a", "b", "a"]))
    assert _exact(probe) == before

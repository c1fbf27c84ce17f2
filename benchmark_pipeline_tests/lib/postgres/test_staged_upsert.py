"""COPY into staging + one upsert, on a real table: values arrive exactly, unchanged rows stay put."""

from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import psycopg
import pytest

from benchmark_pipeline.lib.postgres.binary_copy import StagingValueError
from benchmark_pipeline.lib.postgres.staged_upsert import (
    delete_not_in_stage,
    stage_frame,
    table_row_count,
    upsert_from_stage,
)

TABLE = "public.load_probe"
COLUMNS = ["k", "n", "x", "tags", "names", "d", "flag"]


@pytest.fixture
def probe(conn: psycopg.Connection) -> psycopg.Connection:
    conn.execute(
        "CREATE TABLE public.load_probe (k text PRIMARY KEY, n integer, x numeric, tags text[],"
        " names text[], d date, flag boolean, updated_at timestamptz NOT NULL DEFAULT now())"
    )
    return conn


def _frame(**changes) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "k": ["a", "b", "c"],
            "n": [1, np.nan, 3],  # pandas stores an integer column with a gap as float
            "x": [22.8, -0.91, None],
            "tags": [["psilocybin", "mdma"], [], None],
            "names": [['é, "quoted" {braces}', None], ["a b"], []],
            "d": [date(2024, 12, 1), None, date(2001, 1, 31)],
            "flag": [True, False, None],
        }
    )
    for column, values in changes.items():
        frame[column] = values
    return frame


def _load(conn, frame, *, delete=False):
    with conn.transaction():
        stage = stage_frame(conn, TABLE, frame, COLUMNS)
        counts = upsert_from_stage(conn, TABLE, stage, key=["k"], columns=COLUMNS)
        removed = delete_not_in_stage(conn, TABLE, stage, key=["k"]) if delete else 0
    return counts, removed


def test_values_arrive_exactly(probe):
    counts, _ = _load(probe, _frame())
    assert (counts.staged, counts.inserted, counts.updated, counts.unchanged) == (3, 3, 0, 0)
    rows = probe.execute(f"SELECT {', '.join(COLUMNS)} FROM {TABLE} ORDER BY k").fetchall()
    assert rows == [
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
        ("c", 3, None, None, [], date(2001, 1, 31), None),
    ]


def test_unchanged_rows_are_not_rewritten_and_changed_ones_are(probe):
    _load(probe, _frame())
    before = dict(probe.execute(f"SELECT k, updated_at FROM {TABLE}").fetchall())
    counts, _ = _load(probe, _frame())
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 3)
    assert dict(probe.execute(f"SELECT k, updated_at FROM {TABLE}").fetchall()) == before

    counts, _ = _load(probe, _frame(tags=[["psilocybin", "mdma"], ["lsd"], None]))
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, 2)
    after = dict(probe.execute(f"SELECT k, updated_at FROM {TABLE}").fetchall())
    assert [k for k in before if after[k] != before[k]] == ["b"]


def test_rows_no_longer_staged_can_be_removed(probe):
    _load(probe, _frame())
    _, removed = _load(probe, _frame().iloc[:2], delete=True)
    assert removed == 1
    assert table_row_count(probe, TABLE) == 2


def test_a_value_the_table_refuses_fails_the_whole_load(probe):
    _load(probe, _frame())
    before = probe.execute(f"SELECT * FROM {TABLE} ORDER BY k").fetchall()
    bad = _frame(k=["a", "b", "z"], n=[10, 20, 2**40])  # 2**40 does not fit an integer
    with pytest.raises(
        StagingValueError, match=r"column .n., row 2: 1099511627776 \(int\) is not a valid integer"
    ):
        _load(probe, bad)
    assert probe.execute(f"SELECT * FROM {TABLE} ORDER BY k").fetchall() == before

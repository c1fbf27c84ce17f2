"""What a mirror load writes: inserted, updated, unchanged and removed rows, exactly."""

import pandas as pd

from benchmark_pipeline.lib.postgres.mirror import mirror_frame

TABLE = "public.kv_probe"
COLUMNS = ["k", "v"]


def _frame(*keys: str, v: int = 1) -> pd.DataFrame:
    return pd.DataFrame({"k": list(keys), "v": [v] * len(keys)})


def _mirror(conn, frame, **kwargs):
    with conn.transaction():
        return mirror_frame(conn, TABLE, frame, key=["k"], columns=COLUMNS, **kwargs)


def _rows(conn) -> list[tuple]:
    return conn.execute(f"SELECT ctid::text, xmin::text, * FROM {TABLE} ORDER BY k").fetchall()


def _counts(counts) -> tuple[int, int, int, int, int]:
    return counts.staged, counts.inserted, counts.updated, counts.unchanged, counts.removed


def test_first_mirror_into_an_empty_table_then_changes_and_removals(kv_probe):
    assert _counts(_mirror(kv_probe, _frame("a", "b", "c", "d"))) == (4, 4, 0, 0, 0)
    changed = pd.DataFrame({"k": ["a", "b", "c", "e"], "v": [1, 2, 1, 1]})
    assert _counts(_mirror(kv_probe, changed)) == (4, 1, 1, 2, 1)
    assert kv_probe.execute(f"SELECT k, v FROM {TABLE} ORDER BY k").fetchall() == [
        ("a", 1),
        ("b", 2),
        ("c", 1),
        ("e", 1),
    ]

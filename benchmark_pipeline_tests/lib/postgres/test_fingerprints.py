"""Row fingerprints: stable, telling values apart, and a cache that can make a load faster but
never wrong (any write that is not a load drops it)."""

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import numpy as np
import pandas as pd
import psycopg
import pytest

from benchmark_pipeline.lib.postgres import binary_copy
from benchmark_pipeline.lib.postgres import fingerprints as fp
from benchmark_pipeline.lib.postgres.binary_copy import StagingValueError
from benchmark_pipeline.lib.postgres.mirror import mirror_frame
from benchmark_pipeline.lib.postgres.staged_upsert import upsert_frame

TABLE = "public.watched_kv"
COLUMNS = ["k", "v", "tags"]


def _fingerprints(conn: psycopg.Connection, kind: str, *columns: list[object]) -> list[int]:
    """The fingerprints of rows whose columns hold ``columns``' values, as loaded into a table
    whose columns are all of type ``kind``."""
    names = [f"c{i}" for i in range(len(columns))]
    conn.execute("DROP TABLE IF EXISTS public.fp_values")
    conn.execute(f"CREATE TABLE public.fp_values ({', '.join(f'{n} {kind}' for n in names)})")
    frame = pd.DataFrame(
        {n: pd.Series(v, dtype=object) for n, v in zip(names, columns, strict=True)}
    )
    return fp.row_fingerprints(conn, "public.fp_values", frame, names).tolist()


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("text", [None, "", "a", "A", "a "]),
        ("text[]", [None, [], [""], ["a"], ["a", "b"], ["b", "a"], ["ab"], ["a", None], [None]]),
        ("bigint", [None, 0, 1, -1, 2**40]),
        ("boolean", [None, True, False]),
        ("date", [None, dt.date(2024, 1, 1), dt.date(2024, 1, 2)]),
        ("numeric", [None, Decimal("1.5"), Decimal("1.50"), 1.25]),  # numeric keeps its scale
        ("numeric", [0.1, 0.30000000000000004, 0.3]),  # floats alone, no NULL among them
        ("jsonb", [None, "{}", "[]", '{"a": 1}', '{"a": 2}']),
    ],
)
def test_values_that_store_differently_get_different_fingerprints(conn, kind, values):
    assert len(set(_fingerprints(conn, kind, values))) == len(values)


def test_values_that_store_alike_get_the_same_fingerprint(conn):
    # A float and the Decimal of its digits store the same numeric; an int the same bigint
    # whether pandas held it as int or as a whole float.
    first, second = _fingerprints(conn, "numeric", [1.5, Decimal("1.5")])
    assert first == second
    assert len(set(_fingerprints(conn, "bigint", [7, 7.0, np.int64(7)]))) == 1


def test_a_column_swap_changes_the_fingerprint(conn):
    first, second = _fingerprints(conn, "text", ["x", "y"], ["y", "x"])
    assert first != second


def test_a_value_that_does_not_fit_its_column_is_refused_as_a_load_would(conn):
    with pytest.raises(StagingValueError, match=r"column 'c0', row 1: 2147483648"):
        _fingerprints(conn, "integer", [5, 2**31])


def test_fingerprints_are_the_same_in_another_process(conn):
    code = (
        "import sys, numpy as np; from benchmark_pipeline.lib.postgres.fingerprints import "
        "RowHashes; h = RowHashes(); h([bytes.fromhex(a) for a in sys.argv[1:]]); "
        "print(h.fingerprints().tolist())"
    )
    rows = [b"\x00\x02abc", b"", "é".encode()]
    here = fp.RowHashes()
    here(rows)
    for seed in ("1", "2"):
        there = subprocess.run(
            [sys.executable, "-c", code, *(r.hex() for r in rows)],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed},
        ).stdout
        assert there.strip() == str(here.fingerprints().tolist())


@pytest.fixture
def watched(migrated: psycopg.Connection) -> psycopg.Connection:
    """A table with the trigger migration 069 puts on every loaded table."""
    migrated.execute(
        f"CREATE TABLE {TABLE} (k text PRIMARY KEY, v integer, tags text[],"
        " updated_at timestamptz NOT NULL DEFAULT now())"
    )
    migrated.execute(
        f"CREATE TRIGGER watched_kv_forget AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {TABLE}"
        " FOR EACH STATEMENT EXECUTE FUNCTION benchmark_pipeline.forget_fingerprints()"
    )
    return migrated


def _frame(changed: dict | None = None, count: int = 50) -> pd.DataFrame:
    rows = {f"k{i:03d}": (i, [f"t{i % 3}"]) for i in range(count)}
    rows.update(changed or {})
    return pd.DataFrame([(k, v, tags) for k, (v, tags) in rows.items()], columns=COLUMNS)


def _load(conn: psycopg.Connection, frame: pd.DataFrame, *, dry_run: bool = False):
    with conn.transaction(force_rollback=dry_run):
        return upsert_frame(conn, TABLE, frame, key=["k"], columns=COLUMNS)


def _recorded(conn: psycopg.Connection):
    return fp.recorded(conn, TABLE)


def test_an_unchanged_refresh_sends_no_row_and_a_changed_row_is_sent_alone(watched):
    assert fp.watched(watched, TABLE)
    first = _load(watched, _frame())
    assert (first.inserted, first.compared) == (50, 50)
    assert len(_recorded(watched).by_key) == 50
    recorded_at = watched.execute(
        "SELECT recorded_at FROM benchmark_pipeline.load_fingerprints"
    ).fetchone()
    again = _load(watched, _frame())
    assert (again.inserted, again.updated, again.unchanged, again.compared) == (0, 0, 50, 0)
    # Nothing changed, so nothing is rewritten, not even the fingerprints.
    assert (
        watched.execute("SELECT recorded_at FROM benchmark_pipeline.load_fingerprints").fetchone()
        == recorded_at
    )
    moved = _load(watched, _frame({"k007": (700, ["t1"]), "k999": (9, [])}))
    assert (moved.inserted, moved.updated, moved.unchanged, moved.compared) == (1, 1, 49, 2)
    assert watched.execute(f"SELECT v FROM {TABLE} WHERE k = 'k007'").fetchone() == (700,)


def test_a_write_that_is_not_a_load_drops_the_fingerprints_and_the_next_load_repairs_it(watched):
    _load(watched, _frame())
    watched.execute(f"UPDATE {TABLE} SET v = -1 WHERE k = 'k010'")  # the SQL editor, say
    assert _recorded(watched) is None
    repair = _load(watched, _frame())
    assert (repair.updated, repair.compared) == (1, 50)
    assert watched.execute(f"SELECT v FROM {TABLE} WHERE k = 'k010'").fetchone() == (10,)
    assert _recorded(watched) is not None


def test_a_dry_run_records_nothing_and_other_columns_compare_every_row(watched):
    _load(watched, _frame(), dry_run=True)
    assert _recorded(watched) is None
    _load(watched, _frame())
    with watched.transaction():
        narrower = upsert_frame(watched, TABLE, _frame(), key=["k"], columns=["k", "v"])
    assert (narrower.compared, narrower.updated) == (50, 0)


def test_a_mirror_removes_and_keeps_the_fingerprints_of_what_it_holds(watched):
    with watched.transaction():
        mirror_frame(watched, TABLE, _frame(), key=["k"], columns=COLUMNS)
    smaller = _frame().iloc[5:]
    with watched.transaction():
        counts = mirror_frame(watched, TABLE, smaller, key=["k"], columns=COLUMNS)
    assert (counts.removed, counts.inserted, counts.updated) == (5, 0, 0)
    assert sorted(_recorded(watched).by_key) == sorted(smaller["k"])
    assert watched.execute(f"SELECT count(*) FROM {TABLE}").fetchone() == (45,)


def test_an_unwatched_table_compares_every_row(migrated):
    migrated.execute("CREATE TABLE public.plain_kv (k text PRIMARY KEY, v integer, tags text[])")
    for expected in (50, 50):
        with migrated.transaction():
            counts = upsert_frame(
                migrated, "public.plain_kv", _frame(), key=["k"], columns=COLUMNS, touch=None
            )
        assert counts.compared == expected
    assert fp.recorded(migrated, "public.plain_kv") is None


def test_an_empty_frame_into_a_watched_table_changes_nothing(watched):
    _load(watched, _frame())
    counts = _load(watched, _frame().iloc[:0])
    assert (counts.staged, counts.compared, counts.inserted) == (0, 0, 0)
    assert watched.execute(f"SELECT count(*) FROM {TABLE}").fetchone() == (50,)


def test_fingerprints_do_not_depend_on_how_rows_are_cut(conn, monkeypatch):
    """Chunks of checked values, pieces sent and batches hashed fall anywhere: a row's
    fingerprint is its own."""
    conn.execute("CREATE TABLE public.fp_rows (a text, l text[])")
    frame = pd.DataFrame(
        {"a": [f"x{i}" for i in range(1_000)], "l": [[str(i % 7)] * (i % 3) for i in range(1_000)]}
    )
    whole = fp.row_fingerprints(conn, "public.fp_rows", frame, ["a", "l"])
    monkeypatch.setattr(binary_copy, "CHUNK_ROWS", 64)
    monkeypatch.setattr(binary_copy, "SEND_BYTES", 100)
    monkeypatch.setattr(fp, "HASH_ROWS", 37)
    cut = fp.row_fingerprints(conn, "public.fp_rows", frame, ["a", "l"])
    assert len(whole) == 1_000 and len(set(whole.tolist())) == 1_000
    assert (cut == whole).all()
    single = fp.row_fingerprints(conn, "public.fp_rows", frame.iloc[[10, 500]], ["a", "l"])
    assert single.tolist() == [whole[10], whole[500]]

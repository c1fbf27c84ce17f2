"""The mirror's guard on a real table: a load never empties a table, and removing most of it
needs an allowance for the run; a refused load writes nothing."""

import pandas as pd
import psycopg
import pytest

from benchmark_pipeline.lib.postgres.mirror import MassRemovalError, mirror_frame
from benchmark_pipeline_tests.support.databases import table_snapshot

TABLE = "public.mirrored"


@pytest.fixture
def table(conn: psycopg.Connection) -> psycopg.Connection:
    conn.execute(
        "CREATE TABLE public.mirrored (k text PRIMARY KEY, v integer,"
        " updated_at timestamptz NOT NULL DEFAULT now())"
    )
    conn.execute("INSERT INTO public.mirrored (k, v) VALUES ('a', 1), ('b', 2), ('c', 3), ('d', 4)")
    return conn


def _mirror(conn: psycopg.Connection, keys: list[str], allow: bool = False):
    frame = pd.DataFrame({"k": keys, "v": [ord(k) - ord("a") + 1 for k in keys]})
    with conn.transaction():
        return mirror_frame(
            conn, TABLE, frame, key=["k"], columns=["k", "v"], allow_mass_removal=allow
        )


def test_removing_half_or_less_needs_no_allowance(table: psycopg.Connection) -> None:
    counts = _mirror(table, ["a", "b", "e"])
    assert (counts.inserted, counts.updated, counts.removed, counts.unchanged) == (1, 0, 2, 2)
    assert [r[0] for r in table_snapshot(table, "mirrored")] == ["a", "b", "e"]


def test_removing_more_than_half_is_refused_and_writes_nothing(table: psycopg.Connection) -> None:
    before = table_snapshot(table, "mirrored")
    with pytest.raises(MassRemovalError) as raised:
        _mirror(table, ["a", "e"])
    assert str(raised.value) == (
        "refusing to remove 3 of the 4 row(s) of public.mirrored (75%, more than 50%): the input "
        "has 2 row(s) and 3 of the table's keys are not among them. Nothing was written. If the "
        "removal is intended, run once with allow_mass_removal: true."
    )
    assert table_snapshot(table, "mirrored") == before  # not even the new key 'e'


def test_allowance_lets_one_load_remove_most_rows(table: psycopg.Connection) -> None:
    counts = _mirror(table, ["a"], allow=True)
    assert (counts.removed, counts.unchanged) == (3, 1)
    assert [r[0] for r in table_snapshot(table, "mirrored")] == ["a"]


@pytest.mark.parametrize("allow", [False, True])
def test_an_input_without_rows_never_empties_the_table(
    table: psycopg.Connection, allow: bool
) -> None:
    before = table_snapshot(table, "mirrored")
    with pytest.raises(MassRemovalError, match="refusing to empty public.mirrored") as raised:
        _mirror(table, [], allow=allow)
    assert "would remove all 4 row(s)" in str(raised.value)
    assert "not even with allow_mass_removal" in str(raised.value)
    assert table_snapshot(table, "mirrored") == before


def test_an_empty_input_into_an_empty_table_is_a_no_op(conn: psycopg.Connection) -> None:
    conn.execute(
        "CREATE TABLE public.mirrored (k text PRIMARY KEY, v integer, updated_at timestamptz)"
    )
    counts = _mirror(conn, [])
    assert (counts.staged, counts.inserted, counts.removed) == (0, 0, 0)


def test_a_load_within_a_part_mirrors_that_part_and_leaves_the_rest(
    table: psycopg.Connection,
) -> None:
    from benchmark_pipeline.lib.postgres.mirror import Within

    frame = pd.DataFrame({"k": ["b", "e"], "v": [20, 5]})
    with table.transaction():
        counts = mirror_frame(
            table, TABLE, frame, key=["k"], columns=["k", "v"], within=Within("k", ["b", "c", "e"])
        )
    # c (in the part, not in the input) goes; a and d (outside the part) stay as they were.
    assert (counts.inserted, counts.updated, counts.removed) == (1, 1, 1)
    assert [r[:2] for r in table_snapshot(table, "mirrored")] == [
        ("a", 1),
        ("b", 20),
        ("d", 4),
        ("e", 5),
    ]


def test_a_part_emptied_is_no_table_emptied(table: psycopg.Connection) -> None:
    from benchmark_pipeline.lib.postgres.mirror import Within

    empty = pd.DataFrame({"k": pd.Series([], dtype=object), "v": pd.Series([], dtype="Int64")})
    with table.transaction():
        counts = mirror_frame(
            table, TABLE, empty, key=["k"], columns=["k", "v"], within=Within("k", ["d"])
        )
    assert counts.removed == 1
    assert [r[0] for r in table_snapshot(table, "mirrored")] == ["a", "b", "c"]
    with pytest.raises(MassRemovalError, match="refusing to empty public.mirrored"):
        with table.transaction():
            mirror_frame(
                table, TABLE, empty, key=["k"], columns=["k", "v"], within=Within("k", list("abc"))
            )

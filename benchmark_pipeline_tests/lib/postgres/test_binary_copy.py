"""Binary COPY trusts its caller: every value is checked against its column type first."""

import datetime as dt
import io
from decimal import Decimal

import pandas as pd
import psycopg
import pytest
from psycopg import sql
from psycopg.copy import Copy, FileWriter

from benchmark_pipeline.lib.postgres import binary_copy as cv


@pytest.mark.parametrize(
    ("oid", "value"),
    [
        (cv.INT4, 2**31),  # would wrap around to -2147483648
        (cv.INT4, 12.5),  # would be truncated
        (cv.INT4, True),
        (cv.INT4, "12"),
        (cv.INT2, 40_000),
        (cv.BOOL, "yes"),  # would become true by truthiness
        (cv.BOOL, 2),
        (cv.NUMERIC, float("nan")),
        (cv.NUMERIC, "22.8"),
        (cv.DATE, dt.datetime(2024, 1, 1, 12)),
        (cv.TIMESTAMPTZ, dt.datetime(2024, 1, 1)),
        (cv.TEXT, 12),
        (cv.TEXT_ARRAY, "psilocybin"),
        (cv.TEXT_ARRAY, ["psilocybin", 3]),
        (cv.JSONB, {"measure": "MADRS"}),  # JSON arrives serialized, as text
    ],
)
def test_a_value_that_does_not_fit_its_column_is_refused_with_its_place(oid, value):
    with pytest.raises(cv.StagingValueError, match=r"column 'c', row 1: .* is not a valid"):
        cv.column_values("c", oid, [None, value])


def test_fitting_values_pass_and_numerics_become_exact_decimals():
    assert cv.column_values("x", cv.NUMERIC, [22.8, -0.91, 3, None, Decimal("1.50")]) == [
        Decimal("22.8"),
        Decimal("-0.91"),
        Decimal("3"),
        None,
        Decimal("1.50"),
    ]
    assert cv.column_values("n", cv.INT4, [2**31 - 1, -(2**31), None]) == [
        2**31 - 1,
        -(2**31),
        None,
    ]
    assert cv.column_values("t", cv.TEXT_ARRAY, [["a", None], []]) == [["a", None], []]
    assert cv.supports([cv.TEXT, cv.INT4, cv.DATE, cv.JSONB]) and not cv.supports([cv.TEXT, 2950])


def test_jsonb_text_goes_in_binary_and_the_server_refuses_what_is_not_json(conn):
    conn.execute("CREATE TABLE public.j (k int, doc jsonb)")
    frame = pd.DataFrame(
        {"k": [1, 2], "doc": ['[{"measure": "MADRS", "time_frame": "Week 6"}]', None]}
    )
    with conn.transaction():
        assert cv.copy_frame(conn, sql.Identifier("public", "j"), frame, ["k", "doc"]) == 2
    rows = conn.execute("SELECT k, doc FROM public.j ORDER BY k").fetchall()
    assert rows == [(1, [{"measure": "MADRS", "time_frame": "Week 6"}]), (2, None)]
    bad = pd.DataFrame({"k": [3], "doc": ["{not json"]})
    with pytest.raises(psycopg.errors.InvalidTextRepresentation), conn.transaction():
        cv.copy_frame(conn, sql.Identifier("public", "j"), bad, ["k", "doc"])
    assert conn.execute("SELECT count(*) FROM public.j").fetchone()[0] == 2


def test_a_list_shared_by_rows_is_written_in_every_row(conn):
    conn.execute("CREATE TABLE public.shared (k int, tags text[])")
    shared = ["depression", "anxiety"]
    frame = pd.DataFrame({"k": [1, 2, 3], "tags": [shared, shared, ["depression", "anxiety"]]})
    with conn.transaction():
        cv.copy_frame(conn, sql.Identifier("public", "shared"), frame, ["k", "tags"])
    rows = conn.execute("SELECT k, tags FROM public.shared ORDER BY k").fetchall()
    assert rows == [(k, ["depression", "anxiety"]) for k in (1, 2, 3)]


@pytest.mark.parametrize("kind", ["text[]", "interval"])  # binary, and text for a type unchecked
def test_the_encoder_sends_what_psycopgs_own_write_row_sends(conn, monkeypatch, kind):
    """``RowEncoder`` formats rows with psycopg's row formatter directly (to hash each row):
    its data must be byte for byte what ``Copy.write_row`` would send."""
    conn.execute(f"CREATE TABLE public.enc (k int, v {kind}, d date, n numeric)")
    value = [["a", None], [], None] if kind == "text[]" else ["1 day", None, "2 hours"]
    frame = pd.DataFrame(
        {
            "k": [1, 2, None],
            "v": value,
            "d": [dt.date(2024, 2, 29), None, dt.date(1999, 1, 1)],
            "n": [Decimal("1.50"), -0.91, None],
        }
    )
    columns = ["k", "v", "d", "n"]
    monkeypatch.setattr(cv, "SEND_BYTES", 10)  # a piece a row
    encoder = cv.RowEncoder(conn, sql.Identifier("public", "enc"), columns)
    kept: list[bytes] = []
    ours = b"".join(encoder.pieces(frame, kept.extend))

    theirs = io.BytesIO()
    with Copy(encoder.cursor, binary=encoder.binary, writer=FileWriter(theirs)) as copy:
        if encoder.binary:
            copy.set_types(encoder.oids)
        for row in frame.itertuples(index=False):
            values = [cv.cell(v) for v in row]
            if encoder.binary:
                typed = zip(columns, encoder.oids, values, strict=True)
                values = [cv.column_values(c, o, [v])[0] for c, o, v in typed]
            copy.write_row(values)
    assert encoder.binary == (kind == "text[]")
    assert ours == theirs.getvalue()
    assert len(kept) == 3 and b"".join(kept) in ours
    with conn.transaction():
        assert cv.copy_frame(conn, sql.Identifier("public", "enc"), frame, columns) == 3
    assert conn.execute("SELECT count(*), count(v) FROM public.enc").fetchone() == (3, 2)

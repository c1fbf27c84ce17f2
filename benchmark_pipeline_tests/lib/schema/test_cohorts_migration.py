"""Migration 061 on a table an earlier loader filled with duplicate cohort rows."""

import psycopg
import pytest

from benchmark_pipeline.constants import SQL_DIR
from benchmark_pipeline.lib.schema.migrations import apply_migrations, discover


def test_061_keeps_the_newest_copy_and_enforces_the_natural_key(conn: psycopg.Connection) -> None:
    found = discover(SQL_DIR)
    apply_migrations(conn, [m for m in found if m.version < 61])
    insert = (
        "INSERT INTO public.benchmark_cohorts (cohort_name, source_citation, modality, condition,"
        " n_participants, instrument, notes, created_at) VALUES (%s, 'c', 'mdma', 'PTSD', 1,"
        " 'CAPS-5', %s, %s)"
    )
    for note, created in (("old", "2024-01-01"), ("newest", "2024-03-01"), ("mid", "2024-02-01")):
        conn.execute(insert, ("MAPP1", note, created))
    conn.execute(insert, ("MAPP2", "only", "2024-01-01"))

    apply_migrations(conn, found)

    rows = conn.execute(
        "SELECT cohort_name, notes FROM public.benchmark_cohorts ORDER BY cohort_name"
    ).fetchall()
    assert rows == [("MAPP1", "newest"), ("MAPP2", "only")]
    with pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute(insert, ("MAPP2", "again", "2024-05-01"))


def test_063_makes_reuse_terms_three_valued_and_keeps_every_value(
    conn: psycopg.Connection,
) -> None:
    found = discover(SQL_DIR)
    apply_migrations(conn, [m for m in found if m.version < 63])
    conn.execute(
        "INSERT INTO public.benchmark_cohorts (cohort_name, source_citation, modality, condition,"
        " n_participants, instrument) VALUES ('before', 'c', 'mdma', 'PTSD', 1, 'CAPS-5')"
    )
    apply_migrations(conn, found)
    # The old default's value stays as stored; only the constraint and the default go.
    assert conn.execute("SELECT data_freely_usable FROM public.benchmark_cohorts").fetchall() == [
        (True,)
    ]
    conn.execute(
        "INSERT INTO public.benchmark_cohorts (cohort_name, source_citation, modality, condition,"
        " n_participants, instrument) VALUES ('unverified', 'c', 'mdma', 'PTSD', 1, 'CAPS-5')"
    )
    row = conn.execute(
        "SELECT data_freely_usable, license FROM public.benchmark_cohorts"
        " WHERE cohort_name = 'unverified'"
    ).fetchone()
    assert row == (None, None)
    comments = dict(
        conn.execute(
            "SELECT a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute a"
            " WHERE a.attrelid = 'public.benchmark_cohorts'::regclass"
            " AND a.attname IN ('data_freely_usable', 'license')"
        ).fetchall()
    )
    assert "NULL = not verified" in comments["data_freely_usable"]
    assert "NULL when not verified" in comments["license"]
    # Safe to re-run by hand: the same statements change nothing the second time.
    (migration,) = [m for m in found if m.version == 63]
    conn.execute(migration.sql)

"""benchmark_study_outcomes: migration 064 and the mirror load, on a real PostgreSQL."""

import re

import pandas as pd
import psycopg
import pytest

from benchmark_pipeline.constants import SQL_DIR
from benchmark_pipeline.lib.metapsy.contract import TABLE_COLUMNS, column_types
from benchmark_pipeline.lib.metapsy.load import TABLE, load_study_outcomes
from benchmark_pipeline.lib.metapsy.reading import read_dataset_csv
from benchmark_pipeline.lib.metapsy.snapshot import read_snapshot
from benchmark_pipeline.lib.metapsy.validation import validate_dataset
from benchmark_pipeline.lib.postgres.mirror import MassRemovalError
from benchmark_pipeline.lib.schema.catalog import live_policies, rows_visible_to
from benchmark_pipeline_tests.lib.metapsy.snapshots import DATASETS, PINNED
from benchmark_pipeline_tests.support.databases import table_snapshot

MIGRATION = SQL_DIR / "064_benchmark_study_outcomes.sql"
SQL_TYPES = {"integer": "integer", "numeric": "numeric", "boolean": "boolean", "text": "text"}


def _valid(dataset: str) -> pd.DataFrame:
    snapshot = read_snapshot(PINNED / dataset)
    return validate_dataset(snapshot, read_dataset_csv(snapshot.data_csv)).valid


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return pd.concat([_valid(d) for d in DATASETS], ignore_index=True)


def _table(conn: psycopg.Connection) -> list[tuple]:
    return table_snapshot(conn, "benchmark_study_outcomes")


def test_table_has_the_contracts_columns_types_comments_and_key(migrated) -> None:
    rows = migrated.execute(
        "SELECT column_name, data_type, col_description('public.benchmark_study_outcomes'::regclass,"
        " ordinal_position) FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = 'benchmark_study_outcomes'"
        " ORDER BY ordinal_position"
    ).fetchall()
    live = {name: (kind, comment) for name, kind, comment in rows}
    assert [n for n in live if n not in {"id", "created_at", "updated_at"}] == TABLE_COLUMNS
    assert {c: live[c][0] for c in TABLE_COLUMNS} == {
        c: SQL_TYPES[t] for c, t in column_types().items()
    }
    assert all(comment for _, comment in live.values())
    unique = migrated.execute(
        "SELECT indexdef FROM pg_indexes WHERE tablename = 'benchmark_study_outcomes'"
        " AND indexdef LIKE 'CREATE UNIQUE INDEX%(dataset, row_id)'"
    ).fetchall()
    assert len(unique) == 1


def test_only_signed_in_users_read_and_nobody_writes_through_the_api(migrated, frame) -> None:
    load_study_outcomes(migrated, frame)
    (policy,) = live_policies(migrated, TABLE)
    assert (policy.command, policy.roles) == ("select", ("authenticated",))
    assert rows_visible_to(migrated, "authenticated", TABLE) == 281
    assert rows_visible_to(migrated, "anon", TABLE) is None
    with migrated.transaction(force_rollback=True):
        migrated.execute("SET LOCAL ROLE authenticated")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            migrated.execute(f"DELETE FROM {TABLE}")


def test_running_the_migration_file_again_changes_nothing(migrated) -> None:
    migrated.execute(MIGRATION.read_text(encoding="utf-8"))
    migrated.execute(MIGRATION.read_text(encoding="utf-8"))
    assert len(live_policies(migrated, TABLE)) == 1


def test_all_281_rows_load_and_a_second_load_changes_nothing(migrated, frame) -> None:
    first = load_study_outcomes(migrated, frame)
    assert (first.inserted, first.updated, first.removed, first.row_count) == (281, 0, 0, 281)
    assert first.problems == []
    counts = dict(migrated.execute(f"SELECT dataset, count(*) FROM {TABLE} GROUP BY 1").fetchall())
    assert counts == {"depression-psiloctr": 220, "ptsd-mdmactr": 61}
    before = _table(migrated)
    second = load_study_outcomes(migrated, frame)
    assert (second.inserted, second.updated, second.unchanged, second.removed) == (0, 0, 281, 0)
    assert _table(migrated) == before  # same rows, same updated_at


def _python(value: object) -> object:
    return None if value is None or value is pd.NA or value != value else value


def test_values_round_trip_exactly(migrated, frame) -> None:
    load_study_outcomes(migrated, frame)
    columns = ", ".join(f'"{c}"' for c in TABLE_COLUMNS)
    stored = migrated.execute(f"SELECT {columns} FROM {TABLE} ORDER BY dataset, row_id").fetchall()
    expected = frame.sort_values(["dataset", "row_id"]).itertuples(index=False)
    for ours, theirs in zip(expected, stored, strict=True):
        for column, mine, db in zip(TABLE_COLUMNS, ours, theirs, strict=True):
            mine = _python(mine)
            # numeric comes back as Decimal: the float it was written from, digit for digit.
            assert (db if mine is None or db is None else type(mine)(db)) == mine, column


def test_dry_run_reports_and_rolls_back(migrated, frame) -> None:
    load = load_study_outcomes(migrated, frame, dry_run=True)
    assert (load.inserted, load.row_count, load.problems) == (281, 0, [])
    assert _table(migrated) == []


def test_a_load_that_would_remove_most_rows_is_refused_unless_allowed(migrated, frame) -> None:
    load_study_outcomes(migrated, frame)
    before = _table(migrated)
    mdma_only = frame[frame["dataset"] == "ptsd-mdmactr"]
    with pytest.raises(
        MassRemovalError, match=re.escape("refusing to remove 220 of the 281 row(s)")
    ):
        load_study_outcomes(migrated, mdma_only)
    with pytest.raises(MassRemovalError, match="refusing to empty"):
        load_study_outcomes(migrated, frame.iloc[0:0], allow_mass_removal=True)
    assert _table(migrated) == before
    allowed = load_study_outcomes(migrated, mdma_only, allow_mass_removal=True)
    assert (allowed.removed, allowed.row_count) == (220, 61)


def test_a_changed_value_updates_only_its_row(migrated, frame) -> None:
    load_study_outcomes(migrated, frame)
    changed = frame.copy()
    changed.loc[0, "rob_overall"] = "High"
    load = load_study_outcomes(migrated, changed)
    assert (load.inserted, load.updated, load.unchanged) == (0, 1, 280)
    (rob,) = migrated.execute(
        f"SELECT rob_overall FROM {TABLE} WHERE dataset = %s AND row_id = %s",
        (changed.loc[0, "dataset"], changed.loc[0, "row_id"]),
    ).fetchone()
    assert rob == "High"

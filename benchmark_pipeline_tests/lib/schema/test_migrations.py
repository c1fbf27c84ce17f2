"""The migration runner against a real PostgreSQL: idempotent, tracked, locked, drift-proof."""

import re
import shutil
import threading

import psycopg
import pytest

from benchmark_pipeline.constants import SQL_DIR
from benchmark_pipeline.lib.schema import migrations
from benchmark_pipeline.lib.schema.lint import MigrationLintError

MIGRATION_059 = SQL_DIR / "059_global_benchmark_tables.sql"


def _hand_run_version() -> str:
    """059 as it was once pasted into the Supabase editor: bare CREATE POLICY statements."""
    sql = MIGRATION_059.read_text()
    policies = re.findall(r"^\s*CREATE POLICY .*?;", sql, flags=re.S | re.M)
    assert len(policies) == 3
    unguarded = re.sub(r"DO \$policies\$.*?\$policies\$;", "\n".join(policies), sql, flags=re.S)
    assert "DO $policies$" not in unguarded
    return unguarded


def _ledger(conn):
    return [(r.version, r.name, r.checksum, r.applied_at) for r in migrations.read_ledger(conn)]


def _sql_dir_copy(tmp_path):
    target = tmp_path / "sql"
    shutil.copytree(SQL_DIR, target)
    return target


def test_second_run_is_a_noop_and_leaves_the_ledger_unchanged(conn):
    found = migrations.discover(SQL_DIR)
    first = migrations.apply_migrations(conn, found)
    assert [m.version for m in first] == [m.version for m in found]
    ledger = _ledger(conn)
    assert [row[0] for row in ledger] == [m.version for m in found]
    assert all(len(row[2]) == 64 for row in ledger)

    assert migrations.apply_migrations(conn, found) == []
    assert _ledger(conn) == ledger


def test_running_the_migration_file_itself_twice_succeeds(conn):
    conn.execute("SELECT 1")  # roles exist on the embedded server
    conn.execute(MIGRATION_059.read_text())
    conn.execute(MIGRATION_059.read_text())
    count = conn.execute("SELECT count(*) FROM pg_policies WHERE schemaname = 'public'").fetchone()[
        0
    ]
    assert count == 3


def test_bare_create_policy_fails_on_a_second_run(conn):
    hand_run = _hand_run_version()
    conn.execute(hand_run)
    with pytest.raises(psycopg.errors.DuplicateObject) as raised:
        conn.execute(hand_run)
    assert raised.value.sqlstate == "42710"


def test_database_migrated_by_hand_migrates_cleanly_and_gets_its_ledger_row(conn):
    conn.execute(_hand_run_version())
    applied = migrations.apply_migrations(conn, migrations.discover(SQL_DIR))
    assert 59 in [m.version for m in applied]
    assert 59 in [row[0] for row in _ledger(conn)]
    policies = conn.execute(
        "SELECT policyname FROM pg_policies WHERE schemaname = 'public' ORDER BY 1"
    ).fetchall()
    assert [p[0] for p in policies] == [
        "benchmark_cohorts_authenticated_select",
        "benchmark_instruments_authenticated_select",
        "benchmark_study_outcomes_authenticated_select",
        "benchmark_trial_results_authenticated_select",
        "benchmark_trials_authenticated_select",
        "population_baselines_authenticated_select",
    ]


def test_changed_file_of_an_applied_migration_is_refused_and_nothing_applied(conn, tmp_path):
    sql_dir = _sql_dir_copy(tmp_path)
    migrations.apply_migrations(conn, migrations.discover(sql_dir))
    before = _ledger(conn)
    applied_file = sql_dir / MIGRATION_059.name
    applied_file.write_text(applied_file.read_text() + "\n-- edited after it ran\n")
    (sql_dir / "999_new_table.sql").write_text(
        "CREATE TABLE IF NOT EXISTS public.late (a int);\nALTER TABLE public.late ENABLE ROW LEVEL SECURITY;\n"
    )
    with pytest.raises(migrations.MigrationDriftError, match="059_global_benchmark_tables"):
        migrations.apply_migrations(conn, migrations.discover(sql_dir))
    assert _ledger(conn) == before
    assert conn.execute("SELECT to_regclass('public.late')").fetchone()[0] is None


def test_lint_failure_applies_nothing(conn, tmp_path):
    sql_dir = _sql_dir_copy(tmp_path)
    (sql_dir / "999_bad.sql").write_text("TRUNCATE public.benchmark_trials;\n")
    with pytest.raises(MigrationLintError, match=r"999_bad.sql:1: \[no-truncate\]"):
        migrations.apply_migrations(conn, migrations.discover(sql_dir))
    assert _ledger(conn) == []
    assert conn.execute("SELECT to_regclass('public.benchmark_trials')").fetchone()[0] is None


def test_failing_migration_rolls_back_with_its_ledger_row(conn, tmp_path):
    sql_dir = _sql_dir_copy(tmp_path)
    (sql_dir / "999_broken.sql").write_text(
        "CREATE TABLE IF NOT EXISTS public.half (a int);\n"
        "ALTER TABLE public.half ENABLE ROW LEVEL SECURITY;\n"
        "INSERT INTO public.half VALUES ('not a number');\n"
    )
    with pytest.raises(psycopg.errors.InvalidTextRepresentation):
        migrations.apply_migrations(conn, migrations.discover(sql_dir))
    assert 999 not in [row[0] for row in _ledger(conn)]
    assert conn.execute("SELECT to_regclass('public.half')").fetchone()[0] is None


def test_concurrent_runners_serialize(database_url):
    found = migrations.discover(SQL_DIR)
    results: dict[int, list] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def run(index: int) -> None:
        try:
            with psycopg.connect(database_url, autocommit=True) as connection:
                barrier.wait(timeout=30)
                results[index] = [m.version for m in migrations.apply_migrations(connection, found)]
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    applied_everywhere = sorted(v for versions in results.values() for v in versions)
    assert applied_everywhere == sorted(m.version for m in found)
    with psycopg.connect(database_url) as connection:
        assert [row[0] for row in _ledger(connection)] == [m.version for m in found]


def test_discover_refuses_misnamed_and_repeated_versions(tmp_path):
    (tmp_path / "001_a.sql").write_text("SELECT 1;")
    (tmp_path / "01_b.sql").write_text("SELECT 1;")
    with pytest.raises(ValueError, match="version 1 also used"):
        migrations.discover(tmp_path)
    (tmp_path / "01_b.sql").unlink()
    (tmp_path / "002-Bad Name.sql").write_text("SELECT 1;")
    with pytest.raises(ValueError, match="NNN_lowercase_name"):
        migrations.discover(tmp_path)

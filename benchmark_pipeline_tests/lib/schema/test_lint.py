"""The reviewer's rules, as code: each forbidden statement is rejected with its line."""

import psycopg
import pytest

from benchmark_pipeline.constants import SQL_DIR
from benchmark_pipeline.lib.schema import migrations
from benchmark_pipeline.lib.schema.lint import MigrationLintError, lint_sql

SAFE_TABLE = "CREATE TABLE IF NOT EXISTS public.t (a int);\nALTER TABLE public.t ENABLE ROW LEVEL SECURITY;\n"


def test_every_shipped_migration_passes_lint():
    assert migrations.discover(SQL_DIR), "sql/ holds no migration"
    migrations.lint(migrations.discover(SQL_DIR))


@pytest.mark.parametrize(
    ("statement", "rule"),
    [
        ("DROP TABLE public.t;", "no-drop"),
        ("DROP INDEX IF EXISTS idx_x;", "no-drop"),
        ("DROP POLICY p ON public.t;", "no-drop"),
        ("TRUNCATE public.t;", "no-truncate"),
        ("ALTER TABLE public.t ALTER COLUMN a TYPE text;", "no-destructive-alter"),
        ("ALTER TABLE public.t DROP COLUMN a;", "no-destructive-alter"),
        ("ALTER TABLE public.t DROP CONSTRAINT t_pkey;", "no-destructive-alter"),
        ("ALTER TABLE public.t DISABLE ROW LEVEL SECURITY;", "no-destructive-alter"),
        ("ALTER TABLE public.t NO FORCE ROW LEVEL SECURITY;", "no-destructive-alter"),
        ("ALTER TABLE public.t SET UNLOGGED;", "no-destructive-alter"),
        (
            "ALTER TABLE public.t ALTER COLUMN a DROP NOT NULL, DROP COLUMN b;",
            "no-destructive-alter",
        ),
        ("DROP OWNED BY someone;", "no-drop"),
        ("DROP SCHEMA public CASCADE;", "no-drop"),
        ("UPDATE public.t SET a = 0;", "no-overwrite"),
        ("INSERT INTO public.t VALUES (1) ON CONFLICT (a) DO UPDATE SET a = 2;", "no-overwrite"),
        (
            "MERGE INTO public.t USING public.s ON t.a = s.a WHEN MATCHED THEN DELETE;",
            "no-overwrite",
        ),
        ("DELETE FROM public.t;", "delete-duplicates-only"),
        ("DELETE FROM public.t WHERE a > 3;", "delete-duplicates-only"),
        ("WITH gone AS (DELETE FROM public.t RETURNING a) SELECT 1;", "delete-duplicates-only"),
        ("CREATE INDEX idx_t_a ON public.t (a);", "create-if-not-exists"),
        (
            "CREATE POLICY p ON public.t FOR INSERT TO authenticated WITH CHECK (true);",
            "select-only-policy",
        ),
        (
            "CREATE POLICY p ON public.t FOR ALL TO authenticated USING (true);",
            "select-only-policy",
        ),
        ("CREATE POLICY p ON public.t TO authenticated USING (true);", "select-only-policy"),
    ],
)
def test_forbidden_statement_is_named_with_file_line_and_rule(statement, rule):
    sql = SAFE_TABLE + "\n-- comment line\n" + statement + "\n"
    violations = lint_sql(sql, "070_example.sql")
    assert [(v.file, v.line, v.rule) for v in violations] == [("070_example.sql", 5, rule)]


# Loosening a constraint, or tightening one (SET NOT NULL fails on a NULL instead of losing it),
# changes no stored value.
ALLOWED = [
    "ALTER TABLE public.t ALTER COLUMN a DROP NOT NULL;",
    "ALTER TABLE public.t ALTER COLUMN a DROP DEFAULT;",
    "ALTER TABLE public.t ALTER COLUMN a DROP DEFAULT, ALTER COLUMN a DROP NOT NULL;",
    "ALTER TABLE public.t ALTER COLUMN a SET NOT NULL;",
    "ALTER TABLE public.t ALTER COLUMN a SET DEFAULT 0;",
    "COMMENT ON COLUMN public.t.a IS 'NULL = not verified';",
    "INSERT INTO public.t VALUES (1) ON CONFLICT DO NOTHING;",
]


@pytest.mark.parametrize("statement", ALLOWED)
def test_loosening_or_documenting_a_column_is_allowed(statement):
    assert lint_sql(SAFE_TABLE + statement + "\n", "070_example.sql") == []


# 061's shape: every row that has a later copy of the same key goes, so the last copy stays.
KEEPS_LAST_COPY = [
    "DELETE FROM public.t AS older USING public.t AS newer"
    " WHERE older.k = newer.k AND (older.c, older.id::text) < (newer.c, newer.id::text);",
    "DELETE FROM public.t a USING public.t b WHERE b.k = a.k AND b.c > a.c AND a.n IS NULL;",
    "DELETE FROM public.t USING public.t AS other WHERE t.k = other.k AND t.c > other.c;",
]


@pytest.mark.parametrize("statement", KEEPS_LAST_COPY)
def test_delete_of_extra_copies_is_allowed(statement):
    assert lint_sql(SAFE_TABLE + statement + "\n", "070_example.sql") == []


# Each of these can delete the only (or every) copy of a key.
LOSES_ROWS = [
    # Different expressions on the two sides: a row can match itself.
    "DELETE FROM public.t a USING public.t b WHERE a.k = b.k AND a.c < b.d;",
    # OR instead of AND.
    "DELETE FROM public.t a USING public.t b WHERE a.k = b.k OR a.c < b.c;",
    # No key equality: every row but the very last goes.
    "DELETE FROM public.t a USING public.t b WHERE a.c < b.c;",
    # No strict order: every row of a key with two copies matches the other copy.
    "DELETE FROM public.t a USING public.t b WHERE a.k = b.k AND a.id <> b.id;",
    # Joined with another table, not with itself.
    "DELETE FROM public.t a USING public.s b WHERE a.k = b.k AND a.c < b.c;",
    # One side reads both copies.
    "DELETE FROM public.t a USING public.t b WHERE a.k = b.k AND a.c + b.c < b.c + b.c;",
]


@pytest.mark.parametrize("statement", LOSES_ROWS)
def test_delete_that_can_remove_a_last_copy_is_refused(statement):
    (violation,) = lint_sql(SAFE_TABLE + statement + "\n", "070_example.sql")
    assert (violation.line, violation.rule) == (3, "delete-duplicates-only")
    assert "extra copies" in violation.message


def test_statements_inside_do_blocks_are_linted_too():
    sql = SAFE_TABLE + (
        "DO $$\nBEGIN\n"
        "  IF true THEN\n"
        "    CREATE POLICY w ON public.t FOR UPDATE TO authenticated USING (true);\n"
        "  END IF;\n"
        "  EXECUTE 'TRUNCATE public.t';\n"
        "  DELETE FROM public.t;\n"
        "END\n$$;\n"
    )
    violations = lint_sql(sql, "x.sql")
    assert [(v.line, v.rule) for v in violations] == [
        (6, "select-only-policy"),
        (8, "no-truncate"),
        (9, "delete-duplicates-only"),
    ]


def test_table_without_rls_and_without_if_not_exists():
    violations = lint_sql("CREATE TABLE public.open_table (a int);", "x.sql")
    assert {v.rule for v in violations} == {"create-if-not-exists", "rls-enabled"}
    assert all(v.line == 1 for v in violations)


def test_invalid_sql_is_a_violation_not_a_crash():
    (violation,) = lint_sql("SELECT 1;\nSELEC 2;\n", "x.sql")
    assert (violation.line, violation.rule) == (2, "parse")


def test_lint_failure_names_every_violation(tmp_path):
    (tmp_path / "001_ok.sql").write_text(SAFE_TABLE)
    (tmp_path / "002_bad.sql").write_text("SELECT 1;\nDROP TABLE public.t;\n")
    with pytest.raises(MigrationLintError) as raised:
        migrations.lint(migrations.discover(tmp_path))
    assert "002_bad.sql:2: [no-drop]" in str(raised.value)
    assert "nothing applied" in str(raised.value)


def test_set_not_null_over_a_null_fails_and_loses_nothing(tmp_path, conn):
    (tmp_path / "001_table.sql").write_text(
        SAFE_TABLE + "INSERT INTO public.t (a) VALUES (NULL), (1);\n"
    )
    (tmp_path / "002_tighten.sql").write_text("ALTER TABLE public.t ALTER COLUMN a SET NOT NULL;\n")
    found = migrations.discover(tmp_path)
    with pytest.raises(psycopg.errors.NotNullViolation):
        migrations.apply_migrations(conn, found)
    assert conn.execute("SELECT a FROM public.t ORDER BY a").fetchall() == [(1,), (None,)]
    assert [row.version for row in migrations.read_ledger(conn)] == [1]
    assert not conn.execute(
        "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.t'::regclass"
        " AND attname = 'a'"
    ).fetchone()[0]

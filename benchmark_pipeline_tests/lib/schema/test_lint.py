"""The reviewer's rules, as code: each forbidden statement is rejected with its line."""

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


def test_statements_inside_do_blocks_are_linted_too():
    sql = SAFE_TABLE + (
        "DO $$\nBEGIN\n"
        "  IF true THEN\n"
        "    CREATE POLICY w ON public.t FOR UPDATE TO authenticated USING (true);\n"
        "  END IF;\n"
        "  EXECUTE 'TRUNCATE public.t';\n"
        "END\n$$;\n"
    )
    violations = lint_sql(sql, "x.sql")
    assert [(v.line, v.rule) for v in violations] == [(6, "select-only-policy"), (8, "no-truncate")]


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

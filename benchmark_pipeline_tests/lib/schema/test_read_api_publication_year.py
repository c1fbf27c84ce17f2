"""Migration 072: a cohort's recency is its publication_year, never a year in its name. The
column and its bounds, a tie on N broken by the year whatever the cohorts are called, and no
function of the final schema that reads a year out of a name."""

import re
from datetime import UTC, datetime

import pandas as pd
import psycopg
import pytest
from pglast import ast

from benchmark_pipeline.constants import SQL_DIR
from benchmark_pipeline.lib.cohorts.contract import COLUMNS
from benchmark_pipeline.lib.cohorts.load import load_cohorts
from benchmark_pipeline.lib.cohorts.validation import validate_cohorts
from benchmark_pipeline.lib.schema import migrations
from benchmark_pipeline.lib.schema.statements import iter_statements

from .expected import ok

MIGRATION = SQL_DIR / "072_cohort_publication_year.sql"
TEST_DOI = "10.5555/publication-year-test"
ARGUMENTS = {"modality": "psilocybin", "condition": "MDD"}
# A regular-expression or substring function, or a regex operator, applied to cohort_name.
NAME_PARSING = re.compile(
    r"(regexp_\w+|substring|substr|split_part|left|right)\s*\([^;]*?\bcohort_name\b"
    r"|\bcohort_name\b\s*(~\*?|!~\*?|similar to)",
    re.IGNORECASE,
)


def _cohort(name: str, year: str, **values: str) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    citation = f"Tie test {name!r}, not a publication{f'; test year {year}' if year else ''}."
    row.update(
        cohort_name=name,
        source_citation=f"{citation} doi:{TEST_DOI}",
        doi=TEST_DOI,
        publication_year=year,
        modality="psilocybin",
        condition="MDD",
        setting="clinical_trial",
        n_participants="60",
        instrument="mixed",
        **values,
    )
    return row


def _load(conn: psycopg.Connection, rows: list[dict[str, str]]) -> None:
    """``rows`` through the pipeline's own validation and mirror load."""
    result = validate_cohorts(pd.DataFrame(rows, index=range(2, 2 + len(rows)), dtype=str))
    assert result.rejections == []
    load = load_cohorts(conn, result.valid, dry_run=False, allow_mass_removal=True)
    assert load.problems == []


def _chosen(api: psycopg.Connection) -> dict:
    return ok(api, "primary_benchmark", **ARGUMENTS).value


def test_the_column_is_commented_as_a_verified_year_or_a_release_year(migrated):
    ((kind, comment),) = migrated.execute(
        "SELECT format_type(a.atttypid, a.atttypmod), col_description(a.attrelid, a.attnum)"
        " FROM pg_attribute a WHERE a.attrelid = 'public.benchmark_cohorts'::regclass"
        " AND a.attname = 'publication_year'"
    ).fetchall()
    assert kind == "integer"
    for part in ("value_sources", "release year", "not a publication year", "NULL = not verified"):
        assert part in comment


@pytest.mark.parametrize("year", [1899, datetime.now(UTC).year + 1])
def test_the_table_refuses_a_year_before_1900_or_after_this_one(migrated, year):
    with pytest.raises(psycopg.errors.CheckViolation, match="publication_year_range"):
        migrated.execute(
            "INSERT INTO public.benchmark_cohorts (cohort_name, source_citation, modality,"
            " condition, n_participants, instrument, publication_year)"
            " VALUES ('c', 'c', 'mdma', 'PTSD', 1, 'CAPS-5', %s)",
            [year],
        )


def test_072_runs_again_without_changing_anything(migrated, api):
    _load(migrated, [_cohort("older", "2019"), _cohort("newer", "2021")])
    before = _chosen(api)
    constraints = migrated.execute(
        "SELECT conname FROM pg_constraint"
        " WHERE conrelid = 'public.benchmark_cohorts'::regclass ORDER BY 1"
    ).fetchall()
    migrated.execute(MIGRATION.read_text(encoding="utf-8"))
    assert _chosen(api) == before
    assert (
        migrated.execute(
            "SELECT conname FROM pg_constraint"
            " WHERE conrelid = 'public.benchmark_cohorts'::regclass ORDER BY 1"
        ).fetchall()
        == constraints
    )


def test_a_renamed_cohort_is_chosen_the_same_for_the_same_reason(migrated, api):
    older, newer = _cohort("Cohort A (2019)", "2019"), _cohort("Cohort B (2021)", "2021")
    _load(migrated, [older, newer])
    first = _chosen(api)
    assert first["cohort_name"] == "Cohort B (2021)" and first["publication_year"] == 2021
    reason = first["chosen_because"]
    assert reason.endswith(
        " 2 cohort(s) share that N: the most recently published was taken, published 2021 "
        f"(Tie test 'Cohort B (2021)', not a publication; test year 2021. doi:{TEST_DOI})."
    )
    # B's name loses its year and A's name now carries a later one (and sorts first): the same
    # cohort, by its publication year, for the same reason.
    _load(migrated, [older | {"cohort_name": "A cohort (2030)"}, newer | {"cohort_name": "B"}])
    again = _chosen(api)
    assert again["cohort_name"] == "B"
    assert again["chosen_because"] == reason
    unchanged = ("source_citation", "doi", "publication_year", "n_participants", "rule_step")
    assert {k: again[k] for k in unchanged} == {k: first[k] for k in unchanged}
    listed = ok(api, "benchmark_cohorts_for", **ARGUMENTS).records()
    assert [r["cohort_name"] for r in listed] == ["B", "A cohort (2030)"]


def test_a_tie_without_years_or_on_one_year_goes_to_the_first_name_and_says_so(migrated, api):
    _load(migrated, [_cohort("Cohort Y (2024)", ""), _cohort("Cohort X (2001)", "")])
    unknown = _chosen(api)
    assert unknown["cohort_name"] == "Cohort X (2001)" and unknown["publication_year"] is None
    assert unknown["chosen_because"].endswith(
        " 2 cohort(s) share that N, no publication year recorded for any of them: the first by "
        "cohort_name was taken."
    )
    _load(migrated, [_cohort("Cohort Y", "2022"), _cohort("Cohort X", "2022")])
    same_year = _chosen(api)
    assert same_year["cohort_name"] == "Cohort X"
    assert same_year["chosen_because"].endswith("; 2 share that year, so the first by cohort_name.")
    assert "published 2022 (Tie test 'Cohort X'" in same_year["chosen_because"]


def test_a_cohort_with_a_year_comes_before_one_without(migrated, api):
    _load(migrated, [_cohort("Cohort A", "1990"), _cohort("Cohort 0 (2099)", "")])
    chosen = _chosen(api)
    assert chosen["cohort_name"] == "Cohort A"
    assert "published 1990 (" in chosen["chosen_because"]


def test_no_live_function_reads_a_year_from_a_name(migrated):
    sources = migrated.execute(
        "SELECT n.nspname || '.' || p.proname, p.prosrc FROM pg_proc p"
        " JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname IN ('public', 'benchmark_pipeline')"
    ).fetchall()
    assert any(name == "public.benchmark_choose_cohort" for name, _ in sources)
    assert [name for name, source in sources if NAME_PARSING.search(source)] == []
    chooser = dict(sources)["public.benchmark_choose_cohort"]
    assert "publication_year DESC NULLS LAST" in chooser


def test_no_final_definition_in_sql_reads_a_year_from_a_name():
    final: dict[str, tuple[str, str]] = {}
    for migration in migrations.discover(SQL_DIR):
        for statement in iter_statements(migration.sql):
            node = statement.node
            if isinstance(node, ast.CreateFunctionStmt):
                name = ".".join(part.sval for part in node.funcname)
                body = next(o.arg for o in node.options if o.defname == "as")
                final[name] = (migration.path.name, "".join(s.sval for s in body))
    assert final["public.benchmark_choose_cohort"][0] == MIGRATION.name
    # The pattern finds what 068 wrote, so a clean final schema is not a blind test.
    assert NAME_PARSING.search((SQL_DIR / "068_read_api.sql").read_text(encoding="utf-8"))
    assert [n for n, (_, body) in final.items() if NAME_PARSING.search(body)] == []

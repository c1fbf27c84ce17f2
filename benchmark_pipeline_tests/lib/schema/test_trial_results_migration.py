"""Migrations 070 and 071: benchmark_trial_results and its loader's ledger hold what
lib/trials/results/columns.py declares and refuse an inconsistent row; the table is read by
signed-in users only and mirrored on its natural key; both files run again safely."""

from datetime import date
from decimal import Decimal

import psycopg
import pytest
from psycopg import sql

from benchmark_pipeline.constants import SQL_DIR
from benchmark_pipeline.lib.cohorts.instruments import read_instruments
from benchmark_pipeline.lib.cohorts.instruments_load import load_instruments
from benchmark_pipeline.lib.postgres import fingerprints
from benchmark_pipeline.lib.postgres.staged_upsert import upsert_frame
from benchmark_pipeline.lib.schema import migrations
from benchmark_pipeline.lib.schema.catalog import declared_schema, live_policies
from benchmark_pipeline.lib.schema.lint import lint_sql
from benchmark_pipeline.lib.schema.privileges import privilege_problems
from benchmark_pipeline.lib.schema.read_api import call_as
from benchmark_pipeline.lib.trials.results.columns import MEASUREMENT_COLUMNS, MEASUREMENT_KEY
from benchmark_pipeline_tests.support.databases import as_api_role
from benchmark_pipeline_tests.support.trial_results_rows import (
    COLUMNS,
    TABLE,
    load_trial_results,
    trial_results_frame,
)

FILES = ["070_benchmark_trial_results.sql", "071_read_api_registry_results.sql"]
LEDGER = "benchmark_pipeline.trial_results_reads"
DECLARED = declared_schema(m.sql for m in migrations.discover(SQL_DIR))
DERIVED_TYPES = {
    "instrument": "text",
    "instrument_match": "text",
    "quantity": "text",
    "dispersion_kind": "text",
    "arm_role": "text",
    "modality": "text",
    "comparable": "boolean",
    "not_comparable_reason": "text",
    "held_for_review": "boolean",
    "held_reason": "text",
    "updated_at": "timestamp with time zone",
    "created_at": "timestamp with time zone",
}
VALID = {
    "nct_id": "NCT90000099",
    "measure_no": 1,
    "group_id": "OG000",
    "class_no": 1,
    "category_no": 1,
    "value_text": "-3.5",
    "value": Decimal("-3.5"),
    "instrument": "MADRS",
    "instrument_match": "title: 'MADRS'",
    "quantity": "change",
    "dispersion_kind": "standard_deviation",
    "arm_role": "active",
    "comparable": True,
}


def test_both_files_pass_the_lint_and_declare_the_table_ledger_and_functions():
    for name in FILES:
        assert lint_sql((SQL_DIR / name).read_text(encoding="utf-8"), name) == []
    assert DECLARED.columns[TABLE] == [*MEASUREMENT_COLUMNS, *DERIVED_TYPES]
    assert DECLARED.columns[LEDGER] == [
        "nct_id", "last_update_date", "read_at", "outcome", "rows", "reason"
    ]  # fmt: skip
    assert {TABLE, LEDGER} <= DECLARED.rls_tables
    assert TABLE in DECLARED.api_tables and LEDGER not in DECLARED.api_tables
    assert {"benchmark_registry_candidates", "benchmark_trial_results_for"} <= set(
        DECLARED.functions
    )


def test_columns_have_the_declared_types_a_comment_each_and_the_natural_key(migrated):
    rows = migrated.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
        " col_description(a.attrelid, a.attnum)"
        " FROM pg_attribute a WHERE a.attrelid = %s::regclass AND a.attnum > 0"
        " AND NOT a.attisdropped ORDER BY a.attnum",
        [TABLE],
    ).fetchall()
    types = {name: kind for name, (kind, _) in MEASUREMENT_COLUMNS.items()} | DERIVED_TYPES
    assert [(name, kind) for name, kind, _, _ in rows] == list(types.items())
    assert all(comment for *_, comment in rows)
    not_null = {name for name, _, required, _ in rows if required}
    assert not_null == {*MEASUREMENT_KEY, "quantity", "arm_role", "comparable",
                        "held_for_review", "updated_at", "created_at"}  # fmt: skip
    key = migrated.execute(
        "SELECT array_agg(a.attname ORDER BY k.ordinality) FROM pg_index i"
        " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ordinality)"
        " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
        " WHERE i.indrelid = %s::regclass AND i.indisprimary",
        [TABLE],
    ).fetchone()[0]
    assert key == MEASUREMENT_KEY
    table_comment = migrated.execute("SELECT obj_description(%s::regclass)", [TABLE]).fetchone()
    assert "exactly as posted" in table_comment[0]
    ledger_comments = migrated.execute(
        "SELECT count(*) FILTER (WHERE col_description(a.attrelid, a.attnum) IS NULL)"
        " FROM pg_attribute a WHERE a.attrelid = %s::regclass AND a.attnum > 0",
        [LEDGER],
    ).fetchone()[0]
    assert ledger_comments == 0


def _insert(conn: psycopg.Connection, table: str, row: dict) -> None:
    schema, name = table.split(".")
    conn.execute(
        sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            sql.Identifier(schema, name),
            sql.SQL(", ").join(map(sql.Identifier, row)),
            sql.SQL(", ").join(sql.Placeholder() * len(row)),
        ),
        list(row.values()),
    )


def test_a_consistent_row_is_accepted_with_its_defaults(migrated):
    with migrated.transaction(force_rollback=True):
        _insert(migrated, TABLE, VALID)
        _insert(migrated, TABLE, {**VALID, "group_id": "OG001", "comparable": False,
                                  "not_comparable_reason": "a percentage of participants",
                                  "held_for_review": True, "held_reason": "a person looks",
                                  "instrument": None, "instrument_match": None,
                                  "dispersion_kind": None, "quantity": "unknown"})  # fmt: skip
        held, stamped = migrated.execute(
            f"SELECT bool_or(held_for_review), bool_and(updated_at = created_at) FROM {TABLE}"
        ).fetchone()
        assert held and stamped


@pytest.mark.parametrize(
    ("change", "constraint"),
    [
        ({"comparable": False}, "benchmark_trial_results_comparable_reason"),
        ({"comparable": False, "not_comparable_reason": "  "},
         "benchmark_trial_results_comparable_reason"),
        ({"not_comparable_reason": "a median with a range"},
         "benchmark_trial_results_comparable_reason"),
        ({"held_for_review": True}, "benchmark_trial_results_held_reason"),
        ({"held_reason": "looks odd"}, "benchmark_trial_results_held_reason"),
        ({"quantity": "percent"}, "benchmark_trial_results_quantity"),
        ({"dispersion_kind": "sd"}, "benchmark_trial_results_dispersion_kind"),
        ({"arm_role": "control"}, "benchmark_trial_results_arm_role"),
        ({"instrument_match": None}, "benchmark_trial_results_instrument_match"),
        ({"instrument": None}, "benchmark_trial_results_instrument_match"),
        ({"value_text": None}, "benchmark_trial_results_numbers_posted"),
        ({"spread": Decimal("2.1")}, "benchmark_trial_results_numbers_posted"),
        ({"measure_no": 0}, "benchmark_trial_results_positions"),
        ({"analysed_n": -1}, "benchmark_trial_results_analysed_n"),
    ],
)  # fmt: skip
def test_an_inconsistent_row_is_refused(migrated, change, constraint):
    with pytest.raises(psycopg.errors.CheckViolation) as refused:
        with migrated.transaction(force_rollback=True):
            _insert(migrated, TABLE, {**VALID, **change})
    assert refused.value.diag.constraint_name == constraint


@pytest.mark.parametrize("missing", ["quantity", "arm_role", "comparable", "group_id"])
def test_a_row_without_what_every_row_says_is_refused(migrated, missing):
    with pytest.raises(psycopg.errors.NotNullViolation):
        with migrated.transaction(force_rollback=True):
            _insert(migrated, TABLE, {**VALID, missing: None})


def test_one_row_per_natural_key(migrated):
    with pytest.raises(psycopg.errors.UniqueViolation):
        with migrated.transaction(force_rollback=True):
            _insert(migrated, TABLE, VALID)
            _insert(migrated, TABLE, {**VALID, "value_text": "-4", "value": Decimal("-4")})


@pytest.mark.parametrize(
    ("row", "refusal"),
    [
        ({"nct_id": "NCT1", "outcome": "done"}, "trial_results_reads_outcome"),
        ({"nct_id": "NCT1", "outcome": "rejected"}, "trial_results_reads_rejected_reason"),
        ({"nct_id": "NCT1", "outcome": "no_results", "rows": 3}, "trial_results_reads_rows"),
        ({"nct_id": "NCT1", "outcome": "loaded", "rows": -1}, "trial_results_reads_rows"),
        ({"nct_id": "NCT1"}, None),  # outcome NOT NULL
    ],
)
def test_the_ledger_refuses_an_inconsistent_read(migrated, row, refusal):
    error = psycopg.errors.CheckViolation if refusal else psycopg.errors.NotNullViolation
    with pytest.raises(error) as refused:
        with migrated.transaction(force_rollback=True):
            _insert(migrated, LEDGER, row)
    assert refused.value.diag.constraint_name == refusal


def test_the_ledger_records_a_read(migrated):
    with migrated.transaction(force_rollback=True):
        for row in (
            {"nct_id": "NCT1", "last_update_date": date(2025, 1, 2), "outcome": "loaded",
             "rows": 12},
            {"nct_id": "NCT2", "outcome": "rejected", "reason": "resultsSection.x: not a list"},
            {"nct_id": "NCT3", "outcome": "no_results"},
        ):  # fmt: skip
            _insert(migrated, LEDGER, row)
        assert migrated.execute(
            f"SELECT nct_id, rows, read_at IS NOT NULL FROM {LEDGER} ORDER BY 1"
        ).fetchall() == [("NCT1", 12, True), ("NCT2", 0, True), ("NCT3", 0, True)]


def test_signed_in_users_read_the_table_and_nobody_reads_the_ledger(migrated, api):
    load_trial_results(migrated)
    (policy,) = live_policies(migrated, TABLE)
    assert (policy.command, policy.roles) == ("select", ("authenticated",))
    rows = as_api_role(api, "authenticated", f"SELECT count(*) FROM {TABLE}").fetchone()[0]
    assert rows == len(trial_results_frame()) > 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_api_role(api, "anon", f"SELECT count(*) FROM {TABLE}")
    for role in ("anon", "authenticated"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_api_role(api, role, f"SELECT count(*) FROM {LEDGER}")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_api_role(api, role, f"DELETE FROM {TABLE}")
    assert privilege_problems(migrated, DECLARED.tables, DECLARED.functions) == []


def test_the_shared_mirror_loads_it_on_its_key_and_an_unchanged_rerun_writes_nothing(migrated):
    assert fingerprints.watched(migrated, TABLE)  # a write that is not a load forgets them
    frame = load_trial_results(migrated)
    with migrated.transaction():
        again = upsert_frame(migrated, TABLE, frame, key=MEASUREMENT_KEY, columns=COLUMNS)
    assert (again.inserted, again.updated, again.compared) == (0, 0, 0)
    stored = migrated.execute(
        f"SELECT value_text, value, spread FROM {TABLE}"
        " WHERE nct_id = 'NCT90000021' AND measure_no = 1 AND group_id = 'OG000'"
    ).fetchone()
    assert stored == ("-19.8", Decimal("-19.8"), Decimal("8.94"))


def test_070_and_071_run_again_without_changing_anything(migrated, api):
    load_instruments(migrated, read_instruments().rows())
    load_trial_results(migrated)
    arguments = {"modality": "esketamine", "instrument": "MADRS"}
    before = call_as(api, "primary_benchmark", arguments).value
    constraints = migrated.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY 1", [TABLE]
    ).fetchall()
    for name in FILES:
        migrated.execute((SQL_DIR / name).read_text(encoding="utf-8"))
    assert call_as(api, "primary_benchmark", arguments).value == before
    assert before["rule_step"] == 4
    assert [p.name for p in live_policies(migrated, TABLE)] == [
        "benchmark_trial_results_authenticated_select"
    ]
    assert (
        migrated.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY 1", [TABLE]
        ).fetchall()
        == constraints
    )
    assert privilege_problems(migrated, DECLARED.tables, DECLARED.functions) == []

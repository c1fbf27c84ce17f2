import json
from datetime import date

import pandas as pd
import pytest

from benchmark_pipeline.lib.trials.load import known_trials, load_trials
from benchmark_pipeline.lib.trials.records import TABLE_COLUMNS, build_trials
from benchmark_pipeline_tests.fakes import study
from benchmark_pipeline_tests.support.reference import reference_names, reference_path


def _frame(*records) -> pd.DataFrame:
    return build_trials({"search": list(records)}).frame


def _rows(conn) -> dict:
    cols = (
        "nct_id, status, modality, modalities, countries, country, enrollment_actual, missing_since"
    )
    return {r[0]: r for r in conn.execute(f"SELECT {cols} FROM public.benchmark_trials").fetchall()}


def _snapshot(conn) -> str:
    return conn.execute(
        "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY nct_id), '')) FROM public.benchmark_trials t"
    ).fetchone()[0]


def _updates(conn) -> int:
    conn.execute("SELECT pg_stat_force_next_flush()")
    return conn.execute(
        "SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'benchmark_trials'"
    ).fetchone()[0]


A = study("NCT00000001", ["Psilocybin"], status="RECRUITING", enrollment=(30, "ACTUAL"))
B = study("NCT00000002", ["Esketamine"], countries=["Spain", "Italy"], conditions=[])
C = study("NCT00000003", ["MDMA", "Psilocybin"], start={"date": "2022"})


def test_first_load_inserts_every_column(migrated):
    result = load_trials(migrated, _frame(A, B, C))
    assert (result.inserted, result.updated, result.unchanged, result.row_count) == (3, 0, 0, 3)
    rows = _rows(migrated)
    assert rows["NCT00000001"][1:] == (
        "RECRUITING",
        "psilocybin",
        ["psilocybin"],
        ["United States"],
        "United States",
        30,
        None,
    )
    assert rows["NCT00000002"][3:6] == (["esketamine"], ["Italy", "Spain"], None)
    assert rows["NCT00000003"][2:4] == ("psilocybin", ["psilocybin", "mdma"])
    assert known_trials(migrated)["NCT00000003"] == ["psilocybin", "mdma"]


def test_unchanged_second_load_rewrites_no_row(migrated):
    load_trials(migrated, _frame(A, B, C))
    before_updates, before = _updates(migrated), _snapshot(migrated)
    result = load_trials(migrated, _frame(A, B, C))
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, 3)
    assert _updates(migrated) == before_updates
    assert _snapshot(migrated) == before


def test_status_change_updates_exactly_that_row(migrated):
    load_trials(migrated, _frame(A, B, C))
    stamps = dict(
        migrated.execute("SELECT nct_id, updated_at FROM public.benchmark_trials").fetchall()
    )
    before_updates = _updates(migrated)
    completed = study("NCT00000001", ["Psilocybin"], status="COMPLETED", enrollment=(30, "ACTUAL"))
    result = load_trials(migrated, _frame(completed, B, C))
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 2)
    assert _updates(migrated) == before_updates + 1
    assert _rows(migrated)["NCT00000001"][1] == "COMPLETED"
    after = dict(
        migrated.execute("SELECT nct_id, updated_at FROM public.benchmark_trials").fetchall()
    )
    assert after["NCT00000001"] > stamps["NCT00000001"]
    assert after["NCT00000002"] == stamps["NCT00000002"]


def test_gone_trials_are_kept_and_marked_once_then_cleared(migrated):
    load_trials(migrated, _frame(A, B, C))
    first = load_trials(migrated, _frame(A, B), gone=["NCT00000003"])
    assert (first.newly_missing, first.still_missing, first.row_count) == (1, 0, 3)
    marked = _rows(migrated)["NCT00000003"][-1]
    assert marked is not None
    before_updates = _updates(migrated)
    second = load_trials(migrated, _frame(A, B), gone=["NCT00000003"])
    assert (second.newly_missing, second.still_missing) == (0, 1)
    assert _updates(migrated) == before_updates  # still missing: nothing rewritten
    assert _rows(migrated)["NCT00000003"][-1] == marked
    back = load_trials(migrated, _frame(A, B, C))
    assert back.updated == 1 and _rows(migrated)["NCT00000003"][-1] is None


def test_dry_run_reports_but_leaves_the_table_unchanged(migrated):
    load_trials(migrated, _frame(A, B))
    before = _snapshot(migrated)
    completed = study("NCT00000001", ["Psilocybin"], status="COMPLETED")
    result = load_trials(migrated, _frame(completed, C), gone=["NCT00000002"], dry_run=True)
    assert (result.inserted, result.updated, result.newly_missing, result.dry_run) == (
        1,
        1,
        1,
        True,
    )
    assert _snapshot(migrated) == before


def test_a_failing_load_leaves_the_table_unchanged(migrated):
    load_trials(migrated, _frame(A, B))
    before = _snapshot(migrated)
    no_title = _frame(
        study("NCT00000001", ["Psilocybin"], status="COMPLETED"),
        study("NCT00000009", ["LSD"], title=None),
    )
    with pytest.raises(Exception, match="title"):
        load_trials(migrated, no_title)
    assert _snapshot(migrated) == before


def test_duplicate_ids_are_refused(migrated):
    frame = pd.concat([_frame(A), _frame(A)], ignore_index=True)
    with pytest.raises(ValueError, match="duplicate nct_id"):
        load_trials(migrated, frame)


def test_clinical_columns_land_with_their_types(migrated):
    record = study(
        "NCT00000011",
        [("Esketamine", ["S-ketamine"])],
        conditions=["Postpartum Depression", "Cesarean Section"],
        mesh=(["Depression, Postpartum"], ["Puerperal Disorders", "Depression"]),
        start={"date": "2024"},
        outcomes=[{"measure": "EPDS", "timeFrame": "Day 3", "description": "Edinburgh scale"}],
        healthy_volunteers=False,
        has_results=True,
    )
    load_trials(migrated, _frame(record))
    row = migrated.execute(
        "SELECT modality, modality_source, indication_category, start_date, start_date_precision,"
        " start_date_type, primary_completion_date, primary_completion_date_precision,"
        " primary_outcomes, interventions, condition_mesh_terms, condition_mesh_ancestors,"
        " study_type, primary_purpose, allocation, healthy_volunteers, has_results"
        " FROM public.benchmark_trials WHERE nct_id = 'NCT00000011'"
    ).fetchone()
    assert row[:3] == ("esketamine", "interventions", "perinatal_depression")
    assert row[3:6] == (date(2024, 1, 1), "year", None)
    assert row[6:8] == (date(2026, 6, 1), "month")
    assert row[8] == [{"measure": "EPDS", "time_frame": "Day 3", "description": "Edinburgh scale"}]
    assert row[9] == [{"name": "Esketamine", "type": "DRUG", "other_names": ["S-ketamine"]}]
    assert row[10:12] == (["Depression, Postpartum"], ["Puerperal Disorders", "Depression"])
    assert row[12:] == ("INTERVENTIONAL", "TREATMENT", "RANDOMIZED", False, True)


def test_the_table_refuses_a_label_source_or_precision_outside_its_vocabulary(migrated):
    frame = _frame(A).assign(modality_source="none")
    with pytest.raises(Exception, match="modality_source"):
        load_trials(migrated, frame)
    frame = _frame(A).assign(start_date_precision="week")
    with pytest.raises(Exception, match="start_date_precision"):
        load_trials(migrated, frame)
    assert _rows(migrated) == {}


def test_every_real_sample_record_loads_with_its_columns(migrated):
    records = []
    for name in reference_names("ctgov", "samples", pattern="*.json"):
        body = json.loads(reference_path("ctgov", "samples", name).read_text(encoding="utf-8"))
        records += body["studies"] if "studies" in body else [body]
    parsed = build_trials({"ketamine": records})
    # 16 records, two of them the same trials again (a listing and the single-study answer)
    assert (parsed.records_received, parsed.repeats, parsed.rejected) == (16, 2, [])
    result = load_trials(migrated, parsed.frame[TABLE_COLUMNS])
    assert result.inserted == len(parsed.frame) == 14
    row = migrated.execute(
        "SELECT status, study_type, primary_purpose, has_results, condition_mesh_terms,"
        " jsonb_array_length(primary_outcomes), jsonb_array_length(interventions),"
        " start_date_precision, indication_category, modality_source"
        " FROM public.benchmark_trials WHERE nct_id = 'NCT02513394'"
    ).fetchone()
    assert row[:5] == (
        "ACTIVE_NOT_RECRUITING",
        "INTERVENTIONAL",
        "TREATMENT",
        True,
        ["Breast Neoplasms"],
    )
    assert row[5] >= 1 and row[6] >= 1 and row[7] in ("day", "month")
    assert row[8:] == ("other", "search")  # no psychedelic drug: labelled by the search alone

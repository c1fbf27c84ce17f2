"""The weekly refresh fetches only what changed since the cursor stored with the table, ends
with the table a full sweep gives, never marks an unchanged trial missing, and leaves finding
the trials that left the searches to the monthly full sweep."""

import dagster as dg
import pytest

from benchmark_pipeline.defs.schema.assets import benchmark_schema
from benchmark_pipeline.defs.trials.assets import benchmark_trials, raw_benchmark_trials
from benchmark_pipeline.lib.trials.cursor import read_cursor
from benchmark_pipeline.resources import PostgresResource
from benchmark_pipeline_tests.fakes import FakeCtgov, fake_resource, generate_records
from benchmark_pipeline_tests.support.databases import fresh_database
from benchmark_pipeline_tests.support.trials_runs import (
    CHECKS,
    evaluations,
    failure_text,
    rows,
    snapshot,
)
from benchmark_pipeline_tests.support.trials_tables import table_differences, trials_table

WEEK_LATER = "2026-09-11T09:00:06"  # the fake's data starts at 2026-09-04T09:00:06


def refresh(fake, postgres, *, incremental=True, dry_run=False) -> dg.ExecuteInProcessResult:
    """The schema, both trials assets and the raw checks, as the weekly schedule runs them
    (without the calendar's monthly sweep, so the test does not depend on today's date)."""
    raw = {"incremental": incremental, "monthly_full_sweep_weekday": None}
    with dg.DagsterInstance.ephemeral() as instance:
        return dg.materialize(
            [benchmark_schema, raw_benchmark_trials, benchmark_trials, *CHECKS],
            resources={"postgres": postgres, "ctgov": fake_resource(fake)},
            instance=instance,
            run_config={
                "ops": {
                    "raw_benchmark_trials": {"config": raw},
                    "benchmark_trials": {"config": {"dry_run": dry_run}},
                }
            },
        )


def meta(result, asset: str) -> dict:
    (event,) = result.asset_materializations_for_node(asset)
    return {k: v.value for k, v in event.metadata.items()}


def cursor_of(postgres):
    with postgres.connect() as conn:
        return read_cursor(conn)


@pytest.fixture
def two_databases(server_uri):
    with (
        fresh_database(server_uri, "incremental") as incremental_url,
        fresh_database(server_uri, "full") as full_url,
    ):
        yield (
            PostgresResource(database_url=incremental_url),
            PostgresResource(database_url=full_url),
        )


def test_an_incremental_run_moves_a_tenth_of_the_bytes_and_ends_with_the_full_runs_table(
    two_databases,
):
    incremental, full = two_databases
    records = generate_records(1_000, seed=21)
    fake = FakeCtgov(records)
    first = refresh(fake, incremental)
    assert meta(first, "raw_benchmark_trials")["fetch_mode"] == "full"
    assert "no cursor yet" in meta(first, "raw_benchmark_trials")["fetch_reason"]
    refresh(fake, full, incremental=False)

    # A week: 2% of the trials change (some start, stop or complete) and are posted.
    changed = records.update_share(0.02, "2026-09-10", seed=4)
    fake.data_timestamp = WEEK_LATER
    fake.reset_counters()
    weekly = refresh(fake, incremental)
    incremental_requests = fake.logged_params()
    fake.reset_counters()
    swept = refresh(fake, full, incremental=False)

    raw, loaded = meta(weekly, "raw_benchmark_trials"), meta(weekly, "benchmark_trials")
    full_raw, full_loaded = meta(swept, "raw_benchmark_trials"), meta(swept, "benchmark_trials")
    assert raw["fetch_mode"] == loaded["fetch_mode"] == "incremental"
    assert raw["cursor"] == "2026-09-04" and raw["changed_since"] == "2026-09-01"
    assert "records updated since the cursor (2026-09-04) less 3 day(s)" in raw["fetch_reason"]
    assert full_raw["fetch_mode"] == "full" and full_raw["changed_since"].startswith("any date")
    # Every search of the incremental run asked only for records updated since 2026-09-01.
    assert incremental_requests and all(
        p["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2026-09-01,MAX]"
        for p in incremental_requests
    )
    assert raw["dagster/row_count"] <= len(changed)
    incremental_bytes = raw["bytes_fetched"] + loaded["lookup_bytes"]
    full_bytes = full_raw["bytes_fetched"] + full_loaded["lookup_bytes"]
    assert incremental_bytes <= 0.10 * full_bytes, (incremental_bytes, full_bytes)
    assert (
        loaded["updated"] + loaded["inserted"] == full_loaded["updated"] + full_loaded["inserted"]
    )
    assert loaded["updated"] > 0 and loaded["refreshed_by_nct_id"] > 0  # some left the filter
    assert loaded["cursor_after"].startswith("2026-09-11")

    checks = evaluations(weekly)
    assert checks["no_sharp_drop"].passed and checks["count_in_expected_range"].passed
    assert "not applicable: this incremental run" in checks["no_sharp_drop"].description
    assert checks["every_modality_found"].passed

    # Column by column, the two tables are the same, and the same rows changed last week.
    assert trials_table(incremental)[0][-1] == "changed_last"
    assert len(trials_table(incremental)[1]) > 600
    assert table_differences(incremental, full) == []
    edited = trials_table(full)[1][0][0]
    with full.connect() as conn:  # the comparison sees one changed value
        conn.execute(
            "UPDATE public.benchmark_trials SET title = title || ' (edited)' WHERE nct_id = %s",
            [edited],
        )
    assert table_differences(incremental, full) == [f"title differs for 1 trial(s): ['{edited}']"]
    assert cursor_of(incremental).registry_date == cursor_of(full).registry_date
    assert (cursor_of(incremental).last_mode, cursor_of(full).last_mode) == ("incremental", "full")


@pytest.fixture
def records():
    return generate_records(300, seed=8)


def test_an_incremental_run_marks_nothing_missing_the_next_full_sweep_does(records, postgres):
    fake = FakeCtgov(records)
    refresh(fake, postgres)
    loaded = rows(postgres)
    removed, renamed = sorted(loaded)[:2]
    # One trial leaves the registry; another's drug is renamed so no search finds it any more.
    records.remove(removed)

    def rename(study: dict) -> None:
        for item in study["protocolSection"]["armsInterventionsModule"]["interventions"]:
            item.update(name="Compound X", otherNames=[], description="")
        study["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
        study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2026-09-10"

    records.mutate(renamed, rename)
    fake.data_timestamp = WEEK_LATER
    weekly = refresh(fake, postgres)
    assert meta(weekly, "benchmark_trials")["fetch_mode"] == "incremental"
    assert meta(weekly, "benchmark_trials")["newly_missing"] == 0
    assert rows(postgres) == loaded  # neither the gone nor the renamed trial is seen yet

    monthly = refresh(fake, postgres, incremental=False)
    after, table_meta = rows(postgres), meta(monthly, "benchmark_trials")
    assert table_meta["fetch_mode"] == "full" and table_meta["newly_missing"] == 1
    assert after[removed][2] is not None  # missing_since
    assert after[renamed][0] == "COMPLETED" and after[renamed][2] is None  # looked up by id
    assert {n for n in after if after[n] != loaded[n]} == {removed, renamed}


def test_a_dry_run_leaves_the_cursor_and_the_table_as_they_were(records, postgres):
    fake = FakeCtgov(records)
    refresh(fake, postgres)
    before, cursor = snapshot(postgres), cursor_of(postgres)
    records.update_share(0.05, "2026-09-10", seed=2)
    fake.data_timestamp = WEEK_LATER
    rehearsal = refresh(fake, postgres, dry_run=True)
    assert meta(rehearsal, "benchmark_trials")["updated"] > 0
    assert meta(rehearsal, "benchmark_trials")["cursor_after"] == "unchanged (dry run, rolled back)"
    assert (snapshot(postgres), cursor_of(postgres)) == (before, cursor)
    refresh(fake, postgres)
    assert snapshot(postgres) != before
    assert cursor_of(postgres).registry_date.isoformat() == "2026-09-11"


def test_other_searches_than_the_cursors_sweep_in_full(records, postgres):
    fake = FakeCtgov(records)
    refresh(fake, postgres)
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            [benchmark_schema, raw_benchmark_trials, benchmark_trials],
            resources={"postgres": postgres, "ctgov": fake_resource(fake)},
            instance=instance,
            run_config={
                "ops": {
                    "raw_benchmark_trials": {
                        "config": {"incremental": True, "statuses": ["RECRUITING"]}
                    }
                }
            },
        )
    raw = meta(result, "raw_benchmark_trials")
    assert raw["fetch_mode"] == "full" and "searches" in raw["fetch_reason"]


def test_the_weekly_schedule_asks_for_the_incremental_fetch():
    from benchmark_pipeline.defs.trials.schedules import weekly_trials_refresh

    (request,) = weekly_trials_refresh.evaluate_tick(dg.build_schedule_context()).run_requests
    assert request.run_config["ops"]["raw_benchmark_trials"]["config"] == {"incremental": True}


def test_an_unreadable_cursor_ends_the_run_before_any_request(records, postgres):
    fake = FakeCtgov(records)  # the database was never migrated: no cursor table
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            [raw_benchmark_trials],
            resources={"postgres": postgres, "ctgov": fake_resource(fake)},
            instance=instance,
            run_config={"ops": {"raw_benchmark_trials": {"config": {"incremental": True}}}},
            raise_on_error=False,
        )
    assert not result.success
    assert (
        "reading the refresh cursor (benchmark_pipeline.trials_refresh_cursor) on "
        in failure_text(result)
    )
    assert "so nothing was fetched: UndefinedTable" in failure_text(result)
    assert fake.request_count() == 0

"""The refresh cursor moves with the rows it describes, in the load's transaction, or not at all."""

import json
from datetime import UTC, date, datetime, timedelta

import psycopg
import pytest

from benchmark_pipeline.lib.trials.cursor import (
    CursorUpdate,
    read_cursor,
    searches_digest,
    write_cursor,
)
from benchmark_pipeline.lib.trials.decoding import decode_page
from benchmark_pipeline.lib.trials.load import load_trials
from benchmark_pipeline.lib.trials.records import RejectedRecord, build_trials
from benchmark_pipeline.lib.trials.refresh import plan_refresh
from benchmark_pipeline.lib.trials.search import TrialSearch
from benchmark_pipeline.lib.trials.sweep import FULL, INCREMENTAL, FetchPlan
from benchmark_pipeline_tests.fakes import study

VOCABULARY = {"psilocybin": ["psilocybin"], "mdma": ["MDMA"]}


def _frame(*records):
    return build_trials({"psilocybin": list(records)}, VOCABULARY).frame


def update(mode: str, on: date, fetched: int = 2) -> CursorUpdate:
    return CursorUpdate("digest", on, f"{on}T09:00:06", mode, fetched)


A = study("NCT00000001", ["Psilocybin"], status="RECRUITING")
B = study("NCT00000002", ["Psilocybin"], status="COMPLETED")


def test_a_load_stores_its_cursor_and_an_incremental_one_keeps_the_last_sweep(migrated):
    assert read_cursor(migrated) is None
    load_trials(migrated, _frame(A, B), cursor=update("full", date(2026, 9, 4)))
    first = read_cursor(migrated)
    assert (first.registry_date, first.last_mode, first.trials_fetched) == (
        date(2026, 9, 4),
        "full",
        2,
    )
    assert first.last_full_sweep_at == first.last_refresh_at
    load_trials(migrated, _frame(A), cursor=update("incremental", date(2026, 9, 11), 1))
    second = read_cursor(migrated)
    assert (second.registry_date, second.last_mode, second.trials_fetched) == (
        date(2026, 9, 11),
        "incremental",
        1,
    )
    assert second.last_full_sweep_at == first.last_full_sweep_at
    assert second.last_refresh_at > first.last_refresh_at


def test_a_dry_run_and_a_failed_load_leave_the_cursor_where_it_was(migrated):
    load_trials(migrated, _frame(A), cursor=update("full", date(2026, 9, 4)))
    before = read_cursor(migrated)
    result = load_trials(
        migrated, _frame(A, B), dry_run=True, cursor=update("full", date(2026, 9, 11))
    )
    assert result.dry_run and result.inserted == 1
    assert read_cursor(migrated) == before
    broken = _frame(A, B)
    broken.loc[1, "nct_id"] = None  # a row without its key fails NOT NULL inside the load
    with pytest.raises(psycopg.Error):
        load_trials(migrated, broken, cursor=update("full", date(2026, 9, 18)))
    assert read_cursor(migrated) == before


def test_a_cursor_for_another_table_or_mode_is_refused_by_the_table(migrated):
    with pytest.raises(ValueError, match="refresh mode"):
        update("partial", date(2026, 9, 4))
    with pytest.raises(psycopg.errors.CheckViolation, match="trials_refresh_cursor_table"):
        migrated.execute(
            "INSERT INTO benchmark_pipeline.trials_refresh_cursor (table_name, searches_digest,"
            " registry_date, last_mode, last_full_sweep_at) VALUES ('x', 'd', now(), 'full', now())"
        )
    write_cursor(migrated, update("full", date(2026, 9, 4)))
    assert read_cursor(migrated).registry_date == date(2026, 9, 4)


def _page(*records) -> list:
    body = {"studies": list(records), "totalCount": len(records)}
    return [decode_page(json.dumps(body).encode())]


def test_an_incremental_refresh_looks_up_only_the_changed_and_never_marks_a_trial_gone():
    known = {"NCT00000001": ["psilocybin"], "NCT00000002": ["psilocybin"], "NCT00000003": ["mdma"]}
    # The changed-records search returns a seen trial (already in the search frame), a known
    # one that left the status filter, and one the table never had.
    terminated = study("NCT00000002", ["Psilocybin"], status="TERMINATED")
    stranger = study("NCT00000099", ["MDMA"], status="WITHDRAWN")
    plan = plan_refresh(
        known,
        ["NCT00000001"],
        lambda ids: _page(A, terminated, stranger),
        VOCABULARY,
        incremental=True,
    )
    assert list(plan.refreshed["nct_id"]) == ["NCT00000002"]
    assert plan.refreshed["status"].tolist() == ["TERMINATED"]
    assert plan.gone == []  # NCT00000003 did not change: it is not gone
    full = plan_refresh(known, ["NCT00000001"], lambda ids: _page(terminated), VOCABULARY)
    assert full.gone == ["NCT00000003"]


def test_an_incomplete_load_keeps_the_old_cursor(migrated):
    load_trials(migrated, _frame(A), cursor=update("full", date(2026, 9, 4)))
    before = read_cursor(migrated)
    # A trigger that swallows one trial's insert: the load's completeness check finds it absent.
    migrated.execute(
        "CREATE FUNCTION public.swallow() RETURNS trigger LANGUAGE plpgsql AS"
        " $$BEGIN IF NEW.nct_id = 'NCT00000002' THEN RETURN NULL; END IF; RETURN NEW; END$$"
    )
    migrated.execute(
        "CREATE TRIGGER swallow BEFORE INSERT ON public.benchmark_trials"
        " FOR EACH ROW EXECUTE FUNCTION public.swallow()"
    )
    result = load_trials(migrated, _frame(A, B), cursor=update("full", date(2026, 9, 11)))
    assert result.problems and "NCT00000002" in result.problems[0]
    assert not result.cursor_written
    assert read_cursor(migrated) == before


def test_the_searches_digest_tells_the_modalities_order_apart():
    ordered = {"ketamine": ["ketamine"], "esketamine": ["esketamine"]}
    reversed_ = dict(reversed(list(ordered.items())))
    assert searches_digest(ordered, ["RECRUITING"], None) != searches_digest(
        reversed_, ["RECRUITING"], None
    )
    assert searches_digest(ordered, ["RECRUITING"], None) == searches_digest(
        dict(ordered), ["RECRUITING"], None
    )


def _search(mode: str, *, rejected: int = 0) -> TrialSearch:
    stored = date(2026, 11, 23)
    since = stored - timedelta(days=3) if mode == INCREMENTAL else None
    fetch = FetchPlan(mode, "test", since, stored)
    return TrialSearch(
        frame=_frame(A),
        vocabulary={m: tuple(t) for m, t in VOCABULARY.items()},
        statuses=["RECRUITING"],
        total_count_per_search={},
        pages_per_search={},
        records_received=1,
        repeats=0,
        rejected=[RejectedRecord("NCT00000009", "protocolSection", "bad")] * rejected,
        data_timestamp="2026-11-30T09:00:06",
        fetch=fetch,
        fetched_at=datetime(2026, 11, 30, 10, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("mode", "rejected_here", "rejected_later", "moves_to"),
    [
        (INCREMENTAL, 0, 0, date(2026, 11, 30)),
        (INCREMENTAL, 1, 0, date(2026, 11, 23)),  # a changed record left out: asked again
        (INCREMENTAL, 0, 2, date(2026, 11, 23)),
        (FULL, 1, 2, date(2026, 11, 30)),  # a full sweep sees every record anyway
    ],
)
def test_an_incremental_run_that_left_a_record_out_keeps_the_cursors_date(
    mode, rejected_here, rejected_later, moves_to
):
    update = _search(mode, rejected=rejected_here).cursor_update(rejected_later=rejected_later)
    assert update.registry_date == moves_to

from datetime import UTC, date, datetime

import pytest

from benchmark_pipeline.lib.trials.cursor import RefreshCursor, searches_digest
from benchmark_pipeline.lib.trials.sweep import (
    FULL,
    INCREMENTAL,
    SweepRules,
    last_sweep_day,
    plan_fetch,
    registry_date,
)

DIGEST = searches_digest({"psilocybin": ["psilocybin"]}, ["RECRUITING"], None)


def cursor(swept: datetime, *, digest: str = DIGEST, on: date = date(2026, 9, 4)) -> RefreshCursor:
    return RefreshCursor(digest, on, f"{on}T09:00:06", FULL, swept, swept, 1_565)


def at(day: str, hour: int = 6) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "first_monday"),
    [
        ("2026-09-07", "2026-09-07"),  # the first Monday itself, at 06:00
        ("2026-09-14", "2026-09-07"),
        ("2026-09-01", "2026-08-03"),  # a Tuesday before September's first Monday
        ("2026-01-02", "2025-12-01"),  # across the year
        ("2026-12-07", "2026-12-07"),
    ],
)
def test_the_last_sweep_day_is_the_latest_first_monday(now, first_monday):
    assert last_sweep_day(at(now), 0) == at(first_monday, 0)


def test_a_run_between_sweeps_fetches_what_changed_since_the_cursor_less_the_overlap():
    plan = plan_fetch(cursor(at("2026-09-07")), DIGEST, at("2026-09-14"), SweepRules())
    assert plan.mode == INCREMENTAL and plan.incremental
    assert plan.changed_since == date(2026, 9, 1) and plan.cursor_date == date(2026, 9, 4)
    assert "less 3 day(s) of overlap" in plan.reason
    wider = plan_fetch(
        cursor(at("2026-09-07")), DIGEST, at("2026-09-14"), SweepRules(overlap_days=7)
    )
    assert wider.changed_since == date(2026, 8, 28)


@pytest.mark.parametrize(
    ("stored", "now", "rules", "reason"),
    [
        (cursor(at("2026-09-07")), "2026-09-14", SweepRules(incremental=False), "not asked for"),
        (None, "2026-09-14", SweepRules(), "no cursor yet"),
        (cursor(at("2026-09-07"), digest="other"), "2026-09-14", SweepRules(), "searches"),
        # The first Monday of October has come since September's sweep.
        (cursor(at("2026-09-07")), "2026-10-05", SweepRules(), "monthly full sweep"),
        # It was missed (the run failed): the next week's run sweeps instead.
        (cursor(at("2026-09-07")), "2026-10-12", SweepRules(), "monthly full sweep"),
        # No monthly sweep, but the last one is older than the maximum age.
        (
            cursor(at("2026-09-07")),
            "2026-10-13",
            SweepRules(monthly_sweep_weekday=None, max_sweep_age_days=35),
            "older than 35 days",
        ),
    ],
)
def test_a_full_sweep_runs_when_due_and_says_why(stored, now, rules, reason):
    plan = plan_fetch(stored, DIGEST, at(now), rules)
    assert plan.mode == FULL and plan.changed_since is None
    assert reason in plan.reason


def test_a_second_run_on_the_sweep_day_is_incremental():
    # The sweep of the first Monday at 06:00 has run; a rerun that afternoon need not repeat it.
    plan = plan_fetch(cursor(at("2026-10-05")), DIGEST, at("2026-10-05", 15), SweepRules())
    assert plan.mode == INCREMENTAL
    just_under = SweepRules(monthly_sweep_weekday=None, max_sweep_age_days=35)
    assert plan_fetch(cursor(at("2026-09-07")), DIGEST, at("2026-10-12"), just_under).incremental


def test_the_searches_digest_changes_with_what_is_asked_and_only_then():
    same = searches_digest({"psilocybin": ("psilocybin",)}, ["RECRUITING"], "")
    assert same == DIGEST
    assert (
        searches_digest({"psilocybin": ["psilocybin", "psilocin"]}, ["RECRUITING"], None) != DIGEST
    )
    assert searches_digest({"psilocybin": ["psilocybin"]}, ["COMPLETED"], None) != DIGEST
    assert searches_digest({"psilocybin": ["psilocybin"]}, ["RECRUITING"], "PTSD") != DIGEST


def test_the_registry_date_is_the_data_timestamps_never_after_the_fetch():
    fetched = at("2026-09-07")
    assert registry_date("2026-09-04T09:00:06", fetched) == date(2026, 9, 4)
    assert registry_date("2026-09-09T00:00:00", fetched) == date(2026, 9, 7)
    assert registry_date(None, fetched) == date(2026, 9, 7)
    assert registry_date("yesterday", fetched) == date(2026, 9, 7)


def test_rules_out_of_range_are_refused():
    with pytest.raises(ValueError, match="Monday"):
        SweepRules(monthly_sweep_weekday=7)
    with pytest.raises(ValueError, match="overlap_days"):
        SweepRules(overlap_days=-1)

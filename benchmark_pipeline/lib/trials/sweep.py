"""Which fetch a trials refresh runs: a full sweep of the searches, or only what changed.

An incremental fetch asks each search only for records whose ``LastUpdatePostDate`` is on or
after the cursor's registry date minus a safety overlap; it never sees an unchanged trial, so it
never marks a trial missing. A full sweep fetches every search whole (and looks up every known
trial it did not return); it runs when incremental fetching is not asked for, when no cursor
exists, when the searches differ from the cursor's, when the month's sweep day (the first
Monday by default) has come since the last full sweep, or when that sweep is older than a
maximum age.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from benchmark_pipeline.lib.trials.cursor import RefreshCursor

FULL, INCREMENTAL = "full", "incremental"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class SweepRules:
    """When a refresh that may be incremental must sweep in full anyway."""

    incremental: bool = True
    monthly_sweep_weekday: int | None = 0  # 0 = Monday; the month's first such day; None: never
    max_sweep_age_days: int = 35
    overlap_days: int = 3

    def __post_init__(self) -> None:
        if self.monthly_sweep_weekday is not None and not 0 <= self.monthly_sweep_weekday <= 6:
            raise ValueError("monthly_sweep_weekday is 0 (Monday) .. 6 (Sunday), or None")
        if self.max_sweep_age_days < 1 or self.overlap_days < 0:
            raise ValueError("max_sweep_age_days must be at least 1 and overlap_days not negative")


@dataclass(frozen=True)
class FetchPlan:
    """The mode a run fetches in, why, and from which date (incremental only)."""

    mode: str
    reason: str
    changed_since: date | None = None  # LastUpdatePostDate on or after this; None: everything
    cursor_date: date | None = None  # the stored cursor's registry date, when there is one

    @property
    def incremental(self) -> bool:
        return self.mode == INCREMENTAL


def last_sweep_day(now: datetime, weekday: int) -> datetime:
    """00:00 UTC of the latest month's first ``weekday`` at or before ``now``."""

    def first_in(year: int, month: int) -> datetime:
        first = datetime(year, month, 1, tzinfo=UTC)
        return first + timedelta(days=(weekday - first.weekday()) % 7)

    now = now.astimezone(UTC)
    this_month = first_in(now.year, now.month)
    if this_month <= now:
        return this_month
    year, month = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    return first_in(year, month)


def plan_fetch(
    cursor: RefreshCursor | None, digest: str, now: datetime, rules: SweepRules
) -> FetchPlan:
    """The fetch a run at ``now`` makes, given the stored ``cursor`` and the searches' ``digest``."""
    if not rules.incremental:
        return FetchPlan(FULL, "incremental fetching was not asked for (incremental: false)")
    if cursor is None:
        return FetchPlan(FULL, "no cursor yet: the first load fetches every search whole")
    stored = cursor.registry_date
    if cursor.searches_digest != digest:
        return FetchPlan(
            FULL,
            "the searches (terms, statuses or condition) differ from the cursor's",
            None,
            stored,
        )
    swept = cursor.last_full_sweep_at
    age = now - swept
    if age > timedelta(days=rules.max_sweep_age_days):
        return FetchPlan(
            FULL,
            f"the last full sweep ({swept:%Y-%m-%d}) is older than {rules.max_sweep_age_days} days",
            None,
            stored,
        )
    if rules.monthly_sweep_weekday is not None:
        due = last_sweep_day(now, rules.monthly_sweep_weekday)
        if swept < due:
            day = WEEKDAYS[rules.monthly_sweep_weekday]
            return FetchPlan(
                FULL,
                f"monthly full sweep: the month's first {day} ({due:%Y-%m-%d}) has come since "
                f"the last full sweep ({swept:%Y-%m-%d})",
                None,
                stored,
            )
    since = stored - timedelta(days=rules.overlap_days)
    return FetchPlan(
        INCREMENTAL,
        f"records updated since the cursor ({stored:%Y-%m-%d}) less {rules.overlap_days} "
        f"day(s) of overlap; last full sweep {swept:%Y-%m-%d}",
        since,
        stored,
    )


def registry_date(data_timestamp: str | None, fetched_at: datetime) -> date:
    """The date a run's cursor records: the registry's ``dataTimestamp`` (UTC) date, never later
    than the date the fetch began; that date alone when the registry gave no timestamp (or one
    that is not a timestamp)."""
    fetched_on = fetched_at.astimezone(UTC).date()
    if data_timestamp:
        try:
            return min(datetime.fromisoformat(data_timestamp).date(), fetched_on)
        except ValueError:
            pass
    return fetched_on

"""How fresh a table is: the time since its last load against the window it must be refreshed
within, said in words a person reads in a check or an alert."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum


class State(Enum):
    FRESH = "fresh"
    LATE = "late"  # past the warning window: the refresh is overdue, not yet stale
    STALE = "stale"  # past the window it must be refreshed within
    NEVER_LOADED = "never loaded"


@dataclass(frozen=True)
class LastLoad:
    """A table's last load as the Dagster instance recorded it."""

    at: datetime
    rows: int | None = None


@dataclass(frozen=True)
class Freshness:
    state: State
    sentence: str
    age: timedelta | None


def in_words(delta: timedelta) -> str:
    """``delta`` in its two largest units: "9 days 4 hours", "3 hours 12 minutes", "1 minute",
    "less than a minute"."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    named = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " ".join(named[:2]) or "less than a minute"


def when(moment: datetime) -> str:
    """A moment as a person reads it, in UTC: "Fri 27 Nov 2026 06:02 UTC"."""
    return moment.astimezone(UTC).strftime("%a %d %b %Y %H:%M UTC")


def assess(
    table: str,
    last_load: LastLoad | None,
    *,
    now: datetime,
    fail_after: timedelta,
    warn_after: timedelta | None = None,
) -> Freshness:
    """How fresh ``table`` is at ``now`` given its ``last_load``: stale from ``fail_after`` on,
    late from ``warn_after`` on, fresh before; the sentence names the last load's time, its age
    and its row count, and the window."""
    rule = f"it must be refreshed at least every {in_words(fail_after)}"
    if warn_after is not None:
        rule += f" (a warning after {in_words(warn_after)})"
    if last_load is None:
        return Freshness(
            State.NEVER_LOADED,
            f"{table} has never been loaded by this Dagster instance; {rule}",
            None,
        )
    age = max(now - last_load.at, timedelta(0))
    rows = f", {last_load.rows:,} rows" if last_load.rows is not None else ""
    said = f"{table} was last loaded {in_words(age)} ago ({when(last_load.at)}{rows}); {rule}"
    if age >= fail_after:
        return Freshness(State.STALE, said, age)
    if warn_after is not None and age >= warn_after:
        return Freshness(State.LATE, said, age)
    return Freshness(State.FRESH, said, age)

"""A table's freshness in words: the states at their boundaries and what the sentence says."""

from datetime import UTC, datetime, timedelta

import pytest

from benchmark_pipeline.lib.freshness import LastLoad, State, assess, in_words, when

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
FAIL, WARN = timedelta(days=8), timedelta(days=7, hours=12)


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(seconds=59), "less than a minute"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(hours=3, minutes=12, seconds=30), "3 hours 12 minutes"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=9, hours=4, minutes=59), "9 days 4 hours"),
        (timedelta(days=7, hours=12), "7 days 12 hours"),
    ],
)
def test_in_words(delta, words):
    assert in_words(delta) == words


def _assess(age: timedelta | None, rows: int | None = 1565):
    load = None if age is None else LastLoad(at=NOW - age, rows=rows)
    return assess("public.benchmark_trials", load, now=NOW, fail_after=FAIL, warn_after=WARN)


@pytest.mark.parametrize(
    ("age", "state"),
    [
        (timedelta(0), State.FRESH),
        (WARN - timedelta(seconds=1), State.FRESH),
        (WARN, State.LATE),
        (FAIL - timedelta(seconds=1), State.LATE),
        (FAIL, State.STALE),
        (timedelta(days=21), State.STALE),
    ],
)
def test_states_at_their_boundaries(age, state):
    assert _assess(age).state is state


def test_a_stale_table_is_said_with_its_last_load_age_rows_and_window():
    freshness = _assess(timedelta(days=9, hours=2))
    assert freshness.sentence == (
        "public.benchmark_trials was last loaded 9 days 2 hours ago (Sat 28 Nov 2026 10:00 UTC, "
        "1,565 rows); it must be refreshed at least every 8 days (a warning after 7 days 12 "
        "hours)"
    )
    assert freshness.age == timedelta(days=9, hours=2)


def test_never_loaded_and_unknown_rows():
    never = _assess(None)
    assert never.state is State.NEVER_LOADED and never.age is None
    assert never.sentence.startswith("public.benchmark_trials has never been loaded")
    assert "rows" not in _assess(timedelta(hours=1), rows=None).sentence


def test_when_is_in_utc_whatever_the_zone():
    moment = datetime(2026, 11, 27, 7, 2, tzinfo=UTC).astimezone(datetime.now().astimezone().tzinfo)
    assert when(moment) == "Fri 27 Nov 2026 07:02 UTC"

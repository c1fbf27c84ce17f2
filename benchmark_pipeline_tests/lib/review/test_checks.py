"""A run's review from plain records: every planned check once, its status from its last
evaluation, skipped when never evaluated, problems first, counts that add up."""

from benchmark_pipeline.lib.review.checks import (
    REASON_CHARS,
    Evaluation,
    Status,
    one_sentence,
    review,
)

PLANNED = [
    ("benchmark_trials", "fresh"),
    ("raw_benchmark_trials", "count_in_expected_range"),
    ("benchmark_cohorts", "doi_resolves"),
    ("population_baselines", "national_total"),
    ("benchmark_schema", "rls_enabled"),
]
EVALUATIONS = [
    Evaluation("benchmark_trials", "fresh", passed=True, blocking=True, description="fresh"),
    Evaluation(
        "raw_benchmark_trials",
        "count_in_expected_range",
        passed=False,
        blocking=False,
        description="1,096 trials,\n outside the expected 1,250-2,500",
    ),
    # Failed on the first attempt, passed on the step's retry: the last result counts.
    Evaluation("benchmark_schema", "rls_enabled", passed=False, blocking=True, description="no"),
    Evaluation("benchmark_schema", "rls_enabled", passed=True, blocking=True, description="ok"),
]


def test_every_planned_check_has_one_line_with_its_status_and_reason():
    found = review(PLANNED, EVALUATIONS, ["benchmark_trials", "benchmark_cohorts"])
    by_check = {(line.asset, line.check): line for line in found.lines}
    assert set(by_check) == set(PLANNED)
    assert by_check["benchmark_trials", "fresh"].status is Status.PASSED
    warned = by_check["raw_benchmark_trials", "count_in_expected_range"]
    assert warned.status is Status.WARNED
    assert warned.reason == "1,096 trials, outside the expected 1,250-2,500"
    assert by_check["benchmark_schema", "rls_enabled"].status is Status.PASSED
    assert by_check["benchmark_schema", "rls_enabled"].reason == "ok"
    # Never evaluated: its asset was not materialized, or the check itself did not run.
    baselines = by_check["population_baselines", "national_total"]
    assert baselines.status is Status.SKIPPED
    assert "population_baselines was not materialized by this run" in baselines.reason
    doi = by_check["benchmark_cohorts", "doi_resolves"]
    assert doi.status is Status.SKIPPED and "how to turn it on" in doi.reason


def test_problems_come_first_and_the_counts_add_up():
    failed = Evaluation("benchmark_trials", "no_sharp_drop", passed=False, blocking=True)
    found = review(
        [*PLANNED, ("benchmark_trials", "no_sharp_drop")],
        [*EVALUATIONS, failed],
        ["benchmark_trials"],
        run_ended="the run failed",
    )
    assert [line.status for line in found.lines] == [
        Status.FAILED,
        Status.WARNED,
        Status.SKIPPED,
        Status.SKIPPED,
        Status.PASSED,
        Status.PASSED,
    ]
    assert found.counts == "2 passed, 1 warned, 2 skipped, 1 failed"
    assert sum(found.count(status) for status in Status) == len(found.lines) == 6
    assert "(the run failed)" in found.lines[2].reason
    assert found.rows()[0] == ("failed", "benchmark_trials", "no_sharp_drop", "")


def test_an_evaluation_that_was_not_planned_still_has_its_line():
    found = review([], [EVALUATIONS[1]], [])
    assert [(line.check, line.status) for line in found.lines] == [
        ("count_in_expected_range", Status.WARNED)
    ]


def test_a_long_reason_is_cut_at_a_word():
    text = "word " * 200
    cut = one_sentence(text)
    assert len(cut) <= REASON_CHARS + 2 and cut.endswith(" …")
    assert cut.removesuffix(" …").split(" ") == ["word"] * len(cut.removesuffix(" …").split(" "))
    assert one_sentence(None) == ""

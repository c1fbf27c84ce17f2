"""A change from baseline is told from a score at a time point by the measure's words; a
percent change, a response or anything unclear is 'unknown'."""

import pytest

from benchmark_pipeline.lib.trials.results.quantity import blank, quantity_of

CASES = [
    # change: a change word and baseline in one sentence, or a change title and a baseline frame
    (
        "Change From Baseline in MADRS Total Score",
        None,
        "Baseline, Day 1, Week 3 and Week 6",
        "change",
    ),
    ("Change in MADRS Total Score From Baseline to Week 6", None, "Week 6", "change"),
    ("Change in MADRS Total Score", None, "Baseline to Week 6", "change"),
    ("Reduction From Baseline in CAPS-5 Total Severity Score", None, None, "change"),
    (
        "MADRS Total Score",
        "The change from baseline to week 6 in the total score.",
        "Week 6",
        "change",
    ),
    ("Change in CAPS-5 in Participants With PTSD", None, "Baseline to Week 18", "change"),
    # endpoint: a score at a time point, nothing about change
    ("MADRS Total Score at Week 3", None, None, "endpoint"),
    (
        "CAPS-5 Total Severity Score",
        "Higher scores mean more severe PTSD.",
        "Baseline and Week 18",
        "endpoint",
    ),
    ("PHQ-9 Score at End of Treatment", None, None, "endpoint"),
    # unknown: not a mean of the score, or unclear
    ("Percent Change From Baseline in MADRS Total Score", None, "Baseline, Week 6", "unknown"),
    ("MADRS Total Score", "Percentage change from baseline to week 6.", "Week 6", "unknown"),
    ("Number of Participants With a MADRS Response", None, "Week 6", "unknown"),
    ("MADRS Remission Rate", None, "Week 6", "unknown"),
    ("Proportion of Participants With ≥50% Reduction in MADRS", None, "Week 6", "unknown"),
    ("Time to Relapse on the MADRS", None, "Up to 24 weeks", "unknown"),
    ("Change in MADRS Total Score", None, "Week 6", "unknown"),  # change since when?
    ("MADRS Total Score From Baseline to Week 6", None, "Week 6", "unknown"),
    ("MADRS Total Score", None, None, "unknown"),  # no time point
    ("MADRS", None, "Week 4", "unknown"),  # no score word in the title
    ("MADRS Total Score at Week 6", "A change of 2 points is meaningful.", "Week 6", "unknown"),
]


@pytest.mark.parametrize(("title", "description", "time_frame", "quantity"), CASES)
def test_quantity(title, description, time_frame, quantity) -> None:
    assert quantity_of(title, description, time_frame) == quantity


def test_an_instrument_named_by_a_percentage_is_a_score_once_blanked() -> None:
    title = "Percentage of Heavy Drinking Days"
    assert quantity_of(title, None, "Weeks 5 to 36") == "unknown"
    blanked = blank(title, [title], "INSTRUMENT score")
    assert quantity_of(blanked, None, "Weeks 5 to 36") == "endpoint"
    change = blank(f"Change From Baseline in {title}", [title])
    assert quantity_of(change, None, None) == "change"


def test_a_sentence_bounds_change_and_baseline() -> None:
    description = "Scores may change over time. Assessed at baseline and week 6."
    assert quantity_of("MADRS Total Score", description, "Week 6") == "unknown"

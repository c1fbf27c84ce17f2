"""The outcome measures the fake registry posts results for, as sponsors title and shape them.

Each ``Measure`` is one posted outcome measure's design: title, parameter and dispersion (the
``OutcomeMeasure.dispersionType`` is free text in the spec, and the live API posts display text
such as "Standard Deviation" or "95% Confidence Interval" there), unit, time frame, and its
classes (usually time points) and categories. ``shape`` says how ``ctgov_results`` fills the
values. Some titles name an instrument of ``data/benchmark_instruments.csv`` (MADRS, CAPS-5,
PHQ-9, QIDS-SR-16) and some name none.
"""

from dataclasses import dataclass

SCORE = "score on a scale"


@dataclass(frozen=True)
class Measure:
    title: str
    description: str
    param: str  # MeasureParam
    dispersion: str | None
    unit: str
    time_frame: str
    classes: tuple[str | None, ...]  # class titles, usually time points; None: untitled
    shape: str  # how values are drawn: change, score, ci, median_iqr, count, percent, survival
    level: float  # the placebo arm's typical value (a change, a score, a percentage)
    effect: float  # what the active arm adds to it
    categories: tuple[str | None, ...] = (None,)
    population: str | None = None


FULL_ANALYSIS_SET = (
    "Full analysis set: every randomised participant who received study drug and had at least "
    "one post-baseline assessment."
)

PRIMARY_MEASURES = (
    Measure(
        "Change From Baseline in Montgomery-Åsberg Depression Rating Scale (MADRS) Total Score",
        "The MADRS is a 10-item clinician-rated scale of depressive symptoms; the total score "
        "ranges from 0 to 60, higher scores meaning more severe depression. A negative change "
        "means improvement.",
        "LEAST_SQUARES_MEAN",
        "Standard Error",
        SCORE,
        "Baseline, Day 1, Week 3 and Week 6",
        ("Day 1", "Week 3", "Week 6"),
        "change",
        -7.0,
        -6.0,
        population=FULL_ANALYSIS_SET,
    ),
    Measure(
        "CAPS-5 Total Severity Score",
        "Clinician-Administered PTSD Scale for DSM-5: 20 items scored 0 to 4, total 0 to 80; "
        "higher scores mean more severe PTSD.",
        "MEAN",
        "Standard Deviation",
        SCORE,
        "Baseline and Week 18",
        ("Baseline", "Week 18"),
        "score",
        38.0,
        -11.0,
    ),
    Measure(
        "Change From Baseline in Quick Inventory of Depressive Symptomatology-Self Report "
        "(QIDS-SR-16) Total Score",
        "16 self-reported items; total 0 to 27, higher scores meaning more severe depression.",
        "MEAN",
        "95% Confidence Interval",
        SCORE,
        "Baseline to Day 2 and Week 2",
        ("Day 2", "Week 2"),
        "ci",
        -3.0,
        -4.0,
    ),
)

SECONDARY_MEASURES = (
    Measure(
        "PHQ-9",
        "Patient Health Questionnaire, 9 items, total 0 to 27.",
        "MEDIAN",
        "Inter-Quartile Range",
        SCORE,
        "Week 4",
        ("Week 4",),
        "median_iqr",
        11.0,
        -4.0,
    ),
    Measure(
        "Number of Participants With a Response",
        "Response: a reduction of 50% or more of the total score from baseline.",
        "COUNT_OF_PARTICIPANTS",
        None,
        "Participants",
        "Week 6",
        ("Week 6",),
        "count",
        0.3,
        0.25,
        categories=("Responder", "Non-responder"),
    ),
    Measure(
        "Percentage of Heavy Drinking Days",
        "Days with 5 or more drinks (men) or 4 or more (women), from the timeline follow-back.",
        "NUMBER",
        None,
        "percentage of days",
        "Weeks 5 to 36",
        (None,),
        "percent",
        25.0,
        -12.0,
    ),
    Measure(
        "Time to Relapse",
        "Days from randomisation to the first relapse.",
        "MEDIAN",
        "Full Range",
        "days",
        "Up to 24 weeks",
        (None,),
        "survival",
        60.0,
        50.0,
    ),
    Measure(
        "Number of Participants With Treatment-Emergent Adverse Events",
        "Any adverse event that started or worsened after the first dose.",
        "COUNT_OF_PARTICIPANTS",
        None,
        "Participants",
        "Up to 12 weeks",
        (None,),
        "count",
        0.4,
        0.3,
        categories=("Any adverse event", "Serious adverse event"),
    ),
    Measure(
        "Mystical Experience Questionnaire (MEQ30) Total Score",
        "30 items, each scored 0 to 5, reported as a percentage of the maximum score.",
        "MEAN",
        "Standard Deviation",
        "percentage of maximum score",
        "Day 1 (end of the dosing session)",
        ("Day 1",),
        "score",
        20.0,
        35.0,
    ),
)

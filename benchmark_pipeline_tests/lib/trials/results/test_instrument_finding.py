"""Instruments are recognised only from whole-word names in a measure's title, or in its
description when the title is generic; lookalikes, family words and two scales are not, and
say why. Titles written from the spec's examples and psychiatric registry records."""

import pytest

from benchmark_pipeline.lib.trials.results.instrument_finding import (
    InstrumentFinding,
    find_instrument,
    is_generic_title,
)

RECOGNISED = [
    (
        "Change From Baseline in Montgomery-Åsberg Depression Rating Scale (MADRS) Total Score",
        "MADRS",
        "title: 'Montgomery-Åsberg Depression Rating Scale', 'MADRS'",
    ),
    ("Change From Baseline in MADRS Total Score at Day 28", "MADRS", "title: 'MADRS'"),
    ("Montgomery Asberg Depression Rating Scale Total Score at Week 3", "MADRS", None),
    ("Montgomery–Åsberg Depression Rating Scale", "MADRS", None),
    ("change in madrs total score", "MADRS", "title: 'madrs'"),
    ("MADRS-based Total Score", "MADRS", "title: 'MADRS'"),
    (
        "Change in Clinician-Administered PTSD Scale for DSM-5 (CAPS-5) Total Severity Score",
        "CAPS-5",
        "title: 'Clinician-Administered PTSD Scale for DSM-5', 'CAPS-5'",
    ),
    ("CAPS 5 Total Severity Score", "CAPS-5", "title: 'CAPS 5'"),
    ("Change in CAPS-5 From Baseline to Week 18", "CAPS-5", "title: 'CAPS-5'"),
    ("PHQ9 Total Score", "PHQ-9", "title: 'PHQ9'"),
    ("Patient Health Questionnaire (PHQ-9) Score", "PHQ-9", None),
    ("Change in Patient Health Questionnaire-9 Score", "PHQ-9", None),
    ("QIDS-SR16 Total Score", "QIDS-SR-16", "title: 'QIDS-SR16'"),
    ("QIDS SR-16", "QIDS-SR-16", "title: 'QIDS SR-16'"),
    (
        "Change in Quick Inventory of Depressive Symptomatology - Self Report (16 item) Score",
        "QIDS-SR-16",
        "title: 'Quick Inventory of Depressive Symptomatology - Self Report (16 item)'",
    ),
    (
        "Change From Baseline in 17-item Hamilton Depression Rating Scale (HAM-D) Total Score",
        "GRID-HAMD-17",
        "title: '17-item Hamilton Depression Rating Scale'",
    ),
    ("Change in GRID-HAMD-17 Score", "GRID-HAMD-17", "title: 'GRID-HAMD-17'"),
    ("HAMD-17 Total Score at Day 43", "GRID-HAMD-17", "title: 'HAMD-17'"),
    ("Hamilton Rating Scale for Depression (17-item) Total Score", "GRID-HAMD-17", None),
    ("Impact of Event Scale-Revised (IES-R) Total Score", "IES-R", None),
    ("Percent Heavy Drinking Days (Timeline Followback)", "PHDD-TLFB", None),
]


@pytest.mark.parametrize(("title", "instrument", "match"), RECOGNISED)
def test_a_title_naming_one_instrument_is_recognised(title, instrument, match) -> None:
    found = find_instrument(title, "Some description naming no scale.")
    assert (found.instrument, found.why) == (instrument, None)
    assert found.match.startswith("title: ")
    if match is not None:
        assert found.match == match


NOT_RECOGNISED = [
    ("Change From Baseline in MADRS-S Total Score", None, "'MADRS-S' is MADRS-S (self-rated)"),
    (
        "Montgomery-Åsberg Depression Rating Scale - Self-rated (MADRS-S)",
        None,
        "is MADRS-S (self-rated), not MADRS",
    ),
    ("MADRS-10 Total Score", None, "'MADRS-10' is another version, not MADRS"),
    ("Change in CAPS Total Score", None, "'CAPS' may mean CAPS-5 but does not say which"),
    ("CAPS-IV Total Score", None, "'CAPS-IV' is CAPS for DSM-IV, not CAPS-5"),
    (
        "Clinician-Administered PTSD Scale for DSM-IV (CAPS) Total Score",
        None,
        "is CAPS for DSM-IV, not CAPS-5",
    ),
    ("PHQ-8 Total Score", None, "'PHQ-8' is PHQ-8, not PHQ-9"),
    ("PHQ-15 Somatic Symptom Score", None, "'PHQ-15' is PHQ-15, not PHQ-9"),
    ("QIDS-C16 Total Score", None, "is QIDS-C (clinician-rated), not QIDS-SR-16"),
    (
        "Quick Inventory of Depressive Symptomatology (QIDS) Total Score",
        None,
        "may mean QIDS-SR-16 but does not say which version",
    ),
    (
        "Change in Hamilton Depression Rating Scale (HAM-D) Score",
        None,
        "may mean GRID-HAMD-17 but does not say which version",
    ),
    ("Change in HAM-D-24 Total Score", None, "is the 24-item HAM-D, not GRID-HAMD-17"),
    ("21-item Hamilton Depression Rating Scale", None, "is the 21-item HAM-D"),
    ("GRID-HAMD-21 Total Score", None, "is the 21-item HAM-D"),
    ("Impact of Event Scale (IES) Total Score", None, "is the Impact of Event Scale (original)"),
    ("Change in MADRS and PHQ-9 Total Scores", None, "names 2 instruments: MADRS, PHQ-9"),
    ("MADRS and HAM-A Total Scores", None, "names MADRS and another scale, 'HAM-A'"),
    ("Percentage of Heavy Drinking Days", "Drinks per day.", "not its method"),
    (
        "Number of Participants With a Response",
        "A reduction of 50% or more of the MADRS total score.",
        "the description names MADRS, but the title is not generic",
    ),
    (
        "Mystical Experience Questionnaire (MEQ30) Total Score",
        "The MADRS was also given.",
        "the description names 'MADRS', but the title names 'Mystical Experience Questionnaire'",
    ),
]


@pytest.mark.parametrize(("title", "description", "why"), NOT_RECOGNISED)
def test_lookalikes_family_words_and_two_scales_are_not_recognised(title, description, why) -> None:
    found = find_instrument(title, description)
    assert (found.instrument, found.match) == (None, None)
    assert why in found.why
    assert found.words  # the words a reviewer should look at


@pytest.mark.parametrize(
    "title",
    [
        "Mystical Experience Questionnaire (MEQ30) Total Score",
        "Hamilton Anxiety Rating Scale (HAM-A) Total Score",
        "Change in CGI-S",
        "Capsule Acceptability",  # "Caps" inside a longer word
        "MADRSX Total",
        "Objective Response Rate (ORR)",
    ],
)
def test_titles_without_our_words_are_neither_recognised_nor_near_misses(title) -> None:
    assert find_instrument(title, None) == InstrumentFinding(None, None)


GENERIC = [
    ("Change in Depression Score", "Change from baseline in MADRS total score.", "MADRS"),
    ("Primary Outcome", "CAPS-5 total severity score at week 18.", "CAPS-5"),
    ("Change in PTSD Symptom Severity", "Measured with the CAPS-5.", "CAPS-5"),
    ("Change From Baseline to Week 6 in Depressive Symptoms", "QIDS-SR16 total.", "QIDS-SR-16"),
    ("Alcohol Use", "Percent heavy drinking days by the TLFB.", "PHDD-TLFB"),
    (None, "MADRS total score at Week 6.", "MADRS"),
]


@pytest.mark.parametrize(("title", "description", "instrument"), GENERIC)
def test_a_generic_title_takes_the_instrument_from_its_description(
    title, description, instrument
) -> None:
    found = find_instrument(title, description)
    assert found.instrument == instrument
    assert found.match.startswith("description: '")


@pytest.mark.parametrize(
    ("title", "description", "why"),
    [
        ("Change in Depression Score", "CAPS-5 total.", "speaks of depression, CAPS-5 does not"),
        ("Anxiety Symptoms", "The QIDS-SR-16.", "the title is not generic"),
        ("Self-Reported Depression Symptoms", "The PHQ-9.", "the title is not generic"),
        ("Primary Outcome", "MADRS and HAM-A total scores.", "another scale, 'HAM-A'"),
    ],
)
def test_a_description_is_not_read_past_its_title(title, description, why) -> None:
    found = find_instrument(title, description)
    assert found.instrument is None and why in found.why


@pytest.mark.parametrize(
    ("title", "generic"),
    [
        ("Change in Depression Score", True),
        ("Primary Outcome", True),
        ("Antidepressant Efficacy", True),
        ("Change From Baseline to Week 6 in Depressive Symptoms", True),
        ("", True),
        (None, True),
        ("Anxiety Symptoms", False),
        ("Self-Reported Depression Symptoms", False),
        ("Quality of Life", False),
        ("MADRS", False),
        ("Change in MEQ30", False),
        ("Number of Participants With a Response", False),
        ("Response Rate", False),
    ],
)
def test_generic_titles_are_only_generic_words(title, generic) -> None:
    assert is_generic_title(title) is generic


def test_instruments_outside_the_given_names_are_not_recognised() -> None:
    found = find_instrument("Change in MADRS Total Score", None, instruments={"CAPS-5"})
    assert found.instrument is None

"""The words that name each instrument of ``data/benchmark_instruments.csv`` in registry text,
and the words that look like them but name something else.

Every key of ``INSTRUMENT_WORDS`` is a ``name`` of the CSV (a test says so). Phrases are matched
as whole words by ``phrases.PhraseMatcher`` (a space or hyphen also matches none, so "PHQ-9"
covers "PHQ 9" and "PHQ9"), with a hyphenated suffix making another name ("MADRS-S").

- ``INSTRUMENT_WORDS``: the name, the full name and the variants registries write.
- ``LOOKALIKE_WORDS``: other instruments whose names share those words (the self-rated
  MADRS-S, CAPS for DSM-IV, the 21- and 24-item HAM-D, PHQ-8, QIDS-C): never the instrument.
- ``FAMILY_WORDS``: words that may mean the instrument but do not say which version ("CAPS",
  "Hamilton", "QIDS"): never recognised, listed for a reviewer.
- ``OTHER_SCALES``: scales outside the CSV that trials report beside ours: a text naming one
  of them and one of ours is not read as ours.
"""

# Percentage of heavy drinking days is a quantity more than a scale: its words must come with
# the method (the Timeline Followback) somewhere in the measure's title or description.
CONFIRMING_WORDS: dict[str, tuple[str, ...]] = {
    "PHDD-TLFB": ("Timeline Followback", "Timeline Follow back", "Time Line Follow Back", "TLFB"),
}


def _hamd(items: str) -> tuple[str, ...]:
    """The ways a registry writes "the Hamilton depression scale with ``items`` items"."""
    names = (
        "Hamilton Depression Rating Scale",
        "Hamilton Rating Scale for Depression",
        "Hamilton Depression Scale",
        "GRID Hamilton Depression Rating Scale",
    )
    abbreviations = ("HAM-D", "HDRS", "HRSD", "GRID-HAMD", "GRID-HAM-D")
    spelled = [f"{a}-{items}" for a in abbreviations]
    for name in (*names, *abbreviations):
        for item in ("item", "items"):
            spelled += [
                f"{items}-{item} {name}",
                f"{name} ({items}-{item})",
                f"{name} {items}-{item}",
            ]
            spelled.append(f"{name}, {items} {item}")
        spelled.append(f"{name}-{items}")
    return tuple(spelled)


INSTRUMENT_WORDS: dict[str, tuple[str, ...]] = {
    "MADRS": (
        "MADRS",
        "MADRS-SIGMA",
        "Montgomery-Asberg Depression Rating Scale",
        "Montgomery-Åsberg Depression Rating Scale",
        "Montgomery and Asberg Depression Rating Scale",
        "Montgomery and Åsberg Depression Rating Scale",
        "Montgomery-Asberg Depression Scale",
        "Montgomery-Åsberg Depression Scale",
        "Montgomery-Asberg Rating Scale",
        "Montgomery-Åsberg Rating Scale",
    ),
    "CAPS-5": (
        "CAPS-5",
        "CAPS for DSM-5",
        "Clinician-Administered PTSD Scale for DSM-5",
        "Clinician-Administered PTSD Scale for the DSM-5",
        "Clinician-Administered PTSD Scale-5",
        "Clinician-Administered Posttraumatic Stress Disorder Scale for DSM-5",
    ),
    "PHQ-9": (
        "PHQ-9",
        "Patient Health Questionnaire-9",
        "Patient Health Questionnaire (PHQ-9)",
        "Patient Health Questionnaire 9-item",
        "Patient Health Questionnaire 9 items",
        "9-item Patient Health Questionnaire",
    ),
    # The QIDS has 16 items in every version: what must be said is that it is the self-report.
    "QIDS-SR-16": (
        "QIDS-SR-16",
        "QIDS-SR",
        "Quick Inventory of Depressive Symptomatology - Self Report (16 item)",
        "Quick Inventory of Depressive Symptomatology Self Report",
        "Quick Inventory of Depressive Symptomatology Self-Reported",
        "Quick Inventory of Depressive Symptomatology Self Rated",
        "Quick Inventory of Depressive Symptomatology, Self Report",
        "Quick Inventory of Depressive Symptomatology SR",
        "Quick Inventory of Depressive Symptomatology (Self Report)",
        "Quick Inventory of Depressive Symptomatology (Self-Report)",
    ),
    # Only words that say 17 items: the 21- and 24-item HAM-D are other instruments.
    "GRID-HAMD-17": ("GRID-HAMD-17", *_hamd("17")),
    "IES-R": (
        "IES-R",
        "Impact of Event Scale-Revised",
        "Impact of Events Scale-Revised",
        "Impact of Event Scale (Revised)",
        "Revised Impact of Event Scale",
    ),
    "PHDD-TLFB": (
        "PHDD-TLFB",
        "PHDD",
        "percentage of heavy drinking days",
        "percent heavy drinking days",
        "percent of heavy drinking days",
        "percent days heavy drinking",
        "percentage of days of heavy drinking",
        "percentage of days heavy drinking",
    ),
}

# (what it is, the instrument it must not be taken for) -> its words.
LOOKALIKE_WORDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("MADRS-S (self-rated)", "MADRS"): (
        "MADRS-S",
        "MADRS-SR",
        "Montgomery-Asberg Depression Rating Scale Self",
        "Montgomery-Åsberg Depression Rating Scale Self",
        "Montgomery-Asberg Depression Rating Scale (Self",
        "Montgomery-Åsberg Depression Rating Scale (Self",
    ),
    ("CAPS for DSM-IV", "CAPS-5"): (
        "CAPS-IV",
        "CAPS for DSM-IV",
        "CAPS (DSM-IV)",
        "Clinician-Administered PTSD Scale for DSM-IV",
        "Clinician-Administered PTSD Scale (DSM-IV)",
        "CAPS-2",
        "CAPS-1",
    ),
    ("CAPS for children and adolescents", "CAPS-5"): (
        "CAPS-CA",
        "CAPS-CA-5",
        "Clinician-Administered PTSD Scale for Children and Adolescents",
    ),
    ("PHQ-8", "PHQ-9"): (
        "PHQ-8",
        "Patient Health Questionnaire-8",
        "8-item Patient Health Questionnaire",
    ),
    ("PHQ-15", "PHQ-9"): ("PHQ-15", "Patient Health Questionnaire-15"),
    ("PHQ-2", "PHQ-9"): ("PHQ-2", "Patient Health Questionnaire-2"),
    ("PHQ-A (adolescents)", "PHQ-9"): ("PHQ-A", "PHQ-9A", "PHQ-9-A"),
    ("QIDS-C (clinician-rated)", "QIDS-SR-16"): (
        "QIDS-C",
        "QIDS-C16",
        "QIDS-CR",
        "Quick Inventory of Depressive Symptomatology Clinician",
        "Quick Inventory of Depressive Symptomatology-Clinician Rated",
        "Quick Inventory of Depressive Symptomatology (Clinician",
    ),
    ("the 21-item HAM-D", "GRID-HAMD-17"): _hamd("21"),
    ("the 24-item HAM-D", "GRID-HAMD-17"): _hamd("24"),
    ("the 6-item HAM-D", "GRID-HAMD-17"): _hamd("6"),
    ("the 28-item HAM-D", "GRID-HAMD-17"): _hamd("28"),
    ("the 29-item HAM-D", "GRID-HAMD-17"): _hamd("29"),
    ("the Impact of Event Scale (original)", "IES-R"): ("IES-15", "Impact of Event Scale (IES)"),
}

# instrument -> words that may mean it without saying which version.
FAMILY_WORDS: dict[str, tuple[str, ...]] = {
    "MADRS": ("Montgomery-Asberg", "Montgomery-Åsberg", "Asberg", "Åsberg"),
    "CAPS-5": ("CAPS", "Clinician-Administered PTSD Scale", "Clinician Administered PTSD Scale"),
    "PHQ-9": ("PHQ", "Patient Health Questionnaire"),
    "QIDS-SR-16": ("QIDS", "Quick Inventory", "Quick Inventory of Depressive Symptomatology"),
    "GRID-HAMD-17": (
        "Hamilton",
        "Hamilton Depression Rating Scale",
        "Hamilton Rating Scale for Depression",
        "Hamilton Depression Scale",
        "HAM-D",
        "HDRS",
        "HRSD",
        "GRID-HAMD",
        "GRID-HAM-D",
    ),
    "IES-R": ("IES", "Impact of Event Scale", "Impact of Events Scale"),
    "PHDD-TLFB": ("heavy drinking days", "heavy drinking day", "HDD"),
}

OTHER_SCALES: tuple[str, ...] = (
    "HAM-A",
    "HAMA",
    "Hamilton Anxiety Rating Scale",
    "Hamilton Anxiety Scale",
    "Hamilton Rating Scale for Anxiety",
    "GAD-7",
    "Generalized Anxiety Disorder 7",
    "Generalized Anxiety Disorder 7-Item",
    "BDI",
    "BDI-II",
    "Beck Depression Inventory",
    "PCL-5",
    "PTSD Checklist",
    "CGI",
    "CGI-S",
    "CGI-I",
    "Clinical Global Impression",
    "Clinical Global Impressions",
    "Sheehan Disability Scale",
    "HADS",
    "Hospital Anxiety and Depression Scale",
    "STAI",
    "State-Trait Anxiety Inventory",
    "BPRS",
    "Brief Psychiatric Rating Scale",
    "CADSS",
    "Clinician Administered Dissociative States Scale",
    "Clinician Administered Dissociative Symptom Scale",
    "MEQ",
    "MEQ30",
    "Mystical Experience Questionnaire",
    "SHAPS",
    "Alcohol Use Disorders Identification Test",
    "WHO-5",
    "C-SSRS",
    "Columbia Suicide Severity Rating Scale",
    "Inventory of Depressive Symptomatology",
    "IDS-SR",
    "IDS-C",
    "DASS-21",
    "5D-ASC",
)

# What each instrument measures, and the words of a generic title that speak of it.
CONSTRUCTS: dict[str, str] = {
    "MADRS": "depression",
    "PHQ-9": "depression",
    "QIDS-SR-16": "depression",
    "GRID-HAMD-17": "depression",
    "CAPS-5": "ptsd",
    "IES-R": "ptsd",
    "PHDD-TLFB": "alcohol",
}
CONSTRUCT_WORDS: dict[str, frozenset[str]] = {
    "depression": frozenset({"depression", "depressive", "antidepressant", "mood"}),
    "ptsd": frozenset({"ptsd", "posttraumatic", "traumatic", "trauma", "stress"}),
    "alcohol": frozenset({"alcohol", "drinking", "drinks", "consumption"}),
}

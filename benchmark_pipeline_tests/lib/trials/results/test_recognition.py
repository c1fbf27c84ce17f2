"""derive_columns on decoded results: the derived columns of every row, the near misses a
reviewer reads, the real recorded samples (none of their oncology measures is an instrument of
ours) and the fake registry's results (each measure gets the instrument its template means,
each placebo group is 'placebo')."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from benchmark_pipeline.lib.trials.records import TrialRows
from benchmark_pipeline.lib.trials.results.columns import MEASUREMENT_COLUMNS
from benchmark_pipeline.lib.trials.results.decoding import decode_results_page
from benchmark_pipeline.lib.trials.results.instrument_finding import find_instrument
from benchmark_pipeline.lib.trials.results.recognition import DERIVED, derive_columns
from benchmark_pipeline.lib.trials.results.rows import ResultRows
from benchmark_pipeline_tests.fakes import generate_records
from benchmark_pipeline_tests.fakes.ctgov_outcomes import PRIMARY_MEASURES, SECONDARY_MEASURES
from benchmark_pipeline_tests.fakes.ctgov_results import with_results

from .support import measure, page, study

NCT = "NCT00000001"
PSILOCYBIN = SimpleNamespace(
    modalities=["psilocybin"],
    interventions=[
        {"name": "Psilocybin", "type": "DRUG", "other_names": []},
        {"name": "Niacin", "type": "DRUG", "other_names": []},
    ],
)


def _frame(*studies: dict):
    rows = ResultRows()
    rows.add_page(decode_results_page(page(*studies)))
    return rows.frame()


def _derive(measures: list[dict], trial=PSILOCYBIN):
    return derive_columns(_frame(study(NCT, measures)), {NCT: trial})


def test_every_row_gets_the_derived_columns_and_the_posted_ones_stay() -> None:
    posted = _frame(study(NCT))
    frame, misses = derive_columns(posted, {NCT: PSILOCYBIN})
    assert list(frame.columns) == [*MEASUREMENT_COLUMNS, *DERIVED]
    assert list(posted.columns) == list(MEASUREMENT_COLUMNS)  # the input is not changed
    assert frame[list(MEASUREMENT_COLUMNS)].equals(posted)
    assert misses == []
    rows = frame.to_dict("records")
    assert {r["instrument"] for r in rows} == {"MADRS"}
    assert {r["instrument_match"] for r in rows} == {"title: 'MADRS'"}
    assert {r["quantity"] for r in rows} == {"change"}
    assert {r["dispersion_kind"] for r in rows} == {"standard_error"}
    roles = [(r["group_title"], r["class_title"], r["arm_role"], r["modality"]) for r in rows]
    assert roles == [
        ("Psilocybin", "Week 3", "active", "psilocybin"),
        ("Placebo", "Week 3", "placebo", None),
        ("Psilocybin", "Week 6", "active", "psilocybin"),
        ("Placebo", "Week 6", "placebo", None),
    ]
    assert [r["comparable"] for r in rows] == [True, True, True, False]
    assert [r["not_comparable_reason"] for r in rows] == [None, None, None, "no value posted"]


def test_reasons_in_plain_words() -> None:
    measures = [
        measure(
            title="Number of Participants With a MADRS Response",
            paramType="NUMBER",
            unitOfMeasure="percentage of participants",
        ),
        measure(
            title="MADRS Total Score at Week 6", paramType="MEDIAN", dispersionType="Full Range"
        ),
        measure(unitOfMeasure="participants"),
        measure(title="Change in Depression"),
        measure(title="Response", description="Response on the MADRS."),
        measure(title="MADRS Total Score"),  # neither change nor a time point said
    ]
    measures[-1]["timeFrame"] = ""
    measures[2]["classes"][0]["categories"][0]["measurements"][0]["value"] = "NA"
    frame, _ = _derive(measures)
    first = frame.drop_duplicates("measure_no")
    assert first["not_comparable_reason"].tolist() == [
        "a percentage of participants, not a mean score",
        "a median with a full range",
        "unit 'participants' is not the instrument's points",
        "no instrument recognised",
        "no instrument recognised",
        "neither a change from baseline nor an endpoint score",
    ]
    na = frame[(frame["measure_no"] == 3) & (frame["value_text"] == "NA")]
    assert na["not_comparable_reason"].tolist() == [
        "unit 'participants' is not the instrument's points"
    ]


def test_a_value_that_is_no_number_is_not_comparable() -> None:
    posted = measure()
    posted["classes"][0]["categories"][0]["measurements"][0]["value"] = "NA"
    frame, _ = _derive([posted])
    assert frame.loc[0, "not_comparable_reason"] == "value 'NA' is not a number"
    assert not frame.loc[0, "comparable"] and frame.loc[1, "comparable"]


def test_near_misses_name_the_measure_the_words_and_why() -> None:
    measures = [
        measure(title="Change From Baseline in MADRS-S Total Score"),
        measure(title="Change in CAPS Total Score"),
        measure(title="Change From Baseline in MADRS Total Score", unitOfMeasure="days"),
        measure(title="Mystical Experience Questionnaire Total Score"),
    ]
    frame, misses = _derive(measures)
    shown = [(m.nct_id, m.measure_no, m.kind, m.words) for m in misses]
    assert shown == [
        (NCT, 1, "not_recognised", "'MADRS-S'"),
        (NCT, 2, "not_recognised", "'CAPS'"),
        (NCT, 3, "unit", "'MADRS'"),
    ]
    assert misses[0].why == "'MADRS-S' is MADRS-S (self-rated), not MADRS"
    assert misses[2].why == "recognised as MADRS, but its unit 'days' is not MADRS's points"
    assert misses[0].title == "Change From Baseline in MADRS-S Total Score"
    assert frame.drop_duplicates("measure_no")["instrument"].tolist() == [None, None, "MADRS", None]


def test_invariants_of_the_derived_columns() -> None:
    measures = [measure(), measure(title="MADRS-S"), measure(paramType="MEDIAN")]
    frame, _ = _derive(measures)
    assert (frame["instrument"].isna() == frame["instrument_match"].isna()).all()
    assert (frame["comparable"] == frame["not_comparable_reason"].isna()).all()
    assert frame["comparable"].dtype == bool
    assert (frame["modality"].notna() == (frame["arm_role"] == "active")).all()


def test_interventions_as_the_trials_frame_stores_them_json_text() -> None:
    trial = SimpleNamespace(
        modalities=["psilocybin"], interventions=json.dumps(PSILOCYBIN.interventions)
    )
    frame, _ = _derive([measure()], trial)
    assert frame["arm_role"].tolist() == ["active", "placebo", "active", "placebo"]


def test_a_trial_without_facts_has_no_active_arm() -> None:
    frame, _ = derive_columns(_frame(study(NCT)), {})
    assert set(frame["arm_role"]) == {"unknown", "placebo"}


def test_an_empty_frame() -> None:
    frame, misses = derive_columns(ResultRows().frame(), {})
    assert list(frame.columns) == [*MEASUREMENT_COLUMNS, *DERIVED] and len(frame) == 0
    assert misses == []


# --- the real recorded samples --------------------------------------------------------------

SAMPLES = ("ctgov", "samples")


def test_the_oncology_results_sample_names_no_instrument(reference: Path) -> None:
    document = json.loads(
        reference.joinpath(*SAMPLES, "mcode_NCT02513394.json").read_text(encoding="utf-8")
    )
    frame, misses = derive_columns(_frame(document), {})
    assert len(frame) > 0 and misses == []
    assert frame["instrument"].isna().all() and not frame["comparable"].any()
    assert set(frame["not_comparable_reason"]) == {"no instrument recognised"}


def _outcomes(reference: Path) -> list[tuple[str, dict]]:
    """(file, outcome) for every protocol outcome of every recorded sample."""
    found = []
    for path in sorted(reference.joinpath(*SAMPLES).rglob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        for record in document.get("studies", [document]):
            module = record.get("protocolSection", {}).get("outcomesModule", {})
            for kind in ("primaryOutcomes", "secondaryOutcomes", "otherOutcomes"):
                found += [(path.name, o) for o in module.get(kind, [])]
    return found


def test_real_outcome_titles_of_the_samples(reference: Path) -> None:
    outcomes = _outcomes(reference)
    assert len(outcomes) > 30
    recognised = {}
    for _, outcome in outcomes:
        found = find_instrument(outcome["measure"], outcome.get("description"))
        if found.instrument or found.why:
            recognised[outcome["measure"]] = (found.instrument, found.match, found.why)
    # The psilocybin trial's generic "Antidepressant Efficacy" is the MADRS, told by its
    # description; "Anxiety Symptoms" describes a QIDS but is no generic title: not read.
    assert recognised == {
        "Antidepressant Efficacy": (
            "MADRS",
            "description: 'Montgomery-Åsberg Depression Rating Scale', 'MADRS'",
            None,
        ),
        "Anxiety Symptoms": (
            None,
            None,
            "the description names 'Quick Inventory', but the title is not generic",
        ),
    }


# --- the fake registry ----------------------------------------------------------------------

INTENDED = {
    PRIMARY_MEASURES[0].title: ("MADRS", "change", True),
    PRIMARY_MEASURES[1].title: ("CAPS-5", "endpoint", True),
    PRIMARY_MEASURES[2].title: ("QIDS-SR-16", "change", True),
    SECONDARY_MEASURES[0].title: ("PHQ-9", "unknown", False),  # a median
    SECONDARY_MEASURES[1].title: (None, "unknown", False),
    SECONDARY_MEASURES[2].title: ("PHDD-TLFB", "endpoint", False),  # a number, no mean
    SECONDARY_MEASURES[3].title: (None, "unknown", False),
    SECONDARY_MEASURES[4].title: (None, "unknown", False),
    SECONDARY_MEASURES[5].title: (None, "endpoint", False),  # MEQ30: not ours
}


@pytest.fixture(scope="module")
def fake_results():
    records = generate_records(1_600, seed=7)
    ids = [n for n in records.ids() if records.get(n)["hasResults"]]
    trials = TrialRows()
    for nct in ids:
        trials.add_records([records.get(nct)], sorted(records.modalities[nct]) or ["none"])
    facts = {
        row["nct_id"]: SimpleNamespace(
            modalities=row["modalities"], interventions=row["interventions"]
        )
        for row in trials.frame().to_dict("records")
    }
    frame = _frame(*(with_results(records.get(n)) for n in ids))
    return records, derive_columns(frame, facts)


def test_every_fake_measure_gets_the_instrument_its_template_means(fake_results) -> None:
    _, (frame, misses) = fake_results
    assert set(frame["title"]) == set(INTENDED)
    for row in frame.drop_duplicates(["nct_id", "measure_no"]).to_dict("records"):
        instrument, quantity, comparable = INTENDED[row["title"]]
        assert (row["instrument"], row["quantity"]) == (instrument, quantity), row["title"]
    by_title = frame.groupby("title")["comparable"].any().to_dict()
    assert by_title == {t: c for t, (_, _, c) in INTENDED.items()}
    assert misses == []


def test_fake_placebo_groups_are_placebo_and_drug_groups_active(fake_results) -> None:
    records, (frame, _) = fake_results
    groups = frame.drop_duplicates(["nct_id", "measure_no", "group_id"])
    for (nct, _), measure_groups in groups.groupby(["nct_id", "measure_no"]):
        *drugs, placebo = measure_groups.to_dict("records")  # the fake posts placebo last
        assert placebo["arm_role"] == "placebo", placebo["group_title"]
        if records.modalities[nct]:
            for group in drugs:
                assert group["arm_role"] == "active", group["group_title"]
                assert group["modality"] in records.modalities[nct]


BASELINE = "the value at baseline, not a change nor an endpoint score"


def _one(title: str, class_title: str | None, time_frame: str) -> tuple:
    from decimal import Decimal

    import pandas as pd

    from benchmark_pipeline.lib.trials.results.columns import MEASUREMENT_COLUMNS
    from benchmark_pipeline.lib.trials.results.recognition import derive_columns

    row = dict.fromkeys(MEASUREMENT_COLUMNS)
    row.update(
        nct_id="NCT09999999",
        measure_no=1,
        title=title,
        time_frame=time_frame,
        unit_of_measure="score on a scale",
        param_type="MEAN",
        dispersion_type="Standard Deviation",
        group_id="OG000",
        group_title="Placebo",
        class_no=1,
        class_title=class_title,
        category_no=1,
        value_text="10.5",
        value=Decimal("10.5"),
    )
    derived, _ = derive_columns(pd.DataFrame([row], columns=list(MEASUREMENT_COLUMNS)), {})
    return (
        derived.loc[0, "instrument"],
        derived.loc[0, "quantity"],
        derived.loc[0, "not_comparable_reason"],
    )


@pytest.mark.parametrize(
    ("title", "class_title", "time_frame", "expected"),
    [
        # A baseline value is never a benchmark, whether a class, the title or the time frame
        # says it is the baseline.
        (
            "Change From Baseline in MADRS Total Score",
            "Baseline",
            "Baseline to Day 28",
            ("MADRS", "change", BASELINE),
        ),
        (
            "Change From Baseline in MADRS Total Score",
            "Change at Day 28",
            "Baseline to Day 28",
            ("MADRS", "change", None),
        ),
        ("MADRS Total Score at Baseline", None, "Baseline", ("MADRS", "endpoint", BASELINE)),
        ("Baseline MADRS Total Score", None, "Day 1", ("MADRS", "endpoint", BASELINE)),
        ("MADRS Total Score", None, "Baseline", ("MADRS", "endpoint", BASELINE)),
        (
            "Change From Baseline in MADRS Total Score at Week 6",
            None,
            "Baseline and Week 6",
            ("MADRS", "change", None),
        ),
        # An item, a subscale or a cluster is not the instrument's total score.
        (
            "Change From Baseline in MADRS Item 1 (Apparent Sadness)",
            None,
            "Baseline to Day 28",
            ("MADRS", "change", "an item, subscale or cluster of MADRS, not its total score"),
        ),
        (
            "Change in CAPS-5 Cluster B (Intrusion) Severity Score",
            None,
            "Baseline to Week 18",
            ("CAPS-5", "change", "an item, subscale or cluster of CAPS-5, not its total score"),
        ),
        (
            "PHQ-9 Item 9 Score",
            None,
            "Week 6",
            ("PHQ-9", "endpoint", "an item, subscale or cluster of PHQ-9, not its total score"),
        ),
        (
            "Change From Baseline in 17-item Hamilton Depression Rating Scale (HAM-D-17) Total "
            "Score",
            None,
            "Baseline to Week 6",
            ("GRID-HAMD-17", "change", None),
        ),
        # A maximum, an average over time or a difference between groups is no arm's mean.
        ("Maximum Change in MADRS", None, "Baseline to Day 28", ("MADRS", "unknown")),
        (
            "Time-weighted Average Change From Baseline in MADRS",
            None,
            "Baseline to Day 28",
            ("MADRS", "unknown"),
        ),
        (
            "Difference in Change From Baseline in MADRS Between Groups",
            None,
            "Day 28",
            ("MADRS", "unknown"),
        ),
        ("MADRS Score Sustained Reduction", None, "Week 12", ("MADRS", "unknown")),
    ],
)
def test_baselines_parts_and_summaries_are_never_comparable(
    title, class_title, time_frame, expected
):
    found = _one(title, class_title, time_frame)
    assert found[: len(expected)] == expected
    if expected[1] == "unknown":
        assert found[2] is not None


def test_an_endpoint_measures_baseline_class_is_not_an_endpoint():
    import pandas as pd

    from benchmark_pipeline.lib.trials.results.columns import MEASUREMENT_COLUMNS
    from benchmark_pipeline.lib.trials.results.recognition import derive_columns

    base = dict.fromkeys(MEASUREMENT_COLUMNS)
    base.update(
        nct_id="NCT09999999",
        measure_no=1,
        title="MADRS Total Score",
        time_frame="Baseline and Week 6",
        unit_of_measure="score on a scale",
        param_type="MEAN",
        dispersion_type="Standard Deviation",
        group_id="OG000",
        group_title="Placebo",
        category_no=1,
    )
    rows = [
        {**base, "class_no": 1, "class_title": "Baseline", "value_text": "31.2"},
        {**base, "class_no": 2, "class_title": "Week 6", "value_text": "18.4"},
    ]
    frame = pd.DataFrame(rows, columns=list(MEASUREMENT_COLUMNS))
    frame["value"] = frame["value_text"].map(lambda t: __import__("decimal").Decimal(t))
    derived, _ = derive_columns(frame, {})
    assert list(derived["quantity"]) == ["endpoint", "endpoint"]
    assert list(derived["not_comparable_reason"]) == [
        BASELINE,
        None,
    ]

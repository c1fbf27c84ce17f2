"""The read API's fourth benchmark step (sql/071): registry results posted on ClinicalTrials.gov,
called as a signed-in user through the API's login, against the rows of
``support/trial_results_rows.py`` (a placebo arm with a larger N, a standard error only, a held
row, a non-comparable row and a value off the scale beside the one usable esketamine MADRS
arm)."""

from decimal import Decimal

import pytest

from benchmark_pipeline.lib.schema.read_api import call_as

from .expected import ok, registry_rule, rule

KEY = ("nct_id", "measure_no", "group_id", "class_no", "category_no")
MADRS_ARM = ("NCT90000021", 1, "OG000", 1, 1)
MADRS_TITLE = (
    "Change From Baseline in Montgomery-Åsberg Depression Rating Scale (MADRS) Total Score"
)
ARM_TITLE = "Esketamine 56 mg + Oral Antidepressant"


def registry_key(record: dict) -> tuple:
    return tuple(record["registry_result"][k] for k in KEY)


def compare(conn, instrument: str, baseline: int, current: int, modality: str) -> dict:
    """``benchmark_comparison``'s answer, which must succeed."""
    return ok(
        conn,
        "benchmark_comparison",
        instrument=instrument,
        baseline_score=baseline,
        current_score=current,
        modality=modality,
    ).value


def candidates(conn, modality=None, condition=None, instrument=None) -> list[tuple]:
    answer = ok(
        conn,
        "benchmark_registry_candidates",
        modality=modality,
        condition=condition,
        instrument=instrument,
    )
    return [tuple(r["registry_result"][k] for k in KEY) for r in answer.records()]


def test_primary_benchmark_takes_the_registry_active_arm_when_no_cohort_qualifies(loaded):
    answer = ok(loaded.api, "primary_benchmark", modality="esketamine", instrument="MADRS").value
    assert registry_key(answer) == MADRS_ARM
    assert answer["rule_step"] == 4
    assert (answer["id"], answer["setting"], answer["nct_id"]) == (
        None,
        "registry_results",
        "NCT90000021",
    )
    assert answer["cohort_name"] == f"NCT90000021 · {ARM_TITLE} · {MADRS_TITLE} (Day 28)"
    assert answer["source_citation"] == (
        "ClinicalTrials.gov NCT90000021, results posted (last update 2024-03-01), outcome "
        f"measure 1: {MADRS_TITLE}; group: {ARM_TITLE}"
    )
    assert (answer["n_participants"], answer["active_arm_n"], answer["instrument"]) == (
        114,
        114,
        "MADRS",
    )
    # Exactly as posted: the mean change and its SD, nothing as an endpoint.
    assert Decimal(str(answer["change_mean"])) == Decimal("-19.8")
    assert Decimal(str(answer["change_sd"])) == Decimal("8.94")
    assert answer["endpoint_mean"] is None and answer["endpoint_sd"] is None
    assert answer["modality"] == "esketamine"
    assert answer["condition"] == "Treatment Resistant Depression"
    because = answer["chosen_because"]
    assert because.startswith("Rule step 4: no pooled meta-analysis or cohort matched, so the")
    for part in (
        "NCT90000021",
        f"primary outcome measure 1 '{MADRS_TITLE}'",
        "time frame 'Baseline and Day 28', class 'Day 28'",
        f"group OG000 '{ARM_TITLE}' (the active arm)",
        "a mean change with its SD, N = 114 analysed, the largest of 1 usable arm(s)",
        "for modality esketamine, condition any, instrument MADRS.",
    ):
        assert part in because, part


def test_the_placebo_the_standard_error_the_held_and_the_non_comparable_rows_are_never_chosen(
    loaded,
):
    esketamine_madrs = candidates(loaded.api, "esketamine", None, "MADRS")
    assert esketamine_madrs == [MADRS_ARM]
    ever_usable = set(candidates(loaded.api))
    never = {
        ("NCT90000021", 1, "OG001", 1, 1),  # placebo, N 120 > 114
        ("NCT90000021", 2, "OG000", 1, 1),  # a standard error only, N 200
        ("NCT90000022", 1, "OG000", 1, 1),  # held for review, N 300
        ("NCT90000022", 2, "OG000", 1, 1),  # not comparable (a percentage change), N 400
        ("NCT90000022", 4, "OG000", 1, 1),  # an endpoint of 75 on the 0-60 MADRS scale, N 250
        ("NCT90000022", 3, "OG001", 1, 1),  # placebo
        ("NCT90000024", 1, "OG001", 1, 1),  # placebo
    }
    assert ever_usable and not ever_usable & never
    loaded_keys = {tuple(r) for r in loaded.rows.trial_results[list(KEY)].itertuples(index=False)}
    assert never <= loaded_keys  # they are there, only never chosen


@pytest.mark.parametrize(
    ("modality", "condition", "instrument"),
    [
        (None, None, None),
        ("esketamine", None, None),
        ("esketamine", None, "MADRS"),
        ("esketamine", None, "QIDS-SR-16"),
        ("esketamine", "treatment resistant depression", None),
        ("esketamine", "Major Depressive Disorder", None),
        ("esketamine", "depression", None),  # the trials' indication category
        ("esketamine", "MDD", None),  # no registered condition is written so
        ("ketamine", None, "QIDS-SR-16"),
        ("mdma", "PTSD", "CAPS-5"),
        ("psilocybin", None, None),
        (None, None, "PHQ-9"),
    ],
)
def test_registry_candidates_follow_the_rule_written_out_again(
    loaded, modality, condition, instrument
):
    expected = registry_rule(loaded.conn, modality, condition, instrument)
    assert candidates(loaded.api, modality, condition, instrument) == expected
    answer = ok(
        loaded.api,
        "benchmark_registry_candidates",
        modality=modality,
        condition=condition,
        instrument=instrument,
    ).records()
    assert [r["rank"] for r in answer] == list(range(1, len(expected) + 1))
    assert {r["candidates"] for r in answer} <= {len(expected)}
    assert [r["chosen_because"] is not None for r in answer] == [i == 0 for i in range(len(answer))]


def test_primary_benchmark_every_combination_cohorts_first_then_the_registry(loaded):
    cohorts, results = loaded.rows.cohorts, loaded.rows.trial_results
    modalities = {*cohorts.modality, *results.modality.dropna(), "ketamine", "dmt"}
    instruments = {*cohorts.instrument, *results.instrument.dropna(), None}
    conditions = {None, "PTSD", "TRD", "depression", "Major Depressive Disorder"}
    for modality in sorted(modalities):
        for condition in sorted(conditions, key=str):
            for instrument in sorted(instruments, key=str):
                arguments = {"modality": modality, "condition": condition, "instrument": instrument}
                answer = call_as(loaded.api, "primary_benchmark", arguments)
                cohort = rule(cohorts, modality, condition, instrument)
                registry = registry_rule(loaded.conn, modality, condition, instrument)
                if cohort is not None:
                    assert answer.value["cohort_name"] == cohort.cohort_name, arguments
                    assert answer.value["rule_step"] == cohort.step, arguments
                    assert "registry_result" not in answer.value
                elif registry:
                    assert answer.value["rule_step"] == 4, arguments
                    assert registry_key(answer.value) == registry[0], arguments
                else:
                    assert answer.sqlstate == "P0002", arguments
                    assert "nor any registry result usable as a benchmark" in answer.error


def test_a_larger_registry_arm_never_displaces_a_cohort(loaded):
    # NCT90000023's MDMA arm (N 500) is larger than every MDMA cohort.
    assert candidates(loaded.api, "mdma", "PTSD", "CAPS-5") == [("NCT90000023", 1, "OG000", 1, 1)]
    primary = ok(loaded.api, "primary_benchmark", modality="mdma", condition="PTSD").value
    assert (primary["rule_step"], primary["setting"]) == (1, "meta_analysis")
    compared = compare(loaded.api, "CAPS-5", 60, 30, "mdma")
    assert compared["benchmark"]["cohort_name"] == "MAPS MAPP2 Phase 3 (Mitchell et al. 2023)"
    assert compared["benchmark"]["rule_step"] == 2
    names = [r["cohort_name"] for r in ok(loaded.api, "benchmark_cohorts_for").records()]
    assert sorted(names) == sorted(loaded.rows.cohorts["cohort_name"])


def test_comparison_with_the_registry_arm_says_where_the_number_comes_from(loaded):
    answer = compare(loaded.api, "MADRS", 30, 15, "esketamine")
    assert answer["compared"] == "change" and answer["patient_value"] == -15
    assert Decimal(str(answer["benchmark_value"])) == Decimal("-19.8")
    assert Decimal(str(answer["difference"])) == Decimal("4.8")
    assert answer["direction_label"] is None  # no verified MADRS band
    benchmark = answer["benchmark"]
    assert benchmark["rule_step"] == 4 and benchmark["setting"] == "registry_results"
    assert registry_key(benchmark) == MADRS_ARM
    assert benchmark["registry_result"]["outcome_type"] == "PRIMARY"
    because = benchmark["chosen_because"]
    assert because.startswith(
        "Among cohorts reporting MADRS as a change or an endpoint: none; Rule step 4:"
    )
    for part in ("NCT90000021", "outcome measure 1", MADRS_TITLE, "group OG000", ARM_TITLE):
        assert part in because, part
    assert benchmark["source_citation"].startswith("ClinicalTrials.gov NCT90000021")


def test_comparison_with_a_registry_endpoint_and_a_tie_on_n(loaded):
    answer = compare(loaded.api, "QIDS-SR-16", 14, 7, "esketamine")
    assert answer["compared"] == "endpoint" and answer["patient_value"] == 7
    assert Decimal(str(answer["benchmark_value"])) == Decimal("9.5")
    assert Decimal(str(answer["difference"])) == Decimal("-2.5")
    benchmark = answer["benchmark"]
    # Both trials posted N 50: NCT90000022's later last update wins.
    assert registry_key(benchmark) == ("NCT90000022", 3, "OG000", 1, 1)
    assert Decimal(str(benchmark["endpoint_sd"])) == Decimal("5.1")
    assert benchmark["change_mean"] is None
    assert (
        "2 arm(s) share that N: the latest last update (2025-01-15) was taken"
        in benchmark["chosen_because"]
    )


def test_an_arm_whose_drug_was_not_recognised_counts_under_its_trials_modality(loaded):
    answer = compare(loaded.api, "QIDS-SR-16", 14, 7, "ketamine")
    benchmark = answer["benchmark"]
    assert registry_key(benchmark) == ("NCT90000024", 1, "OG000", 1, 1)
    assert benchmark["modality"] == "ketamine"
    assert "the group's drug was not recognised; the trial tests ketamine" in benchmark["notes"]
    assert Decimal(str(answer["benchmark_value"])) == Decimal("-7.5")
    # Not an esketamine arm, though both drugs are ketamine's family.
    assert ("NCT90000024", 1, "OG000", 1, 1) not in candidates(loaded.api, "esketamine")
    # A psilocybin patient still gets the psilocybin cohort.
    psilocybin = compare(loaded.api, "QIDS-SR-16", 14, 7, "psilocybin")
    assert psilocybin["benchmark"]["rule_step"] == 2
    assert "registry_result" not in psilocybin["benchmark"]


def test_no_cohort_and_no_registry_arm_keeps_its_error(loaded):
    answer = call_as(
        loaded.api,
        "benchmark_comparison",
        {"instrument": "MADRS", "baseline_score": 30, "current_score": 15, "modality": "dmt"},
    )
    assert answer.sqlstate == "P0002"
    assert answer.error.split("; ")[0] == (
        "no benchmark cohort reports MADRS as a change or an endpoint for modality dmt, "
        "condition any"
    )
    assert "nor does any registry result usable as a benchmark" in answer.error
    assert "benchmark_trial_results_for()" in answer.error


def test_cohorts_for_lists_the_registry_arms_only_when_no_cohort_matches(loaded):
    records = ok(loaded.api, "benchmark_cohorts_for", modality="esketamine").records()
    assert [(r["nct_id"], r["instrument"], r["n_participants"]) for r in records] == [
        ("NCT90000021", "MADRS", 114),
        ("NCT90000022", "QIDS-SR-16", 50),
        ("NCT90000021", "QIDS-SR-16", 50),
    ]
    assert {(r["id"], r["setting"]) for r in records} == {(None, "registry_results")}
    madrs = ok(loaded.api, "benchmark_cohorts_for", modality="esketamine", instrument="MADRS")
    assert [r["cohort_name"] for r in madrs.records()] == [
        f"NCT90000021 · {ARM_TITLE} · {MADRS_TITLE} (Day 28)"
    ]
    mdma = ok(loaded.api, "benchmark_cohorts_for", modality="mdma").records()
    assert "registry_results" not in {r["setting"] for r in mdma}
    assert ok(loaded.api, "benchmark_cohorts_for", modality="dmt").rows == ()


def _listed(conn, **filters) -> list[tuple]:
    records = ok(conn, "benchmark_trial_results_for", **filters).records()
    return [tuple(r[k] for k in KEY) for r in records]


def _expected(results, trial_modalities, nct_id=None, instrument=None, modality=None):
    keys = []
    for row in results.to_dict("records"):
        if nct_id and row["nct_id"] != nct_id or instrument and row["instrument"] != instrument:
            continue
        if modality and (
            row["modality"] != modality
            if row["modality"] is not None
            else modality not in trial_modalities[row["nct_id"]]
        ):
            continue
        keys.append(tuple(row[k] for k in KEY))
    return sorted(keys)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"nct_id": "NCT90000021"},
        {"instrument": "MADRS"},
        {"instrument": "QIDS-SR-16", "modality": "esketamine"},
        {"modality": "esketamine"},
        {"modality": "ketamine"},  # NCT90000024's arms have no modality of their own
        {"nct_id": "NCT90000023", "instrument": "MADRS"},
        {"nct_id": "NCT00000000"},
    ],
)
def test_trial_results_for_filters_and_orders_every_posted_row(loaded, filters):
    trial_modalities = {
        nct: modalities or [modality]
        for nct, modality, modalities in loaded.conn.execute(
            "SELECT nct_id, modality, modalities FROM public.benchmark_trials"
        )
    }
    expected = _expected(loaded.rows.trial_results, trial_modalities, **filters)
    assert _listed(loaded.api, **filters) == expected
    if filters in ({}, {"modality": "esketamine"}):
        assert len(expected) > 4  # placebo, held and non-comparable rows are listed too


def test_trial_results_for_returns_the_rows_as_stored(loaded):
    (row,) = ok(
        loaded.api, "benchmark_trial_results_for", nct_id="NCT90000022", instrument="MADRS"
    ).records()[:1]
    assert (row["measure_no"], row["held_for_review"], row["held_reason"]) == (
        1,
        True,
        "disagrees with a verified cohort of the same trial (test row)",
    )
    assert (row["value_text"], row["value"]) == ("-21.0", Decimal("-21.0"))
    assert row["denom_units"] == ["Participants"]
    unknown = call_as(loaded.api, "benchmark_trial_results_for", {"instrument": "madrs"})
    assert (unknown.sqlstate, unknown.error.split("; ")[0]) == (
        "22023",
        "unknown instrument 'madrs'",
    )


def test_a_trial_the_registry_no_longer_has_is_never_the_benchmark(loaded):
    loaded.conn.execute(
        "UPDATE public.benchmark_trials SET missing_since = now() WHERE nct_id = 'NCT90000021'"
    )
    try:
        answer = call_as(
            loaded.api, "primary_benchmark", {"modality": "esketamine", "instrument": "MADRS"}
        )
        assert answer.ok is False or answer.value["nct_id"] != "NCT90000021", answer
    finally:
        loaded.conn.execute(
            "UPDATE public.benchmark_trials SET missing_since = NULL WHERE nct_id = 'NCT90000021'"
        )

"""The read API's answers, called as a signed-in user through the API's login (authenticator),
against values computed here from the loaded rows (read as the owner): counts, pages, filters
and the benchmark rule."""

from collections import Counter
from datetime import date, datetime

import pandas as pd
import pytest

from benchmark_pipeline.lib.schema.read_api import READ_FUNCTIONS, app_view, call_as, example_scores
from benchmark_pipeline.lib.trials.indication import CATEGORIES, PSYCHIATRIC

from .expected import GROUPS, group, ok, rule


def trials(conn) -> pd.DataFrame:
    cursor = conn.execute(
        "SELECT nct_id, modality, modalities, indication_category, status, start_date,"
        " missing_since FROM public.benchmark_trials"
    )
    frame = pd.DataFrame(cursor.fetchall(), columns=[c.name for c in cursor.description])
    frame["group"] = frame["indication_category"].map(group)
    frame["all_modalities"] = [
        ms or [m] for m, ms in zip(frame.modality, frame.modalities, strict=True)
    ]
    return frame


def current(conn) -> pd.DataFrame:
    frame = trials(conn)
    return frame[frame["missing_since"].isna()]


def test_indication_groups_agree_with_the_classifier(loaded):
    for category in CATEGORIES:
        answer = ok(loaded.api, "benchmark_indication_group", indication_category=category)
        assert answer.value == group(category), category
    assert set(GROUPS) | PSYCHIATRIC == set(CATEGORIES)
    for unknown in (None, "psychiatric", "Depression"):
        assert (
            ok(loaded.api, "benchmark_indication_group", indication_category=unknown).value is None
        )


def test_summary_counts_the_loaded_rows(loaded):
    summary = ok(loaded.api, "benchmark_summary").value
    frame, rows = trials(loaded.conn), loaded.rows
    now = frame[frame["missing_since"].isna()]
    groups = Counter(now["group"])
    expected = {g: groups[g] for g in ["psychiatric", *dict.fromkeys(GROUPS.values())]}
    assert summary["trials"] == {
        "current": len(now),
        **expected,
        "unclassified": groups["unclassified"],
        "missing_from_registry": int(frame["missing_since"].notna().sum()),
    }
    assert all(expected.values()) and summary["trials"]["missing_from_registry"] == 1
    by_modality = now.explode("all_modalities").groupby("all_modalities")
    assert summary["trials_by_modality"] == {
        m: {"current": len(g), "psychiatric": int((g["group"] == "psychiatric").sum())}
        for m, g in by_modality
    }
    pooled = int((rows.cohorts["setting"] == "meta_analysis").sum())
    assert (summary["cohorts"], summary["pooled_meta_analyses"]) == (len(rows.cohorts) - pooled, 2)
    assert summary["study_outcome_rows"] == rows.study_outcomes == 281
    assert summary["population_baselines"] == rows.baselines
    assert summary["instruments"] == rows.instruments == 7
    for table, changed in summary["last_changed"].items():
        stamps = [r[0] for r in loaded.conn.execute(f"SELECT updated_at FROM public.{table}")]
        assert datetime.fromisoformat(changed) == max(stamps), table


def test_summary_of_empty_tables_says_never_changed(migrated, api):
    summary = call_as(api, "benchmark_summary").value
    assert set(summary["last_changed"].values()) == {None}
    assert summary["trials"]["current"] == summary["cohorts"] == 0
    assert summary["trials_by_modality"] == {}


def test_modalities_and_trial_counts_match_the_rows(loaded):
    now = current(loaded.conn).explode("all_modalities")
    cohorts = loaded.rows.cohorts
    answer = ok(loaded.api, "benchmark_modalities").records()
    names = sorted(set(now["all_modalities"]) | set(cohorts["modality"]))
    assert [r["modality"] for r in answer] == names
    for row in answer:
        mine = now[now["all_modalities"] == row["modality"]]
        theirs = cohorts[cohorts["modality"] == row["modality"]]
        psychiatric = int((mine["group"] == "psychiatric").sum())
        assert (row["trials"], row["psychiatric_trials"]) == (len(mine), psychiatric)
        pooled = int((theirs["setting"] == "meta_analysis").sum())
        assert (row["cohorts"], row["pooled_meta_analyses"]) == (len(theirs) - pooled, pooled)
        for only, count in ((True, psychiatric), (False, len(mine))):
            answer = ok(
                loaded.api,
                "benchmark_trial_count",
                modality=row["modality"],
                psychiatric_only=only,
            )
            assert answer.value == count
    every = current(loaded.conn)
    assert ok(loaded.api, "benchmark_trial_count").value == (every["group"] == "psychiatric").sum()
    all_trials = ok(loaded.api, "benchmark_trial_count", psychiatric_only=False).value
    assert all_trials == len(every)
    ketamine = ok(loaded.api, "benchmark_trial_count", modality="ketamine").value
    assert (
        ketamine
        < ok(loaded.api, "benchmark_trial_count", modality="ketamine", psychiatric_only=False).value
    )


def _pages(conn, page_size: int, **filters) -> list[str]:
    ids, page = [], 1
    while rows := ok(conn, "benchmark_trials_for", page_size=page_size, page=page, **filters).rows:
        assert len(rows) <= page_size
        ids += [r[1] for r in rows]  # nct_id is the table's second column
        page += 1
    return ids


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"modality": "ketamine"},
        {"modality": "esketamine"},
        {"indication_category": "depression"},
        {"status": "COMPLETED"},
        {"modality": "psilocybin", "status": "RECRUITING"},
    ],
)
def test_trial_pages_hold_every_current_trial_once_in_a_stable_order(loaded, filters):
    now = current(loaded.conn)
    keep = pd.Series(True, index=now.index)
    if "modality" in filters:
        keep &= now["all_modalities"].map(lambda ms: filters["modality"] in ms)
    if "indication_category" in filters:
        keep &= now["indication_category"] == filters["indication_category"]
    if "status" in filters:
        keep &= now["status"] == filters["status"]
    chosen = now[keep]
    expected = sorted(
        zip(chosen["start_date"], chosen["nct_id"], strict=True),
        key=lambda r: (-(r[0] or date.min).toordinal(), r[1]),
    )
    assert _pages(loaded.api, 3, **filters) == [nct for _, nct in expected]
    assert _pages(loaded.api, 500, **filters) == [nct for _, nct in expected]
    assert "NCT90000011" not in _pages(loaded.api, 50)  # no longer in the registry


def test_cohorts_for_filters_like_the_rows(loaded):
    cohorts = loaded.rows.cohorts
    for filters in [{}, {"modality": "mdma"}, {"condition": "PTSD"}, {"instrument": "mixed"},
                    {"modality": "psilocybin", "condition": "MDD", "instrument": "PHQ-9"}]:  # fmt: skip
        keep = pd.Series(True, index=cohorts.index)
        for column, value in filters.items():
            keep &= cohorts[column] == value
        names = [
            r["cohort_name"] for r in ok(loaded.api, "benchmark_cohorts_for", **filters).records()
        ]
        assert sorted(names) == sorted(cohorts.loc[keep, "cohort_name"]), filters
        assert len(names) == keep.sum() > 0


def test_primary_benchmark_follows_the_rule_for_every_combination(loaded):
    cohorts = loaded.rows.cohorts
    combos = {(m, c, None) for m, c in zip(cohorts.modality, cohorts.condition, strict=True)}
    combos |= {(m, None, i) for m, i in zip(cohorts.modality, cohorts.instrument, strict=True)}
    combos |= {(None, None, i) for i in cohorts.instrument} | {
        (m, None, None) for m in cohorts.modality
    }
    for modality, condition, instrument in sorted(combos, key=str):
        arguments = {"modality": modality, "condition": condition, "instrument": instrument}
        answer = ok(loaded.api, "primary_benchmark", **arguments).value
        expected = rule(cohorts, modality, condition, instrument)
        assert answer["cohort_name"] == expected.cohort_name, arguments
        assert answer["rule_step"] == expected.step, arguments
        assert f"Rule step {int(expected.step)}" in answer["chosen_because"]
        assert answer["doi"] == expected.doi and answer["n_participants"] == expected.n_participants


def test_primary_benchmark_examples(loaded):
    conn = loaded.api
    mdma = ok(
        conn, "primary_benchmark", modality="mdma", condition="PTSD", instrument="CAPS-5"
    ).value
    assert (mdma["cohort_name"], mdma["setting"], mdma["instrument"]) == (
        "Metapsy Pooled MDMA PTSD (Sypres Collaboration 2026)",
        "meta_analysis",
        "mixed",
    )
    assert mdma["effect_size_hedges_g"] == -0.7119 and mdma["n_participants"] == 242
    tied = ok(conn, "primary_benchmark", modality="psilocybin", condition="MDD").value
    assert tied["cohort_name"] == "PHQ-9 change cohort B (test 2021)"
    assert tied["publication_year"] == 2021
    assert tied["chosen_because"].endswith(
        " 2 cohort(s) share that N: the most recently published was taken, published 2021 "
        "(Test row of the read API tests, not a publication; test year 2021. "
        "doi:10.5555/benchmark-pipeline-test)."
    )
    ketamine = ok(conn, "primary_benchmark", modality="ketamine", condition="TRD").value
    assert (
        ketamine["cohort_name"] == "Murrough et al. Ketamine vs. Midazolam MDD (2013)"
    )  # N 73 > 40
    assert ketamine["followup_days"] == 1 and ketamine["source_citation"].startswith("Murrough JW")


def test_the_app_view_calls_every_read_function_and_compares_every_reported_instrument(loaded):
    view = app_view(loaded.api)
    assert view.failures() == []
    assert {a.function for a in view.answers} == {*READ_FUNCTIONS, "benchmark_instruments"}
    compared = [a.arguments["instrument"] for a in view.of("benchmark_comparison")]
    assert compared == ["CAPS-5", "GRID-HAMD-17", "MADRS", "PHDD-TLFB", "PHQ-9", "QIDS-SR-16"]
    assert view.not_compared == ["IES-R"]  # Feder 2014 reports neither a change nor an endpoint
    phq9 = view.of("benchmark_comparison")[4].value
    assert (phq9["baseline_score"], phq9["current_score"]) == (14, 7)
    assert phq9["direction_label"] == "similar"  # -7 beside cohort B's -6.0
    pairs = {
        (a.arguments["modality"], a.arguments["condition"]) for a in view.of("primary_benchmark")
    }
    cohorts = loaded.rows.cohorts
    assert pairs == set(zip(cohorts.modality, cohorts.condition, strict=True))


def test_the_illustrative_patient_improves_by_a_quarter_of_the_scale():
    assert example_scores(0, 27, True) == (14, 7)
    assert example_scores(0, 80, True) == (40, 20)
    assert example_scores(0, 100, False) == (50, 75)

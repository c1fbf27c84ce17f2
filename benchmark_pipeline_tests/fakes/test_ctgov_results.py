"""The fake posts results shaped by the spec for trials that have them, only when asked."""

import re
from collections import Counter

import httpx
import pytest

from . import spec
from .ctgov_core import FakeCtgov
from .ctgov_records import TrialRecords, generate_records
from .ctgov_results import NOT_ASSESSED, generate_results
from .ctgov_transport import mock_transport

RESULTS_FIELDS = "NCTId|LastUpdatePostDate|ResultsSection"
INSTRUMENTS = re.compile(r"\b(MADRS|CAPS-5|PHQ-9|QIDS-SR-16)\b")


@pytest.fixture(scope="module")
def records() -> TrialRecords:
    return generate_records(1_600, seed=7)


@pytest.fixture(scope="module")
def with_results(records: TrialRecords) -> list[str]:
    return [nct for nct in records.ids() if records.get(nct)["hasResults"]]


def _get(records: TrialRecords, params: dict) -> dict:
    fake = FakeCtgov(records)
    with httpx.Client(base_url="http://x/api/v2", transport=mock_transport(fake)) as client:
        response = client.get("/studies", params={"pageSize": "1000", **params})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def served(records: TrialRecords, with_results: list[str]) -> dict:
    ids = "|".join(records.ids()[:40] + with_results)
    return _get(records, {"filter.ids": ids, "fields": RESULTS_FIELDS})


def _measures(served: dict) -> list[dict]:
    results = [s["resultsSection"] for s in served["studies"] if "resultsSection" in s]
    return [m for r in results for m in r["outcomeMeasuresModule"]["outcomeMeasures"]]


def test_results_are_served_for_trials_with_results_and_pass_the_strict_spec(
    records: TrialRecords, with_results: list[str], served: dict
) -> None:
    spec.validate(served, strict=True)
    answered = {s["protocolSection"]["identificationModule"]["nctId"]: s for s in served["studies"]}
    assert len(with_results) > 100
    for nct, study in answered.items():
        assert ("resultsSection" in study) == (nct in with_results), nct
        assert list(study) == ["protocolSection", "resultsSection"][: len(study)]
        assert study["protocolSection"] == {
            "identificationModule": {"nctId": nct},
            "statusModule": {
                "lastUpdatePostDateStruct": {
                    "date": records.get(nct)["protocolSection"]["statusModule"][
                        "lastUpdatePostDateStruct"
                    ]["date"]
                }
            },
        }


def test_requests_that_do_not_ask_for_results_get_none(
    records: TrialRecords, with_results: list[str]
) -> None:
    ids = "|".join(with_results[:50])
    for params in (
        {"filter.ids": ids, "fields": "ProtocolSection|ConditionBrowseModule|HasResults"},
        {"filter.ids": ids},
        {"query.intr": "ketamine", "countTotal": "true"},
    ):
        body = _get(records, params)
        assert body["studies"] and all("resultsSection" not in s for s in body["studies"])
    assert all("resultsSection" not in s for s in records)  # the records themselves unchanged
    whole = _get(records, {"filter.ids": ids})["studies"]
    assert whole == [records.get(nct) for nct in records.ids() if nct in set(with_results[:50])]


def test_one_results_module_alone_is_served_alone(
    records: TrialRecords, with_results: list[str]
) -> None:
    body = _get(records, {"filter.ids": with_results[0], "fields": "OutcomeMeasuresModule"})
    (study,) = body["studies"]
    assert list(study) == ["resultsSection"]
    assert list(study["resultsSection"]) == ["outcomeMeasuresModule"]


def test_results_carry_the_variety_the_registry_posts(served: dict) -> None:
    measures = _measures(served)
    assert {m["paramType"] for m in measures} >= {
        "MEAN",
        "LEAST_SQUARES_MEAN",
        "MEDIAN",
        "COUNT_OF_PARTICIPANTS",
        "NUMBER",
    }
    assert {m.get("dispersionType") for m in measures} >= {
        "Standard Deviation",
        "Standard Error",
        "95% Confidence Interval",
        "Inter-Quartile Range",
        "Full Range",
        None,
    }
    assert {m["type"] for m in measures} == {
        "PRIMARY",
        "SECONDARY",
        "OTHER_PRE_SPECIFIED",
        "POST_HOC",
    }
    assert Counter(len(m["groups"]) for m in measures).keys() >= {2, 3}
    titles = {m["title"] for m in measures}
    assert any(INSTRUMENTS.search(t) for t in titles)
    assert any(not INSTRUMENTS.search(t) for t in titles)
    assert (
        "Change From Baseline in Montgomery-Åsberg Depression Rating Scale (MADRS) Total Score"
        in titles
    )
    classes = [c for m in measures for c in m["classes"]]
    assert {"Week 3", "Day 1", "Baseline"} <= {c.get("title") for c in classes}
    assert any("denoms" in c for c in classes)
    categories = [k for c in classes for k in c["categories"]]
    assert {"Responder", "Non-responder"} <= {k.get("title") for k in categories}
    values = [x for k in categories for x in k["measurements"]]
    assert any("value" not in x and x["comment"] == NOT_ASSESSED for x in values)
    assert any(x.get("value") == "NA" and x.get("comment") for x in values)
    assert any(m.get("analyses") for m in measures)


def test_arms_are_named_after_the_trials_drug_and_placebo(
    records: TrialRecords, served: dict
) -> None:
    for study in served["studies"]:
        if "resultsSection" not in study:
            continue
        nct = study["protocolSection"]["identificationModule"]["nctId"]
        names = [
            i["name"]
            for i in records.get(nct)["protocolSection"]["armsInterventionsModule"]["interventions"]
        ]
        for m in study["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]:
            first, *_, last = (g["title"] for g in m["groups"])
            assert any(first.startswith(name) for name in names), (nct, first, names)
            assert last == "Placebo" or last.endswith("(Active Placebo)")


def test_counts_add_up(served: dict) -> None:
    for study in served["studies"]:
        results = study.get("resultsSection")
        if results is None:
            continue
        period = results["participantFlowModule"]["periods"][0]
        started, completed, dropped = (
            [int(a["numSubjects"]) for a in milestone["achievements"]]
            for milestone in period["milestones"]
        )
        assert [c + d for c, d in zip(completed, dropped, strict=True)] == started
        baseline = [
            int(c["value"]) for c in results["baselineCharacteristicsModule"]["denoms"][0]["counts"]
        ]
        assert baseline[:-1] == started and baseline[-1] == sum(started)
        for m in results["outcomeMeasuresModule"]["outcomeMeasures"]:
            analysed = [int(c["value"]) for c in m["denoms"][0]["counts"]]
            assert all(0 < a <= s for a, s in zip(analysed, started, strict=True))


def test_the_same_trial_always_gets_the_same_results(records: TrialRecords) -> None:
    nct = next(n for n in records.ids() if records.get(n)["hasResults"])
    again = generate_records(1_600, seed=7).get(nct)
    section = generate_results(records.get(nct))
    assert section == generate_results(again)
    spec.validate(section, "ResultsSection", strict=True)


def test_a_results_section_put_into_a_record_is_served_as_it_is() -> None:
    records = generate_records(30, seed=2)
    nct = records.ids()[0]
    own = {"outcomeMeasuresModule": {"outcomeMeasures": [{"title": "Own", "groups": {}}]}}
    records.mutate(nct, lambda study: study.update(resultsSection=own))
    body = _get(records, {"filter.ids": nct, "fields": "NCTId|ResultsSection"})
    assert body["studies"][0]["resultsSection"] == own

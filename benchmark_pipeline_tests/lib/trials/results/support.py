"""Hand-built results pages in the API's shape, for the results tests."""

import copy
import json
from typing import Any


def measure(**changes: Any) -> dict:
    """One posted outcome measure: MADRS change, two arms, two time points (classes)."""
    posted = {
        "type": "PRIMARY",
        "title": "Change From Baseline in MADRS Total Score",
        "description": "Higher is worse.",
        "reportingStatus": "POSTED",
        "paramType": "LEAST_SQUARES_MEAN",
        "dispersionType": "Standard Error",
        "unitOfMeasure": "score on a scale",
        "timeFrame": "Baseline, Week 3 and Week 6",
        "groups": [
            {"id": "OG000", "title": "Psilocybin", "description": "25 mg"},
            {"id": "OG001", "title": "Placebo", "description": "Niacin"},
        ],
        "denoms": [
            {
                "units": "Participants",
                "counts": [
                    {"groupId": "OG000", "value": "30"},
                    {"groupId": "OG001", "value": "29"},
                ],
            }
        ],
        "classes": [
            {
                "title": "Week 3",
                "categories": [
                    {
                        "measurements": [
                            {"groupId": "OG000", "value": "-12.30", "spread": "1.50"},
                            {"groupId": "OG001", "value": "-6.1", "spread": "1.4"},
                        ]
                    }
                ],
            },
            {
                "title": "Week 6",
                "denoms": [
                    {
                        "units": "Participants",
                        "counts": [
                            {"groupId": "OG000", "value": "27"},
                            {"groupId": "OG001", "value": "0"},
                        ],
                    }
                ],
                "categories": [
                    {
                        "measurements": [
                            {"groupId": "OG000", "value": "-14.2", "spread": "1.6"},
                            {"groupId": "OG001", "comment": "Not assessed at Week 6."},
                        ]
                    }
                ],
            },
        ],
        "analyses": [
            {
                "groupIds": ["OG000", "OG001"],
                "pValue": "<0.001",
                "paramType": "LS Mean Difference",
                "paramValue": "-6.20",
                "ciPctValue": "95",
                "ciNumSides": "TWO_SIDED",
                "ciLowerLimit": "-9.9",
                "ciUpperLimit": "-2.5",
            }
        ],
    }
    posted.update(changes)
    return posted


def study(nct: str, measures: list[dict] | None = None, **changes: Any) -> dict:
    """A study as ``fields=NCTId|LastUpdatePostDate|ResultsSection`` returns it."""
    posted = {
        "protocolSection": {
            "identificationModule": {"nctId": nct},
            "statusModule": {"lastUpdatePostDateStruct": {"date": "2025-06-02"}},
        },
        "resultsSection": {
            "outcomeMeasuresModule": {
                "outcomeMeasures": measures if measures is not None else [measure()]
            }
        },
    }
    posted.update(changes)
    return posted


def three_measures() -> list[dict]:
    return [measure(), measure(type="SECONDARY"), measure(type="SECONDARY")]


def page(*studies: dict) -> bytes:
    """A ``PagedStudies`` body holding ``studies`` (deep-copied, so a test may change them)."""
    return json.dumps(
        {"studies": copy.deepcopy(list(studies)), "totalCount": len(studies)}
    ).encode()


def _participants(denoms: list[dict], group_id: str) -> str | None:
    for denom in denoms:
        if denom.get("units") == "Participants":
            for count in denom["counts"]:
                if count["groupId"] == group_id:
                    return count["value"]
    return None


def posted_measurements(document: dict) -> dict[tuple, dict]:
    """(measure_no, group_id, class_no, category_no) -> what a ``Study`` JSON posts there, read
    from the JSON itself (not through the decoder), in the row columns' names."""
    found = {}
    measures = document["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]
    for m, measure in enumerate(measures, start=1):
        titles = {g["id"]: g.get("title") for g in measure["groups"]}
        for c, klass in enumerate(measure.get("classes", []), start=1):
            for k, category in enumerate(klass.get("categories", []), start=1):
                for item in category["measurements"]:
                    group = item["groupId"]
                    n = _participants(klass.get("denoms", []), group)
                    n = n if n is not None else _participants(measure.get("denoms", []), group)
                    found[(m, group, c, k)] = {
                        "title": measure.get("title"),
                        "outcome_type": measure.get("type"),
                        "time_frame": measure.get("timeFrame"),
                        "unit_of_measure": measure.get("unitOfMeasure"),
                        "param_type": measure.get("paramType"),
                        "group_title": titles[group],
                        "class_title": klass.get("title"),
                        "category_title": category.get("title"),
                        "value_text": item.get("value"),
                        "spread_text": item.get("spread"),
                        "lower_limit_text": item.get("lowerLimit"),
                        "upper_limit_text": item.get("upperLimit"),
                        "comment": item.get("comment"),
                        "analysed_n": int(n) if n is not None else None,
                    }
    return found

"""Hand-built ``Study`` records for tests that need one particular trial, in the API's own shape.

``study("NCT00000001", ["Psilocybin"])`` is a recruiting phase 2 depression trial; every
keyword changes one part. ``registry(*studies)`` puts them into a ``TrialRecords`` the fake
serves.
"""

from typing import Any

from .ctgov_records import TrialRecords

Intervention = str | tuple[str, list[str]]


def study(
    nct_id: str | None,
    interventions: list[Intervention],
    *,
    status: str = "RECRUITING",
    title: str | None = "A trial",
    phases: list[str] | None = ("PHASE2",),
    countries: list[str] = ("United States",),
    enrollment: tuple[int, str] | None = (40, "ESTIMATED"),
    start: dict | None = None,
    primary_completion: dict | None = None,
    completion: dict | None = None,
    conditions: list[str] = ("Depression",),
    keywords: list[str] = (),
    mesh: tuple[list[str], list[str]] | None = None,
    healthy_volunteers: bool | None = False,
    study_type: str = "INTERVENTIONAL",
    design_info: dict | None = None,
    outcomes: list[dict] | None = None,
    has_results: bool | None = False,
) -> dict[str, Any]:
    """One ``Study`` as the API returns it with ``fields=ProtocolSection|ConditionBrowseModule|
    HasResults``; ``mesh`` is (condition MeSH terms, their ancestors)."""
    ident: dict[str, Any] = {"orgStudyIdInfo": {"id": f"ORG-{nct_id}"}}
    if nct_id:
        ident["nctId"] = nct_id
    if title:
        ident["briefTitle"] = title
        ident["officialTitle"] = f"{title}: a randomised, double-blind study"
    design: dict[str, Any] = {"studyType": study_type}
    if phases:
        design["phases"] = list(phases)
    design["designInfo"] = (
        design_info
        if design_info is not None
        else {"allocation": "RANDOMIZED", "primaryPurpose": "TREATMENT"}
    )
    if enrollment:
        design["enrollmentInfo"] = {"count": enrollment[0], "type": enrollment[1]}
    items = []
    for entry in interventions:
        name, others = (entry, []) if isinstance(entry, str) else entry
        item: dict[str, Any] = {"type": "DRUG", "name": name, "armGroupLabels": ["Active"]}
        if others:
            item["otherNames"] = list(others)
        items.append(item)
    conditions_module: dict[str, Any] = {"conditions": list(conditions)}
    if keywords:
        conditions_module["keywords"] = list(keywords)
    protocol: dict[str, Any] = {
        "identificationModule": ident,
        "statusModule": {
            "statusVerifiedDate": "2025-05",
            "overallStatus": status,
            "startDateStruct": start or {"date": "2024-03-15", "type": "ACTUAL"},
            "primaryCompletionDateStruct": primary_completion
            or {"date": "2026-06", "type": "ESTIMATED"},
            "completionDateStruct": completion or {"date": "2026-12", "type": "ESTIMATED"},
            "lastUpdatePostDateStruct": {"date": "2025-06-02", "type": "ACTUAL"},
        },
        "conditionsModule": conditions_module,
        "designModule": design,
        "armsInterventionsModule": {"interventions": items},
        "outcomesModule": {
            "primaryOutcomes": outcomes
            if outcomes is not None
            else [
                {"measure": "Change in MADRS total score", "timeFrame": "Week 6"},
                {"measure": "Response rate", "timeFrame": "Week 6"},
            ]
        },
        "contactsLocationsModule": {
            "locations": [{"facility": "Site", "city": "City", "country": c} for c in countries]
        },
    }
    if healthy_volunteers is not None:
        protocol["eligibilityModule"] = {"healthyVolunteers": healthy_volunteers}
    record: dict[str, Any] = {"protocolSection": protocol}
    terms, ancestors = mesh if mesh is not None else (["Depression"], ["Behavioral Symptoms"])
    record["derivedSection"] = {
        "conditionBrowseModule": {
            "meshes": [{"id": f"D{i:06d}", "term": t} for i, t in enumerate(terms)],
            "ancestors": [{"id": f"D{i + 900:06d}", "term": t} for i, t in enumerate(ancestors)],
        }
    }
    if has_results is not None:
        record["hasResults"] = has_results
    return record


def registry(*studies: dict[str, Any]) -> TrialRecords:
    """``studies`` in registry order, as the records a fake serves."""
    records = TrialRecords()
    for item in studies:
        records.add(item)
    return records

"""A fake ClinicalTrials.gov API v2 behind httpx.MockTransport, answering like the real one.

Studies are built in the API's own shape (``protocolSection`` modules); ``/studies`` filters them
by ``query.intr`` (case-insensitive substring of intervention names, broader like Essie's
synonyms: "ketamine" also returns esketamine trials), ``filter.overallStatus`` and
``filter.ids``, and pages them with opaque ``nextPageToken``s.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx
import jsonschema
import yaml

from benchmark_pipeline.resources import ClinicalTrialsResource
from benchmark_pipeline_tests.support.reference import reference_path

DATA_TIMESTAMP = "2026-09-04T09:00:06"


def study(
    nct_id: str | None,
    interventions: list[str | tuple[str, list[str]]],
    *,
    status: str = "RECRUITING",
    title: str | None = "A trial",
    phases: list[str] | None = ("PHASE2",),
    countries: list[str] = ("United States",),
    enrollment: tuple[int, str] | None = (40, "ESTIMATED"),
    start: dict | None = None,
    conditions: list[str] = ("Depression",),
) -> dict[str, Any]:
    """One ``Study`` as the API returns it with ``fields=ProtocolSection``."""
    ident = {"orgStudyIdInfo": {"id": f"ORG-{nct_id}"}}
    if nct_id:
        ident["nctId"] = nct_id
    if title:
        ident["briefTitle"] = title
        ident["officialTitle"] = f"{title}: a randomised, double-blind study"
    design = {"studyType": "INTERVENTIONAL"}
    if phases:
        design["phases"] = list(phases)
    if enrollment:
        design["enrollmentInfo"] = {"count": enrollment[0], "type": enrollment[1]}
    items = []
    for entry in interventions:
        name, others = (entry, []) if isinstance(entry, str) else entry
        item = {"type": "DRUG", "name": name, "armGroupLabels": ["Active"]}
        if others:
            item["otherNames"] = others
        items.append(item)
    return {
        "protocolSection": {
            "identificationModule": ident,
            "statusModule": {
                "statusVerifiedDate": "2025-05",
                "overallStatus": status,
                "startDateStruct": start or {"date": "2024-03-15", "type": "ACTUAL"},
                "completionDateStruct": {"date": "2026-12", "type": "ESTIMATED"},
                "lastUpdatePostDateStruct": {"date": "2025-06-02", "type": "ACTUAL"},
            },
            "conditionsModule": {"conditions": list(conditions)},
            "designModule": design,
            "armsInterventionsModule": {"interventions": items},
            "outcomesModule": {
                "primaryOutcomes": [
                    {"measure": "Change in MADRS total score", "timeFrame": "Week 6"},
                    {"measure": "Response rate", "timeFrame": "Week 6"},
                ]
            },
            "contactsLocationsModule": {
                "locations": [{"facility": "Site", "city": "City", "country": c} for c in countries]
            },
        }
    }


@cache
def _oas() -> dict:
    return yaml.safe_load(reference_path("ctgov", "ctg-oas-v2.yaml").read_text(encoding="utf-8"))


def declared_parameters(path: str) -> set[str]:
    return {p["name"] for p in _oas()["paths"][path]["get"].get("parameters", [])}


def validate_page(page: dict) -> None:
    """Raise unless ``page`` is a valid ``PagedStudies`` per the API's OpenAPI spec."""
    oas = _oas()
    schema = {"$ref": "#/components/schemas/PagedStudies", "components": oas["components"]}
    jsonschema.validate(page, schema)


def _text(s: dict) -> str:
    items = s["protocolSection"].get("armsInterventionsModule", {}).get("interventions", [])
    return " | ".join(n for i in items for n in [i.get("name", ""), *i.get("otherNames", [])])


def _matches_intr(s: dict, query: str) -> bool:
    terms = [t.strip().strip('"').lower() for t in query.split(" OR ")]
    return any(t in _text(s).lower() for t in terms)


@dataclass
class FakeCtgov:
    """The registry's content plus how the fake misbehaves; ``requests`` records every call."""

    studies: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 1000
    empty_page_after: int | None = None  # insert an empty page after this page number
    overcount: int = 0  # announce this many more studies than exist
    failures: list[httpx.Response] = field(default_factory=list)  # answered first, in order
    always_fail: int | None = None  # answer every /studies call with this status
    requests: list[httpx.Request] = field(default_factory=list)
    validate: bool = True

    def _select(self, params: httpx.QueryParams) -> list[dict]:
        chosen = self.studies
        if "filter.ids" in params:
            ids = set(params["filter.ids"].split("|"))
            chosen = [
                s
                for s in chosen
                if s["protocolSection"]["identificationModule"].get("nctId") in ids
            ]
            return chosen  # the API ignores other filters on an id query
        if "query.intr" in params:
            chosen = [s for s in chosen if _matches_intr(s, params["query.intr"])]
        if "filter.overallStatus" in params:
            statuses = set(params["filter.overallStatus"].split("|"))
            chosen = [
                s
                for s in chosen
                if s["protocolSection"]["statusModule"]["overallStatus"] in statuses
            ]
        return chosen

    def _pages(self, params: httpx.QueryParams) -> list[list[dict]]:
        chosen = self._select(params)
        size = min(int(params.get("pageSize", 10)) or 10, self.page_size)
        pages = [chosen[i : i + size] for i in range(0, len(chosen), size)] or [[]]
        if self.empty_page_after is not None and len(pages) > self.empty_page_after:
            pages.insert(self.empty_page_after, [])
        return pages

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.failures:
            return self.failures.pop(0)
        path = request.url.path.removeprefix("/api/v2")
        if path == "/version":
            return httpx.Response(
                200, json={"apiVersion": "2.0.5", "dataTimestamp": DATA_TIMESTAMP}
            )
        if path != "/studies":
            return httpx.Response(404, text="not found")
        if self.always_fail:
            return httpx.Response(self.always_fail, text="Service Unavailable")
        params = request.url.params
        undeclared = set(params) - declared_parameters("/studies")
        if undeclared:
            return httpx.Response(400, text=f"unknown parameters {sorted(undeclared)}")
        pages = self._pages(params)
        index = int(params["pageToken"].removeprefix("tok")) if "pageToken" in params else 0
        body: dict[str, Any] = {"studies": pages[index]}
        if index == 0 and params.get("countTotal") == "true":
            body["totalCount"] = sum(len(p) for p in pages) + self.overcount
        if index + 1 < len(pages):
            body["nextPageToken"] = f"tok{index + 1}"
        if self.validate:
            validate_page(body)
        return httpx.Response(
            200,
            content=json.dumps(body, separators=(",", ":")).encode(),
            headers={"content-type": "application/json"},
        )


def fake_resource(fake: FakeCtgov, **settings: Any) -> ClinicalTrialsResource:
    """A ClinicalTrialsResource that talks to ``fake`` and never waits."""
    handler: Callable[[httpx.Request], httpx.Response] = fake.handler

    class FakeTransportResource(ClinicalTrialsResource):
        def transport(self) -> httpx.BaseTransport:
            return httpx.MockTransport(handler)

        def sleep(self, seconds: float) -> None:
            return None

    defaults = {
        "base_url": "https://clinicaltrials.gov/api/v2",
        "min_interval_seconds": 0.0,
        "backoff_base_seconds": 0.0,
    }
    return FakeTransportResource(**{**defaults, **settings})

"""Deterministic psychedelic trial records shaped like ClinicalTrials.gov API v2 ``Study`` objects.

``generate_records(n, seed)`` gives the same records for the same arguments, and the first ``k``
records of a larger set are the ``k`` records of a smaller one, so a 1.6k run and a 100k run share
their prefix. ``TrialRecords`` holds them in registry order, keeps the modalities each record was
built from (the ground truth a classifier should find) and lets tests change or remove a record
while a fake server is serving it (``ctgov_store``).
"""

import bisect
import gc
import itertools
import math
import random

from .ctgov_conditions import CONDITION_CATEGORY, CONDITION_MESH, CONDITIONS
from .ctgov_store import TrialRecords
from .ctgov_vocabulary import (
    ACRONYM_NOISE,
    COMPARATORS,
    FACILITIES,
    INTERVENTION_NAMES,
    MODALITY_TERMS,
    MODALITY_WEIGHTS,
    OUTCOMES,
    PLACES,
    SPONSORS,
)

__all__ = ["MODALITY_TERMS", "TrialRecords", "generate_records", "generate_study"]

VERSION_HOLDER = "2026-09-03"
DATA_YEAR = 2026

# (status, weight): most registered psychedelic trials are completed or still recruiting.
STATUSES = (
    ("COMPLETED", 38),
    ("RECRUITING", 22),
    ("ACTIVE_NOT_RECRUITING", 10),
    ("NOT_YET_RECRUITING", 8),
    ("TERMINATED", 7),
    ("WITHDRAWN", 5),
    ("UNKNOWN", 5),
    ("ENROLLING_BY_INVITATION", 3),
    ("SUSPENDED", 2),
)
FINISHED = {"COMPLETED", "TERMINATED", "WITHDRAWN", "UNKNOWN", "ACTIVE_NOT_RECRUITING"}
PHASES = (
    (["PHASE2"], 30),
    (["PHASE1"], 14),
    (["PHASE1", "PHASE2"], 10),
    (["PHASE2", "PHASE3"], 4),
    (["PHASE3"], 8),
    (["PHASE4"], 12),
    (["EARLY_PHASE1"], 8),
    (["NA"], 14),
)
TWO_MODALITY_SHARE = 0.08
NO_MODALITY_SHARE = 0.03
OBSERVATIONAL_SHARE = 0.08
MULTI_COUNTRY_SHARE = 0.12

# An affine map onto 7.8M numbers gives distinct, scattered NCT numbers for any index below it.
_NCT_SPAN = 7_800_000
_NCT_STEP = 2_654_441
assert math.gcd(_NCT_STEP, _NCT_SPAN) == 1


class _Weighted:
    """A weighted draw with its cumulative weights computed once (choices() is the hot path)."""

    def __init__(self, pairs) -> None:
        self.values, weights = zip(*pairs, strict=True)
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random):
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _below(rng: random.Random, n: int) -> int:
    return int(rng.random() * n)


def _between(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def nct_id(index: int, seed: int) -> str:
    """The NCT id of record ``index`` of the set generated with ``seed`` ("NCT" + 8 digits)."""
    number = 100_000 + (index * _NCT_STEP + seed * 7_919) % _NCT_SPAN
    return f"NCT{number:08d}"


_STATUS = _Weighted(STATUSES)
_PHASES = _Weighted(PHASES)
_MODALITY = _Weighted(MODALITY_WEIGHTS.items())
_SECOND_MODALITY = {
    first: _Weighted((m, w) for m, w in MODALITY_WEIGHTS.items() if m != first)
    for first in MODALITY_WEIGHTS
}
_DATE_FORM = _Weighted((("day", 60), ("month", 36), ("year", 4)))
_COUNTRIES = tuple(PLACES)


def _partial_date(rng: random.Random, year: int) -> str:
    form = _DATE_FORM.draw(rng)
    month, day = _between(rng, 1, 12), _between(rng, 1, 28)
    if form == "day":
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}" if form == "month" else f"{year:04d}"


def _date_struct(rng: random.Random, year: int, actual: bool, omit_type_share: float) -> dict:
    struct: dict = {"date": _partial_date(rng, year)}
    if rng.random() >= omit_type_share:
        struct["type"] = "ACTUAL" if actual else "ESTIMATED"
    return struct


def _modalities(rng: random.Random) -> list[str]:
    draw = rng.random()
    if draw < NO_MODALITY_SHARE:
        return []
    first = _MODALITY.draw(rng)
    if draw >= NO_MODALITY_SHARE + TWO_MODALITY_SHARE:
        return [first]
    return [first, _SECOND_MODALITY[first].draw(rng)]


def _interventions(
    rng: random.Random, modalities: list[str], title_drug: str, noise: tuple | None
) -> list[dict]:
    interventions = []
    if noise:
        kind, name, _ = noise
        interventions.append({"type": kind, "name": name, "description": f"{name}, as usual."})
    for modality in modalities:
        name, other_names = rng.choice(INTERVENTION_NAMES[modality])
        item: dict = {"type": "DRUG", "name": name}
        if other_names:
            item["otherNames"] = list(other_names)
        item["description"] = f"{name} administered in a supervised dosing session."
        interventions.append(item)
    least = 0 if modalities or noise else 1
    for kind, name in rng.sample(COMPARATORS, k=_between(rng, least, 2)):
        interventions.append(
            {"type": kind, "name": name, "description": f"{name}, compared with {title_drug}."}
        )
    return interventions


def _locations(rng: random.Random) -> list[dict]:
    count = _between(rng, 2, 4) if rng.random() < MULTI_COUNTRY_SHARE else 1
    locations = []
    for country in rng.sample(_COUNTRIES, k=count):
        places = PLACES[country]
        for city, lat, lon in places[: 1 + _below(rng, len(places))]:
            location: dict = {}
            if rng.random() < 0.9:
                location["facility"] = f"{city} {FACILITIES[_below(rng, len(FACILITIES))]}"
            location["city"] = city
            location["country"] = country
            if rng.random() < 0.92:
                location["geoPoint"] = {"lat": lat, "lon": lon}
            locations.append(location)
    return locations


def _status_module(rng: random.Random, status: str) -> dict:
    if status in FINISHED:
        start = _between(rng, 2008, DATA_YEAR - 2)
        end = min(start + _between(rng, 1, 4), DATA_YEAR - 1)
        started, ended = status != "WITHDRAWN", status != "ACTIVE_NOT_RECRUITING"
    else:
        start = _between(rng, DATA_YEAR - 3, DATA_YEAR + 1)
        end = start + _between(rng, 1, 4)
        started, ended = status not in {"NOT_YET_RECRUITING", "WITHDRAWN"}, False
    updated = min(end, DATA_YEAR)
    return {
        "overallStatus": status,
        "startDateStruct": _date_struct(rng, start, started, omit_type_share=0.1),
        "primaryCompletionDateStruct": _date_struct(rng, end, ended, omit_type_share=0.05),
        "completionDateStruct": _date_struct(rng, end, ended, omit_type_share=0.05),
        "lastUpdatePostDateStruct": {
            "date": f"{updated}-{_between(rng, 1, 8):02d}-{_between(rng, 1, 28):02d}",
            "type": "ACTUAL",
        },
    }


def _design(rng: random.Random, status: str, observational: bool, healthy: bool) -> dict:
    design: dict = {"studyType": "OBSERVATIONAL" if observational else "INTERVENTIONAL"}
    if observational:
        design["designInfo"] = {"observationalModel": "COHORT", "timePerspective": "PROSPECTIVE"}
    else:
        design["phases"] = list(_PHASES.draw(rng))
        design["designInfo"] = {
            "allocation": "RANDOMIZED" if rng.random() < 0.7 else "NON_RANDOMIZED",
            "primaryPurpose": "BASIC_SCIENCE" if healthy else "TREATMENT",
        }
    design["enrollmentInfo"] = {
        "count": 0 if status == "WITHDRAWN" else _between(rng, 8, 400),
        "type": "ACTUAL" if status in FINISHED else "ESTIMATED",
    }
    return design


def _condition_browse(condition: str) -> dict:
    meshes, ancestors = CONDITION_MESH[condition]
    return {
        "meshes": [{"term": term} for term in meshes],
        "ancestors": [{"term": term} for term in ancestors],
    }


def generate_study(index: int, seed: int = 0) -> tuple[dict, frozenset[str]]:
    """Record ``index`` of the set for ``seed``: the ``Study`` JSON and its true modalities."""
    rng = random.Random(seed * 1_000_003 + index)
    modalities = _modalities(rng)
    noise = None if modalities or rng.random() < 0.5 else rng.choice(ACRONYM_NOISE)
    drug = " and ".join(INTERVENTION_NAMES[m][0][0] for m in modalities) or "Escitalopram"
    conditions = CONDITIONS[modalities[0] if modalities else "none"]
    condition = noise[2] if noise else conditions[_below(rng, len(conditions))]
    healthy = condition == "Healthy Volunteers"
    status = _STATUS.draw(rng)
    observational = rng.random() < OBSERVATIONAL_SHARE
    kind = "Prospective Observational" if observational else "Randomized, Double-Blind"
    sponsor = SPONSORS[_below(rng, len(SPONSORS))]
    study = {
        "protocolSection": {
            "identificationModule": {
                "nctId": nct_id(index, seed),
                "briefTitle": f"{drug} for {condition}",
                "officialTitle": f"A {kind} Study of {drug} in Adults With {condition} ({sponsor})",
            },
            "statusModule": _status_module(rng, status),
            "conditionsModule": {
                "conditions": [condition],
                "keywords": ["psychedelic", drug.lower()] if modalities else [drug.lower()],
            },
            "designModule": _design(rng, status, observational, healthy),
            "armsInterventionsModule": {
                "interventions": _interventions(rng, modalities, drug, noise)
            },
            "outcomesModule": {
                "primaryOutcomes": [
                    {"measure": measure, "timeFrame": frame}
                    for measure, frame in rng.sample(OUTCOMES, k=_between(rng, 1, 2))
                ]
            },
            # Some patient trials take healthy controls too; their condition still decides.
            "eligibilityModule": {
                "healthyVolunteers": healthy
                or (CONDITION_CATEGORY[condition] != "other" and rng.random() < 0.1)
            },
            "contactsLocationsModule": {"locations": _locations(rng)},
        },
        "derivedSection": {
            "miscInfoModule": {"versionHolder": VERSION_HOLDER},
            "conditionBrowseModule": _condition_browse(condition),
        },
        "hasResults": status == "COMPLETED" and rng.random() < 0.3,
    }
    return study, frozenset(modalities)


def generate_records(count: int, seed: int = 0) -> TrialRecords:
    """``count`` records for ``seed``; the same arguments always give the same records."""
    records = TrialRecords()
    # Millions of long-lived dicts make the cyclic collector rescan them over and over.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for index in range(count):
            study, modalities = generate_study(index, seed)
            nct = study["protocolSection"]["identificationModule"]["nctId"]
            records.studies[nct] = study
            records.modalities[nct] = modalities
    finally:
        if collecting:
            gc.enable()
    return records

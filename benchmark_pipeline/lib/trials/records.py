"""ClinicalTrials.gov API v2 study records -> one flat row per trial (pure functions).

Paths follow the API's ``protocolSection`` modules. A record restricted with ``fields`` keeps
the nested shape with only some leaves, so every lookup tolerates a missing module.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from benchmark_pipeline.lib.modalities import (
    DEFAULT_VOCABULARY,
    classify_names,
    modalities_from_searches,
)

# Columns of benchmark_trials that a refresh writes (nct_id is the key).
TABLE_COLUMNS = [
    "nct_id",
    "title",
    "phase",
    "status",
    "modality",
    "modalities",
    "conditions",
    "country",
    "countries",
    "enrollment_actual",
    "enrollment_count",
    "enrollment_type",
    "start_date",
    "completion_date",
    "primary_outcome_measure",
    "last_update_date",
]
# Columns of the raw frame only: how each trial was found and labelled.
PROVENANCE_COLUMNS = ["modality_source", "found_by"]
FRAME_COLUMNS = TABLE_COLUMNS + PROVENANCE_COLUMNS

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def parse_partial_date(value: str | None) -> date | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` -> a date; a missing part becomes 1 (``2024-12`` -> 2024-12-01).

    ``None`` or "" gives ``None``; any other shape raises ``ValueError`` rather than guess.
    """
    if not value:
        return None
    match = _PARTIAL_DATE.match(value.strip())
    if not match:
        raise ValueError(f"not a ClinicalTrials.gov date (yyyy, yyyy-MM or yyyy-MM-dd): {value!r}")
    year, month, day = match.groups()
    return date(int(year), int(month or 1), int(day or 1))


def _get(record: Mapping[str, Any], *path: str) -> Any:
    node: Any = record
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _date_of(protocol: Mapping[str, Any], struct: str) -> date | None:
    return parse_partial_date(_get(protocol, "statusModule", struct, "date"))


def intervention_names(protocol: Mapping[str, Any]) -> list[str]:
    """Every intervention's name and other names, in record order."""
    names: list[str] = []
    for item in _get(protocol, "armsInterventionsModule", "interventions") or []:
        names += [item.get("name") or "", *(item.get("otherNames") or [])]
    return [n for n in names if n]


def parse_study(study: Mapping[str, Any]) -> dict[str, Any]:
    """One API ``Study`` -> a row of ``TABLE_COLUMNS`` (modality columns left to ``label_rows``).

    ``nct_id`` is ``None`` when the record lacks it; callers count such records.
    """
    protocol = study.get("protocolSection") or {}
    ident = protocol.get("identificationModule") or {}
    enrollment = _get(protocol, "designModule", "enrollmentInfo") or {}
    enrollment_type = enrollment.get("type")
    enrollment_count = enrollment.get("count")
    phases = _get(protocol, "designModule", "phases") or []
    countries = sorted(
        {
            loc["country"]
            for loc in _get(protocol, "contactsLocationsModule", "locations") or []
            if loc.get("country")
        }
    )
    outcomes = _get(protocol, "outcomesModule", "primaryOutcomes") or []
    return {
        "nct_id": ident.get("nctId") or None,
        "title": ident.get("briefTitle") or ident.get("officialTitle") or None,
        "phase": "/".join(phases) or None,
        "status": _get(protocol, "statusModule", "overallStatus"),
        "modality": None,
        "modalities": [],
        "conditions": list(_get(protocol, "conditionsModule", "conditions") or []),
        "country": countries[0] if len(countries) == 1 else None,
        "countries": countries,
        # Only a count the registry reports as ACTUAL is an actual enrollment.
        "enrollment_actual": enrollment_count if enrollment_type == "ACTUAL" else None,
        "enrollment_count": enrollment_count,
        "enrollment_type": enrollment_type,
        "start_date": _date_of(protocol, "startDateStruct"),
        "completion_date": _date_of(protocol, "completionDateStruct"),
        "primary_outcome_measure": (outcomes[0].get("measure") if outcomes else None),
        "last_update_date": _date_of(protocol, "lastUpdatePostDateStruct"),
        "intervention_names": intervention_names(protocol),
    }


def label_row(
    row: dict[str, Any],
    found_by: Sequence[str],
    vocabulary: Mapping[str, Sequence[str]] = DEFAULT_VOCABULARY,
) -> dict[str, Any]:
    """Set ``modality``/``modalities`` from the interventions, else from the searches that found it.

    ``modality_source`` says which ("interventions", "search" or "none").
    """
    from_interventions = classify_names(row["intervention_names"], vocabulary)
    modalities = from_interventions or modalities_from_searches(found_by, vocabulary)
    source = "interventions" if from_interventions else ("search" if modalities else "none")
    return {
        **row,
        "modality": modalities[0] if modalities else None,
        "modalities": modalities,
        "modality_source": source,
        "found_by": list(found_by),
    }


def rows_to_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Labelled rows -> a frame of ``FRAME_COLUMNS`` sorted by ``nct_id``, counts as Int64."""
    frame = pd.DataFrame(list(rows), columns=FRAME_COLUMNS)
    for col in ("enrollment_actual", "enrollment_count"):
        frame[col] = frame[col].astype("Int64")
    return frame.sort_values("nct_id", kind="stable").reset_index(drop=True)


@dataclass
class ParsedTrials:
    """The deduplicated frame plus what did not make it in, so nothing is dropped silently."""

    frame: pd.DataFrame
    records_received: int
    without_nct_id: list[dict[str, Any]] = field(default_factory=list)
    repeats: int = 0  # records whose nct_id another record (another search) already gave


def _describe_malformed(study: Mapping[str, Any], found_by: str) -> dict[str, Any]:
    row = parse_study(study)
    return {"found_by": found_by, "title": row["title"], "status": row["status"]}


def build_trials(
    studies_by_search: Mapping[str, Iterable[Mapping[str, Any]]],
    vocabulary: Mapping[str, Sequence[str]] = DEFAULT_VOCABULARY,
) -> ParsedTrials:
    """Studies per search (modality -> records) -> one row per ``nct_id``, searches in given order.

    A trial returned by several searches is kept once, with every search in ``found_by``.
    """
    rows: dict[str, dict[str, Any]] = {}
    found_by: dict[str, list[str]] = {}
    received, repeats, malformed = 0, 0, []
    for search, studies in studies_by_search.items():
        for study in studies:
            received += 1
            row = parse_study(study)
            nct_id = row["nct_id"]
            if nct_id is None:
                malformed.append(_describe_malformed(study, search))
                continue
            if nct_id in rows:
                repeats += 1
            else:
                rows[nct_id] = row
            if search not in found_by.setdefault(nct_id, []):
                found_by[nct_id].append(search)
    frame = rows_to_frame(label_row(row, found_by[n], vocabulary) for n, row in rows.items())
    return ParsedTrials(
        frame=frame, records_received=received, without_nct_id=malformed, repeats=repeats
    )

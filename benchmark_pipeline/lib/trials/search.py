"""One run's searches of ClinicalTrials.gov, gathered into the value the raw trials asset hands on."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from benchmark_pipeline.lib.trials import client
from benchmark_pipeline.lib.trials.records import build_trials


@dataclass
class TrialSearch:
    """The trials one run found (one row per ``nct_id``) and everything its checks need to know:
    the vocabulary and statuses it searched with, what each search returned and what was left out."""

    frame: pd.DataFrame
    vocabulary: dict[str, tuple[str, ...]]
    statuses: list[str]
    total_count_per_search: dict[str, int]
    pages_per_search: dict[str, int]
    records_received: int
    repeats: int
    without_nct_id: list[dict[str, Any]] = field(default_factory=list)
    requests_made: int = 0
    api_version: str | None = None
    data_timestamp: str | None = None


def search_trials(
    session: client.CtgovSession,
    vocabulary: Mapping[str, Sequence[str]],
    statuses: Sequence[str],
    condition: str | None = None,
) -> TrialSearch:
    """``/version``, then one paged ``query.intr`` search per modality of ``vocabulary``.

    Raises ``client.CtgovError`` when the API does not answer usably (after its own retries).
    """
    version = client.read_version(session)
    results = {
        modality: client.fetch_all_pages(session, client.search_params(terms, statuses, condition))
        for modality, terms in vocabulary.items()
    }
    vocabulary = {m: tuple(terms) for m, terms in vocabulary.items()}
    parsed = build_trials({m: r.studies for m, r in results.items()}, vocabulary)
    return TrialSearch(
        frame=parsed.frame,
        vocabulary=vocabulary,
        statuses=list(statuses),
        total_count_per_search={m: r.total_count for m, r in results.items()},
        pages_per_search={m: r.pages for m, r in results.items()},
        records_received=parsed.records_received,
        repeats=parsed.repeats,
        without_nct_id=parsed.without_nct_id,
        requests_made=session.requests_made,
        api_version=_text(version.get("apiVersion")),
        data_timestamp=_text(version.get("dataTimestamp")),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)

"""One run's searches of ClinicalTrials.gov, gathered into the value the raw trials asset hands on."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from benchmark_pipeline.lib.trials import client, paging
from benchmark_pipeline.lib.trials.cursor import CursorUpdate, searches_digest
from benchmark_pipeline.lib.trials.records import RejectedRecord, TrialRows
from benchmark_pipeline.lib.trials.sweep import FULL, FetchPlan, registry_date


@dataclass
class TrialSearch:
    """The trials one run found (one row per ``nct_id``) and everything its checks need to know:
    the vocabulary and statuses it searched with, what each search returned and what was left
    out (records without an nctId, and records rejected with their field and reason)."""

    frame: pd.DataFrame
    vocabulary: dict[str, tuple[str, ...]]
    statuses: list[str]
    total_count_per_search: dict[str, int]
    pages_per_search: dict[str, int]
    records_received: int
    repeats: int
    without_nct_id: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[RejectedRecord] = field(default_factory=list)
    requests_made: int = 0
    api_version: str | None = None
    data_timestamp: str | None = None
    condition: str | None = None
    fetch: FetchPlan = field(default_factory=lambda: FetchPlan(FULL, "a full search"))
    bytes_received: int = 0
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def pages(self) -> int:
        return sum(self.pages_per_search.values())

    def cursor_update(self, *, rejected_later: int = 0) -> CursorUpdate:
        """The cursor a successful load of this search stores: its searches, the registry date
        it read (``dataTimestamp``'s, or the fetch's), and how it fetched.

        An incremental run that left a changed record out (rejected here, or ``rejected_later``
        by the look-ups) keeps the stored date: the next run asks for that record again rather
        than stepping past it. A full sweep always moves the date on; it sees every record.
        """
        read = registry_date(self.data_timestamp, self.fetched_at)
        held = self.fetch.incremental and (self.rejected or rejected_later)
        if held and self.fetch.cursor_date is not None:
            read = min(read, self.fetch.cursor_date)
        return CursorUpdate(
            searches_digest=searches_digest(self.vocabulary, self.statuses, self.condition),
            registry_date=read,
            registry_data_timestamp=self.data_timestamp,
            mode=self.fetch.mode,
            trials_fetched=len(self.frame),
        )

    @property
    def search_labelled(self) -> pd.DataFrame:
        """Trials whose label comes only from the search that found them."""
        return self.frame[self.frame["modality_source"] == "search"]


def search_trials(
    session: client.CtgovSession,
    vocabulary: Mapping[str, Sequence[str]],
    statuses: Sequence[str],
    condition: str | None = None,
    fetch: FetchPlan | None = None,
) -> TrialSearch:
    """``/version``, then one paged ``query.intr`` search per modality of ``vocabulary``; with an
    incremental ``fetch``, only for records updated on or after its ``changed_since``.

    Each page becomes rows as it arrives. Raises ``client.CtgovError`` when the API does not
    answer usably (after its own retries), ``client.MalformedAnswer`` when an answer is not what
    the API promises.
    """
    fetch = fetch or FetchPlan(FULL, "a full search")
    fetched_at = datetime.now(UTC)
    version = paging.read_version(session)
    vocabulary = {m: tuple(terms) for m, terms in vocabulary.items()}
    rows = TrialRows(vocabulary)
    progress: dict[str, paging.Paging] = {}
    for modality, terms in vocabulary.items():
        progress[modality] = paging.Paging()
        params = paging.search_params(terms, statuses, condition, fetch.changed_since)
        for page in paging.iter_pages(session, params, progress[modality]):
            rows.add(page.studies, modality, page.rejected)
    return TrialSearch(
        frame=rows.frame(),
        vocabulary=vocabulary,
        statuses=list(statuses),
        total_count_per_search={m: p.total_count for m, p in progress.items()},
        pages_per_search={m: p.pages for m, p in progress.items()},
        records_received=rows.records_received,
        repeats=rows.repeats,
        without_nct_id=rows.without_nct_id,
        rejected=rows.rejected,
        requests_made=session.requests_made,
        api_version=version.api_version,
        data_timestamp=version.data_timestamp,
        condition=condition,
        fetch=fetch,
        bytes_received=session.bytes_received,
        fetched_at=fetched_at,
    )

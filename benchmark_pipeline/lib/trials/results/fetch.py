"""Which trials' posted results to read, and reading them: by NCT id (``filter.ids``), in
batches, paced and bounded like every other request, only the pieces the rows use."""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from benchmark_pipeline.lib.trials.client import CtgovSession
from benchmark_pipeline.lib.trials.paging import iter_pages
from benchmark_pipeline.lib.trials.results.decoding import DecodedResults, results_page

# NCTId and the last update post date say which record the results belong to.
RESULTS_FIELDS = "NCTId|LastUpdatePostDate|ResultsSection"
# A results section runs to tens of kB: 50 a page keeps a page a few MB.
RESULTS_PER_PAGE = 50
IDS_PER_REQUEST = 50


@dataclass(frozen=True)
class ResultsPlan:
    """``to_read``: the trials whose results are read this run (never read, or their record
    changed since); ``unchanged``: those read before at the same last update date."""

    to_read: list[str]
    unchanged: list[str]


def plan_reads(
    with_results: Mapping[str, date | None], read_at: Mapping[str, date | None]
) -> ResultsPlan:
    """Trials that have results (``nct_id -> last_update_date`` of the trials table) against
    the ledger of earlier reads (``nct_id -> last_update_date`` read then)."""
    to_read, unchanged = [], []
    for nct_id in sorted(with_results):
        known = nct_id in read_at and read_at[nct_id] == with_results[nct_id]
        (unchanged if known and with_results[nct_id] is not None else to_read).append(nct_id)
    return ResultsPlan(to_read=to_read, unchanged=unchanged)


def results_params(nct_ids: Iterable[str]) -> dict[str, str]:
    """The ``/studies`` query for the posted results of these NCT ids."""
    return {
        "filter.ids": "|".join(nct_ids),
        "fields": RESULTS_FIELDS,
        "pageSize": str(RESULTS_PER_PAGE),
    }


def iter_results(
    session: CtgovSession, nct_ids: Iterable[str], batch_size: int = IDS_PER_REQUEST
) -> Iterator[DecodedResults]:
    """Decoded pages of the posted results of ``nct_ids``; a malformed page raises the
    client's ``MalformedAnswer`` naming the request, a bad study is a page's ``rejected``."""
    ids = sorted(set(nct_ids))
    for start in range(0, len(ids), batch_size):
        params = results_params(ids[start : start + batch_size])
        yield from iter_pages(session, params, decode=results_page)

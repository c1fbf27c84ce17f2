"""The refresh plan: trials in the table that this run's searches did not return.

Such a trial is looked up and kept current (it has usually become terminated, withdrawn or
suspended); one the registry no longer has at all is "gone" and gets ``missing_since``. A trial
whose current record is rejected is neither: it stays as it is, and the rejection is reported.
Nothing is ever deleted.

A full sweep looks every such trial up by NCT id. An incremental run saw only what changed, so
the trials it did not see are simply unchanged: it looks up only those that changed (one search
in any status, ``paging.changed_params``) and never marks a trial gone. A trial that left the
searches without a trace is found by the next full sweep.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from benchmark_pipeline.lib.trials.decoding import DecodedPage, nct_id_of
from benchmark_pipeline.lib.trials.records import RejectedRecord, TrialRows

LOOKUP = "lookup by nct_id"


@dataclass(frozen=True)
class RefreshPlan:
    not_seen: list[str]  # in the table, not returned by this run's searches
    refreshed: pd.DataFrame  # their current registry records, as table rows
    gone: list[str]  # not seen, and the registry no longer has them
    rejected: list[RejectedRecord] = field(default_factory=list)  # looked up, left as they are
    incremental: bool = False  # not_seen were not fetched: only the changed ones were looked up

    @property
    def looked_up(self) -> int:
        return len(self.not_seen)


def refreshed_rows(
    pages: Iterable[DecodedPage],
    known: Mapping[str, list[str]],
    vocabulary: Mapping[str, Sequence[str]],
) -> TrialRows:
    """Rows for trials looked up by id because the searches no longer returned them.

    Only requested ids are kept. When no intervention names a modality, the row keeps the
    modalities it already has in the table (``modality`` is NOT NULL there).
    """
    rows = TrialRows(vocabulary)
    for page in pages:
        wanted = [s for s in page.studies if nct_id_of(s) in known]
        rejected = [r for r in page.rejected if r.nct_id in known]
        rows.add(wanted, LOOKUP, rejected)
    return rows


def plan_refresh(
    known: Mapping[str, list[str]],
    seen: Iterable[str],
    lookup: Callable[[list[str]], Iterable[DecodedPage]],
    vocabulary: Mapping[str, Sequence[str]],
    *,
    incremental: bool = False,
) -> RefreshPlan:
    """Known minus seen, looked up with ``lookup`` (NCT ids -> decoded pages), labelled with
    ``vocabulary`` (the one the searches used). Of the pages, only trials known and not seen
    are kept. On a full sweep, ids the look-up does not return are gone; an ``incremental`` run's
    look-up returns only changed trials, so it finds nothing gone."""
    not_seen = sorted(set(known) - set(seen))
    asked = {nct: known[nct] for nct in not_seen}
    rows = refreshed_rows(lookup(not_seen) if not_seen else [], asked, vocabulary)
    refreshed = rows.frame(found_by=asked)
    rejected_ids = {r.nct_id for r in rows.rejected}
    gone = [] if incremental else sorted(set(not_seen) - set(refreshed["nct_id"]) - rejected_ids)
    return RefreshPlan(
        not_seen=not_seen,
        refreshed=refreshed,
        gone=gone,
        rejected=rows.rejected,
        incremental=incremental,
    )

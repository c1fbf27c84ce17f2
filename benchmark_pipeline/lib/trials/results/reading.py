"""One run's reading of posted results: which trials to read, the pages read, the rows they
make, and for every trial read what became of it (loaded, rejected, no results)."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from benchmark_pipeline.lib.trials.decoding import Rejected
from benchmark_pipeline.lib.trials.results.decoding import DecodedResults
from benchmark_pipeline.lib.trials.results.fetch import ResultsPlan
from benchmark_pipeline.lib.trials.results.load import Read, TrialFacts
from benchmark_pipeline.lib.trials.results.rows import ResultRows


@dataclass
class TrialResults:
    """What ``raw_trial_results`` hands on: the rows (``TABLE_COLUMNS``) of the trials read,
    the plan, one ``Read`` a trial read, the studies set aside, and what recognition noticed."""

    frame: pd.DataFrame
    plan: ResultsPlan
    reads: list[Read]
    rejected: list[Rejected]
    trials: dict[str, TrialFacts]
    near_misses: list[Any] = field(default_factory=list)
    not_returned: list[str] = field(default_factory=list)


def read_results(
    pages: Iterable[DecodedResults],
    trials: Mapping[str, TrialFacts],
    plan: ResultsPlan,
    derive: Callable[[pd.DataFrame, Mapping[str, TrialFacts]], tuple[pd.DataFrame, list[Any]]],
) -> TrialResults:
    """The rows of ``pages`` with the columns ``derive`` adds (instrument, quantity, arm,
    comparability), nobody held yet, and a ``Read`` for every trial of ``plan.to_read`` the
    registry returned (loaded, rejected, or without results). A trial it did not return (or
    returned without a usable NCT id) gets none: its rows stay and it is read again next run."""
    rows = ResultRows()
    returned: set[str] = set()
    for page in pages:
        returned.update(study.nct_id for study in page.studies)
        returned.update(r.nct_id for r in page.rejected if r.nct_id)
        rows.add_page(page)
    frame, near_misses = derive(rows.frame(), trials)
    frame["held_for_review"] = False
    frame["held_reason"] = None
    counts = frame["nct_id"].value_counts().to_dict()
    rejected = {r.nct_id: r for r in rows.rejected if r.nct_id}
    reads, not_returned = [], []
    for nct_id in plan.to_read:
        if nct_id not in returned:
            not_returned.append(nct_id)
            continue
        updated = trials[nct_id].last_update_date
        if nct_id in rejected:
            why = f"{rejected[nct_id].field}: {rejected[nct_id].reason}"
            reads.append(Read(nct_id, updated, "rejected", reason=why))
        elif counts.get(nct_id):
            reads.append(Read(nct_id, updated, "loaded", rows=int(counts[nct_id])))
        else:
            reads.append(Read(nct_id, updated, "no_results", reason="no outcome measure posted"))
    return TrialResults(frame, plan, reads, rows.rejected, dict(trials), near_misses, not_returned)

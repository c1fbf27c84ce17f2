"""The refresh plan: trials in the table that this run's searches did not return.

Such a trial is looked up by its NCT id and kept current (it has usually become terminated,
withdrawn or suspended); one the registry no longer has at all is "gone" and gets
``missing_since``. Nothing is ever deleted.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from benchmark_pipeline.lib.trials.records import label_row, parse_study, rows_to_frame


@dataclass(frozen=True)
class RefreshPlan:
    not_seen: list[str]  # in the table, not returned by this run's searches
    refreshed: pd.DataFrame  # their current registry records, as table rows
    gone: list[str]  # not seen, and the registry no longer has them

    @property
    def looked_up(self) -> int:
        return len(self.not_seen)


def refreshed_rows(
    studies: Iterable[Mapping],
    known: Mapping[str, list[str]],
    vocabulary: Mapping[str, Sequence[str]],
) -> pd.DataFrame:
    """Rows for trials looked up by id because the searches no longer returned them.

    Only requested ids are kept. When no intervention names a modality, the row keeps the
    modalities it already has in the table (``modality`` is NOT NULL there).
    """
    rows = {}
    for study in studies:
        row = parse_study(study)
        if row["nct_id"] in known and row["nct_id"] not in rows:
            rows[row["nct_id"]] = label_row(row, known[row["nct_id"]], vocabulary)
    return rows_to_frame(rows.values())


def plan_refresh(
    known: Mapping[str, list[str]],
    seen: Iterable[str],
    lookup: Callable[[list[str]], list[dict]],
    vocabulary: Mapping[str, Sequence[str]],
) -> RefreshPlan:
    """Known minus seen, looked up with ``lookup`` (NCT ids -> records), labelled with
    ``vocabulary`` (the one the searches used); ids the look-up does not return are gone."""
    not_seen = sorted(set(known) - set(seen))
    refreshed = refreshed_rows(lookup(not_seen) if not_seen else [], known, vocabulary)
    gone = sorted(set(not_seen) - set(refreshed["nct_id"]))
    return RefreshPlan(not_seen=not_seen, refreshed=refreshed, gone=gone)

"""Typed ClinicalTrials.gov studies -> one row per trial, and the frame of a run's trials.

``TrialRows`` takes pages as they arrive (so only rows, never raw pages, are held), keeps each
trial once with every search that returned it, and sets aside each study it cannot use with its
NCT id, field path and reason. Labels come last: a trial's modalities are those its
interventions name, else those of the searches that found it (``modality_source``).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from benchmark_pipeline.lib.modalities import (
    DEFAULT_VOCABULARY,
    matcher_for,
    modalities_from_searches,
)
from benchmark_pipeline.lib.trials.decoding import (
    RecordError,
    Rejected,
    convert_study,
    nct_id_of,
)
from benchmark_pipeline.lib.trials.row import (
    FRAME_COLUMNS,
    PROVENANCE_COLUMNS,
    TABLE_COLUMNS,
    SharedLists,
    study_row,
)
from benchmark_pipeline.lib.trials.wire import Study

__all__ = ["FRAME_COLUMNS", "PROVENANCE_COLUMNS", "TABLE_COLUMNS", "TrialRows", "build_trials"]


@dataclass(frozen=True)
class RejectedRecord:
    """A study left out of the run: its identity, the field at fault, why, and its searches."""

    nct_id: str | None
    field: str
    reason: str
    found_by: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "nct_id": self.nct_id,
            "field": self.field,
            "reason": self.reason,
            "found_by": list(self.found_by),
        }


@dataclass
class TrialRows:
    """The rows of one run, built page by page; ``frame()`` labels them and returns the frame."""

    vocabulary: Mapping[str, Sequence[str]] = field(default_factory=lambda: DEFAULT_VOCABULARY)
    records_received: int = 0
    repeats: int = 0  # records whose nct_id another record (another search) already gave
    without_nct_id: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[RejectedRecord] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._matcher = matcher_for(self.vocabulary)
        self._lists = SharedLists()
        # Kept by column, not by row: the frame then takes one column at a time.
        self._columns: list[list[Any]] = [[] for _ in TABLE_COLUMNS]
        self._index: dict[str, int] = {}  # nct_id -> position in the columns
        self._named: list[list[str]] = []  # modalities the interventions name, by position
        self._found_by: list[list[str]] = []
        self._rejected_at: dict[str, int] = {}
        self._frame: pd.DataFrame | None = None

    def __len__(self) -> int:
        return len(self._index)

    def add(
        self,
        studies: Iterable[Study],
        found_by: str | Sequence[str],
        rejected: Iterable[Rejected] = (),
    ) -> None:
        """Typed studies (and those the decoder set aside) that ``found_by`` returned."""
        searches = (found_by,) if isinstance(found_by, str) else tuple(found_by)
        for item in rejected:
            self.records_received += 1
            self._reject(item, searches)
        for study in studies:
            self.records_received += 1
            nct = nct_id_of(study)
            if not nct:
                self.without_nct_id.append(self._describe(study, searches))
                continue
            at = self._index.get(nct)
            if at is not None or nct in self._rejected_at:
                self.repeats += 1
            else:
                try:
                    row, named = study_row(nct, study, self._matcher, self._lists)
                except RecordError as exc:
                    self._reject(exc.rejected, searches)
                    continue
                at = self._index[nct] = len(self._named)
                for column, value in zip(self._columns, row, strict=True):
                    column.append(value)
                self._named.append(named)
                self._found_by.append([])
            if at is not None:
                known = self._found_by[at]
                known += [s for s in searches if s not in known]

    def add_records(
        self, records: Iterable[Mapping[str, Any]], found_by: str | Sequence[str]
    ) -> None:
        """Studies already parsed from JSON (dicts), typed here first."""
        studies, rejected = [], []
        for record in records:
            try:
                studies.append(convert_study(record))
            except RecordError as exc:
                rejected.append(exc.rejected)
        self.add(studies, found_by, rejected)

    def _reject(self, item: Rejected, searches: tuple[str, ...]) -> None:
        at = self._rejected_at.get(item.nct_id) if item.nct_id else None
        if at is None:
            if item.nct_id:
                self._rejected_at[item.nct_id] = len(self.rejected)
            self.rejected.append(RejectedRecord(item.nct_id, item.field, item.reason, searches))
            return
        self.repeats += 1
        old = self.rejected[at]
        merged = old.found_by + tuple(s for s in searches if s not in old.found_by)
        self.rejected[at] = RejectedRecord(old.nct_id, old.field, old.reason, merged)

    @staticmethod
    def _describe(study: Study, searches: tuple[str, ...]) -> dict[str, Any]:
        protocol = study.protocol_section
        ident = protocol and protocol.identification_module
        status = protocol and protocol.status_module
        return {
            "found_by": ", ".join(searches),
            "title": (ident and (ident.brief_title or ident.official_title)) or None,
            "status": status.overall_status if status else None,
        }

    def frame(self, found_by: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
        """Every row, labelled, sorted by ``nct_id``, in ``FRAME_COLUMNS``.

        ``found_by`` replaces the searches as the label fallback (a look-up by NCT id keeps
        the modalities the trial already has). The rows move into the frame: a later call
        returns the same frame.
        """
        if self._frame is not None:
            return self._frame
        ncts = self._columns[0]
        order = sorted(range(len(ncts)), key=ncts.__getitem__)
        searches = [found_by[ncts[i]] if found_by is not None else self._found_by[i] for i in order]
        labels: list[list[Any]] = [[], [], []]
        for i, searched in zip(order, searches, strict=True):
            named = self._named[i]
            modalities = named or modalities_from_searches(searched, self.vocabulary)
            labels[0].append(modalities[0] if modalities else None)
            labels[1].append(self._lists.of(modalities))
            labels[2].append(("interventions" if named else "search") if modalities else "none")
        data: dict[str, Any] = {}
        for position, name in enumerate(TABLE_COLUMNS):
            if name in ("modality", "modalities", "modality_source"):
                values = labels[("modality", "modalities", "modality_source").index(name)]
            else:
                values = list(map(self._columns[position].__getitem__, order))
                self._columns[position] = []  # one column at a time: never two copies of all
            data[name] = _column(name, values)
        data["found_by"] = _column("found_by", [self._lists.of(s) for s in searches])
        self._frame = pd.DataFrame(data, columns=FRAME_COLUMNS, copy=False)
        return self._frame


def _column(name: str, values: list[Any]) -> Any:
    if name in ("enrollment_actual", "enrollment_count"):
        return pd.array(values, dtype="Int64")
    return pd.Series(values, dtype=object)


def build_trials(
    studies_by_search: Mapping[str, Iterable[Mapping[str, Any]]],
    vocabulary: Mapping[str, Sequence[str]] = DEFAULT_VOCABULARY,
) -> "ParsedTrials":
    """Studies per search (modality -> records as dicts) -> one row per ``nct_id``.

    A trial returned by several searches is kept once, with every search in ``found_by``.
    """
    rows = TrialRows(vocabulary)
    for search, records in studies_by_search.items():
        rows.add_records(records, search)
    return ParsedTrials(
        frame=rows.frame(),
        records_received=rows.records_received,
        without_nct_id=rows.without_nct_id,
        repeats=rows.repeats,
        rejected=rows.rejected,
    )


@dataclass
class ParsedTrials:
    """The deduplicated frame plus what did not make it in, so nothing is dropped silently."""

    frame: pd.DataFrame
    records_received: int
    without_nct_id: list[dict[str, Any]] = field(default_factory=list)
    repeats: int = 0
    rejected: list[RejectedRecord] = field(default_factory=list)

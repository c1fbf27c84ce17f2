"""Typed ClinicalTrials.gov studies -> one row per trial, and the frame of a run's trials.

``TrialRows`` takes pages as they arrive (so only rows, never raw pages, are held), keeps each
trial once with every search that returned it, and sets aside each study it cannot use with its
NCT id, field path and reason. Labels come last: a trial's modalities are those its
interventions name, else those of the searches that found it (``modality_source``).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from sys import intern
from typing import Any

import msgspec
import pandas as pd

from benchmark_pipeline.lib.modalities import (
    DEFAULT_VOCABULARY,
    matcher_for,
    modalities_from_searches,
)
from benchmark_pipeline.lib.trials.dates import full_date, partial_date
from benchmark_pipeline.lib.trials.indication import indication_category
from benchmark_pipeline.lib.trials.wire import (
    DateStruct,
    RecordError,
    Rejected,
    Study,
    convert_study,
    nct_id_of,
)

# Columns of benchmark_trials that a refresh writes (nct_id is the key), in row order.
TABLE_COLUMNS = [
    "nct_id",
    "title",
    "phase",
    "status",
    "modality",
    "modalities",
    "modality_source",
    "indication_category",
    "conditions",
    "condition_mesh_terms",
    "condition_mesh_ancestors",
    "study_type",
    "primary_purpose",
    "allocation",
    "healthy_volunteers",
    "has_results",
    "country",
    "countries",
    "enrollment_actual",
    "enrollment_count",
    "enrollment_type",
    "start_date",
    "start_date_precision",
    "start_date_type",
    "primary_completion_date",
    "primary_completion_date_precision",
    "primary_completion_date_type",
    "completion_date",
    "completion_date_precision",
    "completion_date_type",
    "primary_outcome_measure",
    "primary_outcomes",
    "interventions",
    "last_update_date",
]
# Columns of the raw frame only: the searches that returned each trial.
PROVENANCE_COLUMNS = ["found_by"]
FRAME_COLUMNS = TABLE_COLUMNS + PROVENANCE_COLUMNS
_STATUS_PATH = "protocolSection.statusModule"
_ENCODE = msgspec.json.Encoder()


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


def _one(value: str | None) -> str | None:
    # One str object per distinct value: statuses, countries, MeSH terms, outcome measures and
    # whole intervention lists repeat across thousands of trials; a 100k-trial run stays lean.
    return intern(value) if value else None


class _Lists(dict):
    """One list object per distinct list of strings (read-only from here on: nothing downstream
    changes a cell in place)."""

    def of(self, values: Iterable[str | None]) -> list[str]:
        key = tuple(map(intern, filter(None, values)))
        found = self.get(key)
        if found is None:
            found = self[key] = list(key)
        return found


# (struct attribute, its path in the record) of the three partial dates, in column order.
_PARTIAL_DATES = tuple(
    (name, f"{_STATUS_PATH}.{camel}.date")
    for name, camel in (
        ("start_date_struct", "startDateStruct"),
        ("primary_completion_date_struct", "primaryCompletionDateStruct"),
        ("completion_date_struct", "completionDateStruct"),
    )
)
_LAST_UPDATE_PATH = f"{_STATUS_PATH}.lastUpdatePostDateStruct.date"


def _date(struct: DateStruct | None, path: str, nct: str) -> tuple[Any, Any, Any]:
    if struct is None or struct.date is None:
        return None, None, None
    try:
        value, precision = partial_date(struct.date)
    except ValueError as exc:
        raise RecordError(nct, path, str(exc)) from None
    return value, precision, _one(struct.type)


def _json(items: list[dict[str, Any]]) -> str:
    return intern(_ENCODE.encode(items).decode())


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
        self._lists = _Lists()
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
                    row, named = self._row(nct, study)
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

    def _row(self, nct: str, study: Study) -> tuple[list[Any], list[str]]:
        """The row of ``TABLE_COLUMNS`` (labels left empty) and the modalities named."""
        one, many = _one, self._lists.of
        protocol = study.protocol_section
        ident = protocol.identification_module
        status = protocol.status_module
        design = protocol.design_module
        design_info = design.design_info if design else None
        enrollment = design.enrollment_info if design else None
        conditions_module = protocol.conditions_module
        conditions = many(conditions_module.conditions) if conditions_module else []
        keywords = conditions_module.keywords if conditions_module else []
        browse = study.derived_section.condition_browse_module if study.derived_section else None
        mesh_terms = many(m.term for m in browse.meshes) if browse else []
        ancestors = many(m.term for m in browse.ancestors) if browse else []
        eligibility = protocol.eligibility_module
        healthy = eligibility.healthy_volunteers if eligibility else None
        arms = protocol.arms_interventions_module
        interventions = arms.interventions if arms else []
        names = [n for i in interventions for n in (i.name, *i.other_names) if n]
        named = self._lists.of(self._matcher.classify(names))
        outcomes = protocol.outcomes_module.primary_outcomes if protocol.outcomes_module else []
        locations = protocol.contacts_locations_module
        countries = (
            sorted({c for loc in locations.locations if (c := loc.country)}) if locations else []
        )
        count = enrollment.count if enrollment else None
        enrollment_type = enrollment.type if enrollment else None
        dates = []
        for name, path in _PARTIAL_DATES:
            dates += _date(getattr(status, name) if status else None, path, nct)
        last_update = status.last_update_post_date_struct if status else None
        if last_update is not None and last_update.date is not None:
            try:
                last_update_date = full_date(last_update.date)
            except ValueError as exc:
                raise RecordError(nct, _LAST_UPDATE_PATH, str(exc)) from None
        else:
            last_update_date = None
        phases = design.phases if design else []
        row = [
            nct,
            (ident.brief_title or ident.official_title or None),
            one("/".join(phases)) if phases else None,
            one(status.overall_status) if status else None,
            None,  # modality, set by frame()
            None,  # modalities
            None,  # modality_source
            indication_category(conditions, keywords, mesh_terms, ancestors, healthy),
            conditions,
            mesh_terms,
            ancestors,
            one(design.study_type) if design else None,
            one(design_info.primary_purpose) if design_info else None,
            one(design_info.allocation) if design_info else None,
            healthy,
            study.has_results,
            one(countries[0]) if len(countries) == 1 else None,
            many(countries),
            count if enrollment_type == "ACTUAL" else None,  # only an ACTUAL count is actual
            count,
            one(enrollment_type),
            *dates,
            one(outcomes[0].measure) if outcomes else None,
            _json(
                [
                    {"measure": o.measure, "time_frame": o.time_frame, "description": o.description}
                    for o in outcomes
                ]
            ),
            _json(
                [
                    {"name": i.name, "type": i.type, "other_names": i.other_names}
                    for i in interventions
                ]
            ),
            last_update_date,
        ]
        return row, named

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

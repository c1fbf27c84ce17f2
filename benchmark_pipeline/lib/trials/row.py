"""One typed study as one row of the trials table: the table's columns and how each is filled.

Dates keep their precision and type; an impossible one rejects the study (``RecordError``) with
its field path. Repeated strings and lists (statuses, countries, MeSH terms, intervention lists)
are shared, so a large run holds each distinct value once.
"""

from collections.abc import Iterable
from sys import intern
from typing import Any

import msgspec

from benchmark_pipeline.lib.modalities import ModalityMatcher
from benchmark_pipeline.lib.trials.dates import full_date, partial_date
from benchmark_pipeline.lib.trials.decoding import RecordError
from benchmark_pipeline.lib.trials.indication import indication_category
from benchmark_pipeline.lib.trials.wire import DateStruct, Study

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


def _one(value: str | None) -> str | None:
    # One str object per distinct value: statuses, countries, MeSH terms, outcome measures and
    # whole intervention lists repeat across thousands of trials; a 100k-trial run stays lean.
    return intern(value) if value else None


class SharedLists(dict):
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


def study_row(
    nct: str, study: Study, matcher: ModalityMatcher, lists: SharedLists
) -> tuple[list[Any], list[str]]:
    """The row of ``TABLE_COLUMNS`` for ``study`` (labels left empty, ``frame`` sets them) and
    the modalities its interventions name; ``RecordError`` for a value that cannot be used."""
    one, many = _one, lists.of
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
    named = lists.of(matcher.classify(names))
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
            [{"name": i.name, "type": i.type, "other_names": i.other_names} for i in interventions]
        ),
        last_update_date,
    ]
    return row, named

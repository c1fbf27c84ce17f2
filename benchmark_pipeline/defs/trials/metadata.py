"""Metadata that makes the trials assets readable in the Dagster UI."""

from datetime import date

import dagster as dg
import pandas as pd

from benchmark_pipeline.defs.metadata import frame_records, inline_table
from benchmark_pipeline.lib.trials.indication import CATEGORIES
from benchmark_pipeline.lib.trials.load import TrialsLoad
from benchmark_pipeline.lib.trials.search import TrialSearch

_COLUMN_DOCS = {
    "nct_id": ("text", "ClinicalTrials.gov identifier, NCT followed by 8 digits."),
    "title": ("text", "Brief title as registered, untruncated."),
    "phase": ("text", "Every phase, joined by '/', e.g. PHASE2/PHASE3; empty when not applicable."),
    "status": ("text", "Overall recruitment status, e.g. RECRUITING, COMPLETED, TERMINATED."),
    "modality": ("text", "Primary modality (first in the vocabulary's order)."),
    "modalities": ("text[]", "Every modality the trial's interventions name."),
    "modality_source": (
        "text",
        "'interventions' when the trial's interventions name the modality; 'search' when only "
        "the search that found it does (listed by the search_labelled_trials check).",
    ),
    "indication_category": (
        "text",
        "What the trial treats, from its conditions, MeSH terms, keywords and healthy-volunteer "
        "flag: " + ", ".join(CATEGORIES) + ".",
    ),
    "conditions": ("text[]", "Conditions studied, as registered."),
    "condition_mesh_terms": ("text[]", "The registry's MeSH terms for the conditions."),
    "condition_mesh_ancestors": ("text[]", "The MeSH ancestors of those terms."),
    "study_type": ("text", "INTERVENTIONAL, OBSERVATIONAL or EXPANDED_ACCESS."),
    "primary_purpose": ("text", "TREATMENT, PREVENTION, BASIC_SCIENCE, SUPPORTIVE_CARE, ..."),
    "allocation": ("text", "RANDOMIZED, NON_RANDOMIZED or NA (single arm)."),
    "healthy_volunteers": ("boolean", "Whether the trial accepts healthy volunteers."),
    "has_results": ("boolean", "Whether results are posted on ClinicalTrials.gov."),
    "country": ("text", "The country, when every site is in one country."),
    "countries": ("text[]", "Every distinct country with a site, sorted."),
    "enrollment_actual": ("integer", "Enrollment, only when the registry reports it as ACTUAL."),
    "enrollment_count": ("integer", "Enrollment as registered (actual or estimated)."),
    "enrollment_type": ("text", "ACTUAL or ESTIMATED."),
    "start_date": ("date", "Study start; a month or year alone is stored as its first day."),
    "start_date_precision": ("text", "day, month or year: how much of start_date is known."),
    "start_date_type": ("text", "ACTUAL or ESTIMATED; empty when the record says neither."),
    "primary_completion_date": ("date", "When the primary outcome data are (to be) complete."),
    "primary_completion_date_precision": ("text", "day, month or year."),
    "primary_completion_date_type": ("text", "ACTUAL or ESTIMATED; empty when not given."),
    "completion_date": ("date", "Study completion; a month or year alone: its first day."),
    "completion_date_precision": ("text", "day, month or year."),
    "completion_date_type": ("text", "ACTUAL or ESTIMATED; empty when not given."),
    "primary_outcome_measure": ("text", "The first registered primary outcome measure."),
    "primary_outcomes": (
        "jsonb",
        "Every primary outcome: [{measure, time_frame, description}], in registry order.",
    ),
    "interventions": ("jsonb", "Every intervention: [{name, type, other_names}]."),
    "last_update_date": ("date", "When the registry record was last updated (a full date)."),
    "found_by": ("text[]", "The modality searches that returned the trial."),
    "updated_at": ("timestamptz", "When this row's content last changed."),
    "missing_since": ("timestamptz", "Set when the registry no longer has the trial."),
}


def column_schema(columns: list[str]) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name=c, type=_COLUMN_DOCS[c][0], description=_COLUMN_DOCS[c][1])
            for c in columns
        ]
    )


PREVIEW_COLUMNS = ["nct_id", "modality", "indication_category", "status", "phase", "title"]


def preview(frame: pd.DataFrame, rows: int = 10) -> dg.MetadataValue | None:
    """The first ``rows`` trials, inline; ``None`` when there is none."""
    return frame_records(frame, PREVIEW_COLUMNS, rows)


def counts(series: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in series.value_counts().sort_index().items()}


def listed(counted: dict[str, int]) -> str:
    """``{"a": 3, "b": 1}`` as "a 3, b 1", largest first."""
    return ", ".join(f"{k} {n:,}" for k, n in sorted(counted.items(), key=lambda i: (-i[1], i[0])))


# What each column of ``trials_by_modality`` counts, for the asset's description and the table's
# schema.
MODALITY_COLUMNS = {
    "modality": "A modality of the vocabulary, in its order.",
    "registry total": "The registry's totalCount for the modality's own search (status filter "
    "applied); a trial found by several searches counts in each.",
    "pages": "Pages that search took.",
    "trials naming it": "Trials whose interventions name the modality (a trial naming "
    "several counts in each).",
    "as primary": "Trials whose primary modality it is (each trial counts once); the columns "
    "after it split these by indication category.",
}


def modality_table(search: TrialSearch) -> dg.MetadataValue | None:
    """One row per searched modality: its search's registry total and pages, the trials naming
    it, the trials it is primary for and those by indication category; then the totals."""
    frame = search.frame
    naming = {
        m: int(frame["modalities"].map(lambda ms, m=m: m in ms).sum()) for m in search.vocabulary
    }
    by_category = (
        pd.crosstab(frame["modality"], frame["indication_category"])
        if len(frame)
        else pd.DataFrame()
    )
    present = [c for c in CATEGORIES if c in by_category.columns]

    def split(modality: str) -> list[int]:
        if modality not in by_category.index:
            return [0] * len(present)
        return [int(by_category.loc[modality, c]) for c in present]

    rows = [
        [
            m,
            search.total_count_per_search.get(m, 0),
            search.pages_per_search.get(m, 0),
            naming[m],
            sum(split(m)),
            *split(m),
        ]
        for m in search.vocabulary
    ]
    rows.append(
        [
            "all",
            sum(search.total_count_per_search.values()),
            sum(search.pages_per_search.values()),
            len(frame),
            len(frame),
            *(int(by_category[c].sum()) for c in present),
        ]
    )
    return inline_table([*MODALITY_COLUMNS, *present], rows, descriptions=MODALITY_COLUMNS)


def rejected_table(rejected: list, limit: int = 50) -> dg.MetadataValue | None:
    """Rejected records (``RejectedRecord``), inline; ``None`` when there is none."""
    rows = [
        [r.nct_id or "(no nctId)", r.field, r.reason, ", ".join(r.found_by)]
        for r in rejected[:limit]
    ]
    return inline_table(["nct_id", "field", "reason", "found_by"], rows)


def cursor_outcome(load: TrialsLoad, registry_date: date) -> str:
    """Where the refresh cursor stands after ``load``, in words."""
    if load.dry_run:
        return "unchanged (dry run, rolled back)"
    if not load.cursor_written:
        return "unchanged (the load was incomplete: the next run fetches from the old cursor)"
    return f"{registry_date:%Y-%m-%d} (stored with the rows, in the load's transaction)"

"""Metadata that makes the trials assets readable in the Dagster UI."""

import dagster as dg
import pandas as pd

from benchmark_pipeline.defs.metadata import frame_table, markdown_table
from benchmark_pipeline.lib.trials.indication import CATEGORIES

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


def preview(frame: pd.DataFrame, rows: int = 10) -> dg.MetadataValue:
    columns = ["nct_id", "modality", "indication_category", "status", "phase", "title"]
    return frame_table(frame, columns, rows)


def counts(series: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in series.value_counts().sort_index().items()}


def modality_by_indication(frame: pd.DataFrame) -> dg.MetadataValue:
    """Trials per primary modality (rows) and indication category (columns), as markdown."""
    if frame.empty:
        return markdown_table(["modality"], [])
    table = pd.crosstab(frame["modality"], frame["indication_category"])
    present = [c for c in CATEGORIES if c in table.columns]
    table = table[present]
    rows = [[m, *(int(v) for v in table.loc[m]), int(table.loc[m].sum())] for m in table.index]
    totals = ["all", *(int(table[c].sum()) for c in present), int(table.values.sum())]
    return markdown_table(["modality", *present, "all"], [*rows, totals])


def rejected_table(rejected: list, limit: int = 50) -> dg.MetadataValue:
    """Rejected records (``RejectedRecord``) as a markdown table."""
    rows = [
        [r.nct_id or "(no nctId)", r.field, r.reason, ", ".join(r.found_by)]
        for r in rejected[:limit]
    ]
    return markdown_table(["nct_id", "field", "reason", "found_by"], rows, empty="_none_")

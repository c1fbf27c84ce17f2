"""Metadata that makes the trials assets readable in the Dagster UI."""

import dagster as dg
import pandas as pd

from benchmark_pipeline.defs.metadata import frame_table

_COLUMN_DOCS = {
    "nct_id": ("text", "ClinicalTrials.gov identifier, NCT followed by 8 digits."),
    "title": ("text", "Brief title as registered, untruncated."),
    "phase": ("text", "Every phase, joined by '/', e.g. PHASE2/PHASE3; empty when not applicable."),
    "status": ("text", "Overall recruitment status, e.g. RECRUITING, COMPLETED, TERMINATED."),
    "modality": ("text", "Primary modality (first in the vocabulary's order)."),
    "modalities": ("text[]", "Every modality the trial's interventions name."),
    "conditions": ("text[]", "Conditions studied, as registered."),
    "country": ("text", "The country, when every site is in one country."),
    "countries": ("text[]", "Every distinct country with a site, sorted."),
    "enrollment_actual": ("integer", "Enrollment, only when the registry reports it as ACTUAL."),
    "enrollment_count": ("integer", "Enrollment as registered (actual or estimated)."),
    "enrollment_type": ("text", "ACTUAL or ESTIMATED."),
    "start_date": ("date", "Study start; a month or year alone becomes its first day."),
    "completion_date": ("date", "Study completion; a month or year alone becomes its first day."),
    "primary_outcome_measure": ("text", "The first registered primary outcome measure."),
    "last_update_date": ("date", "When the registry record was last updated."),
    "modality_source": ("text", "'interventions', or 'search' when only the search names it."),
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
    columns = ["nct_id", "modality", "modalities", "status", "phase", "countries", "title"]
    return frame_table(frame, columns, rows)


def counts(series: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in series.value_counts().sort_index().items()}

"""Metadata that makes the posted results readable in the Dagster UI: per modality what was read
and what is comparable, the recognised primary outcomes, the trials set aside, the columns."""

import dagster as dg
import pandas as pd

from benchmark_pipeline.defs.metadata import inline_table, markdown_table
from benchmark_pipeline.lib.trials.results.columns import MEASUREMENT_COLUMNS
from benchmark_pipeline.lib.trials.results.reading import TrialResults

DERIVED_DOCS = {
    "instrument": ("text", "The instrument the measure's title (or description) names, or NULL"),
    "instrument_match": ("text", "The words the instrument was recognised by, and where"),
    "quantity": ("text", "change (from baseline), endpoint, or unknown"),
    "dispersion_kind": ("text", "standard_deviation, standard_error, confidence_interval ..."),
    "arm_role": ("text", "active, placebo or unknown (a placebo arm is never a benchmark)"),
    "modality": ("text", "The drug of the arm, from the trial's interventions"),
    "comparable": ("boolean", "Whether a patient's score on the instrument compares with it"),
    "not_comparable_reason": ("text", "Why not, in words; NULL when comparable"),
    "held_for_review": ("boolean", "Disagrees with a verified cohort: never a benchmark"),
    "held_reason": ("text", "Both values, when held"),
}


def results_schema() -> dg.TableSchema:
    columns = {**MEASUREMENT_COLUMNS, **DERIVED_DOCS}
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, kind, description=doc) for name, (kind, doc) in columns.items()
        ]
    )


def by_modality(value: TrialResults) -> dg.MetadataValue | None:
    """Per trial modality: trials with results, read this run, measures read, instruments
    recognised, comparable rows."""
    frame = value.frame
    modality_of = {n: t.modality or "(none)" for n, t in value.trials.items()}
    rows = []
    for modality in sorted(set(modality_of.values())):
        trials = {n for n, m in modality_of.items() if m == modality}
        part = frame[frame["nct_id"].isin(trials)]
        measures = part[["nct_id", "measure_no"]].drop_duplicates()
        instruments = sorted(part["instrument"].dropna().unique())
        read = sum(1 for n in value.plan.to_read if n in trials)
        rows.append(
            [
                modality,
                len(trials),
                read,
                len(measures),
                ", ".join(instruments) or "-",
                int(part["comparable"].sum()),
            ]
        )
    return inline_table(
        [
            "modality",
            "trials with results",
            "read this run",
            "measures",
            "instruments",
            "comparable rows",
        ],
        rows,
    )


def primary_outcomes(frame: pd.DataFrame, limit: int = 50) -> dg.MetadataValue:
    """The recognised primary outcomes read this run, one line a measure, as markdown."""
    primary = frame[(frame["outcome_type"] == "PRIMARY") & frame["instrument"].notna()]
    measures = primary.drop_duplicates(["nct_id", "measure_no"]).head(limit)
    rows = [
        [r.nct_id, r.instrument, r.quantity, r.title, r.time_frame, r.instrument_match]
        for r in measures.itertuples(index=False)
    ]
    return markdown_table(
        ["nct_id", "instrument", "quantity", "measure", "time frame", "recognised by"],
        rows,
        empty="_no recognised primary outcome read this run_",
    )


def rejected_results(rejected: list, limit: int = 50) -> dg.MetadataValue | None:
    rows = [[r.nct_id or "(no nctId)", r.field, r.reason] for r in rejected[:limit]]
    return inline_table(["nct_id", "field", "reason"], rows)

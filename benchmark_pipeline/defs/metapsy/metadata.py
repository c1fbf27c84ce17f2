"""What the Metapsy assets show in the Dagster UI: snapshots, rows per instrument, rejections,
and per pooled model its forest table, filters and excluded rows."""

from collections.abc import Sequence

import dagster as dg
import pandas as pd

from benchmark_pipeline.defs.metadata import inline_table, markdown_table
from benchmark_pipeline.lib.metapsy.contract import column_descriptions, column_types
from benchmark_pipeline.lib.metapsy.pooled import PooledDataset
from benchmark_pipeline.lib.metapsy.validation import DatasetValidation

POOLED_COLUMNS = {
    "dataset": ("text", "Metapsy dataset shorthand"),
    "release": ("text", "Release the model was fitted on"),
    "k": ("integer", "Effect sizes pooled (one per study in the primary model)"),
    "n": ("integer", "Participants pooled (n_arm1 + n_arm2)"),
    "hedges_g": ("numeric", "Pooled Hedges' g (negative favours the psychedelic arm)"),
    "ci_lower": ("numeric", "Knapp-Hartung 95% CI, lower bound"),
    "ci_upper": ("numeric", "Knapp-Hartung 95% CI, upper bound"),
    "pi_lower": ("numeric", "95% prediction interval, lower bound"),
    "pi_upper": ("numeric", "95% prediction interval, upper bound"),
    "tau2": ("numeric", "Between-study variance (REML)"),
    "i2_pct": ("numeric", "I^2 from Cochran's Q, %"),
    "q": ("numeric", "Cochran's Q"),
}


def outcomes_table_schema() -> dg.TableSchema:
    descriptions = column_descriptions()
    columns = [
        dg.TableColumn(name, type_name, description=descriptions[name])
        for name, type_name in column_types().items()
    ]
    columns.append(dg.TableColumn("updated_at", "timestamptz", description="Last content change"))
    return dg.TableSchema(columns=columns)


def pooled_schema() -> dg.TableSchema:
    return dg.TableSchema(
        columns=[dg.TableColumn(n, t, description=d) for n, (t, d) in POOLED_COLUMNS.items()]
    )


def snapshots_table(validations: Sequence[DatasetValidation]) -> dg.MetadataValue | None:
    rows = [
        [
            v.snapshot.dataset,
            v.snapshot.release,
            (v.snapshot.record.commit or "")[:12],
            v.snapshot.record.dataset_doi,
            v.rows_in,
            len(v.valid),
            len(v.rejections),
        ]
        for v in validations
    ]
    columns = ["dataset", "release", "commit", "dataset DOI", "rows in", "valid", "rejected"]
    return inline_table(columns, rows)


def rows_by_instrument_table(frame: pd.DataFrame) -> dg.MetadataValue | None:
    """Valid rows per dataset and instrument, with the outcome types present."""
    grouped = frame.groupby(["dataset", "instrument"], sort=True)["outcome_type"]
    rows = [
        [dataset, instrument, len(types), ", ".join(sorted(set(types)))]
        for (dataset, instrument), types in grouped
    ]
    return inline_table(["dataset", "instrument", "rows", "outcome types"], rows)


def rejections_table(validations: Sequence[DatasetValidation]) -> dg.MetadataValue | None:
    rows = [
        [v.snapshot.dataset, r.line, r.row_id, r.study, r.reasons]
        for v in validations
        for r in v.rejections
    ]
    columns = ["dataset", "line", "row id (.id)", "study", "field: reason"]
    return inline_table(columns, rows)


def rejections_json(validations: Sequence[DatasetValidation]) -> list[dict]:
    return [
        {
            "dataset": v.snapshot.dataset,
            "line": r.line,
            "row_id": r.row_id,
            "study": r.study,
            "problems": [
                {"field": p.field, "value": p.value, "reason": p.reason} for p in r.problems
            ],
        }
        for v in validations
        for r in v.rejections
    ]


def forest_table(pooled: PooledDataset) -> dg.MetadataValue:
    if pooled.fit is None:
        return dg.MetadataValue.text(f"no fit: {pooled.problem}")
    fit = pooled.fit
    rows = [
        [
            s.study,
            f"{s.hedges_g:.4f}",
            f"[{s.ci_lower:.4f}; {s.ci_upper:.4f}]",
            f"{s.weight_pct:.1f}",
        ]
        for s in fit.studies
    ]
    rows.append(
        [
            f"Random effects model (HK), k = {fit.k}, n = {fit.n}",
            f"{fit.hedges_g:.4f}",
            f"[{fit.ci_lower:.4f}; {fit.ci_upper:.4f}]",
            "100.0",
        ]
    )
    rows.append(["Prediction interval", "", f"[{fit.pi_lower:.4f}; {fit.pi_upper:.4f}]", ""])
    return inline_table(["study", "g", "95% CI", "weight %"], rows)


def filters_table(pooled: PooledDataset) -> dg.MetadataValue:
    if pooled.selection is None:
        return dg.MetadataValue.text(f"no filters applied: {pooled.problem}")
    rows = [
        [i, s.text, s.not_true, s.remaining] for i, s in enumerate(pooled.selection.steps, start=1)
    ]
    columns = ["#", "filterPoolingData statement", "rows it leaves out", "rows left after it"]
    return inline_table(columns, rows) or dg.MetadataValue.text("no filter")


def excluded_markdown(pooled: PooledDataset) -> dg.MetadataValue:
    rows = [
        [r.row_id, r.study, r.outcome_type, r.instrument, r.study_time_point, r.reasons]
        for r in (pooled.selection.excluded.itertuples() if pooled.selection else ())
    ]
    rows += [
        [r.row_id, r.study, "", "", "", f"rejected by validation: {r.reasons}"]
        for r in pooled.rejected
    ]
    columns = ["row id (.id)", "study", "outcome", "instrument", "time point", "why"]
    return markdown_table(columns, rows, empty="_no row excluded_")


def pooled_frame(results: Sequence[PooledDataset]) -> pd.DataFrame:
    rows = [
        {"dataset": p.snapshot.dataset, "release": p.snapshot.release}
        | {k: v for k, v in p.fit.values().items() if k in POOLED_COLUMNS}
        for p in results
        if p.fit is not None
    ]
    return pd.DataFrame(rows, columns=list(POOLED_COLUMNS))


def pooled_summary_table(results: Sequence[PooledDataset]) -> dg.MetadataValue | None:
    rows = []
    for p in results:
        published = p.snapshot.published
        if p.fit is None:
            fitted, verdict = f"no fit: {p.problem}", "no fit"
        else:
            fitted = p.fit.line()
            problems = p.check_problems()
            verdict = (
                "no published entry"
                if published is None
                else ("matches" if not problems else "; ".join(problems))
            )
        rows.append([p.label, fitted, published.line() if published else "", verdict])
    return inline_table(["dataset", "recomputed", "published", "comparison"], rows)

"""What the cohort assets show in the Dagster UI: previews, rejections, the table schema."""

import dagster as dg
import pandas as pd

from benchmark_pipeline.lib.cohort_schema import column_descriptions, column_types
from benchmark_pipeline.lib.cohorts import Rejection

PREVIEW_COLUMNS = [
    "cohort_name",
    "modality",
    "condition",
    "instrument",
    "n_participants",
    "followup_weeks",
    "effect_size_hedges_g",
    "effect_size",
    "effect_size_kind",
]


def _cell(value: object) -> str:
    text = "" if value is None or pd.isna(value) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def preview_markdown(frame: pd.DataFrame) -> str:
    """The valid rows' key columns; 'no valid rows' when there are none."""
    if frame.empty:
        return "_no valid rows_"
    return markdown_table(PREVIEW_COLUMNS, frame[PREVIEW_COLUMNS].values.tolist())


def rejections_markdown(rejections: list[Rejection]) -> str:
    """One line per rejected row: CSV row number (header = row 1), cohort, all reasons."""
    if not rejections:
        return "_no rejected rows_"
    rows = [[r.row, r.cohort_name, "; ".join(r.reasons)] for r in rejections]
    return markdown_table(["row", "cohort_name", "reasons"], rows)


def rejections_json(rejections: list[Rejection]) -> list[dict]:
    return [
        {"row": r.row, "cohort_name": r.cohort_name, "reasons": list(r.reasons)} for r in rejections
    ]


def cohort_table_schema() -> dg.TableSchema:
    descriptions = column_descriptions()
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, type_name, description=descriptions[name])
            for name, type_name in column_types().items()
        ]
    )

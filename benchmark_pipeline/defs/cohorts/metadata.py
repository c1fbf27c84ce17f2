"""What the cohort assets show in the Dagster UI: previews, rejections, the table schema."""

import dagster as dg
import pandas as pd

from benchmark_pipeline.defs.metadata import frame_table, markdown_table
from benchmark_pipeline.lib.cohorts.contract import column_descriptions, column_types
from benchmark_pipeline.lib.cohorts.validation import Rejection

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


def preview_markdown(frame: pd.DataFrame) -> dg.MetadataValue:
    """The valid rows' key columns; 'no valid rows' when there are none."""
    return frame_table(frame, PREVIEW_COLUMNS, len(frame), empty="_no valid rows_")


def rejections_markdown(rejections: list[Rejection]) -> dg.MetadataValue:
    """One line per rejected row: CSV row number (header = row 1), cohort, all reasons."""
    rows = [[r.row, r.cohort_name, "; ".join(r.reasons)] for r in rejections]
    return markdown_table(["row", "cohort_name", "reasons"], rows, empty="_no rejected rows_")


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

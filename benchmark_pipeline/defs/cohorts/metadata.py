"""What the cohort assets show in the Dagster UI: previews, rejections, the table schema."""

import dagster as dg
import pandas as pd

from benchmark_pipeline.defs.metadata import frame_table, markdown_table
from benchmark_pipeline.lib.cohorts.contract import column_descriptions, column_types
from benchmark_pipeline.lib.cohorts.validation import Rejection

# A file of many thousand rows is reported by count; only its first rows are listed.
MARKDOWN_ROWS = 200
JSON_ROWS = 2_000
LOGGED_ROWS = 20


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
    """The first ``MARKDOWN_ROWS`` valid rows' key columns; 'no valid rows' when there are
    none."""
    return frame_table(frame, PREVIEW_COLUMNS, MARKDOWN_ROWS, empty="_no valid rows_")


def shown(name: str) -> str:
    """A cohort name as metadata and logs can hold it: a NUL (which rejected its row, and
    which Dagster's PostgreSQL event storage cannot store) written as ``\\x00``."""
    return name.replace("\x00", "\\x00")


def rejections_markdown(rejections: list[Rejection]) -> dg.MetadataValue:
    """One line per rejected row: CSV row number (header = row 1), cohort, all reasons (the
    first ``MARKDOWN_ROWS``, then a line saying how many more)."""
    rows = [[r.row, shown(r.cohort_name), "; ".join(r.reasons)] for r in rejections[:MARKDOWN_ROWS]]
    if len(rejections) > MARKDOWN_ROWS:
        rows.append(["...", f"and {len(rejections) - MARKDOWN_ROWS:,} more rejected row(s)", ""])
    return markdown_table(["row", "cohort_name", "reasons"], rows, empty="_no rejected rows_")


def rejections_json(rejections: list[Rejection]) -> list[dict]:
    """The first ``JSON_ROWS`` rejected rows with their reasons."""
    return [
        {"row": r.row, "cohort_name": shown(r.cohort_name), "reasons": list(r.reasons)}
        for r in rejections[:JSON_ROWS]
    ]


def reuse_markdown(unverified: pd.DataFrame) -> dg.MetadataValue:
    """Cohort and any verified licence of the first ``MARKDOWN_ROWS`` unverified rows."""
    rows = unverified.head(MARKDOWN_ROWS).itertuples(index=False)
    return markdown_table(
        ["cohort_name", "license"], rows, empty="_every valid row has verified reuse terms_"
    )


def cohort_table_schema() -> dg.TableSchema:
    descriptions = column_descriptions()
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, type_name, description=descriptions[name])
            for name, type_name in column_types().items()
        ]
    )

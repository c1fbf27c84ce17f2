"""What the cohort assets show in the Dagster UI: previews, rejections, the table schema."""

import dagster as dg
import pandas as pd

from benchmark_pipeline.defs.metadata import frame_records, inline_table
from benchmark_pipeline.lib.cohorts.contract import column_descriptions, column_types
from benchmark_pipeline.lib.cohorts.validation import Rejection

# A file of many thousand rows is reported by count; only its first rows are listed.
LISTED_ROWS = 200
JSON_ROWS = 2_000
LOGGED_ROWS = 20


PREVIEW_COLUMNS = [
    "cohort_name",
    "modality",
    "condition",
    "instrument",
    "n_participants",
    "publication_year",
    "followup_weeks",
    "effect_size_hedges_g",
    "effect_size",
    "effect_size_kind",
]


def preview_table(frame: pd.DataFrame) -> dg.MetadataValue | None:
    """The first ``LISTED_ROWS`` valid rows' key columns, inline; ``None`` when there is none."""
    return frame_records(frame, PREVIEW_COLUMNS, LISTED_ROWS)


def shown(name: str) -> str:
    """A cohort name as metadata and logs can hold it: a NUL (which rejected its row, and
    which Dagster's PostgreSQL event storage cannot store) written as ``\\x00``."""
    return name.replace("\x00", "\\x00")


def rejections_table(rejections: list[Rejection]) -> dg.MetadataValue | None:
    """One line per rejected row, inline: CSV row number (header = row 1), cohort, all reasons
    (the first ``LISTED_ROWS``, then a line saying how many more); ``None`` when none."""
    rows = [[r.row, shown(r.cohort_name), "; ".join(r.reasons)] for r in rejections[:LISTED_ROWS]]
    if len(rejections) > LISTED_ROWS:
        rows.append(["...", f"and {len(rejections) - LISTED_ROWS:,} more rejected row(s)", ""])
    return inline_table(["row", "cohort_name", "reasons"], rows)


def rejections_json(rejections: list[Rejection]) -> list[dict]:
    """The first ``JSON_ROWS`` rejected rows with their reasons."""
    return [
        {"row": r.row, "cohort_name": shown(r.cohort_name), "reasons": list(r.reasons)}
        for r in rejections[:JSON_ROWS]
    ]


def reuse_table(unverified: pd.DataFrame) -> dg.MetadataValue | None:
    """Cohort and any verified licence of the first ``LISTED_ROWS`` unverified rows, inline;
    ``None`` when every row's terms were verified."""
    return frame_records(unverified, ["cohort_name", "license"], LISTED_ROWS)


def cohort_table_schema() -> dg.TableSchema:
    descriptions = column_descriptions()
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, type_name, description=descriptions[name])
            for name, type_name in column_types().items()
        ]
    )

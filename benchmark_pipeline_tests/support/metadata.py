"""Reading the metadata a run recorded, as the UI shows it."""

import dagster as dg


def table_rows(value: dg.MetadataValue) -> list[dict]:
    """The rows of an inline table entry (``dg.MetadataValue.table``), each a dict by column."""
    assert isinstance(value, dg.TableMetadataValue), f"not a table: {value!r}"
    return [record.data for record in value.records]


def rows_by(value: dg.MetadataValue, column: str) -> dict[object, dict]:
    """The rows of an inline table entry keyed by ``column``."""
    return {row[column]: row for row in table_rows(value)}

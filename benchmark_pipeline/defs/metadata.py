"""The shapes every asset and check uses to explain itself in the UI: a table (inline, or as
markdown), a number as a person reads it, and a check result built from a list of problems."""

from collections.abc import Iterable, Mapping, Sequence

import dagster as dg
import numpy as np
import pandas as pd

# A check's description lists this many problems; the rest are in its ``problems`` table.
PROBLEMS_DESCRIBED = 20


def readable(value: object) -> object:
    """A value as a person reads it: lists joined, missing values ``None``, numpy scalars as
    Python ones, floats rounded to four decimals, or four significant digits below 0.001
    (876.8000000000001 -> 876.8)."""
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if value != value:
            return None
        if value.is_integer():
            return int(value)
        return round(value, 4) if abs(value) >= 0.001 else float(f"{value:.4g}")
    return value if isinstance(value, str | int | bool) else str(value)


def _cell(value: object) -> str:
    shown = readable(value)
    return "" if shown is None else str(shown).replace("|", "\\|").replace("\n", " ")


def markdown_table(
    columns: Sequence[str], rows: Iterable[Sequence[object]], *, empty: str = "_no rows_"
) -> dg.MetadataValue:
    """A markdown table of ``rows`` under ``columns``; ``empty`` when there is no row."""
    lines = [f"| {' | '.join(columns)} |", "|" + "---|" * len(columns)]
    lines += [f"| {' | '.join(_cell(v) for v in row)} |" for row in rows]
    return dg.MetadataValue.md("\n".join(lines) if len(lines) > 2 else empty)


def frame_table(
    frame: pd.DataFrame, columns: Sequence[str], limit: int = 10, *, empty: str = "_no rows_"
) -> dg.MetadataValue:
    """The first ``limit`` rows of ``frame[columns]`` as a markdown table."""
    head = frame.head(limit)[list(columns)]
    return markdown_table(columns, head.itertuples(index=False), empty=empty)


def _column_type(values: list[object]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "bool"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "int"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "float"
    return "string"


def inline_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    descriptions: Mapping[str, str] | None = None,
) -> dg.MetadataValue | None:
    """``rows`` under ``columns`` as a table the UI shows inline (markdown longer than a few
    lines hides behind a link), each column with its description if given (the table's
    schema); ``None`` when there is no row, so nothing empty is emitted."""
    cells = [[readable(v) for v in row] for row in rows]
    if not cells:
        return None
    columns = list(columns)
    types = [_column_type([row[i] for row in cells]) for i in range(len(columns))]
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn(name, kind, description=(descriptions or {}).get(name))
            for name, kind in zip(columns, types, strict=True)
        ]
    )
    records = [
        dg.TableRecord(
            {
                name: str(v) if kind == "string" and v is not None else v
                for name, kind, v in zip(columns, types, row, strict=True)
            }
        )
        for row in cells
    ]
    return dg.MetadataValue.table(records=records, schema=schema)


def frame_records(
    frame: pd.DataFrame, columns: Sequence[str], limit: int = 10
) -> dg.MetadataValue | None:
    """The first ``limit`` rows of ``frame[columns]`` as an inline table; ``None`` when empty."""
    return inline_table(columns, frame.head(limit)[list(columns)].itertuples(index=False))


def entries(**metadata: object) -> dict[str, object]:
    """The metadata without the entries that are ``None`` (an empty listing says nothing)."""
    return {label: value for label, value in metadata.items() if value is not None}


def as_text(value: object) -> object:
    """A number as text ("1,234", "0.25"); any other value as it is."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    shown = readable(value)
    if shown is None:
        return dg.MetadataValue.text("not a number")
    return dg.MetadataValue.text(f"{shown:,}" if isinstance(shown, int) else str(shown))


def check_metadata(**metadata: object) -> dict[str, object]:
    """A check result's metadata: ``entries``, with every number as text. A check's page plots
    each numeric entry over its evaluations; a count that explains one evaluation is no trend,
    and one point on a flat line says nothing."""
    return {label: as_text(value) for label, value in entries(**metadata).items()}


def check_result(
    problems: Sequence[str],
    *,
    severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR,
    check_name: str | None = None,
    **metadata: object,
) -> dg.AssetCheckResult:
    """Passed when ``problems`` is empty; otherwise the first problems, joined, are the
    description and every problem is listed in a ``problems`` table. A passing result carries
    only ``metadata`` (without its ``None`` entries)."""
    described = "; ".join(problems[:PROBLEMS_DESCRIBED])
    if len(problems) > PROBLEMS_DESCRIBED:
        described += f"; and {len(problems) - PROBLEMS_DESCRIBED:,} more (see problems)"
    return dg.AssetCheckResult(
        check_name=check_name,
        passed=not problems,
        severity=severity,
        description=described or None,
        metadata=check_metadata(
            problems=inline_table(["problem"], [[p] for p in problems]), **metadata
        ),
    )

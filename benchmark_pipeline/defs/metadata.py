"""The two shapes every asset and check uses to explain itself in the UI: a markdown table and a
check result built from a list of problems."""

from collections.abc import Iterable, Sequence

import dagster as dg
import pandas as pd


def _cell(value: object) -> str:
    if isinstance(value, list | tuple):
        value = ", ".join(map(str, value))
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value).replace("|", "\\|").replace("\n", " ")


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


def check_result(
    problems: Sequence[str],
    *,
    severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR,
    check_name: str | None = None,
    **metadata: object,
) -> dg.AssetCheckResult:
    """Passed when ``problems`` is empty; otherwise the problems, joined, are the description."""
    return dg.AssetCheckResult(
        check_name=check_name,
        passed=not problems,
        severity=severity,
        description="; ".join(problems) if problems else None,
        metadata={"problems": dg.MetadataValue.json(list(problems)), **metadata},
    )

"""The CSV's text cells as typed columns, one column operation at a time.

A cell that is not what its column holds (a whole number, a finite number, true/false) or that
PostgreSQL could not store (an integer beyond the column's range, a NUL in text) becomes a
reason for its row, so the value never reaches COPY; the typed column holds NA there.
"""

import numpy as np
import pandas as pd

from benchmark_pipeline.lib.cohorts.reasons import RowReasons, as_mask
from benchmark_pipeline.lib.postgres.limits import INT_BOUNDS, integer_problem, text_problem

_WHOLE = r"[+-]?[0-9]+"
_NOT_A_NUMBER = frozenset({"nan", "+nan", "-nan"})
# Up to 18 digits fit in int64 whatever they are; the column's own range is checked after.
_INT64_SAFE_DIGITS = 18


def text_reasons(raw: pd.DataFrame, reasons: RowReasons) -> None:
    """A reason for every cell PostgreSQL text cannot hold, in any column."""
    for column in raw.columns:
        _text_column(raw[column], column, reasons)


def _text_column(values: pd.Series, column: str, reasons: RowReasons) -> None:
    # One check over the whole column first: nearly every column is clean.
    if text_problem("".join(values.tolist())) is None:
        return
    flags = np.array([text_problem(v) is not None for v in values.tolist()])
    reasons.add(flags, lambda i: f"{column} {text_problem(values.iat[i])}")


def text(values: pd.Series) -> pd.Series:
    """Text as is, missing where the cell is empty."""
    return values.where(values != "")


def integers(
    values: pd.Series, column: str, reasons: RowReasons, column_type: str = "integer"
) -> pd.Series:
    """Whole numbers (``Int64``) that a ``column_type`` column can hold; other cells are
    reasons, except a value <= 0, which the row rules judge. Only filled cells are parsed:
    most numeric columns are mostly empty."""
    rows = len(values)
    filled = np.flatnonzero(as_mask(values != ""))
    cells = values.iloc[filled]
    whole = as_mask(cells.str.fullmatch(_WHOLE))
    digits = cells.str.lstrip("+-").str.lstrip("0").str.len().to_numpy()
    safe = whole & (digits <= _INT64_SAFE_DIGITS)
    parsed, known = np.zeros(rows, dtype="int64"), np.zeros(rows, dtype=bool)
    parsed[filled[safe]] = cells.iloc[safe].astype("Int64").to_numpy(dtype="int64")
    known[filled[safe]] = True
    low, high = INT_BOUNDS[column_type]
    in_range = known & (parsed >= low) & (parsed <= high)
    not_whole, out_of_range = np.zeros(rows, dtype=bool), np.zeros(rows, dtype=bool)
    not_whole[filled[~whole]] = True
    out_of_range[filled[whole]] = True
    out_of_range &= ~in_range
    reasons.add(not_whole, lambda i: f"{column} {values.iat[i]!r} is not a whole number")
    reasons.add(
        out_of_range,
        lambda i: f"{column} {integer_problem(int(values.iat[i]), column_type)}",
    )
    return pd.Series(pd.arrays.IntegerArray(parsed, ~in_range), index=values.index)


def numbers(values: pd.Series, column: str, reasons: RowReasons) -> pd.Series:
    """Finite numbers (``Float64``); other cells are reasons."""
    rows = len(values)
    filled = np.flatnonzero(as_mask(values != ""))
    cells = values.iloc[filled]
    numeric = pd.to_numeric(cells, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    spelled_nan = as_mask(cells.str.lower().isin(_NOT_A_NUMBER))
    not_number, not_finite = np.zeros(rows, dtype=bool), np.zeros(rows, dtype=bool)
    not_number[filled] = np.isnan(numeric) & ~spelled_nan
    not_finite[filled] = np.isinf(numeric) | spelled_nan
    reasons.add(not_number, lambda i: f"{column} {values.iat[i]!r} is not a number")
    reasons.add(not_finite, lambda i: f"{column} {values.iat[i]!r} is not a finite number")
    parsed, missing = np.zeros(rows, dtype="float64"), np.ones(rows, dtype=bool)
    finite = np.isfinite(numeric)
    parsed[filled[finite]] = numeric[finite]
    missing[filled[finite]] = False
    return pd.Series(pd.arrays.FloatingArray(parsed, missing), index=values.index)


def booleans(values: pd.Series, column: str, reasons: RowReasons) -> pd.Series:
    """``true``/``false`` in any case (``boolean``), missing when empty; other cells are
    reasons."""
    lowered = values.str.lower()
    known = lowered.isin(["true", "false"])
    reasons.add(
        (values != "") & ~known, lambda i: f"{column} {values.iat[i]!r} is not true or false"
    )
    return lowered.map({"true": True, "false": False}).astype("boolean")

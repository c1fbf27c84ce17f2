"""The CSV's text cells as typed columns, one column operation at a time.

A cell that is not what its column holds (a whole number, a finite number, true/false) or that
PostgreSQL could not store (an integer beyond the column's range, a NUL in text) becomes a
reason for its row, so the value never reaches COPY; the typed column holds NA there.
"""

import numpy as np
import pandas as pd

from benchmark_pipeline.lib.cohorts.reasons import RowReasons
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
    reasons, except a value <= 0, which the row rules judge."""
    filled = values != ""
    whole = values.str.fullmatch(_WHOLE).fillna(False)
    reasons.add(filled & ~whole, lambda i: f"{column} {values.iat[i]!r} is not a whole number")
    digits = values.str.lstrip("+-").str.lstrip("0").str.len()
    parsed = values.where(whole & (digits <= _INT64_SAFE_DIGITS)).astype("Int64")
    low, high = INT_BOUNDS[column_type]
    out_of_range = whole & ~(parsed.between(low, high).fillna(False))
    reasons.add(
        out_of_range,
        lambda i: f"{column} {integer_problem(int(values.iat[i]), column_type)}",
    )
    return parsed.where(~out_of_range)


def numbers(values: pd.Series, column: str, reasons: RowReasons) -> pd.Series:
    """Finite numbers (``Float64``); other cells are reasons."""
    filled = values != ""
    parsed = pd.to_numeric(values.where(filled), errors="coerce").astype("float64")
    spelled_nan = values.str.lower().isin(_NOT_A_NUMBER)
    reasons.add(
        filled & parsed.isna() & ~spelled_nan,
        lambda i: f"{column} {values.iat[i]!r} is not a number",
    )
    not_finite = filled & (np.isinf(parsed) | spelled_nan)
    reasons.add(not_finite, lambda i: f"{column} {values.iat[i]!r} is not a finite number")
    return parsed.where(~not_finite).astype("Float64")


def booleans(values: pd.Series, column: str, reasons: RowReasons) -> pd.Series:
    """``true``/``false`` in any case (``boolean``), missing when empty; other cells are
    reasons."""
    lowered = values.str.lower()
    known = lowered.isin(["true", "false"])
    reasons.add(
        (values != "") & ~known, lambda i: f"{column} {values.iat[i]!r} is not true or false"
    )
    return lowered.map({"true": True, "false": False}).astype("boolean")

"""The reasons rows are rejected, collected rule by rule over whole columns.

A rule computes one boolean mask over every row at once; only the rows it flags pay for their
message, so validating 90,000 rows costs a few column operations per rule, and each rejected
row still keeps every reason, in the order the rules ran.
"""

from collections.abc import Callable

import numpy as np
import pandas as pd


def as_mask(flags: pd.Series | np.ndarray) -> np.ndarray:
    """A plain boolean array: missing (NA) counts as not flagged."""
    if isinstance(flags, pd.Series):
        return flags.to_numpy(dtype=bool, na_value=False)
    return np.asarray(flags, dtype=bool)


class RowReasons:
    """Reasons by row position (0 = the frame's first row)."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.by_position: dict[int, list[str]] = {}

    def add(self, flags: pd.Series | np.ndarray, message: Callable[[int], str]) -> None:
        """Record ``message(position)`` for every flagged row."""
        for position in np.flatnonzero(as_mask(flags)):
            self.by_position.setdefault(int(position), []).append(message(int(position)))

    def rejected(self) -> np.ndarray:
        """True for every row with at least one reason."""
        mask = np.zeros(self.rows, dtype=bool)
        mask[list(self.by_position)] = True
        return mask

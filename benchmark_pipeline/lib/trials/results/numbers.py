"""The numbers in posted results: a string the registry posted, read as an exact number or not.

The spec types every posted value as a string, and sponsors fill it with "12.30", "-1.5",
"NA", "<0.001" or "12.3 (SD 4)". Only a string that is a plain decimal number (sign, digits,
point, exponent) becomes a ``Decimal``, with the posted digits kept ("12.30" stays 12.30, so
PostgreSQL numeric stores what was posted); anything else stays text with no number, and says
why. Nothing is ever parsed out of a string that holds other text.
"""

import math
import re
from decimal import Decimal

from benchmark_pipeline.lib.postgres.limits import INT_BOUNDS

# A plain decimal number, as JSON or a spreadsheet writes one; no thousands separators, no words,
# and ASCII digits only (``\d`` and ``Decimal()`` would also take "١٢").
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Spellings Python's float() or Decimal() would take as a number that is not finite.
_NOT_FINITE = re.compile(r"[+-]?(?:s?nan|inf(?:inity)?)", re.IGNORECASE)
_INTEGER = re.compile(r"[0-9]+")

NOT_A_NUMBER = "not a number"
NOT_FINITE = "not a finite number"
EMPTY = "empty"


def parse_number(text: str | None) -> tuple[Decimal | None, str | None]:
    """``(number, None)`` for a plain finite decimal, ``(None, why)`` for any other text, and
    ``(None, None)`` when nothing was posted.

    Surrounding whitespace is ignored (it cannot change a number); "1e400" and "nan" are
    ``NOT_FINITE`` (outside what a double holds, so no reader could compare them), "NA",
    "--" and "12.3 (SD 4)" are ``NOT_A_NUMBER`` and "" is ``EMPTY``.
    """
    if text is None:
        return None, None
    stripped = text.strip()
    if not stripped:
        return None, EMPTY
    if _NOT_FINITE.fullmatch(stripped):
        return None, NOT_FINITE
    if not _NUMBER.fullmatch(stripped):
        return None, NOT_A_NUMBER
    number = Decimal(stripped)
    as_double = float(number)
    # A value a double cannot hold (1e400, or 1e-400 that would read as 0) is no measurement.
    if not math.isfinite(as_double) or (as_double == 0 and number != 0):
        return None, NOT_FINITE
    return number, None


def parse_count(text: str | None) -> tuple[int | None, str | None]:
    """A participant count posted as a string: ``(count, None)`` for plain digits within
    PostgreSQL integer, else ``(None, why)``; ``(None, None)`` when nothing was posted."""
    if text is None:
        return None, None
    stripped = text.strip()
    if not stripped:
        return None, EMPTY
    if not _INTEGER.fullmatch(stripped):
        return None, "not a whole number of participants"
    count = int(stripped)
    if count > INT_BOUNDS["integer"][1]:
        return None, "too large for a count"
    return count, None

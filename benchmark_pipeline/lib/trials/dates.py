"""ClinicalTrials.gov dates with their precision: ``yyyy``, ``yyyy-MM`` or ``yyyy-MM-dd``.

A date known only to the month or year is stored as its first day together with its precision
(``month``/``year``), so a reader never takes 2024-12-01 for an exact day. An impossible date
(``2023-13-45``, ``bad``) raises ``ValueError`` with the reason, never a guess.
"""

import functools
import re
from datetime import date

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
PRECISIONS = ("day", "month", "year")


@functools.lru_cache(maxsize=65_536)
def partial_date(text: str) -> tuple[date, str]:
    """(first day, precision) of a ``PartialDate``; ``ValueError`` when it is not one."""
    match = _PARTIAL.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a date in yyyy, yyyy-MM or yyyy-MM-dd form")
    year, month, day = match.groups()
    try:
        value = date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date: {exc}") from None
    return value, "day" if day else ("month" if month else "year")


def full_date(text: str) -> date:
    """A ``yyyy-MM-dd`` date (the spec's ``DateStruct``); ``ValueError`` for anything else."""
    value, precision = partial_date(text)
    if precision != "day":
        raise ValueError(f"{text!r} is not a full yyyy-MM-dd date")
    return value

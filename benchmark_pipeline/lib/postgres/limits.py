"""What a PostgreSQL column can hold, checked before a value reaches a load.

Validation calls these per value so that one value the database would refuse rejects only its
own record, with a reason, instead of failing a whole COPY.
"""

INT_BOUNDS = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}


def text_problem(value: str) -> str | None:
    """Why PostgreSQL text cannot hold ``value`` (a NUL, or a lone surrogate that has no UTF-8
    encoding); None when it can."""
    if "\x00" in value:
        return f"contains a NUL character at position {value.index(chr(0))}"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"contains {value[exc.start]!r} at position {exc.start}, which is not valid UTF-8"
    return None


def integer_problem(value: int, column_type: str = "integer") -> str | None:
    """Why a ``column_type`` column cannot hold ``value``; None when it can."""
    low, high = INT_BOUNDS[column_type]
    if not low <= value <= high:
        return f"{value} is outside the {column_type} range {low:,}..{high:,}"
    return None

"""The dose a group's title or description states, to order arms that differ only in dose.

``dose_of(title, description)`` returns (unit, amount) from the title, else from the
description, or None: the smallest amount stated in mg (µg and mcg as thousandths of a mg),
mg/kg or mg/70 kg ("1mg of psilocybin + 25mg of psilocybin" is 1 mg), else a word dose
("low" < "medium" = "moderate" < "high" dose) as ("word", rank). Amounts in different units
are not ordered by the caller.
"""

import re
from decimal import Decimal

_AMOUNT = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s*(mg\s*/\s*70\s*kg|mg\s*/\s*kg|mg|µg|μg|ug|mcg)(?![A-Za-z])",
    re.IGNORECASE,
)
_WORD = re.compile(r"\b(very\s+low|low|medium|moderate|high)[\s-]*doses?\b", re.IGNORECASE)
_RANKS = {"very low": 0, "low": 1, "medium": 2, "moderate": 2, "high": 3}
_THOUSANDTH = Decimal("0.001")


def _in(text: str | None) -> tuple[str, Decimal] | None:
    if not text:
        return None
    amounts = []
    for number, unit in _AMOUNT.findall(text):
        unit = re.sub(r"\s+", "", unit.lower())
        if unit in ("µg", "μg", "ug", "mcg"):
            amounts.append(("mg", Decimal(number) * _THOUSANDTH))
        else:
            amounts.append((unit, Decimal(number)))
    if amounts:
        units = {u for u, _ in amounts}
        # "0.5 mg/kg (about 35 mg)": two units in one text are no single dose.
        return (units.pop(), min(a for _, a in amounts)) if len(units) == 1 else None
    words = [_RANKS[" ".join(w.lower().split())] for w in _WORD.findall(text)]
    return ("word", Decimal(min(words))) if words else None


def dose_of(title: str | None, description: str | None) -> tuple[str, Decimal] | None:
    """(unit, amount) of the smallest dose the title states, else the description, or None."""
    return _in(title) or _in(description)

"""Whether a posted value compares with a patient's score on the instrument, and why not.

``unit_kind(unit, instrument)`` says what a posted unit counts: 'points' (the instrument's
own: "score on a scale", "units on a scale", "points", "MADRS total score"; for PHDD-TLFB a
percentage of days), 'participants' (counts or percentages of participants), 'percent'
(another percentage), 'missing', or 'other' ("days", a unit naming another instrument).

``measure_reason(...)`` is why no value of a measure compares, or None; ``value_reason`` is why
one posted value does not. A value compares only when an instrument was recognised, the
quantity is a change or an endpoint, the parameter is a mean or least-squares mean, the unit
is the instrument's points and the value is a number.
"""

import re

from benchmark_pipeline.lib.trials.results.instrument_finding import words_in

MEANS = frozenset({"MEAN", "LEAST_SQUARES_MEAN"})
NO_INSTRUMENT = "no instrument recognised"
NO_QUANTITY = "neither a change from baseline nor an endpoint score"

_I = re.IGNORECASE
_POINTS = re.compile(
    r"(?:(?:mean|total|change\s+in)\s+)?(?:(?:scale|total|sum|severity)\s+)?"
    r"(?:scores?|points?|units?)(?:\s+(?:on|of)\s+(?:a|the)\s+scale)?(?:\s*\(.*\))?",
    _I,
)
_PERCENT_OF_DAYS = re.compile(
    r"(?:percent(?:age)?|%)(?:\s+(?:of\s+)?(?:heavy\s+drinking\s+)?days?)?(?:\s+points?)?", _I
)
_PARTICIPANTS = re.compile(
    r"(?:(?:percent(?:age)?|%|proportion|number|count)\s+(?:of\s+)?)?"
    r"(?:participants?|patients?|subjects?|people|persons?)",
    _I,
)
_PERCENT = re.compile(r".*(?:percent|%).*", _I)
_PARAMS = {
    "COUNT_OF_PARTICIPANTS": "a count of participants, not a mean score",
    "COUNT_OF_UNITS": "a count of units, not a mean score",
    "NUMBER": "a number, not a mean score",
    "GEOMETRIC_MEAN": "a geometric mean, not a mean score",
    "GEOMETRIC_LEAST_SQUARES_MEAN": "a geometric least-squares mean, not a mean score",
    "LOG_MEAN": "a mean of logarithms, not a mean score",
}
_MEDIAN_WITH = {
    "full_range": "a median with a full range",
    "inter_quartile_range": "a median with an inter-quartile range",
    "confidence_interval": "a median with a confidence interval",
}


def unit_kind(unit: str | None, instrument: str | None) -> str:
    """What ``unit`` counts, for a measure of ``instrument`` (see the module docstring)."""
    words = " ".join((unit or "").split()).strip(" .:")
    if not words:
        return "missing"
    named = words_in(words)
    if set(named.instruments) - {instrument} or named.lookalikes or named.others:
        return "other"
    for texts in named.instruments.values():
        for text in texts:
            words = words.replace(text, " ")
    words = " ".join(words.split()).strip(" .:")
    if instrument == "PHDD-TLFB" and _PERCENT_OF_DAYS.fullmatch(words):
        return "points"
    if words and _POINTS.fullmatch(words):
        return "points"
    if _PARTICIPANTS.fullmatch(words):
        return "participants"
    return "percent" if _PERCENT.fullmatch(words) else "other"


def measure_reason(
    instrument: str | None,
    quantity: str,
    param_type: str | None,
    dispersion: str | None,
    unit: str | None,
    kind: str,
) -> str | None:
    """Why no value of the measure compares (the first reason, in plain words), or None;
    ``kind`` is ``unit_kind(unit, instrument)``."""
    if instrument is None:
        return NO_INSTRUMENT
    if kind == "participants" and re.match(r"\s*(?:percent|%|proportion)", unit or "", _I):
        return "a percentage of participants, not a mean score"
    if param_type == "MEDIAN":
        return _MEDIAN_WITH.get(dispersion or "", "a median, not a mean score")
    if param_type is None:
        return "no parameter type posted"
    if param_type not in MEANS:
        return _PARAMS.get(param_type, f"parameter {param_type!r} is not a mean score")
    if kind == "missing":
        return "no unit posted"
    if kind != "points":
        return f"unit {unit!r} is not the instrument's points"
    if quantity not in ("change", "endpoint"):
        return NO_QUANTITY
    return None


def value_reason(value_text: str | None, value: object) -> str | None:
    """Why one posted value is no number, or None when it is one."""
    if value is not None:
        return None
    if value_text is None or not value_text.strip():
        return "no value posted"
    return f"value {value_text!r} is not a number"

"""The kind of spread or limits an outcome measure posts, from its free-text dispersion type.

``dispersion_kind(text)`` reads the spec's enum spellings (``STANDARD_DEVIATION``,
``CONFIDENCE_95``, ``CONFIDENCE_INTERVAL_90`` ...) and the display texts the live API posts
("Standard Deviation", "95% Confidence Interval", "Inter-Quartile Range") as one of
``KINDS``; None when nothing is posted, or "NA" (the spec's "not applicable"); 'other' for
any other text. Only the kind is named: values are never converted (an SE stays an SE).
"""

import re

KINDS = (
    "standard_deviation",
    "standard_error",
    "confidence_interval",
    "inter_quartile_range",
    "full_range",
    "geometric_coefficient_of_variation",
    "other",
)

_EXACT = {
    "standard deviation": "standard_deviation",
    "sd": "standard_deviation",
    "standard error": "standard_error",
    "standard error of mean": "standard_error",
    "standard error of the mean": "standard_error",
    "se": "standard_error",
    "sem": "standard_error",
    "inter quartile range": "inter_quartile_range",
    "interquartile range": "inter_quartile_range",
    "iqr": "inter_quartile_range",
    "full range": "full_range",
    "range": "full_range",
    "geometric coefficient": "geometric_coefficient_of_variation",
    "geometric coefficient of variation": "geometric_coefficient_of_variation",
    "geometric cv": "geometric_coefficient_of_variation",
}
# "95% Confidence Interval", "CONFIDENCE_95", "confidence interval 97.5", "90 % CI".
_CONFIDENCE = re.compile(
    r"(?:\d+(?:\.\d+)?\s*%?\s*)?(?:confidence(?:\s+interval)?|ci)(?:\s*\d+(?:\.\d+)?\s*%?|\s+other)?"
)
_ABBREVIATION = re.compile(r"\s*\((?:sd|se|sem|ci|iqr|cv)\)\s*$")


def dispersion_kind(text: str | None) -> str | None:
    """One of ``KINDS``, or None when no dispersion is posted."""
    if text is None:
        return None
    words = re.sub(r"[\s_\-\u2010-\u2014]+", " ", text.strip().lower())
    words = _ABBREVIATION.sub("", words).strip()
    if words in ("", "na", "n/a", "not applicable", "none"):
        return None
    if words in _EXACT:
        return _EXACT[words]
    return "confidence_interval" if _CONFIDENCE.fullmatch(words) else "other"

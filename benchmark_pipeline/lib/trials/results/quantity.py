"""Whether an outcome measure posts a change from baseline, a score at a time point, or
something else, from its title, description and time frame.

``quantity_of(title, description, time_frame)`` returns 'change', 'endpoint' or 'unknown'.
The instrument's own words should be blanked out first (``blank``): "Percentage of Heavy
Drinking Days" is a score, not a percentage of participants.

- 'unknown' first, whatever else is said: a percent change (title or description), or a title
  on responders, remission, relapse, numbers of, proportions, percentages, time to an event,
  incidence, area under a curve or a slope, or on a maximum, an average over time, a
  difference between groups, a sustained reduction or a score minus another. Those are not
  means of the score.
- 'change': a change word (change, reduction, decrease, improvement) and "baseline" in one
  sentence of the title or of the description ("Change From Baseline in MADRS", "reduction
  from baseline"); or a title on a change ("Change in MADRS Total Score") whose time frame
  names baseline ("Baseline to Week 6").
- 'endpoint': no change word in the title, no "change" in the description, the title speaks
  of a score (score, total, severity, or an instrument that is itself a score), and the time
  point is said (in the title or the time frame), and the title does not say "from baseline".
- Otherwise 'unknown': a mean whose quantity is unclear is never guessed.
"""

import re

CHANGE, ENDPOINT, UNKNOWN = "change", "endpoint", "unknown"
# Stands in for the instrument's words, so its own words say nothing about the quantity.
INSTRUMENT_TOKEN = "INSTRUMENT"
SCORE_TOKEN = "INSTRUMENT score"

_I = re.IGNORECASE
_PERCENT_CHANGE = re.compile(
    r"(?:\bpercent(?:age)?|%)\s*(?:of\s+)?(?:change|reduction|decrease|improvement)|"
    r"\bpercent(?:age)?\s+of\s+baseline\b",
    _I,
)
_NOT_A_MEAN_TITLE = re.compile(
    r"\b(?:respon(?:se|ses|der|ders|ding)|remi(?:ssion|tted|tter|tters)|relapses?|"
    r"proportions?|percent(?:age)?s?|number\s+of|time\s+to|"
    r"incidence|area\s+under|AUC|slopes?|trajector(?:y|ies)|categor(?:y|ies|ical)|shift|"
    r"maxim(?:um|al)|minim(?:um|al)|peak|time[\s-]weighted|average[ds]?|differences?|"
    r"between|sustained|minus)\b|%",
    _I,
)
_CHANGE_WORD = re.compile(r"\b(?:change[sd]?|reductions?|decreases?|improvements?|CFB)\b", _I)
_CHANGE_ONLY = re.compile(r"\bchange[sd]?\b", _I)
_BASELINE = re.compile(r"\bbaseline\b", _I)
_FROM_BASELINE = re.compile(r"\b(?:from|since|relative\s+to)\s+baseline\b|\bbaseline\s+to\b", _I)
_SCORE = re.compile(r"\b(?:scores?|total|severity)\b", _I)
_TIME_POINT = re.compile(
    r"\b(?:at|after|on)\s+(?:week|day|month|year|visit)\s*\d+|\b(?:week|day|month)\s*\d+\b|"
    r"\bend\s+of\s+(?:treatment|study)\b|\bpost[\s-]?treatment\b",
    _I,
)
_SENTENCES = re.compile(r"(?<=[.;!?])\s+|\n")


def blank(text: str | None, words: list[str], token: str = INSTRUMENT_TOKEN) -> str:
    """``text`` with each of ``words`` (as found in it) replaced by ``token``."""
    out = text or ""
    for word in sorted(set(words), key=len, reverse=True):
        out = out.replace(word, f" {token} ")
    return out


def _says_change_from_baseline(text: str) -> bool:
    return any(
        _CHANGE_WORD.search(sentence) and _BASELINE.search(sentence)
        for sentence in _SENTENCES.split(text)
    )


def quantity_of(title: str | None, description: str | None, time_frame: str | None) -> str:
    """'change', 'endpoint' or 'unknown' by the rules of the module docstring."""
    title, description = title or "", description or ""
    if _PERCENT_CHANGE.search(title) or _PERCENT_CHANGE.search(description):
        return UNKNOWN
    if _NOT_A_MEAN_TITLE.search(title):
        return UNKNOWN
    if _says_change_from_baseline(title) or _says_change_from_baseline(description):
        return CHANGE
    if _CHANGE_WORD.search(title):
        return CHANGE if _BASELINE.search(time_frame or "") else UNKNOWN
    if _CHANGE_ONLY.search(description) or _FROM_BASELINE.search(title):
        return UNKNOWN
    timed = bool(_TIME_POINT.search(title) or (time_frame or "").strip())
    return ENDPOINT if _SCORE.search(title) and timed else UNKNOWN

"""What the read API should answer, worked out in Python from the loaded rows: the indication
groups, the benchmark rule written out again, and a call that must succeed."""

import re

import pandas as pd

from benchmark_pipeline.lib.schema.read_api import Answer, call_as
from benchmark_pipeline.lib.trials.indication import PSYCHIATRIC

# The non-psychiatric categories of lib/trials/indication.py by the group the summary counts.
GROUPS = {
    "chronic_pain": "pain",
    "acute_or_perioperative_pain": "pain",
    "anaesthesia_or_sedation": "anaesthesia",
    "ect": "ect",
    "healthy_volunteers": "healthy_volunteers",
    "other": "other",
}
SETTING_STEP = {"meta_analysis": 1, "clinical_trial": 2}


def group(category: str | None) -> str:
    if category is None:
        return "unclassified"
    return "psychiatric" if category in PSYCHIATRIC else GROUPS[category]


def ok(conn, function: str, **arguments) -> Answer:
    """The answer of a call that must succeed (as authenticated)."""
    answer = call_as(conn, function, arguments)
    assert answer.ok, f"{answer.call()}: {answer.sqlstate} {answer.error}"
    return answer


def year_in(name: str) -> int | None:
    years = re.findall(r"\b((?:19|20)\d\d)\b", name)
    return max(map(int, years)) if years else None


def rule(cohorts: pd.DataFrame, modality, condition, instrument, scored_only=False):
    """The cohort (a row tuple) the README's rule picks, written out again: step, then N, then
    the latest year in the name, then the name decide. None when no cohort qualifies."""
    keep = pd.Series(True, index=cohorts.index)
    if modality:
        keep &= cohorts["modality"] == modality
    if condition:
        keep &= cohorts["condition"] == condition
    if scored_only:
        scored = cohorts["change_mean"].notna() | cohorts["endpoint_mean"].notna()
        keep &= (cohorts["instrument"] == instrument) & scored
    elif instrument:
        keep &= (cohorts["setting"] == "meta_analysis") | (cohorts["instrument"] == instrument)
    candidates = cohorts[keep].assign(
        step=lambda f: f["setting"].map(SETTING_STEP).fillna(3),
        year=lambda f: f["cohort_name"].map(year_in),
    )
    ordered = sorted(
        candidates.itertuples(),
        key=lambda r: (r.step, -r.n_participants, -(r.year or 0), r.cohort_name),
    )
    return ordered[0] if ordered else None
